"""`manage.py export_report SLUG -o FILE.pdf [--lang nl|en] [--team NAME]`: the PDF report."""

from __future__ import annotations

from reports.management import ReportFileCommand
from reports.pdf import ReportInput, render_pdf


class Command(ReportFileCommand):
    help = (
        "Write a campaign's workshop report as PDF. --lang chooses Dutch or English (default: "
        "the campaign's language); --team makes the report of one team, which is refused "
        "for a team with fewer responses than the anonymity threshold."
    )
    suffix, what, team_help = ".pdf", "Report", "A team report for this team."

    def make(self, report: ReportInput, options: dict) -> bytes:
        def progress(done: int, steps: int, message: str) -> None:
            if options["verbosity"] >= 2:
                self.stderr.write(f"  {done}/{steps} {message}")

        return render_pdf(report, progress=progress)
