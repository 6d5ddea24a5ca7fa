"""Response files: CSV/XLSX export, CSV validation and all-or-nothing import."""

from __future__ import annotations

import csv
import io
import random

import pytest
from openpyxl import load_workbook

from assessment.models import Answer, Comment, Response
from reports.profile import build_profile
from reports.responses_io import (
    ImportPlan,
    InvalidResponsesFile,
    export_responses_csv,
    export_responses_xlsx,
    import_responses,
    validate_responses_csv,
)
from tests.factories import CampaignFactory, TeamFactory
from tests.reports.test_profile import ITEMS, add_response, build_teams_campaign, make_questionnaire

ITEM_CODES = list(ITEMS)


@pytest.fixture
def version(banks):
    return make_questionnaire()


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --------------------------------------------------------------------------- export


def test_export_csv_shape_and_values(version):
    campaign = CampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    team = TeamFactory(campaign=campaign, name="North")
    add_response(
        campaign,
        {"alpha.one.1": 4, "alpha.one.2": "dk", "beta.four.1": 1},
        team=team,
        comment="Good start",
    )
    add_response(campaign, {"alpha.one.1": 2}, team=team)
    add_response(campaign, {"alpha.one.1": 5}, team=team)
    add_response(campaign, {"alpha.one.1": 3}, status=Response.IN_PROGRESS)  # not exported

    text = export_responses_csv(campaign)
    header = text.splitlines()[0].split(",")
    assert header == ["respondent", "team", "role", *ITEM_CODES, "comment"]
    rows = rows_of(text)
    assert len(rows) == 3
    assert sorted(r["respondent"] for r in rows) == ["r001", "r002", "r003"]
    first = next(r for r in rows if r["alpha.one.1"] == "4")
    assert first["alpha.one.2"] == "dk"
    assert first["alpha.one.3"] == ""
    assert first["beta.four.1"] == "1"
    assert first["team"] == "North"
    assert first["role"] == "employee"
    assert first["comment"] == "Good start"


def test_export_hides_small_groups(version):
    campaign = build_teams_campaign(version)  # see test_profile.PEOPLE
    rows = rows_of(export_responses_csv(campaign))
    assert len(rows) == 12
    # Team cells only for North (South is hidden as the complement of Tiny).
    assert sorted({r["team"] for r in rows}) == ["", "North"]
    assert sum(r["team"] == "North" for r in rows) == 5
    # Roles: board (1) and manager (3, complement) are hidden; employee is shown,
    # except where team x role is hidden next to a shown team (North x employee, 2).
    assert {r["role"] for r in rows} == {"", "employee"}
    assert not [r for r in rows if r["team"] == "North" and r["role"]]
    assert sum(r["role"] == "employee" for r in rows) == 6  # 3 South + 2 Tiny + 1 no team
    # Comments only of groups that meet k.
    assert sorted(r["comment"] for r in rows if r["comment"]) == [
        "No team remark",
        "North manager speaking",
    ]


def test_export_rows_do_not_follow_the_order_of_answering(version):
    campaign = CampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    for value in range(1, 6):
        for _ in range(4):
            add_response(campaign, {"alpha.one.1": value})
    answered = [r["alpha.one.1"] for r in rows_of(export_responses_csv(campaign))]
    assert sorted(answered) == sorted(str(v) for v in range(1, 6) for _ in range(4))
    assert answered != sorted(answered)  # 20 rows: not in the order they were stored


def test_export_xlsx_matches_csv_and_keeps_formulas_as_text(version):
    campaign = CampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    for _ in range(3):
        add_response(campaign, {"alpha.one.1": 3, "alpha.one.2": "dk"}, comment="=1+1")
    workbook = load_workbook(io.BytesIO(export_responses_xlsx(campaign)))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == ["respondent", "team", "role", *ITEM_CODES, "comment"]
    assert len(values) == 4
    assert values[1][3] == 3 and values[1][4] == "dk" and values[1][5] is None
    assert values[1][-1] == "=1+1"
    assert sheet.cell(row=2, column=len(values[0])).data_type == "s"  # not a formula
    # In the CSV a leading = is neutralised; the import undoes it.
    assert rows_of(export_responses_csv(campaign))[0]["comment"] == "'=1+1"


