"""The command-line contract: export_profile, export_responses (import_responses is
tested in tests/assessment/test_commands.py).

The demo test recomputes one dimension from the raw Answer rows with plain Python,
following docs/design.md literally, independent of the numpy scoring code.
"""

from __future__ import annotations

import csv
import io
import json
import math
import statistics

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from assessment.models import Answer, AuditEntry, Campaign, Response
from questionnaires.models import Item
from tests.builders import (
    ITEMS,
    assert_export_shape,
    build_teams_campaign,
    make_questionnaire,
)

ITEM_CODES = list(ITEMS)


@pytest.fixture
def version(banks):
    return make_questionnaire()


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------- export_profile


def test_export_profile_to_stdout_and_file(version, tmp_path):
    campaign = build_teams_campaign(version)
    out, _ = run("export_profile", campaign.slug)
    data = json.loads(out)
    assert_export_shape(data)
    assert data["campaign"]["slug"] == campaign.slug
    assert out.startswith('{\n  "campaign"')  # indent=2

    target = tmp_path / "profile.json"
    out, _ = run("export_profile", campaign.slug, "-o", str(target))
    assert json.loads(target.read_text(encoding="utf-8")) == data
    assert out == ""


def test_export_profile_keeps_non_ascii(version):
    campaign = build_teams_campaign(version, language="nl")
    out, _ = run("export_profile", campaign.slug)
    assert "Bèta" in out


def test_unknown_slug_is_a_clear_error(db, tmp_path):
    for args in (
        ("export_profile", "nope"),
        ("export_responses", "nope", "-o", str(tmp_path / "x.csv")),
    ):
        with pytest.raises(CommandError, match="No campaign with the slug 'nope'"):
            run(*args)


# --------------------------------------------------------------------------- export_responses


def test_export_responses_csv_and_xlsx(version, tmp_path):
    campaign = build_teams_campaign(version)
    target = tmp_path / "responses.csv"
    run("export_responses", campaign.slug, "--format", "csv", "-o", str(target))
    text = target.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0] == "respondent,team,role," + ",".join(ITEM_CODES) + ",comment"
    assert len(text.splitlines()) == 13

    target = tmp_path / "responses.xlsx"
    run("export_responses", campaign.slug, "--format", "xlsx", "-o", str(target))
    sheet = load_workbook(target).active
    assert sheet.max_row == 13


def test_export_responses_is_audited_under_the_os_user(version, tmp_path, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "operator")
    campaign = build_teams_campaign(version)
    target = tmp_path / "responses.csv"
    out, _ = run("export_responses", campaign.slug, "-o", str(target))
    assert out == (
        f"12 responses of {campaign.slug} (default form) written to {target}; "
        "recorded in the audit log as operator (OS user).\n"
    )
    rows = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert sorted(int(r["respondent"]) for r in rows) == list(range(1, 13))
    assert "hidden" in {r["team"] for r in rows}
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.username, entry.action) == (
        None,
        "operator (OS user)",
        AuditEntry.EXPORT_RESPONSES,
    )
    assert entry.details == {
        "campaign": campaign.slug,
        "organisation": campaign.organisation.name,
        "form": "default",
        "format": "csv",
        "rows": 12,
        "via": "command",
        "os_user": "operator",
    }


def test_export_responses_full_under_an_account(version, tmp_path, consultant):
    campaign = build_teams_campaign(version)
    target = tmp_path / "backup.csv"
    run("export_responses", campaign.slug, "--full", "--user", "consultant-a", "-o", str(target))
    rows = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 12 and "hidden" not in {r["team"] for r in rows}
    assert all(r["respondent"].startswith("web-") for r in rows)
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.username, entry.details["form"]) == (
        consultant,
        "consultant-a",
        "full",
    )


def test_export_responses_unknown_user(version, tmp_path):
    campaign = build_teams_campaign(version)
    with pytest.raises(CommandError, match="There is no user 'ghost'"):
        run("export_responses", campaign.slug, "--user", "ghost", "-o", str(tmp_path / "x.csv"))
    assert not AuditEntry.objects.exists()


def test_export_responses_help_says_who_is_recorded():
    from reports.management.commands.export_responses import Command

    assert "--user" in Command.help and "operating-system login name" in Command.help
    assert "as safe as the database" in Command.help


# --------------------------------------------------------------------------- the demo, by hand


