"""The profile arranged for reading: rows, framework blocks, group columns and charts.

Shared by the dashboard (reports/views.py) and the PDF report (reports/pdf.py), so both
show the same numbers in the same order with the same reasons for what is hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from assessment.models import Response
from reports import charts, scoring
from reports.profile import (
    DimensionProfile,
    FrameworkProfile,
    GapProfile,
    GroupProfile,
    Profile,
)

ChartMaker = Callable[[str, go.Figure], Any]
EXECUTIVE_LIST = 3  # perception gaps in the executive view (as many as priorities)


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
    radar: Any  # what `chart` made of the figure; None without a radar
    bars: Any


class GapRow(TypedDict):
    row: DimensionRow
    gap: GapProfile


@dataclass(frozen=True)
class GroupColumn:
    group: GroupProfile
    label: str
    reason: str  # why it is hidden ("" when shown)


def hidden_reason(group: GroupProfile, k: int) -> str:
    if not group.suppressed:
        return ""
    if group.n < k:
        return _("fewer than k responses (k = %(k)s)") % {"k": k}
    return _("hidden to protect a group with fewer than k responses (k = %(k)s)") % {"k": k}


def role_names() -> dict[str, str]:
    return {code: str(label) for code, label in Response.ROLES}


@dataclass(frozen=True)
class CommentGroup:
    """The listed comments written at the end of one framework; `code` "" for those on
    the whole response."""

    code: str
    name: str
    texts: tuple[str, ...]


def comment_groups(profile: Profile) -> list[CommentGroup]:
    """The listed comments by framework, in the questionnaire's order (each group keeps
    the profile's shuffled order); comments on the whole response last."""
    names = {f.code: f.name for f in profile.frameworks}
    by_code: dict[str, list[str]] = {}
    for comment in profile.comments:
        code = comment.framework if comment.framework in names else ""
        by_code.setdefault(code, []).append(comment.text)
    groups = [
        CommentGroup(code, names[code], tuple(by_code[code])) for code in names if code in by_code
    ]
    if "" in by_code:
        groups.append(CommentGroup("", _("About the questionnaire as a whole"), tuple(by_code[""])))
    return groups


def profile_context(profile: Profile, chart: ChartMaker) -> dict[str, Any]:
    """Everything the dashboard and the report show of a profile with results.

    Each Plotly figure is handed to ``chart(name, figure)``, and what it returns is what
    the template gets: figure JSON for the dashboard, an SVG image for the PDF. Figures
    that do not apply (no teams, no previous round) are None and never reach `chart`.
    """

    def make(name: str, figure: go.Figure | None) -> Any:
        return None if figure is None else chart(name, figure)

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
                radar=make(
                    f"radar-{fw.code}",
                    charts.framework_radar(profile, fw.code)
                    if len(fw.dimensions) >= charts.RADAR_MIN_DIMENSIONS
                    else None,
                ),
                bars=make(f"bars-{fw.code}", charts.dimension_bars(profile, fw.code)),
            )
        )
    names_of_roles = role_names()
    teams = [GroupColumn(g, g.name, hidden_reason(g, k)) for g in profile.groups.get("team", ())]
    roles = [
        GroupColumn(g, names_of_roles.get(g.role or g.name, g.name), hidden_reason(g, k))
        for g in profile.groups.get("role", ())
    ]
    team_rows = [
        {
            "row": r,
            "cells": [None if t.group.suppressed else t.group.dimensions.get(code) for t in teams],
        }
        for code, r in rows.items()
    ]
    gaps: list[GapRow] = [
        {"row": rows[g.dimension], "gap": g}
        for g in sorted(profile.gaps, key=lambda g: g.gap, reverse=True)
        if g.dimension in rows
    ]
    # The index's change as shown: the difference of the two indexes as printed, so that
    # "62.4, -0.1 since R0 (62.5)" always adds up (and a change under 0.05 reads 0.0).
    before = (profile.previous or {}).get("overall")
    index_change = (
        None
        if profile.overall_change is None or before is None or profile.overall_score is None
        else scoring.round_as_shown(profile.overall_score, 1) - scoring.round_as_shown(before, 1)
    )
    # The executive view's gaps: the largest differences either way.
    gaps_by_size = sorted(gaps, key=lambda g: abs(g["gap"].gap), reverse=True)
    # The gate page belongs to the weakest-link framework (the five keys), whatever its code.
    keys = next((b for b in frameworks if b.framework.aggregation == scoring.WEAKEST_LINK), None)
    overall_stage = next((s for s in profile.stages if s.code == profile.overall_stage), None)

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
        "gaps_by_size": gaps_by_size,
        "index_change": index_change,
        "largest_gaps": gaps_by_size[:EXECUTIVE_LIST],
        "keys": keys,
        "priorities": [rows[c] for c in profile.priorities if c in rows],
        "strengths": [rows[c] for c in profile.strengths if c in rows],
        "changes": [r for r in rows.values() if r.dim.change is not None],
        "comment_groups": comment_groups(profile),
        "not_comparable": [
            rows[c] for c in (profile.previous or {}).get("not_comparable", ()) if c in rows
        ],
        "charts": {
            "overall": make("overall", charts.overall_diamond(profile)),
            "heatmap": make("heatmap", charts.team_heatmap(profile)),
            "gap": make("gap", charts.perception_gap(profile)),
            "agreement": make("agreement", charts.agreement_chart(profile)),
            "keys": make("keys", charts.keys_gate(profile)),
            "change": make("change", charts.change_chart(profile)),
        },
    }


MARKED_DIFFERENCE = 10.0  # points between a team and its organisation worth talking about


@dataclass(frozen=True)
class OrganisationRow:
    """One dimension of a team report beside the whole organisation's score."""

    name: str
    team: float | None
    organisation: float | None

    @property
    def difference(self) -> float | None:
        if self.team is None or self.organisation is None:
            return None
        return self.team - self.organisation

    @property
    def marked(self) -> bool:
        # decided on the difference as compared everywhere (not 9.999999999999993)
        return (
            self.difference is not None
            and round(abs(self.difference), scoring.COMPARE_DECIMALS) >= MARKED_DIFFERENCE
        )


@dataclass(frozen=True)
class OrganisationBlock:
    framework: str
    score: OrganisationRow  # the framework's own score
    rows: tuple[OrganisationRow, ...]


def against_organisation(team: Profile, organisation: Profile) -> list[OrganisationBlock]:
    """A team's framework and dimension scores beside the whole campaign's, framework by
    framework (both profiles are built from the same questionnaire version)."""
    whole = {d.code: d.score for d in organisation.dimensions()}
    whole_frameworks = {f.code: f.score for f in organisation.frameworks}
    return [
        OrganisationBlock(
            framework=fw.name,
            score=OrganisationRow(fw.name, fw.score, whole_frameworks.get(fw.code)),
            rows=tuple(OrganisationRow(d.name, d.score, whole.get(d.code)) for d in fw.dimensions),
        )
        for fw in team.frameworks
    ]
