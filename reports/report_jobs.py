"""Finished reports in shared storage, and the background task that makes them.

A report is of one of two kinds (`KINDS`): the PDF report (`render_pdf`) or the workshop
slides as an editable PowerPoint (`build_slides`). Both are made, kept, followed and
retried alike. A report is kept under a name made of its kind, the campaign, the language,
the team and the signature of everything it shows (`ReportInput.signature`, and for the
slides their layout): when a response arrives or a text changes, the signature changes
and the next download makes a new report.

Making one takes seconds, so it is a task on Django's task framework (`make_report`),
run by a worker (`manage.py db_worker`) on any machine. Its progress, heartbeat and
outcome are a `ReportJob` row and its file is in the "reports" storage, so a report asked
for on one app node is followed and downloaded on another. A job whose worker dies (a
deploy, SIGKILL, a lost machine) stops beating; the next look at it (`status`, `start`)
queues it again, once, and after that reports it failed: it is never left "running".
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from assessment.models import Campaign
from reports.models import ReportJob
from reports.pdf import Progress, ReportInput, render_pdf, report_input
from reports.slides import LAYOUT_VERSION as SLIDES_LAYOUT
from reports.slides import build_slides

logger = logging.getLogger(__name__)

# A worker killed mid-report is retried this many times in all before the job fails.
MAX_ATTEMPTS = 2
WAITING = gettext_noop("Waiting for a worker")
STARTING = gettext_noop("Starting")
SIGNATURE = re.compile(r"^[0-9a-f]{64}$")
FAILED = gettext_noop("Making the report failed.")
STALLED = gettext_noop("The report stalled.")
NO_WORKER = gettext_noop(
    "No worker has taken up the report yet. If this lasts, tell your administrator."
)
LAYING_OUT_SLIDES = gettext_noop("Laying out the slides")
PDF, PPTX = ReportJob.Kind.PDF.value, ReportJob.Kind.PPTX.value


@dataclass(frozen=True)
class ReportKind:
    """What a kind of report is stored and served as."""

    extension: str
    content_type: str
    family_suffix: str  # "" for the PDF: the names of the reports made before the slides
    download_name: str  # the downloaded file's: campaign-team-language-<this>.<extension>


KINDS = {
    PDF: ReportKind("pdf", "application/pdf", "", "report"),
    PPTX: ReportKind(
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".slides",
        "slides",
    ),
}


def report_storage() -> Storage:
    return storages["reports"]


@dataclass(frozen=True)
class ReportKey:
    slug: str
    language: str
    team: str | None
    signature: str
    comments: bool = True  # False: the version without comments (a read-only link's)
    kind: str = PDF

    @property
    def family(self) -> str:
        """The name shared by every version of this report (kind, campaign, language,
        team, with or without comments): a new version replaces older ones of its family
        only, so the slides never replace the PDF."""
        team = hashlib.sha256(self.team.encode()).hexdigest()[:12] if self.team else "all"
        comments = "" if self.comments else ".nc"
        return f"{self.slug}.{self.language}.{team}{comments}{KINDS[self.kind].family_suffix}"

    @property
    def file_name(self) -> str:
        return f"{self.family}.{self.signature}.{KINDS[self.kind].extension}"

    @classmethod
    def of(cls, slug: str, report: ReportInput, kind: str = PDF) -> ReportKey:
        return cls(
            slug, report.language, report.team, signature(report, kind), report.comments, kind
        )

    @classmethod
    def of_job(cls, job: ReportJob) -> ReportKey:
        return cls(
            job.campaign_slug, job.language, job.team, job.signature, job.with_comments, job.kind
        )

    def job_fields(self) -> dict[str, Any]:
        """What a job's row keeps of this key besides the family and signature it is found
        by: with them, all that `of_job` reads back."""
        return {
            "kind": self.kind,
            "campaign_slug": self.slug,
            "language": self.language,
            "team": self.team,
            "with_comments": self.comments,
        }


def signature(report: ReportInput, kind: str) -> str:
    """The report's signature; the slides' adds their own layout, so that a new layout of
    the slides makes them again (the PDF's is in `ReportInput.signature`)."""
    if kind == PDF:
        return report.signature()
    text = f"{kind}.{SLIDES_LAYOUT}.{report.signature()}"
    return hashlib.sha256(text.encode()).hexdigest()


def _job(key: ReportKey) -> ReportJob | None:
    return ReportJob.objects.filter(family=key.family, signature=key.signature).first()


def _stale(job: ReportJob) -> bool:
    """A running job whose worker has not been heard from for too long is presumed dead."""
    if job.state != ReportJob.State.RUNNING:
        return False
    silence = timedelta(seconds=settings.REPORT_JOB_STALE_SECONDS)
    return job.heartbeat_at is None or timezone.now() - job.heartbeat_at > silence


def _task_ended_unclaimed(job: ReportJob) -> bool:
    """A queued job whose task has already run and ended without taking the job up (its
    claim failed, e.g. on a locked SQLite file): nothing will make it unless it is
    queued again. Only a backend that keeps results can tell."""
    backend = make_report.get_backend()
    if job.state != ReportJob.State.QUEUED or not job.task_id or not backend.supports_get_result:
        return False
    try:
        result = backend.get_result(job.task_id)
    except TaskResultDoesNotExist:
        return True  # pruned, or never stored: nobody will run it
    return result.status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL)


