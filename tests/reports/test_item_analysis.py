"""Item analysis tests with hand-computed reference values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reports.item_analysis import analyse_items, corrected_item_total, cronbach_alpha
from reports.scoring import DimensionSpec, FrameworkSpec, QuestionnaireStructure

NaN = np.nan

# 4 complete respondents x 3 items, plus a fifth row with a gap (listwise dropped)
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


def test_cronbach_alpha_by_hand() -> None:
    # complete cases: the first four rows.
    # item 1: 1,2,3,4  mean 2.5  squares 2.25+0.25+0.25+2.25 = 5     var 5/3
    # item 2: 2,2,4,4  mean 3    squares 1+1+1+1 = 4                 var 4/3
    # item 3: 2,3,3,5  mean 3.25 squares 1.5625+0.0625+0.0625+3.0625 = 4.75  var 19/12
    # sum of item variances = 20/12 + 16/12 + 19/12 = 55/12
    # totals 5, 7, 10, 13, mean 8.75, squares 14.0625+3.0625+1.5625+18.0625 = 36.75
    #   var = 36.75 / 3 = 12.25 = 49/4
    # alpha = 3/2 * (1 - (55/12) / (49/4)) = 3/2 * (1 - 55/147) = 3/2 * 92/147 = 46/49
    assert cronbach_alpha(MATRIX) == pytest.approx(46 / 49)


def test_cronbach_alpha_undefined_cases() -> None:
    assert cronbach_alpha(MATRIX[:, :1]) is None  # one item
    assert cronbach_alpha(np.array([[1, 2], [3, NaN]])) is None  # one complete case
    assert cronbach_alpha(np.array([[3, 3], [3, 3], [3, 3]])) is None  # zero total variance


def test_corrected_item_total_by_hand() -> None:
    # item 1 vs rest (item 2 + item 3) = 4, 5, 7, 9 (mean 6.25)
    #   item deviations -1.5, -0.5, 0.5, 1.5; rest deviations -2.25, -1.25, 0.75, 2.75
    #   cross products 3.375 + 0.625 + 0.375 + 4.125 = 8.5
    #   SS item 5; SS rest 5.0625 + 1.5625 + 0.5625 + 7.5625 = 14.75
    #   r = 8.5 / sqrt(5 * 14.75) = 8.5 / sqrt(73.75) = 0.9898
    # item 3 vs rest (item 1 + item 2) = 3, 4, 7, 8 (mean 5.5)
    #   item deviations -1.25, -0.25, -0.25, 1.75; rest -2.5, -1.5, 1.5, 2.5
    #   cross products 3.125 + 0.375 - 0.375 + 4.375 = 7.5
    #   SS item 4.75; SS rest 6.25 + 2.25 + 2.25 + 6.25 = 17
    #   r = 7.5 / sqrt(4.75 * 17) = 7.5 / sqrt(80.75) = 0.8346
    # item 2 vs rest (item 1 + item 3) = 3, 5, 6, 9 (mean 5.75)
    #   item deviations -1, -1, 1, 1; rest -2.75, -0.75, 0.25, 3.25
    #   cross products 2.75 + 0.75 + 0.25 + 3.25 = 7
    #   SS item 4; SS rest 7.5625 + 0.5625 + 0.0625 + 10.5625 = 18.75
    #   r = 7 / sqrt(4 * 18.75) = 7 / sqrt(75) = 0.8083
    r = corrected_item_total(MATRIX)
    assert r[0] == pytest.approx(8.5 / math.sqrt(73.75))
    assert r[1] == pytest.approx(7 / math.sqrt(75))
    assert r[2] == pytest.approx(7.5 / math.sqrt(80.75))


def test_corrected_item_total_undefined_for_a_constant_item() -> None:
    # item 2 never varies -> its correlation is undefined (None)
    r = corrected_item_total(np.array([[1, 3, 2], [2, 3, 3], [4, 3, 5]]))
    assert r[1] is None
    assert r[0] is not None


def structure() -> QuestionnaireStructure:
    return QuestionnaireStructure(
        frameworks=(FrameworkSpec("f"),),
        dimensions=(DimensionSpec("d", "f", (0, 1, 2)), DimensionSpec("e", "f", (3,))),
        reverse=(False,) * 4,
        item_codes=("i1", "i2", "i3", "i4"),
    )


def test_analyse_items_reports_nothing_below_k() -> None:
    keyed = np.column_stack([MATRIX[:4], np.ones(4)])
    result = analyse_items(structure(), keyed, 5)
    assert not result.available
    assert result.dimensions == ()
    assert result.reason == "fewer than k responses"


def test_analyse_items_for_a_group_that_meets_k() -> None:
    # 5 rows (k = 3): dimension d uses the 4 complete cases -> alpha 46/49 as above;
    # dimension e has one item -> alpha None
    keyed = np.column_stack([MATRIX, [1, 2, 3, 4, 5]])
    result = analyse_items(structure(), keyed, 3)
    assert result.available
    d, e = result.dimensions
    assert d.n_complete == 4
    assert d.alpha == pytest.approx(46 / 49)
    assert [i.code for i in d.items] == ["i1", "i2", "i3"]
    assert d.items[0].item_total == pytest.approx(8.5 / math.sqrt(73.75))
    assert e.alpha is None
    assert e.items[0].item_total is None


def test_analyse_items_withholds_a_dimension_with_too_few_complete_cases() -> None:
    # k = 5: 5 respondents, but only 4 complete cases in dimension d -> withheld
    keyed = np.column_stack([MATRIX, [1, 2, 3, 4, 5]])
    d, _ = analyse_items(structure(), keyed, 5).dimensions
    assert d.alpha is None
    assert d.reason is not None
