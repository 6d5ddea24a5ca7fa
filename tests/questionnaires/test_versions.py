from questionnaires.models import Questionnaire
from tests.factories import AnswerFactory, CampaignFactory


def test_version_is_frozen_once_answered(banks):
    version = Questionnaire.objects.get(code="listening").latest_version()
    assert not version.is_frozen
    campaign = CampaignFactory(questionnaire_version=version)
    assert not version.is_frozen  # a campaign alone does not freeze it: its first answer does
    AnswerFactory(response__campaign=campaign, item=version.items.first())
    assert version.is_frozen


def test_create_next_version_copies_items_and_thresholds(banks):
    version = Questionnaire.objects.get(code="keys").latest_version()
    version.clear_threshold, version.cut_threshold = 45, 65
    version.save()
    CampaignFactory(questionnaire_version=version)

    new = version.create_next_version()

    assert new.number == version.number + 1
    assert not new.is_frozen
    assert new.thresholds == (45, 65, 85)
    assert list(new.versionitem_set.values_list("item_id", "order")) == list(
        version.versionitem_set.values_list("item_id", "order")
    )
    assert Questionnaire.objects.get(code="keys").latest_version() == new
