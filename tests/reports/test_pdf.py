"""The PDF report: its text, its safety, the team report, the command and the checks."""

from __future__ import annotations

import io
import re
from xml.etree import ElementTree

import pytest
from django.core.management import CommandError, call_command
from django.template.defaultfilters import floatformat
from django.utils import translation
from pypdf import PdfReader

from reports import chart_images, pdf, url_fetcher
from reports.checks import chart_browser_check
from reports.presentation import OrganisationRow, against_organisation
from reports.profile import GroupTooSmall
from tests.builders import EVIL_COMMENT, add_responses
from tests.factories import ClosedCampaignFactory, OrganisationFactory


@pytest.fixture
def campaign(report_campaign):
    return report_campaign


@pytest.fixture
def fetchers(monkeypatch) -> list[url_fetcher.StaticOnlyURLFetcher]:
    """The URL fetchers the reports are made with, to see what they served and refused."""
    made: list[url_fetcher.StaticOnlyURLFetcher] = []
    real = url_fetcher.StaticOnlyURLFetcher

    def recording(**kwargs) -> url_fetcher.StaticOnlyURLFetcher:
        made.append(real(**kwargs))
        return made[-1]

    monkeypatch.setattr(pdf, "StaticOnlyURLFetcher", recording)
    return made


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_report_shows_the_profile_as_formatted_for_its_language(campaign, language):
    report = pdf.report_input(campaign, language)
    data = pdf.render_pdf(report, with_charts=False)  # the charts have their own test
    text, pages = pdf_text(data)
    flat = one_line(text)
    profile = report.profile

    assert data.startswith(b"%PDF-")
    assert 12 <= pages <= 40
    assert "Rapport & Co" in text and "Voorjaar 2026" in text
    for framework in profile.frameworks:
        assert one_line(framework.name) in flat
    with translation.override(language):
        expected = [floatformat(d.score, 1) for d in profile.dimensions() if d.score is not None]
        overall = floatformat(profile.overall_score, 1)
    assert expected and all(score in text for score in expected)
    assert overall in text
    separator = "," if language == "nl" else "."
    assert all(separator in score for score in expected)
    heading = "Executive summary" if language == "en" else "Managementsamenvatting"
    assert heading in text


def test_charts_are_vector_images_of_the_dashboard_figures(campaign, fetchers):
    data = pdf.render_pdf(pdf.report_input(campaign, "en"))
    charts = sorted(url for url in fetchers[0].served if url.startswith(url_fetcher.CHART_URL))
    # overall, five radars, keys gate; the heatmap, perception gap and agreement over all
    # dimensions would not fit a page at the report's one scale, so each comes in two
    # halves of whole frameworks (reports/print_charts.py), named by their first
    frameworks = ("care", "diamond", "keys", "listening", "shifts")
    names = ["keys", "overall", *(f"radar-{f}" for f in frameworks)]
    names += [
        f"{chart}-{half}"
        for chart in ("agreement", "gap", "heatmap")
        for half in ("diamond", "keys")
    ]
    assert charts == sorted(f"{url_fetcher.CHART_URL}{name}.svg" for name in names)
    assert fetchers[0].refused == []
    text, _pages = pdf_text(data)
    assert "Chart not available" not in text


def test_without_a_browser_the_report_keeps_its_tables_and_says_so(campaign, settings):
    chart_images.renderer.stop()
    settings.CHROMIUM_PATH = "/nonexistent/chromium"
    try:
        data = pdf.render_pdf(pdf.report_input(campaign, "en"))
    finally:
        chart_images.renderer.stop()
    text, _pages = pdf_text(data)
    flat = one_line(text)
    assert "The charts could not be drawn on the server this time" in flat
    assert "Chart not available" in flat
    assert "Rapport & Co" in text


class FailingDrawing:
    """A chart job whose browser dies after the pages were written."""

    def svg(self, name: str) -> str:
        raise chart_images.ChartsUnavailable("drawing the charts failed: the browser closed")


