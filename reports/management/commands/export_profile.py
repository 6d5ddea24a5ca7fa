"""`manage.py export_profile SLUG [-o FILE.json]`: the maturity profile and the action
plan as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError

from reports.management import CampaignCommand, write_file
from reports.profile import GroupTooSmall
from reports.profile_builder import build_profile
from reports.profile_export import profile_export


class Command(CampaignCommand):
    help = (
        "Write a campaign's maturity profile and action plan as JSON (the shape in "
        "docs/design.md), to standard output or to the file given with -o. Groups below the "
        "anonymity threshold are marked suppressed and carry no scores."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("-o", "--output", metavar="FILE.json", help="Write to this file.")

    def handle(self, *args, **options) -> None:
        campaign = self.campaign(options)
        try:
            profile = build_profile(campaign)
        except GroupTooSmall as error:  # pragma: no cover - whole campaigns never raise
            raise CommandError(str(error)) from error
        text = json.dumps(profile_export(campaign, profile), ensure_ascii=False, indent=2)
        if options["output"]:
            path = Path(options["output"])
            write_file(path, text + "\n")
            self.stderr.write(f"Profile of {campaign.slug} written to {path}")
        else:
            self.stdout.write(text)
