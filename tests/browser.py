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

# Checks option 3 of every statement on a questionnaire page (a respondent in a hurry).
ANSWER_EVERY_GROUP = """() => {
  const names = new Set([...document.querySelectorAll('input[type=radio]')].map(i => i.name));
  for (const name of names) {
    document.querySelector(`input[name="${name}"][value="3"]`).checked = true;
  }
}"""
