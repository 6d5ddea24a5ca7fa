"""One slide of the workshop's walk (`reports.workshop`): its kind, title, speaker's notes
and what it shows, as the editable PowerPoint and the present mode both draw it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import ngettext

from reports.presentation import DimensionRow, FrameworkBlock, GapRow, GroupColumn

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
HEATMAP, PRIORITY, MIRROR, HARVEST, CLOSING = (
    "heatmap",
    "priority",
    "mirror",
    "harvest",
    "closing",
)
# Dimensions on the customer mirror's slide: the largest self-image gaps.
MIRROR_ROWS = 7


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
    table: tuple[tuple[str, ...], ...] = ()  # the harvest's or mirror's table, header first
    marked: tuple[int, ...] = ()  # the table's rows (1 = the first below the header) to mark
    caption: str = ""  # under the table: how much of the whole it shows

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
