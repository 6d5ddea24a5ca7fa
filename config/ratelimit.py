"""Abuse limits: a small rate-limiting middleware on Django's cache.

What is limited (the rates live in settings, see ``RATELIMIT_*``):

* every POST to the respondent's pages (the URL namespace ``respondent``: ``/s/``, ``/t/``,
  ``/i/`` and everything under them), per client address and, where the browser holds a
  respondent cookie, per cookie. The address limit is generous on purpose: in a workshop
  200 people may share one NAT address;
* POSTs of the resume-code form, per client address (a resume code is short, so guessing
  one must be slow);
* sending invitations and reminders, per consultant.

A refused request gets HTTP 429 with a ``Retry-After`` header and a friendly, translated
page; the view does not run, so nothing is stored. Counters are fixed windows in the
cache named by ``RATELIMIT_CACHE``. With several server processes the default local-memory
cache counts per process; configure a shared cache (``CACHE_URL``) to count per site.

Client address: ``REMOTE_ADDR``. Behind a reverse proxy every request comes from the
proxy, so set ``RATELIMIT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"`` and
``RATELIMIT_TRUSTED_PROXIES`` to the number of proxies in front of the app (usually 1):
the client address is then taken that many entries from the right of the header, which
a client cannot forge (entries further left can be).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

RESPONDENT_NAMESPACE = "respondent"
RESUME_VIEW = "respondent:resume"
INVITATION_VIEWS = frozenset({"assessment:campaign_invite", "assessment:campaign_remind"})


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.limit}/{self.seconds}s"


def parse_rate(text: str | None) -> Rate | None:
    """``"600/m"``, ``"20/h"``, ``"5/10s"`` (5 per 10 seconds); None or "" for no limit."""
    if not text:
        return None
    match = _RATE.match(text)
    if not match:
        raise ValueError(f"not a rate: {text!r} (use e.g. '600/m', '20/h', '5/10s')")
    limit, multiplier, unit = match.groups()
    return Rate(int(limit), int(multiplier or 1) * _UNIT_SECONDS[unit])


def _valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, following ``RATELIMIT_CLIENT_IP_HEADER`` behind a proxy.

    Also django-axes' address (``AXES_CLIENT_IP_CALLABLE``), so that the login lockout
    and these limits agree. None only when the server gave no valid address at all.
    """
    header = getattr(settings, "RATELIMIT_CLIENT_IP_HEADER", "")
    if header:
        forwarded = [part.strip() for part in request.META.get(header, "").split(",")]
        forwarded = [part for part in forwarded if part]
        proxies = max(1, int(getattr(settings, "RATELIMIT_TRUSTED_PROXIES", 1)))
        if len(forwarded) >= proxies:
            address = _valid_ip(forwarded[-proxies])
            if address is not None:
                return address
    return _valid_ip(request.META.get("REMOTE_ADDR", "") or "")


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def respondent_cookies(request: HttpRequest) -> Iterable[str]:
    prefix = getattr(settings, "RATELIMIT_RESPONDENT_COOKIE_PREFIX", "kgs_r")
    return [value for name, value in request.COOKIES.items() if name.startswith(prefix) and value]


def hit(scope: str, ident: str, rate: Rate, now: float | None = None) -> int | None:
    """Count one request; the seconds to wait when it is over the limit, else None."""
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    key = f"rl:{scope}:{rate.seconds}:{window}:{ident}"
    cache = caches[getattr(settings, "RATELIMIT_CACHE", "default")]
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=rate.seconds + 1)
        count = 1
    if count > rate.limit:
        return max(1, int((window + 1) * rate.seconds - now + 1))
    return None


def _rate(name: str) -> Rate | None:
    return parse_rate(getattr(settings, name, None))


def checks_for(request: HttpRequest) -> list[tuple[str, str, Rate]]:
    """The (scope, identity, rate) counters this request counts against."""
    if request.method != "POST":
        return []
    match = getattr(request, "resolver_match", None)
    if match is None:
        return []
    checks: list[tuple[str, str, Rate | None]] = []
    if RESPONDENT_NAMESPACE in match.namespaces:
        ip = client_ip(request) or "unknown"
        checks.append(("resp-ip", ip, _rate("RATELIMIT_RESPONDENT_PER_IP")))
        for value in respondent_cookies(request):
            checks.append(
                ("resp-cookie", _fingerprint(value), _rate("RATELIMIT_RESPONDENT_PER_COOKIE"))
            )
        if match.view_name == RESUME_VIEW:
            checks.append(("resume-ip", ip, _rate("RATELIMIT_RESUME_PER_IP")))
    elif match.view_name in INVITATION_VIEWS:
        user = getattr(request, "user", None)
        ident = f"user-{user.pk}" if user is not None and user.is_authenticated else None
        if ident is not None:  # anonymous requests are sent to the login page anyway
            checks.append(("invite", ident, _rate("RATELIMIT_INVITATIONS_PER_USER")))
    return [(scope, ident, rate) for scope, ident, rate in checks if rate is not None]


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    respondent = RESPONDENT_NAMESPACE in getattr(request.resolver_match, "namespaces", [])
    minutes = max(1, round(retry_after / 60))
    if respondent:
        text = _(
            "We received very many answers from your network in a short time, so this "
            "page was not saved. Please wait a moment, then go back and send the page "
            "again. The pages you saved before are safe."
        )
    else:
        text = ngettext(
            "You did this very often in a short time, so this request was not carried "
            "out. Please try again in about %(minutes)d minute.",
            "You did this very often in a short time, so this request was not carried "
            "out. Please try again in about %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
    body = render_to_string(
        "ratelimit/too_many_requests.html",
        {"title": _("Too many requests"), "text": text, "retry_after": retry_after},
        request=request,
    )
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """Refuse requests over the configured rates with 429 (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not getattr(settings, "RATELIMIT_ENABLED", True):
            return None
        wait = None
        for scope, ident, rate in checks_for(request):
            over = hit(scope, ident, rate)
            if over is not None:
                wait = max(wait or 0, over)
        if wait is not None:
            return too_many_requests(request, wait)
        return None
