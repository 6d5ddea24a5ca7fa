"""The anonymity rule, in one place and without Django.

Every group of respondents whose results leave the app (dashboard, profile JSON, PDF, and
whatever else shows results to the client side) is released through this module. The
rule (docs/privacy.md): **no combination of released results lets anyone compute the
answers of fewer than k respondents.**

How it is enforced. Respondents fall into *cells*: one team (or no team) × one role (or
no role). Every group the app can show (the whole campaign, a role, management = board +
manager, a team, respondents without a team, a team × role) is a union of cells. A
published mean together with its published n gives the group's *sum*, so a reader can add
and subtract published groups: whatever lies in the linear span of the released groups'
cell vectors can be computed. `release()` admits candidate groups one by one, in order of
usefulness, and only when the span still holds no nonzero combination whose cells
together contain fewer than k respondents. That covers the differences the simple rules
miss ("team minus its employees is its one manager", "everyone minus the employees is the
three managers"), and also longer chains across the team and role breakdowns.

Free text is not a sum: comment lists can be intersected as sets. Comments are therefore
listed per whole team only (`comment_teams()`), and the whole campaign lists the union of
those teams' comments.

During fieldwork, results move only in steps of k responses (`counted_in_steps()`), so two
moments never differ by fewer than k responses.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assessment.roles import BOARD, EMPLOYEE, MANAGEMENT_ROLES, MANAGER

MINIMUM_ANONYMITY_THRESHOLD = 3
DEFAULT_ANONYMITY_THRESHOLD = 5

MANAGEMENT = "management"  # board and manager together: one side of the perception gap
ROLE_GROUPS: tuple[str, ...] = (MANAGEMENT, EMPLOYEE, BOARD, MANAGER)

# A cell: (team name or "" for no team, role code or "" for no role).
Cell = tuple[str, str]

# Enumerating the small supports is exponential in theory; past this many trials of one
# size the check gives up and treats the candidate as unsafe (hiding is always allowed).
_MAX_TRIALS = 50_000
_TOLERANCE = 1e-9


def validate_threshold(k: int) -> int:
    """The anonymity threshold k: an integer, never below 3."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise TypeError("the anonymity threshold must be an integer")
    if k < MINIMUM_ANONYMITY_THRESHOLD:
        raise ValueError(f"the anonymity threshold is never below {MINIMUM_ANONYMITY_THRESHOLD}")
    return int(k)


@dataclass(frozen=True)
class Group:
    """A group the app may show: ``team`` None = every team, "" = without a team;
    ``role`` None = every role, ``MANAGEMENT`` = board + manager, else a role code."""

    team: str | None = None
    role: str | None = None

    def contains(self, cell: Cell) -> bool:
        team, role = cell
        if self.team is not None and team != self.team:
            return False
        if self.role is None:
            return True
        if self.role == MANAGEMENT:
            return role in MANAGEMENT_ROLES
        return role == self.role

    def cells(self, cells: Iterable[Cell]) -> frozenset[Cell]:
        return frozenset(c for c in cells if self.contains(c))


EVERYONE = Group()


def candidate_groups(teams: Sequence[str], counts: Mapping[Cell, int]) -> tuple[Group, ...]:
    """Every group a view can ask for, most useful first: the whole campaign, the role
    groups (the perception gap is the product's central figure), the teams (larger
    first), respondents without a team, then team × role groups. The order is part of
    the rule: a group is hidden when an earlier one already gives away too much."""

    def size(group: Group) -> int:
        return sum(n for cell, n in counts.items() if group.contains(cell))

    # Larger teams first; among equal sizes the later name first, so that the earlier
    # name is the one hidden when one of them must be.
    team_names = sorted(
        set(teams) | {t for t, _ in counts if t}, key=lambda t: (size(Group(t)), t), reverse=True
    )
    roles = [Group(role=r) for r in ROLE_GROUPS]
    team_groups = [Group(team=t) for t in team_names] + [Group(team="")]
    crossed = [Group(team=t, role=r) for r in ROLE_GROUPS for t in team_names]
    return (EVERYONE, *roles, *team_groups, *crossed)


