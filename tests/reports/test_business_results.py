"""Business results: reading typed figures, refusing what cannot be a figure (and storing
nothing), and the harvest across rounds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from reports import business_results, pdf
from reports.business_result_services import (
    ResultRefused,
    organisation_rounds,
    remove_result,
    results_of,
    results_up_to,
    set_result,
    trend,
)
from reports.business_results import BY_CODE, TrendPoint
from reports.harvest import harvest_for
from reports.models import BusinessResult
from reports.profile_builder import build_profile
from tests.builders import add_response, level, make_questionnaire, scored_rounds
from tests.factories import CampaignFactory, ClosedCampaignFactory, OrganisationFactory


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English, whatever an earlier test left active."""
    with translation.override("en"):
        yield


YEAR = {"period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31)}


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1250", Decimal("1250")),
        ("1.250,50", Decimal("1250.50")),  # Dutch
        ("1,250.50", Decimal("1250.50")),  # English
        ("12,5", Decimal("12.5")),
        ("12.5 %", Decimal("12.5")),
        ("€ 80", Decimal("80")),
        ("-12", Decimal("-12")),
        ("twaalf", None),
        ("", None),
        ("NaN", None),
        ("Infinity", None),
    ],
)
def test_typed_figures_are_read_as_people_type_them(typed, value):
    assert business_results.parse_value(typed) == value


@pytest.mark.parametrize(
    ("typed", "dutch", "english"),
    [
        # What the page prints, typed back: grouped thousands in the page's language.
        ("1.250", Decimal("1250"), Decimal("1.250")),
        ("€ 1.315", Decimal("1315"), Decimal("1.315")),
        ("1,250", Decimal("1.250"), Decimal("1250")),
        ("1.250.000", Decimal("1250000"), Decimal("1250000")),
        ("1,250,000.5", Decimal("1250000.5"), Decimal("1250000.5")),
        ("0.125", Decimal("0.125"), Decimal("0.125")),  # no group starts with 0
        ("1_000", None, None),
        ("1.2.3", None, None),
        (".5", None, None),
        ("1.25,0.5", None, None),
    ],
)
def test_grouped_thousands_are_read_in_the_pages_language(typed, dutch, english):
    assert business_results.parse_value(typed, "nl") == dutch
    assert business_results.parse_value(typed, "en") == english


def problems(metric: str, value: Decimal | None, **overrides) -> dict[str, str]:
    values = {"metric": metric, "value": value, "source": "", **YEAR, **overrides}
    return {k: str(v) for k, v in business_results.result_problems(**values).items()}


@pytest.mark.parametrize(
    ("metric", "value", "message"),
    [
        ("customers_won", Decimal("-3"), "This figure cannot be negative."),
        ("customers_won", Decimal("2.5"), "A number of customers or complaints is a whole number."),
        ("churn", Decimal("100.5"), "A percentage lies between 0 and 100."),
        ("satisfaction", Decimal("-1"), "A percentage lies between 0 and 100."),
        ("nps", Decimal("-100.5"), "An NPS lies between -100 and 100."),
        ("nps", Decimal("101"), "An NPS lies between -100 and 100."),
        ("acquisition_cost", Decimal("12.345"), "Use at most two decimals."),
        ("value_per_customer", Decimal("10000000000000"), "This figure is too large."),
        ("customers_won", None, "Enter a number, for example 1250 or 12,5."),
    ],
)
def test_a_figure_out_of_its_range_is_refused_with_a_clear_message(metric, value, message):
    assert problems(metric, value) == {"value": message}


def test_good_figures_pass():
    assert problems("nps", Decimal("-100")) == {}
    assert problems("nps", Decimal("35")) == {}
    assert problems("churn", Decimal("0")) == {}
    assert problems("engagement", Decimal("100")) == {}
    assert problems("value_per_customer", Decimal("1250.50")) == {}


def test_a_period_that_ends_before_it_starts_is_refused():
    assert problems(
        "nps", Decimal("35"), period_start=date(2025, 12, 31), period_end=date(2025, 1, 1)
    ) == {"period_end": "The period ends before it starts."}
    assert problems("nps", Decimal("35"), period_start=None) == {
        "period_end": "Give the period the figure covers: its first and last day."
    }
    assert problems("height", Decimal("35")) == {"metric": "Choose one of the figures."}


def test_a_period_that_has_not_started_is_a_forecast_and_refused():
    today = date(2026, 12, 2)
    next_year = {"period_start": date(2027, 1, 1), "period_end": date(2027, 12, 31)}
    assert problems("nps", Decimal("35"), today=today, **next_year) == {
        "period_start": "The period has not started yet: enter figures that have been measured."
    }
    # the running year may be entered: it has started
    this_year = {"period_start": date(2026, 1, 1), "period_end": date(2026, 12, 31)}
    assert problems("nps", Decimal("35"), today=today, **this_year) == {}


