"""Shared by the management commands of the fieldwork and the reports."""

from __future__ import annotations

from django.core.management.base import CommandError

from assessment.models import Campaign


def campaign_by_slug(slug: str) -> Campaign:
    """The campaign with this slug, or a CommandError that says there is none. Never a
    customer mirror: its answers are exported and reported as part of the campaign it
    mirrors, and are not imported from a file."""
    campaign = (
        Campaign.objects.select_related(
            "organisation", "questionnaire_version__questionnaire", "mirror_of"
        )
        .filter(slug=slug)
        .first()
    )
    if campaign is None:
        known = list(Campaign.objects.order_by("slug").values_list("slug", flat=True)[:20])
        hint = f" Known campaigns: {', '.join(known)}." if known else " There are no campaigns."
        raise CommandError(f"No campaign with the slug {slug!r}.{hint}")
    if campaign.mirror_of is not None:
        raise CommandError(
            f"{slug!r} is the customer mirror of {campaign.mirror_of.slug!r}: its results "
            f"and answers are part of that campaign's (use {campaign.mirror_of.slug!r})."
        )
    return campaign
