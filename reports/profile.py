"""The maturity profile of a campaign: what the dashboard, the PDF and the exports show.

`build_profile(campaign)` reads a campaign from the database in a constant number of
queries and scores it with `reports.scoring`; `Profile.as_dict()` is the JSON of
`export_profile` (the shape in DESIGN.md, exactly). Dimension codes in a profile are
full codes, `<framework>.<dimension>` (e.g. `keys.journey`), unique across frameworks.
Texts (names, descriptions, recommendations) are in the language the profile was built in.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count
from django.utils import translation

from assessment.models import Campaign, Comment, Invitation, Response, Team
from questionnaires.models import Recommendation, Stage
from questionnaires.translation import LANGUAGES, active_language
from reports import scoring
from reports.data import (
    CampaignStructure,
    ResponseMatrix,
    full_code,
    load_responses,
    load_structure,
    load_teams,
    submitted_filter,
)
from reports.item_analysis import analyse_items


@dataclass(frozen=True)
class DimensionProfile:
    code: str  # full code: "keys.journey"
    framework: str
    name: str
    description: str
    score: float | None
    stage: str | None
    n: int
    agreement: float | None
    agreement_label: str | None  # "strong" | "moderate" | "weak" | None
    favourable: float | None  # share 0..1
    dont_know: float | None  # share 0..1
    mean: float | None  # 1..5
    change: float | None  # score minus the previous round's score, when there is one
    recommendations: tuple[str, ...]
    discussion_question: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "score": self.score,
            "stage": self.stage,
            "n": self.n,
            "agreement": self.agreement,
            "favourable": self.favourable,
            "dont_know": self.dont_know,
        }


@dataclass(frozen=True)
class FrameworkProfile:
    code: str
    name: str
    description: str
    source: str
    aggregation: str  # "mean" | "weakest_link"
    score: float | None  # the framework score (minimum for weakest_link)
    mean: float | None  # weighted mean of the dimension scores
    stage: str | None
    weakest: str | None  # full dimension code, weakest_link frameworks only
    dimensions: tuple[DimensionProfile, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "aggregation": self.aggregation,
            "score": self.score,
            "mean": self.mean,
            "stage": self.stage,
            "dimensions": [d.as_dict() for d in self.dimensions],
        }


@dataclass(frozen=True)
class GroupProfile:
    """One group of a breakdown (a team, a role, or a team × role)."""

    name: str
    n: int  # submitted responses in the group
    suppressed: bool
    overall: float | None  # None when suppressed
    dimensions: dict[str, float | None]  # full dimension code -> score; empty when suppressed
    team: str | None = None  # the team's name (team and team × role groups)
    role: str | None = None  # the role code (role and team × role groups)

    def as_dict(self) -> dict[str, Any]:
        if self.suppressed:
            return {"name": self.name, "n": self.n, "suppressed": True}
        return {
            "name": self.name,
            "n": self.n,
            "suppressed": False,
            "overall": self.overall,
            "dimensions": dict(self.dimensions),
        }


@dataclass(frozen=True)
class GapProfile:
    dimension: str  # full dimension code
    management: float
    employees: float
    gap: float
    flagged: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "management": self.management,
            "employees": self.employees,
            "gap": self.gap,
            "flagged": self.flagged,
        }


@dataclass(frozen=True)
class StageText:
    code: str
    name: str
    description: str


@dataclass(frozen=True)
class Profile:
    # campaign facts
    slug: str
    name: str
    organisation: str
    questionnaire: str  # questionnaire code
    questionnaire_name: str
    version: int
    language: str
    respondents: int  # submitted responses in scope
    invited: int | None  # people expected (team sizes or invitations), None when unknown
    anonymity_threshold: int
    stage_thresholds: tuple[float, float, float]
    opens_at: datetime | None
    closes_at: datetime | None
    scope: dict[str, str]  # {"team": NAME} / {"role": CODE} when built for a subset
    # results
    overall_score: float | None
    overall_stage: str | None
    frameworks: tuple[FrameworkProfile, ...]
    groups: dict[str, tuple[GroupProfile, ...]]  # "team", "role", "team_role"
    gaps: tuple[GapProfile, ...]  # only dimensions where both sides have at least k
    priorities: tuple[str, ...]  # full dimension codes, lowest first
    strengths: tuple[str, ...]  # full dimension codes, highest first
    stages: tuple[StageText, ...]  # the four stages in order, texts in `language`
    previous: dict[str, Any] | None  # {"slug", "name", "closes_at"} of the previous round
    comments: tuple[str, ...]  # free text of groups that meet k, shuffled, no timestamps
    comments_hidden: int  # comments left out because their group is below k
    generated_at: datetime = field(default_factory=datetime.now)
    # True when the scope has fewer than k submitted responses: every score is None,
    # every group suppressed and every comment hidden ("fewer than k responses").
    below_threshold: bool = False

    @property
    def response_rate(self) -> float | None:
        if not self.invited:
            return None
        return self.respondents / self.invited

    def dimensions(self) -> list[DimensionProfile]:
        return [d for f in self.frameworks for d in f.dimensions]

    def dimension(self, code: str) -> DimensionProfile:
        return next(d for d in self.dimensions() if d.code == code)

    def as_dict(self) -> dict[str, Any]:
        """The JSON of `export_profile`: exactly the shape of DESIGN.md."""
        return {
            "campaign": {
                "slug": self.slug,
                "name": self.name,
                "organisation": self.organisation,
                "questionnaire": self.questionnaire,
                "version": self.version,
                "respondents": self.respondents,
                "anonymity_threshold": self.anonymity_threshold,
                "stage_thresholds": list(self.stage_thresholds),
            },
            "overall": {"score": self.overall_score, "stage": self.overall_stage},
            "frameworks": [f.as_dict() for f in self.frameworks],
            "groups": {
                "team": [g.as_dict() for g in self.groups.get("team", ())],
                "role": [g.as_dict() for g in self.groups.get("role", ())],
            },
            "gaps": [g.as_dict() for g in self.gaps],
            "priorities": list(self.priorities),
            "strengths": list(self.strengths),
        }


# =========================================================================== building


class GroupTooSmall(Exception):
    """A profile was asked for a group that is hidden by the anonymity threshold."""


class UnknownGroup(ValueError):
    """A profile was asked for a team or role the campaign does not have."""


FEWER_THAN_K = "fewer than k responses"
ROLE_CODES: tuple[str, ...] = ("board", "manager", "employee")
TEAM_ROLE_SEPARATOR = " × "


@dataclass(frozen=True)
class _Scope:
    team: Team | None = None
    role: str | None = None

    @property
    def team_id(self) -> int | None:
        return None if self.team is None else self.team.pk

    def as_dict(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.team is not None:
            out["team"] = self.team.name
        if self.role is not None:
            out["role"] = self.role
        return out

    def describe(self) -> str:
        parts = []
        if self.team is not None:
            parts.append(f"team {self.team.name!r}")
        if self.role is not None:
            parts.append(f"role {self.role!r}")
        return " and ".join(parts)


def _fetch_campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_related(
        "organisation", "questionnaire_version__questionnaire"
    ).get(pk=campaign.pk)


def _resolve_scope(teams: dict[int, Team], team: str | None, role: str | None) -> _Scope:
    team_obj = None
    if team is not None:
        team_obj = next((t for t in teams.values() if t.name == team), None)
        if team_obj is None:
            raise UnknownGroup(f"the campaign has no team {team!r}")
    if role is not None and role not in ROLE_CODES:
        raise UnknownGroup(f"unknown role {role!r}; use one of {', '.join(ROLE_CODES)}")
    return _Scope(team_obj, role)


def _check_scope(campaign: Campaign, scope: _Scope, k: int) -> None:
    """Refuse a scope whose group is hidden in its breakdown: below k, or hidden so that
    a smaller group of the same breakdown cannot be derived from the total. One query."""
    if scope.team is None and scope.role is None:
        return
    keys = [key for key, v in (("team_id", scope.team), ("role", scope.role)) if v is not None]
    rows = (
        Response.objects.filter(campaign=campaign, status=Response.SUBMITTED)
        .order_by()
        .values_list(*keys)
        .annotate(n=Count("pk"))
    )
    counts: dict[str, int] = {}
    for row in rows:
        if any(v is None or v == "" for v in row[:-1]):
            continue  # no team / no role: belongs to no group of this breakdown
        counts["|".join(str(v) for v in row[:-1])] = row[-1]
    wanted = "|".join(str(v) for v in (scope.team_id, scope.role) if v is not None)
    n = counts.setdefault(wanted, 0)
    if n < k:
        raise GroupTooSmall(
            f"{FEWER_THAN_K}: {scope.describe()} has {n} submitted responses; "
            f"the anonymity threshold k is {k}"
        )
    if wanted in scoring.suppressed_groups(counts, k):
        raise GroupTooSmall(
            f"{FEWER_THAN_K} in another group: {scope.describe()} is hidden so that a "
            f"smaller group (fewer than k = {k}) cannot be derived from the total"
        )


def _invited(campaign: Campaign, teams: dict[int, Team], scope: _Scope) -> int | None:
    """People expected: team sizes if any are set, else invitations, else None."""
    if scope.role is not None:
        return None
    if scope.team is not None:
        if scope.team.expected_size:
            return scope.team.expected_size
        n = Invitation.objects.filter(campaign=campaign, team=scope.team).count()
        return n or None
    sizes = [t.expected_size for t in teams.values() if t.expected_size is not None]
    if sizes:
        return sum(sizes)
    n = Invitation.objects.filter(campaign=campaign).count()
    return n or None


def _group_profiles(
    results: tuple[scoring.GroupResult, ...],
    order: list[str],
    parts: dict[str, tuple[str | None, str | None]],
) -> tuple[GroupProfile, ...]:
    by_name = {g.name: g for g in results}
    names = [n for n in order if n in by_name] + sorted(set(by_name) - set(order))
    out = []
    for name in names:
        g = by_name[name]
        team, role = parts.get(name, (None, None))
        if g.suppressed or g.scores is None:
            out.append(GroupProfile(name, g.n, True, None, {}, team=team, role=role))
        else:
            out.append(
                GroupProfile(
                    name,
                    g.n,
                    False,
                    g.scores.overall.score,
                    g.scores.dimension_scores(),
                    team=team,
                    role=role,
                )
            )
    return tuple(out)


def _gaps(
    prepared: scoring.PreparedAnswers,
    roles: list[str | None],
    role_groups: tuple[GroupProfile, ...],
    k: int,
) -> tuple[GapProfile, ...]:
    """Perception gaps where both sides have at least k respondents (DESIGN.md).

    On top of that, no gap is shown when it would undo the role breakdown's
    suppression: when the employee group is hidden, or exactly one of board / manager
    is hidden while the other is shown (the combined management score minus the shown
    one would reveal the hidden one).
    """
    hidden = {g.role for g in role_groups if g.suppressed and g.n > 0}
    shown = {g.role for g in role_groups if not g.suppressed}
    if "employee" in hidden:
        return ()
    if ("board" in hidden and "manager" in shown) or ("manager" in hidden and "board" in shown):
        return ()
    return tuple(
        GapProfile(g.dimension, g.management, g.employees, g.gap, g.flagged)
        for g in scoring.perception_gaps(prepared, roles, k)
        if g.shown and g.management is not None and g.employees is not None and g.gap is not None
    )


def _comment_order_key(campaign: Campaign, text: str) -> str:
    # A keyed hash of the text: a stable order that says nothing about who wrote when.
    key = f"{settings.SECRET_KEY}:comments:{campaign.token}".encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _comments(
    campaign: Campaign,
    scope: _Scope,
    data: ResponseMatrix,
    teams: dict[int, Team],
    team_groups: tuple[GroupProfile, ...],
    role_groups: tuple[GroupProfile, ...],
    below_threshold: bool,
) -> tuple[tuple[str, ...], int]:
    """Texts of comments whose respondent's team group (or role group, when the team is
    unknown) meets k; the number left out. One query."""
    rows = Comment.objects.filter(
        submitted_filter(campaign, team_id=scope.team_id, role=scope.role, prefix="response__")
    ).values_list("response_id", "text")
    row_of = data.row_of()
    team_shown = {g.name for g in team_groups if not g.suppressed}
    role_shown = {g.name for g in role_groups if not g.suppressed}
    shown: list[str] = []
    hidden = 0
    for response_id, text in rows:
        row = row_of.get(response_id)
        text = (text or "").strip()
        if row is None or not text:
            continue
        team_id, role = data.team_ids[row], data.roles[row]
        if below_threshold:
            ok = False
        elif team_id is not None:
            ok = teams[team_id].name in team_shown
        elif role is not None:
            ok = role in role_shown
        else:
            ok = True  # only the campaign total, which meets k here
        if ok:
            shown.append(text)
        else:
            hidden += 1
    shown.sort(key=lambda t: _comment_order_key(campaign, t))
    return tuple(shown), hidden


def _previous_campaign(campaign: Campaign) -> Campaign | None:
    """The organisation's most recent earlier campaign on the same questionnaire."""
    return (
        Campaign.objects.filter(
            organisation_id=campaign.organisation_id,
            questionnaire_version__questionnaire_id=campaign.questionnaire_version.questionnaire_id,
            created_at__lt=campaign.created_at,
        )
        .exclude(pk=campaign.pk)
        .select_related("questionnaire_version")
        .order_by("-created_at", "-pk")
        .first()
    )


