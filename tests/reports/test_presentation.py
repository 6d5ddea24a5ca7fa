"""What the dashboard and the report arrange from a profile: the executive view's index
change, a team beside its organisation, and the dashboard's screen fonts."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from reports import charts
from reports.presentation import OrganisationRow, profile_context
from reports.workshop import index_facts
from tests.profiles import make_profile


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def executive(overall: float, before: float | None) -> tuple[Decimal | None, str]:
    profile = make_profile(
        overall_score=overall,
        previous={"slug": "r0", "name": "R0", "closes_at": None, "overall": before},
    )
    context = profile_context(profile, lambda name, figure: None)
    html = render_to_string(
        "reports/dashboard/executive.html",
        {**context, "profile": profile, "final": True, "k": 5, "response_rate_pct": 90},
    )
    return context["index_change"], " ".join(html.split())


@pytest.mark.parametrize(
    ("overall", "before", "change", "shown"),
    [
        # The change as the two printed indexes give it: 62.4 against 62.5.
        (62.44, 62.46, Decimal("-0.1"), "▼</span> -0.1 since R0 (62.5)"),
        (62.46, 62.44, Decimal("0.1"), "▲</span> +0.1 since R0 (62.4)"),
        # Both print as 62.4: no change, no arrow, no sign.
        (62.44, 62.42, Decimal("0.0"), "data-executive-change>0.0 since R0 (62.4)"),
        (54.9, 49.3, Decimal("5.6"), "▲</span> +5.6 since R0 (49.3)"),
    ],
)
def test_the_index_change_adds_up_with_the_printed_indexes(overall, before, change, shown):
    found, html = executive(overall, before)
    assert found == change
    assert shown in html


def test_no_change_without_the_previous_index():
    found, html = executive(54.9, None)
    assert found is None
    assert "No comparison with R0 for this selection." in html


@pytest.mark.parametrize(
    ("team", "whole", "marked"),
    [(70.1, 60.1, True), (62.5, 52.5, True), (40.0, 49.95, False), (None, 50.0, False)],
)
def test_a_difference_of_ten_points_as_shown_is_marked(team, whole, marked):
    """70.1 - 60.1 is 9.999999999999993 in floating point: it shows, and counts, as 10."""
    assert OrganisationRow("A dimension", team, whole).marked is marked


def _font_sizes(node, inside_font=False):
    if isinstance(node, list):
        for item in node:
            yield from _font_sizes(item, inside_font)
    elif isinstance(node, dict):
        for key, value in node.items():
            if inside_font and key == "size":
                yield from value if isinstance(value, list) else [value]
            else:
                yield from _font_sizes(value, key.endswith("font"))


def _marker_sizes(figure) -> list:
    return [getattr(t.marker, "size", None) for t in figure.data if hasattr(t, "marker")]


def test_on_screen_no_chart_text_is_under_twelve_pixels_and_markers_keep_their_size():
    profile = replace(make_profile(), previous=None)
    figures = {
        "overall": charts.overall_diamond(profile),
        "heatmap": charts.team_heatmap(profile),
        "gap": charts.perception_gap(profile),
        "agreement": charts.agreement_chart(profile),
        "keys": charts.keys_gate(profile),
        "radar": charts.framework_radar(profile, "diamond"),
        "bars": charts.dimension_bars(profile, "diamond"),
    }
    for name, figure in figures.items():
        printed = list(_font_sizes(figure.to_plotly_json()))
        assert min(printed) < charts.common.SCREEN_MIN_FONT_PX or name == "overall"
        screen = charts.for_screen(figure)
        sizes = list(_font_sizes(screen.to_plotly_json()))
        assert sizes and min(sizes) >= 12, name
        assert _marker_sizes(screen) == _marker_sizes(figure), name


def test_the_index_slide_says_what_the_dashboard_says():
    """The present mode's and the PowerPoint's index slide: the same change as the
    executive view (the difference of the printed indexes) and the same caveat."""
    profile = make_profile(
        overall_score=62.44,
        previous={
            "slug": "r0",
            "name": "R0",
            "closes_at": None,
            "overall": 62.46,
            "index_differs": 2,
            "not_comparable": ("keys.journey",),
        },
    )
    facts = index_facts(profile, profile_context(profile, lambda name, figure: None))
    assert facts.change == "\u22120.1 since R0 (62.5)"
    assert facts.indicative == "indicative: 2 dimensions differ between the two rounds"
    assert facts.first_round == ""

    same = replace(profile, previous={**profile.previous, "index_differs": 0})
    facts = index_facts(same, profile_context(same, lambda name, figure: None))
    assert facts.indicative == ""
