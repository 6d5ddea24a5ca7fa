"""A respondent on a 360 px phone finishes the quick scan with the keyboard only.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright; see the
`chromium_browser` fixture in tests/assessment/conftest.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment import page_plan
from assessment.models import Answer, Response, Team
from tests.browser import ANSWER_EVERY_GROUP

pytestmark = [
    pytest.mark.browser,
    pytest.mark.one_database,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 360, "height": 740}


def value_for(item: page_plan.PlanItem) -> str:
    """What the respondent picks for an item: a spread of values and some don't-knows."""
    return "dk" if item.number % 6 == 0 else str(item.number % 5 + 1)


def arrow_presses(value: str) -> int:
    """Right-arrow presses from the first option ("1") to `value`."""
    return 5 if value == "dk" else int(value) - 1


def focused(page) -> dict:
    return page.evaluate(
        """() => { const el = document.activeElement;
                   return {tag: el.tagName, name: el.name || '', value: el.value || '',
                           cls: el.className || '', type: el.type || '',
                           text: (el.innerText || '').trim()}; }"""
    )


def tab_until(page, predicate, limit: int = 40) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError(f"focus never reached the target; last was {focused(page)}")


def assert_fits_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} overflows horizontally: {width}px"


def answer_page_with_keyboard(page, plan_page: page_plan.Page) -> None:
    first = plan_page.items[0]
    tab_until(page, lambda el: el["name"] == f"i-{first.pk}")
    for n, item in enumerate(plan_page.items):
        if n:
            page.keyboard.press("Tab")  # into the next radio group
            assert focused(page)["name"] == f"i-{item.pk}"
        page.keyboard.press("Space")  # check the first option
        for _ in range(arrow_presses(value_for(item))):
            page.keyboard.press("ArrowRight")
        checked = page.evaluate(
            f"document.querySelector('input[name=\"i-{item.pk}\"]:checked').value"
        )
        assert checked == value_for(item), item.code
    tab_until(page, lambda el: el["name"] == "action" and el["value"] == "next")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_only_phone_respondent_resumes_and_submits(
    chromium_browser, live_server, campaign, plan
):
    context = chromium_browser.new_context(viewport=PHONE, locale="en-US", has_touch=True)
    try:
        link = live_server.url + reverse("respondent:campaign", args=[campaign.token])
        page = context.new_page()
        page.goto(link)
        assert page.locator("h1").count() == 1
        assert page.get_attribute("html", "lang") == "en"
        assert_fits_phone(page)

        # Welcome: team and role with the keyboard, then Start.
        tab_until(page, lambda el: el["name"] == "team")
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        assert focused(page)["name"] == "role"
        page.keyboard.press("Space")
        page.keyboard.press("ArrowDown")  # board -> manager
        tab_until(page, lambda el: el["tag"] == "BUTTON" and el["text"] == "Start")
        with page.expect_navigation():
            page.keyboard.press("Enter")

        halfway = 2
        for plan_page in plan.pages[:halfway]:
            assert page.url.endswith(f"/p/{plan_page.number}/"), page.url
            assert_fits_phone(page)
            answer_page_with_keyboard(page, plan_page)

        # Close the browser tab halfway; opening the link again resumes.
        page.close()
        page = context.new_page()
        page.goto(link)
        assert page.url.endswith(f"/p/{halfway + 1}/"), page.url
        for plan_page in plan.pages[halfway:]:
            assert page.url.endswith(f"/p/{plan_page.number}/"), page.url
            assert_fits_phone(page)
            answer_page_with_keyboard(page, plan_page)

        # Review, then submit with the keyboard.
        assert page.url.endswith("/review/"), page.url
        assert_fits_phone(page)
        assert "You answered every statement" in page.inner_text("main")
        tab_until(page, lambda el: el["tag"] == "BUTTON" and "Submit" in el["text"])
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/thanks/")
        assert "Thank you for taking part!" in page.inner_text("h1")
        assert_fits_phone(page)
    finally:
        context.close()

    response = Response.objects.get(campaign=campaign)
    assert response.status == Response.SUBMITTED
    assert (response.team, response.role) == (campaign.teams.first(), Response.MANAGER)
    stored = dict(Answer.objects.filter(response=response).values_list("item_id", "value"))
    expected = {
        item.pk: None if value_for(item) == "dk" else int(value_for(item))
        for plan_page in plan.pages
        for item in plan_page.items
    }
    assert stored == expected


def test_pages_fit_a_phone_in_dutch_with_errors_shown(
    chromium_browser, live_server, campaign, plan
):
    """The longest texts (Dutch labels, error messages, bipolar poles) still fit 360 px."""
    context = chromium_browser.new_context(viewport=PHONE, locale="nl-NL")
    context.add_cookies([{"name": "django_language", "value": "nl", "url": live_server.url}])
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("respondent:campaign", args=[campaign.token]))
        page.check("input[name=team] >> nth=0")
        page.check("input[name=role][value=employee]")
        assert page.get_attribute("html", "lang") == "nl"
        with page.expect_navigation():
            page.click("form.start-form button[type=submit]")
        for plan_page in plan.pages:
            page.goto(
                live_server.url
                + reverse("respondent:page", args=[campaign.token, plan_page.number])
            )
            assert_fits_phone(page)
        # A page rendered with an error next to an item.
        shifts = next(p for p in plan.pages if p.framework_code == "shifts")
        page.goto(
            live_server.url + reverse("respondent:page", args=[campaign.token, shifts.number])
        )
        page.evaluate(
            f"""() => {{ const el = document.querySelector('input[name="i-{shifts.items[0].pk}"]');
                        el.value = '7'; el.checked = true; }}"""
        )
        with page.expect_navigation():
            page.click("button.btn-next")
        assert page.locator(".q-error").count() == 1
        assert_fits_phone(page)
        for name in ("review", "saved", "resume"):
            page.goto(live_server.url + reverse(f"respondent:{name}", args=[campaign.token]))
            assert_fits_phone(page)
    finally:
        context.close()


