"""Workshop burst: 200 respondents complete the quick scan at once, against gunicorn.

    .venv/bin/python bench/burst.py                       # SQLite, then PostgreSQL
    .venv/bin/python bench/burst.py --db sqlite --respondents 50
    .venv/bin/python bench/burst.py --db postgres --database-url postgres://postgres@127.0.0.1:5432/x
    .venv/bin/python bench/burst.py --db sqlite --respondents 20 --no-latency-budget
    .venv/bin/python bench/burst.py --arrival 0 --think 0     # everyone at once, no pauses
    .venv/bin/python bench/burst.py --raise-limits            # rate limits out of the way

Per database: a scratch database (a SQLite file in a temp dir; for PostgreSQL a scratch
database created on --pg-server and dropped, or --database-url, where only the bench's
own organisation is removed afterwards) is migrated and loaded with the question banks;
an open campaign on the QUICK scan is created; gunicorn serves the app on a free port of
127.0.0.1 (2 gthread workers by default); then every simulated respondent, each in a
thread with its own keep-alive connection and cookies, does what a browser does: GET the
welcome page, POST the start (role and team, real CSRF token), GET + POST every page, GET
the review, POST the submit, GET the thanks page. Afterwards the database is checked: every
respondent's response is submitted and holds exactly the answers they gave (values
compared one by one; none lost, none duplicated).

The load is a workshop: the respondents open the link spread over --arrival seconds (60)
and spend --think seconds (5) on each page; `--arrival 0 --think 0` makes it a pure
throughput test, where latency measures the queue more than the app.

Everyone comes from 127.0.0.1, as a workshop behind one NAT address does, and the app runs
with the rate limits it ships with (config/settings.py; RATELIMIT_* variables in the
environment are ignored), so a limit that would refuse the room shows up as HTTP 429
refusals. --raise-limits raises them far out of the way instead (the middleware still
runs, so its cost is measured), for loads beyond a workshop.

Prints p50/p95/max latency per page type, errors, 429 refusals and throughput, and exits
non-zero when the budget (docs/design.md) is missed: 0 errors, 0 lost or duplicated answers,
p95 < 500 ms.
With --no-latency-budget the exit status only says whether the burst was correct (no
errors, every respondent submitted, every answer stored exactly once): that is how
tests/security/test_burst_small.py runs a 20-respondent burst in the test suite, as a
subprocess against gunicorn, without timing anything. Bounded: every request times out
after --request-timeout, the whole burst after --timeout, and gunicorn is stopped at the
end in any case.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_P95_MS = 500.0
# The workshop: the QR code goes up, everyone in the room opens it within a minute, and
# fast readers spend a few seconds on a page. With both at 0 the bench is a throughput
# test instead: latency is then the queue of 200 clients that never wait.
WORKSHOP_ARRIVAL = 60.0
WORKSHOP_THINK = 5.0
DEFAULT_PG_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_ORGANISATION = "Bench burst"
ANSWER_VALUES = ("1", "2", "3", "4", "5", "dk")
PAGE_TYPES = (
    "welcome GET",
    "start POST",
    "page GET",
    "page POST",
    "review GET",
    "submit POST",
    "thanks GET",
)

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ITEM = re.compile(r'name="i-(\d+)"')
_TEAM = re.compile(r'name="team" value="(\d+)"')


def answer_for(respondent: int, item_id: int) -> str:
    """The answer respondent `respondent` gives to item `item_id` (deterministic)."""
    return ANSWER_VALUES[(respondent * 7 + item_id * 3) % len(ANSWER_VALUES)]


# =========================================================================== a respondent


class Failure(Exception):
    pass


@dataclass
class Browser:
    """Just enough of a browser: one keep-alive connection, cookies, form posts."""

    host: str
    port: int
    timeout: float
    cookies: dict[str, str] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)
    refusals: int = 0  # HTTP 429: a rate limit refused the request
    connection: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, kind: str, method: str, path: str, data=None, expect=(200,)):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"Accept-Language": "en", "Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):  # a kept-alive connection the server closed: reconnect once
            started = time.perf_counter()
            try:
                connection = self._connection()
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt:
                    raise
                continue
            break
        elapsed = time.perf_counter() - started
        self.timings.append((kind, elapsed))
        if response.status == 429:
            self.refusals += 1
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
        if response.status not in expect:
            raise Failure(f"{kind} {path}: HTTP {response.status} {content[:200]!r}")
        return response, content.decode("utf-8", "replace")

    def response_key(self) -> str:
        """The response key in the respondent cookie (signed, not encrypted)."""
        for name, value in self.cookies.items():
            if name.startswith("kgs_r"):
                value = urllib.parse.unquote(value.strip('"'))
                return value.split(":", 1)[0].split(".", 1)[0]
        raise Failure("no respondent cookie")


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    if not match:
        raise Failure("no CSRF token in the page")
    return match.group(1)


def local_path(location: str) -> str:
    return urllib.parse.urlsplit(location).path


def respond(browser: Browser, token: str, number: int, think: float = 0.0) -> dict[int, str]:
    """One respondent's whole visit; returns the answers given (item id -> value)."""
    given: dict[int, str] = {}
    base = f"/s/{token}/"
    _, html = browser.request("welcome GET", "GET", base)
    teams = _TEAM.findall(html)
    data = {
        "csrfmiddlewaretoken": csrf_of(html),
        "role": ("board", "manager", "employee")[number % 3],
    }
    if teams:
        data["team"] = teams[number % len(teams)]
    response, _ = browser.request("start POST", "POST", base, data, expect=(302,))
    path = local_path(response.getheader("Location"))
    pages = 0
    while "/p/" in path:
        pages += 1
        if pages > 100:
            raise Failure("more than 100 pages")
        _, html = browser.request("page GET", "GET", path)
        items = sorted({int(pk) for pk in _ITEM.findall(html)})
        if not items:
            raise Failure(f"no statements on {path}")
        answers = {pk: answer_for(number, pk) for pk in items}
        if think:
            time.sleep(think)
        data = {"csrfmiddlewaretoken": csrf_of(html), "action": "next"}
        data.update({f"i-{pk}": value for pk, value in answers.items()})
        response, _ = browser.request("page POST", "POST", path, data, expect=(302,))
        given.update(answers)
        path = local_path(response.getheader("Location"))
    if not path.endswith("/review/"):
        raise Failure(f"expected the review, got {path}")
    _, html = browser.request("review GET", "GET", path)
    data = {"csrfmiddlewaretoken": csrf_of(html)}
    response, _ = browser.request("submit POST", "POST", f"{base}submit/", data, expect=(302,))
    browser.request("thanks GET", "GET", local_path(response.getheader("Location")))
    return given


