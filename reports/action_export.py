"""The action plan in the exports: its blocks of the profile JSON
(`reports.profile_export`), and the actions as a table for the CSV download and the
XLSX's "Actions" sheet."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from assessment.models import Campaign
from assessment.response_file import Cell
from reports.action_plan import plan_for
from reports.action_rules import ActionPlan, ActionView, FollowUp

# The columns of the actions table (CSV and XLSX), as the JSON names them.
ACTION_COLUMNS: tuple[str, ...] = (
    "id",
    "dimension",
    "title",
    "recommendation",
    "owner",
    "due_on",
    "target_score",
    "target_stage",
    "status",
    "overdue",
    "notes",
    "carried_from",
)
NOTE_JOINER = " | "


def action_dict(action: ActionView) -> dict[str, Any]:
    return {
        "id": action.pk,
        "dimension": action.dimension,
        "title": action.title,
        "recommendation": action.recommendation,
        "owner": action.owner,
        "due_on": action.due_on.isoformat() if action.due_on else None,
        "target_score": None if action.target_score is None else float(action.target_score),
        "target_stage": action.target_stage or None,
        "status": action.status,
        "overdue": action.overdue,
        "notes": [{"written_on": n.written_on.isoformat(), "text": n.text} for n in action.notes],
        "carried_from": action.carried_from,
    }


def follow_up_dict(follow_up: FollowUp) -> dict[str, Any]:
    return {
        **action_dict(follow_up.action),
        "then": follow_up.then,
        "now": follow_up.now,
        "change": follow_up.change,
        "verdict": follow_up.verdict,
        "carried_to": follow_up.carried_to,
    }


def plan_dict(plan: ActionPlan) -> dict[str, Any]:
    return {
        "actions": [action_dict(a) for a in plan.actions],
        "follow_up": [follow_up_dict(f) for f in plan.follow_up],
    }


def action_rows(plan: ActionPlan) -> list[tuple[Cell, ...]]:
    """The actions as rows of `ACTION_COLUMNS`: text and whole numbers only, so the
    response files' writers keep them safe (no cell is run as a formula)."""
    rows: list[tuple[Cell, ...]] = []
    for action in plan.actions:
        data = action_dict(action)
        data["target_score"] = "" if action.target_score is None else str(action.target_score)
        data["overdue"] = "yes" if action.overdue else "no"
        data["notes"] = NOTE_JOINER.join(
            f"{n.written_on.isoformat()}: {n.text}" for n in action.notes
        )
        rows.append(tuple(data[column] for column in ACTION_COLUMNS))
    return rows


def campaign_action_rows(campaign: Campaign) -> list[tuple[Cell, ...]]:
    """The campaign's own actions as rows (no follow-up: that needs the profile)."""
    plan = plan_for(campaign, profile=None, language=campaign.language, today=timezone.localdate())
    return action_rows(plan)
