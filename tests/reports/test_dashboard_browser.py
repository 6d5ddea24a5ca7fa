"""The dashboard in a real browser: every chart drawn, no script errors, downloads work.

Debian's /usr/bin/chromium through Playwright's sync API; browsers are never downloaded.
The browser runs in a thread of its own (tests/browser.py's BrowserThread, one Chromium
for every scenario): the sync API refuses to start while another Playwright instance
(tests/assessment keeps one for the whole session) runs in this thread, and the scenario
needs nothing from the database once the demo data exists.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from tests.browser import CHROMIUM, REPORT_BROWSER

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.one_database]

DEMO_USER, DEMO_PASSWORD, DEMO_SLUG = "demo", "demo-consultant", "demo-vervolgmeting"
ALL_CHARTS_READY = """() => {
  const charts = document.querySelectorAll('.chart');
  const visible = [...charts].filter(c => c.offsetParent !== null);
  return visible.length > 0 && visible.every(c => c.classList.contains('chart-ready')
                                               || c.classList.contains('chart-failed'));
}"""


def in_browser(scenario: Callable[[Any], Any]) -> Any:
    """Run ``scenario(browser)`` in the browser's own thread, in contexts of its own."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (Debian package 'chromium')")
    return REPORT_BROWSER.run(scenario, timeout=180)


def new_page(browser, width: int, height: int = 900):
    context = browser.new_context(
        locale="en-US", viewport={"width": width, "height": height}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda message: (
            message.type in ("error", "warning")
            and errors.append(f"console {message.type}: {message.text}")
        ),
    )
    return context, page, errors


def log_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", DEMO_USER)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def demo(live_server, banks):
    call_command("seed_demo", stdout=io.StringIO())
    return live_server.url


def test_dashboard_draws_every_chart_and_downloads(demo, tmp_path):
    url = f"{demo}/campaigns/{DEMO_SLUG}/dashboard/"

    def scenario(browser) -> dict[str, Any]:
        context, page, errors = new_page(browser, 1280)
        page.goto(url)
        assert "/login/" in page.url  # login required
        log_in(page, demo)
        page.goto(url)
        page.wait_for_function(ALL_CHARTS_READY)
        charts = page.locator(".chart")
        ids = [charts.nth(i).get_attribute("id") for i in range(charts.count())]
        without_svg = [
            chart_id
            for chart_id in ids
            if page.locator(f"#{chart_id}.js-plotly-plot svg.main-svg").count() == 0
        ]
        failed = page.locator(".chart.chart-failed").count()
        weakest = page.locator("[data-weakest-key]").get_attribute("data-weakest-key")
        # The numbers behind a chart, without the chart.
        page.locator("#agreement details summary").click()
        table_rows = page.locator("#agreement details table tbody tr").count()

        with page.expect_download() as info:
            page.click("[data-download=json]")
        json_download = info.value
        json_path = tmp_path / json_download.suggested_filename
        json_download.save_as(json_path)

        # The respondent-level file: its warning page first, then the download.
        page.click(".dashboard-downloads [data-download=csv]")
        page.wait_for_load_state("networkidle")
        with page.expect_download() as info:
            page.click("main form [data-download=csv]")
        csv_download = info.value
        page.go_back()
        csv_path = tmp_path / csv_download.suggested_filename
        csv_download.save_as(csv_path)

        # The PDF: a progress page first, then the download starts by itself.
        with page.expect_download(timeout=120_000) as info:
            page.click("[data-download=pdf-en]")
        pdf_download = info.value
        pdf_path = tmp_path / pdf_download.suggested_filename
        pdf_download.save_as(pdf_path)
        context.close()
        return {
            "ids": ids,
            "without_svg": without_svg,
            "failed": failed,
            "weakest": weakest,
            "table_rows": table_rows,
            "errors": errors,
            "json": json_path,
            "csv": csv_path,
            "pdf": pdf_path,
        }

    result = in_browser(scenario)
    assert len(result["ids"]) >= 16  # overall, 5 radars, 5 bars, heatmap, gap, ...
    assert {"chart-overall", "chart-heatmap", "chart-gap", "chart-keys", "chart-change"} <= set(
        result["ids"]
    )
    assert result["without_svg"] == []
    assert result["failed"] == 0
    assert result["errors"] == []  # no script errors, nothing refused by the CSP
    assert result["weakest"] == "keys.journey"
    assert result["table_rows"] >= 30

    assert result["json"].name == f"{DEMO_SLUG}-profile.json"
    profile = json.loads(result["json"].read_text(encoding="utf-8"))
    assert profile["campaign"]["slug"] == DEMO_SLUG
    assert profile["campaign"]["respondents"] >= 30

    assert result["csv"].name == f"{DEMO_SLUG}-responses.csv"
    lines = result["csv"].read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("respondent,team,role,")
    assert len(lines) == 1 + profile["campaign"]["respondents"]

    assert result["pdf"].name == f"{DEMO_SLUG}-en-report.pdf"
    reader = PdfReader(result["pdf"])
    assert 15 <= len(reader.pages) <= 45
    assert "Demo Organisatie BV" in reader.pages[0].extract_text()


