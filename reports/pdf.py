"""The workshop report: a profile laid out as an A4 PDF by WeasyPrint.

`report_input` reads what the report needs from the database (the profile and the care
checklist); everything after it (`render_html`, `render_pdf`) works on that plain data
only, so a report can be made in a background thread. Charts are the Plotly figures of
`reports.charts` (the same as the dashboard's), drawn as vector SVG by
`reports.chart_images` and made quick for WeasyPrint to draw by `reports.print_svg`;
without a browser the report keeps its tables and says where the charts would be.
WeasyPrint loads nothing but our static files and data: URLs (`reports.url_fetcher`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assessment.campaigns import closing_day, opening_day
from assessment.models import Campaign
from questionnaires.models import Dimension, Item
from reports import action_texts, chart_images, print_charts, print_svg
from reports import charts as chart_figures
from reports.action_plan import plan_for
from reports.action_rules import ActionPlan
from reports.charts.common import stage_names
from reports.harvest import Harvest, harvest_for, harvest_rows
from reports.mirror import CustomerMirror
from reports.mirror_data import mirror_for
from reports.presentation import against_organisation, profile_context
from reports.profile import Profile, StageText
from reports.profile_builder import build_profile
from reports.url_fetcher import BASE_URL, CHART_URL, StaticOnlyURLFetcher

logger = logging.getLogger(__name__)

# Part of every cache key: raise it when the report's layout changes, so that reports
# made by an older layout are made again.
LAYOUT_VERSION = 12
CARE_FRAMEWORK = "care"
SHORT_LIST = 5  # gaps listed when none is flagged
LONG_LIST = 10  # largest changes and flagged gaps listed

Progress = Callable[[int, int, str], None]  # (steps done, steps in all, what is happening)


class ReportUnavailable(Exception):
    """The campaign has too few responses for a report (the anonymity threshold)."""


@dataclass(frozen=True)
class ChecklistTheme:
    name: str
    question: str
    statements: tuple[str, ...]


@dataclass(frozen=True)
class ReportInput:
    """Everything a report shows, read from the database in one go."""

    profile: Profile
    team: str | None
    checklist: tuple[ChecklistTheme, ...]
    # A team report's yardstick: the whole campaign's profile.
    organisation: Profile | None = None
    # False for the version a read-only link without comments offers: no comments at all.
    comments: bool = True
    # The campaign's actions (a team report shows them too, without last round's
    # follow-up, which is for the whole campaign).
    actions: ActionPlan = ActionPlan()
    # The business results beside the index (the whole campaign's report only).
    harvest: Harvest = Harvest()
    # The customer mirror (the whole campaign's report only; None without one).
    mirror: CustomerMirror | None = None

    @property
    def language(self) -> str:
        return self.profile.language

    def signature(self) -> str:
        """Changes whenever anything the report shows changes, the action plan included
        (and with its layout)."""
        content = dataclasses.asdict(self)
        for profile in (content["profile"], content["organisation"]):
            if profile is not None:
                profile.pop("generated_at")  # the time a profile was built changes nothing
        content["layout"] = LAYOUT_VERSION
        text = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def report_input(
    campaign: Campaign, language: str, team: str | None = None, *, comments: bool = True
) -> ReportInput:
    """The report's data. Raises `GroupTooSmall` / `UnknownGroup` for a team that is
    hidden or unknown, `ReportUnavailable` when the whole campaign is below k. Without
    `comments` the report holds no comment, not even how many were hidden."""
    profile = build_profile(campaign, team=team, language=language)
    if not comments:
        profile = dataclasses.replace(profile, comments=(), comments_hidden=0)
    waits_for_close = (
        not profile.final and profile.results_during_fieldwork == Campaign.RESULTS_AFTER_CLOSING
    )
    if profile.below_threshold or profile.respondents == 0:
        with translation.override(profile.language):
            if waits_for_close:
                raise ReportUnavailable(_("A report is made once the campaign has closed."))
            raise ReportUnavailable(
                _(
                    "A report is made once at least %(k)s people have answered "
                    "(%(n)s so far), so that no one can be recognised in it."
                )
                % {"k": profile.anonymity_threshold, "n": profile.submitted}
            )
    return ReportInput(
        profile=profile,
        team=team,
        checklist=_checklist(profile.language),
        organisation=build_profile(campaign, language=language) if team else None,
        comments=comments,
        actions=plan_for(
            campaign, profile=profile, language=profile.language, today=timezone.localdate()
        ),
        harvest=Harvest() if team else harvest_for(campaign, profile),
        mirror=None if team else mirror_for(campaign, profile),
    )


def _checklist(language: str) -> tuple[ChecklistTheme, ...]:
    """The care checklist of the question bank, as a conversation guide."""
    dimensions = (
        Dimension.objects.filter(framework__code=CARE_FRAMEWORK)
        .order_by("order", "code")
        # The customer mirror's statements sit in these dimensions too; the checklist is
        # the colleagues' conversation guide.
        .prefetch_related(Prefetch("items", queryset=Item.objects.internal()))
    )
    with translation.override(language):
        return tuple(
            ChecklistTheme(
                name=dimension.tr("name"),
                question=dimension.tr("discussion_question"),
                statements=tuple(
                    item.tr("text") for item in sorted(dimension.items.all(), key=_item_order)
                ),
            )
            for dimension in dimensions
        )


def _item_order(item) -> tuple[int, str]:
    return item.order, item.code


# =========================================================================== charts


OFF = "off"  # `ChartSet.failure` of a report made without charts


@dataclass
class ChartSet:
    """The figures of one report. They are drawn (in Chromium) while WeasyPrint reads the
    HTML, in the order the HTML shows them; WeasyPrint fetches each chart's SVG through
    `svg`, which waits for that chart only."""

    figures: dict[str, go.Figure] = field(default_factory=dict)
    failure: str = ""
    _job: chart_images.ChartJob | None = None

    def add(self, name: str, figure: go.Figure) -> Chart:
        self.figures[name] = figure
        return Chart(self, name)

    def discard(self, chart: Chart) -> None:
        self.figures.pop(chart.name, None)

    @property
    def drawing(self) -> bool:
        return not self.failure

    def open(self) -> None:
        """Starts the browser before the HTML is written, so that a report made without
        one says so."""
        try:
            chart_images.renderer.open()
        except chart_images.ChartsUnavailable as error:
            self._fail(error)

    def start(self, html: str, progress: Callable[[int], None]) -> None:
        """Starts drawing the charts in the order in which `html` shows them."""
        drawn: set[str] = set()

        def one_more(name: str) -> None:
            drawn.add(name)  # a chart drawn again after a failure counts once
            progress(len(drawn))

        def position(name: str) -> int:
            found = html.find(chart_url(name))
            return found if found >= 0 else len(html)

        in_order = {name: self.figures[name] for name in sorted(self.figures, key=position)}
        try:
            self._job = chart_images.start_svgs(in_order, one_more)
        except chart_images.ChartsUnavailable as error:
            self._fail(error)

    def svg(self, name: str) -> str | None:
        """The chart's SVG once drawn; None when drawing failed."""
        if self._job is None or name not in self.figures:
            return None
        try:
            return self._job.svg(name)
        except chart_images.ChartsUnavailable as error:
            self._fail(error)
            return None

    def _fail(self, error: chart_images.ChartsUnavailable) -> None:
        logger.warning("report without charts: %s", error)
        self.failure, self._job = str(error), None


