"""The response file: one format for importing and exporting a campaign's responses.

One row per respondent, the header on row 1; columns ``respondent`` (any id), ``team``,
``role`` (``board``, ``manager``, ``employee`` or empty), then one column per item code of
the campaign's questionnaire version, in the version's order, with 1-5, ``dk`` for
don't know, or empty for unanswered; optionally ``comment``. CSV files are UTF-8
(a byte-order mark is allowed) with commas, semicolons or tabs between the columns.

Text cells that a spreadsheet would run as a formula are written with a leading quote,
which reading undoes, so a file can make the round trip through Excel.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from questionnaires.models import QuestionnaireVersion, VersionItem

from .models import Comment, Response, max_length

RESPONDENT, TEAM, ROLE, COMMENT = "respondent", "team", "role", "comment"
REQUIRED_COLUMNS: tuple[str, ...] = (RESPONDENT, TEAM, ROLE)
ROLE_CODES: tuple[str, ...] = tuple(Response.ROLE_CODES)
DONT_KNOW = "dk"
ANSWERS = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
RESPONDENT_MAX_LENGTH = max_length(Response, "respondent_ref")
COMMENT_MAX_LENGTH = Comment.MAX_LENGTH
DELIMITERS = (",", ";", "\t")
BYTE_ORDER_MARK = "\ufeff"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

Cell = str | int | None
# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


@dataclass(frozen=True)
class ItemColumn:
    item_id: int
    code: str


def item_columns(version: QuestionnaireVersion) -> tuple[ItemColumn, ...]:
    """The version's items in column order: framework, dimension, then the position in
    the version (the order of `reports.data.load_structure`). One query."""
    rows = (
        VersionItem.objects.filter(version=version)
        .in_column_order()
        .values_list("item_id", "item__code")
    )
    return tuple(ItemColumn(item_id, code) for item_id, code in rows)


def answer_cell(value: int | None) -> int | str:
    """The cell for a stored answer (None = don't know)."""
    return DONT_KNOW if value is None else value


def header_delimiter(line: str) -> str | None:
    """The delimiter of a header line (comma; a semicolon or tab is accepted too), or
    None when the header holds a single column."""
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else None


class UnreadableFile(ValueError):
    """The file cannot be read (on) from ``row`` (counted like a spreadsheet: header = 1)."""

    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row = row
        self.message = message


def read_records(stream: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    """The rows of a CSV file as lists of cells, header first, read from the start of
    ``stream`` as they are asked for; nothing read is kept. Raises `UnreadableFile`."""
    lines = _lines(stream)
    first = next(lines, "")
    if not first.strip():
        if any(line.strip() for line in lines):
            raise UnreadableFile(1, "the first row is empty: it must name the columns")
        raise UnreadableFile(1, "the file is empty")
    delimiter = header_delimiter(first)
    if delimiter is None:
        raise UnreadableFile(
            1,
            "the file has only one column: separate the columns with commas "
            f"(the header needs {', '.join(REQUIRED_COLUMNS)} and the item codes)",
        )
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter, strict=True)
    row = 0
    try:
        for row, record in enumerate(reader, start=1):
            yield row, record
    except csv.Error as error:
        raise UnreadableFile(row + 1, f"the row cannot be read as CSV ({error})") from None


def _lines(stream: BinaryIO) -> Iterator[str]:
    """The text, one line at a time, split at CR, LF or CRLF (ends kept). Each line is
    decoded apart, which is safe for UTF-8: no character's bytes contain a LF."""
    stream.seek(0)
    for number, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            message = "the file is not UTF-8 text; save it as 'CSV UTF-8 (comma delimited)'"
            raise UnreadableFile(number, message) from None
        if "\x00" in text:
            raise UnreadableFile(number, "the file is not a CSV text file")
        yield from io.StringIO(text, newline="")


def safe_text(value: str) -> str:
    """Neutralise a text cell a spreadsheet would run as a formula (prefix a quote)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def unsafe_text(value: str) -> str:
    """Undo `safe_text` when reading a file."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """A CSV file (comma-separated, CRLF) with a byte-order mark, so spreadsheet
    programs read the text as UTF-8."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if v is None else v if isinstance(v, int) else safe_text(v) for v in row]
        )
    return out.getvalue().encode("utf-8")


def xlsx_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    more_sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]] = (),
) -> bytes:
    """An Excel workbook whose first sheet is ``responses``, then `more_sheets` (title,
    header, rows); text cells are never formulas."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    def cell(sheet: Any, value: Cell) -> WriteOnlyCell | int | None:
        if not isinstance(value, str):
            return value
        text = WriteOnlyCell(sheet, value=_XLSX_ILLEGAL.sub("", value))
        text.data_type = "s"
        return text

    workbook = Workbook(write_only=True)
    for title, sheet_header, sheet_rows in (("responses", header, rows), *more_sheets):
        sheet = workbook.create_sheet(title)
        sheet.append([cell(sheet, h) for h in sheet_header])
        for row in sheet_rows:
            sheet.append([cell(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
