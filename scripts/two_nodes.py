"""The deployment of docs/deploy.md rehearsed on one machine: two app nodes, one task
worker, one PostgreSQL database, one Redis and one S3-compatible object store.

    .venv/bin/python scripts/two_nodes.py                  # 200 respondents
    .venv/bin/python scripts/two_nodes.py --respondents 40 --json

Everything is started here and stopped at the end: a scratch database on --pg-server
(created and dropped), `redis-server` on a free port, an S3 server (moto) on a free port,
two gunicorn nodes on free ports, each with a `var/` folder of its own, and one
`manage.py db_worker`. Then, as a load balancer without sticky sessions would send them:

1. an item edited through node A's admin is shown at once by node B;
2. wrong resume codes sent in turn to A and B are refused after the one shared limit;
3. N respondents complete the quick scan, each request going to the other node than the
   one before: no errors, and every answer stored exactly once (checked in the database);
4. a PDF report asked for on A is followed and downloaded on B;
5. the worker is killed with SIGKILL while it makes a report, a new worker is started,
   and the report still finishes (it is queued again) or fails cleanly — never stuck;
6. the reports are in the shared bucket, and nothing was written to a node's or the
   worker's own `var/` folder.

Prints each check with what it saw, and exits non-zero when one fails (with --json, one
JSON object; tests/deploy/test_two_nodes.py runs it that way).
"""

from __future__ import annotations

import argparse
import contextlib
import html.parser
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import burst  # noqa: E402  (the bench's respondent, gunicorn and database helpers)

PYTHON = sys.executable
BIN = Path(PYTHON).parent
BUCKET = "klantscan-reports"
PASSWORD = "two-nodes-Pa55word"  # noqa: S105 - a scratch database's users
RESUME_LIMIT = 6
MARK = "edited on node A"
_STATUS = re.compile(r'data-report-status="([^"]+)"')


# =========================================================================== services


def _wait_for_port(port: int, process: subprocess.Popen, name: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not listen on {port} within {seconds:.0f} s")


@contextlib.contextmanager
def service(command: list[str], port: int, name: str, **kwargs) -> Iterator[subprocess.Popen]:
    """A background process in a session of its own, stopped (with its children) at the end."""
    process = subprocess.Popen(
        command,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **kwargs,
    )
    try:
        if port:
            _wait_for_port(port, process, name)
        yield process
    finally:
        burst.stop_process(process)


def redis(port: int, directory: Path) -> contextlib.AbstractContextManager[subprocess.Popen]:
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    return service(command + ["--appendonly", "no", "--dir", str(directory)], port, "redis")


def object_store(port: int) -> contextlib.AbstractContextManager[subprocess.Popen]:
    return service([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], port, "S3")


def worker(env: dict[str, str]) -> contextlib.AbstractContextManager[subprocess.Popen]:
    command = [PYTHON, str(ROOT / "manage.py"), "db_worker", "--no-reload", "--no-startup-delay"]
    return service(command + ["--interval", "0.2"], 0, "worker", env=env, cwd=ROOT)


# =========================================================================== browsers


@dataclass
class Browser(burst.Browser):
    """burst's browser, which can move to another node and keep its cookies."""

    def on(self, port: int) -> Browser:
        return Browser(self.host, port, self.timeout, cookies=self.cookies)

    def log_in(self, username: str) -> None:
        _, page = self.request("login GET", "GET", "/login/")
        data = {"csrfmiddlewaretoken": burst.csrf_of(page), "username": username}
        self.request("login POST", "POST", "/login/", {**data, "password": PASSWORD}, (302,))


@dataclass
class RoundRobinBrowser(burst.Browser):
    """A respondent whose every request goes to the next node, as a load balancer
    without sticky sessions sends them."""

    ports: tuple[int, ...] = ()
    sent: int = 0
    open_connections: dict[int, http.client.HTTPConnection] = field(default_factory=dict)

    def _connection(self) -> http.client.HTTPConnection:
        self.port = self.ports[self.sent % len(self.ports)]
        if self.port not in self.open_connections:
            self.open_connections[self.port] = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout
            )
        self.connection = self.open_connections[self.port]
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.open_connections.pop(self.port, None)
        super().close()

    def request(self, kind, method, path, data=None, expect=(200,)):
        try:
            return super().request(kind, method, path, data, expect)
        finally:
            self.sent += 1

    def close_all(self) -> None:
        for connection in self.open_connections.values():
            connection.close()


