"""Demo data: a consultant, an organisation, an open campaign and an earlier closed round.

Deterministic (``random.Random(2024)``): the same answers every time, so screenshots,
tests and workshop rehearsals see the same profile. The story the numbers tell:

- Klantenservice scores highest, Sales in the middle, Operations lowest;
- managers and board members rate the organisation about 0.7 points higher than
  employees (the "95% of managers think they are customer-centric" gap), with the largest
  gaps on listening to employees and on leadership;
- the customer journey (`keys.journey`, the weakest key) and using feedback lag behind;
- some "don't know" answers, most among employees on governance and partner topics;
- the previous round (a year earlier) scored somewhat lower everywhere.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from questionnaires.models import Item, Questionnaire

from . import campaigns as rules
from . import teams as team_rules
from .models import Answer, Campaign, Comment, Organisation, Response, Team
from .tokens import digest, new_token

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SEED = 2024
DEMO_USERNAME, DEMO_PASSWORD = "demo", "demo-consultant"
ADMIN_USERNAME, ADMIN_PASSWORD = "admin", "admin-demo"
DEMO_ORGANISATION = "Demo Organisatie BV"
CURRENT_SLUG, PREVIOUS_SLUG, LIVE_SLUG = "demo-vervolgmeting", "demo-nulmeting", "demo-pulsmeting"
QUESTIONNAIRE = "full"

ROLE_OFFSET = {Response.BOARD: 0.9, Response.MANAGER: 0.75, Response.EMPLOYEE: 0.0}
PREVIOUS_ROUND_SHIFT = -0.35

# Where the organisation is strong or weak, whoever answers (keyed scale points).
DIMENSION_OFFSET = {
    "keys.journey": -0.65,
    "listening.feedback_use": -0.5,
    "diamond.digital": -0.4,
    "care.governance": -0.3,
    "care.genuine_care": 0.5,
    "shifts.personal_contact": 0.4,
    "diamond.positivity": 0.3,
}
# Where management sees it rosier than the rest (on top of ROLE_OFFSET).
MANAGEMENT_EXTRA = {
    "listening.employee_voice": 0.5,
    "care.leadership": 0.4,
    "shifts.engaged_employees": 0.4,
}
# Topics employees often cannot judge.
DONT_KNOW_EXTRA = {"care.governance": 0.15, "diamond.societal": 0.12, "shifts.partners": 0.1}


@dataclass(frozen=True)
class TeamPlan:
    name: str
    size: int
    level: float  # employees' typical keyed answer in the current round
    current: tuple[int, int, int]  # board, managers, employees
    previous: tuple[int, int, int]
    live: tuple[int, int, int]  # the open pulse round, still in fieldwork


TEAMS = (
    TeamPlan("Klantenservice", 22, 3.45, current=(2, 3, 11), previous=(2, 3, 7), live=(0, 1, 2)),
    TeamPlan("Sales", 14, 3.0, current=(1, 2, 8), previous=(1, 2, 5), live=(0, 0, 2)),
    TeamPlan("Operations", 20, 2.5, current=(2, 3, 8), previous=(2, 2, 6), live=(0, 1, 1)),
)
IN_PROGRESS = (
    ("Klantenservice", Response.EMPLOYEE),
    ("Sales", Response.EMPLOYEE),
    ("Operations", Response.MANAGER),
)

COMMENTS = (
    (
        "",
        (
            "We zeggen dat de klant centraal staat, maar in de praktijk gaan interne "
            "procedures vaak voor."
        ),
    ),
    (
        "keys",
        (
            "De overdracht tussen Sales en Operations loopt niet soepel; klanten moeten hun "
            "verhaal vaak opnieuw vertellen."
        ),
    ),
    (
        "listening",
        ("Klachten worden netjes geregistreerd, maar we horen zelden wat er daarna mee gebeurt."),
    ),
    (
        "care",
        (
            "Collega's van Klantenservice doen echt hun best, maar krijgen weinig ruimte om "
            "van het script af te wijken."
        ),
    ),
    (
        "diamond",
        (
            "Het management praat veel over klantbeleving; op de werkvloer merken we daar nog"
            " weinig van."
        ),
    ),
    (
        "shifts",
        (
            "We sturen vooral op hoe snel we de telefoon opnemen, niet op of de klant echt "
            "geholpen is."
        ),
    ),
    (
        "",
        ("Goed initiatief, deze scan. Bespreek de uitkomsten alsjeblieft ook met de teams zelf."),
    ),
    (
        "listening",
        "Medewerkers met klantcontact worden te weinig gevraagd naar hun ideeën.",
    ),
    (
        "keys",
        "Onze systemen maken het lastig om een klant in één keer goed te helpen.",
    ),
    (
        "",
        "De laatste maanden zetten we echt stappen, vooral bij Klantenservice.",
    ),
)


@dataclass(frozen=True)
class RoundPlan:
    name: Literal["current", "previous", "live"]  # which counts of TEAMS it answers with
    title: str  # with the round's {year}
    year: int  # the round's year, relative to this year
    slug: str
    status: str
    days: tuple[int, int]  # its first and last fieldwork day, relative to today
    shift: float  # on every keyed answer
    first_edition: bool = False  # answered on the first edition of the banks
    in_progress: tuple[tuple[str, str], ...] = ()
    comments: tuple[tuple[str, str], ...] = ()


ROUNDS = (
    # Last year's round, for the trend.
    RoundPlan(
        "previous",
        "Nulmeting {year}",
        year=-1,
        slug=PREVIOUS_SLUG,
        status=Campaign.CLOSED,
        days=(-380, -359),
        shift=PREVIOUS_ROUND_SHIFT,
        first_edition=True,
        comments=COMMENTS[5:8],
    ),
    # This year's round closed yesterday: its results are final, ready for the workshop.
    RoundPlan(
        "current",
        "Vervolgmeting {year}",
        year=0,
        slug=CURRENT_SLUG,
        status=Campaign.CLOSED,
        days=(-23, -1),
        shift=0.0,
        in_progress=IN_PROGRESS,
        comments=COMMENTS,
    ),
    # A pulse round that is still open: its links can be tried, and its dashboard shows
    # interim results (the whole campaign, in steps of k).
    RoundPlan(
        "live",
        "Pulsmeting {year}",
        year=0,
        slug=LIVE_SLUG,
        status=Campaign.OPEN,
        days=(-1, 14),
        shift=0.1,
    ),
)


class RefusedInProduction(Exception):
    """The demo logins have published passwords: never in a production database."""


def check_not_production() -> None:
    if settings.PRODUCTION:
        raise RefusedInProduction(
            "Refusing to create demo data: this is a production installation "
            "(DJANGO_ENV=production). The demo logins have published passwords "
            f"({DEMO_USERNAME}/{DEMO_PASSWORD}, {ADMIN_USERNAME}/{ADMIN_PASSWORD}); create "
            "real accounts with `python manage.py createsuperuser` instead. Nothing was "
            "created."
        )


@dataclass
class DemoResult:
    organisation: Organisation
    current: Campaign | None  # the round that has just closed: final results
    previous: Campaign | None  # last year's round, for the trend
    live: Campaign | None  # an open pulse round: links to try, interim results
    created: bool
    users: dict[str, bool] = field(default_factory=dict)  # username -> newly created


def find_demo() -> Organisation | None:
    return Organisation.objects.filter(name=DEMO_ORGANISATION).order_by("pk").first()


def demo_campaigns(
    organisation: Organisation,
) -> tuple[Campaign | None, Campaign | None, Campaign | None]:
    """(current, previous, live) of the demo organisation: the two closed rounds, newest
    first, and the open one."""
    closed = list(
        organisation.campaigns.internal().filter(status=Campaign.CLOSED).order_by("-created_at")
    )
    live = (
        organisation.campaigns.internal()
        .filter(status=Campaign.OPEN)
        .order_by("-created_at")
        .first()
    )
    return (closed[0] if closed else None, closed[1] if len(closed) > 1 else None, live)


def ensure_user(username: str, password: str, *, superuser: bool = False) -> tuple[User, bool]:
    """Create the user with this password, or leave an existing user untouched."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None:
        return user, False
    if superuser:
        user = user_model.objects.create_superuser(
            username=username, email=f"{username}@example.org", password=password
        )
    else:
        user = user_model.objects.create_user(
            username=username, email=f"{username}@example.org", password=password
        )
    return user, True


