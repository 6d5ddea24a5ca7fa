"""`manage.py send_action_reminders`: the e-mail a week before an action is due.

Run daily by a scheduler (the cron line is in docs/deploy.md). Idempotent: an action is
reminded once per due date, however often the command runs.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.action_services import send_action_reminders


class Command(BaseCommand):
    help = (
        "E-mail each consultant who asked for it a reminder of the actions due within a "
        "week. Running it twice sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="Where the app runs, for the link in the mail (default: the SITE_URL setting).",
        )
        parser.add_argument(
            "--today", type=date.fromisoformat, help="The day to remind for (YYYY-MM-DD)."
        )

    def handle(self, *args, base_url: str, today: date | None, **options) -> None:
        run = send_action_reminders(today=today or timezone.localdate(), base_url=base_url)
        self.stdout.write(f"Reminders sent: {run.sent}")
        if run.failed:
            raise CommandError(
                f"{run.failed} reminder(s) could not be sent; the next run tries them again."
            )
