"""Importing a response file: validation with row and column, all or nothing, size caps,
streaming, and staged writes that never lock respondents out."""

from __future__ import annotations

import io
import threading
import time
import tracemalloc

import pytest
from django.db import OperationalError, connection, transaction

from assessment import responses_import
from assessment.models import Answer, Comment, Response
from assessment.responses_import import (
    ImportPlan,
    InvalidResponsesFile,
    import_responses,
    validate_responses_csv,
)
from assessment.tokens import digest, new_token
from tests.builders import ITEMS, make_questionnaire
from tests.factories import CampaignFactory, TeamFactory

ITEM_CODES = list(ITEMS)
HEADER = "respondent,team,role," + ",".join(ITEM_CODES) + ",comment"


def line(ref, team="North", role="employee", values=("4",) * 7, comment=""):
    return ",".join([ref, team, role, *values, comment])


def stored() -> tuple[int, int, int]:
    return Response.objects.count(), Answer.objects.count(), Comment.objects.count()


@pytest.fixture
def version(banks):
    return make_questionnaire()


@pytest.fixture
def campaign(version):
    campaign = CampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    TeamFactory(campaign=campaign, name="North", order=0)
    TeamFactory(campaign=campaign, name="South", order=1)
    return campaign


def test_import_a_valid_file(campaign):
    data = "\r\n".join(
        [
            HEADER,
            line("p1", values=("1", "2", "3", "4", "5", "dk", ""), comment="Fine"),
            line("p2", team="south", role="Manager"),  # case-insensitive team and role
            line("p3", team="", role=""),
            "",  # a blank line is skipped
        ]
    ).encode()
    plan = validate_responses_csv(campaign, data)
    assert isinstance(plan, ImportPlan)
    assert plan.n_responses == 3
    assert plan.n_answers == 6 + 7 + 7
    assert plan.n_comments == 1

    result = import_responses(campaign=campaign, source=data)
    assert (result.responses, result.answers, result.comments) == (3, 20, 1)
    responses = {r.respondent_ref: r for r in Response.objects.filter(campaign=campaign)}
    assert set(responses) == {"p1", "p2", "p3"}
    p1 = responses["p1"]
    assert p1.status == Response.SUBMITTED and p1.submitted_at is not None
    assert p1.team.name == "North" and p1.role == "employee"
    answers = dict(p1.answers.values_list("item__code", "value"))
    assert answers == {
        "alpha.one.1": 1,
        "alpha.one.2": 2,
        "alpha.one.3": 3,
        "alpha.two.1": 4,
        "alpha.two.2": 5,
        "beta.three.1": None,  # dk
    }  # beta.four.1 was empty: no Answer row
    assert list(p1.comments.values_list("topic", "text")) == [("", "Fine")]
    assert responses["p2"].team.name == "South" and responses["p2"].role == "manager"
    assert responses["p3"].team is None and responses["p3"].role == ""
    assert len({r.key_digest for r in responses.values()}) == 3


def test_imported_comments_are_stored_without_bidi_controls(campaign):
    # A right-to-left override in a file reads differently in every later export.
    data = "\r\n".join([HEADER, line("p1", comment="Invoice \u202e2024\u202c ok")]).encode()
    import_responses(campaign=campaign, source=data)
    assert Comment.objects.get().text == "Invoice 2024 ok"


def test_import_keeps_rows_without_answers(campaign):
    """Imported rows are historical data: no minimum number of answers."""
    data = "\n".join([HEADER, line("p1", values=("",) * 7), line("p2")]).encode()
    result = import_responses(campaign=campaign, source=data)
    assert (result.responses, result.answers) == (2, 7)
    assert Response.objects.filter(campaign=campaign, status=Response.SUBMITTED).count() == 2


def test_import_accepts_a_bom_and_semicolons(campaign):
    data = "\n".join([HEADER.replace(",", ";"), line("p1").replace(",", ";")])
    result = import_responses(campaign=campaign, source=data.encode("utf-8-sig"))
    assert result.responses == 1


