"""Building a campaign's maturity profile from the database.

`build_profile(campaign)` reads a campaign in a constant number of queries, scores the
responses its results count (`reports.results`) and shows each group only as far as the
release rule (`reports.release`, `assessment.anonymity`) allows. The result types live
in `reports.profile`.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from assessment.anonymity import EVERYONE, MANAGEMENT, Group, validate_threshold
from assessment.models import Campaign, Comment, Invitation, Response, Team
from questionnaires.models import FrameworkStage, Item, Recommendation, Stage
from questionnaires.translation import LANGUAGES, Bilingual
from reports import comparisons, scoring
from reports.data import CampaignStructure, full_code, load_structure, load_teams, submitted_filter
from reports.previous_round import PreviousRound, previous_campaign, previous_round
from reports.profile import (
    FEWER_THAN_K,
    CommentProfile,
    DimensionProfile,
    FrameworkProfile,
    FrameworkStageText,
    GapProfile,
    GroupProfile,
    GroupTooSmall,
    Profile,
    ResultsNotFinal,
    StageText,
    UnknownGroup,
    fields_of,
)
from reports.results import CountedResults, counted_results

ROLE_CODES: tuple[str, ...] = Response.ROLE_CODES
TEAM_ROLE_SEPARATOR = " × "
TEAM_SIZES, INVITATIONS = "team_sizes", "invitations"  # where the expected number comes from


@dataclass(frozen=True)
class _Scope:
    team: Team | None = None
    role: str | None = None

    @property
    def group(self) -> Group:
        return Group(team=None if self.team is None else self.team.name, role=self.role)

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


def _check_scope(results: CountedResults, scope: _Scope, k: int) -> None:
    """Refuse a team / role whose results the release rule does not show."""
    group = scope.group
    if group == EVERYONE:
        return
    if not results.final:
        raise ResultsNotFinal(
            f"{scope.describe()}: while the campaign is open only the whole campaign's "
            "results are shown; teams and roles follow when it has closed"
        )
    n = results.release.count(group)
    if n < k:
        raise GroupTooSmall(
            f"{FEWER_THAN_K}: {scope.describe()} has {n} submitted responses; "
            f"the anonymity threshold k is {k}"
        )
    if not results.release.shows(group):
        raise GroupTooSmall(
            f"{FEWER_THAN_K} in another group: {scope.describe()} is hidden so that a "
            f"smaller group (fewer than k = {k}) cannot be computed from it and other results"
        )


def _invited(
    campaign: Campaign, teams: dict[int, Team], scope: _Scope
) -> tuple[int | None, str | None]:
    """People expected, and where the number comes from: the team sizes if any are set
    (``"team_sizes"``), else the invitations (``"invitations"``), else (None, None)."""
    if scope.role is not None:
        return None, None
    if scope.team is not None:
        if scope.team.expected_size:
            return scope.team.expected_size, TEAM_SIZES
        n = Invitation.objects.filter(campaign=campaign, team=scope.team).count()
        return (n, INVITATIONS) if n else (None, None)
    sizes = [t.expected_size for t in teams.values() if t.expected_size is not None]
    if sizes:
        return sum(sizes), TEAM_SIZES
    n = Invitation.objects.filter(campaign=campaign).count()
    return (n, INVITATIONS) if n else (None, None)


def _group_profile(
    results: CountedResults, group: Group, name: str, team: str | None, role: str | None
) -> GroupProfile:
    scores = results.release.scores(results.prepared, group)
    n = results.release.count(group)
    if scores is None:
        return GroupProfile(name, n, True, None, {}, team=team, role=role)
    return GroupProfile(
        name, n, False, scores.overall.score, scores.dimension_scores(), team=team, role=role
    )


def _breakdowns(
    results: CountedResults, scope: _Scope, teams: dict[int, Team]
) -> dict[str, tuple[GroupProfile, ...]]:
    """Teams, roles and team × role within the scope, each shown as the release allows."""
    role = scope.role
    team_names = [scope.team.name] if scope.team is not None else [t.name for t in teams.values()]
    roles = [role] if role is not None else list(ROLE_CODES)
    team_groups = [
        _group_profile(results, Group(team=t, role=role), t, t, role) for t in team_names
    ]
    if scope.team is None and results.release.count(Group(team="", role=role)):
        team_groups.append(
            _group_profile(results, Group(team="", role=role), _("Without a team"), None, role)
        )
    team = None if scope.team is None else scope.team.name
    role_groups = [_group_profile(results, Group(team=team, role=r), r, team, r) for r in roles]
    crossed = [
        _group_profile(results, Group(team=t, role=r), f"{t}{TEAM_ROLE_SEPARATOR}{r}", t, r)
        for t in team_names
        for r in roles
    ]
    return {
        "team": tuple(team_groups),
        "role": tuple(role_groups),
        "team_role": tuple(g for g in crossed if g.n > 0),
    }


def _gap_scores(
    results: CountedResults, structure: CampaignStructure, group: Group
) -> scoring.GroupScores | None:
    """A side of the perception gap, on the items both sides answer (employees never get
    management-only items). Only what the campaign's release shows, and a dimension only
    where the shared items count exactly the same people as all items do: then these
    sums add nothing that the release has not already checked."""
    scores = results.release.scores(results.prepared, group)
    columns = [
        column for column, item in enumerate(structure.items) if item.audience == Item.MANAGEMENT
    ]
    if scores is None or not columns:
        return scores
    shared = comparisons.without_items(results.prepared, columns)
    rows = results.release.mask(group)
    counted = ~np.isnan(results.prepared.respondent_means[rows])
    same_people = (counted == ~np.isnan(shared.respondent_means[rows])).all(axis=0)
    shared_scores = results.release.scores(shared, group)
    if shared_scores is None:  # not reached: the same release shows the same group
        return None
    differ = {
        spec.code
        for spec, same in zip(structure.structure.dimensions, same_people, strict=True)
        if not same
    }
    if not differ:
        return shared_scores
    return scoring.withhold_dimensions(shared_scores, differ, structure.structure)


def _sides(
    results: CountedResults, structure: CampaignStructure, scope: _Scope
) -> tuple[scoring.GroupScores | None, scoring.GroupScores | None]:
    """Management (board + manager) and employees within the scope, as the release shows
    them (None for a side it hides); none for a view of one role."""
    if scope.role is not None:
        return None, None
    team = None if scope.team is None else scope.team.name
    return (
        _gap_scores(results, structure, Group(team=team, role=MANAGEMENT)),
        _gap_scores(results, structure, Group(team=team, role="employee")),
    )


def _gaps(
    management: scoring.GroupScores | None, employees: scoring.GroupScores | None, k: int
) -> tuple[GapProfile, ...]:
    """Management against employees per dimension, where the release shows both sides."""
    if management is None or employees is None:
        return ()
    return tuple(
        GapProfile(g.dimension, g.management, g.employees, g.gap, g.flagged)
        for g in comparisons.gaps_between(management, employees, k)
        if g.management is not None and g.employees is not None and g.gap is not None
    )


def _comment_order_key(campaign: Campaign, text: str) -> str:
    # A keyed hash of the text: a stable order that says nothing about who wrote when.
    key = f"{settings.SECRET_KEY}:comments:{campaign.token}".encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _comments(
    campaign: Campaign, scope: _Scope, results: CountedResults, below_threshold: bool
) -> tuple[tuple[CommentProfile, ...], int]:
    """Comments of the scope's respondents in teams that may list comments, each with
    its framework; the number left out. Views of a role list none: a role's list
    intersected with a team's would be that team × role. One query."""
    listed = (
        results.release.comment_teams if scope.role is None and not below_threshold else frozenset()
    )
    return released_comments(campaign, results, group=scope.group, listed=listed)


