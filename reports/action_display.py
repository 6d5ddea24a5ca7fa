"""The action plan as the dashboard's cards show it: each action with the words for its
status and target, grouped by dimension; each action of the previous round with the
words for what became of it. The numbers and rules come from `reports.action_rules`."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import action_rules
from reports.action_rules import ActionPlan, ActionView, FollowUp, NoteView
from reports.models import Action

VERDICTS: dict[str, Promise] = {
    action_rules.REACHED: gettext_lazy("Reached"),
    action_rules.NOT_REACHED: gettext_lazy("Not reached"),
    action_rules.NO_TARGET: gettext_lazy("No target was set"),
    action_rules.NOT_COMPARABLE: gettext_lazy("Measured differently now, not compared"),
    action_rules.NOT_MEASURED: gettext_lazy("Not measured in both rounds"),
}


@dataclass(frozen=True)
class ActionRow:
    action: ActionView
    status: str
    target: str  # "" without a target

    @property
    def latest_note(self) -> NoteView | None:
        return self.action.notes[-1] if self.action.notes else None


@dataclass(frozen=True)
class FollowUpRow:
    follow_up: FollowUp
    status: str
    target: str
    verdict: str


def target_text(action: ActionView, stage_names: dict[str, str]) -> str:
    if action.target_score is not None:
        return _("score %(score)s") % {"score": number_format(action.target_score, 1)}
    if action.target_stage:
        stage = stage_names.get(action.target_stage, action.target_stage)
        return _("stage %(stage)s") % {"stage": stage}
    return ""


def _status(action: ActionView) -> str:
    return str(dict(Action.Status.choices).get(action.status, action.status))


def plan_rows(plan: ActionPlan, stage_names: dict[str, str]) -> list[tuple[str, list[ActionRow]]]:
    """The plan's actions by dimension, as `ActionPlan.by_dimension` groups them."""
    return [
        (name, [ActionRow(a, _status(a), target_text(a, stage_names)) for a in actions])
        for name, actions in plan.by_dimension()
    ]


def follow_up_rows(plan: ActionPlan, stage_names: dict[str, str]) -> list[FollowUpRow]:
    return [
        FollowUpRow(
            f,
            _status(f.action),
            target_text(f.action, stage_names),
            str(VERDICTS[f.verdict]),
        )
        for f in plan.follow_up
    ]
