"""No combination of what the client side can see isolates fewer than k respondents.

Random campaigns (teams, roles, sizes around k, respondents without a team, don't-know
answers, two rounds) are built in the database; then every view a consultant can ask
for (the whole campaign, every team, every role, every team × role, the profile JSON)
is harvested as an attacker would: each published score of a group, with its n, is the
sum of that group's answers. The attacker knows which cells (team × role) each group
covers. The check, independent of the app's own algorithm: for each dimension, no set
of cells holding fewer than k respondents can be separated from the rest by any linear
combination of the published sums (rank test per candidate set). Comments: every
respondent writes one, and a text's possible authors (those whose text appears in
exactly the same lists) must number at least k.
"""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.models import Campaign, Response
from assessment.roles import MANAGEMENT_ROLES
from reports.profile import GroupTooSmall
from reports.profile_builder import build_profile
from tests.builders import DIMENSIONS, ITEMS, add_response, make_questionnaire
from tests.factories import ClosedCampaignFactory, OrganisationFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TEAMS = ("Alpha", "Beta", "Gamma")
ROLES = (Response.BOARD, Response.MANAGER, Response.EMPLOYEE)
WITHOUT_TEAM = "Without a team"

person = st.tuples(
    st.sampled_from((*TEAMS, None)),
    st.sampled_from(ROLES),
    st.integers(1, 5),
    st.sampled_from(("all", "all", "all", "dk-two", "dk-alpha")),  # some skip a dimension
)
campaigns = st.fixed_dictionaries(
    {
        "k": st.sampled_from((3, 4, 5)),
        "people": st.lists(person, min_size=3, max_size=22),
        "previous": st.lists(person, min_size=0, max_size=14),
    }
)


def answers(value: int, pattern: str) -> dict[str, int | str]:
    out: dict[str, int | str] = {c: (6 - value if rev else value) for c, rev in ITEMS.items()}
    if pattern == "dk-two":
        out |= {"alpha.two.1": "dk", "alpha.two.2": "dk"}
    if pattern == "dk-alpha":
        out |= {"alpha.one.1": "dk", "alpha.one.2": "dk", "alpha.one.3": "dk"}
    return out


def has_mean(pattern: str, dimension: str) -> bool:
    return not (
        (pattern == "dk-two" and dimension == "alpha.two")
        or (pattern == "dk-alpha" and dimension == "alpha.one")
    )


def build(version, people, k, name, organisation) -> tuple[Campaign, list[tuple]]:
    campaign = ClosedCampaignFactory(
        questionnaire_version=version, anonymity_threshold=k, organisation=organisation, name=name
    )
    teams = {t: TeamFactory(campaign=campaign, name=t, order=i) for i, t in enumerate(TEAMS)}
    rows = []
    for number, (team, role, value, pattern) in enumerate(people):
        text = f"{name} comment {number}"
        add_response(
            campaign,
            answers(value, pattern),
            team=teams[team] if team else None,
            role=role,
            comment=text,
        )
        rows.append((team or "", role, pattern, text))
    return campaign, rows


def cells_of(team: str | None, role: str | None) -> set[tuple[str, str]]:
    """The cells a group covers: ``team`` None = all, "" = without a team; ``role``
    None = all, "management" = board + manager."""
    teams = (*TEAMS, "") if team is None else (team,)
    if role is None:
        roles: tuple[str, ...] = ROLES
    elif role == "management":
        roles = MANAGEMENT_ROLES
    else:
        roles = (role,)
    return {(t, r) for t in teams for r in roles}


def scopes():
    yield None, None
    for team in TEAMS:
        yield team, None
    for role in ROLES:
        yield None, role
    for team, role in itertools.product(TEAMS, ROLES):
        yield team, role


