"""The differencing attacks found in a probe, replayed through the consultant's pages.

Each would recover fewer than k respondents' answers from views that were each allowed
on their own: a team minus its employees, the whole campaign minus the employees, the
whole campaign minus the teams, the live dashboard before and after one submission, and
known answers slipped into a small team by a logged-in consultant.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from assessment.models import Campaign, Response
from reports.profile_builder import build_profile
from tests.builders import add_responses, dashboard_url, figure_blocks
from tests.factories import ClosedCampaignFactory, OrganisationFactory, ResponseFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(consultant):
    return OrganisationFactory(owner=consultant, name="Probe BV")


def make_campaign(organisation, quick_version, **kwargs) -> Campaign:
    kwargs = {"anonymity_threshold": 5, "language": "en", "slug": "probe"} | kwargs
    return ClosedCampaignFactory(
        organisation=organisation, questionnaire_version=quick_version, **kwargs
    )


def test_a_team_minus_its_employees_is_refused(client, consultant, organisation, quick_version):
    # Alpha = 5 employees + 1 manager (k = 5): 6 x S(Alpha) - 5 x S(Alpha, employee) was
    # the manager's answers, and the two comment lists differed by exactly his comment.
    # (Beta's two managers are a second small group, so hiding "the next-smallest"
    # group of the team x role breakdown no longer covered Alpha's employees.)
    campaign = make_campaign(organisation, quick_version)
    alpha = TeamFactory(campaign=campaign, name="Alpha")
    beta = TeamFactory(campaign=campaign, name="Beta")
    add_responses(campaign, 5, team=alpha, comment="An employee of Alpha")
    add_responses(campaign, 1, team=alpha, role=Response.MANAGER, comment="The manager of Alpha")
    add_responses(campaign, 6, team=beta)
    add_responses(campaign, 2, team=beta, role=Response.MANAGER)
    client.force_login(consultant)

    whole_team = client.get(dashboard_url(campaign, team="Alpha"))
    assert whole_team.context["state"] == "results"
    employees = client.get(dashboard_url(campaign, team="Alpha", role="employee"))
    assert employees.context["state"] == "hidden"
    assert not figure_blocks(employees.content.decode())
    # The employees across the campaign (11) against the whole (12): the same manager.
    assert client.get(dashboard_url(campaign, role="employee")).context["state"] == "hidden"
    # Within Alpha's own page, no role is shown either.
    alpha_roles = {g.role: g for g in whole_team.context["profile"].groups["role"]}
    assert alpha_roles["employee"].suppressed and alpha_roles["manager"].suppressed
    # The manager's comment never appears in a list that the employees' list could be
    # subtracted from: role views list no comments at all.
    assert "The manager of Alpha" not in employees.content.decode()


def test_hidden_roles_that_together_stay_below_k(client, consultant, organisation, quick_version):
    # Board 1 and managers 2 hidden, employees 10 shown: the whole campaign (13) minus
    # the employees (10) was the mean of the three of them.
    campaign = make_campaign(organisation, quick_version)
    add_responses(campaign, 1, role=Response.BOARD)
    add_responses(campaign, 2, role=Response.MANAGER)
    add_responses(campaign, 10, role=Response.EMPLOYEE)
    client.force_login(consultant)
    assert client.get(dashboard_url(campaign)).context["state"] == "results"
    assert client.get(dashboard_url(campaign, role="employee")).context["state"] == "hidden"
    profile = build_profile(campaign)
    assert all(g.suppressed for g in profile.groups["role"])
    assert profile.gaps == ()
    data = client.get(reverse("reports:export_json", args=[campaign.slug])).json()
    assert all(g["suppressed"] for g in data["groups"]["role"])


def test_respondents_without_a_team_are_not_the_rest_of_the_teams(
    client, consultant, organisation, quick_version
):
    # Alpha 6 and Beta 6 shown and 2 people without a team: all minus the teams was them.
    campaign = make_campaign(organisation, quick_version)
    alpha = TeamFactory(campaign=campaign, name="Alpha")
    beta = TeamFactory(campaign=campaign, name="Beta")
    add_responses(campaign, 6, team=alpha)
    add_responses(campaign, 6, team=beta, shift=1)
    add_responses(campaign, 2, team=None, shift=2)
    client.force_login(consultant)
    states = {
        team: client.get(dashboard_url(campaign, team=team)).context["state"]
        for team in ("Alpha", "Beta")
    }
    assert sorted(states.values()) == ["hidden", "results"]
    teams = {g.name: g for g in build_profile(campaign).groups["team"]}
    assert teams["Without a team"].suppressed and teams["Without a team"].n == 2
    assert sum(not g.suppressed for g in teams.values()) == 1


def test_the_live_dashboard_moves_only_in_steps_of_k(
    client, consultant, organisation, quick_version
):
    # During fieldwork: the dashboard before and after one submission gave that person's
    # answers. Now results count whole steps of k, and teams wait for the close.
    campaign = make_campaign(organisation, quick_version, status=Campaign.OPEN, slug="live")
    team = TeamFactory(campaign=campaign, name="Alpha")
    client.force_login(consultant)
    seen = []
    for number in range(1, 13):
        add_responses(campaign, 1, team=team, shift=number % 3)
        page = client.get(dashboard_url(campaign))
        profile = page.context["profile"]
        assert profile.submitted == number
        assert profile.respondents == (number // 5) * 5
        if page.context["state"] == "results":
            assert "Interim results" in page.content.decode()
        seen.append((profile.respondents, profile.overall_score))
        refused = client.get(dashboard_url(campaign, team="Alpha"))
        assert refused.context["state"] == "interim_scope"
        assert not figure_blocks(refused.content.decode())
    # The published index changes only where the count steps by k.
    for (n_before, before), (n_after, after) in zip(seen, seen[1:], strict=False):
        if n_before == n_after:
            assert before == after
        else:
            assert n_after - n_before == 5
    # Once closed, every response counts.
    campaign.status = Campaign.CLOSED
    campaign.save()
    assert build_profile(campaign).respondents == 12


def test_results_can_wait_for_the_close(client, consultant, organisation, quick_version):
    campaign = make_campaign(
        organisation,
        quick_version,
        status=Campaign.OPEN,
        results_during_fieldwork=Campaign.RESULTS_AFTER_CLOSING,
    )
    add_responses(campaign, 7)
    client.force_login(consultant)
    page = client.get(dashboard_url(campaign))
    assert page.context["state"] == "waiting"
    assert not figure_blocks(page.content.decode())
    data = json.loads(client.get(reverse("reports:export_json", args=[campaign.slug])).content)
    assert data["overall"]["score"] is None and data["campaign"]["respondents"] == 0


def test_test_responses_never_count(client, consultant, organisation, quick_version):
    # A consultant slipping four known answers into a small team to tip it over k and
    # read the real one: responses made from a logged-in browser are test responses.
    campaign = make_campaign(organisation, quick_version)
    small = TeamFactory(campaign=campaign, name="Small")
    big = TeamFactory(campaign=campaign, name="Big")
    add_responses(campaign, 1, team=small)
    add_responses(campaign, 10, team=big)
    for _ in range(4):
        ResponseFactory(campaign=campaign, team=small, is_test=True)
    profile = build_profile(campaign)
    teams = {g.name: g for g in profile.groups["team"]}
    assert teams["Small"].n == 1 and teams["Small"].suppressed
    assert profile.respondents == 11
    client.force_login(consultant)
    assert client.get(dashboard_url(campaign, team="Small")).context["state"] == "hidden"
