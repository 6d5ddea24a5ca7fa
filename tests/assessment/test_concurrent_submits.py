"""Fifty respondents of a workshop submitting at the same moment: nothing is lost.

Runs on SQLite (WAL, IMMEDIATE transactions, busy timeout) and on PostgreSQL:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/klantscan \
        .venv/bin/python -m pytest tests/assessment/test_concurrent_submits.py
"""

from __future__ import annotations

import threading
import traceback
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client

from assessment import page_plan
from assessment.models import Answer, Comment, Response
from tests.assessment.conftest import Respondent
from tests.factories import CampaignFactory, TeamFactory

RESPONDENTS = 50
ROLES = (Response.BOARD, Response.MANAGER, Response.EMPLOYEE)


def value_for(respondent_no: int, item: page_plan.PlanItem) -> str:
    """A different, predictable answer per respondent and item (some don't-knows)."""
    n = respondent_no + item.number
    return "dk" if n % 9 == 0 else str(n % 5 + 1)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_respondents(banks, quick_version):
    campaign = CampaignFactory(questionnaire_version=quick_version)
    teams = [TeamFactory(campaign=campaign, name=f"Team {n}") for n in range(3)]
    plan = page_plan.get_page_plan(quick_version)
    start_line = threading.Barrier(RESPONDENTS, timeout=60)
    submit_line = threading.Barrier(RESPONDENTS, timeout=120)
    errors: list[str] = []
    statuses: Counter = Counter()

    def respond(no: int) -> None:
        try:
            respondent = Respondent(campaign, Client())
            start_line.wait()
            result = respondent.start(role=ROLES[no % 3], team=teams[no % 3])
            assert result.status_code == 302, result.status_code
            for page in plan.pages:
                shown = respondent.client.get(respondent.page_url(page.number))
                assert shown.status_code == 200, shown.status_code
                saved = respondent.answer(
                    page.number,
                    lambda item: value_for(no, item),
                    comment=f"respondent {no} on {page.framework_code}" if no % 5 == 0 else "",
                )
                assert saved.status_code == 302, saved.content.decode()[:500]
            review = respondent.client.get(respondent.url("review"))
            assert review.status_code == 200, review.status_code
            submit_line.wait()
            submitted = respondent.submit()
            statuses[submitted.status_code] += 1
            assert submitted.status_code == 302, submitted.content.decode()[:500]
        except threading.BrokenBarrierError:
            errors.append(f"respondent {no}: barrier broken")
        except Exception:  # collect everything and report in the main thread
            errors.append(f"respondent {no}:\n{traceback.format_exc()}")
            start_line.abort()
            submit_line.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=respond, args=(no,)) for no in range(RESPONDENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "respondents still running"
    assert not errors, "\n".join(errors[:5])
    assert statuses == Counter({302: RESPONDENTS})

    responses = Response.objects.filter(campaign=campaign)
    assert responses.count() == RESPONDENTS
    assert responses.filter(status=Response.SUBMITTED, submitted_at__isnull=False).count() == (
        RESPONDENTS
    )
    assert Counter(responses.values_list("role", flat=True)) == Counter(
        ROLES[no % 3] for no in range(RESPONDENTS)
    )
    answers = Answer.objects.filter(response__campaign=campaign)
    assert answers.count() == RESPONDENTS * plan.item_count
    per_response = answers.values("response").annotate(
        n=Count("id"), items=Count("item", distinct=True)
    )
    assert {(row["n"], row["items"]) for row in per_response} == {
        (plan.item_count, plan.item_count)
    }
    # Every respondent's answers are exactly what they entered.
    expected_values = Counter(
        None if (v := value_for(no, item)) == "dk" else int(v)
        for no in range(RESPONDENTS)
        for page in plan.pages
        for item in page.items
    )
    assert Counter(answers.values_list("value", flat=True)) == expected_values
    assert Comment.objects.filter(response__campaign=campaign).count() == (
        len([no for no in range(RESPONDENTS) if no % 5 == 0])
        * len([page for page in plan.pages if page.comment_topic])  # one per framework
    )
