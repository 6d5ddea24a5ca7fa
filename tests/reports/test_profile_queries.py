"""build_profile reads a campaign in a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment.models import Campaign, Response
from reports.profile_builder import build_profile
from tests.builders import add_response, level, make_questionnaire
from tests.factories import ClosedCampaignFactory, OrganisationFactory, TeamFactory

ROLES = (Response.BOARD, Response.MANAGER, Response.EMPLOYEE)


def campaign_with(version, organisation, respondents: int, created_at, team_of=None) -> Campaign:
    campaign = ClosedCampaignFactory(
        questionnaire_version=version, organisation=organisation, anonymity_threshold=3
    )
    teams = [TeamFactory(campaign=campaign, name=f"Team {i}", order=i) for i in range(3)]
    for i in range(respondents):
        add_response(
            campaign,
            level(1 + i % 5),
            team=teams[team_of(i)] if team_of else (teams[i % 3] if i % 7 else None),
            role=ROLES[i % 3],
            comment=f"comment {i}" if i % 2 else None,
        )
    Campaign.objects.filter(pk=campaign.pk).update(created_at=created_at)
    campaign.refresh_from_db()
    return campaign


@pytest.fixture
def version(banks):
    return make_questionnaire()


def count_queries(campaign, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        build_profile(campaign, **kwargs)
    return len(queries)


def test_query_count_does_not_grow_with_respondents(version, django_assert_max_num_queries):
    now = timezone.now()
    small_org, large_org = OrganisationFactory(), OrganisationFactory()
    # Each with a previous round, so that path is counted too.
    campaign_with(version, small_org, 5, now - dt.timedelta(days=400))
    campaign_with(version, large_org, 50, now - dt.timedelta(days=400))
    small = campaign_with(version, small_org, 5, now)
    large = campaign_with(version, large_org, 50, now)

    baseline = count_queries(small)
    assert baseline <= 20
    with django_assert_max_num_queries(baseline):
        profile = build_profile(large)
    assert profile.respondents == 50
    assert profile.previous is not None
    assert profile.comments  # the comment query ran


def test_query_count_of_a_team_profile_does_not_grow(version, django_assert_max_num_queries):
    now = timezone.now()
    small_org, large_org = OrganisationFactory(), OrganisationFactory()
    campaign_with(version, small_org, 6, now - dt.timedelta(days=400), team_of=lambda i: i % 2)
    campaign_with(version, large_org, 60, now - dt.timedelta(days=400), team_of=lambda i: i % 2)
    small = campaign_with(version, small_org, 6, now, team_of=lambda i: i % 2)
    large = campaign_with(version, large_org, 60, now, team_of=lambda i: i % 2)

    baseline = count_queries(small, team="Team 1")
    assert baseline <= 25
    with django_assert_max_num_queries(baseline):
        profile = build_profile(large, team="Team 1")
    assert profile.respondents == 30
    assert profile.dimension("alpha.one").change is not None
