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

The questionnaire is answered in pages (``PagePlan``): one page per framework when the
framework has at most ``FRAMEWORK_PAGE_LIMIT`` items in the version (the quick scan),
otherwise one page per dimension (the full scan). A page is saved all-or-nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from questionnaires.models import QuestionnaireVersion

from .models import Answer, Campaign, Comment, Invitation, Response, Team
from .text import clean_comment
from .tokens import (
    RESUME_CODE_ALPHABET,
    RESUME_CODE_LENGTH,
    digest,
    new_resume_code,
    new_token,
    normalise_resume_code,
    tokens_match,
)

FRAMEWORK_PAGE_LIMIT = 10
SECONDS_PER_ITEM = 10
DONT_KNOW = "dk"
ANSWER_VALUES = ("1", "2", "3", "4", "5", DONT_KNOW)
ITEM_FIELD_PREFIX = "i-"
COMMENT_FIELD = "comment"
COOKIE_MAX_AGE = 60 * 60 * 24 * 30  # 30 days


# --------------------------------------------------------------------------- errors


class RespondingError(Exception):
    """Something the respondent should be told; nothing was stored."""


class AlreadySubmitted(RespondingError):
    """The response was submitted before; it can no longer change."""


class NothingAnswered(RespondingError):
    """Submitting a response without a single answer."""


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
    """How long the questionnaire takes, about ten seconds per statement."""
    return max(1, round(item_count * SECONDS_PER_ITEM / 60))


# --------------------------------------------------------------------------- page plan


@dataclass(frozen=True, slots=True)
class PlanItem:
    pk: int
    code: str
    number: int  # 1-based position in the whole questionnaire
    bipolar: bool
    text_nl: str
    text_en: str
    pole_from_nl: str = ""
    pole_from_en: str = ""
    pole_to_nl: str = ""
    pole_to_en: str = ""

    def text(self, language: str) -> str:
        return _pick(self.text_nl, self.text_en, language)

    def pole_from(self, language: str) -> str:
        return _pick(self.pole_from_nl, self.pole_from_en, language)

    def pole_to(self, language: str) -> str:
        return _pick(self.pole_to_nl, self.pole_to_en, language)


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # 1-based
    topic: str  # framework code (`keys`) or dimension full code (`keys.journey`)
    title_nl: str
    title_en: str
    framework_nl: str
    framework_en: str
    items: tuple[PlanItem, ...]
    item_ids: frozenset[int]

    def title(self, language: str) -> str:
        return _pick(self.title_nl, self.title_en, language)

    def framework(self, language: str) -> str:
        return _pick(self.framework_nl, self.framework_en, language)

    @property
    def is_framework_page(self) -> bool:
        return "." not in self.topic


@dataclass(frozen=True)
class PagePlan:
    version_id: int
    pages: tuple[Page, ...]
    item_ids: frozenset[int] = field(default_factory=frozenset)
    # Identifies the frozen version for caches: (version id, version created_at).
    key: tuple = ()

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def item_count(self) -> int:
        return len(self.item_ids)

    def page(self, number: int) -> Page | None:
        """Page `number` (1-based), or None when out of range."""
        if 1 <= number <= len(self.pages):
            return self.pages[number - 1]
        return None


def _pick(nl: str, en: str, language: str) -> str:
    if language == "en":
        return en or nl
    return nl or en


