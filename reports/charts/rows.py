"""Category rows of the charts that list dimensions: a header row per framework, labels
made unique, and the axis that lists them top to bottom."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reports.charts.common import INK, category_axis, truncate
from reports.profile import DimensionProfile, Profile


@dataclass(frozen=True)
class Row:
    """One row of a chart over many dimensions: a dimension or a framework header."""

    label: str
    dim: DimensionProfile | None  # None: the header row of a framework


def _header(text: str, width: int) -> str:
    # Capitals rather than <b>: Plotly styles <b> with a style attribute, which the
    # dashboard's Content Security Policy refuses.
    return truncate(str(text).upper(), width)


def grouped_rows(profile: Profile, dims: Sequence[DimensionProfile], width: int) -> list[Row]:
    """Rows for `dims`, with a header row per framework when they span several."""
    framework_names = {f.code: f.name for f in profile.frameworks}
    grouped = len({d.framework for d in dims}) > 1
    rows: list[Row] = []
    current = None
    for dim in dims:
        if grouped and dim.framework != current:
            current = dim.framework
            rows.append(Row(_header(framework_names.get(current, current), width), None))
        rows.append(Row(truncate(dim.name, width), dim))
    labels = unique_labels([row.label for row in rows])
    return [Row(label, row.dim) for label, row in zip(labels, rows, strict=True)]


def unique_labels(labels: list[str]) -> list[str]:
    """Category labels must be unique; repeats get invisible zero-width spaces."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        count = seen.get(label, 0)
        seen[label] = count + 1
        out.append(label + "\u200b" * count)
    return out


def rows_axis(labels: Sequence[str], **extra: Any) -> dict[str, Any]:
    """A category y axis that lists `labels` top to bottom in this order."""
    axis = {
        "categoryorder": "array",
        "categoryarray": list(labels),
        "range": [len(labels) - 0.5, -0.5],
        "autorange": False,
        "tickfont": {"size": 11, "color": INK},
    }
    axis.update(extra)
    return category_axis(**axis)
