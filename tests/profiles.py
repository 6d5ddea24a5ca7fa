"""Maturity profiles built by hand (no database), for tests of what shows them."""

from __future__ import annotations

from reports.profile import (
    DimensionProfile,
    FrameworkProfile,
    GapProfile,
    GroupProfile,
    Profile,
    StageText,
)


def dim(code: str, score: float | None, **extra) -> DimensionProfile:
    framework, _, short = code.partition(".")
    values = {
        "code": code,
        "framework": framework,
        "name": extra.pop("name", short.replace("_", " ").capitalize()),
        "description": "",
        "score": score,
        "stage": None if score is None else _stage(score),
        "n": 12,
        "agreement": 0.73,
        "agreement_label": "strong",
        "favourable": 0.5,
        "dont_know": 0.1,
        "mean": None if score is None else 1 + score / 25,
        "change": None,
        "recommendations": ("Do this.", "Then that."),
        "discussion_question": "What now?",
    }
    values.update(extra)
    return DimensionProfile(**values)


def _stage(score: float) -> str:
    return "rough" if score < 50 else "clear" if score < 70 else "cut" if score < 85 else "shining"


def make_profile(**overrides) -> Profile:
    diamond = (
        dim("diamond.belief", 57.66, change=2.5),
        dim("diamond.positivity", 71.84, agreement=0.61, agreement_label="moderate"),
        dim("diamond.digital", 48.04, agreement=0.45, agreement_label="weak", change=-1.5),
    )
    keys = (
        dim("keys.asset", 48.0),
        dim("keys.journey", 45.42, name="The customer journey as a shared priority"),
        dim("keys.input", 53.5),
        dim("keys.surprise", 61.6),
        dim("keys.culture", 60.6),
    )
    frameworks = (
        FrameworkProfile(
            "diamond", "The rough diamond", "", "", "mean", 59.18, 59.18, "clear", None, diamond
        ),
        FrameworkProfile(
            "keys",
            "5 keys",
            "",
            "",
            "weakest_link",
            45.42,
            53.82,
            "rough",
            "keys.journey",
            keys,
        ),
    )
    groups = {
        "team": (
            GroupProfile(
                "Alpha",
                9,
                False,
                61.25,
                {d.code: d.score + 3 for f in frameworks for d in f.dimensions},
                team="Alpha",
            ),
            GroupProfile(
                "Beta",
                7,
                False,
                50.5,
                {d.code: d.score - 4 for f in frameworks for d in f.dimensions},
                team="Beta",
            ),
            # Wrongly carrying numbers: the chart must not show them anyway.
            GroupProfile(
                "Gamma", 2, True, 12.345, {"diamond.belief": 12.345, "keys.asset": 98.765}
            ),
        ),
        "role": (
            GroupProfile("manager", 6, False, 66.2, {}, role="manager"),
            GroupProfile("employee", 12, False, 49.3, {}, role="employee"),
        ),
        "team_role": (),
    }
    gaps = (
        GapProfile("diamond.belief", 65.06, 54.17, 10.89, False),
        GapProfile("keys.culture", 74.52, 53.94, 20.58, True),
        GapProfile("diamond.digital", 61.22, 41.67, 19.55, True),
    )
    values = {
        "slug": "test",
        "name": "Test round",
        "organisation": "Test BV",
        "questionnaire": "full",
        "questionnaire_name": "Full scan",
        "version": 1,
        "language": "en",
        "respondents": 18,
        "invited": 20,
        "anonymity_threshold": 5,
        "stage_thresholds": (50.0, 70.0, 85.0),
        "opens_at": None,
        "closes_at": None,
        "scope": {},
        "overall_score": 54.8936,
        "overall_stage": "clear",
        "frameworks": frameworks,
        "groups": groups,
        "gaps": gaps,
        "priorities": ("keys.journey", "diamond.digital", "keys.asset"),
        "strengths": ("diamond.positivity", "keys.surprise", "keys.culture"),
        "stages": (
            StageText("rough", "Rough diamond", "…"),
            StageText("clear", "Clear diamond", "…"),
            StageText("cut", "Cut diamond", "…"),
            StageText("shining", "Shining diamond", "…"),
        ),
        "previous": {"slug": "before", "name": "Round 2025", "closes_at": None},
        "comments": (),
        "comments_hidden": 0,
    }
    values.update(overrides)
    return Profile(**values)
