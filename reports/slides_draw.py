"""Drawing on a 16:9 PowerPoint slide with python-pptx: text, tables and native charts in
the app's colours, no text under 18 pt (read from the back of a room).

Plain drawing: no database and no translations; `reports.slides` decides what goes on
each slide. Numbers arrive already formatted (one decimal, the language's decimal mark),
so a chart's labels read the same in Impress and PowerPoint whatever their locale; the
chart's data keep full precision and stay editable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from pptx import Presentation
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Emu, Inches, Pt

from reports.charts.common import STAGE_COLOURS

WIDTH = Emu(12192000)  # 13.333 in: 16:9 with the height
HEIGHT = Inches(7.5)
MARGIN = Inches(0.6)
BODY_TOP = Inches(1.55)  # under the title
BODY_WIDTH = WIDTH - 2 * MARGIN
BODY_HEIGHT = HEIGHT - BODY_TOP - Inches(0.35)

FONT = "Arial"  # Liberation Sans in LibreOffice: the same metrics
MIN_PT = 18  # no text under this size
TEXT_PT = 20
TITLE_PT = 28

# static/css/app.css and stages.css
BRAND = "1f5f8b"
BRAND_DARK = "174a6d"
INK = "1e2a33"
MUTED = "4d5963"  # 7:1 on white
WHITE = "ffffff"
PALE = "eef3f7"
HIGHLIGHT = "c4553b"  # the weakest key, flagged gaps (reports/charts/common.py)
MARKED_TINT = "fbeee9"  # a cell to notice (an overdue date, a large gap): its text stays dark (AA)
PREVIOUS = "8a96a0"  # the previous round in a chart
STAGE_INK = {  # stage badges behind white text (stages.css, --stage-ink-*)
    "rough": "6b5f50",
    "clear": "2f6f9a",
    "cut": "1f5a85",
    "shining": "0f3f63",
}
STAGE_FILL = {code: colour.lstrip("#") for code, colour in STAGE_COLOURS.items()}

LANGUAGES = {"nl": MSO_LANGUAGE_ID.DUTCH, "en": MSO_LANGUAGE_ID.ENGLISH_UK}


def rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#"))


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def text_on(fill: str) -> str:
    """Black or white, whichever contrasts more with `fill`."""
    light = _luminance(fill.lstrip("#"))
    return INK if (light + 0.05) / 0.05 >= 1.05 / (light + 0.05) else WHITE


@dataclass(frozen=True)
class Line:
    """A paragraph: its text, size, weight and colour."""

    text: str
    size: int = TEXT_PT
    bold: bool = False
    colour: str = INK
    bullet: bool = False
    space_before: int = 0  # points


class Deck:
    """A 16:9 presentation whose every text is in one language and at least 18 pt."""

    def __init__(self, language: str) -> None:
        self.presentation = Presentation()
        self.presentation.slide_width = WIDTH
        self.presentation.slide_height = HEIGHT
        self.language = LANGUAGES.get(language, MSO_LANGUAGE_ID.ENGLISH_UK)
        self._title_only = self.presentation.slide_layouts[5]

    # ------------------------------------------------------------------ slides

    def slide(self, title: str, notes: str, *, band: str = BRAND) -> Slide:
        """A slide with its title (the title placeholder, for the outline and screen
        readers), a band in the brand colour and the speaker's notes."""
        slide = self.presentation.slides.add_slide(self._title_only)
        self.rectangle(slide, 0, 0, WIDTH, Inches(0.18), band)
        title_shape = slide.shapes.title
        assert title_shape is not None
        title_shape.left, title_shape.top = MARGIN, Inches(0.3)
        title_shape.width, title_shape.height = BODY_WIDTH, Inches(0.95)
        self.fill(
            title_shape.text_frame, [Line(title, TITLE_PT, True, BRAND_DARK)], align=PP_ALIGN.LEFT
        )
        title_shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        self.notes(slide, notes)
        return slide

    def notes(self, slide: Slide, text: str) -> None:
        frame = slide.notes_slide.notes_text_frame
        assert frame is not None
        frame.text = text

    def save(self) -> bytes:
        from io import BytesIO

        buffer = BytesIO()
        self.presentation.save(buffer)
        return buffer.getvalue()

    # ------------------------------------------------------------------ text and shapes

    def fill(self, frame: TextFrame, lines: Sequence[Line], *, align: PP_ALIGN | None = None):
        frame.word_wrap = True
        for index, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            if align is not None:
                paragraph.alignment = align
            if line.space_before:
                paragraph.space_before = Pt(line.space_before)
            run = paragraph.add_run()
            run.text = ("• " if line.bullet else "") + line.text
            font = run.font
            font.name, font.size, font.bold = FONT, Pt(max(line.size, MIN_PT)), line.bold
            font.color.rgb = rgb(line.colour)
            font.language_id = self.language

    def text(
        self,
        slide: Slide,
        left: int,
        top: int,
        width: int,
        height: int,
        lines: Sequence[Line],
        *,
        align: PP_ALIGN | None = None,
        anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    ) -> None:
        box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
        box.text_frame.vertical_anchor = anchor
        self.fill(box.text_frame, lines, align=align)

    def rectangle(
        self,
        slide: Slide,
        left: int,
        top: int,
        width: int,
        height: int,
        colour: str,
        lines: Sequence[Line] = (),
        *,
        shape: MSO_SHAPE = MSO_SHAPE.RECTANGLE,
    ) -> None:
        box = slide.shapes.add_shape(shape, Emu(left), Emu(top), Emu(width), Emu(height))
        box.fill.solid()
        box.fill.fore_color.rgb = rgb(colour)
        box.line.fill.background()
        box.shadow.inherit = False
        if lines:
            box.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            self.fill(box.text_frame, lines, align=PP_ALIGN.CENTER)

    # ------------------------------------------------------------------ tables

    def table(
        self,
        slide: Slide,
        left: int,
        top: int,
        widths: Sequence[int],
        rows: Sequence[Sequence[str]],
        *,
        fills: dict[tuple[int, int], str] | None = None,
        numeric: Sequence[int] = (),
        row_height: int = Inches(0.42),
    ):
        """A table whose first row is its header; `fills` colours cells (row, column)
        with the text in black or white to match; `numeric` columns align right."""
        fills = fills or {}
        shape = slide.shapes.add_table(
            len(rows), len(widths), Emu(left), Emu(top), Emu(sum(widths)), Emu(row_height)
        )
        table = shape.table
        for column, width in enumerate(widths):
            table.columns[column].width = Emu(width)
        for r, cells in enumerate(rows):
            table.rows[r].height = Emu(row_height)
            for c, value in enumerate(cells):
                cell = table.cell(r, c)
                background = BRAND_DARK if r == 0 else fills.get((r, c), WHITE if r % 2 else PALE)
                cell.fill.solid()
                cell.fill.fore_color.rgb = rgb(background)
                cell.margin_left = cell.margin_right = Inches(0.08)
                cell.margin_top = cell.margin_bottom = Inches(0.03)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                self.fill(
                    cell.text_frame,
                    [Line(value, MIN_PT, r == 0, text_on(background))],
                    align=PP_ALIGN.RIGHT if c in numeric and r > 0 else None,
                )
        return table

    # ------------------------------------------------------------------ charts

    def chart(
        self,
        slide: Slide,
        kind: XL_CHART_TYPE,
        box: tuple[int, int, int, int],
        categories: Sequence[str],
        series: Sequence[tuple[str, Sequence[float | None]]],
        *,
        legend: bool = False,
    ) -> Chart:
        """A native chart with its data (full precision) in the app's font at 18 pt, a
        value axis from 0 to 100 and no automatic data labels."""
        data = CategoryChartData(number_format="0.0")
        data.categories = list(categories)
        for name, values in series:
            data.add_series(name, list(values))
        left, top, width, height = box
        # python-pptx's stubs name the graphic frame a Chart and ChartData too narrowly.
        frame: Any = slide.shapes.add_chart(
            kind, Emu(left), Emu(top), Emu(width), Emu(height), cast(Any, data)
        )
        chart: Chart = frame.chart
        chart.font.name, chart.font.size = FONT, Pt(MIN_PT)
        chart.font.color.rgb = rgb(INK)
        chart.has_title = False
        chart.has_legend = legend
        if legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
            chart.legend.font.size = Pt(MIN_PT)
        axis = chart.value_axis
        axis.minimum_scale, axis.maximum_scale = 0, 100
        axis.major_unit = 25
        axis.has_major_gridlines = True
        axis.major_gridlines.format.line.color.rgb = rgb("d5dde3")
        axis.tick_labels.font.size = Pt(MIN_PT)
        axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = "0", False
        chart.category_axis.tick_labels.font.size = Pt(MIN_PT)
        return chart

    def colour_series(self, chart: Chart, index: int, colour: str) -> None:
        fill = chart.plots[0].series[index].format.fill
        fill.solid()
        fill.fore_color.rgb = rgb(colour)

    def colour_points(self, chart: Chart, index: int, colours: Sequence[str | None]) -> None:
        series = chart.plots[0].series[index]
        for point, colour in enumerate(colours):
            if colour:
                fill = series.points[point].format.fill
                fill.solid()
                fill.fore_color.rgb = rgb(colour)

    def point_labels(
        self,
        chart: Chart,
        index: int,
        labels: Sequence[str],
        *,
        position: XL_LABEL_POSITION | None = XL_LABEL_POSITION.OUTSIDE_END,
        colour: str = INK,
    ) -> None:
        """Each point's label as given text (a number formatted for the language)."""
        series = chart.plots[0].series[index]
        for point, label in enumerate(labels):
            if not label:
                continue
            data_label = series.points[point].data_label
            if position is not None:
                data_label.position = position
            frame = data_label.text_frame
            run = frame.paragraphs[0].add_run()
            run.text = label
            run.font.size, run.font.bold = Pt(MIN_PT), True
            run.font.color.rgb = rgb(colour)
            run.font.language_id = self.language


def column_widths(total: int, shares: Sequence[float]) -> list[int]:
    """Column widths in EMU for shares of `total` (the last takes what rounding leaves)."""
    widths = [int(total * share) for share in shares[:-1]]
    return [*widths, total - sum(widths)]
