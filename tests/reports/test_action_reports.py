"""The action plan in the reports and exports: the PDF's action-plan page and last round's
actions, the report's signature, the closing slide of the walk (PowerPoint and present
mode), the JSON of `export_profile` and the dashboard, the XLSX sheet and the CSV."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pptx import Presentation

from reports import action_texts, pdf, workshop
from reports.action_export import plan_dict
from reports.action_plan import version_dimensions
from reports.action_rules import (
    NO_TARGET,
    NOT_COMPARABLE,
    NOT_MEASURED,
    NOT_REACHED,
    REACHED,
    ActionPlan,
    ActionView,
    FollowUp,
)
from reports.action_services import ActionInput, add_note, create_action, update_action
from reports.presentation import profile_context
from reports.profile_builder import build_profile
from reports.responses_export import ACTIONS_SHEET, export_responses_xlsx
from reports.slides import build_slides
from tests.builders import assert_export_shape
from tests.reports.test_pdf import one_line, pdf_text


@pytest.fixture
def owner_client(client, consultant):
    client.force_login(consultant)
    return client


@pytest.fixture
def dimensions(report_campaign) -> list[str]:
    return version_dimensions(report_campaign.questionnaire_version)


@pytest.fixture
def overdue_action(report_campaign, dimensions):
    """An open action ten days past its due date, with two progress notes."""
    action = create_action(
        campaign=report_campaign,
        data=ActionInput(
            dimension=dimensions[0],
            title="Map the customer journey",
            recommendation="Walk the journey with every team",
            owner="Anna de Vries",
            due_on=timezone.localdate() - timedelta(days=10),
            target_score=Decimal("72.5"),
            status="in_progress",
        ),
    )
    add_note(action=action, text="Two of five phases mapped", written_on=date(2026, 3, 1))
    add_note(action=action, text="Four of five phases mapped", written_on=date(2026, 4, 1))
    return action


@pytest.fixture
def later_action(report_campaign, dimensions):
    return create_action(
        campaign=report_campaign,
        data=ActionInput(
            dimension=dimensions[1],
            title='=HYPERLINK("http://evil")',
            owner="+Pieter",
            due_on=timezone.localdate() + timedelta(days=30),
            target_stage="cut",
        ),
    )


def view(title: str, *, dimension="keys.journey", name="Journey", **fields) -> ActionView:
    values = {
        "pk": 1,
        "dimension": dimension,
        "dimension_name": name,
        "title": title,
        "recommendation": "",
        "owner": "",
        "due_on": None,
        "target_score": None,
        "target_stage": "",
        "status": "done",
        "overdue": False,
    } | fields
    return ActionView(**values)


# --------------------------------------------------------------------------- exports


def test_the_export_holds_the_actions_beside_the_profile(
    report_campaign, dimensions, overdue_action, later_action
):
    out = io.StringIO()
    call_command("export_profile", report_campaign.slug, stdout=out)
    data = json.loads(out.getvalue())
    assert_export_shape(data)

    profile = build_profile(report_campaign)
    beside = ("actions", "follow_up", "results", "customers")
    assert data["customers"] is None  # no customer mirror
    assert {k: v for k, v in data.items() if k not in beside} == json.loads(
        json.dumps(profile.as_dict())
    )
    assert data["results"]["figures"] == []  # no business results entered
    assert "actions" not in profile.as_dict()  # the cached profile stays the profile
    assert data["follow_up"] == []  # no previous round
    first, second = data["actions"]
    assert first == {
        "id": overdue_action.pk,
        "dimension": dimensions[0],
        "title": "Map the customer journey",
        "recommendation": "Walk the journey with every team",
        "owner": "Anna de Vries",
        "due_on": (timezone.localdate() - timedelta(days=10)).isoformat(),
        "target_score": 72.5,
        "target_stage": None,
        "status": "in_progress",
        "overdue": True,
        "notes": [
            {"written_on": "2026-03-01", "text": "Two of five phases mapped"},
            {"written_on": "2026-04-01", "text": "Four of five phases mapped"},
        ],
        "carried_from": None,
    }
    assert (second["target_score"], second["target_stage"], second["overdue"]) == (
        None,
        "cut",
        False,
    )
    assert second["status"] == "planned" and second["notes"] == []


def test_the_json_download_is_the_commands_json(owner_client, report_campaign, overdue_action):
    response = owner_client.get(reverse("reports:export_json", args=[report_campaign.slug]))
    data = json.loads(response.content)
    assert [a["title"] for a in data["actions"]] == ["Map the customer journey"]
    assert data["follow_up"] == []
    assert data["campaign"]["slug"] == report_campaign.slug


def test_the_follow_up_in_the_export_has_the_measured_change():
    plan = ActionPlan(
        follow_up=(
            FollowUp(
                view("Panel", target_score=Decimal("60")), then=52.0, now=61.5, verdict=REACHED
            ),
        ),
        previous_name="Nulmeting",
    )
    (entry,) = plan_dict(plan)["follow_up"]
    assert (entry["then"], entry["now"], entry["change"], entry["verdict"]) == (
        52.0,
        61.5,
        9.5,
        "reached",
    )
    assert entry["title"] == "Panel" and entry["target_score"] == 60.0


def test_the_xlsx_has_an_actions_sheet_with_formulas_as_text(
    report_campaign, overdue_action, later_action
):
    workbook = load_workbook(io.BytesIO(export_responses_xlsx(report_campaign)))
    assert workbook.sheetnames == ["responses", ACTIONS_SHEET]
    assert workbook.active.title == "responses"
    sheet = workbook[ACTIONS_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("id", "dimension", "title")
    first = dict(zip(header, rows[1], strict=True))
    assert first["overdue"] == "yes" and first["target_score"] == "72.5"
    assert (
        first["notes"]
        == "2026-03-01: Two of five phases mapped | 2026-04-01: Four of five phases mapped"
    )
    second = dict(zip(header, rows[2], strict=True))
    assert second["title"] == '=HYPERLINK("http://evil")'
    assert sheet.cell(row=3, column=header.index("title") + 1).data_type == "s"


def test_the_actions_csv_is_a_download_of_its_own_and_neutralises_formulas(
    owner_client, report_campaign, overdue_action, later_action, other_consultant, client
):
    url = reverse("reports:export_actions", args=[report_campaign.slug])
    response = owner_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{report_campaign.slug}-actions.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == ["Map the customer journey", '\'=HYPERLINK("http://evil")']
    assert rows[1]["owner"] == "'+Pieter"
    assert rows[0]["due_on"] == overdue_action.due_on.isoformat()
    client.force_login(other_consultant)
    assert client.get(url).status_code == 404


# --------------------------------------------------------------------------- the PDF


def test_an_edited_action_makes_the_report_again(report_campaign, overdue_action):
    first = pdf.report_input(report_campaign, "en").signature()
    assert pdf.report_input(report_campaign, "en").signature() == first
    update_action(
        action=overdue_action,
        data=ActionInput(dimension=overdue_action.dimension, title="Map it again"),
    )
    second = pdf.report_input(report_campaign, "en").signature()
    assert second != first
    add_note(action=overdue_action, text="Started")
    assert pdf.report_input(report_campaign, "en").signature() != second


def test_the_pdf_has_the_action_plan_page_with_overdue_in_words(
    report_campaign, overdue_action, later_action
):
    report = pdf.report_input(report_campaign, "en")
    text, _pages = pdf_text(pdf.render_pdf(report, with_charts=False))
    flat = one_line(text)
    plan_page = flat[flat.index("What the organisation agreed to do") :]
    assert "1 action is overdue." in plan_page
    assert "Map the customer journey" in plan_page
    assert "Starts from: Walk the journey with every team" in plan_page
    assert "Anna de Vries" in plan_page
    assert "overdue" in plan_page.split("Map the customer journey", 1)[1]
    # the latest note only, and the target as a score and as a stage
    assert "Latest progress (1 Apr 2026): Four of five phases mapped" in plan_page
    assert "Two of five phases mapped" not in plan_page
    assert "score 72.5" in plan_page and "Cut diamond" in plan_page
    assert "In progress" in plan_page and "Planned" in plan_page
    assert "Last round's actions" not in flat


def test_the_dutch_pdf_says_so_in_dutch(report_campaign, overdue_action):
    report = pdf.report_input(report_campaign, "nl")
    flat = one_line(pdf_text(pdf.render_pdf(report, with_charts=False))[0])
    assert "Actieplan" in flat and "over tijd" in flat and "score 72,5" in flat


def test_without_actions_the_page_says_so(report_campaign):
    html = pdf.render_html(pdf.report_input(report_campaign, "en"))
    assert 'href="#actions"' in html
    assert "No actions yet:" in html


def test_a_team_report_shows_the_campaigns_plan(report_campaign, overdue_action):
    report = pdf.report_input(report_campaign, "en", team="Beta")
    assert [a.title for a in report.actions.actions] == ["Map the customer journey"]
    html = pdf.render_html(report)
    assert "the action plan of the whole campaign" in html


def test_last_rounds_actions_on_hand_made_numbers(report_campaign):
    follow_up = (
        FollowUp(
            view("Reached", target_score=Decimal("60")), then=50.0, now=62.34, verdict=REACHED
        ),
        FollowUp(
            view("Short", target_stage="shining", name="Listening"),
            then=70.0,
            now=68.0,
            verdict=NOT_REACHED,
        ),
        FollowUp(view("Open", status="dropped"), then=40.0, now=45.0, verdict=NO_TARGET),
        FollowUp(view("Changed"), then=None, now=55.0, verdict=NOT_COMPARABLE),
        FollowUp(view("Hidden"), then=None, now=None, verdict=NOT_MEASURED),
    )
    plan = ActionPlan(follow_up=follow_up, previous_name="Nulmeting 2025")
    report = dataclasses.replace(pdf.report_input(report_campaign, "en"), actions=plan)
    with translation.override("en"):
        lines = action_texts.follow_up_lines(plan, {"shining": "Shining diamond"})
    assert [(x.then, x.now, x.change, x.target, x.verdict) for x in lines] == [
        ("50.0", "62.3", "+12.3", "score 60.0", "Reached"),
        ("70.0", "68.0", "\u22122.0", "stage Shining diamond", "Not reached"),
        ("40.0", "45.0", "+5.0", "", "No target was set"),
        ("–", "55.0", "", "", "Measured differently now, not compared"),
        ("–", "–", "", "", "Not measured in both rounds"),
    ]
    flat = one_line(pdf_text(pdf.render_pdf(report, with_charts=False))[0])
    assert "Last round's actions (Nulmeting 2025)" in flat
    assert "Reached Done 50.0 62.3 +12.3 score 60.0 Reached" in flat
    assert "Open Dropped 40.0 45.0 +5.0 – No target was set" in flat


# --------------------------------------------------------------------------- the slides


def many_actions(campaign, dimensions, count: int) -> None:
    for n in range(count):
        create_action(
            campaign=campaign,
            data=ActionInput(
                dimension=dimensions[n % 2],
                title=f"Action {n + 1}",
                owner=f"Owner {n + 1}",
                due_on=date(2030, 1, 1) + timedelta(days=n),
            ),
        )


def closing(campaign, language: str = "en") -> workshop.WorkshopSlide:
    profile = build_profile(campaign, language=language)
    pdf_report = pdf.report_input(campaign, language)
    with translation.override(language):
        slides = workshop.plan(
            profile, profile_context(profile, lambda n, f: f), pdf_report.actions
        )
    assert slides[-1].kind == workshop.CLOSING
    return slides[-1]


def test_the_closing_slide_without_actions_is_a_table_to_fill_in(report_campaign):
    slide = closing(report_campaign)
    assert slide.actions == () and slide.more_actions == 0
    assert slide.heading == "For each priority: what will we do, who takes it on, and by when?"


def test_the_closing_slide_groups_the_actions_and_marks_overdue(
    report_campaign, dimensions, overdue_action, later_action
):
    slide = closing(report_campaign)
    first, second = slide.actions
    names = {
        a.dimension: a.dimension_name
        for a in pdf.report_input(report_campaign, "en").actions.actions
    }
    assert first.dimension == names[dimensions[0]] and first.overdue
    assert first.due.endswith("(overdue)")
    assert (first.owner, first.status, first.target) == (
        "Anna de Vries",
        "In progress",
        "score 72.5",
    )
    assert second.dimension == names[dimensions[1]] and not second.overdue
    assert second.target == "stage Cut diamond"
    assert "1 action is overdue" in slide.notes


def test_many_actions_keep_the_slide_readable(report_campaign, dimensions):
    many_actions(report_campaign, dimensions, workshop.ACTION_ROWS + 3)
    slide = closing(report_campaign)
    assert len(slide.actions) == workshop.ACTION_ROWS
    assert slide.more_actions == 3
    with translation.override("en"):
        assert slide.more_actions_text == "and 3 more actions in the report"
    # grouped: a dimension is named on the first row of its group only
    named = [a.dimension for a in slide.actions if a.dimension]
    assert len(named) == len(set(named)) == 2


def closing_table(data: bytes):
    deck = Presentation(io.BytesIO(data))
    last = deck.slides[len(deck.slides) - 1]
    table = next(s.table for s in last.shapes if s.has_table)
    texts = [s.text_frame.text for s in last.shapes if s.has_text_frame]
    return [[cell.text for cell in row.cells] for row in table.rows], texts


def test_the_powerpoint_closes_with_the_actions_as_an_editable_table(
    report_campaign, overdue_action, later_action
):
    report = pdf.report_input(report_campaign, "en")
    rows, _texts = closing_table(build_slides(report.profile, report.actions))
    assert rows[0] == ["Dimension", "Action", "Owner", "Due", "Status", "Target"]
    assert rows[1][1:] == [
        "Map the customer journey",
        "Anna de Vries",
        overdue_action.due_on.strftime("%-d %b %Y") + " (overdue)",
        "In progress",
        "score 72.5",
    ]
    assert rows[2][1] == '=HYPERLINK("http://evil")' and rows[2][5] == "stage Cut diamond"


def test_the_powerpoint_says_how_many_more_are_in_the_report(report_campaign, dimensions):
    many_actions(report_campaign, dimensions, workshop.ACTION_ROWS + 2)
    report = pdf.report_input(report_campaign, "nl")
    rows, texts = closing_table(build_slides(report.profile, report.actions))
    assert len(rows) == workshop.ACTION_ROWS + 1
    assert "en nog 2 acties in het rapport" in texts


def test_without_actions_the_powerpoint_keeps_the_empty_rows(report_campaign):
    report = pdf.report_input(report_campaign, "en")
    rows, _texts = closing_table(build_slides(report.profile, report.actions))
    assert rows[0] == ["Priority", "What will we do?", "Who?", "By when?"]
    assert all(row[1:] == ["", "", ""] for row in rows[1:])


def test_the_present_mode_closes_with_the_actions(
    owner_client, report_campaign, overdue_action, later_action
):
    html = owner_client.get(reverse("reports:present", args=[report_campaign.slug])).content
    closing_html = html.decode().split('data-kind="closing"', 1)[1]
    assert "Map the customer journey" in closing_html
    assert '<tr class="overdue">' in closing_html
    assert "=HYPERLINK(&quot;http://evil&quot;)" in closing_html  # escaped, not markup


def test_a_long_title_is_shortened_on_the_slide_and_whole_in_the_report(
    report_campaign, dimensions
):
    title = "abcdefghij" * 20
    create_action(campaign=report_campaign, data=ActionInput(dimension=dimensions[0], title=title))
    (row,) = closing(report_campaign).actions
    assert len(row.title) == workshop.ACTION_TITLE_CHARS and row.title.endswith("…")
    assert title in pdf.render_html(pdf.report_input(report_campaign, "en"))
