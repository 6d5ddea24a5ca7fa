"""`manage.py export_responses SLUG --format csv|xlsx -o FILE [--full] [--user USERNAME]`."""

from __future__ import annotations

import getpass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from reports.management import CampaignCommand, write_file
from reports.responses_export import CSV, XLSX, export_responses

OS_USER_SUFFIX = " (OS user)"


def os_user() -> str:
    """Who runs the command, as the operating system knows them."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no entry in the password database
        return "unknown"


class Command(CampaignCommand):
    help = (
        "Export a campaign's submitted responses, one row per respondent, without test "
        "responses. The file holds every answer of every respondent: keep it as safe as "
        "the database. By default the team and role of groups below the anonymity "
        "threshold read 'hidden', comments of hidden teams are left out and the rows are "
        "shuffled and numbered 1..n; --full keeps everything (real respondent ids, stable "
        "order), for a backup or a move to another database, and import_responses reads "
        "it back. Every export is written to the audit log: under the account given with "
        "--user, or else under the operating-system login name followed by "
        f"'{OS_USER_SUFFIX.strip()}'."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--format", choices=[CSV, XLSX], default=CSV, help="File format (csv).")
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help="Output file.")
        parser.add_argument(
            "--full",
            action="store_true",
            help="Everything as stored, for a backup or a move to another database.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="The account the audit log names (default: the operating-system user).",
        )

    def handle(self, *args, **options) -> None:
        campaign = self.campaign(options)
        shell_user = os_user()
        user, username = None, shell_user + OS_USER_SUFFIX
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"There is no user {options['user']!r}.")
            username = user.get_username()
        export = export_responses(
            campaign=campaign,
            file_format=options["format"],
            full=options["full"],
            user=user,
            username=username,
            via="command",
            extra={"os_user": shell_user},
        )
        path = Path(options["output"])
        write_file(path, export.content)
        form = "full" if options["full"] else "default"
        self.stdout.write(
            f"{export.rows} responses of {campaign.slug} ({form} form) written to {path}; "
            f"recorded in the audit log as {username}."
        )
