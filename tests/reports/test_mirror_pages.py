"""The customer mirror on the dashboard, in the JSON download and in the PDF."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessment.customer_mirror import add_customer_mirror
from assessment.models import Campaign, Response
from assessment.teams import TeamSpec
from reports import pdf
from reports.profile_builder import build_profile
from reports.profile_export import profile_export
from tests.builders import (
    add_response,
    add_responses,
    assert_export_shape,
    dashboard_url,
    figure_blocks,
)
from tests.factories import ClosedCampaignFactory, OrganisationFactory, TeamFactory

SURPRISE, JOURNEY = "mirror.keys.surprise.1", "mirror.keys.journey.1"


@pytest.fixture
def campaign(full_version, consultant) -> Campaign:
    campaign = ClosedCampaignFactory(
        organisation=OrganisationFactory(owner=consultant),
        questionnaire_version=full_version,
        anonymity_threshold=3,
        slug="mirrored",
    )
    team = TeamFactory(campaign=campaign, name="Office")
    add_responses(campaign, 3, team=team, role=Response.MANAGER, shift=2)
    add_responses(campaign, 3, team=team, role=Response.EMPLOYEE)
    return campaign


def add_mirror(campaign: Campaign, customers: int) -> Campaign:
    mirror = add_customer_mirror(
        campaign=campaign, segments=[TeamSpec("B2B"), TeamSpec("Consumers")], anonymity_threshold=3
    )
    Campaign.objects.filter(pk=mirror.pk).update(status=Campaign.CLOSED)
    b2b = mirror.teams.get(name="B2B")
    for i in range(customers):
        add_response(mirror, {SURPRISE: 1 + i % 2, JOURNEY: 4}, team=b2b, role="")
    return mirror


@pytest.fixture
def owner_client(client, consultant):
    client.force_login(consultant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def card(html: str) -> str:
    start = html.index('id="customer-mirror"')
    return html[start : html.index("</section>", start)]


def test_without_a_mirror_the_card_says_so(owner_client, campaign):
    html = owner_client.get(dashboard_url(campaign)).content.decode()
    assert "This campaign has no customer mirror" in card(html)
    assert "chart-mirror" not in figure_blocks(html)
    assert "data-executive-mirror" not in html


def test_too_few_customers_say_how_many_are_needed_not_how_many_answered(owner_client, campaign):
    add_mirror(campaign, 2)
    html = card(owner_client.get(dashboard_url(campaign)).content.decode())
    assert 'data-mirror-state="below"' in html
    assert "from k = 3 customer responses" in html
    shown = re.sub(r"<[^>]+>", " ", html)  # the card's text, without its markup
    assert not re.search(r"\b2\b", shown)  # never how many answered


def test_the_mirror_card_chart_table_and_headline(
    owner_client, campaign, django_assert_max_num_queries
):
    add_mirror(campaign, 4)
    with django_assert_max_num_queries(27):  # 21, and six more to read the mirror
        response = owner_client.get(dashboard_url(campaign))
    html = response.content.decode()
    figure = figure_blocks(html)["chart-mirror"]
    assert [trace["name"] for trace in figure["data"]] == ["Management", "Employees", "Customers"]
    section = card(html)
    assert "<table" in section and "Self-image gap" in section
    # Consumers has no customers: not a column; B2B (4) is, but it equals the whole, so
    # it is shown beside it.
    assert "B2B" in section and "Consumers" not in section
    # surprise: 1, 2, 1, 2 -> mean 1.5 -> 12.5; management answered far higher: flagged
    surprise = section[section.index('data-dimension="keys.surprise"') :]
    surprise = surprise[: surprise.index("</tr>")]
    assert "12.5" in surprise and "15 or more" in surprise
    flagged = section[section.index("data-mirror-flagged") :]
    flagged = flagged[: flagged.index("</p>")]
    assert "a self-image gap of 15 points or more:" in flagged
    assert "data-executive-mirror" in html
    assert "our customers score us" in html


def test_a_team_view_shows_no_mirror(owner_client, campaign):
    add_mirror(campaign, 4)
    html = owner_client.get(dashboard_url(campaign, team="Office")).content.decode()
    assert 'id="customer-mirror"' not in html


def test_the_json_customers_block(owner_client, campaign):
    mirror = add_mirror(campaign, 4)
    data = profile_export(campaign, build_profile(campaign))
    assert_export_shape(data)
    customers = data["customers"]
    assert customers["k"] == 3 and customers["n"] == 4 and customers["state"] == "results"
    row = next(r for r in customers["dimensions"] if r["dimension"] == "keys.surprise")
    assert row["customers"] == pytest.approx(12.5) and row["n_customers"] == 4
    assert row["self_image_gap"] == pytest.approx(row["management"] - 12.5)
    assert [s["name"] for s in customers["segments"]] == ["B2B"]
    assert set(customers["headline"]) == {
        "management",
        "customers",
        "dimensions",
        "management_hidden",
    }
    downloaded = json.loads(
        owner_client.get(reverse("reports:export_json", args=[campaign.slug])).content
    )
    assert downloaded["customers"]["n"] == 4
    assert mirror.slug not in json.dumps(downloaded)


def test_the_json_without_a_mirror(campaign):
    assert profile_export(campaign, build_profile(campaign))["customers"] is None


def test_the_pdf_has_the_customer_mirror_chapter_and_headline(campaign):
    add_mirror(campaign, 4)
    report = pdf.report_input(campaign, "en")
    assert report.mirror is not None and report.mirror.n == 4
    html = pdf.render_html(report)
    assert '<a href="#customer-mirror">Customer mirror</a>' in html
    assert "our customers score us" in html
    reader = PdfReader(io.BytesIO(pdf.render_pdf(report, with_charts=False)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Customer mirror" in text
    assert "Self-image gap" in text
    chapter = html[html.index('id="customer-mirror"') :]
    assert "Self-image gap" in chapter and '12.5<br><span class="small">n = 4</span>' in chapter


def test_the_pdf_without_a_mirror_and_a_team_report_leave_it_out(campaign):
    assert "customer-mirror" not in pdf.render_html(pdf.report_input(campaign, "en"))
    add_mirror(campaign, 4)
    assert pdf.report_input(campaign, "en", team="Office").mirror is None


def test_a_hidden_management_is_said_in_the_headline(owner_client, consultant, full_version):
    campaign = ClosedCampaignFactory(
        organisation=OrganisationFactory(owner=consultant),
        questionnaire_version=full_version,
        anonymity_threshold=3,
    )
    add_responses(campaign, 2, role=Response.MANAGER)  # below k = 3
    add_responses(campaign, 4, role=Response.EMPLOYEE)
    add_mirror(campaign, 4)
    html = owner_client.get(dashboard_url(campaign)).content.decode()
    headline = html[html.index("data-executive-mirror") :]
    assert "management's own score is hidden" in headline[: headline.index("</div>")]