def chart_url(name: str) -> str:
    """Where WeasyPrint fetches a chart of the report."""
    return f"{CHART_URL}{name}.svg"


@dataclass(frozen=True)
class Chart:
    charts: ChartSet
    name: str

    @property
    def src(self) -> str | None:
        """Where WeasyPrint fetches the chart; None when it is not drawn."""
        return chart_url(self.name) if self.charts.drawing else None

    @property
    def height_mm(self) -> float:
        """The chart's printed height at the report's one scale (reports/print_charts.py);
        a chart still too tall for a page (a framework of 20 dimensions) is shrunk."""
        figure = self.charts.figures[self.name]
        return round(min(print_charts.height_mm(figure), print_charts.MAX_CHART_HEIGHT_MM), 1)


# =========================================================================== layout


def _stage_steps(stages: tuple[StageText, ...], code: str | None) -> dict[str, Any]:
    """The stage with this code and the one after it (None at the top)."""
    codes = [s.code for s in stages]
    if code not in codes:
        return {"current": None, "next": None}
    index = codes.index(code)
    return {
        "current": stages[index],
        "next": stages[index + 1] if index + 1 < len(stages) else None,
    }


def _context(report: ReportInput, charts: ChartSet) -> dict[str, Any]:
    profile = report.profile
    context = profile_context(profile, charts.add)
    # Figures the report leaves to the dashboard: the bars beside a radar, and the change
    # chart (the report's tables carry the change of every dimension).
    for block in context["frameworks"]:
        if block.radar is not None:
            charts.discard(block.bars)
            print_charts.for_radar_column(charts.figures[block.radar.name])
        else:
            charts.figures[block.bars.name].update_layout(
                width=print_charts.canvas_px(print_charts.RADAR_WIDTH_MM)
            )
    if context["charts"]["change"] is not None:
        charts.discard(context["charts"]["change"])
    if context["charts"]["overall"] is not None:
        print_charts.for_column(
            charts.figures[context["charts"]["overall"].name], print_charts.SUMMARY_WIDTH_MM
        )
    chart_parts = {
        name: _printable_parts(profile, charts, context["charts"][name], draw)
        for name, draw in _SPLIT_BY_FRAMEWORK.items()
    }
    sections = [{"block": block} for block in context["frameworks"]]
    by_size = context["gaps_by_size"]
    changes = sorted(context["changes"], key=lambda r: abs(r.dim.change), reverse=True)
    rate = profile.response_rate
    names = stage_names(profile)
    return {
        **context,
        "profile": profile,
        "report": report,
        "sections": sections,
        "k": profile.anonymity_threshold,
        "team": report.team,
        "response_rate_pct": None if rate is None else rate * 100,
        # The days as the campaign page shows them: the campaign is open up to, not
        # including, `closes_at`, the first moment after its last day.
        "first_day": opening_day(profile.opens_at),
        "last_day": closing_day(profile.closes_at),
        "overall_steps": _stage_steps(profile.stages, profile.overall_stage),
        # The charts show every dimension; the tables only what a workshop talks about.
        "gap_rows": [g for g in by_size if g["gap"].flagged][:LONG_LIST] or by_size[:SHORT_LIST],
        "flagged_count": sum(1 for g in by_size if g["gap"].flagged),
        "change_rows": changes[:LONG_LIST],
        "weak_agreement": [r for r in context["rows"] if r.dim.agreement_label == "weak"],
        "checklist": report.checklist,
        "against_organisation": (
            against_organisation(profile, report.organisation) if report.organisation else []
        ),
        "action_groups": action_texts.lines_by_dimension(report.actions, names),
        "follow_up": action_texts.follow_up_lines(report.actions, names),
        "harvest": report.harvest,
        "mirror": report.mirror,
        "mirror_chart": _mirror_chart(profile, report.mirror, charts),
        "harvest_rows": harvest_rows(report.harvest),
        "chart_set": charts,  # its `failure` is known only once the charts are drawn
        # (framework name or None, chart) per long chart: whole, or in parts that fit a page.
        "chart_parts": chart_parts,
    }