def released_comments(
    campaign: Campaign, results: CountedResults, *, group: Group, listed: frozenset[str]
) -> tuple[tuple[CommentProfile, ...], int]:
    """The comments of `group`'s counted respondents in the `listed` teams (whole teams
    of at least k: `Release.comment_teams`), in an order that says nothing of who wrote
    when; and how many of the group's comments were left out. One query."""
    rows = Comment.objects.filter(submitted_filter(campaign, prefix="response__")).values_list(
        "response_id", "topic", "text"
    )
    row_of = results.data.row_of()
    release = results.release
    in_scope = release.mask(group)
    shown: list[CommentProfile] = []
    hidden = 0
    for response_id, topic, text in rows:
        row = row_of.get(response_id)
        text = (text or "").strip()
        if row is None or not text or not in_scope[row]:
            continue
        if release.cells[row][0] in listed:
            # A comment of the time when each page asked for one carries the page's
            # dimension (`keys.journey`): it belongs to that dimension's framework.
            shown.append(CommentProfile(framework=topic.split(".")[0], text=text))
        else:
            hidden += 1
    shown.sort(key=lambda c: _comment_order_key(campaign, c.text))
    return tuple(shown), hidden


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
    release rule hides the team / role asked for (`ResultsNotFinal` while fieldwork
    runs), `UnknownGroup` when the campaign has no such team or role. A whole campaign
    below k gives a profile without scores (``below_threshold``).
    """
    campaign = _fetch_campaign(campaign)
    language = (language or campaign.language or "nl")[:2].lower()
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    with translation.override(language):
        return _build(campaign, team, role, language)


# What a dimension's profile takes over from its scoring result.
DIMENSION_RESULT_FIELDS = (
    "score",
    "stage",
    "n",
    "agreement",
    "agreement_label",
    "favourable",
    "dont_know",
    "mean",
)


def _texts(obj: Bilingual, language: str, *fields: str) -> dict[str, Any]:
    """The bilingual fields of a bank row in one language, by field name."""
    return {field: obj.tr(field, language) for field in fields}


def _frameworks(
    structure: CampaignStructure,
    scores: scoring.GroupScores,
    previous_scores: dict[str, float | None],
    language: str,
) -> tuple[FrameworkProfile, ...]:
    recommendations: dict[int, list[str]] = {}
    for rec in Recommendation.objects.filter(
        dimension_id__in=[d.pk for d in structure.dimensions]
    ).order_by("dimension_id", "order", "pk"):
        recommendations.setdefault(rec.dimension_id, []).append(rec.tr("text", language))
    stage_texts: dict[int, list[FrameworkStageText]] = {}
    for text in FrameworkStage.objects.filter(framework__in=structure.frameworks):
        stage_texts.setdefault(text.framework_id, []).append(
            FrameworkStageText(
                text.stage, text.tr("looks_like", language), text.tr("next_step", language)
            )
        )
    results = {d.code: d for d in scores.dimensions}
    frameworks = []
    for fw in structure.frameworks:
        dims = []
        for dim in (d for d in structure.dimensions if d.framework_id == fw.pk):
            code = full_code(dim)
            r = results[code]
            before = previous_scores.get(code)
            dims.append(
                DimensionProfile(
                    code=code,
                    framework=fw.code,
                    **_texts(dim, language, "name", "description", "discussion_question"),
                    **fields_of(r, *DIMENSION_RESULT_FIELDS),
                    change=None if r.score is None or before is None else r.score - before,
                    recommendations=tuple(recommendations.get(dim.pk, ())),
                )
            )
        f = scores.framework(fw.code)
        frameworks.append(
            FrameworkProfile(
                code=fw.code,
                **_texts(fw, language, "name", "description"),
                **fields_of(fw, "source", "aggregation"),
                **fields_of(f, "score", "mean", "stage", "weakest"),
                dimensions=tuple(dims),
                stage_texts=tuple(stage_texts.get(fw.pk, ())),
            )
        )
    return tuple(frameworks)


def _build(campaign: Campaign, team: str | None, role: str | None, language: str) -> Profile:
    k = validate_threshold(int(campaign.anonymity_threshold))
    version = campaign.questionnaire_version
    structure = load_structure(version)
    teams = load_teams(campaign)
    scope = _resolve_scope(teams, team, role)
    results = counted_results(campaign, structure, teams)
    _check_scope(results, scope, k)

    respondents = results.release.count(scope.group)
    below_threshold = respondents < k
    scores = results.release.scores(results.prepared, scope.group)
    if scores is None:  # the whole campaign, below k: counts without scores
        none = np.zeros(results.data.n, dtype=bool)
        scores = scoring.score_group(results.prepared, none)

    previous = previous_campaign(campaign)
    before = (
        previous_round(previous, structure, scope.group)
        if previous is not None and not below_threshold
        else PreviousRound()
    )
    comments, comments_hidden = _comments(campaign, scope, results, below_threshold)
    invited, invited_from = _invited(campaign, teams, scope)
    management, employees = (None, None) if below_threshold else _sides(results, structure, scope)
    stages = tuple(
        StageText(
            s.code,
            s.tr("name", language),
            s.tr("description", language),
            s.tr("next_step", language),
        )
        for s in Stage.objects.order_by("order")
    )
    return Profile(
        slug=campaign.slug,
        name=campaign.name,
        organisation=campaign.organisation.name,
        questionnaire=version.questionnaire.code,
        questionnaire_name=version.questionnaire.tr("name", language),
        version=version.number,
        language=language,
        respondents=respondents,
        invited=invited,
        invited_from=invited_from,
        anonymity_threshold=k,
        stage_thresholds=structure.structure.thresholds,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        scope=scope.as_dict(),
        overall_score=scores.overall.score,
        overall_stage=scores.overall.stage,
        frameworks=_frameworks(structure, scores, before.scores, language),
        groups=_breakdowns(results, scope, teams),
        gaps=_gaps(management, employees, k),
        sides={
            side: scores.dimension_scores()
            for side, scores in (("management", management), ("employees", employees))
            if scores is not None
        },
        priorities=comparisons.priorities(scores.dimensions),
        strengths=comparisons.strengths(scores.dimensions),
        stages=stages,
        previous=(
            None
            if previous is None
            else {
                "slug": previous.slug,
                "name": previous.name,
                "closes_at": previous.closes_at,
                "version": previous.questionnaire_version.number,
                "overall": before.overall,
                "index_differs": before.index_differs,
                "not_comparable": list(before.not_comparable),
                "scores": dict(before.scores),
            }
        ),
        comments=comments,
        comments_hidden=comments_hidden,
        below_threshold=below_threshold,
        final=results.final,
        submitted=results.submitted,
        results_during_fieldwork=campaign.results_during_fieldwork,
    )
