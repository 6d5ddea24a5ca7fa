"""Importing a response file (`assessment.response_file`) as submitted responses.

All or nothing, without locking respondents out:

* the file's size is checked before anything is read (`RESPONSES_IMPORT_MAX_BYTES`,
  default 20 MB), its rows while it is read (`RESPONSES_IMPORT_MAX_ROWS`, default 20,000);
* validation streams the file row by row; what it keeps grows only with the number of
  respondent ids (bounded by the row limit) and is at most `MAX_PROBLEMS` problems;
* a valid file is read a second time and stored in short transactions of
  `RESPONSES_IMPORT_BATCH_SIZE` responses (default 500), so respondents who submit
  meanwhile wait for one batch at most, never for the whole file. The rows are staged:
  ``in_progress`` with ``submitted_at`` already set, a combination the respondent flow
  never makes, so no result counts them. One short UPDATE then submits them all at
  once; when anything fails the staged rows are deleted and nothing is stored. On
  SQLite the import pauses after each batch, so waiting respondents get their turn.

Imported rows are historical data: every valid row is kept, however few answers it has.
"""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from .models import Answer, Campaign, Comment, Response
from .response_file import (
    ANSWERS,
    COMMENT,
    COMMENT_MAX_LENGTH,
    DONT_KNOW,
    REQUIRED_COLUMNS,
    RESPONDENT,
    RESPONDENT_MAX_LENGTH,
    ROLE,
    ROLE_CODES,
    TEAM,
    UnreadableFile,
    item_columns,
    read_records,
    unsafe_text,
)
from .text import clean_comment
from .tokens import digest, new_token

DEFAULT_MAX_ROWS = 20_000
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_BATCH_SIZE = 500
MAX_PROBLEMS = 100
# SQLite has a single write lock, and the busy handler of a writer waiting for it
# retries at most every 100 ms: a pause this long after each batch lets every
# respondent who waited for that batch in (inside a caller's transaction the lock is
# held anyway). PostgreSQL locks rows: nobody waits there.
SQLITE_PAUSE_SECONDS = 0.1

Source = bytes | BinaryIO


