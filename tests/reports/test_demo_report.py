"""The demo's rounds as a consultant reads them: this year's round (bank edition 2)
against last year's (edition 1), each framework with its own stage text, and a report
that does not repeat itself."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

import pytest

from assessment import demo
from assessment.models import Campaign
from questionnaires.models import FrameworkStage
from reports import pdf
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
