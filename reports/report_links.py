"""Read-only report links: creating, revoking, finding and visiting them.

The writes are keyword-only and atomic; the views call these and nothing else. The
token is returned once, by `create_report_link`, and never stored: the consultant copies
the link's URL when it is made, and a lost link is revoked and replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from assessment.models import Campaign
from reports import link_rules
from reports.models import ReportLink, ReportLinkVisit


@dataclass(frozen=True)
class NewLink:
    link: ReportLink
    token: str  # shown once; only its hash is kept


@transaction.atomic
def create_report_link(
    *,
    campaign: Campaign,
    label: str,
    expires_on: date,
    shows_comments: bool,
    allows_pdf: bool,
    created_by: User | None,
) -> NewLink:
    """A new link to `campaign`'s results. Raises ValidationError for an empty label or
    an expiry day the rules refuse (the form says so first; this keeps the rule for any
    other caller)."""
    label = label.strip()
    if not label:
        raise ValidationError("a report link needs a label")
    if link_rules.expiry_problem(expires_on, timezone.localdate()) is not None:
        raise ValidationError("the expiry day must lie after today and within a year")
    token = link_rules.new_token()
    link = ReportLink.objects.create(
        campaign=campaign,
        label=label,
        token_hash=link_rules.token_hash(token),
        shows_comments=shows_comments,
        allows_pdf=allows_pdf,
        expires_on=expires_on,
        created_by=created_by,
    )
    return NewLink(link=link, token=token)


@transaction.atomic
def revoke_report_link(*, link: ReportLink, by: User | None) -> bool:
    """Stop `link` at once (every URL under it answers 410 from the next request).
    Returns False when it was revoked already; the first revocation is kept."""
    revoked = ReportLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    link.refresh_from_db(fields=["revoked_at", "revoked_by"])
    return bool(revoked)


def find_link(token: str) -> ReportLink | None:
    """The link of a token (any state), or None. Looked up by the token's hash, so the
    secret itself is never compared character by character."""
    if not token or len(token) > 100:
        return None
    return (
        ReportLink.objects.select_related(
            "campaign__organisation", "campaign__questionnaire_version__questionnaire"
        )
        .filter(token_hash=link_rules.token_hash(token))
        .first()
    )


def record_visit(*, link: ReportLink) -> None:
    """One visit: the time only."""
    ReportLinkVisit.objects.create(link=link)


@dataclass(frozen=True)
class LinkRow:
    """A link as the consultant's list shows it."""

    link: ReportLink
    state: link_rules.LinkState
    visits: int
    last_visit: datetime | None
    recent: tuple[datetime, ...]


def campaign_links(campaign: Campaign) -> list[LinkRow]:
    """The campaign's links, newest first, with their visits."""
    today = timezone.localdate()
    links: QuerySet[ReportLink] = ReportLink.objects.filter(campaign=campaign).annotate(
        visit_count=Count("visits"), last_visit=Max("visits__visited_at")
    )
    rows = []
    for link in links:
        recent = tuple(
            link.visits.order_by("-visited_at").values_list("visited_at", flat=True)[
                : link_rules.RECENT_VISITS
            ]
        )
        rows.append(
            LinkRow(
                link=link,
                state=link_rules.link_state(
                    revoked_at=link.revoked_at, expires_on=link.expires_on, today=today
                ),
                visits=link.visit_count,  # type: ignore[attr-defined]
                last_visit=link.last_visit,  # type: ignore[attr-defined]
                recent=recent,
            )
        )
    return rows
