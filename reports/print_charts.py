"""How the PDF report prints the dashboard's charts so that every text stays legible.

Every chart prints at one scale: a figure of `charts.WIDTH` px fills the page's text
width (`CONTENT_WIDTH_MM`), so one px prints as `PT_PER_PX` (about 0.7 pt) and the
charts' smallest text, `MIN_FONT_PX`, prints at 7 pt or more. Two things would break
that scale, and are done otherwise:

* a chart printed narrower than the page (the radar beside its stage texts) is drawn on
  a narrower canvas, with the same fonts, instead of being shrunk;
* a chart taller than a page's room (the heatmap, the perception gap and the agreement
  over every dimension of the full scan) is drawn in parts of whole frameworks, halved
  until each fits a page, instead of being shrunk to fit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import plotly.graph_objects as go

from reports.charts import WIDTH, legend_below
from reports.profile import Profile

CONTENT_WIDTH_MM = 174  # A4 less the margins of static/css/report.css
MAX_CHART_HEIGHT_MM = 190  # a chart and its heading on one page
MM_PER_PX = CONTENT_WIDTH_MM / WIDTH
PT_PER_PX = MM_PER_PX * 72 / 25.4
MIN_FONT_PX = 10  # 7.05 pt in print
RADAR_WIDTH_MM = 112  # static/css/report.css: .framework-chart
RADAR_HEIGHT_PX = 330
SUMMARY_WIDTH_MM = 104  # static/css/report.css: .summary-chart


def canvas_px(width_mm: float) -> int:
    """The figure width that prints `width_mm` wide at the report's one scale."""
    return round(width_mm / MM_PER_PX)


def height_mm(figure: go.Figure) -> float:
    return float(figure.layout.height) * MM_PER_PX


def for_radar_column(figure: go.Figure) -> go.Figure:
    """The radar redrawn for its column beside the stage texts: narrower and lower, the
    fonts and margins as they are (the top one fits the top spoke's label), its legend
    (if any) again at the foot of the bottom margin."""
    old = figure.layout.margin
    margin = {"l": old.l, "r": old.r, "t": old.t, "b": old.b}
    figure.update_layout(width=canvas_px(RADAR_WIDTH_MM), height=RADAR_HEIGHT_PX, margin=margin)
    if figure.layout.showlegend:
        figure.update_layout(legend_y=legend_below(RADAR_HEIGHT_PX, margin))
    return figure


def for_column(figure: go.Figure, width_mm: float) -> go.Figure:
    """The figure drawn for a column `width_mm` wide: a canvas as much narrower, its
    height in proportion, the fonts as they are."""
    width = canvas_px(width_mm)
    height = round(float(figure.layout.height) * width / float(figure.layout.width or WIDTH))
    return figure.update_layout(width=width, height=height)


def fits_a_page(figure: go.Figure) -> bool:
    return height_mm(figure) <= MAX_CHART_HEIGHT_MM


def of_frameworks(profile: Profile, codes: Sequence[str]) -> Profile:
    """The profile with these frameworks only (and their gaps): what a part of a long
    chart is drawn from."""
    frameworks = tuple(f for f in profile.frameworks if f.code in codes)
    dimensions = {d.code for f in frameworks for d in f.dimensions}
    return dataclasses.replace(
        profile,
        frameworks=frameworks,
        gaps=tuple(g for g in profile.gaps if g.dimension in dimensions),
    )


def page_parts(
    profile: Profile,
    draw: Callable[[Profile, bool], go.Figure | None],
    whole: go.Figure,
) -> list[tuple[tuple[str, ...], go.Figure]]:
    """The chart `whole` in parts of whole frameworks that each fit a page: halved (by
    number of dimensions) until every part fits, so that the parts are few and about
    equal. Returns (framework codes, figure) per part; `draw(profile, first)` draws a
    part and is told whether it is the first (which alone carries the overall row)."""
    dimensions = {f.code: len(f.dimensions) for f in profile.frameworks}

    def parts(codes: list[str], figure: go.Figure | None, first: bool) -> list:
        if figure is None:
            return []
        if fits_a_page(figure) or len(codes) == 1:
            return [(tuple(codes), figure)]
        sizes = [dimensions[code] for code in codes]
        half = sum(sizes) / 2
        cut = min(range(1, len(codes)), key=lambda i: abs(sum(sizes[:i]) - half))
        left, right = codes[:cut], codes[cut:]
        left_parts = parts(left, draw(of_frameworks(profile, left), first), first)
        right_first = first and not left_parts  # the first part shown carries the overall row
        return left_parts + parts(
            right, draw(of_frameworks(profile, right), right_first), right_first
        )

    return parts([f.code for f in profile.frameworks], whole, True)


def smallest_font_px(figure: go.Figure) -> float:
    """The smallest font size anywhere in the figure (layout, axes, legend, annotations,
    trace texts), the figure's default where a part sets none."""
    default = figure.layout.font.size or 12
    sizes: list[float] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            if key.endswith("font") and isinstance(node.get("size"), int | float):
                sizes.append(float(node["size"]))
            for child_key, child in node.items():
                walk(child, child_key)
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child, key)

    walk(figure.to_plotly_json())
    return min([default, *sizes])


def smallest_printed_pt(figure: go.Figure) -> float:
    """The printed size of the figure's smallest text, as the report prints it (a chart
    taller than a page is shrunk to `MAX_CHART_HEIGHT_MM`)."""
    shrink = min(1.0, MAX_CHART_HEIGHT_MM / height_mm(figure))
    return smallest_font_px(figure) * PT_PER_PX * shrink
