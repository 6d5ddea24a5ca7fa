"""Bad response files, generated: `validate_responses_csv` and `import_responses` never raise
anything but the documented `InvalidResponsesFile`, and a refused file stores nothing."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.models import Answer, Comment, Response
from assessment.response_file import item_columns
from assessment.responses_import import (
    ImportPlan,
    ImportProblem,
    InvalidResponsesFile,
    import_responses,
    validate_responses_csv,
)
from tests.factories import CampaignFactory, TeamFactory

pytestmark = pytest.mark.django_db

TEXT = st.characters(blacklist_categories=("Cs",))
CELL = st.one_of(
    st.sampled_from(
        [
            "1",
            "2",
            "3",
            "4",
            "5",
            "dk",
            "DK",
            "",
            " 3 ",
            "0",
            "6",
            "x",
            "3.5",
            "=1+1",
            "'=cmd",
            "\ufeff",
            "\x00",
            "\r",
            "\n",
            '"',
            ";",
            "\t",
        ]
    ),
    st.text(TEXT, max_size=12),
    st.text(TEXT, min_size=150, max_size=2100),
)


@pytest.fixture
def campaign(quick_version):
    campaign = CampaignFactory(questionnaire_version=quick_version, anonymity_threshold=3)
    TeamFactory(campaign=campaign, name="Sales")
    TeamFactory(campaign=campaign, name="Klantenservice")
    return campaign


def stored() -> tuple[int, int, int]:
    return Response.objects.count(), Answer.objects.count(), Comment.objects.count()


def check_file(campaign, data: bytes) -> None:
    """The contract: a plan or a list of problems; import all or nothing."""
    before = stored()
    result = validate_responses_csv(campaign, data)
    assert isinstance(result, ImportPlan | list)
    if isinstance(result, list):
        assert result and all(isinstance(p, ImportProblem) and str(p) for p in result)
    assert stored() == before  # validating stores nothing
    try:
        outcome = import_responses(campaign=campaign, source=data)
    except InvalidResponsesFile as error:
        assert isinstance(result, list)
        assert error.errors and str(error)
        assert stored() == before
    else:
        assert isinstance(result, ImportPlan)
        responses, answers, comments = stored()
        assert responses - before[0] == outcome.responses == result.n_responses
        assert answers - before[1] == outcome.answers == result.n_answers
        assert comments - before[2] == outcome.comments == result.n_comments


@given(data=st.binary(max_size=4000))
def test_arbitrary_bytes(campaign, data):
    check_file(campaign, data)


@given(data=st.data())
def test_arbitrary_rows_under_a_plausible_header(campaign, data):
    codes = [c.code for c in item_columns(campaign.questionnaire_version)]
    extra = ["comment", "unknown", "", "Respondent", "TEAM", codes[0]]
    header = ["respondent", "team", "role"] + data.draw(
        st.lists(st.sampled_from(codes + extra), max_size=12), label="columns"
    )
    if data.draw(st.booleans(), label="shuffle"):
        header = data.draw(st.permutations(header), label="header")
    rows = data.draw(
        st.lists(
            st.lists(
                st.one_of(
                    CELL,
                    st.sampled_from(["Sales", "sales", "Nobody", "manager", "board", "r1", "r1"]),
                ),
                max_size=len(header) + 2,
            ),
            max_size=8,
        ),
        label="rows",
    )
    delimiter = data.draw(st.sampled_from([",", ";", "\t"]), label="delimiter")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    check_file(campaign, out.getvalue().encode(encoding, errors="replace"))


@given(
    rows=st.lists(
        st.tuples(
            st.text(TEXT, min_size=1, max_size=120),  # respondent id
            st.sampled_from(["", "Sales", "KLANTENSERVICE"]),
            st.sampled_from(["", "board", "manager", "employee", "Manager"]),
            st.lists(st.sampled_from(["1", "2", "3", "4", "5", "dk", ""]), min_size=3, max_size=3),
            st.text(TEXT, max_size=2100),  # comment
        ),
        min_size=1,
        max_size=6,
    )
)
def test_well_formed_files_with_wild_text(campaign, rows):
    codes = [c.code for c in item_columns(campaign.questionnaire_version)][:3]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["respondent", "team", "role", *codes, "comment"])
    for ref, team, role, values, comment in rows:
        writer.writerow([ref, team, role, *values, comment])
    check_file(campaign, out.getvalue().encode())


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02",
        b"\xff\xfe\x00r\x00e\x00s",  # UTF-16
        b"respondent,team,role\n" * 3,
        b'respondent,team,role,"unterminated\n1,2,3',
        b"respondent,team,role\n" + b"x" * 200_000 + b"\n",  # over csv's field size limit
        "respondent;team;role;comment\nr1;Sales;board;𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ‮RTL\n".encode(),
        b"respondent,team,role\nr1,Sales,board\x00\n",
    ],
)
def test_nasty_files(campaign, data):
    check_file(campaign, data)


def test_a_valid_file_with_unicode_is_stored_exactly(campaign):
    code = item_columns(campaign.questionnaire_version)[0].code
    text = "Klant 👍🏽 centraal — خدمة e\u0301 ‮"
    data = f"respondent,team,role,{code},comment\nü-1,Sales,board,4,{text}\n".encode()
    check_file(campaign, data)
    comment = Comment.objects.get()
    # Every character is kept, except the trailing right-to-left override: bidirectional
    # controls are dropped from comments wherever they are stored.
    assert comment.text == "Klant 👍🏽 centraal — خدمة e\u0301"
    assert Response.objects.get().respondent_ref == "ü-1"
