"""The respondent's side of a campaign: business rules as plain functions.

A respondent has no account. They arrive through one of three links:

* the shared campaign link ``/s/<campaign.token>/``,
* a team link ``/t/<team.token>/`` (the team is fixed),
* a personal invitation link ``/i/<token>/``.

Whoever answers is identified by a *response key*, a random token whose digest
(``digest("response", key)``) is stored as ``Response.key_digest``. For link visitors the
key is made up when they start; for invitees the key *is* their invitation token, so
revisiting the link finds the same response, and only someone holding that token can
tell which invitation a response belongs to (``digest("invitation", key)``). Nothing
links the two rows in the database. Starting marks the invitation `started`, after which
its token is never replaced (see `invitations.send_reminders`): one invitation, one
response, submitted at most once.

Each response also has a short resume code (stored as ``digest("resume", code)``) for
continuing on another device. The browser keeps the key and the code in one signed,
http-only cookie per campaign (see ``pack_cookie``), so the hot path needs no session.

The questionnaire is answered in pages (`assessment.page_plan`); a page is saved
all-or-nothing. The cookie is `assessment.respondent_cookie`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import respondent_sql
from .models import Answer, Campaign, Comment, Invitation, Response, Team
from .page_plan import Page, PagePlan, PlanItem, get_page_plan
from .respondent_cookie import Credentials
from .text import clean_comment
from .tokens import (
    RESUME_CODE_ALPHABET,
    RESUME_CODE_LENGTH,
    digest,
    new_resume_code,
    new_token,
    normalise_resume_code,
)

SECONDS_PER_ITEM = 7  # a median respondent's pace on a short statement
DONT_KNOW = "dk"
ANSWER_VALUES = ("1", "2", "3", "4", "5", DONT_KNOW)
ITEM_FIELD_PREFIX = "i-"
COMMENT_FIELD = "comment"


# --------------------------------------------------------------------------- errors


class RespondingError(Exception):
    """Something the respondent should be told; nothing was stored."""


class AlreadySubmitted(RespondingError):
    """The response was submitted before; it can no longer change."""


class NothingAnswered(RespondingError):
    """Submitting a response without a single answer."""


class NotEnoughAnswered(RespondingError):
    """Submitting a response with fewer answers than the campaign's minimum."""

    def __init__(self, answered: int, needed: int, total: int) -> None:
        super().__init__(f"{answered} of {total} statements answered; {needed} needed")
        self.answered, self.needed, self.total = answered, needed, total


class LinkReplaced(RespondingError):
    """The invitation link was replaced by a reminder's new link; nothing was stored."""


# --------------------------------------------------------------------------- campaigns


def _one(queryset):
    """The single row of a unique lookup, or None (no ORDER BY, no LIMIT 21)."""
    rows = list(queryset.order_by()[:1])
    return rows[0] if rows else None


def find_campaign(token: str) -> Campaign | None:
    return _one(Campaign.objects.select_related("questionnaire_version").filter(token=token))


def find_team(token: str) -> Team | None:
    return _one(Team.objects.select_related("campaign__questionnaire_version").filter(token=token))


def find_invitation(token: str) -> Invitation | None:
    """The invitation of a personal link; the token itself is never stored."""
    return _one(
        Invitation.objects.select_related("team", "campaign__questionnaire_version").filter(
            token_digest=digest("invitation", token)
        )
    )


def estimated_minutes(item_count: int) -> int:
    """How long the questionnaire takes a median respondent (`SECONDS_PER_ITEM`)."""
    return max(1, round(item_count * SECONDS_PER_ITEM / 60))


# --------------------------------------------------------------------------- responses


def _response_lookup(credentials: Credentials) -> dict[str, str] | None:
    if credentials.key:
        return {"key_digest": digest("response", credentials.key)}
    if credentials.code:
        return {"resume_code_digest": digest("resume", credentials.code)}
    return None


def find_response(campaign: Campaign, credentials: Credentials) -> Response | None:
    """The response of this campaign that the credentials open, if any (one query)."""
    lookup = _response_lookup(credentials)
    if lookup is None:
        return None
    return _one(Response.objects.filter(campaign=campaign, **lookup))


