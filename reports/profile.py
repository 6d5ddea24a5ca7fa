"""The maturity profile of a campaign: what the dashboard, the PDF and the exports show.

Plain result types (no database): `reports.profile_builder.build_profile` makes them.
`Profile.as_dict()` is the JSON of `export_profile` (the shape in docs/design.md).
Dimension codes in a profile are full codes, `<framework>.<dimension>` (e.g.
`keys.journey`), unique across frameworks. Texts (names, descriptions, recommendations)
are in the language the profile was built in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def fields_of(obj: object, *names: str) -> dict[str, Any]:
    """The named attributes of `obj`, by name (for JSON and for copying results)."""
    return {name: getattr(obj, name) for name in names}


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
        return fields_of(
            self, "code", "name", "score", "stage", "n", "agreement", "favourable", "dont_know"
        )


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
    stage_texts: tuple[FrameworkStageText, ...] = ()  # the framework's own, per stage

    @property
    def stage_text(self) -> FrameworkStageText | None:
        """The framework's own text for the stage its score is in."""
        return next((t for t in self.stage_texts if t.stage == self.stage), None)

    @property
    def withheld(self) -> bool:
        """No score although people answered: a dimension of it is hidden by the
        anonymity rule, and the framework score would give that dimension away."""
        return self.score is None and any(d.score is None and d.n > 0 for d in self.dimensions)

    def as_dict(self) -> dict[str, Any]:
        return {
            **fields_of(self, "code", "name", "aggregation", "score", "mean", "stage"),
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
        return fields_of(self, "dimension", "management", "employees", "gap", "flagged")


@dataclass(frozen=True)
class CommentProfile:
    """A listed comment and the framework it was written at the end of (a framework
    code; "" for a comment on the whole response, as in an imported file)."""

    framework: str
    text: str


@dataclass(frozen=True)
class StageText:
    code: str
    name: str
    description: str
    next_step: str = ""


@dataclass(frozen=True)
class FrameworkStageText:
    """What a score in one stage band of a framework suggests, and the next step."""

    stage: str
    looks_like: str
    next_step: str


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
    # {"slug", "name", "closes_at", "version", "overall", "index_differs", "not_comparable",
    # "scores"}
    # of the previous round; "overall": its index for the same scope (None when its release
    # hides it); "index_differs": how many dimensions the two indexes do not share alike;
    # "not_comparable": dimension codes its questionnaire version measured otherwise;
    # "scores": its dimension scores for the same scope (full code -> score), comparable
    # dimensions only (the follow-up of its actions, `reports.action_plan`).
    previous: dict[str, Any] | None
    comments: tuple[CommentProfile, ...]  # of groups that meet k, shuffled, no timestamps
    comments_hidden: int  # comments left out because their group is below k
    generated_at: datetime = field(default_factory=datetime.now)
    # True when the scope has fewer than k submitted responses: every score is None,
    # every group suppressed and every comment hidden ("fewer than k responses").
    below_threshold: bool = False
    # False while fieldwork runs: the results are interim and cover only the whole
    # campaign, counting ``respondents`` of the ``submitted`` responses (steps of k).
    final: bool = True
    submitted: int = 0
    results_during_fieldwork: str = "steps"
    # Where `invited` comes from: "team_sizes" (about so many people in the teams) or
    # "invitations" (so many invited); None when unknown.
    invited_from: str | None = None
    # The two sides of the perception gap, each as far as the release shows it:
    # "management" (board + manager) and "employees" -> full dimension code -> score
    # (None for a dimension it hides); a side the release hides is absent. The customer
    # mirror (`reports.mirror`) sets customers beside them.
    sides: dict[str, dict[str, float | None]] = field(default_factory=dict)

    @property
    def submitted_in_scope(self) -> int:
        """Submitted responses of the scope: during fieldwork, all of them, also those the
        interim results do not count yet (counts reveal no answers)."""
        return self.respondents if self.final else self.submitted

    @property
    def response_rate(self) -> float | None:
        if not self.invited:
            return None
        return self.submitted_in_scope / self.invited

    @property
    def overall_change(self) -> float | None:
        """The index minus the previous round's index for the same scope, when both are
        shown. Indicative when `previous["index_differs"]` counts dimensions."""
        before = (self.previous or {}).get("overall")
        if self.overall_score is None or before is None:
            return None
        return float(self.overall_score - before)

    @property
    def index_withheld(self) -> bool:
        """No overall index although the scope has results: a framework is withheld."""
        return self.overall_score is None and any(f.withheld for f in self.frameworks)

    def dimensions(self) -> list[DimensionProfile]:
        return [d for f in self.frameworks for d in f.dimensions]

    def dimension(self, code: str) -> DimensionProfile:
        return next(d for d in self.dimensions() if d.code == code)

    def as_dict(self) -> dict[str, Any]:
        """The JSON of `export_profile`: exactly the shape in docs/design.md."""
        return {
            "campaign": {
                **fields_of(
                    self,
                    "slug",
                    "name",
                    "organisation",
                    "questionnaire",
                    "version",
                    "respondents",
                    "anonymity_threshold",
                ),
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


class GroupTooSmall(Exception):
    """A profile was asked for a group that the anonymity rule hides."""


class ResultsNotFinal(GroupTooSmall):
    """A profile was asked for a team or role while fieldwork runs."""


class UnknownGroup(ValueError):
    """A profile was asked for a team or role the campaign does not have."""


FEWER_THAN_K = "fewer than k responses"
