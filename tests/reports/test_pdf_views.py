"""The PDF download of the dashboard: progress while it is made, then the cached file."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from reports import pdf, report_jobs
from reports.models import ReportJob
from tests.builders import add_responses


@pytest.fixture
def campaign(report_campaign):
    return report_campaign


@pytest.fixture
def owner(client, consultant):
    client.force_login(consultant)
    return client


def report_url(campaign, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("reports:report_pdf", args=[campaign.slug]) + (f"?{query}" if query else "")


def wait_until_done(client, status_url: str, timeout: float = 120) -> list[dict]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(status_url).json()
        seen.append(status)
        if status["state"] in ("done", "failed"):
            return seen
        time.sleep(0.2)
    raise AssertionError(f"the report was not ready in {timeout} s: {seen[-3:]}")


def status_url_of(page: str) -> str:
    return re.search(r'data-report-status="([^"]+)"', page).group(1).replace("&amp;", "&")


def test_progress_page_then_the_pdf_then_the_cache(owner, campaign, monkeypatch):
    first = owner.get(report_url(campaign, lang="nl"))
    assert first.status_code == 202
    page = first.content.decode()
    assert "/static/js/report_status.js" in page
    assert 'role="progressbar"' in page
    statuses = wait_until_done(owner, status_url_of(page))
    assert statuses[-1]["state"] == "done"
    assert all(0 <= s["done"] <= s["steps"] for s in statuses)

    ready = owner.get(report_url(campaign, lang="nl"))
    assert ready.status_code == 200
    assert ready["Content-Type"] == "application/pdf"
    assert 'filename="report-round-nl-report.pdf"' in ready["Content-Disposition"]
    assert b"".join(ready.streaming_content).startswith(b"%PDF-")

    # Cached: served again without making anything.
    def never(*args, **kwargs):
        raise AssertionError("the cached report was made again")

    monkeypatch.setattr(report_jobs, "render_pdf", never)
    assert owner.get(report_url(campaign, lang="nl")).status_code == 200


def test_new_data_makes_a_new_report(owner, campaign, monkeypatch):
    report = pdf.report_input(campaign, "en")
    key = report_jobs.ReportKey.of(campaign.slug, report)
    page = owner.get(report_url(campaign, lang="en")).content.decode()
    assert wait_until_done(owner, status_url_of(page))[-1]["state"] == "done"
    assert owner.get(report_url(campaign, lang="en")).status_code == 200

    add_responses(campaign, 1, team=campaign.teams.get(name="Alpha"))
    started = []
    monkeypatch.setattr(report_jobs, "start", lambda key: started.append(key))
    assert owner.get(report_url(campaign, lang="en")).status_code == 202
    assert len(started) == 1 and started[0].signature != key.signature


def test_a_second_request_does_not_start_a_second_job(owner, campaign, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert owner.get(report_url(campaign, lang="en")).status_code == 202
    assert owner.get(report_url(campaign, lang="en")).status_code == 202
    assert len(report_jobs.make_report.get_backend().results) == 1
    assert ReportJob.objects.get().state == ReportJob.State.QUEUED


def test_a_failed_report_says_so_and_can_be_tried_again(owner, campaign, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(report_jobs, "render_pdf", broken)
    page = owner.get(report_url(campaign, lang="en")).content.decode()
    statuses = wait_until_done(owner, status_url_of(page), timeout=30)
    assert statuses[-1]["state"] == "failed"
    assert statuses[-1]["message"] == "Making the report failed."
    monkeypatch.undo()
    again = owner.get(report_url(campaign, lang="en"))
    assert again.status_code == 202  # started anew
    assert wait_until_done(owner, status_url_of(again.content.decode()))[-1]["state"] == "done"


def test_team_report_below_k_is_refused_with_the_reason(owner, campaign, report_cache):
    response = owner.get(report_url(campaign, lang="en", team="Gamma"))
    assert response.status_code == 403
    text = response.content.decode()
    assert "No team report for Gamma" in text
    assert "fewer than" in text
    assert not ReportJob.objects.exists()  # nothing was started
    assert not report_cache.exists()


def test_unknown_team_or_language_is_404(owner, campaign):
    assert owner.get(report_url(campaign, lang="en", team="Nobody")).status_code == 404
    assert owner.get(report_url(campaign, lang="fr")).status_code == 404


def test_status_needs_a_well_formed_signature(owner, campaign):
    base = reverse("reports:report_status", args=[campaign.slug])
    assert owner.get(f"{base}?lang=en&signature=../../etc").status_code == 404
    unknown = owner.get(f"{base}?lang=en&signature={'a' * 64}")
    assert unknown.status_code == 200 and unknown.json()["state"] == "none"


def test_other_consultants_get_nothing(client, campaign, other_consultant, report_cache):
    client.force_login(other_consultant)
    assert client.get(report_url(campaign, lang="en")).status_code == 404
    assert not ReportJob.objects.exists()
    assert not report_cache.exists()


def test_the_progress_speaks_the_language_of_the_page_that_follows_it(owner, campaign):
    """A Dutch page following an English report reads its progress in Dutch."""
    key = report_jobs.ReportKey(campaign.slug, "en", None, "a" * 64)
    ReportJob.objects.create(
        family=key.family,
        signature=key.signature,
        campaign_slug=campaign.slug,
        language="en",
        state=ReportJob.State.RUNNING,
        heartbeat_at=timezone.now(),
        done=1,
        steps=4,
        message="Writing the PDF",
    )
    with translation.override("nl"):
        assert report_jobs.status(key)["message"] == "Het PDF-bestand wordt aangemaakt"
    with translation.override("en"):
        assert report_jobs.status(key)["message"] == "Writing the PDF"
