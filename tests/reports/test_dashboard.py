"""The campaign dashboard and its downloads, through the Django test client."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.conf import settings
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import Campaign, Invitation, Response
from assessment.response_file import XLSX_CONTENT_TYPE
from reports.profile_builder import build_profile
from tests.builders import EVIL_COMMENT, add_responses, dashboard_url, figure_blocks
from tests.factories import ClosedCampaignFactory, OrganisationFactory, ResponseFactory, TeamFactory


@pytest.fixture
def campaign(quick_version, consultant) -> Campaign:
    """A quick-scan campaign (k = 5) of three teams: Alpha 6 employees, Beta 6 managers,
    Gamma 2 employees (below k, so Alpha is hidden too: complementary suppression)."""
    organisation = OrganisationFactory(owner=consultant, name="Dash BV")
    campaign = ClosedCampaignFactory(
        organisation=organisation,
        questionnaire_version=quick_version,
        anonymity_threshold=5,
        language="en",
        slug="dash",
        name="Dash round",
    )
    alpha = TeamFactory(campaign=campaign, name="Alpha", order=1)
    beta = TeamFactory(campaign=campaign, name="Beta", order=2)
    gamma = TeamFactory(campaign=campaign, name="Gamma", order=3)
    add_responses(campaign, 6, team=alpha)
    add_responses(campaign, 6, team=beta, role=Response.MANAGER, shift=1, comment=EVIL_COMMENT)
    add_responses(campaign, 2, team=gamma, comment="A comment from a small team")
    return campaign


@pytest.fixture
def owner_client(client, consultant):
    client.force_login(consultant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# --------------------------------------------------------------------------- access


def test_owner_sees_every_section_with_charts(owner_client, campaign):
    response = owner_client.get(dashboard_url(campaign))
    assert response.status_code == 200
    html = response.content.decode()
    figures = figure_blocks(html)
    expected = {
        "chart-overall",
        "chart-heatmap",
        "chart-gap",
        "chart-agreement",
        "chart-keys",
        *(f"chart-radar-{f}" for f in ("diamond", "shifts", "keys", "care", "listening")),
        *(f"chart-bars-{f}" for f in ("diamond", "shifts", "keys", "care", "listening")),
    }
    assert expected <= set(figures)
    for chart_id, figure in figures.items():
        assert f'id="{chart_id}" data-figure="{chart_id}-data"' in html
        assert figure["data"] and figure["layout"]["height"] > 0
    # No previous round: no change chart, and the page says so.
    assert "chart-change" not in figures
    assert "There is no previous round" in html
    # Our own Plotly and script; no inline script code, no CDN.
    assert "/static/vendor/plotly/plotly.min.js" in html
    assert "/static/js/dashboard.js" in html
    assert not re.search(r"<script(?![^>]*(src=|application/json))[^>]*>", html)
    assert "cdn" not in html.lower()
    # Sections, explanations, numbers in tables.
    for text in (
        "Customer-centricity index",
        "What we think of ourselves vs what the team sees",
        "Agreement per dimension",
        "The gate of the five keys",
        "Weakest key:",
        "Priorities: the three lowest dimensions",
        "What to do next",
        "Strengths: the three highest dimensions",
        "Show the numbers",
        "Responses (CSV)",
        "Responses (XLSX)",
        "Profile (JSON)",
    ):
        assert text in html, text
    assert html.count("<details") >= 10  # a table beside every chart


def test_the_executive_view_comes_first_and_names_what_matters(owner_client, campaign):
    html = owner_client.get(dashboard_url(campaign)).content.decode()
    start = html.index("data-executive")
    assert start < html.index('class="dashboard-nav')
    view = html[start : html.index("</section>", start)]
    profile = build_profile(campaign)
    assert f"data-executive-index>{floatformat(profile.overall_score, 1)}<" in view
    assert "First round: the next one will show the change." in view
    # No team sizes or invitations: the count of responses instead of a rate.
    assert "Response rate" in view and "no team sizes or invitations" in view
    assert "Weakest key" in view
    for code in (*profile.priorities, *profile.strengths):
        assert profile.dimension(code).name in view
    largest = sorted(profile.gaps, key=lambda g: abs(g.gap), reverse=True)[:3]
    assert view.count("management ") == len(largest) > 0
    for gap in largest:
        assert profile.dimension(gap.dimension).name in view


def test_hidden_teams_are_named_with_the_reason(owner_client, campaign):
    html = owner_client.get(dashboard_url(campaign)).content.decode()
    assert "2 teams are shown grey without numbers: fewer than k responses (k = 5)." in html
    heatmap = figure_blocks(html)["chart-heatmap"]
    columns = heatmap["data"][0]["x"]
    hidden = [i for i, c in enumerate(columns) if "hidden" in c]
    assert [columns[i].split("<br>")[0] for i in hidden] == ["Alpha", "Gamma"]
    for row_z, row_text in zip(heatmap["data"][0]["z"], heatmap["data"][0]["text"], strict=True):
        assert all(row_z[i] is None and row_text[i] == "" for i in hidden)
    # (wrapped to fit a short heatmap: the line breaks read as spaces)
    notes = [a["text"].replace("<br>", " ") for a in heatmap["layout"]["annotations"]]
    assert "fewer than k responses (k = 5)" in notes
    assert "hidden to protect a group with fewer than k responses (k = 5)" in notes


def test_other_consultant_gets_404(client, campaign, other_consultant):
    client.force_login(other_consultant)
    for name in ("dashboard", "export_csv", "export_xlsx", "export_json"):
        response = client.get(reverse(f"reports:{name}", args=[campaign.slug]))
        assert response.status_code == 404, name


def test_shared_consultant_sees_the_dashboard(client, campaign, other_consultant):
    campaign.organisation.shared_with.add(other_consultant)
    client.force_login(other_consultant)
    assert client.get(dashboard_url(campaign)).status_code == 200


def test_anonymous_is_sent_to_login(client, campaign):
    for name in ("dashboard", "export_csv", "export_xlsx", "export_json"):
        url = reverse(f"reports:{name}", args=[campaign.slug])
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login"))


def test_unknown_campaign_404(owner_client, db):
    assert owner_client.get("/campaigns/nope/dashboard/").status_code == 404


# --------------------------------------------------------------------------- filters


def test_team_below_k_shows_a_message_instead_of_numbers(owner_client, campaign):
    response = owner_client.get(dashboard_url(campaign, team="Gamma"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No results for this selection: fewer than k responses" in html
    assert "at least k = 5 submitted responses" in html
    assert figure_blocks(html) == {}
    assert "plotly.min.js" not in html
    assert "data-overall-score" not in html
    assert '<option value="Gamma" selected>' in html


def test_team_hidden_by_complementary_suppression(owner_client, campaign):
    html = owner_client.get(dashboard_url(campaign, team="Alpha")).content.decode()
    assert "fewer than k responses" in html
    assert figure_blocks(html) == {}


def test_team_filter_shows_that_team(owner_client, campaign):
    TeamFactory(campaign=campaign, name="Delta", order=4)
    add_responses(campaign, 7, team=campaign.teams.get(name="Delta"))
    # Now Gamma (2) is hidden with Alpha (6); Beta and Delta are shown.
    html = owner_client.get(dashboard_url(campaign, team="Beta")).content.decode()
    figures = figure_blocks(html)
    assert "chart-overall" in figures
    assert "chart-heatmap" not in figures
    assert "You are looking at a part of the campaign:" in html
    assert "<strong>Beta</strong>" in html
    assert "The comparison of teams is shown for the whole campaign" in html


def test_role_filter(owner_client, campaign):
    html = owner_client.get(dashboard_url(campaign, role="manager")).content.decode()
    figures = figure_blocks(html)
    assert "chart-overall" in figures
    assert "chart-gap" not in figures
    assert "you are looking at one role" in html
    board = owner_client.get(dashboard_url(campaign, role="board")).content.decode()
    assert "No results for this selection: fewer than k responses" in board


def test_unknown_team_or_role(owner_client, campaign):
    for params in ({"team": "Nobody"}, {"role": "intern"}):
        response = owner_client.get(dashboard_url(campaign, **params))
        assert response.status_code == 200
        assert "This campaign has no such team or role." in response.content.decode()
        assert figure_blocks(response.content.decode()) == {}


# --------------------------------------------------------------------------- states


def test_empty_state_without_submitted_responses(owner_client, quick_version, consultant):
    campaign = ClosedCampaignFactory(
        organisation=OrganisationFactory(owner=consultant), questionnaire_version=quick_version
    )
    ResponseFactory(campaign=campaign, status=Response.IN_PROGRESS)
    html = owner_client.get(dashboard_url(campaign)).content.decode()
    assert "No submitted responses yet" in html
    assert figure_blocks(html) == {}
    assert "plotly.min.js" not in html


def test_below_threshold_state(owner_client, quick_version, consultant):
    campaign = ClosedCampaignFactory(
        organisation=OrganisationFactory(owner=consultant),
        questionnaire_version=quick_version,
        anonymity_threshold=5,
    )
    add_responses(campaign, 3)
    html = owner_client.get(dashboard_url(campaign)).content.decode()
    assert "Not enough responses yet: fewer than k responses" in html
    assert "So far 3 responses have been submitted" in html
    assert "k = 5" in html
    assert figure_blocks(html) == {}


def test_change_against_the_previous_round(owner_client, campaign):
    earlier = ClosedCampaignFactory(
        organisation=campaign.organisation,
        questionnaire_version=campaign.questionnaire_version,
        anonymity_threshold=5,
        name="Round zero",
    )
    add_responses(earlier, 6, shift=-1)
    Campaign.objects.filter(pk=earlier.pk).update(
        created_at=campaign.created_at - dt.timedelta(days=365)
    )
    html = owner_client.get(dashboard_url(campaign)).content.decode()
    figures = figure_blocks(html)
    assert "chart-change" in figures
    assert "Round zero" in figures["chart-change"]["layout"]["xaxis"]["title"]["text"]
    assert "Points up or down per dimension since Round zero." in html
    # The executive view: the index's change since that round, with both numbers.
    before = build_profile(campaign).previous["overall"]
    change = re.search(r"data-executive-change>(.*?)</p>", html, re.S).group(1)
    assert f"since Round zero ({floatformat(before, 1)})" in change
    assert "+" in change  # everyone answered one point lower then


# --------------------------------------------------------------------------- escaping


def test_comments_are_escaped_visible_text(owner_client, campaign):
    html = owner_client.get(dashboard_url(campaign)).content.decode()
    # Beta meets k: its comment is shown, as text.
    assert (
        "&lt;img src=&quot;file:///etc/hostname&quot;&gt; "
        "&lt;script&gt;alert(1)&lt;/script&gt; http://example.com/x.png"
    ) in html
    assert '<img src="file:///etc/hostname">' not in html
    assert "<script>alert(1)</script>" not in html
    assert 'href="http://example.com/x.png"' not in html
    assert 'src="http://example.com/x.png"' not in html
    # Gamma is below k: its comment is left out, and the page says why.
    assert "A comment from a small team" not in html
    assert "2 comments are not shown: their group has fewer than k responses (k = 5)." in html


def test_names_from_data_cannot_break_out_of_the_json(owner_client, campaign):
    team = campaign.teams.get(name="Beta")
    team.name = "</script><script>alert(2)</script>"
    team.save()
    html = owner_client.get(dashboard_url(campaign)).content.decode()
    assert "<script>alert(2)</script>" not in html
    figures = figure_blocks(html)  # every block still parses
    assert any("alert(2)" in column for column in figures["chart-heatmap"]["data"][0]["x"])


def test_dutch_page_uses_decimal_commas(owner_client, campaign):
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    html = owner_client.get(dashboard_url(campaign)).content.decode()
    score = re.search(r"data-overall-score>([^<]+)<", html).group(1)
    assert re.fullmatch(r"\d+,\d", score)
    bars = figure_blocks(html)["chart-bars-keys"]
    assert all(re.fullmatch(r"\d+,\d", t) for t in bars["data"][0]["text"] if t)
    assert bars["layout"]["separators"] == ",."


# --------------------------------------------------------------------------- queries


def test_query_count_is_flat(owner_client, campaign, quick_version, consultant):
    with CaptureQueriesContext(connection) as small:
        assert owner_client.get(dashboard_url(campaign)).status_code == 200
    large = ClosedCampaignFactory(
        organisation=campaign.organisation,
        questionnaire_version=quick_version,
        anonymity_threshold=5,
    )
    for i in range(4):
        team = TeamFactory(campaign=large, name=f"Team {i}", order=i)
        add_responses(large, 8, team=team, role=(Response.MANAGER, Response.EMPLOYEE)[i % 2])
    with CaptureQueriesContext(connection) as big:
        assert owner_client.get(dashboard_url(large)).status_code == 200
    # The larger campaign has a previous round (the small one), so it may read a few more.
    assert len(big) <= len(small) + 8


def test_query_budget(owner_client, campaign, django_assert_max_num_queries):
    # 21 for the whole campaign: its business results are one query more than a team's
    # view, which shows none (without figures in an earlier round, nothing else is read);
    # its customer mirror is read with the campaign (`test_mirror_pages`: a few more with one).
    with django_assert_max_num_queries(21):
        assert owner_client.get(dashboard_url(campaign)).status_code == 200
    with django_assert_max_num_queries(20):
        assert owner_client.get(dashboard_url(campaign, team="Beta")).status_code == 200


# --------------------------------------------------------------------------- downloads


def test_csv_download(owner_client, campaign):
    # The respondent-level file is downloaded from its warning page, by POST.
    page = owner_client.get(reverse("reports:export_csv", args=[campaign.slug]))
    assert page.status_code == 200 and "every answer of every respondent" in page.content.decode()
    response = owner_client.post(reverse("reports:export_csv", args=[campaign.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="dash-responses.csv"'
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffrespondent,team,role,")
    assert len(text.strip().splitlines()) == 1 + 14


def test_xlsx_download(owner_client, campaign):
    openpyxl = pytest.importorskip("openpyxl")
    response = owner_client.post(reverse("reports:export_xlsx", args=[campaign.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="dash-responses.xlsx"'
    assert response.content[:2] == b"PK"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][:3] == ["respondent", "team", "role"]
    assert sheet.max_row == 1 + 14


def test_json_download(owner_client, campaign):
    response = owner_client.get(reverse("reports:export_json", args=[campaign.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="dash-profile.json"'
    data = json.loads(response.content)
    assert data["campaign"]["slug"] == "dash"
    assert data["campaign"]["respondents"] == 14
    teams = {g["name"]: g for g in data["groups"]["team"]}
    assert teams["Gamma"] == {"name": "Gamma", "n": 2, "suppressed": True}


def test_downloads_only_by_get(owner_client, campaign):
    # The respondent-level exports are POSTs from their warning page (tested above).
    for name in ("dashboard", "export_json"):
        response = owner_client.post(reverse(f"reports:{name}", args=[campaign.slug]))
        assert response.status_code == 405, name


def test_pdf_links_in_both_languages_page_language_first(owner_client, campaign):
    html = owner_client.get(dashboard_url(campaign)).content.decode()
    links = re.findall(r'href="([^"]+)" hreflang="(\w+)" data-download="pdf-\w+">([^<]+)<', html)
    assert [(url, code) for url, code, _ in links] == [
        ("/campaigns/dash/report.pdf?lang=en", "en"),
        ("/campaigns/dash/report.pdf?lang=nl", "nl"),
    ]
    assert [label for _, _, label in links] == ["PDF report (English)", "PDF report (Nederlands)"]


def test_team_filter_links_to_the_team_report(owner_client, campaign):
    html = owner_client.get(dashboard_url(campaign, team="Beta")).content.decode()
    assert 'href="/campaigns/dash/report.pdf?lang=en&amp;team=Beta"' in html
    assert "Team report (PDF, English)" in html


def test_no_pdf_link_without_results(owner_client, campaign):
    html = owner_client.get(dashboard_url(campaign, team="Gamma")).content.decode()
    assert "report.pdf" not in html


def test_response_rate_says_what_it_counts_against(client, consultant, report_campaign, campaign):
    client.force_login(consultant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    # Team sizes set (8 + 8 + 4), nobody invited: an estimate of the people in the teams.
    page = client.get(dashboard_url(report_campaign)).content.decode()
    subtitle = re.search(r"</h1>\s*<p[^>]*>(.*?)</p>", page, re.S).group(1)
    assert "70% of about 20 people in the teams" in subtitle
    assert "invited" not in subtitle
    # No team sizes, 20 personal invitations: so many invited.
    for number in range(20):
        Invitation.objects.create(
            campaign=campaign, email=f"p{number}@example.org", token_digest=f"d{number:062d}"
        )
    assert "70% of 20 invited" in client.get(dashboard_url(campaign)).content.decode()
