"""Item analysis (psychometrics for the consultant): pure numpy, no Django.

Per dimension, on keyed values (reverse items already turned, "don't know" = NaN) and
listwise complete cases (respondents who answered every item of the dimension):
Cronbach's alpha, and per item the corrected item-total correlation (the item against
the sum of the *other* items of the dimension) and alpha if the item is deleted (alpha of
the other items, on the same respondents). Undefined statistics are None.
`analyse_items` wraps both for a whole questionnaire and refuses to report anything for
a group with fewer than k respondents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assessment.anonymity import validate_threshold
from reports.scoring import QuestionnaireStructure

FloatMatrix = npt.NDArray[np.float64]


def complete_cases(values: npt.ArrayLike) -> FloatMatrix:
    """Rows of a respondents x items matrix without any NaN."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError("a respondents x items matrix is needed")
    return arr[~np.isnan(arr).any(axis=1)]


def cronbach_alpha(values: npt.ArrayLike) -> float | None:
    """alpha = J/(J-1) x (1 - sum of item variances / variance of the total), ddof 1.

    None with fewer than 2 items, fewer than 2 complete cases or zero total variance.
    """
    x = complete_cases(values)
    n, j = x.shape
    if j < 2 or n < 2:
        return None
    total_var = float(np.var(x.sum(axis=1), ddof=1))
    if total_var <= 0 or math.isclose(total_var, 0.0, abs_tol=1e-12):
        return None
    item_var = float(np.var(x, axis=0, ddof=1).sum())
    return j / (j - 1) * (1.0 - item_var / total_var)


def _pearson(a: FloatMatrix, b: FloatMatrix) -> float | None:
    da = a - a.mean()
    db = b - b.mean()
    ssa = float(np.dot(da, da))
    ssb = float(np.dot(db, db))
    if ssa <= 1e-12 or ssb <= 1e-12:
        return None
    return float(np.dot(da, db)) / math.sqrt(ssa * ssb)


def corrected_item_total(values: npt.ArrayLike) -> tuple[float | None, ...]:
    """Per item (column): Pearson r of the item with the sum of the other items, on
    complete cases. None where undefined (fewer than 2 items or 2 complete cases, or
    no variance in the item or in the rest)."""
    arr = np.asarray(values, dtype=np.float64)
    x = complete_cases(arr)
    n, j = x.shape
    if j < 2 or n < 2:
        return tuple(None for _ in range(arr.shape[1]))
    total = x.sum(axis=1)
    return tuple(_pearson(x[:, i], total - x[:, i]) for i in range(j))


def alpha_if_deleted(values: npt.ArrayLike) -> tuple[float | None, ...]:
    """Per item (column): Cronbach's alpha of the other items, on the complete cases of
    the *whole* matrix (the respondents the dimension's own alpha uses), so the two can
    be compared. None where undefined: fewer than 2 items would remain, fewer than 2
    complete cases, or no variance in the remaining total."""
    arr = np.asarray(values, dtype=np.float64)
    x = complete_cases(arr)
    return tuple(cronbach_alpha(np.delete(x, i, axis=1)) for i in range(x.shape[1]))


@dataclass(frozen=True)
class ItemStatistic:
    column: int
    code: str
    item_total: float | None  # corrected item-total correlation
    alpha_if_deleted: float | None = None  # alpha of the dimension without this item


@dataclass(frozen=True)
class DimensionReliability:
    code: str
    n_complete: int  # listwise complete cases used
    alpha: float | None
    items: tuple[ItemStatistic, ...]
    reason: str | None = None  # why alpha / item statistics are withheld


@dataclass(frozen=True)
class ItemAnalysis:
    available: bool
    respondents: int
    dimensions: tuple[DimensionReliability, ...]
    reason: str | None = None  # set when nothing is reported


FEWER_THAN_K = "fewer than k responses"
FEWER_THAN_K_COMPLETE = "fewer than k complete responses in this dimension"


def analyse_items(
    structure: QuestionnaireStructure,
    keyed: npt.ArrayLike,
    k: int,
    row_mask: npt.ArrayLike | None = None,
) -> ItemAnalysis:
    """Alpha, corrected item-total correlations and alpha if deleted for every dimension.

    Nothing is reported when the group (rows of ``keyed``, or those selected by
    ``row_mask``) has fewer than k respondents; a dimension whose complete cases number
    fewer than k gets None statistics with a reason.
    """
    validate_threshold(k)
    x = np.asarray(keyed, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != structure.n_items:
        raise ValueError(f"keyed values must be a respondents x {structure.n_items} matrix")
    if row_mask is not None:
        x = x[np.asarray(row_mask, dtype=bool)]
    n = int(x.shape[0])
    if n < k:
        return ItemAnalysis(available=False, respondents=n, dimensions=(), reason=FEWER_THAN_K)
    out: list[DimensionReliability] = []
    for dim in structure.dimensions:
        cols = list(dim.items)
        sub = x[:, cols]
        n_complete = int((~np.isnan(sub).any(axis=1)).sum())
        if n_complete < k:
            items = tuple(ItemStatistic(c, structure.item_code(c), None) for c in cols)
            out.append(
                DimensionReliability(dim.code, n_complete, None, items, FEWER_THAN_K_COMPLETE)
            )
            continue
        r = corrected_item_total(sub)
        without = alpha_if_deleted(sub)
        items = tuple(
            ItemStatistic(c, structure.item_code(c), ri, ai)
            for c, ri, ai in zip(cols, r, without, strict=True)
        )
        out.append(DimensionReliability(dim.code, n_complete, cronbach_alpha(sub), items))
    return ItemAnalysis(available=True, respondents=n, dimensions=tuple(out))
