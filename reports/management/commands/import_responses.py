"""`manage.py import_responses SLUG FILE.csv`: all or nothing, every problem reported."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.management import campaign_by_slug
from reports.responses_io import InvalidResponsesFile, import_responses


class Command(BaseCommand):
    help = (
        "Import responses from a CSV file (UTF-8; columns respondent, team, role, one per "
        "item code with 1-5, dk or empty, and optionally comment) as submitted responses. "
        "The whole file is checked first; with any problem nothing is stored and every "
        "problem is listed with its row (header = row 1) and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The campaign's slug.")
        parser.add_argument("file", metavar="FILE.csv", help="The CSV file to import.")

    def handle(self, *args, **options) -> None:
        campaign = campaign_by_slug(options["slug"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        try:
            result = import_responses(campaign, data)
        except InvalidResponsesFile as invalid:
            for problem in invalid.errors:
                self.stderr.write(f"{path.name}: {problem}")
            count = len(invalid.errors)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} in {path.name}; nothing was imported."
            ) from invalid
        self.stdout.write(
            f"Imported {result.responses} responses with {result.answers} answers "
            f"into {campaign.slug}."
        )