def plain_dimension(
    responses: dict[int, dict[int, int | None]], items: list[tuple[int, bool]], thresholds
):
    """docs/design.md "Scoring" in plain Python for one dimension and one group of responses.

    ``responses``: response id -> {item id: value (None = don't know)}; absent = unanswered.
    ``items``: (item id, reverse-keyed) of the dimension.
    """
    j = len(items)
    means = []
    per_item: dict[int, list[float]] = {item: [] for item, _ in items}
    dont_know = 0
    for answers in responses.values():
        keyed = []
        for item, reverse in items:
            if item not in answers:
                continue
            value = answers[item]
            if value is None:
                dont_know += 1
                continue
            k = 6 - value if reverse else value
            keyed.append(k)
            per_item[item].append(k)
        if keyed and len(keyed) >= math.ceil(j / 2):
            means.append(sum(keyed) / len(keyed))
    m = sum(means) / len(means)
    score = 100 * (m - 1) / 4
    variances = [statistics.variance(v) for v in per_item.values() if len(v) >= 2]
    s2 = sum(variances) / len(variances)
    big_j = len(variances)
    # rwg(J) = J(1 - s2/2) / (J(1 - s2/2) + s2/2), and 0 when s2 >= 2
    top = big_j * (1 - s2 / 2)
    rwg = 0.0 if s2 >= 2 else top / (top + s2 / 2)
    answered = [v for values in per_item.values() for v in values]
    clear, cut, shining = thresholds
    stage = (
        "rough"
        if score < clear
        else "clear"
        if score < cut
        else "cut"
        if score < shining
        else "shining"
    )
    return {
        "score": score,
        "n": len(means),
        "agreement": rwg,
        "favourable": sum(1 for v in answered if v >= 4) / len(answered),
        "dont_know": dont_know / (len(answered) + dont_know),
        "stage": stage,
    }


def test_export_profile_of_the_demo_matches_a_plain_computation(banks):
    try:
        from assessment.demo import CURRENT_SLUG
    except ImportError:  # pragma: no cover - the demo is written by a colleague
        pytest.skip("seed_demo is not there yet")
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    campaign = Campaign.objects.get(slug=CURRENT_SLUG)
    data = json.loads(run("export_profile", CURRENT_SLUG)[0])
    assert_export_shape(data)

    version = campaign.questionnaire_version
    # The first dimension with a reverse-keyed item (so keying is checked too).
    reverse_item = (
        Item.objects.filter(versions=version, reverse_keyed=True)
        .select_related("dimension__framework")
        .order_by("dimension__framework__order", "dimension__order", "code")
        .first()
    )
    dimension = reverse_item.dimension
    code = f"{dimension.framework.code}.{dimension.code}"
    items = list(
        Item.objects.filter(versions=version, dimension=dimension).values_list(
            "pk", "reverse_keyed"
        )
    )

    answers: dict[int, dict[int, int | None]] = {}
    info: dict[int, tuple[str | None, str]] = {}
    for response in Response.objects.filter(campaign=campaign, status=Response.SUBMITTED):
        answers[response.pk] = {}
        info[response.pk] = (response.team.name if response.team else None, response.role)
    for response_id, item_id, value in Answer.objects.filter(
        response__campaign=campaign, response__status=Response.SUBMITTED
    ).values_list("response_id", "item_id", "value"):
        answers[response_id][item_id] = value

    assert data["campaign"]["respondents"] == len(answers)
    expected = plain_dimension(answers, items, version.thresholds)
    exported = next(d for fw in data["frameworks"] for d in fw["dimensions"] if d["code"] == code)
    for key in ("score", "agreement", "favourable", "dont_know"):
        assert exported[key] == pytest.approx(expected[key], rel=1e-12, abs=1e-12), key
    assert exported["n"] == expected["n"]
    assert exported["stage"] == expected["stage"]

    # One team that meets k, and the management - employees gap.
    k = campaign.anonymity_threshold
    teams = {g["name"]: g for g in data["groups"]["team"]}
    shown = [name for name, g in teams.items() if not g["suppressed"]]
    assert shown
    team = shown[0]
    team_answers = {pk: a for pk, a in answers.items() if info[pk][0] == team}
    assert teams[team]["n"] == len(team_answers) >= k
    assert teams[team]["dimensions"][code] == pytest.approx(
        plain_dimension(team_answers, items, version.thresholds)["score"], rel=1e-12
    )
    management = {pk: a for pk, a in answers.items() if info[pk][1] in ("board", "manager")}
    employees = {pk: a for pk, a in answers.items() if info[pk][1] == "employee"}
    gaps = {g["dimension"]: g for g in data["gaps"]}
    mg = plain_dimension(management, items, version.thresholds)
    em = plain_dimension(employees, items, version.thresholds)
    roles = {g["name"]: g for g in data["groups"]["role"]}
    if mg["n"] >= k and em["n"] >= k and not any(g["suppressed"] for g in roles.values()):
        assert gaps[code]["gap"] == pytest.approx(mg["score"] - em["score"], rel=1e-12)
        assert gaps[code]["flagged"] == (abs(mg["score"] - em["score"]) >= 15)