def test_a_browser_failing_while_drawing_leaves_the_tables_and_the_note(campaign, monkeypatch):
    monkeypatch.setattr(chart_images, "start_svgs", lambda figures, on_chart=None: FailingDrawing())
    data = pdf.render_pdf(pdf.report_input(campaign, "en"))
    flat = one_line(pdf_text(data)[0])
    assert "The charts could not be drawn on the server this time" in flat
    assert "Chart not available" in flat
    assert "Rapport & Co" in flat


def test_charts_are_drawn_in_the_order_the_report_shows_them(campaign, monkeypatch):
    submitted: list[str] = []

    def record(figures, on_chart=None):
        submitted.extend(figures)
        return FailingDrawing()

    monkeypatch.setattr(chart_images, "start_svgs", record)
    pdf.render_pdf(pdf.report_input(campaign, "en"))
    in_the_report = ("diamond", "shifts", "keys", "care", "listening")
    radars = [f"radar-{f}" for f in in_the_report]
    # The long charts in halves (reports/print_charts.py): diamond and shifts, then keys,
    # care and listening.
    parts = [
        f"{chart}-{half}"
        for chart in ("heatmap", "gap", "agreement")
        for half in ("diamond", "keys")
    ]
    assert submitted == ["overall", *radars, "keys", *parts]


def test_check_warns_without_a_browser(settings):
    settings.CHROMIUM_PATH = "/nonexistent/chromium"
    warnings = chart_browser_check(None)
    assert [w.id for w in warnings] == ["reports.W001"]
    assert "apt-get install chromium" in warnings[0].hint
    settings.CHROMIUM_PATH = "/usr/bin/chromium"
    assert chart_browser_check(None) == []


