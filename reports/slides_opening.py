"""The opening of the workshop slides: the cover, the question, the response rate and the
index on the diamond (`reports.slides` walks the rest)."""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.slide import Slide
from pptx.util import Inches

from assessment.campaigns import closing_day, opening_day
from reports.charts.common import format_number, stage_bands, stage_names
from reports.presentation import FrameworkBlock
from reports.profile import Profile
from reports.slides_draw import (
    BODY_TOP,
    BODY_WIDTH,
    BRAND,
    BRAND_DARK,
    HEIGHT,
    INK,
    MARGIN,
    MUTED,
    PREVIOUS,
    STAGE_FILL,
    STAGE_INK,
    WHITE,
    WIDTH,
    Deck,
    Line,
    column_widths,
)
from reports.workshop import WorkshopSlide, index_facts
from reports.workshop import response_rate as workshop_response_rate


class OpeningSlides:
    """The first four slides of the walk."""

    deck: Deck
    profile: Profile
    context: dict[str, Any]
    team: str | None
    k: int

    # ------------------------------------------------------------------ opening

    def cover(self, plan_slide: WorkshopSlide) -> None:
        profile, deck = self.profile, self.deck
        slide = deck.presentation.slides.add_slide(deck.presentation.slide_layouts[6])
        deck.notes(slide, plan_slide.notes)
        deck.rectangle(slide, 0, 0, WIDTH, HEIGHT, BRAND_DARK)
        deck.rectangle(slide, 0, Inches(5.9), WIDTH, Inches(0.12), STAGE_FILL["clear"])
        subtitle = profile.name + (
            "\n" + _("Team report: %(team)s") % {"team": self.team} if self.team else ""
        )
        first, last = opening_day(profile.opens_at), closing_day(profile.closes_at)
        days = " – ".join(date_format(day, "j F Y") for day in (first, last) if day)
        facts = [
            Line(_("Customer-centricity maturity scan"), 24, False, "cfe0ee"),
            Line(profile.organisation, 48, True, WHITE, space_before=12),
            Line(subtitle, 28, False, WHITE, space_before=6),
        ]
        deck.text(slide, MARGIN, Inches(1.2), BODY_WIDTH, Inches(4.4), facts)
        dated = [
            Line(date_format(profile.generated_at, "j F Y"), 20, True, WHITE),
            Line((_("Fieldwork") + ": " + days) if days else "", 20, False, "cfe0ee"),
            Line(
                _("Confidential. Results are shown only for groups of at least %(k)s respondents.")
                % {"k": self.k},
                18,
                False,
                "cfe0ee",
            ),
        ]
        if not profile.final:
            dated.append(
                Line(
                    _(
                        "Interim results: the campaign is still open. This report counts the "
                        "first %(counted)s of %(submitted)s submitted responses, in steps of k; "
                        "teams, roles and comments follow when it has closed."
                    )
                    % {"counted": profile.respondents, "submitted": profile.submitted},
                    18,
                    True,
                    WHITE,
                )
            )
        deck.text(slide, MARGIN, Inches(6.05), BODY_WIDTH, Inches(1.3), dated)

    def question(self, plan_slide: WorkshopSlide) -> None:
        slide = self.deck.slide(plan_slide.title, plan_slide.notes)
        self.deck.text(
            slide,
            MARGIN,
            Inches(2.2),
            BODY_WIDTH,
            Inches(3.8),
            [
                Line(_("Your estimate: how customer-centric are we on a scale of 0 to 100?"), 32),
                Line(_("And where do we stand on the diamond?"), 32, space_before=24),
                Line(
                    " → ".join(s.name for s in self.profile.stages),
                    24,
                    False,
                    MUTED,
                    space_before=24,
                ),
            ],
        )

    def response_rate(self, plan_slide: WorkshopSlide) -> None:
        profile, deck = self.profile, self.deck
        answered = workshop_response_rate(profile)
        rate, n, big, line = answered.rate, answered.answered, answered.big, answered.line
        slide = deck.slide(plan_slide.title, plan_slide.notes)
        deck.text(
            slide,
            MARGIN,
            BODY_TOP + Inches(0.3),
            Inches(5.6),
            Inches(2.6),
            [Line(big, 88, True, BRAND_DARK), Line(line, 24)],
        )
        if rate is not None and profile.invited:
            chart = deck.chart(
                slide,
                XL_CHART_TYPE.BAR_STACKED,
                (MARGIN, Inches(4.7), Inches(5.8), Inches(2.2)),
                [_("Respondents")],
                [(_("Answered"), [n]), (_("Not (yet) answered"), [max(profile.invited - n, 0)])],
                legend=True,
            )
            axis = chart.value_axis
            axis.maximum_scale = max(profile.invited, n)
            axis.major_unit = None
            axis.visible = False
            chart.category_axis.visible = False
            deck.colour_series(chart, 0, BRAND)
            deck.colour_series(chart, 1, "d5dde3")
            deck.point_labels(chart, 0, [str(n)], position=XL_LABEL_POSITION.CENTER, colour=WHITE)
        teams = self.context["teams"]
        if teams and not self.team:
            rows = [[_("Team"), _("Respondents")]] + [
                [t.label, f"< {self.k}" if t.group.suppressed else str(t.group.n)] for t in teams
            ]
            width = Inches(6.0)
            deck.table(
                slide,
                WIDTH - MARGIN - width,
                BODY_TOP + Inches(0.3),
                column_widths(width, [0.65, 0.35]),
                rows,
                numeric=[1],
            )

    # ------------------------------------------------------------------ the index

    def index(self, plan_slide: WorkshopSlide) -> None:
        profile, deck = self.profile, self.deck
        stage = self.context["overall_stage"]
        slide = deck.slide(plan_slide.title, plan_slide.notes)
        lines = [Line(format_number(profile.overall_score) + " / 100", 72, True, BRAND_DARK)]
        facts = index_facts(profile, self.context)
        if facts.withheld:
            lines.append(Line(facts.withheld, 18, False, MUTED))
        if facts.change:
            lines.append(Line(facts.change, 24, True, INK, space_before=6))
            if facts.indicative:
                lines.append(Line(facts.indicative, 18, False, MUTED))
        elif facts.first_round:
            lines.append(Line(facts.first_round, 20, False, MUTED))
        deck.text(slide, MARGIN, BODY_TOP, Inches(5.4), Inches(3.0), lines)
        if stage is not None:
            deck.rectangle(
                slide,
                MARGIN,
                BODY_TOP + Inches(3.2),
                Inches(4.2),
                Inches(0.7),
                STAGE_INK[stage.code],
                [Line(stage.name, 24, True, WHITE)],
                shape=MSO_SHAPE.ROUNDED_RECTANGLE,
            )
        self._framework_bars(slide)
        self._diamond_scale(slide)

    def _framework_bars(self, slide: Slide) -> None:
        blocks: list[FrameworkBlock] = self.context["frameworks"]
        left = MARGIN + Inches(5.6)
        chart = self.deck.chart(
            slide,
            XL_CHART_TYPE.BAR_CLUSTERED,
            (left, BODY_TOP - Inches(0.1), WIDTH - MARGIN - left, Inches(4.2)),
            [b.framework.name for b in blocks],
            [(_("Score"), [b.framework.score for b in blocks])],
        )
        chart.category_axis.reverse_order = True
        chart.plots[0].gap_width = 60
        self.deck.colour_points(
            chart, 0, [STAGE_FILL.get(b.framework.stage or "", PREVIOUS) for b in blocks]
        )
        self.deck.point_labels(
            chart,
            0,
            [
                format_number(b.framework.score) if b.framework.score is not None else ""
                for b in blocks
            ],
        )

    def _diamond_scale(self, slide: Slide) -> None:
        """The four stages on one bar from 0 to 100, the index marked above it."""
        top, height = Inches(6.05), Inches(0.95)
        bands = stage_bands(self.profile)
        names = stage_names(self.profile)
        for code, start, end in bands:
            self.deck.rectangle(
                slide,
                MARGIN + int(BODY_WIDTH * start / 100),
                top,
                int(BODY_WIDTH * (end - start) / 100),
                height,
                STAGE_FILL[code],
                [Line(names[code], 18, True, "ffffff" if code in ("cut", "shining") else INK)],
            )
        score = self.profile.overall_score
        if score is not None:
            size = Inches(0.36)
            x = MARGIN + int(BODY_WIDTH * min(max(score, 0), 100) / 100) - size // 2
            self.deck.rectangle(
                slide,
                x,
                top - size - Inches(0.04),
                size,
                size,
                INK,
                shape=MSO_SHAPE.FLOWCHART_MERGE,
            )