def _previous_scores(
    previous: Campaign, current: CampaignStructure, team: str | None, role: str | None
) -> dict[str, float | None]:
    """Dimension scores (full code -> score) of the previous round, for the same scope;
    empty when that round (or the scope in it) is hidden by its anonymity threshold."""
    if previous.questionnaire_version_id == current.version.pk:
        structure = current
    else:
        structure = load_structure(previous.questionnaire_version)
    k = previous.anonymity_threshold
    teams = load_teams(previous)
    scope = _Scope(None, role)
    if team is not None:
        team_obj = next((t for t in teams.values() if t.name == team), None)
        if team_obj is None:
            return {}
        scope = _Scope(team_obj, role)
    try:
        _check_scope(previous, scope, k)
    except GroupTooSmall:
        return {}
    data = load_responses(previous, structure, team_id=scope.team_id, role=scope.role)
    data = data.canonical(teams)
    if data.n < k:
        return {}
    prepared = scoring.prepare(structure.structure, data.values, data.dont_know)
    return scoring.score_group(prepared).dimension_scores()


def build_profile(
    campaign: Campaign,
    *,
    team: str | None = None,
    role: str | None = None,
    language: str | None = None,
) -> Profile:
    """The maturity profile of a campaign (or of one team / role of it: ``team`` is a
    team name, ``role`` a role code) with texts in ``language`` (default: the campaign's).

    Reads the database in a constant number of queries. Raises `GroupTooSmall` when the
    team / role asked for is hidden by the anonymity threshold, `UnknownGroup` when the
    campaign has no such team or role. A whole campaign below k gives a profile without
    scores (``below_threshold``).
    """
    campaign = _fetch_campaign(campaign)
    language = (language or campaign.language or "nl")[:2].lower()
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    with translation.override(language):
        return _build(campaign, team, role, language)


