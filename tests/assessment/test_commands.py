"""The create_campaign, seed_demo and import_responses management commands."""

from __future__ import annotations

import io
from statistics import mean

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import translation

from assessment import demo
from assessment.models import Answer, Campaign, Comment, Organisation, Response
from questionnaires.models import Questionnaire
from tests.builders import ITEMS, make_questionnaire
from tests.factories import CampaignFactory, OrganisationFactory, TeamFactory, UserFactory

ITEM_CODES = list(ITEMS)


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
    with pytest.raises(CommandError, match="acme-nulmeting.* is already in use"):
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
    # The message is translated; read it in English whatever ran before.
    with translation.override("en"), pytest.raises(CommandError, match="appears twice"):
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


def test_seed_demo_creates_three_rounds(seeded):
    current = Campaign.objects.get(slug=demo.CURRENT_SLUG)
    previous = Campaign.objects.get(slug=demo.PREVIOUS_SLUG)
    live = Campaign.objects.get(slug=demo.LIVE_SLUG)
    full = Questionnaire.objects.get(code="full").latest_version()
    assert current.questionnaire_version == live.questionnaire_version == full
    # Last year's round was answered on the first bank edition (version 1).
    first = previous.questionnaire_version
    assert (first.number, first.bank_edition, full.number) == (1, "edition1", 2)
    # This year's round has closed (final results); the pulse round is still open.
    assert current.fieldwork_ended() and previous.fieldwork_ended()
    assert live.is_accepting_responses()

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
    earlier = Answer.objects.filter(response=submitted.filter(campaign=previous).first())
    assert set(earlier.values_list("item_id", flat=True)) <= set(
        first.items.values_list("pk", flat=True)
    )

    assert 5 <= submitted.filter(campaign=live).count() < 10
    assert f"/s/{live.token}/" in seeded
    assert f"/campaigns/{current.slug}/dashboard/" in seeded
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
    # The two full rounds (the open pulse round has too few people for a stable mean).
    for campaign in Campaign.objects.filter(slug__in=(demo.CURRENT_SLUG, demo.PREVIOUS_SLUG)):
        means = keyed_means_by_role(campaign)
        gap = means[Response.MANAGER] - means[Response.EMPLOYEE]
        assert 0.5 <= gap <= 1.0, (campaign.slug, means)


def test_previous_round_scores_lower(seeded):
    current = Campaign.objects.get(slug=demo.CURRENT_SLUG)
    previous = Campaign.objects.get(slug=demo.PREVIOUS_SLUG)

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
    live = Campaign.objects.get(slug=demo.LIVE_SLUG)
    assert f"/s/{live.token}/" in output


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


# --------------------------------------------------------------------------- import_responses


@pytest.fixture
def version(banks):
    return make_questionnaire()


def test_import_responses_command(version, tmp_path):
    campaign = CampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    TeamFactory(campaign=campaign, name="North")
    good = tmp_path / "good.csv"
    good.write_text(
        "respondent,team,role," + ",".join(ITEM_CODES) + "\n"
        "a,North,manager,1,2,3,4,5,dk,\n"
        "b,,employee,3,3,3,3,3,3,3\n",
        encoding="utf-8",
    )
    out = run("import_responses", campaign.slug, str(good))
    assert "Imported 2 responses with 13 answers" in out
    assert Response.objects.filter(campaign=campaign, status=Response.SUBMITTED).count() == 2


def test_import_responses_command_lists_every_problem(version, tmp_path):
    campaign = CampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "respondent,team,role," + ",".join(ITEM_CODES) + "\n"
        "a,West,manager,1,2,3,4,5,dk,\n"
        "b,,boss,3,3,9,3,3,3,3\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 problems in bad.csv; nothing was imported"):
        call_command("import_responses", campaign.slug, str(bad), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert any("row 2, column team" in line and "West" in line for line in lines)
    assert any("row 3, column role" in line and "boss" in line for line in lines)
    assert any("row 3, column alpha.one.3" in line and "'9'" in line for line in lines)
    assert Response.objects.filter(campaign=campaign).count() == 0
    assert Answer.objects.filter(response__campaign=campaign).count() == 0


def test_import_responses_command_names_the_size_limit(version, tmp_path, settings):
    settings.RESPONSES_IMPORT_MAX_BYTES = 1024 * 1024
    campaign = CampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (2 * 1024 * 1024))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem in big.csv; nothing was imported"):
        call_command("import_responses", campaign.slug, str(big), stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == (
        "big.csv: the file is 2 MB; at most 1 MB can be imported at once "
        "(setting RESPONSES_IMPORT_MAX_BYTES): split it into smaller files\n"
    )


def test_import_responses_unknown_slug_or_file(db, tmp_path):
    with pytest.raises(CommandError, match="No campaign with the slug 'nope'"):
        run("import_responses", "nope", str(tmp_path / "x.csv"))
    campaign = CampaignFactory()
    with pytest.raises(CommandError, match="Cannot read .*x.csv: No such file"):
        run("import_responses", campaign.slug, str(tmp_path / "x.csv"))
