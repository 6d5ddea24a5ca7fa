"""Draft → published: campaigns only ever pick a published version."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment.campaigns import change_questionnaire, create_campaign
from questionnaires.models import Questionnaire, QuestionnaireVersion
from questionnaires.versions import publish_version
from tests.factories import CampaignFactory, OrganisationFactory


def test_shipped_banks_are_published(banks):
    assert QuestionnaireVersion.objects.exists()
    assert not QuestionnaireVersion.objects.filter(published_at__isnull=True).exists()


def test_a_new_version_is_a_draft(banks):
    new = Questionnaire.objects.get(code="keys").latest_version().create_next_version()
    assert not new.is_published


def test_new_campaign_gets_the_latest_published_version_not_a_draft(banks):
    keys = Questionnaire.objects.get(code="keys")
    published = keys.latest_version()
    draft = published.create_next_version()

    campaign = create_campaign(
        organisation=OrganisationFactory(), name="Round 1", questionnaire=keys
    )

    assert campaign.questionnaire_version == published
    assert campaign.questionnaire_version != draft


def test_changing_the_questionnaire_skips_drafts(banks):
    campaign = CampaignFactory()
    care = Questionnaire.objects.get(code="care")
    published = care.latest_version()
    published.create_next_version()

    change_questionnaire(campaign, care)

    assert campaign.questionnaire_version == published


def test_questionnaire_with_only_drafts_cannot_be_picked(banks):
    keys = Questionnaire.objects.get(code="keys")
    QuestionnaireVersion.objects.filter(questionnaire=keys).update(published_at=None)
    with pytest.raises(ValidationError, match="no published version"):
        create_campaign(organisation=OrganisationFactory(), name="Round 1", questionnaire=keys)


def test_publish_version_is_idempotent(banks, staff_user):
    draft = Questionnaire.objects.get(code="keys").latest_version().create_next_version()
    assert publish_version(version=draft, user=staff_user)
    first = draft.published_at
    assert not publish_version(version=draft, user=staff_user)
    draft.refresh_from_db()
    assert draft.published_at == first and draft.published_by == staff_user


def test_staff_publishes_a_draft_with_the_admin_action(client, staff_user, banks):
    keys = Questionnaire.objects.get(code="keys")
    draft = keys.latest_version().create_next_version()
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:questionnaires_questionnaireversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.is_published and draft.published_by == staff_user
    assert f"Published {draft}." in response.content.decode()
    campaign = create_campaign(
        organisation=OrganisationFactory(), name="Round 2", questionnaire=keys
    )
    assert campaign.questionnaire_version == draft


def test_draft_change_page_says_it_is_a_draft(client, staff_user, banks):
    draft = Questionnaire.objects.get(code="keys").latest_version().create_next_version()
    client.force_login(staff_user)
    page = client.get(reverse("admin:questionnaires_questionnaireversion_change", args=[draft.pk]))
    assert "This version is a draft" in page.content.decode()
