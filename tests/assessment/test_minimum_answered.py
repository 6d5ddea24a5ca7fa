"""A minimum share of answered statements before a response can be submitted and count."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment import campaigns as rules
from assessment import responding
from assessment.forms import CampaignForm
from assessment.models import Answer, Campaign, Organisation, Response
from assessment.progress import campaign_progress
from questionnaires.models import Questionnaire
from tests.assessment.conftest import Respondent
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def refusal(answered: int, total: int, needed: int) -> str:
    return (
        f"You answered {answered} of {total} statements; at least {needed} are needed for "
        "your answers to count. Go back to the pages with open statements below."
    )


# --------------------------------------------------------------------------- the rule


@pytest.mark.django_db(False)
@pytest.mark.parametrize(
    ("item_count", "percent", "needed"),
    [
        (127, 50, 64),  # 63.5 rounds up
        (38, 50, 19),
        (38, 0, 0),
        (127, 0, 0),
        (38, 100, 38),
        (100, 7, 7),  # an exact multiple stays exact
        (38, 1, 1),  # at least one when the percentage is above zero
        (0, 50, 0),  # an empty questionnaire needs nothing
    ],
)
def test_answers_needed(item_count, percent, needed):
    assert responding.answers_needed(item_count, percent) == needed


def test_default_minimum_is_half(campaign):
    assert Campaign._meta.get_field("minimum_answered").default == 50
    assert campaign.minimum_answered == 50


# --------------------------------------------------------------------------- submitting


def test_near_empty_submission_is_refused_and_not_counted(respondent, campaign, plan):
    respondent.start()
    assert respondent.answer(1).status_code == 302
    first_page = len(plan.page(1).item_ids)
    needed = responding.answers_needed(plan.item_count, 50)
    assert 0 < first_page < needed

    review = respondent.client.get(respondent.url("review"))
    assert review.status_code == 200
    assert (
        f"At least {needed} statements must be answered for your answers to count: "
        f"{needed - first_page} more to go." in html(review)
    )

    result = respondent.submit()

    assert result.status_code == 400
    text = html(result)
    assert refusal(first_page, plan.item_count, needed) in text
    assert 'role="alert"' in text and 'tabindex="-1"' in text and "autofocus" in text
    # The alert comes first, then the pages with open statements.
    assert text.index('role="alert"') < text.index(respondent.page_url(2))
    stored = respondent.response()
    assert stored.status == Response.IN_PROGRESS and stored.submitted_at is None
    assert Answer.objects.filter(response=stored).count() == first_page
    assert Response.objects.counted().count() == 0
    progress = campaign_progress(campaign)
    assert (progress.submitted, progress.in_progress) == (0, 1)
    # Still answering: the pages take answers and the thank-you page sends them back.
    assert respondent.client.get(respondent.page_url(2)).status_code == 200
    assert respondent.client.get(respondent.url("thanks")).status_code == 302


def test_submit_refused_in_the_rules_stores_nothing(respondent, campaign, plan):
    respondent.start()
    respondent.answer(1, "dk")
    stored = respondent.response()
    with pytest.raises(responding.NotEnoughAnswered) as refused:
        responding.submit_response(stored, respondent.credentials())
    needed = responding.answers_needed(plan.item_count, campaign.minimum_answered)
    assert (refused.value.answered, refused.value.needed) == (len(plan.page(1).item_ids), needed)
    assert isinstance(refused.value, responding.RespondingError)
    stored.refresh_from_db()
    assert stored.status == Response.IN_PROGRESS


def test_answering_enough_then_submitting_works(respondent, campaign, plan):
    respondent.start()
    needed = responding.answers_needed(plan.item_count, campaign.minimum_answered)
    answered = 0
    for page in plan.pages:
        if answered >= needed:
            break
        assert respondent.answer(page.number, "dk").status_code == 302  # "don't know" counts
        answered += len(page.item_ids)
    assert answered < plan.item_count  # some statements stay open
    review = html(respondent.client.get(respondent.url("review")))
    assert "more to go" not in review

    result = respondent.submit()

    assert result.status_code == 302 and result["Location"] == respondent.url("thanks")
    assert respondent.response().status == Response.SUBMITTED
    assert Response.objects.counted().count() == 1
    assert campaign_progress(campaign).submitted == 1


def test_minimum_zero_accepts_a_single_page(respondent, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(minimum_answered=0)
    respondent.start()
    respondent.answer(1)
    assert "more to go" not in html(respondent.client.get(respondent.url("review")))
    result = respondent.submit()
    assert result.status_code == 302 and result["Location"] == respondent.url("thanks")
    assert Response.objects.counted().count() == 1


def test_minimum_zero_still_needs_one_answer(respondent, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(minimum_answered=0)
    respondent.start()
    result = respondent.submit()
    assert result.status_code == 400
    assert "Please answer at least one statement before you submit." in html(result)
    assert respondent.response().status == Response.IN_PROGRESS


def test_full_minimum_needs_every_statement(respondent, campaign, plan):
    Campaign.objects.filter(pk=campaign.pk).update(minimum_answered=100)
    respondent.start()
    for page in plan.pages[:-1]:
        respondent.answer(page.number)
    result = respondent.submit()
    answered = plan.item_count - len(plan.pages[-1].item_ids)
    assert result.status_code == 400
    assert refusal(answered, plan.item_count, plan.item_count) in html(result)
    respondent.answer(plan.pages[-1].number)
    assert respondent.submit().status_code == 302


def test_resubmitting_a_short_submitted_response_says_already_submitted(campaign):
    """A response submitted before the campaign's minimum was raised stays submitted."""
    respondent = Respondent(campaign)
    respondent.start()
    respondent.answer(1)
    Campaign.objects.filter(pk=campaign.pk).update(minimum_answered=0)
    assert respondent.submit().status_code == 302
    Campaign.objects.filter(pk=campaign.pk).update(minimum_answered=80)
    assert respondent.submit().status_code == 409


