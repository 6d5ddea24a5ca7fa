"""Response files: export a campaign's submitted responses to CSV / XLSX, and import a
CSV of responses (validated as a whole first, then stored all-or-nothing).

The shape (DESIGN.md), the same for import and export: one row per respondent; columns
``respondent`` (any id), ``team``, ``role`` (``board``, ``manager``, ``employee``), then
one column per item code of the campaign's questionnaire version, in the version's
order, with 1-5, empty for unanswered, or ``dk`` for don't know; optional ``comment``.

Exports hide what the anonymity threshold hides: the team cell stays empty for a team
group below k, the role cell for a role group below k (both with the complementary
suppression), and the role cell also when team and role together form a hidden
team x role group. Comments of hidden groups are left out. Rows are in an order that
says nothing about when people answered, and web respondents get a sequence number.
Text cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assessment.models import Answer, Campaign, Comment, Response, Team
from assessment.tokens import digest, new_token
from reports import scoring
from reports.data import CampaignStructure, load_responses, load_structure, load_teams

RESPONDENT, TEAM, ROLE, COMMENT = "respondent", "team", "role", "comment"
REQUIRED_COLUMNS: tuple[str, ...] = (RESPONDENT, TEAM, ROLE)
ROLE_CODES: tuple[str, ...] = tuple(Response.ROLE_CODES)
DONT_KNOW = "dk"
VALUES = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
COMMENT_JOINER = " | "
RESPONDENT_MAX_LENGTH = Response._meta.get_field("respondent_ref").max_length
COMMENT_MAX_LENGTH = Comment.MAX_LENGTH
DELIMITERS = (",", ";", "\t")
# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


# =========================================================================== export


@dataclass(frozen=True)
class ExportTable:
    header: tuple[str, ...]
    # respondent, team, role, then per item 1-5 / "dk" / None, then the comment (if any)
    rows: tuple[tuple[str | int | None, ...], ...]


def _hidden(counts: dict[str, int], k: int) -> set[str]:
    return scoring.suppressed_groups(counts, k)


def _count(labels: Sequence[str | None]) -> dict[str, int]:
    out: dict[str, int] = {}
    for label in labels:
        if label:
            out[label] = out.get(label, 0) + 1
    return out


def export_table(campaign: Campaign) -> ExportTable:
    """The submitted responses as a table (a constant number of queries)."""
    campaign = Campaign.objects.select_related("questionnaire_version").get(pk=campaign.pk)
    k = int(campaign.anonymity_threshold)
    structure = load_structure(campaign.questionnaire_version)
    teams = load_teams(campaign)
    data = load_responses(campaign, structure)
    refs, digests = _refs_and_order_keys(campaign)
    comments: dict[int, list[str]] = {}
    for response_id, text in (
        Comment.objects.filter(response__campaign=campaign, response__status=Response.SUBMITTED)
        .order_by("response_id", "topic", "pk")
        .values_list("response_id", "text")
    ):
        if text and text.strip():
            comments.setdefault(response_id, []).append(text.strip())

    team_names = data.team_labels(teams)
    roles = list(data.roles)
    team_counts = {t.name: 0 for t in teams.values()} | _count(team_names)
    team_hidden = _hidden(team_counts, k)
    role_hidden = _hidden(dict.fromkeys(ROLE_CODES, 0) | _count(roles), k)
    pairs = scoring.cross_labels(team_names, roles)
    pair_hidden = _hidden(_count(pairs), k)
    below_threshold = data.n < k

    header = (
        RESPONDENT,
        TEAM,
        ROLE,
        *structure.item_codes,
        COMMENT,
    )
    cells_of = np.full(data.values.shape, None, dtype=object)
    answered = np.nonzero(~np.isnan(data.values) & ~data.dont_know)
    cells_of[answered] = data.values[answered].astype(np.int64).tolist()
    cells_of[data.dont_know] = DONT_KNOW
    order = sorted(range(data.n), key=lambda row: digests.get(int(data.response_ids[row]), ""))
    used_refs = {ref for ref in refs.values() if ref}
    width = max(3, len(str(data.n)))
    sequence = 0
    rows: list[tuple[str | int | None, ...]] = []
    for row in order:
        pk = int(data.response_ids[row])
        ref = refs.get(pk) or ""
        while not ref:
            sequence += 1
            candidate = f"r{sequence:0{width}d}"
            ref = "" if candidate in used_refs else candidate
        team_name, role = team_names[row], roles[row]
        team_cell = team_name if team_name and team_name not in team_hidden else ""
        role_cell = role if role and role not in role_hidden else ""
        if team_cell and role_cell and pairs[row] in pair_hidden:
            role_cell = ""
        if below_threshold:
            show = False
        elif team_name:
            show = team_name not in team_hidden
        elif role:
            show = role not in role_hidden
        else:
            show = True
        comment = COMMENT_JOINER.join(comments.get(pk, [])) if show else ""
        rows.append((ref, team_cell, role_cell, *cells_of[row].tolist(), comment))
    return ExportTable(header=header, rows=tuple(rows))


def _refs_and_order_keys(campaign: Campaign) -> tuple[dict[int, str], dict[int, str]]:
    """Per response its respondent id (imported files) and a keyed hash that gives an
    order unrelated to the time of answering. One query."""
    key = f"{settings.SECRET_KEY}:export:{campaign.token}".encode()
    refs: dict[int, str] = {}
    order: dict[int, str] = {}
    for pk, ref, key_digest in (
        Response.objects.filter(campaign=campaign, status=Response.SUBMITTED)
        .order_by()
        .values_list("pk", "respondent_ref", "key_digest")
    ):
        refs[pk] = ref
        order[pk] = hmac.new(key, key_digest.encode(), hashlib.sha256).hexdigest()
    return refs, order


def _safe_text(value: str) -> str:
    """Neutralise a text cell a spreadsheet would run as a formula (prefix a quote)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _unsafe_text(value: str) -> str:
    """Undo `_safe_text` on import."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def _csv_cell(value: str | int | None, text: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return _safe_text(value) if text else value


def export_responses_csv(campaign: Campaign) -> str:
    """The submitted responses as CSV text (comma-separated, header on row 1)."""
    table = export_table(campaign)
    text_columns = {0, 1, 2, len(table.header) - 1}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([_csv_cell(v, i in text_columns) for i, v in enumerate(row)])
    return out.getvalue()


def export_responses_xlsx(campaign: Campaign) -> bytes:
    """The submitted responses as an Excel workbook (one sheet, header on row 1)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    table = export_table(campaign)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("responses")

    def cell(value: str | int | None) -> WriteOnlyCell | int | None:
        if not isinstance(value, str):
            return value
        c = WriteOnlyCell(sheet, value=_XLSX_ILLEGAL.sub("", value))
        c.data_type = "s"  # text, never a formula
        return c

    sheet.append([cell(h) for h in table.header])
    for row in table.rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# =========================================================================== import


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


