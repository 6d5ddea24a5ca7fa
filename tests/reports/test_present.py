"""The present mode: who may open it, the walk of the PowerPoint slide by slide, the same
numbers and figures as the dashboard, hidden groups, the team filter, the live slide
during fieldwork and its count, the speaker's window, and the Content-Security-Policy's
rules (no inline scripts or styles)."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from pptx import Presentation

from assessment.models import Campaign, Response
from reports.profile_builder import build_profile
from reports.slides import build_slides
from tests.builders import add_responses, dashboard_url, figure_blocks
from tests.factories import CampaignFactory, OrganisationFactory, TeamFactory

NUMERIC_KEYS = ("x", "y", "z", "r", "theta")


def present_url(campaign, name: str = "reports:present", **params) -> str:
    url = reverse(name, args=[campaign.slug])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


@pytest.fixture
def owner_client(client, consultant):
    client.force_login(consultant)
    return client


def sections(html: str) -> list[dict]:
    """The slides of the page, in order: kind, framework, title and HTML."""
    found = []
    for chunk in html.split('<section class="slide ')[1:]:
        chunk = chunk.split("</section>")[0]
        title = re.search(r"<h1[^>]*>(.*?)</h1>", chunk, re.S)
        framework = re.search(r'data-framework="([^"]*)"', chunk)
        found.append(
            {
                "kind": re.search(r'data-kind="([^"]+)"', chunk).group(1),
                "framework": framework.group(1) if framework else None,
                "title": unescape(title.group(1).strip()) if title else None,
                "html": chunk,
            }
        )
    return found


def unescape(text: str) -> str:
    import html

    return html.unescape(text)


def present_figures(html: str) -> dict[str, dict]:
    blocks = re.findall(
        r'<script type="application/json" id="(figure-\d+)-data">(.*?)</script>', html, re.S
    )
    return {figure_id: json.loads(text) for figure_id, text in blocks}


def slide_figure(html: str, slide: dict) -> dict:
    [figure_id] = re.findall(r'id="(figure-\d+)"', slide["html"])
    return present_figures(html)[figure_id]


def numbers(figure: dict) -> list:
    """The data of a figure's traces, without their styling."""
    return [{key: trace.get(key) for key in NUMERIC_KEYS} for trace in figure["data"]]


def font_sizes(node, inside_font: bool = False):
    if isinstance(node, dict):
        for key, value in node.items():
            if inside_font and key == "size":
                yield from (value if isinstance(value, list) else [value])
            else:
                yield from font_sizes(value, key.endswith("font"))
    elif isinstance(node, list):
        for item in node:
            yield from font_sizes(item, inside_font)


# --------------------------------------------------------------------------- access


def test_only_the_campaigns_consultants_open_the_present_mode(
    client, report_campaign, other_consultant, consultant
):
    names = ("reports:present", "reports:present_notes", "reports:present_count")
    for name in names:
        response = client.get(present_url(report_campaign, name))
        assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(other_consultant)
    for name in names:
        assert client.get(present_url(report_campaign, name)).status_code == 404
    client.force_login(consultant)
    for name in names:
        response = client.get(present_url(report_campaign, name))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_the_dashboard_links_to_the_present_mode_with_its_team(owner_client, report_campaign):
    html = owner_client.get(dashboard_url(report_campaign)).content.decode()
    assert f'href="{present_url(report_campaign)}" data-present' in html
    html = owner_client.get(dashboard_url(report_campaign, team="Beta")).content.decode()
    assert f'href="{present_url(report_campaign)}?team=Beta" data-present' in html


# --------------------------------------------------------------------------- the walk


def test_the_slides_are_the_powerpoints_in_order(owner_client, report_campaign):
    html = owner_client.get(present_url(report_campaign)).content.decode()
    slides = sections(html)
    profile = build_profile(report_campaign, language="en")
    deck = Presentation(io.BytesIO(build_slides(profile)))
    pptx_titles = [s.shapes.title.text_frame.text for s in list(deck.slides)[1:]]
    # The gap's question and answer are one slide with a reveal here.
    answer = "Perception gap: management and employees"
    assert [s["title"] for s in slides[1:]] == [t for t in pptx_titles if t != answer]
    assert slides[0]["kind"] == "cover" and slides[0]["title"] == "Rapport & Co"
    frameworks = [f.code for f in profile.frameworks]
    assert [s["kind"] for s in slides] == [
        "cover",
        "question",
        "response_rate",
        "index",
        *["framework"] * len(frameworks),
        "keys",
        "gap_question",
        *["heatmap"] * len(frameworks),
        *["priority"] * len(profile.priorities),
        "closing",
    ]
    assert "data-live-count" not in html  # the fieldwork has ended
    gap = next(s for s in slides if s["kind"] == "gap_question")
    assert "data-reveal" in gap["html"] and "What do you expect?" in gap["html"]
    assert re.search(r"data-reveal-answer hidden", gap["html"])


