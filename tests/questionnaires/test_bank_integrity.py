"""The shipped banks are complete in both languages and follow the coding rules."""

import re
from collections import Counter

import pytest

from assessment import responding
from questionnaires.bank_lint import bank_files, lint_files
from questionnaires.loader import BANKS_DIR, FRAMEWORK_CODES, read_yaml
from questionnaires.models import Dimension, Framework, FrameworkStage, Item, Questionnaire, Stage

QUICK_SCAN_MINUTES = 10

EXPECTED_DIMENSIONS = {
    "diamond": range(8, 11),
    "shifts": range(10, 11),
    "keys": range(5, 6),
    "care": range(6, 11),
    "listening": range(3, 6),
}


def texts_complete(node: dict, key: str) -> bool:
    value = node.get(key)
    return isinstance(value, dict) and bool(value.get("nl")) and bool(value.get("en"))


@pytest.fixture(scope="module", params=FRAMEWORK_CODES)
def bank(request) -> dict:
    return read_yaml(BANKS_DIR / f"{request.param}.yaml")


def test_framework_has_expected_number_of_dimensions(bank):
    assert len(bank["dimensions"]) in EXPECTED_DIMENSIONS[bank["code"]]


def test_framework_texts_in_both_languages(bank):
    assert texts_complete(bank, "name")
    assert texts_complete(bank, "description")
    assert bank.get("source")


def test_every_dimension_complete(bank):
    for dim in bank["dimensions"]:
        where = f"{bank['code']}.{dim['code']}"
        assert re.fullmatch(r"[a-z][a-z0-9_]*", dim["code"]), where
        for key in ("name", "description", "discussion_question"):
            assert texts_complete(dim, key), f"{where}: {key}"
        assert len(dim["recommendations"]) >= 2, where
        assert all(rec.get("nl") and rec.get("en") for rec in dim["recommendations"]), where
        assert len(dim["items"]) >= 3, where


def test_every_item_complete_and_coded(bank):
    for dim in bank["dimensions"]:
        for item in dim["items"]:
            assert re.fullmatch(rf"{bank['code']}\.{dim['code']}\.[0-9]+", item["code"])
            assert texts_complete(item, "text"), item["code"]
            if item.get("scale") == "bipolar":
                assert texts_complete(item, "from") and texts_complete(item, "to"), item["code"]


def test_check_banks_passes_on_the_shipped_banks():
    assert [str(problem) for problem in lint_files(bank_files())] == []


def test_every_dimension_has_two_quick_items_answerable_by_everyone(bank):
    for dim in bank["dimensions"]:
        quick = [item for item in dim["items"] if item.get("quick")]
        assert len(quick) == 2, f"{bank['code']}.{dim['code']}"
        assert all(item.get("audience", "everyone") == "everyone" for item in quick)
        assert any(item.get("reverse") for item in dim["items"]), dim["code"]


def test_the_quick_scan_takes_under_ten_minutes():
    quick = [
        item
        for code in FRAMEWORK_CODES
        for dim in read_yaml(BANKS_DIR / f"{code}.yaml")["dimensions"]
        for item in dim["items"]
        if item.get("quick")
    ]
    assert len(quick) * responding.SECONDS_PER_ITEM < QUICK_SCAN_MINUTES * 60
    # Respondents meet reverse-keyed statements in the quick scan too.
    assert sum(bool(item.get("reverse")) for item in quick) >= len(quick) // 4


def test_shifts_are_mostly_bipolar_with_a_third_reversed_and_keys_weakest_link():
    shifts = read_yaml(BANKS_DIR / "shifts.yaml")
    items = [item for dim in shifts["dimensions"] for item in dim["items"]]
    bipolar = [item for item in items if item.get("scale") == "bipolar"]
    assert len(bipolar) * 2 > len(items)
    reversed_share = sum(bool(item.get("reverse")) for item in bipolar) / len(bipolar)
    assert 0.25 <= reversed_share <= 0.45
    assert read_yaml(BANKS_DIR / "keys.yaml")["aggregation"] == "weakest_link"


def current_item_codes() -> set[str]:
    return {
        item["code"]
        for code in FRAMEWORK_CODES
        for dim in read_yaml(BANKS_DIR / f"{code}.yaml")["dimensions"]
        for item in dim["items"]
    }


def test_item_and_dimension_codes_unique_across_banks():
    codes = Counter()
    for code in FRAMEWORK_CODES:
        bank = read_yaml(BANKS_DIR / f"{code}.yaml")
        dims = Counter(dim["code"] for dim in bank["dimensions"])
        assert max(dims.values()) == 1, f"duplicate dimension code in {code}"
        codes.update(item["code"] for dim in bank["dimensions"] for item in dim["items"])
    assert max(codes.values()) == 1


def test_loaded_database_matches_files(banks):
    assert set(Framework.objects.values_list("code", flat=True)) == set(FRAMEWORK_CODES)
    assert Stage.objects.count() == 4
    assert not Stage.objects.filter(next_step_en="").exists()
    assert FrameworkStage.objects.count() == 4 * len(FRAMEWORK_CODES)
    assert Framework.objects.get(code="keys").aggregation == Framework.WEAKEST_LINK
    current = Item.objects.filter(code__in=current_item_codes())
    for dimension in Dimension.objects.all():
        assert current.filter(dimension=dimension).count() >= 3
        assert current.filter(dimension=dimension, quick_scan=True).count() == 2
        assert dimension.recommendations.count() >= 2
    assert not current.filter(concept="").exists()
    assert not Item.objects.filter(text_nl="").exists()
    assert not Item.objects.filter(text_en="").exists()


def test_shipped_questionnaires(banks):
    codes = set(Questionnaire.objects.internal().values_list("code", flat=True))
    assert codes == {"full", "quick", *FRAMEWORK_CODES}
    assert set(Questionnaire.objects.for_customers().values_list("code", flat=True)) == {"mirror"}
    full = Questionnaire.objects.get(code="full").latest_version()
    quick = Questionnaire.objects.get(code="quick").latest_version()
    current = Item.objects.filter(code__in=current_item_codes())
    assert set(full.items.all()) == set(current)
    assert set(quick.items.all()) == set(current.filter(quick_scan=True))
    # A new installation holds edition 1 as version 1, for rounds answered on it.
    first = Questionnaire.objects.get(code="full").versions.get(number=1)
    assert first.bank_edition == "edition1" and first.is_published
    assert full.number == 2 and set(first.items.all()) != set(full.items.all())
    assert full.thresholds == (50.0, 70.0, 85.0)
    for code in FRAMEWORK_CODES:
        version = Questionnaire.objects.get(code=code).latest_version()
        assert set(version.items.values_list("dimension__framework__code", flat=True)) == {code}
