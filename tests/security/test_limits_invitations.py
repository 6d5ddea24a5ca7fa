"""Invitations are limited per e-mail sent, not only per post: one post with 1,500
addresses must not send 1,500 e-mails."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from assessment.models import Invitation
from config.ratelimit import parse_rate
from tests.factories import CampaignFactory, OrganisationFactory


@pytest.fixture
def campaign(consultant, banks):
    return CampaignFactory(organisation=OrganisationFactory(owner=consultant), slug="mailing")


@pytest.fixture
def consultant_client(client, consultant):
    client.force_login(consultant)
    return client


def invite(client, addresses: list[str]):
    url = reverse("assessment:campaign_invite", args=["mailing"])
    return client.post(url, {"addresses": "\n".join(addresses)})


def remind(client):
    return client.post(reverse("assessment:campaign_remind", args=["mailing"]))


def addresses(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n}@example.nl" for n in range(count)]


def test_one_post_with_1500_addresses_sends_nothing(settings, consultant_client, campaign):
    budget = parse_rate(settings.RATELIMIT_INVITATION_EMAILS_PER_USER)
    assert budget is not None and budget.limit < 1500
    refused = invite(consultant_client, addresses("person", 1500))
    assert refused.status_code == 429
    assert "This would send 1500 e-mails" in refused.content.decode()
    assert not mail.outbox and not Invitation.objects.exists()
    # The refused post used none of the budget: a list that fits goes out at once.
    assert invite(consultant_client, addresses("team", 25)).status_code == 302
    assert len(mail.outbox) == Invitation.objects.count() == 25


def test_the_budget_counts_e_mails_across_invitations_and_reminders(
    settings, consultant_client, campaign
):
    settings.RATELIMIT_INVITATIONS_PER_USER = "100/h"
    settings.RATELIMIT_INVITATION_EMAILS_PER_USER = "5/h"
    assert invite(consultant_client, addresses("a", 3)).status_code == 302  # 3 of 5
    assert invite(consultant_client, addresses("b", 3)).status_code == 429  # 6 > 5
    assert len(mail.outbox) == 3
    # Addresses already invited are skipped by the view, so they cost nothing, and a
    # list with an invalid address sends nothing and costs nothing either.
    assert invite(consultant_client, addresses("a", 3)).status_code == 302
    assert invite(consultant_client, [*addresses("c", 2), "not an address"]).status_code == 400
    assert invite(consultant_client, addresses("c", 2)).status_code == 302  # 5 of 5
    assert len(mail.outbox) == Invitation.objects.count() == 5

    # A reminder would go to all five open invitations: refused, nothing sent.
    assert remind(consultant_client).status_code == 429
    assert len(mail.outbox) == 5
    assert not Invitation.objects.filter(reminded_at__isnull=False).exists()


def test_reminders_within_the_budget_are_sent(settings, consultant_client, campaign):
    settings.RATELIMIT_INVITATION_EMAILS_PER_USER = "4/h"
    assert invite(consultant_client, addresses("a", 2)).status_code == 302
    assert remind(consultant_client).status_code == 302  # 2 + 2 = 4
    assert len(mail.outbox) == 4
    assert remind(consultant_client).status_code == 429
