"""The present mode: the workshop as full-screen slides in the browser, for the consultant.

The slides are the walk of the editable PowerPoint (`reports.workshop.plan`), with the
same titles, speaker's notes and numbers; the charts are the dashboard's own Plotly
figures with no text under `PRESENT_MIN_FONT_PX`, drawn by `static/js/present.js`. The
profile comes from the dashboard's `reports.views.page_profile` and is refused as the
dashboard refuses it (a hidden team, teams during fieldwork, results below k): a slide
then says why. During fieldwork a live slide shows the QR code of the campaign link and
the number of responses, which `present_count` answers (a count, nothing else).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import plotly.graph_objects as go
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessment import campaigns as campaign_rules
from assessment.access import consultant_results_campaign
from assessment.models import Campaign
from assessment.progress import campaign_progress
from assessment.qr import qr_svg
from reports import charts, workshop
from reports.action_plan import plan_for
from reports.action_rules import ActionPlan
from reports.harvest import Harvest, harvest_for
from reports.mirror import CustomerMirror
from reports.mirror_data import mirror_for
from reports.presentation import profile_context
from reports.print_charts import of_frameworks
from reports.profile import Profile
from reports.views import page_profile

PRESENT_MIN_FONT_PX = 18  # from the back of a room, at 1366 x 768 as at 1920 x 1080
LIVE_REFRESH_SECONDS = 10


@dataclass(frozen=True)
class PresentSlide:
    """A slide of the present mode: a slide of the walk, with the figure it shows (JSON),
    or one of the present mode's own (the live slide, a slide saying why there are no
    results). The perception gap is one slide with a reveal: `plan` asks the question,
    `answer` is shown after it, with its own notes."""

    kind: str
    title: str
    notes: str
    plan: workshop.WorkshopSlide | None = None
    figure: str | None = None
    answer: workshop.WorkshopSlide | None = None
    lines: tuple[str, ...] = ()  # said under the title: score, stage, the weakest key


def _figure(figure: go.Figure | None) -> str | None:
    if figure is None:
        return None
    return charts.figure_json(_fit_slide(charts.for_screen(figure, PRESENT_MIN_FONT_PX)))


def _fit_slide(figure: go.Figure) -> go.Figure:
    """Room for the larger text: a radar's margins fit its longest label line, the gate
    names its columns "Key 1" … (the table beside it names the keys), the heatmap's
    scale has room for its numbers. The data stay the dashboard's."""
    scale = PRESENT_MIN_FONT_PX / charts.SCREEN_MIN_FONT_PX
    margin = figure.layout.margin
    if figure.layout.polar.angularaxis.rotation is not None:  # a radar
        labels = [str(t) for trace in figure.data for t in (getattr(trace, "theta", None) or ())]
        lines = [line for label in labels for line in label.split("<br>")]
        longest = max((len(line) for line in lines), default=10)
        side = round(longest * PRESENT_MIN_FONT_PX * 0.62) + 24
        figure.update_layout(
            margin={
                "l": side,
                "r": side,
                "t": round((margin.t or 30) * scale),
                "b": round((margin.b or 50) * scale),
            }
        )
    elif isinstance(figure.layout.meta, dict) and "weakest" in figure.layout.meta:  # the gate
        columns = list(figure.data[0].x or ())
        figure.update_xaxes(
            tickmode="array",
            tickvals=columns,
            ticktext=[str(c).split("<br>")[0] for c in columns],
        )
        figure.update_layout(margin={"r": round((margin.r or 120) * scale)})
    elif any(trace.type == "heatmap" for trace in figure.data):  # the scale's ticks below
        figure.update_layout(
            margin={"b": round((margin.b or 30) * scale) + 10, "r": max(margin.r or 0, 24)}
        )
    return figure


def _keep(name: str, figure: go.Figure) -> go.Figure:
    """Figures stay figures until a slide uses them (most of the dashboard's are not)."""
    return figure


def _lines(profile: Profile, item: workshop.WorkshopSlide) -> tuple[str, ...]:
    """What a slide says under its title, as the PowerPoint says it."""
    if item.kind == workshop.FRAMEWORK and item.block is not None:
        return (workshop.framework_summary(item.block),)
    if item.kind == workshop.KEYS and item.block is not None:
        return tuple(line for line in workshop.keys_lines(item.block) if line)
    if item.kind == workshop.PRIORITY and item.row is not None:
        return (workshop.priority_summary(item.row),)
    if item.kind == workshop.GAP_HIDDEN:
        return (workshop.gap_hidden_text(profile.anonymity_threshold),)
    return ()