def harvest(campaign) -> tuple[dict[str, list[tuple]], list[tuple[set, tuple[str, ...]]], dict]:
    """What the client side can see: per dimension, (cells, n, score) of each published
    group; each comment list with the cells of its view; scores by scope for trends."""
    published: dict[str, list[tuple]] = {d: [] for d in DIMENSIONS}
    comment_lists = []
    by_scope = {}
    for team, role in scopes():
        try:
            profile = build_profile(campaign, team=team, role=role, language="en")
        except GroupTooSmall:
            continue
        scope_cells = cells_of(team, role)
        by_scope[(team, role)] = profile
        comment_lists.append((scope_cells, [c.text for c in profile.comments]))
        for dim in profile.dimensions():
            if dim.score is not None:
                published[dim.code].append((scope_cells, dim.n, dim.score))
        for groups in profile.groups.values():
            for g in groups:
                if g.suppressed:
                    assert g.overall is None and g.dimensions == {}
                    continue
                group_team = "" if g.name == WITHOUT_TEAM else (g.team if g.team else team)
                group_role = g.role if g.role else role
                for code, score in g.dimensions.items():
                    if score is not None:
                        published[code].append((cells_of(group_team, group_role), None, score))
        for gap in profile.gaps:
            published[gap.dimension].append((cells_of(team, "management"), None, gap.management))
            published[gap.dimension].append(
                (cells_of(team, Response.EMPLOYEE), None, gap.employees)
            )
        # The profile JSON adds nothing the groups above do not hold.
        data = profile.as_dict()
        assert {g["name"] for g in data["groups"]["team"]} <= {
            g.name for g in profile.groups["team"]
        }
    return published, comment_lists, by_scope


def check_round(campaign, rows, k: int) -> dict:
    published, comment_lists, by_scope = harvest(campaign)
    for dimension, entries in published.items():
        weights = Counter(
            (team, role) for team, role, pattern, _ in rows if has_mean(pattern, dimension)
        )
        cells = sorted(c for c, n in weights.items() if n > 0)
        if not entries or not cells:
            continue
        matrix = np.array([[1.0 if c in group else 0.0 for c in cells] for group, _, _ in entries])
        # Every published group holds at least k respondents with a mean here.
        for group, _, _ in entries:
            assert sum(weights[c] for c in group) >= k, (dimension, group)
        rank = np.linalg.matrix_rank(matrix)
        small = [i for i, c in enumerate(cells) if weights[cells[i]] < k]
        for size in range(1, len(small) + 1):
            for chosen in itertools.combinations(small, size):
                if sum(weights[cells[i]] for i in chosen) >= k:
                    continue
                rest = [i for i in range(len(cells)) if i not in chosen]
                assert np.linalg.matrix_rank(matrix[:, rest]) == rank, (
                    f"{dimension}: the answers of {[cells[i] for i in chosen]} "
                    f"(fewer than k = {k}) can be computed from {len(entries)} published sums"
                )
    # Comments: a text's possible authors are those whose text shows in the same lists.
    pattern_of = {text: tuple(text in shown for _, shown in comment_lists) for *_, text in rows}
    sizes = Counter(pattern_of.values())
    for text, pattern in pattern_of.items():
        if any(pattern):
            assert sizes[pattern] >= k, f"{text!r} narrows down to {sizes[pattern]} people"
    return by_scope


@pytest.fixture
def version(banks):
    return make_questionnaire()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(example=campaigns)
def test_no_view_combination_reveals_fewer_than_k(version, example):
    organisation = OrganisationFactory()
    k = example["k"]
    earlier, earlier_rows = build(version, example["previous"], k, "earlier", organisation)
    campaign, rows = build(version, example["people"], k, "later", organisation)
    earlier_views = check_round(earlier, earlier_rows, k)
    later_views = check_round(campaign, rows, k)
    # The trend adds nothing: a previous score shown through a change is one that the
    # previous round shows itself, for the same group.
    for scope, profile in later_views.items():
        for dim in profile.dimensions():
            if dim.change is None:
                continue
            before = earlier_views[scope].dimension(dim.code).score
            assert before is not None
            assert dim.score - dim.change == pytest.approx(before)
