from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .models import (
    Dimension,
    Framework,
    Item,
    Questionnaire,
    QuestionnaireVersion,
    Recommendation,
    Stage,
    VersionItem,
)

if TYPE_CHECKING:
    # django-stubs' helper for instances of annotate()d querysets; imported only while
    # type checking, because django-stubs-ext is a test dependency.
    from django_stubs_ext import WithAnnotations


# The Count() annotations that the admin querysets below add to their rows.
class _DimensionCount(TypedDict):
    n_dimensions: int


class _ItemCount(TypedDict):
    n_items: int


class _VersionCounts(TypedDict):
    n_items: int
    n_campaigns: int


# Scoring-relevant fields of an item that a frozen version uses: changing them would
# silently change the scores of finished campaigns.
FROZEN_ITEM_FIELDS = ("code", "dimension", "scale", "reverse_keyed")


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "name_en", "order")
    fields = ("code", "order", ("name_nl", "name_en"), ("description_nl", "description_en"))


class DimensionInline(admin.TabularInline):
    model = Dimension
    fields = ("order", "code", "name_nl", "name_en", "weight")
    extra = 0
    show_change_link = True
    ordering = ("order",)


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "name_en", "aggregation", "dimension_count", "order")
    list_editable = ("order",)
    search_fields = ("code", "name_nl", "name_en")
    list_filter = ("aggregation",)
    fields = (
        ("code", "order", "aggregation"),
        "source",
        ("name_nl", "name_en"),
        ("description_nl", "description_en"),
    )
    inlines = [DimensionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_dimensions=Count("dimensions"))

    @admin.display(description=_("dimensions"), ordering="n_dimensions")
    def dimension_count(self, obj: WithAnnotations[Framework, _DimensionCount]) -> int:
        return obj.n_dimensions


class ItemInline(admin.StackedInline):
    model = Item
    extra = 0
    ordering = ("order",)
    show_change_link = True
    fields = (
        ("order", "code", "scale", "reverse_keyed", "quick_scan"),
        ("text_nl", "text_en"),
        ("pole_from_nl", "pole_from_en"),
        ("pole_to_nl", "pole_to_en"),
    )


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0
    ordering = ("order",)
    fields = ("order", "text_nl", "text_en")


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ("full_code_display", "name_nl", "name_en", "weight", "item_count")
    list_filter = ("framework",)
    search_fields = ("code", "name_nl", "name_en", "framework__code")
    list_select_related = ("framework",)
    fields = (
        ("framework", "code", "order", "weight"),
        ("name_nl", "name_en"),
        ("description_nl", "description_en"),
        ("discussion_question_nl", "discussion_question_en"),
    )
    inlines = [ItemInline, RecommendationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_items=Count("items"))

    @admin.display(description=_("code"), ordering="code")
    def full_code_display(self, obj: Dimension) -> str:
        return obj.full_code

    @admin.display(description=_("items"), ordering="n_items")
    def item_count(self, obj: WithAnnotations[Dimension, _ItemCount]) -> int:
        return obj.n_items


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("code", "text_nl", "text_en", "scale", "reverse_keyed", "quick_scan")
    list_filter = ("dimension__framework", "scale", "reverse_keyed", "quick_scan")
    search_fields = ("code", "text_nl", "text_en")
    list_select_related = ("dimension__framework",)
    fields = (
        ("dimension", "code", "order"),
        ("scale", "reverse_keyed", "quick_scan"),
        ("text_nl", "text_en"),
        ("pole_from_nl", "pole_from_en"),
        ("pole_to_nl", "pole_to_en"),
    )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_frozen():
            return FROZEN_ITEM_FIELDS
        return ()

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_frozen():
            return False
        return super().has_delete_permission(request, obj)


class VersionItemInline(admin.TabularInline):
    model = VersionItem
    extra = 0
    autocomplete_fields = ("item",)
    fields = ("order", "item")
    ordering = ("order",)


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "name_en")
    search_fields = ("code", "name_nl", "name_en")
    fields = ("code", ("name_nl", "name_en"), ("description_nl", "description_en"))


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "item_count", "thresholds_display", "frozen", "created_at")
    list_filter = ("questionnaire",)
    search_fields = ("questionnaire__code", "note")
    fields = (
        ("questionnaire", "number"),
        ("clear_threshold", "cut_threshold", "shining_threshold"),
        "note",
    )
    inlines = [VersionItemInline]
    actions = ["create_new_version"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("questionnaire")
            .annotate(n_items=Count("versionitem", distinct=True))
            .annotate(n_campaigns=Count("campaigns", distinct=True))
        )

    @admin.display(description=_("items"), ordering="n_items")
    def item_count(self, obj: WithAnnotations[QuestionnaireVersion, _VersionCounts]) -> int:
        return obj.n_items

    @admin.display(description=_("thresholds"))
    def thresholds_display(self, obj: QuestionnaireVersion) -> str:
        return " / ".join(f"{t:g}" for t in obj.thresholds)

    @admin.display(description=_("frozen"), boolean=True)
    def frozen(self, obj: WithAnnotations[QuestionnaireVersion, _VersionCounts]) -> bool:
        return obj.n_campaigns > 0

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        if version is not None and version.is_frozen and request.method == "GET":
            self.message_user(
                request,
                _(
                    "This version is used by a campaign and is frozen. Use “Create new "
                    "version” to make changes; existing campaigns keep scoring against "
                    "this version."
                ),
                messages.INFO,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Create new version (copy items and thresholds)"))
    def create_new_version(self, request, queryset) -> None:
        for version in queryset:
            new = version.create_next_version()
            self.message_user(
                request, _("Created %(version)s.") % {"version": new}, messages.SUCCESS
            )

    def get_urls(self):
        return [
            path(
                "<int:pk>/new-version/",
                self.admin_site.admin_view(require_POST(self.new_version_view)),
                name="questionnaires_questionnaireversion_new_version",
            ),
            *super().get_urls(),
        ]

    def new_version_view(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        version = get_object_or_404(QuestionnaireVersion, pk=pk)
        new = version.create_next_version()
        self.message_user(
            request,
            _("Created %(version)s; edit it below.") % {"version": new},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:questionnaires_questionnaireversion_change", args=[new.pk])
        )
