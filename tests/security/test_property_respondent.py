"""Bad input on the respondent's pages, generated: whatever is posted, never a server error
and never a partial write (a page's answers are stored all together or not at all)."""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

import pytest
from django.test import Client
from hypothesis import assume, given
from hypothesis import strategies as st

from assessment import page_plan
from assessment.models import Answer, Comment, Response
from tests.factories import CampaignFactory, TeamFactory

pytestmark = pytest.mark.django_db

PAGE = 3  # the quick scan's third page ends the diamond: it asks for the comment

# NUL cannot be stored by PostgreSQL; it has its own test below (a known problem).
UNICODE = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
# What a stored comment never contains: control characters other than tab and line feed,
# and bidirectional controls (they would make a comment read differently in an export).
NOT_STORED = re.compile("[\x00-\x08\x0b-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def as_stored(comment: str) -> str:
    return NOT_STORED.sub("", comment.replace("\r\n", "\n").replace("\r", "\n")).strip()


EDGE_VALUES = [
    "1",
    "2",
    "3",
    "4",
    "5",
    "dk",
    "DK",
    " 4 ",
    "\t5\n",
    "0",
    "6",
    "3.0",
    "-1",
    "",
    " ",
    "dk ",
    "1e0",
    "٣",
    "４",
    "½",
]
VALUE = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.text(UNICODE, max_size=20),
    st.text(UNICODE, min_size=1000, max_size=3000),
)


@pytest.fixture
def setup(quick_version, settings):
    """A respondent who answered page 1 (all 3s); PAGE is the page under test."""
    settings.RATELIMIT_ENABLED = False  # hundreds of posts from one client
    campaign = CampaignFactory(questionnaire_version=quick_version, language="en")
    TeamFactory(campaign=campaign, name="Sales")
    client = Client(raise_request_exception=True)
    team = campaign.teams.get()
    assert (
        client.post(f"/s/{campaign.token}/", {"role": "employee", "team": team.pk}).status_code
        == 302
    )
    plan = page_plan.get_page_plan(quick_version)
    first = {f"i-{item.pk}": "3" for item in plan.page(1).items}
    assert client.post(f"/s/{campaign.token}/p/1/", first).status_code == 302
    return campaign, client, Response.objects.get(), plan


def state(response: Response) -> tuple[dict, dict]:
    answers = dict(Answer.objects.filter(response=response).values_list("item_id", "value"))
    comments = dict(Comment.objects.filter(response=response).values_list("topic", "text"))
    return answers, comments


def field_names(plan: page_plan.PagePlan):
    page = plan.page(PAGE)
    here = [f"i-{item.pk}" for item in page.items]
    elsewhere = [f"i-{item.pk}" for item in plan.page(1).items]
    return st.one_of(
        st.sampled_from(here),
        st.sampled_from(elsewhere),
        st.sampled_from(
            [
                "comment",
                "action",
                "i-",
                "i-0",
                "i--1",
                "i-99999999999999999999",
                "i-1e3",
                "I-1",
                "role",
                "csrfmiddlewaretoken",
            ]
        ),
        st.builds(lambda n: f"i-{n}", st.integers(min_value=0, max_value=10**6)),
        st.text(UNICODE, max_size=30),
    )


def last(value):
    return value[-1] if isinstance(value, list) else value


@given(data=st.data())
def test_any_page_post_is_stored_whole_or_not_at_all(setup, data):
    campaign, client, response, plan = setup
    page = plan.page(PAGE)
    posted = data.draw(
        st.dictionaries(
            field_names(plan),
            st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=3)),
            max_size=16,
        ),
        label="post",
    )
    if data.draw(st.booleans(), label="answer every statement"):
        for item in page.items:
            posted.setdefault(f"i-{item.pk}", data.draw(st.sampled_from(EDGE_VALUES[:6])))
    before_answers, before_comments = state(response)

    result = client.post(f"/s/{campaign.token}/p/{PAGE}/", posted)

    assert result.status_code in (302, 400), result.status_code
    after_answers, after_comments = state(response)
    changed = {
        pk
        for pk in after_answers.keys() | before_answers.keys()
        if after_answers.get(pk, "-") != before_answers.get(pk, "-")
    }
    assert changed <= page.item_ids, "an answer outside the posted page changed"
    if result.status_code == 400:
        assert (after_answers, after_comments) == (before_answers, before_comments)
        return
    for item in page.items:  # every answer of the page as posted
        raw = last(posted.get(f"i-{item.pk}"))
        if raw is None or raw == "":
            assert after_answers.get(item.pk, "-") == before_answers.get(item.pk, "-")
            continue
        value = raw.strip().lower()
        assert after_answers[item.pk] == (None if value == "dk" else int(value)), raw
    if "comment" in posted:
        text = as_stored(last(posted["comment"]))
        assert after_comments.get(page.comment_topic, "") == text
        assert len(text) <= Comment.MAX_LENGTH


@given(body=st.binary(max_size=3000))
def test_raw_bodies_never_break_a_page(setup, body):
    campaign, client, response, plan = setup
    assume(b"\x00" not in unquote_to_bytes(body.replace(b"+", b" ")))
    before = state(response)
    for content_type in ("application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        result = client.generic(
            "POST", f"/s/{campaign.token}/p/{PAGE}/", body, content_type=content_type
        )
        assert result.status_code in (302, 400), result.status_code
        if result.status_code == 400:
            assert state(response) == before


