"""Personal invitations by e-mail, and reminders.

Rules:

- The consultant pastes addresses separated by commas, semicolons, spaces or new lines
  (``Name <address>`` as copied from a mail client works too). If any address is
  invalid, nothing is sent: the consultant corrects the list and tries again.
- Addresses already invited to the campaign (case-insensitive) are skipped, as are
  repeats within the pasted list.
- Each invitation gets a fresh token; only ``digest("invitation", token)`` is stored.
  The token exists only in the e-mail.
- The invitee's response is stored under that token (see `responding`), so an invitation
  has at most one response, and only the token links the two.
- A reminder goes to invitations that are not completed. Because tokens are not stored,
  a reminder cannot repeat a link. Nobody started on the link yet: the reminder carries a
  NEW link and the old one stops working. Someone started (`Invitation.started`): the
  link is kept, since the response can only be found through it, and the reminder asks
  the invitee to continue with the link from the earlier e-mail.
- Invitations and reminders go out only while the campaign is open.
- Addresses are never shown or exported next to answers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .campaigns import absolute, closing_day, invitation_path
from .models import Campaign, Invitation, Team, max_length
from .tokens import digest, new_token

logger = logging.getLogger(__name__)

EMAIL_MAX_LENGTH = max_length(Invitation, "email")
_SEPARATORS = re.compile(r"[,;\r\n]+")
_ANGLE_ADDRESS = re.compile(r"<([^<>]*)>")

LinkBuilder = Callable[[str], str]


@dataclass
class ParsedAddresses:
    valid: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)


@dataclass
class InvitationResult:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def normalise_address(address: str) -> str:
    """Addresses compare case-insensitively; we store them lower-case."""
    return address.strip().strip(".").lower()


def split_addresses(text: str) -> list[str]:
    """The address-like pieces of a pasted list, in order, not yet validated."""
    pieces: list[str] = []
    for chunk in _SEPARATORS.split(text or ""):
        chunk = chunk.strip()
        if not chunk:
            continue
        bracketed = _ANGLE_ADDRESS.findall(chunk)
        if bracketed:  # "Jan Jansen <jan@example.nl>"
            pieces.extend(part.strip() for part in bracketed if part.strip())
        else:
            pieces.extend(chunk.split())
    return pieces


def parse_addresses(text: str) -> ParsedAddresses:
    """Validate each address; keep the first of repeated addresses."""
    parsed = ParsedAddresses()
    seen: set[str] = set()
    for piece in split_addresses(text):
        address = normalise_address(piece)
        try:
            if len(address) > EMAIL_MAX_LENGTH:
                raise ValidationError("too long")
            validate_email(address)
        except ValidationError:
            parsed.invalid.append(piece)
            continue
        if address in seen:
            parsed.repeated.append(address)
            continue
        seen.add(address)
        parsed.valid.append(address)
    return parsed


def already_invited(campaign: Campaign, addresses: Iterable[str]) -> set[str]:
    addresses = [normalise_address(a) for a in addresses]
    existing = Invitation.objects.filter(campaign=campaign).values_list("email", flat=True)
    known = {normalise_address(email) for email in existing}
    return {a for a in addresses if a in known}


def check_sendable(campaign: Campaign, *, reminder: bool = False) -> None:
    """Links go out only while the campaign can take answers (ValidationError otherwise),
    and never to customers: the invitation speaks to colleagues, and a customer mirror
    is shared through its own links and QR codes."""
    if campaign.is_customer_mirror:
        raise ValidationError(
            _(
                "A customer mirror sends no e-mail: share its link or a segment's link or QR "
                "code with the customers instead."
            )
        )
    if campaign.status == Campaign.DRAFT:
        raise ValidationError(
            _("This campaign is still a draft. Open it before sending reminders.")
            if reminder
            else _(
                "This campaign is still a draft. Open it before inviting, so that nobody "
                "receives a link that does not work yet."
            )
        )
    if campaign.status == Campaign.CLOSED:
        raise ValidationError(
            _("This campaign is closed. Open it again before reminding.")
            if reminder
            else _("This campaign is closed. Open it again before inviting.")
        )


def link_builder(base_url: str) -> LinkBuilder:
    """Turn a token into the absolute personal link, e.g. ``https://host/i/<token>/``."""
    return lambda token: absolute(base_url, invitation_path(token))


