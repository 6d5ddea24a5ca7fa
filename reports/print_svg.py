"""Plotly's SVG made cheap for WeasyPrint to draw.

WeasyPrint draws a chart's SVG in Python, and two habits of that code make a report's
charts cost more than the rest of the report:

- Plotly writes every colour and font as a `style` attribute, which WeasyPrint parses
  with its full CSS tokenizer, element by element. `presentation_attributes` rewrites
  those declarations as the equivalent SVG presentation attributes.
- WeasyPrint lays out and draws SVG text one character at a time (a Pango layout per
  character), because SVG may place each character on its own. Plotly never does, so
  `draw_text_runs_whole` lets WeasyPrint shape a run that has one position as a whole,
  as a browser does; text placed per character is still drawn per character.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from xml.sax.saxutils import escape

START_TAG = re.compile(r"<([A-Za-z][^\s/>]*)((?:\s+[^\s=/>]+=\"[^\"]*\")*)\s*(/?)>")
ATTRIBUTE = re.compile(r"([^\s=]+)=\"([^\"]*)\"")
HAS_STYLE = re.compile(r"\sstyle=\"")
# Attributes that give characters positions, spacing or angles of their own.
PER_CHARACTER = ("x", "y", "dx", "dy")
SPACING = ("rotate", "letter-spacing", "textLength")


def presentation_attributes(svg: str) -> str:
    """`svg` with each element's `style` declarations as attributes (a declaration
    overrides an attribute of the same name, as in CSS)."""
    return START_TAG.sub(_rewrite_tag, svg)


def _rewrite_tag(match: re.Match[str]) -> str:
    tag, attributes, closing = match.groups()
    if not HAS_STYLE.search(attributes):
        return match[0]
    merged = dict(ATTRIBUTE.findall(attributes))
    style = html.unescape(merged.pop("style"))
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        if colon and name.strip():
            merged[name.strip().lower()] = escape(value.strip(), {'"': "&quot;"})
    rewritten = "".join(f' {name}="{value}"' for name, value in merged.items())
    return f"<{tag}{rewritten}{closing}>"


class WholeRun(str):
    """Text that WeasyPrint's per-character loop sees as a single character."""

    def __iter__(self):
        yield str(self)


class _WholeRuns:
    """WeasyPrint's SVG text drawer, handing it a run placed as a whole as one character."""

    draws_whole_runs = True  # how `draw_text_runs_whole` tells it is installed

    def __init__(self, draw_per_character: Callable[..., None]) -> None:
        from weasyprint.svg.utils import normalize

        self.draw_per_character = draw_per_character
        self.normalize = normalize

    def placed_as_one_run(self, node) -> bool:
        if any(len(self.normalize(node.get(name)).split()) > 1 for name in PER_CHARACTER):
            return False
        return not any(node.get(name) not in (None, "", "0", "normal") for name in SPACING)

    def __call__(self, svg, node, font_size) -> None:
        element = node._etree_node
        if type(element.text) is str and len(element.text) > 1 and self.placed_as_one_run(node):
            element.text = WholeRun(element.text)
        self.draw_per_character(svg, node, font_size)


_installing = threading.Lock()


def draw_text_runs_whole() -> bool:
    """Makes WeasyPrint draw SVG text runs whole (once per process); False when this
    WeasyPrint's SVG text drawing is not the one this was written for."""
    import weasyprint.svg as svg_drawing

    with _installing:
        current = svg_drawing.TAGS.get("text")
        if getattr(current, "draws_whole_runs", False):
            return True
        if getattr(current, "__module__", None) != "weasyprint.svg.text":
            return False
        whole = _WholeRuns(current)
        for tag, drawer in svg_drawing.TAGS.items():
            if drawer is current:
                svg_drawing.TAGS[tag] = whole
        # The drawing code tells text elements apart by comparing with this name.
        svg_drawing.text = whole
        return True