def test_comments_are_plain_text_and_nothing_is_fetched(campaign, fetchers):
    report = pdf.report_input(campaign, "en")
    assert EVIL_COMMENT in [c.text for c in report.profile.comments]
    html = pdf.render_html(report)
    assert "&lt;img src=&quot;file:///etc/hostname&quot;&gt;" in html
    assert "<script>" not in html

    text, _pages = pdf_text(pdf.render_pdf(report, with_charts=False))
    flat = one_line(text)
    assert '<img src="file:///etc/hostname">' in flat
    assert "<script>alert(1)</script>" in flat
    assert "http://example.com/x.png" in flat
    with open("/etc/hostname") as file:
        hostname = file.read().strip()
    assert hostname not in text
    assert len(fetchers) == 1 and fetchers[0].refused == []  # nothing outside was asked for
    assert all(url.startswith("https://report.invalid/") for url in fetchers[0].served)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "http://example.com/x.png",
        "https://example.com/static/css/report.css",
        "https://report.invalid/static/../../etc/passwd",
        "https://report.invalid/static/css/../../../etc/passwd",
        "https://report.invalid/static/%2e%2e/config/settings.py",
        "https://report.invalid/static/css/missing.css",
        "https://report.invalid/etc/passwd",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url):
    fetcher = url_fetcher.StaticOnlyURLFetcher()
    with pytest.raises(url_fetcher.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_static_files_and_data_urls():
    fetcher = url_fetcher.StaticOnlyURLFetcher()
    css = fetcher.fetch("https://report.invalid/static/css/report.css")
    assert b"@page" in css.read() and css.content_type == "text/css"
    data = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert data.read() == b"hello"
    assert fetcher.refused == []


def test_team_report(campaign):
    report = pdf.report_input(campaign, "en", team="Beta")
    text, _pages = pdf_text(pdf.render_pdf(report, with_charts=False))
    assert "Team report: Beta" in text
    # Compared with the whole organisation, not with one other team row.
    assert "Beta beside the whole organisation" in one_line(text)
    assert "Teams side by side" not in text
    # Beta has managers only: no perception gap, left out with one line that says why.
    assert "Perception gap: management and employees" not in text
    assert "Not in this team report: the perception gap" in one_line(text)


def test_a_team_report_sets_each_score_beside_the_organisations(campaign):
    report = pdf.report_input(campaign, "en", team="Beta")
    assert report.organisation is not None and report.organisation.scope == {}
    whole = {d.name: d.score for d in report.organisation.dimensions()}
    team = {d.name: d.score for d in report.profile.dimensions()}
    blocks = against_organisation(report.profile, report.organisation)
    assert [b.framework for b in blocks] == [f.name for f in report.profile.frameworks]
    rows = [row for block in blocks for row in block.rows]
    assert len(rows) == len(whole)
    for row in rows:
        assert (row.team, row.organisation) == (team[row.name], whole[row.name])
        assert row.difference == pytest.approx(team[row.name] - whole[row.name])
        assert row.marked == (abs(row.difference) >= 10)
    # The team's own numbers, not the organisation's twice.
    assert any(abs(row.difference) > 1 for row in rows)


@pytest.mark.parametrize(
    ("team", "whole", "difference", "marked"),
    [(62.5, 52.5, 10.0, True), (40.0, 49.9, -9.9, False), (None, 50.0, None, False)],
)
def test_a_difference_of_ten_points_is_marked(team, whole, difference, marked):
    row = OrganisationRow("A dimension", team, whole)
    assert row.difference == (None if difference is None else pytest.approx(difference))
    assert row.marked is marked


def test_the_executive_summary_is_page_two(campaign):
    report = pdf.report_input(campaign, "en")
    data = pdf.render_pdf(report, with_charts=False)
    page_two = one_line(PdfReader(io.BytesIO(data)).pages[1].extract_text())
    assert page_two.startswith("Executive summary") or "Executive summary" in page_two[:80]
    for text in ("Customer-centricity index", "Response rate", "Strengths", "Priorities"):
        assert text in page_two, text
    assert "Largest perception gaps" in page_two
    assert "First round: the next one will show the change." in page_two
    html = pdf.render_html(report)
    assert html.index('id="summary"') < html.index('class="contents"')


def test_team_report_is_refused_for_a_team_below_k(campaign):
    with pytest.raises(GroupTooSmall):
        pdf.report_input(campaign, "en", team="Gamma")
    with pytest.raises(CommandError, match="Gamma"):
        call_command("export_report", campaign.slug, "-o", "/tmp/never.pdf", "--team", "Gamma")


def test_no_report_below_k(quick_version, consultant):
    campaign = ClosedCampaignFactory(
        organisation=OrganisationFactory(owner=consultant),
        questionnaire_version=quick_version,
        anonymity_threshold=5,
    )
    add_responses(campaign, 3)
    with pytest.raises(pdf.ReportUnavailable, match="at least 5 people"):
        pdf.report_input(campaign, "en")


def test_export_report_command(campaign, tmp_path):
    target = tmp_path / "report.pdf"
    errors = io.StringIO()
    call_command("export_report", campaign.slug, "-o", str(target), "--lang", "nl", stderr=errors)
    text, pages = pdf_text(target.read_bytes())
    assert "Managementsamenvatting" in text
    assert f"written to {target}" in errors.getvalue()


def test_export_report_unknown_campaign(db):
    with pytest.raises(CommandError, match="no-such-campaign"):
        call_command("export_report", "no-such-campaign", "-o", "/tmp/never.pdf")


def test_signature_follows_the_data(campaign):
    first = pdf.report_input(campaign, "en").signature()
    assert pdf.report_input(campaign, "en").signature() == first
    assert pdf.report_input(campaign, "nl").signature() != first
    team_report = pdf.report_input(campaign, "en", team="Beta").signature()
    assert pdf.report_input(campaign, "en", team="Beta").signature() == team_report
    add_responses(campaign, 1, team=campaign.teams.get(name="Alpha"))
    assert pdf.report_input(campaign, "en").signature() != first
    # A team report changes with the organisation it is compared with, too.
    assert pdf.report_input(campaign, "en", team="Beta").signature() != team_report


def test_a_warm_renderer_draws_each_chart_as_if_fresh():
    """The renderer keeps its tab between charts: a chart drawn after another one must be
    the same as when drawn first (apart from Plotly's random element ids)."""
    import plotly.graph_objects as go

    bars = go.Figure(go.Bar(x=[1, 2, 3], y=[3, 1, 2]), layout={"width": 400, "height": 300})
    dark = go.Figure(
        go.Scatterpolar(r=[1, 2, 3], theta=["a", "b", "c"], fill="toself"),
        layout={"width": 400, "height": 300, "template": "plotly_dark", "title": "other"},
    )
    first = chart_images.start_svgs({"bars": bars}).svg("bars")
    chart_images.start_svgs({"dark": dark}).svg("dark")
    again = chart_images.start_svgs({"bars": bars}).svg("bars")

    def without_ids(svg: str) -> str:
        """Canonical XML (attributes in one order) without Plotly's random ids."""
        for uid in set(re.findall(r"clip([0-9a-f]{6})", svg)):
            svg = svg.replace(uid, "UID")
        return ElementTree.canonicalize(re.sub(r"defs-[0-9a-f]{6}", "defs-UID", svg))

    assert first.startswith("<svg") and "plotly_dark" not in first
    assert without_ids(first) == without_ids(again)


def test_charts_that_failed_once_are_drawn_again_in_a_fresh_browser(monkeypatch):
    """A tab that lost its scripts fails one drawing; the job draws the charts not yet
    drawn once more, in a fresh browser, and only gives up when that fails too."""
    import plotly.graph_objects as go

    bars = go.Figure(go.Bar(x=[1, 2, 3], y=[3, 1, 2]), layout={"width": 400, "height": 300})
    line = go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2]), layout={"width": 400, "height": 300})
    real_draw = chart_images.ChartRenderer._draw
    calls: list[str] = []

    async def flaky_draw(self, name, figure, on_chart):
        calls.append(name)
        if name == "line" and calls.count("line") == 1:
            raise RuntimeError("ReferenceError: kaleido_scopes is not defined")
        return await real_draw(self, name, figure, on_chart)

    monkeypatch.setattr(chart_images.ChartRenderer, "_draw", flaky_draw)
    drawn: list[str] = []
    job = chart_images.start_svgs({"bars": bars, "line": line}, drawn.append)
    assert job.svg("bars").startswith("<svg")
    assert job.svg("line").startswith("<svg")
    assert calls.count("line") == 2 and calls.count("bars") == 1  # bars was not redrawn
    assert sorted(drawn) == ["bars", "line"]  # progress counts each chart once

    async def always_failing(self, name, figure, on_chart):
        raise RuntimeError("the browser closed")

    monkeypatch.setattr(chart_images.ChartRenderer, "_draw", always_failing)
    with pytest.raises(chart_images.ChartsUnavailable, match="the browser closed"):
        chart_images.start_svgs({"bars": bars}).svg("bars")