# --------------------------------------------------------------------------- the form


@pytest.fixture
def organisation(consultant) -> Organisation:
    return OrganisationFactory(name="Acme Zorg", owner=consultant)


def form_data(**overrides) -> dict:
    data = {
        "name": "Nulmeting 2026",
        "slug": "",
        "questionnaire": str(Questionnaire.objects.get(code="quick").pk),
        "opens_on": "",
        "closes_on": "",
        "anonymity_threshold": "5",
        "minimum_answered": "70",
        "language": "nl",
        "teams": "Sales\n",
    }
    data.update(overrides)
    return data


def test_campaign_form_saves_the_minimum(organisation, consultant, banks):
    form = CampaignForm(form_data(), organisation=organisation)
    assert form.is_valid(), form.errors
    campaign = form.save(user=consultant)
    assert campaign.minimum_answered == 70
    assert Campaign.objects.get().minimum_answered == 70

    edit = CampaignForm(
        form_data(minimum_answered="0", slug=campaign.slug),
        organisation=organisation,
        instance=campaign,
    )
    assert edit.is_valid(), edit.errors
    edit.save()
    assert Campaign.objects.get().minimum_answered == 0


def test_campaign_form_page_offers_the_minimum(en_client, organisation, banks):
    url = reverse("assessment:campaign_create", args=[organisation.pk])
    page = html(en_client.get(url))
    assert 'name="minimum_answered"' in page
    assert "Submissions with fewer answers are refused with an explanation" in page
    response = en_client.post(url, form_data(minimum_answered="35"))
    assert response.status_code == 302
    assert Campaign.objects.get().minimum_answered == 35


def test_a_form_post_without_the_minimum_keeps_it(organisation, consultant, banks):
    data = form_data()
    del data["minimum_answered"]
    form = CampaignForm(data, organisation=organisation)
    assert form.is_valid(), form.errors
    campaign = form.save(user=consultant)
    assert campaign.minimum_answered == 50
    Campaign.objects.filter(pk=campaign.pk).update(minimum_answered=20)
    campaign.refresh_from_db()
    edit = CampaignForm(
        {**data, "slug": campaign.slug}, organisation=organisation, instance=campaign
    )
    assert edit.is_valid(), edit.errors
    edit.save()
    assert Campaign.objects.get().minimum_answered == 20


@pytest.mark.parametrize("value", ["101", "-1", "fifty"])
def test_campaign_form_refuses_a_minimum_out_of_range(organisation, banks, value):
    form = CampaignForm(form_data(minimum_answered=value), organisation=organisation)
    assert not form.is_valid()
    assert "minimum_answered" in form.errors
    assert not Campaign.objects.exists()


def test_rules_refuse_a_minimum_out_of_range(organisation, banks, campaign):
    quick = Questionnaire.objects.get(code="quick")
    with pytest.raises(ValidationError):
        rules.create_campaign(
            organisation=organisation, name="Too strict", questionnaire=quick, minimum_answered=101
        )
    assert not Campaign.objects.filter(name="Too strict").exists()
    with pytest.raises(ValidationError):
        rules.update_campaign(
            campaign=campaign,
            name=campaign.name,
            slug=campaign.slug,
            questionnaire=quick,
            anonymity_threshold=campaign.anonymity_threshold,
            language=campaign.language,
            results_during_fieldwork=campaign.results_during_fieldwork,
            opens_at=campaign.opens_at,
            closes_at=campaign.closes_at,
            teams=[],
            minimum_answered=101,
        )
    campaign.refresh_from_db()
    assert campaign.minimum_answered == 50
    created = rules.create_campaign(
        organisation=organisation, name="Lenient", questionnaire=quick, minimum_answered=0
    )
    assert created.minimum_answered == 0


def test_refusal_in_dutch(respondent, campaign, plan):
    Campaign.objects.filter(pk=campaign.pk).update(language="nl")
    respondent.start()
    respondent.answer(1)
    result = respondent.submit()
    assert result.status_code == 400
    first_page = len(plan.page(1).item_ids)
    half = (plan.item_count + 1) // 2  # the default minimum: 50 %, rounded up
    assert (
        f"Je hebt {first_page} van de {plan.item_count} stellingen beantwoord; er zijn er "
        f"minstens {half} nodig om je antwoorden mee te laten tellen." in html(result)
    )
