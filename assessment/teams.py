"""Business rules for a campaign's teams: the consultant's team list, and the switches a
team link carries (workshop tablet). Views, forms and commands all call these."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Campaign, Team, max_length
from .text import clean_name

TEAM_NAME_MAX_LENGTH = max_length(Team, "name")
_SIZE_SUFFIX = re.compile(r"^(?P<name>.*?)\s*[,;]\s*(?P<size>\d+)\s*$")


@dataclass(frozen=True)
class ListWords:
    """How the list's refusals name its lines: a campaign's teams, or a customer mirror's
    segments (its teams, to the code). Each takes the line number `n`."""

    comma: Promise
    missing: Promise
    too_long: Promise  # also %(max)d
    size: Promise
    twice: Promise  # also %(name)s


TEAM_WORDS = ListWords(
    comma=gettext_lazy(
        "Line %(n)d: after the comma comes the team size as a number, for example "
        "“Sales, 12”; a team name cannot contain a comma."
    ),
    missing=gettext_lazy("Line %(n)d: the team name is missing."),
    too_long=gettext_lazy("Line %(n)d: a team name can have at most %(max)d characters."),
    size=gettext_lazy("Line %(n)d: the team size must be at least 1."),
    twice=gettext_lazy("Line %(n)d: the team “%(name)s” appears twice."),
)
SEGMENT_WORDS = ListWords(
    comma=gettext_lazy(
        "Line %(n)d: after the comma comes the number of customers asked, for example "
        "“Business, 120”; a segment name cannot contain a comma."
    ),
    missing=gettext_lazy("Line %(n)d: the segment name is missing."),
    too_long=gettext_lazy("Line %(n)d: a segment name can have at most %(max)d characters."),
    size=gettext_lazy("Line %(n)d: the number of customers asked must be at least 1."),
    twice=gettext_lazy("Line %(n)d: the segment “%(name)s” appears twice."),
)


@dataclass(frozen=True)
class TeamSpec:
    """A team as the consultant typed it: a name and an optional size."""

    name: str
    size: int | None = None


def parse_teams(text: str, words: ListWords = TEAM_WORDS) -> list[TeamSpec]:
    """Parse "one team per line, optional size after a comma".

    ``Sales, 12`` is the team "Sales" with 12 people; ``Sales`` has no size. A comma or
    semicolon must be followed by the size, so that a typo such as ``Sales, twaalf`` is
    an error and not a second team called "Sales, twaalf". Empty lines are ignored.
    Raises a ValidationError that names every wrong line, in `words`.
    """
    specs: list[TeamSpec] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        line = clean_name(raw)
        if not line:
            continue
        match = _SIZE_SUFFIX.match(line)
        name, size = (match["name"].strip(), int(match["size"])) if match else (line, None)
        if any(separator in name for separator in ",;"):
            errors.append(str(words.comma) % {"n": number})
            continue
        if not name:
            errors.append(str(words.missing) % {"n": number})
            continue
        if len(name) > TEAM_NAME_MAX_LENGTH:
            errors.append(str(words.too_long) % {"n": number, "max": TEAM_NAME_MAX_LENGTH})
            continue
        if size is not None and size < 1:
            errors.append(str(words.size) % {"n": number})
            continue
        if name.casefold() in seen:
            errors.append(str(words.twice) % {"n": number, "name": name})
            continue
        seen.add(name.casefold())
        specs.append(TeamSpec(name=name, size=size))
    if errors:
        raise ValidationError(errors)
    return specs


def parse_team_list(text: str) -> list[TeamSpec]:
    """The command line's ``--teams "A,B,C"`` form (no sizes)."""
    return parse_teams("\n".join(part for part in text.split(",")))


def teams_as_text(campaign: Campaign) -> str:
    """The textarea form of a campaign's teams, the inverse of `parse_teams`."""
    lines = []
    for team in campaign.teams.all():
        lines.append(f"{team.name}, {team.expected_size}" if team.expected_size else team.name)
    return "\n".join(lines)


def sync_teams(campaign: Campaign, specs: Iterable[TeamSpec]) -> None:
    """Make the campaign's teams match `specs` (matched by name, case-insensitive).

    New names are created, sizes and order updated; a team that is no longer listed is
    removed, unless responses were filed under it (then a ValidationError names it).
    A renamed team is a new team with a new link.
    """
    specs = list(specs)
    existing = {team.name.casefold(): team for team in campaign.teams.all()}
    wanted = {spec.name.casefold() for spec in specs}
    removed = [team for key, team in existing.items() if key not in wanted]
    in_use = [team.name for team in removed if team.responses.exists()]
    if in_use:
        raise ValidationError(
            _(
                "These teams already have responses and cannot be removed: %(teams)s. "
                "Keep them in the list."
            )
            % {"teams": ", ".join(in_use)}
        )
    with transaction.atomic():
        if removed:
            Team.objects.filter(pk__in=[team.pk for team in removed]).delete()
        for order, spec in enumerate(specs):
            team = existing.get(spec.name.casefold())
            if team is None:
                Team.objects.create(
                    campaign=campaign, name=spec.name, expected_size=spec.size, order=order
                )
            elif (team.name, team.expected_size, team.order) != (spec.name, spec.size, order):
                team.name, team.expected_size, team.order = spec.name, spec.size, order
                team.save(update_fields=["name", "expected_size", "order"])


@transaction.atomic
def set_workshop_tablet(*, team: Team, on: bool) -> None:
    """Switch the team link's workshop-tablet mode: on one shared device, each person
    who submits is followed by a fresh response for the next (see
    `responding.starts_afresh`)."""
    Team.objects.filter(pk=team.pk).update(workshop_tablet=on)
    team.workshop_tablet = on