def test_the_service_refuses_a_future_period_and_stores_nothing(two_rounds):
    first, _ = two_rounds
    next_year = timezone.localdate().year + 1
    with pytest.raises(ResultRefused):
        set_result(
            campaign=first,
            metric="nps",
            value=Decimal("20"),
            period_start=date(next_year, 1, 1),
            period_end=date(next_year, 12, 31),
        )
    assert not BusinessResult.objects.exists()


@given(
    metric=st.sampled_from([m.code for m in business_results.METRICS]),
    value=st.decimals(allow_nan=False, allow_infinity=False, places=2),
)
def test_every_accepted_figure_lies_within_its_bounds(metric, value):
    if problems(metric, value):
        return
    low, high = business_results.BOUNDS[BY_CODE[metric].kind]
    assert low is None or value >= low
    assert high is None or value <= high
    assert abs(value) <= business_results.LARGEST


@pytest.fixture
def two_rounds(db, consultant):
    organisation = OrganisationFactory(owner=consultant)
    first = ClosedCampaignFactory(organisation=organisation, name="2025")
    second = ClosedCampaignFactory(organisation=organisation, name="2026")
    ClosedCampaignFactory(name="someone else's")  # another organisation: not in the trend
    return first, second


@pytest.mark.parametrize(
    ("metric", "value", "period"),
    [
        ("customers_won", Decimal("-3"), YEAR),
        ("churn", Decimal("140"), YEAR),
        ("nps", None, YEAR),  # typed as text: read as no number
        ("nps", Decimal("10"), {"period_start": date(2025, 6, 1), "period_end": date(2025, 1, 1)}),
    ],
)
def test_bad_input_stores_nothing_and_keeps_what_was_there(two_rounds, metric, value, period):
    first, _ = two_rounds
    set_result(campaign=first, metric="nps", value=Decimal("20"), **YEAR)
    with pytest.raises(ResultRefused):
        set_result(campaign=first, metric=metric, value=value, **period)
    assert list(BusinessResult.objects.values_list("metric", "value")) == [("nps", Decimal("20"))]


def test_a_figure_is_replaced_and_removed(two_rounds):
    first, _ = two_rounds
    set_result(campaign=first, metric="nps", value=Decimal("20"), source=" survey ", **YEAR)
    set_result(campaign=first, metric="nps", value=Decimal("25"), source="survey Q4", **YEAR)
    set_result(campaign=first, metric="customers_won", value=Decimal("120"), **YEAR)
    assert [(r.metric, r.value, r.source) for r in results_of(first)] == [
        ("customers_won", Decimal("120"), ""),
        ("nps", Decimal("25"), "survey Q4"),
    ]
    remove_result(campaign=first, metric="nps")
    assert [r.metric for r in results_of(first)] == ["customers_won"]


def test_the_harvest_puts_each_rounds_figures_beside_its_index(two_rounds):
    first, second = two_rounds
    set_result(campaign=first, metric="nps", value=Decimal("12"), **YEAR)
    set_result(campaign=second, metric="nps", value=Decimal("21"), **YEAR)
    set_result(campaign=second, metric="churn", value=Decimal("8.5"), **YEAR)

    rounds = organisation_rounds(second)
    assert [c.name for c in rounds] == ["2025", "2026"]
    results = results_up_to(second)
    # One query reads the figures of the round and of those before it, none of later ones.
    assert {r.campaign_id for r in results} == {first.pk, second.pk}
    assert {r.campaign_id for r in results_up_to(first)} == {first.pk}
    points = trend(rounds, {first.pk: 48.5, second.pk: 55.0}, results)
    assert points == [
        TrendPoint("2025", 48.5, {"nps": Decimal("12")}),
        TrendPoint("2026", 55.0, {"nps": Decimal("21"), "churn": Decimal("8.5")}),
    ]
    rows = business_results.trend_rows(points)
    assert [(m.code, values) for m, values in rows] == [
        ("nps", [Decimal("12"), Decimal("21")]),
        ("churn", [None, Decimal("8.5")]),
    ]
    # The first round's trend holds only itself.
    assert [c.name for c in organisation_rounds(first)] == ["2025"]


