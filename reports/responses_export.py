"""Exporting a campaign's submitted responses as a response file (CSV or XLSX).

The file holds every answer of every respondent, so handing it to a person is an
audited act: `export_responses` writes the file and an `AuditEntry` (who, which
campaign, which form, how many rows). Test responses are never exported.

Two forms:

* **default**: the team and role cells of small groups read ``hidden`` (see
  `_hidden_groups`), comments of respondents whose team is hidden are left out, the rows
  are in a cryptographically random order and numbered 1..n instead of respondent ids;
* **full**, for a backup or a move to another database: every team, role and comment,
  in a stable order (oldest response first), with the respondent ids as stored, and
  ``web-<id>`` for responses made in the browser. `import_responses` reads it back.

The XLSX holds the campaign's action plan on a second sheet, "Actions"; the CSV, one
table of responses, leaves it to a download of its own (`export_actions_csv`).

The answers of the campaign's customer mirror, if it has one, are a table of their own
(`customer_table`): the XLSX's "Customers" sheet, or a CSV download of its own
(`export_customers`). They never join the rows of the campaign's own people.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from assessment.models import Answer, AuditEntry, Campaign, Comment, Response
from assessment.response_file import (
    COMMENT,
    CSV_CONTENT_TYPE,
    RESPONDENT,
    ROLE,
    TEAM,
    XLSX_CONTENT_TYPE,
    Cell,
    answer_cell,
    csv_bytes,
    item_columns,
    xlsx_bytes,
)
from reports.action_export import ACTION_COLUMNS, campaign_action_rows

DEFAULT, FULL = "default", "full"
CSV, XLSX = "csv", "xlsx"
HIDDEN = "hidden"
COMMENT_JOINER = " | "
WEB_PREFIX = "web-"
_NO_ANSWER, _DONT_KNOW = 0, 6  # a row's answers are kept as bytes: 1-5, or these

CONTENT_TYPES = {CSV: CSV_CONTENT_TYPE, XLSX: XLSX_CONTENT_TYPE}
ACTIONS_SHEET = "Actions"  # the XLSX's second sheet: the campaign's action plan
CUSTOMERS_SHEET = "Customers"  # the customer mirror's answers, when there is one
SEGMENT, LANGUAGE, SUBMITTED_ON = "segment", "language", "submitted_on"


@dataclass(frozen=True)
class ExportTable:
    header: tuple[str, ...]
    count: int
    rows: Iterator[tuple[Cell, ...]]  # read once: respondent, team, role, per item, comment


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str
    audit: AuditEntry

    @property
    def rows(self) -> int:
        return self.audit.details["rows"]


@dataclass(frozen=True)
class _Respondent:
    pk: int
    ref: str
    team: str  # "" = no team
    role: str  # "" = no role
    language: str
    submitted_on: str  # ISO date
    answers: bytearray
    comment: str


def exported_responses(campaign: Campaign):
    """The responses an export holds: submitted, without test responses."""
    return Response.objects.filter(campaign=campaign, status=Response.SUBMITTED, is_test=False)


def _respondents(campaign: Campaign, item_ids: list[int]) -> list[_Respondent]:
    """The exported responses in primary-key order, answers compacted to one byte per
    item. Three queries whatever the number of respondents; outside a transaction (on
    SQLite one would hold the write lock), so answers of a response submitted between
    them are skipped."""
    column = {item_id: j for j, item_id in enumerate(item_ids)}
    responses = exported_responses(campaign).order_by("pk")
    texts: dict[int, list[str]] = {}
    for response_id, text in (
        Comment.objects.filter(response__in=responses)
        .order_by("response_id", "topic", "pk")
        .values_list("response_id", "text")
    ):
        if text.strip():
            texts.setdefault(response_id, []).append(text.strip())
    rows: dict[int, _Respondent] = {
        pk: _Respondent(
            pk,
            ref,
            team or "",
            role,
            language,
            timezone.localdate(submitted_at).isoformat() if submitted_at else "",
            bytearray(len(item_ids)),
            COMMENT_JOINER.join(texts.get(pk, [])),
        )
        for pk, ref, team, role, language, submitted_at in responses.values_list(
            "pk", "respondent_ref", "team__name", "role", "language", "submitted_at"
        )
    }
    answers = Answer.objects.filter(response__in=responses).values_list(
        "response_id", "item_id", "value"
    )
    for response_id, item_id, value in answers.iterator(chunk_size=10_000):
        row, j = rows.get(response_id), column.get(item_id)
        if row is not None and j is not None:  # not submitted after the responses were read
            row.answers[j] = _DONT_KNOW if value is None else value
    return list(rows.values())


def _widened(counts: Counter[str], k: int, hidden: set[str]) -> set[str]:
    """``hidden`` plus the smallest shown groups needed for the hidden rows together to
    hold at least k respondents: a lone small group marked ``hidden`` would be named
    by the mark itself."""
    hidden = set(hidden)
    shown = sorted((n, name) for name, n in counts.items() if name not in hidden and n)
    while shown and 0 < sum(counts[name] for name in hidden) < k:
        hidden.add(shown.pop(0)[1])
    return hidden


def _hidden_teams(rows: list[_Respondent], k: int) -> set[str]:
    """The teams below k respondents, widened (`_widened`)."""
    teams = Counter(r.team for r in rows)
    return _widened(teams, k, {t for t, n in teams.items() if n < k})


def _hidden_groups(
    rows: list[_Respondent], k: int
) -> tuple[set[str], set[str], dict[str, set[str]]]:
    """Hidden teams, roles campaign-wide, and per team the roles hidden in it.

    A team is hidden below k respondents, a role below k in the campaign or in its
    team x role cell; "" (no team, no role) counts as a group of its own. Each is
    widened (`_widened`) so that ``hidden`` never marks fewer than k respondents.
    """
    teams = Counter(r.team for r in rows)
    roles = Counter(r.role for r in rows)
    cells = Counter((r.team, r.role) for r in rows)
    hidden_teams = _hidden_teams(rows, k)
    hidden_roles = _widened(roles, k, {r for r, n in roles.items() if n < k})
    roles_hidden_in: dict[str, set[str]] = {}
    for team in teams:
        in_team = Counter({role: n for (t, role), n in cells.items() if t == team})
        small = {role for role, n in in_team.items() if n < k or role in hidden_roles}
        roles_hidden_in[team] = _widened(in_team, k, small)
    return hidden_teams, hidden_roles, roles_hidden_in


def _numbered(rows: list[_Respondent]) -> Iterator[tuple[int, _Respondent]]:
    """The rows in a cryptographically random order, numbered 1..n: neither the order nor
    the number leads back to a response."""
    order = list(rows)
    secrets.SystemRandom().shuffle(order)
    return enumerate(order, start=1)


def _with_ids(rows: list[_Respondent]) -> Iterator[tuple[str, _Respondent]]:
    """The rows in their order, each with its respondent id as stored (`_web_id`)."""
    taken = {r.ref for r in rows if r.ref}
    for r in rows:
        yield r.ref or _web_id(r.pk, taken), r


def _default_rows(rows: list[_Respondent], k: int) -> Iterator[tuple[Cell, ...]]:
    hidden_teams, hidden_roles, roles_hidden_in = _hidden_groups(rows, k)
    for number, r in _numbered(rows):
        team_hidden = r.team in hidden_teams
        role_hidden = r.role in hidden_roles or r.role in roles_hidden_in[r.team]
        yield (
            number,
            HIDDEN if team_hidden else r.team,
            HIDDEN if role_hidden else r.role,
            *_answer_cells(r.answers),
            "" if team_hidden else r.comment,
        )


def _full_rows(rows: list[_Respondent]) -> Iterator[tuple[Cell, ...]]:
    for ref, r in _with_ids(rows):
        yield (ref, r.team, r.role, *_answer_cells(r.answers), r.comment)


def _web_id(pk: int, taken: set[str]) -> str:
    """``web-<id>`` for a response made in the browser; with a suffix in case an
    imported respondent id already reads so."""
    ref, suffix = f"{WEB_PREFIX}{pk}", 1
    while ref in taken:
        suffix += 1
        ref = f"{WEB_PREFIX}{pk}-{suffix}"
    taken.add(ref)
    return ref


def _answer_cells(answers: bytearray) -> Iterable[Cell]:
    for value in answers:
        if value == _NO_ANSWER:
            yield None
        else:
            yield answer_cell(None if value == _DONT_KNOW else value)


def export_table(campaign: Campaign, *, full: bool = False) -> ExportTable:
    """The exported responses as a table, in the default or the full form."""
    campaign = Campaign.objects.select_related("questionnaire_version").get(pk=campaign.pk)
    columns = item_columns(campaign.questionnaire_version)
    rows = _respondents(campaign, [c.item_id for c in columns])
    header = (RESPONDENT, TEAM, ROLE, *(c.code for c in columns), COMMENT)
    body = _full_rows(rows) if full else _default_rows(rows, int(campaign.anonymity_threshold))
    return ExportTable(header=header, count=len(rows), rows=body)


def _customer_rows(rows: list[_Respondent], k: int, *, full: bool) -> Iterator[tuple[Cell, ...]]:
    # A segment is a team of the mirror, so the default form treats it as it treats a
    # small team, with the mirror's own k: a segment below k (widened until the hidden
    # rows hold k customers) reads "hidden" and its customers' comments are left out,
    # and the rows are shuffled and numbered. The full form, a backup, keeps everything.
    # The language and the day of answering narrow down who a customer is, as they would
    # a colleague (the internal file has neither), so only the full form has them.
    hidden = set() if full else _hidden_teams(rows, k)
    numbered: Iterator[tuple[Cell, _Respondent]] = _with_ids(rows) if full else _numbered(rows)
    for ref, r in numbered:
        segment_hidden = r.team in hidden
        yield (
            ref,
            HIDDEN if segment_hidden else r.team,
            *((r.language, r.submitted_on) if full else ()),
            *_answer_cells(r.answers),
            "" if segment_hidden else r.comment,
        )


def _customer_table(mirror: Campaign, *, full: bool) -> ExportTable:
    columns = item_columns(mirror.questionnaire_version)
    rows = _respondents(mirror, [c.item_id for c in columns])
    when = (LANGUAGE, SUBMITTED_ON) if full else ()
    header = (RESPONDENT, SEGMENT, *when, *(c.code for c in columns), COMMENT)
    body = _customer_rows(rows, int(mirror.anonymity_threshold), full=full)
    return ExportTable(header=header, count=len(rows), rows=body)


def _mirror(campaign: Campaign) -> Campaign | None:
    return (
        Campaign.objects.select_related("questionnaire_version", "organisation")
        .filter(mirror_of=campaign)
        .first()
    )


def customer_table(campaign: Campaign, *, full: bool = False) -> ExportTable | None:
    """The customers' responses to the campaign's customer mirror, one row each, in the
    default or the full form; None when the campaign has no mirror."""
    mirror = _mirror(campaign)
    return None if mirror is None else _customer_table(mirror, full=full)


def export_responses_csv(campaign: Campaign, *, full: bool = False) -> bytes:
    """The CSV file, not audited: hand it to a person only through `export_responses`."""
    table = export_table(campaign, full=full)
    return csv_bytes(table.header, table.rows)


def export_responses_xlsx(campaign: Campaign, *, full: bool = False) -> bytes:
    """The XLSX file, not audited: hand it to a person only through `export_responses`."""
    table = export_table(campaign, full=full)
    return _xlsx(campaign, table, customer_table(campaign, full=full))


def _xlsx(campaign: Campaign, table: ExportTable, customers: ExportTable | None) -> bytes:
    """The responses, the action plan on a sheet of its own, and the customers' responses
    on another when the campaign has a customer mirror."""
    sheets: list[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]] = [
        (ACTIONS_SHEET, ACTION_COLUMNS, campaign_action_rows(campaign))
    ]
    if customers is not None:
        sheets.append((CUSTOMERS_SHEET, customers.header, customers.rows))
    return xlsx_bytes(table.header, table.rows, more_sheets=sheets)


def export_actions_csv(campaign: Campaign) -> bytes:
    """The campaign's action plan as a CSV file of its own: the response file is one table
    of responses, and an action is not a response."""
    return csv_bytes(ACTION_COLUMNS, campaign_action_rows(campaign))


def export_responses(
    *,
    campaign: Campaign,
    file_format: str,
    full: bool,
    user,
    username: str,
    via: str,
    extra: dict[str, str] | None = None,
) -> ExportFile:
    """The response file for a person, with its audit entry.

    ``user`` may be None (a command run without an account); ``username`` is who the
    audit log names; ``via`` says how (``web``, ``command``); ``extra`` adds details.
    The file is made before the (short) audit transaction, so no lock is held while it
    is written.
    """
    table = export_table(campaign, full=full)
    details = _details(campaign, full=full, file_format=file_format, rows=table.count, via=via)
    if file_format == XLSX:
        customers = customer_table(campaign, full=full)
        content = _xlsx(campaign, table, customers)
        if customers is not None:
            details["customer_rows"] = customers.count
    else:
        content = csv_bytes(table.header, table.rows)
    entry = _audit_export(
        campaign=campaign, user=user, username=username, details=details | (extra or {})
    )
    suffix = "-full" if full else ""
    filename = f"{campaign.slug}-responses{suffix}.{file_format}"
    return ExportFile(
        content=content, content_type=CONTENT_TYPES[file_format], filename=filename, audit=entry
    )


def export_customers(
    *, campaign: Campaign, full: bool, user, username: str, via: str
) -> ExportFile | None:
    """The CSV file of the customers' responses to the campaign's customer mirror, for a
    person, with its audit entry (naming the mirror); None when there is no mirror."""
    mirror = _mirror(campaign)
    if mirror is None:
        return None
    table = _customer_table(mirror, full=full)
    content = csv_bytes(table.header, table.rows)
    details = _details(mirror, full=full, file_format=CSV, rows=table.count, via=via)
    entry = _audit_export(
        campaign=mirror,
        user=user,
        username=username,
        details=details | {"mirror_of": campaign.slug},
    )
    suffix = "-full" if full else ""
    return ExportFile(
        content=content,
        content_type=CONTENT_TYPES[CSV],
        filename=f"{campaign.slug}-customers{suffix}.csv",
        audit=entry,
    )


def _details(campaign: Campaign, *, full: bool, file_format: str, rows: int, via: str) -> dict:
    return {
        "campaign": campaign.slug,
        "organisation": campaign.organisation.name,
        "form": FULL if full else DEFAULT,
        "format": file_format,
        "rows": rows,
        "via": via,
    }


@transaction.atomic
def _audit_export(*, campaign: Campaign, user, username: str, details: dict) -> AuditEntry:
    return AuditEntry.objects.create(
        user=user,
        username=username,
        action=AuditEntry.EXPORT_RESPONSES,
        target=str(campaign),
        details=details,
    )
