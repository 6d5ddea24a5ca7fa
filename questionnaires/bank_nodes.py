"""Reading bank YAML as nodes, so that the linter (`bank_lint`) can name the line of
every problem: the node helpers and the small model of a framework file the rules see."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

PARSE = "yaml"  # the rule id of a file that cannot be read
MIRROR_FILE = "mirror.yaml"  # the customer mirror (see `mirror_lint`)

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


def _pair(node: Node | None, key: str) -> tuple[Node, Node] | None:
    """The (key, value) nodes of `key` in a mapping node."""
    if isinstance(node, MappingNode):
        for pair in node.value:
            if isinstance(pair[0], ScalarNode) and pair[0].value == key:
                return pair
    return None


def child(node: Node | None, key: str) -> Node | None:
    """The value node of `key`, or None."""
    pair = _pair(node, key)
    return pair[1] if pair else None


def key_node(node: Node | None, key: str) -> Node | None:
    """The key node of `key` (for the line of a key whose value is missing), or None."""
    pair = _pair(node, key)
    return pair[0] if pair else None


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
    source: Path | None = None  # the file read, for the archived editions beside it

    @property
    def is_framework(self) -> bool:
        return child(self.root, "dimensions") is not None

    @property
    def is_mirror(self) -> bool:
        """The customer mirror: statements at the top level, each naming its dimension."""
        return Path(self.path).name == MIRROR_FILE

    @property
    def code(self) -> str:
        return scalar(child(self.root, "code")) or ""

    def dimensions(self) -> list[Node]:
        return entries(child(self.root, "dimensions"))

    def items(self) -> Iterator[Item]:
        """A framework's items, dimension by dimension; the mirror's statements, each with
        the full code of the dimension it mirrors."""
        for dim in self.dimensions():
            dim_code = scalar(child(dim, "code")) or "?"
            for n, node in enumerate(entries(child(dim, "items")), start=1):
                yield Item(node, dim_code, n)
        for n, node in enumerate(entries(child(self.root, "items")), start=1):
            yield Item(node, scalar(child(node, "dimension")) or "?", n)

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
    bank = Bank(shown, root, source=path)
    if not isinstance(root, MappingNode):
        bank.report(root, PARSE, "expected a mapping at the top level")
        bank.root = None
    return bank
