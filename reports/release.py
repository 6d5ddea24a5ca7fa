"""Which of a campaign's groups, and which of their dimension scores, may be shown.

`Release.of(...)` applies the anonymity rule of `assessment.anonymity` to the counted
responses of a campaign: once for the groups themselves (who is shown at all) and once
per dimension, since a dimension's score covers only the respondents who answered enough
of its items. Every view (dashboard, profile JSON, PDF) scores groups through
`Release.scores`, so none can show what another hides. No Django, no database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from assessment.anonymity import (
    EVERYONE,
    Cell,
    Group,
    candidate_groups,
    comment_teams,
    released_groups,
)
from reports import scoring


def _index_cells(cells: Sequence[Cell]) -> tuple[tuple[Cell, ...], np.ndarray]:
    """The distinct cells, and for every row the position of its cell among them: with
    a few dozen cells and thousands of rows, counting and masking work per cell."""
    distinct = tuple(dict.fromkeys(cells))
    position = {cell: n for n, cell in enumerate(distinct)}
    index = np.fromiter((position[cell] for cell in cells), dtype=np.intp, count=len(cells))
    return distinct, index


def _cell_counts(
    distinct: tuple[Cell, ...], index: np.ndarray, rows: np.ndarray | None = None
) -> Counter[Cell]:
    counts = np.bincount(index if rows is None else index[rows], minlength=len(distinct))
    return Counter({cell: int(n) for cell, n in zip(distinct, counts, strict=True) if n})


@dataclass(frozen=True, eq=False)
class Release:
    """The release decision for one campaign's counted responses."""

    cells: tuple[Cell, ...]  # one per respondent row: (team name or "", role or "")
    k: int
    groups: frozenset[Group]  # groups that may be shown
    by_dimension: tuple[frozenset[Group], ...]  # per dimension: groups whose score may be shown
    comment_teams: frozenset[str]  # teams ("" = without a team) whose comments may be listed
    final: bool  # False during fieldwork: only the whole campaign may be shown

    @classmethod
    def of(
        cls,
        prepared: scoring.PreparedAnswers,
        cells: Sequence[Cell],
        teams: Sequence[str],
        k: int,
        *,
        final: bool = True,
    ) -> Release:
        if len(cells) != prepared.n_respondents:
            raise ValueError("one cell per respondent is needed")
        distinct, index = _index_cells(cells)
        counts = _cell_counts(distinct, index)
        # One order of candidates for every dimension, so that each dimension's release
        # depends only on who answered it.
        candidates = candidate_groups(teams, counts)

        def allowed(counts: Counter[Cell]) -> frozenset[Group]:
            groups = released_groups(counts, candidates, k)
            return groups if final else groups & {EVERYONE}

        has_mean = ~np.isnan(prepared.respondent_means)
        by_dimension = tuple(
            allowed(_cell_counts(distinct, index, has_mean[:, d])) for d in range(has_mean.shape[1])
        )
        return cls(
            cells=tuple(cells),
            k=k,
            groups=allowed(counts),
            by_dimension=by_dimension,
            comment_teams=comment_teams(counts, k) if final else frozenset(),
            final=final,
        )

    @cached_property
    def _cells_indexed(self) -> tuple[tuple[Cell, ...], np.ndarray]:
        return _index_cells(self.cells)

    def mask(self, group: Group) -> np.ndarray:
        distinct, index = self._cells_indexed
        in_group = np.array([group.contains(cell) for cell in distinct], dtype=bool)
        return in_group[index] if len(index) else np.zeros(0, dtype=bool)

    def count(self, group: Group) -> int:
        return int(self.mask(group).sum())

    def shows(self, group: Group) -> bool:
        return group in self.groups

    def scores(self, prepared: scoring.PreparedAnswers, group: Group) -> scoring.GroupScores | None:
        """The group's scores with every dimension it may not show blanked (and with it
        the framework and overall scores that would give it away); None when the group
        is not shown at all."""
        if group not in self.groups:
            return None
        scores = scoring.score_group(prepared, self.mask(group))
        hidden = {
            dim.code
            for dim, allowed in zip(scores.dimensions, self.by_dimension, strict=True)
            if dim.n > 0 and group not in allowed
        }
        return scoring.withhold_dimensions(scores, hidden, prepared.structure) if hidden else scores
