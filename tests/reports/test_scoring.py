"""Scoring reference tests: every expected number is computed by hand in the comments."""

from __future__ import annotations

import numpy as np
import pytest

from assessment.anonymity import Group
from reports.comparisons import perception_gaps, priorities, strengths
from reports.release import Release
from reports.scoring import (
    DimensionResult,
    DimensionSpec,
    FrameworkSpec,
    QuestionnaireStructure,
    agreement_label,
    keyed_values,
    prepare,
    respondent_dimension_means,
    rwg_j,
    score_group,
    stage_for,
)

NaN = np.nan


def one_dimension(n_items: int, reverse: tuple[bool, ...] | None = None) -> QuestionnaireStructure:
    return QuestionnaireStructure(
        frameworks=(FrameworkSpec("f"),),
        dimensions=(DimensionSpec("d", "f", tuple(range(n_items))),),
        reverse=reverse or (False,) * n_items,
    )


# --------------------------------------------------------------------------- keying


def test_keyed_values_turns_reverse_items_and_keeps_missing() -> None:
    # columns 1..3 are reverse-keyed: 6 - 5 = 1, NaN stays NaN, 6 - 3 = 3
    out = keyed_values(np.array([[1.0, 5.0, NaN, 3.0]]), [False, True, True, True])
    assert out[0, 0] == 1.0
    assert out[0, 1] == 1.0
    assert np.isnan(out[0, 2])
    assert out[0, 3] == 3.0


def test_reverse_keyed_item_in_a_dimension_score() -> None:
    # item 0 normal, item 1 reverse. Answers 4 and 1 -> keyed 4 and 6 - 1 = 5.
    # respondent mean = (4 + 5) / 2 = 4.5; S = 100 * (4.5 - 1) / 4 = 87.5 -> shining
    # favourable: keyed 4 and 5 are both >= 4 -> 2/2 = 1.0
    structure = one_dimension(2, reverse=(False, True))
    d = score_group(prepare(structure, [[4, 1]])).dimension("d")
    assert d.mean == pytest.approx(4.5)
    assert d.score == pytest.approx(87.5)
    assert d.stage == "shining"
    assert d.favourable == pytest.approx(1.0)


def test_dont_know_is_missing_and_has_its_own_share() -> None:
    # J = 2 -> at least ceil(2/2) = 1 answer needed.
    # R1: 4, dk -> mean 4 (the dk is missing, not a value); R2: 2, 5 -> mean 3.5
    # m = (4 + 3.5) / 2 = 3.75; S = 100 * 2.75 / 4 = 68.75 -> clear; n = 2
    # answered keyed values 4, 2, 5 -> favourable = 2/3
    # don't know = 1 dk / (3 answered + 1 dk) = 0.25
    structure = one_dimension(2)
    answers = np.array([[4, NaN], [2, 5]], dtype=float)
    dk = np.array([[False, True], [False, False]])
    prepared = prepare(structure, answers, dk)
    assert np.isnan(prepared.keyed[0, 1])
    d = score_group(prepared).dimension("d")
    assert d.n == 2
    assert d.mean == pytest.approx(3.75)
    assert d.score == pytest.approx(68.75)
    assert d.stage == "clear"
    assert d.favourable == pytest.approx(2 / 3)
    assert d.dont_know == pytest.approx(0.25)


def test_dont_know_wins_over_a_stray_value_in_the_same_cell() -> None:
    # a dk cell is missing even if a number sits in the answers matrix: mean = 2, not 3.5
    structure = one_dimension(2)
    prepared = prepare(structure, [[2, 5]], [[False, True]])
    assert score_group(prepared).dimension("d").mean == pytest.approx(2.0)


def test_answers_outside_the_scale_are_rejected() -> None:
    with pytest.raises(ValueError):
        prepare(one_dimension(2), [[0, 3]])
    with pytest.raises(ValueError):
        prepare(one_dimension(2), [[6, 3]])


# --------------------------------------------------------------------------- half-answered


