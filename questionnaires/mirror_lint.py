"""The linter's rules for the customer mirror (`banks/mirror.yaml`), beside `bank_lint`.

The mirror is answered by customers, not by the organisation's own people: short, on the
agreement scale, in the customer's voice, and each statement mapped to one internal
dimension so that the customers' view can be set beside the inside view. Every internal
dimension is either mirrored or listed under `not_mirrored:` with the reason. The mirror
is checked against the framework files in its own folder (the current banks).
"""

from __future__ import annotations

import re

from yaml.nodes import Node

from .bank_nodes import Bank, child, entries, flag, read_bank, scalar

MIN_STATEMENTS, MAX_STATEMENTS = 10, 15
MIN_REVERSED = 2
# A customer meets each statement cold, without the context an employee brings to it.
SECONDS_PER_STATEMENT = 12
MAX_SECONDS = 4 * 60
AGREEMENT = "agreement"
CUSTOMER = "customer"
# Words in which the organisation speaks about itself; a customer speaks of "this company".
ORGANISATION_VOICE = {
    "nl": re.compile(r"\b(wij|we|ons|onze)\b", re.IGNORECASE),
    "en": re.compile(r"\b(we|our|us)\b", re.IGNORECASE),
}

MIRROR_SIZE = "mirror-size"
MIRROR_SCALE = "mirror-scale"
MIRROR_ITEM = "mirror-item"
MIRROR_REVERSE = "mirror-reverse"
MIRROR_COVERAGE = "mirror-coverage"
MIRROR_VOICE = "mirror-voice"
MIRROR_TIME = "mirror-time"
MIRROR_RULES: tuple[str, ...] = (
    MIRROR_SIZE,
    MIRROR_SCALE,
    MIRROR_ITEM,
    MIRROR_REVERSE,
    MIRROR_COVERAGE,
    MIRROR_VOICE,
    MIRROR_TIME,
)


def internal_dimensions(mirror: Bank) -> dict[str, set[str]]:
    """Each internal dimension's full code with its framework's concept codes, read from
    the framework files beside the mirror."""
    if mirror.source is None:
        return {}
    found: dict[str, set[str]] = {}
    for path in sorted(mirror.source.parent.glob("*.yaml")):
        framework = read_bank(path)
        if framework.root is None or not framework.is_framework:
            continue
        concepts = {
            code
            for concept in entries(child(framework.root, "concepts"))
            if (code := scalar(child(concept, "code")))
        }
        for dim in framework.dimensions():
            found[f"{framework.code}.{scalar(child(dim, 'code'))}"] = concepts
    return found


def check_mirror(bank: Bank) -> None:
    dimensions = internal_dimensions(bank)
    check_size_and_time(bank)
    mirrored = check_statements(bank, dimensions)
    check_coverage(bank, dimensions, mirrored)


def check_size_and_time(bank: Bank) -> None:
    items = list(bank.items())
    if not MIN_STATEMENTS <= len(items) <= MAX_STATEMENTS:
        bank.report(
            child(bank.root, "items") or bank.root,
            MIRROR_SIZE,
            f"the mirror has {len(items)} statements, {MIN_STATEMENTS} to {MAX_STATEMENTS} needed",
        )
    seconds = len(items) * SECONDS_PER_STATEMENT
    if seconds >= MAX_SECONDS:
        bank.report(
            child(bank.root, "items") or bank.root,
            MIRROR_TIME,
            f"the mirror takes about {seconds} s ({SECONDS_PER_STATEMENT} s a statement), "
            f"under {MAX_SECONDS} s needed",
        )
    reversed_count = sum(item.reverse for item in items)
    if reversed_count < MIN_REVERSED:
        bank.report(
            child(bank.root, "items") or bank.root,
            MIRROR_REVERSE,
            f"the mirror has {reversed_count} reverse-keyed statements, at least "
            f"{MIN_REVERSED} needed",
        )


