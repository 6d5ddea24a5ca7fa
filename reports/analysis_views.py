"""The item-analysis page: is each dimension measured reliably in this campaign?

Behind the dashboard's access rule: only consultants who own or share the organisation;
any other campaign, also for staff, is a 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessment.access import consultant_results_campaign
from reports.reliability import ALPHA_WEAK, ITEM_TOTAL_WEAK, build_item_analysis


@login_required
def item_analysis(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = consultant_results_campaign(request, slug)
    context = {
        "campaign": campaign,
        "organisation": campaign.organisation,
        "report": build_item_analysis(campaign),
        "alpha_weak": ALPHA_WEAK,
        "item_total_weak": ITEM_TOTAL_WEAK,
    }
    return render(request, "reports/item_analysis.html", context)
