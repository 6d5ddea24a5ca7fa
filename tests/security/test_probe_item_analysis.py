"""Probe finding: the item analysis of any campaign was open to every staff user. It now
follows the dashboard's rule: only consultants who own or share the organisation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import CampaignFactory, OrganisationFactory, UserFactory


@pytest.fixture
def campaign(consultant, banks):
    return CampaignFactory(organisation=OrganisationFactory(owner=consultant))


@pytest.mark.parametrize("superuser", [False, True])
def test_staff_who_neither_own_nor_share_get_404(client, campaign, superuser):
    staff = UserFactory(username=f"staff-{superuser}", is_staff=True, is_superuser=superuser)
    client.force_login(staff)
    page = client.get(reverse("reports:item_analysis", args=[campaign.slug]))
    missing = client.get(reverse("reports:item_analysis", args=["no-such-campaign"]))
    assert page.status_code == missing.status_code == 404
    assert page.content == missing.content


def test_owner_and_sharing_staff_still_see_it(client, campaign, consultant):
    url = reverse("reports:item_analysis", args=[campaign.slug])
    client.force_login(consultant)
    assert client.get(url).status_code == 200
    colleague = UserFactory(username="staff-colleague", is_staff=True)
    campaign.organisation.shared_with.add(colleague)
    client.force_login(colleague)
    assert client.get(url).status_code == 200