@given(
    role=st.one_of(
        st.sampled_from(["board", "manager", "employee", "", "admin"]),
        st.text(UNICODE, max_size=40),
    ),
    team=st.one_of(st.none(), st.text(UNICODE, max_size=20), st.integers().map(str)),
)
def test_any_start_post_starts_one_valid_response_or_none(quick_version, settings, role, team):
    settings.RATELIMIT_ENABLED = False
    campaign = CampaignFactory(questionnaire_version=quick_version)
    TeamFactory(campaign=campaign, name="Sales")
    data = {"role": role} if team is None else {"role": role, "team": team}
    result = Client(raise_request_exception=True).post(f"/s/{campaign.token}/", data)
    assert result.status_code in (302, 400)
    started = Response.objects.filter(campaign=campaign)
    if result.status_code == 400:
        assert not started.exists()
    else:
        (response,) = started
        assert response.role in Response.ROLE_CODES and response.team.campaign_id == campaign.pk


@given(code=st.one_of(st.text(UNICODE, max_size=60), st.text("ABCDEFGH23456789- ", max_size=12)))
def test_any_resume_code_is_answered_calmly(setup, code):
    campaign, client, response, plan = setup
    before = state(response)
    result = client.post(f"/s/{campaign.token}/resume/", {"code": code})
    assert result.status_code in (302, 400)
    assert state(response) == before


# --------------------------------------------------------------------------- edge cases

EDGE_COMMENTS = {
    "emoji": "Goed bezig 👍🏽 👨‍👩‍👧‍👦 🇳🇱",
    "rtl": "خدمة العملاء ممتازة — שירות מצוין",
    "combining": "e\u0301\u0302\u0303 Zalgo: Z\u0336\u0351a\u0334\u0352l\u0335g\u0337o",
    "zero width": "a\u200bb\u200dc\ufeffd",
    "html": "<script>alert('x')</script> & <b>bold</b>",
    "sql": "'; DROP TABLE assessment_answer; --",
    "formula": '=HYPERLINK("http://evil")',
    "max length emoji": "👍" * Comment.MAX_LENGTH,
    "line breaks": "line one\r\nline two\rline three\n",
}


@pytest.mark.parametrize("name", EDGE_COMMENTS)
def test_unicode_comments_are_stored_exactly_and_shown_escaped(setup, name):
    campaign, client, response, plan = setup
    text = EDGE_COMMENTS[name]
    page = plan.page(PAGE)
    data = {**{f"i-{item.pk}": "4" for item in page.items}, "comment": text}
    result = client.post(f"/s/{campaign.token}/p/{PAGE}/", data)
    assert result.status_code == 302
    stored = Comment.objects.get(response=response, topic=page.comment_topic).text
    assert stored == text.replace("\r\n", "\n").replace("\r", "\n").strip()
    shown = client.get(f"/s/{campaign.token}/p/{PAGE}/").content.decode()
    assert "<script>alert" not in shown and "<b>bold</b>" not in shown


@pytest.mark.parametrize(
    "text", ["x" * (Comment.MAX_LENGTH + 1), "👍" * (Comment.MAX_LENGTH + 1), "é" * 50_000]
)
def test_oversized_comments_are_refused_with_nothing_stored(setup, text):
    campaign, client, response, plan = setup
    page = plan.page(PAGE)
    before = state(response)
    data = {**{f"i-{item.pk}": "4" for item in page.items}, "comment": text}
    result = client.post(f"/s/{campaign.token}/p/{PAGE}/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert result.status_code == 400
    assert "the maximum is 2000" in result.content.decode()
    assert state(response) == before


@pytest.mark.parametrize(
    "control", list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
)
def test_bidirectional_controls_in_a_comment_are_dropped(setup, control):
    """A right-to-left override (and its kin) would make the comment read differently
    in an export than it was written; letters of right-to-left scripts stay."""
    campaign, client, response, plan = setup
    page = plan.page(PAGE)
    text = f"abc {control}dlrow olleh\u202c def خدمة"
    data = {**{f"i-{item.pk}": "4" for item in page.items}, "comment": text}
    assert client.post(f"/s/{campaign.token}/p/{PAGE}/", data).status_code == 302
    assert Comment.objects.get(response=response, topic=page.comment_topic).text == (
        "abc dlrow olleh def خدمة"
    )


def test_control_characters_in_a_comment_are_dropped(setup):
    """NUL cannot be stored in PostgreSQL text and never comes from a keyboard."""
    campaign, client, response, plan = setup
    page = plan.page(PAGE)
    data = {**{f"i-{item.pk}": "4" for item in page.items}, "comment": "be\x00fore\x07\tafter\n"}
    result = client.post(f"/s/{campaign.token}/p/{PAGE}/", data)
    assert result.status_code == 302
    assert Comment.objects.get(response=response, topic=page.comment_topic).text == "before\tafter"


def test_nul_in_an_answer_value_is_refused(setup):
    campaign, client, response, plan = setup
    page = plan.page(PAGE)
    before = state(response)
    data = {f"i-{item.pk}": "4\x00" for item in page.items}
    assert client.post(f"/s/{campaign.token}/p/{PAGE}/", data).status_code == 400
    assert state(response) == before
