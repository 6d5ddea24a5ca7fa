"""The linter's rules for the customer mirror (questionnaires/mirror_lint.py).

Each case copies the shipped banks, changes one thing in mirror.yaml and expects the rule
that guards it; the shipped mirror itself has no problem."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from questionnaires.bank_lint import lint_files
from questionnaires.loader import BANKS_DIR

Mirror = dict[str, Any]


def lint_changed(tmp_path: Path, change: Callable[[Mirror], None]) -> set[str]:
    banks = tmp_path / "banks"
    shutil.copytree(BANKS_DIR, banks)
    path = banks / "mirror.yaml"
    mirror = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(mirror)
    path.write_text(yaml.safe_dump(mirror, allow_unicode=True, sort_keys=False), "utf-8")
    return {problem.rule for problem in lint_files([path])}


def item(mirror: Mirror, code: str) -> dict[str, Any]:
    return next(entry for entry in mirror["items"] if entry["code"] == code)


def drop_statements(mirror: Mirror, keep: int) -> None:
    """Keep the first `keep` statements; the dropped dimensions move to not_mirrored."""
    for entry in mirror["items"][keep:]:
        mirror["not_mirrored"].append({"dimension": entry["dimension"], "why": "Left out."})
    mirror["items"] = mirror["items"][:keep]


def test_the_shipped_mirror_has_no_problem():
    assert [str(problem) for problem in lint_files([BANKS_DIR / "mirror.yaml"])] == []


def test_too_few_statements(tmp_path):
    assert lint_changed(tmp_path, lambda m: drop_statements(m, 9)) == {"mirror-size"}


def test_too_many_statements_and_too_long(tmp_path):
    def grow(mirror: Mirror) -> None:
        first = mirror["items"][0]
        for n in range(2, 9):
            mirror["items"].append(
                {
                    **first,
                    "code": f"{first['code'][:-2]}.{n}",
                    "text": {"nl": f"Dit bedrijf is {n} keer goed.", "en": f"Good {n} times."},
                }
            )

    assert lint_changed(tmp_path, grow) == {"mirror-size", "mirror-time"}


def test_a_bipolar_statement_is_refused(tmp_path):
    def bipolar(mirror: Mirror) -> None:
        entry = item(mirror, "mirror.keys.surprise.1")
        entry.update(scale="bipolar", to={"nl": "Altijd", "en": "Always"})

    assert lint_changed(tmp_path, bipolar) == {"mirror-scale"}


@pytest.mark.parametrize(
    "change",
    [
        {"dimension": "keys.nowhere"},
        {"why": ""},
        {"concept": "positive_magnet"},  # a diamond concept on a keys dimension
        {"code": "mirror.surprise.1"},
        {"audience": "everyone"},
        {"quick": True},
    ],
    ids=["unknown-dimension", "no-why", "foreign-concept", "short-code", "audience", "quick"],
)
def test_each_statement_names_its_dimension_concept_and_why(tmp_path, change):
    def apply(mirror: Mirror) -> None:
        item(mirror, "mirror.keys.surprise.1").update(change)

    rules = lint_changed(tmp_path, apply)
    # A statement on an unknown dimension also leaves keys.surprise uncovered.
    assert rules - {"mirror-coverage"} == {"mirror-item"}


def test_at_least_two_reverse_keyed_statements(tmp_path):
    def straighten(mirror: Mirror) -> None:
        reversed_items = [entry for entry in mirror["items"] if entry.get("reverse")]
        for entry in reversed_items[1:]:
            entry["reverse"] = False

    assert lint_changed(tmp_path, straighten) == {"mirror-reverse"}


def test_a_dimension_missing_from_both_lists(tmp_path):
    assert lint_changed(tmp_path, lambda m: m["not_mirrored"].pop()) == {"mirror-coverage"}


def test_a_dimension_in_both_lists(tmp_path):
    def both(mirror: Mirror) -> None:
        mirror["not_mirrored"].append({"dimension": "keys.surprise", "why": "Twice."})

    assert lint_changed(tmp_path, both) == {"mirror-coverage"}


def test_a_not_mirrored_dimension_needs_a_why(tmp_path):
    def no_why(mirror: Mirror) -> None:
        mirror["not_mirrored"][0]["why"] = ""

    assert lint_changed(tmp_path, no_why) == {"mirror-coverage"}


@pytest.mark.parametrize(
    "text",
    [
        {"nl": "Dit bedrijf doet wat we beloven.", "en": "This company keeps promises."},
        {"nl": "Onze mensen houden woord.", "en": "This company keeps promises."},
        {"nl": "Dit bedrijf houdt woord.", "en": "Our people keep their promises."},
        {"nl": "Dit bedrijf houdt woord.", "en": "This company keeps its promises to us."},
    ],
)
def test_statements_do_not_speak_as_the_organisation(tmp_path, text):
    def speak(mirror: Mirror) -> None:
        item(mirror, "mirror.keys.surprise.1")["text"] = text

    assert lint_changed(tmp_path, speak) == {"mirror-voice"}


def test_words_that_merely_contain_we_are_fine(tmp_path):
    def harmless(mirror: Mirror) -> None:
        item(mirror, "mirror.keys.surprise.1")["text"] = {
            "nl": "Dit bedrijf laat mij weten wanneer iets anders loopt dan gepland.",
            "en": "This company lets me know when something goes other than planned; trusty.",
        }

    assert lint_changed(tmp_path, harmless) == set()


def test_a_mirror_code_repeating_an_item_code_is_refused(tmp_path):
    def repeat(mirror: Mirror) -> None:
        mirror["items"][1]["code"] = mirror["items"][0]["code"]

    assert "item-code" in lint_changed(tmp_path, repeat)
