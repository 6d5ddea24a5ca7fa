from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import translation

from assessment import campaigns as rules
from assessment import teams as team_rules
from assessment.anonymity import DEFAULT_ANONYMITY_THRESHOLD, MINIMUM_ANONYMITY_THRESHOLD
from assessment.demo import DEMO_USERNAME
from assessment.models import Campaign, Organisation
from assessment.text import clean_name
from questionnaires.models import Questionnaire

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Create an open campaign with its teams, creating the organisation if it does not "
        "exist, and print the respondent links. The campaign uses the latest version of the "
        "questionnaire. A new organisation is owned by --owner; without --owner, by the demo "
        f"consultant '{DEMO_USERNAME}' if that user exists, otherwise by the first superuser "
        "(lowest id). An existing organisation (matched by its exact name, among the owner's "
        "organisations when --owner is given) keeps its owner."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="Organisation name.")
        parser.add_argument("--name", required=True, help="Campaign name.")
        parser.add_argument("--slug", required=True, help="Unique short name, e.g. acme-2025.")
        parser.add_argument(
            "--questionnaire", required=True, help="Questionnaire code, e.g. full or quick."
        )
        parser.add_argument(
            "--teams", default="", help='Comma-separated team names, e.g. "Sales,Support,IT".'
        )
        parser.add_argument(
            "--threshold",
            type=int,
            default=DEFAULT_ANONYMITY_THRESHOLD,
            help=(
                f"Anonymity threshold k, at least {MINIMUM_ANONYMITY_THRESHOLD} "
                f"(default {DEFAULT_ANONYMITY_THRESHOLD})."
            ),
        )
        parser.add_argument(
            "--language", choices=["nl", "en"], default="nl", help="Default language (nl)."
        )
        parser.add_argument(
            "--owner", help="Username of the consultant who owns a new organisation."
        )
        parser.add_argument(
            "--base-url",
            default=DEFAULT_BASE_URL,
            help=f"Where the app runs, for the printed links (default {DEFAULT_BASE_URL}).",
        )

    def handle(self, *args, **options) -> None:
        # The command line speaks English, as its options do, whatever the site's language.
        with translation.override("en"):
            self.create(options)

    def create(self, options) -> None:
        try:
            validate_slug(options["slug"])
        except ValidationError as error:
            raise CommandError(f"--slug: {messages_of(error)}") from error
        internal = Questionnaire.objects.internal()
        questionnaire = internal.filter(code=options["questionnaire"]).first()
        if questionnaire is None:
            codes = ", ".join(internal.values_list("code", flat=True)) or "none loaded"
            raise CommandError(
                f"--questionnaire: unknown code '{options['questionnaire']}' (available: {codes})."
            )
        try:
            teams = team_rules.parse_team_list(options["teams"])
        except ValidationError as error:
            raise CommandError(f"--teams: {messages_of(error)}") from error

        owner = self.owner(options.get("owner"))
        try:
            # One transaction: a refused campaign leaves no new organisation behind.
            with transaction.atomic():
                organisation, org_created = self.organisation(options["organisation"], owner)
                campaign = rules.create_campaign(
                    organisation=organisation,
                    name=options["name"],
                    slug=options["slug"],
                    questionnaire=questionnaire,
                    teams=teams,
                    anonymity_threshold=options["threshold"],
                    language=options["language"],
                    status=Campaign.OPEN,
                    created_by=owner,
                )
        except ValidationError as error:
            raise CommandError(messages_of(error)) from error

        base_url = options["base_url"].rstrip("/")
        verb = "Created organisation" if org_created else "Using organisation"
        self.stdout.write(f"{verb} '{organisation.name}' (owner: {organisation.owner}).")
        self.stdout.write(
            self.style.SUCCESS(
                f"Created open campaign '{campaign.name}' ({campaign.slug}) on "
                f"{campaign.questionnaire_version}, anonymity threshold "
                f"{campaign.anonymity_threshold}."
            )
        )
        self.stdout.write("Respondent link:")
        self.stdout.write(f"  {rules.absolute(base_url, rules.shared_path(campaign))}")
        team_list = list(campaign.teams.all())
        if team_list:
            self.stdout.write("Team links:")
            for team in team_list:
                self.stdout.write(
                    f"  {team.name}: {rules.absolute(base_url, rules.team_path(team))}"
                )

    def owner(self, username: str | None):
        users = get_user_model().objects
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"--owner: there is no user '{username}'.")
            return user
        return (
            users.filter(username=DEMO_USERNAME).first()
            or users.filter(is_superuser=True).order_by("pk").first()
        )

    def organisation(self, name: str, owner) -> tuple[Organisation, bool]:
        name = clean_name(name)
        if not name:
            raise CommandError("--organisation: the name cannot be empty.")
        candidates = Organisation.objects.filter(name=name)
        if owner is not None and candidates.count() > 1:
            candidates = candidates.filter(pk__in=Organisation.objects.for_user(owner))
        found = list(candidates.order_by("pk")[:2])
        if len(found) > 1:
            raise CommandError(
                f"--organisation: several organisations are called '{name}'; "
                "pass --owner to choose."
            )
        if found:
            return found[0], False
        if owner is None:
            raise CommandError(
                "No owner for the new organisation: pass --owner USERNAME, "
                "or create a superuser first (python manage.py createsuperuser)."
            )
        try:
            return rules.create_organisation(name=name, owner=owner), True
        except ValidationError as error:
            raise CommandError(f"--organisation: {messages_of(error)}") from error