def test_half_answered_rule_with_three_items() -> None:
    # J = 3 -> ceil(3/2) = 2 answers needed.
    # R1: 5, -, -   -> 1 answer: dropped
    # R2: 4, 2, -   -> 2 answers: mean (4 + 2) / 2 = 3
    # R3: 3, dk, dk -> 1 answer (dk does not count): dropped
    # n = 1, m = 3, S = 100 * 2 / 4 = 50 -> exactly on the threshold: clear
    # Shares use every answer given, also of dropped respondents:
    #   answered values 5, 4, 3 (item 0) and 2 (item 1) -> favourable 2/4 = 0.5
    #   don't know = 2 / (4 + 2) = 1/3
    # Agreement: item 0 = [5, 4, 3], mean 4, var = (1 + 0 + 1) / 2 = 1;
    #   item 1 has one answer, item 2 none -> J = 1, s2 = 1
    #   rwg = 1 * (1 - 1/2) / (1 * (1 - 1/2) + 1/2) = 0.5 / 1.0 = 0.5 -> moderate
    structure = one_dimension(3)
    answers = np.array([[5, NaN, NaN], [4, 2, NaN], [3, NaN, NaN]], dtype=float)
    dk = np.zeros((3, 3), dtype=bool)
    dk[2, 1] = dk[2, 2] = True
    prepared = prepare(structure, answers, dk)
    means = prepared.respondent_means[:, 0]
    assert np.isnan(means[0])
    assert means[1] == pytest.approx(3.0)
    assert np.isnan(means[2])
    d = score_group(prepared).dimension("d")
    assert d.n == 1
    assert d.score == pytest.approx(50.0)
    assert d.stage == "clear"
    assert d.favourable == pytest.approx(0.5)
    assert d.dont_know == pytest.approx(1 / 3)
    assert d.agreement == pytest.approx(0.5)
    assert d.agreement_label == "moderate"


def test_half_answered_rule_with_four_items() -> None:
    # J = 4 -> ceil(4/2) = 2 needed. R1: 2, 4 -> mean 3 counts; R2: 5 only -> dropped.
    structure = one_dimension(4)
    keyed = np.array([[2, 4, NaN, NaN], [5, NaN, NaN, NaN]], dtype=float)
    means = respondent_dimension_means(structure, keyed)
    assert means[0, 0] == pytest.approx(3.0)
    assert np.isnan(means[1, 0])
    d = score_group(prepare(structure, keyed)).dimension("d")
    assert d.n == 1
    assert d.score == pytest.approx(50.0)


def test_dimension_without_any_mean_has_no_score() -> None:
    structure = one_dimension(3)
    d = score_group(prepare(structure, [[5, NaN, NaN]])).dimension("d")
    assert d.n == 0
    assert d.score is None
    assert d.mean is None
    assert d.stage is None


# --------------------------------------------------------------------------- stages


@pytest.mark.parametrize(
    ("score", "stage"),
    [
        (0.0, "rough"),
        (49.999, "rough"),
        (50.0, "clear"),
        (69.999, "clear"),
        (70.0, "cut"),
        (84.999, "cut"),
        (85.0, "shining"),
        (100.0, "shining"),
    ],
)
def test_stage_boundaries(score: float, stage: str) -> None:
    assert stage_for(score) == stage


def test_stage_custom_thresholds_and_none() -> None:
    assert stage_for(40.0, (40, 60, 80)) == "clear"
    assert stage_for(39.9, (40, 60, 80)) == "rough"
    assert stage_for(None) is None


def test_stage_on_the_70_boundary_through_scoring() -> None:
    # m = 3.8 -> S = 100 * 2.8 / 4 = 70 exactly -> cut (5 answers 4,4,4,4,3: 19/5 = 3.8)
    structure = one_dimension(1)
    d = score_group(prepare(structure, [[4], [4], [4], [4], [3]])).dimension("d")
    assert d.score == pytest.approx(70.0)
    assert d.stage == "cut"


# --------------------------------------------------------------------------- frameworks


def framework_structure() -> QuestionnaireStructure:
    # diamond (mean): d1 = items 0,1 (weight 2), d2 = item 2, d3 = item 3
    # keys (weakest link): k1 = item 4, k2 = item 5, k3 = items 6,7
    return QuestionnaireStructure(
        frameworks=(FrameworkSpec("diamond", "mean"), FrameworkSpec("keys", "weakest_link")),
        dimensions=(
            DimensionSpec("d1", "diamond", (0, 1), weight=2.0),
            DimensionSpec("d2", "diamond", (2,)),
            DimensionSpec("d3", "diamond", (3,)),
            DimensionSpec("k1", "keys", (4,)),
            DimensionSpec("k2", "keys", (5,)),
            DimensionSpec("k3", "keys", (6, 7)),
        ),
        reverse=(False,) * 8,
    )


