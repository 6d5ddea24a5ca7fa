"""Scoring of a campaign: pure functions on plain data (no Django, no database).

A `QuestionnaireStructure` describes one questionnaire version: frameworks in order
(code, aggregation ``mean`` | ``weakest_link``), dimensions (code, framework, weight,
column indices of their items), a reverse flag per item column and stage thresholds.
Answers arrive as a respondents x items float matrix (1-5, NaN = unanswered) plus a
boolean "don't know" matrix of the same shape, and a team / role label per row.
`prepare()` keys the values (6 - v for reverse items, don't know -> NaN) and computes
every respondent's dimension means once; a group (campaign, team, role, team x role) is
a boolean row mask over that, so breakdowns only aggregate. Results are frozen
dataclasses with full-precision floats; None means "no score".
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, overload

import numpy as np
import numpy.typing as npt

FloatMatrix = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]

MEAN: Literal["mean"] = "mean"
WEAKEST_LINK: Literal["weakest_link"] = "weakest_link"
AGGREGATIONS: tuple[str, ...] = (MEAN, WEAKEST_LINK)

STAGES: tuple[str, ...] = ("rough", "clear", "cut", "shining")
DEFAULT_STAGE_THRESHOLDS: tuple[float, float, float] = (50.0, 70.0, 85.0)

SCALE_MIN = 1.0
SCALE_MAX = 5.0
FAVOURABLE_FROM = 4.0  # keyed values 4 and 5 are favourable
UNIFORM_NULL_VARIANCE = 2.0  # sigma^2_EU = (5^2 - 1) / 12 for a 5-option scale
AGREEMENT_STRONG = 0.70
AGREEMENT_MODERATE = 0.50

# Scores are kept at full precision; comparisons against a boundary (stage thresholds,
# the gap flag, ties between dimensions) are made at this many decimals so that float
# noise such as 69.99999999999999 for an exact 70 cannot change a stage.
COMPARE_DECIMALS = 9


# --------------------------------------------------------------------------- structure


@dataclass(frozen=True)
class FrameworkSpec:
    code: str
    aggregation: str = MEAN  # "mean" | "weakest_link"


@dataclass(frozen=True)
class DimensionSpec:
    code: str
    framework: str
    items: tuple[int, ...]  # column indices into the answers matrix
    weight: float = 1.0


@dataclass(frozen=True)
class QuestionnaireStructure:
    """The scoring-relevant shape of one questionnaire version.

    ``reverse`` has one flag per column of the answers matrix; ``item_codes`` (optional)
    names the columns for item-level output.
    """

    frameworks: tuple[FrameworkSpec, ...]
    dimensions: tuple[DimensionSpec, ...]
    reverse: tuple[bool, ...]
    thresholds: tuple[float, float, float] = DEFAULT_STAGE_THRESHOLDS
    item_codes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        fw_codes = [f.code for f in self.frameworks]
        if len(set(fw_codes)) != len(fw_codes):
            raise ValueError("framework codes must be unique")
        for fw in self.frameworks:
            if fw.aggregation not in AGGREGATIONS:
                raise ValueError(f"framework {fw.code}: unknown aggregation {fw.aggregation!r}")
        dim_codes = [d.code for d in self.dimensions]
        if len(set(dim_codes)) != len(dim_codes):
            raise ValueError("dimension codes must be unique")
        n_items = len(self.reverse)
        for dim in self.dimensions:
            if dim.framework not in fw_codes:
                raise ValueError(f"dimension {dim.code}: unknown framework {dim.framework!r}")
            if not dim.items:
                raise ValueError(f"dimension {dim.code} has no items")
            if len(set(dim.items)) != len(dim.items):
                raise ValueError(f"dimension {dim.code} lists an item twice")
            if any(i < 0 or i >= n_items for i in dim.items):
                raise ValueError(f"dimension {dim.code}: item index out of range")
            if not (dim.weight >= 0 and math.isfinite(dim.weight)):
                raise ValueError(f"dimension {dim.code}: weight must be >= 0")
        validate_stage_thresholds(self.thresholds)
        if self.item_codes and len(self.item_codes) != n_items:
            raise ValueError("item_codes must name every column")

    @property
    def n_items(self) -> int:
        return len(self.reverse)

    @property
    def dimension_codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.dimensions)

    def item_code(self, column: int) -> str:
        return self.item_codes[column] if self.item_codes else str(column)

    def membership(self) -> FloatMatrix:
        """items x dimensions 0/1 matrix: column d marks the items of dimension d."""
        m = np.zeros((self.n_items, len(self.dimensions)), dtype=np.float64)
        for d, dim in enumerate(self.dimensions):
            m[list(dim.items), d] = 1.0
        return m


def validate_stage_thresholds(thresholds: Sequence[float]) -> tuple[float, float, float]:
    if len(thresholds) != 3:
        raise ValueError("three stage thresholds are needed (clear, cut, shining)")
    a, b, c = (float(t) for t in thresholds)
    if not (0 <= a < b < c <= 100):
        raise ValueError("stage thresholds must rise within 0-100: clear < cut < shining")
    return (a, b, c)


# --------------------------------------------------------------------------- primitives


def keyed_values(
    matrix: npt.ArrayLike,
    reverse: Sequence[bool] | npt.NDArray[np.bool_],
    dont_know: npt.ArrayLike | None = None,
) -> FloatMatrix:
    """Keyed copy of ``matrix``: 6 - v in reverse-keyed columns; NaN stays NaN.

    If ``dont_know`` is given, those cells become NaN too ("don't know" is missing).
    """
    keyed = np.array(matrix, dtype=np.float64, copy=True)
    if keyed.ndim != 2:
        raise ValueError("answers must be a respondents x items matrix")
    rev = np.asarray(reverse, dtype=bool)
    if rev.shape != (keyed.shape[1],):
        raise ValueError("one reverse flag per item column is needed")
    if rev.any():
        keyed[:, rev] = (SCALE_MIN + SCALE_MAX) - keyed[:, rev]
    if dont_know is not None:
        dk = np.asarray(dont_know, dtype=bool)
        if dk.shape != keyed.shape:
            raise ValueError("don't-know matrix must have the shape of the answers")
        keyed[dk] = np.nan
    return keyed


def score_from_mean(mean: float) -> float:
    """S = 100 x (m - 1) / 4."""
    return 100.0 * (mean - SCALE_MIN) / (SCALE_MAX - SCALE_MIN)


@overload
def stage_for(score: float, thresholds: Sequence[float] = ...) -> str: ...
@overload
def stage_for(score: None, thresholds: Sequence[float] = ...) -> None: ...
def stage_for(
    score: float | None, thresholds: Sequence[float] = DEFAULT_STAGE_THRESHOLDS
) -> str | None:
    """S < clear -> rough, < cut -> clear, < shining -> cut, else shining (None -> None)."""
    if score is None:
        return None
    s = round(float(score), COMPARE_DECIMALS)
    clear, cut, shining = thresholds
    if s < clear:
        return "rough"
    if s < cut:
        return "clear"
    if s < shining:
        return "cut"
    return "shining"


def rwg_j(mean_variance: float, j: int) -> float | None:
    """rwg(J) against the uniform null (sigma^2_EU = 2); None when J = 0.

    rwg = J(1 - s2/2) / (J(1 - s2/2) + s2/2), and 0 when s2 >= 2.
    """
    if j <= 0 or math.isnan(mean_variance):
        return None
    ratio = mean_variance / UNIFORM_NULL_VARIANCE
    if ratio >= 1.0:
        return 0.0
    top = j * (1.0 - ratio)
    return top / (top + ratio)


def round_as_shown(value: float | Decimal, decimals: int) -> Decimal:
    """`value` with `decimals` decimals as every table and chart shows it: rounded half
    up from the shortest repr, as Django's `floatformat` does."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def agreement_label(rwg: float | None) -> str | None:
    """strong / moderate / weak, decided on rwg(J) as shown (two decimals), so that a
    shown 0.70 is always strong."""
    if rwg is None:
        return None
    shown = round_as_shown(rwg, 2)
    if shown >= Decimal(str(AGREEMENT_STRONG)):
        return "strong"
    if shown >= Decimal(str(AGREEMENT_MODERATE)):
        return "moderate"
    return "weak"


