"""HTTP plumbing of the respondent's pages: the campaign's language, CSRF with a friendly
failure page, and the message pages a respondent sees when something is not possible."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from questionnaires.translation import active_language

from .models import Availability, Campaign


def activate_language(request: HttpRequest, campaign: Campaign) -> str:
    """The campaign's language, unless the visitor chose one with the switcher."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen not in dict(settings.LANGUAGES):
        translation.activate(campaign.language)
        request.LANGUAGE_CODE = campaign.language
    return active_language()


_csrf_checker = CsrfViewMiddleware(lambda request: HttpResponse())


def respondent_csrf(view: Callable) -> Callable:
    """CSRF protection as usual, but a failure shows the respondent a friendly page.

    (A phone left on a page for long, or blocked cookies, are the usual causes; the
    default 403 page would leave a respondent wondering whether their answers are lost.)
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if _csrf_checker.process_view(request, view, args, kwargs) is not None:
            return message_page(
                request,
                title=_("This page has expired"),
                text=_(
                    "For your security we could not accept this form, so nothing was "
                    "saved. Please open your link again and repeat the last step. "
                    "Your earlier pages are safe."
                ),
                status=403,
            )
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)


def message_page(
    request: HttpRequest,
    *,
    title: str,
    text: str,
    status: int = 200,
    campaign: Campaign | None = None,
    link: tuple[str, str] | None = None,
    tone: str = "info",
) -> HttpResponse:
    context = {"title": title, "text": text, "campaign": campaign, "link": link, "tone": tone}
    return render(request, "respondent/message.html", context, status=status)


def unavailable_page(request: HttpRequest, campaign: Campaign, availability: Availability):
    if availability is Availability.NOT_YET_OPEN:
        opens = formats.date_format(timezone.localtime(campaign.opens_at), "DATETIME_FORMAT")
        title = _("This questionnaire is not open yet")
        text = _("You can fill it in from %(opens)s. Please come back then.") % {"opens": opens}
    elif availability is Availability.DRAFT:
        title = _("This questionnaire is not open yet")
        text = _("The questionnaire is still being prepared. Please try again later.")
    elif campaign.is_customer_mirror:
        title = _("This questionnaire is closed")
        text = _(
            "It no longer accepts answers, and nothing was saved. Thank you for your interest."
        )
    else:
        title = _("This questionnaire is closed")
        text = _(
            "It no longer accepts answers, and nothing was saved. Thank you for your "
            "interest; the results are discussed with your organisation."
        )
    status = 200 if request.method in ("GET", "HEAD") else 403
    return message_page(request, title=title, text=text, status=status, campaign=campaign)


def already_submitted_page(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    posted = request.method == "POST"
    text = _("Your answers were submitted earlier and can no longer be changed.")
    if posted:
        nothing_saved = _("Nothing was saved now.")
        text = f"{text} {nothing_saved}"
    return message_page(
        request,
        title=_("You already took part — thank you!"),
        text=text,
        status=409 if posted else 200,
        campaign=campaign,
        tone="success",
    )
