"""Consultant sessions slide: they end after a working day without a request.

Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) would write to the
database on every page and every poll of the live counts. Instead the session records
when it was last renewed and is saved again only when that is more than
``SESSION_RENEW_AFTER`` seconds ago: an idle day still logs out, and a busy consultant
costs one write every few minutes. Respondents have no session and are not touched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

RENEWED_AT = "_session_renewed_at"


def mark_renewed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """At log-in (``user_logged_in``): the new session counts as just renewed."""
    request.session[RENEWED_AT] = int(time.time())


class SlidingSessionMiddleware:
    """Renews a logged-in session's expiry, at most every ``SESSION_RENEW_AFTER`` seconds.

    Placed after the authentication middleware, so that the session middleware, which
    answers after it, saves the renewed session and sends the cookie with a new expiry.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_AFTER:
                request.session[RENEWED_AT] = now
        return response
