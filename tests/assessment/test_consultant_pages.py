"""The consultant's pages through the Django test client: organisations and campaigns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from assessment import campaigns as rules
from assessment import teams as team_rules
from assessment.models import Campaign, Organisation, Team
from assessment.progress import campaign_progress
from questionnaires.models import Questionnaire
from questionnaires.versions import publish_version
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    ResponseFactory,
    TeamFactory,
    UserFactory,
)


@pytest.fixture
def organisation(consultant) -> Organisation:
    return OrganisationFactory(name="Acme Zorg", owner=consultant)


def campaign_data(**overrides) -> dict:
    data = {
        "name": "Nulmeting 2025",
        "slug": "",
        "questionnaire": str(Questionnaire.objects.get(code="quick").pk),
        "opens_on": "",
        "closes_on": "",
        "anonymity_threshold": "5",
        "language": "nl",
        "teams": "Klantenservice, 12\nSales\n",
    }
    data.update(overrides)
    return data


def text(response) -> str:
    return response.content.decode()


# --------------------------------------------------------------------------- organisations


def test_organisation_list_empty_state_invites_to_create(en_client):
    response = en_client.get(reverse("assessment:organisation_list"))
    assert response.status_code == 200
    assert "You have no organisations yet" in text(response)
    assert reverse("assessment:organisation_create") in text(response)


def test_organisation_list_shows_campaigns_with_status_and_submitted_count(
    en_client, organisation, banks
):
    campaign = CampaignFactory(organisation=organisation, name="Round one", status=Campaign.OPEN)
    ResponseFactory.create_batch(3, campaign=campaign)
    ResponseFactory(campaign=campaign, status="in_progress")
    OrganisationFactory(name="Empty BV", owner=organisation.owner)

    body = text(en_client.get(reverse("assessment:organisation_list")))

    assert "Acme Zorg" in body and "Round one" in body
    assert "Open" in body
    assert "3 submitted" in body
    assert "No campaigns yet." in body  # Empty BV
    assert reverse("assessment:campaign_create", args=[organisation.pk]) in body


def test_organisation_list_query_count_is_flat(
    en_client, consultant, banks, django_assert_max_num_queries
):
    for n in range(4):
        organisation = OrganisationFactory(owner=consultant)
        for m in range(3):
            campaign = CampaignFactory(organisation=organisation, slug=f"c-{n}-{m}")
            TeamFactory.create_batch(2, campaign=campaign)
            ResponseFactory.create_batch(2, campaign=campaign)
    with django_assert_max_num_queries(5):
        response = en_client.get(reverse("assessment:organisation_list"))
    assert response.status_code == 200
    assert text(response).count("2 submitted") == 12


def test_create_organisation(en_client, consultant):
    response = en_client.post(reverse("assessment:organisation_create"), {"name": "  Nieuw BV "})
    organisation = Organisation.objects.get()
    assert organisation.name == "Nieuw BV" and organisation.owner == consultant
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:organisation_detail", args=[organisation.pk])


def test_create_organisation_needs_a_name(en_client):
    response = en_client.post(reverse("assessment:organisation_create"), {"name": ""})
    assert response.status_code == 200
    assert not Organisation.objects.exists()


def test_organisation_page_lists_campaigns_and_empty_state(en_client, organisation, banks):
    url = reverse("assessment:organisation_detail", args=[organisation.pk])
    assert "No campaigns yet" in text(en_client.get(url))
    CampaignFactory(organisation=organisation, name="Vervolgmeting")
    assert "Vervolgmeting" in text(en_client.get(url))


def test_owner_shares_organisation_by_username(en_client, organisation, other_consultant):
    url = reverse("assessment:organisation_share", args=[organisation.pk])
    response = en_client.post(url, {"username": "consultant-b"})
    assert response.status_code == 302
    assert list(organisation.shared_with.all()) == [other_consultant]
    assert organisation in Organisation.objects.for_user(other_consultant)


def test_share_with_unknown_user_shows_error(en_client, organisation):
    url = reverse("assessment:organisation_share", args=[organisation.pk])
    response = en_client.post(url, {"username": "nobody"})
    assert response.status_code == 400
    assert "There is no consultant with the username" in text(response)
    assert not organisation.shared_with.exists()


def test_only_the_owner_can_share(client, organisation, other_consultant):
    organisation.shared_with.add(other_consultant)
    third = UserFactory(username="consultant-c")
    client.force_login(other_consultant)
    url = reverse("assessment:organisation_share", args=[organisation.pk])
    assert client.post(url, {"username": third.username}).status_code == 403
    assert list(organisation.shared_with.all()) == [other_consultant]


def test_owner_removes_access(en_client, organisation, other_consultant):
    organisation.shared_with.add(other_consultant)
    url = reverse("assessment:organisation_unshare", args=[organisation.pk, other_consultant.pk])
    assert en_client.post(url).status_code == 302
    assert not organisation.shared_with.exists()


# --------------------------------------------------------------------------- campaigns


def test_create_campaign_with_teams(en_client, organisation, consultant, banks):
    quick = Questionnaire.objects.get(code="quick")
    latest = quick.latest_version()
    url = reverse("assessment:campaign_create", args=[organisation.pk])
    assert en_client.get(url).status_code == 200

    response = en_client.post(url, campaign_data(opens_on="2025-03-01", closes_on="2025-03-14"))

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:campaign_detail", args=[campaign.slug])
    assert campaign.slug == "nulmeting-2025"
    assert campaign.organisation == organisation and campaign.created_by == consultant
    assert campaign.questionnaire_version == latest
    assert campaign.status == Campaign.DRAFT
    assert campaign.anonymity_threshold == 5
    assert [(t.name, t.expected_size) for t in campaign.teams.all()] == [
        ("Klantenservice", 12),
        ("Sales", None),
    ]
    opens = timezone.localtime(campaign.opens_at)
    closes = timezone.localtime(campaign.closes_at)
    assert (opens.date(), opens.time()) == (dt.date(2025, 3, 1), dt.time(0, 0))
    assert (closes.date(), closes.time()) == (dt.date(2025, 3, 15), dt.time(0, 0))


def test_campaign_uses_the_latest_questionnaire_version(en_client, organisation, banks):
    quick = Questionnaire.objects.get(code="quick")
    newer = quick.latest_version().create_next_version(note="test")
    publish_version(version=newer, user=None)  # a new version is a draft until published
    url = reverse("assessment:campaign_create", args=[organisation.pk])
    en_client.post(url, campaign_data())
    assert Campaign.objects.get().questionnaire_version == newer


def test_slug_is_suggested_and_kept_unique(en_client, organisation, banks):
    CampaignFactory(slug="nulmeting-2025")
    url = reverse("assessment:campaign_create", args=[organisation.pk])
    en_client.post(url, campaign_data())
    assert Campaign.objects.filter(organisation=organisation).get().slug == "nulmeting-2025-2"


def test_duplicate_slug_is_refused(en_client, organisation, banks):
    CampaignFactory(slug="taken")
    url = reverse("assessment:campaign_create", args=[organisation.pk])
    response = en_client.post(url, campaign_data(slug="taken"))
    assert response.status_code == 200
    assert "Another campaign already uses" in text(response)
    assert not Campaign.objects.filter(organisation=organisation).exists()


def test_a_size_typo_in_the_team_list_is_refused_and_nothing_stored(en_client, organisation, banks):
    url = reverse("assessment:campaign_create", args=[organisation.pk])
    teams = "Sales\nSales, twaalf\n"
    response = en_client.post(url, campaign_data(teams=teams))
    assert response.status_code == 200
    assert "Line 2: after the comma comes the team size as a number" in text(response)
    assert escape(teams.strip()) in text(response)  # what was typed stays in the form
    assert not Campaign.objects.filter(organisation=organisation).exists()
    assert not Team.objects.exists()


@pytest.mark.parametrize("threshold", ["2", "0", "-1"])
def test_threshold_below_three_is_refused_clearly(en_client, organisation, banks, threshold):
    url = reverse("assessment:campaign_create", args=[organisation.pk])
    response = en_client.post(url, campaign_data(anonymity_threshold=threshold))
    assert response.status_code == 200
    assert "The anonymity threshold must be at least 3" in text(response)
    assert not Campaign.objects.exists()


def test_team_lines_with_errors_are_named(en_client, organisation, banks):
    url = reverse("assessment:campaign_create", args=[organisation.pk])
    response = en_client.post(url, campaign_data(teams="Sales\nsales, 4\n, 3"))
    body = text(response)
    assert "Line 2: the team “sales” appears twice." in body
    assert "Line 3: the team name is missing." in body
    assert not Campaign.objects.exists()


def test_closing_day_before_opening_day_is_refused(en_client, organisation, banks):
    url = reverse("assessment:campaign_create", args=[organisation.pk])
    response = en_client.post(url, campaign_data(opens_on="2025-03-10", closes_on="2025-03-01"))
    assert "cannot be before the opening day" in text(response)


def test_edit_campaign_updates_fields_and_teams(en_client, organisation, banks):
    campaign = CampaignFactory(organisation=organisation, name="Old", slug="old")
    sales = TeamFactory(campaign=campaign, name="Sales", order=0)
    TeamFactory(campaign=campaign, name="Gone", order=1)
    url = reverse("assessment:campaign_edit", args=[campaign.slug])
    form = en_client.get(url)
    assert "Sales" in text(form) and "Gone" in text(form)

    response = en_client.post(
        url,
        campaign_data(
            name="New name",
            slug="old",
            questionnaire=str(campaign.questionnaire_version.questionnaire_id),
            teams="Support, 7\nSales, 10",
            anonymity_threshold="6",
            language="en",
        ),
    )

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.anonymity_threshold, campaign.language) == ("New name", 6, "en")
    teams = list(campaign.teams.all())
    assert [(t.name, t.expected_size, t.order) for t in teams] == [
        ("Support", 7, 0),
        ("Sales", 10, 1),
    ]
    assert teams[1].pk == sales.pk and teams[1].token == sales.token  # link unchanged


def test_edit_keeps_version_when_questionnaire_is_unchanged(en_client, organisation, banks):
    campaign = CampaignFactory(organisation=organisation)
    version = campaign.questionnaire_version
    version.create_next_version(note="newer")
    url = reverse("assessment:campaign_edit", args=[campaign.slug])
    en_client.post(
        url,
        campaign_data(
            slug=campaign.slug, questionnaire=str(version.questionnaire_id), name="Renamed"
        ),
    )
    campaign.refresh_from_db()
    assert campaign.name == "Renamed" and campaign.questionnaire_version == version


def test_questionnaire_can_change_before_any_response(en_client, organisation, banks):
    campaign = CampaignFactory(organisation=organisation)
    full = Questionnaire.objects.get(code="full")
    url = reverse("assessment:campaign_edit", args=[campaign.slug])
    en_client.post(url, campaign_data(slug=campaign.slug, questionnaire=str(full.pk)))
    campaign.refresh_from_db()
    assert campaign.questionnaire_version == full.latest_version()


def test_questionnaire_change_is_refused_once_responses_exist(en_client, organisation, banks):
    campaign = CampaignFactory(organisation=organisation, name="Keep")
    version = campaign.questionnaire_version
    ResponseFactory(campaign=campaign, status="in_progress")
    full = Questionnaire.objects.get(code="full")
    url = reverse("assessment:campaign_edit", args=[campaign.slug])

    response = en_client.post(
        url, campaign_data(slug=campaign.slug, questionnaire=str(full.pk), name="Changed")
    )

    assert response.status_code == 200
    assert "already has responses, so its questionnaire can no longer change" in text(response)
    campaign.refresh_from_db()
    assert campaign.questionnaire_version == version and campaign.name == "Keep"


def test_team_with_responses_cannot_be_removed(en_client, organisation, banks):
    campaign = CampaignFactory(organisation=organisation)
    team = TeamFactory(campaign=campaign, name="Busy")
    ResponseFactory(campaign=campaign, team=team)
    url = reverse("assessment:campaign_edit", args=[campaign.slug])
    response = en_client.post(
        url,
        campaign_data(
            slug=campaign.slug,
            questionnaire=str(campaign.questionnaire_version.questionnaire_id),
            teams="Other",
        ),
    )
    assert "These teams already have responses and cannot be removed: Busy." in text(response)
    assert list(campaign.teams.values_list("name", flat=True)) == ["Busy"]


def test_open_and_close(en_client, organisation, banks):
    campaign = CampaignFactory(organisation=organisation, status=Campaign.DRAFT)
    open_url = reverse("assessment:campaign_open", args=[campaign.slug])
    close_url = reverse("assessment:campaign_close", args=[campaign.slug])

    assert en_client.get(open_url).status_code == 405  # actions are POST only
    assert en_client.post(open_url).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.OPEN and campaign.is_accepting_responses()

    assert en_client.post(close_url).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.CLOSED and not campaign.is_accepting_responses()


def test_open_and_close_need_csrf(client, consultant, organisation, banks):
    from django.test import Client

    campaign = CampaignFactory(organisation=organisation, status=Campaign.DRAFT)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(consultant)
    assert strict.post(reverse("assessment:campaign_open", args=[campaign.slug])).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.DRAFT


def test_campaign_page_shows_live_counts_and_rates(en_client, organisation, banks):
    campaign = CampaignFactory(organisation=organisation, name="Live")
    service = TeamFactory(campaign=campaign, name="Service", expected_size=8, order=0)
    sales = TeamFactory(campaign=campaign, name="Sales", expected_size=4, order=1)
    ResponseFactory.create_batch(6, campaign=campaign, team=service)
    ResponseFactory(campaign=campaign, team=service, status="in_progress")
    ResponseFactory(campaign=campaign, team=sales)
    ResponseFactory.create_batch(2, campaign=campaign, team=sales, status="in_progress")
    ResponseFactory(campaign=campaign, team=None)

    response = en_client.get(reverse("assessment:campaign_detail", args=[campaign.slug]))
    body = text(response)

    progress = response.context["progress"]
    assert (progress.submitted, progress.in_progress) == (8, 3)
    rows = {row.name: row for row in progress.teams}
    assert (rows["Service"].submitted, rows["Service"].in_progress, rows["Service"].rate) == (
        6,
        1,
        75.0,
    )
    assert rows["Sales"].rate == 25.0
    assert progress.without_team.submitted == 1
    assert progress.rate == pytest.approx(100 * 7 / 12)
    assert 'data-stat="submitted">8<' in body
    assert 'data-stat="in-progress">3<' in body
    assert "75%" in body and "25%" in body and "58%" in body
    assert "refreshes every 30 seconds" in body
    assert f"/s/{campaign.token}/" in body
    assert f"http://testserver/t/{service.token}/" in body


def test_rate_needs_team_sizes(banks):
    campaign = CampaignFactory()
    TeamFactory(campaign=campaign, name="Sized", expected_size=10)
    TeamFactory(campaign=campaign, name="Unsized")
    progress = campaign_progress(campaign)
    assert progress.rate is None
    assert [row.rate for row in progress.teams] == [0.0, None]


def test_progress_fragment_for_auto_refresh(en_client, organisation, banks):
    campaign = CampaignFactory(organisation=organisation)
    ResponseFactory.create_batch(2, campaign=campaign)
    response = en_client.get(reverse("assessment:campaign_progress", args=[campaign.slug]))
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<div id="progress"')
    assert 'data-stat="submitted">2<' in body
    assert "<html" not in body


def test_campaign_page_query_count_is_flat(
    en_client, organisation, banks, django_assert_max_num_queries
):
    campaign = CampaignFactory(organisation=organisation)
    for n in range(6):
        team = TeamFactory(campaign=campaign, name=f"T{n}", expected_size=10)
        ResponseFactory.create_batch(3, campaign=campaign, team=team)
    url = reverse("assessment:campaign_detail", args=[campaign.slug])
    with django_assert_max_num_queries(8):
        assert en_client.get(url).status_code == 200


def test_organisation_page_query_count_is_flat(
    en_client, organisation, banks, django_assert_max_num_queries
):
    for _ in range(5):
        campaign = CampaignFactory(organisation=organisation)
        TeamFactory.create_batch(3, campaign=campaign)
        ResponseFactory.create_batch(2, campaign=campaign)
    url = reverse("assessment:organisation_detail", args=[organisation.pk])
    with django_assert_max_num_queries(6):
        assert en_client.get(url).status_code == 200


def test_qr_page_has_inline_svg_name_and_link(en_client, organisation, banks):
    campaign = CampaignFactory(organisation=organisation, name="Workshop scan")
    team = TeamFactory(campaign=campaign, name="Sales")
    url = reverse("assessment:campaign_qr", args=[campaign.slug])

    body = text(en_client.get(url))
    assert "<svg" in body and "Workshop scan" in body
    assert f"testserver/s/{campaign.token}/" in body
    assert "<img" not in body.split('class="qr-code"', 1)[1].split("</div>", 1)[0]

    team_body = text(en_client.get(url, {"team": team.pk}))
    assert "<svg" in team_body and f"testserver/t/{team.token}/" in team_body
    assert en_client.get(url, {"team": "999999"}).status_code == 404
    assert en_client.get(url, {"team": "x"}).status_code == 404


def test_qr_page_of_team_of_another_campaign_is_404(en_client, organisation, banks):
    campaign = CampaignFactory(organisation=organisation)
    foreign_team = TeamFactory(campaign=CampaignFactory(organisation=organisation))
    url = reverse("assessment:campaign_qr", args=[campaign.slug])
    assert en_client.get(url, {"team": foreign_team.pk}).status_code == 404


def test_parse_teams_rules():
    specs = team_rules.parse_teams("  Sales , 12\n\nR&D Europe\nSupport;3\n")
    assert specs == [
        team_rules.TeamSpec("Sales", 12),
        team_rules.TeamSpec("R&D Europe", None),
        team_rules.TeamSpec("Support", 3),
    ]


@pytest.mark.parametrize("line", ["Sales, twaalf", "R&D, Europe", "Sales, 12, 3", "Sales;"])
def test_a_comma_must_be_followed_by_the_team_size(line):
    """A typo after the comma is an error, never a second team named "Sales, twaalf"."""
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        team_rules.parse_teams(f"Sales\n{line}")
    assert refused.value.messages == [
        "Line 2: after the comma comes the team size as a number, for example “Sales, 12”; "
        "a team name cannot contain a comma."
    ]
    assert team_rules.parse_team_list("A, B ,C") == [
        team_rules.TeamSpec("A"),
        team_rules.TeamSpec("B"),
        team_rules.TeamSpec("C"),
    ]


def test_closing_day_round_trips():
    day = dt.date(2025, 6, 30)
    assert rules.closing_day(rules.end_of_day(day)) == day
    assert rules.opening_day(rules.start_of_day(day)) == day


def test_team_names_case_insensitively_unique_in_sync(banks):
    campaign = CampaignFactory()
    team_rules.sync_teams(campaign, [team_rules.TeamSpec("Sales", 3)])
    team_rules.sync_teams(campaign, [team_rules.TeamSpec("SALES", 4)])
    assert list(Team.objects.filter(campaign=campaign).values_list("name", "expected_size")) == [
        ("SALES", 4)
    ]
