"""Item quality through the Django test client: the flags and the summary on the item
analysis page, and the statement-quality card on the dashboard, both only from k counted
responses."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import Campaign
from reports.reliability import build_item_analysis
from tests.builders import add_response, dashboard_url, level, make_questionnaire
from tests.factories import CampaignFactory, ClosedCampaignFactory, OrganisationFactory

# alpha.one: items 1 and 2 go together; item 3 (reverse-keyed) is answered as if at
# random. Keyed, item 3 is 3, 5, 1, 3, 2, 4 (raw 6 - keyed: 3, 1, 5, 3, 4, 2).
#   alpha.one = -0.24; alpha if deleted: item 1 -2.72, item 2 -1.85, item 3 0.90
#   corrected item-total: item 1 0.39, item 2 0.26, item 3 -0.55
# -> only alpha.one.3 is flagged, for both reasons. alpha.two: two items that agree
# (r = 0.88), nothing flagged; beta.three and beta.four: one item each, nothing defined.
BAD_ITEM_ROWS = [
    # alpha.one.1, .2, .3 (raw), alpha.two.1, .2, beta.three.1, beta.four.1
    (1, 2, 3, 1, 2, 2, 3),
    (2, 1, 1, 2, 2, 3, 2),
    (3, 3, 5, 3, 4, 3, 3),
    (4, 5, 3, 4, 4, 4, 5),
    (5, 4, 4, 5, 5, 5, 4),
    (2, 2, 2, 2, 1, 2, 2),
]
CODES = ("alpha.one.1", "alpha.one.2", "alpha.one.3", "alpha.two.1", "alpha.two.2")
CODES += ("beta.three.1", "beta.four.1")
CARD = "Statement quality: 1 statement may need rewording"


@pytest.fixture
def version(banks):
    return make_questionnaire()


@pytest.fixture
def organisation(consultant):
    return OrganisationFactory(owner=consultant)


@pytest.fixture
def owner_client(client, consultant):
    client.force_login(consultant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def closed_campaign(version, organisation, rows=BAD_ITEM_ROWS) -> Campaign:
    campaign = ClosedCampaignFactory(
        organisation=organisation, questionnaire_version=version, anonymity_threshold=3
    )
    for row in rows:
        add_response(campaign, dict(zip(CODES, row, strict=True)))
    return campaign


def analysis_url(campaign) -> str:
    return reverse("reports:item_analysis", args=[campaign.slug])


def test_the_report_flags_only_the_bad_item(version, organisation):
    report = build_item_analysis(closed_campaign(version, organisation), language="en")
    assert [i.code for i in report.flagged] == ["alpha.one.3"]
    one = next(d for d in report.dimensions if d.code == "alpha.one")
    bad = one.items[2]
    assert bad.weak and bad.lowers_alpha
    assert one.alpha == pytest.approx(-0.2378, abs=1e-4)
    assert bad.alpha_if_deleted == pytest.approx(0.8983, abs=1e-4)
    assert bad.item_total == pytest.approx(-0.5546, abs=1e-4)
    assert [i.alpha_if_deleted for i in one.items[:2]] == pytest.approx(
        [-2.7170, -1.8462], abs=1e-4
    )
    two = next(d for d in report.dimensions if d.code == "alpha.two")
    assert [i.alpha_if_deleted for i in two.items] == [None, None]  # one item would remain
    assert not any(i.flagged for i in two.items)


def test_item_analysis_page_shows_the_flag_and_the_summary(owner_client, version, organisation):
    campaign = closed_campaign(version, organisation)
    html = owner_client.get(analysis_url(campaign)).content.decode()
    # the summary at the top, linking down to the row
    assert 'id="to-look-at"' in html
    assert "1 statement to look at" in html
    assert '<a href="#item-alpha.one.3">alpha.one.3</a>' in html
    assert "lowers alpha (alpha 0.90 without it, -0.24 with it)" in html
    assert "weak (item–total correlation -0.55, below 0.2)" in html
    assert html.index('id="to-look-at"') < html.index("<table")
    # the row: alpha if deleted in its own column, the flags as badges with text
    assert "Alpha if deleted" in html
    row = html[html.index('<tr id="item-alpha.one.3"') :]
    row = row[: row.index("</tr>")]
    assert 'class="item-flagged"' in row
    assert "0.90" in row and "-0.55" in row
    assert '<span class="badge text-bg-warning">lowers alpha</span>' in row
    assert '<span class="badge text-bg-warning">weak</span>' in row
    good = html[html.index('<tr id="item-alpha.one.1"') :]
    good = good[: good.index("</tr>")]
    assert "badge text-bg-warning" not in good and "item-flagged" not in good
    assert "-2.72" in good


def test_dashboard_shows_the_statement_quality_card(owner_client, version, organisation):
    campaign = closed_campaign(version, organisation)
    response = owner_client.get(dashboard_url(campaign))
    html = response.content.decode()
    assert response.context["state"] == "results"
    assert CARD in html
    assert f'href="{analysis_url(campaign)}#to-look-at"' in html
    assert 'data-item-quality="1"' in html
    assert "alpha.one.3" in html
    # the card is about the whole campaign: not on a view of one role
    filtered = owner_client.get(dashboard_url(campaign, role="employee"))
    assert filtered.context["state"] == "results"
    assert CARD not in filtered.content.decode()


def test_nothing_flagged_no_card_and_the_page_says_so(owner_client, version, organisation):
    rows = [tuple(level(v).values()) for v in (1, 2, 3, 4, 5, 3)]
    campaign = closed_campaign(version, organisation, rows)
    dashboard = owner_client.get(dashboard_url(campaign))
    assert dashboard.context["state"] == "results"
    assert dashboard.context["item_quality"] is None
    assert "Statement quality" not in dashboard.content.decode()
    html = owner_client.get(analysis_url(campaign)).content.decode()
    assert "No statements to look at" in html
    assert "lowers alpha</span>" not in html


def test_fewer_than_k_neither_shows(owner_client, version, organisation):
    campaign = closed_campaign(version, organisation, BAD_ITEM_ROWS[:2])  # 2 < k = 3
    page = owner_client.get(analysis_url(campaign))
    html = page.content.decode()
    assert not page.context["report"].available
    assert 'id="to-look-at"' not in html and 'id="item-' not in html
    assert "fewer than k responses" in html
    dashboard = owner_client.get(dashboard_url(campaign))
    assert dashboard.context["state"] == "below"
    assert dashboard.context["item_quality"] is None
    assert "Statement quality" not in dashboard.content.decode()


def test_during_fieldwork_the_card_uses_the_counted_responses(owner_client, version, organisation):
    # Open campaign, k = 3, results in steps of k: of 5 submitted responses the first 3
    # count. The dashboard's item analysis is the page's, on those same 3 responses.
    campaign = CampaignFactory(
        organisation=organisation, questionnaire_version=version, anonymity_threshold=3
    )
    for row in BAD_ITEM_ROWS[:5]:
        add_response(campaign, dict(zip(CODES, row, strict=True)))
    assert not campaign.fieldwork_ended()
    dashboard = owner_client.get(dashboard_url(campaign))
    assert dashboard.context["state"] == "results"
    assert dashboard.context["profile"].respondents == 3
    page = owner_client.get(analysis_url(campaign)).context["report"]
    assert page.respondents == 3
    assert page.flagged  # 3 respondents: the statistics wobble, statements are flagged
    assert dashboard.context["item_quality"] == page  # the same numbers, to the last bit
    assert f'data-item-quality="{len(page.flagged)}"' in dashboard.content.decode()


def test_dashboard_card_costs_a_constant_number_of_queries(owner_client, version, organisation):
    def queries(campaign) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = owner_client.get(dashboard_url(campaign))
        assert CARD in response.content.decode()
        return len(captured)

    small = queries(closed_campaign(version, organisation))
    large = closed_campaign(version, organisation, BAD_ITEM_ROWS * 5)
    # the large campaign has a previous round (the small one), which the profile reads
    assert queries(large) <= small + 8
    assert small <= 21  # tests/reports/test_dashboard.py's budget