# =========================================================================== the burst


@dataclass
class BurstResult:
    respondents: int
    seconds: float
    timings: dict[str, list[float]]
    errors: list[str]
    answers: dict[int, dict[int, str]]  # respondent -> answers given
    keys: dict[int, str]  # respondent -> response key
    refusals: int  # HTTP 429 responses

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.timings.values())

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, kind: str | None, q: float) -> float:
        values = sorted(v for k, vals in self.timings.items() if kind in (None, k) for v in vals)
        if not values:
            return 0.0
        index = min(len(values) - 1, max(0, round(q / 100 * len(values) + 0.5) - 1))
        return values[index] * 1000

    def table(self) -> str:
        lines = [f"{'page type':<13} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"]
        for kind in (*PAGE_TYPES, None):
            n = len(self.timings.get(kind, [])) if kind else self.requests
            if not n:
                continue
            lines.append(
                f"{kind or 'all':<13} {n:>6} {self.percentile(kind, 50):>8.1f} "
                f"{self.percentile(kind, 95):>8.1f} {self.percentile(kind, 100):>8.1f}"
            )
        return "\n".join(lines)


def simulate(
    base_url: str,
    token: str,
    respondents: int,
    *,
    think: float = 0.0,
    arrival: float = 0.0,
    request_timeout: float = 30.0,
    timeout: float = 300.0,
    make_browser: Callable[[str, int, float], Browser] = Browser,
) -> BurstResult:
    """Let `respondents` people complete the campaign `token` at once (one thread each):
    they open the link spread evenly over `arrival` seconds and spend `think` seconds on
    each page before sending it. `make_browser(host, port, timeout)` makes each one's
    browser (scripts/two_nodes.py spreads their requests over two servers)."""
    parts = urllib.parse.urlsplit(base_url)
    host, port = parts.hostname, parts.port or 80
    errors: list[str] = []
    answers: dict[int, dict[int, str]] = {}
    keys: dict[int, str] = {}
    timings: dict[str, list[float]] = defaultdict(list)
    refusals = 0
    lock = threading.Lock()
    gate = threading.Barrier(respondents + 1)

    def run(number: int) -> None:
        nonlocal refusals
        browser = make_browser(host, port, request_timeout)
        try:
            gate.wait(timeout=60)
            time.sleep(arrival * number / respondents)
            given = respond(browser, token, number, think)
            key = browser.response_key()
        except Exception as error:  # every failure is counted and shown
            with lock:
                errors.append(f"respondent {number}: {type(error).__name__}: {error}")
        else:
            with lock:
                answers[number], keys[number] = given, key
        finally:
            browser.close()
            with lock:
                refusals += browser.refusals
                for kind, seconds in browser.timings:
                    timings[kind].append(seconds)

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(respondents)]
    for thread in threads:
        thread.start()
    gate.wait(timeout=60)
    started = time.perf_counter()
    deadline = started + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.perf_counter()))
    elapsed = time.perf_counter() - started
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        errors.append(f"{stuck} respondents still busy after {timeout:.0f} s")
    return BurstResult(respondents, elapsed, dict(timings), errors, answers, keys, refusals)


