"""build_profile end to end: a small hand-made questionnaire, answers written as Answer
rows, and every number checked against a hand computation (docs/design.md, Scoring)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from assessment.models import Invitation, Response
from questionnaires.models import (
    QuestionnaireVersion,
)
from reports.profile import GroupTooSmall, UnknownGroup
from reports.profile_builder import build_profile
from tests.builders import (
    DIMENSIONS,
    PEOPLE,
    add_response,
    assert_design_shape,
    build_teams_campaign,
    level,
    make_questionnaire,
)
from tests.factories import ClosedCampaignFactory, OrganisationFactory


@pytest.fixture
def version(banks) -> QuestionnaireVersion:
    return make_questionnaire()


# --------------------------------------------------------------------------- by hand

# Four employees, no teams, k = 3. Raw answers (alpha.one.3 is reverse-keyed: 6 - v):
#
#          one.1  one.2  one.3 (keyed)   two.1 two.2  three.1  four.1
#   r1       4      5      2  (4)          3     3       2        4
#   r2       3      dk     1  (5)          3     3       2        4
#   r3       2      -      dk              3     3       2        4
#   r4       5      4      3  (3)          3     3       2        4
HAND = [
    {"alpha.one.1": 4, "alpha.one.2": 5, "alpha.one.3": 2},
    {"alpha.one.1": 3, "alpha.one.2": "dk", "alpha.one.3": 1},
    {"alpha.one.1": 2, "alpha.one.3": "dk"},
    {"alpha.one.1": 5, "alpha.one.2": 4, "alpha.one.3": 3},
]
OTHERS = {"alpha.two.1": 3, "alpha.two.2": 3, "beta.three.1": 2, "beta.four.1": 4}


@pytest.fixture
def hand_campaign(version):
    campaign = ClosedCampaignFactory(
        questionnaire_version=version, anonymity_threshold=3, language="en"
    )
    for answers in HAND:
        add_response(campaign, answers | OTHERS)
    # Not submitted: never counts.
    add_response(campaign, level(1), status=Response.IN_PROGRESS)
    return campaign


def test_dimension_by_hand(hand_campaign):
    profile = build_profile(hand_campaign)
    one = profile.dimension("alpha.one")

    # Respondent means on keyed values, needing ceil(3/2) = 2 answered items:
    #   r1: (4 + 5 + 4) / 3 = 13/3;  r2: (3 + 5) / 2 = 4;  r3: one answer -> no mean;
    #   r4: (5 + 4 + 3) / 3 = 4.
    # n = 3; m = (13/3 + 4 + 4) / 3 = 37/9; S = 100 (37/9 - 1) / 4 = 700/9 = 77.78 -> cut
    assert profile.respondents == 4
    assert one.n == 3
    assert one.mean == pytest.approx(37 / 9)
    assert one.score == pytest.approx(700 / 9)
    assert one.stage == "cut"

    # Agreement over every answer given (r3's too), keyed:
    #   one.1: 4,3,2,5  mean 3.5  SS 5    var 5/3
    #   one.2: 5,4      mean 4.5  SS 0.5  var 1/2
    #   one.3: 4,5,3    mean 4    SS 2    var 1
    #   s2 = (5/3 + 1/2 + 1) / 3 = 19/18, J = 3
    #   rwg = 3 (1 - 19/36) / (3 (1 - 19/36) + 19/36) = (51/36) / (70/36) = 51/70 -> strong
    assert one.agreement == pytest.approx(51 / 70)
    assert one.agreement_label == "strong"

    # Favourable: keyed answers 4,3,2,5 | 5,4 | 4,5,3 -> six of nine are 4 or 5 = 2/3.
    # Don't know: two dk (r2 one.2, r3 one.3) of 9 answered + 2 dk = 2/11.
    assert one.favourable == pytest.approx(2 / 3)
    assert one.dont_know == pytest.approx(2 / 11)

    # Texts in the campaign's language (en), recommendations in order.
    assert one.name == "one (en)"
    assert one.description == "Description one"
    assert one.recommendations == ("First step", "Second step")
    assert one.discussion_question == "Question about one?"
    assert profile.frameworks[0].source == "Test source"


def test_frameworks_overall_priorities_by_hand(hand_campaign):
    profile = build_profile(hand_campaign)
    # alpha.two: everyone 3 -> S = 50 (clear); beta.three: 2 -> 25 (rough);
    # beta.four: 4 -> 75 (cut)
    assert profile.dimension("alpha.two").score == pytest.approx(50)
    assert profile.dimension("alpha.two").stage == "clear"
    assert profile.dimension("beta.three").score == pytest.approx(25)
    assert profile.dimension("beta.four").score == pytest.approx(75)
    alpha, beta = profile.frameworks
    # alpha (mean): (700/9 + 50) / 2 = 575/9 = 63.89 -> clear
    assert alpha.score == pytest.approx(575 / 9)
    assert alpha.stage == "clear"
    # beta (weakest link): min(25, 75) = 25, mean 50, weakest beta.three
    assert beta.aggregation == "weakest_link"
    assert beta.score == pytest.approx(25)
    assert beta.mean == pytest.approx(50)
    assert beta.weakest == "beta.three"
    assert beta.stage == "rough"
    # overall: (575/9 + 25) / 2 = 400/9 = 44.44 -> rough
    assert profile.overall_score == pytest.approx(400 / 9)
    assert profile.overall_stage == "rough"
    assert profile.priorities == ("beta.three", "alpha.two", "beta.four")
    assert profile.strengths == ("alpha.one", "beta.four", "alpha.two")
    assert profile.stage_thresholds == (50, 70, 85)
    assert [s.code for s in profile.stages] == ["rough", "clear", "cut", "shining"]


def test_reverse_items_are_keyed(version):
    campaign = ClosedCampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    # Agreeing fully with the reverse-keyed statement (5) is keyed as 1.
    for _ in range(3):
        add_response(campaign, {"alpha.one.1": 5, "alpha.one.2": 5, "alpha.one.3": 5})
    one = build_profile(campaign).dimension("alpha.one")
    # keyed 5, 5, 1 -> mean 11/3 -> S = 100 (8/3) / 4 = 200/3
    assert one.score == pytest.approx(200 / 3)
    # favourable: 6 of 9 keyed answers are 4 or 5
    assert one.favourable == pytest.approx(6 / 9)


def test_texts_follow_the_language(hand_campaign):
    nl = build_profile(hand_campaign, language="nl")
    en = build_profile(hand_campaign, language="en")
    assert nl.language == "nl" and en.language == "en"
    assert nl.dimension("alpha.one").name == "one (nl)"
    assert nl.dimension("alpha.one").recommendations[0] == "First step (nl)"
    assert nl.frameworks[1].name == "Bèta"
    assert en.frameworks[1].name == "Beta"
    assert nl.questionnaire_name == "Handwerk"
    assert nl.stages[0].name != en.stages[0].name
    assert nl.dimension("alpha.one").score == en.dimension("alpha.one").score


# --------------------------------------------------------------------------- groups


# k = 3. Each respondent answers everything at one keyed level, so every respondent
# mean equals that level:
#   North: three managers at 5, two employees at 3      (5)  expected size 6
#   South: one board member at 4, three employees at 2  (4)  expected size 4
#   Tiny:  two employees at 1                           (2)
#   East:  nobody                                       (0)
#   no team: one employee at 3                          (1)
@pytest.fixture
def teams_campaign(version):
    return build_teams_campaign(version)


def groups(profile, kind):
    return {g.name: g for g in profile.groups[kind]}


def test_team_suppression_and_complementary(teams_campaign):
    profile = build_profile(teams_campaign)
    teams = groups(profile, "team")
    # team order, then the respondents without a team
    assert list(teams) == ["North", "South", "Tiny", "East", "Without a team"]
    # Tiny (2 < 3) is hidden; East has nobody and is listed hidden. South (4) may be
    # shown: the whole campaign minus North and South is Tiny together with the
    # respondent without a team, 3 people, not fewer than k. That one respondent forms a
    # group of their own ("Without a team", 1 < 3), hidden too.
    assert [(g.name, g.n, g.suppressed) for g in teams.values()] == [
        ("North", 5, False),
        ("South", 4, False),
        ("Tiny", 2, True),
        ("East", 0, True),
        ("Without a team", 1, True),
    ]
    assert teams["Tiny"].overall is None and teams["Tiny"].dimensions == {}
    assert teams["Tiny"].as_dict() == {"name": "Tiny", "n": 2, "suppressed": True}
    # North: (3 x 5 + 2 x 3) / 5 = 4.2 -> S = 80 in every dimension
    assert teams["North"].dimensions == {code: pytest.approx(80) for code in DIMENSIONS}
    assert teams["North"].overall == pytest.approx(80)
    # The team-less respondent counts in the total.
    assert profile.respondents == 12
    assert profile.invited == 10  # expected sizes 6 + 4


def test_a_team_is_hidden_when_the_rest_would_be_fewer_than_k(version):
    # Without the team-less respondent, the whole campaign minus North and South would
    # be Tiny's 2 people: the smaller of the two larger teams, South, is hidden with it.
    people = [p for p in PEOPLE if p[0] is not None]
    teams = groups(build_profile(build_teams_campaign(version, people)), "team")
    assert [(g.name, g.n, g.suppressed) for g in teams.values()] == [
        ("North", 5, False),
        ("South", 4, True),
        ("Tiny", 2, True),
        ("East", 0, True),
    ]
    assert teams["South"].overall is None and teams["South"].dimensions == {}
    assert teams["South"].as_dict() == {"name": "South", "n": 4, "suppressed": True}


def test_role_and_team_role_breakdowns(teams_campaign):
    profile = build_profile(teams_campaign)
    roles = groups(profile, "role")
    assert list(roles) == ["board", "manager", "employee"]
    # board 1 < 3 hidden -> complementary: manager (3) hidden as the next-smallest
    assert [(g.n, g.suppressed) for g in roles.values()] == [(1, True), (3, True), (8, False)]
    # employees: (2 x 3 + 3 x 2 + 2 x 1 + 3) / 8 = 17/8 -> S = 100 (9/8) / 4 = 28.125
    assert roles["employee"].dimensions["alpha.one"] == pytest.approx(28.125)
    pairs = groups(profile, "team_role")
    assert pairs["North × manager"].team == "North"
    assert pairs["North × manager"].role == "manager"
    # North × manager has 3, but North (5) is shown: North minus its managers would be
    # its 2 employees, so the managers are hidden within North.
    assert pairs["North × manager"].n == 3
    assert pairs["North × manager"].suppressed
    assert pairs["South × employee"].n == 3
    assert pairs["South × board"].suppressed  # 1
    assert "East × employee" not in pairs


def test_gaps_shown_when_both_sides_meet_k(teams_campaign):
    profile = build_profile(teams_campaign)
    # management (board + manager): (4 + 3 x 5) / 4 = 19/4 -> S = 93.75
    # employees: 17/8 -> S = 28.125; gap 65.625, flagged
    assert [g.dimension for g in profile.gaps] == list(DIMENSIONS)
    gap = profile.gaps[0]
    assert gap.management == pytest.approx(93.75)
    assert gap.employees == pytest.approx(28.125)
    assert gap.gap == pytest.approx(65.625)
    assert gap.flagged


def test_gaps_hidden_when_a_side_is_below_k(version):
    people = [
        ("North", Response.MANAGER, 4, None),
        ("North", Response.MANAGER, 4, None),
        ("North", Response.MANAGER, 4, None),
        ("North", Response.EMPLOYEE, 2, None),
        ("North", Response.EMPLOYEE, 2, None),
    ]
    assert build_profile(build_teams_campaign(version, people)).gaps == ()


def test_gaps_never_undo_the_suppression_of_a_role(version):
    # board 1 (hidden), manager 4, employee 3. Management (board + manager, 5) and the
    # employees may be compared; the managers alone may not be shown, since management
    # minus the managers is the one board member.
    people = [("North", Response.BOARD, 5, None)]
    people += [("North", Response.MANAGER, 4, None)] * 4
    people += [("South", Response.EMPLOYEE, 2, None)] * 3
    profile = build_profile(build_teams_campaign(version, people))
    roles = groups(profile, "role")
    assert roles["board"].suppressed and roles["manager"].suppressed
    assert not roles["employee"].suppressed
    # management (5 + 4 x 4) / 5 = 4.2 -> S 80; employees 2 -> S 25
    assert [g.gap for g in profile.gaps] == [pytest.approx(55.0)] * len(DIMENSIONS)


def test_gaps_hidden_when_a_side_would_give_away_a_small_group(version):
    # The same people with k = 5: the employees (3) are below k, so no gap is shown.
    people = [("North", Response.BOARD, 5, None)]
    people += [("North", Response.MANAGER, 4, None)] * 4
    people += [("South", Response.EMPLOYEE, 2, None)] * 3
    profile = build_profile(build_teams_campaign(version, people, anonymity_threshold=5))
    assert groups(profile, "role")["employee"].suppressed
    assert profile.gaps == ()


def test_comments_of_small_groups_are_hidden(teams_campaign):
    profile = build_profile(teams_campaign)
    # Comments are listed per whole team of at least k: North and South -> shown;
    # Tiny (2) and the one respondent without a team -> hidden.
    assert sorted(c.text for c in profile.comments) == [
        "North manager speaking",
        "South board remark",
        "South employee remark",
    ]
    assert profile.comments_hidden == 2
    assert build_profile(teams_campaign).comments == profile.comments  # stable order


def test_scope_team(teams_campaign):
    north = build_profile(teams_campaign, team="North")
    assert north.scope == {"team": "North"}
    assert north.respondents == 5
    assert north.invited == 6
    assert north.overall_score == pytest.approx(80)
    assert [g.name for g in north.groups["team"]] == ["North"]
    # within North: managers 3 (shown), employees 2 (hidden -> complementary: managers)
    assert [(g.name, g.suppressed) for g in north.groups["role"]] == [
        ("board", True),
        ("manager", True),
        ("employee", True),
    ]
    assert [c.text for c in north.comments] == ["North manager speaking"]


def test_scope_below_k_raises(teams_campaign):
    with pytest.raises(GroupTooSmall, match="fewer than k responses"):
        build_profile(teams_campaign, team="Tiny")
    with pytest.raises(GroupTooSmall, match="fewer than k responses"):
        build_profile(teams_campaign, team="East")
    # North × manager has 3 >= k, but North minus it would be North's 2 employees.
    with pytest.raises(GroupTooSmall, match="fewer than k responses in another group"):
        build_profile(teams_campaign, team="North", role="manager")
    with pytest.raises(GroupTooSmall):
        build_profile(teams_campaign, role="board")
    with pytest.raises(UnknownGroup):
        build_profile(teams_campaign, team="Nowhere")
    with pytest.raises(UnknownGroup):
        build_profile(teams_campaign, role="intern")


def test_scope_role(teams_campaign):
    employees = build_profile(teams_campaign, role="employee")
    assert employees.scope == {"role": "employee"}
    assert employees.respondents == 8
    assert employees.invited is None
    assert employees.dimension("alpha.one").score == pytest.approx(28.125)


def test_campaign_below_k_has_no_scores(version):
    campaign = ClosedCampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    add_response(campaign, level(4), comment="alone")
    add_response(campaign, level(2))
    profile = build_profile(campaign)
    assert profile.below_threshold
    assert profile.respondents == 2
    assert profile.overall_score is None
    assert all(d.score is None and d.n == 0 for d in profile.dimensions())
    assert all(g.suppressed for kind in profile.groups.values() for g in kind)
    assert profile.comments == () and profile.comments_hidden == 1
    assert profile.priorities == () and profile.gaps == ()


def test_invited_falls_back_to_invitations(version):
    campaign = ClosedCampaignFactory(questionnaire_version=version)
    assert build_profile(campaign).invited is None
    for i in range(7):
        Invitation.objects.create(campaign=campaign, email=f"p{i}@example.org", token_digest=str(i))
    profile = build_profile(campaign)
    assert profile.invited == 7
    assert profile.respondents == 0
    assert profile.response_rate == 0


# --------------------------------------------------------------------------- previous round


def test_change_against_the_previous_round(version):
    organisation = OrganisationFactory()
    earlier = build_teams_campaign(
        version, [(None, Response.EMPLOYEE, 3, None)] * 3, organisation=organisation
    )
    current = build_teams_campaign(version, organisation=organisation)
    later = build_teams_campaign(
        version, [(None, Response.EMPLOYEE, 5, None)] * 3, organisation=organisation
    )
    other_org = build_teams_campaign(version, [(None, Response.EMPLOYEE, 1, None)] * 3)
    year = dt.timedelta(days=365)
    now = timezone.now()
    type(earlier).objects.filter(pk=earlier.pk).update(
        created_at=now - 2 * year, closes_at=now - year
    )
    type(other_org).objects.filter(pk=other_org.pk).update(created_at=now - year)
    type(current).objects.filter(pk=current.pk).update(created_at=now - dt.timedelta(days=1))
    type(later).objects.filter(pk=later.pk).update(created_at=now)

    profile = build_profile(current)
    assert profile.previous == {
        "slug": earlier.slug,
        "name": earlier.name,
        "closes_at": now - year,
        "version": 1,
        "overall": 50.0,  # everyone answered 3 -> every score 50, the index too
        "index_differs": 0,  # the same questionnaire version
        "not_comparable": [],  # the same questionnaire version: every dimension compares
        # each dimension's score then (the follow-up of its actions): everyone at 3 -> 50
        "scores": {"alpha.one": 50.0, "alpha.two": 50.0, "beta.three": 50.0, "beta.four": 50.0},
    }
    # previous round: everyone at 3 -> S = 50; this round the overall mean is
    # (3 x 5 + 2 x 3 + 4 + 3 x 2 + 2 x 1 + 3) / 12 = 36/12 = 3 -> S = 50: change 0
    assert all(d.change == pytest.approx(0) for d in profile.dimensions())
    assert profile.overall_change == pytest.approx(profile.overall_score - 50.0)
    # Team scope: North now 80; North had nobody in the earlier round -> no change.
    north = build_profile(current, team="North")
    assert all(d.change is None for d in north.dimensions())
    assert north.previous["overall"] is None and north.overall_change is None
    # The earliest campaign has no previous round.
    first = build_profile(earlier)
    assert first.previous is None
    assert first.overall_change is None
    assert all(d.change is None for d in first.dimensions())


def test_change_is_the_difference_of_scores(version):
    organisation = OrganisationFactory()
    earlier = build_teams_campaign(
        version, [(None, Response.EMPLOYEE, 2, None)] * 3, organisation=organisation
    )
    current = build_teams_campaign(
        version, [(None, Response.EMPLOYEE, 4, None)] * 3, organisation=organisation
    )
    type(earlier).objects.filter(pk=earlier.pk).update(
        created_at=timezone.now() - dt.timedelta(days=30)
    )
    # 2 -> S = 25; 4 -> S = 75: change +50
    assert build_profile(current).dimension("alpha.one").change == pytest.approx(50)


# --------------------------------------------------------------------------- JSON shape


def test_as_dict_has_exactly_the_design_shape(teams_campaign):
    profile = build_profile(teams_campaign)
    data = profile.as_dict()
    assert_design_shape(data)
    assert data["campaign"] == {
        "slug": teams_campaign.slug,
        "name": teams_campaign.name,
        "organisation": teams_campaign.organisation.name,
        "questionnaire": "handmade",
        "version": 1,
        "respondents": 12,
        "anonymity_threshold": 3,
        "stage_thresholds": [50, 70, 85],
    }
    # Scores are full-precision numbers, not strings.
    dim = data["frameworks"][0]["dimensions"][0]
    assert dim["code"] == "alpha.one"
    assert isinstance(dim["score"], float)
    assert isinstance(data["overall"]["score"], float)
    assert data["groups"]["team"][2] == {"name": "Tiny", "n": 2, "suppressed": True}
    # JSON-serialisable as it is, and unchanged by a round trip through JSON.
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
