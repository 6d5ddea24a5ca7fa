"""The action plan's writes, its reads with the follow-up in the next round on hand-made
numbers, and the reminder command's idempotence."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from reports import action_rules
from reports.action_plan import plan_for
from reports.action_services import (
    ActionInput,
    ActionRefused,
    add_note,
    carry_over,
    create_action,
    update_action,
)
from reports.models import Action, ActionNote
from reports.profile_builder import build_profile
from tests.builders import add_response, level, make_questionnaire
from tests.factories import ClosedCampaignFactory, OrganisationFactory, UserFactory

TODAY = date(2026, 12, 2)


@pytest.fixture
def rounds(db, consultant):
    """Two closed rounds of one organisation on the hand-made questionnaire: every item
    answered 3 in the first (every score 50.0), 4 in the second (every score 75.0)."""
    version = make_questionnaire()
    organisation = OrganisationFactory(owner=consultant, name="Twee Rondes")
    before = ClosedCampaignFactory(
        organisation=organisation, questionnaire_version=version, slug="round-1", name="Round 1"
    )
    now = ClosedCampaignFactory(
        organisation=organisation, questionnaire_version=version, slug="round-2", name="Round 2"
    )
    for _ in range(3):
        add_response(before, level(3))
        add_response(now, level(4))
    return before, now


def data(**overrides) -> ActionInput:
    values = {"dimension": "alpha.one", "title": "Listen to ten customers", "owner": "Ann"}
    values.update(overrides)
    return ActionInput(**values)


def test_an_action_is_stored_with_what_was_filled_in(rounds, consultant):
    _, now = rounds
    action = create_action(
        campaign=now,
        data=data(title="  Listen to ten customers ", target_score=Decimal("70.0"), remind=True),
        created_by=consultant,
    )
    action.refresh_from_db()
    assert (action.title, action.dimension, action.owner) == (
        "Listen to ten customers",
        "alpha.one",
        "Ann",
    )
    assert (action.target_score, action.status, action.remind) == (Decimal("70.0"), "planned", True)
    assert action.created_by == consultant


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"dimension": "keys.journey"}, "dimension"),  # not in this campaign's questionnaire
        ({"target_score": Decimal("120")}, "target_score"),
    ],
)
def test_refused_input_says_why_and_stores_nothing(rounds, overrides, field):
    _, now = rounds
    with pytest.raises(ActionRefused) as refused:
        create_action(campaign=now, data=data(**overrides))
    assert set(refused.value.problems) == {field}
    assert Action.objects.count() == 0


def test_a_refused_edit_leaves_the_action_as_it_was(rounds):
    _, now = rounds
    action = create_action(campaign=now, data=data())
    with pytest.raises(ActionRefused):
        update_action(action=action, data=data(title=" ", owner="Bob"))
    action.refresh_from_db()
    assert (action.title, action.owner) == ("Listen to ten customers", "Ann")


def test_a_due_date_in_the_past_is_stored_and_shows_as_overdue(rounds):
    _, now = rounds
    create_action(campaign=now, data=data(due_on=TODAY - timedelta(days=1)))
    plan = plan_for(now, profile=None, language="en", today=TODAY)
    assert [a.overdue for a in plan.actions] == [True]
    assert plan.actions[0].dimension_name == "one (en)"


def test_progress_notes_are_dated_and_an_empty_one_is_refused(rounds):
    _, now = rounds
    action = create_action(campaign=now, data=data())
    add_note(action=action, text="Five customers called", written_on=date(2026, 11, 20))
    with pytest.raises(ActionRefused):
        add_note(action=action, text="  ")
    assert list(ActionNote.objects.values_list("written_on", "text")) == [
        (date(2026, 11, 20), "Five customers called")
    ]
    plan = plan_for(action.campaign, profile=None, language="en", today=TODAY)
    assert [n.text for n in plan.actions[0].notes] == ["Five customers called"]


def test_follow_up_of_the_previous_rounds_actions_on_hand_made_numbers(rounds):
    before, now = rounds
    reached = create_action(
        campaign=before, data=data(title="Reached", target_score=Decimal("70.0"))
    )
    create_action(
        campaign=before, data=data(title="Missed", dimension="alpha.two", target_stage="shining")
    )
    create_action(
        campaign=before,
        data=data(title="Dropped", dimension="beta.three", status=action_rules.DROPPED),
    )
    carried = carry_over(action=reached, campaign=now)

    profile = build_profile(now, language="en")
    plan = plan_for(now, profile=profile, language="en", today=TODAY)

    assert plan.previous_name == "Round 1"
    rows = {row.action.title: row for row in plan.follow_up}
    # Every item answered 3, then 4: each score 100 x (3 - 1) / 4 = 50.0, then 75.0.
    assert (rows["Reached"].then, rows["Reached"].now) == (50.0, 75.0)
    assert rows["Reached"].change == 25.0
    assert rows["Reached"].verdict == action_rules.REACHED  # 75.0 >= 70.0
    assert rows["Reached"].carried_to == carried.pk
    # 75.0 is "cut" (shining from 80 by default): the stage target is missed.
    assert rows["Missed"].verdict == action_rules.NOT_REACHED
    assert rows["Dropped"].verdict == action_rules.NO_TARGET
    assert rows["Dropped"].action.status == action_rules.DROPPED
    # The carried-over action is this round's, linked to the one it continues.
    assert [(a.title, a.carried_from) for a in plan.actions] == [("Reached", reached.pk)]


def test_an_action_is_carried_over_once(rounds):
    before, now = rounds
    action = create_action(campaign=before, data=data())
    carry_over(action=action, campaign=now)
    with pytest.raises(ActionRefused):
        carry_over(action=action, campaign=now)
    assert Action.objects.filter(campaign=now).count() == 1


def test_a_team_view_has_no_follow_up(rounds):
    before, now = rounds
    create_action(campaign=before, data=data())
    profile = build_profile(now, language="en")
    team_like = dataclasses.replace(profile, scope={"role": "employee"})
    assert plan_for(now, profile=team_like, language="en", today=TODAY).follow_up == ()


@pytest.fixture
def due_soon(rounds, consultant):
    consultant.email = "ann@example.com"
    consultant.save()
    _, now = rounds
    return create_action(
        campaign=now,
        data=data(due_on=TODAY + timedelta(days=7), remind=True),
        created_by=consultant,
    )


def test_the_reminder_command_sends_once_per_due_date(due_soon):
    call_command("send_action_reminders", "--today", TODAY.isoformat())
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    assert "Listen to ten customers" in mail.outbox[0].subject
    assert "/campaigns/round-2/dashboard/#actions" in mail.outbox[0].body

    call_command("send_action_reminders", "--today", TODAY.isoformat())
    call_command("send_action_reminders", "--today", (TODAY + timedelta(days=1)).isoformat())
    assert len(mail.outbox) == 1  # twice run, nothing sent twice

    # A new due date is reminded again, a week before it.
    due_soon.due_on = TODAY + timedelta(days=20)
    due_soon.save()
    call_command("send_action_reminders", "--today", (TODAY + timedelta(days=13)).isoformat())
    assert len(mail.outbox) == 2


def test_no_reminder_unless_asked_for_or_without_an_address(rounds):
    _, now = rounds
    nobody = UserFactory(email="")
    create_action(campaign=now, data=data(due_on=TODAY + timedelta(days=2)))  # not asked
    create_action(
        campaign=now,
        data=data(due_on=TODAY + timedelta(days=2), remind=True),
        created_by=nobody,
    )
    now.organisation.owner.email = ""
    now.organisation.owner.save()
    call_command("send_action_reminders", "--today", TODAY.isoformat())
    assert mail.outbox == []


def test_a_refused_mail_is_tried_again_by_the_next_run(due_soon, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server away")

    monkeypatch.setattr("reports.action_services.send_mail", refuse)
    with pytest.raises(CommandError, match="1 reminder"):
        call_command("send_action_reminders", "--today", TODAY.isoformat())
    due_soon.refresh_from_db()
    assert due_soon.reminded_for is None

    monkeypatch.undo()
    call_command("send_action_reminders", "--today", TODAY.isoformat())
    assert len(mail.outbox) == 1


def test_a_consultant_who_lost_access_is_not_reminded_the_owner_is(rounds, consultant):
    _, now = rounds
    colleague = UserFactory(email="bob@example.com")
    now.organisation.shared_with.add(colleague)
    consultant.email = "ann@example.com"
    consultant.save()
    create_action(
        campaign=now, data=data(due_on=TODAY + timedelta(days=3), remind=True), created_by=colleague
    )
    now.organisation.shared_with.remove(colleague)  # Bob no longer works on this client
    call_command("send_action_reminders", "--today", TODAY.isoformat())
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]


def test_a_title_with_a_line_break_still_makes_a_one_line_subject(due_soon):
    Action.objects.filter(pk=due_soon.pk).update(title="Listen\nto customers")
    call_command("send_action_reminders", "--today", TODAY.isoformat())
    assert mail.outbox[0].subject.endswith(": Listen to customers")