# --------------------------------------------------------------------------- prepared data


@dataclass(frozen=True, eq=False)
class PreparedAnswers:
    """A campaign's answers, keyed once, with every respondent's dimension means."""

    structure: QuestionnaireStructure
    keyed: FloatMatrix  # respondents x items, NaN = unanswered or don't know
    dont_know: BoolMatrix  # respondents x items
    respondent_means: FloatMatrix  # respondents x dimensions, NaN = below half-answered
    membership: FloatMatrix = field(repr=False)  # items x dimensions 0/1

    @property
    def n_respondents(self) -> int:
        return int(self.keyed.shape[0])


def respondent_dimension_means(
    structure: QuestionnaireStructure,
    keyed: FloatMatrix,
    membership: FloatMatrix | None = None,
    shown: BoolMatrix | None = None,
) -> FloatMatrix:
    """respondents x dimensions: mean of the keyed values of a respondent in a dimension,
    NaN unless they answered at least ceil(J/2) of the J items of it they were shown
    (`shown`, respondents x items; default: every item; don't know = missing)."""
    m = structure.membership() if membership is None else membership
    answered = ~np.isnan(keyed)
    sums = np.where(answered, keyed, 0.0) @ m
    counts = answered.astype(np.float64) @ m
    n_items = m.sum(axis=0) if shown is None else shown.astype(np.float64) @ m
    needed = np.ceil(n_items / 2.0)
    ok = (counts >= needed) & (counts > 0)
    out = np.full(sums.shape, np.nan)
    np.divide(sums, counts, out=out, where=ok)
    return out


