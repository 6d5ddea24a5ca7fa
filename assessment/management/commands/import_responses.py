"""`manage.py import_responses SLUG FILE.csv`: all or nothing, every problem reported."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.management import campaign_by_slug
from assessment.responses_import import InvalidResponsesFile, import_responses


class Command(BaseCommand):
    help = (
        "Import responses from a CSV file (UTF-8; columns respondent, team, role, one per "
        "item code with 1-5, dk or empty, and optionally comment) as submitted responses. "
        "The whole file is checked first; with any problem nothing is stored and the "
        "problems are listed with their row (header = row 1) and column. Files are limited "
        "to RESPONSES_IMPORT_MAX_ROWS responses (default 20000) and RESPONSES_IMPORT_MAX_BYTES "
        "bytes (default 20 MB); "
        "respondents can keep answering while a file is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The campaign's slug.")
        parser.add_argument("file", metavar="FILE.csv", help="The CSV file to import.")

    def handle(self, *args, **options) -> None:
        campaign = campaign_by_slug(options["slug"])
        path = Path(options["file"])
        try:
            with path.open("rb") as source:
                result = import_responses(campaign=campaign, source=source)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
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
