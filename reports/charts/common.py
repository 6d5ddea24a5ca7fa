"""What the figures share: the palette, numbers and labels in the active language, the
stage bands, the layout and axes every figure starts from, and the JSON the dashboard
embeds. The names here serve the package's modules; callers use `reports.charts`."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

from reports.profile import DimensionProfile, FrameworkProfile, Profile
from reports.scoring import round_as_shown

# The stage fills of static/css/stages.css (--stage-rough ... --stage-shining).
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

# The colours of more than one figure; a colour that one figure alone uses is kept in
# that figure's module.
FONT_FAMILY = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
    '"Noto Sans", "Liberation Sans", sans-serif'
)
INK = "#1e2a33"
MUTED = "#5b6873"
GRID = "#e3e8ec"
SUPPRESSED_FILL = "#e9ecef"
HIGHLIGHT = "#c4553b"  # flagged gaps, the weakest key
BAND_OPACITY = 0.13  # stage bands behind bars


# =========================================================================== numbers and text


def format_number(value: float | Decimal | None, decimals: int = 1) -> str:
    """A number with `decimals` decimals in the active language; "–" for None."""
    if value is None:
        return "–"
    return number_format(round_as_shown(value, decimals), decimals)


def format_change(value: float) -> str:
    """A change with its sign: +1.5 / −1.5 / 0.0 (typographic minus)."""
    rounded = round_as_shown(value, 1)
    if rounded > 0:
        return "+" + format_number(rounded)
    if rounded < 0:
        return "\u2212" + format_number(-rounded)
    return format_number(0.0)


def escape(text: str) -> str:
    """Text from data, safe for Plotly's pseudo-HTML labels."""
    return html.escape(str(text), quote=False)


def wrap(text: str, width: int) -> str:
    """Escaped text broken into lines of at most `width` characters (<br> between)."""
    lines = textwrap.wrap(str(text), width=width, break_long_words=False) or [""]
    return "<br>".join(escape(line) for line in lines)


def truncate(text: str, width: int) -> str:
    text = str(text)
    return escape(text if len(text) <= width else text[: width - 1].rstrip() + "…")


# =========================================================================== stages


def _default_stage_names() -> dict[str, str]:
    return {
        "rough": _("Rough diamond"),
        "clear": _("Clear diamond"),
        "cut": _("Cut diamond"),
        "shining": _("Shining diamond"),
    }


def stage_names(profile: Profile) -> dict[str, str]:
    names = _default_stage_names()
    names.update({s.code: s.name for s in profile.stages if s.name})
    return names


def stage_bands(profile: Profile) -> list[tuple[str, float, float]]:
    """(stage, from, to) for the four stages on the 0–100 scale."""
    clear, cut, shining = (float(t) for t in profile.stage_thresholds)
    return [
        ("rough", 0.0, clear),
        ("clear", clear, cut),
        ("cut", cut, shining),
        ("shining", shining, 100.0),
    ]


def stage_colour(stage: str | None) -> str:
    return STAGE_COLOURS.get(stage or "", SUPPRESSED_FILL)


def threshold_ticks(profile: Profile) -> tuple[list[float], list[str]]:
    values = [0.0, *(float(t) for t in profile.stage_thresholds), 100.0]
    return values, [format_number(v, 0) for v in values]


# =========================================================================== layout


def base_layout(height: int, **extra: Any) -> dict[str, Any]:
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


def value_axis(title: str, profile: Profile | None = None, **extra: Any) -> dict[str, Any]:
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
        values, texts = threshold_ticks(profile)
        axis.update(tickmode="array", tickvals=values, ticktext=texts)
    axis.update(extra)
    return axis


def category_axis(**extra: Any) -> dict[str, Any]:
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


def stage_band_shapes(profile: Profile, *, axis: str = "x") -> list[dict[str, Any]]:
    """Light stage bands behind a 0–100 value axis (`axis` "x": vertical bands)."""
    shapes = []
    for stage, low, high in stage_bands(profile):
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


STAGE_LABEL_ROW_PX = 14  # one line of the stage labels above vertical bands


def stage_band_labels(profile: Profile, *, axis: str = "x") -> list[dict[str, Any]]:
    """The stage names over their bands. Above vertical bands (`axis` "x") they take
    rows 0, 1, 0, 2, so that no two names closer than a whole band share a row (the
    narrow upper bands, 50–70, 70–85 and 85–100, each have a row of their own); the
    chart's top margin holds the three rows."""
    names = stage_names(profile)
    labels = []
    for (stage, low, high), row in zip(stage_bands(profile), (0, 1, 0, 2), strict=True):
        label: dict[str, Any] = {
            "text": escape(names[stage]) if axis == "x" else wrap(names[stage], 16),
            "showarrow": False,
            "font": {"size": 10, "color": STAGE_TEXT_COLOURS[stage]},
        }
        if axis == "x":
            label.update(
                x=(low + high) / 2,
                xref="x",
                y=1,
                yref="paper",
                yanchor="bottom",
                yshift=STAGE_LABEL_ROW_PX * row,
            )
        else:
            label.update(x=1, xref="paper", xanchor="left", xshift=4, y=(low + high) / 2, yref="y")
        labels.append(label)
    return labels


