"""A consultant in a real browser: log in, create a campaign, watch the response count.

Uses Debian's /usr/bin/chromium through Playwright's sync API (the session-wide
`chromium_browser` fixture of tests/assessment/conftest.py); browsers are never downloaded.
"""

from __future__ import annotations

import os

import pytest

from assessment.models import Campaign
from tests.factories import PASSWORD, OrganisationFactory, ResponseFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.one_database]


@pytest.fixture
def browser_page(chromium_browser):
    context = chromium_browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "console",
        lambda message: message.type == "error" and page.errors.append(message.text),
    )
    yield page
    context.close()


def test_consultant_creates_campaign_and_sees_responses_arrive(
    live_server, banks, consultant, browser_page
):
    page = browser_page
    OrganisationFactory(name="Browser BV", owner=consultant)

    page.goto(f"{live_server.url}/organisations/")
    assert "/login/" in page.url  # login required
    page.fill("input[name=username]", consultant.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/organisations/")
    assert page.get_by_role("heading", name="Browser BV").is_visible()

    page.get_by_role("link", name="New campaign").first.click()
    page.wait_for_url(f"{live_server.url}/organisations/*/campaigns/new/")
    page.fill("#id_name", "Workshop scan")
    assert page.input_value("#id_slug") == "workshop-scan"  # suggested while typing
    page.select_option("#id_questionnaire", label="Quick scan")
    page.fill("#id_teams", "Klantenservice, 10\nSales, 4")
    page.get_by_role("button", name="Create campaign").click()

    page.wait_for_url(f"{live_server.url}/campaigns/workshop-scan/")
    campaign = Campaign.objects.get(slug="workshop-scan")
    assert list(campaign.teams.values_list("name", flat=True)) == ["Klantenservice", "Sales"]
    submitted = page.locator("[data-stat=submitted]")
    assert submitted.inner_text() == "0"
    assert campaign.token in page.input_value("#shared-link")

    ResponseFactory(campaign=campaign, team=campaign.teams.get(name="Sales"))
    page.reload()
    assert page.locator("[data-stat=submitted]").inner_text() == "1"
    assert "25%" in page.locator(".progress-table").inner_text()

    # The QR page draws an inline SVG, no external image (once the draft is opened).
    page.get_by_role("button", name="Open campaign").click()
    page.wait_for_url(f"{live_server.url}/campaigns/workshop-scan/")
    page.get_by_role("link", name="QR code", exact=True).click()
    page.wait_for_url(f"{live_server.url}/campaigns/workshop-scan/qr/")
    assert page.locator(".qr-code svg").count() == 1
    assert page.errors == []  # no script errors, nothing blocked by the CSP