def prepare(
    structure: QuestionnaireStructure,
    answers: npt.ArrayLike,
    dont_know: npt.ArrayLike | None = None,
    shown: BoolMatrix | None = None,
) -> PreparedAnswers:
    """Validate the raw answers (1-5 or NaN), key them and compute respondent means;
    `shown` (respondents x items) leaves items a respondent never got out of their
    "half of the dimension answered"."""
    raw = np.asarray(answers, dtype=np.float64)
    if raw.ndim != 2 or raw.shape[1] != structure.n_items:
        raise ValueError(
            f"answers must be a respondents x {structure.n_items} matrix, got {raw.shape}"
        )
    dk = np.zeros(raw.shape, dtype=bool) if dont_know is None else np.asarray(dont_know, dtype=bool)
    if dk.shape != raw.shape:
        raise ValueError("don't-know matrix must have the shape of the answers")
    given = ~np.isnan(raw) & ~dk
    if given.any():
        vals = raw[given]
        if vals.min() < SCALE_MIN or vals.max() > SCALE_MAX:
            raise ValueError("answer values must lie between 1 and 5")
    keyed = keyed_values(raw, structure.reverse, dk)
    membership = structure.membership()
    means = respondent_dimension_means(structure, keyed, membership, shown)
    return PreparedAnswers(
        structure=structure,
        keyed=keyed,
        dont_know=dk.copy(),
        respondent_means=means,
        membership=membership,
    )


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DimensionResult:
    code: str
    framework: str
    score: float | None  # 0-100, full precision
    mean: float | None  # group mean m on the 1-5 scale
    stage: str | None
    n: int  # respondents with a dimension mean
    agreement: float | None  # rwg(J)
    agreement_label: str | None  # strong | moderate | weak
    favourable: float | None  # share of answered keyed values that are 4 or 5
    dont_know: float | None  # dk / (answered + dk)


@dataclass(frozen=True)
class FrameworkResult:
    code: str
    aggregation: str
    score: float | None  # weighted mean, or the minimum for weakest_link
    mean: float | None  # weighted mean of the dimension scores (always)
    stage: str | None
    weakest: str | None  # weakest dimension code (weakest_link only)


@dataclass(frozen=True)
class OverallResult:
    score: float | None  # mean of the framework scores
    stage: str | None


@dataclass(frozen=True)
class GroupScores:
    respondents: int  # rows in the group (submitted responses)
    dimensions: tuple[DimensionResult, ...]
    frameworks: tuple[FrameworkResult, ...]
    overall: OverallResult

    def dimension(self, code: str) -> DimensionResult:
        for d in self.dimensions:
            if d.code == code:
                return d
        raise KeyError(code)

    def framework(self, code: str) -> FrameworkResult:
        for f in self.frameworks:
            if f.code == code:
                return f
        raise KeyError(code)

    def dimension_scores(self) -> dict[str, float | None]:
        return {d.code: d.score for d in self.dimensions}


