"""Throughput of a 10-item respondent page against a bare template, in one run.

    .venv/bin/python bench/respondent_page.py                 # SQLite, then PostgreSQL
    .venv/bin/python bench/respondent_page.py --db sqlite --duration 5

Per database (see bench/burst.py for the scratch databases): gunicorn (2 sync workers by
default, as in docs/design.md) serves the app with bench/settings.py, which adds one bare page:
the same 10 radio groups of 6 options from a template compiled once, no database, no
cookie (bench/urls.py). A second gunicorn, alike, serves only that page with no middleware
at all (bench/settings_bare.py): a bare Django project. Then, each for --duration seconds
with --connections connections:

    floor GET       the bare page outside the app's middleware: the floor
    floor POST      its POST: reads the 10 fields, redirects
    bare GET        the bare page inside the app's middleware (security headers, CSRF,
                    language, rate limits, body limits): what the middleware costs
    bare POST       its POST
    page GET        the quick scan's 10-item page of a started respondent: the signed
                    cookie, the campaign, the response and its answers from the database
    page POST       saving that page (10 answers, real CSRF token), redirect
    page GET+POST   the two alternating: what a respondent does (the budget)

Requests rotate over --respondents started respondents. The load comes from wrk when it
is installed (`apt-get install wrk`), else from a Python load generator (processes x
threads, slower than wrk, so it understates both sides). Budget (docs/design.md): page
GET+POST >= 40% of the floor (floor GET) measured in the same run.

The scenarios take turns in --rounds rounds (each round runs every scenario for
duration / rounds seconds), so that other work on the machine that comes and goes during
the run weighs on all of them alike; a scenario's rate is its requests over its seconds,
summed over the rounds. Beside the rates the script prints the CPU time the gunicorn
workers spent per request (the database server's is not counted), which hardly depends on
what else runs on the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import burst

BUDGET_RATIO = 0.40
PAGE_KB_BUDGET = 150
PAGE = 7  # the quick scan's keys: 10 statements and the framework's comment box
BARE_PATH = "/bench/bare/"
BARE_ITEMS = [1000 + n for n in range(1, 11)]


# =========================================================================== requests


def prepare_respondents(base_url: str, token: str, count: int) -> list[dict]:
    """Start `count` respondents and save page PAGE once; their cookies, token and items."""
    parts = urllib.parse.urlsplit(base_url)
    prepared = []
    for number in range(count):
        browser = burst.Browser(parts.hostname, parts.port, 30)
        _, html = browser.request("welcome GET", "GET", f"/s/{token}/")
        data = {"csrfmiddlewaretoken": burst.csrf_of(html), "role": "employee"}
        teams = burst._TEAM.findall(html)
        if teams:
            data["team"] = teams[0]
        browser.request("start POST", "POST", f"/s/{token}/", data, expect=(302,))
        path = f"/s/{token}/p/{PAGE}/"
        _, html = browser.request("page GET", "GET", path)
        page_bytes = len(html.encode())
        items = sorted({int(pk) for pk in burst._ITEM.findall(html)})
        assert len(items) == 10, f"page {PAGE} has {len(items)} statements, expected 10"
        csrf = burst.csrf_of(html)
        body = {"csrfmiddlewaretoken": csrf, "action": "next"}
        body.update({f"i-{pk}": burst.answer_for(number, pk) for pk in items})
        browser.request("page POST", "POST", path, body, expect=(302,))
        browser.close()
        prepared.append(
            {
                "path": path,
                "cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
                "body": urllib.parse.urlencode(body),
                "bytes": page_bytes,
            }
        )
    return prepared


def bare_requests(base_url: str, prefix: str) -> dict[str, list[tuple[str, str, dict, str]]]:
    parts = urllib.parse.urlsplit(base_url)
    browser = burst.Browser(parts.hostname, parts.port, 30)
    _, html = browser.request("bare GET", "GET", BARE_PATH)
    body = {"csrfmiddlewaretoken": burst.csrf_of(html), **{f"i-{pk}": "4" for pk in BARE_ITEMS}}
    browser.request("bare POST", "POST", BARE_PATH, body, expect=(302,))
    browser.close()
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    return {
        f"{prefix} GET": [("GET", BARE_PATH, {"Cookie": cookie}, "")],
        f"{prefix} POST": [
            ("POST", BARE_PATH, {"Cookie": cookie, **form}, urllib.parse.urlencode(body))
        ],
    }


def page_requests(respondents: list[dict]) -> dict[str, list[tuple[str, str, dict, str]]]:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    gets = [("GET", r["path"], {"Cookie": r["cookie"]}, "") for r in respondents]
    posts = [("POST", r["path"], {"Cookie": r["cookie"], **form}, r["body"]) for r in respondents]
    both = [request for pair in zip(gets, posts, strict=True) for request in pair]
    return {"page GET": gets, "page POST": posts, "page GET+POST": both}


# =========================================================================== load: wrk

LUA = """
local requests = {}
local index = 0
local all = %s
function init(args)
  for i, r in ipairs(all) do
    requests[i] = wrk.format(r[1], r[2], r[3], r[4] ~= "" and r[4] or nil)
  end
  index = math.random(0, #requests - 1)
  if #requests %% 2 == 0 then index = index - index %% 2 end
end
function request()
  index = index %% #requests + 1
  return requests[index]
end
"""


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _lua_table(requests) -> str:
    rows = []
    for method, path, headers, body in requests:
        header_table = ", ".join(
            f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()
        )
        fields = [_lua_string(method), _lua_string(path), f"{{{header_table}}}", _lua_string(body)]
        rows.append("{" + ", ".join(fields) + "}")
    return "{" + ",\n".join(rows) + "}"


def load_wrk(base_url: str, requests, duration: float, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % _lua_table(requests))
    threads = max(1, min(2, connections))
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(duration))}s",
            "--latency",
            "-s",
            script.name,
            base_url,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=duration + 60,
    )
    Path(script.name).unlink(missing_ok=True)
    out = result.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    p50 = re.search(r"50%\s+([\d.]+)(\w+)", out)
    if not rate:
        raise RuntimeError(f"wrk failed: {out}\n{result.stderr}")
    return {
        "rps": float(rate.group(1)),
        "requests": int(total.group(1)) if total else 0,
        "errors": int(bad.group(1)) if bad else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
        "p50": f"{p50.group(1)}{p50.group(2)}" if p50 else "",
    }


# =========================================================================== load: Python


def _python_worker(base_url, requests, duration, threads, start, queue) -> None:
    parts = urllib.parse.urlsplit(base_url)
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()

    def run(offset: int) -> None:
        connection = None
        index = offset
        while time.time() < start + duration:
            method, path, headers, body = requests[index % len(requests)]
            index += 1
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                connection.request(method, path, body=body or None, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except OSError:
                ok = False
                if connection is not None:
                    connection.close()
                connection = None
            with lock:
                counts["ok" if ok else "errors"] += 1

    while time.time() < start:
        time.sleep(0.01)
    workers = [threading.Thread(target=run, args=(n * 2,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put(counts)


def load_python(base_url: str, requests, duration: float, connections: int) -> dict:
    processes = min(4, connections)
    per_process = [
        connections // processes + (n < connections % processes) for n in range(processes)
    ]
    queue = multiprocessing.Queue()
    start = time.time() + 1.0
    workers = [
        multiprocessing.Process(
            target=_python_worker, args=(base_url, requests, duration, n, start, queue)
        )
        for n in per_process
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=duration + 120) for _ in workers]
    for worker in workers:
        worker.join()
    ok = sum(r["ok"] for r in results)
    errors = sum(r["errors"] for r in results)
    return {
        "rps": (ok + errors) / duration,
        "requests": ok + errors,
        "errors": errors,
        "socket_errors": "",
        "p50": "",
    }


# =========================================================================== server CPU

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the state on


def gunicorn_workers(base_url: str) -> list[int]:
    """The worker processes of the gunicorn this process started for `base_url`."""
    bind = urllib.parse.urlsplit(base_url).netloc
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    for pid in children.get(os.getpid(), []):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if bind.encode() in command:
            return children.get(pid, [])
    return []


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (0 where /proc has no answer)."""
    ticks = 0
    for pid in pids:
        fields = _stat(pid)
        if fields:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / CLOCK_TICKS


# =========================================================================== main


def combine(rounds: list[dict]) -> dict:
    """One scenario's rounds as one run: requests over seconds, CPU over requests."""
    requests = sum(r["requests"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    cpu = sum(r["cpu"] for r in rounds)
    return {
        "rps": requests / seconds if seconds else 0.0,
        "requests": requests,
        "errors": sum(r["errors"] for r in rounds),
        "socket_errors": "; ".join(r["socket_errors"] for r in rounds if r["socket_errors"]),
        "p50": rounds[len(rounds) // 2]["p50"],
        "cpu_ms": cpu * 1000 / requests if requests else 0.0,
    }


def run_one(args: argparse.Namespace) -> dict:
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    with burst.scratch_database(args.db, args.database_url, args.keep, args.pg_server) as (
        url,
        clean_up,
    ):
        burst.setup_django(url)
        burst.prepare_database()
        campaign = burst.create_campaign("Bench respondent page", teams=0)
        label = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        print(
            f"\n== {label}: gunicorn {args.workers} {args.worker_class} workers, {tool}, "
            f"{args.connections} connections, {args.duration:g} s per scenario in "
            f"{args.rounds} rounds ==",
            flush=True,
        )
        results: dict[str, dict] = {}
        server = {
            "workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads,
            "max_seconds": args.duration * 8 + 300,
        }
        try:
            with (
                burst.gunicorn(url, **server) as base_url,
                burst.gunicorn(url, settings_module="bench.settings_bare", **server) as floor_url,
            ):
                respondents = prepare_respondents(base_url, campaign.token, args.respondents)
                page_kb = max(r["bytes"] for r in respondents) / 1024
                print(f"page {PAGE}: {page_kb:.1f} KB of HTML (budget {PAGE_KB_BUDGET} KB)")
                scenarios = {
                    name: (floor_url, requests)
                    for name, requests in bare_requests(floor_url, "floor").items()
                }
                scenarios |= {
                    name: (base_url, requests)
                    for name, requests in {
                        **bare_requests(base_url, "bare"),
                        **page_requests(respondents),
                    }.items()
                }
                load = load_wrk if tool == "wrk" else load_python
                for name in ("floor GET", "bare GET", "page GET+POST"):  # warm up
                    load(*scenarios[name], 2, args.connections)
                workers = {
                    floor_url: gunicorn_workers(floor_url),
                    base_url: gunicorn_workers(base_url),
                }
                seconds = max(1.0, args.duration / args.rounds)
                for _round in range(args.rounds):
                    for name, (server_url, requests) in scenarios.items():
                        cpu = cpu_seconds(workers[server_url])
                        r = load(server_url, requests, seconds, args.connections)
                        r["cpu"] = cpu_seconds(workers[server_url]) - cpu
                        r["seconds"] = r["requests"] / r["rps"] if r["rps"] else seconds
                        results.setdefault(name, []).append(r)
                results = {name: combine(rounds) for name, rounds in results.items()}
                for name, r in results.items():
                    print(
                        f"{name:<14} {r['rps']:>8.0f} req/s  errors {r['errors']}  "
                        f"{r['cpu_ms']:.2f} CPU ms/request"
                        + (f"  p50 {r['p50']}" if r["p50"] else "")
                        + (f"  socket errors: {r['socket_errors']}" if r["socket_errors"] else ""),
                        flush=True,
                    )
        finally:
            if clean_up:
                burst.remove_bench_data()
    floor = results["floor GET"]["rps"]
    ratios = {name: results[name]["rps"] / floor for name in results if name != "floor GET"}
    errors = sum(r["errors"] for r in results.values())
    summary = {
        "database": label,
        "tool": tool,
        "workers": f"{args.workers} {args.worker_class}",
        "rps": {name: round(r["rps"], 1) for name, r in results.items()},
        "cpu_ms": {name: round(r["cpu_ms"], 3) for name, r in results.items()},
        "ratios": {name: round(v, 3) for name, v in ratios.items()},
        "errors": errors,
        "page_kb": round(page_kb, 1),
        "budget_met": errors == 0
        and ratios["page GET+POST"] >= BUDGET_RATIO
        and page_kb < PAGE_KB_BUDGET,
    }
    for name, ratio in ratios.items():
        cpu_ms = results[name]["cpu_ms"]
        cpu_ratio = results["floor GET"]["cpu_ms"] / cpu_ms if cpu_ms else 0.0
        print(
            f"{name:<14} {ratio:>7.1%} of the floor (bare template, no middleware) "
            + (f"(by gunicorn CPU per request: {cpu_ratio:.1%})" if cpu_ratio else "")
        )
    print(
        f"budget (page GET+POST >= {BUDGET_RATIO:.0%} of the floor, page under "
        f"{PAGE_KB_BUDGET} KB, no errors): " + ("met" if summary["budget_met"] else "MISSED")
    )
    print("JSON " + json.dumps(summary), flush=True)
    return summary


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    burst.add_database_arguments(parser)
    parser.add_argument("--duration", type=float, default=10.0, help="Seconds per scenario.")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="The scenarios take turns in this many rounds of duration / rounds seconds.",
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--respondents", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch PostgreSQL database.")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.db != "both":
        return 0 if run_one(args)["budget_met"] else 1
    summaries = burst.run_per_database(__file__, argv)
    print("\n== summary ==")
    for s in summaries:
        ratios = s.get("ratios", {})
        print(
            f"{s.get('database'):<11} floor GET {s.get('rps', {}).get('floor GET')} req/s; "
            f"bare GET in the app's middleware {ratios.get('bare GET', 0):.0%}, page "
            f"GET {ratios.get('page GET', 0):.0%}, POST {ratios.get('page POST', 0):.0%}, "
            f"GET+POST {ratios.get('page GET+POST', 0):.0%} of it: "
            + ("budget met" if s.get("budget_met") else "budget MISSED")
        )
    return 0 if all(s.get("budget_met") for s in summaries) else 1


if __name__ == "__main__":
    sys.exit(main())
