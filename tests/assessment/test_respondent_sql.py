"""The respondent's hand-written SQL gives what the ORM gives, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from assessment import respondent_sql, responding
from assessment.models import Answer, Campaign, Comment, Response
from questionnaires.models import QuestionnaireVersion

pytestmark = pytest.mark.django_db


def every_field(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


@pytest.fixture
def started(respondent) -> Response:
    respondent.start()
    response = respondent.response()
    Campaign.objects.filter(pk=response.campaign_id).update(
        opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=1)
    )
    return response


def test_the_visit_read_gives_the_orm_instances(started):
    read = respondent_sql.response_with_campaign(
        started.campaign_id, started.campaign.token, "key_digest", started.key_digest
    )
    assert read is not None
    assert every_field(read) == every_field(Response.objects.get(pk=started.pk))
    assert every_field(read.campaign) == every_field(Campaign.objects.get(pk=started.campaign_id))
    version = QuestionnaireVersion.objects.get(pk=read.campaign.questionnaire_version_id)
    assert every_field(read.campaign.questionnaire_version) == every_field(version)
    assert read.campaign.opens_at.tzinfo is not None and read.is_test is False


def test_the_visit_read_needs_the_campaigns_id_token_and_the_digest(started):
    def read(campaign_id: int, token: str, digest: str) -> Response | None:
        return respondent_sql.response_with_campaign(campaign_id, token, "key_digest", digest)

    campaign_id, token, digest = started.campaign_id, started.campaign.token, started.key_digest
    assert read(campaign_id, token, digest) is not None
    assert read(campaign_id + 1, token, digest) is None
    assert read(campaign_id, "another-token", digest) is None
    assert read(campaign_id, token, "another-digest") is None


def test_page_values_and_the_page_save(started, plan):
    page = next(page for page in plan.pages if page.comment_topic)
    first, second = page.items[:2]
    assert responding.page_values(started, page) == ({}, "")
    respondent_sql.upsert_answers(started.pk, {first.pk: 5, second.pk: None})
    Comment.objects.create(response=started, topic=page.comment_topic, text="Fine.")
    assert responding.page_values(started, page) == ({first.pk: "5", second.pk: "dk"}, "Fine.")
    respondent_sql.upsert_answers(started.pk, {first.pk: None, second.pk: None})  # all "don't know"
    stored = dict(Answer.objects.filter(response=started).values_list("item_id", "value"))
    assert stored == {first.pk: None, second.pk: None}

    now = timezone.now()
    assert respondent_sql.touch_response_in_progress(started.pk, now, "nl")
    started.refresh_from_db()
    assert (started.updated_at, started.language) == (now, "nl")
    Response.objects.filter(pk=started.pk).update(status=Response.SUBMITTED)
    assert not respondent_sql.touch_response_in_progress(started.pk, now, "en")
