"""The Plotly figures of a maturity profile, shared by the dashboard and the PDF report.

Every public function is a pure function of a `reports.profile.Profile`: no request, no
database. Labels come from gettext and numbers are formatted in the *active* language
(decimal comma in Dutch), so wrap calls in ``translation.override(language)`` where the
language is not the request's (the PDF). Names and descriptions come from the profile,
which holds them in the language it was built in.

Figures have explicit sizes (``WIDTH`` × a height that suits their content) so that they
look right as static SVG (kaleido, about 700 × 380 px); the dashboard drops the width and
lets Plotly fill its card. Figures carry no title: the page or the report puts the
heading above them. Every text that comes from data (team and dimension names) is
escaped before Plotly sees it, because Plotly reads a small set of HTML tags in labels.

Public functions: `overall_diamond`, `framework_radar`, `dimension_bars`,
`team_heatmap`, `perception_gap`, `agreement_chart`, `keys_gate`, `change_chart`,
`figure_json`; constants `STAGE_COLOURS`, `PLOTLY_CONFIG`.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import plotly.graph_objects as go
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

from reports.profile import DimensionProfile, FrameworkProfile, GroupProfile, Profile
from reports.scoring import stage_for

# The stage colours of static/css/app.css (--stage-rough ... --stage-shining).
STAGE_COLOURS: dict[str, str] = {
    "rough": "#9a8c7b",
    "clear": "#6aa6c8",
    "cut": "#2f7fb0",
    "shining": "#0f4c75",
}
STAGE_ORDER: tuple[str, ...] = ("rough", "clear", "cut", "shining")
# Darker shades of the stage colours for text on white (contrast at least 4.5:1).
STAGE_TEXT_COLOURS: dict[str, str] = {
    "rough": "#6b5f50",
    "clear": "#2c6a8f",
    "cut": "#236a96",
    "shining": "#0f4c75",
}

# Plotly's options for the dashboard: no logo, no mode bar, fill the card.
PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "displayModeBar": False,
    "responsive": True,
}

WIDTH = 700  # px, the width of a static export (PDF)
RADAR_MIN_DIMENSIONS = 3  # a radar needs at least three spokes

FONT_FAMILY = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
    '"Noto Sans", "Liberation Sans", sans-serif'
)
INK = "#1e2a33"
MUTED = "#5b6873"
GRID = "#e3e8ec"
SUPPRESSED_FILL = "#e9ecef"
MANAGEMENT_COLOUR = "#0f4c75"
EMPLOYEE_COLOUR = "#d08a2e"
HIGHLIGHT = "#c4553b"  # flagged gaps, the weakest key
GAP_LINE = "#c5ced6"
AGREEMENT_COLOURS = {"strong": "#2f7fb0", "moderate": "#8fbcd8", "weak": "#c9a67a"}
CHANGE_UP = "#2f7fb0"
CHANGE_DOWN = "#c98b2b"
BAND_OPACITY = 0.13  # stage bands behind bars


# =========================================================================== helpers


def _round(value: float, decimals: int) -> Decimal:
    """Rounded half up from the shortest repr, as the `floatformat` filter of the
    dashboard's tables does, so chart and table always show the same digits."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def _fmt(value: float | None, decimals: int = 1) -> str:
    """A number with `decimals` decimals in the active language; "–" for None."""
    if value is None:
        return "–"
    return number_format(_round(value, decimals), decimals)


def _signed(value: float) -> str:
    """A change with its sign: +1.5 / −1.5 / 0.0 (typographic minus)."""
    rounded = _round(value, 1)
    if rounded > 0:
        return "+" + _fmt(rounded)
    if rounded < 0:
        return "\u2212" + _fmt(-rounded)
    return _fmt(0.0)


def _esc(text: str) -> str:
    """Text from data, safe for Plotly's pseudo-HTML labels."""
    return html.escape(str(text), quote=False)


