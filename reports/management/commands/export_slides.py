"""`manage.py export_slides SLUG -o FILE.pptx [--lang nl|en] [--team NAME]`: the workshop
as an editable PowerPoint."""

from __future__ import annotations

from reports.management import ReportFileCommand
from reports.pdf import ReportInput
from reports.slides import build_slides


class Command(ReportFileCommand):
    help = (
        "Write a campaign's workshop slides as an editable PowerPoint (native charts, the "
        "speaker's notes). --lang chooses Dutch or English (default: the campaign's "
        "language); --team makes the slides of one team, which is refused for a team with "
        "fewer responses than the anonymity threshold."
    )
    suffix, what, team_help = ".pptx", "Slides", "The slides of this team."

    def make(self, report: ReportInput, options: dict) -> bytes:
        return build_slides(report.profile, report.actions)
