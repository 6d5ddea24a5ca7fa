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
`customer_mirror`, `figure_json`, `for_screen`; constants `STAGE_COLOURS`, `STAGE_ORDER`,
`HIGHLIGHT`, `MUTED`, `WIDTH`, `RADAR_MIN_DIMENSIONS`, `PLOTLY_CONFIG`,
`SCREEN_MIN_FONT_PX`. Callers import them from here (``from reports import charts``); the
modules of the package are its own business: `common` (palette, formatting, layout),
`rows` (long lists of dimensions), and one module per subject: `overview`, `frameworks`,
`teams`, `gap`, `agreement`, `keys`, `change`, `mirror`.
"""

from reports.charts.agreement import agreement_chart
from reports.charts.change import change_chart
from reports.charts.common import (
    HIGHLIGHT,
    MUTED,
    PLOTLY_CONFIG,
    SCREEN_MIN_FONT_PX,
    STAGE_COLOURS,
    STAGE_ORDER,
    WIDTH,
    figure_json,
    for_screen,
)
from reports.charts.frameworks import (
    RADAR_MIN_DIMENSIONS,
    dimension_bars,
    framework_radar,
    legend_below,
)
from reports.charts.gap import perception_gap
from reports.charts.keys import keys_gate
from reports.charts.mirror import customer_mirror
from reports.charts.overview import overall_diamond
from reports.charts.teams import team_heatmap

__all__ = [
    "HIGHLIGHT",
    "MUTED",
    "PLOTLY_CONFIG",
    "RADAR_MIN_DIMENSIONS",
    "SCREEN_MIN_FONT_PX",
    "STAGE_COLOURS",
    "STAGE_ORDER",
    "WIDTH",
    "agreement_chart",
    "change_chart",
    "customer_mirror",
    "dimension_bars",
    "figure_json",
    "for_screen",
    "framework_radar",
    "keys_gate",
    "legend_below",
    "overall_diamond",
    "perception_gap",
    "team_heatmap",
]
