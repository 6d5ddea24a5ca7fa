"""The round a campaign is compared with: the organisation's previous campaign on the
same questionnaire, its results for the same team or role, and which dimensions the two
rounds measure in the same way (a later bank edition may have rebuilt some)."""

from __future__ import annotations

from dataclasses import dataclass, field

from assessment.anonymity import Group
from assessment.models import Campaign
from questionnaires.editions import comparable_dimensions
from questionnaires.models import Item
from reports.data import CampaignStructure, full_code, load_structure, load_teams
from reports.results import counted_results


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The organisation's most recent earlier campaign on the same questionnaire."""
    return (
        Campaign.objects.filter(
            organisation_id=campaign.organisation_id,
            questionnaire_version__questionnaire_id=campaign.questionnaire_version.questionnaire_id,
            created_at__lt=campaign.created_at,
        )
        .exclude(pk=campaign.pk)
        .select_related("questionnaire_version")
        .order_by("-created_at", "-pk")
        .first()
    )


def _items_by_dimension(structure: CampaignStructure) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for item in structure.items:
        out.setdefault(full_code(item.dimension), []).append(item.pk)
    return out


def _not_comparable(previous: CampaignStructure, current: CampaignStructure) -> tuple[str, ...]:
    """Dimensions of the current round that the previous round's items do not measure
    in the same way (a later bank edition that rebuilt them). One query."""
    if previous.version.pk == current.version.pk:
        return ()
    replaces: dict[int, list[int]] = {}
    links = Item.replaces.through.objects.filter(from_item_id__in=[i.pk for i in current.items])
    for new_id, old_id in links.values_list("from_item_id", "to_item_id"):
        replaces.setdefault(new_id, []).append(old_id)
    newer = _items_by_dimension(current)
    comparable = comparable_dimensions(_items_by_dimension(previous), newer, replaces)
    return tuple(code for code in newer if code not in comparable)


@dataclass(frozen=True)
class PreviousRound:
    """What the current round is compared with: the previous round's dimension scores
    (full code -> score) for the same scope, as far as that round's own release shows
    them and only where both rounds measure a dimension in the same way; its overall
    index; and the dimension codes left out because they are not comparable."""

    scores: dict[str, float | None] = field(default_factory=dict)
    overall: float | None = None
    not_comparable: tuple[str, ...] = ()
    # Dimensions only the previous round measured: in its index, not in this one's.
    only_before: tuple[str, ...] = ()

    @property
    def index_differs(self) -> int:
        """How many dimensions make the two indexes differ in what they cover."""
        return len(self.not_comparable) + len(self.only_before)


def previous_round(previous: Campaign, current: CampaignStructure, group: Group) -> PreviousRound:
    """The previous round's results for the same scope; empty while it is still running."""
    if not previous.fieldwork_ended():
        return PreviousRound()
    if previous.questionnaire_version_id == current.version.pk:
        structure = current
    else:
        structure = load_structure(previous.questionnaire_version)
    not_comparable = _not_comparable(structure, current)
    measured_now = _items_by_dimension(current)
    only_before = tuple(code for code in _items_by_dimension(structure) if code not in measured_now)
    teams = load_teams(previous)
    if group.team is not None and group.team not in {t.name for t in teams.values()}:
        return PreviousRound(not_comparable=not_comparable, only_before=only_before)
    results = counted_results(previous, structure, teams)
    scores = results.release.scores(results.prepared, group)
    if scores is None:
        return PreviousRound(not_comparable=not_comparable, only_before=only_before)
    shown = scores.dimension_scores()
    return PreviousRound(
        scores={code: shown[code] for code in shown if code not in not_comparable},
        overall=scores.overall.score,
        not_comparable=not_comparable,
        only_before=only_before,
    )
