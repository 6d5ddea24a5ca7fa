"""The customer mirror read from the database: counted as any campaign, released per
segment, and never part of the internal profile."""

from __future__ import annotations

import pytest

from assessment.customer_mirror import add_customer_mirror
from assessment.models import Campaign, Comment, Response
from assessment.teams import TeamSpec
from reports.mirror import BELOW, RESULTS
from reports.mirror_data import mirror_for
from reports.profile_builder import build_profile
from tests.builders import add_response, add_responses
from tests.factories import ClosedCampaignFactory, TeamFactory

SURPRISE, JOURNEY = "mirror.keys.surprise.1", "mirror.keys.journey.1"  # journey: reverse


@pytest.fixture
def campaign(full_version) -> Campaign:
    """k = 3: 3 managers and 3 employees, so both internal sides are shown."""
    campaign = ClosedCampaignFactory(questionnaire_version=full_version, anonymity_threshold=3)
    team = TeamFactory(campaign=campaign, name="Office")
    add_responses(campaign, 3, team=team, role=Response.MANAGER, shift=1)
    add_responses(campaign, 3, team=team, role=Response.EMPLOYEE)
    return campaign


def closed_mirror(campaign: Campaign, *segments: str, k: int = 3) -> Campaign:
    mirror = add_customer_mirror(
        campaign=campaign, segments=[TeamSpec(s) for s in segments], anonymity_threshold=k
    )
    Campaign.objects.filter(pk=mirror.pk).update(status=Campaign.CLOSED)
    mirror.refresh_from_db()
    return mirror


def customer(mirror: Campaign, answers: dict, segment: str | None = None) -> Response:
    team = mirror.teams.get(name=segment) if segment else None
    return add_response(mirror, answers, team=team, role="")


def test_no_mirror(campaign):
    assert mirror_for(campaign, build_profile(campaign)) is None


def test_customer_scores_by_hand_beside_the_internal_sides(campaign, django_assert_num_queries):
    mirror = closed_mirror(campaign)
    for surprise, journey in ((4, 2), (2, 5), (5, 3)):
        customer(mirror, {SURPRISE: surprise, JOURNEY: journey})
    profile = build_profile(campaign)
    # read as the consultant's pages read it, with its mirror (`consultant_results_campaign`)
    campaign = Campaign.objects.select_related("customer_mirror__questionnaire_version").get(
        pk=campaign.pk
    )
    with django_assert_num_queries(6):  # with the customers' comments
        result = mirror_for(campaign, profile)
    assert result is not None and result.state == RESULTS and result.n == 3
    rows = {row.dimension: row for row in result.rows}
    # surprise: 4, 2, 5 -> mean 11/3 -> 66.67; journey keyed 6 - v: 4, 1, 3 -> 8/3 -> 41.67
    assert rows["keys.surprise"].customers == pytest.approx(200 / 3)
    assert rows["keys.journey"].customers == pytest.approx(125 / 3)
    assert rows["keys.journey"].n_customers == 3
    # Nobody answered the other statements: no score, and no n.
    assert rows["care.operations"].customers is None
    assert rows["care.operations"].n_customers == 0
    management = profile.sides["management"]
    assert rows["keys.surprise"].management == management["keys.surprise"]
    assert rows["keys.surprise"].employees == profile.sides["employees"]["keys.surprise"]
    assert rows["keys.surprise"].self_image_gap == pytest.approx(
        management["keys.surprise"] - 200 / 3
    )
    headline = result.headline
    assert headline is not None and headline.dimensions == 2
    assert headline.customers == pytest.approx((200 / 3 + 125 / 3) / 2)
    assert headline.management == pytest.approx(
        (management["keys.surprise"] + management["keys.journey"]) / 2
    )


def test_customer_answers_leave_the_internal_profile_unchanged(campaign):
    before = build_profile(campaign).as_dict()
    mirror = closed_mirror(campaign, "B2B")
    for i in range(6):
        customer(mirror, {SURPRISE: 1 + i % 5, JOURNEY: 5 - i % 5}, "B2B" if i % 2 else None)
    after = build_profile(campaign)
    assert after.as_dict() == before
    assert mirror_for(campaign, after).n == 6


def test_k_applies_to_segments_and_differencing(campaign):
    mirror = closed_mirror(campaign, "B2B", "Consumers", "Tiny")
    for segment, count in (("B2B", 4), ("Consumers", 3), ("Tiny", 2)):
        for i in range(count):
            customer(mirror, {SURPRISE: 1 + (i + count) % 5, JOURNEY: 3}, segment)
    result = mirror_for(campaign, build_profile(campaign))
    assert result is not None and result.n == 9
    shown = [s.name for s in result.segments]
    assert "Tiny" not in shown  # 2 < k = 3
    # Whole minus the shown segments would be Tiny's two customers: so one of the larger
    # segments is hidden too, and no difference recovers Tiny.
    assert len(shown) == 1
    recovered = result.n - sum(s.n for s in result.segments)
    assert recovered >= 3
    assert result.as_dict()["segments"] == [s.as_dict() for s in result.segments]


def test_test_responses_are_not_counted(campaign):
    mirror = closed_mirror(campaign, k=3)
    for value in (4, 2):
        customer(mirror, {SURPRISE: value})
    Response.objects.filter(pk=customer(mirror, {SURPRISE: 5}).pk).update(is_test=True)
    result = mirror_for(campaign, build_profile(campaign))
    assert result is not None and result.state == BELOW and result.n == 0


def test_during_fieldwork_customers_count_in_steps_of_k(campaign):
    mirror = closed_mirror(campaign, "B2B")
    Campaign.objects.filter(pk=mirror.pk).update(status=Campaign.OPEN, closes_at=None)
    for i in range(5):
        customer(mirror, {SURPRISE: 1 + i}, "B2B")
    result = mirror_for(campaign, build_profile(campaign))
    assert result is not None and result.n == 3 and not result.final
    assert result.segments == ()  # only the customers as a whole while fieldwork runs


def test_customer_comments_are_listed_per_whole_segment_of_at_least_k_once_closed(campaign):
    mirror = closed_mirror(campaign, "B2B", "Tiny")
    for i, (segment, text) in enumerate(
        [("B2B", "Quick answer."), ("B2B", ""), ("B2B", "Friendly."), ("Tiny", "I am one of two.")]
        + [("Tiny", "")]
    ):
        response = customer(mirror, {SURPRISE: 1 + i % 5}, segment)
        if text:
            Comment.objects.create(response=response, topic="mirror", text=text)
    result = mirror_for(campaign, build_profile(campaign))
    assert result is not None and result.n == 5
    # Tiny (2 customers) lists nothing: its comment is left out and counted, never shown
    assert sorted(result.comments) == ["Friendly.", "Quick answer."]
    assert result.comments_hidden == 1
    assert result.as_dict()["comments"] == list(result.comments)
    # while the mirror's fieldwork runs, no comment is listed at all
    Campaign.objects.filter(pk=mirror.pk).update(status=Campaign.OPEN, closes_at=None)
    running = mirror_for(Campaign.objects.get(pk=campaign.pk), build_profile(campaign))
    assert running is not None and running.comments == ()
