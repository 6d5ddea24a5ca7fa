"""Every write of a campaign's business results, and their reads for the dashboard, the
report and the export. Input is checked by `business_results.result_problems` before
anything is stored; a refusal (`ResultRefused`) stores nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise

from assessment.models import Campaign
from reports import business_results
from reports.business_results import TrendPoint
from reports.models import BusinessResult


class ResultRefused(Exception):
    """A business result cannot be stored; `problems` says why, by field."""

    def __init__(self, problems: dict[str, Promise]) -> None:
        super().__init__("; ".join(str(p) for p in problems.values()))
        self.problems = problems


@transaction.atomic
def set_result(
    *,
    campaign: Campaign,
    metric: str,
    value: Decimal | None,
    period_start: date | None,
    period_end: date | None,
    source: str = "",
    entered_by: Any = None,
) -> BusinessResult:
    """Store the campaign's figure for `metric`, replacing the one it had."""
    problems = business_results.result_problems(
        metric=metric,
        value=value,
        period_start=period_start,
        period_end=period_end,
        source=source,
        today=timezone.localdate(),
    )
    if problems:
        raise ResultRefused(problems)
    result, _created = BusinessResult.objects.update_or_create(
        campaign=campaign,
        metric=metric,
        defaults={
            "value": value,
            "period_start": period_start,
            "period_end": period_end,
            "source": source.strip(),
            "entered_by": entered_by,
        },
    )
    return result


@transaction.atomic
def remove_result(*, campaign: Campaign, metric: str) -> None:
    BusinessResult.objects.filter(campaign=campaign, metric=metric).delete()


def results_of(campaign: Campaign) -> list[BusinessResult]:
    """The campaign's figures in the order of `business_results.METRICS`."""
    order = {m.code: i for i, m in enumerate(business_results.METRICS)}
    found = BusinessResult.objects.filter(campaign=campaign)
    return sorted(found, key=lambda r: order.get(r.metric, len(order)))


def _same_series(campaign: Campaign, prefix: str = "") -> Q:
    """The organisation's rounds on the same questionnaire up to `campaign` (created
    before it, or it), as a filter on campaigns or, with `prefix`, on their rows."""
    return Q(
        **{
            f"{prefix}organisation_id": campaign.organisation_id,
            f"{prefix}questionnaire_version__questionnaire_id": (
                campaign.questionnaire_version.questionnaire_id
            ),
            f"{prefix}created_at__lt": campaign.created_at,
        }
    ) | Q(**{f"{prefix}pk": campaign.pk})


def results_up_to(campaign: Campaign) -> list[BusinessResult]:
    """The figures of `campaign` and of the organisation's earlier rounds on the same
    questionnaire, in the order of `business_results.METRICS`. One query."""
    order = {m.code: i for i, m in enumerate(business_results.METRICS)}
    found = BusinessResult.objects.filter(_same_series(campaign, "campaign__"))
    return sorted(found, key=lambda r: order.get(r.metric, len(order)))


def organisation_rounds(campaign: Campaign) -> list[Campaign]:
    """The organisation's rounds on the same questionnaire up to and including
    `campaign`, oldest first: the rounds of the harvest's trend (their indexes compare,
    as the trend of the scores does)."""
    earlier = (
        Campaign.objects.filter(_same_series(campaign))
        .exclude(pk=campaign.pk)
        .order_by("created_at", "pk")
    )
    return [*earlier, campaign]


def trend(
    rounds: list[Campaign], indexes: dict[int, float | None], results: list[BusinessResult]
) -> list[TrendPoint]:
    """The harvest across `rounds`: each round's name, index (`indexes`, by campaign pk,
    as the round's own release shows it) and figures (from `results`)."""
    figures: dict[int, dict[str, Decimal]] = {c.pk: {} for c in rounds}
    for result in results:
        if result.campaign_id in figures:
            figures[result.campaign_id][result.metric] = result.value
    return [TrendPoint(c.name, indexes.get(c.pk), figures[c.pk]) for c in rounds]
