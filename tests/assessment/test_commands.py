"""The create_campaign and seed_demo management commands."""

from __future__ import annotations

import io
from statistics import mean

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count

from assessment import demo
from assessment.models import Answer, Campaign, Comment, Organisation, Response
from questionnaires.models import Questionnaire
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


# --------------------------------------------------------------------------- create_campaign


def create(**overrides) -> str:
    options = {
        "organisation": "Acme Zorg",
        "name": "Nulmeting",
        "slug": "acme-nulmeting",
        "questionnaire": "quick",
        "teams": "Sales, Support ,IT",
    }
    options.update(overrides)
    args = [f"--{key.replace('_', '-')}={value}" for key, value in options.items()]
    return run("create_campaign", *args)


def test_create_campaign_happy_path(banks, staff_user):
    output = create(threshold=4)

    campaign = Campaign.objects.get(slug="acme-nulmeting")
    assert campaign.organisation.name == "Acme Zorg"
    assert campaign.organisation.owner == staff_user  # no demo user: first superuser
    assert campaign.status == Campaign.OPEN and campaign.is_accepting_responses()
    assert campaign.anonymity_threshold == 4
    assert (
        campaign.questionnaire_version == Questionnaire.objects.get(code="quick").latest_version()
    )
    assert list(campaign.teams.values_list("name", flat=True)) == ["Sales", "Support", "IT"]
    assert f"http://127.0.0.1:8000/s/{campaign.token}/" in output
    for team in campaign.teams.all():
        assert f"{team.name}: http://127.0.0.1:8000/t/{team.token}/" in output


def test_create_campaign_reuses_organisation_and_prints_base_url(banks, consultant):
    organisation = OrganisationFactory(name="Acme Zorg", owner=consultant)
    output = create(base_url="https://scan.example.nl/", teams="")
    campaign = Campaign.objects.get()
    assert campaign.organisation == organisation
    assert Organisation.objects.count() == 1
    assert campaign.anonymity_threshold == 5
    assert f"https://scan.example.nl/s/{campaign.token}/" in output
    assert not campaign.teams.exists()


def test_create_campaign_default_owner_is_the_demo_consultant(banks, staff_user):
    demo_user = UserFactory(username=demo.DEMO_USERNAME)
    create()
    assert Campaign.objects.get().organisation.owner == demo_user


def test_create_campaign_with_explicit_owner(banks, consultant, staff_user):
    create(owner="consultant-a")
    assert Campaign.objects.get().organisation.owner == consultant


def test_create_campaign_unknown_questionnaire(banks, staff_user):
    with pytest.raises(CommandError, match="unknown code 'nope'.*available: .*quick"):
        create(questionnaire="nope")
    assert not Campaign.objects.exists() and not Organisation.objects.exists()


def test_create_campaign_duplicate_slug(banks, staff_user):
    CampaignFactory(slug="acme-nulmeting")
    with pytest.raises(CommandError, match="already exists"):
        create()
    assert Campaign.objects.count() == 1
    assert not Organisation.objects.filter(name="Acme Zorg").exists()


@pytest.mark.parametrize("threshold", [2, 0, -3])
def test_create_campaign_threshold_below_three(banks, staff_user, threshold):
    with pytest.raises(CommandError, match="at least 3"):
        create(threshold=threshold)
    assert not Campaign.objects.exists()


def test_create_campaign_invalid_slug(banks, staff_user):
    with pytest.raises(CommandError, match="--slug"):
        create(slug="not a slug!")


def test_create_campaign_duplicate_team(banks, staff_user):
    with pytest.raises(CommandError, match="appears twice"):
        create(teams="Sales,sales")
    assert not Campaign.objects.exists()


def test_create_campaign_unknown_owner(banks):
    with pytest.raises(CommandError, match="no user 'ghost'"):
        create(owner="ghost")


def test_create_campaign_without_any_owner(banks):
    with pytest.raises(CommandError, match="--owner"):
        create()


def test_create_campaign_help_documents_the_owner_rule():
    from assessment.management.commands.create_campaign import Command

    assert "first superuser" in Command.help and demo.DEMO_USERNAME in Command.help


# --------------------------------------------------------------------------- seed_demo


@pytest.fixture
def seeded(banks) -> str:
    return run("seed_demo")


def keyed_means_by_role(campaign: Campaign) -> dict[str, float]:
    values: dict[str, list[int]] = {}
    answers = Answer.objects.filter(
        response__campaign=campaign, response__status=Response.SUBMITTED, value__isnull=False
    ).values_list("response__role", "value", "item__reverse_keyed")
    for role, value, reverse in answers:
        values.setdefault(role, []).append(6 - value if reverse else value)
    return {role: mean(v) for role, v in values.items()}


