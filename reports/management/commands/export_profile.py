"""`manage.py export_profile SLUG [-o FILE.json]`: the maturity profile as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.management import campaign_by_slug
from reports.profile import GroupTooSmall
from reports.profile_builder import build_profile


class Command(BaseCommand):
    help = (
        "Write a campaign's maturity profile as JSON (the shape in docs/design.md), to standard "
        "output or to the file given with -o. Groups below the anonymity threshold are "
        "marked suppressed and carry no scores."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The campaign's slug.")
        parser.add_argument("-o", "--output", metavar="FILE.json", help="Write to this file.")

    def handle(self, *args, **options) -> None:
        campaign = campaign_by_slug(options["slug"])
        try:
            profile = build_profile(campaign)
        except GroupTooSmall as error:  # pragma: no cover - whole campaigns never raise
            raise CommandError(str(error)) from error
        text = json.dumps(profile.as_dict(), ensure_ascii=False, indent=2)
        if options["output"]:
            path = Path(options["output"])
            try:
                path.write_text(text + "\n", encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Cannot write {path}: {error.strerror}") from error
            self.stderr.write(f"Profile of {campaign.slug} written to {path}")
        else:
            self.stdout.write(text)
