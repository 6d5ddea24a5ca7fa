"""The business results a consultant enters beside a campaign's scores ("the harvest"):
which figures there are, their units, and which input is refused. No database.

The figures follow the two sources that name them: Brees' first key counts the customer
in numbers (won, lost, value per customer), Wuring's harvest is what customer-centricity
yields one to three years on (satisfaction, NPS, churn, complaints, acquisition cost,
employee engagement). Each is optional and belongs to a period with a source. Across
rounds they stand beside the index's trend: a correlation, never proof.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

COUNT, PERCENT, MONEY, NPS = "count", "percent", "money", "nps"


@dataclass(frozen=True)
class Metric:
    code: str
    name: Promise
    kind: str  # COUNT (whole number >= 0), PERCENT (0-100), MONEY (>= 0, euro), NPS (-100-100)
    higher_is_better: bool


METRICS: tuple[Metric, ...] = (
    Metric("customers_won", _("Customers won"), COUNT, True),
    Metric("customers_lost", _("Customers lost"), COUNT, False),
    Metric("value_per_customer", _("Revenue per customer"), MONEY, True),
    Metric("satisfaction", _("Customer satisfaction (percent satisfied)"), PERCENT, True),
    Metric("nps", _("Net Promoter Score"), NPS, True),
    Metric("churn", _("Churn (percent of customers lost)"), PERCENT, False),
    Metric("complaints", _("Complaints"), COUNT, False),
    Metric("acquisition_cost", _("Cost of winning a customer"), MONEY, False),
    Metric("engagement", _("Employee engagement (percent engaged)"), PERCENT, True),
)
BY_CODE = {m.code: m for m in METRICS}
UNIT_CODES = {COUNT: "count", PERCENT: "percent", MONEY: "EUR", NPS: "nps"}  # in the export
BOUNDS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    COUNT: (Decimal(0), None),
    PERCENT: (Decimal(0), Decimal(100)),
    MONEY: (Decimal(0), None),
    NPS: (Decimal(-100), Decimal(100)),
}
LARGEST = Decimal("999999999999.99")  # what the database column holds
SOURCE_MAX = 200


GROUPED = re.compile(r"[1-9]\d{0,2}(?:X\d{3})+")  # X: the grouping mark


def _grouped(digits: str, mark: str) -> bool:
    return GROUPED.fullmatch(digits.replace(mark, "X")) is not None


def parse_value(text: str, language: str = "nl") -> Decimal | None:
    """A figure as typed, in the page's language: "1.250,50", "1.250", "12,5 %" and
    "€ 80" in Dutch; "1,250.50" and "1,250" in English; None when it is not a number.
    With both separators the last one marks the decimals; with one kind only, it groups
    thousands when it is the language's grouping mark in groups of three (1.250 in
    Dutch, 1,250 in English), and marks the decimals otherwise."""
    cleaned = "".join(text.split()).replace("€", "").replace("%", "")
    found = re.fullmatch(r"([+-]?)([\d.,]*\d)", cleaned)
    if found is None:
        return None
    sign, digits = found.groups()
    group_mark = "." if language == "nl" else ","
    marks = {c for c in digits if c in ".,"}
    if len(marks) == 2:
        decimal_mark = digits[max(digits.rfind("."), digits.rfind(","))]
        whole, _sep, fraction = digits.rpartition(decimal_mark)
        other = "," if decimal_mark == "." else "."
        if not _grouped(whole, other):
            return None
        return Decimal(f"{sign}{whole.replace(other, '')}.{fraction}")
    if not marks:
        return Decimal(sign + digits)
    (mark,) = marks
    if digits.startswith(mark) or digits.endswith(mark):
        return None
    if _grouped(digits, mark) and (mark == group_mark or digits.count(mark) > 1):
        return Decimal(sign + digits.replace(mark, ""))
    if digits.count(mark) > 1:
        return None
    return Decimal(sign + digits.replace(mark, "."))


def shown(metric: Metric, value: Decimal) -> str:
    """A figure as a page or the report prints it, in the active language: as many
    decimals as it has (74.5, not 74.50), grouped, with its unit (1.315 -> "€ 1.315",
    nps 19 -> "+19")."""
    exponent = value.normalize().as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    number = formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    if metric.kind == PERCENT:
        return f"{number}\u00a0%"
    if metric.kind == MONEY:
        return f"€\u00a0{number}"
    if metric.kind == NPS and value > 0:
        return f"+{number}"
    return number


def value_problem(metric: Metric, value: Decimal) -> Promise | None:
    """Why `value` cannot be a figure of `metric`, or None."""
    low, high = BOUNDS[metric.kind]
    if metric.kind == COUNT and value != value.to_integral_value():
        return _("A number of customers or complaints is a whole number.")
    out_of_range = {
        COUNT: _("This figure cannot be negative."),
        MONEY: _("This figure cannot be negative."),
        PERCENT: _("A percentage lies between 0 and 100."),
        NPS: _("An NPS lies between -100 and 100."),
    }
    if (low is not None and value < low) or (high is not None and value > high):
        return out_of_range[metric.kind]
    if abs(value) > LARGEST:
        return _("This figure is too large.")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        return _("Use at most two decimals.")
    return None


def result_problems(
    *,
    metric: str,
    value: Decimal | None,
    period_start: date | None,
    period_end: date | None,
    source: str,
    today: date | None = None,
) -> dict[str, Promise]:
    """What is wrong with one business result, by field; empty when it can be stored.
    With `today`, a period that has not started yet is refused: that is a forecast."""
    problems: dict[str, Promise] = {}
    found = BY_CODE.get(metric)
    if found is None:
        problems["metric"] = _("Choose one of the figures.")
    if value is None:
        problems["value"] = _("Enter a number, for example 1250 or 12,5.")
    elif found is not None and (problem := value_problem(found, value)) is not None:
        problems["value"] = problem
    if period_start is None or period_end is None:
        problems["period_end"] = _("Give the period the figure covers: its first and last day.")
    elif period_end < period_start:
        problems["period_end"] = _("The period ends before it starts.")
    elif today is not None and period_start > today:
        problems["period_start"] = _(
            "The period has not started yet: enter figures that have been measured."
        )
    if len(source.strip()) > SOURCE_MAX:
        problems["source"] = _("A source has at most 200 characters.")
    return problems


@dataclass(frozen=True)
class TrendPoint:
    """One round of the harvest: its name, its index and its figures (code -> value)."""

    round_name: str
    index: float | None
    figures: dict[str, Decimal]


def trend_rows(points: Sequence[TrendPoint]) -> list[tuple[Metric, list[Decimal | None]]]:
    """Per metric that any round has, its value in each round (None where it is missing),
    in the order of `METRICS`."""
    return [
        (metric, [p.figures.get(metric.code) for p in points])
        for metric in METRICS
        if any(metric.code in p.figures for p in points)
    ]
