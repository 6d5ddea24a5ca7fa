from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import versions
from .models import (
    Dimension,
    Framework,
    FrameworkStage,
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
    has_answers: bool


# Scoring-relevant fields of an item that a frozen version uses: changing them would
# silently change the scores of finished campaigns.
FROZEN_ITEM_FIELDS = ("code", "dimension", "scale", "reverse_keyed", "audience")


def both(*texts: str) -> tuple[tuple[str, str], ...]:
    """The Dutch and the English field of each text, side by side in a form."""
    return tuple((f"{text}_nl", f"{text}_en") for text in texts)


class OrderedInline(admin.options.InlineModelAdmin):
    """Inline rows in their `order`, with no empty extra forms."""

    extra = 0
    ordering = ("order",)


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "name_en", "order")
    fields = ("code", "order", *both("name", "description", "next_step"))


class FrameworkStageInline(admin.StackedInline):
    model = FrameworkStage
    extra = 0
    max_num = len(Stage.CODES)
    fields = ("stage", *both("looks_like", "next_step"))


class DimensionInline(OrderedInline, admin.TabularInline):
    model = Dimension
    fields = ("order", "code", "name_nl", "name_en", "weight")
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "name_en", "aggregation", "dimension_count", "order")
    list_editable = ("order",)
    search_fields = ("code", "name_nl", "name_en")
    list_filter = ("aggregation",)
    fields = (
        ("code", "order", "aggregation"),
        "source",
        *both("name", "description"),
    )
    inlines = [DimensionInline, FrameworkStageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_dimensions=Count("dimensions"))

    @admin.display(description=_("dimensions"), ordering="n_dimensions")
    def dimension_count(self, obj: WithAnnotations[Framework, _DimensionCount]) -> int:
        return obj.n_dimensions


class ItemInline(OrderedInline, admin.StackedInline):
    model = Item
    show_change_link = True
    fields = (
        ("order", "code", "scale", "reverse_keyed", "quick_scan", "audience"),
        *both("text", "pole_from", "pole_to"),
    )


class RecommendationInline(OrderedInline, admin.TabularInline):
    model = Recommendation
    fields = ("order", "text_nl", "text_en")


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ("full_code_display", "name_nl", "name_en", "weight", "item_count")
    list_filter = ("framework",)
    search_fields = ("code", "name_nl", "name_en", "framework__code")
    list_select_related = ("framework",)
    fields = (
        ("framework", "code", "order", "weight"),
        *both("name", "description", "discussion_question"),
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


class CurrentItemFilter(admin.SimpleListFilter):
    """Separates the items new campaigns get from those of earlier versions (edition 1
    of the banks above all), which stay for the rounds answered on them."""

    title = _("in use")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("in the latest published versions")),
            ("no", _("only in earlier versions")),
        ]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        latest = [
            version.pk
            for questionnaire in Questionnaire.objects.all()
            if (version := questionnaire.latest_published_version()) is not None
        ]
        current = queryset.filter(versions__in=latest)
        return current.distinct() if self.value() == "yes" else queryset.exclude(pk__in=current)


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "text_nl",
        "text_en",
        "scale",
        "reverse_keyed",
        "quick_scan",
        "audience",
    )
    list_filter = (
        CurrentItemFilter,
        "dimension__framework",
        "scale",
        "reverse_keyed",
        "quick_scan",
        "audience",
    )
    search_fields = ("code", "text_nl", "text_en", "concept")
    list_select_related = ("dimension__framework",)
    autocomplete_fields = ("replaces",)
    fields = (
        ("dimension", "code", "order"),
        ("scale", "reverse_keyed", "quick_scan", "audience"),
        *both("text", "pole_from", "pole_to"),
        ("concept", "replaces"),
    )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_frozen():
            return FROZEN_ITEM_FIELDS
        return ()

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_frozen():
            return False
        return super().has_delete_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        live = versions.open_campaign_count(obj) if obj is not None else 0
        if not live:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "description": live_item_note(live)}), *rest]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        live = versions.open_campaign_count(obj) if change else 0
        if live:
            self.message_user(request, live_item_note(live), messages.WARNING)


