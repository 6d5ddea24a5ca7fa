"""A small workshop burst in the test suite: 20 respondents at once, against gunicorn.

Runs ``bench/burst.py --respondents 20 --no-latency-budget`` as a subprocess, on the kind
of database this test run uses: a scratch SQLite file normally; when the suite runs on
PostgreSQL (``DATABASE_URL``), a scratch database on that same server, created and
dropped by the bench (never the test database, whose transactions would hide the
server's writes). The bench serves the app with gunicorn on 127.0.0.1, lets every
respondent complete the quick scan as a browser does (real CSRF tokens and cookies), then
checks the database answer by answer.

Asserted: no request failed, every respondent submitted, and every answer given is stored
exactly once with the value given (none lost, none duplicated, none wrong). Latency is
the 200-respondent bench's business (docs/design.md, performance budgets), not a test's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "burst.py"
RESPONDENTS = 20


def postgres_server_url(database: dict) -> str:
    """A URL of the maintenance database on the server the test run uses."""
    user = urllib.parse.quote(database.get("USER") or "", safe="")
    password = urllib.parse.quote(str(database.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/postgres"


def bench_command() -> list[str]:
    command = [
        sys.executable,
        str(BENCH),
        "--respondents",
        str(RESPONDENTS),
        "--no-latency-budget",
        "--arrival",
        "0",
        "--think",
        "0",
        "--request-timeout",
        "20",
        "--timeout",
        "60",
    ]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        command += ["--db", "postgres", "--pg-server", postgres_server_url(database)]
    else:
        command += ["--db", "sqlite"]
    return command


@pytest.mark.slow
def test_twenty_respondents_at_once_lose_and_duplicate_nothing():
    command = bench_command()
    try:
        process = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"the burst did not finish in 240 s:\n{error.stdout}\n{error.stderr}")
    output = f"{process.stdout}\n--- stderr ---\n{process.stderr[-4000:]}"
    summaries = [line for line in process.stdout.splitlines() if line.startswith("JSON ")]
    assert summaries, f"the bench printed no summary:\n{output}"
    summary = json.loads(summaries[-1].removeprefix("JSON "))

    expected_database = "PostgreSQL" if "--pg-server" in command else "SQLite"
    assert summary["database"] == expected_database, output
    assert summary["respondents"] == RESPONDENTS, output
    assert summary["errors"] == 0, output
    assert summary["submitted"] == RESPONDENTS, output
    assert summary["lost"] == 0, output
    assert summary["duplicated"] == 0, output
    assert summary["wrong"] == 0, output
    # Every respondent answered every statement of the quick scan, and all of it is stored.
    assert summary["answers_expected"] >= RESPONDENTS * 10, output
    assert summary["answers_stored"] == summary["answers_expected"], output
    pages = summary["per_page"]
    for kind in ("welcome GET", "start POST", "review GET", "submit POST", "thanks GET"):
        assert pages[kind]["n"] == RESPONDENTS, (kind, output)
    # Each respondent went through all pages of the questionnaire, once each.
    assert pages["page GET"]["n"] == pages["page POST"]["n"] > RESPONDENTS, output
    assert pages["page POST"]["n"] % RESPONDENTS == 0, output
    assert summary["correct"] is True, output
    assert process.returncode == 0, output
