"""The question bank: frameworks, dimensions, items, stages and versioned questionnaires.

Every text exists in Dutch and English as a pair of fields (`name_nl`, `name_en`);
`tr("name")` returns the one for the active language.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from .codes import MIRROR_PREFIX, code_validator, item_code_validator, mirror_code_prefix
from .querysets import (
    CUSTOMER_AUDIENCE,
    INTERNAL_AUDIENCE,
    ItemQuerySet,
    QuestionnaireQuerySet,
    QuestionnaireVersionQuerySet,
    VersionItemQuerySet,
)
from .translation import Bilingual


class Described(Bilingual):
    """A bank row with a name and a description in both languages."""

    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.tr("name")


class Stage(Described):
    """One of the four diamond stages a score falls into."""

    ROUGH, CLEAR, CUT, SHINING = "rough", "clear", "cut", "shining"
    CODES = (ROUGH, CLEAR, CUT, SHINING)

    code = models.CharField(_("code"), max_length=20, unique=True, choices=[(c, c) for c in CODES])
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    next_step_nl = models.TextField(_("next step (Dutch)"), blank=True)
    next_step_en = models.TextField(_("next step (English)"), blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")


class Framework(Described):
    MEAN, WEAKEST_LINK = "mean", "weakest_link"
    AGGREGATIONS = [
        (MEAN, _("Weighted mean of the dimensions")),
        (WEAKEST_LINK, _("Weakest link (lowest dimension)")),
    ]

    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    aggregation = models.CharField(
        _("aggregation"), max_length=20, choices=AGGREGATIONS, default=MEAN
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")


class FrameworkStage(Bilingual):
    """What a score band of one framework suggests, and the next step from there.

    The overall index reads `Stage`; each framework's section reads its own texts."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="stages", verbose_name=_("framework")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=[(c, c) for c in Stage.CODES])
    looks_like_nl = models.TextField(_("what it looks like (Dutch)"))
    looks_like_en = models.TextField(_("what it looks like (English)"))
    next_step_nl = models.TextField(_("next step (Dutch)"))
    next_step_en = models.TextField(_("next step (English)"))

    class Meta:
        ordering = ["framework__order", "framework", "stage"]
        verbose_name = _("framework stage text")
        verbose_name_plural = _("framework stage texts")
        constraints = [
            models.UniqueConstraint(fields=["framework", "stage"], name="unique_framework_stage")
        ]

    def __str__(self) -> str:
        return f"{self.framework.code} · {self.stage}"


class Dimension(Described):
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="dimensions", verbose_name=_("framework")
    )
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    weight = models.FloatField(_("weight"), default=1.0, validators=[MinValueValidator(0.0)])
    discussion_question_nl = models.TextField(_("workshop discussion question (Dutch)"))
    discussion_question_en = models.TextField(_("workshop discussion question (English)"))

    class Meta:
        ordering = ["framework__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_dimension_code")
        ]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")

    def __str__(self) -> str:
        return f"{self.framework.code}.{self.code} — {self.tr('name')}"

    @property
    def full_code(self) -> str:
        return f"{self.framework.code}.{self.code}"