def _dashboard_figure(
    profile: Profile,
    context: dict[str, Any],
    item: workshop.WorkshopSlide,
    answer: workshop.WorkshopSlide | None,
) -> go.Figure | None:
    """The dashboard's figure of a slide's subject (None for a slide without one)."""
    block = item.block
    if item.kind == workshop.INDEX:
        return context["charts"]["overall"]
    if item.kind == workshop.KEYS:
        return context["charts"]["keys"]
    if item.kind == workshop.FRAMEWORK and block is not None:
        return block.radar if block.radar is not None else block.bars
    if item.kind == workshop.HEATMAP and block is not None:
        part = of_frameworks(profile, [block.framework.code])
        return charts.team_heatmap(part, with_overall=False)
    if item.kind == workshop.GAP_QUESTION and answer is not None:
        shown = {g["gap"].dimension for g in answer.gaps}
        gaps = tuple(g for g in profile.gaps if g.dimension in shown)
        return charts.perception_gap(dataclasses.replace(profile, gaps=gaps))
    return None


def _teams_hidden(profile: Profile, item: workshop.WorkshopSlide) -> PresentSlide:
    """One slide for the heatmap when every team is hidden (as during fieldwork)."""
    reason = (
        _("Teams and roles are shown once the campaign has closed")
        if not profile.final
        else _("No results for this selection: fewer than k responses")
    )
    return PresentSlide("teams_hidden", _("Teams side by side"), item.notes, lines=(reason,))


def walk_slides(
    profile: Profile,
    context: dict[str, Any],
    *,
    actions: ActionPlan | None = None,
    harvest: Harvest | None = None,
    mirror: CustomerMirror | None = None,
    figures: bool = True,
) -> list[PresentSlide]:
    """The walk as the present mode shows it: the gap's question and answer as one slide
    with a reveal; each slide with the dashboard's figure of its subject (none for the
    speaker's window, `figures` False); when every team is hidden, one slide instead of
    a heatmap per framework; the closing slide shows `actions`."""
    slides: list[PresentSlide] = []
    plan = workshop.plan(profile, context, actions, harvest, mirror)
    for index, item in enumerate(plan):
        if item.kind == workshop.GAP_ANSWER:
            continue  # revealed on the question's slide
        if item.kind == workshop.HEATMAP and all(t.group.suppressed for t in item.teams):
            if not slides or slides[-1].kind != "teams_hidden":
                slides.append(_teams_hidden(profile, item))
            continue
        answer = plan[index + 1] if item.kind == workshop.GAP_QUESTION else None
        made = _dashboard_figure(profile, context, item, answer) if figures else None
        slides.append(
            PresentSlide(
                kind=item.kind,
                title=item.title,
                notes=item.notes,
                plan=item,
                figure=_figure(made),
                answer=answer,
                lines=_lines(profile, item),
            )
        )
    return slides


def state_slide(state: str) -> PresentSlide:
    """The slide that says why there are no results to show (as the dashboard says it)."""
    titles = {
        "hidden": _("No results for this selection: fewer than k responses"),
        "interim_scope": _("Teams and roles are shown once the campaign has closed"),
        "waiting": _("Results appear when the campaign has closed"),
        "unknown": _("This campaign has no such team."),
        "empty": _("No submitted responses yet"),
        "below": _("Not enough responses yet: fewer than k responses"),
    }
    return PresentSlide(
        "state",
        titles[state],
        _(
            "Say why there are no results to show here: nobody's answers may be "
            "recognisable, so groups of fewer than k people are never shown."
        ),
    )


def live_slide() -> PresentSlide:
    return PresentSlide(
        "live",
        _("Take part now"),
        _(
            "Leave this slide up while people answer on their phones: the number of "
            "responses updates by itself. Results move in steps of k responses."
        ),
    )


def _team(request: HttpRequest) -> str | None:
    return request.GET.get("team", "").strip() or None


