"""The consultant's forms (crispy-forms, Bootstrap 5). Rules live in campaigns.py/invitations.py."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext_lazy as _

from assessment.text import clean_name
from questionnaires.models import Questionnaire

from . import campaigns as rules
from . import teams as team_rules
from .invitations import parse_addresses
from .models import (
    DEFAULT_ANONYMITY_THRESHOLD,
    MINIMUM_ANONYMITY_THRESHOLD,
    Campaign,
    Organisation,
    Team,
)

THRESHOLD_TOO_LOW = _(
    "The anonymity threshold must be at least %(limit_value)s: smaller groups could "
    "identify individual respondents."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name"]
        labels = {"name": _("Name of the organisation")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(autofocus=True, autocomplete="organization")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Create organisation")))

    def clean_name(self) -> str:
        name = clean_name(self.cleaned_data["name"])
        if not name:
            raise ValidationError(_("An organisation needs a name."))
        return name


class ShareForm(forms.Form):
    username = forms.CharField(
        label=_("Username of the consultant"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, organisation: Organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation, self.user = organisation, user
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def save(self):
        """Share; raises ValidationError (shown on the field) when it cannot."""
        try:
            return rules.share_organisation(
                self.organisation, self.user, self.cleaned_data["username"]
            )
        except ValidationError as error:
            self.add_error("username", error)
            raise


class CampaignForm(forms.ModelForm):
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire"),
        queryset=Questionnaire.objects.none(),
        empty_label=None,
        help_text=_("The campaign uses the latest version of this questionnaire."),
    )
    opens_on = forms.DateField(
        label=_("Opens on"),
        required=False,
        widget=DateInput(),
        help_text=_("Optional. Leave empty to open as soon as you press “Open”."),
    )
    closes_on = forms.DateField(
        label=_("Closes after"),
        required=False,
        widget=DateInput(),
        help_text=_("Optional. The last day on which answers are accepted."),
    )
    teams = forms.CharField(
        label=_("Teams"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": "Klantenservice, 18\nSales, 12\nOperations"}
        ),
        help_text=_(
            "One team per line. Add the team size after a comma to see the response "
            "rate, for example “Sales, 12”. Every team gets its own link."
        ),
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "slug",
            "anonymity_threshold",
            "minimum_answered",
            "language",
            "results_during_fieldwork",
        ]
        labels = {
            "slug": _("Short name in links and file names"),
            "minimum_answered": _("Minimum answered (%)"),
        }
        help_texts = {
            "slug": _("Lowercase letters, digits and hyphens. Suggested from the name."),
            "minimum_answered": _(
                "Submissions with fewer answers are refused with an explanation; "
                "don't know counts as an answer."
            ),
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        campaign = self.instance
        editing = campaign.pk is not None
        questionnaire = self.fields["questionnaire"]
        assert isinstance(questionnaire, forms.ModelChoiceField)  # declared above
        # Only questionnaires with a published version (drafts are never picked), of the
        # campaign's audience: a customer mirror asks customers, every other campaign the
        # organisation's own people.
        audience = (
            Questionnaire.objects.for_customers()
            if campaign.is_customer_mirror
            else Questionnaire.objects.internal()
        )
        questionnaire.queryset = audience.filter(versions__published_at__isnull=False).distinct()
        if campaign.is_customer_mirror:
            self.fields["teams"].label = _("Customer segments")
            self.fields["teams"].help_text = _(
                "One segment per line, optionally followed by a comma and the number of "
                "customers asked. Each segment gets its own link and QR code."
            )
        self.fields["slug"].required = False
        self.fields["name"].widget.attrs.update(autofocus=not editing)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)  # the model field has choices
        language.choices = settings.LANGUAGES
        self.fields["results_during_fieldwork"].required = False
        minimum = self.fields["minimum_answered"]
        assert isinstance(minimum, forms.IntegerField)  # a PositiveSmallIntegerField
        minimum.required = False  # a post without it keeps what is stored
        minimum.min_value, minimum.max_value = 0, 100
        minimum.widget.attrs.update(min=0, max=100, step=1)
        language.help_text = _(
            "The language respondents see first and in which e-mails are sent; "
            "respondents can switch."
        )
        threshold = self.fields["anonymity_threshold"]
        assert isinstance(threshold, forms.IntegerField)  # a PositiveSmallIntegerField
        threshold.min_value, threshold.max_value = MINIMUM_ANONYMITY_THRESHOLD, 100
        threshold.validators = [
            MinValueValidator(MINIMUM_ANONYMITY_THRESHOLD, message=THRESHOLD_TOO_LOW),
            MaxValueValidator(100),
        ]
        threshold.widget.attrs.update(min=MINIMUM_ANONYMITY_THRESHOLD, max=100)
        threshold.help_text = _(
            "Groups with fewer submitted responses are never shown. At least 3; 5 is usual."
        )
        if editing and rules.has_responses(campaign):
            threshold.widget.attrs.update(min=campaign.anonymity_threshold)
            threshold.help_text = _(
                "People answered under the promise of %(k)d, so it can be raised but not lowered."
            ) % {"k": campaign.anonymity_threshold}
        if editing and rules.results_are_final(campaign):
            self.fields["closes_on"].help_text = _(
                "The results are final: the closing day can move earlier, not later."
            )
        if editing:
            self.initial.setdefault("questionnaire", campaign.questionnaire_version.questionnaire)
            self.initial.setdefault("opens_on", rules.opening_day(campaign.opens_at))
            self.initial.setdefault("closes_on", rules.closing_day(campaign.closes_at))
            self.initial.setdefault("teams", team_rules.teams_as_text(campaign))
            if not rules.can_change_questionnaire(campaign):
                questionnaire.help_text = _(
                    "Fixed: this campaign already has responses, so the questionnaire "
                    "can no longer change."
                )
        else:
            self.initial.setdefault("anonymity_threshold", DEFAULT_ANONYMITY_THRESHOLD)
            full = questionnaire.queryset.filter(code="full").first()
            if full:
                self.initial.setdefault("questionnaire", full)

        self.helper = FormHelper()
        self.helper.attrs = {
            "novalidate": "",
            "data-slug-from-name": "",
            "data-editing": "true" if editing else "false",
        }
        self.helper.layout = Layout(
            Row(
                Column(Field("name"), css_class="col-md-7"),
                Column(Field("slug"), css_class="col-md-5"),
            ),
            Field("questionnaire"),
            Row(
                Column(Field("opens_on"), css_class="col-sm-6"),
                Column(Field("closes_on"), css_class="col-sm-6"),
            ),
            Row(
                Column(Field("anonymity_threshold"), css_class="col-sm-6"),
                Column(Field("language"), css_class="col-sm-6"),
            ),
            Row(Column(Field("minimum_answered"), css_class="col-sm-6")),
            Field("results_during_fieldwork"),
            Field("teams", css_class="font-monospace"),
            Div(
                Submit(
                    "submit",
                    _("Save changes") if editing else _("Create campaign"),
                    css_class="btn-primary",
                ),
                HTML(
                    format_html(
                        '<a class="btn btn-link" href="{}">{}</a>',
                        reverse("assessment:campaign_detail", args=[campaign.slug])
                        if editing
                        else reverse("assessment:organisation_detail", args=[organisation.pk]),
                        _("Cancel"),
                    )
                ),
                css_class="d-flex gap-2 mt-3",
            ),
        )

    def clean_name(self) -> str:
        name = clean_name(self.cleaned_data["name"])
        if not name:
            raise ValidationError(_("A campaign needs a name."))
        return name

    def clean_results_during_fieldwork(self) -> str:
        # A post without the choice (a script, an older page) keeps what is stored.
        return (
            self.cleaned_data["results_during_fieldwork"] or self.instance.results_during_fieldwork
        )

    def clean_minimum_answered(self) -> int:
        # A post without the field (a script, an older page) keeps what is stored.
        minimum = self.cleaned_data["minimum_answered"]
        return self.instance.minimum_answered if minimum is None else minimum

    def clean_anonymity_threshold(self) -> int:
        threshold = self.cleaned_data["anonymity_threshold"]
        if self.instance.pk is not None:
            rules.check_threshold_change(self.instance, threshold)
        return threshold

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if slug and rules.slug_is_taken(slug, exclude_pk=self.instance.pk):
            raise ValidationError(
                _("Another campaign already uses “%(slug)s”. Choose another short name."),
                params={"slug": slug},
            )
        return slug

    def clean_questionnaire(self):
        questionnaire = self.cleaned_data.get("questionnaire")
        campaign = self.instance
        if campaign.pk is None:
            return questionnaire
        current = campaign.questionnaire_version.questionnaire
        if questionnaire.pk != current.pk and not rules.can_change_questionnaire(campaign):
            raise ValidationError(
                _(
                    "This campaign already has responses, so its questionnaire can no "
                    "longer change. Create a new campaign for another questionnaire."
                )
            )
        return questionnaire

    def clean_teams(self) -> list[team_rules.TeamSpec]:
        words = (
            team_rules.SEGMENT_WORDS if self.instance.is_customer_mirror else team_rules.TEAM_WORDS
        )
        specs = team_rules.parse_teams(self.cleaned_data.get("teams") or "", words)
        if self.instance.pk is not None:
            wanted = {spec.name.casefold() for spec in specs}
            in_use = [
                team.name
                for team in Team.objects.filter(campaign=self.instance, responses__isnull=False)
                .distinct()
                .order_by("order")
                if team.name.casefold() not in wanted
            ]
            if in_use:
                raise ValidationError(
                    _(
                        "These teams already have responses and cannot be removed: "
                        "%(teams)s. Keep them in the list."
                    ),
                    params={"teams": ", ".join(in_use)},
                )
        return specs

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The closing day cannot be before the opening day."))
        elif self.instance.pk is not None and "closes_on" not in self.errors:
            try:
                rules.check_closing_change(self.instance, self.moments()[1])
            except ValidationError as error:
                self.add_error("closes_on", error)
        if not data.get("slug") and data.get("name") and "slug" not in self.errors:
            data["slug"] = rules.unique_slug(data["name"], exclude_pk=self.instance.pk)
        return data

    def moments(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The opening and closing moments of the chosen days. A day left as it was keeps
        its stored moment (which the admin or a command may have set at another hour),
        so that saving the form unchanged changes nothing."""
        data, campaign = self.cleaned_data, self.instance
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        opens_at, closes_at = campaign.opens_at, campaign.closes_at
        if opens_on != rules.opening_day(opens_at):
            opens_at = rules.start_of_day(opens_on) if opens_on is not None else None
        if closes_on != rules.closing_day(closes_at):
            closes_at = rules.end_of_day(closes_on) if closes_on is not None else None
        return opens_at, closes_at

    def save(self, user=None) -> Campaign:
        """Create or update through the rules; a refusal (ValidationError) is also added
        to the form, and nothing is saved."""
        data = self.cleaned_data
        opens_at, closes_at = self.moments()
        fields = {
            "name": data["name"],
            "slug": data["slug"],
            "questionnaire": data["questionnaire"],
            "teams": data["teams"],
            "anonymity_threshold": data["anonymity_threshold"],
            "minimum_answered": data["minimum_answered"],
            "language": data["language"],
            "results_during_fieldwork": data["results_during_fieldwork"],
            "opens_at": opens_at,
            "closes_at": closes_at,
        }
        try:
            if self.instance.pk is None:
                return rules.create_campaign(
                    organisation=self.organisation, created_by=user, **fields
                )
            return rules.update_campaign(campaign=self.instance, **fields)
        except ValidationError as error:
            self.add_error(None, error)
            raise


