"""The respondent's cookie: one signed, http-only cookie per campaign holding the
response key and the resume code, so the respondent's pages need no session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .models import Campaign
from .tokens import tokens_match

COOKIE_MAX_AGE = 60 * 60 * 24 * 30  # 30 days


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


COOKIE_PREFIX = "kgs_r"


def cookie_name(campaign: Campaign) -> str:
    return f"{COOKIE_PREFIX}{campaign.pk}"


class SaltSource(Protocol):
    """What `cookie_salt` reads of a campaign; `cookie_for_token` passes these two alone."""

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


def set_cookie(response: HttpResponse, campaign: Campaign, credentials: Credentials) -> None:
    response.set_signed_cookie(
        cookie_name(campaign),
        pack_cookie(credentials),
        salt=cookie_salt(campaign),
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


@dataclass(frozen=True, slots=True)
class _CampaignKey:
    pk: int
    token: str


def cookie_for_token(request: HttpRequest, campaign_token: str) -> tuple[int, str] | None:
    """The respondent cookie that the pages of the campaign `campaign_token` signed, if the
    request carries one: the campaign's id and the cookie's value. Forged, expired or
    other campaigns' cookies are None.

    No database query: the cookie's name holds the campaign's id and the URL its token,
    which is all that `cookie_salt` reads. The rate limiter counts by it, and the
    respondent's pages find campaign and response with it in one query.
    """
    for name in request.COOKIES:
        campaign_id = name.removeprefix(COOKIE_PREFIX)
        if not (name.startswith(COOKIE_PREFIX) and campaign_id.isascii() and campaign_id.isdigit()):
            continue
        value = request.get_signed_cookie(
            name,
            default=None,
            salt=cookie_salt(_CampaignKey(pk=int(campaign_id), token=campaign_token)),
            max_age=COOKIE_MAX_AGE,
        )
        if value:
            return int(campaign_id), value
    return None


def read_cookie(request: HttpRequest, campaign: Campaign) -> Credentials:
    """The credentials of this campaign's cookie; empty without a valid one."""
    found = cookie_for_token(request, campaign.token)
    return unpack_cookie(found[1]) if found and found[0] == campaign.pk else Credentials()
