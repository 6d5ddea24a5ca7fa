"""The consultant's forms of the action plan. They only carry the input to
`reports.action_services`: what may be stored is decided there (`ActionRefused`), and
shown here as the fields' errors. The choices they offer (dimensions, recommendations,
stages) are read by the views and passed in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports import action_rules
from reports.action_services import ActionInput, ActionRefused
from reports.forms import date_field
from reports.models import Action

OWN_RECOMMENDATION = "own"  # the radio button of a starting point written by the consultant


@dataclass(frozen=True)
class DimensionChoices:
    """The dimensions an action can be about: the campaign's priorities first (suggested),
    then every other dimension of its questionnaire, as (full code, name) pairs."""

    suggested: tuple[tuple[str, str], ...]
    others: tuple[tuple[str, str], ...]

    def grouped(self) -> list[tuple[Any, Any]]:
        """The choices of a <select>, with an <optgroup> for each kind when there are
        priorities to suggest."""
        if not self.suggested:
            return [("", _("Choose a dimension")), *self.others]
        return [
            ("", _("Choose a dimension")),
            (_("Suggested: this campaign's priorities"), list(self.suggested)),
            (_("All other dimensions"), list(self.others)),
        ]


class MarksInvalidFields(forms.Form):
    """Bootstrap's classes on the widgets, and `is-invalid` on every field with an error,
    whichever check found it (Django itself adds aria-invalid and links the error by
    aria-describedby)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxInput)):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                if "is-invalid" not in css.split():
                    widget.attrs["class"] = f"{css} is-invalid".strip()

    def show_refusal(self, refused: ActionRefused) -> None:
        """The service's reasons as the errors of the fields they are about."""
        for name, problem in refused.problems.items():
            self.add_error(name if name in self.fields else None, str(problem))


class DimensionPickForm(MarksInvalidFields):
    """The first step of a new action without a dimension: which one (a GET form)."""

    dimension = forms.CharField(label=_("Dimension"), widget=forms.Select())

    def __init__(self, *args: Any, dimensions: DimensionChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dimension"].widget.choices = dimensions.grouped()


class ActionForm(MarksInvalidFields):
    # Not required here: an empty title or an unknown dimension is refused, with its
    # reason, by the service.
    dimension = forms.CharField(label=_("Dimension"), required=False, widget=forms.Select())
    title = forms.CharField(
        label=_("Title"),
        required=False,
        help_text=_("What will be done, in a few words, e.g. “Map the complaint journey”."),
        widget=forms.TextInput(attrs={"maxlength": action_rules.TITLE_MAX, "autocomplete": "off"}),
    )
    starting_point = forms.ChoiceField(
        label=_("Starts from"),
        required=False,
        widget=forms.RadioSelect(),
    )
    own_recommendation = forms.CharField(
        label=_("Your own starting point"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Used when you choose “Write my own” above."),
    )
    owner = forms.CharField(
        label=_("Owner"),
        required=False,
        max_length=100,
        help_text=_("Who takes it on: a name or a role, e.g. “Head of customer service”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    due_on = date_field(_("Due"))
    target_score = forms.DecimalField(
        label=_("Target score (0–100)"),
        required=False,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.1"}),
        error_messages={"invalid": _("Enter the target score as a number, e.g. 65.")},
    )
    target_stage = forms.CharField(
        label=_("or target stage"), required=False, widget=forms.Select()
    )
    status = forms.CharField(
        label=_("Status"),
        widget=forms.Select(choices=Action.Status.choices),
        initial=action_rules.PLANNED,
        required=False,
    )
    remind = forms.BooleanField(label=_("Remind me a week before it is due"), required=False)

    field_order = [
        "dimension",
        "title",
        "starting_point",
        "own_recommendation",
        "owner",
        "due_on",
        "target_score",
        "target_stage",
        "status",
        "remind",
    ]

    def __init__(
        self,
        *args: Any,
        dimensions: DimensionChoices,
        recommendations: list[str],
        stages: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dimension"].widget.choices = dimensions.grouped()
        starting_point = self.fields["starting_point"]
        assert isinstance(starting_point, forms.ChoiceField)
        starting_point.choices = [
            *((text, text) for text in recommendations),
            (OWN_RECOMMENDATION, _("Write my own")),
        ]
        self.fields["target_stage"].widget.choices = [("", _("No target stage")), *stages]
        self.recommendations = recommendations

    @classmethod
    def initial_for(cls, action: Action, recommendations: list[str]) -> dict[str, Any]:
        """The form's values for an action as it is stored."""
        own = action.recommendation not in recommendations
        return {
            "dimension": action.dimension,
            "title": action.title,
            "starting_point": (
                action.recommendation
                if not own
                else OWN_RECOMMENDATION
                if action.recommendation
                else ""
            ),
            "own_recommendation": action.recommendation if own else "",
            "owner": action.owner,
            "due_on": action.due_on,
            "target_score": action.target_score,
            "target_stage": action.target_stage,
            "status": action.status,
            "remind": action.remind,
        }

    def to_input(self) -> ActionInput:
        data = self.cleaned_data
        chosen = data["starting_point"]
        recommendation = data["own_recommendation"] if chosen == OWN_RECOMMENDATION else chosen
        return ActionInput(
            dimension=data["dimension"],
            title=data["title"],
            recommendation=recommendation,
            owner=data["owner"],
            due_on=data["due_on"],
            target_score=data["target_score"],
            target_stage=data["target_stage"],
            status=data["status"] or action_rules.PLANNED,
            remind=data["remind"],
        )


class NoteForm(MarksInvalidFields):
    written_on = date_field(_("Date"), required=_("Enter the day it happened."))
    # Not required here: an empty note is refused, with its reason, by the service.
    text = forms.CharField(
        label=_("What has happened?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["written_on"].initial = timezone.localdate()
