"""The shipped banks are complete in both languages and follow the coding rules."""

import re
from collections import Counter

import pytest

from questionnaires.loader import BANKS_DIR, FRAMEWORK_CODES, read_yaml
from questionnaires.models import Dimension, Framework, Item, Questionnaire, Stage

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
        for n, item in enumerate(dim["items"], start=1):
            assert item["code"] == f"{bank['code']}.{dim['code']}.{n}"
            assert texts_complete(item, "text"), item["code"]
            if item.get("scale") == "bipolar":
                assert texts_complete(item, "from") and texts_complete(item, "to"), item["code"]


def test_quick_scan_covers_every_dimension_with_a_normal_item(bank):
    for dim in bank["dimensions"]:
        quick = [item for item in dim["items"] if item.get("quick")]
        assert len(quick) >= 1, f"{bank['code']}.{dim['code']} has no quick-scan item"
        assert not any(item.get("reverse") for item in quick), dim["code"]


def test_shifts_are_bipolar_and_keys_weakest_link():
    shifts = read_yaml(BANKS_DIR / "shifts.yaml")
    assert all(
        item.get("scale") == "bipolar" for dim in shifts["dimensions"] for item in dim["items"]
    )
    assert read_yaml(BANKS_DIR / "keys.yaml")["aggregation"] == "weakest_link"


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
    assert Framework.objects.get(code="keys").aggregation == Framework.WEAKEST_LINK
    for dimension in Dimension.objects.all():
        assert dimension.items.count() >= 3
        assert dimension.items.filter(quick_scan=True).exists()
        assert dimension.recommendations.count() >= 2
    assert not Item.objects.filter(text_nl="").exists()
    assert not Item.objects.filter(text_en="").exists()


def test_shipped_questionnaires(banks):
    codes = set(Questionnaire.objects.values_list("code", flat=True))
    assert codes == {"full", "quick", *FRAMEWORK_CODES}
    full = Questionnaire.objects.get(code="full").latest_version()
    quick = Questionnaire.objects.get(code="quick").latest_version()
    assert full.items.count() == Item.objects.count()
    assert set(quick.items.all()) == set(Item.objects.filter(quick_scan=True))
    assert full.thresholds == (50.0, 70.0, 85.0)
    for code in FRAMEWORK_CODES:
        version = Questionnaire.objects.get(code=code).latest_version()
        assert set(version.items.values_list("dimension__framework__code", flat=True)) == {code}
