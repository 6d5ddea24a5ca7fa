"""Who may open which consultant page: one rule for every view of both apps.

A consultant sees the organisations they own or that were shared with them, and their
campaigns; anything else is a 404, the same as for a campaign that does not exist, so a
stranger learns nothing. Staff have no override here: the Django admin is where staff
work, and results stay with the consultants of the organisation.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import Campaign, Organisation


def consultant_organisation(request: HttpRequest, pk: int) -> Organisation:
    return get_object_or_404(
        Organisation.objects.for_user(request.user).select_related("owner"), pk=pk
    )


def consultant_campaign(request: HttpRequest, slug: str, *also: str) -> Campaign:
    """The consultant's campaign of `slug`, read with its organisation, questionnaire and
    the relations named in `also`."""
    return get_object_or_404(
        Campaign.objects.for_user(request.user).select_related(
            "organisation__owner", "questionnaire_version__questionnaire", *also
        ),
        slug=slug,
    )


def consultant_results_campaign(request: HttpRequest, slug: str) -> Campaign:
    """A campaign whose results a consultant page shows: never a customer mirror, whose
    results are shown only beside those of the campaign it mirrors (read along here)."""
    campaign = consultant_campaign(request, slug, "customer_mirror__questionnaire_version")
    if campaign.is_customer_mirror:
        raise Http404("a customer mirror's results are on its campaign's pages")
    return campaign
