"""Personal invitations by e-mail and reminders."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from assessment import invitations
from assessment.models import Campaign, Invitation
from assessment.tokens import digest
from tests.factories import CampaignFactory, OrganisationFactory, TeamFactory

LINK = re.compile(r"http://testserver/i/([A-Za-z0-9_-]+)/")


@pytest.fixture
def own_campaign(consultant, banks) -> Campaign:
    organisation = OrganisationFactory(name="Acme Zorg", owner=consultant)
    return CampaignFactory(organisation=organisation, name="Scan 2025", language="en")


def invite_url(campaign) -> str:
    return reverse("assessment:campaign_invite", args=[campaign.slug])


def remind_url(campaign) -> str:
    return reverse("assessment:campaign_remind", args=[campaign.slug])


def token_in(message) -> str:
    tokens = LINK.findall(message.body)
    assert len(tokens) == 1, message.body
    return tokens[0]


# --------------------------------------------------------------------------- parsing


def test_pasted_list_is_split_on_commas_semicolons_and_newlines():
    parsed = invitations.parse_addresses(
        "anna@example.nl, Bram@Example.nl;chris@example.nl\n\n"
        'Dirk de Vries <dirk@example.nl>; "Eva" <eva@example.nl>\r\n'
        "fenna@example.nl gijs@example.nl\n"
        "anna@example.nl"
    )
    assert parsed.valid == [
        "anna@example.nl",
        "bram@example.nl",
        "chris@example.nl",
        "dirk@example.nl",
        "eva@example.nl",
        "fenna@example.nl",
        "gijs@example.nl",
    ]
    assert parsed.invalid == []
    assert parsed.repeated == ["anna@example.nl"]


def test_invalid_addresses_are_reported():
    parsed = invitations.parse_addresses("ok@example.nl, not-an-address; jan@; @example.nl")
    assert parsed.valid == ["ok@example.nl"]
    assert parsed.invalid == ["not-an-address", "jan@", "@example.nl"]


# --------------------------------------------------------------------------- sending


def test_invitations_are_sent_with_personal_links(en_client, own_campaign):
    team = TeamFactory(campaign=own_campaign, name="Sales")
    response = en_client.post(
        invite_url(own_campaign),
        {"addresses": "anna@example.nl;\nBram <bram@example.nl>", "team": str(team.pk)},
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    stored = {i.email: i for i in Invitation.objects.filter(campaign=own_campaign)}
    assert set(stored) == {"anna@example.nl", "bram@example.nl"}
    for message in mail.outbox:
        (address,) = message.to
        invitation = stored[address]
        token = token_in(message)
        assert digest("invitation", token) == invitation.token_digest
        assert token not in invitation.token_digest
        assert invitation.team == team and invitation.sent_at is not None
        assert not invitation.completed
        assert "Acme Zorg" in message.subject
        assert "Scan 2025" in message.body
        assert "Sales" in message.body
        assert message.reply_to == ["consultant-a@example.org"]
    assert len({token_in(m) for m in mail.outbox}) == 2  # every address its own token


def test_emails_are_plain_text_and_not_html_escaped(en_client, consultant, banks):
    organisation = OrganisationFactory(name="Smit & Zonen", owner=consultant)
    campaign = CampaignFactory(organisation=organisation, language="en")
    en_client.post(invite_url(campaign), {"addresses": "a@example.nl"})
    (message,) = mail.outbox
    assert "Smit & Zonen" in message.subject and "Smit & Zonen" in message.body
    assert "&amp;" not in message.body


def test_email_follows_campaign_language(en_client, own_campaign):
    from django.utils import translation

    own_campaign.language = "nl"
    own_campaign.save()
    seen = []
    original = invitations.render_to_string

    def spy(template, context):
        seen.append(translation.get_language())
        return original(template, context)

    invitations.render_to_string = spy
    try:
        en_client.post(invite_url(own_campaign), {"addresses": "a@example.nl"})
    finally:
        invitations.render_to_string = original
    assert seen and set(seen) == {"nl"}
    assert len(mail.outbox) == 1


def test_one_invalid_address_means_nothing_is_sent(en_client, own_campaign):
    response = en_client.post(
        invite_url(own_campaign),
        {"addresses": "good@example.nl, broken@@example, also-good@example.nl, nope"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was sent" in body
    assert "broken@@example" in body and "nope" in body
    assert "good@example.nl, broken@@example" in body  # the pasted list is kept for fixing
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_empty_list_is_refused(en_client, own_campaign):
    response = en_client.post(invite_url(own_campaign), {"addresses": " ,; \n"})
    assert response.status_code == 400
    assert "Paste at least one e-mail address." in response.content.decode()
    assert mail.outbox == []


def test_already_invited_addresses_are_skipped(en_client, own_campaign):
    en_client.post(invite_url(own_campaign), {"addresses": "anna@example.nl"})
    first_digest = Invitation.objects.get().token_digest
    mail.outbox.clear()

    response = en_client.post(
        invite_url(own_campaign),
        {"addresses": "ANNA@example.nl, bram@example.nl, bram@example.nl"},
        follow=True,
    )

    assert [m.to for m in mail.outbox] == [["bram@example.nl"]]
    assert Invitation.objects.count() == 2
    assert Invitation.objects.get(email="anna@example.nl").token_digest == first_digest
    body = response.content.decode()
    assert "Sent 1 invitation." in body
    assert "Skipped, already invited: anna@example.nl." in body


def test_team_of_another_campaign_is_refused(en_client, own_campaign):
    foreign = TeamFactory(campaign=CampaignFactory(organisation=own_campaign.organisation))
    response = en_client.post(
        invite_url(own_campaign), {"addresses": "a@example.nl", "team": str(foreign.pk)}
    )
    assert response.status_code == 400
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_closed_campaign_does_not_invite(en_client, own_campaign):
    own_campaign.status = Campaign.CLOSED
    own_campaign.save()
    en_client.post(invite_url(own_campaign), {"addresses": "a@example.nl"})
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_failed_send_stores_no_invitation(own_campaign, monkeypatch):
    def broken_send(self, fail_silently=False):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken_send)
    result = invitations.invite(
        own_campaign, ["a@example.nl"], invitations.link_builder("http://testserver")
    )
    assert result.failed == ["a@example.nl"] and result.sent == []
    assert not Invitation.objects.exists()


def test_addresses_are_not_shown_on_the_campaign_page(en_client, own_campaign):
    en_client.post(invite_url(own_campaign), {"addresses": "secret.person@example.nl"})
    page = en_client.get(reverse("assessment:campaign_detail", args=[own_campaign.slug]))
    body = page.content.decode()
    assert "secret.person@example.nl" not in body
    assert "1 invited" in body


# --------------------------------------------------------------------------- reminders


def test_reminders_go_only_to_invitations_not_completed(en_client, own_campaign):
    en_client.post(
        invite_url(own_campaign),
        {"addresses": "done@example.nl, busy@example.nl, idle@example.nl"},
    )
    Invitation.objects.filter(email="done@example.nl").update(completed=True)
    before = dict(Invitation.objects.values_list("email", "token_digest"))
    mail.outbox.clear()

    response = en_client.post(remind_url(own_campaign), follow=True)

    assert sorted(m.to[0] for m in mail.outbox) == ["busy@example.nl", "idle@example.nl"]
    assert "Sent 2 reminders." in response.content.decode()
    for message in mail.outbox:
        invitation = Invitation.objects.get(email=message.to[0])
        token = token_in(message)
        assert invitation.token_digest == digest("invitation", token)  # new link works
        assert invitation.token_digest != before[invitation.email]  # old link replaced
        assert invitation.reminded_at is not None
        assert "new link" in message.body and "resume code" in message.body
    done = Invitation.objects.get(email="done@example.nl")
    assert done.reminded_at is None and done.token_digest == before["done@example.nl"]


def test_reminder_with_everyone_finished_sends_nothing(en_client, own_campaign):
    en_client.post(invite_url(own_campaign), {"addresses": "done@example.nl"})
    Invitation.objects.update(completed=True)
    mail.outbox.clear()
    response = en_client.post(remind_url(own_campaign), follow=True)
    assert mail.outbox == []
    assert "no reminders sent" in response.content.decode()


def test_remind_is_post_only(en_client, own_campaign):
    assert en_client.get(remind_url(own_campaign)).status_code == 405
    assert en_client.get(invite_url(own_campaign)).status_code == 405
