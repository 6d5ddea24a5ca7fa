"""`manage.py seed_demo`: the demo installation. It lives in the reports app because it
fills both the fieldwork (`assessment.demo`) and what the reports app keeps beside it,
last year's action plan and the business results (`reports.demo`); only the reports
app may know both."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assessment import campaigns as rules
from assessment import demo
from assessment.demo_customers import add_demo_customers
from questionnaires.models import Questionnaire
from reports.demo import add_demo_actions, add_demo_results

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Create demo data: the consultant 'demo' (password 'demo-consultant'), the staff "
        "superuser 'admin' (password 'admin-demo') for the question-bank admin, the "
        f"organisation '{demo.DEMO_ORGANISATION}' with three rounds on the full scan and "
        "three teams: last year's (about 30 submitted responses), this year's, closed "
        "yesterday (about 40, final results) with a customer mirror (30 customers in two "
        "segments), and an open pulse round (7 so far) whose links can be tried. Last "
        "year's round has an action plan of three actions, so this year's dashboard shows "
        "their follow-up; both closed rounds have business results. "
        "Idempotent: if the demo organisation exists, it only prints the logins and links. "
        "Existing users keep their passwords. Run load_question_banks first. Refused in "
        "production (DJANGO_ENV=production)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=DEFAULT_BASE_URL,
            help=f"Where the app runs, for the printed links (default {DEFAULT_BASE_URL}).",
        )

    def handle(self, *args, base_url: str, **options) -> None:
        try:
            demo.check_not_production()
        except demo.RefusedInProduction as error:
            raise CommandError(str(error)) from error
        if not Questionnaire.objects.internal().filter(code=demo.QUESTIONNAIRE).exists():
            raise CommandError(
                "The question banks are not loaded: run `python manage.py load_question_banks` "
                "first."
            )
        with transaction.atomic():
            result = demo.create_demo()
            if result.created and result.current is not None:
                add_demo_customers(result.current, now=timezone.now())
            if result.created and result.previous is not None:
                add_demo_actions(result.previous, result.organisation.owner)
                if result.current is not None:
                    add_demo_results(result.previous, result.current, result.organisation.owner)
        base_url = base_url.rstrip("/")
        out = self.stdout
        if result.created:
            out.write(self.style.SUCCESS(f"Demo data created for {result.organisation.name}."))
            self._write_rounds(result)
        else:
            out.write(
                self.style.WARNING(
                    f"Demo data already exists ({result.organisation.name}); nothing changed."
                )
            )
        out.write("")
        out.write(f"Open {base_url}/")
        for username, password, what in (
            (demo.DEMO_USERNAME, demo.DEMO_PASSWORD, "consultant"),
            (demo.ADMIN_USERNAME, demo.ADMIN_PASSWORD, "admin (question banks)"),
        ):
            note = "" if result.users.get(username) else "  (existing user: password unchanged)"
            out.write(f"  {what:<24} login: {username} / {password}{note}")
        out.write(f"  admin site: {base_url}/admin/")
        if result.current is not None:
            out.write("")
            out.write(f"Final results ({result.current.name}):")
            out.write(f"  {base_url}{reverse('reports:dashboard', args=[result.current.slug])}")
        if result.live is not None:
            out.write("")
            out.write(f"Respondent link ({result.live.name}, open):")
            out.write(f"  {rules.absolute(base_url, rules.shared_path(result.live))}")
            for name, link in demo.team_links(result.live, base_url):
                out.write(f"  {name}: {link}")

    def _write_rounds(self, result: demo.DemoResult) -> None:
        for campaign in (result.previous, result.current, result.live):
            if campaign is None:
                continue
            submitted = campaign.responses.counted().count()
            self.stdout.write(
                f"  {campaign.name} ({campaign.get_status_display()}): "
                f"{submitted} submitted responses"
            )
        mirror = getattr(result.current, "customer_mirror", None)
        if mirror is not None:
            customers = mirror.responses.counted().count()
            self.stdout.write(f"  {mirror.name}: {customers} submitted customer responses")
