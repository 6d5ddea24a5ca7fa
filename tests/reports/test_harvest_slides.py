"""The harvest in the workshop: its slide in the walk, the editable PowerPoint and the
present mode, on hand-made rounds whose index is known."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from pptx import Presentation

from reports import workshop
from reports.business_result_services import set_result
from reports.harvest import harvest_for
from reports.presentation import profile_context
from reports.profile_builder import build_profile
from reports.slides import build_slides
from tests.builders import scored_rounds

pytestmark = pytest.mark.django_db

YEAR = {"period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31)}


@pytest.fixture
def rounds(consultant):
    """Two closed rounds of one organisation: every item answered 3, then 4, so every
    score, and so the index, is 50.0 and then 75.0."""
    return scored_rounds(consultant)


def walk(campaign, *, team: str | None = None):
    profile = build_profile(campaign, language="en", team=team)
    with translation.override("en"):
        return workshop.plan(
            profile,
            profile_context(profile, lambda name, figure: figure),
            harvest=harvest_for(campaign, profile),
        )


def test_the_walk_shows_the_figures_beside_the_index_before_the_closing_slide(rounds):
    first, second = rounds
    set_result(campaign=first, metric="nps", value=Decimal("12"), **YEAR)
    set_result(campaign=second, metric="nps", value=Decimal("21"), **YEAR)
    slides = walk(second)
    harvest, closing = slides[-2:]
    assert (harvest.kind, closing.kind) == (workshop.HARVEST, workshop.CLOSING)
    assert harvest.table == (
        ("Figure", "Round 1", "Round 2"),
        ("Customer-centricity index", "50.0", "75.0"),
        ("Net Promoter Score", "+12", "+21"),
    )
    assert "correlation, not proof" in harvest.heading


def test_one_rounds_figures_are_shown_with_their_period(rounds):
    _first, second = rounds
    set_result(campaign=second, metric="churn", value=Decimal("4.5"), **YEAR)
    harvest = walk(second)[-2]
    assert harvest.table == (
        ("Figure", "Value", "Period"),
        ("Churn (percent of customers lost)", "4.5\u00a0%", "1 Jan 2025 – 31 Dec 2025"),
    )


def test_without_figures_there_is_no_harvest_slide(rounds):
    _first, second = rounds
    assert workshop.HARVEST not in [s.kind for s in walk(second)]


def test_the_powerpoint_has_the_harvest_as_an_editable_table(rounds):
    first, second = rounds
    set_result(campaign=first, metric="nps", value=Decimal("12"), **YEAR)
    set_result(campaign=second, metric="nps", value=Decimal("21"), **YEAR)
    profile = build_profile(second, language="nl")
    deck = Presentation(io.BytesIO(build_slides(profile, None, harvest_for(second, profile))))
    tables = [
        [[cell.text for cell in row.cells] for row in shape.table.rows]
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
    ]
    harvest = next(t for t in tables if t[0][0] == "Cijfer")
    assert harvest[1] == ["Klantgerichtheidsindex", "50,0", "75,0"]
    assert harvest[2][1:] == ["+12", "+21"]


def test_the_present_mode_shows_the_harvest_slide(client, consultant, rounds):
    first, second = rounds
    set_result(campaign=first, metric="nps", value=Decimal("12"), **YEAR)
    set_result(campaign=second, metric="nps", value=Decimal("21"), **YEAR)
    client.force_login(consultant)
    html = client.get(
        reverse("reports:present", args=[second.slug]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    slide = html.split('data-kind="harvest"', 1)[1].split("</section>", 1)[0]
    assert '<th scope="row">Net Promoter Score</th><td class="num">+12</td>' in slide
    assert "correlation, not proof" in slide
