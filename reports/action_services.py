"""Every write of the action plan: the dashboard's forms, the present mode, the reminder
command and the demo all call these. Input is checked by `action_rules.action_problems`
before anything is stored; a refusal (`ActionRefused`) stores nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from assessment.models import Campaign, Organisation
from reports import action_rules
from reports.action_plan import version_dimensions
from reports.models import Action, ActionNote

logger = logging.getLogger(__name__)


class ActionRefused(Exception):
    """The input of an action cannot be stored; `problems` says why, by field."""

    def __init__(self, problems: dict[str, Promise]) -> None:
        super().__init__("; ".join(str(p) for p in problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class ActionInput:
    """What the consultant fills in for an action."""

    dimension: str
    title: str
    recommendation: str = ""
    owner: str = ""
    due_on: date | None = None
    target_score: Decimal | None = None
    target_stage: str = ""
    status: str = action_rules.PLANNED
    remind: bool = False


def _checked(campaign: Campaign, data: ActionInput) -> dict[str, Any]:
    problems = action_rules.action_problems(
        title=data.title,
        dimension=data.dimension,
        known_dimensions=version_dimensions(campaign.questionnaire_version),
        target_score=data.target_score,
        target_stage=data.target_stage,
        status=data.status,
    )
    if problems:
        raise ActionRefused(problems)
    return {
        "dimension": data.dimension,
        "title": data.title.strip(),
        "recommendation": data.recommendation.strip(),
        "owner": data.owner.strip(),
        "due_on": data.due_on,
        "target_score": data.target_score,
        "target_stage": data.target_stage,
        "status": data.status,
        "remind": data.remind,
    }


@transaction.atomic
def create_action(
    *,
    campaign: Campaign,
    data: ActionInput,
    created_by: Any = None,
    carried_from: Action | None = None,
) -> Action:
    """A new action on `campaign`. A due date in the past is stored (and shows as
    overdue); an empty title, an unknown dimension or a target out of range is refused."""
    return Action.objects.create(
        campaign=campaign,
        created_by=created_by,
        carried_from=carried_from,
        **_checked(campaign, data),
    )


@transaction.atomic
def update_action(*, action: Action, data: ActionInput) -> Action:
    fields = _checked(action.campaign, data)
    for name, value in fields.items():
        setattr(action, name, value)
    action.save(update_fields=[*fields, "updated_at"])
    return action


@transaction.atomic
def delete_action(*, action: Action) -> None:
    action.delete()


@transaction.atomic
def add_note(
    *, action: Action, text: str, written_on: date | None = None, created_by: Any = None
) -> ActionNote:
    text = text.strip()
    if not text:
        raise ActionRefused({"text": translation.gettext_lazy("Write what has happened.")})
    note = ActionNote(action=action, text=text, created_by=created_by)
    if written_on is not None:
        note.written_on = written_on
    note.save()
    Action.objects.filter(pk=action.pk).update(updated_at=note.created_at)
    return note


@transaction.atomic
def carry_over(*, action: Action, campaign: Campaign, created_by: Any = None) -> Action:
    """A new action on `campaign` (the next round) that continues `action` of the
    previous round: same dimension, title, starting point, owner and target, planned
    again with no due date yet, and linked to it."""
    refused = ActionRefused(
        {"action": translation.gettext_lazy("This action has already been carried over.")}
    )
    if Action.objects.filter(carried_from=action).exists():
        raise refused
    data = ActionInput(
        dimension=action.dimension,
        title=action.title,
        recommendation=action.recommendation,
        owner=action.owner,
        target_score=action.target_score,
        target_stage=action.target_stage,
    )
    try:
        with transaction.atomic():  # a savepoint: two clicks at once meet the unique link
            return create_action(
                campaign=campaign, data=data, created_by=created_by, carried_from=action
            )
    except IntegrityError:
        raise refused from None


def _reminder_to(action: Action) -> str:
    """Whom the reminder goes to: the consultant who made the action while they may
    still open the organisation, else the organisation's owner ("" when neither is an
    active user with an address)."""
    organisation = action.campaign.organisation
    maker = action.created_by
    if maker is not None and not (
        Organisation.objects.for_user(maker).filter(pk=organisation.pk).exists()
    ):
        maker = None
    for user in (maker, organisation.owner):
        if user is not None and user.is_active and user.email:
            return str(user.email)
    return ""


@dataclass(frozen=True)
class RemindersSent:
    sent: int
    failed: int  # mails the server refused: tried again by the next run


def send_action_reminders(*, today: date, base_url: str) -> RemindersSent:
    """E-mail the consultant of every action due within a week that asked for it. Each
    action is claimed before its mail is sent (`reminded_for`), so a second run, or one
    running at the same time, sends nothing twice."""
    sent = failed = 0
    candidates = (
        Action.objects.filter(
            remind=True,
            status__in=action_rules.OPEN_STATUSES,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=action_rules.REMINDER_DAYS),
        )
        .exclude(reminded_for=F("due_on"))
        .select_related("campaign__organisation__owner", "created_by")
    )
    for action in candidates:
        if not action_rules.reminder_due(
            due_on=action.due_on,
            status=action.status,
            remind=action.remind,
            reminded_for=action.reminded_for,
            today=today,
        ):
            continue
        to = _reminder_to(action)
        if not to:
            continue
        claimed = (
            Action.objects.filter(pk=action.pk, due_on=action.due_on)
            .exclude(reminded_for=action.due_on)
            .update(reminded_for=action.due_on)
        )
        if not claimed:
            continue
        try:
            _send_reminder(action, to, base_url)
        except Exception:  # refused or away, or a bad header: the next run tries again
            logger.exception("The reminder of action %s was not sent", action.pk)
            Action.objects.filter(pk=action.pk).update(reminded_for=action.reminded_for)
            failed += 1
        else:
            sent += 1
    return RemindersSent(sent, failed)


def _send_reminder(action: Action, to: str, base_url: str) -> None:
    assert action.due_on is not None  # only actions with a due date are reminded
    link = base_url.rstrip("/") + reverse("reports:dashboard", args=[action.campaign.slug])
    with translation.override(action.campaign.language):
        due = formats.date_format(action.due_on, "j F Y")
        # A subject is one line: a title typed with a line break must not end it.
        title = " ".join(action.title.split())
        subject = _("Action due on %(due)s: %(title)s") % {"due": due, "title": title}
        body = _(
            "The action “%(title)s” of %(campaign)s (%(organisation)s) is due on %(due)s."
            "\nOwner: %(owner)s\n\nThe action plan: %(link)s"
        ) % {
            "title": action.title,
            "campaign": action.campaign.name,
            "organisation": action.campaign.organisation.name,
            "due": due,
            "owner": action.owner or "—",
            "link": link + "#actions",
        }
    send_mail(subject, body, None, [to])
