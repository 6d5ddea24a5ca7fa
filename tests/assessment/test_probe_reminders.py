"""Probe finding: a reminder gave a started invitee a new link, the response stayed under
the old one, and the same invitee could submit again on every new link. Now an invitation
has one response, submitted at most once, and is completed however its link was used;
the response still cannot be linked to the address without the invitee's token."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from assessment import invitations, responding
from assessment.models import Invitation, Response
from assessment.tokens import digest
from tests.assessment.conftest import Respondent, make_invitation
from tests.factories import OrganisationFactory

LINK = re.compile(r"http://testserver/i/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counters():
    """These tests send e-mails as one consultant; earlier tests must not use their budget."""
    caches[settings.RATELIMIT_CACHE].clear()


@pytest.fixture
def own_campaign(campaign, consultant):
    campaign.organisation = OrganisationFactory(owner=consultant)
    campaign.save()
    return campaign


def invite(client, campaign, address: str) -> str:
    """Invite through the campaign page; the token of the personal link in the e-mail."""
    mail.outbox.clear()
    client.post(reverse("assessment:campaign_invite", args=[campaign.slug]), {"addresses": address})
    (message,) = mail.outbox
    (token,) = LINK.findall(message.body)
    return token


def remind(client, campaign) -> list:
    mail.outbox.clear()
    client.post(reverse("assessment:campaign_remind", args=[campaign.slug]))
    return list(mail.outbox)


def invitation_url(token: str) -> str:
    return reverse("respondent:invitation", args=[token])


def test_reminder_keeps_the_link_a_response_was_started_on(en_client, own_campaign):
    token = invite(en_client, own_campaign, "ann@example.org")
    first_device = Respondent(own_campaign)
    first_device.start(link=invitation_url(token))
    first_device.answer(1)

    (reminder,) = remind(en_client, own_campaign)

    assert LINK.findall(reminder.body) == []  # no new link that would start a second response
    assert "personal link from our earlier e-mail" in reminder.body
    invitation = Invitation.objects.get()
    assert invitation.started and invitation.reminded_at is not None
    assert invitation.token_digest == digest("invitation", token)
    # The old link still opens the same response, on any device.
    elsewhere = Client().get(invitation_url(token))
    assert elsewhere.status_code == 302 and elsewhere["Location"] == first_device.page_url(2)
    assert Response.objects.count() == 1


def test_an_invitee_submits_once_however_the_links_are_used(en_client, own_campaign):
    """The probe's path: finish on another device with the resume code (the link's token
    is unknown there), then answer again on every link any e-mail ever carried."""
    token = invite(en_client, own_campaign, "bob@example.org")
    first_device = Respondent(own_campaign)
    first_device.start(link=invitation_url(token))
    code = first_device.credentials().code
    other_device = Respondent(own_campaign)
    other_device.client.post(other_device.url("resume"), {"code": code})
    other_device.answer_all()
    assert other_device.submit()["Location"] == other_device.url("thanks")

    links = [token]
    for _ in range(2):
        links += [
            found
            for message in remind(en_client, own_campaign)
            for found in LINK.findall(message.body)
        ]
        for link in links:
            again = Respondent(own_campaign)
            again.start(link=invitation_url(link))
            for page in again.plan.pages:  # refusals are expected: no assertion per page
                again.answer(page.number)
            again.submit()

    assert Response.objects.filter(status=Response.SUBMITTED).count() == 1
    assert Response.objects.count() == 1
    assert Invitation.objects.get().completed
    assert remind(en_client, own_campaign) == []  # finished: nobody to remind


def test_an_invitee_who_had_not_started_answers_on_the_new_link(en_client, own_campaign):
    old = invite(en_client, own_campaign, "cas@example.org")
    (reminder,) = remind(en_client, own_campaign)
    (new,) = LINK.findall(reminder.body)
    assert new != old
    assert Client().get(invitation_url(old)).status_code == 404  # nothing was started on it

    invitee = Respondent(own_campaign)
    invitee.start(link=invitation_url(new))
    invitee.answer_all()
    invitee.submit()

    assert Invitation.objects.get().completed
    assert Response.objects.get().is_submitted


def test_a_completed_invitation_never_starts_another_response(campaign):
    invitation, token = make_invitation(campaign, "dirk@example.org")
    Invitation.objects.filter(pk=invitation.pk).update(completed=True)
    invitee = Respondent(campaign)

    assert "You already took part" in invitee.client.get(invitation_url(token)).content.decode()
    posted = invitee.start(link=invitation_url(token))
    assert "You already took part" in posted.content.decode()
    assert not Response.objects.exists()
    with pytest.raises(responding.AlreadySubmitted):
        responding.start_response(campaign, role="employee", team=None, language="en", key=token)
    assert not Response.objects.exists()


def test_a_link_replaced_meanwhile_starts_nothing(campaign):
    """A reminder that replaced the link between opening and starting wins: no response
    is filed under a token the invitation no longer has."""
    invitation, token = make_invitation(campaign, "eva@example.org")
    invitations._renew_link(invitation)
    with pytest.raises(responding.LinkReplaced):
        responding.start_response(campaign, role="employee", team=None, language="en", key=token)
    assert not Response.objects.exists()
    assert not Invitation.objects.get().started


def test_starting_marks_the_invitation_but_stores_no_link_to_the_response(campaign):
    invitation, token = make_invitation(campaign, "fenna@example.org")
    started = responding.start_response(
        campaign, role="employee", team=None, language="en", key=token
    )
    invitation.refresh_from_db()
    assert invitation.started
    rows = repr(list(Invitation.objects.values_list())) + repr(list(Response.objects.values_list()))
    assert token not in rows and started.credentials.code not in rows
    assert not [f for f in Response._meta.get_fields() if f.related_model is Invitation]
    assert not [f for f in Invitation._meta.get_fields() if f.related_model is Response]
