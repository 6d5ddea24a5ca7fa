"""Downloading a campaign's respondent-level data (CSV / XLSX), owner only and audited,
and its action plan as CSV (`export_actions`: no respondent's data, so any consultant of
the campaign, like the profile's JSON).

GET shows what the file holds and a warning; the download is a POST from that page
(CSRF-protected), so a link, a prefetch or a crawler never downloads anything. The
owner of the organisation may download; consultants it is shared with see the campaign
but get a 403 page that explains why. Every download is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from assessment.access import consultant_results_campaign
from assessment.models import Response
from reports.responses_export import (
    CONTENT_TYPES,
    CSV,
    XLSX,
    export_actions_csv,
    export_responses,
    exported_responses,
)
from reports.views import private_download

FORMAT_NAMES = {CSV: "CSV", XLSX: "Excel (XLSX)"}
OTHER_FORMAT = {CSV: XLSX, XLSX: CSV}


class ExportForm(forms.Form):
    full = forms.BooleanField(
        required=False,
        label=_("Full, for a backup or to move to another database"),
        help_text=_(
            "Every team, role and comment as stored, the respondent ids, a fixed order. "
            "The file can be imported again."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    return _export(request, slug, CSV)


@login_required
@require_http_methods(["GET", "POST"])
def export_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    return _export(request, slug, XLSX)


@require_GET
@login_required
def export_actions(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = consultant_results_campaign(request, slug)
    return private_download(
        export_actions_csv(campaign), CONTENT_TYPES[CSV], f"{campaign.slug}-actions.csv"
    )


def _export(request: HttpRequest, slug: str, file_format: str) -> HttpResponse:
    campaign = consultant_results_campaign(request, slug)
    organisation = campaign.organisation
    context: dict[str, Any] = {
        "campaign": campaign,
        "organisation": organisation,
        "owner": organisation.owner,
    }
    if organisation.owner_id != request.user.pk:
        return render(request, "reports/export_refused.html", context, status=403)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        export = export_responses(
            campaign=campaign,
            file_format=file_format,
            full=form.cleaned_data["full"],
            user=request.user,
            username=request.user.get_username(),
            via="web",
        )
        return private_download(export.content, export.content_type, export.filename)
    other = OTHER_FORMAT[file_format]
    context |= {
        "form": form,
        "file_format": file_format,
        "format_name": FORMAT_NAMES[file_format],
        "other_url": reverse(f"reports:export_{other}", args=[campaign.slug]),
        "other_format_name": FORMAT_NAMES[other],
        "actions_url": reverse("reports:export_actions", args=[campaign.slug]),
        "rows": exported_responses(campaign).count(),
        "test_responses": Response.objects.filter(
            campaign=campaign, status=Response.SUBMITTED, is_test=True
        ).count(),
        "items": campaign.questionnaire_version.items.count(),
        "k": campaign.anonymity_threshold,
    }
    return render(request, "reports/export.html", context)