def check_statements(bank: Bank, dimensions: dict[str, set[str]]) -> dict[str, Node]:
    """Checks each statement; returns the dimensions mirrored, with a statement of each."""
    mirrored: dict[str, Node] = {}
    for item in bank.items():
        dimension_node = child(item.node, "dimension")
        dimension = scalar(dimension_node)
        if dimension not in dimensions:
            bank.report(
                dimension_node or item.node,
                MIRROR_ITEM,
                f"{item.label}: {dimension!r} is not an internal dimension (framework.dimension)",
            )
        else:
            mirrored.setdefault(dimension, item.node)
            check_statement_code_and_concept(bank, item.node, item.label, dimension, dimensions)
        if not scalar(child(item.node, "why")):
            bank.report(item.node, MIRROR_ITEM, f"{item.label} has no why: line")
        check_statement_audience(bank, item.node, item.label)
        scale = scalar(child(item.node, "scale")) or AGREEMENT
        if scale != AGREEMENT or child(item.node, "from") or child(item.node, "to"):
            bank.report(
                child(item.node, "scale") or item.node,
                MIRROR_SCALE,
                f"{item.label}: customer statements use the agreement scale only",
            )
        check_voice(bank, item.node, item.label)
    return mirrored


def check_statement_code_and_concept(
    bank: Bank, node: Node, label: str, dimension: str, dimensions: dict[str, set[str]]
) -> None:
    code = scalar(child(node, "code")) or ""
    prefix = f"mirror.{dimension}."
    if not (code.startswith(prefix) and code.removeprefix(prefix).isdigit()):
        bank.report(
            child(node, "code") or node, MIRROR_ITEM, f"item code {code!r} should be '{prefix}<n>'"
        )
    concept = scalar(child(node, "concept"))
    if concept not in dimensions[dimension]:
        bank.report(
            child(node, "concept") or node,
            MIRROR_ITEM,
            f"{label}: concept {concept!r} is not a concept of {dimension.split('.')[0]}",
        )


def check_statement_audience(bank: Bank, node: Node, label: str) -> None:
    """Every mirror statement is for customers and outside the quick scan: the file says
    so once, so an item saying otherwise is a mistake."""
    audience = child(node, "audience")
    if audience is not None and scalar(audience) != CUSTOMER:
        bank.report(audience, MIRROR_ITEM, f"{label}: mirror statements are for customers")
    if flag(child(node, "quick")):
        bank.report(child(node, "quick"), MIRROR_ITEM, f"{label} cannot be in the quick scan")


def check_voice(bank: Bank, node: Node, label: str) -> None:
    text = child(node, "text")
    for lang, pattern in ORGANISATION_VOICE.items():
        found = pattern.search(scalar(child(text, lang)) or "")
        if found:
            bank.report(
                child(text, lang) or node,
                MIRROR_VOICE,
                f"{label}: the {lang.upper()} text speaks as the organisation "
                f"({found.group(0)!r}); a customer speaks of 'this company'",
            )


def check_coverage(bank: Bank, dimensions: dict[str, set[str]], mirrored: dict[str, Node]) -> None:
    """Every internal dimension is mirrored or in `not_mirrored:` with a why, never both."""
    not_mirrored_node = child(bank.root, "not_mirrored")
    listed: set[str] = set()
    for entry in entries(not_mirrored_node):
        dimension = scalar(child(entry, "dimension"))
        if dimension not in dimensions:
            bank.report(entry, MIRROR_COVERAGE, f"not_mirrored: {dimension!r} is not a dimension")
            continue
        if dimension in listed:
            bank.report(entry, MIRROR_COVERAGE, f"{dimension} is listed twice in not_mirrored")
        elif dimension in mirrored:
            bank.report(entry, MIRROR_COVERAGE, f"{dimension} is mirrored and in not_mirrored")
        if not scalar(child(entry, "why")):
            bank.report(entry, MIRROR_COVERAGE, f"not_mirrored {dimension} has no why: line")
        listed.add(dimension)
    for dimension in dimensions:
        if dimension not in mirrored and dimension not in listed:
            bank.report(
                not_mirrored_node or bank.root,
                MIRROR_COVERAGE,
                f"{dimension} is neither mirrored nor in not_mirrored",
            )