def _build(campaign: Campaign, team: str | None, role: str | None, language: str) -> Profile:
    k = scoring.validate_threshold(int(campaign.anonymity_threshold))
    version = campaign.questionnaire_version
    questionnaire = version.questionnaire
    structure = load_structure(version)
    teams = load_teams(campaign)
    scope = _resolve_scope(teams, team, role)
    _check_scope(campaign, scope, k)

    data = load_responses(campaign, structure, team_id=scope.team_id, role=scope.role)
    data = data.canonical(teams)
    prepared = scoring.prepare(structure.structure, data.values, data.dont_know)
    below_threshold = data.n < k
    if below_threshold:
        overall = scoring.score_group(prepared, np.zeros(data.n, dtype=bool))
    else:
        overall = scoring.score_group(prepared)

    # Breakdowns (row masks over the one prepared matrix).
    team_labels = data.team_labels(teams)
    roles = list(data.roles)
    scope_teams = [scope.team] if scope.team is not None else list(teams.values())
    scope_roles = [scope.role] if scope.role is not None else list(ROLE_CODES)
    team_order = [t.name for t in scope_teams]
    team_role_order = [f"{t}{TEAM_ROLE_SEPARATOR}{r}" for t in team_order for r in ROLE_CODES]
    parts: dict[str, tuple[str | None, str | None]] = {n: (n, None) for n in team_order}
    parts.update({r: (None, r) for r in ROLE_CODES})
    parts.update({f"{t}{TEAM_ROLE_SEPARATOR}{r}": (t, r) for t in team_order for r in ROLE_CODES})
    groups = {
        "team": _group_profiles(
            scoring.score_breakdown(prepared, team_labels, k, extra_groups=team_order),
            team_order,
            parts,
        ),
        "role": _group_profiles(
            scoring.score_breakdown(prepared, roles, k, extra_groups=scope_roles),
            list(ROLE_CODES),
            parts,
        ),
        "team_role": _group_profiles(
            scoring.score_breakdown(
                prepared,
                scoring.cross_labels(team_labels, roles, separator=TEAM_ROLE_SEPARATOR),
                k,
            ),
            team_role_order,
            parts,
        ),
    }
    gaps = () if below_threshold else _gaps(prepared, roles, groups["role"], k)

    previous = _previous_campaign(campaign)
    previous_scores = (
        _previous_scores(previous, structure, team, role)
        if previous is not None and not below_threshold
        else {}
    )

    # Texts.
    recommendations: dict[int, list[str]] = {}
    for rec in Recommendation.objects.filter(
        dimension_id__in=[d.pk for d in structure.dimensions]
    ).order_by("dimension_id", "order", "pk"):
        recommendations.setdefault(rec.dimension_id, []).append(rec.tr("text", language))

    results = {d.code: d for d in overall.dimensions}
    fw_results = {f.code: f for f in overall.frameworks}
    frameworks = []
    for fw in structure.frameworks:
        dims = []
        for dim in structure.dimensions:
            if dim.framework_id != fw.pk:
                continue
            code = full_code(dim)
            r = results[code]
            before = previous_scores.get(code)
            dims.append(
                DimensionProfile(
                    code=code,
                    framework=fw.code,
                    name=dim.tr("name", language),
                    description=dim.tr("description", language),
                    score=r.score,
                    stage=r.stage,
                    n=r.n,
                    agreement=r.agreement,
                    agreement_label=r.agreement_label,
                    favourable=r.favourable,
                    dont_know=r.dont_know,
                    mean=r.mean,
                    change=None if r.score is None or before is None else r.score - before,
                    recommendations=tuple(recommendations.get(dim.pk, ())),
                    discussion_question=dim.tr("discussion_question", language),
                )
            )
        f = fw_results[fw.code]
        frameworks.append(
            FrameworkProfile(
                code=fw.code,
                name=fw.tr("name", language),
                description=fw.tr("description", language),
                source=fw.source,
                aggregation=fw.aggregation,
                score=f.score,
                mean=f.mean,
                stage=f.stage,
                weakest=f.weakest,
                dimensions=tuple(dims),
            )
        )

    comments, comments_hidden = _comments(
        campaign, scope, data, teams, groups["team"], groups["role"], below_threshold
    )
    stages = tuple(
        StageText(s.code, s.tr("name", language), s.tr("description", language))
        for s in Stage.objects.order_by("order")
    )
    return Profile(
        slug=campaign.slug,
        name=campaign.name,
        organisation=campaign.organisation.name,
        questionnaire=questionnaire.code,
        questionnaire_name=questionnaire.tr("name", language),
        version=version.number,
        language=language,
        respondents=data.n,
        invited=_invited(campaign, teams, scope),
        anonymity_threshold=k,
        stage_thresholds=structure.structure.thresholds,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        scope=scope.as_dict(),
        overall_score=overall.overall.score,
        overall_stage=overall.overall.stage,
        frameworks=tuple(frameworks),
        groups=groups,
        gaps=gaps,
        priorities=scoring.priorities(overall.dimensions),
        strengths=scoring.strengths(overall.dimensions),
        stages=stages,
        previous=(
            None
            if previous is None
            else {"slug": previous.slug, "name": previous.name, "closes_at": previous.closes_at}
        ),
        comments=comments,
        comments_hidden=comments_hidden,
        below_threshold=below_threshold,
    )


