"""A linter for the question banks (`questionnaires/banks/*.yaml`), without a database.

It reads the YAML text itself with `yaml.compose`, so that every problem carries the
`file:line` of the node it is about. `manage.py check_banks` prints the problems; see
`banks/README.md` ("Checking the banks") for the rules and their ids.

The field names follow the shipped banks and `loader.py`: bilingual texts are mappings
`{nl: ..., en: ...}` (a sibling pair `<field>_nl` / `<field>_en` is checked too),
quick-scan membership is `quick: true` on the item (`select: quick` in
`questionnaires.yaml` picks exactly those), reverse keying is `reverse: true`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .bank_nodes import (
    LANGS,
    PARSE,
    Bank,
    Item,
    Problem,
    child,
    entries,
    flag,
    key_node,
    line_of,
    normalise,
    read_bank,
    scalar,
    walk,
)
from .mirror_lint import MIRROR_RULES, check_mirror

BANKS_DIR = Path(__file__).resolve().parent / "banks"

MIN_ITEMS_PER_DIMENSION = 3
MIN_QUICK_ITEMS_PER_DIMENSION = 2
EVERYONE, MANAGEMENT = "everyone", "management"
AUDIENCES: tuple[str, ...] = (EVERYONE, MANAGEMENT)  # management = board and managers
CONCEPT_NAME_MAX = 80  # a concept's name is a short label, not a passage

CONCEPTS_COVERED = "concepts-covered"
DIMENSION_SIZE = "dimension-size"
DIMENSION_REVERSE = "dimension-reverse"
QUICK_COVERAGE = "quick-coverage"
LANGUAGES = "languages"
DUPLICATE_TEXT = "duplicate-text"
ITEM_CODE = "item-code"
AUDIENCE = "audience"
STAGES = "stages"
EDITION = "edition"
RULES: tuple[str, ...] = (
    PARSE,
    CONCEPTS_COVERED,
    DIMENSION_SIZE,
    DIMENSION_REVERSE,
    QUICK_COVERAGE,
    LANGUAGES,
    DUPLICATE_TEXT,
    ITEM_CODE,
    AUDIENCE,
    STAGES,
    EDITION,
    *MIRROR_RULES,
)
STAGE_CODES = ("rough", "clear", "cut", "shining")
# Earlier editions of a framework file live in these folders beside it (see
# `loader.ARCHIVED_EDITIONS`); their item codes keep their wording for good.
ARCHIVED_EDITIONS = ("edition1",)

# --- rules on one framework file ------------------------------------------------------


def check_concepts(bank: Bank) -> None:
    concepts = child(bank.root, "concepts")
    if concepts is None:
        bank.report(bank.root, CONCEPTS_COVERED, "no concepts: list")
        return
    if not isinstance(concepts, SequenceNode) or not concepts.value:
        bank.report(concepts, CONCEPTS_COVERED, "concepts: must be a non-empty list")
        return
    known: dict[str, Node] = {}
    for concept in concepts.value:
        code = check_concept_entry(bank, concept)
        if code is None:
            continue
        if code in known:
            bank.report(concept, CONCEPTS_COVERED, f"concept {code} is listed twice")
        else:
            known[code] = concept
    named: set[str] = set()
    for item in bank.items():
        ref_node = child(item.node, "concept")
        ref = scalar(ref_node)
        if not ref:
            bank.report(item.node, CONCEPTS_COVERED, f"{item.label} names no concept")
        elif ref not in known:
            bank.report(ref_node, CONCEPTS_COVERED, f"{item.label}: unknown concept {ref}")
        else:
            named.add(ref)
    for code, concept in known.items():
        if code not in named:
            bank.report(concept, CONCEPTS_COVERED, f"concept {code} is named by no item")


def check_concept_entry(bank: Bank, concept: Node) -> str | None:
    """Checks one entry of `concepts:` and returns its code (None when it has none)."""
    code = scalar(child(concept, "code"))
    if not code:
        bank.report(concept, CONCEPTS_COVERED, "concept without a code")
        return None
    if not scalar(child(concept, "source")):
        bank.report(concept, CONCEPTS_COVERED, f"concept {code} has no source passage")
    name = child(concept, "name")
    names = [scalar(child(name, lang)) for lang in LANGS] if isinstance(name, MappingNode) else []
    names = names or [scalar(name)]
    if not all(names):
        bank.report(concept, CONCEPTS_COVERED, f"concept {code} has no name")
    elif any(len(text or "") > CONCEPT_NAME_MAX for text in names):
        bank.report(
            name, CONCEPTS_COVERED, f"concept {code}: name longer than {CONCEPT_NAME_MAX} chars"
        )
    return code


def check_dimensions(bank: Bank) -> None:
    for dim in bank.dimensions():
        dim_code = scalar(child(dim, "code")) or "?"
        items = entries(child(dim, "items"))
        if len(items) < MIN_ITEMS_PER_DIMENSION:
            bank.report(
                dim,
                DIMENSION_SIZE,
                f"dimension {dim_code} has {len(items)} items, at least "
                f"{MIN_ITEMS_PER_DIMENSION} needed",
            )
        if not any(flag(child(item, "reverse")) for item in items):
            bank.report(dim, DIMENSION_REVERSE, f"dimension {dim_code} has no reverse-keyed item")
        quick = sum(flag(child(item, "quick")) for item in items)
        if 0 < quick < MIN_QUICK_ITEMS_PER_DIMENSION:
            bank.report(
                dim,
                QUICK_COVERAGE,
                f"the quick scan has {quick} item of dimension {dim_code}, at least "
                f"{MIN_QUICK_ITEMS_PER_DIMENSION} needed",
            )


def check_audiences(bank: Bank) -> None:
    for item in bank.items():
        node = child(item.node, "audience")
        if node is None:
            continue
        audience = scalar(node)
        if audience not in AUDIENCES:
            bank.report(
                node,
                AUDIENCE,
                f"{item.label}: audience {audience!r} is not one of {', '.join(AUDIENCES)}",
            )
        elif audience != EVERYONE and item.quick:
            bank.report(
                node,
                AUDIENCE,
                f"{item.label} is for {audience} only and cannot be in the quick scan",
            )


def check_item_codes(bank: Bank) -> None:
    stem = Path(bank.path).stem
    code_node = child(bank.root, "code")
    if bank.code != stem:
        bank.report(
            code_node or bank.root, ITEM_CODE, f"framework code must be {stem!r} (the file name)"
        )
    for item in bank.items():
        prefix = f"{bank.code}.{item.dimension}."
        code = item.code or ""
        if not (code.startswith(prefix) and code.removeprefix(prefix).isdigit()):
            node = child(item.node, "code") or item.node
            bank.report(node, ITEM_CODE, f"item code {item.code!r} should be '{prefix}<n>'")


def check_stages(bank: Bank) -> None:
    """A framework's own stage texts: each band, what it looks like and the next step."""
    stages = child(bank.root, "stages")
    if not isinstance(stages, MappingNode):
        bank.report(stages or bank.root, STAGES, "no stages: mapping of " + ", ".join(STAGE_CODES))
        return
    present = [str(key.value) for key, _ in stages.value if isinstance(key, ScalarNode)]
    for code in STAGE_CODES:
        stage = child(stages, code)
        if stage is None:
            bank.report(stages, STAGES, f"stage {code} is missing")
            continue
        for part in ("looks_like", "next_step"):
            if not isinstance(child(stage, part), MappingNode):
                bank.report(stage, STAGES, f"stage {code} has no {part}: {{nl, en}}")
    for code in present:
        if code not in STAGE_CODES:
            bank.report(key_node(stages, code) or stages, STAGES, f"unknown stage {code}")