def find_response_with_campaign(
    campaign_token: str, campaign_id: int, credentials: Credentials
) -> Response | None:
    """The response the credentials open in the campaign with this token and id, its
    campaign (and questionnaire version) read along: one query for both, where a page
    would otherwise ask for the campaign first (`respondent_cookie.cookie_for_token`
    gives the id). None when there is no such response. Every respondent page asks this
    first, so it is hand-written SQL (`respondent_sql`)."""
    lookup = _response_lookup(credentials)
    if lookup is None:
        return None
    ((field, value),) = lookup.items()
    return respondent_sql.response_with_campaign(campaign_id, campaign_token, field, value)


def starts_afresh(team: Team | None, response: Response | None) -> bool:
    """A workshop tablet's team link: the response this device submitted there does not
    stop the next person, who starts a new response, unlinked from the one before. Only a
    response started on that link in tablet mode counts: one from a personal phone (the
    campaign link, an invitation) never offers a fresh start."""
    return (
        team is not None
        and team.workshop_tablet
        and response is not None
        and response.on_workshop_tablet
        and response.is_submitted
        and response.team_id == team.pk
    )


def clean_resume_code(text: str) -> str | None:
    """The resume code as typed (any case, spaces, dashes), or None if it cannot be one."""
    code = normalise_resume_code(text or "")
    if len(code) != RESUME_CODE_LENGTH or any(ch not in RESUME_CODE_ALPHABET for ch in code):
        return None
    return code


def find_response_by_resume_code(campaign: Campaign, text: str) -> tuple[Response, str] | None:
    code = clean_resume_code(text)
    if code is None:
        return None
    response = find_response(campaign, Credentials(code=code))
    return (response, code) if response else None


@dataclass(frozen=True, slots=True)
class Started:
    response: Response
    credentials: Credentials
    created: bool


def start_response(
    campaign: Campaign,
    *,
    role: str,
    team: Team | None,
    language: str,
    key: str | None = None,
    is_test: bool = False,
    on_workshop_tablet: bool = False,
) -> Started:
    """Create the response a respondent answers into.

    `key` is the invitation token for personal links (so the response can be found
    again from the link); link visitors get a fresh random key. Starting twice with the
    same invitation returns the existing response. Starting marks the invitation
    started, so that a reminder keeps its link; raises AlreadySubmitted when the
    invitation was completed, LinkReplaced when a reminder replaced its link.
    `is_test`: started in a browser where a consultant is logged in.
    `on_workshop_tablet`: started on a team link in workshop-tablet mode.
    `role`: one of `Response.ROLE_CODES`; "" for a customer (`Campaign.is_customer_mirror`).
    """
    if role not in (("",) if campaign.is_customer_mirror else Response.ROLE_CODES):
        raise ValueError(f"unknown role {role!r}")  # a customer has none
    if team is not None and team.campaign_id != campaign.pk:
        raise ValueError("the team belongs to another campaign")
    invitation_row = (
        Invitation.objects.filter(campaign=campaign, token_digest=digest("invitation", key))
        if key
        else None
    )
    key = key or new_token()
    key_digest = digest("response", key)
    for _attempt in range(5):
        code = new_resume_code()
        try:
            with transaction.atomic():
                if invitation_row is not None and not invitation_row.filter(completed=False).update(
                    started=True
                ):
                    raise AlreadySubmitted if invitation_row.exists() else LinkReplaced
                response = Response.objects.create(
                    campaign=campaign,
                    team=team,
                    role=role,
                    language=language,
                    key_digest=key_digest,
                    resume_code_digest=digest("resume", code),
                    is_test=is_test,
                    on_workshop_tablet=on_workshop_tablet,
                )
            return Started(response, Credentials(key=key, code=code), created=True)
        except IntegrityError:
            existing = Response.objects.filter(key_digest=key_digest).first()
            if existing is not None:
                if existing.campaign_id != campaign.pk:
                    raise
                return Started(existing, Credentials(key=key), created=False)
            # A resume code collided with another response's: draw a new one.
    raise RuntimeError("could not draw a unique resume code")