def test_dashboard_on_a_phone(demo):
    url = f"{demo}/campaigns/{DEMO_SLUG}/dashboard/"

    def scenario(browser) -> dict[str, Any]:
        context, page, errors = new_page(browser, 390)
        log_in(page, demo)
        page.goto(url)
        page.wait_for_function(ALL_CHARTS_READY)
        visible = page.locator(".chart:visible").count()
        drawn = page.locator(".chart:visible svg.main-svg").count()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth > window.innerWidth + 1"
        )
        context.close()
        return {"visible": visible, "drawn": drawn, "errors": errors, "overflow": overflow}

    result = in_browser(scenario)
    assert result["visible"] >= 10
    assert result["drawn"] >= result["visible"]
    assert result["errors"] == []
    assert result["overflow"] is False  # nothing wider than the phone


def test_consultant_pages_have_no_wcag_violations(demo):
    """axe-core (WCAG 2.1 A and AA) on the organisations list, the campaign page and the
    dashboard with every chart drawn, in Dutch and in English."""
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    paths = ["/organisations/", f"/campaigns/{DEMO_SLUG}/", f"/campaigns/{DEMO_SLUG}/dashboard/"]

    def scenario(browser) -> list[str]:
        found = []
        for language in ("nl", "en"):
            context, page, _errors = new_page(browser, 1366)
            context.add_cookies([{"name": "django_language", "value": language, "url": demo}])
            log_in(page, demo)
            for path in paths:
                page.goto(demo + path)
                if path.endswith("/dashboard/"):
                    page.wait_for_function(ALL_CHARTS_READY)
                result = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
                found += [
                    f"{language} {path}: {v['id']} {[n['target'] for n in v['nodes']][:3]}"
                    for v in result.response["violations"]
                ]
            context.close()
        return found

    assert in_browser(scenario) == []


# Every pair of visible texts in one chart whose boxes intersect by more than a pixel
# each way: labels that run into each other on the screen.
OVERLAPPING_LABELS = """() => {
  const found = [];
  for (const chart of document.querySelectorAll('.chart')) {
    const boxes = [...chart.querySelectorAll('svg text')]
      .filter(t => t.textContent.trim() && getComputedStyle(t).visibility !== 'hidden')
      .map(t => ({text: t.textContent.trim(), box: t.getBoundingClientRect()}))
      .filter(t => t.box.width > 0 && t.box.height > 0);
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
      const w = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
      const h = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
      if (w > 1 && h > 1) found.push(`${chart.id}: "${a.text}" over "${b.text}"`);
    }));
  }
  return found;
}"""


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_chart_label_overlaps_another_on_a_laptop(demo, language):
    url = f"{demo}/campaigns/{DEMO_SLUG}/dashboard/"

    def scenario(browser) -> dict[str, Any]:
        context, page, errors = new_page(browser, 1366, 768)
        log_in(page, demo)
        context.add_cookies([{"name": "django_language", "value": language, "url": demo}])
        page.goto(url)
        page.wait_for_function(ALL_CHARTS_READY)
        texts = page.locator(".chart svg text").count()
        overlapping = page.evaluate(OVERLAPPING_LABELS)
        smallest = page.evaluate(SMALLEST_CHART_TEXT)
        context.close()
        return {"texts": texts, "overlapping": overlapping, "smallest": smallest, "errors": errors}

    result = in_browser(scenario)
    assert result["texts"] > 300  # every chart drawn, with its labels
    assert result["overlapping"] == []
    assert result["smallest"] >= 12  # CSS pixels: legible on a laptop and a projector
    assert result["errors"] == []


SMALLEST_CHART_TEXT = """() => Math.min(...[...document.querySelectorAll('.chart svg text')]
  .filter(t => t.textContent.trim())
  .map(t => parseFloat(getComputedStyle(t).fontSize)))"""


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_the_executive_view_fits_one_screen(demo, width, height):
    """The view a management team sees first (also on a projector) is whole on one
    screen: scrolled to, nothing of it below the fold."""
    url = f"{demo}/campaigns/{DEMO_SLUG}/dashboard/#summary"

    def scenario(browser) -> dict[str, Any]:
        context, page, errors = new_page(browser, width, height)
        log_in(page, demo)
        page.goto(url)
        view = page.locator("[data-executive]")
        box = view.bounding_box()
        found = {
            "height": box["height"] if box else None,
            "bottom": page.evaluate(
                "document.querySelector('[data-executive]').getBoundingClientRect().bottom"
            ),
            "index": view.locator("[data-executive-index]").inner_text(),
            "change": view.locator("[data-executive-change]").inner_text(),
            "gaps": view.locator("ol").nth(2).locator("li").count(),
            "errors": errors,
        }
        context.close()
        return found

    result = in_browser(scenario)
    assert result["height"] is not None and result["height"] <= height
    assert result["bottom"] <= height  # scrolled to: whole in the window
    assert re.fullmatch(r"\d+[.,]\d", result["index"])
    assert "Nulmeting 2025" in result["change"]
    assert result["gaps"] == 3
    assert result["errors"] == []
