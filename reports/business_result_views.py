"""The consultant's page of a campaign's business results: the figures entered so far,
the form that enters or replaces one, and removing one. Who may open it:
`consultant_results_campaign`, as on every consultant page; the writes are in
reports/business_result_services.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from assessment.access import consultant_results_campaign
from assessment.models import Campaign
from reports import business_results
from reports.business_result_forms import BusinessResultForm
from reports.business_result_services import ResultRefused, remove_result, results_of, set_result
from reports.models import BusinessResult


def _page(
    request: HttpRequest, campaign: Campaign, form: BusinessResultForm, *, status: int = 200
) -> HttpResponse:
    results = results_of(campaign)
    context = {
        "campaign": campaign,
        "organisation": campaign.organisation,
        "form": form,
        "rows": [
            {
                "result": r,
                "metric": business_results.BY_CODE[r.metric],
                "shown": business_results.shown(business_results.BY_CODE[r.metric], r.value),
            }
            for r in results
            if r.metric in business_results.BY_CODE
        ],
    }
    return render(request, "reports/business_results.html", context, status=status)


def _initial(campaign: Campaign, metric: str) -> dict:
    """The form filled in with the figure the consultant chose to change, or with the
    period of the figures entered so far (they mostly share one)."""
    results = results_of(campaign)
    chosen = next((r for r in results if r.metric == metric), None)
    if chosen is not None:
        return {
            "metric": chosen.metric,
            "value": format(chosen.value.normalize(), "f"),  # 1250.00 -> 1250, 12.50 -> 12.5
            "period_start": chosen.period_start,
            "period_end": chosen.period_end,
            "source": chosen.source,
        }
    if results:
        return {"period_start": results[-1].period_start, "period_end": results[-1].period_end}
    return {"metric": metric} if metric in business_results.BY_CODE else {}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def business_results_page(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the figures and the form (`?metric=` fills it with that figure to change).
    POST: store the figure, replacing the one it had; on bad input the form again with
    its errors, nothing stored."""
    campaign = consultant_results_campaign(request, slug)
    if request.method != "POST":
        form = BusinessResultForm(initial=_initial(campaign, request.GET.get("metric", "")))
        return _page(request, campaign, form)
    form = BusinessResultForm(request.POST)
    if not form.is_valid():
        return _page(request, campaign, form, status=400)
    try:
        result = set_result(
            campaign=campaign,
            entered_by=request.user if request.user.is_authenticated else None,
            **form.cleaned_data,
        )
    except ResultRefused as refused:
        form.show_refusal(refused.problems)
        return _page(request, campaign, form, status=400)
    messages.success(
        request,
        _("Saved: %(figure)s.") % {"figure": business_results.BY_CODE[result.metric].name},
    )
    return redirect(reverse("reports:business_results", args=[campaign.slug]) + "#figures")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def business_result_remove(request: HttpRequest, slug: str, metric: str) -> HttpResponse:
    """Asks first (GET), then removes the campaign's figure for `metric` (POST)."""
    campaign = consultant_results_campaign(request, slug)
    back = reverse("reports:business_results", args=[campaign.slug]) + "#figures"
    if request.method != "POST":
        found = business_results.BY_CODE.get(metric)
        result = get_object_or_404(BusinessResult, campaign=campaign, metric=metric)
        if found is None:
            raise Http404("unknown figure")
        context = {
            "campaign": campaign,
            "organisation": campaign.organisation,
            "metric": found,
            "shown": business_results.shown(found, result.value),
            "result": result,
            "back_url": back,
        }
        return render(request, "reports/business_result_remove.html", context)
    remove_result(campaign=campaign, metric=metric)
    if metric in business_results.BY_CODE:
        messages.success(
            request,
            _("Removed: %(figure)s.") % {"figure": business_results.BY_CODE[metric].name},
        )
    return redirect(reverse("reports:business_results", args=[campaign.slug]) + "#figures")
