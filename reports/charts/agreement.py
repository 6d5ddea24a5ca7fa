"""Agreement within the group, rwg(J), per dimension."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from reports.charts.common import (
    GRID,
    HIGHLIGHT,
    INK,
    MUTED,
    base_layout,
    build_figure,
    escape,
    format_number,
    list_height,
    value_axis,
)
from reports.charts.rows import grouped_rows, rows_axis
from reports.profile import DimensionProfile, Profile

AGREEMENT_COLOURS = {"strong": "#2f7fb0", "moderate": "#8fbcd8", "weak": "#c9a67a"}


def _agreement_names() -> dict[str, str]:
    return {"strong": _("strong"), "moderate": _("moderate"), "weak": _("weak")}


def agreement_chart(profile: Profile) -> go.Figure:
    """rwg(J) per dimension (0–1, two decimals) with reference lines at 0.50 (moderate)
    and 0.70 (strong); bars coloured and labelled strong / moderate / weak."""
    rows = grouped_rows(profile, profile.dimensions(), 44)
    labels = [row.label for row in rows]
    words = _agreement_names()

    def label_of(dim: DimensionProfile | None) -> str:
        if dim is None or dim.agreement is None:
            return ""
        return (
            f"{format_number(dim.agreement, 2)} {words.get(dim.agreement_label or '', '')}".strip()
        )

    data: list[Any] = [
        go.Bar(
            x=[None if row.dim is None else row.dim.agreement for row in rows],
            y=labels,
            orientation="h",
            marker={
                "color": [
                    AGREEMENT_COLOURS.get((row.dim and row.dim.agreement_label) or "", GRID)
                    for row in rows
                ],
                "line": {"width": 0},
            },
            width=0.62,
            name=_("Agreement"),
            customdata=[
                ""
                if row.dim is None
                else f"{escape(row.dim.name)}<br>{_('Agreement')} "
                f"{format_number(row.dim.agreement, 2)}"
                + (f" · {words[row.dim.agreement_label]}" if row.dim.agreement_label else "")
                for row in rows
            ],
            hovertemplate="%{customdata}<extra></extra>",
        )
    ]
    # The values in a column of their own, clear of the reference lines.
    shown = [row for row in rows if row.dim is not None]
    data.append(
        go.Scatter(
            x=[1.04] * len(shown),
            y=[row.label for row in shown],
            mode="text",
            text=[label_of(row.dim) or _("no score") for row in shown],
            textposition="middle right",
            textfont={
                "size": 11,
                "color": [
                    HIGHLIGHT if row.dim and row.dim.agreement_label == "weak" else INK
                    for row in shown
                ],
            },
            hoverinfo="skip",
            name="values",
            cliponaxis=False,
        )
    )
    shapes = []
    annotations = []
    for value, label in ((0.5, words["moderate"]), (0.7, words["strong"])):
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": value,
                "x1": value,
                "y0": 0,
                "y1": 1,
                "line": {"color": MUTED, "width": 1, "dash": "dash"},
                "layer": "above",
            }
        )
        annotations.append(
            {
                "x": value,
                "xref": "x",
                "xanchor": "right" if value < 0.6 else "left",
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
                "text": f"{format_number(value, 2)} {escape(label)}",
                "font": {"size": 10, "color": MUTED},
            }
        )
    layout = base_layout(
        list_height(len(rows), per_row=22, extra=90, minimum=240),
        margin={"l": 10, "r": 30, "t": 30, "b": 44, "pad": 6},
        xaxis=value_axis(
            _("Agreement within the group (0 to 1)"),
            range=[0, 1.3],
            tickmode="array",
            tickvals=[0, 0.25, 0.5, 0.7, 1],
            ticktext=[format_number(v, 2) for v in (0, 0.25, 0.5, 0.7, 1)],
        ),
        yaxis=rows_axis(labels),
        shapes=shapes,
        annotations=annotations,
        bargap=0.3,
    )
    return build_figure(data, layout)
