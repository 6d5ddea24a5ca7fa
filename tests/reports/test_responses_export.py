"""Exporting responses: the default form (small groups hidden, rows shuffled and
numbered), the full form (a backup that imports back), test responses left out, and the
owner-only, audited download pages."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from assessment import demo
from assessment.models import Answer, AuditEntry, Campaign, Comment, Response
from assessment.responses_import import import_responses
from reports import responses_export
from reports.profile_builder import build_profile
from reports.responses_export import export_responses_csv, export_responses_xlsx
from tests.builders import ITEMS, add_response, make_questionnaire
from tests.factories import CampaignFactory, OrganisationFactory, TeamFactory

ITEM_CODES = list(ITEMS)
HEADER = ["respondent", "team", "role", *ITEM_CODES, "comment"]


@pytest.fixture
def version(banks):
    return make_questionnaire()


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# --------------------------------------------------------------------------- default form


def test_export_csv_shape_and_values(version):
    campaign = CampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    team = TeamFactory(campaign=campaign, name="North")
    add_response(
        campaign,
        {"alpha.one.1": 4, "alpha.one.2": "dk", "beta.four.1": 1},
        team=team,
        comment="Good start",
    )
    add_response(campaign, {"alpha.one.1": 2}, team=team)
    add_response(campaign, {"alpha.one.1": 5}, team=team)
    add_response(campaign, {"alpha.one.1": 3}, status=Response.IN_PROGRESS)  # not exported

    data = export_responses_csv(campaign)
    assert data.startswith(b"\xef\xbb\xbf")  # a byte-order mark, for Excel
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header == HEADER
    rows = rows_of(data)
    assert len(rows) == 3
    assert [r["respondent"] for r in rows] == ["1", "2", "3"]  # numbered in file order
    first = next(r for r in rows if r["alpha.one.1"] == "4")
    assert first["alpha.one.2"] == "dk"
    assert first["alpha.one.3"] == ""
    assert first["beta.four.1"] == "1"
    assert first["team"] == "North"
    assert first["role"] == "employee"
    assert first["comment"] == "Good start"


# k = 3. North 9 (3 of each role); South 6: 2 managers and 1 board member (together 3,
# hidden in South) and 3 employees; Tiny 2 employees; 1 employee without a team.
GROUPS = [
    ("North", Response.MANAGER, 3, 1, "North manager"),
    ("North", Response.EMPLOYEE, 3, 2, None),
    ("North", Response.BOARD, 3, 3, None),
    ("South", Response.MANAGER, 2, 4, None),
    ("South", Response.BOARD, 1, 5, "South board"),
    ("South", Response.EMPLOYEE, 3, 1, None),
    ("Tiny", Response.EMPLOYEE, 2, 2, "Tiny remark"),
    (None, Response.EMPLOYEE, 1, 3, "No team remark"),
]


def build_groups(version, groups=GROUPS, **kwargs):
    campaign = CampaignFactory(questionnaire_version=version, anonymity_threshold=3, **kwargs)
    teams = {
        name: TeamFactory(campaign=campaign, name=name, order=i)
        for i, name in enumerate(["North", "South", "Tiny"])
    }
    for team, role, count, value, comment in groups:
        for n in range(count):
            add_response(
                campaign,
                {"alpha.one.1": value},
                team=teams[team] if team else None,
                role=role,
                comment=comment if n == 0 else None,
            )
    return campaign


def test_default_form_hides_small_groups(version):
    rows = rows_of(export_responses_csv(build_groups(version)))
    cells = Counter((r["team"], r["role"], r["alpha.one.1"]) for r in rows)
    assert cells == {
        ("North", "manager", "1"): 3,
        ("North", "employee", "2"): 3,
        ("North", "board", "3"): 3,
        ("South", "hidden", "4"): 2,  # South x manager: 2 < k
        ("South", "hidden", "5"): 1,  # South x board: 1 < k
        ("South", "employee", "1"): 3,
        ("hidden", "hidden", "2"): 2,  # Tiny: 2 < k
        ("hidden", "hidden", "3"): 1,  # without a team: 1 < k
    }
    # Comments of hidden teams are left out.
    assert sorted(r["comment"] for r in rows if r["comment"]) == ["North manager", "South board"]
    assert sorted(int(r["respondent"]) for r in rows) == list(range(1, 19))


def test_hidden_never_marks_fewer_than_k(version):
    """A single small group marked "hidden" would be named by the mark: the next
    smallest group is hidden with it."""
    groups = [
        ("North", Response.EMPLOYEE, 5, 1, "North remark"),
        ("South", Response.EMPLOYEE, 1, 2, "South remark"),
        ("South", Response.MANAGER, 3, 3, None),
    ]
    rows = rows_of(export_responses_csv(build_groups(version, groups)))
    cells = Counter((r["team"], r["role"], r["alpha.one.1"]) for r in rows)
    # Teams: South (4) and North (5) meet k. Roles: employee 6, manager 3. In South the
    # one employee (1 < k) is hidden with the managers, the next smallest cell there.
    assert cells == {
        ("North", "employee", "1"): 5,
        ("South", "hidden", "2"): 1,
        ("South", "hidden", "3"): 3,
    }
    groups = [("North", Response.EMPLOYEE, 5, 1, None), ("Tiny", Response.EMPLOYEE, 1, 2, "x")]
    rows = rows_of(export_responses_csv(build_groups(version, groups)))
    assert {r["team"] for r in rows} == {"hidden"}  # Tiny alone would be named: North too
    assert not any(r["comment"] for r in rows)


def test_a_campaign_below_k_hides_every_group(version):
    groups = [("North", Response.MANAGER, 1, 1, "alone"), (None, Response.EMPLOYEE, 1, 2, None)]
    rows = rows_of(export_responses_csv(build_groups(version, groups)))
    assert {(r["team"], r["role"], r["comment"]) for r in rows} == {("hidden", "hidden", "")}
    assert sorted(r["alpha.one.1"] for r in rows) == ["1", "2"]  # the answers stay


def test_export_rows_do_not_follow_the_order_of_answering(version):
    campaign = CampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    for value in range(1, 6):
        for _ in range(4):
            add_response(campaign, {"alpha.one.1": value})
    answered = [r["alpha.one.1"] for r in rows_of(export_responses_csv(campaign))]
    assert sorted(answered) == sorted(str(v) for v in range(1, 6) for _ in range(4))
    assert answered != sorted(answered)  # 20 rows: not in the order they were stored
    again = [r["alpha.one.1"] for r in rows_of(export_responses_csv(campaign))]
    assert again != answered  # a new order every time


def test_the_order_comes_from_the_system_random_source(version, monkeypatch):
    class Reversing:
        def shuffle(self, rows):
            rows.reverse()

    monkeypatch.setattr(responses_export.secrets, "SystemRandom", Reversing)
    campaign = CampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    for value in (1, 2, 3, 4):
        add_response(campaign, {"alpha.one.1": value})
    rows = rows_of(export_responses_csv(campaign))
    assert [(r["respondent"], r["alpha.one.1"]) for r in rows] == [
        ("1", "4"),
        ("2", "3"),
        ("3", "2"),
        ("4", "1"),
    ]


def test_export_xlsx_matches_csv_and_keeps_formulas_as_text(version):
    campaign = CampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    for _ in range(3):
        add_response(campaign, {"alpha.one.1": 3, "alpha.one.2": "dk"}, comment="=1+1")
    workbook = load_workbook(io.BytesIO(export_responses_xlsx(campaign)))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER
    assert len(values) == 4
    assert values[1][3] == 3 and values[1][4] == "dk" and values[1][5] is None
    assert values[1][-1] == "=1+1"
    assert sheet.cell(row=2, column=len(values[0])).data_type == "s"  # not a formula
    # In the CSV a leading = is neutralised; the import undoes it.
    assert rows_of(export_responses_csv(campaign))[0]["comment"] == "'=1+1"


def test_test_responses_are_left_out_of_both_forms(version):
    campaign = build_groups(version)
    test = add_response(campaign, {"alpha.one.1": 5}, comment="trying it out")
    Response.objects.filter(pk=test.pk).update(is_test=True)
    for full in (False, True):
        rows = rows_of(export_responses_csv(campaign, full=full))
        assert len(rows) == 18
        assert "trying it out" not in {r["comment"] for r in rows}


# --------------------------------------------------------------------------- full form


def test_full_form_keeps_everything_in_a_stable_order(version):
    campaign = build_groups(version)
    imported = add_response(campaign, {"alpha.one.2": "dk"}, role="")
    Response.objects.filter(pk=imported.pk).update(respondent_ref="p-7")
    data = export_responses_csv(campaign, full=True)
    assert data == export_responses_csv(campaign, full=True)
    rows = rows_of(data)
    responses = list(Response.objects.filter(campaign=campaign).order_by("pk"))
    assert [r["respondent"] for r in rows] == [f"web-{r.pk}" for r in responses[:-1]] + ["p-7"]
    assert [(r["team"], r["role"]) for r in rows] == [
        (x.team.name if x.team else "", x.role) for x in responses
    ]
    assert sorted(r["comment"] for r in rows if r["comment"]) == [
        "No team remark",
        "North manager",
        "South board",
        "Tiny remark",
    ]
    assert rows[-1]["alpha.one.2"] == "dk"


def test_full_form_makes_web_ids_unique(version):
    campaign = CampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    web = add_response(campaign, {"alpha.one.1": 1})
    imported = add_response(campaign, {"alpha.one.1": 2})
    Response.objects.filter(pk=imported.pk).update(respondent_ref=f"web-{web.pk}")
    ids = [r["respondent"] for r in rows_of(export_responses_csv(campaign, full=True))]
    assert ids == [f"web-{web.pk}-2", f"web-{web.pk}"]


def test_full_form_round_trip_gives_the_same_data(version):
    original = build_groups(version)
    first = Response.objects.filter(campaign=original).order_by("pk").first()
    Comment.objects.create(response=first, topic="keys", text="=a formula")
    Answer.objects.filter(response=first).update(value=None)
    backup = export_responses_csv(original, full=True)

    copy = CampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    for i, name in enumerate(["North", "South", "Tiny"]):
        TeamFactory(campaign=copy, name=name, order=i)
    result = import_responses(campaign=copy, source=backup)
    assert result.responses == 18
    assert export_responses_csv(copy, full=True) == backup


def test_full_form_of_the_demo_is_a_backup(banks):
    """The demo's web responses (page comments, don't knows, small groups) survive the
    round trip through a full export and import_responses."""
    call_command("seed_demo", stdout=io.StringIO())
    original = Campaign.objects.get(slug=demo.CURRENT_SLUG)
    backup = export_responses_csv(original, full=True)
    copy = CampaignFactory(
        questionnaire_version=original.questionnaire_version,
        anonymity_threshold=original.anonymity_threshold,
    )
    for team in original.teams.all():
        TeamFactory(campaign=copy, name=team.name, order=team.order)
    result = import_responses(campaign=copy, source=backup)
    submitted = Response.objects.filter(campaign=original, status=Response.SUBMITTED)
    assert result.responses == submitted.count() > 20
    assert result.answers == Answer.objects.filter(response__in=submitted).count()
    assert export_responses_csv(copy, full=True) == backup


def test_round_trip_gives_the_same_profile(quick_version):
    rng = random.Random(7)
    codes = list(quick_version.items.values_list("code", flat=True))
    original = CampaignFactory(questionnaire_version=quick_version, anonymity_threshold=3)
    teams = {n: TeamFactory(campaign=original, name=n, order=i) for i, n in enumerate("AB")}
    # Every team, role and team x role group meets k = 3, so nothing is blanked.
    for team in teams.values():
        for role in (Response.MANAGER, Response.EMPLOYEE):
            for _ in range(3):
                answers = {}
                for code in codes:
                    draw = rng.random()
                    if draw < 0.1:
                        answers[code] = "dk"
                    elif draw < 0.9:
                        answers[code] = rng.randint(1, 5)
                add_response(
                    original, answers, team=team, role=role, comment=f"note {rng.random()}"
                )
    data = export_responses_csv(original)

    copy = CampaignFactory(questionnaire_version=quick_version, anonymity_threshold=3)
    for i, name in enumerate("AB"):
        TeamFactory(campaign=copy, name=name, order=i)
    result = import_responses(campaign=copy, source=data)
    assert result.responses == 12
    assert result.answers == Answer.objects.filter(response__campaign=original).count()
    assert result.comments == 12

    before, after = build_profile(original), build_profile(copy)
    a, b = before.as_dict(), after.as_dict()
    assert a.pop("campaign")["respondents"] == b.pop("campaign")["respondents"] == 12
    assert a == b
    assert sorted(before.comments) == sorted(after.comments)


# --------------------------------------------------------------------------- the pages


@pytest.fixture
def campaign(version, consultant):
    organisation = OrganisationFactory(owner=consultant, name="Export BV")
    return build_groups(version, organisation=organisation, slug="export-round")


def url(campaign, file_format="csv") -> str:
    return reverse(f"reports:export_{file_format}", args=[campaign.slug])


@pytest.fixture
def owner_client(client, consultant):
    client.force_login(consultant)
    return client


def test_get_shows_the_warning_and_downloads_nothing(owner_client, campaign):
    test = add_response(campaign, {"alpha.one.1": 5})
    Response.objects.filter(pk=test.pk).update(is_test=True)
    response = owner_client.get(url(campaign))
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    html = response.content.decode()
    for text in (
        "This file holds every answer of every respondent.",
        "Keep it as safe as the database itself",
        "18 submitted responses",
        "1 test response is left out.",
        "fewer than k = 3 responses read “hidden”",
        'name="csrfmiddlewaretoken"',
        'type="checkbox" name="full"',
        "Full, for a backup or to move to another database",
        "written to the audit log",
    ):
        assert text in html, text
    assert not AuditEntry.objects.exists()


def test_owner_downloads_the_default_form_and_it_is_audited(owner_client, campaign, consultant):
    response = owner_client.post(url(campaign))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="export-round-responses.csv"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith("\ufeffrespondent,team,role,".encode())
    rows = rows_of(response.content)
    assert len(rows) == 18 and "hidden" in {r["team"] for r in rows}
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.username, entry.action) == (
        consultant,
        "consultant-a",
        AuditEntry.EXPORT_RESPONSES,
    )
    assert entry.target == str(campaign)
    assert entry.details == {
        "campaign": "export-round",
        "organisation": "Export BV",
        "form": "default",
        "format": "csv",
        "rows": 18,
        "via": "web",
    }


def test_owner_downloads_the_full_form_as_xlsx(owner_client, campaign):
    response = owner_client.post(url(campaign, "xlsx"), {"full": "on"})
    assert response.status_code == 200
    assert response["Content-Type"] == responses_export.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="export-round-responses-full.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER and len(values) == 19
    assert "hidden" not in {v[1] for v in values}
    details = AuditEntry.objects.get().details
    assert (details["form"], details["format"], details["rows"]) == ("full", "xlsx", 18)


def test_a_shared_consultant_is_refused_with_an_explanation(client, campaign, other_consultant):
    campaign.organisation.shared_with.add(other_consultant)
    client.force_login(other_consultant)
    for file_format in ("csv", "xlsx"):
        for response in (
            client.get(url(campaign, file_format)),
            client.post(url(campaign, file_format)),
        ):
            assert response.status_code == 403
            assert "Content-Disposition" not in response
            html = response.content.decode()
            assert "only the owner of the organisation, consultant-a, can download it" in html
    assert not AuditEntry.objects.exists()


def test_another_consultant_gets_404(client, campaign, other_consultant):
    client.force_login(other_consultant)
    for file_format in ("csv", "xlsx"):
        assert client.get(url(campaign, file_format)).status_code == 404
        assert client.post(url(campaign, file_format), {"full": "on"}).status_code == 404
    assert not AuditEntry.objects.exists()


def test_anonymous_is_sent_to_login(client, campaign):
    for response in (client.get(url(campaign)), client.post(url(campaign))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_download_needs_the_csrf_token(campaign, consultant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(consultant)
    assert client.post(url(campaign)).status_code == 403
    assert not AuditEntry.objects.exists()
    page = client.get(url(campaign))
    token = page.context["csrf_token"]
    assert client.post(url(campaign), {"csrfmiddlewaretoken": str(token)}).status_code == 200
    assert AuditEntry.objects.count() == 1


def test_other_methods_are_not_allowed(owner_client, campaign):
    assert owner_client.put(url(campaign)).status_code == 405
    assert owner_client.delete(url(campaign, "xlsx")).status_code == 405
