"""The Plotly figures of `reports.charts`, from hand-built profiles (no database)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import plotly.colors
import plotly.graph_objects as go
import pytest
from django.conf import settings
from django.utils import translation

from reports import chart_images, charts
from reports.profile import (
    GroupProfile,
    Profile,
)
from tests.profiles import make_profile


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def trace(fig: go.Figure, name: str):
    return next(t for t in fig.data if t.name == name)


def texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


# --------------------------------------------------------------------------- module


def test_stage_colours_match_the_stylesheet():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "stages.css").read_text()
    found = dict(re.findall(r"--stage-(\w+):\s*(#[0-9a-fA-F]{6})", css))
    assert found == charts.STAGE_COLOURS


def test_plotly_config_hides_the_logo_and_resizes():
    # (Every public chart function is drawn by the tests above; this is the config.)
    assert charts.PLOTLY_CONFIG["displaylogo"] is False
    assert charts.PLOTLY_CONFIG["responsive"] is True


def all_figures(profile: Profile) -> dict[str, go.Figure | None]:
    return {
        "diamond": charts.overall_diamond(profile),
        "radar": charts.framework_radar(profile, "keys"),
        "bars": charts.dimension_bars(profile, "diamond"),
        "heatmap": charts.team_heatmap(profile),
        "gap": charts.perception_gap(profile),
        "agreement": charts.agreement_chart(profile),
        "keys": charts.keys_gate(profile),
        "change": charts.change_chart(profile),
    }


def test_every_figure_has_an_explicit_size_and_no_styled_tags():
    """Fixed sizes for static export; no <b>/<i>/<span> (Plotly styles those with a
    style attribute, which the Content Security Policy refuses)."""
    for name, fig in all_figures(make_profile()).items():
        assert isinstance(fig, go.Figure), name
        assert fig.layout.width == charts.WIDTH, name
        assert fig.layout.height and fig.layout.height >= 200, name
        raw = fig.to_json()
        for tag in ("<b>", "<i>", "<span", "<em>"):
            assert tag not in raw, (name, tag)


# --------------------------------------------------------------------------- overall


def test_overall_diamond_bands_at_the_thresholds_and_the_score():
    fig = charts.overall_diamond(make_profile(stage_thresholds=(40.0, 60.0, 80.0)))
    bands = [t for t in fig.data if t.meta and "stage" in t.meta]
    assert [(b.meta["stage"], b.meta["from"], b.meta["to"]) for b in bands] == [
        ("rough", 0.0, 40.0),
        ("clear", 40.0, 60.0),
        ("cut", 60.0, 80.0),
        ("shining", 80.0, 100.0),
    ]
    assert all(b.fill == "toself" for b in bands)
    # The band of the score is in its full stage colour, the others lighter.
    current = next(b for b in bands if b.meta["stage"] == "clear")
    assert current.fillcolor == charts.STAGE_COLOURS["clear"]
    other = next(b for b in bands if b.meta["stage"] == "cut")
    assert other.fillcolor != charts.STAGE_COLOURS["cut"]
    level = trace(fig, "Index")
    assert list(level.y) == [54.8936, 54.8936]
    assert "54.9" in texts(fig)
    assert "Clear diamond" in texts(fig)
    assert any(t.startswith("Shining diamond<br>80–100") for t in texts(fig))


def test_overall_diamond_without_a_score_says_why():
    fig = charts.overall_diamond(make_profile(overall_score=None, overall_stage=None))
    assert not [t for t in fig.data if t.name == "Index"]
    assert any("fewer than k responses" in t.replace("<br>", " ") for t in texts(fig))


# --------------------------------------------------------------------------- frameworks


def test_framework_radar_scores_closed_polygon_and_previous_round():
    profile = make_profile()
    fig = charts.framework_radar(profile, "diamond")
    polar = [t for t in fig.data if isinstance(t, go.Scatterpolar)]
    current = polar[-1]
    assert list(current.r) == [57.66, 71.84, 48.04, 57.66]
    assert current.theta[0] == current.theta[-1] == "Belief"
    assert current.fill == "toself"
    previous = polar[0]
    assert previous.line.dash == "dash"
    assert previous.r[0] == pytest.approx(57.66 - 2.5)
    assert previous.r[1] is None  # no change known for positivity
    assert tuple(fig.layout.polar.radialaxis.range) == (0, 100)
    # The stage rings behind: one barpolar per stage, from the thresholds.
    rings = [t for t in fig.data if isinstance(t, go.Barpolar)]
    assert [r.base[0] for r in rings] == [0.0, 50.0, 70.0, 85.0]


def test_framework_radar_unknown_framework():
    with pytest.raises(ValueError, match="no framework 'shifts'"):
        charts.framework_radar(make_profile(), "shifts")


def test_dimension_bars_scores_one_decimal_and_stage_bands():
    fig = charts.dimension_bars(make_profile(), "diamond")
    bars = fig.data[0]
    assert isinstance(bars, go.Bar) and bars.orientation == "h"
    assert list(bars.x) == [57.66, 71.84, 48.04]
    assert list(bars.text) == ["57.7", "71.8", "48.0"]
    assert list(bars.marker.color) == [
        charts.STAGE_COLOURS["clear"],
        charts.STAGE_COLOURS["cut"],
        charts.STAGE_COLOURS["rough"],
    ]
    bands = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(s.x0, s.x1) for s in bands] == [(0, 50), (50, 70), (70, 85), (85, 100)]
    assert [s.fillcolor for s in bands] == [charts.STAGE_COLOURS[s] for s in charts.STAGE_ORDER]
    assert list(fig.layout.yaxis.categoryarray) == ["Belief", "Positivity", "Digital"]


def test_dimension_bars_marks_a_dimension_without_score():
    profile = make_profile()
    fw = profile.frameworks[0]
    dims = (replace(fw.dimensions[0], score=None, stage=None), *fw.dimensions[1:])
    profile = replace(profile, frameworks=(replace(fw, dimensions=dims), profile.frameworks[1]))
    fig = charts.dimension_bars(profile, "diamond")
    assert fig.data[0].text[0] == ""
    missing = trace(fig, "missing")
    assert list(missing.y) == ["Belief"] and list(missing.text) == ["no score"]


def test_labels_from_data_are_escaped_for_plotly():
    profile = make_profile()
    fw = profile.frameworks[0]
    dims = (replace(fw.dimensions[0], name='<a href="x">Evil</a> & co'), *fw.dimensions[1:])
    profile = replace(profile, frameworks=(replace(fw, dimensions=dims), profile.frameworks[1]))
    fig = charts.dimension_bars(profile, "diamond")
    label = fig.data[0].y[0]
    assert "<a" not in label
    assert '&lt;a href="x"&gt;Evil&lt;/a&gt; &amp; co' in label.replace("<br>", " ")


# --------------------------------------------------------------------------- teams


def test_team_heatmap_values_and_a_suppressed_team_without_numbers():
    fig = charts.team_heatmap(make_profile())
    heat = fig.data[0]
    assert isinstance(heat, go.Heatmap)
    columns = list(heat.x)
    assert columns[0].startswith("Alpha") and "n = 9" in columns[0]
    assert columns[2].startswith("Gamma") and "hidden" in columns[2]
    rows = list(heat.y)
    assert rows[0] == "Overall index"
    assert "THE ROUGH DIAMOND" in rows  # a header row per framework
    belief = rows.index("Belief")
    assert heat.z[0][0] == 61.25 and heat.text[0][0] == "61.3"  # half up, as the tables
    assert heat.z[belief][0] == pytest.approx(60.66)
    assert heat.z[belief][1] == pytest.approx(53.66)
    # Gamma: a grey column, no numbers anywhere (not the 12.345 it wrongly carries).
    assert all(row[2] is None for row in heat.z)
    assert all(row[2] == "" for row in heat.text)
    assert all(row[2] == "" for row in heat.customdata)
    assert "12.3" not in fig.to_json() and "98.7" not in fig.to_json()
    grey = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(grey) == 1 and (grey[0].x0, grey[0].x1) == (1.5, 2.5)
    # (wrapped to fit a short heatmap: the line breaks read as spaces)
    assert "fewer than k responses (k = 5)" in [t.replace("<br>", " ") for t in texts(fig)]
    # The numbers drawn in the cells: the shown teams' only, each in black or white.
    numbers = fig.data[1]
    assert isinstance(numbers, go.Scatter) and numbers.mode == "text"
    drawn = dict(zip(zip(numbers.x, numbers.y, strict=True), numbers.text, strict=True))
    assert drawn[(columns[0], rows[0])] == "61.3"
    assert not any(x == columns[2] for x in numbers.x)
    assert set(numbers.textfont.color) <= {"#000000", "#ffffff"}


@pytest.mark.parametrize(
    ("score", "colour"), [(0, "#ffffff"), (45, "#ffffff"), (50, "#000000"), (100, "#000000")]
)
def test_heatmap_numbers_read_on_their_cells(score, colour):
    """Black or white, whichever contrasts more with the cell's colour on the scale;
    either way at least WCAG AA's 4.5:1 anywhere on cividis."""
    from reports.charts.teams import SCORE_COLOURSCALE, _luminance, cell_text_colour

    assert cell_text_colour(score) == colour
    for value in range(0, 101):
        cell = plotly.colors.sample_colorscale(SCORE_COLOURSCALE, [value / 100])[0]
        low, high = sorted((_luminance(cell), _luminance(cell_text_colour(value))))
        assert (high + 0.05) / (low + 0.05) >= 4.5


