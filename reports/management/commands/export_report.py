"""`manage.py export_report SLUG -o FILE.pdf [--lang nl|en] [--team NAME]`: the PDF report."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from reports.management import CampaignCommand, write_file
from reports.pdf import ReportUnavailable, render_pdf, report_input
from reports.profile import GroupTooSmall, UnknownGroup


class Command(CampaignCommand):
    help = (
        "Write a campaign's workshop report as PDF. --lang chooses Dutch or English (default: "
        "the campaign's language); --team makes the report of one team, which is refused "
        "for a team with fewer responses than the anonymity threshold."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("-o", "--output", metavar="FILE.pdf", required=True)
        parser.add_argument("--lang", choices=[code for code, _ in settings.LANGUAGES])
        parser.add_argument("--team", metavar="NAME", help="A team report for this team.")

    def handle(self, *args, **options) -> None:
        campaign = self.campaign(options)
        language = options["lang"] or campaign.language
        started = time.perf_counter()
        try:
            report = report_input(campaign, language, team=options["team"])
        except (GroupTooSmall, UnknownGroup, ReportUnavailable) as error:
            raise CommandError(str(error)) from error

        def progress(done: int, steps: int, message: str) -> None:
            if options["verbosity"] >= 2:
                self.stderr.write(f"  {done}/{steps} {message}")

        pdf = render_pdf(report, progress=progress)
        path = Path(options["output"])
        write_file(path, pdf)
        seconds = time.perf_counter() - started
        self.stderr.write(
            f"Report of {campaign.slug} ({language}"
            + (f", team {options['team']}" if options["team"] else "")
            + f") written to {path}: {len(pdf) // 1024} KB in {seconds:.1f} s"
        )
