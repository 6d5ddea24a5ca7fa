"""The rules of a read-only report link, on plain values (no Django).

A link is a secret in a URL: `new_token` makes one of 256 random bits (URL-safe text),
and only its SHA-256 (`token_hash`) is stored, so a copy of the database opens no link.
A link works until the end of its expiry day (in the site's time zone) unless it was
revoked; the expiry day is chosen from tomorrow to a year ahead, 30 days by default.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from enum import Enum

TOKEN_BYTES = 32  # 256 bits: far beyond guessing, at any rate of requests
DEFAULT_DAYS = 30
MAX_DAYS = 365
RECENT_VISITS = 3  # the last visits the consultant's page lists per link


class LinkState(Enum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class ExpiryProblem(Enum):
    NOT_IN_FUTURE = "not_in_future"
    TOO_FAR = "too_far"


def new_token() -> str:
    """A fresh link token: 32 random bytes as 43 URL-safe characters."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is stored of a token, and what a visit's token is looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()


def default_expiry(today: date) -> date:
    return today + timedelta(days=DEFAULT_DAYS)


def latest_expiry(today: date) -> date:
    return today + timedelta(days=MAX_DAYS)


def expiry_problem(expires_on: date, today: date) -> ExpiryProblem | None:
    """Why `expires_on` cannot be chosen today, or None: it must lie after today and at
    most `MAX_DAYS` ahead."""
    if expires_on <= today:
        return ExpiryProblem.NOT_IN_FUTURE
    if expires_on > latest_expiry(today):
        return ExpiryProblem.TOO_FAR
    return None


def link_state(*, revoked_at: datetime | None, expires_on: date, today: date) -> LinkState:
    """Revoked wins over expired; a link works through its expiry day."""
    if revoked_at is not None:
        return LinkState.REVOKED
    if today > expires_on:
        return LinkState.EXPIRED
    return LinkState.ACTIVE