def test_start_without_a_role_focuses_the_error_summary_at_the_top(
    chromium_browser, live_server, campaign
):
    """Start without a team or role: the page comes back with what is missing at the top,
    focused (a screen reader reads it), each item a link to its question."""
    context = chromium_browser.new_context(viewport=PHONE, locale="nl-NL")
    context.add_cookies([{"name": "django_language", "value": "nl", "url": live_server.url}])
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("respondent:campaign", args=[campaign.token]))
        with page.expect_navigation():
            page.click("form.start-form button[type=submit]")
        assert page.evaluate("document.activeElement.id") == "error-summary"
        box = page.locator("#error-summary").bounding_box()
        assert box is not None and 0 <= box["y"] < PHONE["height"] / 2
        assert page.title().startswith("Fout: ")
        assert_fits_phone(page)
        page.click("#error-summary a[href='#role-choice']")
        assert page.locator("#role-choice").is_visible()
        assert "#role-choice" in page.url
        page.check("input[name=team] >> nth=0")
        page.check("input[name=role][value=employee]")
        with page.expect_navigation():
            page.click("form.start-form button[type=submit]")
        assert "/p/1/" in page.url
    finally:
        context.close()


BROKEN_WORDS = """() => {
  const broken = [];
  for (const label of document.querySelectorAll('.opt-label')) {
    const node = label.firstChild;
    if (!node || node.nodeType !== Node.TEXT_NODE) continue;
    let start = 0;
    for (const word of node.textContent.split(' ')) {
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, start + word.length);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (word && lines.size > 1) broken.push(word);
      start += word.length + 1;
    }
  }
  return broken;
}"""


LABELS_OVERFLOWING = """() => [...document.querySelectorAll('.opt-label')]
  .filter((label) => label.scrollWidth > label.clientWidth)
  .map((label) => label.textContent)"""


@pytest.mark.parametrize("width", [320, 360, 768, 1366])
def test_scale_labels_fit_their_boxes_on_every_page(
    chromium_browser, live_server, campaign, plan, width
):
    context = chromium_browser.new_context(viewport={"width": width, "height": 740})
    context.add_cookies([{"name": "django_language", "value": "nl", "url": live_server.url}])
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("respondent:campaign", args=[campaign.token]))
        page.check("input[name=team] >> nth=0")
        page.check("input[name=role][value=employee]")
        with page.expect_navigation():
            page.click("form.start-form button[type=submit]")
        assert page.locator(".opt-label", has_text="Helemaal").count() > 0
        for plan_page in plan.pages:
            page.goto(
                live_server.url
                + reverse("respondent:page", args=[campaign.token, plan_page.number])
            )
            where = f"page {plan_page.number} at {width}px"
            assert page.evaluate(BROKEN_WORDS) == [], where
            assert page.evaluate(LABELS_OVERFLOWING) == [], where
            assert page.evaluate("document.documentElement.scrollWidth") <= width, where
            # Every option stays a comfortable tap target.
            heights = page.eval_on_selector_all(".opt", "els => els.map(e => e.offsetHeight)")
            assert min(heights) >= 44, where
    finally:
        context.close()


def test_two_people_answer_in_turn_on_a_workshop_tablet(
    chromium_browser, live_server, campaign, plan
):
    team = campaign.teams.get(name="Sales")
    Team.objects.filter(pk=team.pk).update(workshop_tablet=True)
    context = chromium_browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("respondent:team", args=[team.token]))
        for role in ("employee", "manager"):
            page.check(f"input[name=role][value={role}]")
            with page.expect_navigation():
                page.click("form.start-form button[type=submit]")
            for _ in plan.pages:
                page.evaluate(ANSWER_EVERY_GROUP)
                with page.expect_navigation():
                    page.click("button.btn-next")
            with page.expect_navigation():
                page.click("form.submit-form button[type=submit]")
            assert "/thanks/" in page.url
            with page.expect_navigation():
                page.click("text=Next person: start a new questionnaire")
            assert page.locator("input[name=role]").count() > 0  # an empty welcome page
    finally:
        context.close()
    stored = Response.objects.filter(campaign=campaign, status=Response.SUBMITTED)
    assert sorted(stored.values_list("role", flat=True)) == ["employee", "manager"]
    assert all(r.answers.count() == plan.item_count for r in stored)


def test_the_language_switch_is_a_comfortable_tap_target(chromium_browser, live_server, campaign):
    context = chromium_browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("respondent:campaign", args=[campaign.token]))
        sizes = page.eval_on_selector_all(
            ".language-switcher button", "els => els.map(e => [e.offsetWidth, e.offsetHeight])"
        )
        assert len(sizes) == 2 and all(w >= 44 and h >= 44 for w, h in sizes), sizes
        assert_fits_phone(page)
        # The name and the switch still share one line on a 360 px phone.
        assert page.evaluate("document.querySelector('.site-header').offsetHeight") < 70
    finally:
        context.close()