def check_overall_stages(bank: Bank) -> None:
    """`stages.yaml`: the overall index's stages each say the next step too."""
    for stage in entries(child(bank.root, "stages")):
        if not isinstance(child(stage, "next_step"), MappingNode):
            code = scalar(child(stage, "code")) or "?"
            bank.report(stage, STAGES, f"stage {code} has no next_step: {{nl, en}}")


def item_signature(item: Item) -> tuple[str | None, ...]:
    """What answers to an item mean: its wording, scale and keying."""
    scale = scalar(child(item.node, "scale")) or "agreement"
    return (item_wording(item, "nl"), item_wording(item, "en"), scale, str(item.reverse))


def archived_items(bank: Bank) -> dict[str, Item] | None:
    """The items of this framework in the earlier editions, or None without any."""
    if bank.source is None:
        return None
    found: dict[str, Item] | None = None
    for edition in ARCHIVED_EDITIONS:
        path = bank.source.parent / edition / bank.source.name
        if path.exists():
            found = found or {}
            found |= {i.code: i for i in read_bank(path).items() if i.code}
    return found


def check_editions(bank: Bank) -> None:
    """An earlier edition's code keeps its wording; `replaces:` names earlier items."""
    archived = archived_items(bank)
    for item in bank.items():
        earlier = archived.get(item.code or "") if archived else None
        if earlier is not None and item_signature(earlier) != item_signature(item):
            bank.report(
                child(item.node, "code") or item.node,
                EDITION,
                f"{item.label} has another wording, scale or keying than in an earlier "
                "edition: give the changed item a new code (and replaces: the old one)",
            )
        replaces = child(item.node, "replaces")
        codes = [scalar(n) for n in entries(replaces)] or [scalar(replaces)]
        for code in filter(None, codes):
            if archived is None or code not in archived:
                bank.report(
                    replaces or item.node,
                    EDITION,
                    f"{item.label} replaces {code}, which no earlier edition of {bank.code} has",
                )


# --- rules on every file ---------------------------------------------------------------


