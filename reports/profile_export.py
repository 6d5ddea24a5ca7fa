"""What `export_profile` and the dashboard's JSON download write (the shape in
docs/design.md): the profile of the whole campaign, its action plan with the previous
round's actions measured in this one, its business results (the harvest) and its
customer mirror (None without one).

The profile stays the profile (`Profile.as_dict()`); the plan and the figures are read
afresh and added here, so an edited action or figure shows in the next download.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from assessment.models import Campaign
from reports.action_export import plan_dict
from reports.action_plan import plan_for
from reports.harvest import harvest_for
from reports.mirror_data import mirror_for
from reports.profile import Profile


def profile_export(campaign: Campaign, profile: Profile) -> dict[str, Any]:
    plan = plan_for(
        campaign, profile=profile, language=profile.language, today=timezone.localdate()
    )
    mirror = mirror_for(campaign, profile)
    return (
        profile.as_dict()
        | plan_dict(plan)
        | {"results": harvest_for(campaign, profile).as_dict()}
        | {"customers": None if mirror is None else mirror.as_dict()}
    )
