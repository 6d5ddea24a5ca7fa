"""The Chromium the browser tests drive: Debian's, never a downloaded one, started with
flags that keep it off the network (the machines' closed network refuses its calls)."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
