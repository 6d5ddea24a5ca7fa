"""The harvest: a campaign's business results beside its scores, and across the
organisation's rounds beside the index's trend, for the dashboard, the report, the
slides and the export. Read afresh beside the profile (like the action plan): the
consultant edits the figures after the fieldwork."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from assessment.models import Campaign
from reports import business_results
from reports.business_result_services import organisation_rounds, results_up_to, trend
from reports.business_results import Metric, TrendPoint
from reports.profile import Profile
from reports.profile_builder import build_profile


@dataclass(frozen=True)
class HarvestFigure:
    # The metric's code, not the `Metric`: a report's signature is made of these fields,
    # and a metric's name is a lazy translation that would make it depend on the language.
    code: str
    value: Decimal
    period_start: date
    period_end: date
    source: str

    @property
    def metric(self) -> Metric:
        return business_results.BY_CODE[self.code]

    @property
    def shown(self) -> str:
        return business_results.shown(self.metric, self.value)


@dataclass(frozen=True)
class Harvest:
    figures: tuple[HarvestFigure, ...] = ()  # this round's, in the order of METRICS
    points: tuple[TrendPoint, ...] = ()  # the rounds up to this one, oldest first

    @property
    def trend_rows(self) -> list[tuple[Metric, list[Decimal | None]]]:
        return business_results.trend_rows(self.points)

    @property
    def sources(self) -> list[str]:
        """This round's sources, each once, in the order of the figures."""
        return list(dict.fromkeys(f.source for f in self.figures if f.source))

    @property
    def has_trend(self) -> bool:
        """More than one round, and a figure in a round before this one."""
        return len(self.points) > 1 and any(p.figures for p in self.points[:-1])

    def as_dict(self) -> dict[str, Any]:
        """The `results` block of the export (the shape in docs/design.md)."""
        return {
            "figures": [
                {
                    "metric": f.code,
                    "value": float(f.value),
                    "unit": business_results.UNIT_CODES[f.metric.kind],
                    "period_start": f.period_start.isoformat(),
                    "period_end": f.period_end.isoformat(),
                    "source": f.source,
                }
                for f in self.figures
            ],
            "trend": [
                {
                    "round": p.round_name,
                    "index": p.index,
                    "figures": {code: float(v) for code, v in p.figures.items()},
                }
                for p in self.points
            ],
        }


@dataclass(frozen=True)
class HarvestRow:
    """One figure across the rounds, and whether its last move was for the better."""

    metric: Metric
    values: list[Decimal | None]
    direction: str  # "better", "worse", "same", or "" without two values to compare

    @property
    def cells(self) -> list[str]:
        """The values as printed, "–" where a round has none."""
        return ["–" if v is None else business_results.shown(self.metric, v) for v in self.values]


def harvest_rows(harvest: Harvest) -> list[HarvestRow]:
    rows = []
    for metric, values in harvest.trend_rows:
        known = [v for v in values if v is not None]
        direction = ""
        if len(known) >= 2 and values[-1] is not None:
            before, now = known[-2], known[-1]
            if now == before:
                direction = "same"
            else:
                direction = "better" if (now > before) == metric.higher_is_better else "worse"
        rows.append(HarvestRow(metric, values, direction))
    return rows


def _index(campaign: Campaign, language: str, profile: Profile | None) -> float | None:
    """An earlier round's index as its own release shows it: None while its fieldwork
    runs (as the trend of the scores has it) or when its release shows none. The round
    just before is read from `profile`, which holds its index already."""
    if not campaign.fieldwork_ended():
        return None
    previous = profile.previous if profile is not None and not profile.scope else None
    if previous is not None and previous.get("slug") == campaign.slug:
        return previous["overall"]
    return build_profile(campaign, language=language).overall_score


def harvest_for(campaign: Campaign, profile: Profile | None) -> Harvest:
    """The campaign's figures and, when an earlier round of the organisation has figures
    too, every round's figures beside its index. `profile` is the campaign's whole
    profile (its index is this round's point); None reads no index for this round."""
    results = results_up_to(campaign)
    figures = tuple(
        HarvestFigure(r.metric, r.value, r.period_start, r.period_end, r.source)
        for r in results
        if r.campaign_id == campaign.pk and r.metric in business_results.BY_CODE
    )
    this_round = profile.overall_score if profile is not None else None
    if all(r.campaign_id == campaign.pk for r in results):  # no trend: this round alone
        return Harvest(
            figures=figures,
            points=(TrendPoint(campaign.name, this_round, {f.code: f.value for f in figures}),),
        )
    language = profile.language if profile is not None else campaign.language
    rounds = organisation_rounds(campaign)
    indexes = {c.pk: _index(c, language, profile) for c in rounds if c.pk != campaign.pk}
    indexes[campaign.pk] = this_round
    return Harvest(figures=figures, points=tuple(trend(rounds, indexes, results)))
