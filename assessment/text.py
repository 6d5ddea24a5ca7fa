"""What people type, as it is stored: names and comments without invisible characters.

Control characters never come from a keyboard (and PostgreSQL cannot store NUL).
Bidirectional controls (embeddings, overrides, isolates and the invisible direction
marks) make text display in another order than it is stored ("Trojan Source"): a name
or comment could read one way on screen and another in an export. Nobody needs either in
a name or a comment, so they are dropped when text is stored rather than refusing the
whole form. No Django.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_NOT_IN_NAMES = re.compile(rf"[\x00-\x1f\x7f{BIDI_CONTROLS}]")
_NOT_IN_COMMENTS = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f{BIDI_CONTROLS}]")  # keeps \t and \n


def clean_name(text: str) -> str:
    """A name as stored: no control or bidirectional control characters, trimmed."""
    return _NOT_IN_NAMES.sub("", text or "").strip()


def clean_comment(text: str) -> str:
    """A comment as stored: one kind of line break, trimmed, without control or
    bidirectional control characters."""
    return _NOT_IN_COMMENTS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