def keyed_to_raw(item: Item, keyed: int) -> int:
    """The answer a respondent ticks to reach `keyed` (reverse-keyed items are mirrored)."""
    return 6 - keyed if item.reverse_keyed else keyed


@dataclass
class Generator:
    """Draws plausible answers; one instance per demo so the draws stay deterministic."""

    rng: random.Random
    items: list[Item]
    dimension_offset: dict[str, float] = field(default_factory=dict)
    team_dimension: dict[tuple[str, str], float] = field(default_factory=dict)

    @classmethod
    def for_items(cls, items: list[Item], rng: random.Random) -> Generator:
        generator = cls(rng=rng, items=items)
        codes = sorted({item.dimension.full_code for item in items})
        for code in codes:
            generator.dimension_offset[code] = DIMENSION_OFFSET.get(code, rng.uniform(-0.3, 0.3))
        for plan in TEAMS:
            for code in codes:
                generator.team_dimension[(plan.name, code)] = rng.gauss(0, 0.2)
        return generator

    def answers(
        self, team: str, level: float, role: str, share: float = 1.0
    ) -> list[tuple[Item, int | None]]:
        """One respondent's answers: (item, raw value or None for don't know)."""
        rng = self.rng
        person = level + ROLE_OFFSET[role] + rng.gauss(0, 0.35)
        result: list[tuple[Item, int | None]] = []
        for item in self.items:
            if share < 1.0 and rng.random() > share:
                continue
            code = item.dimension.full_code
            dont_know = 0.025 + (0.03 + DONT_KNOW_EXTRA.get(code, 0.0)) * (
                role == Response.EMPLOYEE
            )
            if rng.random() < dont_know:
                result.append((item, None))
                continue
            mean = person + self.dimension_offset[code] + self.team_dimension[(team, code)]
            if role != Response.EMPLOYEE:
                mean += MANAGEMENT_EXTRA.get(code, 0.0)
            keyed = min(5, max(1, round(mean + rng.gauss(0, 0.75))))
            result.append((item, keyed_to_raw(item, keyed)))
        return result


