"""A customer on a phone, in Chromium: the segment's QR link, the welcome without team or
role, two pages of statements tapped one by one, the comment, review and thanks; every
page free of WCAG 2.1 AA violations (axe), in Dutch as the mirror is set."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment import campaigns as rules
from assessment.customer_mirror import add_customer_mirror
from assessment.models import Comment, Response
from assessment.teams import TeamSpec
from tests.assessment.test_accessibility_browser import violations
from tests.factories import CampaignFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.one_database,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 360, "height": 740}


def test_a_customer_answers_the_mirror_on_a_phone(chromium_browser, live_server, full_version):
    internal = CampaignFactory(questionnaire_version=full_version, language="nl")
    mirror = add_customer_mirror(campaign=internal, segments=[TeamSpec("Particulieren")])
    rules.open_campaign(campaign=mirror)
    segment = mirror.teams.get()
    context = chromium_browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    found: list[str] = []
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("respondent:team", args=[segment.token]))
        assert page.locator("input[name=role], input[name=team]").count() == 0
        assert page.locator("h1").inner_text() == f"Hoe ervaar jij {internal.organisation.name}?"
        found += violations(page)
        with page.expect_navigation():
            page.click("form.start-form button[type=submit]")
        pages = 0
        while "/p/" in page.url:
            pages += 1
            found += violations(page)
            assert page.locator(".section-title").count() == 0  # no internal dimension names
            for group in page.locator("fieldset.q .scale").all():
                group.locator("label").nth(3).tap()  # "agree", as a thumb does
            if page.locator("#comment").count():
                page.fill("#comment", "Snel geholpen, maar ik moest wel twee keer bellen.")
            with page.expect_navigation():
                page.click("button.btn-next")
        assert pages == 2 and "/review/" in page.url
        found += violations(page)
        with page.expect_navigation():
            page.click("form.submit-form button[type=submit]")
        assert "/thanks/" in page.url
        assert "minstens 5 klanten" in page.inner_text("main")
        found += violations(page)
    finally:
        context.close()
    response = Response.objects.get(campaign=mirror)
    assert response.is_submitted and response.team == segment and response.role == ""
    assert response.answers.filter(value=4).count() == 14
    assert Comment.objects.get(response=response).topic == "mirror"
    assert not Response.objects.filter(campaign=internal).exists()
    assert found == []
