"""The consultant's business results page: entering, changing and removing a figure, and
bad input refused with its message and nothing stored."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from reports.models import BusinessResult
from tests.factories import ClosedCampaignFactory, OrganisationFactory


@pytest.fixture
def campaign(db, consultant):
    return ClosedCampaignFactory(organisation=OrganisationFactory(owner=consultant))


def page(campaign) -> str:
    return reverse("reports:business_results", args=[campaign.slug])


def post(client, campaign, **overrides):
    data = {
        "metric": "value_per_customer",
        "value": "1.250,50",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "source": "Jaarverslag 2025",
    }
    data.update(overrides)
    return client.post(page(campaign), data)


def test_an_empty_page_says_what_to_enter(client, consultant, campaign):
    client.force_login(consultant)
    html = client.get(page(campaign)).content.decode()
    assert "No figures yet" in html
    assert 'name="value"' in html


def test_a_figure_typed_the_dutch_way_is_saved_and_shown(client, consultant, campaign):
    client.force_login(consultant)
    response = post(client, campaign)
    assert response.status_code == 302
    saved = BusinessResult.objects.get()
    assert (saved.metric, saved.value, saved.source) == (
        "value_per_customer",
        Decimal("1250.50"),
        "Jaarverslag 2025",
    )
    html = client.get(page(campaign)).content.decode()
    assert "Saved: Revenue per customer." in html
    assert "€\u00a01,250.5" in html  # English page: grouped, as many decimals as it has
    # Changing it fills the form with what is stored.
    html = client.get(page(campaign) + "?metric=value_per_customer").content.decode()
    assert 'value="1250.5"' in html and 'value="2025-01-01"' in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"value": "veel"}, "Enter a number, for example 1250 or 12,5."),
        ({"metric": "customers_lost", "value": "-4"}, "This figure cannot be negative."),
        ({"metric": "churn", "value": "112"}, "A percentage lies between 0 and 100."),
        (
            {"period_start": "2025-12-31", "period_end": "2025-01-01"},
            "The period ends before it starts.",
        ),
        ({"metric": "height"}, "Choose one of the figures."),
    ],
)
def test_bad_input_is_refused_with_its_message_and_nothing_stored(
    client, consultant, campaign, overrides, message
):
    client.force_login(consultant)
    post(client, campaign, metric="nps", value="20")
    response = post(client, campaign, **overrides)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Nothing was saved." in html
    assert list(BusinessResult.objects.values_list("metric", "value")) == [("nps", Decimal("20"))]


def test_a_figure_is_removed_after_asking_and_by_a_post_only(client, consultant, campaign):
    client.force_login(consultant)
    post(client, campaign, metric="nps", value="20")
    remove = reverse("reports:business_result_remove", args=[campaign.slug, "nps"])
    table = client.get(page(campaign)).content.decode()
    assert f'href="{remove}"' in table  # the table's Remove asks first
    asked = client.get(remove, HTTP_ACCEPT_LANGUAGE="en")
    assert asked.status_code == 200
    assert "Remove the figure" in asked.content.decode() and "+20" in asked.content.decode()
    assert BusinessResult.objects.count() == 1  # asking removes nothing
    missing = reverse("reports:business_result_remove", args=[campaign.slug, "churn"])
    assert client.get(missing).status_code == 404
    assert client.post(remove).status_code == 302
    assert BusinessResult.objects.count() == 0


def test_another_consultant_can_neither_see_nor_change_the_figures(
    client, consultant, other_consultant, campaign
):
    client.force_login(consultant)
    post(client, campaign, metric="nps", value="20")
    client.force_login(other_consultant)
    assert client.get(page(campaign)).status_code == 404
    assert post(client, campaign, metric="nps", value="99").status_code == 404
    remove = reverse("reports:business_result_remove", args=[campaign.slug, "nps"])
    assert client.post(remove).status_code == 404
    assert list(BusinessResult.objects.values_list("value", flat=True)) == [Decimal("20")]
