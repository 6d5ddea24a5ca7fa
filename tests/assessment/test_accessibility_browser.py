"""WCAG 2.1 AA on the respondent's pages, checked by axe-core (axe-playwright-python) in
Chromium, in Dutch and in English, on a 360 px phone and a 1366 px laptop: welcome (also
with its errors), an agreement page, a page with an answer error, a page of bipolar
statements, a page with the comment box, review (also refusing a near-empty submission),
saved, resume, thank-you, a page that does not exist and a closed campaign."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.models import Campaign, Response
from tests.browser import ANSWER_EVERY_GROUP
from tests.factories import CampaignFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.one_database,
    pytest.mark.django_db(transaction=True),
]

VIEWPORTS = {"phone": {"width": 360, "height": 740}, "laptop": {"width": 1366, "height": 768}}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [
        f"{v['id']} on {page.url}: {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"]
    ]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_respondent_pages_have_no_wcag_violations(
    chromium_browser, live_server, campaign, plan, language, viewport
):
    closed = CampaignFactory(questionnaire_version=campaign.questionnaire_version)
    Campaign.objects.filter(pk=closed.pk).update(status=Campaign.CLOSED)
    context = chromium_browser.new_context(viewport=VIEWPORTS[viewport])
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    found: list[str] = []
    try:
        page = context.new_page()

        def url(name: str, *args) -> str:
            return live_server.url + reverse(name, args=[campaign.token, *args])

        page.goto(url("respondent:campaign"))
        found += violations(page)
        with page.expect_navigation():
            page.click("form.start-form button[type=submit]")
        found += violations(page)  # the welcome page with its error summary
        page.check("input[name=team] >> nth=0")
        page.check("input[name=role][value=employee]")
        with page.expect_navigation():
            page.click("form.start-form button[type=submit]")
        # A near-empty submission: refused with its error, and not counted.
        page.goto(url("respondent:review"))
        with page.expect_navigation():
            page.click("form.submit-form button[type=submit]")
        assert page.locator("#error-summary").count() == 1
        found += violations(page)
        assert not Response.objects.filter(status=Response.SUBMITTED).exists()
        # A page with an answer that is not one of the options: its error summary.
        page.goto(url("respondent:page", 1))
        page.evaluate(
            "() => { const radio = document.querySelector('input[type=radio]');"
            " radio.value = '9'; radio.checked = true; }"
        )
        with page.expect_navigation():
            page.click("button.btn-next")
        assert page.locator("#error-summary").count() == 1
        found += violations(page)
        page.goto(url("respondent:page", plan.page_count + 1))  # the error page
        found += violations(page)
        shifts = next(p for p in plan.pages if p.framework_code == "shifts")
        for plan_page in plan.pages:
            page.goto(url("respondent:page", plan_page.number))
            if plan_page.number == 1 or plan_page is shifts or plan_page.comment_topic == "diamond":
                found += violations(page)
            page.evaluate(ANSWER_EVERY_GROUP)
            with page.expect_navigation():
                page.click("button.btn-next")
        for name in ("respondent:review", "respondent:saved", "respondent:resume"):
            page.goto(url(name))
            found += violations(page)
        page.goto(url("respondent:review"))
        with page.expect_navigation():
            page.click("form.submit-form button[type=submit]")
        assert "/thanks/" in page.url
        found += violations(page)
        page.goto(live_server.url + reverse("respondent:campaign", args=[closed.token]))
        found += violations(page)
    finally:
        context.close()
    assert found == []
