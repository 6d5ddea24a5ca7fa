"""The anonymity rule (assessment/anonymity.py), by hand: each expected release is
reasoned in the comments. The property that holds for every campaign is tested in
tests/security/test_property_differencing.py."""

from __future__ import annotations

import pytest

from assessment.anonymity import (
    EVERYONE,
    MANAGEMENT,
    Group,
    candidate_groups,
    comment_teams,
    counted_in_steps,
    release,
    validate_threshold,
)


def hidden_teams(team_sizes: dict[str, int], k: int) -> set[str]:
    """Teams the rule hides when everybody has the same role (a one-way breakdown)."""
    counts = {(team, "employee"): n for team, n in team_sizes.items() if n}
    shown = release(counts, candidate_groups(list(team_sizes), counts), k)
    return {team for team in team_sizes if Group(team=team) not in shown}


def shown(counts: dict[tuple[str, str], int], k: int) -> set[Group]:
    teams = sorted({team for team, _ in counts if team})
    return set(release(counts, candidate_groups(teams, counts), k))


def test_one_small_team_takes_the_next_smallest_along() -> None:
    # k = 5: only B (2) is below k; the whole campaign minus A, C, D and E would be B,
    # so one more team is hidden: C and D tie at 6 -> the earlier name, C
    assert hidden_teams({"A": 10, "B": 2, "C": 6, "D": 6, "E": 8}, 5) == {"B", "C"}


def test_two_small_teams_together_reaching_k_need_no_extra() -> None:
    # B 2 + C 4 = 6 >= 5: the rest of the campaign beside A and D is not below k
    assert hidden_teams({"A": 10, "B": 2, "C": 4, "D": 8}, 5) == {"B", "C"}


def test_two_small_teams_together_below_k_take_another_along() -> None:
    # B 1 + C 2 = 3 < 5: hiding both is not enough; the smallest large team goes too
    assert hidden_teams({"A": 10, "B": 1, "C": 2, "D": 8}, 5) == {"B", "C", "D"}


def test_no_suppression_and_single_group() -> None:
    assert hidden_teams({"A": 5, "B": 7}, 5) == set()
    assert hidden_teams({"A": 2}, 5) == {"A"}
    assert hidden_teams({}, 5) == set()


def test_empty_team_does_not_protect_a_small_one() -> None:
    # A has 0 responses (nothing to derive), B has 2: beside C (9) the next-smallest D (7)
    # is hidden too; C stays.
    assert hidden_teams({"A": 0, "B": 2, "C": 9, "D": 7}, 5) == {"A", "B", "D"}


def test_a_team_minus_its_employees_is_its_manager() -> None:
    # The attack found in a probe: Alpha = 5 employees + 1 manager, k = 5. Alpha (6) and
    # Alpha's employees (5) each meet k, but 6 x S(Alpha) - 5 x S(Alpha, employee) is the
    # manager's answers: Alpha's employees are hidden, Alpha itself is shown.
    counts = {("Alpha", "employee"): 5, ("Alpha", "manager"): 1, ("Beta", "employee"): 6}
    groups = shown(counts, 5)
    assert Group(team="Alpha") in groups
    assert Group(team="Alpha", role="employee") not in groups
    # The employees across teams (11) minus nothing else would leave the one manager
    # from the whole campaign: hidden as well.
    assert Group(role="employee") not in groups


def test_hidden_roles_together_below_k() -> None:
    # board 1, managers 2, employees 10 (k = 5): hiding board and managers is not enough,
    # the campaign (13) minus the employees (10) is their mean; the employees go too.
    counts = {("", "board"): 1, ("", "manager"): 2, ("", "employee"): 10}
    groups = shown(counts, 5)
    assert groups == {EVERYONE, Group(team="")}
    assert Group(role="employee") not in groups
    assert Group(role=MANAGEMENT) not in groups


def test_respondents_without_a_team_count_as_a_group() -> None:
    # Teams A (6) and B (6) and 2 people without a team: all minus A minus B = those 2.
    counts = {("A", "employee"): 6, ("B", "employee"): 6, ("", "employee"): 2}
    groups = shown(counts, 5)
    assert (Group(team="A") in groups) != (Group(team="B") in groups)
    assert Group(team="") not in groups


def test_a_chain_across_teams_and_roles_is_closed() -> None:
    # A: 3 managers, 5 employees; B: 5 managers, 5 employees (k = 5). Hiding A's managers
    # and, for them, A's employees and B's managers is what a rule per breakdown does;
    # yet managers (8) - B (10) + B's employees (5) = A's managers (3). The rule sees
    # the combination and shows no team x role group here.
    counts = {
        ("A", "manager"): 3,
        ("A", "employee"): 5,
        ("B", "manager"): 5,
        ("B", "employee"): 5,
    }
    groups = shown(counts, 5)
    assert Group(team="B", role="employee") not in groups
    assert Group(team="A", role="employee") not in groups
    assert {EVERYONE, Group(team="A"), Group(team="B")} <= groups


def test_comment_teams_are_whole_teams_of_at_least_k() -> None:
    counts = {("A", "manager"): 1, ("A", "employee"): 5, ("B", "employee"): 4, ("", "board"): 5}
    assert comment_teams(counts, 5) == {"A", ""}


def test_steps_of_k() -> None:
    assert [counted_in_steps(n, 5) for n in (0, 4, 5, 9, 10, 14)] == [0, 0, 5, 5, 10, 10]


def test_threshold_is_never_below_three() -> None:
    assert validate_threshold(3) == 3
    assert validate_threshold(5) == 5
    with pytest.raises(ValueError):
        validate_threshold(2)
    with pytest.raises(ValueError):
        release({("A", "employee"): 1}, [EVERYONE], 1)
    with pytest.raises(TypeError):
        validate_threshold(True)
