"""Item quality of a campaign for the admin and consultant: Cronbach's alpha per dimension
and the corrected item-total correlation per item (`reports.item_analysis` computes them),
over the responses the campaign's results count, and only from k of them."""

from __future__ import annotations

from dataclasses import dataclass

from assessment.anonymity import validate_threshold
from assessment.models import Campaign
from questionnaires.translation import active_language
from reports import scoring
from reports.data import full_code, load_structure, load_teams
from reports.item_analysis import analyse_items
from reports.results import counted_results

ALPHA_WEAK = 0.6  # Cronbach's alpha below this: the items do not hang together well
ITEM_TOTAL_WEAK = 0.3  # corrected item-total correlation below this: a weak item


@dataclass(frozen=True)
class ItemRow:
    code: str
    text: str
    reverse: bool
    item_total: float | None  # corrected item-total correlation

    @property
    def weak(self) -> bool:
        return self.item_total is not None and self.item_total < ITEM_TOTAL_WEAK


@dataclass(frozen=True)
class DimensionReliabilityRow:
    code: str  # full code
    name: str
    framework: str  # framework name
    n_complete: int  # respondents who answered every item of the dimension
    alpha: float | None
    reason: str | None  # why the statistics are withheld
    items: tuple[ItemRow, ...]

    @property
    def weak(self) -> bool:
        return self.alpha is not None and self.alpha < ALPHA_WEAK


@dataclass(frozen=True)
class ItemAnalysisReport:
    available: bool
    respondents: int
    anonymity_threshold: int
    reason: str | None  # why nothing is reported ("fewer than k responses")
    dimensions: tuple[DimensionReliabilityRow, ...]


def build_item_analysis(campaign: Campaign, *, language: str | None = None) -> ItemAnalysisReport:
    """Cronbach's alpha per dimension and the corrected item-total correlation per item
    (`reports.item_analysis`), only when the campaign has at least k submitted responses.
    A constant number of queries."""
    campaign = Campaign.objects.select_related("questionnaire_version").get(pk=campaign.pk)
    language = language or active_language(campaign.language)
    k = validate_threshold(int(campaign.anonymity_threshold))
    structure = load_structure(campaign.questionnaire_version)
    data = counted_results(campaign, structure, load_teams(campaign)).data
    keyed = scoring.keyed_values(data.values, structure.structure.reverse, data.dont_know)
    analysis = analyse_items(structure.structure, keyed, k)
    if not analysis.available:
        return ItemAnalysisReport(False, analysis.respondents, k, analysis.reason, ())
    items = {item.code: item for item in structure.items}
    dims = {full_code(d): d for d in structure.dimensions}
    rows = []
    for result in analysis.dimensions:
        dim = dims[result.code]
        rows.append(
            DimensionReliabilityRow(
                code=result.code,
                name=dim.tr("name", language),
                framework=dim.framework.tr("name", language),
                n_complete=result.n_complete,
                alpha=result.alpha,
                reason=result.reason,
                items=tuple(
                    ItemRow(
                        code=stat.code,
                        text=items[stat.code].tr("text", language),
                        reverse=items[stat.code].reverse_keyed,
                        item_total=stat.item_total,
                    )
                    for stat in result.items
                ),
            )
        )
    return ItemAnalysisReport(True, analysis.respondents, k, None, tuple(rows))
