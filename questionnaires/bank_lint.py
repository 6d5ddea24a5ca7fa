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

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

BANKS_DIR = Path(__file__).resolve().parent / "banks"

MIN_ITEMS_PER_DIMENSION = 3
MIN_QUICK_ITEMS_PER_DIMENSION = 2
EVERYONE, MANAGEMENT = "everyone", "management"
AUDIENCES: tuple[str, ...] = (EVERYONE, MANAGEMENT)  # management = board and managers
CONCEPT_NAME_MAX = 80  # a concept's name is a short label, not a passage

PARSE = "yaml"
CONCEPTS_COVERED = "concepts-covered"
DIMENSION_SIZE = "dimension-size"
DIMENSION_REVERSE = "dimension-reverse"
QUICK_COVERAGE = "quick-coverage"
LANGUAGES = "languages"
DUPLICATE_TEXT = "duplicate-text"
ITEM_CODE = "item-code"
AUDIENCE = "audience"
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
)

LANGS = ("nl", "en")
_TRUE = frozenset({"true", "yes", "on"})
_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s.!?;:…]+$")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"


# --- reading nodes -------------------------------------------------------------------


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def child(node: Node | None, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return value
    return None


def key_node(node: Node | None, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return key_node
    return None


def entries(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def scalar(node: Node | None) -> str | None:
    """The text of a scalar node (stripped), or None for anything else or a null."""
    if not isinstance(node, ScalarNode) or node.tag.endswith(":null"):
        return None
    return str(node.value).strip()


def flag(node: Node | None) -> bool:
    value = scalar(node)
    return value is not None and value.lower() in _TRUE


def normalise(text: str) -> str:
    return _TRAILING.sub("", _SPACES.sub(" ", text).strip()).casefold()


def walk(node: Node, where: str = "") -> Iterator[tuple[str, Node]]:
    """Every node with its place, e.g. `dimensions[2].items[1].text`."""
    yield where, node
    if isinstance(node, MappingNode):
        for key, value in node.value:
            name = str(key.value) if isinstance(key, ScalarNode) else "?"
            yield from walk(value, f"{where}.{name}" if where else name)
    elif isinstance(node, SequenceNode):
        for n, value in enumerate(node.value, start=1):
            yield from walk(value, f"{where}[{n}]")


# --- the model the rules look at -----------------------------------------------------


@dataclass
class Item:
    node: Node
    dimension: str
    position: int

    @property
    def code(self) -> str | None:
        return scalar(child(self.node, "code"))

    @property
    def quick(self) -> bool:
        return flag(child(self.node, "quick"))

    @property
    def reverse(self) -> bool:
        return flag(child(self.node, "reverse"))

    @property
    def label(self) -> str:
        return self.code or f"item {self.position} of dimension {self.dimension}"


@dataclass
class Bank:
    path: str
    root: Node | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_framework(self) -> bool:
        return child(self.root, "dimensions") is not None

    @property
    def code(self) -> str:
        return scalar(child(self.root, "code")) or ""

    def dimensions(self) -> list[Node]:
        return entries(child(self.root, "dimensions"))

    def items(self) -> Iterator[Item]:
        for dim in self.dimensions():
            dim_code = scalar(child(dim, "code")) or "?"
            for n, node in enumerate(entries(child(dim, "items")), start=1):
                yield Item(node, dim_code, n)

    def report(self, node: Node | None, rule: str, message: str) -> None:
        line = line_of(node) if node is not None else 1
        self.problems.append(Problem(self.path, line, rule, message))


def read_bank(path: Path, display: str | None = None) -> Bank:
    shown = display if display is not None else str(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError) as error:
        return Bank(shown, None, [Problem(shown, 1, PARSE, f"cannot read the file: {error}")])
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        return Bank(shown, None, [Problem(shown, line, PARSE, f"not valid YAML: {error.problem}")])
    except yaml.YAMLError as error:
        return Bank(shown, None, [Problem(shown, 1, PARSE, f"not valid YAML: {error}")])
    bank = Bank(shown, root)
    if not isinstance(root, MappingNode):
        bank.report(root, PARSE, "expected a mapping at the top level")
        bank.root = None
    return bank


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
        expected = f"{bank.code}.{item.dimension}.{item.position}"
        if item.code != expected:
            node = child(item.node, "code") or item.node
            bank.report(node, ITEM_CODE, f"item code {item.code!r} should be {expected!r}")


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
    frameworks = [bank for bank in banks if bank.root is not None and bank.is_framework]
    check_unique_item_codes(frameworks)
    check_duplicates(frameworks)
    order = {bank.path: n for n, bank in enumerate(banks)}
    problems = [problem for bank in banks for problem in bank.problems]
    return sorted(set(problems), key=lambda p: (order[p.path], p.line, p.rule, p.message))


def lint_files(paths: Iterable[Path], display: dict[Path, str] | None = None) -> list[Problem]:
    """All problems in the given bank files, in file order, then by line."""
    shown = display or {}
    return lint_banks([read_bank(path, shown.get(path)) for path in paths])


def count_by_rule(problems: Iterable[Problem]) -> Counter[str]:
    return Counter(problem.rule for problem in problems)
