"""The action plan's rules on hand-made numbers: overdue, target reached, the follow-up in
the next round, refused input and when a reminder is due."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from reports import action_rules
from reports.action_rules import (
    DONE,
    DROPPED,
    IN_PROGRESS,
    NO_TARGET,
    NOT_COMPARABLE,
    NOT_MEASURED,
    NOT_REACHED,
    PLANNED,
    REACHED,
    ActionPlan,
    ActionView,
)


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English, whatever an earlier test left active."""
    with translation.override("en"):
        yield


THRESHOLDS = (40.0, 60.0, 80.0)  # clear from 40, cut from 60, shining from 80
TODAY = date(2026, 12, 2)


def action(**overrides) -> ActionView:
    values = {
        "pk": 1,
        "dimension": "keys.journey",
        "dimension_name": "Customer journey",
        "title": "Map the journey",
        "recommendation": "",
        "owner": "Ann",
        "due_on": None,
        "target_score": None,
        "target_stage": "",
        "status": PLANNED,
        "overdue": False,
    }
    values.update(overrides)
    return ActionView(**values)


@pytest.mark.parametrize(
    ("due_on", "status", "overdue"),
    [
        (date(2026, 12, 1), PLANNED, True),
        (date(2026, 12, 1), IN_PROGRESS, True),
        (date(2026, 12, 2), PLANNED, False),  # due today: not yet overdue
        (date(2026, 12, 1), DONE, False),
        (date(2026, 12, 1), DROPPED, False),
        (None, PLANNED, False),
    ],
)
def test_only_open_actions_past_their_due_date_are_overdue(due_on, status, overdue):
    assert action_rules.is_overdue(due_on, status, TODAY) is overdue


@pytest.mark.parametrize(
    ("score", "target_score", "target_stage", "reached"),
    [
        (62.0, Decimal("60.0"), "", True),
        (59.9, Decimal("60.0"), "", False),
        # As printed: 59.96 shows as 60.0, and a reader would count it as reached.
        (59.96, Decimal("60.0"), "", True),
        (60.0, None, "cut", True),  # cut starts at 60
        (59.9, None, "cut", False),
        (85.0, None, "cut", True),  # shining is above cut
        (39.9, None, "clear", False),
        (10.0, None, "rough", True),
        (70.0, None, "", None),  # no target
        (None, Decimal("50.0"), "", None),  # no score
    ],
)
def test_a_target_is_a_score_or_a_stage(score, target_score, target_stage, reached):
    assert (
        action_rules.target_reached(
            score, target_score=target_score, target_stage=target_stage, thresholds=THRESHOLDS
        )
        is reached
    )


def test_follow_up_measures_the_dimension_then_and_now():
    row = action_rules.follow_up(
        action(target_stage="cut"),
        then=52.5,
        now=61.25,
        not_comparable=(),
        thresholds=THRESHOLDS,
    )
    assert (row.then, row.now, row.verdict) == (52.5, 61.25, REACHED)
    assert row.change == pytest.approx(8.75)

    missed = action_rules.follow_up(
        action(target_score=Decimal("65.0")),
        then=52.5,
        now=61.25,
        not_comparable=(),
        thresholds=THRESHOLDS,
    )
    assert missed.verdict == NOT_REACHED

    no_target = action_rules.follow_up(
        action(), then=52.5, now=61.25, not_comparable=(), thresholds=THRESHOLDS
    )
    assert no_target.verdict == NO_TARGET


def test_a_dimension_measured_otherwise_now_is_not_compared_whatever_the_numbers():
    row = action_rules.follow_up(
        action(target_score=Decimal("50.0")),
        then=40.0,
        now=90.0,
        not_comparable=("keys.journey",),
        thresholds=THRESHOLDS,
        carried_to=7,
    )
    assert (row.then, row.verdict, row.change, row.carried_to) == (None, NOT_COMPARABLE, None, 7)