class FormFields(html.parser.HTMLParser):
    """The values a browser would send for the first form of a page with a CSRF token."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type", "text") not in ("submit", "button", "file"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields.append((name, a.get("value", "on" if "checked" in a else "")))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def form_fields(page: str) -> list[tuple[str, str]]:
    parser = FormFields()
    parser.feed(page)
    return parser.fields


# =========================================================================== the checks


@dataclass
class Cluster:
    a: int
    b: int
    edit_token: str  # a campaign of its own, so that its respondent is not in the burst's
    token: str
    slug: str
    worker_env: dict[str, str]
    local_dirs: tuple[Path, ...]  # each node's and the worker's own var/
    s3_port: int
    checks: dict[str, dict] = field(default_factory=dict)

    def record(self, name: str, ok: bool, **seen) -> None:
        self.checks[name] = {"ok": bool(ok), **seen}
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {json.dumps(seen)}", file=sys.stderr)


def first_page(browser: burst.Browser, token: str) -> tuple[str, int, str]:
    """Start a response and return the first page's path, its first item and its HTML."""
    base = f"/s/{token}/"
    _, page = browser.request("welcome GET", "GET", base)
    data = {"csrfmiddlewaretoken": burst.csrf_of(page), "role": "employee"}
    if teams := burst._TEAM.findall(page):
        data["team"] = teams[0]
    response, _ = browser.request("start POST", "POST", base, data, (302,))
    path = burst.local_path(response.getheader("Location"))
    _, page = browser.request("page GET", "GET", path)
    return path, int(burst._ITEM.search(page).group(1)), page


def check_admin_edit(cluster: Cluster) -> None:
    respondent = Browser("127.0.0.1", cluster.b, 30)
    path, item, before = first_page(respondent, cluster.edit_token)
    admin = Browser("127.0.0.1", cluster.a, 30)
    admin.log_in("two-nodes-admin")
    change = f"/admin/questionnaires/item/{item}/change/"
    _, form = admin.request("admin GET", "GET", change)
    fields = [
        (name, f"{value} ({MARK})" if name in ("text_nl", "text_en") else value)
        for name, value in form_fields(form)
    ]
    admin.request("admin POST", "POST", change, fields, (302,))
    _, after = respondent.request("page GET", "GET", path)
    cluster.record(
        "an item edited through node A's admin is shown by node B at once",
        MARK not in before and MARK in after,
        item=item,
        shown_before=MARK in before,
        shown_after=MARK in after,
    )


def check_shared_rate_limit(cluster: Cluster) -> None:
    statuses = []
    for attempt in range(RESUME_LIMIT + 2):
        browser = Browser("127.0.0.1", (cluster.a, cluster.b)[attempt % 2], 30)
        _, page = browser.request("resume GET", "GET", f"/s/{cluster.token}/resume/")
        data = {"csrfmiddlewaretoken": burst.csrf_of(page), "code": "ZZZZ-ZZZZ"}
        response, _ = browser.request(
            "resume POST", "POST", f"/s/{cluster.token}/resume/", data, (400, 429)
        )
        statuses.append(response.status)
        browser.close()
    refused_from = statuses.index(429) if 429 in statuses else None
    cluster.record(
        f"a respondent's limit ({RESUME_LIMIT}/m resume codes) counts across both nodes",
        refused_from == RESUME_LIMIT and set(statuses[RESUME_LIMIT:]) == {429},
        statuses=statuses,
    )


