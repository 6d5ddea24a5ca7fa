"""The consultant's page of a campaign's read-only report links: the list with visits,
the form that makes one, and revoking one (after a confirmation page). Who may open it:
`consultant_results_campaign`, as on every consultant page; the writes are in
reports/report_links.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from assessment.access import consultant_results_campaign
from assessment.models import Campaign
from reports import report_links
from reports.forms import ReportLinkForm
from reports.link_rules import DEFAULT_DAYS, MAX_DAYS
from reports.models import ReportLink


def _page(
    request: HttpRequest,
    campaign: Campaign,
    form: ReportLinkForm,
    *,
    new_link: report_links.NewLink | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "campaign": campaign,
        "organisation": campaign.organisation,
        "form": form,
        "rows": report_links.campaign_links(campaign),
        "new_link": new_link,
        "new_url": (
            request.build_absolute_uri(reverse("shared:dashboard", args=[new_link.token]))
            if new_link
            else ""
        ),
        "default_days": DEFAULT_DAYS,
        "max_days": MAX_DAYS,
    }
    return render(request, "reports/links.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report_links_page(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the links and an empty form. POST: make a link and show its URL, this once
    (the answer to the POST itself, so the token is never stored, not even in a
    session); on bad input the form again with its errors, nothing stored."""
    campaign = consultant_results_campaign(request, slug)
    if request.method != "POST":
        return _page(request, campaign, ReportLinkForm())
    form = ReportLinkForm(request.POST)
    if not form.is_valid():
        return _page(request, campaign, form, status=400)
    new_link = report_links.create_report_link(
        campaign=campaign,
        label=form.cleaned_data["label"],
        expires_on=form.cleaned_data["expires_on"],
        shows_comments=form.cleaned_data["shows_comments"],
        allows_pdf=form.cleaned_data["allows_pdf"],
        created_by=request.user if request.user.is_authenticated else None,
    )
    return _page(request, campaign, ReportLinkForm(), new_link=new_link)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report_link_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: what revoking does, and the button; POST: revoke, back to the list."""
    campaign = consultant_results_campaign(request, slug)
    link = get_object_or_404(ReportLink, campaign=campaign, pk=pk)
    if request.method == "POST":
        by = request.user if request.user.is_authenticated else None
        if report_links.revoke_report_link(link=link, by=by):
            messages.success(
                request,
                _("The link “%(label)s” is revoked: it no longer opens anything.")
                % {"label": link.label},
            )
        else:
            messages.info(request, _("This link was revoked already."))
        return redirect(reverse("reports:report_links", args=[campaign.slug]) + "#links")
    context = {"campaign": campaign, "organisation": campaign.organisation, "link": link}
    return render(request, "reports/link_revoke.html", context)