# --------------------------------------------------------------------------- round trip


def test_round_trip_gives_the_same_profile(quick_version):
    rng = random.Random(7)
    codes = list(quick_version.items.values_list("code", flat=True))
    original = CampaignFactory(questionnaire_version=quick_version, anonymity_threshold=3)
    teams = {n: TeamFactory(campaign=original, name=n, order=i) for i, n in enumerate("AB")}
    # Every team, role and team x role group meets k = 3, so nothing is blanked.
    for team in teams.values():
        for role in (Response.MANAGER, Response.EMPLOYEE):
            for _ in range(3):
                answers = {}
                for code in codes:
                    draw = rng.random()
                    if draw < 0.1:
                        answers[code] = "dk"
                    elif draw < 0.9:
                        answers[code] = rng.randint(1, 5)
                add_response(
                    original, answers, team=team, role=role, comment=f"note {rng.random()}"
                )
    text = export_responses_csv(original)

    copy = CampaignFactory(questionnaire_version=quick_version, anonymity_threshold=3)
    for i, name in enumerate("AB"):
        TeamFactory(campaign=copy, name=name, order=i)
    result = import_responses(copy, text.encode("utf-8-sig"))
    assert result.responses == 12
    assert result.answers == Answer.objects.filter(response__campaign=original).count()
    assert result.comments == 12

    before, after = build_profile(original), build_profile(copy)
    a, b = before.as_dict(), after.as_dict()
    assert a.pop("campaign")["respondents"] == b.pop("campaign")["respondents"] == 12
    assert a == b
    assert sorted(before.comments) == sorted(after.comments)


# --------------------------------------------------------------------------- import

HEADER = "respondent,team,role," + ",".join(ITEM_CODES) + ",comment"


def line(ref, team="North", role="employee", values=("4",) * 7, comment=""):
    return ",".join([ref, team, role, *values, comment])


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

    result = import_responses(campaign, data)
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


def test_import_accepts_a_bom_and_semicolons(campaign):
    data = "\n".join([HEADER.replace(",", ";"), line("p1").replace(",", ";")])
    result = import_responses(campaign, data.encode("utf-8-sig"))
    assert result.responses == 1


def test_import_undoes_formula_neutralising(campaign):
    import_responses(campaign, "\n".join([HEADER, line("'-5", comment="'=1+1")]).encode())
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


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_with_row_and_column(campaign, case):
    data, expected = BAD_FILES[case]
    responses, answers, comments = (
        Response.objects.count(),
        Answer.objects.count(),
        Comment.objects.count(),
    )

    problems = validate_responses_csv(campaign, data)
    assert isinstance(problems, list)
    messages = [str(p) for p in problems]
    for row, column, text in expected:
        assert any(
            (row is None or m.startswith(row)) and (column is None or column in m) and text in m
            for m in messages
        ), (row, column, text, messages)
    assert len(messages) == len(expected), messages

    with pytest.raises(InvalidResponsesFile) as refused:
        import_responses(campaign, data)
    assert [str(p) for p in refused.value.errors] == messages
    assert Response.objects.count() == responses
    assert Answer.objects.count() == answers
    assert Comment.objects.count() == comments


def test_respondent_already_in_the_campaign_is_refused(campaign):
    import_responses(campaign, "\n".join([HEADER, line("p1")]).encode())
    counts = Response.objects.count(), Answer.objects.count()
    with pytest.raises(InvalidResponsesFile) as refused:
        import_responses(campaign, "\n".join([HEADER, line("p2"), line("p1")]).encode())
    assert [str(e) for e in refused.value.errors] == [
        "row 3, column respondent: respondent id 'p1' is already in this campaign"
    ]
    assert (Response.objects.count(), Answer.objects.count()) == counts
