"""Scores per team and dimension as a heatmap; a team hidden by the anonymity threshold
is shown as hidden, without numbers."""

from __future__ import annotations

from typing import Any

import plotly.colors
import plotly.graph_objects as go
from django.utils.translation import gettext as _

from reports.charts.common import (
    INK,
    MUTED,
    SUPPRESSED_FILL,
    base_layout,
    build_figure,
    category_axis,
    escape,
    format_number,
    stage_bands,
    stage_names,
    wrap,
)
from reports.charts.rows import Row, grouped_rows, rows_axis, unique_labels
from reports.profile import GroupProfile, Profile
from reports.scoring import stage_for


def _suppressed_reason(group: GroupProfile, k: int) -> str:
    if group.n < k:
        return _("fewer than k responses (k = %(k)s)") % {"k": k}
    return _("hidden to protect a group with fewer than k responses (k = %(k)s)") % {"k": k}


# Scores from 0 to 100 on one continuous scale that reads alike with every kind of colour
# vision (cividis: dark blue to yellow, evenly brighter), so 50.1 and 68.6 differ at a
# glance; the stages are marked on the scale's legend, under the chart.
SCORE_COLOURSCALE = [
    [index / (len(plotly.colors.sequential.Cividis) - 1), colour]
    for index, colour in enumerate(plotly.colors.sequential.Cividis)
]
# Cell numbers in black or white, whichever contrasts more with the cell: at least 4.5:1
# on every colour of the scale (a heatmap's own text picks dark grey, 2.3:1 mid-scale).
DARK_TEXT, LIGHT_TEXT = "#000000", "#ffffff"


def _luminance(colour: str) -> float:
    """WCAG relative luminance of an "rgb(r, g, b)" or "#rrggbb" colour."""
    red, green, blue = plotly.colors.unlabel_rgb(
        plotly.colors.convert_colors_to_same_type(colour, "rgb")[0][0]
    )

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def cell_text_colour(value: float) -> str:
    """The text colour for a cell of this score (0..100) on the heatmap's scale."""
    cell = plotly.colors.sample_colorscale(SCORE_COLOURSCALE, [min(max(value, 0), 100) / 100])[0]
    light = _luminance(cell)
    return DARK_TEXT if (light + 0.05) / 0.05 >= 1.05 / (light + 0.05) else LIGHT_TEXT


LEGEND_PX = 84  # the colour scale and its two-line caption under the heatmap


def _cell_numbers(
    z: list[list[float | None]], text: list[list[str]], columns: list[str], labels: list[str]
) -> go.Scatter:
    """The numbers in the cells, each in the colour that reads on its cell."""
    cells = [
        (columns[c], labels[r], text[r][c], cell_text_colour(value))
        for r, row in enumerate(z)
        for c, value in enumerate(row)
        if value is not None
    ]
    return go.Scatter(
        x=[cell[0] for cell in cells],
        y=[cell[1] for cell in cells],
        text=[cell[2] for cell in cells],
        mode="text",
        textfont={"size": 11, "color": [cell[3] for cell in cells]},
        hoverinfo="skip",
        showlegend=False,
    )


def _scale_legend(profile: Profile, fraction: float) -> tuple[go.Heatmap, dict, dict, dict]:
    """The colour scale as a strip of its own under the chart (a Plotly colour bar
    would need inline styles, which the dashboard's CSP refuses): the trace, its two
    axes and the caption naming the stages."""
    thresholds = [0.0, *(float(t) for t in profile.stage_thresholds), 100.0]
    strip = go.Heatmap(
        z=[list(range(101))],
        x=list(range(101)),
        y=[""],
        colorscale=SCORE_COLOURSCALE,
        zmin=0,
        zmax=100,
        showscale=False,
        # Interpolated: a smooth gradient, and drawn without the pixelated image style
        # that the dashboard's CSP refuses.
        zsmooth="best",
        hoverinfo="skip",
        xaxis="x2",
        yaxis="y2",
        name=_("Colour scale"),
    )
    x_axis = {
        "domain": [0, 1],
        "anchor": "y2",
        "range": [-0.5, 100.5],
        "tickmode": "array",
        "tickvals": thresholds,
        "ticktext": [format_number(t, 0) for t in thresholds],
        "tickfont": {"size": 11, "color": MUTED},
        "ticks": "outside",
        "ticklen": 4,
        "fixedrange": True,
        "showgrid": False,
        "zeroline": False,
    }
    y_axis = {
        "domain": [0, fraction],
        "showticklabels": False,
        "ticks": "",
        "showline": False,
        "showgrid": False,
        "zeroline": False,
        "fixedrange": True,
    }
    bands = [
        escape(f"{format_number(low, 0)}–{format_number(high, 0)} {stage_names(profile)[stage]}")
        for stage, low, high in stage_bands(profile)
    ]
    caption = {
        # Two stages a line, ending at the scale's right end, so that it fits beside the
        # row labels of a narrow chart.
        "text": f"{bands[0]} · {bands[1]}<br>{bands[2]} · {bands[3]}",
        "align": "right",
        "xref": "paper",
        "yref": "paper",
        "x": 1,
        "xanchor": "right",
        "y": fraction,
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 11, "color": MUTED},
    }
    return strip, x_axis, y_axis, caption


