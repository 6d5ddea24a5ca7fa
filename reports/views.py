"""The campaign dashboard and its downloads (CSV, XLSX and JSON).

Thin views: the numbers come from `reports.profile.build_profile`, the figures from
`reports.charts`; what is here only arranges them for the template. A consultant sees
only campaigns of organisations they own or share (`Campaign.objects.for_user`); any
other campaign is a 404.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessment.models import Campaign, Response
from reports import charts
from reports.profile import (
    DimensionProfile,
    FrameworkProfile,
    GroupProfile,
    GroupTooSmall,
    Profile,
    UnknownGroup,
    build_profile,
)
from reports.responses_io import export_responses_csv, export_responses_xlsx

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _campaign(request: HttpRequest, slug: str) -> Campaign:
    return get_object_or_404(
        Campaign.objects.for_user(request.user).select_related(
            "organisation", "questionnaire_version__questionnaire"
        ),
        slug=slug,
    )


def _language() -> str:
    return (get_language() or "nl")[:2]


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


# =========================================================================== downloads


@require_GET
@login_required
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The submitted responses as CSV (UTF-8 with a byte order mark, for Excel)."""
    campaign = _campaign(request, slug)
    text = export_responses_csv(campaign)
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    return _attachment(response, f"{campaign.slug}-responses.csv")


@require_GET
@login_required
def export_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    response = HttpResponse(export_responses_xlsx(campaign), content_type=XLSX_CONTENT_TYPE)
    return _attachment(response, f"{campaign.slug}-responses.xlsx")


@require_GET
@login_required
def export_json(request: HttpRequest, slug: str) -> HttpResponse:
    """The maturity profile of the whole campaign (the JSON of `export_profile`)."""
    campaign = _campaign(request, slug)
    profile = build_profile(campaign, language=_language())
    text = json.dumps(profile.as_dict(), ensure_ascii=False, indent=2)
    response = HttpResponse(text + "\n", content_type="application/json; charset=utf-8")
    return _attachment(response, f"{campaign.slug}-profile.json")


# =========================================================================== dashboard


@dataclass(frozen=True)
class DimensionRow:
    dim: DimensionProfile
    stage_name: str
    framework_name: str

    @property
    def favourable_pct(self) -> float | None:
        return None if self.dim.favourable is None else self.dim.favourable * 100

    @property
    def dont_know_pct(self) -> float | None:
        return None if self.dim.dont_know is None else self.dim.dont_know * 100

    @property
    def previous(self) -> float | None:
        if self.dim.score is None or self.dim.change is None:
            return None
        return self.dim.score - self.dim.change


@dataclass(frozen=True)
class FrameworkBlock:
    framework: FrameworkProfile
    stage_name: str
    rows: tuple[DimensionRow, ...]
    weakest: DimensionRow | None
    radar: str | None  # figure JSON
    bars: str


@dataclass(frozen=True)
class GroupColumn:
    group: GroupProfile
    label: str
    reason: str  # why it is hidden ("" when shown)


def _pdf_url(campaign: Campaign) -> str | None:
    try:
        return reverse("reports:report_pdf", args=[campaign.slug])
    except NoReverseMatch:
        return None


def _hidden_reason(group: GroupProfile, k: int) -> str:
    if not group.suppressed:
        return ""
    if group.n < k:
        return _("fewer than k responses (k = %(k)s)") % {"k": k}
    return _("hidden to protect a group with fewer than k responses (k = %(k)s)") % {"k": k}


def _role_names() -> dict[str, str]:
    return {code: str(label) for code, label in Response.ROLES}


