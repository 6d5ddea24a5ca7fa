"""What every respondent page goes through, in one decorator (`respondent_page`).

Every page is sent with `never_cache` (no-store): on a shared workshop tablet the next
person cannot page back to the answers of the one before. A page that takes a form has
CSRF protection with a friendly failure page.

No account and no session: the response is found through a signed cookie per campaign
(see `respondent_cookie.Credentials`). Every page activates the campaign's language unless the
visitor picked one with the language switcher, and every page first checks that the
campaign takes answers, so a closed campaign stores nothing, also on POST.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import page_plan, respondent_cookie, responding
from .models import Availability, Campaign, Response
from .page_plan import PagePlan
from .respondent_cookie import Credentials, unpack_cookie
from .respondent_http import (
    activate_language,
    already_submitted_page,
    message_page,
    respondent_csrf,
    unavailable_page,
)
from .tokens import format_resume_code


def respondent_page(
    *methods: str, visit: bool = True, in_progress: bool = False
) -> Callable[[Callable], Callable]:
    """A respondent page that answers `methods`: no-store, CSRF-checked when it takes a
    POST; with `visit` the view gets the `Visit` of an open campaign, with `in_progress`
    only while that visit has a response being answered (`response_in_progress`)."""

    def decorate(view: Callable) -> Callable:
        if in_progress:
            view = response_in_progress(view)
        if visit:
            view = respondent_visit(view)
        if "POST" in methods:
            view = respondent_csrf(view)
        return never_cache(require_http_methods(list(methods))(view))

    return decorate


@dataclass
class Visit:
    campaign: Campaign
    language: str
    credentials: Credentials
    response: Response | None

    @property
    def answering(self) -> Response:
        """The response being answered, on the pages behind `response_in_progress`."""
        if self.response is None:
            raise RuntimeError("a page behind response_in_progress has a response")
        return self.response

    @property
    def plan(self) -> PagePlan:
        role = self.response.role if self.response is not None else None
        return page_plan.get_page_plan(self.campaign.questionnaire_version, role)


def respondent_visit(view: Callable) -> Callable:
    """Resolve the campaign token and the respondent's cookie; refuse closed campaigns."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        # The usual visit carries this campaign's cookie: one query finds the response
        # and its campaign. Without a cookie, or its response, the campaign comes alone.
        cookie = respondent_cookie.cookie_for_token(request, token)
        credentials = unpack_cookie(cookie[1]) if cookie else Credentials()
        response = (
            responding.find_response_with_campaign(token, cookie[0], credentials)
            if cookie
            else None
        )
        campaign = response.campaign if response else responding.find_campaign(token)
        if campaign is None:
            raise Http404("unknown campaign")
        language = activate_language(request, campaign)
        availability = campaign.availability()
        if availability is not Availability.OPEN:
            return unavailable_page(request, campaign, availability)
        return view(request, Visit(campaign, language, credentials, response), *args, **kwargs)

    return wrapped


def no_response(request: HttpRequest, visit: Visit) -> HttpResponse:
    """No (valid) cookie for this campaign: start over or use the resume code."""
    if request.method in ("GET", "HEAD"):
        return HttpResponseRedirect(reverse("respondent:campaign", args=[visit.campaign.token]))
    return message_page(
        request,
        title=_("We could not find your questionnaire"),
        text=_(
            "This browser has no questionnaire in progress for this link, so nothing was "
            "saved. Open the link you received again, or continue with your resume code."
        ),
        status=403,
        campaign=visit.campaign,
        link=(reverse("respondent:resume", args=[visit.campaign.token]), _("Enter a resume code")),
        tone="warning",
    )


def response_in_progress(view: Callable) -> Callable:
    """For the pages of a response being answered: without one, start over (or use the
    resume code); once it is submitted, the page that says so."""

    @wraps(view)
    def wrapped(request: HttpRequest, visit: Visit, *args, **kwargs) -> HttpResponse:
        if visit.response is None:
            return no_response(request, visit)
        if visit.response.is_submitted:
            return already_submitted_page(request, visit.campaign)
        return view(request, visit, *args, **kwargs)

    return wrapped


def continue_url(campaign: Campaign, plan: PagePlan, response: Response) -> str:
    """Where a returning respondent picks up: the first page with gaps, or the review."""
    number = responding.first_open_page(plan, responding.answered_item_ids(response))
    if number is None:
        return reverse("respondent:review", args=[campaign.token])
    return reverse("respondent:page", args=[campaign.token, number])


def resume_context(visit: Visit) -> dict:
    """The resume code of the visit and where to enter it, for the pages that show them."""
    code = visit.credentials.code
    return {
        "resume_code": format_resume_code(code) if code else "",
        "resume_url": reverse("respondent:resume", args=[visit.campaign.token]),
    }
