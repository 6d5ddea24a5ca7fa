"""Item quality of a campaign for the admin and consultant: Cronbach's alpha per dimension,
and per item the corrected item-total correlation and alpha if the item is deleted
(`reports.item_analysis` computes them), over the responses the campaign's results count,
and only from k of them. An item is flagged when it is weak (item-total below
ITEM_TOTAL_WEAK) or lowers alpha (alpha without it is higher by more than
ALPHA_GAIN_MARGIN)."""

from __future__ import annotations

from dataclasses import dataclass

from assessment.anonymity import validate_threshold
from assessment.models import Campaign, Team
from questionnaires.translation import active_language
from reports import scoring
from reports.data import (
    CampaignStructure,
    ResponseMatrix,
    full_code,
    load_responses,
    load_structure,
    load_teams,
)
from reports.item_analysis import analyse_items
from reports.results import counted_results

ALPHA_WEAK = 0.6  # Cronbach's alpha below this: the items do not hang together well
ITEM_TOTAL_WEAK = 0.2  # corrected item-total correlation below this: a weak item
# An item "lowers alpha" only when alpha without it is higher by more than this. In the
# small groups of a round (from k respondents) sampling noise moves alpha if deleted a
# little either way, so an item that is as good as the others can come out a hair above
# alpha; a gain below 0.01 does not even show in the two decimals the page prints, so it
# is no reason to rewrite a statement.
ALPHA_GAIN_MARGIN = 0.01


@dataclass(frozen=True)
class ItemRow:
    code: str
    text: str
    reverse: bool
    item_total: float | None  # corrected item-total correlation
    alpha_if_deleted: float | None = None  # the dimension's alpha without this item
    lowers_alpha: bool = False  # alpha_if_deleted > the dimension's alpha + ALPHA_GAIN_MARGIN

    @property
    def weak(self) -> bool:
        return self.item_total is not None and self.item_total < ITEM_TOTAL_WEAK

    @property
    def flagged(self) -> bool:
        return self.weak or self.lowers_alpha


def lowers_alpha(alpha: float | None, without: float | None) -> bool:
    """Whether deleting the item raises the dimension's alpha by more than the margin."""
    return alpha is not None and without is not None and without > alpha + ALPHA_GAIN_MARGIN


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

    @property
    def alpha_gain_margin(self) -> float:
        return ALPHA_GAIN_MARGIN

    @property
    def flagged(self) -> tuple[ItemRow, ...]:
        """The statements to look at (weak or lowering alpha), in questionnaire order."""
        return tuple(item for dim in self.dimensions for item in dim.items if item.flagged)


def build_item_analysis(campaign: Campaign, *, language: str | None = None) -> ItemAnalysisReport:
    """Cronbach's alpha per dimension, the corrected item-total correlation and alpha if
    deleted per item (`reports.item_analysis`), only when the campaign has at least k
    submitted responses that its results count. A constant number of queries."""
    campaign = Campaign.objects.select_related("questionnaire_version").get(pk=campaign.pk)
    structure = load_structure(campaign.questionnaire_version)
    data = counted_results(campaign, structure, load_teams(campaign)).data
    return _report(campaign, structure, data, language)


def dashboard_item_quality(
    campaign: Campaign, teams: dict[int, Team], counted: int, *, language: str | None = None
) -> ItemAnalysisReport:
    """The item analysis for the dashboard, which has already loaded the campaign's
    teams and counted the responses its results count (``counted``, the whole campaign's
    respondents of its profile): the same report as `build_item_analysis` on the same
    responses, in three queries."""
    structure = load_structure(campaign.questionnaire_version)
    data = load_responses(campaign, structure, first=counted).canonical(teams)
    return _report(campaign, structure, data, language)


def _report(
    campaign: Campaign, structure: CampaignStructure, data: ResponseMatrix, language: str | None
) -> ItemAnalysisReport:
    language = language or active_language(campaign.language)
    k = validate_threshold(int(campaign.anonymity_threshold))
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
                        alpha_if_deleted=stat.alpha_if_deleted,
                        lowers_alpha=lowers_alpha(result.alpha, stat.alpha_if_deleted),
                    )
                    for stat in result.items
                ),
            )
        )
    return ItemAnalysisReport(True, analysis.respondents, k, None, tuple(rows))
