"""Downloading a campaign's respondent-level data (CSV / XLSX, and the answers of its
customer mirror as a CSV of their own), owner only and audited, and its action plan as
CSV (`export_actions`: no respondent's data, so any consultant of the campaign, like the
profile's JSON).

GET shows what the file holds and a warning; the download is a POST from that page
(CSRF-protected), so a link, a prefetch or a crawler never downloads anything. The
owner of the organisation may download; consultants it is shared with see the campaign
but get a 403 page that explains why. Every download is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.access import consultant_results_campaign
from assessment.models import Campaign, Response
from reports.responses_export import (
    CONTENT_TYPES,
    CSV,
    XLSX,
    export_actions_csv,
    export_customers,
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


@login_required
@require_POST
def export_customers_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The customers' answers, from the CSV page's second button (so in the form chosen
    there); 404 when the campaign has no customer mirror."""
    campaign = consultant_results_campaign(request, slug)
    refused = _refused(request, campaign)
    if refused is not None:
        return refused
    form = ExportForm(request.POST)
    form.is_valid()  # a lone optional checkbox: always valid
    export = export_customers(
        campaign=campaign,
        full=form.cleaned_data["full"],
        user=request.user,
        username=request.user.get_username(),
        via="web",
    )
    if export is None:
        raise Http404("the campaign has no customer mirror")
    return private_download(export.content, export.content_type, export.filename)


def _refused(request: HttpRequest, campaign: Campaign) -> HttpResponse | None:
    """The page explaining that only the owner of the organisation may download, for
    anyone else."""
    organisation = campaign.organisation
    if organisation.owner_id == request.user.pk:
        return None
    context = {"campaign": campaign, "organisation": organisation, "owner": organisation.owner}
    return render(request, "reports/export_refused.html", context, status=403)


def _export(request: HttpRequest, slug: str, file_format: str) -> HttpResponse:
    campaign = consultant_results_campaign(request, slug)
    refused = _refused(request, campaign)
    if refused is not None:
        return refused
    organisation = campaign.organisation
    context: dict[str, Any] = {
        "campaign": campaign,
        "organisation": organisation,
        "owner": organisation.owner,
    }
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
        "customers_url": reverse("reports:export_customers", args=[campaign.slug]),
        "customer_rows": _customer_rows(campaign),
    }
    return render(request, "reports/export.html", context)


def _customer_rows(campaign: Campaign) -> int | None:
    """How many customers' responses the customer mirror's file holds; None without one."""
    mirror = Campaign.objects.filter(mirror_of=campaign).first()
    return None if mirror is None else exported_responses(mirror).count()
