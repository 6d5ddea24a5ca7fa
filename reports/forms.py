"""The consultant's form for a read-only report link (crispy-forms, Bootstrap 5). The
rules of the expiry day live in reports/link_rules.py."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from assessment.text import clean_name
from reports import link_rules

if TYPE_CHECKING:  # the stubs' helper types are not installed in production
    from django_stubs_ext import StrOrPromise


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(
    label: StrOrPromise, *, required: StrOrPromise = "", help_text: StrOrPromise = ""
) -> forms.DateField:
    """A day picked in the browser's date picker, with our messages; optional when no
    `required` message is given."""
    messages: dict[str, StrOrPromise] = {"invalid": _("Enter the day as a date, e.g. 2026-06-30.")}
    if required:
        messages["required"] = required
    return forms.DateField(
        label=label,
        required=bool(required),
        widget=DateInput(),
        error_messages=messages,
        help_text=help_text,
    )


class ReportLinkForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=100,
        error_messages={"required": _("Give the link a label, so that you know who it is for.")},
        help_text=_("Who the link is for, e.g. “MT Jansen BV”. Only you see the label."),
    )
    expires_on = date_field(
        _("Works until"),
        required=_("Choose the last day the link works."),
        help_text=_("The last day the link works; at most a year ahead."),
    )
    shows_comments = forms.BooleanField(
        label=_("Show the respondents' comments"),
        required=False,
        help_text=_("Without this, the link shows no comments at all, not in the PDF either."),
    )
    allows_pdf = forms.BooleanField(
        label=_("Offer the PDF report for download"),
        required=False,
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        expires = self.fields["expires_on"]
        expires.initial = link_rules.default_expiry(self.today)
        expires.widget.attrs.update(
            min=(self.today + dt.timedelta(days=1)).isoformat(),
            max=link_rules.latest_expiry(self.today).isoformat(),
        )
        self.fields["label"].widget.attrs.update(autocomplete="off")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_label(self) -> str:
        label = clean_name(self.cleaned_data["label"])
        if not label:
            raise ValidationError(_("Give the link a label, so that you know who it is for."))
        return label

    def clean_expires_on(self) -> dt.date:
        expires_on: dt.date = self.cleaned_data["expires_on"]
        problem = link_rules.expiry_problem(expires_on, self.today)
        if problem is link_rules.ExpiryProblem.NOT_IN_FUTURE:
            raise ValidationError(_("Choose a day after today: the link would not work at all."))
        if problem is link_rules.ExpiryProblem.TOO_FAR:
            latest = formats.date_format(link_rules.latest_expiry(self.today), "j F Y")
            raise ValidationError(
                _("A link works for at most a year: choose %(day)s or earlier.") % {"day": latest}
            )
        return expires_on
