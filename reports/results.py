"""The responses a campaign's results count, and what of them may be shown.

While fieldwork runs, results count the earliest submitted responses in whole steps of k
(or none at all, if the consultant chose to wait for the close), so two moments never
differ by fewer than k responses; and only the whole campaign is shown. Once fieldwork
has ended, every submitted response counts and the release rule decides per group.
Test responses never count (`reports.data.submitted_filter`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assessment.anonymity import counted_in_steps, validate_threshold
from assessment.models import Campaign, Response, Team
from assessment.roles import EMPLOYEE_ROLES
from questionnaires.models import Item
from reports import scoring
from reports.data import CampaignStructure, ResponseMatrix, load_responses, submitted_filter
from reports.release import Release


@dataclass(frozen=True, eq=False)
class CountedResults:
    data: ResponseMatrix  # the counted responses, in canonical row order
    prepared: scoring.PreparedAnswers
    release: Release
    submitted: int  # submitted responses that will count once fieldwork has ended

    @property
    def final(self) -> bool:
        return self.release.final


def shown_items(structure: CampaignStructure, roles: Sequence[str | None]) -> np.ndarray | None:
    """respondents x items: False where an employee never got a management-only item
    (None when the version has none, as the shipped banks)."""
    for_management = np.array([item.audience == Item.MANAGEMENT for item in structure.items])
    if not for_management.any():
        return None
    employees = np.array([role in EMPLOYEE_ROLES for role in roles])
    return ~(employees[:, None] & for_management[None, :])


def counted_results(
    campaign: Campaign, structure: CampaignStructure, teams: dict[int, Team]
) -> CountedResults:
    """Three queries, whatever the number of respondents."""
    k = validate_threshold(int(campaign.anonymity_threshold))
    final = campaign.fieldwork_ended()
    submitted = Response.objects.filter(submitted_filter(campaign)).count()
    first = None
    if not final:
        waits = campaign.results_during_fieldwork == Campaign.RESULTS_AFTER_CLOSING
        first = 0 if waits else counted_in_steps(submitted, k)
    data = load_responses(campaign, structure, first=first).canonical(teams)
    prepared = scoring.prepare(
        structure.structure, data.values, data.dont_know, shown_items(structure, data.roles)
    )
    cells = [
        ("" if team_id is None else teams[team_id].name, role or "")
        for team_id, role in zip(data.team_ids, data.roles, strict=True)
    ]
    team_names = [team.name for team in teams.values()]
    release = Release.of(prepared, cells, team_names, k, final=final)
    return CountedResults(data=data, prepared=prepared, release=release, submitted=submitted)
