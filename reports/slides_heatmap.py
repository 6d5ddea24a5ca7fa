"""The heatmap of the slides: teams × dimensions as a table per framework, each cell
filled with the colour of its stage. A team the anonymity rule hides is a column with
its name and the reason, never a number (`presentation.hidden_reason`)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from pptx.util import Inches

from reports.charts.common import format_number, stage_bands, stage_names
from reports.profile import Profile
from reports.scoring import stage_for
from reports.slides_draw import (
    BODY_WIDTH,
    MARGIN,
    MUTED,
    STAGE_FILL,
    Deck,
    Line,
    text_on,
)
from reports.workshop import WorkshopSlide, for_teams

TEAMS_PER_SLIDE = 4
NAME_COLUMN = Inches(5.2)  # at least, beside the teams
TEAM_COLUMN = Inches(2.1)  # at most (a team name of 14 letters in bold on one line)
ROW = Inches(0.4)


def heatmap_slides(deck: Deck, profile: Profile, plan_slide: WorkshopSlide) -> None:
    """The heatmap slide of one framework (`reports.workshop`), as the dashboard's
    heatmap shows it: a slide for every four teams."""
    teams = list(plan_slide.teams)
    for i in range(0, len(teams), TEAMS_PER_SLIDE):
        _slide(deck, profile, for_teams(plan_slide, teams[i : i + TEAMS_PER_SLIDE]))


def _slide(deck: Deck, profile: Profile, plan_slide: WorkshopSlide) -> None:
    block, teams = plan_slide.block, list(plan_slide.teams)
    assert block is not None
    slide = deck.slide(plan_slide.title, plan_slide.notes)
    header = [_("Dimension")] + [
        f"{t.label}\n" + (_("hidden") if t.group.suppressed else f"n = {t.group.n}") for t in teams
    ]
    rows = [header]
    fills: dict[tuple[int, int], str] = {}
    for r, row in enumerate(block.rows, start=1):
        cells = [row.dim.name]
        for c, team in enumerate(teams, start=1):
            if team.group.suppressed:
                cells.append("")
                continue
            value = team.group.dimensions.get(row.dim.code)
            cells.append(format_number(value))
            stage = stage_for(value, profile.stage_thresholds)
            if stage:
                fills[(r, c)] = STAGE_FILL[stage]
        rows.append(cells)
    team_width = min(TEAM_COLUMN, (BODY_WIDTH - NAME_COLUMN) // len(teams))
    widths = [BODY_WIDTH - team_width * len(teams)] + [team_width] * len(teams)
    table = deck.table(
        slide,
        MARGIN,
        Inches(1.35),
        widths,
        rows,
        fills=fills,
        numeric=list(range(1, len(teams) + 1)),
        row_height=ROW,
    )
    # A hidden team's cells become one, which says why (never a number).
    for c, team in enumerate(teams, start=1):
        if not team.group.suppressed or len(block.rows) == 0:
            continue
        merged = table.cell(1, c)
        if len(block.rows) > 1:
            merged.merge(table.cell(len(block.rows), c))
        deck.fill(merged.text_frame, [Line(team.reason, 18, False, MUTED)])
    _legend(deck, slide, profile)


def _legend(deck: Deck, slide, profile: Profile) -> None:
    """The four stages and their bands under the table."""
    names = stage_names(profile)
    bands = stage_bands(profile)
    width = BODY_WIDTH // len(bands)
    top = Inches(6.65)
    for index, (code, start, end) in enumerate(bands):
        colour = text_on(STAGE_FILL[code])
        deck.rectangle(
            slide,
            MARGIN + index * width,
            top,
            width - Inches(0.1),
            Inches(0.75),
            STAGE_FILL[code],
            [Line(names[code], 18, True, colour), Line(f"{start:g}–{end:g}", 18, False, colour)],
        )
