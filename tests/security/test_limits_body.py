"""The respondent's pages refuse file uploads and large bodies before the view runs, with
nothing stored and nothing read that they do not need."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import encode_multipart

from assessment import page_plan
from assessment.models import Answer, Comment, Response
from tests.factories import CampaignFactory, TeamFactory

BOUNDARY = "klantscanboundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


@pytest.fixture
def campaign(quick_version):
    return CampaignFactory(questionnaire_version=quick_version)


@pytest.fixture
def respondent(campaign) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.post(f"/s/{campaign.token}/", {"role": "employee"}).status_code == 302
    return client


def answers(campaign, number: int = 1) -> dict[str, str]:
    page = page_plan.get_page_plan(campaign.questionnaire_version).page(number)
    return {f"i-{item.pk}": "4" for item in page.items}


def test_a_file_upload_to_a_page_is_refused_with_nothing_stored(campaign, respondent):
    upload = SimpleUploadedFile("holiday.mp4", b"\x00" * 200_000, "video/mp4")
    response = respondent.post(
        f"/s/{campaign.token}/p/1/", {**answers(campaign), "comment": "hi", "video": upload}
    )
    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    assert not Answer.objects.exists() and not Comment.objects.exists()


@pytest.mark.parametrize("path", ["/s/{campaign}/", "/t/{team}/"])
def test_a_file_upload_to_an_entry_link_starts_nothing(campaign, path):
    team = TeamFactory(campaign=campaign)
    upload = SimpleUploadedFile("a.bin", b"x" * 1000)
    url = path.format(campaign=campaign.token, team=team.token)
    data = {"role": "employee", "team": team.pk, "file": upload}
    assert Client().post(url, data).status_code == 400
    assert not Response.objects.exists()


def test_a_huge_upload_is_refused_on_its_length_without_reading_it(campaign, respondent):
    """The probe's 300 MB upload: the body is never read (the test client would fail
    loudly when asked for more than the few bytes it holds)."""
    body = encode_multipart(BOUNDARY, {**answers(campaign), "video": b"x"})
    response = respondent.generic(
        "POST",
        f"/s/{campaign.token}/p/1/",
        body,
        content_type=MULTIPART,
        CONTENT_LENGTH=str(300 * 1024 * 1024),
    )
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_a_large_form_is_refused_before_the_view(settings, campaign, respondent):
    padding = "x" * (settings.RESPONDENT_MAX_BODY_SIZE + 1)
    response = respondent.post(
        f"/s/{campaign.token}/p/1/",
        {**answers(campaign), "padding": padding},
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_the_largest_page_a_browser_sends_is_accepted(settings, campaign, respondent):
    comment = "👍" * Comment.MAX_LENGTH  # the textarea's maxlength, in 4-byte characters
    plan = page_plan.get_page_plan(campaign.questionnaire_version)
    largest = max((page for page in plan.pages if page.comment_topic), key=lambda p: len(p.items))
    data = {**answers(campaign, largest.number), "comment": comment}
    for content_type in ("application/x-www-form-urlencoded", None):  # None: multipart
        extra = {"content_type": content_type} if content_type else {}
        response = respondent.post(f"/s/{campaign.token}/p/{largest.number}/", data, **extra)
        assert response.status_code == 302
    assert Comment.objects.get().text == comment


def test_bodies_are_checked_also_when_the_rate_limits_are_off(settings, campaign, respondent):
    settings.RATELIMIT_ENABLED = False
    upload = SimpleUploadedFile("a.bin", b"x" * 1000)
    response = respondent.post(f"/s/{campaign.token}/p/1/", {**answers(campaign), "f": upload})
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_the_body_check_runs_before_anything_reads_a_body():
    middleware = django_settings.MIDDLEWARE
    assert middleware.index("config.ratelimit.RespondentBodyMiddleware") < middleware.index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )
