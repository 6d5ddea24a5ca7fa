"""The present mode in a real browser: every slide of the demo campaign reached with the
keyboard at 1920 x 1080 and 1366 x 768, no text under 18 px and nothing outside the
viewport on any slide, the perception gap revealed, the speaker's window following the
main window, the live slide of the open round, and axe-core's WCAG 2.1 AA rules.

Debian's /usr/bin/chromium through Playwright, with the helpers and the demo server of
the dashboard's browser tests."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.reports.test_dashboard_browser import (  # noqa: F401 - `demo` is a fixture
    DEMO_SLUG,
    demo,
    in_browser,
    log_in,
    new_page,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.one_database]

LIVE_SLUG = "demo-pulsmeting"
SHOTS = os.environ.get("PRESENT_SCREENSHOTS", "")  # a directory: keep a PNG of every slide

# The current slide, once its figures are drawn: what it shows and what is wrong with it.
SLIDE_CHECK = """() => {
  const slide = document.querySelector('[data-slide]:not([hidden])');
  const figures = [...slide.querySelectorAll('[data-figure]')].filter(f => f.offsetParent);
  const ready = figures.every(f => f.classList.contains('chart-ready')
                                 || f.classList.contains('chart-failed'));
  const small = [], outside = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const width = window.innerWidth, height = window.innerHeight;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    if (!node.textContent.trim() || !element) continue;
    if (element.closest('[hidden], script, .visually-hidden')) continue;
    if (!element.getClientRects().length) continue;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const text = node.textContent.trim().slice(0, 40);
    if (parseFloat(style.fontSize) < 18) small.push(`${text} (${style.fontSize})`);
    if (box.left < -1 || box.top < -1 || box.right > width + 1 || box.bottom > height + 1) {
      outside.push(text);
    }
  }
  // Text that overflows its slide (cut off by overflow: hidden) counts as outside too.
  const slideBox = slide.getBoundingClientRect();
  for (const element of slide.querySelectorAll('p, li, th, td, h1, h2, svg text')) {
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height || element.closest('[hidden]')) continue;
    if (box.bottom > slideBox.bottom + 1 || box.right > slideBox.right + 1) {
      outside.push('cut: ' + element.textContent.trim().slice(0, 40));
    }
  }
  // A chart's text drawn outside its chart is cut off by the chart's edge.
  for (const chart of slide.querySelectorAll('.present-chart')) {
    const edge = chart.getBoundingClientRect();
    for (const text of chart.querySelectorAll('svg text')) {
      const box = text.getBoundingClientRect();
      if (!text.textContent.trim() || !box.width || !box.height) continue;
      if (box.left < edge.left - 1 || box.right > edge.right + 1
          || box.top < edge.top - 1 || box.bottom > edge.bottom + 1) {
        outside.push('chart: ' + text.textContent.trim().slice(0, 40));
      }
    }
  }
  return {
    number: document.body.dataset.current,
    kind: slide.dataset.kind,
    title: (slide.querySelector('h1') || {}).textContent || '',
    ready, small, outside,
    figures: figures.length,
    drawn: figures.filter(f => f.querySelector('svg.main-svg')).length,
    focused: document.activeElement === slide,
    announced: (document.querySelector('[data-announce]') || {}).textContent || '',
    revealed: document.body.dataset.revealed,
  };
}"""

FIGURES_DRAWN = """() => {
  const slide = document.querySelector('[data-slide]:not([hidden])');
  return [...slide.querySelectorAll('[data-figure]')].filter(f => f.offsetParent)
    .every(f => f.classList.contains('chart-ready') || f.classList.contains('chart-failed'));
}"""


def walk(page, label: str) -> list[dict[str, Any]]:
    """Every slide from the first to the last with the keyboard (the gap's reveal is a
    step of its own), checked once its figures are drawn."""
    seen = []
    total = page.locator("[data-slide]").count()
    for step in range(total + 5):
        page.wait_for_function(FIGURES_DRAWN)
        found = page.evaluate(SLIDE_CHECK)
        found["step"] = step
        seen.append(found)
        if SHOTS:
            name = f"{label}-{step:02d}-{found['kind']}.png"
            page.screenshot(path=os.path.join(SHOTS, name))
        if int(found["number"]) == total and found["kind"] != "gap_question":
            break
        page.keyboard.press("ArrowRight" if step % 2 == 0 else "Space")
    return seen


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768)])
def test_every_slide_with_the_keyboard_legible_and_whole(demo, width, height):  # noqa: F811
    url = f"{demo}/campaigns/{DEMO_SLUG}/present/"
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)

    def scenario(browser) -> dict[str, Any]:
        context, page, errors = new_page(browser, width, height)
        log_in(page, demo)
        page.goto(url)
        seen = walk(page, f"{width}x{height}")
        # Back with the other keys: End, Home, PageUp/PageDown.
        page.keyboard.press("Home")
        first = page.evaluate("document.body.dataset.current")
        page.keyboard.press("End")
        last = page.evaluate("document.body.dataset.current")
        page.keyboard.press("PageUp")
        before_last = page.evaluate("document.body.dataset.current")
        total = page.locator("[data-slide]").count()
        # Esc leaves for the dashboard.
        page.keyboard.press("Escape")
        page.wait_for_url("**/dashboard/")
        context.close()
        return {
            "seen": seen,
            "total": total,
            "keys": (first, last, before_last),
            "errors": errors,
        }

    result = in_browser(scenario)
    seen, total = result["seen"], result["total"]
    numbers = [int(s["number"]) for s in seen]
    assert sorted(set(numbers)) == list(range(1, total + 1))  # every slide reached
    assert total >= 20
    kinds = [s["kind"] for s in seen]
    assert kinds.count("gap_question") == 2  # the question, then the answer on one slide
    gap = [s for s in seen if s["kind"] == "gap_question"]
    assert [g["revealed"] for g in gap] == ["false", "true"]
    assert gap[1]["drawn"] == 1
    for slide in seen:
        where = f"{slide['number']} {slide['kind']} {slide['title']!r}"
        assert slide["ready"], where
        assert slide["drawn"] == slide["figures"], where
        assert slide["small"] == [], where
        assert slide["outside"] == [], where
    assert all(s["focused"] for s in seen[1:])  # focus follows the slide
    assert seen[-1]["announced"].startswith(f"{total} / {total}")
    assert result["keys"] == ("1", str(total), str(total - 1))
    assert result["errors"] == []


def test_the_speakers_window_follows_the_main_window(demo):  # noqa: F811
    url = f"{demo}/campaigns/{DEMO_SLUG}/present/"

    def scenario(browser) -> dict[str, Any]:
        context, page, errors = new_page(browser, 1366, 768)
        log_in(page, demo)
        page.goto(url)
        with context.expect_page() as info:
            page.keyboard.press("n")
        notes = info.value
        notes.wait_for_load_state("domcontentloaded")
        notes.wait_for_function("document.body.dataset.current === '1'")
        found: dict[str, Any] = {"first": visible_notes(notes)}
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        notes.wait_for_function("document.body.dataset.current === '4'")
        found["fourth"] = visible_notes(notes)
        found["main_fourth"] = page.locator("[data-slide]:not([hidden]) h1").inner_text()
        # To the gap: its question's notes, then after the reveal the answer's.
        gap = page.locator("[data-kind=gap_question]").get_attribute("data-slide")
        page.keyboard.press("Home")
        for _ in range(int(gap) - 1):
            page.keyboard.press("ArrowRight")
        notes.wait_for_function(f"document.body.dataset.current === '{gap}'")
        found["before"] = visible_notes(notes)
        page.locator("[data-slide]:not([hidden]) [data-action=reveal]").click()
        notes.wait_for_function("document.body.dataset.revealed === 'true'")
        found["after"] = visible_notes(notes)
        found["main_revealed"] = page.locator(
            "[data-slide]:not([hidden]) [data-reveal-answer]"
        ).is_visible()
        # The speaker's window steps the main window too.
        notes.keyboard.press("ArrowRight")
        page.wait_for_function(f"document.body.dataset.current === '{int(gap) + 1}'")
        found["stepped"] = page.evaluate("document.body.dataset.current")
        found["errors"] = errors
        context.close()
        return found

    result = in_browser(scenario)
    assert result["first"].startswith("1. ")
    assert result["fourth"].startswith("4. " + result["main_fourth"])
    assert "what do you expect?" in result["before"].lower()
    assert "Ask: what does management see" in result["after"]
    assert result["main_revealed"] is True
    assert result["errors"] == []


def visible_notes(page) -> str:
    return page.locator("[data-slide]:not([hidden])").inner_text()


def test_the_live_slide_counts_by_itself(demo):  # noqa: F811
    url = f"{demo}/campaigns/{LIVE_SLUG}/present/"

    def scenario(browser) -> dict[str, Any]:
        context, page, errors = new_page(browser, 1920, 1080)
        log_in(page, demo)
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(url)
        page.keyboard.press("ArrowRight")
        kind = page.evaluate("document.querySelector('[data-slide]:not([hidden])').dataset.kind")
        page.wait_for_function(
            "() => performance.getEntriesByType('resource')"
            ".some(e => e.name.includes('/present/count/'))"
        )
        found = {
            "kind": kind,
            "count": page.locator("[data-live-count]").inner_text(),
            "qr": page.locator(".live-qr svg").count(),
            "check": page.evaluate(SLIDE_CHECK),
            "outside": [r for r in requests if r.startswith("http") and not r.startswith(demo)],
            "errors": errors,
        }
        context.close()
        return found

    result = in_browser(scenario)
    assert result["kind"] == "live"
    assert result["count"].isdigit()
    assert result["qr"] == 1
    assert result["check"]["small"] == [] and result["check"]["outside"] == []
    assert result["outside"] == []  # offline: nothing from another host
    assert result["errors"] == []


def test_no_wcag_violations_on_the_slides(demo):  # noqa: F811
    """axe-core (WCAG 2.1 A and AA) on every slide of the walk and on the speaker's
    window, in Dutch and in English."""
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    url = f"{demo}/campaigns/{DEMO_SLUG}/present/"

    def scenario(browser) -> list[str]:
        found = []
        axe = Axe()
        for language in ("nl", "en"):
            context, page, _errors = new_page(browser, 1366, 768)
            context.add_cookies([{"name": "django_language", "value": language, "url": demo}])
            log_in(page, demo)
            page.goto(url)
            total = page.locator("[data-slide]").count()
            for _ in range(total + 1):
                page.wait_for_function(FIGURES_DRAWN)
                result = axe.run(page, options={"runOnly": {"type": "tag", "values": tags}})
                number = page.evaluate("document.body.dataset.current")
                found += [
                    f"{language} slide {number}: {v['id']} {[n['target'] for n in v['nodes']][:3]}"
                    for v in result.response["violations"]
                ]
                if number == str(total):
                    break
                page.keyboard.press("ArrowRight")
            page.goto(f"{demo}/campaigns/{DEMO_SLUG}/present/notes/")
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": tags}})
            found += [f"{language} notes: {v['id']}" for v in result.response["violations"]]
            context.close()
        return found

    assert in_browser(scenario) == []