def _roles(board: int, managers: int, employees: int, rng: random.Random) -> list[str]:
    roles = (
        [Response.BOARD] * board + [Response.MANAGER] * managers + [Response.EMPLOYEE] * employees
    )
    rng.shuffle(roles)
    return roles


Planned = list[tuple[Response, list[tuple[Item, int | None]], dt.datetime]]


def store_responses(campaign: Campaign, planned: Planned, rng: random.Random) -> None:
    """Save the planned responses with their answers, in a few bulk queries (the demo
    runs in CI, so it must stay quick), each started 5-40 minutes before its moment."""
    responses = Response.objects.bulk_create([response for response, _, _ in planned])
    if any(response.pk is None for response in responses):  # backends without RETURNING
        by_digest = dict(Response.objects.filter(campaign=campaign).values_list("key_digest", "pk"))
        for response in responses:
            response.pk = by_digest[response.key_digest]
    Answer.objects.bulk_create(
        (
            Answer(response_id=response.pk, item_id=item.pk, value=value)
            for response, answers, _ in planned
            for item, value in answers
        ),
        batch_size=2000,
    )
    # Believable timestamps (auto_now_add set "now").
    for response, _, moment in planned:
        started = moment - dt.timedelta(minutes=rng.randint(5, 40))
        Response.objects.filter(pk=response.pk).update(started_at=started, updated_at=moment)


