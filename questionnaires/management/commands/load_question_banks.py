from django.core.management.base import BaseCommand, CommandError

from questionnaires.loader import BankError, load_question_banks


class Command(BaseCommand):
    help = "Load or update the shipped question banks (idempotent; frozen versions untouched)."

    def handle(self, *args, **options) -> None:
        try:
            report = load_question_banks()
        except BankError as error:
            raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if report.changed:
            self.stdout.write(self.style.SUCCESS("Question banks loaded."))
        else:
            self.stdout.write(self.style.SUCCESS("Question banks are up to date: no changes."))
