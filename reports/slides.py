"""The workshop as an editable PowerPoint: the walk of the present mode, slide by slide,
with native charts, tables as tables and the speaker's notes in the notes pane.

`build_slides(profile, actions)` is pure given the profile and the action plan: every
number comes from `reports.presentation.profile_context`, the arrangement the dashboard
and the PDF share (groups below k stay hidden there, and so here), and is formatted as
they format it (one decimal, the language's decimal mark). `reports.slides_draw` does
the drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from pptx.enum.chart import XL_CHART_TYPE, XL_TICK_LABEL_POSITION
from pptx.slide import Slide
from pptx.util import Emu, Inches

from reports import charts
from reports.action_rules import ActionPlan
from reports.charts.common import format_change, format_number
from reports.harvest import Harvest
from reports.mirror import CustomerMirror
from reports.presentation import profile_context
from reports.profile import Profile
from reports.slides_draw import (
    BODY_HEIGHT,
    BODY_TOP,
    BODY_WIDTH,
    BRAND,
    BRAND_DARK,
    HEIGHT,
    HIGHLIGHT,
    INK,
    MARGIN,
    MARKED_TINT,
    MIN_PT,
    MUTED,
    PALE,
    PREVIOUS,
    STAGE_FILL,
    WIDTH,
    Deck,
    Line,
    column_widths,
    rgb,
)
from reports.slides_heatmap import heatmap_slides
from reports.slides_opening import OpeningSlides
from reports.workshop import (
    GAP_ROWS,
    WorkshopSlide,
    framework_summary,
    gap_explanation,
    gap_hidden_text,
    keys_lines,
    plan,
    priority_summary,
)

__all__ = ["GAP_ROWS", "build_slides"]

# Part of the cache key of the slides made in the background (reports/report_jobs.py):
# raise it when the slides' layout changes, so that decks made by an older one are made again.
LAYOUT_VERSION = 5
MANAGEMENT = "0f4c75"  # reports/charts/gap.py
EMPLOYEES = "d08a2e"


def no_chart(name: str, figure: Any) -> None:
    """The slides draw their own charts from the rows: the Plotly figures are not needed."""
    return None


def build_slides(
    profile: Profile,
    actions: ActionPlan | None = None,
    harvest: Harvest | None = None,
    mirror: CustomerMirror | None = None,
) -> bytes:
    """The deck of a profile with results (whole campaign or one team), in its language,
    with the campaign's customer `mirror` and business results (`harvest`), closing
    with its `actions`."""
    with translation.override(profile.language):
        context = profile_context(profile, no_chart)
        deck = Deck(profile.language)
        Walk(deck, profile, context, actions, harvest, mirror).all()
        return deck.save()


class Walk(OpeningSlides):
    """The slides in the order of the workshop."""

    def __init__(
        self,
        deck: Deck,
        profile: Profile,
        context: dict[str, Any],
        actions: ActionPlan | None = None,
        harvest: Harvest | None = None,
        mirror: CustomerMirror | None = None,
    ) -> None:
        self.deck, self.profile, self.context = deck, profile, context
        self.actions, self.business_results, self.customers = actions, harvest, mirror
        self.team = profile.scope.get("team")
        self.k = profile.anonymity_threshold

    def all(self) -> None:
        """Each slide of the walk (`reports.workshop.plan`), drawn by the method of its kind."""
        walk = plan(self.profile, self.context, self.actions, self.business_results, self.customers)
        for slide in walk:
            getattr(self, slide.kind)(slide)

    # ------------------------------------------------------------------ frameworks

    def framework(self, plan_slide: WorkshopSlide) -> None:
        block, deck = plan_slide.block, self.deck
        assert block is not None
        slide = deck.slide(plan_slide.title, plan_slide.notes)
        summary = framework_summary(block)
        deck.text(
            slide, MARGIN, Inches(1.3), BODY_WIDTH, Inches(0.5), [Line(summary, 22, True, MUTED)]
        )
        top = BODY_TOP + Inches(0.35)
        rows = block.rows
        chart_width = Inches(4.6)
        previous = [r.previous for r in rows]
        series: list[tuple[str, list[float | None]]] = [
            (self.profile.name, [r.dim.score for r in rows])
        ]
        if self.profile.previous and any(v is not None for v in previous):
            series.append((str(self.profile.previous["name"]), previous))
        if len(rows) >= charts.RADAR_MIN_DIMENSIONS:
            chart = deck.chart(
                slide,
                XL_CHART_TYPE.RADAR_MARKERS,
                (MARGIN - Inches(0.2), top, chart_width, HEIGHT - top - Inches(0.2)),
                [str(i) for i in range(1, len(rows) + 1)],
                series,
                legend=len(series) > 1,
            )
            # The table beside it carries the numbers; the rings are the scale.
            chart.value_axis.tick_label_position = XL_TICK_LABEL_POSITION.NONE
            for index, colour in enumerate((BRAND, PREVIOUS)[: len(series)]):
                line = chart.plots[0].series[index].format.line
                line.color.rgb = rgb(colour)
                line.width = Emu(Inches(0.04 if index == 0 else 0.025))
                chart.plots[0].series[index].marker.format.fill.solid()
                chart.plots[0].series[index].marker.format.fill.fore_color.rgb = rgb(colour)
        else:
            chart = deck.chart(
                slide,
                XL_CHART_TYPE.BAR_CLUSTERED,
                (MARGIN, top, chart_width, HEIGHT - top - Inches(0.2)),
                [str(i) for i in range(1, len(rows) + 1)],
                series,
                legend=len(series) > 1,
            )
            chart.category_axis.reverse_order = True
            deck.colour_series(chart, 0, BRAND)
            if len(series) > 1:
                deck.colour_series(chart, 1, PREVIOUS)
            deck.point_labels(chart, 0, [format_number(r.dim.score) for r in rows])
        self.numbered_scores(
            slide,
            MARGIN + chart_width + Inches(0.1),
            top,
            _("Dimension"),
            rows,
            lambda r: STAGE_FILL[r.dim.stage] if r.dim.stage else None,
            row_height=Inches(0.36),
        )

    def keys(self, plan_slide: WorkshopSlide) -> None:
        deck, block = self.deck, plan_slide.block
        assert block is not None
        rows = block.rows
        weakest = block.weakest
        slide = deck.slide(plan_slide.title, plan_slide.notes)
        chart_width = Inches(5.6)
        chart = deck.chart(
            slide,
            XL_CHART_TYPE.COLUMN_CLUSTERED,
            (MARGIN - Inches(0.1), BODY_TOP, chart_width, BODY_HEIGHT),
            [_("Key %(n)s") % {"n": i} for i in range(1, len(rows) + 1)],
            [(_("Score"), [r.dim.score for r in rows])],
        )
        chart.plots[0].gap_width = 50
        deck.colour_points(chart, 0, [HIGHLIGHT if r == weakest else BRAND for r in rows])
        deck.point_labels(chart, 0, [format_number(r.dim.score) for r in rows])
        left = MARGIN + chart_width + Inches(0.1)
        self.numbered_scores(
            slide,
            left,
            BODY_TOP,
            _("Key"),
            rows,
            lambda r: HIGHLIGHT if r == weakest else None,
            row_height=Inches(0.4),
        )
        weakest_line, mean_line = keys_lines(block)
        lines = [Line(weakest_line, 20, True)] if weakest_line else []
        lines.append(Line(mean_line, 20, False, MUTED, space_before=12))
        deck.text(slide, left, Inches(5.3), WIDTH - MARGIN - left, Inches(1.9), lines)

    def numbered_scores(
        self,
        slide: Slide,
        left: int,
        top: int,
        heading: str,
        rows: Sequence[Any],
        score_fill: Callable[[Any], str | None],
        *,
        row_height: int,
    ) -> None:
        """The table right of a chart of dimensions or keys, up to the margin: the
        chart's numbers, the names and the scores, each score in its `score_fill`."""
        cells = [["#", heading, _("Score")]] + [
            [str(i), r.dim.name, format_number(r.dim.score)] for i, r in enumerate(rows, start=1)
        ]
        fills = {(i, 2): fill for i, r in enumerate(rows, start=1) if (fill := score_fill(r))}
        self.deck.table(
            slide,
            left,
            top,
            column_widths(WIDTH - MARGIN - left, [0.08, 0.77, 0.15]),
            cells,
            fills=fills,
            numeric=[0, 2],
            row_height=row_height,
        )

    # ------------------------------------------------------------------ perception gap

    def gap_hidden(self, plan_slide: WorkshopSlide) -> None:
        slide = self.deck.slide(plan_slide.title, plan_slide.notes)
        note = gap_hidden_text(self.k)
        self.deck.text(slide, MARGIN, BODY_TOP, BODY_WIDTH, Inches(2), [Line(note, 24)])

    def gap_question(self, plan_slide: WorkshopSlide) -> None:
        slide = self.deck.slide(plan_slide.title, plan_slide.notes)
        self.deck.text(
            slide,
            MARGIN,
            Inches(2.0),
            BODY_WIDTH,
            Inches(4.5),
            [
                Line(gap_explanation(), 24),
                Line(_("What do you expect?"), 44, True, BRAND_DARK, space_before=36),
            ],
        )

    def gap_answer(self, plan_slide: WorkshopSlide) -> None:
        deck = self.deck
        shown = plan_slide.gaps
        slide = deck.slide(plan_slide.title, plan_slide.notes)
        deck.text(
            slide,
            MARGIN,
            Inches(1.3),
            BODY_WIDTH,
            Inches(0.5),
            [Line(plan_slide.heading, 22, True, MUTED)],
        )
        chart = deck.chart(
            slide,
            XL_CHART_TYPE.BAR_CLUSTERED,
            (MARGIN, BODY_TOP + Inches(0.3), BODY_WIDTH, BODY_HEIGHT - Inches(0.2)),
            [f"{g['row'].dim.name} ({format_change(g['gap'].gap)})" for g in shown],
            [
                (_("Management (board and managers)"), [g["gap"].management for g in shown]),
                (_("Employees"), [g["gap"].employees for g in shown]),
            ],
            legend=True,
        )
        chart.category_axis.reverse_order = True
        chart.plots[0].gap_width = 50
        chart.plots[0].overlap = -5
        for index, (colour, side) in enumerate(
            ((MANAGEMENT, "management"), (EMPLOYEES, "employees"))
        ):
            deck.colour_series(chart, index, colour)
            deck.point_labels(chart, index, [format_number(getattr(g["gap"], side)) for g in shown])

    def heatmap(self, plan_slide: WorkshopSlide) -> None:
        heatmap_slides(self.deck, self.profile, plan_slide)

    # ------------------------------------------------------------------ priorities and close

    def priority(self, plan_slide: WorkshopSlide) -> None:
        deck, row = self.deck, plan_slide.row
        assert row is not None
        dim = row.dim
        slide = deck.slide(plan_slide.title, plan_slide.notes)
        summary = priority_summary(row)
        deck.text(
            slide, MARGIN, Inches(1.3), BODY_WIDTH, Inches(0.5), [Line(summary, 22, True, MUTED)]
        )
        question_height = Inches(1.35)
        if dim.discussion_question:
            deck.rectangle(
                slide,
                MARGIN,
                HEIGHT - question_height - Inches(0.3),
                BODY_WIDTH,
                question_height,
                PALE,
                [
                    Line(_("For the workshop:"), 20, True, BRAND_DARK),
                    Line(dim.discussion_question, 22, True, INK),
                ],
            )
        if dim.recommendations:
            lines = [Line(_("What to do next"), 22, True, BRAND_DARK)] + [
                Line(text, 18, bullet=True, space_before=6) for text in dim.recommendations
            ]
            deck.text(
                slide,
                MARGIN,
                BODY_TOP + Inches(0.3),
                BODY_WIDTH,
                HEIGHT - BODY_TOP - question_height - Inches(0.8),
                lines,
            )

    def mirror(self, plan_slide: WorkshopSlide) -> None:
        deck = self.deck
        slide = deck.slide(plan_slide.title, plan_slide.notes)
        deck.text(
            slide,
            MARGIN,
            BODY_TOP - Inches(0.15),
            BODY_WIDTH,
            Inches(0.8),  # two lines at most
            [Line(plan_slide.heading, 20, True)],
        )
        marked = {(row, 4): MARKED_TINT for row in plan_slide.marked}
        deck.table(
            slide,
            MARGIN,
            BODY_TOP + Inches(0.75),
            column_widths(BODY_WIDTH, [0.37, 0.155, 0.165, 0.14, 0.17]),
            [list(row) for row in plan_slide.table],
            fills=marked,
            row_height=Inches(0.45),
        )
        if plan_slide.caption:
            self.footnote(slide, plan_slide.caption)

    def harvest(self, plan_slide: WorkshopSlide) -> None:
        deck = self.deck
        slide = deck.slide(plan_slide.title, plan_slide.notes)
        # The caveat first: it is how the figures are to be read.
        deck.text(
            slide,
            MARGIN,
            BODY_TOP - Inches(0.2),
            BODY_WIDTH,
            Inches(0.7),
            [Line(plan_slide.heading, MIN_PT, False, MUTED)],
        )
        rows = [list(row) for row in plan_slide.table]
        columns = len(rows[0])
        first = 0.44 if columns > 3 else 0.4
        deck.table(
            slide,
            MARGIN,
            BODY_TOP + Inches(0.6),
            column_widths(BODY_WIDTH, [first] + [(1 - first) / (columns - 1)] * (columns - 1)),
            rows,
            row_height=Inches(0.42),
        )

    def closing(self, plan_slide: WorkshopSlide) -> None:
        deck = self.deck
        slide = deck.slide(plan_slide.title, plan_slide.notes)
        deck.text(
            slide,
            MARGIN,
            BODY_TOP - Inches(0.1),
            BODY_WIDTH,
            Inches(0.6),
            [Line(plan_slide.heading, 24)],
        )
        top = BODY_TOP + Inches(0.7)
        if not plan_slide.actions:  # an empty row per priority, to fill in together
            rows = [[_("Priority"), _("What will we do?"), _("Who?"), _("By when?")]] + [
                [row.dim.name, "", "", ""] for row in self.context["priorities"]
            ]
            deck.table(
                slide,
                MARGIN,
                top,
                column_widths(BODY_WIDTH, [0.32, 0.4, 0.14, 0.14]),
                rows,
                row_height=Inches(1.0),
            )
            return
        header = [_("Dimension"), _("Action"), _("Owner"), _("Due"), _("Status"), _("Target")]
        rows = [header] + [
            [a.dimension, a.title, a.owner, a.due, a.status, a.target] for a in plan_slide.actions
        ]
        overdue = {(i, 3): MARKED_TINT for i, a in enumerate(plan_slide.actions, 1) if a.overdue}
        deck.table(
            slide,
            MARGIN,
            top,
            column_widths(BODY_WIDTH, [0.16, 0.26, 0.18, 0.13, 0.11, 0.16]),
            rows,
            fills=overdue,
            row_height=Inches(0.6),
        )
        if plan_slide.more_actions:
            self.footnote(slide, plan_slide.more_actions_text)

    def footnote(self, slide: Slide, text: str) -> None:
        """A muted line at the foot of a slide: how much of the whole a table shows."""
        self.deck.text(
            slide,
            MARGIN,
            HEIGHT - Inches(0.65),
            BODY_WIDTH,
            Inches(0.5),
            [Line(text, MIN_PT, False, MUTED)],
        )
