"""Management commands of the reports app (exports and imports)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessment.management import campaign_by_slug
from assessment.models import Campaign
from reports.profile import GroupTooSmall, UnknownGroup

if TYPE_CHECKING:
    from reports.pdf import ReportInput


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


class ReportFileCommand(CampaignCommand):
    """Writes one of the campaign's reports (the PDF, the slides) to `-o FILE`, for the
    whole campaign or one team, with the refusals of the report: a hidden or unknown team,
    a campaign below k (or waiting for its close)."""

    suffix = ""  # the file's extension, for the help: ".pdf"
    what = ""  # how the written file is named in the closing line: "Report"
    team_help = ""

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("-o", "--output", metavar=f"FILE{self.suffix}", required=True)
        parser.add_argument("--lang", choices=[code for code, _ in settings.LANGUAGES])
        parser.add_argument("--team", metavar="NAME", help=self.team_help)

    def handle(self, *args, **options) -> None:
        from reports.pdf import ReportUnavailable, report_input  # loads the PDF's renderer

        campaign = self.campaign(options)
        language = options["lang"] or campaign.language
        started = time.perf_counter()
        try:
            report = report_input(campaign, language, team=options["team"])
        except (GroupTooSmall, UnknownGroup, ReportUnavailable) as error:
            raise CommandError(str(error)) from error
        content = self.make(report, options)
        path = Path(options["output"])
        write_file(path, content)
        seconds = time.perf_counter() - started
        self.stderr.write(
            f"{self.what} of {campaign.slug} ({language}"
            + (f", team {options['team']}" if options["team"] else "")
            + f") written to {path}: {len(content) // 1024} KB in {seconds:.1f} s"
        )

    def make(self, report: ReportInput, options: dict) -> bytes:
        raise NotImplementedError