def populate(
    campaign: Campaign,
    generator: Generator,
    *,
    round_name: Literal["current", "previous", "live"],
    shift: float,
    window: tuple[dt.datetime, dt.datetime],
    in_progress: tuple[tuple[str, str], ...] = (),
    comments: tuple[tuple[str, str], ...] = (),
) -> int:
    """Add submitted (and some in-progress) responses to `campaign`; returns submitted count."""
    rng = generator.rng
    teams = {team.name: team for team in campaign.teams.all()}
    start, end = window
    span = (end - start).total_seconds()
    planned: Planned = []
    for plan in TEAMS:
        counts: tuple[int, int, int] = getattr(plan, round_name)
        for role in _roles(*counts, rng):
            submitted_at = start + dt.timedelta(seconds=rng.uniform(0.05, 0.95) * span)
            response = Response(
                campaign=campaign,
                team=teams[plan.name],
                role=role,
                status=Response.SUBMITTED,
                key_digest=digest("response", new_token()),
                resume_code_digest=digest("resume", new_token()),
                language="en" if rng.random() < 0.08 else "nl",
                submitted_at=submitted_at,
            )
            planned.append(
                (response, generator.answers(plan.name, plan.level + shift, role), submitted_at)
            )
    for team_name, role in in_progress:
        plan = next(p for p in TEAMS if p.name == team_name)
        response = Response(
            campaign=campaign,
            team=teams[team_name],
            role=role,
            status=Response.IN_PROGRESS,
            key_digest=digest("response", new_token()),
            resume_code_digest=digest("resume", new_token()),
            language="nl",
        )
        answers = generator.answers(team_name, plan.level + shift, role, share=0.4)
        planned.append((response, answers, end))

    store_responses(campaign, planned, rng)
    submitted = [r for r, _, _ in planned if r.status == Response.SUBMITTED]
    employees = [r for r in submitted if r.role == Response.EMPLOYEE]
    chosen = rng.sample(employees, k=min(len(comments), len(employees)))
    Comment.objects.bulk_create(
        Comment(response=response, topic=topic, text=text)
        for response, (topic, text) in zip(chosen, comments, strict=False)
    )
    return len(submitted)


@transaction.atomic
def create_demo(now: dt.datetime | None = None) -> DemoResult:
    """Create everything, or return what exists (idempotent on the organisation's name).

    Raises RefusedInProduction, creating nothing, in production.
    """
    check_not_production()
    consultant, consultant_new = ensure_user(DEMO_USERNAME, DEMO_PASSWORD)
    _, admin_new = ensure_user(ADMIN_USERNAME, ADMIN_PASSWORD, superuser=True)
    users = {DEMO_USERNAME: consultant_new, ADMIN_USERNAME: admin_new}
    existing = find_demo()
    if existing is not None:
        current, previous, live = demo_campaigns(existing)
        return DemoResult(existing, current, previous, live, created=False, users=users)

    now = now or timezone.now()
    rng = random.Random(SEED)
    questionnaire = Questionnaire.objects.internal().get(code=QUESTIONNAIRE)
    version = rules.latest_version(questionnaire)
    # Last year's round was answered on the first bank edition, so that the trend shows
    # which dimensions the two editions measure alike (and which they do not).
    first_version = questionnaire.versions.published().order_by("number").first() or version
    items = list(version.ordered_items())
    first_items = list(first_version.ordered_items())
    # Offsets for the dimensions of both editions; the rounds answer their own items.
    generator = replace(Generator.for_items(items + first_items, rng), items=items)
    organisation = Organisation.objects.create(name=DEMO_ORGANISATION, owner=consultant)
    team_specs = [team_rules.TeamSpec(plan.name, plan.size) for plan in TEAMS]

    today = timezone.localdate(now)
    rounds: dict[str, Campaign] = {}
    for plan in ROUNDS:
        round_version, round_generator = (
            (first_version, replace(generator, items=first_items))
            if plan.first_edition
            else (version, generator)
        )
        first_day, last_day = (today + dt.timedelta(days=days) for days in plan.days)
        opens_at, closes_at = rules.start_of_day(first_day), rules.end_of_day(last_day)
        campaign = rules.create_campaign(
            organisation=organisation,
            name=plan.title.format(year=today.year + plan.year),
            slug=rules.unique_slug(plan.slug),
            questionnaire=questionnaire,
            teams=team_specs,
            status=plan.status,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=consultant,
            version=round_version,
        )
        # Created "now"; ordered by its round, which is what "the previous round" reads.
        Campaign.objects.filter(pk=campaign.pk).update(created_at=opens_at)
        populate(
            campaign,
            round_generator,
            round_name=plan.name,
            shift=plan.shift,
            window=(opens_at, min(closes_at, now)),
            in_progress=plan.in_progress,
            comments=plan.comments,
        )
        rounds[plan.name] = campaign
    current, previous, live = rounds["current"], rounds["previous"], rounds["live"]
    return DemoResult(organisation, current, previous, live, created=True, users=users)


def team_links(campaign: Campaign, base_url: str) -> list[tuple[str, str]]:
    return [
        (team.name, rules.absolute(base_url, rules.team_path(team)))
        for team in Team.objects.filter(campaign=campaign)
    ]