def _stage_for(profile: Profile, score: float | None) -> str | None:
    return stage_for(score, profile.stage_thresholds)


def team_heatmap(profile: Profile, *, with_overall: bool = True) -> go.Figure | None:
    """Scores per team (columns) and dimension (rows, grouped by framework, the overall
    index first unless `with_overall` is False), one decimal in each cell. A team hidden by the
    anonymity threshold is a grey column labelled "fewer than k responses" and carries
    no numbers at all. None when there are no teams, when the profile is of one team
    or below the threshold."""
    teams = list(profile.groups.get("team", ()))
    if not teams or profile.below_threshold or "team" in profile.scope:
        return None
    k = profile.anonymity_threshold
    names = stage_names(profile)
    framework_names = {f.code: f.name for f in profile.frameworks}
    overall_label = escape(_("Overall index"))
    overall = [Row(overall_label, None)] if with_overall else []
    rows = [*overall, *grouped_rows(profile, profile.dimensions(), 44)]
    labels = unique_labels([row.label for row in rows])
    columns = unique_labels(
        [
            f"{wrap(team.name, 16)}<br>"
            + (escape(_("hidden")) if team.suppressed else f"n = {team.n}")
            for team in teams
        ]
    )

    z: list[list[float | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for index, row in enumerate(rows):
        z_row: list[float | None] = []
        text_row: list[str] = []
        hover_row: list[str] = []
        header = row.dim is None and not (with_overall and index == 0)
        for team in teams:
            if team.suppressed or header:
                z_row.append(None)
                text_row.append("")
                hover_row.append("")
                continue
            dim = row.dim
            value = team.overall if dim is None else team.dimensions.get(dim.code)
            stage = _stage_for(profile, value)
            what = (
                overall_label
                if dim is None
                else f"{escape(framework_names.get(dim.framework, dim.framework))}<br>"
                f"{escape(dim.name)}"
            )
            z_row.append(value)
            text_row.append(format_number(value) if value is not None else "")
            hover_row.append(
                f"{escape(team.name)}<br>{what}<br>"
                + _("Score: %(score)s") % {"score": format_number(value)}
                + (f" · {escape(names[stage])}" if stage else "")
            )
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)

    data = [
        go.Heatmap(
            z=z,
            x=columns,
            y=labels,
            text=text,  # drawn by `_cell_numbers`, each number in a colour of its own
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            hoverongaps=False,
            colorscale=SCORE_COLOURSCALE,
            zmin=0,
            zmax=100,
            xgap=2,
            ygap=2,
            showscale=False,
            name=_("Teams"),
        ),
        _cell_numbers(z, text, columns, labels),
    ]
    height = max(280, 130 + 22 * len(labels)) + LEGEND_PX
    rows_from = LEGEND_PX / height  # the rows sit above the colour scale
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for index, team in enumerate(teams):
        if not team.suppressed:
            continue
        shapes.append(
            {
                "type": "rect",
                "layer": "below",
                "xref": "x",
                "yref": "paper",
                "x0": index - 0.5,
                "x1": index + 0.5,
                "y0": rows_from,
                "y1": 1,
                "fillcolor": SUPPRESSED_FILL,
                "line": {"width": 0},
            }
        )
        annotations.append(
            {
                "x": index,
                "xref": "x",
                "y": (1 + rows_from) / 2,
                "yref": "paper",
                "showarrow": False,
                "textangle": -90,
                # Wrapped: a short part of the heatmap is lower than the whole reason.
                "text": wrap(_suppressed_reason(team, k), 22),
                "font": {"size": 12, "color": MUTED},
            }
        )
    legend_fraction = 18 / height  # the strip's own height, under the caption
    strip, strip_x, strip_y, caption = _scale_legend(profile, legend_fraction)
    data.append(strip)
    layout = base_layout(
        height,
        margin={"l": 10, "r": 10, "t": 10, "b": 30, "pad": 4},
        showlegend=False,
        xaxis2=strip_x,
        yaxis2=strip_y,
        xaxis=category_axis(
            side="top",
            categoryorder="array",
            categoryarray=columns,
            tickfont={"size": 12, "color": INK},
        ),
        yaxis={**rows_axis(labels), "domain": [rows_from, 1]},
        shapes=shapes,
        annotations=[*annotations, caption],
    )
    return build_figure(data, layout)
