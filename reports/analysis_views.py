"""The item-analysis page: is each dimension measured reliably in this campaign?"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from assessment.models import Campaign
from reports.profile import ALPHA_WEAK, ITEM_TOTAL_WEAK, build_item_analysis


def _visible_campaigns(request: HttpRequest):
    if request.user.is_staff:
        return Campaign.objects.all()
    return Campaign.objects.for_user(request.user)


@login_required
def item_analysis(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(
        _visible_campaigns(request).select_related(
            "organisation", "questionnaire_version__questionnaire"
        ),
        slug=slug,
    )
    context = {
        "campaign": campaign,
        "organisation": campaign.organisation,
        "report": build_item_analysis(campaign),
        "alpha_weak": ALPHA_WEAK,
        "item_total_weak": ITEM_TOTAL_WEAK,
    }
    return render(request, "reports/item_analysis.html", context)
