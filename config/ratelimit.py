"""Abuse limits: a small rate-limiting middleware on Django's cache.

What is limited (the rates live in settings, see ``RATELIMIT_*``):

* every POST to the respondent's pages (the URL namespace ``respondent``: ``/s/``, ``/t/``,
  ``/i/`` and everything under them). A post that carries the respondent cookie this
  campaign's pages signed counts against that cookie; a post without one (the start, a
  resume code, a forged or foreign cookie) counts against the client address. So in a
  workshop, where 200 people share one NAT address, each person has a budget of their own
  and the address limit only stops floods of cookie-less posts. When no per-cookie limit
  is set, every post counts against the address, so that nothing goes uncounted;
* POSTs of the resume-code form, per client address (a resume code is short, so guessing
  one must be slow);
* failed log-ins per client address, across user names (django-axes locks a user name
  per address after five failures; this stops trying one password on many user names).
  Log-in posts from an address whose budget is used up are refused before the password
  is checked;
* invitations and reminders per consultant: the posts, and the e-mails they would send
  (the new addresses in the posted list, or the open invitations for a reminder), so one
  post with 1,500 addresses cannot send 1,500 e-mails. A post that would go over the
  e-mail budget sends nothing and uses none of it.
* every request, GET included, to a read-only report link (the URL namespace ``shared``:
  ``/r/`` and everything under it), per client address: the links need no account, so
  this keeps a link, or the search for one, from being hammered.

A refused request gets HTTP 429 with a ``Retry-After`` header and a friendly, translated
page; the view does not run, so nothing is stored. Counters are fixed windows in the
cache named by ``RATELIMIT_CACHE``; what a refused request asked for is not counted. With
several server processes the default local-memory cache counts per process; configure a
shared cache (``CACHE_URL``) to count per site.

Independently of the rates (``RespondentBodyMiddleware``), the respondent's pages refuse
with HTTP 400, before the view runs, bodies over ``RESPONDENT_MAX_BODY_SIZE`` (on their
Content-Length, without reading them) and multipart bodies holding a file (at the file's
first bytes, before anything of it is kept), since no questionnaire page sends either.

Client address: ``REMOTE_ADDR``. Behind a reverse proxy every request comes from the
proxy, so set ``RATELIMIT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"`` and
``RATELIMIT_TRUSTED_PROXIES`` to the number of proxies in front of the app (usually 1):
the client address is then taken that many entries from the right of the header, which
a client cannot forge (entries further left can be). ``manage.py check --deploy`` warns
(``config.W001``) when the app is behind a proxy and the header is not set.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import caches
from django.core.files.uploadhandler import FileUploadHandler
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.urls import ResolverMatch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessment import invitations
from assessment.models import Campaign
from assessment.respondent_cookie import cookie_for_token

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

RESPONDENT_NAMESPACE = "respondent"
SHARED_REPORT_NAMESPACE = "shared"
RESUME_VIEW = "respondent:resume"
INVITE_VIEW = "assessment:campaign_invite"
REMIND_VIEW = "assessment:campaign_remind"
LOGIN_VIEWS = frozenset({"login", "admin:login"})
LOGIN_FAILURES = "login-failures"
INVITATION_EMAILS = "invite-emails"


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


# --------------------------------------------------------------------------- counters


def _window(scope: str, ident: str, rate: Rate, now: float) -> tuple[str, int]:
    """The counter's cache key in the window of `now`, and the seconds until it ends."""
    window = int(now // rate.seconds)
    key = f"rl:{scope}:{rate.seconds}:{window}:{ident}"
    return key, max(1, int((window + 1) * rate.seconds - now + 1))


def _cache():
    return caches[getattr(settings, "RATELIMIT_CACHE", "default")]


def hit(
    scope: str, ident: str, rate: Rate, now: float | None = None, amount: int = 1
) -> int | None:
    """Count `amount` against the limit; the seconds to wait when that would go over it
    (and then nothing is counted), else None."""
    now = time.time() if now is None else now
    key, wait = _window(scope, ident, rate, now)
    cache = _cache()
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout=rate.seconds + 1)
        count = amount
    if count > rate.limit:
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing to give back
            cache.decr(key, amount)
        return wait
    return None