def _waiting_too_long(job: ReportJob) -> bool:
    waited = timezone.now() - job.enqueued_at
    return job.state == ReportJob.State.QUEUED and waited > timedelta(
        seconds=settings.REPORT_JOB_STALE_SECONDS
    )


def _file_ready(job: ReportJob) -> bool:
    return job.state == ReportJob.State.DONE and report_storage().exists(job.file_name)


def finished(key: ReportKey) -> str | None:
    """The storage name of the finished report, if it is there."""
    job = _job(key)
    return job.file_name if job is not None and _file_ready(job) else None


def status(key: ReportKey) -> dict[str, Any]:
    """{"state": "done" | "queued" | "running" | "failed" | "none", "done", "steps",
    "message"}, the message in the active language (a Dutch page follows an English
    report in Dutch). A job whose worker died, or whose task ended without making it, is
    queued again here (or failed); one that no worker takes up says so."""
    job = _job(key)
    if job is not None and (_stale(job) or _task_ended_unclaimed(job)):
        job = _take_over(job, after_a_dead_worker=True)
    if job is None or (job.state == ReportJob.State.DONE and not _file_ready(job)):
        return {"state": "none", "done": 0, "steps": 1, "message": ""}
    if job.state == ReportJob.State.DONE:
        return {"state": "done", "done": 1, "steps": 1, "message": ""}
    message = NO_WORKER if _waiting_too_long(job) else job.message
    return {
        "state": job.state,
        "done": job.done,
        "steps": job.steps,
        "message": _(message) if message else "",
    }


def start(key: ReportKey) -> bool:
    """Queue the report unless it is ready, queued or being made already (of two
    simultaneous requests, only one queues it). Returns whether this call queued it."""
    for _attempt in range(2):  # a row deleted between the two steps below: once more
        try:
            with transaction.atomic():
                job = ReportJob.objects.create(
                    family=key.family,
                    signature=key.signature,
                    **key.job_fields(),
                    attempts=1,
                    message=WAITING,
                )
        except IntegrityError:
            existing = _job(key)
            if existing is not None:
                return _start_existing(existing)
        else:
            _enqueue(job, key)
            return True
    return False


def _start_existing(job: ReportJob) -> bool:
    if _file_ready(job):
        return False
    if job.state in (ReportJob.State.QUEUED, ReportJob.State.RUNNING):
        if not (_stale(job) or _task_ended_unclaimed(job)):
            return False
        return _take_over(job, after_a_dead_worker=True) is not None
    # Failed, or done with its file gone: the consultant asks again, so start afresh.
    return _take_over(job, after_a_dead_worker=False) is not None


def _take_over(job: ReportJob, *, after_a_dead_worker: bool) -> ReportJob | None:
    """Queue `job` again, unless somebody else just did (the update is conditional on the
    row as it was read, its claim included). After a dead worker this counts as another
    attempt, and past `MAX_ATTEMPTS` the job fails instead. A worker still holding the
    old claim can no longer write to the job."""
    unchanged = ReportJob.objects.filter(
        pk=job.pk, state=job.state, attempts=job.attempts, claim=job.claim
    )
    if after_a_dead_worker and job.attempts >= MAX_ATTEMPTS:
        if unchanged.update(state=ReportJob.State.FAILED, message=STALLED, claim=""):
            logger.error("report %s stalled %d times; given up", job.family, job.attempts)
        return ReportJob.objects.filter(pk=job.pk).first()
    attempts = F("attempts") + 1 if after_a_dead_worker else 1
    queued = unchanged.update(
        state=ReportJob.State.QUEUED,
        attempts=attempts,
        claim="",
        done=0,
        steps=1,
        message=WAITING,
        heartbeat_at=None,
        enqueued_at=timezone.now(),
    )
    if queued:
        if after_a_dead_worker:
            logger.warning("report %s: its worker stopped; queued again", job.family)
        _enqueue(job, ReportKey.of_job(job))
    return ReportJob.objects.filter(pk=job.pk).first()


