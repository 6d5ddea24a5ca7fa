"""The form of the question bank's codes: of frameworks, dimensions and questionnaires,
of items, and of the customer mirror's items, whose code names the internal dimension
they mirror."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$", _("Use lowercase letters, digits and underscores.")
)
# A customer mirror item carries the full code of the internal dimension it mirrors, so
# that the three-way comparison can read it from the code alone: mirror.keys.journey.1.
MIRROR_PREFIX = "mirror."
item_code_validator = RegexValidator(
    r"^(mirror\.)?[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[0-9]+$",
    _(
        "Item codes have the form <framework>.<dimension>.<n>, for example keys.journey.2; "
        "a customer mirror item's code is mirror.<framework>.<dimension>.<n>."
    ),
)


def mirror_code_prefix(dimension_full_code: str) -> str:
    """How the code of a customer item that mirrors this dimension starts."""
    return f"{MIRROR_PREFIX}{dimension_full_code}."