def test_seed_demo_creates_two_rounds(seeded):
    organisation = Organisation.objects.get(name=demo.DEMO_ORGANISATION)
    current = organisation.campaigns.get(status=Campaign.OPEN)
    previous = organisation.campaigns.get(status=Campaign.CLOSED)
    full = Questionnaire.objects.get(code="full").latest_version()
    assert current.questionnaire_version == previous.questionnaire_version == full

    submitted = Response.objects.filter(status=Response.SUBMITTED)
    assert 35 <= submitted.filter(campaign=current).count() <= 45
    assert 25 <= submitted.filter(campaign=previous).count() <= 35
    assert list(current.teams.values_list("name", flat=True)) == [
        "Klantenservice",
        "Sales",
        "Operations",
    ]
    roles = dict(submitted.filter(campaign=current).values_list("role").annotate(n=Count("pk")))
    assert roles[Response.BOARD] <= 5 and 6 <= roles[Response.MANAGER] <= 10
    assert roles[Response.EMPLOYEE] > roles[Response.MANAGER] + roles[Response.BOARD]
    assert all(r.submitted_at for r in submitted)
    items = full.items.count()
    assert Answer.objects.filter(response__campaign=current, response__status="submitted").count()
    assert Answer.objects.filter(value__isnull=True).exists()  # some "don't know"
    assert Comment.objects.filter(response__campaign=current).count() >= 5
    per_response = Answer.objects.filter(response=submitted.filter(campaign=current).first())
    assert per_response.count() == items

    assert f"/s/{current.token}/" in seeded
    assert "demo / demo-consultant" in seeded and "admin / admin-demo" in seeded
    assert "http://127.0.0.1:8000/" in seeded


def test_seed_demo_users_can_log_in(seeded):
    users = get_user_model().objects
    consultant = users.get(username=demo.DEMO_USERNAME)
    admin = users.get(username=demo.ADMIN_USERNAME)
    assert consultant.check_password(demo.DEMO_PASSWORD) and not consultant.is_staff
    assert admin.check_password(demo.ADMIN_PASSWORD) and admin.is_staff and admin.is_superuser
    organisation = Organisation.objects.get(name=demo.DEMO_ORGANISATION)
    assert organisation in Organisation.objects.for_user(consultant)


def test_managers_rate_higher_than_employees(seeded):
    organisation = Organisation.objects.get(name=demo.DEMO_ORGANISATION)
    for campaign in organisation.campaigns.all():
        means = keyed_means_by_role(campaign)
        gap = means[Response.MANAGER] - means[Response.EMPLOYEE]
        assert 0.5 <= gap <= 1.0, (campaign.slug, means)


def test_previous_round_scores_lower(seeded):
    organisation = Organisation.objects.get(name=demo.DEMO_ORGANISATION)
    current = organisation.campaigns.get(status=Campaign.OPEN)
    previous = organisation.campaigns.get(status=Campaign.CLOSED)

    def overall(campaign):
        values = [
            6 - v if r else v
            for v, r in Answer.objects.filter(
                response__campaign=campaign, response__status="submitted", value__isnull=False
            ).values_list("value", "item__reverse_keyed")
        ]
        return mean(values)

    assert overall(previous) < overall(current) - 0.15


def test_teams_differ(seeded):
    current = Campaign.objects.get(slug=demo.CURRENT_SLUG)
    means = {}
    for team in current.teams.all():
        values = [
            6 - v if r else v
            for v, r in Answer.objects.filter(
                response__team=team, response__status="submitted", value__isnull=False
            ).values_list("value", "item__reverse_keyed")
        ]
        means[team.name] = mean(values)
    assert means["Klantenservice"] > means["Sales"] > means["Operations"]
    assert means["Klantenservice"] - means["Operations"] > 0.4


def test_seed_demo_is_idempotent(seeded):
    counts = (Organisation.objects.count(), Campaign.objects.count(), Response.objects.count())
    output = run("seed_demo")
    assert (
        Organisation.objects.count(),
        Campaign.objects.count(),
        Response.objects.count(),
    ) == counts
    assert "already exists" in output
    current = Campaign.objects.get(slug=demo.CURRENT_SLUG)
    assert f"/s/{current.token}/" in output


def test_seed_demo_is_deterministic(banks):
    def answers() -> list[tuple]:
        rows = Answer.objects.filter(response__campaign__slug=demo.CURRENT_SLUG).values_list(
            "response__team__name", "response__role", "item__code", "value"
        )
        return sorted(rows, key=lambda row: tuple(str(v) for v in row))

    run("seed_demo")
    first = answers()
    Organisation.objects.filter(name=demo.DEMO_ORGANISATION).delete()
    run("seed_demo")
    assert answers() == first
