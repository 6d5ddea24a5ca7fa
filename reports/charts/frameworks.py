"""The dimension scores of one framework: a radar and horizontal bars."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from reports.charts.common import (
    GRID,
    INK,
    MUTED,
    STAGE_COLOURS,
    base_layout,
    build_figure,
    dimension_hover,
    escape,
    horizontal_legend,
    list_height,
    score_bars,
    stage_band_labels,
    stage_band_shapes,
    stage_bands,
    stage_colour,
    stage_names,
    threshold_ticks,
    value_axis,
    wrap,
)
from reports.charts.rows import rows_axis, unique_labels
from reports.profile import FrameworkProfile, Profile

RADAR_MIN_DIMENSIONS = 3  # a radar needs at least three spokes
RADAR_HEIGHT = 440


def legend_below(height: int, margin: dict[str, Any]) -> float:
    """The paper y of a legend at the foot of the bottom margin, clear of the labels of
    the radar's lower spokes, which reach about 50 px into that margin."""
    plot_height = height - margin["t"] - margin["b"]
    return -(margin["b"] - 24) / plot_height


def _framework(profile: Profile, framework_code: str) -> FrameworkProfile:
    for framework in profile.frameworks:
        if framework.code == framework_code:
            return framework
    raise ValueError(f"the profile has no framework {framework_code!r}")


def _missing_trace(labels: Sequence[str], x: float) -> go.Scatter:
    return go.Scatter(
        x=[x] * len(labels),
        y=list(labels),
        mode="text",
        text=[_("no score")] * len(labels),
        textposition="middle right",
        textfont={"size": 11, "color": MUTED},
        hoverinfo="skip",
        name="missing",
        showlegend=False,
    )


RADAR_LABEL_LINE_PX = 16


def framework_radar(profile: Profile, framework_code: str) -> go.Figure:
    """The dimension scores (0–100) of one framework as a radar, with the stage rings
    behind and, when there was a previous round, its scores as a dashed line. Meant for
    frameworks with at least `RADAR_MIN_DIMENSIONS` dimensions."""
    framework = _framework(profile, framework_code)
    dims = list(framework.dimensions)
    names = stage_names(profile)
    labels = unique_labels([wrap(d.name, 16) for d in dims])
    n = max(len(dims), 1)
    data: list[Any] = []
    for stage, low, high in stage_bands(profile):
        data.append(
            go.Barpolar(
                r=[high - low] * len(dims),
                base=[low] * len(dims),
                theta=labels,
                width=[360 / n] * len(dims),
                marker={"color": STAGE_COLOURS[stage], "line": {"width": 0}},
                opacity=0.1,
                name=names[stage],
                hoverinfo="skip",
                showlegend=False,
            )
        )
    previous = [None if d.score is None or d.change is None else d.score - d.change for d in dims]
    has_previous = profile.previous is not None and any(v is not None for v in previous)
    if has_previous:
        prev_name = str(profile.previous.get("name", "")) if profile.previous else ""
        data.append(
            go.Scatterpolar(
                r=[*previous, previous[0]],
                theta=[*labels, labels[0]],
                mode="lines",
                line={"color": MUTED, "width": 1.5, "dash": "dash"},
                name=_("Previous round") + (f" ({escape(prev_name)})" if prev_name else ""),
                connectgaps=False,
                hoverinfo="skip",
            )
        )
    scores = [d.score for d in dims]
    hover = [dimension_hover(profile, d) for d in dims]
    data.append(
        go.Scatterpolar(
            r=[*scores, scores[0]] if scores else [],
            theta=[*labels, labels[0]] if labels else [],
            mode="lines+markers",
            fill="toself",
            fillcolor="rgba(31,95,139,0.18)",
            line={"color": "#1f5f8b", "width": 2.5},
            marker={
                "size": 8,
                "color": [stage_colour(d.stage) for d in [*dims, *dims[:1]]],
                "line": {"color": "#ffffff", "width": 1},
            },
            name=_("This round") if has_previous else escape(framework.name),
            customdata=[*hover, hover[0]] if hover else [],
            hovertemplate="%{customdata}<extra></extra>",
            connectgaps=False,
        )
    )
    values, texts = threshold_ticks(profile)
    # Room above for every line of the label at the top spoke (12 px text on a screen).
    top = 14 + RADAR_LABEL_LINE_PX * (labels[0].count("<br>") + 1) if labels else 30
    margin = {"l": 120, "r": 120, "t": top, "b": 100 if has_previous else 50}
    layout = base_layout(
        RADAR_HEIGHT,
        margin=margin,
        showlegend=has_previous,
        legend=horizontal_legend(0.5, "center", legend_below(RADAR_HEIGHT, margin)),
        polar={
            "bgcolor": "#ffffff",
            "barmode": "overlay",
            "radialaxis": {
                "range": [0, 100],
                "tickmode": "array",
                "tickvals": values[1:-1] + [100],
                "ticktext": texts[1:-1] + [texts[-1]],
                "tickfont": {"size": 10, "color": MUTED},
                "gridcolor": GRID,
                "linecolor": GRID,
                "angle": 90 + 180 / n,
                "tickangle": 90 + 180 / n,
                "showline": False,
            },
            "angularaxis": {
                "rotation": 90,
                "direction": "clockwise",
                "tickfont": {"size": 11, "color": INK},
                "gridcolor": GRID,
                "linecolor": GRID,
            },
        },
    )
    return build_figure(data, layout)


def dimension_bars(profile: Profile, framework_code: str) -> go.Figure:
    """Horizontal bars of the dimension scores of one framework (one decimal), coloured
    by stage, over the four stage bands."""
    framework = _framework(profile, framework_code)
    dims = list(framework.dimensions)
    labels = unique_labels([wrap(d.name, 34) for d in dims])
    colours = [stage_colour(d.stage) for d in dims]
    data: list[Any] = [
        score_bars(profile, framework, labels, colours, horizontal=True, font_size=12, width=0.62)
    ]
    missing = [label for label, d in zip(labels, dims, strict=True) if d.score is None]
    if missing:
        data.append(_missing_trace(missing, 1))
    lines = sum(label.count("<br>") + 1 for label in labels)
    layout = base_layout(
        list_height(len(dims), per_row=24, extra=80 + 14 * lines, minimum=240),
        margin={"l": 10, "r": 30, "t": 44, "b": 44, "pad": 6},
        xaxis=value_axis(_("Score (0–100)"), profile, range=[0, 100]),
        yaxis=rows_axis(labels, tickfont={"size": 12, "color": INK}),
        shapes=stage_band_shapes(profile),
        annotations=stage_band_labels(profile),
        bargap=0.3,
    )
    return build_figure(data, layout)
