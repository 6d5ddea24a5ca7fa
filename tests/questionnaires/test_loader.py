import shutil
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from assessment.models import Campaign
from questionnaires.loader import BANKS_DIR, BankError, load_question_banks
from questionnaires.models import Item, Questionnaire
from tests.factories import AnswerFactory, CampaignFactory


def run_loader() -> str:
    out = StringIO()
    call_command("load_question_banks", stdout=out)
    return out.getvalue()


def test_second_run_reports_no_changes(banks):
    output = run_loader()
    assert "no changes" in output
    assert "created" not in output and "updated" not in output


def current_keys_item() -> str:
    """The first item code of the current edition's keys.yaml."""
    return yaml.safe_load((BANKS_DIR / "keys.yaml").read_text())["dimensions"][0]["items"][0][
        "code"
    ]


def test_loader_restores_edited_text_of_unused_version(banks):
    code = current_keys_item()
    Item.objects.filter(code=code).update(text_en="Edited in the admin")
    output = run_loader()
    assert "items: 1 updated" in output
    assert Item.objects.get(code=code).text_en != "Edited in the admin"


def test_loader_leaves_an_archived_editions_item_alone(banks):
    """Edition 1 is history: its items are created when missing, never rewritten."""
    edition1 = yaml.safe_load((BANKS_DIR / "edition1" / "keys.yaml").read_text())
    code = edition1["dimensions"][0]["items"][0]["code"]
    Item.objects.filter(code=code).update(text_en="Edited in the admin")
    assert "no changes" in run_loader()
    assert Item.objects.get(code=code).text_en == "Edited in the admin"


def test_loader_never_alters_a_frozen_version(banks):
    version = Questionnaire.objects.get(code="quick").latest_version()
    campaign = CampaignFactory(questionnaire_version=version)
    item = version.items.first()
    AnswerFactory(response__campaign=campaign, item=item)
    Item.objects.filter(pk=item.pk).update(text_en="Text the old campaign was answered on")
    before = list(version.versionitem_set.values_list("item_id", "order"))

    output = run_loader()

    item.refresh_from_db()
    assert item.text_en == "Text the old campaign was answered on"
    assert "left alone" in output
    assert list(version.versionitem_set.values_list("item_id", "order")) == before


def test_changed_selection_of_frozen_version_creates_new_version(banks, tmp_path):
    banks_copy = tmp_path / "banks"
    shutil.copytree(BANKS_DIR, banks_copy)
    keys_version = Questionnaire.objects.get(code="keys").latest_version()
    keys_file = banks_copy / "keys.yaml"
    bank = yaml.safe_load(keys_file.read_text(encoding="utf-8"))
    # Promote every keys item to the quick scan: the quick selection changes, keys does not.
    for dimension in bank["dimensions"]:
        for item in dimension["items"]:
            item["quick"] = True
    keys_file.write_text(yaml.safe_dump(bank, allow_unicode=True), encoding="utf-8")
    quick = Questionnaire.objects.get(code="quick")
    campaign = CampaignFactory(questionnaire_version=quick.latest_version())
    AnswerFactory(response__campaign=campaign, item=quick.latest_version().items.first())
    old_number = quick.latest_version().number

    load_question_banks(banks_copy)

    assert quick.latest_version().number == old_number + 1
    assert Campaign.objects.filter(questionnaire_version__number=old_number).exists()
    assert Questionnaire.objects.get(code="keys").latest_version() == keys_version


def test_malformed_bank_is_refused_with_file_name_and_nothing_changes(banks, tmp_path):
    banks_copy = tmp_path / "banks"
    shutil.copytree(BANKS_DIR, banks_copy)
    (banks_copy / "care.yaml").write_text("code: care\nname: {nl: Zorg}\n", encoding="utf-8")
    count = Item.objects.count()
    with pytest.raises(BankError, match=r"care\.yaml.*'name' needs both"):
        load_question_banks(banks_copy)
    assert Item.objects.count() == count
