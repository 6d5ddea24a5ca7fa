"""The demo's customer mirror: two segments, about 30 customers, answered during this
year's round, and the self-image gap the scan is about (customers below management)."""

from __future__ import annotations

from statistics import mean

import pytest
from django.db.models import Count

from assessment import demo
from assessment.models import Answer, Campaign, Comment, Response

MANAGEMENT = (Response.BOARD, Response.MANAGER)


@pytest.fixture
def rounds(seeded_demo, db) -> tuple[Campaign, Campaign]:
    current = Campaign.objects.get(slug=demo.CURRENT_SLUG)
    return current, current.customer_mirror


def keyed_by_dimension(answers) -> dict[int, list[int]]:
    values: dict[int, list[int]] = {}
    for dimension, value, reverse in answers.filter(value__isnull=False).values_list(
        "item__dimension_id", "value", "item__reverse_keyed"
    ):
        values.setdefault(dimension, []).append(6 - value if reverse else value)
    return values


def test_the_round_the_dashboard_shows_has_a_closed_mirror_with_two_segments(rounds):
    current, mirror = rounds
    organisation = current.organisation
    assert demo.demo_campaigns(organisation)[0] == current
    assert mirror.status == Campaign.CLOSED and mirror.anonymity_threshold == 5
    assert mirror.questionnaire_version.questionnaire.code == "mirror"
    counted = mirror.responses.counted()
    per_segment = dict(counted.values_list("team__name").annotate(n=Count("pk")))
    assert per_segment == {"Zakelijke klanten": 16, "Particulieren": 14}
    assert set(counted.values_list("role", flat=True)) == {""}
    assert current.opens_at is not None and current.closes_at is not None
    assert all(current.opens_at <= r.submitted_at <= current.closes_at for r in counted)
    answers = Answer.objects.filter(response__campaign=mirror)
    assert answers.filter(value__isnull=True).exists()  # a few "don't know"
    assert 3 <= Comment.objects.filter(response__campaign=mirror).count() <= 4


def test_customers_see_the_organisation_below_management_on_most_dimensions(rounds):
    current, mirror = rounds
    management = keyed_by_dimension(
        Answer.objects.filter(response__campaign=current, response__role__in=MANAGEMENT)
    )
    customers = keyed_by_dimension(Answer.objects.filter(response__campaign=mirror))
    gaps = {d: mean(management[d]) - mean(v) for d, v in customers.items()}
    assert len(gaps) == 14
    assert mean(gaps.values()) > 0.6  # about 20 points on the 0-100 scale
    below = [d for d, gap in gaps.items() if gap > 0.4]
    close = [d for d, gap in gaps.items() if gap < 0.2]
    assert len(below) >= 10 and 1 <= len(close) <= 3
