"""Probe findings on changing a campaign:

* k (the anonymity threshold) was lowered after people answered under the promise of a
  higher one: it may now be raised, never lowered once anyone answered;
* a campaign whose results were shown as final was reopened, or its closing day moved
  later: refused, the page says to start a new round instead;
* invitations, reminders and the QR code of a draft went out before anyone could answer;
* the edit form did not offer "results during fieldwork".
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment import campaigns as rules
from assessment import invitations
from assessment import teams as team_rules
from assessment.models import Campaign, Invitation, Response
from questionnaires.models import Questionnaire
from tests.assessment.conftest import make_invitation
from tests.factories import CampaignFactory, OrganisationFactory, ResponseFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counters():
    """These tests send e-mails as one consultant; earlier tests must not use their budget."""
    caches[settings.RATELIMIT_CACHE].clear()


@pytest.fixture
def organisation(consultant, banks):
    return OrganisationFactory(owner=consultant, name="Acme Zorg")


def edit_data(campaign: Campaign, **overrides) -> dict:
    data = {
        "name": campaign.name,
        "slug": campaign.slug,
        "questionnaire": str(campaign.questionnaire_version.questionnaire_id),
        "opens_on": "",
        "closes_on": "",
        "anonymity_threshold": str(campaign.anonymity_threshold),
        "language": campaign.language,
        "results_during_fieldwork": campaign.results_during_fieldwork,
        "teams": team_rules.teams_as_text(campaign),
    }
    if campaign.closes_at:
        data["closes_on"] = rules.closing_day(campaign.closes_at).isoformat()
    data.update(overrides)
    return data


def edit(client, campaign: Campaign, **overrides):
    url = reverse("assessment:campaign_edit", args=[campaign.slug])
    return client.post(url, edit_data(campaign, **overrides))


def stored(campaign: Campaign) -> dict:
    return dict(Campaign.objects.filter(pk=campaign.pk).values().get())


def admin_change(user, campaign: Campaign, **overrides):
    """Post the campaign's admin change form (a campaign without teams), read in English."""
    local = {
        name: timezone.localtime(getattr(campaign, name))
        for name in ("opens_at", "closes_at")
        if getattr(campaign, name)
    }
    data = {
        "organisation": str(campaign.organisation_id),
        "name": campaign.name,
        "slug": campaign.slug,
        "questionnaire_version": str(campaign.questionnaire_version_id),
        "status": campaign.status,
        "language": campaign.language,
        "anonymity_threshold": str(campaign.anonymity_threshold),
        "results_during_fieldwork": campaign.results_during_fieldwork,
        "teams-TOTAL_FORMS": "0",
        "teams-INITIAL_FORMS": "0",
        "teams-MIN_NUM_FORMS": "0",
        "teams-MAX_NUM_FORMS": "1000",
    }
    for name in ("opens_at", "closes_at"):
        moment = local.get(name)
        data[f"{name}_0"] = moment.date().isoformat() if moment else ""
        data[f"{name}_1"] = moment.time().isoformat() if moment else ""
    data.update(overrides)
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(user)
    return admin.post(reverse("admin:assessment_campaign_change", args=[campaign.pk]), data)


# =========================================================================== k


@pytest.mark.parametrize("status", [Response.IN_PROGRESS, Response.SUBMITTED])
def test_k_cannot_be_lowered_once_anyone_answered(en_client, organisation, status):
    campaign = CampaignFactory(organisation=organisation, anonymity_threshold=5)
    ResponseFactory(campaign=campaign, status=status)
    before = stored(campaign)

    page = edit(en_client, campaign, anonymity_threshold="3", name="Renamed")

    assert page.status_code == 200
    assert "can be raised but not lowered below 5" in page.content.decode()
    assert stored(campaign) == before  # nothing saved, also not the new name
    with pytest.raises(ValidationError, match="not lowered below 5"):
        rules.update_campaign(
            campaign=campaign,
            name=campaign.name,
            slug=campaign.slug,
            questionnaire=campaign.questionnaire_version.questionnaire,
            anonymity_threshold=4,
            language=campaign.language,
            results_during_fieldwork=campaign.results_during_fieldwork,
            opens_at=None,
            closes_at=None,
            teams=[],
        )
    assert stored(campaign) == before