def check_respondents(cluster: Cluster, respondents: int) -> None:
    from assessment.models import Campaign

    ports = (cluster.a, cluster.b)

    def browser(host: str, port: int, timeout: float) -> RoundRobinBrowser:
        return RoundRobinBrowser(host, port, timeout, ports=ports)

    result = burst.simulate(
        f"http://127.0.0.1:{cluster.a}",
        cluster.token,
        respondents,
        request_timeout=30,
        timeout=600,
        make_browser=browser,
    )
    verified = burst.verify(Campaign.objects.get(slug=cluster.slug), result)
    cluster.record(
        f"{respondents} respondents over both nodes: no errors, no answer lost or doubled",
        not result.errors and result.refusals == 0 and verified.ok,
        respondents=respondents,
        requests=result.requests,
        seconds=round(result.seconds, 1),
        errors=result.errors[:3],
        refusals=result.refusals,
        submitted=verified.submitted,
        answers=verified.stored_answers,
        lost=verified.lost,
        duplicated=verified.duplicated,
        wrong=verified.wrong,
        problems=verified.problems[:3],
    )


def ask_for_report(cluster: Cluster, consultant: Browser, language: str) -> str:
    url = f"/campaigns/{cluster.slug}/report.pdf?lang={language}"
    response, page = consultant.request("report GET", "GET", url, expect=(202,))
    return _STATUS.search(page).group(1).replace("&amp;", "&")


def follow(browser: Browser, status_url: str, seconds: float, until=("done", "failed")) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        _, text = browser.request("status GET", "GET", status_url)
        status = json.loads(text)
        if status["state"] in until or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def download(browser: Browser, slug: str, language: str) -> bytes:
    """The PDF's bytes, or b"" when the answer is not a PDF."""
    connection = http.client.HTTPConnection(browser.host, browser.port, timeout=60)
    headers = {
        "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
        "Host": f"{browser.host}:{browser.port}",
    }
    connection.request("GET", f"/campaigns/{slug}/report.pdf?lang={language}", headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    is_pdf = response.status == 200 and response.getheader("Content-Type") == "application/pdf"
    return body if is_pdf else b""


def check_report_across_nodes(cluster: Cluster) -> None:
    on_a = Browser("127.0.0.1", cluster.a, 60)
    on_a.log_in("two-nodes-consultant")
    status_url = ask_for_report(cluster, on_a, "en")
    on_b = on_a.on(cluster.b)
    status = follow(on_b, status_url, 180)
    pdf = download(on_b, cluster.slug, "en") if status["state"] == "done" else b""
    cluster.record(
        "a report asked for on node A is followed and downloaded on node B",
        status["state"] == "done" and pdf.startswith(b"%PDF-"),
        state=status["state"],
        pdf_bytes=len(pdf),
    )


def check_killed_worker(cluster: Cluster, first_worker: subprocess.Popen) -> None:
    from reports.models import ReportJob

    consultant = Browser("127.0.0.1", cluster.a, 60)
    consultant.log_in("two-nodes-consultant")
    status_url = ask_for_report(cluster, consultant, "nl")
    on_b = consultant.on(cluster.b)
    seen = follow(on_b, status_url, 120, until=("running", "done", "failed"))
    burst.stop_process(first_worker, signal.SIGKILL)
    killed_while = seen["state"]
    with worker(cluster.worker_env):
        status = follow(on_b, status_url, 240)
    job = ReportJob.objects.filter(language="nl").order_by("-pk").first()
    pdf = download(on_b, cluster.slug, "nl") if status["state"] == "done" else b""
    cluster.record(
        "a worker killed (SIGKILL) mid-report: the report is queued again and finishes",
        killed_while == "running"
        and status["state"] == "done"
        and pdf.startswith(b"%PDF-")
        and job is not None
        and job.attempts == 2,
        killed_while=killed_while,
        final_state=status["state"],
        attempts=job.attempts if job else None,
        pdf_bytes=len(pdf),
    )


def check_reports_only_in_the_bucket(cluster: Cluster) -> None:
    written = sorted(
        str(path)
        for directory in cluster.local_dirs
        for path in directory.rglob("*")
        if path.is_file()
    )
    in_bucket = sorted(
        entry["Key"]
        for entry in s3_client(cluster.s3_port).list_objects_v2(Bucket=BUCKET).get("Contents", [])
    )
    cluster.record(
        "the reports are in the shared bucket, none on a node's or the worker's disk",
        not written and len([key for key in in_bucket if key.endswith(".pdf")]) >= 2,
        local_files=written,
        bucket=in_bucket,
    )


# =========================================================================== the cluster


def prepare(database_url: str, env: dict[str, str]) -> tuple[str, str, str]:
    """Migrate, load the banks, make the users and two open quick-scan campaigns (one for
    the admin's edit, one for the respondents and reports); returns the first's link
    token, and the second's link token and slug."""
    os.environ.update(env)
    burst.setup_django(database_url)
    burst.prepare_database()
    from django.contrib.auth import get_user_model

    from assessment.models import Organisation

    edit = burst.create_campaign("Two nodes: an admin's edit")
    campaign = burst.create_campaign("Two nodes")
    users = get_user_model().objects
    consultant = users.get(username="bench-consultant")
    consultant.username = "two-nodes-consultant"
    consultant.set_password(PASSWORD)
    consultant.save()
    Organisation.objects.filter(pk=campaign.organisation_id).update(owner=consultant)
    users.create_superuser("two-nodes-admin", "admin@example.org", PASSWORD)
    return edit.token, campaign.token, campaign.slug


def s3_client(port: int):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="two-nodes",
        aws_secret_access_key="two-nodes",  # noqa: S106 - the scratch object store's
    )