def build_page_plan(version: QuestionnaireVersion) -> PagePlan:
    """Split a version's items into pages (one query)."""
    frameworks: dict[int, list] = {}
    for item in version.ordered_items():
        frameworks.setdefault(item.dimension.framework_id, []).append(item)
    pages: list[Page] = []
    number = 0

    def plan_item(item) -> PlanItem:
        nonlocal number
        number += 1
        return PlanItem(
            pk=item.pk,
            code=item.code,
            number=number,
            bipolar=item.is_bipolar,
            text_nl=item.text_nl,
            text_en=item.text_en,
            pole_from_nl=item.pole_from_nl,
            pole_from_en=item.pole_from_en,
            pole_to_nl=item.pole_to_nl,
            pole_to_en=item.pole_to_en,
        )

    for items in frameworks.values():
        framework = items[0].dimension.framework
        if len(items) <= FRAMEWORK_PAGE_LIMIT:
            groups = [(framework.code, framework.name_nl, framework.name_en, items)]
        else:
            by_dimension: dict[int, list] = {}
            for item in items:
                by_dimension.setdefault(item.dimension_id, []).append(item)
            groups = []
            for group in by_dimension.values():
                dimension = group[0].dimension
                groups.append((dimension.full_code, dimension.name_nl, dimension.name_en, group))
        for topic, title_nl, title_en, group in groups:
            plan_items = tuple(plan_item(item) for item in group)
            pages.append(
                Page(
                    number=len(pages) + 1,
                    topic=topic,
                    title_nl=title_nl,
                    title_en=title_en,
                    framework_nl=framework.name_nl,
                    framework_en=framework.name_en,
                    items=plan_items,
                    item_ids=frozenset(i.pk for i in plan_items),
                )
            )
    return PagePlan(
        version_id=version.pk,
        pages=tuple(pages),
        item_ids=frozenset(pk for page in pages for pk in page.item_ids),
        key=plan_key(version),
    )


# Versions are frozen once a campaign uses them, and respondents only ever reach a
# version through a campaign, so a plan can be kept for the life of the process. The key
# includes the creation time so that a reused primary key (tests flush the database)
# never finds a stale plan.
_PLAN_CACHE: dict[tuple, PagePlan] = {}
_PLAN_CACHE_LOCK = threading.Lock()
_PLAN_CACHE_SIZE = 64


def plan_key(version: QuestionnaireVersion) -> tuple:
    return (version.pk, version.created_at)


def get_page_plan(version: QuestionnaireVersion) -> PagePlan:
    key = plan_key(version)
    plan = _PLAN_CACHE.get(key)
    if plan is None:
        plan = build_page_plan(version)
        with _PLAN_CACHE_LOCK:
            if len(_PLAN_CACHE) >= _PLAN_CACHE_SIZE:
                _PLAN_CACHE.clear()
            _PLAN_CACHE[key] = plan
    return plan


def clear_page_plan_cache() -> None:
    with _PLAN_CACHE_LOCK:
        _PLAN_CACHE.clear()


# --------------------------------------------------------------------------- the cookie


@dataclass(frozen=True, slots=True)
class Credentials:
    """What the respondent's browser holds: the response key and/or the resume code.

    `key` is empty on a device where the respondent continued with the resume code;
    `code` is empty where an invitee reopened their link on a new device (only the
    digest of the code is stored, so it cannot be shown there).
    """

    key: str = ""
    code: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.key or self.code)


def link_credentials(cookie: Credentials, invitation_token: str = "") -> Credentials:
    """Whose response a link opens: an invitation link always opens the invitee's own
    (keeping the resume code if this browser knows it); other links open the cookie's."""
    if not invitation_token or tokens_match(cookie.key, invitation_token):
        return cookie
    return Credentials(key=invitation_token)


def cookie_name(campaign: Campaign) -> str:
    return f"kgs_r{campaign.pk}"


class SaltSource(Protocol):
    """What `cookie_salt` reads of a campaign; the rate limiter passes these two alone."""

    @property
    def pk(self) -> int: ...

    @property
    def token(self) -> str: ...


def cookie_salt(campaign: SaltSource) -> str:
    """A per-campaign salt: a cookie signed for one campaign is invalid for another."""
    return f"assessment.respondent.{campaign.pk}.{campaign.token}"


def pack_cookie(credentials: Credentials) -> str:
    return f"{credentials.key}.{credentials.code}"


def unpack_cookie(value: str | None) -> Credentials:
    if not value or value.count(".") != 1:
        return Credentials()
    key, code = value.split(".")
    return Credentials(key=key, code=code)


# --------------------------------------------------------------------------- responses