def test_k_can_be_raised_after_answers_and_lowered_before(en_client, organisation):
    answered = CampaignFactory(organisation=organisation, anonymity_threshold=5)
    ResponseFactory(campaign=answered, status=Response.IN_PROGRESS)
    form = en_client.get(reverse("assessment:campaign_edit", args=[answered.slug]))
    assert "can be raised but not lowered" in form.content.decode()
    assert edit(en_client, answered, anonymity_threshold="7").status_code == 302
    assert stored(answered)["anonymity_threshold"] == 7

    fresh = CampaignFactory(organisation=organisation, anonymity_threshold=5)
    assert edit(en_client, fresh, anonymity_threshold="3").status_code == 302
    assert stored(fresh)["anonymity_threshold"] == 3


def test_k_cannot_be_lowered_in_the_admin(staff_user, organisation):
    campaign = CampaignFactory(organisation=organisation, anonymity_threshold=5)
    ResponseFactory(campaign=campaign, status=Response.IN_PROGRESS)
    before = stored(campaign)
    page = admin_change(staff_user, campaign, anonymity_threshold="3")
    assert page.status_code == 200
    assert "not lowered below 5" in page.content.decode()
    assert stored(campaign) == before
    assert admin_change(staff_user, campaign, anonymity_threshold="6").status_code == 302
    assert stored(campaign)["anonymity_threshold"] == 6


# =========================================================================== final results


@pytest.fixture
def final(organisation) -> Campaign:
    """Closed by hand, with a submitted response: its results were shown as final."""
    campaign = CampaignFactory(organisation=organisation, status=Campaign.CLOSED)
    ResponseFactory(campaign=campaign)
    return campaign


def test_a_campaign_with_final_results_cannot_be_reopened(en_client, final):
    opened = en_client.post(reverse("assessment:campaign_open", args=[final.slug]), follow=True)
    assert stored(final)["status"] == Campaign.CLOSED
    assert "Start a new round instead." in opened.content.decode()
    with pytest.raises(ValidationError):
        rules.open_campaign(campaign=final)
    assert stored(final)["status"] == Campaign.CLOSED

    page = en_client.get(reverse("assessment:campaign_detail", args=[final.slug])).content.decode()
    assert reverse("assessment:campaign_open", args=[final.slug]) not in page
    assert "disabled" in page.split("Reopen campaign", 1)[0].rsplit("<button", 1)[1]
    assert "start a new round instead" in page


def test_a_campaign_past_its_closing_day_cannot_close_later(en_client, organisation):
    closes_at = rules.end_of_day(timezone.localdate() - dt.timedelta(days=3))
    campaign = CampaignFactory(organisation=organisation, closes_at=closes_at)
    ResponseFactory(campaign=campaign)
    later = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    before = stored(campaign)

    page = edit(en_client, campaign, closes_on=later)
    assert page.status_code == 200 and "Start a new round instead." in page.content.decode()
    assert stored(campaign) == before
    page = edit(en_client, campaign, closes_on="")  # no closing day: open for ever
    assert page.status_code == 200 and stored(campaign) == before
    assert (
        "start a new round instead"
        in en_client.get(
            reverse("assessment:campaign_detail", args=[campaign.slug])
        ).content.decode()
    )

    earlier = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    assert edit(en_client, campaign, closes_on=earlier).status_code == 302
    assert stored(campaign)["closes_at"] == rules.end_of_day(dt.date.fromisoformat(earlier))


def test_final_results_cannot_be_reopened_in_the_admin(staff_user, final):
    for status in (Campaign.OPEN, Campaign.DRAFT):
        page = admin_change(staff_user, final, status=status)
        assert page.status_code == 200 and "Start a new round instead." in page.content.decode()
        assert stored(final)["status"] == Campaign.CLOSED


def test_without_counted_responses_a_closed_campaign_can_reopen(en_client, organisation):
    campaign = CampaignFactory(organisation=organisation, status=Campaign.CLOSED)
    ResponseFactory(campaign=campaign, status=Response.IN_PROGRESS)
    ResponseFactory(campaign=campaign, is_test=True)
    assert not rules.results_are_final(campaign)
    en_client.post(reverse("assessment:campaign_open", args=[campaign.slug]))
    assert stored(campaign)["status"] == Campaign.OPEN


# =========================================================================== drafts


@pytest.fixture
def draft(organisation) -> Campaign:
    return CampaignFactory(organisation=organisation, status=Campaign.DRAFT, name="Draft scan")


