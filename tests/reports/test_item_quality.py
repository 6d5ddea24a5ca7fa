"""Item quality, the pure part: alpha if deleted (hand-computed and as a property) and the
flags "lowers alpha" and "weak"."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reports.item_analysis import alpha_if_deleted, analyse_items, cronbach_alpha
from reports.reliability import ALPHA_GAIN_MARGIN, ITEM_TOTAL_WEAK, ItemRow, lowers_alpha
from reports.scoring import DimensionSpec, FrameworkSpec, QuestionnaireStructure

NaN = np.nan

# 4 complete respondents x 3 items, plus a fifth row with a gap (listwise dropped); the
# same matrix as tests/reports/test_item_analysis.py, whose alpha is 46/49 = 0.9388.
MATRIX = np.array(
    [
        [1, 2, 2],
        [2, 2, 3],
        [3, 4, 3],
        [4, 4, 5],
        [5, NaN, 1],
    ],
    dtype=float,
)
ALPHA = 46 / 49

# Complete cases: the first four rows. Item variances (ddof 1): item 1 (1,2,3,4) 5/3,
# item 2 (2,2,4,4) 4/3, item 3 (2,3,3,5) 19/12.
#
# Without item 1 (items 2, 3): totals 4, 5, 7, 9, mean 6.25, deviations -2.25, -1.25,
#   0.75, 2.75, squares 5.0625 + 1.5625 + 0.5625 + 7.5625 = 14.75, variance 14.75/3.
#   Item variances 4/3 + 19/12 = 35/12.
#   alpha = 2 x (1 - (35/12) / (14.75/3)) = 2 x (1 - 35/59) = 48/59 = 0.8136
# Without item 2 (items 1, 3): totals 3, 5, 6, 9, mean 5.75, deviations -2.75, -0.75,
#   0.25, 3.25, squares 7.5625 + 0.5625 + 0.0625 + 10.5625 = 18.75, variance 6.25.
#   Item variances 5/3 + 19/12 = 39/12 = 3.25.
#   alpha = 2 x (1 - 3.25 / 6.25) = 2 x 0.48 = 0.96
# Without item 3 (items 1, 2): totals 3, 4, 7, 8, mean 5.5, deviations -2.5, -1.5, 1.5,
#   2.5, squares 6.25 + 2.25 + 2.25 + 6.25 = 17, variance 17/3.
#   Item variances 5/3 + 4/3 = 3.
#   alpha = 2 x (1 - 3 / (17/3)) = 2 x (1 - 9/17) = 16/17 = 0.9412
WITHOUT = (48 / 59, 0.96, 16 / 17)


def test_alpha_if_deleted_by_hand() -> None:
    result = alpha_if_deleted(MATRIX)
    assert result == pytest.approx(WITHOUT)


def test_alpha_if_deleted_uses_the_dimensions_complete_cases() -> None:
    # Without item 2, the fifth row (5, gap, 1) would be complete on items 1 and 3; it is
    # still left out, so the value compares with the dimension's alpha on the same people.
    # With it, items 1 and 3 would be 1,2,3,4,5 and 2,3,3,5,1: totals 3,5,6,9,6, mean
    # 5.8, squares 7.84 + 0.64 + 0.04 + 10.24 + 0.04 = 18.8, variance 4.7; item variances
    # 10/4 = 2.5 and (mean 2.8) 0.64 + 0.04 + 0.04 + 4.84 + 3.24 = 8.8 / 4 = 2.2;
    # alpha = 2 x (1 - 4.7 / 4.7) = 0, not 0.96.
    assert cronbach_alpha(MATRIX[:, [0, 2]]) == pytest.approx(0.0)
    assert alpha_if_deleted(MATRIX)[1] == pytest.approx(0.96)


def test_alpha_if_deleted_is_undefined_with_fewer_than_two_items_left() -> None:
    two_items = np.array([[1, 2], [2, 3], [4, 4]], dtype=float)
    assert alpha_if_deleted(two_items) == (None, None)
    assert alpha_if_deleted(np.array([[1], [2], [3]], dtype=float)) == (None,)


def test_alpha_if_deleted_is_undefined_without_variance_in_the_rest() -> None:
    # Items 1 and 2 always add up to 6: without item 3 the total never varies -> None.
    # Without item 1 (items 2, 3 = 5,4,3 and 1,3,2): totals 6, 7, 5, mean 6, variance 1;
    #   item variances 1 and (mean 2) 1 -> alpha = 2 x (1 - 2/1) = -2.
    x = np.array([[1, 5, 1], [2, 4, 3], [3, 3, 2]], dtype=float)
    result = alpha_if_deleted(x)
    assert result[2] is None
    assert result[0] == pytest.approx(-2.0)
    # and with one complete case, nothing is defined
    assert alpha_if_deleted(np.array([[1, 2, 3], [NaN, 2, 3]])) == (None, None, None)


def test_analyse_items_reports_alpha_if_deleted_per_item() -> None:
    structure = QuestionnaireStructure(
        frameworks=(FrameworkSpec("f"),),
        dimensions=(DimensionSpec("d", "f", (0, 1, 2)), DimensionSpec("e", "f", (3,))),
        reverse=(False,) * 4,
        item_codes=("i1", "i2", "i3", "i4"),
    )
    keyed = np.column_stack([MATRIX, [1, 2, 3, 4, 5]])
    d, e = analyse_items(structure, keyed, 3).dimensions
    assert [i.alpha_if_deleted for i in d.items] == pytest.approx(WITHOUT)
    assert e.items[0].alpha_if_deleted is None
    # withheld dimension (k = 5, only 4 complete cases): no alpha if deleted either
    d5, _ = analyse_items(structure, keyed, 5).dimensions
    assert [i.alpha_if_deleted for i in d5.items] == [None, None, None]


# --------------------------------------------------------------------------- flags


def test_thresholds_of_the_issue() -> None:
    assert ITEM_TOTAL_WEAK == 0.2
    assert ALPHA_GAIN_MARGIN == 0.01


def test_lowers_alpha_needs_more_than_the_margin() -> None:
    # Item 2 of MATRIX: 0.96 without it against 0.9388 with it (+0.021) -> lowers alpha.
    assert lowers_alpha(ALPHA, WITHOUT[1])
    # Item 3: 0.9412 against 0.9388 (+0.0024, below the margin) -> not flagged.
    assert not lowers_alpha(ALPHA, WITHOUT[2])
    # Item 1: 0.8136, lower -> the item helps.
    assert not lowers_alpha(ALPHA, WITHOUT[0])
    assert not lowers_alpha(0.5, 0.5 + ALPHA_GAIN_MARGIN)  # exactly the margin: no flag
    assert lowers_alpha(-0.24, 0.9)  # a negative alpha that a deletion repairs
    assert not lowers_alpha(None, 0.9)
    assert not lowers_alpha(0.5, None)


def item(item_total: float | None, lowers: bool = False) -> ItemRow:
    return ItemRow("c", "text", False, item_total, None, lowers)


def test_weak_below_point_two() -> None:
    assert item(0.19).weak and item(0.19).flagged
    assert not item(0.2).weak  # "below 0.2": 0.2 itself is fine
    assert not item(0.25).weak and not item(0.25).flagged
    assert item(-0.5).weak
    assert not item(None).weak
    assert item(0.8, lowers=True).flagged


# --------------------------------------------------------------------------- property

matrices = hnp.arrays(
    np.float64,
    shape=st.tuples(st.integers(2, 12), st.integers(2, 6)),
    elements=st.integers(1, 5).map(float),
)


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a == pytest.approx(b, rel=1e-9, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(matrices)
def test_alpha_if_deleted_is_alpha_of_the_remaining_columns(x: np.ndarray) -> None:
    result = alpha_if_deleted(x)
    assert len(result) == x.shape[1]
    for i, value in enumerate(result):
        assert same(value, cronbach_alpha(np.delete(x, i, axis=1)))


@settings(max_examples=200, deadline=None)
@given(matrices, st.data())
def test_alpha_if_deleted_keeps_the_same_respondents(x: np.ndarray, data: st.DataObject) -> None:
    # Gaps anywhere: each value is the alpha of the remaining columns over the rows that
    # are complete on *all* columns, not on the remaining ones only.
    gaps = data.draw(hnp.arrays(np.bool_, x.shape))
    x = np.where(gaps, NaN, x)
    complete = x[~np.isnan(x).any(axis=1)]
    for i, value in enumerate(alpha_if_deleted(x)):
        assert same(value, cronbach_alpha(np.delete(complete, i, axis=1)))


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(
        np.float64, st.tuples(st.integers(3, 12), st.just(3)), elements=st.integers(1, 5).map(float)
    )
)
def test_alpha_if_deleted_of_three_items_is_the_two_item_formula(x: np.ndarray) -> None:
    # Two items a, b left: alpha = 2 x (1 - (va + vb) / var(a + b)) = 4 cov(a, b) / var(a + b),
    # computed here from numpy's covariance, independently of cronbach_alpha.
    for i, value in enumerate(alpha_if_deleted(x)):
        a, b = np.delete(x, i, axis=1).T
        total_var = float(np.var(a + b, ddof=1))
        if total_var < 1e-12:
            assert value is None
        else:
            assert same(value, 4 * float(np.cov(a, b, ddof=1)[0, 1]) / total_var)