def _dashboard_context(profile: Profile) -> dict[str, Any]:
    """Everything the template shows for a profile with results."""
    k = profile.anonymity_threshold
    stage_names = {s.code: s.name for s in profile.stages}
    framework_names = {f.code: f.name for f in profile.frameworks}

    def row(dim: DimensionProfile) -> DimensionRow:
        return DimensionRow(
            dim, stage_names.get(dim.stage or "", ""), framework_names.get(dim.framework, "")
        )

    rows = {d.code: row(d) for d in profile.dimensions()}
    frameworks = []
    for fw in profile.frameworks:
        fw_rows = tuple(rows[d.code] for d in fw.dimensions)
        frameworks.append(
            FrameworkBlock(
                framework=fw,
                stage_name=stage_names.get(fw.stage or "", ""),
                rows=fw_rows,
                weakest=rows.get(fw.weakest) if fw.weakest else None,
                radar=(
                    charts.figure_json(charts.framework_radar(profile, fw.code))
                    if len(fw.dimensions) >= charts.RADAR_MIN_DIMENSIONS
                    else None
                ),
                bars=charts.figure_json(charts.dimension_bars(profile, fw.code)),
            )
        )
    role_names = _role_names()
    teams = [GroupColumn(g, g.name, _hidden_reason(g, k)) for g in profile.groups.get("team", ())]
    roles = [
        GroupColumn(g, role_names.get(g.role or g.name, g.name), _hidden_reason(g, k))
        for g in profile.groups.get("role", ())
    ]
    team_rows = [
        {
            "row": r,
            "cells": [None if t.group.suppressed else t.group.dimensions.get(code) for t in teams],
        }
        for code, r in rows.items()
    ]
    gaps = [
        {"row": rows[g.dimension], "gap": g}
        for g in sorted(profile.gaps, key=lambda g: g.gap, reverse=True)
        if g.dimension in rows
    ]
    keys = next((b for b in frameworks if b.framework.code == "keys"), None)
    overall_stage = next((s for s in profile.stages if s.code == profile.overall_stage), None)

    def optional(fig) -> str | None:
        return None if fig is None else charts.figure_json(fig)

    return {
        "overall_stage": overall_stage,
        "frameworks": frameworks,
        "rows": list(rows.values()),
        "teams": teams,
        "hidden_teams": [t for t in teams if t.group.suppressed],
        "roles": roles,
        "team_rows": team_rows,
        "gaps": gaps,
        "flagged_gaps": [g for g in gaps if g["gap"].flagged],
        "keys": keys,
        "priorities": [rows[c] for c in profile.priorities if c in rows],
        "strengths": [rows[c] for c in profile.strengths if c in rows],
        "changes": [r for r in rows.values() if r.dim.change is not None],
        "charts": {
            "overall": charts.figure_json(charts.overall_diamond(profile)),
            "heatmap": optional(charts.team_heatmap(profile)),
            "gap": optional(charts.perception_gap(profile)),
            "agreement": charts.figure_json(charts.agreement_chart(profile)),
            "keys": optional(charts.keys_gate(profile)),
            "change": optional(charts.change_chart(profile)),
        },
    }


@require_GET
@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    team = request.GET.get("team", "").strip() or None
    role = request.GET.get("role", "").strip() or None
    k = int(campaign.anonymity_threshold)
    team_names = list(campaign.teams.order_by("order", "name").values_list("name", flat=True))
    context: dict[str, Any] = {
        "campaign": campaign,
        "organisation": campaign.organisation,
        "k": k,
        "selected_team": team or "",
        "selected_role": role or "",
        "filtered": bool(team or role),
        "team_names": team_names,
        "role_choices": [(code, str(label)) for code, label in Response.ROLES],
        "pdf_url": _pdf_url(campaign),
        "plotly_config": charts.PLOTLY_CONFIG,
        "profile": None,
        "state": "results",
        "selected_role_name": _role_names().get(role, role) if role else "",
    }
    try:
        profile = build_profile(campaign, team=team, role=role, language=_language())
    except GroupTooSmall:
        context["state"] = "hidden"
    except UnknownGroup:
        context["state"] = "unknown"
    else:
        context["profile"] = profile
        rate = profile.response_rate
        context["response_rate_pct"] = None if rate is None else round(rate * 100)
        if profile.respondents == 0 and not (team or role):
            context["state"] = "empty"
        elif profile.below_threshold:
            context["state"] = "below"
        else:
            context.update(_dashboard_context(profile))
    return render(request, "reports/dashboard.html", context)
