import io
import re
from urllib.parse import quote
from xml.etree import ElementTree

from pypdf import PdfReader
from weasyprint import HTML

from reports import print_svg

PLOTLY_LIKE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" style="">'
    '<g class="trace" stroke-width="1" style="stroke-width: 2px; opacity: 1;">'
    '<text x="3" y="4" style="font-family: \'Open Sans\', &quot;Noto Sans&quot;; '
    'fill: rgb(68, 68, 68);">a &lt; b; c: d</text>'
    '<rect data-style="x" style="FILL:red"/></g></svg>'
)


def test_style_declarations_become_presentation_attributes():
    converted = print_svg.presentation_attributes(PLOTLY_LIKE)

    assert converted == (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<g class="trace" stroke-width="2px" opacity="1">'
        '<text x="3" y="4" font-family="\'Open Sans\', &quot;Noto Sans&quot;" '
        'fill="rgb(68, 68, 68)">a &lt; b; c: d</text>'
        '<rect data-style="x" fill="red"/></g></svg>'
    )
    svg = ElementTree.fromstring(converted)  # noqa: S314 - the literal above
    text = svg.find("*/{http://www.w3.org/2000/svg}text")
    assert text.get("font-family") == "'Open Sans', \"Noto Sans\""
    assert text.text == "a < b; c: d"


def test_an_svg_without_style_attributes_is_unchanged():
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0,0L1,1" fill="none"/></svg>'
    assert print_svg.presentation_attributes(svg) == svg


def text_operators(svg: str) -> list[bytes]:
    """The text-showing operators of a PDF page showing `svg`, in every content stream."""
    data = HTML(string=f'<img src="data:image/svg+xml,{quote(svg)}">').write_pdf()
    page = PdfReader(io.BytesIO(data)).pages[0]
    contents, pending = [page.get_contents().get_data()], [page]
    while pending:
        resources = pending.pop().get("/Resources", {})
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            contents.append(xobject.get_data())
            pending.append(xobject)
    return re.findall(rb"\[[^\]]*\] TJ", b"\n".join(contents))


def test_a_text_run_is_drawn_whole_and_characters_placed_one_by_one_stay_so():
    assert print_svg.draw_text_runs_whole()
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
        '<text x="100" y="30" text-anchor="middle">Klantgerichtheid</text>'
        '<text x="10 20 30" y="60">abc</text>'
        '<text x="10" y="90" letter-spacing="2">xyz</text></svg>'
    )
    shown = text_operators(svg)
    glyphs = [len(re.findall(rb"<[0-9a-f]+>", operator)) for operator in shown]

    # One operator for the run's 16 characters; one per character where SVG places
    # (x list) or spaces (letter-spacing) them one by one.
    assert sorted(glyphs) == [1] * 6 + [16]
