"""Management commands of the reports app (exports and imports)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.management import campaign_by_slug
from assessment.models import Campaign


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