def max_rows() -> int:
    return int(getattr(settings, "RESPONSES_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def max_bytes() -> int:
    return int(getattr(settings, "RESPONSES_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def batch_size() -> int:
    return int(getattr(settings, "RESPONSES_IMPORT_BATCH_SIZE", DEFAULT_BATCH_SIZE))


@dataclass(frozen=True)
class ImportProblem:
    """One problem in a response file; ``row`` counts like a spreadsheet (header = 1)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class InvalidResponsesFile(ValueError):
    """The file was refused; ``errors`` lists its problems. Nothing was stored."""

    def __init__(self, errors: list[ImportProblem]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass(frozen=True)
class ImportPlan:
    """A valid file: what importing it will store."""

    n_responses: int
    n_answers: int
    n_comments: int


@dataclass(frozen=True)
class ImportResult:
    responses: int
    answers: int
    comments: int


@dataclass(frozen=True)
class PlannedResponse:
    row: int
    respondent: str
    team_id: int | None
    role: str
    answers: tuple[tuple[int, int | None], ...]  # (item id, 1-5 or None = don't know)
    comment: str


class _Fatal(Exception):
    """A problem after which the rest of the file cannot be read."""

    def __init__(self, problem: ImportProblem):
        self.problem = problem


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _stream(source: Source) -> BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes) else source


def _check_size(source: Source) -> None:
    size = _stream(source).seek(0, io.SEEK_END)
    if size > max_bytes():
        raise _Fatal(
            ImportProblem(
                None,
                None,
                f"the file is {_megabytes(size)} MB; at most {_megabytes(max_bytes())} MB "
                "can be imported at once (setting RESPONSES_IMPORT_MAX_BYTES): "
                "split it into smaller files",
            )
        )


class _Reader:
    """Reads one file against one campaign: `planned()` yields the valid rows and adds
    every problem to ``problems`` (at most `MAX_PROBLEMS`)."""

    def __init__(self, campaign: Campaign, problems: list[ImportProblem]):
        self.campaign = campaign
        self.problems = problems
        self.version = campaign.questionnaire_version
        self.item_ids = {c.code: c.item_id for c in item_columns(self.version)}
        teams = list(campaign.teams.order_by("order", "name"))
        self.team_by_name = {t.name: t.pk for t in teams}
        self.team_by_folded = {t.name.casefold(): t.pk for t in teams}
        self.team_list = ", ".join(t.name for t in teams) or "none"
        self.rows_of: dict[str, int] = {}  # respondent id -> its row in the file

    def problem(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.problems) == MAX_PROBLEMS:
            raise _Fatal(
                ImportProblem(None, None, f"stopped after {MAX_PROBLEMS} problems; fix these first")
            )
        self.problems.append(ImportProblem(row, column, message))

    def planned(self, source: Source) -> Iterator[PlannedResponse]:
        try:
            _check_size(source)
            yield from self._planned(read_records(_stream(source)))
        except UnreadableFile as error:
            self.problems.append(ImportProblem(error.row, None, error.message))
        except _Fatal as fatal:
            self.problems.append(fatal.problem)

    def _planned(self, records: Iterator[tuple[int, list[str]]]) -> Iterator[PlannedResponse]:
        columns = self._header(next(records)[1])
        respondent_at = columns.index(RESPONDENT) if RESPONDENT in columns else None
        rows = self._capped(r for r in records if any(cell.strip() for cell in r[1]))
        while chunk := list(itertools.islice(rows, batch_size())):
            taken = self._taken(chunk, respondent_at)
            for row, record in chunk:
                planned = self._row(row, record, columns, taken)
                if planned is not None:
                    yield planned

    def _capped(self, rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
        """The rows up to the row limit; the one after it ends the reading."""
        limit = max_rows()
        for count, (row, record) in enumerate(rows, start=1):
            if count > limit:
                raise _Fatal(
                    ImportProblem(
                        row,
                        None,
                        f"the file has more than {limit} responses; at most {limit} can be "
                        "imported at once (setting RESPONSES_IMPORT_MAX_ROWS): split it into "
                        "smaller files",
                    )
                )
            yield row, record

    def _header(self, header: list[str]) -> list[str | None]:
        """Normalised column names: "" = an unnamed column (must stay empty), None = a
        refused column (its cells are not read)."""
        version = self.version
        columns: list[str | None] = []
        seen: set[str] = set()
        for raw in header:
            name = raw.strip().lower()
            if not name:
                columns.append("")
            elif name in seen:
                self.problem(1, raw.strip(), "this column appears twice")
                columns.append(None)
            elif name not in self.item_ids and name not in (*REQUIRED_COLUMNS, COMMENT):
                self.problem(
                    1,
                    raw.strip(),
                    "unknown column: not an item code of questionnaire "
                    f"{version.questionnaire.code} version {version.number}",
                )
                columns.append(None)
            else:
                seen.add(name)
                columns.append(name)
        for required in REQUIRED_COLUMNS:
            if required not in seen:
                self.problem(1, required, "this required column is missing")
        if not seen & self.item_ids.keys():
            self.problem(1, None, "the header has no item codes of this campaign's questionnaire")
        return columns

    def _taken(self, chunk: list[tuple[int, list[str]]], at: int | None) -> set[str]:
        """The respondent ids of this chunk that are already in the campaign (one query)."""
        if at is None:
            return set()
        refs = {unsafe_text(r[at].strip()) for _, r in chunk if at < len(r)}
        return set(
            Response.objects.filter(campaign=self.campaign, respondent_ref__in=refs - {""})
            .order_by()
            .values_list("respondent_ref", flat=True)
        )

    def _row(
        self, row: int, record: list[str], columns: list[str | None], taken: set[str]
    ) -> PlannedResponse | None:
        before = len(self.problems)
        width = len(columns)
        if len(record) > width and any(cell.strip() for cell in record[width:]):
            self.problem(row, None, f"the row has {len(record)} cells but the header only {width}")
        cells: dict[str, str] = {}
        for index, name in enumerate(columns):
            value = record[index] if index < len(record) else ""
            if name:
                cells[name] = value
            elif name == "" and value.strip():
                self.problem(row, f"#{index + 1}", "a value in a column without a header")
        ref = self._respondent(row, cells, taken)
        team_id = self._team(row, cells)
        role = cells.get(ROLE, "").strip().lower()
        if role and role not in ROLE_CODES:
            self.problem(
                row,
                ROLE,
                f"unknown role {cells[ROLE].strip()!r}; use {', '.join(ROLE_CODES)} "
                "or leave it empty",
            )
        answers = self._answers(row, cells)
        comment = clean_comment(unsafe_text(cells.get(COMMENT, "")))
        if len(comment) > COMMENT_MAX_LENGTH:
            self.problem(
                row,
                COMMENT,
                f"the comment has {len(comment)} characters; at most "
                f"{COMMENT_MAX_LENGTH} are allowed",
            )
        if len(self.problems) > before:
            return None
        return PlannedResponse(row, ref, team_id, role, answers, comment)

    def _respondent(self, row: int, cells: dict[str, str], taken: set[str]) -> str:
        ref = unsafe_text(cells.get(RESPONDENT, "").strip())
        if RESPONDENT not in cells:
            return ref
        if not ref:
            self.problem(row, RESPONDENT, "the respondent id is empty")
        elif len(ref) > RESPONDENT_MAX_LENGTH:
            self.problem(
                row,
                RESPONDENT,
                f"the respondent id is longer than {RESPONDENT_MAX_LENGTH} characters",
            )
        elif ref in self.rows_of:
            self.problem(
                row, RESPONDENT, f"respondent id {ref!r} already appears on row {self.rows_of[ref]}"
            )
        elif ref in taken:
            self.problem(row, RESPONDENT, f"respondent id {ref!r} is already in this campaign")
        if ref:
            self.rows_of.setdefault(ref, row)
        return ref

    def _team(self, row: int, cells: dict[str, str]) -> int | None:
        name = unsafe_text(cells.get(TEAM, "").strip())
        if not name:
            return None
        team_id = self.team_by_name.get(name) or self.team_by_folded.get(name.casefold())
        if team_id is None:
            self.problem(
                row, TEAM, f"unknown team {name!r}; the campaign's teams are: {self.team_list}"
            )
        return team_id

    def _answers(self, row: int, cells: dict[str, str]) -> tuple[tuple[int, int | None], ...]:
        answers: list[tuple[int, int | None]] = []
        for name, raw in cells.items():
            item_id = self.item_ids.get(name)
            value = raw.strip()
            if item_id is None or not value:
                continue
            if value.lower() == DONT_KNOW:
                answers.append((item_id, None))
            elif value in ANSWERS:
                answers.append((item_id, ANSWERS[value]))
            else:
                self.problem(
                    row, name, f"{value!r} is not an answer: use 1 to 5, dk, or leave it empty"
                )
        return tuple(answers)


def _campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_related("questionnaire_version__questionnaire").get(
        pk=campaign.pk
    )


def validate_responses_csv(campaign: Campaign, source: Source) -> ImportPlan | list[ImportProblem]:
    """Check the whole file, streaming; what importing it would store, or its problems
    (each naming its row, header = row 1, and its column). Stores nothing."""
    problems: list[ImportProblem] = []
    responses = answers = comments = 0
    for planned in _Reader(_campaign(campaign), problems).planned(source):
        responses += 1
        answers += len(planned.answers)
        comments += bool(planned.comment)
    if not problems and not responses:
        problems.append(ImportProblem(None, None, "the file has no responses below the header"))
    return problems or ImportPlan(responses, answers, comments)


def import_responses(*, campaign: Campaign, source: Source) -> ImportResult:
    """Validate the file, then store it as submitted responses, all or nothing.

    Not one transaction on purpose: batches are staged in short transactions and
    submitted together by `_submit_staged` (see the module's docstring). Raises
    `InvalidResponsesFile` and stores nothing when the file has any problem.
    """
    campaign = _campaign(campaign)
    checked = validate_responses_csv(campaign, source)
    if isinstance(checked, list):
        raise InvalidResponsesFile(checked)
    stamp = timezone.now()
    problems: list[ImportProblem] = []
    reader = _Reader(campaign, problems)
    responses = answers = comments = 0
    try:
        planned = reader.planned(source)
        while batch := list(itertools.islice(planned, batch_size())):
            responses_of_batch = [_staged_response(campaign, stamp, p) for p in batch]
            stored = _stage_batch(responses=responses_of_batch, batch=batch)
            responses += len(batch)
            answers += stored[0]
            comments += stored[1]
            if connection.vendor == "sqlite" and not connection.in_atomic_block:
                time.sleep(SQLITE_PAUSE_SECONDS)
        if not problems:
            problems.extend(
                ImportProblem(
                    reader.rows_of.get(ref),
                    RESPONDENT,
                    f"respondent id {ref!r} is already in this campaign",
                )
                for ref in _submit_staged(campaign=campaign, stamp=stamp)
            )
    except BaseException:
        _discard_staged(campaign=campaign, stamp=stamp)
        raise
    if problems:
        _discard_staged(campaign=campaign, stamp=stamp)
        raise InvalidResponsesFile(problems)
    return ImportResult(responses=responses, answers=answers, comments=comments)


def _staged(campaign: Campaign, stamp):
    return Response.objects.filter(
        campaign=campaign, status=Response.IN_PROGRESS, submitted_at=stamp
    ).exclude(respondent_ref="")


def _staged_response(campaign: Campaign, stamp, planned: PlannedResponse) -> Response:
    return Response(
        campaign=campaign,
        team_id=planned.team_id,
        role=planned.role,
        status=Response.IN_PROGRESS,
        key_digest=digest("response", new_token()),
        resume_code_digest=digest("resume", new_token()),
        respondent_ref=planned.respondent,
        language=campaign.language,
        submitted_at=stamp,
    )


@transaction.atomic
def _stage_batch(*, responses: list[Response], batch: list[PlannedResponse]) -> tuple[int, int]:
    """Store one batch as staged responses (built beforehand, outside the lock);
    (answers, comments) stored. The answers, by far the most rows, go in through one
    `executemany`: the ORM's work per object would hold the write lock ten times longer."""
    created = Response.objects.bulk_create(responses)
    answers = [
        (r.pk, item_id, value)
        for r, p in zip(created, batch, strict=True)
        for item_id, value in p.answers
    ]
    with connection.cursor() as cursor:
        cursor.executemany(_insert_answer_sql(), answers)
    comments = Comment.objects.bulk_create(
        Comment(response_id=r.pk, topic="", text=p.comment)
        for r, p in zip(created, batch, strict=True)
        if p.comment
    )
    return len(answers), len(comments)


def _answer_column(name: str) -> str:
    field = Answer._meta.get_field(name)
    assert isinstance(field, Field)  # only called with Answer's own concrete fields
    return field.column


def _insert_answer_sql() -> str:
    quote = connection.ops.quote_name
    columns = (_answer_column(name) for name in ("response", "item", "value"))
    return (
        f"INSERT INTO {quote(Answer._meta.db_table)} "  # noqa: S608 - names from the model
        f"({', '.join(quote(c) for c in columns)}) VALUES (%s, %s, %s)"
    )


@transaction.atomic
def _submit_staged(*, campaign: Campaign, stamp) -> list[str]:
    """Submit the staged responses in one UPDATE, unless another import took one of
    their respondent ids meanwhile: then those ids, and nothing is submitted."""
    Campaign.objects.select_for_update().only("pk").get(pk=campaign.pk)  # one import at a time
    staged = _staged(campaign, stamp)
    clashes = list(
        Response.objects.filter(
            campaign=campaign, respondent_ref__in=staged.values("respondent_ref")
        )
        .exclude(pk__in=staged.values("pk"))
        .order_by("respondent_ref")
        .values_list("respondent_ref", flat=True)
        .distinct()[:MAX_PROBLEMS]
    )
    if not clashes:
        staged.update(status=Response.SUBMITTED, updated_at=timezone.now())
    return clashes


def _discard_staged(*, campaign: Campaign, stamp) -> None:
    """Delete the staged responses, in batches as short as those that stored them."""
    while _discard_batch(campaign=campaign, stamp=stamp):
        pass


@transaction.atomic
def _discard_batch(*, campaign: Campaign, stamp) -> int:
    ids = list(_staged(campaign, stamp).values_list("pk", flat=True)[: batch_size()])
    if ids:
        Response.objects.filter(pk__in=ids).delete()
    return len(ids)
