"""The workshop slides as an editable PowerPoint: the walk, native charts with the
profile's numbers, the notes, the languages, the size of the text, hidden teams, the
command, and that LibreOffice Impress opens and renders the file."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Pt

from reports.charts.common import format_number
from reports.profile_builder import build_profile
from reports.slides import GAP_ROWS, build_slides
from tests.builders import add_responses
from tests.factories import ClosedCampaignFactory, OrganisationFactory


def deck(campaign, language: str = "en", team: str | None = None):
    profile = build_profile(campaign, team=team, language=language)
    return profile, Presentation(io.BytesIO(build_slides(profile)))


def title(slide) -> str | None:
    shape = slide.shapes.title
    return None if shape is None else shape.text_frame.text


def slide_titled(presentation, text: str):
    return next(s for s in presentation.slides if title(s) == text)


def charts_of(slide) -> list:
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def texts(slide) -> list[str]:
    """Every text on a slide: shapes, table cells (charts' labels apart)."""
    found = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            found.append(shape.text_frame.text)
        if shape.has_table:
            found += [cell.text for row in shape.table.rows for cell in row.cells]
    return found


def runs(presentation):
    for slide in presentation.slides:
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
            for frame in frames:
                for paragraph in frame.paragraphs:
                    yield from ((slide, run) for run in paragraph.runs)


def test_the_slides_walk_the_workshop_in_order(report_campaign):
    profile, presentation = deck(report_campaign)
    names = {d.code: d.name for d in profile.dimensions()}
    frameworks = [f.name for f in profile.frameworks]
    assert profile.gaps and any(f.aggregation == "weakest_link" for f in profile.frameworks)
    assert [title(s) for s in presentation.slides] == [
        None,  # the cover
        "How customer-centric are we, really?",
        "Response rate",
        "Customer-centricity index",
        *frameworks,
        "The gate of the five keys",
        "How we see ourselves vs what the team sees",
        "Perception gap: management and employees",
        *[f"Teams side by side: {name}" for name in frameworks],
        *[f"Priority {i}: {names[code]}" for i, code in enumerate(profile.priorities, start=1)],
        "On to the action plan",
    ]
    cover = " ".join(texts(presentation.slides[0]))
    assert "Rapport & Co" in cover and "Voorjaar 2026" in cover
    assert presentation.slide_width * 9 == presentation.slide_height * 16


def test_charts_are_native_charts_with_the_profiles_numbers(report_campaign):
    profile, presentation = deck(report_campaign)
    for slide in presentation.slides:  # charts, never pictures of charts
        assert all(shape.shape_type != MSO_SHAPE_TYPE.PICTURE for shape in slide.shapes)
    with zipfile.ZipFile(io.BytesIO(build_slides(profile))) as package:
        assert len([n for n in package.namelist() if re.match(r"ppt/charts/chart\d+\.xml", n)]) > 5

    [bars] = charts_of(slide_titled(presentation, "Customer-centricity index"))
    assert bars.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert bars.plots[0].series[0].values == pytest.approx([f.score for f in profile.frameworks])

    for framework in profile.frameworks:
        [radar] = charts_of(slide_titled(presentation, framework.name))
        assert radar.chart_type == XL_CHART_TYPE.RADAR_MARKERS
        assert len(radar.plots[0].series) == 1  # a first round: no previous series
        assert radar.plots[0].series[0].values == pytest.approx(
            [d.score for d in framework.dimensions]
        )

    keys = next(f for f in profile.frameworks if f.aggregation == "weakest_link")
    [gate] = charts_of(slide_titled(presentation, "The gate of the five keys"))
    assert gate.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    assert gate.plots[0].series[0].values == pytest.approx([d.score for d in keys.dimensions])
    weakest = [d.code for d in keys.dimensions].index(keys.weakest)
    fill = gate.plots[0].series[0].points[weakest].format.fill
    assert str(fill.fore_color.rgb) == "C4553B"  # the weakest key is marked

    [gap] = charts_of(slide_titled(presentation, "Perception gap: management and employees"))
    assert gap.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    largest = sorted(profile.gaps, key=lambda g: abs(g.gap), reverse=True)
    shown = ([g for g in largest if g.flagged] or largest)[:GAP_ROWS]
    management, employees = gap.plots[0].series
    assert management.values == pytest.approx([g.management for g in shown])
    assert employees.values == pytest.approx([g.employees for g in shown])

    [rate] = charts_of(slide_titled(presentation, "Response rate"))
    assert rate.chart_type == XL_CHART_TYPE.BAR_STACKED
    assert [s.values[0] for s in rate.plots[0].series] == [14, 20 - 14]


def test_the_slides_and_the_dashboard_show_the_same_numbers(report_campaign, client, consultant):
    client.force_login(consultant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(reverse("reports:dashboard", args=[report_campaign.slug])).content.decode()
    executive = html[html.index("data-executive") : html.index("</section>")]
    index = re.search(r"data-executive-index>([^<]+)<", executive)[1]
    scores = re.findall(r'class="executive-score">([^<]+)<', executive)
    rate = re.search(r'class="executive-number mb-1">([^<]+)<', executive)[1]

    profile, presentation = deck(report_campaign)
    assert index == format_number(profile.overall_score)
    index_slide = " ".join(texts(slide_titled(presentation, "Customer-centricity index")))
    assert f"{index} / 100" in index_slide
    assert rate in " ".join(texts(slide_titled(presentation, "Response rate")))
    priorities = [s for s in presentation.slides if (title(s) or "").startswith("Priority ")]
    shown = [  # "41.2 · stage · framework" under each priority's title
        next(t for t in texts(slide) if re.match(r"\d+\.\d · ", t)).split(" · ")[0]
        for slide in priorities
    ]
    assert shown == scores[: len(priorities)]
    for framework in profile.frameworks:  # the tables beside the radars, as the dashboard
        table = next(
            s.table for s in slide_titled(presentation, framework.name).shapes if s.has_table
        )
        numbers = [row.cells[2].text for row in list(table.rows)[1:]]
        assert numbers == [format_number(d.score) for d in framework.dimensions]
        assert all(f">{number}<" in html for number in numbers)


def test_every_slide_has_speakers_notes(report_campaign):
    profile, presentation = deck(report_campaign)
    for slide in presentation.slides:
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()
    first = profile.dimension(profile.priorities[0])
    notes = slide_titled(presentation, f"Priority 1: {first.name}").notes_slide
    assert first.discussion_question in notes.notes_text_frame.text
    reveal = slide_titled(presentation, "How we see ourselves vs what the team sees")
    assert "what do you expect?" in reveal.notes_slide.notes_text_frame.text


def test_dutch_and_english(report_campaign):
    nl_profile, dutch = deck(report_campaign, "nl")
    _en_profile, english = deck(report_campaign, "en")
    assert title(dutch.slides[3]) == "Klantgerichtheidsindex"
    assert title(dutch.slides[1]) == "Hoe klantgericht zijn we echt?"
    index = f"{nl_profile.overall_score:.1f}"
    assert index.replace(".", ",") + " / 100" in " ".join(texts(dutch.slides[3]))
    assert index + " / 100" in " ".join(texts(english.slides[3]))
    assert title(dutch.slides[-1]) == "Op naar het actieplan"
    languages = {run.font.language_id for _slide, run in runs(dutch)}
    assert len(languages) == 1 and "DUTCH" in str(languages.pop())


def test_no_text_under_18_points(report_campaign):
    profile, presentation = deck(report_campaign, "nl")
    for slide, run in runs(presentation):
        assert run.font.size is not None and run.font.size >= Pt(18), (title(slide), run.text)
    for slide in presentation.slides:
        for chart in charts_of(slide):
            sizes = [int(s) for s in re.findall(rb'sz="(\d+)"', chart.part.blob)]
            assert sizes and min(sizes) >= 1800, title(slide)


def test_a_hidden_team_shows_its_reason_and_no_numbers(report_campaign):
    profile, presentation = deck(report_campaign)
    gamma = next(g for g in profile.groups["team"] if g.name == "Gamma")
    assert gamma.suppressed
    heatmaps = [s for s in presentation.slides if (title(s) or "").startswith("Teams side")]
    assert heatmaps
    for slide in heatmaps:
        table = next(s.table for s in slide.shapes if s.has_table)
        header = [cell.text for cell in table.rows[0].cells]
        column = header.index("Gamma\nhidden")
        cells = [row.cells[column].text for row in list(table.rows)[1:]]
        assert cells[0] == "fewer than k responses (k = 5)"
        assert not any(re.search(r"\d[.,]\d", text) for text in cells)
        # Alpha is hidden too: with Gamma's employees it would give away fewer than k.
        alpha = [row.cells[header.index("Alpha\nhidden")].text for row in list(table.rows)[1:]]
        assert alpha[0].startswith("hidden to protect a group with fewer than k responses")
        assert not any(re.search(r"\d[.,]\d", text) for text in alpha)
        beta = header.index("Beta\nn = 6")
        assert all(re.fullmatch(r"\d+\.\d", row.cells[beta].text) for row in list(table.rows)[1:])
    rate = slide_titled(presentation, "Response rate")
    table = next(s.table for s in rate.shapes if s.has_table)
    assert [row.cells[1].text for row in table.rows][1:] == ["< 5", "6", "< 5"]
    everything = " ".join(t for slide in presentation.slides for t in texts(slide))
    assert "n = 2" not in everything


def test_a_teams_slides(report_campaign):
    profile, presentation = deck(report_campaign, team="Beta")
    titles = [title(s) for s in presentation.slides]
    assert "Team report: Beta" in " ".join(texts(presentation.slides[0]))
    assert not any((t or "").startswith("Teams side") for t in titles)
    # Beta has managers only: no perception gap in its slides, as in its PDF.
    assert "Perception gap: management and employees" not in titles


def test_export_slides_command(report_campaign, tmp_path):
    target = tmp_path / "slides.pptx"
    errors = io.StringIO()
    call_command(
        "export_slides", report_campaign.slug, "-o", str(target), "--lang", "nl", stderr=errors
    )
    presentation = Presentation(str(target))
    assert title(presentation.slides[3]) == "Klantgerichtheidsindex"
    assert f"written to {target}" in errors.getvalue()
    team = tmp_path / "beta.pptx"
    call_command("export_slides", report_campaign.slug, "-o", str(team), "--team", "Beta")
    assert Presentation(str(team)).slides


def test_export_slides_refusals_write_nothing(report_campaign, quick_version, consultant, tmp_path):
    target = tmp_path / "never.pptx"
    with pytest.raises(CommandError, match="no-such-campaign"):
        call_command("export_slides", "no-such-campaign", "-o", str(target))
    with pytest.raises(CommandError, match="Gamma"):
        call_command("export_slides", report_campaign.slug, "-o", str(target), "--team", "Gamma")
    with pytest.raises(CommandError, match="Delta"):
        call_command("export_slides", report_campaign.slug, "-o", str(target), "--team", "Delta")
    small = ClosedCampaignFactory(
        organisation=OrganisationFactory(owner=consultant),
        questionnaire_version=quick_version,
        anonymity_threshold=5,
    )
    add_responses(small, 3)
    with pytest.raises(CommandError, match="at least 5 people"):
        call_command("export_slides", small.slug, "-o", str(target), "--lang", "en")
    assert not target.exists()


@pytest.mark.slow
@pytest.mark.one_database
def test_libreoffice_impress_opens_and_renders_every_slide(report_campaign, tmp_path):
    """Impress converts the deck without a repair prompt (headless: it would fail), one
    PDF page per slide, and each page renders to an image that is not blank."""
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        pytest.skip("LibreOffice Impress or poppler-utils is not installed")
    profile, presentation = deck(report_campaign, "nl")
    source = tmp_path / "slides.pptx"
    source.write_bytes(build_slides(profile))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "slides.pdf"
    assert pdf.exists()
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    assert len(reader.pages) == len(presentation.slides)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Klantgerichtheidsindex" in text
    assert format_number_nl(profile.overall_score) in text  # the labels' decimal comma
    subprocess.run(
        [pdftoppm, "-r", "30", "-png", str(pdf), str(tmp_path / "slide")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    images = sorted(Path(tmp_path).glob("slide-*.png"))
    assert len(images) == len(presentation.slides)
    from PIL import Image

    for image in images:
        with Image.open(image) as picture:
            assert picture.width > picture.height  # 16:9
            colours = picture.convert("L").getextrema()
            assert colours[0] < colours[1]  # not blank


def format_number_nl(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")
