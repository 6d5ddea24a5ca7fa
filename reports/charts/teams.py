"""Scores per team and dimension as a heatmap; a team hidden by the anonymity threshold
is shown as hidden, without numbers."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from reports.charts.common import (
    INK,
    MUTED,
    STAGE_COLOURS,
    SUPPRESSED_FILL,
    base_layout,
    build_figure,
    category_axis,
    escape,
    format_number,
    horizontal_legend,
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


def _stage_colourscale(profile: Profile) -> list[list[Any]]:
    scale: list[list[Any]] = []
    for stage, low, high in stage_bands(profile):
        scale.append([low / 100.0, STAGE_COLOURS[stage]])
        scale.append([high / 100.0, STAGE_COLOURS[stage]])
    return scale


def _stage_for(profile: Profile, score: float | None) -> str | None:
    return stage_for(score, profile.stage_thresholds)


def team_heatmap(profile: Profile) -> go.Figure | None:
    """Scores per team (columns) and dimension (rows, grouped by framework, the overall
    index first), coloured by stage, one decimal in each cell. A team hidden by the
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
    rows = [Row(overall_label, None), *grouped_rows(profile, profile.dimensions(), 44)]
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
        header = index > 0 and row.dim is None
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
            text=text,
            texttemplate="%{text}",
            textfont={"size": 11},
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            hoverongaps=False,
            colorscale=_stage_colourscale(profile),
            zmin=0,
            zmax=100,
            xgap=2,
            ygap=2,
            showscale=False,
            name=_("Teams"),
        ),
        # The stage legend (a colour bar would need inline styles, refused by the CSP).
        *(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"symbol": "square", "size": 12, "color": STAGE_COLOURS[stage]},
                name=f"{escape(names[stage])} ({format_number(low, 0)}–{format_number(high, 0)})",
                hoverinfo="skip",
                showlegend=True,
            )
            for stage, low, high in stage_bands(profile)
        ),
    ]
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
                "y0": 0,
                "y1": 1,
                "fillcolor": SUPPRESSED_FILL,
                "line": {"width": 0},
            }
        )
        annotations.append(
            {
                "x": index,
                "xref": "x",
                "y": 0.5,
                "yref": "paper",
                "showarrow": False,
                "textangle": -90,
                "text": escape(_suppressed_reason(team, k)),
                "font": {"size": 12, "color": MUTED},
            }
        )
    layout = base_layout(
        max(280, 130 + 22 * len(labels)),
        margin={"l": 10, "r": 10, "t": 10, "b": 50, "pad": 4},
        showlegend=True,
        legend=horizontal_legend(
            0,
            "left",
            -0.01,
            itemclick=False,
            itemdoubleclick=False,
        ),
        xaxis=category_axis(
            side="top",
            categoryorder="array",
            categoryarray=columns,
            tickfont={"size": 12, "color": INK},
        ),
        yaxis=rows_axis(labels),
        shapes=shapes,
        annotations=annotations,
    )
    return build_figure(data, layout)
