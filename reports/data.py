"""Reading a campaign from the database into the plain data `reports.scoring` works on.

`load_structure(version)` turns a questionnaire version into a scoring
`QuestionnaireStructure` (one query) with the model objects alongside, for texts.
`load_responses(campaign, structure)` reads the submitted responses and their answers in
two queries, whatever the number of respondents, and fills numpy matrices directly: a
respondents x items float matrix (1-5, NaN = unanswered or don't know) and a boolean
"don't know" matrix (an Answer row with a NULL value); no Answer row = unanswered.
Rows come in primary-key order; `ResponseMatrix.canonical` sorts them by content, which
scoring uses (see there). Callers that show rows to people must not keep the primary-key
order (it follows the time of answering).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt
from django.db import connections, router
from django.db.models import Q
from django.db.models.functions import Coalesce

from assessment.models import Answer, Campaign, Response, Team, counted_filter
from questionnaires.models import Dimension, Framework, Item, QuestionnaireVersion, VersionItem
from reports.scoring import DimensionSpec, FrameworkSpec, QuestionnaireStructure

FloatMatrix = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class CampaignStructure:
    """A questionnaire version in column order, with the scoring structure.

    Dimension codes in ``structure`` are full codes (``keys.journey``).
    """

    version: QuestionnaireVersion
    items: tuple[Item, ...]  # column order (the version's order)
    frameworks: tuple[Framework, ...]  # in order, only those with items in the version
    dimensions: tuple[Dimension, ...]  # in order, only those with items in the version
    structure: QuestionnaireStructure

    @property
    def item_codes(self) -> tuple[str, ...]:
        return self.structure.item_codes

    def column_of(self) -> dict[int, int]:
        """item id -> column."""
        return {item.pk: column for column, item in enumerate(self.items)}


def full_code(dimension: Dimension) -> str:
    return f"{dimension.framework.code}.{dimension.code}"


def load_structure(version: QuestionnaireVersion) -> CampaignStructure:
    """The version's items in order (framework, dimension, position in the version, code)
    and the scoring structure built from them. One query."""
    links = (
        VersionItem.objects.filter(version=version)
        .select_related("item__dimension__framework")
        .in_column_order()
    )
    items = tuple(link.item for link in links)
    frameworks: dict[int, Framework] = {}
    dimensions: dict[int, Dimension] = {}
    columns: dict[int, list[int]] = {}
    for column, item in enumerate(items):
        dimension = item.dimension
        dimensions.setdefault(dimension.pk, dimension)
        frameworks.setdefault(dimension.framework_id, dimension.framework)
        columns.setdefault(dimension.pk, []).append(column)
    structure = QuestionnaireStructure(
        frameworks=tuple(FrameworkSpec(f.code, f.aggregation) for f in frameworks.values()),
        dimensions=tuple(
            DimensionSpec(full_code(d), d.framework.code, tuple(columns[d.pk]), float(d.weight))
            for d in dimensions.values()
        ),
        reverse=tuple(bool(item.reverse_keyed) for item in items),
        thresholds=(
            float(version.clear_threshold),
            float(version.cut_threshold),
            float(version.shining_threshold),
        ),
        item_codes=tuple(item.code for item in items),
    )
    return CampaignStructure(
        version=version,
        items=items,
        frameworks=tuple(frameworks.values()),
        dimensions=tuple(dimensions.values()),
        structure=structure,
    )


@dataclass(frozen=True, eq=False)
class ResponseMatrix:
    """Submitted responses (rows, primary-key order) x the version's items (columns)."""

    response_ids: IntArray
    team_ids: tuple[int | None, ...]
    roles: tuple[str | None, ...]  # role code, None when not given
    values: FloatMatrix  # 1-5; NaN = unanswered or don't know
    dont_know: BoolMatrix

    @property
    def n(self) -> int:
        return len(self.response_ids)

    def team_labels(self, teams: dict[int, Team]) -> list[str | None]:
        return [None if t is None else teams[t].name for t in self.team_ids]

    def row_of(self) -> dict[int, int]:
        return {int(pk): row for row, pk in enumerate(self.response_ids)}

    def canonical(self, teams: dict[int, Team]) -> ResponseMatrix:
        """The same responses, rows sorted by team name, role and answers.

        Results then do not depend on the order in which rows were stored (float sums
        are order-sensitive in the last digit): the same answers give bit-identical
        scores in any campaign, and the row order says nothing about time.
        """
        if self.n < 2:
            return self
        names = sorted({t.name for t in teams.values()})
        rank = {name: i + 1 for i, name in enumerate(names)}
        team_key = np.array(
            [0 if t is None else rank[teams[t].name] for t in self.team_ids], dtype=np.int64
        )
        role_rank = {code: i + 1 for i, code in enumerate(Response.ROLE_CODES)}
        role_key = np.array([role_rank.get(r or "", 0) for r in self.roles], dtype=np.int64)
        cells = np.where(self.dont_know, 0, np.nan_to_num(self.values, nan=-1.0)).astype(np.int8)
        keys = [cells[:, j] for j in range(cells.shape[1] - 1, -1, -1)]
        sort_keys: tuple[npt.NDArray[np.signedinteger], ...] = (*keys, role_key, team_key)
        order = np.lexsort(sort_keys)
        return ResponseMatrix(
            response_ids=self.response_ids[order],
            team_ids=tuple(self.team_ids[i] for i in order),
            roles=tuple(self.roles[i] for i in order),
            values=self.values[order],
            dont_know=self.dont_know[order],
        )