def build_email(
    invitation: Invitation,
    link: str | None,
    *,
    reminder: bool = False,
    reply_to: str | None = None,
) -> EmailMessage:
    """The invitation or reminder e-mail, in the campaign's language (plain text).

    Without a `link` (a reminder to someone who started), it asks the invitee to continue
    with the link from the earlier e-mail.
    """
    campaign = invitation.campaign
    context = {
        "campaign": campaign,
        "organisation": campaign.organisation,
        "team": invitation.team,
        "link": link,
        "closes_on": closing_day(campaign.closes_at),
        "reminder": reminder,
    }
    with translation.override(campaign.language):
        subject = render_to_string("assessment/email/invitation_subject.txt", context)
        body = render_to_string("assessment/email/invitation_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
        reply_to=[reply_to] if reply_to else None,
    )


def invite(
    campaign: Campaign,
    addresses: Iterable[str],
    link_for: LinkBuilder,
    *,
    team: Team | None = None,
    reply_to: str | None = None,
) -> InvitationResult:
    """Create and e-mail one invitation per new address (addresses already validated).

    Each invitation is created and sent in its own transaction: if sending fails, that
    invitation is not stored (so the consultant can simply try again) and the address is
    reported in `failed`. Raises ValidationError, sending nothing, unless the campaign is
    open.
    """
    check_sendable(campaign)
    if team is not None and team.campaign_id != campaign.pk:
        raise ValueError("The team belongs to another campaign.")
    result = InvitationResult()
    addresses = list(dict.fromkeys(normalise_address(a) for a in addresses))
    skip = already_invited(campaign, addresses)
    result.skipped = [a for a in addresses if a in skip]
    connection = get_connection()
    for address in addresses:
        if address in skip:
            continue
        token = new_token()
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    campaign=campaign,
                    email=address,
                    team=team,
                    token_digest=digest("invitation", token),
                    sent_at=timezone.now(),
                )
                message = build_email(invitation, link_for(token), reply_to=reply_to)
                message.connection = connection
                message.send()
        except Exception:
            logger.exception("Sending an invitation for campaign %s failed", campaign.slug)
            result.failed.append(address)
        else:
            result.sent.append(address)
    return result


def pending_invitations(campaign: Campaign):
    return Invitation.objects.filter(campaign=campaign, completed=False).select_related(
        "campaign__organisation", "team"
    )


def send_reminders(
    campaign: Campaign,
    link_for: LinkBuilder,
    *,
    reply_to: str | None = None,
) -> InvitationResult:
    """Remind everyone who has not finished: a new link for those who have not started,
    the request to continue on their own link for those who have.

    Each reminder is stored and sent in its own transaction (nothing changes for an
    address whose e-mail fails). Raises ValidationError, sending nothing, unless the
    campaign is open.
    """
    check_sendable(campaign, reminder=True)
    result = InvitationResult()
    connection = get_connection()
    for invitation in pending_invitations(campaign):
        try:
            with transaction.atomic():
                token = _renew_link(invitation)
                if token is None:
                    still_open = Invitation.objects.filter(
                        pk=invitation.pk, completed=False
                    ).update(reminded_at=timezone.now())
                    if not still_open:
                        continue  # finished since the list was read
                link = link_for(token) if token else None
                message = build_email(invitation, link, reminder=True, reply_to=reply_to)
                message.connection = connection
                message.send()
        except Exception:
            logger.exception("Sending a reminder for campaign %s failed", campaign.slug)
            result.failed.append(invitation.email)
        else:
            result.sent.append(invitation.email)
    return result


def _renew_link(invitation: Invitation) -> str | None:
    """A new token for an invitation nobody started on yet (recorded as reminded); None
    once someone has.

    One conditional UPDATE, so an invitee starting at this very moment either keeps their
    link, or finds it replaced before their response exists (`responding.start_response`
    marks the same row started only while the link is still the one they used).
    """
    token = new_token()
    renewed = Invitation.objects.filter(pk=invitation.pk, started=False, completed=False).update(
        token_digest=digest("invitation", token), reminded_at=timezone.now()
    )
    return token if renewed else None
