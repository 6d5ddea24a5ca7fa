"""Shared by the management commands of the fieldwork and the reports."""

from __future__ import annotations

from django.core.management.base import CommandError

from assessment.models import Campaign


def campaign_by_slug(slug: str) -> Campaign:
    """The campaign with this slug, or a CommandError that says there is none."""
    campaign = (
        Campaign.objects.select_related("organisation", "questionnaire_version__questionnaire")
        .filter(slug=slug)
        .first()
    )
    if campaign is None:
        known = list(Campaign.objects.order_by("slug").values_list("slug", flat=True)[:20])
        hint = f" Known campaigns: {', '.join(known)}." if known else " There are no campaigns."
        raise CommandError(f"No campaign with the slug {slug!r}.{hint}")
    return campaign