def test_the_harvest_sets_each_rounds_index_beside_its_figures(db, consultant):
    first, second = scored_rounds(consultant)
    set_result(campaign=first, metric="nps", value=Decimal("12"), source="survey", **YEAR)
    set_result(campaign=second, metric="nps", value=Decimal("21"), **YEAR)

    harvest = harvest_for(second, build_profile(second, language="en"))

    # Every item answered 3, then 4: every score, and so the index, 50.0, then 75.0.
    assert [(p.round_name, p.index, p.figures) for p in harvest.points] == [
        ("Round 1", 50.0, {"nps": Decimal("12")}),
        ("Round 2", 75.0, {"nps": Decimal("21")}),
    ]
    assert harvest.has_trend
    assert harvest.as_dict() == {
        "figures": [
            {
                "metric": "nps",
                "value": 21.0,
                "unit": "nps",
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
                "source": "",
            }
        ],
        "trend": [
            {"round": "Round 1", "index": 50.0, "figures": {"nps": 12.0}},
            {"round": "Round 2", "index": 75.0, "figures": {"nps": 21.0}},
        ],
    }
    # Without figures in an earlier round there is no trend, and no earlier index is read.
    alone = harvest_for(first, build_profile(first, language="en"))
    assert not alone.has_trend
    assert [p.index for p in alone.points] == [50.0]


@pytest.mark.parametrize(
    ("metric", "value", "english", "dutch"),
    [
        ("satisfaction", Decimal("74.50"), "74.5\u00a0%", "74,5\u00a0%"),
        ("churn", Decimal("9.8"), "9.8\u00a0%", "9,8\u00a0%"),
        ("value_per_customer", Decimal("1315.00"), "€\u00a01,315", "€\u00a01.315"),
        ("value_per_customer", Decimal("1250.55"), "€\u00a01,250.55", "€\u00a01.250,55"),
        ("customers_won", Decimal("1200"), "1,200", "1.200"),
        ("nps", Decimal("19"), "+19", "+19"),
        ("nps", Decimal("-4"), "-4", "-4"),
        ("nps", Decimal("0"), "0", "0"),
    ],
)
def test_a_figure_is_printed_with_its_own_decimals_and_unit(metric, value, english, dutch):
    with translation.override("en"):
        assert business_results.shown(BY_CODE[metric], value) == english
    with translation.override("nl"):
        assert business_results.shown(BY_CODE[metric], value) == dutch


def test_the_report_shows_the_harvest_and_makes_itself_again_when_a_figure_changes(
    report_campaign,
):
    before = pdf.report_input(report_campaign, "en").signature()
    html = pdf.render_html(pdf.report_input(report_campaign, "en"))
    assert 'id="harvest"' not in html  # no figures: no chapter

    set_result(
        campaign=report_campaign, metric="churn", value=Decimal("8.10"), source="CRM", **YEAR
    )
    report = pdf.report_input(report_campaign, "en")
    assert report.signature() != before
    html = pdf.render_html(report)
    assert 'href="#harvest"' in html
    assert "Churn (percent of customers lost)" in html and "8.1\u00a0%" in html
    assert "a correlation, not proof" in html
    # The signature does not depend on the language that is active when it is made.
    with translation.override("nl"):
        assert pdf.report_input(report_campaign, "en").signature() == report.signature()
    # A team report leaves the organisation's figures out.
    assert 'id="harvest"' not in pdf.render_html(pdf.report_input(report_campaign, "en", "Beta"))


def test_an_earlier_round_still_in_fieldwork_shows_no_index(db, consultant):
    version = make_questionnaire()
    organisation = OrganisationFactory(owner=consultant)
    running = CampaignFactory(organisation=organisation, questionnaire_version=version)
    closed = ClosedCampaignFactory(organisation=organisation, questionnaire_version=version)
    for campaign in (running, closed):
        for _ in range(3):
            add_response(campaign, level(4))
        set_result(campaign=campaign, metric="nps", value=Decimal("12"), **YEAR)
    harvest = harvest_for(closed, build_profile(closed, language="en"))
    assert [p.index for p in harvest.points] == [None, 75.0]


def test_the_round_just_before_is_read_from_the_profile_not_built_again(
    db, consultant, django_assert_num_queries
):
    first, second = scored_rounds(consultant, answers=(3, 3))
    for campaign in (first, second):
        set_result(campaign=campaign, metric="nps", value=Decimal("12"), **YEAR)
    profile = build_profile(second, language="en")
    # the figures, then the rounds: no third query for the earlier round's index
    with django_assert_num_queries(2):
        harvest = harvest_for(second, profile)
    assert [p.index for p in harvest.points] == [50.0, 50.0]


def test_with_a_trend_the_report_still_prints_this_rounds_periods(db, consultant):
    first, second = scored_rounds(consultant)
    set_result(campaign=first, metric="nps", value=Decimal("12"), **YEAR)
    set_result(
        campaign=second,
        metric="nps",
        value=Decimal("21"),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
    )
    with translation.override("en"):
        html = pdf.render_html(pdf.report_input(second, "en"))
    chapter = html[html.index('id="harvest"') :]
    assert "Round 1" in chapter and "This round's figures" in chapter
    assert "1 Jan 2026 – 30 Jun 2026" in chapter