def _enqueue(job: ReportJob, key: ReportKey) -> None:
    try:
        # `comments` and `kind` only when not the default: a worker still on the previous
        # release runs the rest (and fails the slides, which it cannot make).
        extra: dict[str, Any] = {} if key.comments else {"comments": False}
        if key.kind != PDF:
            extra["kind"] = key.kind
        result = make_report.enqueue(
            job_id=job.pk, slug=key.slug, language=key.language, team=key.team, **extra
        )
    except Exception:
        # The queue refused it: the job fails now rather than waiting for nothing.
        logger.exception("report %s could not be queued", key.family)
        ReportJob.objects.filter(pk=job.pk, state=ReportJob.State.QUEUED).update(
            state=ReportJob.State.FAILED, message=FAILED
        )
        return
    ReportJob.objects.filter(pk=job.pk).update(task_id=result.id)


@task()
def make_report(
    *,
    job_id: int,
    slug: str,
    language: str,
    team: str | None,
    comments: bool = True,
    kind: str = PDF,
) -> str:
    """Make the report (of `kind`) of job `job_id` and keep it in the reports storage;
    returns the storage name. Runs in a worker, or in the request with the immediate
    backend. Every write to the job is conditional on this run's claim, so a run that was
    presumed dead and replaced changes nothing of its successor."""
    claim = uuid.uuid4().hex
    claimed = ReportJob.objects.filter(pk=job_id, state=ReportJob.State.QUEUED).update(
        state=ReportJob.State.RUNNING, claim=claim, heartbeat_at=timezone.now(), message=STARTING
    )
    if not claimed:
        return ""  # done, failed or taken over while this task waited
    mine = ReportJob.objects.filter(pk=job_id, claim=claim)
    try:
        data_read_at = timezone.now()
        report = report_input(
            Campaign.objects.get(slug=slug), language, team=team, comments=comments
        )
        with Heartbeat(mine) as heartbeat:
            made = _render(kind, report, heartbeat)
        return _store(mine, ReportKey.of(slug, report, kind), made, data_read_at)
    except Exception:
        # Also a storage that refuses the file: the job says so rather than going silent.
        logger.exception("report job %s failed", job_id)
        mine.filter(state=ReportJob.State.RUNNING).update(
            state=ReportJob.State.FAILED, message=FAILED
        )
        raise


def _render(kind: str, report: ReportInput, progress: Progress) -> bytes:
    if kind == PPTX:
        # One step: the deck is laid out and written in one go (a second or two).
        progress(0, 1, LAYING_OUT_SLIDES)
        return build_slides(report.profile, report.actions, report.harvest, report.mirror)
    return render_pdf(report, progress=progress)


def _store(mine: QuerySet[ReportJob], key: ReportKey, made: bytes, data_read_at: datetime) -> str:
    """Keep the file and mark the job done. The data may have changed while the job
    waited: the file is named by what it shows, and that version is marked done too.
    Versions made from older data than this one are dropped; newer ones stay."""
    storage = report_storage()
    if not storage.exists(key.file_name):  # the name is the content: no need to write it twice
        storage.save(key.file_name, ContentFile(made))
    done = {
        "state": ReportJob.State.DONE,
        "file_name": key.file_name,
        "done": 1,
        "steps": 1,
        "message": "",
        "data_read_at": data_read_at,
    }
    mine.update(**done)
    ReportJob.objects.update_or_create(
        family=key.family,
        signature=key.signature,
        defaults=done,
        create_defaults={**done, **key.job_fields()},
    )
    older = ReportJob.objects.filter(
        family=key.family, state=ReportJob.State.DONE, data_read_at__lt=data_read_at
    ).exclude(file_name=key.file_name)
    for old_file in older.values_list("file_name", flat=True):
        storage.delete(old_file)
    older.delete()
    return key.file_name


class Heartbeat:
    """The progress callback of a report: it keeps the latest (done, steps, message) and
    writes it, with the time, every `REPORT_HEARTBEAT_SECONDS` from a thread of its own.
    A thread, because the chart renderer reports progress from its event loop, where the
    ORM may not be used; and a beat that goes on during one long step tells the app
    nodes that the worker is alive. `job` is the run's own row (its claim)."""

    def __init__(self, job: QuerySet[ReportJob]) -> None:
        self.job = job.filter(state=ReportJob.State.RUNNING)
        self.latest: tuple[int, int, str] | None = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="report heartbeat")

    def __call__(self, done: int, steps: int, message: str) -> None:
        self.latest = (done, steps, str(message))  # one assignment: the thread sees it whole

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopped.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stopped.wait(settings.REPORT_HEARTBEAT_SECONDS):
                self._write()
        finally:
            connection.close()  # this thread's own connection

    def _write(self) -> None:
        fields: dict[str, Any] = {"heartbeat_at": timezone.now()}
        if self.latest is not None:
            fields.update(zip(("done", "steps", "message"), self.latest, strict=True))
        try:
            connection.close_if_unusable_or_obsolete()  # after a database restart
            self.job.update(**fields)
        except Exception:
            # A missed beat is harmless (the next one follows); only a long silence
            # marks the job as dead. Whatever failed, the thread goes on beating.
            logger.warning("report heartbeat not written", exc_info=True)
