"""The consultant's action plan pages: create (from a priority, or choosing a dimension),
edit, progress notes, delete, carry over from the previous round; who may do it; what
bad input does; and how the dashboard and a read-only link show the plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.models import Campaign
from reports.action_plan import version_dimensions
from reports.action_services import ActionInput, add_note, create_action
from reports.models import Action, ActionNote
from reports.profile_builder import build_profile
from reports.report_links import create_report_link
from tests.builders import add_responses, dashboard_url
from tests.factories import ClosedCampaignFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, consultant):
    client.force_login(consultant)
    return client


@pytest.fixture
def other_client(other_consultant):
    client = Client()
    client.force_login(other_consultant)
    return client


def new_url(campaign: Campaign, **query: str) -> str:
    url = reverse("reports:action_create", args=[campaign.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def action_data(dimension: str, **extra: str) -> dict[str, str]:
    return {
        "dimension": dimension,
        "title": "Map the complaint journey",
        "starting_point": "",
        "owner": "Head of customer service",
        "due_on": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
        "target_score": "65",
        "target_stage": "",
        "status": "planned",
        **extra,
    }


def an_action(campaign: Campaign, **fields) -> Action:
    dimension = version_dimensions(campaign.questionnaire_version)[0]
    data = {"dimension": dimension, "title": "Listen to complaints", **fields}
    return create_action(campaign=campaign, data=ActionInput(**data))


def priority(campaign: Campaign) -> str:
    return build_profile(campaign).priorities[0]


# --------------------------------------------------------------------------- create


def test_a_priority_offers_an_action_and_the_form_its_recommendations(
    owner_client, report_campaign
):
    code = priority(report_campaign)
    html = owner_client.get(dashboard_url(report_campaign)).content.decode()
    assert f'data-add-action-for="{code}"' in html
    assert 'id="actions"' in html and "No actions yet" in html

    page = owner_client.get(new_url(report_campaign, dimension=code))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="starting_point"' in text and "Write my own" in text
    assert f'<option value="{code}" selected>' in text


def test_without_a_dimension_the_consultant_chooses_one_priorities_first(
    owner_client, report_campaign
):
    text = owner_client.get(new_url(report_campaign)).content.decode()
    suggested = text.index("Suggested: this campaign&#x27;s priorities")
    others = text.index("All other dimensions")
    assert suggested < text.index(f'value="{priority(report_campaign)}"') < others


def test_create_stores_the_action_and_shows_it_in_the_plan(owner_client, report_campaign):
    code = priority(report_campaign)
    response = owner_client.post(
        new_url(report_campaign, dimension=code), action_data(code, status="in_progress")
    )
    action = Action.objects.get(campaign=report_campaign)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#action-{action.pk}")
    assert (action.dimension, action.target_score, action.status) == (
        code,
        Decimal("65.0"),
        "in_progress",
    )
    html = owner_client.get(dashboard_url(report_campaign)).content.decode()
    assert f'id="action-{action.pk}"' in html
    assert "Map the complaint journey" in html and "Head of customer service" in html
    assert "score 65.0" in html and "In progress" in html


def test_a_chosen_recommendation_or_an_own_one_is_the_starting_point(owner_client, report_campaign):
    code = priority(report_campaign)
    form = owner_client.get(new_url(report_campaign, dimension=code)).context["form"]
    recommendation = form.recommendations[0]
    owner_client.post(
        new_url(report_campaign, dimension=code),
        action_data(code, starting_point=recommendation, own_recommendation="ignored"),
    )
    owner_client.post(
        new_url(report_campaign, dimension=code),
        action_data(code, starting_point="own", own_recommendation="Our own idea"),
    )
    stored = list(Action.objects.order_by("pk").values_list("recommendation", flat=True))
    assert stored == [recommendation, "Our own idea"]


def test_a_due_date_in_the_past_is_stored_but_flagged(owner_client, report_campaign):
    code = priority(report_campaign)
    past = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    response = owner_client.post(
        new_url(report_campaign, dimension=code), action_data(code, due_on=past), follow=True
    )
    assert Action.objects.filter(campaign=report_campaign).count() == 1
    text = response.content.decode()
    assert "lies in the past: the action shows as overdue" in text
    assert "data-overdue-label" in text and "(overdue)" in text


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": "   "}, "title", "Give the action a title."),
        (
            {"dimension": "keys.nonsense"},
            "dimension",
            "Choose one of this campaign&#x27;s dimensions.",
        ),
        (
            {"target_stage": "cut"},
            "target_stage",
            "Set a target score or a target stage, not both.",
        ),
        ({"target_score": "140"}, "target_score", "A target score lies between 0 and 100."),
    ],
)
def test_bad_input_is_refused_with_its_reason_and_nothing_stored(
    owner_client, report_campaign, change, field, message
):
    code = priority(report_campaign)
    response = owner_client.post(
        new_url(report_campaign, dimension=code), {**action_data(code), **change}
    )
    assert response.status_code == 400
    assert not Action.objects.exists()
    text = response.content.decode()
    assert 'id="error-summary"' in text and message in text
    assert f'id="id_{field}_error"' in text and 'aria-invalid="true"' in text


# --------------------------------------------------------------------------- edit, notes, delete


def test_edit_changes_the_action(owner_client, report_campaign):
    action = an_action(report_campaign)
    url = reverse("reports:action_edit", args=[report_campaign.slug, action.pk])
    page = owner_client.get(url)
    assert page.status_code == 200 and "Listen to complaints" in page.content.decode()
    response = owner_client.post(
        url, action_data(action.dimension, title="Renamed", status="done", target_score="")
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.status, action.target_score) == ("Renamed", "done", None)


def test_a_refused_edit_changes_nothing(owner_client, report_campaign):
    action = an_action(report_campaign)
    url = reverse("reports:action_edit", args=[report_campaign.slug, action.pk])
    response = owner_client.post(url, action_data(action.dimension, title=""))
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.title == "Listen to complaints"


def test_progress_notes_are_dated_and_the_latest_shows_in_the_plan(owner_client, report_campaign):
    action = an_action(report_campaign)
    url = reverse("reports:action_note", args=[report_campaign.slug, action.pk])
    assert owner_client.get(url).status_code == 405
    owner_client.post(url, {"written_on": "2026-01-05", "text": "Kick-off held"})
    owner_client.post(url, {"written_on": "2026-02-10", "text": "First journey mapped"})
    empty = owner_client.post(url, {"written_on": "2026-02-11", "text": "  "})
    assert empty.status_code == 400 and "Write what has happened." in empty.content.decode()
    edit = reverse("reports:action_edit", args=[report_campaign.slug, action.pk])
    assert f'action="{edit}"' in empty.content.decode()  # the action's form still saves it
    assert list(ActionNote.objects.values_list("text", flat=True)) == [
        "Kick-off held",
        "First journey mapped",
    ]
    html = owner_client.get(dashboard_url(report_campaign)).content.decode()
    assert "First journey mapped" in html and "Kick-off held" not in html


def test_delete_asks_first_then_deletes_by_post(owner_client, report_campaign):
    action = an_action(report_campaign)
    url = reverse("reports:action_delete", args=[report_campaign.slug, action.pk])
    page = owner_client.get(url)
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    assert Action.objects.filter(pk=action.pk).exists()
    response = owner_client.post(url)
    assert response.status_code == 302 and response["Location"].endswith("#actions")
    assert not Action.objects.filter(pk=action.pk).exists()


def test_next_returns_to_this_site_only(owner_client, report_campaign):
    code = priority(report_campaign)
    present = reverse("reports:present", args=[report_campaign.slug]) + "#12"
    back = owner_client.post(
        new_url(report_campaign, dimension=code), {**action_data(code), "next": present}
    )
    assert back["Location"] == present
    away = owner_client.post(
        new_url(report_campaign, dimension=code),
        {**action_data(code), "next": "https://evil.example/"},
    )
    assert away["Location"].startswith(reverse("reports:dashboard", args=[report_campaign.slug]))


def test_the_closing_slide_links_to_the_form_and_back(owner_client, report_campaign):
    html = owner_client.get(
        reverse("reports:present", args=[report_campaign.slug])
    ).content.decode()
    assert "data-add-action" in html
    assert reverse("reports:action_create", args=[report_campaign.slug]) + "?next=" in html


# --------------------------------------------------------------------------- carry over


@pytest.fixture
def two_rounds(report_campaign):
    """The campaign's previous round (a year earlier) with two actions, one reached."""
    earlier = ClosedCampaignFactory(
        organisation=report_campaign.organisation,
        questionnaire_version=report_campaign.questionnaire_version,
        anonymity_threshold=5,
        name="Round zero",
        slug="round-zero",
    )
    add_responses(earlier, 6, shift=-1)
    Campaign.objects.filter(pk=earlier.pk).update(
        created_at=report_campaign.created_at - dt.timedelta(days=365)
    )
    reached = an_action(earlier, title="Reached one", target_score=Decimal(0))
    missed = an_action(earlier, title="Missed one", target_score=Decimal(100))
    return earlier, reached, missed


