"""Loading an archived bank edition beside the current one (`loader.ARCHIVED_EDITIONS`).

The archived edition gives questionnaires without any version their first version; the
current edition's reworded items get new codes and `replaces:` links to the old ones.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from questionnaires import models as bank
from questionnaires.loader import BANKS_DIR, BankError, load_question_banks
from questionnaires.models import Framework, FrameworkStage, Item, Questionnaire

pytestmark = pytest.mark.django_db


def empty_bank_tables() -> None:
    # In the order the protecting foreign keys allow.
    for model in (
        bank.VersionItem,
        bank.QuestionnaireVersion,
        bank.Questionnaire,
        bank.Item,
        bank.Recommendation,
        bank.Dimension,
        bank.FrameworkStage,
        bank.Framework,
    ):
        model.objects.all().delete()


def reword_first_keys_item(banks: Path) -> tuple[str, str]:
    """In the copy's current keys.yaml, give the first item a new wording under a new
    code that replaces the old one; returns (old code, new code)."""
    path = banks / "keys.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    item = data["dimensions"][0]["items"][0]
    old = item["code"]
    new = f"{old.rsplit('.', 1)[0]}.99"
    item.update(
        code=new,
        replaces=[old],
        text={"nl": "Een nieuwe formulering.", "en": "A new wording."},
    )
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return old, new


@pytest.fixture
def banks_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "banks"
    shutil.copytree(BANKS_DIR, copy)
    # The archive is the current edition here, whatever the shipped files hold now.
    shutil.rmtree(copy / "edition1")
    (copy / "edition1").mkdir()
    for name in ("diamond", "shifts", "keys", "care", "listening"):
        shutil.copy(copy / f"{name}.yaml", copy / "edition1" / f"{name}.yaml")
    return copy


def test_a_new_installation_holds_the_archived_edition_as_version_1(banks_copy):
    old, new = reword_first_keys_item(banks_copy)
    empty_bank_tables()

    load_question_banks(banks_copy)

    full = Questionnaire.objects.get(code="full")
    first, second = full.versions.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert first.is_published and second.is_published
    assert "edition1" in first.note
    assert first.items.filter(code=old).exists() and not first.items.filter(code=new).exists()
    assert second.items.filter(code=new).exists() and not second.items.filter(code=old).exists()
    assert first.items.count() == second.items.count()
    assert list(Item.objects.get(code=new).replaces.values_list("code", flat=True)) == [old]


def test_loading_again_changes_nothing(banks_copy):
    reword_first_keys_item(banks_copy)
    empty_bank_tables()
    load_question_banks(banks_copy)

    report = load_question_banks(banks_copy)

    assert not report.changed, report.lines()
    assert Questionnaire.objects.get(code="full").versions.count() == 2


def test_an_existing_installation_gets_no_archived_version(banks_copy):
    """The session database already has versions: the archive adds no version 1 again,
    and only the current edition's new selection becomes a version."""
    counts = {q.code: q.versions.count() for q in Questionnaire.objects.all()}
    old, new = reword_first_keys_item(banks_copy)

    load_question_banks(banks_copy)

    full = Questionnaire.objects.get(code="full")
    assert full.versions.count() == counts["full"]  # the unused latest version is updated
    assert full.latest_version().items.filter(code=new).exists()
    assert not full.latest_version().items.filter(code=old).exists()


def test_the_current_edition_owns_the_shared_texts(banks_copy):
    data = yaml.safe_load((banks_copy / "edition1" / "keys.yaml").read_text(encoding="utf-8"))
    data["name"] = {"nl": "Oude naam", "en": "Old name"}
    (banks_copy / "edition1" / "keys.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    empty_bank_tables()

    load_question_banks(banks_copy)

    assert Framework.objects.get(code="keys").name_en != "Old name"


def test_framework_stage_texts_are_loaded(banks_copy):
    data = yaml.safe_load((banks_copy / "keys.yaml").read_text(encoding="utf-8"))
    data["stages"] = {
        code: {
            "looks_like": {"nl": f"Zo ziet {code} eruit.", "en": f"What {code} looks like."},
            "next_step": {"nl": f"Volgende stap na {code}.", "en": f"Next step after {code}."},
        }
        for code in ("rough", "clear", "cut", "shining")
    }
    (banks_copy / "keys.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )

    load_question_banks(banks_copy)

    text = FrameworkStage.objects.get(framework__code="keys", stage="cut")
    assert (text.looks_like_en, text.next_step_nl) == (
        "What cut looks like.",
        "Volgende stap na cut.",
    )


def test_a_management_item_in_the_quick_scan_is_refused(banks_copy):
    data = yaml.safe_load((banks_copy / "keys.yaml").read_text(encoding="utf-8"))
    item = next(i for d in data["dimensions"] for i in d["items"] if i.get("quick"))
    item["audience"] = "management"
    (banks_copy / "keys.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    before = Item.objects.filter(audience=Item.MANAGEMENT).count()

    with pytest.raises(BankError, match=f"{item['code']}: an item for management only"):
        load_question_banks(banks_copy)

    assert Item.objects.filter(audience=Item.MANAGEMENT).count() == before