def _add_action_url(request: HttpRequest, campaign: Campaign, slides: list[PresentSlide]) -> str:
    """The new action's form from the closing slide, which it returns to afterwards
    (present.js opens the slide of the URL's #number)."""
    closing = next((n for n, s in enumerate(slides, 1) if s.kind == workshop.CLOSING), None)
    if closing is None:
        return ""
    back = f"{request.get_full_path()}#{closing}"
    return reverse("reports:action_create", args=[campaign.slug]) + "?" + urlencode({"next": back})


def present_context(
    request: HttpRequest, campaign: Campaign, *, figures: bool = True
) -> dict[str, Any]:
    """What the present mode (and its speaker's window) shows of `campaign` for the team
    in the query: the slides of the walk, or the slides that say why there are none."""
    team = _team(request)
    final = campaign.fieldwork_ended()
    live = campaign.is_accepting_responses()
    query = "?" + urlencode({"team": team}) if team else ""
    context: dict[str, Any] = {
        "campaign": campaign,
        "organisation": campaign.organisation,
        "k": int(campaign.anonymity_threshold),
        "final": final,
        "selected_team": team or "",
        "profile": None,
        "slides": [],
        "live": live,
        "dashboard_url": reverse("reports:dashboard", args=[campaign.slug]) + query,
        "notes_url": reverse("reports:present_notes", args=[campaign.slug]) + query,
        "count_url": reverse("reports:present_count", args=[campaign.slug]),
        "refresh_seconds": LIVE_REFRESH_SECONDS,
        "plotly_config": charts.PLOTLY_CONFIG,
    }
    profile, context["state"] = page_profile(campaign, team=team, final=final)
    if profile is not None:
        context["profile"] = profile
        if context["state"] == "results":
            arranged = profile_context(profile, _keep)
            context["action_plan"] = plan_for(
                campaign, profile=profile, language=profile.language, today=timezone.localdate()
            )
            context["slides"] = walk_slides(
                profile,
                arranged,
                actions=context["action_plan"],
                harvest=None if team else harvest_for(campaign, profile),
                mirror=None if team else mirror_for(campaign, profile),
                figures=figures,
            )
            context["rate"] = workshop.response_rate(profile)
            context.update(
                {
                    key: arranged[key]
                    for key in ("overall_stage", "frameworks", "teams", "keys", "priorities")
                }
            )
            context["index_facts"] = workshop.index_facts(profile, arranged)
            context["gap_explanation"] = workshop.gap_explanation()
    slides: list[PresentSlide] = context["slides"]
    if not slides:
        cover = PresentSlide(
            workshop.COVER,
            campaign.organisation.name,
            _("Welcome the management team, and say why there are no results to show yet."),
        )
        slides = [cover, state_slide(context["state"])]
    if live:
        slides.insert(1, live_slide())
    context["slides"] = slides
    context["add_action_url"] = _add_action_url(request, campaign, slides)
    if live:
        link = campaign_rules.absolute(
            request.build_absolute_uri("/").rstrip("/"), campaign_rules.shared_path(campaign)
        )
        context["qr_svg"] = qr_svg(link)
        context["short_link"] = link.split("://", 1)[-1]
        context["submitted"] = campaign_progress(campaign).submitted
    return context


@never_cache  # results: never kept by a browser or a proxy
@require_GET
@login_required
def present(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = consultant_results_campaign(request, slug)
    context = present_context(request, campaign)
    return render(request, "reports/present/present.html", context)


@never_cache  # results: never kept by a browser or a proxy
@require_GET
@login_required
def present_notes(request: HttpRequest, slug: str) -> HttpResponse:
    """The speaker's window: the notes of every slide, kept at the slide the main window
    shows (`present.js`, over a BroadcastChannel)."""
    campaign = consultant_results_campaign(request, slug)
    context = present_context(request, campaign, figures=False)
    return render(request, "reports/present/notes.html", context)


@never_cache  # results: never kept by a browser or a proxy
@require_GET
@login_required
def present_count(request: HttpRequest, slug: str) -> HttpResponse:
    """The live slide's number: submitted responses that count, nothing else."""
    campaign = consultant_results_campaign(request, slug)
    progress = campaign_progress(campaign)
    return JsonResponse(
        {"submitted": progress.submitted, "open": campaign.is_accepting_responses()}
    )