def find_response(campaign: Campaign, credentials: Credentials) -> Response | None:
    """The response of this campaign that the credentials open, if any (one query)."""
    if credentials.key:
        lookup = {"key_digest": digest("response", credentials.key)}
    elif credentials.code:
        lookup = {"resume_code_digest": digest("resume", credentials.code)}
    else:
        return None
    return _one(Response.objects.filter(campaign=campaign, **lookup))


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
) -> Started:
    """Create the response a respondent answers into.

    `key` is the invitation token for personal links (so the response can be found
    again from the link); link visitors get a fresh random key. Starting twice with the
    same invitation returns the existing response. Starting marks the invitation
    started, so that a reminder keeps its link; raises AlreadySubmitted when the
    invitation was completed, LinkReplaced when a reminder replaced its link.
    `is_test`: started in a browser where a consultant is logged in.
    """
    if role not in Response.ROLE_CODES:
        raise ValueError(f"unknown role {role!r}")
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


def answered_item_ids(response: Response) -> set[int]:
    return set(Answer.objects.filter(response=response).values_list("item_id", flat=True))


def first_open_page(plan: PagePlan, answered: Iterable[int]) -> int | None:
    """The first page with an unanswered item, or None when everything is answered."""
    answered = set(answered)
    for page in plan.pages:
        if not page.item_ids <= answered:
            return page.number
    return None


def unanswered_by_page(plan: PagePlan, answered: Iterable[int]) -> list[tuple[Page, list]]:
    """For the review page: each page with its unanswered items (pages complete omitted)."""
    answered = set(answered)
    result = []
    for page in plan.pages:
        missing = [item for item in page.items if item.pk not in answered]
        if missing:
            result.append((page, missing))
    return result


def page_values(response: Response, page: Page) -> tuple[dict[int, str], str]:
    """The stored answers of one page as form values ("1".."5", "dk") and its comment."""
    values = {
        item_id: DONT_KNOW if value is None else str(value)
        for item_id, value in Answer.objects.filter(
            response=response, item_id__in=page.item_ids
        ).values_list("item_id", "value")
    }
    comment = _one(
        Comment.objects.filter(response=response, topic=page.topic).values_list("text", flat=True)
    )
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
    """Read one page's post (`i-<item id>` = "1".."5" or "dk", `comment`). No database."""
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
    comment = data.get(COMMENT_FIELD)
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
        touched = Response.objects.filter(pk=response.pk, status=Response.IN_PROGRESS).update(
            updated_at=now, language=language
        )
        if not touched:
            raise AlreadySubmitted
        if entry.values:
            Answer.objects.bulk_create(
                [
                    Answer(
                        response_id=response.pk,
                        item_id=item_id,
                        value=None if value == DONT_KNOW else int(value),
                    )
                    for item_id, value in entry.values.items()
                ],
                update_conflicts=True,
                unique_fields=["response", "item"],
                update_fields=["value"],
            )
        if entry.comment:
            Comment.objects.bulk_create(
                [Comment(response_id=response.pk, topic=page.topic, text=entry.comment)],
                update_conflicts=True,
                unique_fields=["response", "topic"],
                update_fields=["text"],
            )
        elif entry.comment is not None:
            Comment.objects.filter(response_id=response.pk, topic=page.topic).delete()


def submit_response(response: Response, credentials: Credentials, *, is_test: bool = False) -> None:
    """Submit once. Marks the invitation completed when the key is an invitation token.

    `is_test`: submitted in a browser where a consultant is logged in, which makes it a
    test response (a response started as a test stays one). Raises AlreadySubmitted or
    NothingAnswered; then nothing changes.
    """
    now = timezone.now()
    test = {"is_test": True} if is_test else {}
    with transaction.atomic():
        if not Answer.objects.filter(response_id=response.pk).exists():
            if Response.objects.filter(pk=response.pk, status=Response.SUBMITTED).exists():
                raise AlreadySubmitted
            raise NothingAnswered
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