def test_team_heatmap_names_complementary_suppression():
    profile = make_profile()
    teams = (*profile.groups["team"][:1], GroupProfile("Beta", 7, True, None, {}))
    fig = charts.team_heatmap(replace(profile, groups={**profile.groups, "team": teams}))
    assert any(
        "hidden to protect a group with fewer than k responses" in t.replace("<br>", " ")
        for t in texts(fig)
    )


def test_team_heatmap_none_without_teams_or_for_one_team():
    profile = make_profile()
    assert charts.team_heatmap(replace(profile, groups={"team": (), "role": ()})) is None
    assert charts.team_heatmap(replace(profile, scope={"team": "Alpha"})) is None
    assert charts.team_heatmap(replace(profile, below_threshold=True)) is None


def test_perception_gap_dumbbells_largest_first_flagged_highlighted():
    fig = charts.perception_gap(make_profile())
    management = trace(fig, "Management (board and managers)")
    employees = trace(fig, "Employees")
    assert list(management.y) == ["Culture", "Digital", "Belief"]  # largest gap first
    assert list(management.x) == [74.52, 61.22, 65.06]
    assert list(employees.x) == [53.94, 41.67, 54.17]
    flagged = next(t for t in fig.data if t.meta and t.meta.get("flagged") is True)
    assert flagged.line.color == charts.HIGHLIGHT
    assert [y for y in flagged.y if y] == ["Culture", "Culture", "Digital", "Digital"]
    plain = next(t for t in fig.data if t.meta and t.meta.get("flagged") is False)
    assert [y for y in plain.y if y] == ["Belief", "Belief"]
    gap_labels = trace(fig, "gap values")
    assert list(gap_labels.text) == ["+20.6", "+19.6", "+10.9"]
    assert list(gap_labels.textfont.color) == [charts.HIGHLIGHT, charts.HIGHLIGHT, charts.MUTED]
    assert list(fig.layout.yaxis.categoryarray) == ["Culture", "Digital", "Belief"]