def _wrap(text: str, width: int) -> str:
    """Escaped text broken into lines of at most `width` characters (<br> between)."""
    lines = textwrap.wrap(str(text), width=width, break_long_words=False) or [""]
    return "<br>".join(_esc(line) for line in lines)


def _truncate(text: str, width: int) -> str:
    text = str(text)
    return _esc(text if len(text) <= width else text[: width - 1].rstrip() + "…")


def _default_stage_names() -> dict[str, str]:
    return {
        "rough": _("Rough diamond"),
        "clear": _("Clear diamond"),
        "cut": _("Cut diamond"),
        "shining": _("Shining diamond"),
    }


def _stage_names(profile: Profile) -> dict[str, str]:
    names = _default_stage_names()
    names.update({s.code: s.name for s in profile.stages if s.name})
    return names


def _bands(profile: Profile) -> list[tuple[str, float, float]]:
    """(stage, from, to) for the four stages on the 0–100 scale."""
    clear, cut, shining = (float(t) for t in profile.stage_thresholds)
    return [
        ("rough", 0.0, clear),
        ("clear", clear, cut),
        ("cut", cut, shining),
        ("shining", shining, 100.0),
    ]


def _stage_colour(stage: str | None) -> str:
    return STAGE_COLOURS.get(stage or "", SUPPRESSED_FILL)


def _framework(profile: Profile, framework_code: str) -> FrameworkProfile:
    for framework in profile.frameworks:
        if framework.code == framework_code:
            return framework
    raise ValueError(f"the profile has no framework {framework_code!r}")


def _threshold_ticks(profile: Profile) -> tuple[list[float], list[str]]:
    values = [0.0, *(float(t) for t in profile.stage_thresholds), 100.0]
    return values, [_fmt(v, 0) for v in values]


def _agreement_names() -> dict[str, str]:
    return {"strong": _("strong"), "moderate": _("moderate"), "weak": _("weak")}


def _base_layout(height: int, **extra: Any) -> dict[str, Any]:
    separators = f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}"
    layout: dict[str, Any] = {
        "template": "none",
        "width": WIDTH,
        "height": int(height),
        "autosize": False,
        "separators": separators[:2] if len(separators) >= 2 else ".,",
        "font": {"family": FONT_FAMILY, "size": 12, "color": INK},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 10, "r": 20, "t": 20, "b": 40, "pad": 4},
        "showlegend": False,
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": 12}, "bgcolor": "#ffffff"},
        "dragmode": False,
    }
    layout.update(extra)
    return layout


def _value_axis(title: str, profile: Profile | None = None, **extra: Any) -> dict[str, Any]:
    axis: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 12, "color": MUTED}},
        "range": [0, 100],
        "fixedrange": True,
        "showgrid": False,
        "zeroline": False,
        "showline": True,
        "linecolor": GRID,
        "ticks": "outside",
        "tickcolor": GRID,
        "tickfont": {"size": 11, "color": MUTED},
        "automargin": True,
    }
    if profile is not None:
        values, texts = _threshold_ticks(profile)
        axis.update(tickmode="array", tickvals=values, ticktext=texts)
    axis.update(extra)
    return axis


def _category_axis(**extra: Any) -> dict[str, Any]:
    axis: dict[str, Any] = {
        "fixedrange": True,
        "showgrid": False,
        "zeroline": False,
        "automargin": True,
        "ticks": "",
        "tickfont": {"size": 12, "color": INK},
        "type": "category",
    }
    axis.update(extra)
    return axis


def _stage_band_shapes(profile: Profile, *, axis: str = "x") -> list[dict[str, Any]]:
    """Light stage bands behind a 0–100 value axis (`axis` "x": vertical bands)."""
    shapes = []
    for stage, low, high in _bands(profile):
        shape: dict[str, Any] = {
            "type": "rect",
            "layer": "below",
            "line": {"width": 0},
            "fillcolor": STAGE_COLOURS[stage],
            "opacity": BAND_OPACITY,
        }
        if axis == "x":
            shape.update(xref="x", yref="paper", x0=low, x1=high, y0=0, y1=1)
        else:
            shape.update(xref="paper", yref="y", x0=0, x1=1, y0=low, y1=high)
        shapes.append(shape)
    return shapes