def answers_needed(item_count: int, minimum_percent: int) -> int:
    """How many of `item_count` statements must be answered ("don't know" counts) for a
    response to be accepted: `minimum_percent` of them rounded up, at least one when the
    percentage is above zero (and never more than there are)."""
    if minimum_percent <= 0 or item_count <= 0:
        return 0
    # Integer ceiling division: no float rounding at exact multiples.
    return max(1, -(-item_count * min(minimum_percent, 100) // 100))


def answered_item_ids(response: Response) -> set[int]:
    return set(Answer.objects.filter(response=response).values_list("item_id", flat=True))


def first_open_page(plan: PagePlan, answered: Iterable[int]) -> int | None:
    """The first page with an unanswered item, or None when everything is answered."""
    answered = set(answered)
    for page in plan.pages:
        if not page.item_ids <= answered:
            return page.number
    return None


@dataclass(frozen=True)
class OpenStatements:
    """For the review page: how many statements of one framework are still open, and the
    page and statement to go back to first."""

    framework: Page  # the framework's first page with an open statement
    count: int
    first: PlanItem


def open_statements_by_framework(plan: PagePlan, answered: Iterable[int]) -> list[OpenStatements]:
    """Each framework with open statements, in questionnaire order (complete ones omitted)."""
    answered = set(answered)
    result: dict[str, OpenStatements] = {}
    for page in plan.pages:
        missing = [item for item in page.items if item.pk not in answered]
        if not missing:
            continue
        found = result.get(page.framework_code)
        if found is None:
            result[page.framework_code] = OpenStatements(page, len(missing), missing[0])
        else:
            result[page.framework_code] = replace(found, count=found.count + len(missing))
    return list(result.values())


def page_values(response: Response, page: Page) -> tuple[dict[int, str], str]:
    """The stored answers of one page as form values ("1".."5", "dk") and its comment,
    read in one statement."""
    answers, comment = respondent_sql.page_answers_and_comment(
        response.pk, page.item_ids, page.comment_topic
    )
    values = {
        item_id: DONT_KNOW if value is None else str(value) for item_id, value in answers.items()
    }
    return values, comment or ""


# --------------------------------------------------------------------------- saving


@dataclass
class PageEntry:
    """A parsed page post: what was entered, and what is wrong with it."""

    values: dict[int, str]  # item id -> "1".."5" / "dk" (only answered items)
    comment: str | None  # None when the post had no comment field
    item_errors: dict[int, str]
    errors: list[str]  # about the page as a whole
    comment_error: str = ""

    @property
    def is_valid(self) -> bool:
        return not (self.item_errors or self.errors or self.comment_error)


def parse_page(plan: PagePlan, page: Page, data: Mapping[str, str]) -> PageEntry:
    """Read one page's post (`i-<item id>` = "1".."5" or "dk", `comment`). No database.
    A comment is read only on the page that asks for one (a framework's last page)."""
    values: dict[int, str] = {}
    item_errors: dict[int, str] = {}
    errors: list[str] = []
    for name in data:
        if not name.startswith(ITEM_FIELD_PREFIX):
            continue
        raw_id = name.removeprefix(ITEM_FIELD_PREFIX)
        item_id = int(raw_id) if raw_id.isdigit() else None
        if item_id is None or item_id not in plan.item_ids:
            errors.append(
                _("An answer was sent for a statement that is not in this questionnaire.")
            )
        elif item_id not in page.item_ids:
            errors.append(_("An answer was sent for a statement that is not on this page."))
    for item in page.items:
        raw = data.get(f"{ITEM_FIELD_PREFIX}{item.pk}")
        if raw is None or raw == "":
            continue
        raw = raw.strip().lower()
        if raw in ANSWER_VALUES:
            values[item.pk] = raw
        else:
            item_errors[item.pk] = _("Choose one of the options: 1 to 5, or “don’t know”.")
    comment = data.get(COMMENT_FIELD) if page.comment_topic else None
    comment_error = ""
    if comment is not None:
        comment = clean_comment(comment)
        if len(comment) > Comment.MAX_LENGTH:
            comment_error = _(
                "Your comment is %(length)d characters long; the maximum is %(max)d."
            ) % {"length": len(comment), "max": Comment.MAX_LENGTH}
    return PageEntry(
        values=values,
        comment=comment,
        item_errors=item_errors,
        errors=list(dict.fromkeys(errors)),
        comment_error=comment_error,
    )


def save_page(response: Response, page: Page, entry: PageEntry, *, language: str) -> None:
    """Store a valid page entry in one transaction (bulk upserts).

    Raises AlreadySubmitted, storing nothing, when the response was submitted meanwhile.
    """
    if not entry.is_valid:
        raise ValueError("only a valid page entry can be saved")
    now = timezone.now()
    with transaction.atomic():
        # The conditional update also takes the row lock (PostgreSQL) that a concurrent
        # submit waits for, so no answer lands after the response was submitted.
        if not respondent_sql.touch_response_in_progress(response.pk, now, language):
            raise AlreadySubmitted
        if entry.values:
            respondent_sql.upsert_answers(
                response.pk,
                {
                    item_id: None if value == DONT_KNOW else int(value)
                    for item_id, value in entry.values.items()
                },
            )
        if entry.comment and page.comment_topic:
            Comment.objects.bulk_create(
                [Comment(response_id=response.pk, topic=page.comment_topic, text=entry.comment)],
                update_conflicts=True,
                unique_fields=["response", "topic"],
                update_fields=["text"],
            )
        elif entry.comment is not None and page.comment_topic:
            Comment.objects.filter(response_id=response.pk, topic=page.comment_topic).delete()


def submit_response(
    response: Response,
    credentials: Credentials,
    *,
    is_test: bool = False,
    campaign: Campaign | None = None,
) -> None:
    """Submit once. Marks the invitation completed when the key is an invitation token.

    `is_test`: submitted in a browser where a consultant is logged in, which makes it a
    test response (a response started as a test stays one). `campaign`: the response's
    campaign when the caller has it already (saves a query). Raises AlreadySubmitted,
    NothingAnswered, or NotEnoughAnswered below the campaign's `minimum_answered`; then
    nothing changes and the response stays in progress.
    """
    if campaign is None:
        campaign = response.campaign
    elif campaign.pk != response.campaign_id:
        raise ValueError("the response belongs to another campaign")
    plan = get_page_plan(campaign.questionnaire_version, response.role)
    needed = answers_needed(plan.item_count, campaign.minimum_answered)
    now = timezone.now()
    test = {"is_test": True} if is_test else {}
    with transaction.atomic():
        # Answers are only ever added or changed, never removed, so a count that passes
        # here still passes when the update below takes the row.
        answered = Answer.objects.filter(response_id=response.pk, item_id__in=plan.item_ids).count()
        if answered == 0 or answered < needed:
            if Response.objects.filter(pk=response.pk, status=Response.SUBMITTED).exists():
                raise AlreadySubmitted
            if answered == 0:
                raise NothingAnswered
            raise NotEnoughAnswered(answered, needed, plan.item_count)
        submitted = Response.objects.filter(pk=response.pk, status=Response.IN_PROGRESS).update(
            status=Response.SUBMITTED, submitted_at=now, updated_at=now, **test
        )
        if not submitted:
            raise AlreadySubmitted
        if credentials.key:
            mark_invitation_completed(response.campaign_id, credentials.key)
    response.status = Response.SUBMITTED
    response.submitted_at = now
    response.is_test = response.is_test or is_test


def mark_invitation_completed(campaign_id: int, key: str) -> int:
    """Mark the invitation whose token is `key` completed (no-op for link responses)."""
    return Invitation.objects.filter(
        campaign_id=campaign_id, token_digest=digest("invitation", key), completed=False
    ).update(completed=True)
