"""A read-only report link in a real browser: the consultant makes one, a fresh browser
without an account opens it and sees the dashboard without comments, the consultant
revokes it and the fresh browser gets 410. The pages pass axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from tests.reports.test_dashboard_browser import (
    ALL_CHARTS_READY,
    DEMO_SLUG,
    in_browser,
    log_in,
    new_page,
)

pytestmark = [pytest.mark.browser, pytest.mark.one_database]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def demo_site(live_server, banks):
    call_command("seed_demo", stdout=io.StringIO())
    return live_server.url


def violations(page, label: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [
        f"{label}: {v['id']} {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"]
    ]


def test_link_made_opened_without_account_and_revoked(demo_site):
    links = f"{demo_site}/campaigns/{DEMO_SLUG}/links/"

    def scenario(browser) -> dict[str, Any]:
        found: list[str] = []
        consultant, page, errors = new_page(browser, 1366, 768)
        log_in(page, demo_site)
        page.goto(links)
        page.fill("#id_label", "MT Demo Organisatie")
        # The defaults: 30 days, no comments, no PDF.
        page.click("[data-link-form] button[type=submit]")
        url = page.input_value("#new-link-url")
        found += violations(page, "links page")

        fresh, visitor, visitor_errors = new_page(browser, 360, 740)
        assert not fresh.cookies()
        opened = visitor.goto(url)
        visitor.wait_for_function(ALL_CHARTS_READY)
        seen = {
            "status": opened.status if opened else None,
            "heading": visitor.locator("h1").inner_text(),
            "charts": visitor.locator(".chart.chart-ready").count(),
            "comments": visitor.locator("#comments").count(),
            "downloads": visitor.locator("[data-download]").count(),
            "breadcrumbs": visitor.locator(".breadcrumb").count(),
            "login": "/login/" in visitor.url,
            "overflow": visitor.evaluate(
                "() => document.documentElement.scrollWidth > window.innerWidth + 1"
            ),
        }
        found += violations(visitor, "shared dashboard")

        page.goto(links)
        page.click("[data-revoke]")
        page.click("[data-confirm-revoke]")
        page.wait_for_load_state()
        state = page.locator("[data-link] .link-state").first.inner_text()

        seen["errors"] = errors + visitor_errors  # the 410 below logs its status, rightly
        gone = visitor.goto(url)
        seen.update(
            gone_status=gone.status if gone else None,
            gone_text=visitor.locator("main").inner_text(),
            state=state,
        )
        found += violations(visitor, "gone page")
        consultant.close()
        fresh.close()
        seen["violations"] = found
        return seen

    result = in_browser(scenario)
    assert result["status"] == 200 and not result["login"]
    assert result["heading"].startswith("Dashboard")
    assert result["charts"] >= 10
    assert result["comments"] == 0
    assert result["downloads"] == 0
    assert result["breadcrumbs"] == 0
    assert result["overflow"] is False  # fits a 360 px phone
    assert result["state"] == "Revoked"
    assert result["gone_status"] == 410
    assert "This link no longer works" in result["gone_text"]
    assert "Deze link werkt niet meer" in result["gone_text"]
    assert result["errors"] == []
    assert result["violations"] == []