def _mirror_chart(
    profile: Profile, mirror: CustomerMirror | None, charts: ChartSet
) -> Chart | None:
    figure = None if mirror is None else chart_figures.customer_mirror(profile, mirror)
    return None if figure is None else charts.add("mirror", figure)


def _html(report: ReportInput, charts: ChartSet, progress: Progress) -> tuple[str, int]:
    """The HTML and the number of progress steps; the charts, if any, are started."""
    context = _context(report, charts)
    steps = len(charts.figures) + 2  # each chart, the layout, the PDF file
    if charts.drawing:
        charts.open()
    html = render_to_string("reports/pdf/report.html", context)
    if charts.drawing:
        # Progress messages stay untranslated: the page that follows the progress
        # translates them into its own language (see report_jobs.status).
        message = gettext_noop("Drawing the charts and laying out the pages")
        progress(0, steps, message)
        charts.start(html, lambda done: progress(done, steps, message))
    return html, steps


def _ignore(done: int, steps: int, message: str) -> None:
    pass


def render_html(report: ReportInput, *, charts_as_links: bool = False) -> str:
    """The report as HTML, to read or test; nothing is drawn. The charts appear as the
    links the PDF fills in (`charts_as_links`), or else as the note of a report made
    without charts."""
    charts = ChartSet() if charts_as_links else ChartSet(failure=OFF)
    with translation.override(report.language):
        return render_to_string("reports/pdf/report.html", _context(report, charts))