# The name the rest of the project uses for a problem in an imported file.
ImportError = ImportProblem  # noqa: A001


class InvalidResponsesFile(ValueError):
    """The file was refused; ``errors`` lists every problem. Nothing was stored."""

    def __init__(self, errors: Sequence[ImportProblem]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class PlannedResponse:
    row: int
    respondent: str
    team_id: int | None
    role: str
    answers: tuple[tuple[int, int | None], ...]  # (item id, 1-5 or None = don't know)
    comment: str


@dataclass(frozen=True)
class ImportPlan:
    """A validated file, ready to be stored."""

    responses: tuple[PlannedResponse, ...]
    columns: tuple[str, ...] = field(default=())

    @property
    def n_responses(self) -> int:
        return len(self.responses)

    @property
    def n_answers(self) -> int:
        return sum(len(r.answers) for r in self.responses)


@dataclass(frozen=True)
class ImportResult:
    responses: int
    answers: int
    comments: int

    def __str__(self) -> str:
        return f"{self.responses} responses with {self.answers} answers"


def _decode(data: bytes) -> tuple[str | None, ImportProblem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        return None, ImportProblem(
            row,
            None,
            "the file is not UTF-8 text; save it as 'CSV UTF-8 (comma delimited)'",
        )


def _delimiter(text: str) -> str | None:
    """The delimiter of the header line (comma; a semicolon or tab is accepted too), or
    None when the header holds a single column."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else None


def validate_responses_csv(campaign: Campaign, data: bytes) -> ImportPlan | list[ImportProblem]:
    """Check the whole file; an `ImportPlan` when it is valid, else every problem found
    (each naming its row, header = row 1, and its column)."""
    campaign = Campaign.objects.select_related("questionnaire_version__questionnaire").get(
        pk=campaign.pk
    )
    text, problem = _decode(data)
    if problem is not None or text is None:
        return [problem] if problem else []
    if not text.strip():
        return [ImportProblem(1, None, "the file is empty")]
    if "\x00" in text:
        return [ImportProblem(None, None, "the file is not a CSV text file")]
    delimiter = _delimiter(text)
    if delimiter is None:
        return [
            ImportProblem(
                1,
                None,
                "the file has only one column: separate the columns with commas "
                f"(the header needs {', '.join(REQUIRED_COLUMNS)} and the item codes)",
            )
        ]
    structure = load_structure(campaign.questionnaire_version)
    teams = load_teams(campaign)
    existing = set(
        Response.objects.filter(campaign=campaign)
        .exclude(respondent_ref="")
        .values_list("respondent_ref", flat=True)
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[ImportProblem] = []
    records: list[tuple[int, list[str]]] = []
    row_number = 0
    try:
        for row_number, record in enumerate(reader, start=1):  # noqa: B007
            records.append((row_number, record))
    except csv.Error as error:
        problems.append(
            ImportProblem(row_number + 1, None, f"the row cannot be read as CSV ({error})")
        )
        return problems
    header_row, header = records[0]
    columns, header_problems = _check_header(header, structure, campaign)
    problems.extend(header_problems)
    plan = _check_rows(records[1:], columns, structure, teams, existing, problems)
    if not plan and not problems:
        problems.append(ImportProblem(None, None, "the file has no responses below the header"))
    if problems:
        return problems
    return ImportPlan(responses=tuple(plan), columns=tuple(c or "" for c in columns))


def _check_header(
    header: list[str], structure: CampaignStructure, campaign: Campaign
) -> tuple[list[str | None], list[ImportProblem]]:
    """Normalised column names (None = a column to ignore) and the header's problems."""
    problems: list[ImportProblem] = []
    known_items = set(structure.item_codes)
    version = campaign.questionnaire_version
    columns: list[str | None] = []
    seen: set[str] = set()
    for raw in header:
        name = raw.strip().lower()
        if not name:
            columns.append("")  # an unnamed column must stay empty (checked per row)
            continue
        if name in seen:
            problems.append(ImportProblem(1, raw.strip(), "this column appears twice"))
            columns.append(None)
            continue
        seen.add(name)
        if name not in known_items and name not in (*REQUIRED_COLUMNS, COMMENT):
            problems.append(
                ImportProblem(
                    1,
                    raw.strip(),
                    "unknown column: not an item code of questionnaire "
                    f"{version.questionnaire.code} version {version.number}",
                )
            )
            columns.append(None)
            continue
        columns.append(name)
    for required in REQUIRED_COLUMNS:
        if required not in seen:
            problems.append(ImportProblem(1, required, "this required column is missing"))
    if not any(c in known_items for c in columns if c):
        problems.append(
            ImportProblem(1, None, "the header has no item codes of this campaign's questionnaire")
        )
    return columns, problems


def _check_rows(
    records: list[tuple[int, list[str]]],
    columns: list[str | None],
    structure: CampaignStructure,
    teams: dict[int, Team],
    existing: set[str],
    problems: list[ImportProblem],
) -> list[PlannedResponse]:
    item_ids = {item.code: item.pk for item in structure.items}
    team_by_name = {t.name: t for t in teams.values()}
    team_by_folded = {t.name.casefold(): t for t in teams.values()}
    team_list = ", ".join(t.name for t in teams.values()) or "none"
    seen_refs: dict[str, int] = {}
    plan: list[PlannedResponse] = []
    width = len(columns)
    for row, record in records:
        if not any(cell.strip() for cell in record):
            continue  # a blank line
        if len(record) > width and any(cell.strip() for cell in record[width:]):
            problems.append(
                ImportProblem(
                    row, None, f"the row has {len(record)} cells but the header only {width}"
                )
            )
        cells: dict[str, str] = {}
        for index, name in enumerate(columns):
            value = record[index] if index < len(record) else ""
            if name is None:
                continue  # a column whose header was refused
            if not name:
                if value.strip():
                    problems.append(
                        ImportProblem(row, f"#{index + 1}", "a value in a column without a header")
                    )
                continue
            cells[name] = value
        before = len(problems)

        ref = _unsafe_text(cells.get(RESPONDENT, "").strip())
        if RESPONDENT in cells:
            if not ref:
                problems.append(ImportProblem(row, RESPONDENT, "the respondent id is empty"))
            elif len(ref) > RESPONDENT_MAX_LENGTH:
                problems.append(
                    ImportProblem(
                        row,
                        RESPONDENT,
                        f"the respondent id is longer than {RESPONDENT_MAX_LENGTH} characters",
                    )
                )
            elif ref in seen_refs:
                problems.append(
                    ImportProblem(
                        row,
                        RESPONDENT,
                        f"respondent id {ref!r} already appears on row {seen_refs[ref]}",
                    )
                )
            elif ref in existing:
                problems.append(
                    ImportProblem(
                        row,
                        RESPONDENT,
                        f"respondent id {ref!r} is already in this campaign",
                    )
                )
            if ref and ref not in seen_refs:
                seen_refs[ref] = row

        team_id = None
        team_name = _unsafe_text(cells.get(TEAM, "").strip())
        if team_name:
            team = team_by_name.get(team_name) or team_by_folded.get(team_name.casefold())
            if team is None:
                problems.append(
                    ImportProblem(
                        row,
                        TEAM,
                        f"unknown team {team_name!r}; the campaign's teams are: {team_list}",
                    )
                )
            else:
                team_id = team.pk

        role = cells.get(ROLE, "").strip().lower()
        if role and role not in ROLE_CODES:
            problems.append(
                ImportProblem(
                    row,
                    ROLE,
                    f"unknown role {cells[ROLE].strip()!r}; use {', '.join(ROLE_CODES)} "
                    "or leave it empty",
                )
            )

        answers: list[tuple[int, int | None]] = []
        for name, value in cells.items():
            item_id = item_ids.get(name)
            if item_id is None:
                continue
            value = value.strip()
            if not value:
                continue
            if value.lower() == DONT_KNOW:
                answers.append((item_id, None))
            elif value in VALUES:
                answers.append((item_id, VALUES[value]))
            else:
                problems.append(
                    ImportProblem(
                        row, name, f"{value!r} is not an answer: use 1 to 5, dk, or leave it empty"
                    )
                )

        comment = _unsafe_text(cells.get(COMMENT, "").strip())
        if len(comment) > COMMENT_MAX_LENGTH:
            problems.append(
                ImportProblem(
                    row,
                    COMMENT,
                    f"the comment has {len(comment)} characters; at most "
                    f"{COMMENT_MAX_LENGTH} are allowed",
                )
            )
        if len(problems) == before:
            plan.append(PlannedResponse(row, ref, team_id, role, tuple(answers), comment))
    return plan


def import_responses(campaign: Campaign, data: bytes) -> ImportResult:
    """Validate the whole file, then store it in one transaction as submitted responses.

    Raises `InvalidResponsesFile` (listing every problem) and stores nothing when the
    file has any problem.
    """
    result = validate_responses_csv(campaign, data)
    if isinstance(result, list):
        raise InvalidResponsesFile(result)
    plan = result
    now = timezone.now()
    with transaction.atomic():
        # Serialise imports into one campaign, then check the ids again inside the lock.
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        taken = set(
            Response.objects.filter(
                campaign=locked, respondent_ref__in=[p.respondent for p in plan.responses]
            ).values_list("respondent_ref", flat=True)
        )
        if taken:
            raise InvalidResponsesFile(
                [
                    ImportProblem(
                        p.row,
                        RESPONDENT,
                        f"respondent id {p.respondent!r} is already in this campaign",
                    )
                    for p in plan.responses
                    if p.respondent in taken
                ]
            )
        responses = [
            Response(
                campaign=locked,
                team_id=p.team_id,
                role=p.role,
                status=Response.SUBMITTED,
                key_digest=digest("response", new_token()),
                resume_code_digest=digest("resume", new_token()),
                respondent_ref=p.respondent,
                language=locked.language,
                submitted_at=now,
            )
            for p in plan.responses
        ]
        created = Response.objects.bulk_create(responses, batch_size=500)
        if any(r.pk is None for r in created):  # a backend that returns no keys
            by_digest = dict(
                Response.objects.filter(key_digest__in=[r.key_digest for r in created]).values_list(
                    "key_digest", "pk"
                )
            )
            for r in created:
                r.pk = by_digest[r.key_digest]
        answers = [
            Answer(response_id=r.pk, item_id=item_id, value=value)
            for r, p in zip(created, plan.responses, strict=True)
            for item_id, value in p.answers
        ]
        Answer.objects.bulk_create(answers, batch_size=2000)
        comments = [
            Comment(response_id=r.pk, topic="", text=p.comment)
            for r, p in zip(created, plan.responses, strict=True)
            if p.comment
        ]
        Comment.objects.bulk_create(comments, batch_size=500)
    return ImportResult(responses=len(created), answers=len(answers), comments=len(comments))
