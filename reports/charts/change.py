"""The change per dimension since the previous round."""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reports.charts import common
from reports.charts.rows import grouped_rows, rows_axis
from reports.profile import DimensionProfile, Profile

CHANGE_UP = "#2f7fb0"
CHANGE_DOWN = "#c98b2b"


def change_chart(profile: Profile) -> go.Figure | None:
    """The change per dimension against the previous round, in points with one decimal:
    diverging bars, up in blue and down in amber, grouped by framework. None without a
    previous round (or without any comparable dimension)."""
    if profile.previous is None:
        return None
    changed = [d for d in profile.dimensions() if d.change is not None and d.score is not None]
    if not changed:
        return None
    rows = grouped_rows(profile, changed, 44)
    labels = [row.label for row in rows]
    changes = [None if row.dim is None else float(row.dim.change or 0.0) for row in rows]
    values = [c for c in changes if c is not None]
    low = min(-5.0, min(values) * 1.35)
    high = max(5.0, max(values) * 1.35)
    limit = max(-low, high)
    previous_name = str(profile.previous.get("name", "") or "")

    def hover(dim: DimensionProfile | None) -> str:
        if dim is None or dim.change is None or dim.score is None:
            return ""
        return f"{common.escape(dim.name)}<br>" + _(
            "Now %(now)s, before %(before)s: %(change)s"
        ) % {
            "now": common.format_number(dim.score),
            "before": common.format_number(dim.score - dim.change),
            "change": common.format_change(dim.change),
        }

    data = [
        go.Bar(
            x=changes,
            y=labels,
            orientation="h",
            marker={
                "color": [CHANGE_UP if (c or 0) >= 0 else CHANGE_DOWN for c in changes],
                "line": {"width": 0},
            },
            text=["" if c is None else common.format_change(c) for c in changes],
            textposition="outside",
            textfont={"size": 11, "color": common.INK},
            cliponaxis=False,
            width=0.62,
            name=pgettext("score change", "Change"),
            customdata=[hover(row.dim) for row in rows],
            hovertemplate="%{customdata}<extra></extra>",
        )
    ]
    step = 5 if limit <= 30 else 10
    top = int(limit // step) * step
    ticks = list(range(-top, top + 1, step))
    title = (
        _("Change in points since %(name)s") % {"name": common.escape(previous_name)}
        if previous_name
        else _("Change in points since the previous round")
    )
    layout = common.base_layout(
        common.list_height(len(rows), per_row=22, extra=90, minimum=240),
        margin={"l": 10, "r": 30, "t": 20, "b": 50, "pad": 6},
        xaxis=common.value_axis(
            title,
            range=[low, high],
            tickmode="array",
            tickvals=ticks,
            ticktext=[
                ("+" if v > 0 else "\u2212" if v < 0 else "") + common.format_number(abs(v), 0)
                for v in ticks
            ],
            zeroline=True,
            zerolinecolor=common.MUTED,
            zerolinewidth=1,
            showgrid=True,
            gridcolor=common.GRID,
        ),
        yaxis=rows_axis(labels),
        bargap=0.3,
    )
    return common.build_figure(data, layout)
