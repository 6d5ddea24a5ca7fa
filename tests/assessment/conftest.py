"""Fixtures for the respondent flow: campaigns, invitations, a scripted respondent and
a Chromium browser for the Playwright tests (Debian's /usr/bin/chromium, never a
downloaded one)."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import reverse

from assessment import page_plan, respondent_cookie, responding
from assessment.models import Campaign, Invitation, Response, Team
from assessment.tokens import digest, new_token
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.factories import CampaignFactory, TeamFactory


@pytest.fixture(autouse=True)
def _fresh_page_plans():
    """Page plans are cached per process; start every test without one."""
    page_plan.clear_page_plan_cache()
    yield
    page_plan.clear_page_plan_cache()


@pytest.fixture
def campaign(quick_version) -> Campaign:
    """An open quick-scan campaign in English with two teams."""
    campaign = CampaignFactory(questionnaire_version=quick_version, language="en")
    TeamFactory(campaign=campaign, name="Customer service", order=1)
    TeamFactory(campaign=campaign, name="Sales", order=2)
    return campaign


@pytest.fixture
def plan(campaign) -> page_plan.PagePlan:
    return page_plan.get_page_plan(campaign.questionnaire_version)


@pytest.fixture
def en_client(client, consultant):
    """The test client, logged in as `consultant`, asking for English pages."""
    client.force_login(consultant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def make_invitation(campaign: Campaign, email: str, team: Team | None = None):
    """An invitation and its link token (only the digest is stored)."""
    token = new_token()
    invitation = Invitation.objects.create(
        campaign=campaign, email=email, team=team, token_digest=digest("invitation", token)
    )
    return invitation, token


class Respondent:
    """A respondent driving the flow through the Django test client."""

    def __init__(self, campaign: Campaign, client: Client | None = None) -> None:
        self.campaign = campaign
        self.client = client or Client()
        self.plan = page_plan.get_page_plan(campaign.questionnaire_version)

    # urls
    def url(self, name: str, *args) -> str:
        return reverse(f"respondent:{name}", args=[self.campaign.token, *args])

    def page_url(self, number: int) -> str:
        return self.url("page", number)

    # steps
    def start(self, role: str = Response.EMPLOYEE, team: Team | None = None, link: str = ""):
        link = link or self.url("campaign")
        data = {"role": role}
        if team is not None:
            data["team"] = str(team.pk)
        elif self.campaign.teams.exists():  # ignored where the link fixes the team
            data["team"] = str(self.campaign.teams.first().pk)
        return self.client.post(link, data)

    def values_for(self, number: int, value: str | Callable = "4") -> dict[str, str]:
        page = self.plan.page(number)
        return {f"i-{item.pk}": value(item) if callable(value) else value for item in page.items}

    def answer(self, number: int, value: str | Callable = "4", action: str = "next", **extra):
        data = {**self.values_for(number, value), "action": action, **extra}
        return self.client.post(self.page_url(number), data)

    def answer_all(self, value: str | Callable = "4") -> None:
        for page in self.plan.pages:
            response = self.answer(page.number, value)
            assert response.status_code == 302, response.content.decode()[:2000]

    def submit(self):
        return self.client.post(self.url("submit"))

    def credentials(self) -> respondent_cookie.Credentials:
        return read_cookie(self.client, self.campaign)

    def response(self) -> Response | None:
        return responding.find_response(self.campaign, self.credentials())


def read_cookie(client: Client, campaign: Campaign) -> respondent_cookie.Credentials:
    """What the browser holds for the campaign, read the way the views read it."""
    name = respondent_cookie.cookie_name(campaign)
    morsel = client.cookies.get(name)
    request = HttpRequest()
    request.COOKIES = {name: morsel.value} if morsel is not None else {}
    value = request.get_signed_cookie(name, None, salt=respondent_cookie.cookie_salt(campaign))
    return respondent_cookie.unpack_cookie(value)


def write_cookie(
    client: Client, campaign: Campaign, credentials: respondent_cookie.Credentials
) -> None:
    """Put credentials in the browser, signed for the campaign the way the views sign them."""
    name = respondent_cookie.cookie_name(campaign)
    response = HttpResponse()
    response.set_signed_cookie(
        name,
        respondent_cookie.pack_cookie(credentials),
        salt=respondent_cookie.cookie_salt(campaign),
    )
    client.cookies[name] = response.cookies[name].value


@pytest.fixture
def respondent(campaign) -> Respondent:
    """A respondent (with their own test client) of `campaign`."""
    return Respondent(campaign)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def chromium_browser():
    """Headless Debian Chromium through Playwright (session-wide; reuse it freely)."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} not installed (Debian package 'chromium'); browsers are never downloaded"
        )
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself would otherwise be refused as "async unsafe".
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
