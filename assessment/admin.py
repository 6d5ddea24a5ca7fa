"""Fieldwork in the Django admin (staff only).

Invitation addresses and responses are deliberately kept apart: the invitation admin
shows no answers, the response admin shows no addresses and no answers, and neither
shows token digests. Changes made here follow the same rules as the consultant's pages
(assessment/campaigns.py).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from assessment.text import clean_name
from questionnaires.models import Questionnaire, QuestionnaireVersion

from . import campaigns as rules
from .models import Campaign, Invitation, Organisation, Response, Team, counted_filter


class CleanNameForm(forms.ModelForm):
    def clean_name(self) -> str:
        name = clean_name(self.cleaned_data["name"])
        if not name:
            raise ValidationError(self.fields["name"].error_messages["required"], code="required")
        return name


class CampaignAdminForm(CleanNameForm):
    def clean(self):
        data = super().clean()
        campaign = self.instance  # still as stored: the form changes it after clean()
        if campaign.pk is None:
            return data
        for name, check in (
            ("anonymity_threshold", rules.check_threshold_change),
            ("status", rules.check_status_change),
            ("closes_at", rules.check_closing_change),
        ):
            if name in data and name not in self.errors:
                try:
                    check(campaign, data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return data


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = CleanNameForm
    list_display = ("name", "owner", "campaign_count", "created_at")
    search_fields = ("name", "owner__username")
    autocomplete_fields = ("owner",)
    filter_horizontal = ("shared_with",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_campaigns=Count("campaigns"))

    @admin.display(description=_("campaigns"), ordering="_campaigns")
    def campaign_count(self, obj) -> int:
        return obj._campaigns


class TeamInline(admin.TabularInline):
    model = Team
    form = CleanNameForm
    fields = ("order", "name", "expected_size")
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignAdminForm
    list_display = (
        "name",
        "organisation",
        "status",
        "questionnaire_version",
        "anonymity_threshold",
        "submitted",
        "created_at",
    )
    list_filter = (
        "status",
        "language",
        "questionnaire_version__questionnaire",
        ("mirror_of", admin.EmptyFieldListFilter),
    )
    search_fields = ("name", "slug", "organisation__name")
    list_select_related = ("organisation", "questionnaire_version__questionnaire")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("organisation",)
    readonly_fields = ("mirror_of", "created_by", "created_at")
    inlines = [TeamInline]
    fields = (
        ("organisation", "name", "slug"),
        "mirror_of",
        ("questionnaire_version", "status", "language"),
        ("opens_at", "closes_at", "anonymity_threshold"),
        "results_during_fieldwork",
        ("created_by", "created_at"),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_submitted=Count("responses", filter=counted_filter("responses__")))
        )

    @admin.display(description=_("submitted"), ordering="_submitted")
    def submitted(self, obj) -> int:
        return obj._submitted

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "questionnaire_version":  # never the customer mirror
            kwargs["queryset"] = QuestionnaireVersion.objects.filter(
                questionnaire__in=Questionnaire.objects.internal()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Fixed once anyone answered; a customer mirror's is the customer questionnaire,
        # which the choices (internal questionnaires) do not offer.
        if obj is not None and (obj.is_customer_mirror or obj.responses.exists()):
            fields.append("questionnaire_version")
        return fields

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "campaign", "team", "sent_at", "reminded_at", "completed")
    list_filter = ("completed", "campaign__organisation")
    search_fields = ("email", "campaign__name")
    list_select_related = ("campaign__organisation", "team")
    fields = ("campaign", "email", "team", "sent_at", "reminded_at", "started", "completed")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False  # invitations are sent from the campaign page (they need a token)


# What the admin shows of a response, in the list and on its page.
RESPONSE_FACTS = ("campaign", "team", "role", "status", "is_test", "language")


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Read-only: which campaign, team and role, and when. Never answers, never addresses."""

    list_display = ("pk", *RESPONSE_FACTS, "submitted_at")
    list_filter = ("status", "is_test", "role", "campaign__organisation", "campaign")
    list_select_related = ("campaign__organisation", "team")
    fields = (*RESPONSE_FACTS, "respondent_ref", "started_at", "submitted_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