class Recommendation(Bilingual):
    """A 'what to do next' for a dimension that scores low."""

    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="recommendations"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text_nl = models.TextField(_("text (Dutch)"))
    text_en = models.TextField(_("text (English)"))

    class Meta:
        ordering = ["dimension", "order", "pk"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return self.tr("text")[:80]


class Item(Bilingual):
    """A statement answered on a five-point scale, or "don't know".

    A customer item (`audience` customer) is a statement of the customer mirror: it sits in
    the internal dimension it mirrors, so that the customers' view can be set beside the
    inside view, but it is never part of an internal questionnaire or score.
    """

    AGREEMENT, BIPOLAR = "agreement", "bipolar"
    EVERYONE, MANAGEMENT, CUSTOMER = "everyone", "management", CUSTOMER_AUDIENCE
    SCALES = [
        (AGREEMENT, _("Agreement (1 = strongly disagree … 5 = strongly agree)")),
        (BIPOLAR, _("Bipolar (1 = the 'from' pole … 5 = the 'to' pole)")),
    ]

    dimension = models.ForeignKey(
        Dimension, on_delete=models.PROTECT, related_name="items", verbose_name=_("dimension")
    )
    code = models.CharField(
        _("code"), max_length=100, unique=True, validators=[item_code_validator]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    scale = models.CharField(_("scale"), max_length=20, choices=SCALES, default=AGREEMENT)
    reverse_keyed = models.BooleanField(
        _("reverse-keyed"),
        default=False,
        help_text=_("Agreeing is the less mature answer; scored as 6 − value."),
    )
    quick_scan = models.BooleanField(_("in the quick scan"), default=False)
    audience = models.CharField(
        _("audience"),
        max_length=20,
        choices=[
            (EVERYONE, _("everyone")),
            (MANAGEMENT, _("board and managers only")),
            (CUSTOMER, _("customers (the customer mirror)")),
        ],
        default=EVERYONE,
        help_text=_(
            "An item only management can answer is not shown to employees and is left out of "
            "the comparison between management and employees. A customer item belongs to the "
            "customer mirror and never counts in an internal questionnaire or score."
        ),
    )
    concept = models.CharField(
        _("concept"),
        max_length=60,
        blank=True,
        help_text=_("The concept of the framework's source that this item measures."),
    )
    replaces = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
        help_text=_(
            "Items of an earlier bank edition that this one measures in the same way; "
            "trends compare a dimension across editions only when enough items are linked."
        ),
    )
    text_nl = models.TextField(_("statement (Dutch)"))
    text_en = models.TextField(_("statement (English)"))
    pole_from_nl = models.CharField(_("'from' pole (Dutch)"), max_length=300, blank=True)
    pole_from_en = models.CharField(_("'from' pole (English)"), max_length=300, blank=True)
    pole_to_nl = models.CharField(_("'to' pole (Dutch)"), max_length=300, blank=True)
    pole_to_en = models.CharField(_("'to' pole (English)"), max_length=300, blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["dimension__framework__order", "dimension__order", "order", "code"]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return self.code

    @property
    def is_for_customers(self) -> bool:
        return self.audience == self.CUSTOMER

    def clean(self) -> None:
        self.clean_customer_item()
        if self.scale == self.BIPOLAR:
            missing = [
                f
                for f in ("pole_from_nl", "pole_from_en", "pole_to_nl", "pole_to_en")
                if not getattr(self, f)
            ]
            if missing:
                raise ValidationError(
                    {f: _("A bipolar item needs both poles in both languages.") for f in missing}
                )

    def clean_customer_item(self) -> None:
        """A customer item's code names its dimension; only customer items have such codes."""
        if not self.is_for_customers:
            if self.code.startswith(MIRROR_PREFIX):
                raise ValidationError(
                    {"audience": _("An item with a mirror.… code is for customers.")}
                )
            return
        if self.dimension_id is not None:
            prefix = mirror_code_prefix(self.dimension.full_code)
            if not self.code.startswith(prefix):
                raise ValidationError(
                    {
                        "code": _("A customer item's code starts with %(prefix)s.")
                        % {"prefix": prefix}
                    }
                )
        if self.quick_scan or self.scale != self.AGREEMENT:
            raise ValidationError(
                _("A customer item uses the agreement scale and is never in the quick scan.")
            )

    @property
    def is_bipolar(self) -> bool:
        return self.scale == self.BIPOLAR

    def is_frozen(self) -> bool:
        return QuestionnaireVersion.objects.frozen().filter(items=self).exists()


class Questionnaire(Described):
    """A named selection of items (full scan, quick scan, one framework) with versions.

    An internal questionnaire is answered by the organisation's own people; a customer
    questionnaire (the customer mirror) by its customers, and holds only customer items.
    """

    INTERNAL, CUSTOMER = INTERNAL_AUDIENCE, CUSTOMER_AUDIENCE

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    audience = models.CharField(
        _("audience"),
        max_length=20,
        choices=[
            (INTERNAL, _("board, managers and employees")),
            (CUSTOMER, _("customers (the customer mirror)")),
        ],
        default=INTERNAL,
        help_text=_(
            "Campaigns for the organisation's own people only offer internal questionnaires; "
            "the customer mirror's answers never enter the internal index."
        ),
    )

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def latest_version(self) -> QuestionnaireVersion | None:
        return self.versions.order_by("-number").first()

    def latest_published_version(self) -> QuestionnaireVersion | None:
        """The version new campaigns get: drafts are still being edited in the admin."""
        return self.versions.published().order_by("-number").first()


class QuestionnaireVersion(models.Model):
    """One selection of items with its stage thresholds: a draft until published, frozen
    once answered.

    Only published versions can be picked by a campaign. As soon as someone answers on a
    version it is frozen: the admin shows it read-only and offers "create new version";
    old campaigns keep scoring against their own version.
    """

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"), default=1)
    items: models.ManyToManyField[Item, VersionItem] = models.ManyToManyField(
        Item, through="VersionItem", related_name="versions"
    )
    clear_threshold = models.FloatField(
        _("threshold clear"),
        default=50.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(100.0)],
    )
    cut_threshold = models.FloatField(
        _("threshold cut"),
        default=70.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(100.0)],
    )
    shining_threshold = models.FloatField(
        _("threshold shining"),
        default=85.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(100.0)],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    bank_edition = models.CharField(
        _("archived bank edition"),
        max_length=20,
        blank=True,
        editable=False,
        help_text=_(
            "Set on a version holding an earlier edition of the shipped banks: it is kept "
            "as history (rounds answered on it stay comparable) and never refilled."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(
        _("published"),
        null=True,
        blank=True,
        help_text=_("Empty while the version is a draft; campaigns only use published versions."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    # Raised whenever a text the respondents see (item, dimension, framework or the item
    # selection) is saved, so that every process's cached page plan notices the change.
    content_revision = models.PositiveIntegerField(_("content revision"), default=0)

    objects = QuestionnaireVersionQuerySet.as_manager()

    class Meta:
        ordering = ["questionnaire__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="unique_questionnaire_version"
            )
        ]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")

    def __str__(self) -> str:
        return f"{self.questionnaire.code} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        # Only `versions.bump_content_revision` writes the revision, in one UPDATE. Saving
        # a copy loaded before an item edit would otherwise lower it again, and processes
        # that cached the page plan under the higher number would keep the old text.
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "content_revision"
            ]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not (self.clear_threshold < self.cut_threshold < self.shining_threshold):
            raise ValidationError(
                _("Thresholds must rise: clear < cut < shining (default 50 / 70 / 85).")
            )

    @property
    def thresholds(self) -> tuple[float, float, float]:
        return (self.clear_threshold, self.cut_threshold, self.shining_threshold)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_frozen(self) -> bool:
        if self.pk is None:
            return False
        return QuestionnaireVersion.objects.frozen().filter(pk=self.pk).exists()

    def answer_count(self) -> int:
        """How many answers were given on this version (all its campaigns together)."""
        if self.pk is None:
            return 0
        return QuestionnaireVersion.objects.filter(pk=self.pk).aggregate(
            n=Count("campaigns__responses__answers")
        )["n"]

    def ordered_items(self) -> models.QuerySet[Item]:
        return self.items.select_related("dimension__framework").order_by(
            "dimension__framework__order", "dimension__order", "versionitem__order", "code"
        )

    @transaction.atomic
    def create_next_version(self, note: str = "") -> QuestionnaireVersion:
        """Copy this version's item selection and thresholds into a new draft version."""
        number = (
            QuestionnaireVersion.objects.filter(questionnaire=self.questionnaire).aggregate(
                Max("number")
            )["number__max"]
            or 0
        ) + 1
        new = QuestionnaireVersion.objects.create(
            questionnaire=self.questionnaire,
            number=number,
            clear_threshold=self.clear_threshold,
            cut_threshold=self.cut_threshold,
            shining_threshold=self.shining_threshold,
            note=note or f"Copy of v{self.number}",
        )
        VersionItem.objects.bulk_create(
            VersionItem(version=new, item_id=vi.item_id, order=vi.order)
            for vi in self.versionitem_set.all()
        )
        return new


class VersionItem(models.Model):
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE)
    item = models.ForeignKey(Item, on_delete=models.CASCADE)
    order = models.PositiveIntegerField(default=0)

    objects = VersionItemQuerySet.as_manager()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "item"], name="unique_version_item")
        ]
        verbose_name = _("item in version")
        verbose_name_plural = _("items in version")

    def __str__(self) -> str:
        return f"{self.version} · {self.item_id}"

    def clean(self) -> None:
        # Customer items in an internal version would enter the internal index, and
        # internal items in the mirror would ask customers about the inside.
        if self.version_id is None or self.item_id is None:
            return
        for_customers = self.version.questionnaire.audience == Questionnaire.CUSTOMER
        if self.item.is_for_customers != for_customers:
            raise ValidationError(
                {
                    "item": _(
                        "Customer items belong only in the customer mirror, and the mirror "
                        "holds only customer items."
                    )
                }
            )
