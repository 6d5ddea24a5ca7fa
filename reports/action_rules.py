"""The rules of a campaign's action plan, without the database: what an action is
(`ActionView`), when it is overdue, when its target counts as reached, what the next
round says of it (`FollowUp`), and which input is refused.

An action belongs to one dimension of its campaign (a full code, `keys.journey`). Its
target for the next round is a score (0-100) or a stage; a stage target is reached when
the score is in that stage or above, by the same thresholds as every other stage in the
report (`reports.scoring.stage_for`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from reports import scoring

PLANNED, IN_PROGRESS, DONE, DROPPED = "planned", "in_progress", "done", "dropped"
STATUSES: tuple[str, ...] = (PLANNED, IN_PROGRESS, DONE, DROPPED)
OPEN_STATUSES = frozenset({PLANNED, IN_PROGRESS})  # still to be done: can be overdue
# Days before the due date on which the consultant is reminded (`send_action_reminders`).
REMINDER_DAYS = 7
TITLE_MAX = 200
TARGET_SCORE_MAX = Decimal(100)

# What the next round says of an action of the previous one.
REACHED, NOT_REACHED = "reached", "not_reached"
NO_TARGET = "no_target"  # nothing to compare the score with
NOT_COMPARABLE = "not_comparable"  # the questionnaire measures the dimension otherwise now
NOT_MEASURED = "not_measured"  # no score now or then (not asked, or hidden below k)


@dataclass(frozen=True)
class NoteView:
    written_on: date
    text: str


@dataclass(frozen=True)
class ActionView:
    """One action as the dashboard, the reports and the exports show it."""

    pk: int
    dimension: str  # full dimension code
    dimension_name: str
    title: str
    recommendation: str
    owner: str
    due_on: date | None
    target_score: Decimal | None
    target_stage: str  # a stage code, "" for none
    status: str
    overdue: bool
    notes: tuple[NoteView, ...] = ()
    carried_from: int | None = None  # the action of the previous round it continues


@dataclass(frozen=True)
class FollowUp:
    """An action of the previous round, measured in this one."""

    action: ActionView
    then: float | None  # the dimension's score in the previous round
    now: float | None  # and in this one
    verdict: str  # REACHED, NOT_REACHED, NO_TARGET, NOT_COMPARABLE or NOT_MEASURED
    carried_to: int | None = None  # the action of this round that continues it

    @property
    def change(self) -> float | None:
        if self.then is None or self.now is None:
            return None
        return self.now - self.then


@dataclass(frozen=True)
class ActionPlan:
    """A campaign's actions, and those of its previous round with what became of them."""

    actions: tuple[ActionView, ...] = ()
    follow_up: tuple[FollowUp, ...] = ()
    previous_name: str = ""  # the previous round's name ("" when there is none)

    def by_dimension(self) -> list[tuple[str, list[ActionView]]]:
        """The actions grouped by dimension name, in the order they first appear."""
        groups: dict[str, list[ActionView]] = {}
        for action in self.actions:
            groups.setdefault(action.dimension_name, []).append(action)
        return list(groups.items())

    @property
    def overdue(self) -> int:
        return sum(1 for a in self.actions if a.overdue)


def is_overdue(due_on: date | None, status: str, today: date) -> bool:
    """An open action whose due date has passed (due today is not overdue yet)."""
    return due_on is not None and status in OPEN_STATUSES and due_on < today


def target_reached(
    score: float | None,
    *,
    target_score: Decimal | None,
    target_stage: str,
    thresholds: Sequence[float],
) -> bool | None:
    """Whether `score` meets the target: at least the target score, or in the target
    stage or a higher one. None without a score or without a target."""
    if score is None:
        return None
    shown = scoring.round_as_shown(score, 1)  # as printed: 59.96 shows as 60.0 and counts
    if target_score is not None:
        return shown >= target_score
    if target_stage:
        stage = scoring.stage_for(float(shown), thresholds)
        return scoring.STAGES.index(stage) >= scoring.STAGES.index(target_stage)
    return None


def follow_up(
    action: ActionView,
    *,
    then: float | None,
    now: float | None,
    not_comparable: Collection[str],
    thresholds: Sequence[float],
    carried_to: int | None = None,
) -> FollowUp:
    """What the next round says of `action`: its dimension's score then and now and
    whether the target was reached. A dimension the questionnaire measures otherwise now
    is not compared, whatever the numbers."""
    if action.dimension in not_comparable:
        return FollowUp(action, None, now, NOT_COMPARABLE, carried_to)
    if then is None or now is None:
        return FollowUp(action, then, now, NOT_MEASURED, carried_to)
    reached = target_reached(
        now,
        target_score=action.target_score,
        target_stage=action.target_stage,
        thresholds=thresholds,
    )
    verdict = NO_TARGET if reached is None else REACHED if reached else NOT_REACHED
    return FollowUp(action, then, now, verdict, carried_to)


def action_problems(
    *,
    title: str,
    dimension: str,
    known_dimensions: Collection[str],
    target_score: Decimal | None,
    target_stage: str,
    status: str,
) -> dict[str, Promise]:
    """What is wrong with an action's input, by field; empty when it can be stored.
    A due date in the past is allowed: the action shows as overdue."""
    problems: dict[str, Promise] = {}
    if not title.strip():
        problems["title"] = _("Give the action a title.")
    elif len(title.strip()) > TITLE_MAX:
        problems["title"] = _("A title has at most 200 characters.")
    if dimension not in known_dimensions:
        problems["dimension"] = _("Choose one of this campaign's dimensions.")
    if target_score is not None and not (0 <= target_score <= TARGET_SCORE_MAX):
        problems["target_score"] = _("A target score lies between 0 and 100.")
    if target_stage and target_stage not in scoring.STAGES:
        problems["target_stage"] = _("Choose one of the four stages.")
    if target_score is not None and target_stage:
        problems["target_stage"] = _("Set a target score or a target stage, not both.")
    if status not in STATUSES:
        problems["status"] = _("Choose one of the statuses.")
    return problems


def reminder_due(
    *, due_on: date | None, status: str, remind: bool, reminded_for: date | None, today: date
) -> bool:
    """Whether the consultant gets the reminder for an action today: asked for, still
    open, due within `REMINDER_DAYS` days from today (not yet past), and not already
    sent for this due date (so a second run sends nothing twice; a new due date is
    reminded again)."""
    if not remind or due_on is None or status not in OPEN_STATUSES:
        return False
    if reminded_for == due_on:
        return False
    return today <= due_on and (due_on - today).days <= REMINDER_DAYS
