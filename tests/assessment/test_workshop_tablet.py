"""Workshop-tablet mode: one shared device on a team link, one response per person."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assessment import responding
from assessment.models import Response
from tests.assessment.conftest import Respondent, make_invitation
from tests.factories import CampaignFactory, OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tablet_team(campaign):
    team = campaign.teams.get(name="Sales")
    team.workshop_tablet = True
    team.save()
    return team


def answer_and_submit(respondent: Respondent, link: str, role: str, team=None) -> None:
    assert respondent.start(role=role, link=link, team=team).status_code == 302
    respondent.answer_all("4" if role == Response.EMPLOYEE else "2")
    assert respondent.submit()["Location"] == respondent.url("thanks")


def test_two_people_answer_in_turn_on_one_tablet(campaign, tablet_team):
    device = Respondent(campaign, Client())
    link = reverse("respondent:team", args=[tablet_team.token])
    answer_and_submit(device, link, Response.EMPLOYEE)
    first = device.response()

    thanks = device.client.get(device.url("thanks")).content.decode()
    assert "Next person: start a new questionnaire" in thanks and f'href="{link}"' in thanks
    assert "You can close this page." not in thanks
    assert first.on_workshop_tablet

    welcome = device.client.get(link)  # the next person, on the same device
    assert welcome.status_code == 200 and 'name="role"' in welcome.content.decode()
    answer_and_submit(device, link, Response.MANAGER)
    second = device.response()

    assert second.pk != first.pk
    assert second.key_digest != first.key_digest
    assert second.resume_code_digest != first.resume_code_digest
    stored = Response.objects.filter(campaign=campaign, status=Response.SUBMITTED)
    assert sorted(stored.values_list("role", "team__name")) == [
        (Response.EMPLOYEE, "Sales"),
        (Response.MANAGER, "Sales"),
    ]
    # The first person's answers are untouched by the second.
    assert set(first.answers.values_list("value", flat=True)) == {4}
    assert set(second.answers.values_list("value", flat=True)) == {2}


def test_without_tablet_mode_the_device_has_taken_part(campaign):
    team = campaign.teams.get(name="Sales")
    device = Respondent(campaign, Client())
    link = reverse("respondent:team", args=[team.token])
    answer_and_submit(device, link, Response.EMPLOYEE)
    thanks = device.client.get(device.url("thanks")).content.decode()
    assert "Next person" not in thanks
    again = device.client.get(link).content.decode()
    assert "already" in again and 'name="role"' not in again
    assert Response.objects.filter(campaign=campaign).count() == 1


def test_a_half_finished_response_on_the_tablet_is_continued_not_replaced(campaign, tablet_team):
    device = Respondent(campaign, Client())
    link = reverse("respondent:team", args=[tablet_team.token])
    device.start(link=link)
    device.answer(1)
    reopened = device.client.get(link)
    assert reopened.status_code == 302 and reopened["Location"] == device.page_url(2)
    assert Response.objects.filter(campaign=campaign).count() == 1


def test_starts_afresh_only_after_a_submission_on_the_same_tablet_team(campaign, tablet_team):
    other = campaign.teams.get(name="Customer service")

    def submitted(team, on_tablet=True):
        return Response(team=team, status=Response.SUBMITTED, on_workshop_tablet=on_tablet)

    assert responding.starts_afresh(tablet_team, submitted(tablet_team))
    in_progress = Response(team=tablet_team, on_workshop_tablet=True)
    assert not responding.starts_afresh(tablet_team, in_progress)
    assert not responding.starts_afresh(tablet_team, None)
    assert not responding.starts_afresh(None, submitted(tablet_team))
    assert not responding.starts_afresh(tablet_team, submitted(other))
    assert not responding.starts_afresh(other, submitted(other))
    # Started elsewhere (the campaign link, an invitation) and filed under the team.
    assert not responding.starts_afresh(tablet_team, submitted(tablet_team, on_tablet=False))


def test_a_personal_phone_on_the_campaign_link_is_not_a_tablet(campaign, tablet_team):
    """Choosing the tablet team on the campaign link, on one's own phone, offers no fresh
    start: the device has taken part."""
    phone = Respondent(campaign, Client())
    answer_and_submit(phone, phone.url("campaign"), Response.EMPLOYEE, team=tablet_team)
    assert phone.response().team == tablet_team and not phone.response().on_workshop_tablet
    thanks = phone.client.get(phone.url("thanks")).content.decode()
    assert "Next person" not in thanks and "You can close this page." in thanks
    link = reverse("respondent:team", args=[tablet_team.token])
    again = phone.client.get(link).content.decode()
    assert "already" in again and 'name="role"' not in again
    assert Response.objects.filter(campaign=campaign).count() == 1


def test_an_invitation_on_a_tablet_team_is_never_handed_on(campaign, tablet_team):
    invitation, token = make_invitation(campaign, "anna@example.nl", team=tablet_team)
    device = Respondent(campaign, Client())
    link = reverse("respondent:invitation", args=[token])
    answer_and_submit(device, link, Response.EMPLOYEE)
    assert not device.response().on_workshop_tablet
    again = device.client.get(link).content.decode()
    assert "already" in again and 'name="role"' not in again
    invitation.refresh_from_db()
    assert invitation.completed


def test_no_page_of_the_questionnaire_is_kept_for_the_back_button(campaign, tablet_team):
    device = Respondent(campaign, Client())
    link = reverse("respondent:team", args=[tablet_team.token])
    pages = [link]
    device.start(link=link)
    pages += [device.page_url(1), device.url("review"), device.url("saved")]
    for url in pages:
        response = device.client.get(url)
        assert "no-store" in response["Cache-Control"], url
    answer_and_submit(Respondent(campaign, device.client), link, Response.MANAGER)
    assert "no-store" in device.client.get(device.url("thanks"))["Cache-Control"]


def test_the_consultant_switches_tablet_mode_per_team(en_client, consultant, quick_version):
    organisation = OrganisationFactory(owner=consultant)
    campaign = CampaignFactory(organisation=organisation, questionnaire_version=quick_version)
    team = TeamFactory(campaign=campaign, name="Sales")
    url = reverse("assessment:team_workshop_tablet", args=[campaign.slug, team.pk])
    detail = reverse("assessment:campaign_detail", args=[campaign.slug])
    assert f'action="{url}"' in en_client.get(detail).content.decode()

    response = en_client.post(url, {"on": "1"}, follow=True)
    team.refresh_from_db()
    assert team.workshop_tablet
    assert "Workshop tablet on for Sales" in response.content.decode()
    assert "Workshop tablet: on." in response.content.decode()

    en_client.post(url, {"on": "0"})
    team.refresh_from_db()
    assert not team.workshop_tablet


def test_only_the_campaigns_consultants_switch_tablet_mode(client, campaign):
    team = campaign.teams.get(name="Sales")
    url = reverse("assessment:team_workshop_tablet", args=[campaign.slug, team.pk])
    assert client.post(url, {"on": "1"}).status_code == 302  # to the login page
    client.force_login(UserFactory(username="someone-else"))
    assert client.post(url, {"on": "1"}).status_code == 404
    assert client.get(url).status_code in (404, 405)
    team.refresh_from_db()
    assert not team.workshop_tablet
