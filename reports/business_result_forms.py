"""The consultant's form for one business result. The figures' rules live in
reports/business_results.py; the form only reads what was typed and shows the refusals."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from reports import business_results
from reports.forms import date_field


class BusinessResultForm(forms.Form):
    metric = forms.ChoiceField(
        label=_("Figure"),
        choices=[(m.code, m.name) for m in business_results.METRICS],
        error_messages={"invalid_choice": _("Choose one of the figures.")},
    )
    value = forms.CharField(
        label=_("Value"),
        max_length=40,
        error_messages={"required": _("Enter a number, for example 1250 or 12,5.")},
        help_text=_(
            "Numbers of customers and complaints are whole numbers; percentages lie between "
            "0 and 100, an NPS between -100 and 100; amounts in euro."
        ),
    )
    period_start = date_field(
        _("Period from"), required=_("Give the first day of the period the figure covers.")
    )
    period_end = date_field(
        _("Period until"), required=_("Give the last day of the period the figure covers.")
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=business_results.SOURCE_MAX,
        help_text=_("Where the figure comes from, e.g. “CRM, annual report 2025”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].widget.attrs.update(inputmode="decimal", autocomplete="off")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_value(self):
        language = (get_language() or "nl")[:2]
        value = business_results.parse_value(self.cleaned_data["value"], language)
        if value is None:
            raise ValidationError(_("Enter a number, for example 1250 or 12,5."))
        return value

    def show_refusal(self, problems: dict) -> None:
        """Put a refusal of `business_result_services.set_result` on the fields it names."""
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)
