"""The item-analysis page: who may see it, and what it shows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.reliability import build_item_analysis
from tests.builders import add_response, make_questionnaire
from tests.factories import ClosedCampaignFactory, OrganisationFactory


@pytest.fixture
def version(banks):
    return make_questionnaire()


@pytest.fixture
def campaign(version, consultant):
    organisation = OrganisationFactory(owner=consultant)
    return ClosedCampaignFactory(
        organisation=organisation, questionnaire_version=version, anonymity_threshold=3
    )


def url(campaign) -> str:
    return reverse("reports:item_analysis", args=[campaign.slug])


def login(client, user) -> None:
    client.force_login(user)  # django-axes needs a request for a password login


def fill(campaign) -> None:
    # alpha.one: three items that go together, except alpha.one.3 (reverse-keyed) which
    # runs against them once keyed -> a weak item and a weak alpha.
    rows = [
        (1, 1, 1, 2),
        (2, 2, 1, 4),
        (3, 3, 3, 1),
        (4, 5, 2, 5),
        (5, 4, 4, 3),
    ]
    for a, b, c, d in rows:
        add_response(
            campaign,
            {
                "alpha.one.1": a,
                "alpha.one.2": b,
                "alpha.one.3": c,
                "alpha.two.1": d,
                "alpha.two.2": 6 - d,
                "beta.three.1": 3,
            },
        )


def test_anonymous_is_sent_to_login(client, campaign):
    page = client.get(url(campaign))
    assert page.status_code == 302
    assert page.url.startswith(reverse("login"))


def test_owner_sees_the_page(client, campaign, consultant):
    login(client, consultant)
    page = client.get(url(campaign))
    assert page.status_code == 200
    assert "reports/item_analysis.html" in [t.name for t in page.templates]


def test_other_consultant_gets_404(client, campaign, other_consultant):
    login(client, other_consultant)
    assert client.get(url(campaign)).status_code == 404


def test_shared_consultant_sees_it_and_staff_do_not(client, campaign, other_consultant, staff_user):
    # The item analysis shows answers of one campaign: the dashboard's access rule, so a
    # staff user who neither owns nor shares the organisation gets the same 404.
    campaign.organisation.shared_with.add(other_consultant)
    login(client, other_consultant)
    assert client.get(url(campaign)).status_code == 200
    client.logout()
    login(client, staff_user)
    assert client.get(url(campaign)).status_code == 404


def test_unknown_campaign_is_404(client, consultant, db):
    login(client, consultant)
    assert client.get(reverse("reports:item_analysis", args=["nope"])).status_code == 404


def test_below_k_says_why(client, campaign, consultant):
    add_response(campaign, {"alpha.one.1": 3})
    login(client, consultant)
    page = client.get(url(campaign), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "fewer than k responses" in html
    assert not page.context["report"].available
    assert "<table" not in html


def test_alpha_and_item_total_with_flags(client, campaign, consultant):
    fill(campaign)
    report = build_item_analysis(campaign, language="en")
    assert report.available and report.respondents == 5
    one = next(d for d in report.dimensions if d.code == "alpha.one")
    assert one.n_complete == 5
    assert one.alpha is not None
    assert [i.code for i in one.items] == ["alpha.one.1", "alpha.one.2", "alpha.one.3"]
    assert one.items[2].reverse
    assert one.items[2].item_total is not None and one.items[2].weak
    assert one.weak
    two = next(d for d in report.dimensions if d.code == "alpha.two")
    # alpha.two.2 = 6 - alpha.two.1: the total never varies -> alpha undefined, and each
    # item correlates -1 with the other -> both weak
    assert two.alpha is None and not two.weak
    assert [i.item_total for i in two.items] == [pytest.approx(-1), pytest.approx(-1)]
    assert all(i.weak for i in two.items)
    three = next(d for d in report.dimensions if d.code == "beta.three")
    assert three.alpha is None  # one item: undefined
    four = next(d for d in report.dimensions if d.code == "beta.four")
    assert four.reason  # nobody answered it: fewer than k complete responses

    login(client, consultant)
    html = client.get(url(campaign), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Statement alpha.one.3" in html
    assert "alpha.one.3" in html
    assert "weak" in html
    assert "Cronbach" in html
    assert "fewer than k complete responses in this dimension" in html
