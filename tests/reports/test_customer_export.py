"""The customer mirror's answers in the exports: the XLSX's "Customers" sheet and a CSV
download of their own, never mixed into the internal rows; small segments treated like
small teams; owner only and audited like the other respondent-level downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessment.customer_mirror import add_customer_mirror
from assessment.models import AuditEntry, Campaign, Response
from assessment.teams import TeamSpec
from reports.responses_export import (
    customer_table,
    export_customers,
    export_responses_csv,
    export_responses_xlsx,
)
from tests.builders import add_response, add_responses
from tests.factories import ClosedCampaignFactory, OrganisationFactory, TeamFactory

SUBMITTED = dt.datetime(2026, 3, 10, 14, 30, tzinfo=dt.UTC)
FORMULA = "=1+1"


@pytest.fixture
def campaign(quick_version, consultant) -> Campaign:
    """Consultant's quick scan, 5 employees, with a customer mirror (k = 3) answered by
    B2B 4 customers (one comments with a formula), Retail 3 and Tiny 1: Tiny is below k,
    and Retail is hidden with it so that "hidden" marks at least k customers."""
    campaign = ClosedCampaignFactory(
        organisation=OrganisationFactory(owner=consultant, name="Spiegel BV"),
        questionnaire_version=quick_version,
        anonymity_threshold=5,
        slug="spiegel-round",
    )
    add_responses(campaign, 5, team=TeamFactory(campaign=campaign, name="Alpha"))
    mirror = add_customer_mirror(
        campaign=campaign,
        segments=[TeamSpec("B2B"), TeamSpec("Retail"), TeamSpec("Tiny")],
        anonymity_threshold=3,
    )
    codes = mirror_codes(mirror)
    segments = {team.name: team for team in mirror.teams.all()}
    for segment, count in (("B2B", 4), ("Retail", 3), ("Tiny", 1)):
        for i in range(count):
            answers: dict[str, int | str] = dict.fromkeys(codes, 2)
            answers[codes[0]], answers[codes[1]] = 4, "dk"
            first = i == 0
            response = add_response(
                mirror,
                answers,
                team=segments[segment],
                role="",
                comment=(FORMULA if segment == "B2B" else f"{segment} says") if first else None,
            )
            language = "en" if first and segment == "B2B" else "nl"
            Response.objects.filter(pk=response.pk).update(
                submitted_at=SUBMITTED, language=language
            )
    return campaign


def mirror_codes(mirror: Campaign) -> list[str]:
    return list(mirror.questionnaire_version.items.order_by("code").values_list("code", flat=True))


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_customer_csv_has_one_row_per_customer(campaign, consultant):
    mirror = campaign.customer_mirror
    export = export_customers(
        campaign=campaign, full=False, user=consultant, username="consultant-a", via="web"
    )
    assert export is not None
    header = export.content.decode("utf-8-sig").splitlines()[0].split(",")
    codes = header[2:-1]
    # no language or day of answering: like a colleague's, they narrow a customer down
    assert header[:2] == ["respondent", "segment"]
    assert header[-1] == "comment" and sorted(codes) == mirror_codes(mirror)
    rows = rows_of(export.content)
    assert sorted(r["respondent"] for r in rows) == [str(n) for n in range(1, 9)]
    first = next(r for r in rows if r["comment"])
    assert first["segment"] == "B2B"
    assert first["comment"] == "'" + FORMULA  # a spreadsheet does not run it
    answers = sorted(first[code] for code in codes)
    assert answers.count("4") == 1 and answers.count("dk") == 1 and answers.count("2") == 12
    assert export.filename == "spiegel-round-customers.csv"

    backup = export_customers(
        campaign=campaign, full=True, user=consultant, username="consultant-a", via="web"
    )
    assert backup is not None
    assert backup.content.decode("utf-8-sig").splitlines()[0].split(",")[:4] == [
        "respondent",
        "segment",
        "language",
        "submitted_on",
    ]
    english = next(r for r in rows_of(backup.content) if r["language"] == "en")
    assert (english["segment"], english["submitted_on"]) == ("B2B", "2026-03-10")


def test_segments_below_k_are_hidden_like_small_teams(campaign):
    table = customer_table(campaign)
    assert table is not None
    rows = list(table.rows)
    assert [row[1] for row in rows].count("B2B") == 4
    assert [row[1] for row in rows].count("hidden") == 4
    assert {row[-1] for row in rows} == {"", FORMULA}  # Retail's comment is left out

    full = customer_table(campaign, full=True)
    assert full is not None
    segments = {row[1] for row in full.rows}
    assert segments == {"B2B", "Retail", "Tiny"}


def test_internal_exports_hold_no_customer_answer(campaign):
    codes = set(mirror_codes(campaign.customer_mirror))
    internal = export_responses_csv(campaign, full=True)
    header = internal.decode("utf-8-sig").splitlines()[0].split(",")
    assert not codes & set(header) and len(rows_of(internal)) == 5
    assert FORMULA not in internal.decode()

    workbook = load_workbook(io.BytesIO(export_responses_xlsx(campaign)))
    assert workbook.sheetnames == ["responses", "Actions", "Customers"]
    responses = list(workbook["responses"].iter_rows(values_only=True))
    assert not codes & set(responses[0]) and len(responses) == 6
    customers = list(workbook["Customers"].iter_rows())
    assert [c.value for c in customers[0]][:2] == ["respondent", "segment"]
    assert "language" not in [c.value for c in customers[0]]
    assert len(customers) == 9
    comments = [row[-1] for row in customers[1:] if row[-1].value]
    assert [(c.value, c.data_type) for c in comments] == [(FORMULA, "s")]  # text, not a formula


def test_without_a_mirror_there_is_no_customer_sheet_nor_file(quick_version, consultant):
    campaign = ClosedCampaignFactory(
        organisation=OrganisationFactory(owner=consultant), questionnaire_version=quick_version
    )
    assert customer_table(campaign) is None
    kwargs = {"full": False, "user": consultant, "username": "consultant-a", "via": "web"}
    assert export_customers(campaign=campaign, **kwargs) is None
    workbook = load_workbook(io.BytesIO(export_responses_xlsx(campaign)))
    assert workbook.sheetnames == ["responses", "Actions"]


# --------------------------------------------------------------------------- the pages


def customers_url(campaign) -> str:
    return reverse("reports:export_customers", args=[campaign.slug])


def test_the_owner_downloads_the_customer_csv_and_it_is_audited(client, campaign, consultant):
    client.force_login(consultant)
    page = client.get(reverse("reports:export_csv", args=[campaign.slug])).content.decode()
    assert f'formaction="{customers_url(campaign)}"' in page
    assert "8 submitted customer responses" in page

    response = client.post(customers_url(campaign), {"full": "on"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="spiegel-round-customers-full.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    assert len(rows_of(response.content)) == 8
    entry = AuditEntry.objects.get()
    mirror = campaign.customer_mirror
    assert (entry.user, entry.action, entry.target) == (
        consultant,
        AuditEntry.EXPORT_RESPONSES,
        str(mirror),
    )
    assert entry.details == {
        "campaign": mirror.slug,
        "mirror_of": "spiegel-round",
        "organisation": "Spiegel BV",
        "form": "full",
        "format": "csv",
        "rows": 8,
        "via": "web",
    }


def test_the_xlsx_download_audits_the_customer_rows(client, campaign, consultant):
    client.force_login(consultant)
    page = client.get(reverse("reports:export_xlsx", args=[campaign.slug])).content.decode()
    assert "on the sheet “Customers”" in page and "formaction" not in page
    client.post(reverse("reports:export_xlsx", args=[campaign.slug]))
    details = AuditEntry.objects.get().details
    assert (details["rows"], details["customer_rows"]) == (5, 8)


def test_others_cannot_download_the_customer_csv(client, campaign, other_consultant):
    client.force_login(other_consultant)
    assert client.post(customers_url(campaign)).status_code == 404
    campaign.organisation.shared_with.add(other_consultant)
    refused = client.post(customers_url(campaign))
    assert refused.status_code == 403 and "Content-Disposition" not in refused
    assert not AuditEntry.objects.exists()


def test_the_customer_csv_is_a_post_and_needs_a_mirror(client, campaign, consultant):
    client.force_login(consultant)
    assert client.get(customers_url(campaign)).status_code == 405
    Campaign.objects.filter(mirror_of=campaign).delete()
    assert client.post(customers_url(campaign)).status_code == 404
    page = client.get(reverse("reports:export_csv", args=[campaign.slug])).content.decode()
    assert "formaction" not in page and "customer" not in page
    assert not AuditEntry.objects.exists()
