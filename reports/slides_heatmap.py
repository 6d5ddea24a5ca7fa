"""The heatmap of the slides: teams × dimensions as a table per framework, each cell
filled with the colour of its stage. A team the anonymity rule hides is a column with
its name and the reason, never a number (`presentation.hidden_reason`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from pptx.util import Inches

from reports.charts.common import format_number, stage_bands, stage_names
from reports.presentation import FrameworkBlock, GroupColumn
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

TEAMS_PER_SLIDE = 4
NAME_COLUMN = Inches(5.2)  # at least, beside the teams
TEAM_COLUMN = Inches(2.1)  # at most (a team name of 14 letters in bold on one line)
ROW = Inches(0.4)


def heatmap_slides(deck: Deck, profile: Profile, context: dict[str, Any]) -> None:
    """One slide per framework (and per five teams), as the dashboard's heatmap shows
    them; none in a team's deck or without teams."""
    teams: list[GroupColumn] = context["teams"]
    if not teams or "team" in profile.scope:
        return
    blocks: list[FrameworkBlock] = context["frameworks"]
    parts = [teams[i : i + TEAMS_PER_SLIDE] for i in range(0, len(teams), TEAMS_PER_SLIDE)]
    for block in blocks:
        for part in parts:
            _slide(deck, profile, block, part)


def _slide(deck: Deck, profile: Profile, block: FrameworkBlock, teams: list[GroupColumn]) -> None:
    hidden = [t for t in teams if t.group.suppressed]
    notes = [
        _(
            "Where do teams differ most? Ask the teams with the highest score what they do "
            "that others could borrow."
        )
    ]
    notes += [f"{t.label}: {t.reason}" for t in hidden]
    slide = deck.slide(_("Teams side by side") + ": " + block.framework.name, "\n\n".join(notes))
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
