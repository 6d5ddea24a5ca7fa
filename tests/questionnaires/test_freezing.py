"""A version freezes with its first answer, not when a campaign picks it."""

from django.urls import reverse

from questionnaires.loader import load_question_banks
from questionnaires.models import Item, Questionnaire
from tests.factories import AnswerFactory, CampaignFactory


def change_url(version) -> str:
    return reverse("admin:questionnaires_questionnaireversion_change", args=[version.pk])


def version_form(version, **changes) -> dict:
    data = {
        "questionnaire": version.questionnaire_id,
        "number": version.number,
        "clear_threshold": version.clear_threshold,
        "cut_threshold": version.cut_threshold,
        "shining_threshold": version.shining_threshold,
        "note": version.note,
        "versionitem_set-TOTAL_FORMS": 0,
        "versionitem_set-INITIAL_FORMS": 0,
    }
    return data | changes


def test_campaign_without_answers_leaves_the_version_editable(client, staff_user, banks):
    version = Questionnaire.objects.get(code="keys").latest_version()
    CampaignFactory(questionnaire_version=version)
    client.force_login(staff_user)

    page = client.get(change_url(version))
    assert page.context["has_change_permission"]

    response = client.post(change_url(version), version_form(version, clear_threshold=45))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.clear_threshold == 45


def test_first_answer_freezes_the_version_and_the_admin_says_why(client, staff_user, banks):
    version = Questionnaire.objects.get(code="keys").latest_version()
    campaign = CampaignFactory(questionnaire_version=version)
    items = list(version.items.all()[:2])
    AnswerFactory(response__campaign=campaign, item=items[0])
    AnswerFactory(response__campaign=campaign, item=items[1])
    client.force_login(staff_user)

    page = client.get(change_url(version))

    assert not page.context["has_change_permission"]
    assert (
        "2 answers were given on this version; editing it would change what people "
        "answered. Make a new version instead."
    ) in page.content.decode()
    client.post(change_url(version), version_form(version, clear_threshold=45))
    version.refresh_from_db()
    assert version.clear_threshold == 50


def test_loader_follows_the_same_rule(banks):
    version = Questionnaire.objects.get(code="quick").latest_version()
    campaign = CampaignFactory(questionnaire_version=version)
    item = version.items.first()
    Item.objects.filter(pk=item.pk).update(text_en="Edited before anyone answered")

    report = load_question_banks()

    item.refresh_from_db()
    assert item.text_en != "Edited before anyone answered"  # not frozen: restored
    assert not report.skipped_frozen

    AnswerFactory(response__campaign=campaign, item=item)
    Item.objects.filter(pk=item.pk).update(text_en="Edited after the first answer")

    report = load_question_banks()

    item.refresh_from_db()
    assert item.text_en == "Edited after the first answer"
    assert item.code in report.skipped_frozen
