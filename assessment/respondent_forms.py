"""Forms of the respondent's welcome and resume pages (validation only).

The templates render these fields by hand (radio groups in fieldsets), and the
questionnaire pages themselves use no form classes at all: see `responding.parse_page`.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Campaign, Response, Team


class StartForm(forms.Form):
    """Team (unless the link fixed it, or the campaign has none) and role. A customer
    chooses neither: a segment comes only with its link, and customers have no role."""

    team = forms.TypedChoiceField(
        label=_("Your team"),
        coerce=int,
        error_messages={"required": _("Choose your team.")},
    )
    role = forms.ChoiceField(
        label=_("Your role"),
        choices=Response.ROLES,
        error_messages={"required": _("Choose your role.")},
    )

    def __init__(
        self, *args, campaign: Campaign, teams: list[Team], fixed_team: Team | None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fixed_team = fixed_team
        self.teams = teams
        if campaign.is_customer_mirror:
            del self.fields["role"]
        if fixed_team is not None or not teams or campaign.is_customer_mirror:
            del self.fields["team"]
        else:
            team_field = self.fields["team"]
            assert isinstance(team_field, forms.TypedChoiceField)  # declared above
            team_field.choices = [(team.pk, team.name) for team in teams]
        invalid = _("Choose one of the options.")
        for f in self.fields.values():
            f.error_messages["invalid_choice"] = invalid

    @property
    def asks_team(self) -> bool:
        return "team" in self.fields

    @property
    def asks_role(self) -> bool:
        return "role" in self.fields

    def chosen_role(self) -> str:
        return self.cleaned_data["role"] if self.asks_role else ""

    def chosen_team(self) -> Team | None:
        if self.fixed_team is not None:
            return self.fixed_team
        if not self.asks_team:
            return None
        team_id = self.cleaned_data["team"]
        return next(team for team in self.teams if team.pk == team_id)


class ResumeForm(forms.Form):
    code = forms.CharField(
        label=_("Resume code"),
        max_length=40,
        error_messages={"required": _("Enter the code you wrote down, for example ABCD-EFGH.")},
    )
