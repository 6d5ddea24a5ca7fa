"""The questionnaire in pages: one page per framework when the framework has at most
``FRAMEWORK_PAGE_LIMIT`` items in the version (the quick scan), otherwise one page per
dimension (the full scan). Plans are built once per version content revision and kept in
memory."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from questionnaires.models import Item, QuestionnaireVersion

from .roles import MANAGEMENT_ROLES

FRAMEWORK_PAGE_LIMIT = 20  # the quick scan: 2 statements per dimension, up to 10 dimensions


@dataclass(frozen=True, slots=True)
class PlanItem:
    pk: int
    code: str
    number: int  # 1-based position in the whole questionnaire
    bipolar: bool
    text_nl: str
    text_en: str
    pole_from_nl: str = ""
    pole_from_en: str = ""
    pole_to_nl: str = ""
    pole_to_en: str = ""
    for_management_only: bool = False

    def text(self, language: str) -> str:
        return _pick(self.text_nl, self.text_en, language)

    def pole_from(self, language: str) -> str:
        return _pick(self.pole_from_nl, self.pole_from_en, language)

    def pole_to(self, language: str) -> str:
        return _pick(self.pole_to_nl, self.pole_to_en, language)


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # 1-based
    topic: str  # framework code (`keys`) or dimension full code (`keys.journey`)
    title_nl: str
    title_en: str
    framework_nl: str
    framework_en: str
    items: tuple[PlanItem, ...]
    item_ids: frozenset[int]

    def title(self, language: str) -> str:
        return _pick(self.title_nl, self.title_en, language)

    def framework(self, language: str) -> str:
        return _pick(self.framework_nl, self.framework_en, language)

    @property
    def is_framework_page(self) -> bool:
        return "." not in self.topic


@dataclass(frozen=True)
class PagePlan:
    version_id: int
    pages: tuple[Page, ...]
    item_ids: frozenset[int] = field(default_factory=frozenset)
    # Identifies the version's content for caches: see `plan_key`.
    key: tuple = ()

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def item_count(self) -> int:
        return len(self.item_ids)

    def page(self, number: int) -> Page | None:
        """Page `number` (1-based), or None when out of range."""
        if 1 <= number <= len(self.pages):
            return self.pages[number - 1]
        return None


def _pick(nl: str, en: str, language: str) -> str:
    if language == "en":
        return en or nl
    return nl or en


def build_page_plan(version: QuestionnaireVersion) -> PagePlan:
    """Split a version's items into pages (one query)."""
    frameworks: dict[int, list] = {}
    for item in version.ordered_items():
        frameworks.setdefault(item.dimension.framework_id, []).append(item)
    pages: list[Page] = []
    number = 0

    def plan_item(item) -> PlanItem:
        nonlocal number
        number += 1
        return PlanItem(
            pk=item.pk,
            code=item.code,
            number=number,
            bipolar=item.is_bipolar,
            text_nl=item.text_nl,
            text_en=item.text_en,
            pole_from_nl=item.pole_from_nl,
            pole_from_en=item.pole_from_en,
            pole_to_nl=item.pole_to_nl,
            pole_to_en=item.pole_to_en,
            for_management_only=item.audience == Item.MANAGEMENT,
        )

    for items in frameworks.values():
        framework = items[0].dimension.framework
        if len(items) <= FRAMEWORK_PAGE_LIMIT:
            groups = [(framework.code, framework.name_nl, framework.name_en, items)]
        else:
            by_dimension: dict[int, list] = {}
            for item in items:
                by_dimension.setdefault(item.dimension_id, []).append(item)
            groups = []
            for group in by_dimension.values():
                dimension = group[0].dimension
                groups.append((dimension.full_code, dimension.name_nl, dimension.name_en, group))
        for topic, title_nl, title_en, group in groups:
            plan_items = tuple(plan_item(item) for item in group)
            pages.append(
                Page(
                    number=len(pages) + 1,
                    topic=topic,
                    title_nl=title_nl,
                    title_en=title_en,
                    framework_nl=framework.name_nl,
                    framework_en=framework.name_en,
                    items=plan_items,
                    item_ids=frozenset(i.pk for i in plan_items),
                )
            )
    return PagePlan(
        version_id=version.pk,
        pages=tuple(pages),
        item_ids=frozenset(pk for page in pages for pk in page.item_ids),
        key=plan_key(version),
    )


# One plan per version, kept for the life of the process and rebuilt when the version's
# key changes. The key holds the content revision, which every save of an item, dimension,
# framework or item selection raises, so an admin edit reaches new respondents on every
# process at the next request; the revision is read with the campaign's own query. The
# creation time guards against a reused primary key (tests flush the database).
_PLAN_CACHE: dict[int, PagePlan] = {}
_PLAN_CACHE_LOCK = threading.Lock()
_PLAN_CACHE_SIZE = 64


def plan_key(version: QuestionnaireVersion) -> tuple:
    return (version.pk, version.created_at, version.content_revision)


def get_page_plan(version: QuestionnaireVersion, role: str | None = None) -> PagePlan:
    """The version's pages as a respondent of `role` sees them: employees do not get the
    items only management can answer. None (no role chosen yet): every item."""
    plan = _PLAN_CACHE.get(version.pk)
    if plan is None or plan.key != plan_key(version):
        plan = build_page_plan(version)
        with _PLAN_CACHE_LOCK:
            if len(_PLAN_CACHE) >= _PLAN_CACHE_SIZE:
                _PLAN_CACHE.clear()
            _PLAN_CACHE[version.pk] = plan
    if role is None or role in MANAGEMENT_ROLES:
        return plan
    return _without_management_items(plan)


def _without_management_items(plan: PagePlan) -> PagePlan:
    """The plan without management-only items, numbered again; empty pages left out.
    The plan itself when it has none (as the shipped banks)."""
    if not any(item.for_management_only for page in plan.pages for item in page.items):
        return plan
    pages: list[Page] = []
    number = 0
    for page in plan.pages:
        kept = []
        for item in page.items:
            if not item.for_management_only:
                number += 1
                kept.append(replace(item, number=number))
        if kept:
            pages.append(
                replace(
                    page,
                    number=len(pages) + 1,
                    items=tuple(kept),
                    item_ids=frozenset(i.pk for i in kept),
                )
            )
    return replace(
        plan,
        pages=tuple(pages),
        item_ids=frozenset(pk for page in pages for pk in page.item_ids),
    )


def clear_page_plan_cache() -> None:
    with _PLAN_CACHE_LOCK:
        _PLAN_CACHE.clear()