def live_item_note(open_campaigns: int) -> str:
    return ngettext(
        "This statement is in use in %(n)d open campaign; respondents see the new text "
        "from now on.",
        "This statement is in use in %(n)d open campaigns; respondents see the new text "
        "from now on.",
        open_campaigns,
    ) % {"n": open_campaigns}


def frozen_version_note(answers: int) -> str:
    return ngettext(
        "%(n)d answer was given on this version; editing it would change what people "
        "answered. Make a new version instead.",
        "%(n)d answers were given on this version; editing it would change what people "
        "answered. Make a new version instead.",
        answers,
    ) % {"n": answers}


class VersionItemInline(admin.TabularInline):
    model = VersionItem
    extra = 0
    autocomplete_fields = ("item",)
    fields = ("order", "item")
    ordering = ("order",)


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "name_en", "audience")
    list_filter = ("audience",)
    search_fields = ("code", "name_nl", "name_en")
    fields = (("code", "audience"), *both("name", "description"))

    def get_readonly_fields(self, request, obj=None):
        # Who answers a questionnaire decides which items its versions may hold.
        if obj is not None and obj.versions.exists():
            return ("audience",)
        return ()


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "item_count",
        "thresholds_display",
        "published",
        "frozen",
        "audience",
        "created_at",
    )
    list_filter = ("questionnaire__audience", "questionnaire")
    search_fields = ("questionnaire__code", "note")
    fields = (
        ("questionnaire", "number"),
        ("clear_threshold", "cut_threshold", "shining_threshold"),
        "note",
        ("published_at", "published_by"),
    )
    readonly_fields = ("published_at", "published_by")
    inlines = [VersionItemInline]
    actions = ["create_new_version", "publish"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("questionnaire", "published_by")
            .annotate(n_items=Count("versionitem", distinct=True))
            .annotate(
                has_answers=Exists(QuestionnaireVersion.objects.frozen().filter(pk=OuterRef("pk")))
            )
        )

    @admin.display(description=_("items"), ordering="n_items")
    def item_count(self, obj: WithAnnotations[QuestionnaireVersion, _VersionCounts]) -> int:
        return obj.n_items

    @admin.display(description=_("audience"), ordering="questionnaire__audience")
    def audience(self, obj: QuestionnaireVersion) -> str:
        return obj.questionnaire.get_audience_display()

    @admin.display(description=_("thresholds"))
    def thresholds_display(self, obj: QuestionnaireVersion) -> str:
        return " / ".join(f"{t:g}" for t in obj.thresholds)

    @admin.display(description=_("published"), boolean=True, ordering="published_at")
    def published(self, obj: QuestionnaireVersion) -> bool:
        return obj.is_published

    @admin.display(description=_("frozen"), boolean=True)
    def frozen(self, obj: WithAnnotations[QuestionnaireVersion, _VersionCounts]) -> bool:
        return obj.has_answers

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.is_frozen:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "description": frozen_version_note(obj.answer_count())}), *rest]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        if version is not None and version.is_frozen and request.method == "GET":
            self.message_user(
                request,
                _(
                    "This version has answers and is frozen. Use “Create new version” to "
                    "make changes; existing campaigns keep scoring against this version."
                ),
                messages.INFO,
            )
        elif version is not None and not version.is_published and request.method == "GET":
            self.message_user(
                request,
                _(
                    "This version is a draft: new campaigns cannot use it until it is "
                    "published (action “Publish” in the list of versions)."
                ),
                messages.INFO,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(
        description=_("Publish (new campaigns use the latest published version)"),
        permissions=["change"],
    )
    def publish(self, request, queryset) -> None:
        for version in queryset:
            if versions.publish_version(version=version, user=request.user):
                self.message_user(
                    request, _("Published %(version)s.") % {"version": version}, messages.SUCCESS
                )
            else:
                self.message_user(
                    request,
                    _("%(version)s was already published.") % {"version": version},
                    messages.INFO,
                )

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