def test_last_rounds_actions_show_their_verdict_and_can_be_carried_over(
    owner_client, report_campaign, two_rounds
):
    earlier, reached, missed = two_rounds
    html = owner_client.get(dashboard_url(report_campaign)).content.decode()
    assert 'id="follow-up"' in html and "Round zero" in html
    assert f'data-follow-up="{reached.pk}" data-verdict="reached"' in html
    assert f'data-follow-up="{missed.pk}" data-verdict="not_reached"' in html
    url = reverse("reports:action_carry_over", args=[report_campaign.slug, missed.pk])
    assert owner_client.get(url).status_code == 405
    response = owner_client.post(url)
    carried = Action.objects.get(campaign=report_campaign)
    assert carried.carried_from == missed and carried.title == "Missed one"
    assert response["Location"] == reverse(
        "reports:action_edit", args=[report_campaign.slug, carried.pk]
    )
    html = owner_client.get(dashboard_url(report_campaign)).content.decode()
    assert f'data-carried-to="{carried.pk}"' in html
    assert f'data-carry-over="{missed.pk}"' not in html
    again = owner_client.post(url, follow=True)
    assert "already been carried over" in again.content.decode()
    assert Action.objects.filter(campaign=report_campaign).count() == 1


def test_only_actions_of_the_previous_round_can_be_carried_over(
    owner_client, report_campaign, two_rounds
):
    own = an_action(report_campaign)
    url = reverse("reports:action_carry_over", args=[report_campaign.slug, own.pk])
    assert owner_client.post(url).status_code == 404
    assert Action.objects.count() == 3


