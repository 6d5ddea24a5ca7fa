"""The campaign dashboard and its downloads (CSV, XLSX and JSON).

Thin views: the numbers come from `reports.profile_builder.build_profile`, the figures from
`reports.charts`; what is here only arranges them for the template. A consultant sees
only campaigns of organisations they own or share (`Campaign.objects.for_user`); any
other campaign is a 404.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, get_language_info
from django.views.decorators.http import require_GET

from assessment.access import consultant_results_campaign
from assessment.models import Campaign, Response
from reports import action_texts, charts
from reports.action_plan import plan_for
from reports.data import load_teams
from reports.harvest import harvest_for, harvest_rows
from reports.mirror_data import mirror_for
from reports.presentation import profile_context, role_names
from reports.profile import GroupTooSmall, Profile, ResultsNotFinal, UnknownGroup
from reports.profile_builder import build_profile
from reports.profile_export import profile_export
from reports.reliability import dashboard_item_quality


def page_language() -> str:
    return (get_language() or "nl")[:2]


def private_download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to download that no browser or proxy keeps: it holds a campaign's data."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


# =========================================================================== downloads


@require_GET
@login_required
def export_json(request: HttpRequest, slug: str) -> HttpResponse:
    """The maturity profile of the whole campaign and its action plan (the JSON of
    `export_profile`)."""
    campaign = consultant_results_campaign(request, slug)
    profile = build_profile(campaign, language=page_language())
    text = json.dumps(profile_export(campaign, profile), ensure_ascii=False, indent=2)
    return private_download(
        text + "\n", "application/json; charset=utf-8", f"{campaign.slug}-profile.json"
    )


# =========================================================================== dashboard


def _download_links(url: str | None, team: str | None, state: str) -> list[dict[str, str]]:
    """A report download (the PDF or the slides at `url`) in each language, the page's
    first (the team's version when a team is chosen); none when there are no results to
    report, or no `url`."""
    if url is None or state != "results":
        return []
    links = []
    for code, _name in settings.LANGUAGES:
        query = urlencode({"lang": code, **({"team": team} if team else {})})
        name = get_language_info(code)["name_local"]
        links.append({"code": code, "name": name, "url": f"{url}?{query}"})
    current = page_language()
    return sorted(links, key=lambda link: link["code"] != current)


def _figure_json(name: str, figure) -> str:
    return charts.figure_json(charts.for_screen(figure))


def results_state(campaign: Campaign, profile: Profile, *, final: bool, filtered: bool) -> str:
    """What a profile built without refusal lets the dashboard (and the present mode)
    show: "results", or why not ("empty", "waiting" for the close, "below" k)."""
    if profile.submitted == 0 and not filtered:
        return "empty"
    if not final and campaign.results_during_fieldwork == Campaign.RESULTS_AFTER_CLOSING:
        return "waiting"
    if profile.below_threshold:
        return "below"
    return "results"


def page_profile(
    campaign: Campaign, *, team: str | None, role: str | None = None, final: bool
) -> tuple[Profile | None, str]:
    """The profile the dashboard or the present mode shows of `campaign` (or of one team
    or role of it), in the page's language, and the page's state: "results", why there
    are none (`results_state`), or why no profile may be built ("interim_scope",
    "hidden" below k, "unknown" for a group that does not exist)."""
    try:
        profile = build_profile(campaign, team=team, role=role, language=page_language())
    except ResultsNotFinal:
        return None, "interim_scope"
    except GroupTooSmall:
        return None, "hidden"
    except UnknownGroup:
        return None, "unknown"
    return profile, results_state(campaign, profile, final=final, filtered=bool(team or role))


def _plan_context(campaign: Campaign, profile: Profile) -> dict[str, Any]:
    """The action plan (and last round's actions) as the dashboard's cards show it."""
    plan = plan_for(campaign, profile=profile, language=page_language(), today=timezone.localdate())
    stage_names = {stage.code: stage.name for stage in profile.stages}
    return {
        "plan": plan,
        "plan_rows": action_texts.lines_by_dimension(plan, stage_names),
        "follow_up_rows": action_texts.follow_up_lines(plan, stage_names),
    }


def _mirror_context(campaign: Campaign, profile: Profile) -> dict[str, Any]:
    """The customer mirror's card and headline: shown for the whole campaign only, as
    the customers judge the organisation as a whole."""
    mirror = mirror_for(campaign, profile)
    figure = None if mirror is None else charts.customer_mirror(profile, mirror)
    return {
        "show_mirror": True,
        "mirror": mirror,
        "mirror_chart": None if figure is None else _figure_json("mirror", figure),
    }


def dashboard_context(
    request: HttpRequest,
    campaign: Campaign,
    *,
    dashboard_url: str,
    pdf_url: str | None,
    slides_url: str | None = None,
    consultant: bool = True,
    comments: bool = True,
) -> dict[str, Any]:
    """What the dashboard shows of `campaign` for the team and role in the query: to its
    consultant, or through a read-only report link (`consultant` False: no downloads
    but the PDF, nothing for the consultant alone; `comments` False: no comments at
    all; `pdf_url` None: no PDF; `slides_url` None: no workshop slides). Groups below
    k stay hidden either way: the profile comes from `build_profile`."""
    team = request.GET.get("team", "").strip() or None
    role = request.GET.get("role", "").strip() or None
    k = int(campaign.anonymity_threshold)
    teams = load_teams(campaign)
    team_names = [t.name for t in teams.values()]
    final = campaign.fieldwork_ended()
    context: dict[str, Any] = {
        "campaign": campaign,
        "final": final,
        "organisation": campaign.organisation,
        "k": k,
        "selected_team": team or "",
        "selected_role": role or "",
        "filtered": bool(team or role),
        "team_names": team_names,
        "role_choices": [(code, str(label)) for code, label in Response.ROLES],
        "plotly_config": charts.PLOTLY_CONFIG,
        "profile": None,
        "selected_role_name": role_names().get(role, role) if role else "",
        "item_quality": None,
        "consultant": consultant,
        "show_comments": comments,
        "dashboard_url": dashboard_url,
        "base_template": "consultant/base.html" if consultant else "reports/shared/base.html",
    }
    profile, context["state"] = page_profile(campaign, team=team, role=role, final=final)
    if profile is not None:
        if not comments:  # nothing of them reaches the template, not even their number
            profile = dataclasses.replace(profile, comments=(), comments_hidden=0)
        context["profile"] = profile
        rate = profile.response_rate
        context["response_rate_pct"] = None if rate is None else round(rate * 100)
        if context["state"] == "results":
            context.update(profile_context(profile, _figure_json))
            context.update(_plan_context(campaign, profile))
            if not (team or role):  # business results belong to the whole organisation
                harvest = harvest_for(campaign, profile)
                context.update(harvest=harvest, harvest_rows=harvest_rows(harvest))
                context.update(_mirror_context(campaign, profile))
            if consultant and not (team or role):  # statement quality: the item analysis
                quality = dashboard_item_quality(
                    campaign, teams, profile.respondents, language=page_language()
                )
                context["item_quality"] = quality if quality.flagged else None
    context["pdf_links"] = _download_links(pdf_url, team, context["state"])
    context["slides_links"] = _download_links(slides_url, team, context["state"])
    return context


@require_GET
@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = consultant_results_campaign(request, slug)
    context = dashboard_context(
        request,
        campaign,
        dashboard_url=reverse("reports:dashboard", args=[campaign.slug]),
        pdf_url=reverse("reports:report_pdf", args=[campaign.slug]),
        slides_url=reverse("reports:slides_pptx", args=[campaign.slug]),
    )
    return render(request, "reports/dashboard.html", context)
