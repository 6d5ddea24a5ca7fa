"""The report's charts in print: one scale for all, every text at 7 pt or more, long
charts drawn per framework rather than shrunk."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import plotly.graph_objects as go
import pytest
from django.utils import translation

from assessment import demo
from assessment.models import Campaign
from reports import pdf, print_charts
from reports.charts import WIDTH
from reports.profile_builder import build_profile

ROOT = Path(__file__).resolve().parents[2]


def report_quality():
    """scripts/report_quality.py, whose measure of printed text the test shares."""
    spec = importlib.util.spec_from_file_location(
        "report_quality", ROOT / "scripts/report_quality.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def demo_round(seeded_demo, db):
    """This year's round of the demo, seeded once for the module (it is only read)."""
    return Campaign.objects.get(slug=demo.CURRENT_SLUG)


def test_the_one_scale():
    # 174 mm of text width for 700 px: 0.2486 mm, 0.7047 pt a px; 10 px prints at 7.05 pt.
    assert WIDTH == 700
    assert abs(print_charts.MM_PER_PX - 0.248571) < 1e-6
    assert abs(print_charts.PT_PER_PX - 0.704612) < 1e-6
    assert print_charts.MIN_FONT_PX * print_charts.PT_PER_PX >= 7
    assert print_charts.canvas_px(112) == 451  # the radar's column: 112 / 0.248571
    assert print_charts.canvas_px(174) == 700


def test_smallest_font_looks_everywhere():
    figure = go.Figure(
        go.Scatter(x=[1], y=[1], text=["a"], textfont={"size": 13}),
        layout={
            "font": {"size": 12},
            "xaxis": {"tickfont": {"size": 11}},
            "annotations": [{"text": "b", "font": {"size": 9}}],
            "legend": {"font": {"size": 14}},
        },
    )
    assert print_charts.smallest_font_px(figure) == 9
    assert print_charts.smallest_font_px(go.Figure(layout={"font": {"size": 15}})) == 15


def test_a_too_tall_chart_is_shrunk_and_says_so():
    tall = go.Figure(layout={"font": {"size": 10}, "height": 1528})  # 380 mm at the scale
    assert print_charts.height_mm(tall) == pytest.approx(379.8, abs=0.1)
    assert not print_charts.fits_a_page(tall)
    assert print_charts.smallest_printed_pt(tall) == pytest.approx(10 * 0.704612 / 2, abs=0.02)


def test_a_long_chart_is_halved_by_dimensions_until_each_part_fits(demo_round):
    """Hand-worked on the full scan's 9 + 10 + 5 + 9 + 5 dimensions with a fake chart of
    200 px a dimension (49.7 mm): a page (190 mm) holds three dimensions and a bit."""
    profile = build_profile(demo_round, language="en")
    sizes = [len(f.dimensions) for f in profile.frameworks]
    assert sizes == [9, 10, 5, 9, 5]
    drawn = []

    def draw(part, first):
        codes = tuple(f.code for f in part.frameworks)
        drawn.append((codes, first, {g.dimension for g in part.gaps}))
        dims = sum(len(f.dimensions) for f in part.frameworks)
        return go.Figure(layout={"height": 40 * dims, "width": WIDTH})

    whole = draw(profile, True)
    parts = print_charts.page_parts(profile, draw, whole)
    # 38 x 40 px = 378 mm: halved at 19 | 19 (9 + 10 | 5 + 9 + 5); 19 x 40 px = 189 mm fits.
    assert [codes for codes, _figure in parts] == [
        ("diamond", "shifts"),
        ("keys", "care", "listening"),
    ]
    assert [first for _codes, first, _gaps in drawn] == [True, True, False]
    for codes, _first, gaps in drawn:
        dims = {d.code for f in profile.frameworks if f.code in codes for d in f.dimensions}
        assert gaps <= dims and gaps == {g.dimension for g in profile.gaps if g.dimension in dims}


def test_the_overall_row_goes_to_the_first_part_shown(demo_round):
    """When the first half shows nothing (no gaps there, say), the next part is the
    first one the reader sees and carries the overall row."""
    profile = build_profile(demo_round, language="en")
    drawn = []

    def draw(part, first):
        codes = tuple(f.code for f in part.frameworks)
        drawn.append((codes, first))
        if "diamond" in codes:
            return None
        dims = sum(len(f.dimensions) for f in part.frameworks)
        return go.Figure(layout={"height": 40 * dims, "width": WIDTH})

    whole = go.Figure(layout={"height": 40 * 38, "width": WIDTH})
    parts = print_charts.page_parts(profile, draw, whole)
    assert [codes for codes, _figure in parts] == [("keys", "care", "listening")]
    assert drawn == [(("diamond", "shifts"), True), (("keys", "care", "listening"), True)]


def test_a_part_that_still_does_not_fit_is_halved_again(demo_round):
    profile = build_profile(demo_round, language="en")

    def draw(part, first):
        dims = sum(len(f.dimensions) for f in part.frameworks)
        return go.Figure(layout={"height": 80 * dims, "width": WIDTH})  # 19.9 mm a dimension

    parts = print_charts.page_parts(profile, draw, draw(profile, True))
    # 9 dims = 179 mm fits; 10 = 199 mm does not but is one framework (then shrunk).
    assert [codes for codes, _figure in parts] == [
        ("diamond",),
        ("shifts",),
        ("keys",),
        ("care",),
        ("listening",),
    ]


@pytest.mark.parametrize(("language", "team"), [("nl", None), ("en", None), ("nl", "Sales")])
def test_every_chart_of_the_demo_report_prints_at_7_pt_or_more(demo_round, language, team):
    report = pdf.report_input(demo_round, language, team=team)
    charts = pdf.ChartSet()
    with translation.override(language):
        context = pdf._context(report, charts)
    assert charts.figures
    for name, figure in charts.figures.items():
        assert print_charts.smallest_printed_pt(figure) >= 7, name
        assert print_charts.fits_a_page(figure), name
    if team is None:  # the full scan's long charts come in two halves
        names = [f.name for f in report.profile.frameworks]
        assert len(context["chart_parts"]["heatmap"]) == 2
        # The agreement names its frameworks in header rows; the gap, sorted by size,
        # is titled with the frameworks of each part.
        assert [title for title, _part in context["chart_parts"]["agreement"]] == [None, None]
        assert [title for title, _part in context["chart_parts"]["gap"]] == [
            " · ".join(names[:2]),
            " · ".join(names[2:]),
        ]


def test_without_charts_a_long_chart_is_not_split(demo_round):
    """A report made without charts shows one note for a chart, not one per part."""
    report = pdf.report_input(demo_round, "en")
    context = pdf._context(report, pdf.ChartSet(failure=pdf.OFF))
    for name in ("heatmap", "gap", "agreement"):
        assert [title for title, _part in context["chart_parts"][name]] == [None], name


@pytest.mark.slow
@pytest.mark.one_database
def test_the_printed_demo_report_has_no_text_under_7_pt(demo_round, tmp_path):
    path = tmp_path / "demo.pdf"
    path.write_bytes(pdf.render_pdf(pdf.report_input(demo_round, "nl")))
    sizes = [size for page in report_quality().text_sizes(path) for size in page]
    assert len(sizes) > 20_000  # chart text included: the charts were drawn
    assert min(sizes) >= 7.0
