"""Every screen and report exists in Dutch: the Dutch catalogue is complete and compiled."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

PO_FILE = Path(__file__).resolve().parents[2] / "locale" / "nl" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(r"\n\n(?=(?:#[^\n]*\n)*msgid )")


def entries() -> list[str]:
    return [e for e in ENTRY.split(PO_FILE.read_text(encoding="utf-8")) if "\nmsgid " in "\n" + e]


def untranslated(entry: str) -> bool:
    if 'msgid ""\nmsgstr ""\n"' in entry:  # the header
        return False
    translations = re.findall(r'^msgstr(?:\[\d\])? ((?:"[^\n]*"\n?)+)', entry, re.M)
    return not translations or any(t.strip() == '""' for t in translations)


def test_every_message_has_a_dutch_translation():
    found = entries()
    assert len(found) > 400
    fuzzy = [e for e in found if re.search(r"^#,.*\bfuzzy\b", e, re.M)]
    missing = [e for e in found if untranslated(e)]
    assert not fuzzy, "fuzzy translations:\n" + "\n---\n".join(fuzzy[:5])
    assert not missing, "untranslated:\n" + "\n---\n".join(missing[:5])


def test_the_compiled_catalogue_is_current():
    """The .mo file holds the translations of the .po (compilemessages was run)."""
    with translation.override("nl"):
        assert translation.gettext("Executive summary") == "Managementsamenvatting"
        assert translation.gettext("Opinions differ within the group on:") != (
            "Opinions differ within the group on:"
        )