def check_languages(bank: Bank) -> None:
    if bank.root is None:
        return
    for where, node in walk(bank.root):
        if not isinstance(node, MappingNode):
            continue
        keys = [k.value for k, _ in node.value if isinstance(k, ScalarNode)]
        if any(lang in keys for lang in LANGS):
            check_pair(bank, node, where or "top level", LANGS)
        for key in keys:
            stem = str(key)[:-3]
            if str(key).endswith("_nl") or (str(key).endswith("_en") and f"{stem}_nl" not in keys):
                pair = (f"{stem}_nl", f"{stem}_en")
                check_pair(bank, node, f"{where}.{stem}" if where else stem, pair)


def check_pair(bank: Bank, owner: Node, where: str, keys: tuple[str, str]) -> None:
    """`keys` are the NL and the EN key of one text in the mapping `owner`."""
    texts: list[str] = []
    for key, other in zip(keys, keys[::-1], strict=True):
        value = child(owner, key)
        text = scalar(value)
        if value is None:
            at = key_node(owner, other) or owner  # the line of the text that is there
            bank.report(at, LANGUAGES, f"{where} has no {key!r} text")
        elif not text:
            bank.report(value, LANGUAGES, f"{where}: the {key!r} text is empty")
        else:
            texts.append(text)
    if len(texts) == 2 and normalise(texts[0]) == normalise(texts[1]):
        bank.report(owner, LANGUAGES, f"{where}: the NL and EN texts are the same")


def item_wording(item: Item, lang: str) -> str | None:
    """The text a respondent reads; for a bipolar item the stem and both poles."""
    parts = [scalar(child(child(item.node, key), lang)) for key in ("text", "from", "to")]
    present = [part for part in parts if part]
    return normalise(" | ".join(present)) if parts[0] else None


class Seen:
    """First occurrences of normalised texts, to report later repeats against."""

    def __init__(self) -> None:
        self.first: dict[tuple[str, str, str], tuple[str, int]] = {}

    def add(self, bank: Bank, node: Node, kind: str, lang: str, text: str | None) -> None:
        if not text:
            return
        key = (kind, lang, normalise(text))
        if key in self.first:
            path, line = self.first[key]
            bank.report(
                node,
                DUPLICATE_TEXT,
                f"{lang.upper()} {kind} repeats the one at {path}:{line}",
            )
        else:
            self.first[key] = (bank.path, line_of(node))


def check_duplicates(banks: list[Bank]) -> None:
    seen = Seen()
    for bank in banks:
        for item in bank.items():
            for lang in LANGS:
                seen.add(bank, item.node, "item text", lang, item_wording(item, lang))
        for dim in bank.dimensions():
            question = child(dim, "discussion_question")
            for lang in LANGS:
                if question is not None:
                    seen.add(
                        bank, question, "discussion question", lang, scalar(child(question, lang))
                    )
                for rec in entries(child(dim, "recommendations")):
                    seen.add(bank, rec, "recommendation", lang, scalar(child(rec, lang)))


def check_unique_item_codes(banks: list[Bank]) -> None:
    first: dict[str, tuple[str, int]] = {}
    for bank in banks:
        for item in bank.items():
            code = item.code
            if not code:
                continue
            if code in first:
                path, line = first[code]
                node = child(item.node, "code") or item.node
                bank.report(node, ITEM_CODE, f"item code {code} is also used at {path}:{line}")
            else:
                first[code] = (bank.path, line_of(item.node))


# --- entry points ------------------------------------------------------------------------


def bank_files(directory: Path = BANKS_DIR) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def lint_banks(banks: list[Bank]) -> list[Problem]:
    for bank in banks:
        if bank.root is None:
            continue
        check_languages(bank)
        if bank.is_framework:
            check_concepts(bank)
            check_dimensions(bank)
            check_audiences(bank)
            check_item_codes(bank)
            check_stages(bank)
            check_editions(bank)
        elif bank.is_mirror:
            check_mirror(bank)
            check_editions(bank)
        elif Path(bank.path).name == "stages.yaml":
            check_overall_stages(bank)
    # The mirror's statements share the item codes' namespace and must not repeat an item.
    with_items = [
        bank for bank in banks if bank.root is not None and (bank.is_framework or bank.is_mirror)
    ]
    check_unique_item_codes(with_items)
    check_duplicates(with_items)
    order = {bank.path: n for n, bank in enumerate(banks)}
    problems = [problem for bank in banks for problem in bank.problems]
    return sorted(set(problems), key=lambda p: (order[p.path], p.line, p.rule, p.message))


def lint_files(paths: Iterable[Path], display: dict[Path, str] | None = None) -> list[Problem]:
    """All problems in the given bank files, in file order, then by line."""
    shown = display or {}
    return lint_banks([read_bank(path, shown.get(path)) for path in paths])


def count_by_rule(problems: Iterable[Problem]) -> Counter[str]:
    return Counter(problem.rule for problem in problems)
