"""The QR code of a respondent link, as inline SVG: for the QR page and the present
mode's live slide."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(link: str) -> SafeString:
    """The code of `link` in the app's ink on white, sized by its container (no width or
    height of its own)."""
    qr = segno.make(link, error="m")
    svg = qr.svg_inline(scale=1, border=2, omitsize=True, dark="#1e2a33", light="#ffffff")
    return mark_safe(svg)  # noqa: S308 - segno's own SVG of our own URL
