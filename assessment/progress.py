"""How far a campaign's fieldwork is: responses per team against the expected team sizes,
and the state of the personal invitations. Counts only, never answers; test responses
are counted apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Campaign, Invitation, Response, Team


@dataclass
class TeamProgress:
    name: str
    size: int | None
    submitted: int = 0
    in_progress: int = 0
    token: str = ""
    pk: int | None = None

    @property
    def rate(self) -> float | None:
        """Submitted as a percentage of the team size (may pass 100 if the size is low)."""
        if not self.size:
            return None
        return 100.0 * self.submitted / self.size

    @property
    def bar_width(self) -> float:
        return min(self.rate or 0.0, 100.0)


@dataclass
class CampaignProgress:
    submitted: int = 0
    in_progress: int = 0
    test: int = 0  # test responses, submitted or not: counted apart, never in the rates
    teams: list[TeamProgress] = field(default_factory=list)
    without_team: TeamProgress | None = None
    measured_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def total(self) -> int:
        return self.submitted + self.in_progress

    @property
    def expected(self) -> int | None:
        """The sum of the team sizes, if every team has a size."""
        sizes = [team.size for team in self.teams if team.size]
        if not sizes or len(sizes) < len(self.teams):
            return None
        return sum(sizes)

    @property
    def rate(self) -> float | None:
        """Overall response rate: only when every team has a size."""
        expected = self.expected
        if not expected:
            return None
        submitted_in_teams = sum(team.submitted for team in self.teams)
        return 100.0 * submitted_in_teams / expected

    @property
    def bar_width(self) -> float:
        return min(self.rate or 0.0, 100.0)


def campaign_progress(campaign: Campaign, teams: Iterable[Team] | None = None) -> CampaignProgress:
    """Live response counts per team: two queries (one if `teams` is given), however many."""
    progress = CampaignProgress()
    by_team: dict[int | None, TeamProgress] = {}
    for team in campaign.teams.all() if teams is None else teams:
        row = TeamProgress(name=team.name, size=team.expected_size, token=team.token, pk=team.pk)
        progress.teams.append(row)
        by_team[team.pk] = row
    counts = (
        Response.objects.filter(campaign=campaign)
        .values_list("team_id", "status", "is_test")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for team_id, status, is_test, n in counts:
        if is_test:
            progress.test += n
            continue
        if team_id in by_team:
            row = by_team[team_id]
        else:
            if progress.without_team is None:
                progress.without_team = TeamProgress(name=_("No team chosen"), size=None)
            row = progress.without_team
        if status == Response.SUBMITTED:
            row.submitted += n
            progress.submitted += n
        else:
            row.in_progress += n
            progress.in_progress += n
    return progress


@dataclass
class InvitationSummary:
    invited: int = 0
    completed: int = 0
    reminded: int = 0

    @property
    def open(self) -> int:
        return self.invited - self.completed


def invitation_summary(campaign: Campaign) -> InvitationSummary:
    """Counts only: who completed is not shown per address."""
    counts = Invitation.objects.filter(campaign=campaign).aggregate(
        invited=Count("pk"),
        completed=Count("pk", filter=Q(completed=True)),
        reminded=Count("pk", filter=Q(reminded_at__isnull=False)),
    )
    return InvitationSummary(**counts)


@dataclass(frozen=True)
class MirrorSummary:
    """The customer mirror beside its campaign: the mirror and its counted responses."""

    campaign: Campaign
    submitted: int


def customer_mirror_of(campaign: Campaign) -> MirrorSummary | None:
    """`campaign`'s customer mirror with its count (one query), or None: also for a
    mirror itself, whose page shows the campaign it mirrors instead."""
    if campaign.is_customer_mirror:
        return None
    mirror = Campaign.objects.with_counts().filter(mirror_of=campaign).first()
    if mirror is None:
        return None
    return MirrorSummary(campaign=mirror, submitted=mirror.submitted_count)
