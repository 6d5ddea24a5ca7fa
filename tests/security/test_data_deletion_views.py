"""The consultant's deletion pages: owner only, a confirmation that names what goes, the
typed name, CSRF, and the audit entry written by `assessment.data_safety`."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assessment.models import (
    Answer,
    AuditEntry,
    Campaign,
    Comment,
    Invitation,
    Organisation,
    Response,
    Team,
)
from assessment.tokens import digest, new_token
from questionnaires.models import Item
from tests.factories import CampaignFactory, OrganisationFactory, ResponseFactory, TeamFactory


@pytest.fixture
def org(consultant, banks):
    """A's organisation: two campaigns, 3 submitted + 1 in progress in the first."""
    organisation = OrganisationFactory(name="Acme Zorg BV", owner=consultant)
    campaign = CampaignFactory(organisation=organisation, name="Voorjaar 2025", slug="voorjaar")
    other = CampaignFactory(organisation=organisation, name="Najaar 2025", slug="najaar")
    team = TeamFactory(campaign=campaign, name="Sales")
    items = list(Item.objects.filter(quick_scan=True)[:2])
    for index in range(4):
        status = Response.IN_PROGRESS if index == 3 else Response.SUBMITTED
        response = ResponseFactory(campaign=campaign, team=team, status=status)
        for item in items:
            Answer.objects.create(response=response, item=item, value=3)
        Comment.objects.create(response=response, topic="", text=f"opmerking {index}")
    ResponseFactory(campaign=other)
    Invitation.objects.create(
        campaign=campaign,
        email="x@example.nl",
        completed=True,
        token_digest=digest("invitation", new_token()),
    )
    return organisation, campaign, other


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "campaigns": Campaign.objects.count(),
        "teams": Team.objects.count(),
        "responses": Response.objects.count(),
        "answers": Answer.objects.count(),
        "comments": Comment.objects.count(),
        "invitations": Invitation.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


# --------------------------------------------------------------------------- responses


def test_campaign_page_links_to_the_danger_zone_for_the_owner_only(
    client, org, consultant, other_consultant
):
    organisation, campaign, _ = org
    url = reverse("assessment:campaign_responses_delete", args=[campaign.slug])
    client.force_login(consultant)
    page = client.get(reverse("assessment:campaign_detail", args=[campaign.slug]))
    assert "Danger zone" in page.content.decode() and url in page.content.decode()

    organisation.shared_with.add(other_consultant)
    client.force_login(other_consultant)
    page = client.get(reverse("assessment:campaign_detail", args=[campaign.slug]))
    assert page.status_code == 200 and url not in page.content.decode()


