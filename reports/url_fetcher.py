"""What WeasyPrint may load while it lays out a report: our static files, data: URLs and
the report's own charts (SVG drawn for this report, handed over in memory).

Everything else (http, https, file, ftp, and any static path outside our static files)
is refused, so no text in a report, however it got there, can make the server fetch a
URL or read a file.
"""

from __future__ import annotations

import mimetypes
import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in the report's HTML are resolved against this base; it names no real
# host, so nothing that resolves against it could ever be fetched over the network.
BASE_URL = "https://report.invalid/"
CHART_URL = BASE_URL + "charts/"
CHART_NAME = re.compile(r"^([a-z0-9_-]+)\.svg$")


class RefusedURL(ValueError):
    pass


class StaticOnlyURLFetcher(URLFetcher):
    """Serves data: URLs, files of our static directories and the report's charts
    (`charts(name)` gives a chart's SVG, or None when it could not be drawn); refuses
    the rest."""

    def __init__(self, charts: Callable[[str], str | None] | None = None) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)
        self.charts = charts
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(CHART_URL) and self.charts is not None:
            return self._chart(url, self.charts)
        path = self._static_path(url)
        found = finders.find(path) if path else None
        if not found:
            self.refused.append(url)
            raise RefusedURL(f"reports load only static files and data: URLs, not {url}")
        with open(found, "rb") as file:
            body = file.read()
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        self.served.append(url)
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def _chart(self, url: str, charts: Callable[[str], str | None]) -> URLFetcherResponse:
        match = CHART_NAME.match(url[len(CHART_URL) :])
        svg = charts(match[1]) if match else None
        if svg is None:
            raise RefusedURL(f"no chart at {url}")  # WeasyPrint shows the image's alt text
        self.served.append(url)
        return URLFetcherResponse(url, svg.encode(), {"Content-Type": "image/svg+xml"})

    @staticmethod
    def _static_path(url: str) -> str | None:
        """The path inside the static files that `url` names, or None."""
        prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
        if not url.startswith(prefix):
            return None
        split = urlsplit(url)
        if split.query or split.fragment:
            return None
        path = unquote(url[len(prefix) :])
        normal = posixpath.normpath(path)
        if normal != path or normal.startswith(("/", "..")):
            return None
        return normal