def test_weighted_framework_weakest_link_and_overall_index() -> None:
    # one respondent: d1 = (3 + 3)/2 = 3 -> S 50; d2 = 5 -> 100; d3 unanswered -> no score
    # k1 = 4 -> 75; k2 = 2 -> 25; k3 = (3 + 4)/2 = 3.5 -> 62.5
    # diamond = (2 * 50 + 1 * 100) / (2 + 1) = 200/3 = 66.67 -> clear (d3 left out)
    # keys: score = min(75, 25, 62.5) = 25 -> rough, weakest k2,
    #       mean = (75 + 25 + 62.5) / 3 = 162.5 / 3 = 54.17
    # overall = (200/3 + 25) / 2 = 275/6 = 45.83 -> rough
    g = score_group(prepare(framework_structure(), [[3, 3, 5, NaN, 4, 2, 3, 4]]))
    assert g.dimension("d3").score is None
    diamond = g.framework("diamond")
    assert diamond.score == pytest.approx(200 / 3)
    assert diamond.mean == pytest.approx(200 / 3)
    assert diamond.stage == "clear"
    assert diamond.weakest is None
    keys = g.framework("keys")
    assert keys.aggregation == "weakest_link"
    assert keys.score == pytest.approx(25.0)
    assert keys.mean == pytest.approx(162.5 / 3)
    assert keys.weakest == "k2"
    assert keys.stage == "rough"
    assert g.overall.score == pytest.approx(275 / 6)
    assert g.overall.stage == "rough"


def test_framework_without_scores_is_left_out_of_the_overall_index() -> None:
    # only keys answered: k1 = 5 -> 100, k2 = 5 -> 100, k3 = 5 -> 100; diamond has no score
    # overall = mean of the one framework score = 100
    g = score_group(prepare(framework_structure(), [[NaN, NaN, NaN, NaN, 5, 5, 5, 5]]))
    assert g.framework("diamond").score is None
    assert g.framework("diamond").stage is None
    assert g.overall.score == pytest.approx(100.0)
    assert g.overall.stage == "shining"


# --------------------------------------------------------------------------- agreement


def test_rwg_one_respondent_is_none() -> None:
    # one answer per item -> no item has 2 answers -> J = 0 -> None
    d = score_group(prepare(one_dimension(3), [[4, 4, 4]])).dimension("d")
    assert d.agreement is None
    assert d.agreement_label is None
    assert rwg_j(0.0, 0) is None


def test_rwg_zero_variance_is_one() -> None:
    # identical answers -> every item variance 0 -> s2 = 0 -> rwg = J / J = 1
    d = score_group(prepare(one_dimension(3), [[2, 4, 5], [2, 4, 5]])).dimension("d")
    assert d.agreement == pytest.approx(1.0)
    assert d.agreement_label == "strong"


def test_rwg_large_variance_is_zero() -> None:
    # item 0: [1, 5], mean 3, var = (4 + 4) / 1 = 8 >= 2 -> 0
    d = score_group(prepare(one_dimension(1), [[1], [5]])).dimension("d")
    assert d.agreement == 0.0
    assert d.agreement_label == "weak"
    assert rwg_j(2.0, 3) == 0.0


def test_rwg_intermediate_value_by_hand() -> None:
    # item A: [2, 3, 4], mean 3, var = (1 + 0 + 1) / 2 = 1
    # item B: [3, 3, 5], mean 11/3, deviations -2/3, -2/3, 4/3
    #         squares 4/9 + 4/9 + 16/9 = 24/9 = 8/3, var = (8/3) / 2 = 4/3
    # s2 = (1 + 4/3) / 2 = 7/6, J = 2
    # J(1 - s2/2) = 2 * (1 - 7/12) = 2 * 5/12 = 5/6; s2/2 = 7/12
    # rwg = (5/6) / (5/6 + 7/12) = (10/12) / (17/12) = 10/17 = 0.588 -> moderate
    d = score_group(prepare(one_dimension(2), [[2, 3], [3, 3], [4, 5]])).dimension("d")
    assert d.agreement == pytest.approx(10 / 17)
    assert d.agreement_label == "moderate"
    assert rwg_j(7 / 6, 2) == pytest.approx(10 / 17)


def test_agreement_labels_are_decided_on_the_value_as_shown() -> None:
    assert agreement_label(0.70) == "strong"
    assert agreement_label(0.6999) == "strong"  # shown as 0.70, next to "0.70 strong"
    assert agreement_label(0.695) == "strong"  # floatformat:2 shows 0.70 (half up)
    assert agreement_label(0.6949) == "moderate"  # shown as 0.69
    assert agreement_label(0.50) == "moderate"
    assert agreement_label(0.4999) == "moderate"  # shown as 0.50
    assert agreement_label(0.4949) == "weak"  # shown as 0.49
    assert agreement_label(None) is None


