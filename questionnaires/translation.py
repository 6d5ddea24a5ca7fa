"""Paired Dutch/English fields and picking the right one for the active language."""

from django.db import models
from django.utils.translation import get_language

LANGUAGES = ("nl", "en")


def active_language(default: str = "nl") -> str:
    language = (get_language() or default)[:2]
    return language if language in LANGUAGES else default


class Bilingual(models.Model):
    """Adds `tr(field)`: the text of `field_nl` or `field_en` for the active language.

    Falls back to the other language when a text is missing in the active one.
    """

    class Meta:
        abstract = True

    def tr(self, field: str, language: str | None = None) -> str:
        language = language or active_language()
        other = "en" if language == "nl" else "nl"
        return getattr(self, f"{field}_{language}") or getattr(self, f"{field}_{other}")