def test_confirmation_page_names_what_will_be_deleted(client, org, consultant):
    _, campaign, _ = org
    client.force_login(consultant)
    before = counts()
    page = client.get(reverse("assessment:campaign_responses_delete", args=[campaign.slug]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Voorjaar 2025" in text
    for phrase in (
        "3 submitted responses",
        "1 response in progress",
        "8 answers",
        "4 comments",
        "The 1 invitation is kept",
    ):
        assert phrase in text, phrase
    assert 'name="confirm_name"' in text and "csrfmiddlewaretoken" in text
    assert counts() == before


@pytest.mark.parametrize("typed", ["", "voorjaar 2025", "Voorjaar", "Najaar 2025"])
def test_wrong_name_deletes_nothing(client, org, consultant, typed):
    _, campaign, _ = org
    client.force_login(consultant)
    before = counts()
    url = reverse("assessment:campaign_responses_delete", args=[campaign.slug])
    response = client.post(url, {"confirm_name": typed})
    assert response.status_code == 400
    assert counts() == before


def test_owner_deletes_the_responses_of_one_campaign(client, org, consultant):
    _, campaign, other = org
    client.force_login(consultant)
    url = reverse("assessment:campaign_responses_delete", args=[campaign.slug])
    response = client.post(url, {"confirm_name": "  Voorjaar   2025 "})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:campaign_detail", args=[campaign.slug])

    assert not Response.objects.filter(campaign=campaign).exists()
    assert Response.objects.filter(campaign=other).count() == 1
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    assert campaign.teams.count() == 1
    assert not Invitation.objects.get(campaign=campaign).completed
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.DELETE_RESPONSES and entry.user == consultant
    assert entry.details["responses"] == 4 and entry.details["answers"] == 8
    followed = client.get(response["Location"])
    assert "Deleted 4 responses" in followed.content.decode()


def test_csrf_is_required(org, consultant):
    _, campaign, _ = org
    client = Client(enforce_csrf_checks=True)
    client.force_login(consultant)
    before = counts()
    url = reverse("assessment:campaign_responses_delete", args=[campaign.slug])
    assert client.post(url, {"confirm_name": "Voorjaar 2025"}).status_code == 403
    assert counts() == before
    page = client.get(url)
    token = page.context["csrf_token"]
    response = client.post(url, {"confirm_name": "Voorjaar 2025", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert not Response.objects.filter(campaign=campaign).exists()


def test_only_the_owner_may_delete_responses(client, org, other_consultant, staff_user):
    organisation, campaign, _ = org
    url = reverse("assessment:campaign_responses_delete", args=[campaign.slug])
    before = counts()
    # A stranger (and staff: the admin is the place for staff) does not see the campaign.
    for user in (other_consultant, staff_user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm_name": "Voorjaar 2025"}).status_code == 404
    # A colleague it is shared with sees the campaign but may not delete its data.
    organisation.shared_with.add(other_consultant)
    client.force_login(other_consultant)
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm_name": "Voorjaar 2025"}).status_code == 403
    client.logout()
    response = client.post(url, {"confirm_name": "Voorjaar 2025"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert counts() == before


# --------------------------------------------------------------------------- organisation


def test_organisation_confirmation_page(client, org, consultant, other_consultant):
    organisation, _, _ = org
    organisation.shared_with.add(other_consultant)
    client.force_login(consultant)
    detail = client.get(reverse("assessment:organisation_detail", args=[organisation.pk]))
    url = reverse("assessment:organisation_delete", args=[organisation.pk])
    assert "Danger zone" in detail.content.decode() and url in detail.content.decode()

    text = client.get(url).content.decode()
    for phrase in (
        "Acme Zorg BV",
        "2 campaigns: Najaar 2025, Voorjaar 2025",
        "1 team",
        "1 invitation",
        "4 submitted responses",
        "1 response in progress",
        "8 answers",
        "4 comments",
        "access for 1 colleague",
    ):
        assert phrase in text, phrase


def test_owner_deletes_the_organisation(client, org, consultant):
    organisation, campaign, other = org
    keep = OrganisationFactory(name="Keep BV", owner=consultant)
    CampaignFactory(organisation=keep)
    client.force_login(consultant)
    url = reverse("assessment:organisation_delete", args=[organisation.pk])

    assert client.post(url, {"confirm_name": "Acme"}).status_code == 400
    assert Organisation.objects.filter(pk=organisation.pk).exists()

    response = client.post(url, {"confirm_name": "Acme Zorg BV"})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:organisation_list")
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert not Campaign.objects.filter(pk__in=[campaign.pk, other.pk]).exists()
    assert not Response.objects.filter(campaign_id__in=[campaign.pk, other.pk]).exists()
    assert not Invitation.objects.filter(campaign_id=campaign.pk).exists()
    assert Organisation.objects.filter(pk=keep.pk).exists()
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.DELETE_ORGANISATION and entry.target == "Acme Zorg BV"
    assert sorted(entry.details["campaigns"]) == ["najaar", "voorjaar"]
    assert entry.details["responses"] == 5


def test_only_the_owner_may_delete_the_organisation(client, org, other_consultant, staff_user):
    organisation, _, _ = org
    url = reverse("assessment:organisation_delete", args=[organisation.pk])
    before = counts()
    for user in (other_consultant, staff_user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm_name": "Acme Zorg BV"}).status_code == 404
    organisation.shared_with.add(other_consultant)
    client.force_login(other_consultant)
    detail = client.get(reverse("assessment:organisation_detail", args=[organisation.pk]))
    assert url not in detail.content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm_name": "Acme Zorg BV"}).status_code == 403
    assert counts() == before
