"""The action plan in a real browser: the demo consultant adds an action to a priority
from the dashboard, with the keyboard where a consultant would, and finds it in the
action plan card. Debian's Chromium, in a thread of its own (see
tests/reports/test_dashboard_browser.py)."""

from __future__ import annotations

import datetime as dt
import io
import os
from typing import Any

import pytest
from django.core.management import call_command

from reports.models import Action
from tests.reports.test_dashboard_browser import DEMO_SLUG, in_browser, log_in, new_page

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.one_database]


@pytest.fixture
def demo(live_server, banks):
    call_command("seed_demo", stdout=io.StringIO())
    return live_server.url


def test_the_consultant_adds_an_action_to_a_priority(demo):
    url = f"{demo}/campaigns/{DEMO_SLUG}/dashboard/"
    due = (dt.date.today() + dt.timedelta(days=90)).isoformat()

    def scenario(browser) -> dict[str, Any]:
        context, page, errors = new_page(browser, 1280)
        log_in(page, demo)
        page.goto(url)
        first_priority = page.locator("[data-add-action-for]").first
        dimension = first_priority.get_attribute("data-add-action-for")
        first_priority.click()
        page.wait_for_selector("[data-action-form]")
        selected = page.locator("#id_dimension").input_value()
        page.fill("#id_title", "Walk the complaint journey with a customer")
        page.locator("input[name=starting_point]").first.check()
        page.fill("#id_owner", "Head of customer service")
        page.fill("#id_due_on", due)
        page.fill("#id_target_score", "65")
        page.select_option("#id_status", "in_progress")
        page.locator("#id_title").press("Enter")  # submits the form, as a keyboard user would
        page.wait_for_url(f"**/campaigns/{DEMO_SLUG}/dashboard/**")
        card = page.locator("#actions")
        shown = {
            "card": card.inner_text(),
            "message": page.locator(".alert-success").first.inner_text(),
        }
        context.close()
        return {"dimension": dimension, "selected": selected, "errors": errors, **shown}

    seen = in_browser(scenario)
    assert seen["selected"] == seen["dimension"]
    assert "Walk the complaint journey with a customer" in seen["message"]
    card = seen["card"]
    assert "Walk the complaint journey with a customer" in card
    assert "Head of customer service" in card and "score 65.0" in card
    assert "In progress" in card and "Overdue" not in card
    assert seen["errors"] == []
    action = Action.objects.get(title="Walk the complaint journey with a customer")
    assert action.dimension == seen["dimension"] and action.recommendation