def test_agreement_labels_agree_with_the_shown_number_for_every_value() -> None:
    from django.template.defaultfilters import floatformat
    from django.utils import translation

    for tenthousandth in range(0, 10001):
        rwg = tenthousandth / 10000
        with translation.override("en"):
            shown = float(floatformat(rwg, 2))
        expected = "strong" if shown >= 0.70 else "moderate" if shown >= 0.50 else "weak"
        assert agreement_label(rwg) == expected, rwg


def test_favourable_share_uses_keyed_values() -> None:
    # item 0 normal, item 1 reverse. R1: 5, 1 -> keyed 5, 5; R2: 3, 4 -> keyed 3, 2
    # R3: 4, dk -> keyed 4. Answered keyed values 5, 5, 3, 2, 4 -> favourable 3/5 = 0.6
    # don't know = 1 / (5 + 1) = 1/6
    structure = one_dimension(2, reverse=(False, True))
    prepared = prepare(structure, [[5, 1], [3, 4], [4, NaN]], [[0, 0], [0, 0], [0, 1]])
    d = score_group(prepared).dimension("d")
    assert d.favourable == pytest.approx(0.6)
    assert d.dont_know == pytest.approx(1 / 6)


# --------------------------------------------------------------------------- groups


def test_groups_are_row_masks_over_the_prepared_means() -> None:
    # rows 0, 1 in team A (answers 5 and 3 -> m = 4 -> S 75); row 2 in B (1 -> S 0)
    prepared = prepare(one_dimension(1), [[5], [3], [1]])
    a = score_group(prepared, [True, True, False])
    b = score_group(prepared, np.array([False, False, True]))
    assert a.respondents == 2
    assert a.dimension("d").score == pytest.approx(75.0)
    assert b.dimension("d").score == pytest.approx(0.0)
    assert b.dimension("d").stage == "rough"


def test_breakdown_suppresses_small_groups_and_their_complement() -> None:
    # k = 3: A has 4 rows, B 3 rows, C 1 row -> C suppressed (1 < 3); the whole campaign
    # minus A and B would be C, so B (3) is suppressed too; A (answers all 4 -> S 75) shown
    prepared = prepare(one_dimension(1), [[4]] * 4 + [[2]] * 3 + [[5]])
    labels = ["A"] * 4 + ["B"] * 3 + ["C"]
    release = Release.of(prepared, [(team, "employee") for team in labels], ["A", "B", "C"], 3)
    a, b, c = (Group(team=name) for name in "ABC")
    assert release.count(c) == 1 and release.scores(prepared, c) is None
    assert release.scores(prepared, b) is None
    scores = release.scores(prepared, a)
    assert scores is not None
    assert scores.dimension("d").score == pytest.approx(75.0)


def test_perception_gaps_flagged_unflagged_and_hidden() -> None:
    # k = 3; rows: 1 board + 4 managers (management), 3 employees; four one-item dims.
    # d1: management 4,4,4,3,3 -> 18/5 = 3.6 -> S = 100 * 2.6 / 4 = 65
    #     employees 3,3,3 -> 50; gap = 65 - 50 = 15 -> flagged (|gap| >= 15)
    # d2: management 4,3,3,3,3 -> 16/5 = 3.2 -> S 55; employees 3,3,4 -> 10/3 -> S 175/3
    #     gap = 55 - 175/3 = (165 - 175) / 3 = -10/3 -> not flagged
    # d3: management 2 x5 -> S 25; employees 4,4,4 -> S 75; gap -50 -> flagged
    # d4: one employee answers dk -> employees n = 2 < 3 -> hidden (None)
    structure = QuestionnaireStructure(
        frameworks=(FrameworkSpec("f"),),
        dimensions=tuple(DimensionSpec(f"d{i + 1}", "f", (i,)) for i in range(4)),
        reverse=(False,) * 4,
    )
    answers = np.array(
        [
            [4, 4, 2, 3],  # board
            [4, 3, 2, 3],  # manager
            [4, 3, 2, 3],  # manager
            [3, 3, 2, 3],  # manager
            [3, 3, 2, 3],  # manager
            [3, 3, 4, 3],  # employee
            [3, 3, 4, 3],  # employee
            [3, 4, 4, NaN],  # employee, dk on d4
        ],
        dtype=float,
    )
    dk = np.zeros(answers.shape, dtype=bool)
    dk[7, 3] = True
    roles = ["board"] + ["manager"] * 4 + ["employee"] * 3
    gaps = {g.dimension: g for g in perception_gaps(prepare(structure, answers, dk), roles, 3)}
    assert gaps["d1"].management == pytest.approx(65.0)
    assert gaps["d1"].employees == pytest.approx(50.0)
    assert gaps["d1"].gap == pytest.approx(15.0)
    assert gaps["d1"].flagged
    assert gaps["d2"].gap == pytest.approx(-10 / 3)
    assert not gaps["d2"].flagged
    assert gaps["d3"].gap == pytest.approx(-50.0)
    assert gaps["d3"].flagged
    assert gaps["d4"].gap is None and gaps["d4"].management is None
    assert not gaps["d4"].shown and not gaps["d4"].flagged
    assert gaps["d4"].n_employees == 2