# =========================================================================== item analysis

ALPHA_WEAK = 0.6  # Cronbach's alpha below this: the items do not hang together well
ITEM_TOTAL_WEAK = 0.3  # corrected item-total correlation below this: a weak item


@dataclass(frozen=True)
class ItemRow:
    code: str
    text: str
    reverse: bool
    item_total: float | None  # corrected item-total correlation

    @property
    def weak(self) -> bool:
        return self.item_total is not None and self.item_total < ITEM_TOTAL_WEAK


@dataclass(frozen=True)
class DimensionReliabilityRow:
    code: str  # full code
    name: str
    framework: str  # framework name
    n_complete: int  # respondents who answered every item of the dimension
    alpha: float | None
    reason: str | None  # why the statistics are withheld
    items: tuple[ItemRow, ...]

    @property
    def weak(self) -> bool:
        return self.alpha is not None and self.alpha < ALPHA_WEAK


@dataclass(frozen=True)
class ItemAnalysisReport:
    available: bool
    respondents: int
    anonymity_threshold: int
    reason: str | None  # why nothing is reported ("fewer than k responses")
    dimensions: tuple[DimensionReliabilityRow, ...]


def build_item_analysis(campaign: Campaign, *, language: str | None = None) -> ItemAnalysisReport:
    """Cronbach's alpha per dimension and the corrected item-total correlation per item
    (`reports.item_analysis`), only when the campaign has at least k submitted responses.
    A constant number of queries."""
    campaign = _fetch_campaign(campaign)
    language = language or active_language(campaign.language)
    k = scoring.validate_threshold(int(campaign.anonymity_threshold))
    structure = load_structure(campaign.questionnaire_version)
    teams = load_teams(campaign)
    data = load_responses(campaign, structure).canonical(teams)
    keyed = scoring.keyed_values(data.values, structure.structure.reverse, data.dont_know)
    analysis = analyse_items(structure.structure, keyed, k)
    if not analysis.available:
        return ItemAnalysisReport(False, analysis.respondents, k, analysis.reason, ())
    items = {item.code: item for item in structure.items}
    dims = {full_code(d): d for d in structure.dimensions}
    rows = []
    for result in analysis.dimensions:
        dim = dims[result.code]
        rows.append(
            DimensionReliabilityRow(
                code=result.code,
                name=dim.tr("name", language),
                framework=dim.framework.tr("name", language),
                n_complete=result.n_complete,
                alpha=result.alpha,
                reason=result.reason,
                items=tuple(
                    ItemRow(
                        code=stat.code,
                        text=items[stat.code].tr("text", language),
                        reverse=items[stat.code].reverse_keyed,
                        item_total=stat.item_total,
                    )
                    for stat in result.items
                ),
            )
        )
    return ItemAnalysisReport(True, analysis.respondents, k, None, tuple(rows))
