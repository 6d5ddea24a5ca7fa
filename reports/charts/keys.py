"""The five keys as a gate that opens only as far as the weakest key turns."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from reports.charts.common import (
    HIGHLIGHT,
    INK,
    MUTED,
    base_layout,
    build_figure,
    category_axis,
    escape,
    format_number,
    score_bars,
    stage_band_shapes,
    value_axis,
    wrap,
)
from reports.charts.rows import unique_labels
from reports.profile import Profile
from reports.scoring import WEAKEST_LINK


def keys_gate(profile: Profile) -> go.Figure | None:
    """The five keys as a gate: it opens only as far as the weakest key turns. Columns
    per key, the weakest highlighted and named, the framework score (the minimum) as a
    solid line and the mean as a dashed line. None when the questionnaire has no keys."""
    framework = next((f for f in profile.frameworks if f.aggregation == WEAKEST_LINK), None)
    if framework is None:
        return None
    dims = list(framework.dimensions)
    scores = [(d.code, d.score) for d in dims if d.score is not None]
    weakest_code = framework.weakest or (
        min(scores, key=lambda code_score: code_score[1])[0] if scores else None
    )
    key_names = [_("Key %(n)s") % {"n": i} for i in range(1, len(dims) + 1)]
    labels = unique_labels(
        [f"{escape(key)}<br>{wrap(d.name, 16)}" for key, d in zip(key_names, dims, strict=True)]
    )
    colours = [HIGHLIGHT if d.code == weakest_code else "#1f5f8b" for d in dims]
    data: list[Any] = [
        score_bars(profile, framework, labels, colours, horizontal=False, font_size=13, width=0.56)
    ]
    shapes = stage_band_shapes(profile, axis="y")
    annotations = []
    score, mean = framework.score, framework.mean
    for value, text, line, label_style in (
        (
            score,
            _("Gate (lowest key): %(score)s"),
            {"color": HIGHLIGHT, "width": 2},
            {"font": {"size": 11, "color": HIGHLIGHT, "weight": 600}},
        ),
        (
            mean,
            _("Mean of the keys: %(score)s"),
            {"color": MUTED, "width": 1.5, "dash": "dash"},
            # the mean's label sits above its line, clear of the gate's
            {"font": {"size": 11, "color": MUTED}, "yanchor": "bottom"},
        ),
    ):
        if value is None:
            continue
        shapes.append(_reference_line(value, line))
        annotations.append(
            {
                "x": 1,
                "xref": "paper",
                "xanchor": "left",
                "xshift": 4,
                "y": value,
                "yref": "y",
                "showarrow": False,
                "align": "left",
                "text": wrap(text % {"score": format_number(value)}, 16),
                **label_style,
            }
        )
    if weakest_code is not None:
        index = next(i for i, d in enumerate(dims) if d.code == weakest_code)
        annotations.append(
            {
                "x": labels[index],
                "xref": "x",
                "y": 0,
                "yref": "y",
                "yanchor": "bottom",
                "yshift": 6,
                "showarrow": False,
                "text": wrap(_("Weakest key"), 8),
                "font": {"size": 12, "color": "#ffffff", "weight": 700},
            }
        )
    layout = base_layout(
        400,
        margin={"l": 10, "r": 120, "t": 20, "b": 20, "pad": 4},
        xaxis=category_axis(tickfont={"size": 11, "color": INK}),
        yaxis=value_axis(_("Score (0–100)"), profile, range=[0, 105], showline=False),
        shapes=shapes,
        annotations=annotations,
        meta={"weakest": weakest_code},
        bargap=0.35,
    )
    return build_figure(data, layout)


def _reference_line(value: float, line: dict[str, Any]) -> dict[str, Any]:
    """A horizontal line across the plot at ``value``."""
    return {
        "type": "line",
        "xref": "paper",
        "yref": "y",
        "x0": 0,
        "x1": 1,
        "y0": value,
        "y1": value,
        "line": line,
    }