def _stage_band_labels(profile: Profile, *, axis: str = "x") -> list[dict[str, Any]]:
    names = _stage_names(profile)
    labels = []
    for stage, low, high in _bands(profile):
        label: dict[str, Any] = {
            "text": _wrap(names[stage], 9 if axis == "x" else 16),
            "showarrow": False,
            "font": {"size": 10, "color": STAGE_TEXT_COLOURS[stage]},
        }
        if axis == "x":
            label.update(x=(low + high) / 2, xref="x", y=1, yref="paper", yanchor="bottom")
        else:
            label.update(x=1, xref="paper", xanchor="left", xshift=4, y=(low + high) / 2, yref="y")
        labels.append(label)
    return labels


def _list_height(rows: int, per_row: int = 30, extra: int = 90, minimum: int = 220) -> int:
    return max(minimum, extra + per_row * rows)


def _dimension_hover(profile: Profile, dim: DimensionProfile) -> str:
    names = _stage_names(profile)
    parts = [f"{_esc(dim.name)}", _("Score: %(score)s") % {"score": _fmt(dim.score)}]
    if dim.stage:
        parts.append(_esc(names.get(dim.stage, dim.stage)))
    parts.append(_("Respondents: %(n)s") % {"n": dim.n})
    if dim.favourable is not None:
        parts.append(_("Favourable: %(pct)s%%") % {"pct": _fmt(dim.favourable * 100)})
    return "<br>".join(parts)


def _figure(data: Sequence[Any], layout: dict[str, Any]) -> go.Figure:
    figure = go.Figure(data=list(data), layout=layout)
    figure.update_layout(legend_itemclick=False, legend_itemdoubleclick=False)
    return figure


def _suppressed_reason(group: GroupProfile, k: int) -> str:
    if group.n < k:
        return _("fewer than k responses (k = %(k)s)") % {"k": k}
    return _("hidden to protect a group with fewer than k responses (k = %(k)s)") % {"k": k}


