"""`manage.py export_slides SLUG -o FILE.pptx [--lang nl|en] [--team NAME]`: the workshop
as an editable PowerPoint."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from reports.management import CampaignCommand, write_file
from reports.pdf import ReportUnavailable, report_input
from reports.profile import GroupTooSmall, UnknownGroup
from reports.slides import build_slides


class Command(CampaignCommand):
    help = (
        "Write a campaign's workshop slides as an editable PowerPoint (native charts, the "
        "speaker's notes). --lang chooses Dutch or English (default: the campaign's "
        "language); --team makes the slides of one team, which is refused for a team with "
        "fewer responses than the anonymity threshold."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("-o", "--output", metavar="FILE.pptx", required=True)
        parser.add_argument("--lang", choices=[code for code, _ in settings.LANGUAGES])
        parser.add_argument("--team", metavar="NAME", help="The slides of this team.")

    def handle(self, *args, **options) -> None:
        campaign = self.campaign(options)
        language = options["lang"] or campaign.language
        started = time.perf_counter()
        try:
            # The same refusals as the PDF report: a hidden or unknown team, a campaign
            # below k (or waiting for its close).
            profile = report_input(campaign, language, team=options["team"]).profile
        except (GroupTooSmall, UnknownGroup, ReportUnavailable) as error:
            raise CommandError(str(error)) from error
        slides = build_slides(profile)
        path = Path(options["output"])
        write_file(path, slides)
        seconds = time.perf_counter() - started
        self.stderr.write(
            f"Slides of {campaign.slug} ({language}"
            + (f", team {options['team']}" if options["team"] else "")
            + f") written to {path}: {len(slides) // 1024} KB in {seconds:.1f} s"
        )
