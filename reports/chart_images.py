"""Static SVG images of the Plotly figures for the PDF, drawn by kaleido in a system Chromium.

Starting Chromium costs seconds, drawing one chart a fraction of one, so one renderer
(one Chromium with one tab, on its own event-loop thread) is started on first use and
reused for every chart of every report in the process. It loads plotly.js from the plotly
package on disk and MathJax not at all, so drawing a chart fetches nothing from the
network. Each SVG comes back with its styles as presentation attributes
(`reports.print_svg`), which WeasyPrint reads far faster. Without a browser `start_svgs`
raises `ChartsUnavailable`; the report then shows its tables with a note instead of the
charts.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import TYPE_CHECKING

import plotly
import plotly.graph_objects as go
from django.conf import settings

from reports.print_svg import presentation_attributes

if TYPE_CHECKING:
    from kaleido import Kaleido

logger = logging.getLogger(__name__)

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
RELOAD_EVERY = 200  # charts a tab draws before it is reloaded to start clean
START_TIMEOUT = 60.0  # seconds for Chromium to start
CHART_TIMEOUT = 30.0  # seconds for one chart


class ChartsUnavailable(RuntimeError):
    """No chart images: no browser found, or the browser failed."""


def browser_path() -> str | None:
    """The Chromium to draw with: settings.CHROMIUM_PATH, else the first one on PATH."""
    configured = getattr(settings, "CHROMIUM_PATH", "")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in BROWSER_NAMES:
        if found := shutil.which(name):
            return found
    return None


def _warm_kaleido_class(base: type) -> type:
    """Kaleido that keeps its tab loaded between charts.

    Kaleido reloads the tab (and with it the 4 MB of plotly.js) after every chart, which
    makes a chart cost about ten times what drawing it does. Each chart is drawn into a
    fresh element, so the tab is reloaded only now and then, to start clean.
    """

    class WarmKaleido(base):
        _charts_since_reload = 0

        async def _return_kaleido_tab(self, tab) -> None:
            self._charts_since_reload += 1
            if self._charts_since_reload < RELOAD_EVERY:
                await self.tabs_ready.put(tab)
                return
            self._charts_since_reload = 0
            await super()._return_kaleido_tab(tab)

    return WarmKaleido


class ChartRenderer:
    """One warm kaleido (Chromium) on a private event loop, shared by all threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Kaleido | None = None
        self._opened: Future | None = None

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def open(self) -> None:
        """Starts Chromium (if it is not running) and returns at once; raises
        `ChartsUnavailable` when there is no browser."""
        with self._lock:
            self._ensure_running()

    def submit(
        self,
        figures: Mapping[str, go.Figure],
        on_chart: Callable[[str], None] | None = None,
    ) -> ChartJob:
        """Start drawing `figures` (SVG text per name), in their order, and return at once;
        `on_chart(name)` is called as each is done. Raises `ChartsUnavailable` when there
        is no browser."""
        return ChartJob(self, figures, on_chart, self.start_drawing(figures, on_chart))

    def start_drawing(
        self, figures: Mapping[str, go.Figure], on_chart: Callable[[str], None] | None
    ) -> dict[str, Future]:
        """One future per figure (its SVG), drawing in the shared browser."""
        with self._lock:
            loop = self._ensure_running()
            return {
                name: asyncio.run_coroutine_threadsafe(self._draw(name, figure, on_chart), loop)
                for name, figure in figures.items()
            }

    def stop(self) -> None:
        with self._lock:
            self._stop()

    # ------------------------------------------------------------------ internals

    def _ensure_running(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._start()
        assert self._loop is not None
        return self._loop

    def _start(self) -> None:
        import kaleido  # imported late: it pulls in choreographer, which only this needs

        path = browser_path()
        if path is None:
            raise ChartsUnavailable("no Chromium found (install the Debian package 'chromium')")
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="chart-renderer", daemon=True).start()
        renderer = _warm_kaleido_class(kaleido.Kaleido)(
            n=1, plotlyjs=str(PLOTLY_JS), mathjax=False, path=path, timeout=CHART_TIMEOUT
        )
        # Chromium starts while the caller goes on (WeasyPrint reading the report); the
        # first drawing waits for it.
        self._opened = asyncio.run_coroutine_threadsafe(
            asyncio.wait_for(renderer.open(), START_TIMEOUT), loop
        )
        self._loop, self._kaleido = loop, renderer
        logger.info("chart renderer starting with %s", path)

    def _stop(self) -> None:
        loop, renderer = self._loop, self._kaleido
        self._loop = self._kaleido = None
        if loop is None or renderer is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(renderer.close(), loop).result(10)
        except (Exception, FutureTimeout):
            logger.warning("chart renderer did not close cleanly", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)

    async def _draw(
        self, name: str, figure: go.Figure, on_chart: Callable[[str], None] | None
    ) -> str:
        if self._opened is None:
            raise ChartsUnavailable("the chart renderer was never started")
        await asyncio.wrap_future(self._opened)
        if self._kaleido is None:
            raise ChartsUnavailable("the chart renderer was stopped")
        options = {"format": "svg", "width": figure.layout.width, "height": figure.layout.height}
        svg = await self._kaleido.calc_fig(figure, opts=options)
        if on_chart is not None:
            on_chart(name)
        return presentation_attributes(svg.decode("utf-8"))


class ChartJob:
    """Charts being drawn; `svg(name)` waits for one of them.

    When drawing fails, the charts not yet drawn are drawn once more in a fresh browser
    before the report gives up on them: a tab can lose its scripts while a loaded machine
    reloads it (kaleido then reports "kaleido_scopes is not defined"), and a fresh start
    draws them."""

    def __init__(
        self,
        renderer: ChartRenderer,
        figures: Mapping[str, go.Figure],
        on_chart: Callable[[str], None] | None,
        futures: dict[str, Future],
    ):
        self._renderer, self._figures, self._on_chart = renderer, figures, on_chart
        self._futures = futures
        self._deadline = time.monotonic() + CHART_TIMEOUT * max(1, len(futures))
        self._retried = False

    def svg(self, name: str) -> str:
        while True:
            try:
                timeout = max(0.0, self._deadline - time.monotonic())
                return self._futures[name].result(timeout=timeout)
            except (Exception, CancelledError) as error:
                for future in self._futures.values():
                    future.cancel()
                self._renderer.stop()  # a fresh browser for the retry, or the next report
                if self._retried:
                    raise ChartsUnavailable(f"drawing the charts failed: {error!r}") from error
                logger.warning("drawing the charts failed (%r); drawing them again", error)
                self._retry()

    def _retry(self) -> None:
        self._retried = True
        drawn = {
            name: future
            for name, future in self._futures.items()
            if future.done() and not future.cancelled() and future.exception() is None
        }
        again = {name: self._figures[name] for name in self._futures if name not in drawn}
        self._futures = {**drawn, **self._renderer.start_drawing(again, self._on_chart)}
        # One deadline for the whole job (a report is never waited on twice as long),
        # with time for at least one chart in the fresh browser.
        self._deadline = max(self._deadline, time.monotonic() + CHART_TIMEOUT)


renderer = ChartRenderer()
atexit.register(renderer.stop)


def start_svgs(
    figures: Mapping[str, go.Figure], on_chart: Callable[[str], None] | None = None
) -> ChartJob:
    """Start drawing the figures, in their order, with the shared renderer."""
    return renderer.submit(figures, on_chart)