# --------------------------------------------------------------------------- permissions


def test_another_consultant_can_neither_see_nor_change_the_actions(other_client, report_campaign):
    action = an_action(report_campaign)
    add_note(action=action, text="Started")
    slug, pk = report_campaign.slug, action.pk
    code = action.dimension
    attempts = [
        ("get", new_url(report_campaign, dimension=code), {}),
        ("post", new_url(report_campaign, dimension=code), action_data(code)),
        ("get", reverse("reports:action_edit", args=[slug, pk]), {}),
        ("post", reverse("reports:action_edit", args=[slug, pk]), action_data(code, title="X")),
        (
            "post",
            reverse("reports:action_note", args=[slug, pk]),
            {"written_on": "2026-01-01", "text": "X"},
        ),
        ("get", reverse("reports:action_delete", args=[slug, pk]), {}),
        ("post", reverse("reports:action_delete", args=[slug, pk]), {}),
        ("post", reverse("reports:action_carry_over", args=[slug, pk]), {}),
    ]
    for method, url, data in attempts:
        assert getattr(other_client, method)(url, data).status_code == 404, f"{method} {url}"
    action.refresh_from_db()
    assert action.title == "Listen to complaints"
    assert Action.objects.count() == 1 and ActionNote.objects.count() == 1


def test_an_action_of_another_campaign_is_not_found_under_this_one(
    owner_client, report_campaign, consultant
):
    elsewhere = ClosedCampaignFactory(organisation=OrganisationFactory(owner=consultant))
    foreign = an_action(elsewhere)
    url = reverse("reports:action_edit", args=[report_campaign.slug, foreign.pk])
    assert owner_client.get(url).status_code == 404
    assert (
        owner_client.post(
            reverse("reports:action_delete", args=[report_campaign.slug, foreign.pk])
        ).status_code
        == 404
    )
    assert Action.objects.filter(pk=foreign.pk).exists()