def shared_env(database_url: str, redis_port: int, s3_port: int) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/0",
        "REPORT_S3_BUCKET": BUCKET,
        "REPORT_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
        "REPORT_S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "two-nodes",
        "AWS_SECRET_ACCESS_KEY": "two-nodes",
        "REPORT_JOB_STALE_SECONDS": "3",
        "REPORT_HEARTBEAT_SECONDS": "0.5",
        "RATELIMIT_RESUME_PER_IP": f"{RESUME_LIMIT}/m",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }


def run(args: argparse.Namespace) -> Cluster:
    with (
        tempfile.TemporaryDirectory(prefix="klantscan-two-nodes-") as scratch,
        burst.scratch_database("postgres", None, False, args.pg_server) as (database_url, _),
    ):
        directory = Path(scratch)
        ports = [burst.free_port() for _ in range(2)]
        env = shared_env(database_url, *ports)
        local_dirs = tuple(directory / machine / "var" for machine in ("a", "b", "worker"))
        for local_dir in local_dirs:
            local_dir.mkdir(parents=True)
        with redis(ports[0], directory), object_store(ports[1]):
            s3_client(ports[1]).create_bucket(Bucket=BUCKET)
            edit_token, token, slug = prepare(database_url, env)
            worker_env = {
                **os.environ,
                **env,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "REPORT_DIR": str(local_dirs[2] / "reports"),
            }
            with (
                worker(worker_env) as first_worker,
                node(database_url, env, local_dirs[0]) as a,
                node(database_url, env, local_dirs[1]) as b,
            ):
                cluster = Cluster(
                    a, b, edit_token, token, slug, worker_env, local_dirs, s3_port=ports[1]
                )
                check_admin_edit(cluster)
                check_shared_rate_limit(cluster)
                check_respondents(cluster, args.respondents)
                check_report_across_nodes(cluster)
                check_killed_worker(cluster, first_worker)
                check_reports_only_in_the_bucket(cluster)
        from django.db import connections

        connections.close_all()
        return cluster


@contextlib.contextmanager
def node(database_url: str, env: dict[str, str], var: Path) -> Iterator[int]:
    """One app node: gunicorn with 2 workers, its own var/ folder (REPORT_DIR)."""
    with burst.gunicorn(
        database_url, raise_limits=False, extra_env={**env, "REPORT_DIR": str(var / "reports")}
    ) as base_url:
        yield urllib.parse.urlsplit(base_url).port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--pg-server", default=burst.DEFAULT_PG_SERVER)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    for program in ("redis-server", str(BIN / "moto_server")):
        if not shutil.which(program):
            parser.error(f"{program} is needed (Debian: redis-server; pip: moto[server])")
    cluster = run(args)
    passed = all(check["ok"] for check in cluster.checks.values())
    if args.json:
        print(json.dumps({"passed": passed, "checks": cluster.checks}))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