# =========================================================================== overall

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
    names = _stage_names(profile)
    score = profile.overall_score
    stage = profile.overall_stage
    data: list[Any] = []
    annotations: list[dict[str, Any]] = []
    for band, low, high in _bands(profile):
        xs, ys = _band_polygon(low, high)
        current = score is not None and band == stage
        colour = (
            STAGE_COLOURS[band] if current or score is None else _lighten(STAGE_COLOURS[band], 0.55)
        )
        label = f"{_esc(names[band])}: {_fmt(low, 0)}–{_fmt(high, 0)}"
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
                "text": f"{_esc(names[band])}<br>{_fmt(low, 0)}–{_fmt(high, 0)}",
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
                hovertemplate=_("Index: %(score)s") % {"score": _fmt(score)} + "<extra></extra>",
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
                "text": _fmt(score),
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
                "text": _esc(names.get(stage or "", "")),
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
                "text": _wrap(_("No index: fewer than k responses"), 22),
                "align": "left",
                "font": {"size": 13, "color": MUTED},
            }
        )
    layout = _base_layout(
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
    return _figure(data, layout)


# =========================================================================== frameworks


def framework_radar(profile: Profile, framework_code: str) -> go.Figure:
    """The dimension scores (0–100) of one framework as a radar, with the stage rings
    behind and, when there was a previous round, its scores as a dashed line. Meant for
    frameworks with at least `RADAR_MIN_DIMENSIONS` dimensions."""
    framework = _framework(profile, framework_code)
    dims = list(framework.dimensions)
    names = _stage_names(profile)
    labels = _unique_labels([_wrap(d.name, 16) for d in dims])
    n = max(len(dims), 1)
    data: list[Any] = []
    for stage, low, high in _bands(profile):
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
                name=_("Previous round") + (f" ({_esc(prev_name)})" if prev_name else ""),
                connectgaps=False,
                hoverinfo="skip",
            )
        )
    scores = [d.score for d in dims]
    hover = [_dimension_hover(profile, d) for d in dims]
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
                "color": [_stage_colour(d.stage) for d in [*dims, *dims[:1]]],
                "line": {"color": "#ffffff", "width": 1},
            },
            name=_("This round") if has_previous else _esc(framework.name),
            customdata=[*hover, hover[0]] if hover else [],
            hovertemplate="%{customdata}<extra></extra>",
            connectgaps=False,
        )
    )
    values, texts = _threshold_ticks(profile)
    layout = _base_layout(
        440,
        margin={"l": 120, "r": 120, "t": 50, "b": 70 if has_previous else 50},
        showlegend=has_previous,
        legend={
            "orientation": "h",
            "x": 0.5,
            "xanchor": "center",
            "y": -0.12,
            "yanchor": "top",
            "font": {"size": 11},
        },
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
    return _figure(data, layout)


def dimension_bars(profile: Profile, framework_code: str) -> go.Figure:
    """Horizontal bars of the dimension scores of one framework (one decimal), coloured
    by stage, over the four stage bands."""
    framework = _framework(profile, framework_code)
    dims = list(framework.dimensions)
    labels = _unique_labels([_wrap(d.name, 34) for d in dims])
    data: list[Any] = [
        go.Bar(
            x=[d.score for d in dims],
            y=labels,
            orientation="h",
            marker={"color": [_stage_colour(d.stage) for d in dims], "line": {"width": 0}},
            text=[_fmt(d.score) if d.score is not None else "" for d in dims],
            textposition="outside",
            textfont={"size": 12, "color": INK},
            cliponaxis=False,
            width=0.62,
            name=_esc(framework.name),
            customdata=[_dimension_hover(profile, d) for d in dims],
            hovertemplate="%{customdata}<extra></extra>",
        )
    ]
    missing = [label for label, d in zip(labels, dims, strict=True) if d.score is None]
    if missing:
        data.append(_missing_trace(missing, 1))
    lines = sum(label.count("<br>") + 1 for label in labels)
    layout = _base_layout(
        _list_height(len(dims), per_row=24, extra=80 + 14 * lines, minimum=240),
        margin={"l": 10, "r": 30, "t": 44, "b": 44, "pad": 6},
        xaxis=_value_axis(_("Score (0–100)"), profile, range=[0, 100]),
        yaxis=_rows_axis(labels, tickfont={"size": 12, "color": INK}),
        shapes=_stage_band_shapes(profile),
        annotations=_stage_band_labels(profile),
        bargap=0.3,
    )
    return _figure(data, layout)


# =========================================================================== long lists


@dataclass(frozen=True)
class _Row:
    """One row of a chart over many dimensions: a dimension or a framework header."""

    label: str
    dim: DimensionProfile | None  # None: the header row of a framework


def _header(text: str, width: int) -> str:
    # Capitals rather than <b>: Plotly styles <b> with a style attribute, which the
    # dashboard's Content Security Policy refuses.
    return _truncate(str(text).upper(), width)


def _grouped_rows(profile: Profile, dims: Sequence[DimensionProfile], width: int) -> list[_Row]:
    """Rows for `dims`, with a header row per framework when they span several."""
    framework_names = {f.code: f.name for f in profile.frameworks}
    grouped = len({d.framework for d in dims}) > 1
    rows: list[_Row] = []
    current = None
    for dim in dims:
        if grouped and dim.framework != current:
            current = dim.framework
            rows.append(_Row(_header(framework_names.get(current, current), width), None))
        rows.append(_Row(_truncate(dim.name, width), dim))
    labels = _unique_labels([row.label for row in rows])
    return [_Row(label, row.dim) for label, row in zip(labels, rows, strict=True)]


def _unique_labels(labels: list[str]) -> list[str]:
    """Category labels must be unique; repeats get invisible zero-width spaces."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        count = seen.get(label, 0)
        seen[label] = count + 1
        out.append(label + "\u200b" * count)
    return out


def _rows_axis(labels: Sequence[str], **extra: Any) -> dict[str, Any]:
    """A category y axis that lists `labels` top to bottom in this order."""
    axis = {
        "categoryorder": "array",
        "categoryarray": list(labels),
        "range": [len(labels) - 0.5, -0.5],
        "autorange": False,
        "tickfont": {"size": 11, "color": INK},
    }
    axis.update(extra)
    return _category_axis(**axis)


# =========================================================================== groups


def _stage_colourscale(profile: Profile) -> list[list[Any]]:
    scale: list[list[Any]] = []
    for stage, low, high in _bands(profile):
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
    names = _stage_names(profile)
    framework_names = {f.code: f.name for f in profile.frameworks}
    overall_label = _esc(_("Overall index"))
    rows = [_Row(overall_label, None), *_grouped_rows(profile, profile.dimensions(), 44)]
    labels = _unique_labels([row.label for row in rows])
    columns = _unique_labels(
        [
            f"{_wrap(team.name, 16)}<br>"
            + (_esc(_("hidden")) if team.suppressed else f"n = {team.n}")
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
                else f"{_esc(framework_names.get(dim.framework, dim.framework))}<br>"
                f"{_esc(dim.name)}"
            )
            z_row.append(value)
            text_row.append(_fmt(value) if value is not None else "")
            hover_row.append(
                f"{_esc(team.name)}<br>{what}<br>"
                + _("Score: %(score)s") % {"score": _fmt(value)}
                + (f" · {_esc(names[stage])}" if stage else "")
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
                name=f"{_esc(names[stage])} ({_fmt(low, 0)}–{_fmt(high, 0)})",
                hoverinfo="skip",
                showlegend=True,
            )
            for stage, low, high in _bands(profile)
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
                "text": _esc(_suppressed_reason(team, k)),
                "font": {"size": 12, "color": MUTED},
            }
        )
    layout = _base_layout(
        max(280, 130 + 22 * len(labels)),
        margin={"l": 10, "r": 10, "t": 10, "b": 50, "pad": 4},
        showlegend=True,
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": -0.01,
            "yanchor": "top",
            "font": {"size": 11},
            "itemclick": False,
            "itemdoubleclick": False,
        },
        xaxis=_category_axis(
            side="top",
            categoryorder="array",
            categoryarray=columns,
            tickfont={"size": 12, "color": INK},
        ),
        yaxis=_rows_axis(labels),
        shapes=shapes,
        annotations=annotations,
    )
    return _figure(data, layout)


def perception_gap(profile: Profile) -> go.Figure | None:
    """Management (board + managers) against employees per dimension: a dumbbell per
    dimension, the largest gap on top, gaps of 15 points or more highlighted. None when
    the profile shows no gaps (a side below k, or a role filter)."""
    gaps = sorted(profile.gaps, key=lambda g: g.gap, reverse=True)
    if not gaps:
        return None
    dims = {d.code: d for d in profile.dimensions()}
    labels = _unique_labels(
        [
            _truncate(dims[g.dimension].name if g.dimension in dims else g.dimension, 44)
            for g in gaps
        ]
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
        f"{label}<br>{_esc(management_name)}: {_fmt(g.management)}<br>"
        f"{_esc(employee_name)}: {_fmt(g.employees)}<br>"
        + _("Gap: %(gap)s")
        % {"gap": _signed(g.gap)}
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
            text=[_signed(g.gap) for g in gaps],
            textposition="middle right",
            textfont={"size": 11, "color": [HIGHLIGHT if g.flagged else MUTED for g in gaps]},
            hoverinfo="skip",
            name="gap values",
            showlegend=False,
            cliponaxis=False,
        )
    )
    layout = _base_layout(
        _list_height(len(gaps), per_row=24, extra=110, minimum=240),
        margin={"l": 10, "r": 20, "t": 40, "b": 44, "pad": 6},
        showlegend=True,
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "font": {"size": 11},
        },
        xaxis=_value_axis(
            _("Score (0–100)"), profile, range=[0, 112], showgrid=True, gridcolor=GRID
        ),
        yaxis=_rows_axis(labels),
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
    return _figure(data, layout)


# =========================================================================== agreement


def agreement_chart(profile: Profile) -> go.Figure:
    """rwg(J) per dimension (0–1, two decimals) with reference lines at 0.50 (moderate)
    and 0.70 (strong); bars coloured and labelled strong / moderate / weak."""
    rows = _grouped_rows(profile, profile.dimensions(), 44)
    labels = [row.label for row in rows]
    words = _agreement_names()

    def label_of(dim: DimensionProfile | None) -> str:
        if dim is None or dim.agreement is None:
            return ""
        return f"{_fmt(dim.agreement, 2)} {words.get(dim.agreement_label or '', '')}".strip()

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
            name=_("Agreement rwg(J)"),
            customdata=[
                ""
                if row.dim is None
                else f"{_esc(row.dim.name)}<br>rwg(J) = {_fmt(row.dim.agreement, 2)}"
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
                "text": f"{_fmt(value, 2)} {_esc(label)}",
                "font": {"size": 10, "color": MUTED},
            }
        )
    layout = _base_layout(
        _list_height(len(rows), per_row=22, extra=90, minimum=240),
        margin={"l": 10, "r": 30, "t": 30, "b": 44, "pad": 6},
        xaxis=_value_axis(
            _("Agreement within the group, rwg(J)"),
            range=[0, 1.3],
            tickmode="array",
            tickvals=[0, 0.25, 0.5, 0.7, 1],
            ticktext=[_fmt(v, 2) for v in (0, 0.25, 0.5, 0.7, 1)],
        ),
        yaxis=_rows_axis(labels),
        shapes=shapes,
        annotations=annotations,
        bargap=0.3,
    )
    return _figure(data, layout)


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


# =========================================================================== keys


def keys_gate(profile: Profile) -> go.Figure | None:
    """The five keys as a gate: it opens only as far as the weakest key turns. Columns
    per key, the weakest highlighted and named, the framework score (the minimum) as a
    solid line and the mean as a dashed line. None when the questionnaire has no keys."""
    framework = next((f for f in profile.frameworks if f.code == "keys"), None)
    if framework is None:
        return None
    dims = list(framework.dimensions)
    scored = [d for d in dims if d.score is not None]
    weakest_code = framework.weakest or (
        min(scored, key=lambda d: d.score).code if scored else None
    )
    key_names = [_("Key %(n)s") % {"n": i} for i in range(1, len(dims) + 1)]
    labels = _unique_labels(
        [f"{_esc(key)}<br>{_wrap(d.name, 16)}" for key, d in zip(key_names, dims, strict=True)]
    )
    data: list[Any] = [
        go.Bar(
            x=labels,
            y=[d.score for d in dims],
            marker={
                "color": [HIGHLIGHT if d.code == weakest_code else "#1f5f8b" for d in dims],
                "line": {"width": 0},
            },
            text=[_fmt(d.score) if d.score is not None else "" for d in dims],
            textposition="outside",
            textfont={"size": 13, "color": INK},
            cliponaxis=False,
            width=0.56,
            name=_esc(framework.name),
            customdata=[_dimension_hover(profile, d) for d in dims],
            hovertemplate="%{customdata}<extra></extra>",
        )
    ]
    shapes = _stage_band_shapes(profile, axis="y")
    annotations = []
    score, mean = framework.score, framework.mean
    if score is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": score,
                "y1": score,
                "line": {"color": HIGHLIGHT, "width": 2},
            }
        )
        annotations.append(
            {
                "x": 1,
                "xref": "paper",
                "xanchor": "left",
                "xshift": 4,
                "y": score,
                "yref": "y",
                "showarrow": False,
                "align": "left",
                "text": _wrap(_("Gate (lowest key): %(score)s") % {"score": _fmt(score)}, 16),
                "font": {"size": 11, "color": HIGHLIGHT, "weight": 600},
            }
        )
    if mean is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": mean,
                "y1": mean,
                "line": {"color": MUTED, "width": 1.5, "dash": "dash"},
            }
        )
        annotations.append(
            {
                "x": 1,
                "xref": "paper",
                "xanchor": "left",
                "xshift": 4,
                "y": mean,
                "yref": "y",
                "showarrow": False,
                "align": "left",
                "text": _wrap(_("Mean of the keys: %(score)s") % {"score": _fmt(mean)}, 16),
                "font": {"size": 11, "color": MUTED},
                "yanchor": "bottom",
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
                "text": _wrap(_("Weakest key"), 8),
                "font": {"size": 12, "color": "#ffffff", "weight": 700},
            }
        )
    layout = _base_layout(
        400,
        margin={"l": 10, "r": 120, "t": 20, "b": 20, "pad": 4},
        xaxis=_category_axis(tickfont={"size": 11, "color": INK}),
        yaxis=_value_axis(_("Score (0–100)"), profile, range=[0, 105], showline=False),
        shapes=shapes,
        annotations=annotations,
        meta={"weakest": weakest_code},
        bargap=0.35,
    )
    return _figure(data, layout)


# =========================================================================== change


def change_chart(profile: Profile) -> go.Figure | None:
    """The change per dimension against the previous round, in points with one decimal:
    diverging bars, up in blue and down in amber, grouped by framework. None without a
    previous round (or without any comparable dimension)."""
    if profile.previous is None:
        return None
    changed = [d for d in profile.dimensions() if d.change is not None and d.score is not None]
    if not changed:
        return None
    rows = _grouped_rows(profile, changed, 44)
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
        return f"{_esc(dim.name)}<br>" + _("Now %(now)s, before %(before)s: %(change)s") % {
            "now": _fmt(dim.score),
            "before": _fmt(dim.score - dim.change),
            "change": _signed(dim.change),
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
            text=["" if c is None else _signed(c) for c in changes],
            textposition="outside",
            textfont={"size": 11, "color": INK},
            cliponaxis=False,
            width=0.62,
            name=_("Change"),
            customdata=[hover(row.dim) for row in rows],
            hovertemplate="%{customdata}<extra></extra>",
        )
    ]
    step = 5 if limit <= 30 else 10
    top = int(limit // step) * step
    ticks = list(range(-top, top + 1, step))
    title = (
        _("Change in points since %(name)s") % {"name": _esc(previous_name)}
        if previous_name
        else _("Change in points since the previous round")
    )
    layout = _base_layout(
        _list_height(len(rows), per_row=22, extra=90, minimum=240),
        margin={"l": 10, "r": 30, "t": 20, "b": 50, "pad": 6},
        xaxis=_value_axis(
            title,
            range=[low, high],
            tickmode="array",
            tickvals=ticks,
            ticktext=[
                ("+" if v > 0 else "\u2212" if v < 0 else "") + _fmt(abs(v), 0) for v in ticks
            ],
            zeroline=True,
            zerolinecolor=MUTED,
            zerolinewidth=1,
            showgrid=True,
            gridcolor=GRID,
        ),
        yaxis=_rows_axis(labels),
        bargap=0.3,
    )
    return _figure(data, layout)


# =========================================================================== output


def figure_json(fig: go.Figure) -> str:
    """The figure as JSON ({"data", "layout"}) that is safe inside a
    ``<script type="application/json">`` element: ``<``, ``>`` and ``&`` are escaped as
    JSON unicode escapes (as Django's ``json_script`` does)."""
    text = fig.to_json()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
