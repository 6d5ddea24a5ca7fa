"""Fieldwork: organisations, campaigns, teams, invitations, responses and answers."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questionnaires.models import Item, QuestionnaireVersion

from . import roles
from .anonymity import DEFAULT_ANONYMITY_THRESHOLD, MINIMUM_ANONYMITY_THRESHOLD
from .tokens import new_token

__all__ = ["DEFAULT_ANONYMITY_THRESHOLD", "MINIMUM_ANONYMITY_THRESHOLD"]

# The share of a questionnaire's statements a response needs before it can be submitted
# (see `responding.answers_needed`); "don't know" counts as an answer.
DEFAULT_MINIMUM_ANSWERED = 50


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user) -> OrganisationQuerySet:
        """Organisations the consultant owns or was given access to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(owner=user) | Q(shared_with=user)).distinct()


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_organisations",
        verbose_name=_("owner"),
    )
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="shared_organisations",
        verbose_name=_("shared with"),
        help_text=_("Other consultants who may see and manage this organisation."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Availability(Enum):
    OPEN = "open"
    DRAFT = "draft"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"


class CampaignQuerySet(models.QuerySet):
    def for_user(self, user) -> CampaignQuerySet:
        return self.filter(organisation__in=Organisation.objects.for_user(user))

    def internal(self) -> CampaignQuerySet:
        """Campaigns of the organisation's own people: never a customer mirror."""
        return self.filter(mirror_of__isnull=True)

    def with_counts(self) -> CampaignQuerySet:
        return self.annotate(
            submitted_count=Count("responses", filter=counted_filter("responses__")),
        )


class Campaign(models.Model):
    DRAFT, OPEN, CLOSED = "draft", "open", "closed"
    STATUSES = [(DRAFT, _("Draft")), (OPEN, _("Open")), (CLOSED, _("Closed"))]

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="campaigns",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    questionnaire_version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("questionnaire"),
    )
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=DRAFT)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    anonymity_threshold = models.PositiveSmallIntegerField(
        _("anonymity threshold"),
        default=DEFAULT_ANONYMITY_THRESHOLD,
        validators=[MinValueValidator(MINIMUM_ANONYMITY_THRESHOLD), MaxValueValidator(100)],
        help_text=_("Groups with fewer submitted responses are never shown (at least 3)."),
    )
    minimum_answered = models.PositiveSmallIntegerField(
        _("minimum answered (%)"),
        default=DEFAULT_MINIMUM_ANSWERED,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Submissions with fewer answers are refused with an explanation; "
            "don't know counts as an answer."
        ),
    )
    # While fieldwork runs, results either move in steps of k responses or wait until
    # the campaign ends: either way no single new answer can be read off a change.
    RESULTS_IN_STEPS, RESULTS_AFTER_CLOSING = "steps", "after_closing"
    RESULTS_DURING_FIELDWORK = [
        (RESULTS_IN_STEPS, _("The whole campaign only, updated in steps of k responses")),
        (RESULTS_AFTER_CLOSING, _("Nothing until the campaign has closed")),
    ]
    language = models.CharField(
        _("default language"), max_length=2, choices=settings.LANGUAGES, default="nl"
    )
    results_during_fieldwork = models.CharField(
        _("results during fieldwork"),
        max_length=20,
        choices=RESULTS_DURING_FIELDWORK,
        default=RESULTS_IN_STEPS,
        help_text=_(
            "Teams, roles and comments are shown once the campaign has closed; until then "
            "the dashboard shows at most the whole campaign, in steps of k responses."
        ),
    )
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    # A customer mirror is a campaign of its own beside the internal one it mirrors: its
    # own link, k, segments (its teams) and fieldwork, and answers that can never reach
    # the internal campaign's responses or scores (`assessment.customer_mirror`).
    mirror_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="customer_mirror",
        verbose_name=_("customer mirror of"),
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymity_threshold__gte=MINIMUM_ANONYMITY_THRESHOLD),
                name="anonymity_threshold_at_least_3",
            ),
            models.CheckConstraint(
                condition=Q(minimum_answered__lte=100),
                name="minimum_answered_at_most_100",
            ),
        ]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return f"{self.organisation} — {self.name}"

    @property
    def is_customer_mirror(self) -> bool:
        """Answered by the organisation's customers: no roles, segments instead of teams."""
        return self.mirror_of_id is not None

    def availability(self, now: datetime | None = None) -> Availability:
        """Whether the campaign takes answers now, and if not, why."""
        now = now or timezone.now()
        if self.status == self.DRAFT:
            return Availability.DRAFT
        if self.status == self.CLOSED or (self.closes_at is not None and now >= self.closes_at):
            return Availability.CLOSED
        if self.opens_at is not None and now < self.opens_at:
            return Availability.NOT_YET_OPEN
        return Availability.OPEN

    def fieldwork_ended(self, now: datetime | None = None) -> bool:
        """Closed by hand, or past its closing moment: results are final."""
        return self.availability(now) is Availability.CLOSED

    def is_accepting_responses(self, now: datetime | None = None) -> bool:
        return self.availability(now) is Availability.OPEN