def test_a_draft_sends_no_invitations(en_client, draft):
    url = reverse("assessment:campaign_invite", args=[draft.slug])
    page = en_client.post(url, {"addresses": "anna@example.nl"}, follow=True)
    assert "still a draft. Open it before inviting" in page.content.decode()
    assert mail.outbox == [] and not Invitation.objects.exists()
    with pytest.raises(ValidationError):
        invitations.invite(draft, ["anna@example.nl"], invitations.link_builder("http://x"))
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_a_draft_sends_no_reminders(en_client, draft):
    invitation, _ = make_invitation(draft, "bram@example.nl")
    url = reverse("assessment:campaign_remind", args=[draft.slug])
    page = en_client.post(url, follow=True)
    assert "still a draft. Open it before sending reminders" in page.content.decode()
    assert mail.outbox == []
    assert Invitation.objects.get().token_digest == invitation.token_digest


def test_a_draft_shows_no_qr_code(en_client, draft):
    page = en_client.get(reverse("assessment:campaign_qr", args=[draft.slug]))
    body = page.content.decode()
    assert "still a draft. Open it before showing its QR code" in body
    assert "<svg" not in body and f"/s/{draft.token}/" not in body


def test_one_click_opens_the_draft_and_shows_its_qr_code(en_client, draft):
    qr = reverse("assessment:campaign_qr", args=[draft.slug])
    opening = reverse("assessment:campaign_open", args=[draft.slug])
    assert f'action="{opening}"' in en_client.get(qr).content.decode()

    response = en_client.post(opening, {"then": "qr"})

    assert response.status_code == 302 and response["Location"] == qr
    draft.refresh_from_db()
    assert draft.status == Campaign.OPEN
    page = en_client.get(qr).content.decode()
    assert "<svg" in page and f"/s/{draft.token}/" in page


def test_a_draft_marks_its_invitations_and_opens_in_one_click(en_client, draft):
    detail = reverse("assessment:campaign_detail", args=[draft.slug])
    opening = reverse("assessment:campaign_open", args=[draft.slug])
    body = en_client.get(detail).content.decode()
    card = body[body.index('id="invitations"') :]
    assert "Invitations and reminders go out once the campaign is open" in card
    assert f'action="{opening}"' in card and 'name="then" value="invitations"' in card
    assert 'disabled aria-describedby="invitations-draft">Send invitations' in card

    response = en_client.post(opening, {"then": "invitations"})

    assert response["Location"] == f"{detail}#invitations"
    draft.refresh_from_db()
    assert draft.status == Campaign.OPEN
    body = en_client.get(detail).content.decode()
    assert 'id="invitations-draft"' not in body and "disabled aria-describedby" not in body


def test_opening_never_redirects_elsewhere(en_client, draft):
    opening = reverse("assessment:campaign_open", args=[draft.slug])
    response = en_client.post(opening, {"then": "https://evil.example/"})
    assert response["Location"] == reverse("assessment:campaign_detail", args=[draft.slug])


# ================================================================ results during fieldwork


def test_edit_form_offers_and_saves_results_during_fieldwork(en_client, organisation):
    campaign = CampaignFactory(organisation=organisation)
    assert campaign.results_during_fieldwork == Campaign.RESULTS_IN_STEPS
    form = en_client.get(reverse("assessment:campaign_edit", args=[campaign.slug]))
    body = form.content.decode()
    assert 'name="results_during_fieldwork"' in body
    assert "Teams, roles and comments are shown once the campaign has closed" in body

    saved = edit(en_client, campaign, results_during_fieldwork=Campaign.RESULTS_AFTER_CLOSING)
    assert saved.status_code == 302
    assert stored(campaign)["results_during_fieldwork"] == Campaign.RESULTS_AFTER_CLOSING


def test_new_campaign_saves_results_during_fieldwork(en_client, organisation):
    url = reverse("assessment:campaign_create", args=[organisation.pk])
    data = {
        "name": "Round two",
        "slug": "",
        "questionnaire": str(Questionnaire.objects.get(code="quick").pk),
        "anonymity_threshold": "5",
        "language": "en",
        "results_during_fieldwork": Campaign.RESULTS_AFTER_CLOSING,
        "teams": "",
    }
    assert en_client.post(url, data).status_code == 302
    assert Campaign.objects.get(name="Round two").results_during_fieldwork == (
        Campaign.RESULTS_AFTER_CLOSING
    )
