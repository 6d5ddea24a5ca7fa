"""Consultant sessions end after a working day without activity; respondents, who have no
session, keep their 30-day cookie to resume with and cause no session writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment import page_plan, respondent_cookie
from config.sessions import RENEWED_AT
from tests.factories import CampaignFactory

WORKING_DAY = timedelta(hours=10)
HOME = reverse("assessment:organisation_list")


@pytest.fixture
def consultant_client(consultant) -> Client:
    client = Client()
    client.force_login(consultant)
    return client


def stored_session(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def idle(client: Client, for_: timedelta) -> None:
    """As if the consultant's last request was ``for_`` ago."""
    session = stored_session(client)
    data = session.get_decoded()
    data[RENEWED_AT] -= int(for_.total_seconds())
    session.session_data = SessionStore().encode(data)
    session.expire_date -= for_
    session.save()


def test_a_consultant_session_lasts_a_working_day(consultant_client):
    idle(consultant_client, timedelta(minutes=6))
    response = consultant_client.get(HOME)
    assert response.status_code == 200
    assert timedelta(seconds=django_settings.SESSION_COOKIE_AGE) <= WORKING_DAY
    assert int(response.cookies["sessionid"]["max-age"]) == django_settings.SESSION_COOKIE_AGE
    left = stored_session(consultant_client).expire_date - timezone.now()
    assert WORKING_DAY - timedelta(minutes=1) <= left <= WORKING_DAY


def test_a_request_after_a_pause_renews_the_session(consultant_client):
    idle(consultant_client, WORKING_DAY - timedelta(minutes=1))  # idle for almost a day
    assert consultant_client.get(HOME).status_code == 200
    assert stored_session(consultant_client).expire_date - timezone.now() > WORKING_DAY / 2


def test_a_busy_session_is_written_at_most_every_few_minutes(consultant_client):
    idle(consultant_client, timedelta(minutes=2))
    before = stored_session(consultant_client).expire_date
    consultant_client.get(HOME)  # two minutes later: nothing to write
    assert stored_session(consultant_client).expire_date == before
    idle(consultant_client, timedelta(minutes=4))
    consultant_client.get(HOME)  # six minutes after the last write: renewed
    assert stored_session(consultant_client).expire_date > before


def test_an_idle_session_is_logged_out(consultant_client):
    idle(consultant_client, WORKING_DAY + timedelta(seconds=1))
    response = consultant_client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_respondents_have_no_session_and_keep_their_resume_cookie(quick_version):
    campaign = CampaignFactory(questionnaire_version=quick_version)
    client = Client()
    started = client.post(f"/s/{campaign.token}/", {"role": "employee"})
    page = page_plan.get_page_plan(quick_version).page(1)
    saved = client.post(f"/s/{campaign.token}/p/1/", {f"i-{i.pk}": "3" for i in page.items})
    resumed = client.get(f"/s/{campaign.token}/")
    assert [r.status_code for r in (started, saved, resumed)] == [302, 302, 302]
    assert not Session.objects.exists()
    assert "sessionid" not in client.cookies
    cookie = client.cookies[respondent_cookie.cookie_name(campaign)]
    assert int(cookie["max-age"]) == respondent_cookie.COOKIE_MAX_AGE >= 30 * 24 * 3600
    assert resumed["Location"].endswith("/p/2/")  # picks up where they stopped
