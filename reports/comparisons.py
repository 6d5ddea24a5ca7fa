"""Comparisons within a scored campaign: the perception gap between management and
employees, and the priorities and strengths among dimensions. Pure functions on the
results of `reports.scoring` (no Django, no database)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assessment.anonymity import validate_threshold
from assessment.roles import EMPLOYEE_ROLES, MANAGEMENT_ROLES
from reports.scoring import (
    COMPARE_DECIMALS,
    DimensionResult,
    GroupScores,
    PreparedAnswers,
    respondent_dimension_means,
    score_group,
)

GAP_FLAG = 15.0


# --------------------------------------------------------------------------- gaps


def without_items(prepared: PreparedAnswers, columns: Sequence[int]) -> PreparedAnswers:
    """The same answers as if the items in `columns` were not part of the questionnaire:
    no answers, and not counted in their dimensions (so "half of a dimension answered"
    is half of the remaining items). Used where both sides of a comparison must rest on
    the items both saw."""
    cols = list(columns)
    if not cols:
        return prepared
    keyed = prepared.keyed.copy()
    keyed[:, cols] = np.nan
    dont_know = prepared.dont_know.copy()
    dont_know[:, cols] = False
    membership = prepared.membership.copy()
    membership[cols, :] = 0.0
    return PreparedAnswers(
        structure=prepared.structure,
        keyed=keyed,
        dont_know=dont_know,
        respondent_means=respondent_dimension_means(prepared.structure, keyed, membership),
        membership=membership,
    )


def is_flagged(gap: float, flag_at: float = GAP_FLAG) -> bool:
    """Whether a gap between two sides' scores is large enough to point out: |gap| >=
    flag_at, compared at `COMPARE_DECIMALS` so float noise cannot flip the flag."""
    return round(abs(gap), COMPARE_DECIMALS) >= flag_at


@dataclass(frozen=True)
class PerceptionGap:
    dimension: str
    management: float | None  # S(board + manager); None when hidden
    employees: float | None  # S(employee); None when hidden
    gap: float | None  # management - employees; None when hidden (a side below k)
    flagged: bool  # |gap| >= 15
    n_management: int  # respondents with a dimension mean on each side
    n_employees: int

    @property
    def shown(self) -> bool:
        return self.gap is not None


def gaps_between(
    management: GroupScores,
    employees: GroupScores,
    k: int,
    flag_at: float = GAP_FLAG,
) -> tuple[PerceptionGap, ...]:
    """Per dimension S(management) - S(employees), shown only when both sides have at
    least k respondents with a mean in that dimension; flagged when |gap| >= flag_at."""
    validate_threshold(k)
    out: list[PerceptionGap] = []
    for mg, em in zip(management.dimensions, employees.dimensions, strict=True):
        if mg.code != em.code:
            raise ValueError("both groups must be scored on the same structure")
        shown = mg.n >= k and em.n >= k and mg.score is not None and em.score is not None
        if shown and mg.score is not None and em.score is not None:
            gap = mg.score - em.score
            flagged = is_flagged(gap, flag_at)
            out.append(PerceptionGap(mg.code, mg.score, em.score, gap, flagged, mg.n, em.n))
        else:
            out.append(PerceptionGap(mg.code, None, None, None, False, mg.n, em.n))
    return tuple(out)


def perception_gaps(
    prepared: PreparedAnswers,
    roles: Sequence[str | None] | npt.NDArray[np.object_],
    k: int,
    flag_at: float = GAP_FLAG,
) -> tuple[PerceptionGap, ...]:
    """Gap per dimension between board + manager and employee rows (see gaps_between).

    Every dimension is returned in questionnaire order; hidden ones carry None values.
    """
    if len(roles) != prepared.n_respondents:
        raise ValueError("one role per respondent is needed")
    role_arr = np.asarray([r if r is not None else "" for r in roles], dtype=object)
    mgmt = np.isin(role_arr, MANAGEMENT_ROLES)
    empl = np.isin(role_arr, EMPLOYEE_ROLES)
    return gaps_between(score_group(prepared, mgmt), score_group(prepared, empl), k, flag_at)


# --------------------------------------------------------------------------- priorities


def _agreement_key(rwg: float | None) -> float:
    return -math.inf if rwg is None else rwg


def priorities(dimensions: Iterable[DimensionResult], count: int = 3) -> tuple[str, ...]:
    """The ``count`` lowest-scoring dimensions; ties: lower agreement first (no agreement
    counts as lowest), then questionnaire order. Dimensions without a score are left out."""
    scored = [d for d in dimensions if d.score is not None]
    ranked = sorted(
        scored,
        key=lambda d: (round(d.score or 0.0, COMPARE_DECIMALS), _agreement_key(d.agreement)),
    )
    return tuple(d.code for d in ranked[:count])


def strengths(dimensions: Iterable[DimensionResult], count: int = 3) -> tuple[str, ...]:
    """The ``count`` highest-scoring dimensions; ties: higher agreement first, then
    questionnaire order. Dimensions without a score are left out."""
    scored = [d for d in dimensions if d.score is not None]
    ranked = sorted(
        scored,
        key=lambda d: (-round(d.score or 0.0, COMPARE_DECIMALS), -_agreement_key(d.agreement)),
    )
    return tuple(d.code for d in ranked[:count])
