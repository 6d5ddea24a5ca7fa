"""Probe finding: a shared consultant renamed a campaign to a <meta refresh> tag, and the
owner's browser was redirected when it opened the delete page, because the name went
unescaped into the confirmation form's help text. Every confirmation page shows names
as text."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from assessment.models import Campaign, Organisation
from tests.factories import CampaignFactory, OrganisationFactory

PAYLOAD = '<meta http-equiv="refresh" content="0;url=https://example.org">'


@pytest.fixture
def owner_client(client, consultant):
    client.force_login(consultant)
    return client


@pytest.fixture
def renamed(consultant, other_consultant, banks):
    """The owner's organisation and campaign, renamed by a colleague it was shared with."""
    organisation = OrganisationFactory(owner=consultant, name="Acme")
    organisation.shared_with.add(other_consultant)
    campaign = CampaignFactory(organisation=organisation, name="Scan")
    Organisation.objects.filter(pk=organisation.pk).update(name=PAYLOAD)
    colleague = Client()
    colleague.force_login(other_consultant)
    url = reverse("assessment:campaign_edit", args=[campaign.slug])
    data = {
        "name": PAYLOAD,
        "slug": campaign.slug,
        "questionnaire": str(campaign.questionnaire_version.questionnaire_id),
        "anonymity_threshold": "3",
        "language": "en",
        "teams": "",
    }
    assert colleague.post(url, data).status_code == 302
    assert Campaign.objects.get().name == PAYLOAD
    organisation.refresh_from_db()
    campaign.refresh_from_db()
    return organisation, campaign


def confirmation_urls(organisation, campaign) -> list[str]:
    return [
        reverse("assessment:organisation_delete", args=[organisation.pk]),
        reverse("assessment:campaign_responses_delete", args=[campaign.slug]),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_names_are_escaped_on_every_confirmation_page(owner_client, renamed, method):
    for url in confirmation_urls(*renamed):
        page = getattr(owner_client, method)(url, {"confirm_name": "wrong"})
        assert page.status_code == (200 if method == "get" else 400), url
        body = page.content.decode()
        assert "<meta http-equiv" not in body, url
        assert f"Type “{escape(PAYLOAD)}” exactly as shown." in body, url
