"""Report jobs on the task framework: queued once, made by a worker, retried once when the
worker dies, failed after that, and kept under the name of what they show."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone, translation
from django_tasks.backends.dummy import DummyBackend
from django_tasks_db.models import DBTaskResult

from reports import pdf, report_jobs
from reports.models import ReportJob
from reports.report_storage import ReportFileStorage
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
    with report_jobs.Heartbeat(ReportJob.objects.filter(pk=job.pk)) as heartbeat:
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


def test_two_nodes_that_find_the_same_dead_worker_queue_the_job_once(report_campaign, settings):
    settings.TASKS = DUMMY
    settings.REPORT_JOB_STALE_SECONDS = 30
    key = key_of(report_campaign)
    job = running_job(key, attempts=1, silent_for=31)
    seen_by_a, seen_by_b = ReportJob.objects.get(pk=job.pk), ReportJob.objects.get(pk=job.pk)
    report_jobs._take_over(seen_by_a, after_a_dead_worker=True)
    report_jobs._take_over(seen_by_b, after_a_dead_worker=True)
    assert len(report_jobs.make_report.get_backend().results) == 1
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("queued", 2)


@pytest.mark.django_db(transaction=True)  # the heartbeat runs outside a test transaction
def test_a_run_presumed_dead_changes_nothing_of_its_successor(
    report_campaign, settings, monkeypatch
):
    """The first run is slow, not dead: while it renders, a node queues the job again.
    The old run's heartbeat and its failure then leave the queued job alone."""
    settings.TASKS = DUMMY
    settings.REPORT_JOB_STALE_SECONDS = 30
    key = key_of(report_campaign)
    report_jobs.start(key)
    (first,) = report_jobs.make_report.get_backend().results
    seen = {}

    def slow_then_broken(report, progress):
        job = ReportJob.objects.get()
        seen["claim"] = job.claim
        ReportJob.objects.update(heartbeat_at=timezone.now() - timedelta(seconds=31))
        seen["after the take-over"] = report_jobs.status(key)["state"]
        old_beat = report_jobs.Heartbeat(ReportJob.objects.filter(pk=job.pk, claim=job.claim))
        old_beat(3, 4, "Writing the PDF")
        old_beat._write()
        raise RuntimeError("the old run fails at last")

    monkeypatch.setattr(report_jobs, "render_pdf", slow_then_broken)
    with pytest.raises(RuntimeError, match="the old run fails at last"):
        report_jobs.make_report.call(**first.kwargs)
    job = ReportJob.objects.get()
    assert seen == {"claim": seen["claim"], "after the take-over": "queued"} and seen["claim"]
    assert (job.state, job.claim, job.attempts) == ("queued", "", 2)
    assert (job.done, job.steps, job.message) == (0, 1, "Waiting for a worker")
    assert len(report_jobs.make_report.get_backend().results) == 2  # the successor's task


def test_an_older_version_finishing_last_keeps_the_newer_one(
    report_campaign, settings, report_cache, monkeypatch
):
    settings.TASKS = DUMMY
    monkeypatch.setattr(report_jobs, "render_pdf", lambda report, progress: b"%PDF-")
    older = key_of(report_campaign)
    add_responses(report_campaign, 1, team=report_campaign.teams.get(name="Alpha"))
    newer = key_of(report_campaign)
    read_older = timezone.now() - timedelta(seconds=10)
    report_jobs._store(ReportJob.objects.none(), newer, b"%PDF-new", timezone.now())
    report_jobs._store(ReportJob.objects.none(), older, b"%PDF-old", read_older)
    assert report_jobs.finished(newer) == newer.file_name
    assert (report_cache / newer.file_name).read_bytes() == b"%PDF-new"
    # The next version made from newer data than both drops both.
    add_responses(report_campaign, 1, team=report_campaign.teams.get(name="Alpha"))
    newest = key_of(report_campaign)
    report_jobs._store(ReportJob.objects.none(), newest, b"%PDF-newest", timezone.now())
    assert sorted(p.name for p in report_cache.iterdir()) == [newest.file_name]


@pytest.mark.django_db(transaction=True)
def test_a_queued_job_whose_task_ended_unclaimed_is_queued_again(report_campaign, settings):
    settings.TASKS = DATABASE
    key = key_of(report_campaign)
    report_jobs.start(key)
    # The worker ran the task, but its claim failed (a locked SQLite file, say).
    DBTaskResult.objects.update(status="FAILED", finished_at=timezone.now())
    assert report_jobs.status(key)["state"] == "queued"
    job = ReportJob.objects.get()
    assert job.attempts == 2
    assert DBTaskResult.objects.filter(status="READY").count() == 1


class RefusingBackend(DummyBackend):
    def enqueue(self, task, args, kwargs):
        raise ConnectionError("queue unreachable")


def test_a_queue_that_refuses_the_task_fails_the_job(report_campaign, settings):
    settings.TASKS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    key = key_of(report_campaign)
    assert report_jobs.start(key) is True
    assert report_jobs.status(key)["state"] == "failed"
    assert report_jobs.status(key)["message"] == "Making the report failed."


def test_a_job_no_worker_takes_up_says_so(report_campaign, settings):
    settings.TASKS = DUMMY
    settings.REPORT_JOB_STALE_SECONDS = 30
    key = key_of(report_campaign)
    report_jobs.start(key)
    assert report_jobs.status(key)["message"] == "Waiting for a worker"
    ReportJob.objects.update(enqueued_at=timezone.now() - timedelta(seconds=31))
    assert report_jobs.status(key) == {
        "state": "queued",
        "done": 0,
        "steps": 1,
        "message": "No worker has taken up the report yet. If this lasts, tell your administrator.",
    }


def test_the_report_storage_replaces_a_file_whole(tmp_path):
    """A reader of the old file reads it whole while the same name is stored again, and
    the name stays the name (no "report_x1y2.pdf" beside it)."""
    storage = ReportFileStorage(location=tmp_path)
    storage.save("a.pdf", ContentFile(b"old " * 25_000))
    with storage.open("a.pdf", "rb") as reader:
        first = reader.read(4)
        assert storage.save("a.pdf", ContentFile(b"new")) == "a.pdf"
        assert first + reader.read() == b"old " * 25_000
    with storage.open("a.pdf", "rb") as again:
        assert again.read() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]
