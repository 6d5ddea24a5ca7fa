"""A statement's markup on the respondent's page: its radio group, rendered once per item
and language in this process and reused with the answer stamped in."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import responding
from .page_plan import PagePlan, PlanItem


def _dont_know() -> tuple[str, str, str]:
    return (responding.DONT_KNOW, _("Don’t know / not applicable"), "")


def _agreement_options() -> list[tuple[str, str, str]]:
    """(value, visible label, extra label for screen readers)."""
    return [
        ("1", _("Strongly disagree"), ""),
        ("2", _("Disagree"), ""),
        ("3", _("Neutral"), ""),
        ("4", _("Agree"), ""),
        ("5", _("Strongly agree"), ""),
        _dont_know(),
    ]


def _bipolar_options(pole_from: str, pole_to: str) -> list[tuple[str, str, str]]:
    """The numbers 1-5, each announced with the statement it leans to, so that a screen
    reader user hears the choice itself and not only "1"."""
    fully, closer = _("fully: %(pole)s"), _("closer to: %(pole)s")
    return [
        ("1", "1", fully % {"pole": pole_from}),
        ("2", "2", closer % {"pole": pole_from}),
        ("3", "3", _("in between")),
        ("4", "4", closer % {"pole": pole_to}),
        ("5", "5", fully % {"pole": pole_to}),
        _dont_know(),
    ]


# The statements are the bulk of a page. Each one's markup (respondent/_item.html) is
# rendered once per item and language in this process, then reused with the answer
# stamped in as `checked`: the hot path does a string replace per item instead of a
# template loop over six radios. The key holds the plan's key (its content revision
# changes with every edit of a text) and the plan item itself, texts included, so an
# edited statement is never served from an older rendering, also not by a request that
# still holds the version as it was before the edit. A statement with an error is always
# rendered fresh.
_ITEM_MARKUP: dict[tuple, str] = {}
_ITEM_MARKUP_LIMIT = 20_000


def _render_item(item: PlanItem, language: str, error: str = "") -> str:
    pk = str(item.pk)
    described = [f"pf-{pk} pt-{pk}"] if item.bipolar else []
    if error:
        described.append(f"e-{pk}")
    pole_from = item.pole_from(language) if item.bipolar else ""
    pole_to = item.pole_to(language) if item.bipolar else ""
    context = {
        "pk": pk,
        "number": str(item.number),
        "text": item.text(language),
        "bipolar": item.bipolar,
        "pole_from": pole_from,
        "pole_to": pole_to,
        "error": error,
        "describedby": " ".join(described),
        "options": (_bipolar_options(pole_from, pole_to) if item.bipolar else _agreement_options()),
    }
    return render_to_string("respondent/_item.html", context)


def item_markup(
    plan: PagePlan, item: PlanItem, language: str, value: str, error: str = ""
) -> SafeString:
    """The statement's radio group with `value` ("1".."5", "dk" or "") checked."""
    if error:
        markup = _render_item(item, language, error)
    else:
        key = (plan.key, item, language)
        cached = _ITEM_MARKUP.get(key)
        if cached is None:
            if len(_ITEM_MARKUP) >= _ITEM_MARKUP_LIMIT:
                _ITEM_MARKUP.clear()
            cached = _ITEM_MARKUP[key] = _render_item(item, language)
        markup = cached
    if value in responding.ANSWER_VALUES:
        # Texts are escaped, so `value="…">` occurs only in the item's own radios.
        markup = markup.replace(f' value="{value}">', f' value="{value}" checked>', 1)
    return mark_safe(markup)  # noqa: S308 - rendered and escaped by the template engine
