"""WCAG 2.1 AA on the respondent's pages, checked by axe-core (axe-playwright-python) in
Chromium, in Dutch and in English: welcome (also with its errors), an agreement page, a
page of bipolar statements, review, saved, resume, thank-you and a closed campaign."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.models import Campaign
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ANSWER_EVERY_GROUP = """() => {
  const names = new Set([...document.querySelectorAll('input[type=radio]')].map(i => i.name));
  for (const name of names) {
    document.querySelector(`input[name="${name}"][value="3"]`).checked = true;
  }
}"""


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [
        f"{v['id']} on {page.url}: {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"]
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_respondent_pages_have_no_wcag_violations(
    chromium_browser, live_server, campaign, plan, language
):
    closed = CampaignFactory(questionnaire_version=campaign.questionnaire_version)
    Campaign.objects.filter(pk=closed.pk).update(status=Campaign.CLOSED)
    context = chromium_browser.new_context(viewport=PHONE)
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
        shifts = next(p for p in plan.pages if p.topic == "shifts")
        for plan_page in plan.pages:
            page.goto(url("respondent:page", plan_page.number))
            if plan_page.number == 1 or plan_page is shifts:
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