class Team(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=100)
    expected_size = models.PositiveIntegerField(
        _("team size"),
        null=True,
        blank=True,
        help_text=_("Number of people invited, for the response rate."),
    )
    order = models.PositiveSmallIntegerField(default=0)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    workshop_tablet = models.BooleanField(
        _("workshop tablet"),
        default=False,
        help_text=_(
            "The team link is used on one shared device: after each submission the next "
            "person starts a new, unlinked response."
        ),
    )

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="unique_team_name")
        ]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """A personal invitation. Stores the address, never a link to the answers."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # Someone started answering with this link: the response is stored under it, and
    # nothing else can find that response, so from now on the link is never replaced.
    started = models.BooleanField(_("started"), default=False)
    completed = models.BooleanField(_("completed"), default=False)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "email"], name="unique_invitation_email")
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email


def max_length(model: type[models.Model], field_name: str) -> int:
    """The ``max_length`` of one of the text fields above, for validating input early."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, models.Field) or field.max_length is None:
        raise TypeError(f"{model.__name__}.{field_name} has no max_length")
    return field.max_length


def counted_filter(prefix: str = "") -> Q:
    """Submitted responses that count in results and response rates: never test
    responses. ``prefix`` is the path to the Response (``"responses__"`` from a Campaign)."""
    return Q(**{f"{prefix}status": Response.SUBMITTED, f"{prefix}is_test": False})


class ResponseQuerySet(models.QuerySet):
    def submitted(self) -> ResponseQuerySet:
        """Submitted responses, test responses included."""
        return self.filter(status=Response.SUBMITTED)

    def counted(self) -> ResponseQuerySet:
        return self.filter(counted_filter())


class Response(models.Model):
    BOARD, MANAGER, EMPLOYEE = roles.BOARD, roles.MANAGER, roles.EMPLOYEE
    ROLES = [
        (BOARD, _("Board member / director")),
        (MANAGER, _("Manager")),
        (EMPLOYEE, _("Employee")),
    ]
    ROLE_CODES = roles.ROLE_CODES
    IN_PROGRESS, SUBMITTED = "in_progress", "submitted"
    STATUSES = [(IN_PROGRESS, _("In progress")), (SUBMITTED, _("Submitted"))]

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    team = models.ForeignKey(
        Team, on_delete=models.RESTRICT, null=True, blank=True, related_name="responses"
    )
    role = models.CharField(_("role"), max_length=10, choices=ROLES, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=STATUSES, default=IN_PROGRESS)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    resume_code_digest = models.CharField(max_length=64, unique=True, editable=False)
    respondent_ref = models.CharField(
        _("respondent id"),
        max_length=100,
        blank=True,
        help_text=_("Identifier from an imported file; empty for web responses."),
    )
    language = models.CharField(max_length=2, choices=settings.LANGUAGES, default="nl")
    # Made from a browser in which a consultant was logged in: a try-out, never a result.
    is_test = models.BooleanField(_("test response"), default=False)
    # Started on a team link in workshop-tablet mode: only such a response, once
    # submitted, hands the device to the next person (`responding.starts_afresh`).
    on_workshop_tablet = models.BooleanField(default=False, editable=False)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["campaign", "status"])]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return f"{self.campaign.slug} #{self.pk}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.SUBMITTED


class Answer(models.Model):
    """One item's answer: 1–5, or NULL for "don't know / not applicable"."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="unique_answer"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=5),
                name="answer_value_1_to_5",
            ),
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.item_id}={self.value if self.value is not None else 'dk'}"


class Comment(models.Model):
    """Free text a respondent left on one framework, or on the whole response.

    `topic` is the code of the framework the comment was asked at the end of (`keys`);
    a dimension's full code (`keys.journey`) in responses of the time when each page asked
    for one; empty for a comment on the whole response (as in an imported file).
    """

    MAX_LENGTH = 2000

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="comments")
    topic = models.CharField(max_length=100, blank=True)
    text = models.TextField(_("comment"), max_length=MAX_LENGTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "topic"], name="unique_comment_per_page")
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]


class AuditEntry(models.Model):
    """Who deleted or downloaded what, kept after the data (and even the user) are gone."""

    DELETE_RESPONSES = "delete_responses"
    DELETE_ORGANISATION = "delete_organisation"
    EXPORT_RESPONSES = "export_responses"
    ACTIONS = [
        (DELETE_RESPONSES, _("Deleted the responses of a campaign")),
        (DELETE_ORGANISATION, _("Deleted an organisation")),
        (EXPORT_RESPONSES, _("Downloaded the respondent-level data of a campaign")),
    ]

    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150)
    action = models.CharField(_("action"), max_length=40, choices=ACTIONS)
    target = models.CharField(_("what"), max_length=300)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username}: {self.get_action_display()}"
