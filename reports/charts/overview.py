"""The overall customer-centricity index, drawn as a diamond."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from reports.charts.common import (
    INK,
    MUTED,
    STAGE_COLOURS,
    base_layout,
    build_figure,
    escape,
    format_number,
    stage_bands,
    stage_names,
    wrap,
)
from reports.profile import Profile

_GIRDLE = 75.0  # where the diamond is widest, on the 0-100 score scale
_SCORE_LABEL_X = 1.16  # where the score's label starts (the girdle's half-width is 1)
_TABLE = 0.58  # half-width of the flat top, the girdle's half-width being 1


def _half_width(y: float) -> float:
    if y <= _GIRDLE:
        return max(0.0, y) / _GIRDLE
    return 1.0 - (1.0 - _TABLE) * (min(y, 100.0) - _GIRDLE) / (100.0 - _GIRDLE)


def _band_polygon(low: float, high: float) -> tuple[list[float], list[float]]:
    ys = [low] + ([_GIRDLE] if low < _GIRDLE < high else []) + [high]
    xs = [-_half_width(y) for y in ys] + [_half_width(y) for y in reversed(ys)]
    ys = ys + list(reversed(ys))
    return xs + xs[:1], ys + ys[:1]


def _lighten(colour: str, amount: float) -> str:
    """Mix a #rrggbb colour with white (amount 0 = unchanged, 1 = white)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#{:02x}{:02x}{:02x}".format(*mix)


def overall_diamond(profile: Profile) -> go.Figure:
    """The overall customer-centricity index on a diamond: four bands from rough (bottom)
    to shining (top) at the version's thresholds, the score as a level line with its
    value and stage. Without a score the diamond says why."""
    names = stage_names(profile)
    score = profile.overall_score
    stage = profile.overall_stage
    data: list[Any] = []
    annotations: list[dict[str, Any]] = []
    for band, low, high in stage_bands(profile):
        xs, ys = _band_polygon(low, high)
        current = score is not None and band == stage
        colour = (
            STAGE_COLOURS[band] if current or score is None else _lighten(STAGE_COLOURS[band], 0.55)
        )
        band_name = escape(names[band])
        span = f"{format_number(low, 0)}–{format_number(high, 0)}"
        label = f"{band_name}: {span}"
        data.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=colour,
                line={"color": "#ffffff", "width": 2},
                name=names[band],
                text=label,
                hoveron="fills",
                hoverinfo="text",
                meta={"stage": band, "from": low, "to": high},
            )
        )
        mid = (low + high) / 2
        annotations.append(
            {
                "x": -_half_width(mid) - 0.1,
                "y": mid,
                "xanchor": "right",
                "showarrow": False,
                "text": f"{band_name}<br>{span}",
                "align": "right",
                "font": {
                    "size": 12,
                    "color": INK if current else MUTED,
                    "weight": 700 if current else 400,
                },
            }
        )
    # Facets: a classic brilliant cut, drawn as thin white lines over the bands.
    g, t, m = _GIRDLE, _TABLE, 0.36
    facets_x = [-1, 1, None, -t, -m, 0, m, t, None, -m, 0, m, None, -t, -1, None, t, 1]
    facets_y = [g, g, None, 100, g, 100, g, 100, None, g, 0, g, None, 100, g, None, 100, g]
    data.append(
        go.Scatter(
            x=facets_x,
            y=facets_y,
            mode="lines",
            line={"color": "rgba(255,255,255,0.55)", "width": 1},
            hoverinfo="skip",
            name="facets",
        )
    )
    if score is not None:
        w = _half_width(score)
        data.append(
            go.Scatter(
                x=[-w - 0.12, _SCORE_LABEL_X - 0.06],
                y=[score, score],
                mode="lines",
                line={"color": INK, "width": 3},
                name=_("Index"),
                customdata=[score, score],
                hovertemplate=_("Index: %(score)s") % {"score": format_number(score)}
                + "<extra></extra>",
            )
        )
        annotations.append(
            {
                "x": _SCORE_LABEL_X,
                "y": score,
                "xanchor": "left",
                "yanchor": "bottom",
                "yshift": -6,
                "showarrow": False,
                "text": format_number(score),
                "font": {"size": 30, "color": INK, "weight": 700},
            }
        )
        annotations.append(
            {
                "x": _SCORE_LABEL_X,
                "y": score,
                "xanchor": "left",
                "yanchor": "top",
                "yshift": -6,
                "showarrow": False,
                "text": escape(names.get(stage or "", "")),
                "font": {"size": 14, "color": INK, "weight": 600},
            }
        )
    else:
        annotations.append(
            {
                "x": 1.15,
                "y": 50,
                "xanchor": "left",
                "showarrow": False,
                "text": wrap(_("No index: fewer than k responses"), 22),
                "align": "left",
                "font": {"size": 13, "color": MUTED},
            }
        )
    layout = base_layout(
        380,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"visible": False, "range": [-2.35, 2.75], "fixedrange": True},
        yaxis={
            "visible": False,
            "range": [-4, 104],
            "fixedrange": True,
            "scaleanchor": "x",
            "scaleratio": 0.0235,
        },
        annotations=annotations,
        hovermode="closest",
    )
    return build_figure(data, layout)
