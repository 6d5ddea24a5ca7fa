"""Report jobs on the task framework: queued once, made by a worker, retried once when the
worker dies, failed after that, and kept under the name of what they show."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from reports import pdf, report_jobs
from reports.models import ReportJob
from tests.builders import add_responses


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def key_of(campaign, language="en") -> report_jobs.ReportKey:
    return report_jobs.ReportKey.of(campaign.slug, pdf.report_input(campaign, language))


def running_job(key, *, attempts: int, silent_for: float) -> ReportJob:
    return ReportJob.objects.create(
        family=key.family,
        signature=key.signature,
        campaign_slug=key.slug,
        language=key.language,
        state=ReportJob.State.RUNNING,
        attempts=attempts,
        heartbeat_at=timezone.now() - timedelta(seconds=silent_for),
        done=2,
        steps=5,
        message="Writing the PDF",
    )


def test_a_job_whose_worker_died_is_queued_again_once(report_campaign, settings):
    settings.TASKS = DUMMY
    settings.REPORT_JOB_STALE_SECONDS = 30
    key = key_of(report_campaign)
    job = running_job(key, attempts=1, silent_for=31)

    assert report_jobs.status(key)["state"] == "queued"
    job.refresh_from_db()
    assert (job.state, job.attempts, job.done, job.heartbeat_at) == ("queued", 2, 0, None)
    (queued,) = report_jobs.make_report.get_backend().results
    assert queued.kwargs == {
        "job_id": job.pk,
        "slug": report_campaign.slug,
        "language": "en",
        "team": None,
    }
    assert job.task_id == queued.id


def test_a_job_still_beating_is_left_alone(report_campaign, settings):
    settings.TASKS = DUMMY
    settings.REPORT_JOB_STALE_SECONDS = 30
    key = key_of(report_campaign)
    running_job(key, attempts=1, silent_for=29)
    assert report_jobs.status(key) == {
        "state": "running",
        "done": 2,
        "steps": 5,
        "message": "Writing the PDF",
    }
    assert report_jobs.start(key) is False
    assert report_jobs.make_report.get_backend().results == []


def test_a_job_that_stalls_twice_fails_and_can_be_asked_for_again(report_campaign, settings):
    settings.TASKS = DUMMY
    settings.REPORT_JOB_STALE_SECONDS = 30
    key = key_of(report_campaign)
    job = running_job(key, attempts=report_jobs.MAX_ATTEMPTS, silent_for=31)

    assert report_jobs.status(key)["state"] == "failed"
    assert report_jobs.status(key)["message"] == "The report stalled."
    assert report_jobs.make_report.get_backend().results == []

    assert report_jobs.start(key) is True  # the consultant asks again: a fresh start
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("queued", 1)
    assert len(report_jobs.make_report.get_backend().results) == 1


@pytest.mark.django_db(transaction=True)
def test_a_database_worker_makes_the_queued_report(report_campaign, settings, report_cache):
    settings.TASKS = DATABASE
    key = key_of(report_campaign)
    assert report_jobs.start(key) is True
    assert report_jobs.start(key) is False
    assert report_jobs.status(key)["state"] == "queued"
    assert report_jobs.status(key)["message"] == "Waiting for a worker"
    assert DBTaskResult.objects.count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert report_jobs.status(key)["state"] == "done"
    name = report_jobs.finished(key)
    assert name == key.file_name
    assert (report_cache / name).read_bytes().startswith(b"%PDF-")


def test_the_data_changed_while_the_job_waited(
    report_campaign, settings, report_cache, monkeypatch
):
    """The worker makes what the campaign shows now, names the file by that, and marks
    both versions done; the older file is dropped."""
    settings.TASKS = DUMMY
    shown = []
    monkeypatch.setattr(
        report_jobs, "render_pdf", lambda report, progress: shown.append(report) or b"%PDF-"
    )
    before = key_of(report_campaign)
    report_jobs.start(before)
    (queued,) = report_jobs.make_report.get_backend().results
    add_responses(report_campaign, 1, team=report_campaign.teams.get(name="Alpha"))
    after = key_of(report_campaign)
    assert after.signature != before.signature

    name = report_jobs.make_report.call(**queued.kwargs)

    assert name == after.file_name
    assert [report.signature() for report in shown] == [after.signature]
    assert report_jobs.finished(before) == report_jobs.finished(after) == name
    assert sorted(p.name for p in report_cache.iterdir()) == [name]

    add_responses(report_campaign, 1, team=report_campaign.teams.get(name="Alpha"))
    newest = key_of(report_campaign)
    report_jobs.start(newest)
    report_jobs.make_report.call(**report_jobs.make_report.get_backend().results[-1].kwargs)
    assert sorted(p.name for p in report_cache.iterdir()) == [newest.file_name]
    assert report_jobs.finished(before) is None
    assert set(ReportJob.objects.values_list("signature", flat=True)) == {newest.signature}


def test_a_task_for_a_job_taken_over_meanwhile_does_nothing(report_campaign, settings):
    settings.TASKS = DUMMY
    key = key_of(report_campaign)
    report_jobs.start(key)
    (queued,) = report_jobs.make_report.get_backend().results
    ReportJob.objects.update(state=ReportJob.State.RUNNING, heartbeat_at=timezone.now())
    assert report_jobs.make_report.call(**queued.kwargs) == ""
    assert ReportJob.objects.get().state == ReportJob.State.RUNNING


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_writes_the_latest_progress(report_campaign, settings):
    settings.REPORT_HEARTBEAT_SECONDS = 0.05
    key = key_of(report_campaign)
    job = running_job(key, attempts=1, silent_for=100)
    with report_jobs.Heartbeat(job.pk) as heartbeat:
        heartbeat(3, 7, "Drawing the charts and laying out the pages")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.done == 3:
                break
            time.sleep(0.05)
    assert (job.done, job.steps) == (3, 7)
    assert job.message == "Drawing the charts and laying out the pages"
    assert timezone.now() - job.heartbeat_at < timedelta(seconds=5)


def test_a_storage_that_refuses_the_file_fails_the_job(report_campaign, settings, monkeypatch):
    settings.TASKS = DUMMY
    key = key_of(report_campaign)
    report_jobs.start(key)
    (queued,) = report_jobs.make_report.get_backend().results
    monkeypatch.setattr(report_jobs, "render_pdf", lambda report, progress: b"%PDF-")

    def refuse(name, content):
        raise OSError("bucket unreachable")

    monkeypatch.setattr(report_jobs.report_storage(), "save", refuse)
    with pytest.raises(OSError, match="bucket unreachable"):
        report_jobs.make_report.call(**queued.kwargs)
    assert report_jobs.status(key) == {
        "state": "failed",
        "done": 0,
        "steps": 1,
        "message": "Making the report failed.",
    }
    assert report_jobs.finished(key) is None
