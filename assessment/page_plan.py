"""The questionnaire in pages: each page holds whole dimensions of one framework, about
``PAGE_SIZE_LOW``-``PAGE_SIZE_HIGH`` statements (see `group_dimensions`), and the last page of
a framework carries its one optional comment box. Plans are built once per version content
revision and kept in memory.

A customer questionnaire (the customer mirror) is paged differently: its statements in the
bank's order, 6-8 to a page under one plain title, no dimension headings (the internal
dimensions mean nothing to a customer) and one comment box at the end."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from questionnaires.models import Item, Questionnaire, QuestionnaireVersion

from .roles import MANAGEMENT_ROLES

# A page of 6-8 statements is about one to two phone screens: long enough to keep a
# dimension's statements together, short enough that nobody loses track.
PAGE_SIZE_LOW = 6
PAGE_SIZE_HIGH = 8

# The title of a customer's pages, in both languages like every text of a plan.
CUSTOMER_PAGE_TITLE_NL = "Jouw ervaring met dit bedrijf"
CUSTOMER_PAGE_TITLE_EN = "Your experience with this company"


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
class Section:
    """One dimension's statements on a page, under the dimension's name."""

    dimension: str  # full code
    title_nl: str
    title_en: str
    items: tuple[PlanItem, ...]

    def title(self, language: str) -> str:
        return _pick(self.title_nl, self.title_en, language)


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # 1-based
    framework_code: str
    title_nl: str  # the framework's name
    title_en: str
    sections: tuple[Section, ...]
    items: tuple[PlanItem, ...]
    item_ids: frozenset[int]
    # The framework's code on its last page, which asks for the framework's one comment;
    # empty on the other pages.
    comment_topic: str = ""

    def title(self, language: str) -> str:
        return _pick(self.title_nl, self.title_en, language)

    @property
    def first_number(self) -> int:
        return self.items[0].number

    @property
    def last_number(self) -> int:
        return self.items[-1].number


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


def group_dimensions(sizes: Sequence[int]) -> list[int]:
    """Where to break a framework's dimensions (their item counts, in order) into pages:
    the returned list holds how many dimensions each page takes.

    Pages hold whole dimensions and as few pages as keep them near 6-8 statements: every
    page costs 1, plus the square of how far its size falls outside that range. The
    cheapest split is found exactly (a shortest path over the break points).
    """

    def cost(size: int) -> int:
        outside = max(PAGE_SIZE_LOW - size, size - PAGE_SIZE_HIGH, 0)
        return 1 + outside * outside

    count = len(sizes)
    best: list[tuple[int, int]] = [(0, 0)] + [(0, 0)] * count  # (cost, start of last page)
    for end in range(1, count + 1):
        best[end] = min(
            (best[start][0] + cost(sum(sizes[start:end])), start) for start in range(end)
        )
    taken: list[int] = []
    end = count
    while end > 0:
        start = best[end][1]
        taken.append(end - start)
        end = start
    return taken[::-1]


def _sections_of(dimension, items: list, plan_item) -> list[Section]:
    """A dimension's statements as sections of at most PAGE_SIZE_HIGH (a bank may hold
    dimensions larger than a page)."""
    parts = -(-len(items) // PAGE_SIZE_HIGH)
    size = -(-len(items) // parts)
    return [
        Section(
            dimension=dimension.full_code,
            title_nl=dimension.name_nl,
            title_en=dimension.name_en,
            items=tuple(plan_item(item) for item in items[start : start + size]),
        )
        for start in range(0, len(items), size)
    ]


def _joined(sections: list[Section]) -> tuple[Section, ...]:
    """The page's sections with the parts of one split dimension that land on the same
    page joined again under one heading."""
    joined: list[Section] = []
    for section in sections:
        if joined and joined[-1].dimension == section.dimension:
            joined[-1] = replace(joined[-1], items=joined[-1].items + section.items)
        else:
            joined.append(section)
    return tuple(joined)


def build_page_plan(
    version: QuestionnaireVersion, *, with_management_items: bool = True
) -> PagePlan:
    """Split a version's items into pages (one query); without the items only management
    can answer when `with_management_items` is False (an employee's questionnaire)."""
    if version.questionnaire.audience == Questionnaire.CUSTOMER:
        return _customer_plan(version)
    frameworks: dict[int, dict[int, list]] = {}
    for item in version.ordered_items():
        if item.audience == Item.MANAGEMENT and not with_management_items:
            continue
        dimensions = frameworks.setdefault(item.dimension.framework_id, {})
        dimensions.setdefault(item.dimension_id, []).append(item)
    pages: list[Page] = []
    numbered = itertools.count(1)  # positions in the whole questionnaire

    def plan_item(item) -> PlanItem:
        return _plan_item(item, next(numbered))

    for dimensions in frameworks.values():
        sections = [
            section
            for items in dimensions.values()
            for section in _sections_of(items[0].dimension, items, plan_item)
        ]
        framework = next(iter(dimensions.values()))[0].dimension.framework
        framework_pages: list[Page] = []
        start = 0
        for taken in group_dimensions([len(section.items) for section in sections]):
            page_sections = _joined(sections[start : start + taken])
            start += taken
            page_items = tuple(item for section in page_sections for item in section.items)
            framework_pages.append(
                Page(
                    number=len(pages) + len(framework_pages) + 1,
                    framework_code=framework.code,
                    title_nl=framework.name_nl,
                    title_en=framework.name_en,
                    sections=page_sections,
                    items=page_items,
                    item_ids=frozenset(i.pk for i in page_items),
                )
            )
        framework_pages[-1] = replace(framework_pages[-1], comment_topic=framework.code)
        pages.extend(framework_pages)
    return PagePlan(
        version_id=version.pk,
        pages=tuple(pages),
        item_ids=frozenset(pk for page in pages for pk in page.item_ids),
        key=plan_key(version),
    )


def _plan_item(item: Item, number: int) -> PlanItem:
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


def _customer_plan(version: QuestionnaireVersion) -> PagePlan:
    """A customer questionnaire's pages: see the module's docstring."""
    ordered = version.items.select_related("dimension").order_by("versionitem__order", "code")
    items = [_plan_item(item, number) for number, item in enumerate(ordered, 1)]
    pages: list[Page] = []
    start = 0
    for taken in group_dimensions([1] * len(items)):
        page_items = tuple(items[start : start + taken])
        start += taken
        section = Section(dimension="", title_nl="", title_en="", items=page_items)
        pages.append(
            Page(
                number=len(pages) + 1,
                framework_code=version.questionnaire.code,
                title_nl=CUSTOMER_PAGE_TITLE_NL,
                title_en=CUSTOMER_PAGE_TITLE_EN,
                sections=(section,),
                items=page_items,
                item_ids=frozenset(i.pk for i in page_items),
            )
        )
    if pages:
        pages[-1] = replace(pages[-1], comment_topic=version.questionnaire.code)
    return PagePlan(
        version_id=version.pk,
        pages=tuple(pages),
        item_ids=frozenset(item.pk for item in items),
        key=plan_key(version),
    )


# One plan per version, kept for the life of the process and rebuilt when the version's
# key changes. The key holds the content revision, which every save of an item, dimension,
# framework or item selection raises, so an admin edit reaches new respondents on every
# process at the next request; the revision is read with the campaign's own query. The
# creation time guards against a reused primary key (tests flush the database).
_PLAN_CACHE: dict[tuple[int, bool], PagePlan] = {}
_PLAN_CACHE_LOCK = threading.Lock()
_PLAN_CACHE_SIZE = 64


def plan_key(version: QuestionnaireVersion) -> tuple:
    return (version.pk, version.created_at, version.content_revision)


def get_page_plan(version: QuestionnaireVersion, role: str | None = None) -> PagePlan:
    """The version's pages as a respondent of `role` sees them: employees do not get the
    items only management can answer. None (no role chosen yet): every item."""
    with_management_items = role is None or role in MANAGEMENT_ROLES
    cache_key = (version.pk, with_management_items)
    plan = _PLAN_CACHE.get(cache_key)
    if plan is None or plan.key != plan_key(version):
        plan = build_page_plan(version, with_management_items=with_management_items)
        with _PLAN_CACHE_LOCK:
            if len(_PLAN_CACHE) >= _PLAN_CACHE_SIZE:
                _PLAN_CACHE.clear()
            _PLAN_CACHE[cache_key] = plan
    return plan


def clear_page_plan_cache() -> None:
    with _PLAN_CACHE_LOCK:
        _PLAN_CACHE.clear()