@pytest.mark.parametrize(("then", "now"), [(None, 60.0), (55.0, None), (None, None)])
def test_no_score_then_or_now_is_not_measured(then, now):
    row = action_rules.follow_up(
        action(target_score=Decimal("50.0")),
        then=then,
        now=now,
        not_comparable=(),
        thresholds=THRESHOLDS,
    )
    assert row.verdict == NOT_MEASURED
    assert row.change is None


def _problems(**overrides):
    values = {
        "title": "Map the journey",
        "dimension": "keys.journey",
        "known_dimensions": {"keys.journey", "keys.culture"},
        "target_score": None,
        "target_stage": "",
        "status": PLANNED,
    }
    values.update(overrides)
    return {
        field: str(message) for field, message in action_rules.action_problems(**values).items()
    }


def test_good_input_has_no_problems():
    assert _problems() == {}
    assert _problems(target_score=Decimal("0")) == {}
    assert _problems(target_score=Decimal("100")) == {}
    assert _problems(target_stage="shining", status=DROPPED) == {}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "   "}, "title", "Give the action a title."),
        ({"title": "x" * 201}, "title", "A title has at most 200 characters."),
        ({"dimension": "keys.nope"}, "dimension", "Choose one of this campaign's dimensions."),
        (
            {"target_score": Decimal("100.1")},
            "target_score",
            "A target score lies between 0 and 100.",
        ),
        ({"target_score": Decimal("-1")}, "target_score", "A target score lies between 0 and 100."),
        ({"target_stage": "gold"}, "target_stage", "Choose one of the four stages."),
        (
            {"target_score": Decimal("70"), "target_stage": "cut"},
            "target_stage",
            "Set a target score or a target stage, not both.",
        ),
        ({"status": "someday"}, "status", "Choose one of the statuses."),
    ],
)
def test_bad_input_is_named_by_field(overrides, field, message):
    assert _problems(**overrides) == {field: message}


@pytest.mark.parametrize(
    ("due_on", "status", "remind", "reminded_for", "due"),
    [
        (TODAY + timedelta(days=7), PLANNED, True, None, True),  # a week before
        (TODAY + timedelta(days=3), IN_PROGRESS, True, None, True),  # a late run still sends
        (TODAY, PLANNED, True, None, True),  # due today
        (TODAY + timedelta(days=8), PLANNED, True, None, False),  # not yet
        (TODAY - timedelta(days=1), PLANNED, True, None, False),  # past: overdue, not reminded
        (TODAY + timedelta(days=7), PLANNED, False, None, False),  # not asked for
        (TODAY + timedelta(days=7), DONE, True, None, False),
        (TODAY + timedelta(days=7), PLANNED, True, TODAY + timedelta(days=7), False),  # sent
        # Sent for an earlier due date, then moved: reminded again.
        (TODAY + timedelta(days=7), PLANNED, True, TODAY, True),
        (None, PLANNED, True, None, False),
    ],
)
def test_when_a_reminder_is_due(due_on, status, remind, reminded_for, due):
    assert (
        action_rules.reminder_due(
            due_on=due_on, status=status, remind=remind, reminded_for=reminded_for, today=TODAY
        )
        is due
    )


@given(
    due_in=st.integers(min_value=-30, max_value=30),
    status=st.sampled_from(action_rules.STATUSES),
    remind=st.booleans(),
)
def test_once_reminded_for_its_due_date_an_action_is_never_reminded_again(due_in, status, remind):
    due_on = TODAY + timedelta(days=due_in)
    assert not action_rules.reminder_due(
        due_on=due_on, status=status, remind=remind, reminded_for=due_on, today=TODAY
    )


def test_the_plan_groups_by_dimension_in_its_order_and_counts_the_overdue():
    plan = ActionPlan(
        actions=(
            action(pk=1, overdue=True),
            action(pk=2, dimension="keys.culture", dimension_name="Culture"),
            action(pk=3, overdue=True),
        )
    )
    assert [(name, [a.pk for a in group]) for name, group in plan.by_dimension()] == [
        ("Customer journey", [1, 3]),
        ("Culture", [2]),
    ]
    assert plan.overdue == 2