def list_height(rows: int, per_row: int = 30, extra: int = 90, minimum: int = 220) -> int:
    return max(minimum, extra + per_row * rows)


def dimension_hover(profile: Profile, dim: DimensionProfile) -> str:
    names = stage_names(profile)
    parts = [f"{escape(dim.name)}", _("Score: %(score)s") % {"score": format_number(dim.score)}]
    if dim.stage:
        parts.append(escape(names.get(dim.stage, dim.stage)))
    parts.append(_("Respondents: %(n)s") % {"n": dim.n})
    if dim.favourable is not None:
        parts.append(_("Favourable: %(pct)s%%") % {"pct": format_number(dim.favourable * 100)})
    return "<br>".join(parts)


def score_bars(
    profile: Profile,
    framework: FrameworkProfile,
    labels: Sequence[str],
    colours: Sequence[str],
    *,
    horizontal: bool,
    font_size: int,
    width: float,
) -> go.Bar:
    """One bar per dimension of a framework, labelled with its score (one decimal), with
    the dimension's details on hover."""
    dims = list(framework.dimensions)
    scores = [d.score for d in dims]
    return go.Bar(
        x=scores if horizontal else list(labels),
        y=list(labels) if horizontal else scores,
        orientation="h" if horizontal else "v",
        marker={"color": list(colours), "line": {"width": 0}},
        text=[format_number(d.score) if d.score is not None else "" for d in dims],
        textposition="outside",
        textfont={"size": font_size, "color": INK},
        cliponaxis=False,
        width=width,
        name=escape(framework.name),
        customdata=[dimension_hover(profile, d) for d in dims],
        hovertemplate="%{customdata}<extra></extra>",
    )


def horizontal_legend(
    x: float, xanchor: str, y: float, yanchor: str = "top", **extra: Any
) -> dict[str, Any]:
    """A one-row legend in the charts' small type, placed in paper coordinates."""
    return {
        "orientation": "h",
        "x": x,
        "xanchor": xanchor,
        "y": y,
        "yanchor": yanchor,
        "font": {"size": 11},
        **extra,
    }


def build_figure(data: Sequence[Any], layout: dict[str, Any]) -> go.Figure:
    figure = go.Figure(data=list(data), layout=layout)
    figure.update_layout(legend_itemclick=False, legend_itemdoubleclick=False)
    return figure


# =========================================================================== output


SCREEN_MIN_FONT_PX = 12  # the dashboard's smallest chart text (CSS pixels)


def _raise_font_sizes(node: Any, floor: int, *, in_font: bool = False) -> None:
    """Every font size (`size` inside a `font`, `tickfont`, `textfont` … object) of a
    figure's JSON below `floor` raised to it, in place; marker and line sizes stay."""
    if isinstance(node, list):
        for item in node:
            _raise_font_sizes(item, floor, in_font=in_font)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if in_font and key == "size":
            if isinstance(value, list):
                node[key] = [max(v, floor) if isinstance(v, int | float) else v for v in value]
            elif isinstance(value, int | float):
                node[key] = max(value, floor)
        else:
            _raise_font_sizes(value, floor, in_font=key.endswith("font"))


PLOTLY_DEFAULT_FONT_PX = 12  # what Plotly draws a text in that names no size


def for_screen(fig: go.Figure, min_px: int = SCREEN_MIN_FONT_PX) -> go.Figure:
    """The figure as a screen draws it: the print sizes (7 pt and up on paper at the
    report's scale) are too small on a screen, so no text under `min_px` CSS pixels
    (`SCREEN_MIN_FONT_PX` on the dashboard; the present mode asks for more, for the back
    of a room)."""
    content = fig.to_plotly_json()
    if min_px > PLOTLY_DEFAULT_FONT_PX:  # texts without a size of their own follow this one
        layout = content.setdefault("layout", {})
        font = layout.setdefault("font", {})
        font["size"] = max(font.get("size") or PLOTLY_DEFAULT_FONT_PX, min_px)
    _raise_font_sizes(content, min_px)
    return go.Figure(content)


def figure_json(fig: go.Figure) -> str:
    """The figure as JSON ({"data", "layout"}) that is safe inside a
    ``<script type="application/json">`` element: ``<``, ``>`` and ``&`` are escaped as
    JSON unicode escapes (as Django's ``json_script`` does)."""
    text = fig.to_json()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