def test_perception_gaps_hidden_when_a_side_is_below_k() -> None:
    # k = 5 but only 3 employees -> every gap hidden
    prepared = prepare(one_dimension(1), [[5]] * 5 + [[1]] * 3)
    roles = ["manager"] * 5 + ["employee"] * 3
    (gap,) = perception_gaps(prepared, roles, 5)
    assert gap.gap is None and not gap.flagged


# --------------------------------------------------------------------------- priorities


def dim(code: str, score: float | None, agreement: float | None) -> DimensionResult:
    return DimensionResult(
        code=code,
        framework="f",
        score=score,
        mean=None,
        stage=stage_for(score),
        n=5,
        agreement=agreement,
        agreement_label=agreement_label(agreement),
        favourable=None,
        dont_know=None,
    )


def test_priorities_and_strengths_break_ties_on_agreement() -> None:
    # scores: a 50 (rwg 0.9), b 50 (rwg 0.3), c 50 (rwg None = lowest), d 25, e 75, x None
    # priorities (lowest first): d 25, then the 50s by lower agreement: c (None), b (0.3)
    # strengths (highest first): e 75, then the 50s by higher agreement: a (0.9), b (0.3)
    dims = [
        dim("a", 50.0, 0.9),
        dim("b", 50.0, 0.3),
        dim("c", 50.0, None),
        dim("d", 25.0, 0.8),
        dim("e", 75.0, 0.8),
        dim("x", None, None),
    ]
    assert priorities(dims) == ("d", "c", "b")
    assert strengths(dims) == ("e", "a", "b")


# --------------------------------------------------------------------------- performance


def test_ten_thousand_respondents_with_breakdowns() -> None:
    """Scoring holds at scale; its speed is measured by bench/profile_scale.py (10,000
    respondents on the full scan, budget in docs/design.md), not by a timed test."""
    rng = np.random.default_rng(7)
    n_resp, n_items = 10_000, 130
    frameworks = tuple(
        FrameworkSpec(code, "weakest_link" if code == "keys" else "mean")
        for code in ("diamond", "shifts", "keys", "care", "listening")
    )
    dims = []
    per_fw = {"diamond": 9, "shifts": 10, "keys": 5, "care": 8, "listening": 4}
    col = 0
    for fw, count in per_fw.items():
        for i in range(count):
            size = 4 if col + 4 <= n_items and i % 3 == 0 else 3
            dims.append(DimensionSpec(f"{fw}{i}", fw, tuple(range(col, col + size))))
            col += size
    assert col <= n_items
    structure = QuestionnaireStructure(
        frameworks=frameworks,
        dimensions=tuple(dims),
        reverse=tuple(bool(i % 7 == 0) for i in range(n_items)),
    )
    answers = rng.integers(1, 6, size=(n_resp, n_items)).astype(float)
    answers[rng.random(answers.shape) < 0.1] = np.nan
    dk = rng.random(answers.shape) < 0.05
    teams = np.array([f"team{i:02d}" for i in rng.integers(0, 25, n_resp)], dtype=object)
    roles = np.array(["board", "manager", "employee"], dtype=object)[
        rng.choice(3, n_resp, p=[0.05, 0.2, 0.75])
    ]

    prepared = prepare(structure, answers, dk)
    overall = score_group(prepared)
    cells = list(zip(teams, roles, strict=True))
    release = Release.of(prepared, cells, sorted(set(teams)), 5)
    shown = [release.scores(prepared, group) for group in release.groups]
    assert overall.respondents == n_resp
    assert len(release.groups) > 25 and all(scores is not None for scores in shown)
    assert Group(team=None, role=None) in release.groups  # the whole campaign
    assert perception_gaps(prepared, roles, 5)
    assert len(priorities(overall.dimensions)) == 3