def submitted_filter(
    campaign: Campaign | int,
    *,
    team_id: int | None = None,
    role: str | None = None,
    prefix: str = "",
) -> Q:
    """Filter on the submitted responses of a campaign that count (test responses never
    do), optionally of one team / one role; ``prefix`` is the path to the Response
    (``"response__"`` from an Answer)."""
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    q = Q(**{f"{prefix}campaign_id": campaign_id}) & counted_filter(prefix)
    if team_id is not None:
        q &= Q(**{f"{prefix}team_id": team_id})
    if role is not None:
        q &= Q(**{f"{prefix}role": role})
    return q


def _fetch_int_rows(queryset, width: int) -> IntArray:
    """Run a values_list queryset of integer columns on a plain cursor (one query) and
    return an n x width int64 array, bypassing the ORM's per-row work."""
    sql, params = queryset.query.sql_with_params()
    connection = connections[router.db_for_read(queryset.model)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return np.zeros((0, width), dtype=np.int64)
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width)
    return flat.reshape(len(rows), width)


def load_responses(
    campaign: Campaign,
    structure: CampaignStructure,
    *,
    team_id: int | None = None,
    role: str | None = None,
    first: int | None = None,
) -> ResponseMatrix:
    """The campaign's submitted responses (or one team's / one role's) as matrices;
    with ``first``, only that many, the earliest submitted.

    Two queries, independent of the number of respondents.
    """
    selected = Response.objects.filter(submitted_filter(campaign, team_id=team_id, role=role))
    if first is not None:
        selected = selected.order_by("submitted_at", "pk")[:first]
    responses = sorted(selected.values_list("pk", "team_id", "role"))
    n_rows = len(responses)
    n_items = structure.structure.n_items
    response_ids = np.fromiter((r[0] for r in responses), dtype=np.int64, count=n_rows)
    values = np.full((n_rows, n_items), np.nan)
    dont_know = np.zeros((n_rows, n_items), dtype=bool)

    if n_rows and n_items:
        # value 0 stands for NULL ("don't know"); real values are 1-5.
        answers = _fetch_int_rows(
            Answer.objects.filter(
                submitted_filter(campaign, team_id=team_id, role=role, prefix="response__")
            )
            .order_by()
            .values_list("response_id", "item_id", Coalesce("value", 0)),
            3,
        )
        if len(answers):
            # Row of each answer; a response submitted between the two queries is skipped.
            row = np.searchsorted(response_ids, answers[:, 0])
            row_ok = row < n_rows
            row_ok[row_ok] = response_ids[row[row_ok]] == answers[row_ok, 0]
            # Column of each answer; items outside the version are skipped.
            item_ids = np.fromiter((i.pk for i in structure.items), dtype=np.int64)
            lookup = np.full(int(max(item_ids.max(), answers[:, 1].max())) + 1, -1, np.int64)
            lookup[item_ids] = np.arange(n_items)
            col = lookup[answers[:, 1]]
            keep = row_ok & (col >= 0)
            row, col, val = row[keep], col[keep], answers[keep, 2]
            is_dk = val == 0
            values[row[~is_dk], col[~is_dk]] = val[~is_dk]
            dont_know[row[is_dk], col[is_dk]] = True

    return ResponseMatrix(
        response_ids=response_ids,
        team_ids=tuple(r[1] for r in responses),
        roles=tuple(r[2] or None for r in responses),
        values=values,
        dont_know=dont_know,
    )


def load_teams(campaign: Campaign) -> dict[int, Team]:
    """The campaign's teams in their order (one query)."""
    return {
        team.pk: team for team in Team.objects.filter(campaign=campaign).order_by("order", "name")
    }
