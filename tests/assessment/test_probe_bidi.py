"""Probe finding: a right-to-left override (and the other bidirectional controls) passed
into comments and names, so text read differently on screen and in exports. They are
dropped wherever comments and names are stored."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessment.models import Campaign, Comment, Organisation, Team
from assessment.text import clean_comment, clean_name
from questionnaires.models import Questionnaire
from tests.factories import CampaignFactory, OrganisationFactory

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def spiked(text: str) -> str:
    """`text` with every bidirectional control in it (the override in the middle)."""
    middle = len(text) // 2
    return BIDI[:6] + text[:middle] + "\u202e" + text[middle:] + BIDI[6:]


def test_every_bidirectional_control_is_dropped_from_names_and_comments():
    for character in BIDI:
        assert clean_name(f"Sales{character} team") == "Sales team"
        assert clean_comment(f"ok{character}\nfine") == "ok\nfine"
    assert clean_name("Zürich – العربية") == "Zürich – العربية"  # letters stay


def test_comment_is_stored_without_bidi_controls(respondent, plan):
    respondent.start()
    number = next(page.number for page in plan.pages if page.comment_topic)
    data = {**respondent.values_for(number), "comment": spiked("Invoice 2024 ok")}
    assert respondent.client.post(respondent.page_url(number), data).status_code == 302
    assert Comment.objects.get().text == "Invoice 2024 ok"


def test_names_typed_in_the_forms_are_stored_without_bidi_controls(en_client, consultant, banks):
    en_client.post(reverse("assessment:organisation_create"), {"name": spiked("Acme Zorg")})
    organisation = Organisation.objects.get()
    assert organisation.name == "Acme Zorg"

    url = reverse("assessment:campaign_create", args=[organisation.pk])
    data = {
        "name": spiked("Nulmeting 2025"),
        "slug": "",
        "questionnaire": str(Questionnaire.objects.get(code="quick").pk),
        "anonymity_threshold": "5",
        "language": "en",
        "teams": spiked("Sales") + ", 12\n" + spiked("Support"),
    }
    assert en_client.post(url, data).status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.name == "Nulmeting 2025"
    assert sorted(campaign.teams.values_list("name", flat=True)) == ["Sales", "Support"]

    edit = reverse("assessment:campaign_edit", args=[campaign.slug])
    data.update(name=spiked("Vervolgmeting"), slug=campaign.slug, teams=spiked("Sales") + "\nIT")
    assert en_client.post(edit, data).status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Vervolgmeting"
    assert sorted(campaign.teams.values_list("name", flat=True)) == ["IT", "Sales"]


def test_a_name_of_only_controls_is_refused(en_client, consultant):
    page = en_client.post(reverse("assessment:organisation_create"), {"name": BIDI})
    assert page.status_code == 200 and "An organisation needs a name." in page.content.decode()
    assert not Organisation.objects.exists()


def test_the_command_line_stores_names_without_bidi_controls(banks, staff_user):
    call_command(
        "create_campaign",
        f"--organisation={spiked('Acme Zorg')}",
        f"--name={spiked('Nulmeting')}",
        "--slug=acme",
        "--questionnaire=quick",
        f"--teams={spiked('Sales')},{spiked('IT')}",
        stdout=io.StringIO(),
    )
    campaign = Campaign.objects.get()
    assert (campaign.organisation.name, campaign.name) == ("Acme Zorg", "Nulmeting")
    assert list(campaign.teams.values_list("name", flat=True)) == ["Sales", "IT"]


@pytest.mark.parametrize("model", ["organisation", "campaign"])
def test_the_admin_stores_names_without_bidi_controls(staff_user, banks, model):
    admin = Client()
    admin.force_login(staff_user)
    organisation = OrganisationFactory(owner=staff_user)
    if model == "organisation":
        url = reverse("admin:assessment_organisation_change", args=[organisation.pk])
        data = {"name": spiked("Acme"), "owner": str(staff_user.pk)}
    else:
        campaign = CampaignFactory(organisation=organisation)
        url = reverse("admin:assessment_campaign_change", args=[campaign.pk])
        data = {
            "organisation": str(organisation.pk),
            "name": spiked("Acme"),
            "slug": campaign.slug,
            "questionnaire_version": str(campaign.questionnaire_version_id),
            "status": campaign.status,
            "language": campaign.language,
            "anonymity_threshold": "5",
            "results_during_fieldwork": campaign.results_during_fieldwork,
            "teams-TOTAL_FORMS": "1",
            "teams-INITIAL_FORMS": "0",
            "teams-MIN_NUM_FORMS": "0",
            "teams-MAX_NUM_FORMS": "1000",
            "teams-0-order": "0",
            "teams-0-name": spiked("Sales"),
            "teams-0-expected_size": "",
        }
    assert admin.post(url, data).status_code == 302
    saved = Organisation.objects.get() if model == "organisation" else Campaign.objects.get()
    assert saved.name == "Acme"
    for team in Team.objects.all():
        assert team.name == "Sales"
