"""The customer mirror: management, employees and customers per mirrored dimension."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from reports.charts.common import (
    GRID,
    base_layout,
    build_figure,
    escape,
    format_number,
    horizontal_legend,
    list_height,
    truncate,
    value_axis,
)
from reports.charts.gap import EMPLOYEE_COLOUR, MANAGEMENT_COLOUR
from reports.charts.rows import rows_axis, unique_labels
from reports.mirror import CustomerMirror
from reports.profile import Profile

CUSTOMER_COLOUR = "#2e7d5b"


def customer_mirror(profile: Profile, mirror: CustomerMirror) -> go.Figure | None:
    """Three bars per dimension the customers score: management, employees, customers
    (a side the release hides has no bar). A flagged self-image gap is marked in the
    label, in words. None when the customers have no released scores."""
    rows = [row for row in mirror.rows if row.customers is not None]
    if not rows:
        return None
    flag = _("self-image gap")
    labels = unique_labels(
        [truncate(row.name, 40) + (f" ({flag})" if row.flagged else "") for row in rows]
    )
    sides = (
        (_("Management"), [row.management for row in rows], MANAGEMENT_COLOUR),
        (_("Employees"), [row.employees for row in rows], EMPLOYEE_COLOUR),
        (_("Customers"), [row.customers for row in rows], CUSTOMER_COLOUR),
    )
    data: list[Any] = [
        go.Bar(
            x=scores,
            y=labels,
            orientation="h",
            name=name,
            marker={"color": colour},
            customdata=[
                f"{escape(label)}<br>{escape(name)}: {format_number(score)}"
                for label, score in zip(labels, scores, strict=True)
            ],
            hovertemplate="%{customdata}<extra></extra>",
        )
        for name, scores, colour in sides
    ]
    layout = base_layout(
        list_height(len(rows), per_row=46, extra=110, minimum=260),
        margin={"l": 10, "r": 20, "t": 40, "b": 44, "pad": 6},
        barmode="group",
        showlegend=True,
        legend=horizontal_legend(0, "left", 1.0, "bottom", traceorder="normal"),
        xaxis=value_axis(_("Score (0–100)"), profile, showgrid=True, gridcolor=GRID),
        yaxis=rows_axis(labels),
    )
    return build_figure(data, layout)