def test_perception_gap_none_without_gaps():
    assert charts.perception_gap(make_profile(gaps=())) is None


# --------------------------------------------------------------------------- agreement


def test_agreement_chart_reference_lines_and_labels():
    fig = charts.agreement_chart(make_profile())
    bars = fig.data[0]
    assert isinstance(bars, go.Bar)
    values = [v for v in bars.x if v is not None]
    assert values == [0.73, 0.61, 0.45, 0.73, 0.73, 0.73, 0.73, 0.73]
    lines = sorted(s.x0 for s in fig.layout.shapes if s.type == "line")
    assert lines == [0.5, 0.7]
    assert "0.50 moderate" in texts(fig) and "0.70 strong" in texts(fig)
    words = trace(fig, "values")
    assert list(words.text)[:3] == ["0.73 strong", "0.61 moderate", "0.45 weak"]
    assert words.textfont.color[2] == charts.HIGHLIGHT  # weak stands out


# --------------------------------------------------------------------------- keys


def test_keys_gate_names_and_highlights_the_weakest_key():
    fig = charts.keys_gate(make_profile())
    bars = fig.data[0]
    assert list(bars.y) == [48.0, 45.42, 53.5, 61.6, 60.6]
    colours = list(bars.marker.color)
    assert colours[1] == charts.HIGHLIGHT
    assert colours.count(charts.HIGHLIGHT) == 1
    assert fig.layout.meta["weakest"] == "keys.journey"
    weakest = next(a for a in fig.layout.annotations if "Weakest" in a.text)
    assert "journey as a" in weakest.x  # placed on the weakest key's column
    assert "Key 2" in weakest.x
    lines = {round(s.y0, 2) for s in fig.layout.shapes if s.type == "line"}
    assert lines == {45.42, 53.82}  # the gate (minimum) and the mean
    joined = " ".join(texts(fig)).replace("<br>", " ")
    assert "Gate (lowest key): 45.4" in joined
    assert "Mean of the keys: 53.8" in joined