def test_a_read_only_link_shows_the_plan_but_offers_no_writes(report_campaign, consultant):
    action = an_action(report_campaign, owner="Marketing")
    shared = create_report_link(
        campaign=report_campaign,
        label="MT",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
        shows_comments=False,
        allows_pdf=False,
        created_by=consultant,
    )
    visitor = Client()
    link_url = reverse("shared:dashboard", args=[shared.token])
    html = visitor.get(link_url).content.decode()
    assert 'id="actions"' in html and "Listen to complaints" in html and "Marketing" in html
    assert "/actions/" not in html and "data-add-action" not in html
    assert "data-edit-action" not in html and "data-carry-over" not in html
    # The link's pages take no POST, and the write URLs want a consultant's login.
    assert visitor.post(link_url, action_data(action.dimension)).status_code == 405
    edit = reverse("reports:action_edit", args=[report_campaign.slug, action.pk])
    assert visitor.post(edit, action_data(action.dimension, title="X")).status_code == 302
    action.refresh_from_db()
    assert action.title == "Listen to complaints" and Action.objects.count() == 1


def test_the_plan_costs_the_dashboard_the_same_queries_however_long(
    owner_client, report_campaign, two_rounds
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(dashboard_url(report_campaign)).status_code == 200
        return len(captured)

    add_note(action=an_action(report_campaign), text="Started")
    one = queries()
    for n in range(4):
        add_note(action=an_action(report_campaign, title=f"Action {n}"), text="Started")
    assert queries() == one


def test_saving_the_edit_form_as_it_comes_keeps_a_bank_starting_point(
    owner_client, report_campaign
):
    code = priority(report_campaign)
    form = owner_client.get(new_url(report_campaign, dimension=code)).context["form"]
    recommendation = form.recommendations[0]
    action = an_action(report_campaign, dimension=code, recommendation=recommendation)
    url = reverse("reports:action_edit", args=[report_campaign.slug, action.pk])
    initial = owner_client.get(url).context["form"].initial
    assert initial["starting_point"] == recommendation
    data = {k: "" if v is None else str(v) for k, v in initial.items() if k != "remind"}
    assert owner_client.post(url, {**data, "status": "in_progress"}).status_code == 302
    action.refresh_from_db()
    assert (action.recommendation, action.status) == (recommendation, "in_progress")


def test_a_starting_point_of_another_dimension_is_refused(owner_client, report_campaign):
    code = priority(report_campaign)
    recommendation = (
        owner_client.get(new_url(report_campaign, dimension=code))
        .context["form"]
        .recommendations[0]
    )
    other = next(d for d in version_dimensions(report_campaign.questionnaire_version) if d != code)
    response = owner_client.post(
        new_url(report_campaign, dimension=code),
        action_data(other, starting_point=recommendation),
    )
    assert response.status_code == 400
    assert Action.objects.count() == 0