class CustomerMirrorForm(forms.Form):
    """The customer mirror of a campaign: its segments and its own k."""

    segments = forms.CharField(
        label=_("Customer segments (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line, for example “B2B” and “Consumers”, optionally followed by a comma "
            "and the number of customers asked. Each segment gets its own link and QR code; "
            "the general link files answers under no segment."
        ),
    )
    anonymity_threshold = forms.IntegerField(
        label=_("Anonymity threshold for customers"),
        initial=DEFAULT_ANONYMITY_THRESHOLD,
        min_value=MINIMUM_ANONYMITY_THRESHOLD,
        max_value=100,
        error_messages={"min_value": THRESHOLD_TOO_LOW},
        help_text=_("Segments with fewer submitted customer responses are never shown."),
    )

    def clean_segments(self) -> list[team_rules.TeamSpec]:
        return team_rules.parse_teams(
            self.cleaned_data.get("segments") or "", team_rules.SEGMENT_WORDS
        )


class InvitationForm(forms.Form):
    addresses = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": "anna@example.nl, bram@example.nl; Chris <chris@example.nl>",
                "spellcheck": "false",
            }
        ),
        help_text=_(
            "Paste a list separated by commas, semicolons or new lines. Addresses that "
            "were already invited are skipped."
        ),
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("No team: respondents choose"),
        help_text=_("Optional: file these respondents' answers under one team."),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)  # declared above
        team.queryset = campaign.teams.all()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_addresses(self) -> list[str]:
        parsed = parse_addresses(self.cleaned_data["addresses"])
        if parsed.invalid:
            raise ValidationError(
                _(
                    "Nothing was sent. These addresses are not valid: %(invalid)s. "
                    "Correct them and send again."
                ),
                params={"invalid": ", ".join(parsed.invalid)},
                code="invalid_addresses",
            )
        if not parsed.valid:
            raise ValidationError(_("Paste at least one e-mail address."), code="empty")
        return parsed.valid


class ConfirmDeletionForm(forms.Form):
    """Deleting for good: the consultant types the name of what is deleted."""

    confirm_name = forms.CharField(label=_("Type the name to confirm"), max_length=300)

    def __init__(self, *args, expected_name: str, button: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected_name = expected_name
        self.fields["confirm_name"].widget.attrs.update(
            autocomplete="off", spellcheck="false", autofocus=True
        )
        # The name is whatever a consultant typed, and crispy renders help texts as HTML.
        self.fields["confirm_name"].help_text = conditional_escape(
            _("Type “%(name)s” exactly as shown.") % {"name": expected_name}
        )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", button, css_class="btn-danger"))

    def clean_confirm_name(self) -> str:
        typed = " ".join(self.cleaned_data["confirm_name"].split())
        if typed != " ".join(self.expected_name.split()):
            raise ValidationError(
                _("The name does not match. Nothing was deleted."), code="mismatch"
            )
        return typed
