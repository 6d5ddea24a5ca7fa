"""Finished PDF reports on disk, and the background work that makes them.

A report is kept under a name made of the campaign, the language, the team and the
signature of everything it shows (`ReportInput.signature`): when a response arrives or a
text changes, the signature changes and the next download makes a new report. Making one
takes seconds, so it runs in a thread while the consultant's page follows its progress
through a small status file next to it; files (not memory) let every server process see
the same reports and the same progress.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from reports.pdf import ReportInput, render_pdf

logger = logging.getLogger(__name__)

STALE_AFTER = 600.0  # seconds after which an unfinished job is presumed dead
SIGNATURE = re.compile(r"^[0-9a-f]{64}$")


def cache_dir() -> Path:
    path = Path(settings.REPORT_CACHE_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class ReportKey:
    slug: str
    language: str
    team: str | None
    signature: str

    @property
    def family(self) -> str:
        """The name shared by every version of this report (campaign, language, team)."""
        team = hashlib.sha256(self.team.encode()).hexdigest()[:12] if self.team else "all"
        return f"{self.slug}.{self.language}.{team}"

    @property
    def pdf_path(self) -> Path:
        return cache_dir() / f"{self.family}.{self.signature}.pdf"

    @property
    def status_path(self) -> Path:
        return cache_dir() / f"{self.family}.{self.signature}.json"

    @classmethod
    def of(cls, slug: str, report: ReportInput) -> ReportKey:
        return cls(slug, report.language, report.team, report.signature())


def finished(key: ReportKey) -> Path | None:
    path = key.pdf_path
    return path if path.exists() else None


def status(key: ReportKey) -> dict[str, Any]:
    """{"state": "done" | "running" | "failed" | "none", "done", "steps", "message"}, the
    message in the active language (a Dutch page follows an English report in Dutch)."""
    if finished(key):
        return {"state": "done", "done": 1, "steps": 1, "message": ""}
    try:
        current = json.loads(key.status_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"state": "none", "done": 0, "steps": 1, "message": ""}
    if current.get("state") == "running" and time.time() - current.get("at", 0) > STALE_AFTER:
        return {"state": "failed", "done": 0, "steps": 1, "message": _("The report stalled.")}
    message = current.get("message") or ""
    return {**current, "message": _(message) if message else ""}


def start(key: ReportKey, report: ReportInput) -> bool:
    """Start making the report in the background, unless it is being made already.
    Returns whether this call started it."""
    if finished(key):
        return False
    try:
        # Exclusive create: of two simultaneous requests, only one starts the work.
        descriptor = os.open(key.status_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        if status(key)["state"] != "failed":
            return False
        key.status_path.unlink(missing_ok=True)
        return start(key, report)
    os.close(descriptor)
    _write_status(key, "running", 0, 1, gettext_noop("Starting"))
    threading.Thread(
        target=_make, args=(key, report), name=f"report {key.family}", daemon=True
    ).start()
    return True


def _make(key: ReportKey, report: ReportInput) -> None:
    try:
        pdf = render_pdf(
            report,
            progress=lambda done, steps, message: _write_status(
                key, "running", done, steps, message
            ),
        )
    except Exception:
        logger.exception("report %s failed", key.family)
        _write_status(key, "failed", 0, 1, gettext_noop("Making the report failed."))
        return
    _store(key, pdf)


def _store(key: ReportKey, pdf: bytes) -> None:
    """Write the PDF in one step (readers never see half a file) and drop old versions."""
    partial = key.pdf_path.with_suffix(".part")
    partial.write_bytes(pdf)
    os.replace(partial, key.pdf_path)
    key.status_path.unlink(missing_ok=True)
    for old in cache_dir().glob(f"{key.family}.*.pdf"):
        if old != key.pdf_path:
            old.unlink(missing_ok=True)


def _write_status(key: ReportKey, state: str, done: int, steps: int, message: str) -> None:
    text = json.dumps(
        {"state": state, "done": done, "steps": steps, "message": str(message), "at": time.time()}
    )
    partial = key.status_path.with_suffix(f".{threading.get_ident()}.part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, key.status_path)
