"""The demo's customer mirror: what the customers of the demo organisation answered.

It mirrors this year's closed round, so the dashboard the demo opens on can set the
customers' view beside the inside view. The story: management (around 70-85) sees the
organisation far rosier than its customers do (around 45-60) on most mirrored
dimensions, the self-image gap the scan is about; only the personal contact and the
genuine care of the staff are felt by customers about as strongly as inside. Business
customers are a little milder than consumers. Deterministic, with a seed of its own so
that the internal rounds draw the same answers as before.
"""

from __future__ import annotations

import datetime as dt
import random

from questionnaires.models import Item

from . import campaigns as rules
from .customer_mirror import add_customer_mirror
from .demo import Planned, keyed_to_raw, store_responses
from .models import Campaign, Comment, Response
from .teams import TeamSpec
from .tokens import digest, new_token

SEED = 2025
ANONYMITY_THRESHOLD = 5
# Segment, submitted responses, its customers' typical keyed answer.
SEGMENTS = (("Zakelijke klanten", 16, 3.15), ("Particulieren", 14, 2.9))
# Where customers see it otherwise than on average (keyed scale points): the staff's care
# and reachability come through, the journey across departments and the use of feedback
# do not.
DIMENSION_VIEW = {
    "care.genuine_care": 1.3,
    "shifts.personal_contact": 1.3,
    "keys.journey": -0.5,
    "listening.feedback_use": -0.4,
    "shifts.dialogue": -0.25,
}
DONT_KNOW = 0.04
COMMENTS = (
    "De mensen aan de telefoon zijn vriendelijk, maar daarna hoor ik vaak niets meer.",
    "Ik moet steeds opnieuw uitleggen wat er speelt; jullie afdelingen praten niet met elkaar.",
    "Als er iets misgaat, bel ik zelf. Ik zou het fijn vinden als jullie eens eerst belden.",
    "Mijn vaste contactpersoon denkt echt met ons mee, daar blijven we voor.",
)


def add_demo_customers(campaign: Campaign, *, now: dt.datetime) -> Campaign:
    """Give `campaign` a closed customer mirror with two segments and about 30 customers'
    responses, submitted during the campaign's fieldwork."""
    rng = random.Random(SEED)
    mirror = add_customer_mirror(
        campaign=campaign,
        segments=[TeamSpec(name) for name, _, _ in SEGMENTS],
        anonymity_threshold=ANONYMITY_THRESHOLD,
        created_by=campaign.created_by,
    )
    # The demo's customers were asked during the round's own fieldwork.
    Campaign.objects.filter(pk=mirror.pk).update(
        opens_at=campaign.opens_at, closes_at=campaign.closes_at
    )
    mirror.opens_at, mirror.closes_at = campaign.opens_at, campaign.closes_at
    rules.close_campaign(campaign=mirror)
    items = list(mirror.questionnaire_version.ordered_items())
    segments = {team.name: team for team in mirror.teams.all()}
    # Answers are given in the fieldwork dates, until now.
    start, end = mirror.opens_at or now, min(mirror.closes_at or now, now)
    planned: Planned = []
    for name, count, level in SEGMENTS:
        for _ in range(count):
            moment = start + (end - start) * rng.uniform(0.05, 0.95)
            response = Response(
                campaign=mirror,
                team=segments[name],
                role="",
                status=Response.SUBMITTED,
                key_digest=digest("response", new_token()),
                resume_code_digest=digest("resume", new_token()),
                language="en" if rng.random() < 0.1 else "nl",
                submitted_at=moment,
            )
            planned.append((response, _answers(items, level, rng), moment))
    store_responses(mirror, planned, rng)
    chosen = rng.sample([response for response, _, _ in planned], k=len(COMMENTS))
    Comment.objects.bulk_create(
        Comment(response=response, topic=mirror.questionnaire_version.questionnaire.code, text=text)
        for response, text in zip(chosen, COMMENTS, strict=True)
    )
    return mirror


def _answers(items: list[Item], level: float, rng: random.Random) -> list[tuple[Item, int | None]]:
    """One customer's answers: (item, raw value or None for don't know)."""
    person = level + rng.gauss(0, 0.35)
    result: list[tuple[Item, int | None]] = []
    for item in items:
        if rng.random() < DONT_KNOW:
            result.append((item, None))
            continue
        mean = person + DIMENSION_VIEW.get(item.dimension.full_code, 0.0)
        keyed = min(5, max(1, round(mean + rng.gauss(0, 0.75))))
        result.append((item, keyed_to_raw(item, keyed)))
    return result
