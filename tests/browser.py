"""The Chromium the browser tests drive: Debian's, never a downloaded one, started with
flags that keep it off the network (the machines' closed network refuses its calls)."""

import contextlib
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# Checks option 3 of every statement on a questionnaire page (a respondent in a hurry).
ANSWER_EVERY_GROUP = """() => {
  const names = new Set([...document.querySelectorAll('input[type=radio]')].map(i => i.name));
  for (const name of names) {
    document.querySelector(`input[name="${name}"][value="3"]`).checked = true;
  }
}"""


class _Scenario:
    def __init__(self, scenario: Callable[[Any], Any]) -> None:
        self.scenario = scenario
        self.value: Any = None
        self.error: BaseException | None = None
        self.browser_gone = False  # the thread ends: the next scenario needs a new one
        self.done = threading.Event()


class BrowserThread:
    """One headless Chromium in a thread of its own that runs scenarios one at a time.

    Playwright's sync API refuses to start in a thread where another instance runs (the
    `chromium_browser` fixture of tests/assessment keeps one in the main thread), and its
    objects belong to the thread that made them: so the browser lives in this thread and
    the scenarios are handed to it. It is launched for the first scenario and reused by
    the next ones, each of which makes its own browser contexts (their own cookies,
    storage and cache); whatever contexts a scenario leaves open are closed after it. A
    browser that disconnected, or a scenario that did not finish in time, leaves the next
    scenario a fresh browser."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._jobs: queue.Queue[_Scenario | None] | None = None
        self._thread: threading.Thread | None = None

    def run(self, scenario: Callable[[Any], Any], timeout: float = 180) -> Any:
        if self._thread is None or not self._thread.is_alive():
            self._jobs = queue.Queue()
            self._thread = threading.Thread(
                target=self._serve, args=(self._jobs,), name=self.name, daemon=True
            )
            self._thread.start()
        assert self._jobs is not None
        job = _Scenario(scenario)
        self._jobs.put(job)
        if not job.done.wait(timeout):
            self._thread = None  # left to finish on its own; the next scenario starts afresh
            raise AssertionError("the browser scenario did not finish in time")
        if job.browser_gone:
            self._thread = None
        if job.error is not None:
            raise job.error
        return job.value

    def stop(self) -> None:
        if self._thread is not None and self._thread.is_alive() and self._jobs is not None:
            self._jobs.put(None)
            self._thread.join(timeout=60)
        self._thread = None

    @staticmethod
    def _serve(jobs: queue.Queue[_Scenario | None]) -> None:
        from playwright.sync_api import sync_playwright

        job = jobs.get()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                try:
                    while job is not None:
                        try:
                            job.value = job.scenario(browser)
                        except BaseException as error:  # re-raised in the test's thread
                            job.error = error
                        finally:
                            for context in browser.contexts:
                                with contextlib.suppress(Exception):
                                    context.close()
                            job.browser_gone = not browser.is_connected()
                            job.done.set()
                        if job.browser_gone:
                            return
                        job = jobs.get()
                finally:
                    with contextlib.suppress(Exception):
                        browser.close()
        except BaseException as error:  # Playwright or Chromium did not start
            if job is not None and not job.done.is_set():
                job.error = error
                job.browser_gone = True
                job.done.set()


# The report's browser tests (tests/reports/*_browser.py): one Chromium for all their
# scenarios, stopped at the end of the session by tests/reports/conftest.py.
REPORT_BROWSER = BrowserThread("report-browser")
