"""The default home of finished PDF reports: a directory (var/reports, or one that every
app node and worker mounts). An S3-compatible bucket replaces it by setting
(config/settings.py, docs/deploy.md)."""

from __future__ import annotations

import os
import tempfile

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage


class ReportFileStorage(FileSystemStorage):
    """Writes each file whole under a temporary name and renames it into place, so a
    reader never gets half a report, also when two workers store the same report at
    once. A report's name is its content's signature, so a name that exists holds the
    same report: it is replaced (``allow_overwrite``), never stored under another name."""

    def __init__(self, **options) -> None:
        super().__init__(**{**options, "allow_overwrite": True})

    def _save(self, name: str, content: File) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(dir=directory, prefix=".", suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as target:
                for chunk in content.chunks():
                    target.write(chunk)
            os.chmod(partial, self.file_permissions_mode or 0o644)
            os.replace(partial, full_path)
        except BaseException:
            os.unlink(partial)
            raise
        return name
