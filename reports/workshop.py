"""The walk of the workshop, slide by slide: which slides, in which order, with which
title, speaker's notes and rows. Shared by the editable PowerPoint (`reports.slides`)
and the present mode in the browser (`reports.present_views`), so both show the same
slides with the same texts and numbers.

Pure given a profile with results, its `presentation.profile_context` (the arrangement
the dashboard and the PDF share: groups below k stay hidden there, and so here) and the
campaign's customer mirror (`reports.mirror_data.mirror_for`), business results
(`reports.harvest.harvest_for`) and action plan (`reports.action_plan.plan_for`), which
the last slides show (`reports.workshop_endings`). Call it in the profile's language
(``translation.override``). The slide itself is `reports.workshop_slide.WorkshopSlide`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.action_rules import ActionPlan
from reports.charts.common import format_change, format_number
from reports.harvest import Harvest
from reports.mirror import RESULTS, CustomerMirror
from reports.presentation import DimensionRow, FrameworkBlock, GapRow, GroupColumn
from reports.profile import Profile
from reports.workshop_endings import closing_slide, harvest_slide, mirror_rows_shown, mirror_slide
from reports.workshop_slide import (
    ACTION_ROWS,
    ACTION_TITLE_CHARS,
    CLOSING,
    COVER,
    FRAMEWORK,
    GAP_ANSWER,
    GAP_HIDDEN,
    GAP_QUESTION,
    HARVEST,
    HEATMAP,
    INDEX,
    KEYS,
    MIRROR,
    PRIORITY,
    QUESTION,
    RESPONSE_RATE,
    WorkshopSlide,
)

# The names the PowerPoint, the present mode and their tests know the walk by.
__all__ = [
    "ACTION_ROWS",
    "ACTION_TITLE_CHARS",
    "CLOSING",
    "COVER",
    "FRAMEWORK",
    "GAP_ANSWER",
    "GAP_HIDDEN",
    "GAP_QUESTION",
    "HARVEST",
    "HEATMAP",
    "INDEX",
    "KEYS",
    "MIRROR",
    "PRIORITY",
    "QUESTION",
    "RESPONSE_RATE",
    "WorkshopSlide",
    "plan",
]

GAP_ROWS = 5  # dimensions on the perception-gap slide: the largest gaps


@dataclass(frozen=True)
class ResponseRate:
    big: str  # "64%", or the number of responses when there is nothing to count against
    line: str  # "32 of 50 invited"
    rate: float | None
    answered: int


def response_rate(profile: Profile) -> ResponseRate:
    rate = profile.response_rate
    n = profile.submitted_in_scope
    if rate is None:
        return ResponseRate(
            str(n), _("responses (no team sizes or invitations to count against)"), None, n
        )
    line = (
        _("%(n)s of %(invited)s invited") % {"n": n, "invited": profile.invited}
        if profile.invited_from == "invitations"
        else _("%(n)s of about %(people)s people in the teams")
        % {"n": n, "people": profile.invited}
    )
    return ResponseRate(f"{round(rate * 100)}%", line, rate, n)


def plan(
    profile: Profile,
    context: dict[str, Any],
    actions: ActionPlan | None = None,
    harvest: Harvest | None = None,
    mirror: CustomerMirror | None = None,
) -> list[WorkshopSlide]:
    """The slides of the workshop in their order. A team's walk has no heatmap; the
    perception gap is a question, then its answer (or one slide saying why it is hidden);
    the whole campaign's walk shows what its customers answered (`mirror`) after the
    perception gap, and its business results (`harvest`), when it has them; the closing
    slide shows the campaign's `actions`, or a table to fill in."""
    team = profile.scope.get("team")
    k = profile.anonymity_threshold
    slides = [
        WorkshopSlide(COVER, profile.organisation, cover_notes(profile)),
        WorkshopSlide(
            QUESTION,
            _("How customer-centric are we, really?"),
            _(
                "Ask the room before showing any number: how customer-centric are we, on a "
                "scale from 0 to 100? Which stage of the diamond are we in? Write the "
                "guesses down; we come back to them after the index."
            ),
        ),
        WorkshopSlide(
            RESPONSE_RATE,
            _("Response rate"),
            _(
                "Who answered? %(line)s. The higher the response, the more the results speak "
                "for the whole organisation. Groups of fewer than %(k)s people are never shown "
                "on their own."
            )
            % {"line": response_rate(profile).line, "k": k},
        ),
        WorkshopSlide(INDEX, _("Customer-centricity index"), index_notes(context)),
    ]
    for block in context["frameworks"]:
        slides.append(WorkshopSlide(FRAMEWORK, block.framework.name, framework_notes(block), block))
    keys: FrameworkBlock | None = context["keys"]
    if keys is not None:
        slides.append(
            WorkshopSlide(KEYS, _("The gate of the five keys"), keys_notes(keys), block=keys)
        )
    if context["gaps"] or not team:
        slides += gap_slides(context["gaps_by_size"])
    if not team and mirror is not None and mirror.state == RESULTS and mirror_rows_shown(mirror):
        slides.append(mirror_slide(mirror))
    teams: list[GroupColumn] = context["teams"]
    if teams and not team:
        for block in context["frameworks"]:
            slides.append(
                WorkshopSlide(
                    HEATMAP,
                    _("Teams side by side") + ": " + block.framework.name,
                    heatmap_notes(teams),
                    block=block,
                    teams=tuple(teams),
                )
            )
    for number, row in enumerate(context["priorities"], start=1):
        dim = row.dim
        notes = [dim.description] if dim.description else []
        if dim.discussion_question:
            notes.append(_("For the workshop:") + " " + dim.discussion_question)
        slides.append(
            WorkshopSlide(
                PRIORITY,
                _("Priority %(n)s: %(name)s") % {"n": number, "name": dim.name},
                "\n\n".join(notes),
                row=row,
                number=number,
            )
        )
    if not team and harvest is not None and (harvest.figures or harvest.has_trend):
        slides.append(harvest_slide(harvest))
    slides.append(closing_slide(profile, actions or ActionPlan()))
    return slides