def test_the_cover_shows_the_campaigns_own_days_and_who_the_rate_counts(campaign):
    """The campaign is open up to, not including, `closes_at` (the first moment after its
    last day): the cover names the last day itself, as the campaign page does."""
    import datetime as dt

    from assessment.campaigns import end_of_day, start_of_day
    from assessment.models import Campaign

    Campaign.objects.filter(pk=campaign.pk).update(
        opens_at=start_of_day(dt.date(2026, 3, 2)), closes_at=end_of_day(dt.date(2026, 3, 15))
    )
    campaign.refresh_from_db()
    english = one_line(
        pdf_text(pdf.render_pdf(pdf.report_input(campaign, "en"), with_charts=False))[0]
    )
    assert "2 March 2026 – 15 March 2026" in english
    assert "16 March 2026" not in english
    # Nobody was invited by e-mail: the rate counts against the team sizes, and says so.
    assert "of about 20 people in the teams" in english
    dutch = one_line(
        pdf_text(pdf.render_pdf(pdf.report_input(campaign, "nl"), with_charts=False))[0]
    )
    assert "2 maart 2026 – 15 maart 2026" in dutch


def test_the_report_is_a_tagged_pdf_in_its_language(campaign):
    data = pdf.render_pdf(pdf.report_input(campaign, "nl"), with_charts=False)
    catalog = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog  # headings, tables and reading order for a reader
    assert catalog["/Lang"] == "nl"
    assert bool(catalog["/MarkInfo"]["/Marked"])