def render_pdf(
    report: ReportInput, *, with_charts: bool = True, progress: Progress = _ignore
) -> bytes:
    """The report as PDF bytes; `progress(done, steps, message)` follows the work, with
    `message` untranslated (a message id for gettext)."""
    if not print_svg.draw_text_runs_whole():
        logger.info("this WeasyPrint draws chart text one character at a time (slower)")
    with translation.override(report.language):
        charts = ChartSet() if with_charts else ChartSet(failure=OFF)
        laid_out, steps, with_images = _laid_out(report, charts, progress)
        if charts.failure and with_images:
            # The browser failed after the pages were written with the charts in them:
            # lay them out again with the tables only and the note that says why.
            laid_out, steps, _images = _laid_out(report, ChartSet(failure=charts.failure), progress)
        progress(steps - 1, steps, gettext_noop("Writing the PDF"))
        # Tagged: a screen reader follows headings, tables, lists and reading order, in
        # the document's language. (WeasyPrint's full "pdf/ua-1" variant adds about 0.6 s
        # to the 500-respondent report, past its 3 s budget, for metadata alone.)
        return laid_out.write_pdf(pdf_tags=True)


def _laid_out(report: ReportInput, charts: ChartSet, progress: Progress) -> tuple[Any, int, bool]:
    """WeasyPrint's document, the number of progress steps, and whether it shows charts."""
    from weasyprint import HTML  # imported late: it loads Pango, which only PDFs need

    html, steps = _html(report, charts, progress)
    fetcher = StaticOnlyURLFetcher(charts=charts.svg)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render()
    return document, steps, CHART_URL in html


# The long charts over every dimension, and how each is drawn for some frameworks (the
# heatmap's overall row only in its first part).
_SPLIT_BY_FRAMEWORK: dict[str, Callable[[Profile, bool], go.Figure | None]] = {
    "heatmap": lambda profile, first: chart_figures.team_heatmap(profile, with_overall=first),
    "gap": lambda profile, first: chart_figures.perception_gap(profile),
    "agreement": lambda profile, first: chart_figures.agreement_chart(profile),
}
# Charts without a header row per framework: each part is titled with its frameworks
# (the perception gap is sorted by size, so a part's order holds within the part).
_TITLED_PARTS = {"gap"}


def _printable_parts(
    profile: Profile,
    charts: ChartSet,
    chart: Chart | None,
    draw: Callable[[Profile, bool], go.Figure | None],
) -> list[tuple[str | None, Chart]]:
    """The chart whole when it fits a page at the report's scale, else in parts of whole
    frameworks (`print_charts.page_parts`), titled with the frameworks they show unless
    the chart names them in header rows of its own."""
    if chart is None:
        return []
    whole = charts.figures[chart.name]
    if not charts.drawing or print_charts.fits_a_page(whole):
        return [(None, chart)]  # (without charts, one note stands for the whole chart)
    charts.discard(chart)
    names = {f.code: f.name for f in profile.frameworks}
    titled = chart.name in _TITLED_PARTS
    return [
        (
            " · ".join(names[code] for code in codes) if titled or len(codes) == 1 else None,
            charts.add(f"{chart.name}-{codes[0]}", figure),
        )
        for codes, figure in print_charts.page_parts(profile, draw, whole)
    ]
