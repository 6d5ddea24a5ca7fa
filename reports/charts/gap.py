"""The perception gap: management against employees, per dimension."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from reports.charts.common import (
    GRID,
    HIGHLIGHT,
    MUTED,
    base_layout,
    build_figure,
    escape,
    format_change,
    format_number,
    horizontal_legend,
    list_height,
    truncate,
    value_axis,
)
from reports.charts.rows import rows_axis, unique_labels
from reports.profile import Profile

MANAGEMENT_COLOUR = "#0f4c75"
EMPLOYEE_COLOUR = "#d08a2e"
GAP_LINE = "#c5ced6"


def perception_gap(profile: Profile) -> go.Figure | None:
    """Management (board + managers) against employees per dimension: a dumbbell per
    dimension, the largest gap on top, gaps of 15 points or more highlighted. None when
    the profile shows no gaps (a side below k, or a role filter)."""
    gaps = sorted(profile.gaps, key=lambda g: g.gap, reverse=True)
    if not gaps:
        return None
    dims = {d.code: d for d in profile.dimensions()}
    labels = unique_labels(
        [truncate(dims[g.dimension].name if g.dimension in dims else g.dimension, 44) for g in gaps]
    )
    management_name = _("Management")
    employee_name = _("Employees")
    data: list[Any] = []
    for flagged in (False, True):
        xs: list[Any] = []
        ys: list[Any] = []
        for label, g in zip(labels, gaps, strict=True):
            if g.flagged == flagged:
                xs += [g.management, g.employees, None]
                ys += [label, label, None]
        if xs:
            data.append(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={
                        "color": HIGHLIGHT if flagged else GAP_LINE,
                        "width": 4 if flagged else 3,
                    },
                    hoverinfo="skip",
                    name=_("Gap of 15 or more") if flagged else _("Gap"),
                    showlegend=flagged,
                    meta={"flagged": flagged},
                )
            )
    hover = [
        f"{label}<br>{escape(management_name)}: {format_number(g.management)}<br>"
        f"{escape(employee_name)}: {format_number(g.employees)}<br>"
        + _("Gap: %(gap)s")
        % {"gap": format_change(g.gap)}
        for label, g in zip(labels, gaps, strict=True)
    ]
    management_legend = _("Management (board and managers)")
    sides = (
        ([g.management for g in gaps], "diamond", 11, MANAGEMENT_COLOUR, management_legend),
        ([g.employees for g in gaps], "circle", 10, EMPLOYEE_COLOUR, employee_name),
    )
    for scores, symbol, size, colour, name in sides:
        data.append(
            go.Scatter(
                x=scores,
                y=labels,
                mode="markers",
                marker={
                    "symbol": symbol,
                    "size": size,
                    "color": colour,
                    "line": {"color": "#ffffff", "width": 1},
                },
                name=name,
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    data.append(
        go.Scatter(
            x=[101.5] * len(gaps),
            y=labels,
            mode="text",
            text=[format_change(g.gap) for g in gaps],
            textposition="middle right",
            textfont={"size": 11, "color": [HIGHLIGHT if g.flagged else MUTED for g in gaps]},
            hoverinfo="skip",
            name="gap values",
            showlegend=False,
            cliponaxis=False,
        )
    )
    layout = base_layout(
        list_height(len(gaps), per_row=24, extra=110, minimum=240),
        margin={"l": 10, "r": 20, "t": 40, "b": 44, "pad": 6},
        showlegend=True,
        legend=horizontal_legend(0, "left", 1.0, "bottom"),
        xaxis=value_axis(
            _("Score (0–100)"), profile, range=[0, 112], showgrid=True, gridcolor=GRID
        ),
        yaxis=rows_axis(labels),
        shapes=[
            {
                "type": "rect",
                "layer": "below",
                "xref": "x",
                "yref": "paper",
                "x0": 100,
                "x1": 112,
                "y0": 0,
                "y1": 1,
                "fillcolor": "#ffffff",
                "line": {"width": 0},
            }
        ],
    )
    return build_figure(data, layout)
