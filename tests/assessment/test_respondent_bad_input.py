"""Bad input on the respondent's pages: a clear message, and nothing stored changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment import respondent_cookie
from assessment.models import Answer, Campaign, Comment, Response
from questionnaires.models import Item
from tests.assessment.conftest import Respondent, make_invitation, read_cookie, write_cookie
from tests.factories import CampaignFactory, TeamFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def snapshot() -> dict:
    """Everything a respondent could have changed."""
    return {
        "responses": sorted(
            Response.objects.values_list(
                "pk", "status", "team_id", "role", "submitted_at", "key_digest"
            )
        ),
        "answers": sorted(Answer.objects.values_list("response_id", "item_id", "value")),
        "comments": sorted(Comment.objects.values_list("response_id", "topic", "text")),
    }


@pytest.fixture
def started(respondent) -> Respondent:
    """A respondent who answered page 1 with 2s and left a comment there."""
    respondent.start()
    respondent.answer(1, "2", comment="First thoughts")
    return respondent


# --------------------------------------------------------------------------- values

COMMENT_PAGE = 3  # the quick scan's third page ends the diamond and asks for its comment


@pytest.mark.parametrize("bad", ["0", "6", "abc", "3.5", "-1", "11", "dk2"])
def test_invalid_value_saves_nothing_of_the_page_and_keeps_entries(started, bad):
    page = started.plan.page(COMMENT_PAGE)
    target, *others = page.items
    before = snapshot()
    data = {f"i-{item.pk}": "5" for item in others}
    data[f"i-{target.pk}"] = bad
    data["comment"] = "Changed my mind"
    result = started.client.post(started.page_url(COMMENT_PAGE), data)

    assert result.status_code == 400
    text = html(result)
    message = "Choose one of the options: 1 to 5, or “don’t know”."
    assert f'<p class="q-error" id="e-{target.pk}">{message}</p>' in text
    assert f'aria-describedby="e-{target.pk}"' in text
    assert 'id="error-summary"' in text and f'href="#q-{target.pk}"' in text
    for item in others:  # the other entered values are kept on the page
        assert f'name="i-{item.pk}" value="5" checked' in text
    assert "Changed my mind" in text
    assert snapshot() == before


def test_invalid_value_on_a_fresh_page_stores_nothing(started):
    page = started.plan.page(2)
    before = snapshot()
    data = {f"i-{item.pk}": "4" for item in page.items}
    data[f"i-{page.items[-1].pk}"] = "0"
    assert started.client.post(started.page_url(2), data).status_code == 400
    assert snapshot() == before
    assert not Answer.objects.filter(item_id__in=page.item_ids).exists()


def test_item_not_in_this_questionnaire_version(started, campaign):
    outside = Item.objects.exclude(pk__in=started.plan.item_ids).first()
    assert outside is not None
    before = snapshot()
    data = {**started.values_for(2, "4"), f"i-{outside.pk}": "3"}
    result = started.client.post(started.page_url(2), data)
    assert result.status_code == 400
    assert "An answer was sent for a statement that is not in this questionnaire." in html(result)
    assert snapshot() == before


@pytest.mark.parametrize("name", ["i-999999999", "i-abc", "i-", "i--3"])
def test_unknown_item_field_names(started, name):
    before = snapshot()
    result = started.client.post(started.page_url(2), {**started.values_for(2), name: "3"})
    assert result.status_code == 400
    assert "not in this questionnaire" in html(result)
    assert snapshot() == before


def test_item_from_another_page(started):
    other_page_item = started.plan.page(3).items[0]
    before = snapshot()
    data = {**started.values_for(2, "4"), f"i-{other_page_item.pk}": "3"}
    result = started.client.post(started.page_url(2), data)
    assert result.status_code == 400
    assert "not on this page" in html(result)
    assert snapshot() == before


@pytest.mark.parametrize("number", [0, "one past the last", 99, 2**31])
def test_page_out_of_range(started, number):
    if number == "one past the last":
        number = started.plan.page_count + 1
    before = snapshot()
    for result in (
        started.client.get(started.page_url(number)),
        started.client.post(started.page_url(number), started.values_for(1, "5")),
    ):
        assert result.status_code == 404
        assert "This page does not exist" in html(result)
        assert f"The questionnaire has {started.plan.page_count} pages" in html(result)
    assert snapshot() == before


def test_comment_too_long(started):
    before = snapshot()
    data = {**started.values_for(COMMENT_PAGE, "5"), "comment": "x" * (Comment.MAX_LENGTH + 1)}
    result = started.client.post(started.page_url(COMMENT_PAGE), data)
    assert result.status_code == 400
    text = html(result)
    assert f"the maximum is {Comment.MAX_LENGTH}" in text
    assert 'aria-describedby="comment-help comment-error"' in text
    assert 'id="comment-error"' in text and 'href="#comment"' in text
    assert snapshot() == before


# --------------------------------------------------------------------------- start form


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"role": "ceo"},
        {"role": ""},
        {"role": "employee"},  # no team although the campaign has teams
        {"role": "employee", "team": "abc"},
        {"role": "employee", "team": "999999"},
    ],
)
def test_invalid_start_form_creates_nothing(campaign, data):
    client = Client()
    result = client.post(reverse("respondent:campaign", args=[campaign.token]), data)
    assert result.status_code == 400
    text = html(result)
    assert (
        ("Choose your role." in text)
        or ("Choose your team." in text)
        or ("Choose one of the options." in text)
    )
    assert 'class="field-error"' in text
    assert Response.objects.count() == 0
    assert respondent_cookie.cookie_name(campaign) not in result.cookies


def test_team_of_another_campaign_is_refused(campaign, quick_version):
    foreign = TeamFactory(campaign=CampaignFactory(questionnaire_version=quick_version))
    result = Client().post(
        reverse("respondent:campaign", args=[campaign.token]),
        {"role": "employee", "team": foreign.pk},
    )
    assert result.status_code == 400 and "Choose one of the options." in html(result)
    assert Response.objects.count() == 0


# --------------------------------------------------------------------------- other campaign


def test_cookie_of_campaign_a_used_on_campaign_b(started, quick_version):
    campaign_b = CampaignFactory(questionnaire_version=quick_version)
    b = Respondent(campaign_b, started.client)
    morsel = started.client.cookies[respondent_cookie.cookie_name(started.campaign)]
    started.client.cookies[respondent_cookie.cookie_name(campaign_b)] = morsel.value  # copied over
    before = snapshot()
    result = started.client.post(b.page_url(2), b.values_for(2, "1"))
    assert result.status_code == 403
    assert "We could not find your questionnaire" in html(result)
    assert snapshot() == before
    # Signed properly for B but holding A's key: the key does not open B either.
    write_cookie(started.client, campaign_b, read_cookie(started.client, started.campaign))
    for url, data in ((b.page_url(2), b.values_for(2, "1")), (b.url("submit"), {})):
        result = started.client.post(url, data)
        assert result.status_code == 403
        assert "We could not find your questionnaire" in html(result)
    assert snapshot() == before


def test_tampered_cookie_is_ignored(started):
    name = respondent_cookie.cookie_name(started.campaign)
    value = started.client.cookies[name].value
    started.client.cookies[name] = "X" + value
    before = snapshot()
    result = started.client.post(started.page_url(2), started.values_for(2))
    assert result.status_code == 403
    assert snapshot() == before


# --------------------------------------------------------------------------- CSRF


def test_missing_csrf_token_is_refused_with_a_clear_message(campaign):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("respondent:campaign", args=[campaign.token])
    assert client.get(url).status_code == 200  # sets the CSRF cookie
    result = client.post(url, {"role": "employee", "team": campaign.teams.first().pk})
    assert result.status_code == 403
    assert "This page has expired" in html(result)
    assert Response.objects.count() == 0


def test_missing_csrf_token_on_page_and_submit(started):
    client = Client(enforce_csrf_checks=True)
    client.cookies = started.client.cookies
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(started.page_url(2))
    assert page.status_code == 200
    before = snapshot()
    for url, data in (
        (started.page_url(2), started.values_for(2, "5")),
        (started.url("submit"), {}),
        (started.url("resume"), {"code": started.credentials().code}),
    ):
        result = client.post(url, data)
        assert result.status_code == 403
        assert "This page has expired" in html(result)
    assert snapshot() == before
    # With the token from the page the same post goes through.
    token = client.cookies["csrftoken"].value
    data = {**started.values_for(2, "5"), "csrfmiddlewaretoken": token}
    assert client.post(started.page_url(2), data).status_code == 302


# --------------------------------------------------------------------------- submitting


def test_submit_after_the_campaign_closed(started):
    for page in started.plan.pages[1:]:
        started.answer(page.number)
    Campaign.objects.filter(pk=started.campaign.pk).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )
    before = snapshot()
    result = started.submit()
    assert result.status_code == 403
    assert "This questionnaire is closed" in html(result)
    result = started.answer(2, "1")
    assert result.status_code == 403 and "nothing was saved" in html(result)
    assert snapshot() == before
    assert started.response().status == Response.IN_PROGRESS


def test_second_submit_changes_nothing(started):
    for page in started.plan.pages[1:]:
        started.answer(page.number)
    assert started.submit().status_code == 302
    before = snapshot()
    result = started.submit()
    assert result.status_code == 409
    assert "You already took part" in html(result) and "Nothing was saved now." in html(result)
    result = started.answer(1, "5", comment="Sneaky edit")
    assert result.status_code == 409
    assert snapshot() == before


def test_second_submit_from_another_device(started, campaign):
    for page in started.plan.pages[1:]:  # enough answers to pass the campaign's minimum
        started.answer(page.number)
    code = started.credentials().code
    other = Respondent(campaign)
    other.client.post(other.url("resume"), {"code": code})
    assert started.submit().status_code == 302
    before = snapshot()
    assert other.submit().status_code == 409
    assert other.answer(2, "1").status_code == 409
    assert snapshot() == before


def test_submit_without_any_answer(respondent):
    respondent.start()
    before = snapshot()
    result = respondent.submit()
    assert result.status_code == 400
    assert "Please answer at least one statement before you submit." in html(result)
    assert snapshot() == before


def test_submit_without_response(campaign):
    client = Client()
    result = client.post(reverse("respondent:submit", args=[campaign.token]))
    assert result.status_code == 403
    assert "We could not find your questionnaire" in html(result)


def test_get_on_submit_is_not_allowed(started):
    assert started.client.get(started.url("submit")).status_code == 405
    assert started.response().status == Response.IN_PROGRESS


def test_unknown_invitation_token_is_404(campaign):
    make_invitation(campaign, "real@example.org")
    result = Client().post(reverse("respondent:invitation", args=["made-up"]), {"role": "board"})
    assert result.status_code == 404
    assert Response.objects.count() == 0