def test_keys_gate_none_without_the_keys_framework():
    profile = make_profile()
    assert charts.keys_gate(replace(profile, frameworks=profile.frameworks[:1])) is None


# --------------------------------------------------------------------------- change


def test_change_chart_per_dimension():
    fig = charts.change_chart(make_profile())
    bars = fig.data[0]
    assert [v for v in bars.x if v is not None] == [2.5, -1.5]
    assert [t for t in bars.text if t] == ["+2.5", "\u22121.5"]
    assert "Round 2025" in fig.layout.xaxis.title.text


def test_change_chart_none_without_previous_round():
    assert charts.change_chart(make_profile(previous=None)) is None
    profile = make_profile()
    no_changes = tuple(
        replace(fw, dimensions=tuple(replace(d, change=None) for d in fw.dimensions))
        for fw in profile.frameworks
    )
    assert charts.change_chart(replace(profile, frameworks=no_changes)) is None


# --------------------------------------------------------------------------- language


def test_dutch_numbers_use_a_decimal_comma():
    profile = make_profile(language="nl")
    with translation.override("nl"):
        bars = charts.dimension_bars(profile, "diamond")
        diamond = charts.overall_diamond(profile)
        agreement = charts.agreement_chart(profile)
        change = charts.change_chart(profile)
    assert list(bars.data[0].text) == ["57,7", "71,8", "48,0"]
    assert "54,9" in texts(diamond)
    assert bars.layout.separators == ",."
    words = trace(agreement, "values")
    assert words.text[0].startswith("0,73")
    assert [t for t in change.data[0].text if t] == ["+2,5", "\u22121,5"]


def test_english_numbers_use_a_decimal_point():
    bars = charts.dimension_bars(make_profile(), "diamond")
    assert bars.layout.separators == ".,"
    assert bars.data[0].text[0] == "57.7"


def test_chart_numbers_match_the_tables_floatformat():
    """The dashboard's tables use `floatformat:1`; the charts round the same way."""
    from django.template import Context, Template

    values = (61.25, 57.65, 45.05, 0.05, 99.95, 54.8936)
    profile = make_profile()
    fw = profile.frameworks[0]
    dims = tuple(
        replace(fw.dimensions[0], code=f"diamond.d{i}", name=f"D{i}", score=v)
        for i, v in enumerate(values)
    )
    profile = replace(profile, frameworks=(replace(fw, dimensions=dims),))
    for language in ("en", "nl"):
        with translation.override(language):
            shown = list(charts.dimension_bars(profile, "diamond").data[0].text)
            expected = [Template("{{ v|floatformat:1 }}").render(Context({"v": v})) for v in values]
        assert shown == expected


# --------------------------------------------------------------------------- json


def test_figure_json_is_safe_in_a_script_element():
    profile = make_profile()
    teams = (GroupProfile("</script><script>alert(1)</script>", 9, False, 50.0, {}),)
    profile = replace(profile, groups={**profile.groups, "team": (*teams, *profile.groups["team"])})
    text = charts.figure_json(charts.team_heatmap(profile))
    assert "<" not in text and ">" not in text
    assert "</script" not in text.lower()
    data = json.loads(text)
    assert set(data) >= {"data", "layout"}
    assert data["data"][0]["type"] == "heatmap"
    assert data["layout"]["width"] == charts.WIDTH


@pytest.mark.slow
@pytest.mark.one_database
def test_figures_export_as_static_svg(settings):
    """The PDF draws these figures with kaleido and Debian's Chromium, through the app's
    own renderer (which draws a chart again in a fresh browser when a loaded machine
    makes its tab lose its scripts)."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Chromium is not installed")
    settings.CHROMIUM_PATH = str(chromium)
    job = chart_images.start_svgs({"overall": charts.overall_diamond(make_profile())})
    svg = job.svg("overall")
    assert svg.startswith("<svg") and "54.9" in svg