def test_the_speakers_window_has_the_notes_of_the_powerpoint(owner_client, report_campaign):
    html = owner_client.get(present_url(report_campaign, "reports:present_notes")).content
    html = html.decode()
    profile = build_profile(report_campaign, language="en")
    deck = Presentation(io.BytesIO(build_slides(profile)))
    notes = [s.notes_slide.notes_text_frame.text for s in deck.slides]
    text = unescape(re.sub(r"<[^>]+>", "", html))
    for note in notes:
        for paragraph in note.split("\n"):
            assert paragraph.strip() in text
    titles = re.findall(r'data-title="([^"]*)"', html)
    present = sections(owner_client.get(present_url(report_campaign)).content.decode())
    assert [unescape(t) for t in titles] == [s["title"] for s in present]
    assert "data-notes-after hidden" in html  # the gap's answer, after the reveal
    assert "plotly" not in html  # notes only: no figures


def test_the_slides_show_the_dashboards_numbers(owner_client, report_campaign):
    dashboard = owner_client.get(dashboard_url(report_campaign)).content.decode()
    html = owner_client.get(present_url(report_campaign)).content.decode()
    slides = sections(html)
    profile = build_profile(report_campaign, language="en")

    index = re.search(r"<span data-executive-index>([^<]+)</span>", dashboard).group(1)
    assert re.search(rf'<span data-number="index">{re.escape(index)}</span>', html)
    rate = re.search(r'class="executive-number mb-1">([^<]+)</p>', dashboard).group(1)
    assert re.search(rf'data-number="response-rate">{re.escape(rate)}</p>', html)

    charts = figure_blocks(dashboard)
    by_kind = {}
    for slide in slides:
        by_kind.setdefault(slide["kind"], []).append(slide)
    [index_slide] = by_kind["index"]
    assert numbers(slide_figure(html, index_slide)) == numbers(charts["chart-overall"])
    for slide in by_kind["framework"]:
        code = slide["framework"]
        assert numbers(slide_figure(html, slide)) == numbers(charts[f"chart-radar-{code}"])
        framework = next(f for f in profile.frameworks if f.code == code)
        for dim in framework.dimensions:  # the table beside it, as the dashboard's
            row = re.search(rf'data-dimension="{re.escape(dim.code)}".*?</tr>', slide["html"])
            assert f"{dim.score:.1f}</span>" in row.group(0)
            assert f"{dim.score:.1f}</td>" in dashboard
    [keys] = by_kind["keys"]
    assert numbers(slide_figure(html, keys)) == numbers(charts["chart-keys"])
    # Each framework's part of the dashboard's heatmap, without the overall row.
    whole = {tuple(row) for row in charts["chart-heatmap"]["data"][0]["z"]}
    for slide in by_kind["heatmap"]:
        part = slide_figure(html, slide)["data"][0]["z"]
        framework = next(f for f in profile.frameworks if f.code == slide["framework"])
        shown = [row for row in part if any(v is not None for v in row)]
        assert len(shown) == len(framework.dimensions), slide["title"]
        assert all(tuple(row) in whole for row in shown)
    # The gap: the five largest of the dashboard's, with the same numbers.
    [gap] = by_kind["gap_question"]
    shown = numbers(slide_figure(html, gap))
    points = {
        (y, x)
        for trace in numbers(charts["chart-gap"])
        for x, y in zip(trace["x"] or [], trace["y"] or [], strict=False)
        if x is not None
    }
    assert shown and all(
        (y, x) in points
        for trace in shown
        for x, y in zip(trace["x"] or [], trace["y"] or [], strict=False)
        if x is not None
    )
    # Priorities: the dashboard's three, with their scores.
    for slide, code in zip(by_kind["priority"], profile.priorities, strict=True):
        dim = profile.dimension(code)
        assert slide["title"].endswith(dim.name)
        assert f"{dim.score:.1f}" in slide["html"]


def test_no_text_in_a_figure_is_under_18_px(owner_client, report_campaign):
    html = owner_client.get(present_url(report_campaign)).content.decode()
    figures = present_figures(html)
    assert len(figures) > 8
    for figure in figures.values():
        sizes = [s for s in font_sizes(figure) if isinstance(s, int | float)]
        assert sizes and min(sizes) >= 18
        assert figure["layout"]["font"]["size"] >= 18


def test_the_present_mode_is_in_dutch_with_decimal_commas(consultant, report_campaign):
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(consultant)
    html = client.get(present_url(report_campaign)).content.decode()
    assert '<html lang="nl">' in html
    index = re.search(r'<span data-number="index">([^<]+)</span>', html).group(1)
    assert re.fullmatch(r"\d+,\d", index)
    assert "Hoe klantgericht zijn we echt?" in html
    assert "Speaker&#x27;s notes" not in html and "Speaker's notes" not in html


# --------------------------------------------------------------------------- hidden groups