def used_up(scope: str, ident: str, rate: Rate, now: float | None = None) -> int | None:
    """The seconds to wait when the limit has been reached, else None (counts nothing)."""
    now = time.time() if now is None else now
    key, wait = _window(scope, ident, rate, now)
    return wait if _cache().get(key, 0) >= rate.limit else None


def _rate(name: str) -> Rate | None:
    return parse_rate(getattr(settings, name, None))


@receiver(user_login_failed, dispatch_uid="config.ratelimit.count_login_failure")
def count_login_failure(sender, credentials, request: HttpRequest | None = None, **kwargs):
    """Every failed log-in (also one refused by django-axes) counts against its address."""
    rate = _rate("RATELIMIT_LOGIN_FAILURES_PER_IP")
    if request is None or rate is None or not getattr(settings, "RATELIMIT_ENABLED", True):
        return
    hit(LOGIN_FAILURES, client_ip(request) or "unknown", rate)


# --------------------------------------------------------------------------- what counts


@dataclass(frozen=True)
class Check:
    """One counter a request counts against: `amount` in `scope` for `ident`."""

    scope: str
    ident: str
    rate: Rate
    amount: int = 1


def emails_requested(request: HttpRequest, match: ResolverMatch) -> int:
    """How many e-mails this invitation or reminder post would make the view send."""
    campaign = Campaign.objects.for_user(request.user).filter(slug=match.kwargs.get("slug")).first()
    if campaign is None or campaign.status == Campaign.CLOSED:  # the view sends nothing
        return 0
    if match.view_name == REMIND_VIEW:
        return invitations.pending_invitations(campaign).count()
    parsed = invitations.parse_addresses(request.POST.get("addresses", ""))
    if parsed.invalid:  # the form refuses the whole list: nothing is sent
        return 0
    return len(parsed.valid) - len(invitations.already_invited(campaign, parsed.valid))