@dataclass
class Verification:
    submitted: int
    expected_answers: int
    stored_answers: int
    lost: int
    duplicated: int
    wrong: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.wrong or self.problems)


def verify(campaign, result: BurstResult) -> Verification:
    """Compare the database with what every respondent answered (needs Django set up)."""
    from django.db.models import Count

    from assessment.models import Answer, Response
    from assessment.tokens import digest

    problems: list[str] = []
    responses = {r.key_digest: r for r in Response.objects.filter(campaign=campaign).order_by("pk")}
    submitted = sum(r.status == Response.SUBMITTED for r in responses.values())
    duplicated = sum(
        row["n"] - 1
        for row in Answer.objects.filter(response__campaign=campaign)
        .values("response_id", "item_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    stored_total = Answer.objects.filter(response__campaign=campaign).count()
    expected_total = lost = wrong = 0
    by_response: dict[int, dict[int, int | None]] = defaultdict(dict)
    for response_id, item_id, value in Answer.objects.filter(
        response__campaign=campaign
    ).values_list("response_id", "item_id", "value"):
        by_response[response_id][item_id] = value
    for number, given in sorted(result.answers.items()):
        expected_total += len(given)
        response = responses.get(digest("response", result.keys[number]))
        if response is None:
            problems.append(f"respondent {number}: no response in the database")
            lost += len(given)
            continue
        if response.status != Response.SUBMITTED:
            problems.append(f"respondent {number}: response #{response.pk} not submitted")
        stored = by_response.get(response.pk, {})
        for item_id, value in given.items():
            if item_id not in stored:
                lost += 1
            elif stored[item_id] != (None if value == "dk" else int(value)):
                wrong += 1
        extra = set(stored) - set(given)
        if extra:
            problems.append(f"respondent {number}: answers nobody gave: {sorted(extra)}")
    if len(responses) != len(result.answers):
        problems.append(
            f"{len(responses)} responses in the database for {len(result.answers)} respondents"
        )
    return Verification(submitted, expected_total, stored_total, lost, duplicated, wrong, problems)


# =========================================================================== the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Everyone shares 127.0.0.1 (and may not wait between pages): with raised limits nobody is
# refused, while the middleware still runs, so its cost is measured.
RAISED_LIMITS = {
    "RATELIMIT_RESPONDENT_PER_IP": "10000000/m",
    "RATELIMIT_RESPONDENT_PER_COOKIE": "1000000/m",
}


def bench_env(database_url: str, *, raise_limits: bool = True) -> dict[str, str]:
    """The server's environment; without `raise_limits`, with the limits the app ships with
    (also when this shell sets RATELIMIT_* variables)."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if raise_limits or not name.startswith("RATELIMIT_")
    }
    env = {
        **inherited,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
        **(RAISED_LIMITS if raise_limits else {}),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


@contextmanager
def gunicorn(
    database_url: str,
    *,
    workers: int = 2,
    worker_class: str = "gthread",
    threads: int = 4,
    max_seconds: float = 600.0,
    raise_limits: bool = True,
    settings_module: str = "bench.settings",
    extra_env: Mapping[str, str] | None = None,
):
    """gunicorn serving the app on a free port of 127.0.0.1; yields the base URL.
    `settings_module`: bench.settings_bare serves only the bare page, outside the app's
    middleware. `extra_env` is added to the environment last."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--keep-alive",
        "30",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    env = {
        **bench_env(database_url, raise_limits=raise_limits),
        "DJANGO_SETTINGS_MODULE": settings_module,
        **(extra_env or {}),
    }
    process = subprocess.Popen(command, env=env, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    killer = threading.Timer(max_seconds, lambda: os.killpg(process.pid, signal.SIGKILL))
    killer.daemon = True
    killer.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        yield base_url
    finally:
        killer.cancel()
        stop_process(process)


def stop_process(process: subprocess.Popen, how: int = signal.SIGTERM) -> None:
    """Stop a process started in a session of its own, with its children: `how`, then
    SIGKILL if it is still there after 15 s."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, how)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# =========================================================================== databases


def setup_django(database_url: str) -> None:
    os.environ.update(
        {k: v for k, v in bench_env(database_url).items() if k not in ("PYTHONPATH",)}
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare_database() -> None:
    from django.core.management import call_command

    from questionnaires.models import Questionnaire

    call_command("migrate", verbosity=0, interactive=False)
    if not Questionnaire.objects.filter(code="quick").exists():
        call_command("load_question_banks", verbosity=0, stdout=io.StringIO())


def create_campaign(name: str, teams: int = 3):
    """An open campaign on the quick scan with `teams` teams, in the bench organisation."""
    from django.contrib.auth import get_user_model

    from assessment import campaigns as rules
    from assessment import teams as team_rules
    from assessment.models import Campaign, Organisation
    from questionnaires.models import Questionnaire

    user, _ = get_user_model().objects.get_or_create(username="bench-consultant")
    organisation, _ = Organisation.objects.get_or_create(name=BENCH_ORGANISATION, owner=user)
    return rules.create_campaign(
        organisation=organisation,
        name=name,
        slug=f"bench-{uuid.uuid4().hex[:10]}",
        questionnaire=Questionnaire.objects.get(code="quick"),
        teams=[team_rules.TeamSpec(f"Team {chr(65 + n)}") for n in range(teams)],
        anonymity_threshold=5,
        language="en",
        status=Campaign.OPEN,
    )


def remove_bench_data() -> None:
    from django.db import connections

    from assessment.models import Organisation

    for organisation in Organisation.objects.filter(name=BENCH_ORGANISATION):
        organisation.delete()
    connections.close_all()


@contextmanager
def scratch_database(
    kind: str, database_url: str | None, keep: bool, pg_server: str = DEFAULT_PG_SERVER
):
    """A database URL for the run, and its clean-up afterwards.

    PostgreSQL: `database_url` is used as it is (only the bench's data is removed
    afterwards); without it a scratch database is created through `pg_server` (a URL of
    any database on the server, normally `postgres`) and dropped afterwards.
    """
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="klantscan-burst-") as directory:
            yield f"sqlite:///{directory}/bench.sqlite3", False
        return
    if database_url:
        yield database_url, not keep  # someone else's database: remove only our data
        return
    import psycopg

    name = f"klantscan_burst_{uuid.uuid4().hex[:8]}"
    server = urllib.parse.urlsplit(pg_server)
    with psycopg.connect(pg_server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server._replace(path=f"/{name}").geturl(), False
    finally:
        if not keep:
            try:
                from django.db import connections

                connections.close_all()
            except Exception as error:  # the drop below must run regardless
                print(f"closing the connections failed ({error!r}); dropping with FORCE")
            with psycopg.connect(pg_server, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# =========================================================================== main


def run_one(args: argparse.Namespace) -> dict:
    with scratch_database(args.db, args.database_url, args.keep, args.pg_server) as (
        url,
        clean_up,
    ):
        setup_django(url)
        prepare_database()
        warm_up = create_campaign("Bench warm-up")
        campaign = create_campaign("Bench burst")
        label = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        print(
            f"\n== {label}: {args.respondents} respondents, quick scan, gunicorn "
            f"{args.workers} {args.worker_class} workers x {args.threads} threads, "
            f"arrivals over {args.arrival:g} s, think {args.think:g} s per page, "
            f"{'raised' if args.raise_limits else 'shipped'} rate limits ==",
            flush=True,
        )
        try:
            with gunicorn(
                url,
                workers=args.workers,
                worker_class=args.worker_class,
                threads=args.threads,
                max_seconds=args.timeout + 120,
                raise_limits=args.raise_limits,
            ) as base_url:
                warm = simulate(base_url, warm_up.token, min(4, args.respondents))
                if warm.errors:
                    print("warm-up errors:", *warm.errors[:5], sep="\n  ")
                result = simulate(
                    base_url,
                    campaign.token,
                    args.respondents,
                    think=args.think,
                    arrival=args.arrival,
                    request_timeout=args.request_timeout,
                    timeout=args.timeout,
                )
            check = verify(campaign, result)
        finally:
            if clean_up:
                remove_bench_data()
    p95 = result.percentile(None, 95)
    summary = {
        "database": label,
        "respondents": args.respondents,
        "arrival_s": args.arrival,
        "think_s": args.think,
        "requests": result.requests,
        "seconds": round(result.seconds, 2),
        "throughput": round(result.throughput, 1),
        "errors": len(result.errors),
        "refused_429": result.refusals,
        "rate_limits": "raised" if args.raise_limits else "shipped",
        "submitted": check.submitted,
        "answers_expected": check.expected_answers,
        "answers_stored": check.stored_answers,
        "lost": check.lost,
        "duplicated": check.duplicated,
        "wrong": check.wrong,
        "p50_ms": round(result.percentile(None, 50), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(result.percentile(None, 100), 1),
        "per_page": {
            kind: {
                "n": len(result.timings.get(kind, [])),
                "p50_ms": round(result.percentile(kind, 50), 1),
                "p95_ms": round(result.percentile(kind, 95), 1),
                "max_ms": round(result.percentile(kind, 100), 1),
            }
            for kind in PAGE_TYPES
        },
    }
    summary["correct"] = bool(
        not result.errors
        and check.ok
        and check.submitted == args.respondents
        and check.stored_answers == check.expected_answers > 0
    )
    summary["budget_met"] = summary["correct"] and p95 < BUDGET_P95_MS
    print(result.table())
    print(
        f"{result.requests} requests in {result.seconds:.2f} s = {result.throughput:.0f} req/s; "
        f"errors {len(result.errors)} ({result.refusals} refused with HTTP 429); submitted "
        f"{check.submitted}/{args.respondents}; answers "
        f"{check.stored_answers} stored / {check.expected_answers} given; lost {check.lost}, "
        f"duplicated {check.duplicated}, wrong {check.wrong}"
    )
    for line in (result.errors + check.problems)[:10]:
        print("  !", line)
    print(
        "correct (0 errors, all submitted, every answer stored once): "
        + ("yes" if summary["correct"] else "NO")
    )
    print(
        f"budget (0 errors, 0 lost/duplicated, p95 < {BUDGET_P95_MS:.0f} ms): "
        + ("met" if summary["budget_met"] else "MISSED")
    )
    print("JSON " + json.dumps(summary), flush=True)
    return summary


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    """--db, --database-url and --pg-server, shared by the benches that use gunicorn."""
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--database-url", help="PostgreSQL database to use (not dropped).")
    parser.add_argument(
        "--pg-server",
        default=DEFAULT_PG_SERVER,
        help="PostgreSQL server on which the scratch database is created and dropped "
        f"(a URL of an existing database there; default {DEFAULT_PG_SERVER}).",
    )


def run_per_database(script: str, argv: list[str] | None) -> list[dict]:
    """Run `script` once with --db sqlite and once with --db postgres (Django is set up
    once per process) and return the summary each printed as its last "JSON " line."""
    summaries = []
    for kind in ("sqlite", "postgres"):
        child_args = [*(argv if argv is not None else sys.argv[1:]), "--db", kind]
        process = subprocess.run(
            [sys.executable, script, *child_args], capture_output=True, text=True, check=False
        )
        sys.stdout.write(process.stdout)
        sys.stderr.write(process.stderr[-3000:])
        lines = [line for line in process.stdout.splitlines() if line.startswith("JSON ")]
        summaries.append(json.loads(lines[-1][5:]) if lines else {"database": kind})
    return summaries


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument(
        "--think",
        type=float,
        default=WORKSHOP_THINK,
        help="Seconds each respondent spends on a page before posting it "
        f"(default {WORKSHOP_THINK:g}: a quick reader; 0 for a pure throughput test).",
    )
    parser.add_argument(
        "--arrival",
        type=float,
        default=WORKSHOP_ARRIVAL,
        help="Seconds over which the respondents open the link, evenly spread "
        f"(default {WORKSHOP_ARRIVAL:g}: a room scanning the QR code; 0: all at once).",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--request-timeout", type=float, default=30.0)
    parser.add_argument("--timeout", type=float, default=300.0, help="Bound for the whole burst.")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch PostgreSQL database.")
    parser.add_argument(
        "--raise-limits",
        action="store_true",
        help="Raise the respondent rate limits far out of the way (default: the shipped "
        "limits, so that refusals of a room behind one address show up as HTTP 429).",
    )
    parser.add_argument(
        "--no-latency-budget",
        action="store_true",
        help="Exit 0 when the burst is correct, whatever the latency (for the test suite).",
    )
    return parser.parse_args(argv)


def passed(summary: dict, args: argparse.Namespace) -> bool:
    return bool(summary.get("correct" if args.no_latency_budget else "budget_met"))


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.db != "both":
        return 0 if passed(run_one(args), args) else 1
    summaries = run_per_database(__file__, argv)
    print("\n== summary ==")
    for s in summaries:
        print(
            f"{s.get('database'):<11} errors {s.get('errors')} "
            f"({s.get('refused_429')} refused), lost {s.get('lost')}, "
            f"duplicated {s.get('duplicated')}, p50 {s.get('p50_ms')} ms, p95 {s.get('p95_ms')} "
            f"ms, max {s.get('max_ms')} ms, {s.get('throughput')} req/s: "
            + ("budget met" if s.get("budget_met") else "budget MISSED")
        )
    return 0 if all(passed(s, args) for s in summaries) else 1


if __name__ == "__main__":
    sys.exit(main())
