"""The customer mirror in the workshop: its slide in the walk, the editable PowerPoint
and the present mode, from the demo (30 customers in two segments)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from pptx import Presentation

from assessment import demo
from assessment.models import Campaign
from reports import pdf, workshop
from reports.mirror import RESULTS, CustomerMirror, Headline, MirrorRow, headline
from reports.mirror_data import mirror_for
from reports.presentation import profile_context
from reports.profile_builder import build_profile
from reports.slides import build_slides
from reports.workshop_endings import mirror_headline, mirror_slide
from reports.workshop_slide import MIRROR_ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture
def current(seeded_demo) -> Campaign:
    return Campaign.objects.get(slug=demo.CURRENT_SLUG)


def walk_mirror_slide(campaign: Campaign, team: str | None = None) -> workshop.WorkshopSlide | None:
    profile = build_profile(campaign, language="en", team=team)
    mirror = mirror_for(campaign, profile)
    with translation.override("en"):
        slides = workshop.plan(
            profile, profile_context(profile, lambda n, f: f), mirror=None if team else mirror
        )
    return next((s for s in slides if s.kind == workshop.MIRROR), None)


def test_the_walk_sets_the_largest_self_image_gaps_after_the_perception_gap(current):
    profile = build_profile(current, language="en")
    mirror = mirror_for(current, profile)
    assert mirror is not None and mirror.state == RESULTS and mirror.headline is not None
    with translation.override("en"):
        slides = workshop.plan(profile, profile_context(profile, lambda n, f: f), mirror=mirror)
    kinds = [s.kind for s in slides]
    at = kinds.index(workshop.MIRROR)
    assert kinds[at - 1] in (workshop.GAP_ANSWER, workshop.GAP_HIDDEN)
    slide = slides[at]
    header, *rows = slide.table
    assert header == ("Dimension", "Management", "Employees", "Customers", "Self-image gap")
    assert len(rows) == MIRROR_ROWS
    by_name = {row.name: row for row in mirror.rows}
    gaps = [abs(by_name[name].self_image_gap) for name, *_ in rows]
    assert gaps == sorted(gaps, reverse=True)  # the largest gaps first, either way
    assert gaps[0] == max(abs(r.self_image_gap) for r in mirror.rows if r.self_image_gap)
    first = by_name[rows[0][0]]
    assert rows[0][3] == f"{first.customers:.1f}"
    assert rows[0][4] == f"+{first.self_image_gap:.1f}"  # management above the customers
    assert slide.caption == f"The largest {MIRROR_ROWS} of 14 self-image gaps."
    assert slide.marked == tuple(n for n, (name, *_) in enumerate(rows, 1) if by_name[name].flagged)
    headline = mirror.headline
    assert slide.heading == (
        f"We (management) score ourselves {headline.management:.0f}, our customers score us "
        f"{headline.customers:.0f} (mean of {headline.dimensions} dimensions)."
    )
    assert "never count in our own index" in slide.notes


def test_a_teams_walk_has_no_mirror_slide(current):
    assert walk_mirror_slide(current, team="Sales") is None


def test_the_powerpoint_has_the_mirror_as_an_editable_table(current):
    report = pdf.report_input(current, "nl")
    assert report.mirror is not None
    deck = Presentation(io.BytesIO(build_slides(report.profile, None, None, report.mirror)))
    tables = [
        [[cell.text for cell in row.cells] for row in shape.table.rows]
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
    ]
    mirror = next(
        t for t in tables if t[0][:4] == ["Dimensie", "Management", "Medewerkers", "Klanten"]
    )
    assert mirror[0][4] == "Kloof in zelfbeeld"
    assert len(mirror) == MIRROR_ROWS + 1
    texts = [
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    assert any(text.startswith("Wij (de leiding) geven onszelf ") for text in texts)


def test_the_present_mode_shows_the_mirror_slide(client, current):
    client.force_login(current.organisation.owner)
    html = client.get(
        reverse("reports:present", args=[current.slug]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    slide = html.split('data-kind="mirror"', 1)[1].split("</section>", 1)[0]
    assert "We (management) score ourselves" in slide and 'class="flagged"' in slide
    assert "differ by 15 points or more" in slide


def row(name: str, management: float, customers: float | None) -> MirrorRow:
    gap = None if customers is None else management - customers
    return MirrorRow(
        dimension=f"keys.{name}",
        name=name,
        management=management,
        employees=50.0,
        customers=customers,
        n_customers=0 if customers is None else 6,
        self_image_gap=gap,
        flagged=gap is not None and abs(gap) >= 15,
    )


def test_a_dimension_customers_rate_far_above_management_is_on_the_slide_too():
    rows = tuple(row(f"d{n}", 60.0, 60.0 - n) for n in range(8))  # gaps 0..7
    above = row("above", 50.0, 75.0)  # customers 25 higher: flagged
    hidden = row("hidden", 80.0, None)  # fewer than k customers: no gap to show
    mirror = CustomerMirror(
        state=RESULTS,
        k=5,
        n=30,
        final=True,
        rows=(*rows, above, hidden),
        headline=headline((*rows, above, hidden), management_hidden=False),
    )
    with translation.override("en"):
        slide = mirror_slide(mirror)
    names = [line[0] for line in slide.table[1:]]
    assert names == ["above", "d7", "d6", "d5", "d4", "d3", "d2"]
    assert slide.marked == (1,)
    assert "above" in slide.notes


def test_the_headline_says_why_managements_side_is_missing():
    shown = (row("a", 80.0, 50.0),)
    hidden = CustomerMirror(
        RESULTS, 5, 30, True, shown, headline=headline(shown, management_hidden=True)
    )
    apart = CustomerMirror(
        RESULTS,
        5,
        30,
        True,
        shown,
        headline=Headline(management=None, customers=50.0, dimensions=0, management_hidden=False),
    )
    with translation.override("en"):
        assert mirror_headline(hidden) == (
            "Our customers score us 50; management's own score is hidden."
        )
        assert mirror_headline(apart) == (
            "No dimension has both a management score and a customer score to compare."
        )