def checks_for(request: HttpRequest) -> list[Check]:
    """The counters this request counts against, in the order they are counted."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return []
    if SHARED_REPORT_NAMESPACE in match.namespaces:  # every method: GETs are what it serves
        rate = _rate("RATELIMIT_SHARED_REPORT_PER_IP")
        return [Check("shared-ip", client_ip(request) or "unknown", rate)] if rate else []
    if request.method != "POST":
        return []
    checks: list[tuple[str, str, Rate | None, int]] = []
    if RESPONDENT_NAMESPACE in match.namespaces:
        ip = client_ip(request) or "unknown"
        found = cookie_for_token(request, match.kwargs.get("token", ""))
        per_cookie = _rate("RATELIMIT_RESPONDENT_PER_COOKIE")
        if found is not None and per_cookie is not None:
            checks.append(("resp-cookie", _fingerprint(found[1]), per_cookie, 1))
        else:
            checks.append(("resp-ip", ip, _rate("RATELIMIT_RESPONDENT_PER_IP"), 1))
        if match.view_name == RESUME_VIEW:
            checks.append(("resume-ip", ip, _rate("RATELIMIT_RESUME_PER_IP"), 1))
    elif match.view_name in (INVITE_VIEW, REMIND_VIEW):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:  # anonymous posts go to the login
            ident = f"user-{user.pk}"
            checks.append(("invite", ident, _rate("RATELIMIT_INVITATIONS_PER_USER"), 1))
            # Last, so that a post refused for its number of posts uses no e-mails.
            emails = _rate("RATELIMIT_INVITATION_EMAILS_PER_USER")
            if emails is not None:
                amount = emails_requested(request, match)
                checks.append((INVITATION_EMAILS, ident, emails, amount))
    return [Check(scope, ident, rate, n) for scope, ident, rate, n in checks if rate and n]


# --------------------------------------------------------------------------- refusals


def _refusal(
    request: HttpRequest, *, title: str, text: str, status: int, retry_after: int | None = None
) -> HttpResponse:
    body = render_to_string(
        "ratelimit/too_many_requests.html", {"title": title, "text": text}, request=request
    )
    response = HttpResponse(body, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def too_many_requests(request: HttpRequest, retry_after: int, check: Check) -> HttpResponse:
    minutes = max(1, round(retry_after / 60))
    match = request.resolver_match
    if match is not None and RESPONDENT_NAMESPACE in match.namespaces:
        text = _(
            "We received very many answers from your network in a short time, so this "
            "page was not saved. Please wait a moment, then go back and send the page "
            "again. The pages you saved before are safe."
        )
    elif check.scope == LOGIN_FAILURES:
        text = " ".join(
            (
                _(
                    "There were too many failed log-ins from your network, so this log-in "
                    "was not tried."
                ),
                ngettext(
                    "Please try again in about %(minutes)d minute.",
                    "Please try again in about %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
        )
    elif check.scope == INVITATION_EMAILS:
        text = " ".join(
            (
                ngettext(
                    "This would send %(count)d e-mail, more than you may send now, so "
                    "nothing was sent.",
                    "This would send %(count)d e-mails, more than you may send now, so "
                    "nothing was sent.",
                    check.amount,
                )
                % {"count": check.amount},
                ngettext(
                    "Send a shorter list, or try again in about %(minutes)d minute.",
                    "Send a shorter list, or try again in about %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
        )
    else:
        text = ngettext(
            "You did this very often in a short time, so this request was not carried "
            "out. Please try again in about %(minutes)d minute.",
            "You did this very often in a short time, so this request was not carried "
            "out. Please try again in about %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
    return _refusal(
        request, title=_("Too many requests"), text=text, status=429, retry_after=retry_after
    )


def refuse_login(request: HttpRequest) -> HttpResponse | None:
    """A 429 for a log-in post from an address that failed too often (failures are counted
    by `count_login_failure`). Concurrent posts may each pass before their failures are
    counted: the budget can be overrun by at most the number of requests served at once."""
    rate = _rate("RATELIMIT_LOGIN_FAILURES_PER_IP")
    if rate is None:
        return None
    check = Check(LOGIN_FAILURES, client_ip(request) or "unknown", rate)
    wait = used_up(check.scope, check.ident, check.rate)
    return None if wait is None else too_many_requests(request, wait, check)


class RateLimitMiddleware:
    """Refuse requests over the configured rates with 429 (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not getattr(settings, "RATELIMIT_ENABLED", True):
            return None
        assert request.resolver_match is not None  # Django resolves the URL before process_view
        if request.method == "POST" and request.resolver_match.view_name in LOGIN_VIEWS:
            refused = refuse_login(request)
            if refused is not None:
                return refused
        for check in checks_for(request):
            wait = hit(check.scope, check.ident, check.rate, amount=check.amount)
            if wait is not None:
                return too_many_requests(request, wait, check)
        return None


# --------------------------------------------------------------------------- request bodies


class FileRefused(MultiPartParserError):
    pass


class RefuseFiles(FileUploadHandler):
    """The only upload handler on the respondent's pages: the first file part stops the
    parsing, before any of it is kept in memory or on disk."""

    def new_file(self, *args, **kwargs) -> None:
        raise FileRefused("the respondent's pages take no files")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data  # never reached: new_file refused the file

    def file_complete(self, file_size: int) -> None:
        return None


def body_refused(request: HttpRequest) -> HttpResponse:
    return _refusal(
        request,
        title=_("This page was not saved"),
        text=_(
            "What your browser sent was not a page of the questionnaire (it was too large "
            "or held a file), so nothing was saved. Please go back and send the page "
            "again. The pages you saved before are safe."
        ),
        status=400,
    )


class RespondentBodyMiddleware:
    """Refuse (HTTP 400) bodies no questionnaire page sends, before the view runs: over
    ``RESPONDENT_MAX_BODY_SIZE``, decided on the Content-Length so that nothing is read,
    or holding a file. Placed before ``CsrfViewMiddleware``, the first to read a body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        assert request.resolver_match is not None  # Django resolves the URL before process_view
        if RESPONDENT_NAMESPACE not in request.resolver_match.namespaces:
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then either
        if length > settings.RESPONDENT_MAX_BODY_SIZE:
            return body_refused(request)
        if request.content_type == "multipart/form-data":
            # Browsers send our forms url-encoded; test clients and scripts may send them
            # as multipart, which is fine as long as no file comes along. Parsed here, so
            # that a file is refused before the view runs.
            request.upload_handlers = [RefuseFiles(request)]
            try:
                request.POST  # noqa: B018
            except FileRefused:
                return body_refused(request)
        return None