def _null_space(matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Columns spanning {x : matrix @ x = 0}."""
    _, s, vt = np.linalg.svd(matrix, full_matrices=True)
    rank = int((s > _TOLERANCE * max(1.0, s.max(initial=0.0))).sum())
    return vt[rank:].T


def _row_basis(matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Orthonormal rows spanning the row space of ``matrix``."""
    if matrix.size == 0:
        return np.zeros((0, matrix.shape[1]))
    _, s, vt = np.linalg.svd(matrix, full_matrices=False)
    rank = int((s > _TOLERANCE * max(1.0, s.max(initial=0.0))).sum())
    return vt[:rank]


def _small_cell_combinations(
    groups: Sequence[frozenset[Cell]], cells: Sequence[Cell], small: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    """Orthonormal rows spanning the combinations of ``groups`` that vanish on every cell
    holding k or more respondents, restricted to the small cells."""
    rows = np.array([[1.0 if c in g else 0.0 for c in cells] for g in groups])
    basis = _row_basis(rows)
    if len(basis) == 0:
        return np.zeros((0, int(small.sum())))
    coefficients = _null_space(basis[:, ~small].T) if (~small).any() else np.eye(len(basis))
    return _row_basis(coefficients.T @ basis[:, small])


def _light_supports(weights: Sequence[int], k: int) -> Iterator[tuple[int, ...]]:
    """Every set of positions whose weights add up to less than k, smallest sets first."""
    order = sorted(range(len(weights)), key=lambda i: weights[i])

    def extend(chosen: tuple[int, ...], start: int, total: int, size: int):
        if len(chosen) == size:
            yield chosen
            return
        for at in range(start, len(order)):
            added = total + weights[order[at]]
            if added >= k:
                return  # the rest weigh at least as much
            yield from extend((*chosen, order[at]), at + 1, added, size)

    for size in range(1, len(order) + 1):
        found = False
        for support in extend((), 0, 0, size):
            found = True
            yield support
        if not found:
            return


def isolates_fewer_than_k(
    subspace: npt.NDArray[np.float64], weights: Sequence[int], k: int
) -> bool:
    """Whether a nonzero vector of ``subspace`` (orthonormal rows over cells holding
    ``weights`` respondents) has support holding fewer than k respondents.

    Some nonzero vector lives inside a set of cells T exactly when the subspace loses
    rank once the cells of T are zeroed; every T lighter than k is tried, in batches.
    """
    if len(subspace) == 0:
        return False
    used = np.flatnonzero(np.abs(subspace).max(axis=0) > 1e-9)
    subspace = subspace[:, used]
    used_weights = [int(weights[i]) for i in used.tolist()]
    supports = itertools.islice(_light_supports(used_weights, k), _MAX_TRIALS + 1)
    tried = 0
    while batch := list(itertools.islice(supports, 2_000)):
        tried += len(batch)
        if tried > _MAX_TRIALS:
            return True  # too many to try: assume the worst (hiding is always allowed)
        keep = np.ones((len(batch), subspace.shape[1]))
        for row, support in enumerate(batch):
            keep[row, list(support)] = 0.0
        singular = np.linalg.svd(subspace[None, :, :] * keep[:, None, :], compute_uv=False)
        if (singular[:, -1] < 1e-7).any():
            return True
    return False


def released_groups(
    counts: Mapping[Cell, int], candidates: Sequence[Group], k: int
) -> frozenset[Group]:
    """`release()`, remembered: views of one campaign ask the same question many times
    (per dimension, per page view). Counts of k or more are all alike to the rule, so
    they are capped at k before remembering."""
    k = validate_threshold(k)
    capped = tuple(sorted((cell, min(n, k)) for cell, n in counts.items() if n > 0))
    return _remembered_release(capped, tuple(candidates), k)


@functools.lru_cache(maxsize=1024)
def _remembered_release(
    counts: tuple[tuple[Cell, int], ...], candidates: tuple[Group, ...], k: int
) -> frozenset[Group]:
    return release(dict(counts), candidates, k)


def release(counts: Mapping[Cell, int], candidates: Sequence[Group], k: int) -> frozenset[Group]:
    """The candidate groups that may be shown, given the respondents per cell.

    A group is admitted when it holds at least k respondents and, with the groups
    already admitted, still allows no computation of fewer than k respondents. The
    combinations confined to small cells only need a new search when a candidate adds
    one to them.
    """
    k = validate_threshold(k)
    cells = [c for c, n in counts.items() if n > 0]
    small = np.array([counts[c] < k for c in cells], dtype=bool)
    small_weights = [counts[c] for c, is_small in zip(cells, small, strict=True) if is_small]
    if not small.any():  # no cell below k: no combination can isolate fewer than k
        return frozenset(
            group
            for group in dict.fromkeys(candidates)
            if sum(counts[c] for c in group.cells(cells)) >= k
        )
    admitted: list[Group] = []
    admitted_cells: list[frozenset[Cell]] = []
    confined = 0  # dimension of the admitted groups' combinations confined to small cells
    for group in candidates:
        members = group.cells(cells)
        if sum(counts[c] for c in members) < k or group in admitted:
            continue
        subspace = _small_cell_combinations([*admitted_cells, members], cells, small)
        if len(subspace) > confined and isolates_fewer_than_k(subspace, small_weights, k):
            continue
        admitted.append(group)
        admitted_cells.append(members)
        confined = len(subspace)
    return frozenset(admitted)


def comment_teams(counts: Mapping[Cell, int], k: int) -> frozenset[str]:
    """Teams whose comments may be listed ("" = respondents without a team).

    Comment lists are sets of texts, which a reader can intersect and subtract, so only
    whole teams of at least k list comments: the whole campaign's list is the union of
    theirs, and every set that intersections and differences of these lists can give
    is a whole team. Comments of smaller teams are left out everywhere.
    """
    k = validate_threshold(k)
    per_team: Counter[str] = Counter()
    for (team, _), n in counts.items():
        per_team[team] += n
    return frozenset(team for team, n in per_team.items() if n >= k)


def counted_in_steps(submitted: int, k: int) -> int:
    """How many of ``submitted`` responses the results may include while fieldwork runs:
    whole steps of k, so that two moments never differ by fewer than k responses."""
    k = validate_threshold(k)
    return (max(submitted, 0) // k) * k
