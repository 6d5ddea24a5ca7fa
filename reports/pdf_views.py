"""The PDF report and the workshop slides (PowerPoint) from the dashboard: served from the
reports storage, or made in the background while the consultant watches its progress.

`report_pdf` and `slides_pptx` answer with the file when it is ready; otherwise they
queue it and show a progress page that polls `report_status` / `slides_status` and
fetches the file when it is done. Any app node can answer either: the job and the file
are shared (reports/report_jobs.py). All take ``lang`` (nl/en, default: the page's
language) and an optional ``team`` (a team version, refused for a team below the
anonymity threshold). Only consultants who may see the campaign get anything; for others
the campaign does not exist (404). A read-only report link serves the PDF (never the
slides, the consultant's editable material) through `serve_report` and
`report_status_json` (reports/shared_views.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessment.access import consultant_results_campaign
from assessment.models import Campaign
from reports import report_jobs
from reports.pdf import ReportUnavailable, report_input
from reports.profile import GroupTooSmall, UnknownGroup
from reports.views import page_language


def _options(request: HttpRequest) -> tuple[str, str | None]:
    languages = {code for code, _name in settings.LANGUAGES}
    language = request.GET.get("lang", "") or page_language()
    if language not in languages:
        raise Http404("unknown language")
    team = request.GET.get("team", "").strip() or None
    return language, team


def _query(language: str, team: str | None, **extra: str) -> str:
    return urlencode({"lang": language, **({"team": team} if team else {}), **extra})


# The consultant's status URL of each kind of report.
STATUS_URLS = {report_jobs.PDF: "reports:report_status", report_jobs.PPTX: "reports:slides_status"}


def _consultant_download(
    request: HttpRequest, slug: str, *, kind: str
) -> HttpResponse | FileResponse:
    campaign = consultant_results_campaign(request, slug)
    return serve_report(
        request,
        campaign,
        status_url=reverse(STATUS_URLS[kind], args=[campaign.slug]),
        dashboard_url=reverse("reports:dashboard", args=[campaign.slug]),
        kind=kind,
    )


@require_GET
@never_cache
@login_required
def report_pdf(request: HttpRequest, slug: str) -> HttpResponse | FileResponse:
    return _consultant_download(request, slug, kind=report_jobs.PDF)


@require_GET
@never_cache
@login_required
def slides_pptx(request: HttpRequest, slug: str) -> HttpResponse | FileResponse:
    return _consultant_download(request, slug, kind=report_jobs.PPTX)


def serve_report(
    request: HttpRequest,
    campaign: Campaign,
    *,
    status_url: str,
    dashboard_url: str,
    comments: bool = True,
    base_template: str = "consultant/base.html",
    kind: str = report_jobs.PDF,
) -> HttpResponse | FileResponse:
    """The report of `kind` for whoever may have it (the caller checked): the file when
    it is ready, else it is queued and a progress page polls `status_url`. Shared by the
    consultant's dashboard and a read-only link (`comments`, `base_template`)."""
    language, team = _options(request)
    context: dict[str, Any] = {
        "kind": kind,
        "campaign": campaign,
        "team": team,
        "language": language,
        "dashboard_url": dashboard_url,
        "base_template": base_template,
    }
    try:
        report = report_input(campaign, language, team=team, comments=comments)
    except UnknownGroup as error:
        raise Http404(str(error)) from error
    except (GroupTooSmall, ReportUnavailable) as error:
        context["reason"] = str(error)
        return render(request, "reports/report_refused.html", context, status=403)
    key = report_jobs.ReportKey.of(campaign.slug, report, kind)
    if stored := report_jobs.finished(key):
        name = "-".join(part for part in (campaign.slug, slugify(team or ""), language) if part)
        file_kind = report_jobs.KINDS[kind]
        try:
            file = report_jobs.report_storage().open(stored, "rb")
        except FileNotFoundError:
            pass  # replaced by a newer version a moment ago: make this one again
        else:
            return FileResponse(
                file,
                as_attachment=True,
                filename=f"{name}-{file_kind.download_name}.{file_kind.extension}",
                content_type=file_kind.content_type,
            )
    report_jobs.start(key)
    context.update(
        status_url=f"{status_url}?{_query(language, team, signature=key.signature)}",
        download_url=f"{request.path}?{_query(language, team)}",
        status=report_jobs.status(key),
    )
    return render(request, "reports/report_progress.html", context, status=202)


@require_GET
@never_cache
@login_required
def report_status(request: HttpRequest, slug: str) -> JsonResponse:
    return report_status_json(request, consultant_results_campaign(request, slug))


@require_GET
@never_cache
@login_required
def slides_status(request: HttpRequest, slug: str) -> JsonResponse:
    return report_status_json(
        request, consultant_results_campaign(request, slug), kind=report_jobs.PPTX
    )


def report_status_json(
    request: HttpRequest,
    campaign: Campaign,
    *,
    comments: bool = True,
    kind: str = report_jobs.PDF,
) -> JsonResponse:
    """How far the report of `kind`, ``lang``, ``team`` and ``signature`` is (the caller
    checked who may ask)."""
    language, team = _options(request)
    signature = request.GET.get("signature", "")
    if not report_jobs.SIGNATURE.match(signature):
        raise Http404("unknown report")
    key = report_jobs.ReportKey(campaign.slug, language, team, signature, comments, kind)
    current = report_jobs.status(key)
    return JsonResponse({k: current.get(k) for k in ("state", "done", "steps", "message")})
