"""The action plan in words, wherever it is shown: the dashboard's cards, the PDF, the
workshop slides and the present mode. An action's status, target, due date and whether
it is overdue, and what the next round says of an action of the previous one. Call these
in the page's or report's language (``translation.override``); the rules behind the
words are in `reports.action_rules`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from reports import action_rules
from reports.action_rules import ActionPlan, ActionView, FollowUp, NoteView
from reports.charts.common import format_change, format_number
from reports.models import Action


def verdict_names() -> dict[str, str]:
    return {
        action_rules.REACHED: _("Reached"),
        action_rules.NOT_REACHED: _("Not reached"),
        action_rules.NO_TARGET: _("No target was set"),
        action_rules.NOT_COMPARABLE: _("Measured differently now, not compared"),
        action_rules.NOT_MEASURED: _("Not measured in both rounds"),
    }


def status_name(status: str) -> str:
    """The status's label; a status this version does not know is shown as it is stored."""
    return str(dict(Action.Status.choices).get(status, status))


def target_text(action: ActionView, stage_names: dict[str, str]) -> str:
    """ "score 70.0", "stage Shining diamond", or "" without a target."""
    if action.target_score is not None:
        return _("score %(score)s") % {"score": format_number(action.target_score)}
    if action.target_stage:
        stage = stage_names.get(action.target_stage, action.target_stage)
        return _("stage %(stage)s") % {"stage": stage}
    return ""


def due_text(action: ActionView) -> str:
    """The due date as the report writes dates, "22 Nov 2026" ("" without one)."""
    return formats.date_format(action.due_on, "j M Y") if action.due_on else ""


def overdue_text() -> str:
    return _("overdue")


@dataclass(frozen=True)
class ActionLine:
    """One action with its words."""

    action: ActionView
    status: str
    target: str
    due: str
    latest_note: NoteView | None


@dataclass(frozen=True)
class FollowUpLine:
    """One action of the previous round with what this round measured, in words."""

    follow_up: FollowUp
    status: str
    target: str
    then: str
    now: str
    change: str  # "" when either score is missing
    verdict: str


def action_line(action: ActionView, stage_names: dict[str, str]) -> ActionLine:
    return ActionLine(
        action=action,
        status=status_name(action.status),
        target=target_text(action, stage_names),
        due=due_text(action),
        latest_note=action.notes[-1] if action.notes else None,
    )


def lines_by_dimension(
    plan: ActionPlan, stage_names: dict[str, str]
) -> list[tuple[str, list[ActionLine]]]:
    """The plan's actions in words, grouped by dimension name (`ActionPlan.by_dimension`)."""
    return [
        (name, [action_line(a, stage_names) for a in actions])
        for name, actions in plan.by_dimension()
    ]


def follow_up_lines(plan: ActionPlan, stage_names: dict[str, str]) -> list[FollowUpLine]:
    verdicts = verdict_names()
    return [
        FollowUpLine(
            follow_up=f,
            status=status_name(f.action.status),
            target=target_text(f.action, stage_names),
            then=format_number(f.then),
            now=format_number(f.now),
            change="" if f.change is None else format_change(f.change),
            verdict=verdicts[f.verdict],
        )
        for f in plan.follow_up
    ]
