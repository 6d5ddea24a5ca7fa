"""The last slides of the workshop's walk (`reports.workshop`): what the customers say
(the customer mirror), what the business results did (the harvest) and the action plan.
Pure given their data; call them in the profile's language."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports import action_texts
from reports.action_rules import ActionPlan
from reports.charts.common import format_change, format_number, stage_names
from reports.harvest import Harvest, harvest_rows
from reports.mirror import CustomerMirror, MirrorRow
from reports.profile import Profile
from reports.workshop_slide import (
    ACTION_ROWS,
    ACTION_TITLE_CHARS,
    CLOSING,
    HARVEST,
    MIRROR,
    MIRROR_ROWS,
    ActionRow,
    WorkshopSlide,
)


def mirror_headline(mirror: CustomerMirror) -> str:
    """The headline as the dashboard words it: "We score ourselves 73, our customers
    score us 56"; or why management's side is missing."""
    headline = mirror.headline
    assert headline is not None
    customers = format_number(headline.customers, 0)
    if headline.management_hidden:
        return _("Our customers score us %(customers)s; management's own score is hidden.") % {
            "customers": customers
        }
    if not headline.dimensions or headline.management is None:
        return _("No dimension has both a management score and a customer score to compare.")
    return ngettext(
        "We (management) score ourselves %(management)s, our customers score us "
        "%(customers)s (mean of %(n)s dimension).",
        "We (management) score ourselves %(management)s, our customers score us "
        "%(customers)s (mean of %(n)s dimensions).",
        headline.dimensions,
    ) % {
        "management": format_number(headline.management, 0),
        "customers": customers,
        "n": headline.dimensions,
    }


def mirror_rows_shown(mirror: CustomerMirror) -> list[MirrorRow]:
    """The dimensions on the slide: the largest self-image gaps either way (customers
    may also see more than management does), at most `MIRROR_ROWS`."""
    with_gap = [row for row in mirror.rows if row.self_image_gap is not None]
    return sorted(with_gap, key=lambda row: -abs(row.self_image_gap or 0))[:MIRROR_ROWS]


def mirror_slide(mirror: CustomerMirror) -> WorkshopSlide:
    """Management, employees and customers on the dimensions with the largest self-image
    gaps (`MIRROR_ROWS` of them); a gap of 15 or more is marked."""
    rows = mirror_rows_shown(mirror)
    header = (_("Dimension"), _("Management"), _("Employees"), _("Customers"), _("Self-image gap"))
    body = [
        (
            row.name,
            format_number(row.management),
            format_number(row.employees),
            format_number(row.customers),
            format_change(row.self_image_gap or 0.0),
        )
        for row in rows
    ]
    with_gap = sum(1 for row in mirror.rows if row.self_image_gap is not None)
    flagged = [row.name for row in mirror.flagged]
    notes = [
        _(
            "Ask first: how would our customers score us? Then show the table. Customers "
            "answered on the points they can judge from outside; their answers never "
            "count in our own index."
        )
    ]
    if flagged:
        notes.append(
            ngettext(
                "%(n)s dimension has a self-image gap of 15 points or more",
                "%(n)s dimensions have a self-image gap of 15 points or more",
                len(flagged),
            )
            % {"n": len(flagged)}
            + ": "
            + ", ".join(flagged)
            + "."
        )
    return WorkshopSlide(
        MIRROR,
        _("Customer mirror: how customers see us"),
        "\n\n".join(notes),
        heading=mirror_headline(mirror),
        caption=(
            _("The largest %(shown)s of %(all)s self-image gaps.")
            % {"shown": len(rows), "all": with_gap}
            if len(rows) < with_gap
            else ""
        ),
        table=(header, *body),
        marked=tuple(n for n, row in enumerate(rows, 1) if row.flagged),
    )


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