def _opt(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _row_mask(prepared: PreparedAnswers, row_mask: npt.ArrayLike | None) -> BoolMatrix:
    if row_mask is None:
        return np.ones(prepared.n_respondents, dtype=bool)
    mask = np.asarray(row_mask, dtype=bool)
    if mask.shape != (prepared.n_respondents,):
        raise ValueError("row mask must have one flag per respondent")
    return mask


def _aggregate_framework(
    spec: FrameworkSpec,
    dims: Sequence[tuple[DimensionSpec, DimensionResult]],
    thresholds: Sequence[float],
) -> FrameworkResult:
    scored = [(s, r) for s, r in dims if r.score is not None]
    total_weight = sum(s.weight for s, _ in scored)
    mean = (
        sum(s.weight * r.score for s, r in scored if r.score is not None) / total_weight
        if scored and total_weight > 0
        else None
    )
    weakest: str | None = None
    if spec.aggregation == WEAKEST_LINK:
        if scored:
            # min() keeps the first of equal scores: questionnaire order decides ties.
            low = min(scored, key=lambda sr: round(sr[1].score or 0.0, COMPARE_DECIMALS))
            weakest = low[1].code
            score = low[1].score
        else:
            score = None
    else:
        score = mean
    return FrameworkResult(
        code=spec.code,
        aggregation=spec.aggregation,
        score=score,
        mean=mean,
        stage=stage_for(score, thresholds),
        weakest=weakest,
    )


def score_group(prepared: PreparedAnswers, row_mask: npt.ArrayLike | None = None) -> GroupScores:
    """Score the respondents selected by ``row_mask`` (all when None)."""
    structure = prepared.structure
    mask = _row_mask(prepared, row_mask)
    m = prepared.membership
    thresholds = structure.thresholds

    # Dimension scores from the precomputed respondent means.
    means = prepared.respondent_means[mask]
    has_mean = ~np.isnan(means)
    n_dim = has_mean.sum(axis=0)
    sum_dim = np.where(has_mean, means, 0.0).sum(axis=0)
    group_mean = np.full(n_dim.shape, np.nan)
    np.divide(sum_dim, n_dim, out=group_mean, where=n_dim > 0)

    # Item statistics over every answer given in the group.
    rows = prepared.keyed[mask]
    answered = ~np.isnan(rows)
    cnt = answered.sum(axis=0).astype(np.float64)
    vals0 = np.where(answered, rows, 0.0)
    item_mean = np.zeros(cnt.shape)
    np.divide(vals0.sum(axis=0), cnt, out=item_mean, where=cnt > 0)
    dev = np.where(answered, rows - item_mean, 0.0)
    ss = (dev * dev).sum(axis=0)
    has_var = cnt >= 2
    item_var = np.zeros(cnt.shape)
    np.divide(ss, cnt - 1.0, out=item_var, where=has_var)
    fav = (np.where(answered, rows, 0.0) >= FAVOURABLE_FROM).sum(axis=0).astype(np.float64)
    dk = prepared.dont_know[mask].sum(axis=0).astype(np.float64)

    j_dim = has_var.astype(np.float64) @ m
    var_sum_dim = np.where(has_var, item_var, 0.0) @ m
    answered_dim = cnt @ m
    fav_dim = fav @ m
    dk_dim = dk @ m

    dim_results: list[DimensionResult] = []
    for d, spec in enumerate(structure.dimensions):
        mean = _opt(group_mean[d])
        score = None if mean is None else score_from_mean(mean)
        j = int(j_dim[d])
        rwg = rwg_j(var_sum_dim[d] / j, j) if j > 0 else None
        given = answered_dim[d] + dk_dim[d]
        dim_results.append(
            DimensionResult(
                code=spec.code,
                framework=spec.framework,
                score=score,
                mean=mean,
                stage=stage_for(score, thresholds),
                n=int(n_dim[d]),
                agreement=rwg,
                agreement_label=agreement_label(rwg),
                favourable=float(fav_dim[d] / answered_dim[d]) if answered_dim[d] > 0 else None,
                dont_know=float(dk_dim[d] / given) if given > 0 else None,
            )
        )

    fw_results: list[FrameworkResult] = []
    for fw in structure.frameworks:
        pairs = [
            (spec, res)
            for spec, res in zip(structure.dimensions, dim_results, strict=True)
            if spec.framework == fw.code
        ]
        fw_results.append(_aggregate_framework(fw, pairs, thresholds))

    fw_scores = [f.score for f in fw_results if f.score is not None]
    overall_score = sum(fw_scores) / len(fw_scores) if fw_scores else None
    return GroupScores(
        respondents=int(mask.sum()),
        dimensions=tuple(dim_results),
        frameworks=tuple(fw_results),
        overall=OverallResult(score=overall_score, stage=stage_for(overall_score, thresholds)),
    )


def _withheld(result: DimensionResult) -> DimensionResult:
    """``result`` with every figure blanked; which dimension it is and its n stay. A figure
    added to DimensionResult later is withheld too, unless it is added to ``kept``."""
    kept = {"code", "framework", "n"}
    blanked: dict[str, Any] = {f.name: None for f in fields(result) if f.name not in kept}
    return replace(result, **blanked)


def withhold_dimensions(
    scores: GroupScores, hidden: Collection[str], structure: QuestionnaireStructure
) -> GroupScores:
    """``scores`` with the dimensions in ``hidden`` blanked (their n stays). A framework
    with a blanked dimension loses its score, and the overall index with it: from the
    others, a mean would give the blanked score back."""
    dimensions = tuple(_withheld(d) if d.code in hidden else d for d in scores.dimensions)
    blanked = {d.framework for d in dimensions if d.code in hidden}
    frameworks = tuple(
        FrameworkResult(f.code, f.aggregation, None, None, None, None) if f.code in blanked else f
        for f in scores.frameworks
    )
    overall = scores.overall if not blanked else OverallResult(score=None, stage=None)
    return GroupScores(scores.respondents, dimensions, frameworks, overall)
