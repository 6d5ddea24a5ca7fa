"""`manage.py export_responses SLUG --format csv|xlsx -o FILE`: the submitted responses."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.management import campaign_by_slug
from reports.responses_io import export_responses_csv, export_responses_xlsx


class Command(BaseCommand):
    help = (
        "Export a campaign's submitted responses, one row per respondent (the shape "
        "import_responses reads). Team and role stay empty for groups below the anonymity "
        "threshold."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The campaign's slug.")
        parser.add_argument(
            "--format", choices=["csv", "xlsx"], default="csv", help="File format (csv)."
        )
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help="Output file.")

    def handle(self, *args, **options) -> None:
        campaign = campaign_by_slug(options["slug"])
        path = Path(options["output"])
        if options["format"] == "xlsx":
            data = export_responses_xlsx(campaign)
        else:
            # With a byte-order mark, so spreadsheet programs read the text as UTF-8.
            data = export_responses_csv(campaign).encode("utf-8-sig")
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}") from error
        self.stdout.write(f"Responses of {campaign.slug} written to {path}")
