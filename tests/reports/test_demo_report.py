"""The demo's rounds as a consultant reads them: this year's round (bank edition 2)
against last year's (edition 1), each framework with its own stage text, and a report
that does not repeat itself."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

import pytest
from django.utils import timezone

from assessment import demo
from assessment.models import Campaign
from questionnaires.models import FrameworkStage
from reports import action_rules, pdf
from reports.action_plan import plan_for
from reports.harvest import harvest_for
from reports.models import Action
from reports.profile_builder import build_profile

# Rebuilt around their seed in edition 2: not compared with edition 1.
REBUILT = {"diamond.bimodal", "care.transformation", "listening.two_way"}
SENTENCE_WORDS = 8
TIMES = 3


@pytest.fixture
def demo_rounds(seeded_demo, db):
    """This year's round of the demo, seeded once for the module (it is only read)."""
    return Campaign.objects.get(slug=demo.CURRENT_SLUG)


def test_the_trend_compares_only_the_dimensions_both_editions_measure_alike(demo_rounds):
    profile = build_profile(demo_rounds, language="en")

    assert profile.previous is not None and profile.previous["version"] == 1
    not_comparable = set(profile.previous["not_comparable"])
    assert not_comparable >= REBUILT
    dimensions = {d.code: d for d in profile.dimensions()}
    assert len(not_comparable) < len(dimensions) / 2
    for code in not_comparable:
        assert dimensions[code].change is None, code
    compared = [d for c, d in dimensions.items() if c not in not_comparable and d.score is not None]
    assert compared and all(d.change is not None for d in compared)


def test_each_framework_section_shows_its_own_stage_text(demo_rounds):
    profile = build_profile(demo_rounds, language="nl")
    html = unescape(pdf.render_html(pdf.report_input(demo_rounds, "nl")))

    shown = 0
    for framework in profile.frameworks:
        if framework.stage is None:
            continue
        own = FrameworkStage.objects.get(framework__code=framework.code, stage=framework.stage)
        section = html.split(f'id="framework-{framework.code}"', 1)[1].split("<section", 1)[0]
        assert own.looks_like_nl in section and own.next_step_nl in section, framework.code
        others = FrameworkStage.objects.exclude(framework__code=framework.code)
        assert not any(other.looks_like_nl in section for other in others), framework.code
        shown += 1
    assert shown == len(profile.frameworks)


def sentences(html: str) -> list[str]:
    body = html.split("<body", 1)[1]
    text = unescape(re.sub(r"<[^>]+>", " ", body))
    parts = re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text))
    return [p.strip() for p in parts if len(p.split()) >= SENTENCE_WORDS]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_long_sentence_appears_three_times_in_the_report(demo_rounds, language):
    # As printed with its charts (a report without a browser says once per chart that
    # the chart is missing).
    html = pdf.render_html(pdf.report_input(demo_rounds, language), charts_as_links=True)
    counts = Counter(sentences(html))
    assert [s for s, n in counts.items() if n >= TIMES] == []


def test_the_dashboard_says_which_dimensions_are_not_compared(demo_rounds, client):
    client.force_login(demo_rounds.organisation.owner)
    html = client.get(f"/campaigns/{demo_rounds.slug}/dashboard/").content.decode()
    note = html.split("data-not-comparable", 1)[1].split("</p>", 1)[0]
    assert "questionnaire version 1" in note
    assert "Bimodal" in note or "bimodal" in note.lower()


def test_last_years_actions_show_their_follow_up_this_year(demo_rounds):
    """The demo's action plan of last year: one target reached, one missed, one dropped."""
    profile = build_profile(demo_rounds, language="nl")
    plan = plan_for(demo_rounds, profile=profile, language="nl", today=timezone.localdate())

    assert plan.actions == ()  # this year's plan is the workshop's to make
    assert plan.previous_name == profile.previous["name"]
    outcome = {(row.action.status, row.verdict) for row in plan.follow_up}
    assert outcome == {
        (action_rules.DONE, action_rules.REACHED),
        (action_rules.IN_PROGRESS, action_rules.NOT_REACHED),
        (action_rules.DROPPED, action_rules.NOT_REACHED),
    }
    for row in plan.follow_up:
        assert row.then is not None and row.now is not None
        assert row.action.notes and row.action.recommendation
    assert Action.objects.filter(campaign__slug=demo.PREVIOUS_SLUG).count() == 3


def test_both_closed_rounds_have_business_results_for_the_harvest(demo_rounds):
    harvest = harvest_for(demo_rounds, build_profile(demo_rounds, language="nl"))
    assert harvest.has_trend
    assert [p.round_name for p in harvest.points] == [
        Campaign.objects.get(slug=demo.PREVIOUS_SLUG).name,
        demo_rounds.name,
    ]
    assert all(p.index is not None and len(p.figures) == 9 for p in harvest.points)
    assert len(harvest.figures) == 9
