"""The customer mirror's numbers, computed by hand (`reports.mirror`, no database)."""

from __future__ import annotations

import numpy as np
import pytest

from reports import scoring
from reports.mirror import BELOW, RESULTS, customer_mirror

# Two mirrored dimensions; the third statement is reverse-keyed (6 - v).
STRUCTURE = scoring.QuestionnaireStructure(
    frameworks=(scoring.FrameworkSpec("keys"),),
    dimensions=(
        scoring.DimensionSpec("keys.surprise", "keys", (0,)),
        scoring.DimensionSpec("keys.journey", "keys", (1, 2)),
    ),
    reverse=(False, False, True),
)
# keyed: [4, 5, 4], [2, 3, 1], [5, 4, 3]
ANSWERS = [[4, 5, 2], [2, 3, 5], [5, 4, 3]]
NAMES = {"keys.surprise": "Surprise", "keys.journey": "Journey"}
SIDES = {
    "management": {"keys.surprise": 90.0, "keys.journey": 60.0},
    "employees": {"keys.surprise": 70.0, "keys.journey": None},
}


def customers() -> scoring.GroupScores:
    return scoring.score_group(scoring.prepare(STRUCTURE, np.array(ANSWERS, dtype=float)))


def test_customer_scores_and_self_image_gap_by_hand():
    mirror = customer_mirror(
        k=3, final=True, customers=customers(), segments=(), names=NAMES, sides=SIDES
    )
    assert mirror.state == RESULTS and mirror.n == 3
    surprise, journey = mirror.rows
    # surprise: (4 + 2 + 5) / 3 = 11/3 -> 100 * (11/3 - 1) / 4 = 66.67
    assert surprise.customers == pytest.approx(200 / 3)
    assert surprise.n_customers == 3
    assert surprise.self_image_gap == pytest.approx(90 - 200 / 3)  # 23.33: flagged
    assert surprise.flagged
    assert (surprise.management, surprise.employees, surprise.name) == (90.0, 70.0, "Surprise")
    # journey per customer: (5 + 4) / 2, (3 + 1) / 2, (4 + 3) / 2 = 4.5, 2, 3.5 -> mean 10/3
    # -> 100 * (10/3 - 1) / 4 = 58.33; 60 - 58.33 = 1.67 is not flagged
    assert journey.customers == pytest.approx(175 / 3)
    assert journey.self_image_gap == pytest.approx(60 - 175 / 3)
    assert not journey.flagged
    assert journey.employees is None
    # "we score ourselves 75, our customers score us 62.5"
    headline = mirror.headline
    assert headline is not None and not headline.management_hidden
    assert headline.management == pytest.approx(75.0)
    assert headline.customers == pytest.approx(62.5)
    assert headline.dimensions == 2


def test_a_gap_of_exactly_15_is_flagged_as_the_perception_gap_is():
    sides = {"management": {"keys.surprise": 200 / 3 + 15, "keys.journey": 175 / 3 + 14.9}}
    mirror = customer_mirror(
        k=3, final=True, customers=customers(), segments=(), names=NAMES, sides=sides
    )
    assert [row.flagged for row in mirror.rows] == [True, False]


def test_hidden_management_is_said_not_filled_in():
    mirror = customer_mirror(
        k=3,
        final=True,
        customers=customers(),
        segments=(),
        names=NAMES,
        sides={"employees": SIDES["employees"]},
    )
    headline = mirror.headline
    assert headline is not None
    assert headline.management_hidden
    assert headline.management is None
    assert headline.customers == pytest.approx(62.5)  # the customers' side still stands
    assert all(row.self_image_gap is None and not row.flagged for row in mirror.rows)


def test_customers_below_k_give_no_figures():
    mirror = customer_mirror(k=5, final=True, customers=None, segments=(), names=NAMES, sides=SIDES)
    assert mirror.state == BELOW and mirror.n == 0
    assert mirror.rows == () and mirror.headline is None
    assert mirror.as_dict()["dimensions"] == []
