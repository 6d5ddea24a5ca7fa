"""Every screen and report exists in Dutch: the Dutch catalogue is complete and compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.utils import translation

PO_FILE = Path(__file__).resolve().parents[2] / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
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


def _po_string(entry: str, keyword: str) -> str | None:
    """The text of `msgid`/`msgctxt` in an entry, its quoted lines joined and unescaped."""
    found = re.search(rf'^{keyword} ((?:"[^\n]*"\n?)+)', entry, re.M)
    if found is None:
        return None
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', found.group(1))
    return "".join(parts).encode("latin-1", "backslashreplace").decode("unicode_escape")


def test_every_entry_of_the_catalogue_is_compiled():
    """Every message of the .po is in the .mo: a .po that msgfmt refuses leaves an old
    .mo behind, and the newest texts would show in English."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    keys = {k[0] if isinstance(k, tuple) else k for k in compiled}
    missing = []
    # Entries are separated by blank lines (those with a msgctxt too, unlike `entries`).
    for entry in re.split(r"\n\n+", PO_FILE.read_text(encoding="utf-8")):
        if "\nmsgid " not in "\n" + entry or "\n#~ " in "\n" + entry:
            continue  # not a message, or an obsolete one
        msgid = _po_string(entry, "msgid")
        if not msgid:
            continue  # the header
        context = _po_string(entry, "msgctxt")
        key = f"{context}\x04{msgid}" if context is not None else msgid
        if key not in keys:
            missing.append(key)
    assert not missing, f"{len(missing)} messages not in the compiled catalogue: {missing[:5]}"
