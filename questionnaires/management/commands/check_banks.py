"""`manage.py check_banks [PATHS...]`: lint question banks (see questionnaires/bank_lint.py)."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from questionnaires.bank_lint import BANKS_DIR, bank_files, count_by_rule, lint_files


def shown_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


class Command(BaseCommand):
    help = (
        "Check question bank files (default: every bank in questionnaires/banks/) and print "
        "one line per problem as path:line: rule-id: message."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "paths", nargs="*", type=Path, help="bank files or folders of *.yaml files"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files = self.expand(options["paths"]) if options["paths"] else bank_files(BANKS_DIR)
        if not files:
            raise CommandError("no bank files to check")
        problems = lint_files(files, {path: shown_path(path) for path in files})
        for problem in problems:
            self.stdout.write(str(problem))
        if problems:
            per_rule = ", ".join(
                f"{rule} {n}" for rule, n in sorted(count_by_rule(problems).items())
            )
            noun = "problem" if len(problems) == 1 else "problems"
            raise CommandError(f"{len(problems)} {noun} in the question banks ({per_rule})")
        checked = f"{len(files)} file" if len(files) == 1 else f"{len(files)} files"
        self.stdout.write(self.style.SUCCESS(f"Question banks OK: {checked} checked, no problems."))

    @staticmethod
    def expand(paths: list[Path]) -> list[Path]:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files.extend(bank_files(path))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder")
        return files