def cover_notes(profile: Profile) -> str:
    return _(
        "Welcome the management team. These are the results of %(name)s: what "
        "%(n)s people in the organisation answered. Today we look at them together "
        "and end with an action plan."
    ) % {"name": profile.name, "n": profile.respondents}


def index_notes(context: dict[str, Any]) -> str:
    stage = context["overall_stage"]
    notes = [
        _("The index is the mean of the frameworks, on a scale from 0 to 100."),
        _("Compare it with the room's estimates: higher or lower than expected?"),
    ]
    if stage is not None and stage.next_step:
        notes.append(_("The next step") + ": " + stage.next_step)
    return "\n\n".join(notes)


def framework_notes(block: FrameworkBlock) -> str:
    fw = block.framework
    notes = [fw.description] if fw.description else []
    text = fw.stage_text
    if text is not None:
        notes.append(_("Where you stand: %(name)s") % {"name": block.stage_name})
        notes.append(text.looks_like)
        notes.append(_("The next step") + ": " + text.next_step)
    if block.weakest is not None:
        notes.append(
            _("Ask: what would it take to move %(name)s up one stage?")
            % {"name": block.weakest.dim.name}
        )
    return "\n\n".join(notes)


def framework_summary(block: FrameworkBlock) -> str:
    """The line under a framework's title: its score, stage and how it is counted."""
    fw = block.framework
    summary = _("Score") + " " + format_number(fw.score)
    if block.stage_name:
        summary += " · " + block.stage_name
    if fw.withheld:
        summary += " · " + _(
            "not shown: in one of its dimensions fewer than k people answered enough "
            "statements, and the score would give theirs away"
        )
    elif fw.aggregation == "weakest_link":
        summary += " · " + _("the weakest dimension counts; mean %(mean)s") % {
            "mean": format_number(fw.mean)
        }
    return summary


def keys_notes(block: FrameworkBlock) -> str:
    notes = [
        _(
            "Customer-centricity is a gate with five locks: it opens only when every key "
            "turns. That is why this framework scores its weakest key, not the average."
        )
    ]
    if block.weakest is not None:
        notes.append(
            _("Ask: what holds %(name)s back, and who can turn this key?")
            % {"name": block.weakest.dim.name}
        )
    return "\n\n".join(notes)


