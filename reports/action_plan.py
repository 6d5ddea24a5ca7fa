"""Reading a campaign's action plan: its actions as `ActionView`s, and the actions of the
previous round measured against this round's profile (`reports.action_rules.follow_up`).

The plan is read afresh on every page and report, beside the profile and not inside it:
the profile is cached by its responses, the plan changes whenever the consultant
edits it (a report's signature includes the plan, so an edit makes the report again).
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from django.db.models import Prefetch, Q

from assessment.models import Campaign
from questionnaires.models import Dimension, QuestionnaireVersion, VersionItem
from reports import action_rules
from reports.action_rules import ActionPlan, ActionView, NoteView
from reports.models import Action, ActionNote
from reports.profile import Profile


def version_dimensions(version: QuestionnaireVersion) -> list[str]:
    """The full codes of the dimensions a questionnaire version measures, in its order.
    One query."""
    rows = (
        VersionItem.objects.filter(version=version)
        .order_by(
            "item__dimension__framework__order",
            "item__dimension__order",
            "item__dimension__code",
        )
        .values_list("item__dimension__framework__code", "item__dimension__code")
    )
    return list(dict.fromkeys(f"{framework}.{code}" for framework, code in rows))


def dimension_names(codes: set[str], language: str) -> dict[str, str]:
    """Full dimension code -> its name in `language`. One query."""
    if not codes:
        return {}
    frameworks = {code.split(".", 1)[0] for code in codes}
    found = Dimension.objects.filter(framework__code__in=frameworks).select_related("framework")
    return {d.full_code: d.tr("name", language) for d in found if d.full_code in codes}


def _actions(which: Q) -> list[Action]:
    """The actions `which` selects, with their notes: two queries for any number."""
    return list(
        Action.objects.filter(which).prefetch_related(
            Prefetch("notes", queryset=ActionNote.objects.order_by("written_on", "pk"))
        )
    )


def _view(action: Action, names: dict[str, str], today: date) -> ActionView:
    return ActionView(
        pk=action.pk,
        dimension=action.dimension,
        dimension_name=names.get(action.dimension, action.dimension),
        title=action.title,
        recommendation=action.recommendation,
        owner=action.owner,
        due_on=action.due_on,
        target_score=action.target_score,
        target_stage=action.target_stage,
        status=action.status,
        overdue=action_rules.is_overdue(action.due_on, action.status, today),
        notes=tuple(NoteView(n.written_on, n.text) for n in action.notes.all()),
        carried_from=action.carried_from_id,
    )


Ordered = TypeVar("Ordered", Action, ActionView)


def _in_order(actions: list[Ordered], order: dict[str, int]) -> list[Ordered]:
    """Actions (or their views) in the questionnaire's order of dimensions, then by due
    date; dimensions this version no longer measures last."""
    return sorted(
        actions, key=lambda a: (order.get(a.dimension, len(order)), a.due_on or date.max, a.pk)
    )


def plan_for(
    campaign: Campaign, *, profile: Profile | None, language: str, today: date
) -> ActionPlan:
    """The campaign's action plan in `language`, in the order of the questionnaire's
    dimensions (then by due date). With a `profile` of the whole campaign that has a
    previous round, also that round's actions, each measured against `profile`."""
    # Follow-up belongs to the whole campaign: a team's scores say little of its actions.
    previous_slug = (profile.previous or {}).get("slug") if profile and not profile.scope else None
    which = Q(campaign=campaign)
    if previous_slug:
        which |= Q(campaign__slug=previous_slug)
    read = _actions(which)  # this round's and the previous round's actions at once
    actions = [a for a in read if a.campaign_id == campaign.pk]
    before = [a for a in read if a.campaign_id != campaign.pk]
    # The profile knows the questionnaire's dimensions, in order and named: no queries
    # for them on the dashboard, which builds one anyway.
    if profile is not None:
        codes = [d.code for d in profile.dimensions()]
        known = (
            {d.code: d.name for d in profile.dimensions()} if profile.language == language else {}
        )
    else:
        codes, known = version_dimensions(campaign.questionnaire_version), {}
    wanted = {a.dimension for a in actions + before}
    names = {**known, **dimension_names(wanted - known.keys(), language)}
    order = {code: i for i, code in enumerate(codes)}
    views = _in_order([_view(a, names, today) for a in actions], order)
    if not before or profile is None or profile.previous is None:
        return ActionPlan(actions=tuple(views))
    now = {d.code: d.score for d in profile.dimensions()}
    then = profile.previous.get("scores", {})
    not_comparable = set(profile.previous.get("not_comparable", ()))
    carried_to = {a.carried_from_id: a.pk for a in actions if a.carried_from_id}
    follow_up = tuple(
        action_rules.follow_up(
            _view(a, names, today),
            then=then.get(a.dimension),
            now=now.get(a.dimension),
            not_comparable=not_comparable,
            thresholds=profile.stage_thresholds,
            carried_to=carried_to.get(a.pk),
        )
        for a in _in_order(before, order)
    )
    return ActionPlan(
        actions=tuple(views), follow_up=follow_up, previous_name=profile.previous["name"]
    )
