"""`manage.py check` warns when the PDF charts cannot be drawn."""

from __future__ import annotations

from django.core.checks import Warning, register

from reports.chart_images import browser_path


@register()
def chart_browser_check(app_configs, **kwargs) -> list[Warning]:
    if browser_path() is not None:
        return []
    return [
        Warning(
            "No Chromium found: PDF reports are made without charts (their tables and a "
            "note stay).",
            hint="Install one (Debian: apt-get install chromium) or set CHROMIUM_PATH to "
            "the browser's executable.",
            id="reports.W001",
        )
    ]