def gap_slides(gaps: list[GapRow]) -> list[WorkshopSlide]:
    """The perception gap: why it is hidden, or first the question and then the answer,
    the largest gaps (those of 15 points or more when there are any) first."""
    title = _("Perception gap: management and employees")
    if not gaps:
        return [
            WorkshopSlide(
                GAP_HIDDEN, title, _("Say why the gap cannot be shown: the anonymity rule.")
            )
        ]
    question = WorkshopSlide(
        GAP_QUESTION,
        _("How we see ourselves vs what the team sees"),
        _(
            "Before the answer: what do you expect? Where do management and employees "
            "see things differently, and who sees it more positively? Let people write "
            "it down or say it, then show the next slide."
        ),
    )
    flagged = [g for g in gaps if g["gap"].flagged]
    shown = (flagged or gaps)[:GAP_ROWS]
    if flagged:
        heading = (
            _("The largest %(shown)s of %(flagged)s gaps of 15 points or more")
            % {"shown": len(shown), "flagged": len(flagged)}
            if len(flagged) > len(shown)
            else _("Gaps of 15 points or more")
        )
    else:
        heading = _("The largest gaps")
    notes = [
        f"{g['row'].dim.name}: {format_change(g['gap'].gap)} ("
        + _("management %(management)s, employees %(employees)s")
        % {
            "management": format_number(g["gap"].management),
            "employees": format_number(g["gap"].employees),
        }
        + ")"
        for g in shown
    ]
    notes.append(
        _(
            "Ask: what does management see that the team does not, or the other way "
            "round? Which example from daily work explains the difference?"
        )
    )
    answer = WorkshopSlide(GAP_ANSWER, title, "\n".join(notes), gaps=tuple(shown), heading=heading)
    return [question, answer]


def gap_hidden_text(k: int) -> str:
    return _(
        "Not shown: fewer than k responses. Management (board and managers together) "
        "and employees each need at least %(k)s respondents."
    ) % {"k": k}


def gap_explanation() -> str:
    return _(
        "What we think of ourselves against what the team sees: the score of "
        "board and managers minus the score of employees. A gap of 15 points "
        "or more is marked; it is where a conversation between management and "
        "the team starts."
    )


def heatmap_notes(teams: list[GroupColumn] | tuple[GroupColumn, ...]) -> str:
    notes = [
        _(
            "Where do teams differ most? Ask the teams with the highest score what they do "
            "that others could borrow."
        )
    ]
    notes += [f"{t.label}: {t.reason}" for t in teams if t.group.suppressed]
    return "\n\n".join(notes)


def for_teams(slide: WorkshopSlide, teams: list[GroupColumn]) -> WorkshopSlide:
    """A heatmap slide for some of its teams (the PowerPoint puts four on a slide)."""
    return dataclasses.replace(slide, teams=tuple(teams), notes=heatmap_notes(teams))


@dataclass(frozen=True)
class IndexFacts:
    """What the index slide says beside the number."""

    withheld: str  # why there is no index ("" when there is one)
    change: str  # "+1.2 since Nulmeting 2025 (61.0)" ("" without a comparison)
    indicative: str  # how many dimensions the two indexes do not share alike ("" if none)
    first_round: str  # "First round: …" when there is no previous round ("" otherwise)


def index_facts(profile: Profile, context: dict[str, Any]) -> IndexFacts:
    withheld = (
        _(
            "Not shown: in one of the dimensions fewer than k people answered "
            "enough statements, and the index would give their score away."
        )
        if profile.index_withheld
        else ""
    )
    change, indicative, first_round = "", "", ""
    # The change as the dashboard and the report print it: the difference of the two
    # printed indexes, so that "+0.1 since R0 (62.4)" adds up with the index beside it.
    index_change = context["index_change"]
    if index_change is not None and profile.previous:
        change = (
            format_change(float(index_change))
            + " "
            + _("since %(name)s (%(before)s)")
            % {
                "name": profile.previous["name"],
                "before": format_number(profile.previous["overall"]),
            }
        )
        if differs := profile.previous.get("index_differs"):
            indicative = ngettext(
                "indicative: %(n)s dimension differs between the two rounds",
                "indicative: %(n)s dimensions differ between the two rounds",
                differs,
            ) % {"n": differs}
    elif not profile.previous:
        first_round = _("First round: the next one will show the change.")
    return IndexFacts(withheld, change, indicative, first_round)


def keys_lines(block: FrameworkBlock) -> tuple[str, str]:
    """The weakest key ("" when none) and the mean of the keys."""
    weakest = block.weakest
    first = (
        _("Weakest key")
        + f": {weakest.dim.name} ({format_number(weakest.dim.score)}): "
        + _("the gate opens only as far as this key turns.")
        if weakest is not None
        else ""
    )
    return first, _("Mean of the keys: %(score)s") % {"score": format_number(block.framework.mean)}


def priority_summary(row: DimensionRow) -> str:
    return " · ".join(
        part for part in (format_number(row.dim.score), row.stage_name, row.framework_name) if part
    )