def test_import_reads_an_open_file(campaign, tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text("\r".join([HEADER, line("p1"), line("p2")]), encoding="utf-8")  # CR only
    with path.open("rb") as source:
        assert import_responses(campaign=campaign, source=source).responses == 2


def test_import_undoes_formula_neutralising(campaign):
    import_responses(
        campaign=campaign, source="\n".join([HEADER, line("'-5", comment="'=1+1")]).encode()
    )
    response = Response.objects.get(campaign=campaign)
    assert response.respondent_ref == "-5"
    assert response.comments.get().text == "=1+1"


BAD_FILES = {
    "not utf-8": (
        "\n".join([HEADER, line("p1"), line("p2", comment="Café")]).encode("latin-1"),
        [("row 3", None, "UTF-8")],
    ),
    "one column": (
        b"respondent|team|role\np1|North|employee\n",
        [("row 1", None, "commas")],
    ),
    "missing column": (
        "\n".join(
            ["respondent,team," + ",".join(ITEM_CODES), "p1,North," + "4," * 6 + "4"]
        ).encode(),
        [("row 1", "column role", "missing")],
    ),
    "unknown item": (
        "\n".join([HEADER + ",alpha.one.9", line("p1") + ",3"]).encode(),
        [("row 1", "column alpha.one.9", "unknown column")],
    ),
    "value out of range": (
        "\n".join(
            [HEADER, line("p1"), line("p2", values=("4", "7", "4", "4", "x", "4", "0"))]
        ).encode(),
        [
            ("row 3", "column alpha.one.2", "'7'"),
            ("row 3", "column alpha.two.2", "'x'"),
            ("row 3", "column beta.four.1", "'0'"),
        ],
    ),
    "unknown team": (
        "\n".join([HEADER, line("p1", team="West")]).encode(),
        [("row 2", "column team", "unknown team 'West'")],
    ),
    "unknown role": (
        "\n".join([HEADER, line("p1", role="intern")]).encode(),
        [("row 2", "column role", "unknown role 'intern'")],
    ),
    "duplicate respondent": (
        "\n".join([HEADER, line("p1"), line("p2"), line("p1")]).encode(),
        [("row 4", "column respondent", "row 2")],
    ),
    "empty respondent": (
        "\n".join([HEADER, line("")]).encode(),
        [("row 2", "column respondent", "empty")],
    ),
    "comment too long": (
        "\n".join([HEADER, line("p1", comment="x" * 2001)]).encode(),
        [("row 2", "column comment", "2001 characters")],
    ),
    "too many cells": (
        "\n".join([HEADER, line("p1") + ",surplus"]).encode(),
        [("row 2", None, "cells")],
    ),
    "no responses": (HEADER.encode(), [(None, None, "no responses")]),
    "several problems at once": (
        "\n".join(
            [HEADER, line("p1", team="West"), line("p1", role="ceo"), line("p3", comment="ok")]
        ).encode(),
        [
            ("row 2", "column team", "West"),
            ("row 3", "column respondent", "row 2"),
            ("row 3", "column role", "ceo"),
        ],
    ),
}


def assert_problems(messages: list[str], expected) -> None:
    for row, column, text in expected:
        assert any(
            (row is None or m.startswith(row)) and (column is None or column in m) and text in m
            for m in messages
        ), (row, column, text, messages)
    assert len(messages) == len(expected), messages


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_with_row_and_column(campaign, case):
    data, expected = BAD_FILES[case]
    before = stored()

    problems = validate_responses_csv(campaign, data)
    assert isinstance(problems, list)
    messages = [str(p) for p in problems]
    assert_problems(messages, expected)

    with pytest.raises(InvalidResponsesFile) as refused:
        import_responses(campaign=campaign, source=data)
    assert [str(p) for p in refused.value.errors] == messages
    assert stored() == before


def test_respondent_already_in_the_campaign_is_refused(campaign):
    import_responses(campaign=campaign, source="\n".join([HEADER, line("p1")]).encode())
    counts = Response.objects.count(), Answer.objects.count()
    with pytest.raises(InvalidResponsesFile) as refused:
        import_responses(
            campaign=campaign, source="\n".join([HEADER, line("p2"), line("p1")]).encode()
        )
    assert [str(e) for e in refused.value.errors] == [
        "row 3, column respondent: respondent id 'p1' is already in this campaign"
    ]
    assert (Response.objects.count(), Answer.objects.count()) == counts


def test_problems_are_listed_up_to_a_limit(campaign):
    rows = [line(f"p{n}", team="West") for n in range(responses_import.MAX_PROBLEMS + 50)]
    problems = validate_responses_csv(campaign, "\n".join([HEADER, *rows]).encode())
    assert len(problems) == responses_import.MAX_PROBLEMS + 1
    assert str(problems[-1]) == "stopped after 100 problems; fix these first"


# --------------------------------------------------------------------------- size caps


class Unreadable(io.BytesIO):
    """A file whose size can be asked but which must not be read."""

    def __iter__(self):
        raise AssertionError("the file was read")

    def read(self, *args):
        raise AssertionError("the file was read")


def test_a_file_over_the_byte_limit_is_refused_before_reading(campaign, settings):
    settings.RESPONSES_IMPORT_MAX_BYTES = 3 * 1024 * 1024
    source = Unreadable(b"x" * (4 * 1024 * 1024 + 1))
    with pytest.raises(InvalidResponsesFile) as refused:
        import_responses(campaign=campaign, source=source)
    assert [str(p) for p in refused.value.errors] == [
        "the file is 4 MB; at most 3 MB can be imported at once "
        "(setting RESPONSES_IMPORT_MAX_BYTES): split it into smaller files"
    ]
    assert stored() == (0, 0, 0)


def test_the_byte_limit_defaults_to_20_mb(campaign):
    problems = validate_responses_csv(campaign, Unreadable(b"x" * (20 * 1024 * 1024 + 1)))
    assert "at most 20 MB" in str(problems[0])


def test_a_file_over_the_row_limit_is_refused_without_reading_on(campaign, settings):
    settings.RESPONSES_IMPORT_MAX_ROWS = 5
    rows = [line(f"p{n}") for n in range(1, 7)]
    # What follows the limit is never read: the invalid UTF-8 there goes unreported.
    data = "\n".join([HEADER, *rows, "", ""]).encode() + b"\xff\xfe broken\n" * 1000
    with pytest.raises(InvalidResponsesFile) as refused:
        import_responses(campaign=campaign, source=data)
    assert [str(p) for p in refused.value.errors] == [
        "row 7: the file has more than 5 responses; at most 5 can be imported at once "
        "(setting RESPONSES_IMPORT_MAX_ROWS): split it into smaller files"
    ]
    assert stored() == (0, 0, 0)
    settings.RESPONSES_IMPORT_MAX_ROWS = 6
    assert (
        import_responses(campaign=campaign, source=b"\n".join(data.split(b"\n")[:7])).responses == 6
    )


def test_the_row_limit_defaults_to_20000():
    assert responses_import.max_rows() == 20_000
    assert responses_import.batch_size() == 500


# --------------------------------------------------------------------------- streaming


def csv_of(rows: int) -> bytes:
    return "\n".join([HEADER, *(line(f"respondent-{n:06d}") for n in range(rows))]).encode()


def validation_peak(campaign, data: bytes) -> int:
    tracemalloc.start()
    try:
        assert isinstance(validate_responses_csv(campaign, data), ImportPlan)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_validation_streams_the_file(campaign):
    """Memory grows with the respondent ids only (to find duplicates), not with the
    cells: reading every row into memory first would cost over 1 KB a row here."""
    small, large = csv_of(1_000), csv_of(10_000)
    validation_peak(campaign, small)  # warm up caches
    growth = validation_peak(campaign, large) - validation_peak(campaign, small)
    assert growth / 9_000 < 400, f"{growth / 9_000:.0f} bytes per row"


# --------------------------------------------------------------------------- staged writes


def test_a_failure_while_storing_stores_nothing(campaign, settings, monkeypatch):
    settings.RESPONSES_IMPORT_BATCH_SIZE = 2
    stage = responses_import._stage_batch
    calls = []

    def failing_stage(**kwargs):
        calls.append(len(kwargs["batch"]))
        if len(calls) == 3:
            raise OperationalError("disk I/O error")
        return stage(**kwargs)

    monkeypatch.setattr(responses_import, "_stage_batch", failing_stage)
    data = "\n".join([HEADER, *(line(f"p{n}") for n in range(7))]).encode()
    with pytest.raises(OperationalError):
        import_responses(campaign=campaign, source=data)
    assert calls == [2, 2, 2]
    assert stored() == (0, 0, 0)


def test_a_respondent_id_taken_meanwhile_is_refused_and_nothing_stored(campaign, monkeypatch):
    stage = responses_import._stage_batch

    def another_import_first(**kwargs):
        Response.objects.create(
            campaign=campaign,
            status=Response.SUBMITTED,
            respondent_ref="p3",
            key_digest=digest("response", new_token()),
            resume_code_digest=digest("resume", new_token()),
        )
        monkeypatch.setattr(responses_import, "_stage_batch", stage)
        return stage(**kwargs)

    monkeypatch.setattr(responses_import, "_stage_batch", another_import_first)
    data = "\n".join([HEADER, line("p1"), line("p2"), line("p3")]).encode()
    with pytest.raises(InvalidResponsesFile) as refused:
        import_responses(campaign=campaign, source=data)
    assert [str(p) for p in refused.value.errors] == [
        "row 4, column respondent: respondent id 'p3' is already in this campaign"
    ]
    assert list(Response.objects.values_list("respondent_ref", flat=True)) == ["p3"]
    assert Answer.objects.count() == 0


ROWS = 3_000


@pytest.mark.django_db(transaction=True)
def test_respondents_keep_submitting_while_a_file_is_imported(banks, settings):
    """SQLite: the import holds the write lock for one short batch at a time, so a
    respondent's write never fails with "database is locked", even with a busy timeout
    of 2 s, a fraction of the whole import, and writes land between two batches; the
    imported rows appear all at once. (The timeout leaves room for a machine whose two
    cores also run a second test suite; the interleaving is asserted below.)"""
    settings.RESPONSES_IMPORT_BATCH_SIZE = 50
    campaign = CampaignFactory(questionnaire_version=make_questionnaire(), anonymity_threshold=3)
    TeamFactory(campaign=campaign, name="North")
    items = list(campaign.questionnaire_version.items.values_list("pk", flat=True))
    data = csv_of(ROWS)
    done = threading.Event()
    errors: list[BaseException] = []
    seen: list[tuple[int, int]] = []  # (staged, submitted) imported rows, per write

    def respondents() -> None:
        try:
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA busy_timeout = 2000")
            while not done.is_set():
                with transaction.atomic():
                    response = Response.objects.create(
                        campaign=campaign,
                        key_digest=digest("response", new_token()),
                        resume_code_digest=digest("resume", new_token()),
                    )
                    Answer.objects.bulk_create(
                        Answer(response=response, item_id=pk, value=3) for pk in items
                    )
                    Response.objects.filter(pk=response.pk).update(status=Response.SUBMITTED)
                imported = Response.objects.filter(campaign=campaign).exclude(respondent_ref="")
                seen.append(
                    (
                        imported.filter(status=Response.IN_PROGRESS).count(),
                        imported.filter(status=Response.SUBMITTED).count(),
                    )
                )
                time.sleep(0.005)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=respondents)
    thread.start()
    try:
        result = import_responses(campaign=campaign, source=data)
    finally:
        done.set()
        thread.join(timeout=60)
    assert not errors, errors
    assert result.responses == ROWS
    assert {submitted for _, submitted in seen} <= {0, ROWS}  # all at once
    assert any(0 < staged < ROWS for staged, _ in seen), "no write landed between two batches"
    web = Response.objects.filter(campaign=campaign, respondent_ref="")
    assert web.count() == len(seen) > 0
    assert web.filter(status=Response.SUBMITTED).count() == len(seen)
    assert Response.objects.filter(campaign=campaign, status=Response.IN_PROGRESS).count() == 0
