"""What the demo has beyond its fieldwork (`assessment.demo`), so that the dashboard and
the report of this year's round show everything on a fresh install:

- last year's action plan (the demo's previous round): three actions on three of last
  year's weakest dimensions, one whose target this year's scores reach, one they miss,
  and one the organisation dropped along the way. The demo's answers come from a fixed
  seed, so the outcomes are the same on every install (tests/reports/test_demo_report.py);
- the business results of both closed rounds, for the harvest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from assessment.models import Campaign
from questionnaires.models import Recommendation
from reports import action_rules
from reports.action_services import ActionInput, add_note, create_action
from reports.business_result_services import set_result


@dataclass(frozen=True)
class DemoAction:
    dimension: str
    title: str
    owner: str
    due_after_close: int  # days after last year's round closed
    status: str
    target_score: Decimal | None = None
    target_stage: str = ""
    notes: tuple[tuple[int, str], ...] = ()  # (days after the close, text)


DEMO_ACTIONS = (
    DemoAction(
        "care.safety",
        "Elk team bespreekt maandelijks één fout of mislukt experiment",
        "Marieke (HR)",
        due_after_close=150,
        status=action_rules.DONE,
        target_stage="clear",
        notes=(
            (
                40,
                "Gestart in Klantenservice en Verkoop; leidinggevenden brengen zelf het "
                "eerste voorbeeld in.",
            ),
            (
                140,
                "Alle drie de teams doen mee; Operations vraagt om een vaste plek in het "
                "weekoverleg.",
            ),
        ),
    ),
    DemoAction(
        "keys.journey",
        "De klantreis van offerte tot levering samen met drie afdelingen in kaart brengen",
        "Tom (Verkoop)",
        due_after_close=200,
        status=action_rules.IN_PROGRESS,
        target_score=Decimal("55.0"),
        notes=(
            (90, "Eerste sessie gehouden; Operations schoof niet aan."),
            (210, "Twee van de vijf stappen beschreven; de levering ontbreekt nog."),
        ),
    ),
    DemoAction(
        "listening.feedback_use",
        "Elk kwartaal een klantenpanel over de klachten van dat kwartaal",
        "Sanne (Klantenservice)",
        due_after_close=120,
        status=action_rules.DROPPED,
        target_stage="clear",
        notes=((100, "Geparkeerd: eerst het klachtenproces zelf op orde brengen."),),
    ),
)


def add_demo_actions(previous: Campaign, consultant: AbstractBaseUser | None) -> None:
    """Give the demo's previous round its action plan, with dated progress notes."""
    assert previous.closes_at is not None  # the demo's rounds all have a closing day
    closed_on = timezone.localdate(previous.closes_at)
    first_recommendation: dict[str, str] = {}
    for rec in Recommendation.objects.select_related("dimension__framework"):  # in order
        first_recommendation.setdefault(rec.dimension.full_code, rec.text_nl)
    for plan in DEMO_ACTIONS:
        action = create_action(
            campaign=previous,
            data=ActionInput(
                dimension=plan.dimension,
                title=plan.title,
                recommendation=first_recommendation.get(plan.dimension, ""),
                owner=plan.owner,
                due_on=closed_on + dt.timedelta(days=plan.due_after_close),
                target_score=plan.target_score,
                target_stage=plan.target_stage,
                status=plan.status,
            ),
            created_by=consultant,
        )
        for days, text in plan.notes:
            add_note(
                action=action,
                text=text,
                written_on=closed_on + dt.timedelta(days=days),
                created_by=consultant,
            )


# The organisation's figures over the year before each round: (metric, last year's,
# this year's). Slightly better this year, churn and complaints down; engagement flat.
DEMO_RESULTS = (
    ("customers_won", Decimal("184"), Decimal("211")),
    ("customers_lost", Decimal("97"), Decimal("82")),
    ("value_per_customer", Decimal("1240.00"), Decimal("1315.00")),
    ("satisfaction", Decimal("71.0"), Decimal("74.5")),
    ("nps", Decimal("12"), Decimal("19")),
    ("churn", Decimal("9.8"), Decimal("8.1")),
    ("complaints", Decimal("342"), Decimal("297")),
    ("acquisition_cost", Decimal("410.00"), Decimal("395.00")),
    ("engagement", Decimal("63.0"), Decimal("64.0")),
)
RESULTS_SOURCE = "CRM en jaarverslag {year}; medewerkersonderzoek {year}"


def add_demo_results(previous: Campaign, current: Campaign, user: AbstractBaseUser | None) -> None:
    """The business results of the calendar year before each round."""
    for campaign, column in ((previous, 1), (current, 2)):
        assert campaign.opens_at is not None
        year = campaign.opens_at.year - 1
        for row in DEMO_RESULTS:
            set_result(
                campaign=campaign,
                metric=str(row[0]),
                value=Decimal(row[column]),
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 12, 31),
                source=RESULTS_SOURCE.format(year=year),
                entered_by=user,
            )
