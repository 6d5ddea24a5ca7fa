"""The customer mirror: management, employees and customers side by side, per dimension.

Pure functions on plain data (no Django, no database). The customers' dimension scores
are `reports.scoring` results of the mirror campaign's own answers (the same keying,
"half of a dimension answered" rule and 0-100 score as every internal score), released
by the mirror's own anonymity rule; `reports.mirror_data` reads them. Management and
employees are the two sides of the internal perception gap (`Profile.sides`).

The *self-image gap* is management minus customers, flagged by the rule the perception
gap uses (`comparisons.is_flagged`). The *headline* sets management's mean beside the
customers' mean over the same dimensions: the dimensions where both are shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from reports.comparisons import is_flagged
from reports.profile import fields_of
from reports.scoring import GroupScores

# What the page says instead of the customers' figures.
NO_MIRROR, WAITING, BELOW, RESULTS = "none", "waiting", "below", "results"

Scores = Mapping[str, float | None]  # full dimension code -> score, None = not shown


@dataclass(frozen=True)
class MirrorRow:
    dimension: str  # full code of the internal dimension the statements mirror
    name: str
    management: float | None  # None: not measured internally, or hidden below k
    employees: float | None
    customers: float | None  # None: fewer than k customers answered it
    n_customers: int  # customers with a score in this dimension (0 when hidden)
    self_image_gap: float | None  # management - customers, when both are shown
    flagged: bool  # |self_image_gap| >= the perception gap's flag (15)

    def as_dict(self) -> dict[str, Any]:
        # The name is in the profile's language; the JSON names dimensions by code.
        return {key: value for key, value in asdict(self).items() if key != "name"}


@dataclass(frozen=True)
class Segment:
    """A customer segment the release shows (a segment below k is not listed at all)."""

    name: str
    n: int
    scores: dict[str, float | None]  # full dimension code -> score

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "n": self.n, "dimensions": dict(self.scores)}


@dataclass(frozen=True)
class Headline:
    """ "We score ourselves 84, our customers score us 53": unweighted means of the
    dimension scores over the dimensions where both management and customers are shown
    (see `headline`)."""

    management: float | None  # None when management is hidden (or measured none of them)
    customers: float | None
    dimensions: int  # how many dimensions both means cover
    management_hidden: bool  # the internal release hides management: say so

    def as_dict(self) -> dict[str, Any]:
        return fields_of(self, "management", "customers", "dimensions", "management_hidden")


@dataclass(frozen=True)
class CustomerMirror:
    state: str  # NO_MIRROR | WAITING (until the mirror closes) | BELOW k | RESULTS
    k: int  # the mirror's own anonymity threshold
    n: int  # customer responses released (0 unless RESULTS)
    final: bool  # False while the mirror's fieldwork runs (whole customers only)
    rows: tuple[MirrorRow, ...] = ()
    segments: tuple[Segment, ...] = ()
    headline: Headline | None = None
    # What customers wrote, once the mirror has closed, of segments of at least k (the
    # internal rule for comment lists); how many were left out.
    comments: tuple[str, ...] = ()
    comments_hidden: int = 0

    @property
    def flagged(self) -> tuple[MirrorRow, ...]:
        return tuple(row for row in self.rows if row.flagged)

    def table(self) -> tuple[tuple[MirrorRow, tuple[float | None, ...]], ...]:
        """Each row with its scores in the shown segments, in the order of `segments`."""
        return tuple(
            (row, tuple(segment.scores.get(row.dimension) for segment in self.segments))
            for row in self.rows
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            **fields_of(self, "state", "k", "n", "final"),
            "dimensions": [row.as_dict() for row in self.rows],
            "segments": [segment.as_dict() for segment in self.segments],
            "headline": None if self.headline is None else self.headline.as_dict(),
            "comments": list(self.comments),
        }


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def headline(rows: Sequence[MirrorRow], management_hidden: bool) -> Headline:
    """Both means over the dimensions both sides show; with management hidden, the
    customers' mean over every dimension they score, and management None."""
    customers = [row for row in rows if row.customers is not None]
    both = [row for row in customers if row.management is not None]
    return Headline(
        management=_mean([row.management for row in both if row.management is not None]),
        customers=_mean(
            [
                row.customers
                for row in (customers if management_hidden else both)
                if row.customers is not None
            ]
        ),
        dimensions=len(customers if management_hidden else both),
        management_hidden=management_hidden,
    )


def mirror_rows(
    customers: GroupScores, names: Mapping[str, str], management: Scores, employees: Scores
) -> tuple[MirrorRow, ...]:
    """One row per mirrored dimension, in the customer questionnaire's order."""
    rows = []
    for result in customers.dimensions:
        ours = management.get(result.code)
        theirs = result.score
        gap = None if ours is None or theirs is None else ours - theirs
        rows.append(
            MirrorRow(
                dimension=result.code,
                name=names.get(result.code, result.code),
                management=ours,
                employees=employees.get(result.code),
                customers=theirs,
                n_customers=result.n if theirs is not None else 0,
                self_image_gap=gap,
                flagged=gap is not None and is_flagged(gap),
            )
        )
    return tuple(rows)


def customer_mirror(
    *,
    k: int,
    final: bool,
    customers: GroupScores | None,
    segments: Sequence[tuple[str, GroupScores]],
    names: Mapping[str, str],
    sides: Mapping[str, Scores],
    waiting: bool = False,
    comments: Sequence[str] = (),
    comments_hidden: int = 0,
) -> CustomerMirror:
    """The mirror of released customer scores (`customers` None: the release hides the
    customers as a whole) beside the internal `sides` (`Profile.sides`), with the
    customers' released `comments`."""
    if customers is None:
        return CustomerMirror(state=WAITING if waiting else BELOW, k=k, n=0, final=final)
    management = sides.get("management")
    rows = mirror_rows(customers, names, management or {}, sides.get("employees") or {})
    return CustomerMirror(
        state=RESULTS,
        k=k,
        n=customers.respondents,
        final=final,
        rows=rows,
        segments=tuple(
            Segment(name, scores.respondents, scores.dimension_scores())
            for name, scores in segments
        ),
        headline=headline(rows, management_hidden=management is None),
        comments=tuple(comments),
        comments_hidden=comments_hidden,
    )
