"""The pages behind a read-only report link: `/r/<token>/`, no account needed.

The token is the only key: it is looked up by its hash (reports/report_links.py), and
opens one campaign's dashboard, as the link was made: with or without comments, with
or without the PDF report (made in the background like the consultant's, the same cache
and progress page, under the link's URL). Nothing for the consultant alone: no
workshop slides (the consultant's editable material), no downloads of responses or
JSON, no statement quality, no navigation to consultant pages. Groups under k stay
hidden exactly as on the dashboard: the same context is built
(`reports.views.dashboard_context`). An unknown token is a 404; every URL under a
revoked or expired link is a 410 with a page in both languages, from the next request
on. Every URL here is rate-limited per client address (config/ratelimit.py) and sent
`no-store` and `noindex`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reports import report_links
from reports.link_rules import LinkState
from reports.models import ReportLink
from reports.pdf_views import report_status_json, serve_report
from reports.views import dashboard_context

SharedView = Callable[[HttpRequest, ReportLink, str], HttpResponseBase]
BASE_TEMPLATE = "reports/shared/base.html"


def _gone(request: HttpRequest, link: ReportLink, state: LinkState) -> HttpResponse:
    current = (request.LANGUAGE_CODE or settings.LANGUAGE_CODE)[:2]
    codes = [code for code, _name in settings.LANGUAGES]
    context = {
        "state": state.value,
        "expires_on": link.expires_on,
        "languages": sorted(codes, key=lambda code: code != current),
    }
    return render(request, "reports/shared/gone.html", context, status=410)


def shared_link(view: SharedView) -> Callable[[HttpRequest, str], HttpResponseBase]:
    """The link of the URL's token, or 404 (unknown) / 410 (revoked or expired); the view
    gets the link and the token (for its own URLs)."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str) -> HttpResponseBase:
        link = report_links.find_link(token)
        if link is None:
            raise Http404("no such link")
        state = link.state()
        if state is LinkState.ACTIVE:
            response = view(request, link, token)
        else:
            response = _gone(request, link, state)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return require_GET(never_cache(wrapper))


def _urls(token: str) -> tuple[str, str, str]:
    return (
        reverse("shared:dashboard", args=[token]),
        reverse("shared:report_pdf", args=[token]),
        reverse("shared:report_status", args=[token]),
    )


@shared_link
def shared_dashboard(request: HttpRequest, link: ReportLink, token: str) -> HttpResponse:
    dashboard_url, pdf_url, _status = _urls(token)
    context = dashboard_context(
        request,
        link.campaign,
        dashboard_url=dashboard_url,
        pdf_url=pdf_url if link.allows_pdf else None,
        consultant=False,
        comments=link.shows_comments,
    )
    context["report_link"] = link
    report_links.record_visit(link=link)
    return render(request, "reports/dashboard.html", context)


@shared_link
def shared_report_pdf(
    request: HttpRequest, link: ReportLink, token: str
) -> HttpResponse | FileResponse:
    if not link.allows_pdf:
        raise Http404("this link offers no PDF")
    dashboard_url, _pdf, status_url = _urls(token)
    return serve_report(
        request,
        link.campaign,
        status_url=status_url,
        dashboard_url=dashboard_url,
        comments=link.shows_comments,
        base_template=BASE_TEMPLATE,
    )


@shared_link
def shared_report_status(request: HttpRequest, link: ReportLink, token: str) -> HttpResponse:
    if not link.allows_pdf:
        raise Http404("this link offers no PDF")
    return report_status_json(request, link.campaign, comments=link.shows_comments)
