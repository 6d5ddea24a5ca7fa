"""Probe finding: a consultant trying out the questionnaire in their own browser added a
real response. Responses made where a consultant is logged in are test responses: the
respondent is told so, and the campaign pages count them apart, never as responses."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment import campaigns as rules
from assessment.models import Response
from assessment.progress import campaign_progress
from tests.assessment.conftest import Respondent, write_cookie
from tests.factories import OrganisationFactory


@pytest.fixture
def own_campaign(campaign, consultant):
    campaign.organisation = OrganisationFactory(owner=consultant, name="Try-out BV")
    campaign.save()
    return campaign


def answer_and_submit(respondent: Respondent):
    respondent.start()
    respondent.answer_all()
    submitted = respondent.submit()
    assert submitted["Location"] == respondent.url("thanks")
    return respondent.client.get(respondent.url("thanks")).content.decode()


def test_a_logged_in_consultant_submits_a_test_response(en_client, own_campaign):
    thanks = answer_and_submit(Respondent(own_campaign, en_client))

    stored = Response.objects.get()
    assert stored.is_submitted and stored.is_test
    assert "stored as a test response" in thanks
    assert "do not count" in thanks

    progress = campaign_progress(own_campaign)
    assert (progress.submitted, progress.in_progress, progress.test) == (0, 0, 1)
    assert all(team.submitted == 0 for team in progress.teams)
    page = en_client.get(reverse("assessment:campaign_detail", args=[own_campaign.slug]))
    body = page.content.decode()
    assert 'data-stat="submitted">0<' in body
    assert "1 test response, not counted" in body
    fragment = en_client.get(reverse("assessment:campaign_progress", args=[own_campaign.slug]))
    assert "1 test response, not counted" in fragment.content.decode()

    (row,) = rules.organisation_campaigns(own_campaign.organisation)
    assert (row.submitted_count, row.in_progress_count, row.test_count) == (0, 0, 1)
    (organisation,) = rules.organisations_overview(own_campaign.organisation.owner)
    (listed,) = organisation.campaigns.all()
    assert (listed.submitted_count, listed.test_count) == (0, 1)
    for name, args in (
        ("assessment:organisation_detail", [own_campaign.organisation.pk]),
        ("assessment:organisation_list", []),
    ):
        assert (
            "1 test response, not counted"
            in en_client.get(reverse(name, args=args)).content.decode()
        )


def test_an_anonymous_respondent_is_counted(client, own_campaign):
    thanks = answer_and_submit(Respondent(own_campaign, client))

    stored = Response.objects.get()
    assert stored.is_submitted and not stored.is_test
    assert "Thank you for taking part!" in thanks and "test response" not in thanks
    progress = campaign_progress(own_campaign)
    assert (progress.submitted, progress.test) == (1, 0)
    (row,) = rules.organisation_campaigns(own_campaign.organisation)
    assert (row.submitted_count, row.test_count) == (1, 0)


def test_started_anonymously_and_submitted_logged_in_is_a_test(client, consultant, own_campaign):
    respondent = Respondent(own_campaign, client)
    respondent.start()
    respondent.answer_all()
    assert not Response.objects.get().is_test
    client.force_login(consultant)
    respondent.submit()
    assert Response.objects.get().is_test


def test_started_logged_in_stays_a_test_after_logging_out(en_client, own_campaign):
    respondent = Respondent(own_campaign, en_client)
    respondent.start()
    assert Response.objects.get().is_test
    credentials = respondent.credentials()
    en_client.logout()  # the test client forgets every cookie: keep the respondent's
    write_cookie(en_client, own_campaign, credentials)
    respondent.answer_all()
    respondent.submit()
    stored = Response.objects.get()
    assert stored.is_submitted and stored.is_test
    assert campaign_progress(own_campaign).submitted == 0
