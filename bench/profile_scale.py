"""Profile build time at scale: 1,000 and 10,000 respondents on the quick and full scan.

    .venv/bin/python bench/profile_scale.py                      # scratch SQLite in a temp dir
    .venv/bin/python bench/profile_scale.py --database-url postgres://postgres@127.0.0.1:5432/bench

Sets DATABASE_URL (a scratch SQLite file unless --database-url is given), migrates, loads
the question banks, generates the campaigns with fast bulk inserts (not measured) and
prints, per campaign: respondents, items, answers, the build_profile time (best of
--repeat, including the database read) and its query count. Budget (docs/design.md): 10,000
respondents on the full scan in < 3 s, with a query count independent of respondents.
Data written to a --database-url database is removed afterwards unless --keep is given.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 3.0
BENCH_ORGANISATION = "Bench profile scale"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="Use this database instead of a scratch SQLite.")
    parser.add_argument(
        "--sizes", default="1000,10000", help="Comma-separated respondent counts (1000,10000)."
    )
    parser.add_argument(
        "--questionnaires", default="quick,full", help="Questionnaire codes (quick,full)."
    )
    parser.add_argument("--repeat", type=int, default=3, help="Builds per campaign (best of).")
    parser.add_argument("--keep", action="store_true", help="Keep the generated data.")
    return parser.parse_args()


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def generate(user, version, respondents: int, seed: int):
    """A campaign with ``respondents`` submitted responses (fast bulk inserts), in an
    organisation of its own (so it has no previous round)."""
    import numpy as np
    from django.db import connection, transaction

    from assessment.models import Campaign, Comment, Organisation, Response, Team
    from assessment.tokens import new_token

    rng = np.random.default_rng(seed)
    organisation = Organisation.objects.create(name=BENCH_ORGANISATION, owner=user)
    items = list(version.ordered_items().values_list("pk", flat=True))
    campaign = Campaign.objects.create(
        organisation=organisation,
        name=f"Bench {version.questionnaire.code} {respondents}",
        slug=f"bench-{version.questionnaire.code}-{respondents}-{new_token()[:6].lower()}",
        questionnaire_version=version,
        status=Campaign.CLOSED,
        anonymity_threshold=5,
    )
    teams = Team.objects.bulk_create(
        Team(campaign=campaign, name=f"Team {i + 1}", order=i, expected_size=respondents // 7)
        for i in range(8)
    )
    team_of = rng.integers(-1, len(teams), respondents)  # -1: no team
    roles = rng.choice(
        [Response.BOARD, Response.MANAGER, Response.EMPLOYEE], respondents, p=[0.05, 0.15, 0.8]
    )
    with transaction.atomic():
        responses = Response.objects.bulk_create(
            (
                Response(
                    campaign=campaign,
                    team=teams[t] if t >= 0 else None,
                    role=str(role),
                    status=Response.SUBMITTED,
                    key_digest=f"bench-{campaign.pk}-{i}-k",
                    resume_code_digest=f"bench-{campaign.pk}-{i}-r",
                )
                for i, (t, role) in enumerate(zip(team_of, roles, strict=True))
            ),
            batch_size=2000,
        )
        ids = np.array([r.pk for r in responses], dtype=np.int64)
        level = rng.normal(3.2, 0.6, (respondents, 1))
        values = np.clip(np.rint(level + rng.normal(0, 0.8, (respondents, len(items)))), 1, 5)
        draw = rng.random((respondents, len(items)))
        given = draw >= 0.05  # 5% unanswered: no row
        dont_know = draw < 0.10  # of the rest, 5% "don't know": NULL
        rows, cols = np.nonzero(given)
        item_ids = np.array(items, dtype=np.int64)
        value_list = [
            None if dk else int(v)
            for v, dk in zip(values[rows, cols], dont_know[rows, cols], strict=True)
        ]
        data = list(zip(ids[rows].tolist(), item_ids[cols].tolist(), value_list, strict=True))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                raw = cursor.cursor  # psycopg 3: COPY
                with raw.copy(
                    "COPY assessment_answer (response_id, item_id, value) FROM STDIN"
                ) as copy:
                    for row in data:
                        copy.write_row(row)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO assessment_answer (response_id, item_id, value) "
                    "VALUES (%s, %s, %s)",
                    data,
                )
        Comment.objects.bulk_create(
            (
                Comment(response_id=int(pk), topic="", text=f"Remark {i}")
                for i, pk in enumerate(ids[rng.random(respondents) < 0.1])
            ),
            batch_size=2000,
        )
    return campaign, len(items), len(data)


def measure(campaign, repeat: int) -> tuple[float, int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.profile_builder import build_profile
    from reports.responses_export import export_responses_csv

    with CaptureQueriesContext(connection) as queries:
        profile = build_profile(campaign)
    assert profile.respondents > 0
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        build_profile(campaign)
        best = min(best, time.perf_counter() - start)
    start = time.perf_counter()
    export_responses_csv(campaign)
    export_seconds = time.perf_counter() - start
    return best, len(queries), export_seconds


def main() -> int:
    args = parse_args()
    scratch = None
    if args.database_url:
        url = args.database_url
    else:
        scratch = tempfile.mkdtemp(prefix="profile-scale-")
        url = f"sqlite:///{scratch}/bench.sqlite3"
    setup_django(url)

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from assessment.models import Organisation
    from questionnaires.models import Questionnaire

    print(f"database: {connection.vendor} ({url})")
    call_command("migrate", verbosity=0)
    call_command("load_question_banks", stdout=io.StringIO())
    user, _ = get_user_model().objects.get_or_create(username="bench-profile-scale")

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    header = (
        f"{'questionnaire':<13} {'respondents':>11} {'items':>6} {'answers':>10} "
        f"{'build (best)':>13} {'queries':>8} {'csv export':>11}"
    )
    print(header)
    print("-" * len(header))
    over_budget = False
    try:
        for code in [c.strip() for c in args.questionnaires.split(",") if c.strip()]:
            version = Questionnaire.objects.get(code=code).latest_version()
            for seed, n in enumerate(sizes):
                campaign, n_items, n_answers = generate(user, version, n, seed)
                seconds, n_queries, export_seconds = measure(campaign, args.repeat)
                flag = ""
                if code == "full" and n >= 10_000 and seconds >= BUDGET_SECONDS:
                    flag = f"  OVER BUDGET (< {BUDGET_SECONDS:.0f} s)"
                    over_budget = True
                print(
                    f"{code:<13} {n:>11,} {n_items:>6} {n_answers:>10,} "
                    f"{seconds:>11.3f} s {n_queries:>8} {export_seconds:>9.3f} s{flag}",
                    flush=True,
                )
    finally:
        if args.database_url and not args.keep:
            for organisation in Organisation.objects.filter(name=BENCH_ORGANISATION, owner=user):
                organisation.campaigns.all().delete()
                organisation.delete()
        if scratch and not args.keep:
            connection.close()
            shutil.rmtree(scratch, ignore_errors=True)
    return 1 if over_budget else 0


if __name__ == "__main__":
    sys.exit(main())
