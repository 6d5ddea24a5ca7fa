"""The deployment of docs/deploy.md, rehearsed: two gunicorn app nodes with a `var/` folder
each, one task worker, one PostgreSQL database, one Redis and one S3-compatible store, all
started by scripts/two_nodes.py and stopped at its end.

It runs as a subprocess against a scratch database of its own on the PostgreSQL server
(never the test database, whose transactions would hide the nodes' writes), whatever
database the rest of this run uses. Each check it makes is asserted here by name.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "two_nodes.py"
RESPONDENTS = 200
PG_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"

EXPECTED_CHECKS = (
    "an item edited through node A's admin is shown by node B at once",
    "a respondent's limit (6/m resume codes) counts across both nodes",
    f"{RESPONDENTS} respondents over both nodes: no errors, no answer lost or doubled",
    "a report asked for on node A is followed and downloaded on node B",
    "a worker killed (SIGKILL) mid-report: the report is queued again and finishes",
    "the reports are in the shared bucket, none on a node's or the worker's disk",
)


@pytest.mark.slow
@pytest.mark.two_nodes
def test_two_app_nodes_share_reports_limits_edits_and_answers():
    command = [sys.executable, str(SCRIPT), "--respondents", str(RESPONDENTS)]
    finished = subprocess.run(
        [*command, "--pg-server", PG_SERVER, "--json"],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert finished.stdout.strip(), finished.stderr[-3000:]
    outcome = json.loads(finished.stdout.strip().splitlines()[-1])
    assert tuple(outcome["checks"]) == EXPECTED_CHECKS
    failed = {name: seen for name, seen in outcome["checks"].items() if not seen["ok"]}
    assert not failed, json.dumps(failed, indent=2)
    respondents = outcome["checks"][EXPECTED_CHECKS[2]]
    assert respondents["submitted"] == RESPONDENTS
    assert respondents["lost"] == respondents["duplicated"] == respondents["wrong"] == 0
    killed = outcome["checks"][EXPECTED_CHECKS[4]]
    assert killed["killed_while"] == "running" and killed["attempts"] == 2
    assert outcome["passed"] is True and finished.returncode == 0
