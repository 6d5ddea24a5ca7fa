"""Fieldwork in the Django admin (staff only).

Invitation addresses and responses are deliberately kept apart: the invitation admin
shows no answers, the response admin shows no addresses and no answers, and neither
shows token digests.
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import Campaign, Invitation, Organisation, Response, Team


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
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
    fields = ("order", "name", "expected_size")
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "organisation",
        "status",
        "questionnaire_version",
        "anonymity_threshold",
        "submitted",
        "created_at",
    )
    list_filter = ("status", "language", "questionnaire_version__questionnaire")
    search_fields = ("name", "slug", "organisation__name")
    list_select_related = ("organisation", "questionnaire_version__questionnaire")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("organisation",)
    readonly_fields = ("created_by", "created_at")
    inlines = [TeamInline]
    fields = (
        ("organisation", "name", "slug"),
        ("questionnaire_version", "status", "language"),
        ("opens_at", "closes_at", "anonymity_threshold"),
        ("created_by", "created_at"),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_submitted=Count("responses", filter=Q(responses__status="submitted")))
        )

    @admin.display(description=_("submitted"), ordering="_submitted")
    def submitted(self, obj) -> int:
        return obj._submitted

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.responses.exists():
            fields.append("questionnaire_version")  # fixed once anyone answered
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
    fields = ("campaign", "email", "team", "sent_at", "reminded_at", "completed")
    readonly_fields = ("campaign", "email", "team", "sent_at", "reminded_at", "completed")

    def has_add_permission(self, request) -> bool:
        return False  # invitations are sent from the campaign page (they need a token)


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Read-only: which campaign, team and role, and when. Never answers, never addresses."""

    list_display = ("pk", "campaign", "team", "role", "status", "language", "submitted_at")
    list_filter = ("status", "role", "campaign__organisation", "campaign")
    list_select_related = ("campaign__organisation", "team")
    fields = (
        "campaign",
        "team",
        "role",
        "status",
        "language",
        "respondent_ref",
        "started_at",
        "submitted_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
