"""The business results a consultant enters beside a campaign's scores ("the harvest"):
which figures there are, their units, and which input is refused. No database.

The figures follow the two sources that name them: Brees' first key counts the customer
in numbers (won, lost, value per customer), Wuring's harvest is what customer-centricity
yields one to three years on (satisfaction, NPS, churn, complaints, acquisition cost,
employee engagement). Each is optional and belongs to a period with a source. Across
rounds they stand beside the index's trend: a correlation, never proof.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

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


def parse_value(text: str) -> Decimal | None:
    """A figure as typed: "1.250,50", "1250.5", "12 %" and "€ 80" are all read; None
    when it is not a number. A comma is the decimal separator when it is the last
    separator (Dutch), a point otherwise."""
    cleaned = text.strip().replace("€", "").replace("%", "").replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and cleaned.rfind(",") > cleaned.rfind("."):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


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
) -> dict[str, Promise]:
    """What is wrong with one business result, by field; empty when it can be stored."""
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