def test_hidden_teams_show_no_numbers(owner_client, report_campaign):
    html = owner_client.get(present_url(report_campaign)).content.decode()
    slides = sections(html)
    [rate] = [s for s in slides if s["kind"] == "response_rate"]
    # Gamma (2) is below k, and one more team is hidden with it; the other is shown.
    profile = build_profile(report_campaign, language="en")
    hidden = {g.name for g in profile.groups["team"] if g.suppressed}
    assert "Gamma" in hidden and len(hidden) == 2
    cells = dict(re.findall(r'data-team="(\w+)">.*?<td class="num">([^<]+)<', rate["html"]))
    assert cells == {g.name: "&lt; 5" if g.suppressed else str(g.n) for g in profile.groups["team"]}
    for slide in (s for s in slides if s["kind"] == "heatmap"):
        figure = slide_figure(html, slide)
        labels = json.dumps(figure)
        assert "Gamma" in labels and "hidden" in labels
        cells = figure["data"][0]
        for column, label in enumerate(cells["x"]):
            if any(name in str(label) for name in hidden):
                assert all(row[column] is None for row in cells["z"])
                assert all(row[column] == "" for row in cells["text"])


def test_a_hidden_team_gets_a_slide_that_says_so(owner_client, report_campaign):
    team = "Gamma"
    html = owner_client.get(present_url(report_campaign, team=team)).content.decode()
    slides = sections(html)
    assert [s["kind"] for s in slides] == ["cover", "state"]
    assert slides[1]["title"] == "No results for this selection: fewer than k responses"
    assert "at least k = 5 submitted responses" in html
    assert present_figures(html) == {}
    assert "data-number" not in html


def test_an_unknown_team(owner_client, report_campaign):
    html = owner_client.get(present_url(report_campaign, team="Nobody")).content.decode()
    assert [s["kind"] for s in sections(html)] == ["cover", "state"]
    assert "This campaign has no such team." in html


def test_the_team_filter_gives_the_teams_walk(owner_client, report_campaign):
    delta = TeamFactory(campaign=report_campaign, name="Delta", order=4)
    add_responses(report_campaign, 7, team=delta)
    html = owner_client.get(present_url(report_campaign, team="Beta")).content.decode()
    slides = sections(html)
    kinds = [s["kind"] for s in slides]
    assert "heatmap" not in kinds and kinds[0] == "cover"
    assert "Team report: Beta" in slides[0]["html"]
    dashboard = owner_client.get(dashboard_url(report_campaign, team="Beta")).content.decode()
    index = re.search(r"<span data-executive-index>([^<]+)</span>", dashboard).group(1)
    assert re.search(rf'<span data-number="index">{re.escape(index)}</span>', html)
    assert "data-team=" not in html  # no table of teams in a team's walk
    # Esc leads back to the team's dashboard.
    assert 'data-dashboard-url="/campaigns/report-round/dashboard/?team=Beta"' in html


# --------------------------------------------------------------------------- fieldwork


@pytest.fixture
def open_campaign(quick_version, consultant) -> Campaign:
    campaign = CampaignFactory(
        organisation=OrganisationFactory(owner=consultant, name="Live BV"),
        questionnaire_version=quick_version,
        anonymity_threshold=5,
        slug="live-round",
        status=Campaign.OPEN,
    )
    team = TeamFactory(campaign=campaign, name="Sales", order=1)
    add_responses(campaign, 5, team=team)
    add_responses(campaign, 2, team=team, role=Response.MANAGER)
    return campaign


def test_during_fieldwork_a_live_slide_with_the_qr_code_and_the_count(owner_client, open_campaign):
    html = owner_client.get(present_url(open_campaign)).content.decode()
    slides = sections(html)
    assert [s["kind"] for s in slides][:3] == ["cover", "live", "question"]
    live = slides[1]["html"]
    assert "<svg" in live and open_campaign.token in live
    assert re.search(r"data-live-count>7<", live)
    assert 'data-count-url="/campaigns/live-round/present/count/"' in html
    assert "Interim results: the campaign is still open" in slides[0]["html"]
    # Every team is hidden while people answer: one slide says so, no heatmaps.
    kinds = [s["kind"] for s in slides]
    assert "heatmap" not in kinds and kinds.count("teams_hidden") == 1
    response = owner_client.get(present_url(open_campaign, "reports:present_count"))
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content) == {"submitted": 7, "open": True}


def test_during_fieldwork_teams_wait_for_the_close(owner_client, open_campaign):
    html = owner_client.get(present_url(open_campaign, team="Sales")).content.decode()
    slides = sections(html)
    assert [s["kind"] for s in slides] == ["cover", "live", "state"]
    assert slides[2]["title"] == "Teams and roles are shown once the campaign has closed"
    assert present_figures(html) == {}


def test_when_results_wait_for_the_close_only_the_live_slide(owner_client, open_campaign):
    open_campaign.results_during_fieldwork = Campaign.RESULTS_AFTER_CLOSING
    open_campaign.save()
    html = owner_client.get(present_url(open_campaign)).content.decode()
    assert [s["kind"] for s in sections(html)] == ["cover", "live", "state"]
    assert "Results appear when the campaign has closed" in html
    assert present_figures(html) == {}


# --------------------------------------------------------------------------- the CSP


@pytest.mark.parametrize("name", ["reports:present", "reports:present_notes"])
def test_no_inline_scripts_or_styles(owner_client, report_campaign, open_campaign, name):
    for campaign in (report_campaign, open_campaign):
        html = owner_client.get(present_url(campaign, name)).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert "<style" not in html
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
        assert "cdn" not in html.lower()
