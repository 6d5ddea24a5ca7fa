import pytest
from django.urls import reverse

from assessment.models import Answer
from questionnaires.models import Dimension, Framework, Item, Questionnaire, QuestionnaireVersion
from tests.factories import AnswerFactory, CampaignFactory, ResponseFactory

ADMIN_PAGES = [
    "admin:questionnaires_framework_changelist",
    "admin:questionnaires_dimension_changelist",
    "admin:questionnaires_item_changelist",
    "admin:questionnaires_questionnaireversion_changelist",
    "admin:questionnaires_stage_changelist",
]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_staff_sees_admin_pages(client, staff_user, page):
    client.force_login(staff_user)
    assert client.get(reverse(page)).status_code == 200


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_non_staff_is_sent_to_admin_login(client, consultant, page):
    client.force_login(consultant)
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_framework_page_shows_dimensions_in_both_languages(client, staff_user):
    client.force_login(staff_user)
    framework = Framework.objects.get(code="keys")
    page = client.get(reverse("admin:questionnaires_framework_change", args=[framework.pk]))
    dimension = framework.dimensions.first()
    assert dimension.name_nl in page.content.decode()
    assert dimension.name_en in page.content.decode()


def test_dimension_page_shows_items_inline(client, staff_user):
    client.force_login(staff_user)
    dimension = Dimension.objects.get(framework__code="keys", code="journey")
    page = client.get(reverse("admin:questionnaires_dimension_change", args=[dimension.pk]))
    for item in dimension.items.all():
        assert item.code in page.content.decode()


def test_frozen_version_is_read_only_and_offers_new_version(client, staff_user):
    version = Questionnaire.objects.get(code="keys").latest_version()
    campaign = CampaignFactory(questionnaire_version=version)
    AnswerFactory(response__campaign=campaign, item=version.items.first())
    client.force_login(staff_user)
    url = reverse("admin:questionnaires_questionnaireversion_change", args=[version.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert "frozen" in page.content.decode()

    client.post(url, {"clear_threshold": 10, "cut_threshold": 20, "shining_threshold": 30})
    version.refresh_from_db()
    assert version.thresholds == (50, 70, 85)

    new_version_url = reverse(
        "admin:questionnaires_questionnaireversion_new_version", args=[version.pk]
    )
    response = client.post(new_version_url)
    new = Questionnaire.objects.get(code="keys").latest_version()
    assert new.number == version.number + 1
    assert response["Location"].endswith(
        reverse("admin:questionnaires_questionnaireversion_change", args=[new.pk])
    )


def test_create_new_version_admin_action(client, staff_user):
    version = Questionnaire.objects.get(code="care").latest_version()
    client.force_login(staff_user)
    client.post(
        reverse("admin:questionnaires_questionnaireversion_changelist"),
        {"action": "create_new_version", "_selected_action": [version.pk]},
    )
    assert QuestionnaireVersion.objects.filter(
        questionnaire=version.questionnaire, number=version.number + 1
    ).exists()


def test_item_with_answers_cannot_be_deleted(client, staff_user):
    item = Item.objects.get(code="keys.journey.1")
    Answer.objects.create(response=ResponseFactory(), item=item, value=3)
    client.force_login(staff_user)

    page = client.post(reverse("admin:questionnaires_item_delete", args=[item.pk]), {"post": "yes"})

    assert Item.objects.filter(pk=item.pk).exists()
    assert page.status_code in (200, 403)
    if page.status_code == 200:
        assert "protected" in page.content.decode().lower()


def test_scoring_fields_of_frozen_item_are_read_only(client, staff_user):
    version = Questionnaire.objects.get(code="keys").latest_version()
    campaign = CampaignFactory(questionnaire_version=version)
    item = version.items.first()
    AnswerFactory(response__campaign=campaign, item=item)
    client.force_login(staff_user)
    page = client.get(reverse("admin:questionnaires_item_change", args=[item.pk]))
    assert set(page.context["adminform"].readonly_fields) >= {"reverse_keyed", "scale"}


def test_items_filter_by_whether_new_campaigns_get_them(client, staff_user, banks):
    """Edition 1's items stay in the database for the rounds answered on them; the filter
    tells them from the current ones."""
    full = Questionnaire.objects.get(code="full")
    mirror = Questionnaire.objects.get(code="mirror")
    current = {
        code
        for questionnaire in (full, mirror)
        for code in questionnaire.latest_published_version().items.values_list("code", flat=True)
    }
    earlier = set(full.versions.get(number=1).items.values_list("code", flat=True)) - current
    assert current and earlier
    client.force_login(staff_user)
    url = reverse("admin:questionnaires_item_changelist")

    def listed(value: str) -> set[str]:
        page = client.get(url, {"current": value, "all": ""})
        return {item.code for item in page.context["cl"].result_list}

    assert listed("yes") == current
    assert listed("no") == earlier
