"""Management commands of the reports app (exports and imports)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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


class CampaignCommand(BaseCommand):
    """A command about one campaign, named by its slug (the first argument)."""

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The campaign's slug.")

    def campaign(self, options: dict) -> Campaign:
        return campaign_by_slug(options["slug"])


def write_file(path: Path, content: bytes | str) -> None:
    """Write an export to `path`, or raise a CommandError that says why it cannot."""
    try:
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror}") from error
