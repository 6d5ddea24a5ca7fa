"""The walk of the workshop, slide by slide: which slides, in which order, with which
title, speaker's notes and rows. Shared by the editable PowerPoint (`reports.slides`)
and the present mode in the browser (`reports.present_views`), so both show the same
slides with the same texts and numbers.

Pure given a profile with results, its `presentation.profile_context` (the arrangement
the dashboard and the PDF share: groups below k stay hidden there, and so here) and the
campaign's action plan (`reports.action_plan.plan_for`), which the closing slide shows,
and its business results (`reports.harvest.harvest_for`), which the harvest slide shows.
Call it in the profile's language (``translation.override``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports import action_texts
from reports.action_rules import ActionPlan
from reports.charts.common import format_change, format_number, stage_names
from reports.harvest import Harvest, harvest_rows
from reports.presentation import DimensionRow, FrameworkBlock, GapRow, GroupColumn
from reports.profile import Profile

GAP_ROWS = 5  # dimensions on the perception-gap slide: the largest gaps
# Actions on the closing slide: more would not be readable from the back of the room;
# the slide says how many more the report lists. A longer title is shortened there too
# (the report prints it whole), so that a row keeps to two lines.
ACTION_ROWS = 5
ACTION_TITLE_CHARS = 55

# The kinds of slide, in the order of the walk.
COVER, QUESTION, RESPONSE_RATE, INDEX = "cover", "question", "response_rate", "index"
FRAMEWORK, KEYS, GAP_HIDDEN, GAP_QUESTION, GAP_ANSWER = (
    "framework",
    "keys",
    "gap_hidden",
    "gap_question",
    "gap_answer",
)
HEATMAP, PRIORITY, HARVEST, CLOSING = "heatmap", "priority", "harvest", "closing"


@dataclass(frozen=True)
class WorkshopSlide:
    """One slide of the walk: its kind, title and speaker's notes, and what it shows."""

    kind: str
    title: str
    notes: str
    block: FrameworkBlock | None = None  # a framework, the keys, a heatmap's framework
    row: DimensionRow | None = None  # a priority
    number: int = 0  # a priority's number
    teams: tuple[GroupColumn, ...] = ()  # a heatmap's teams
    gaps: tuple[GapRow, ...] = ()  # the perception gaps shown
    heading: str = ""  # the line under the title (the gaps shown, the closing's question)
    actions: tuple[ActionRow, ...] = ()  # the closing slide's action plan
    more_actions: int = 0  # the plan's actions that do not fit on the closing slide
    table: tuple[tuple[str, ...], ...] = ()  # the harvest's table, its header first

    @property
    def more_actions_text(self) -> str:
        """The line under the closing slide's table, "and 3 more actions in the report"
        ("" when all fit)."""
        if not self.more_actions:
            return ""
        return ngettext(
            "and %(n)s more action in the report",
            "and %(n)s more actions in the report",
            self.more_actions,
        ) % {"n": self.more_actions}


@dataclass(frozen=True)
class ActionRow:
    """An action on the closing slide, in words."""

    dimension: str  # the dimension's name on the first row of its group, "" below it
    title: str
    owner: str
    due: str  # with "overdue" in words when it is
    status: str
    target: str
    overdue: bool


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
) -> list[WorkshopSlide]:
    """The slides of the workshop in their order. A team's walk has no heatmap; the
    perception gap is a question, then its answer (or one slide saying why it is hidden);
    the whole campaign's walk shows its business results (`harvest`) when it has any; the
    closing slide shows the campaign's `actions`, or a table to fill in."""
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


def harvest_slide(harvest: Harvest) -> WorkshopSlide:
    """The business results: across the rounds beside the index when there is a trend,
    else this round's figures with their periods; the caveat is the slide's heading."""
    if harvest.has_trend:
        header = (_("Figure"), *(p.round_name for p in harvest.points))
        index_row = (
            _("Customer-centricity index"),
            *(format_number(p.index) for p in harvest.points),
        )
        rows = [header, index_row] + [(r.metric.name, *r.cells) for r in harvest_rows(harvest)]
        notes = _(
            "Read the figures beside the index, round by round: did the results move with "
            "the customer-centricity? Ask which figure the management team itself watches."
        )
    else:
        rows = [(_("Figure"), _("Value"), _("Period"))] + [
            (
                f.metric.name,
                f.shown,
                f"{date_format(f.period_start, 'j M Y')} – {date_format(f.period_end, 'j M Y')}",
            )
            for f in harvest.figures
        ]
        notes = _(
            "This round's business results. Measured again next round, they can be set "
            "beside the index's trend."
        )
    return WorkshopSlide(
        HARVEST,
        _("The harvest: business results"),
        notes,
        heading=_(
            "Business results and the index moving together is a correlation, not proof: "
            "prices, the market and much else move the figures too."
        ),
        table=tuple(tuple(str(cell) for cell in row) for row in rows),
    )


def closing_slide(profile: Profile, actions: ActionPlan) -> WorkshopSlide:
    """The action plan: an empty table per priority to fill in together, or the actions
    agreed so far, grouped by dimension, the first `ACTION_ROWS` of them."""
    title = _("On to the action plan")
    if not actions.actions:
        return WorkshopSlide(
            CLOSING,
            title,
            _(
                "Agree for each priority on one action: what we will do, who takes it on "
                "and by when. Fill in the table together; it is an ordinary table, so it "
                "can be edited here."
            ),
            heading=_("For each priority: what will we do, who takes it on, and by when?"),
        )
    rows = action_rows(actions, stage_names(profile))
    notes = [
        _(
            "Walk through the actions agreed so far: is each still the right one, is its "
            "owner on board, is the date realistic? Add the missing ones on the dashboard; "
            "the report lists them all."
        )
    ]
    if actions.overdue:
        notes.append(
            ngettext(
                "%(n)s action is overdue: ask what stands in its way.",
                "%(n)s actions are overdue: ask what stands in their way.",
                actions.overdue,
            )
            % {"n": actions.overdue}
        )
    return WorkshopSlide(
        CLOSING,
        title,
        "\n\n".join(notes),
        heading=_("Per dimension: who takes it on, by when, and the target."),
        actions=tuple(rows[:ACTION_ROWS]),
        more_actions=max(0, len(rows) - ACTION_ROWS),
    )


def action_rows(actions: ActionPlan, names: dict[str, str]) -> list[ActionRow]:
    rows = []
    for dimension, lines in action_texts.lines_by_dimension(actions, names):
        for index, line in enumerate(lines):
            overdue = line.action.overdue
            rows.append(
                ActionRow(
                    dimension=dimension if index == 0 else "",
                    title=shortened(line.action.title, ACTION_TITLE_CHARS),
                    owner=line.action.owner,
                    due=f"{line.due} ({action_texts.overdue_text()})" if overdue else line.due,
                    status=line.status,
                    target=line.target,
                    overdue=overdue,
                )
            )
    return rows


def shortened(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


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
