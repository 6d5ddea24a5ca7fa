"""What the reports app keeps in the database: the reports (PDF, and the workshop slides as
PowerPoint) being made or made, the read-only report links a consultant hands to a
management team, and the action plan that comes out of the workshop.

A finished report's file lives in the "reports" storage (`settings.STORAGES`); its row
says which file, and while it is being made, how far the work is. Rows, not files or
process memory, so that every app node sees the same reports and the same progress.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.models import Campaign
from reports import action_rules, business_results, link_rules
from reports.scoring import STAGES


class ReportJob(models.Model):
    """One version of one report: its kind (the PDF or the slides), the campaign,
    language and team it is for (`family`) and the signature of everything it shows.
    The worker that makes it writes its progress here and beats a heartbeat; a running
    job whose heartbeat stops is retried (see `reports.report_jobs.status`)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF report")
        PPTX = "pptx", _("Workshop slides (PowerPoint)")

    # A default in the database too: a node still on the release before the slides
    # inserts PDF jobs without the column.
    kind = models.CharField(
        max_length=8, choices=Kind.choices, default=Kind.PDF, db_default=Kind.PDF
    )
    family = models.CharField(max_length=200)
    signature = models.CharField(max_length=64)
    campaign_slug = models.SlugField(max_length=100)
    language = models.CharField(max_length=8)
    team = models.CharField(max_length=200, null=True, blank=True)  # None: the whole campaign
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    steps = models.PositiveIntegerField(default=1)
    # The report without the comments' appendix (a read-only link that shows no comments).
    with_comments = models.BooleanField(default=True)
    # A message id, translated by the page that shows it (a Dutch page can follow an
    # English report), so it is stored untranslated.
    message = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    # The run that is making the job now: a run presumed dead and replaced writes nothing.
    claim = models.CharField(max_length=32, blank=True)
    # When the finished version's data was read: a version made from older data never
    # replaces one made from newer data, whichever finished last.
    data_read_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    enqueued_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        constraints = [
            models.UniqueConstraint(fields=["family", "signature"], name="one_job_per_report")
        ]

    def __str__(self) -> str:
        return f"{self.family}.{self.signature[:12]} ({self.state})"


class ReportLink(models.Model):
    """A read-only link to one campaign's results for people without an account: the
    dashboard (with or without comments) and, when chosen, the PDF report. Only the
    hash of its token is stored (`reports.link_rules`); the rules of its life are there
    too, its writes in `reports.report_links`."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="report_links")
    label = models.CharField(_("label"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    shows_comments = models.BooleanField(_("shows comments"), default=False)
    allows_pdf = models.BooleanField(_("offers the PDF report"), default=False)
    expires_on = models.DateField(_("works until"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("read-only report link")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.campaign.slug}: {self.label}"

    def state(self) -> link_rules.LinkState:
        return link_rules.link_state(
            revoked_at=self.revoked_at, expires_on=self.expires_on, today=timezone.localdate()
        )


class ReportLinkVisit(models.Model):
    """One opening of a link's dashboard: the time only (no address, no browser), so the
    consultant sees that, and when, the link was used."""

    link = models.ForeignKey(ReportLink, on_delete=models.CASCADE, related_name="visits")
    visited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("visit of a report link")
        indexes = [models.Index(fields=["link", "-visited_at"], name="link_visits_latest")]

    def __str__(self) -> str:
        return f"{self.link_id} {self.visited_at:%Y-%m-%d %H:%M}"


class Action(models.Model):
    """One action of a campaign's action plan: what the organisation will do about one
    dimension before the next round, and the score or stage it aims for there. The rules
    (overdue, reached, refused input) are in `reports.action_rules`, the writes in
    `reports.action_services`."""

    class Status(models.TextChoices):
        PLANNED = action_rules.PLANNED, _("Planned")
        IN_PROGRESS = action_rules.IN_PROGRESS, _("In progress")
        DONE = action_rules.DONE, _("Done")
        DROPPED = action_rules.DROPPED, _("Dropped")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="actions")
    dimension = models.CharField(_("dimension"), max_length=81)  # full code: keys.journey
    title = models.CharField(_("title"), max_length=action_rules.TITLE_MAX)
    recommendation = models.TextField(_("starts from"), blank=True)
    owner = models.CharField(_("owner"), max_length=100, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    target_score = models.DecimalField(
        _("target score"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    target_stage = models.CharField(
        _("target stage"), max_length=10, blank=True, choices=[(s, s) for s in STAGES]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    # The action of the previous round this one carries on.
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    remind = models.BooleanField(_("remind me a week before it is due"), default=False)
    # The due date a reminder went out for: a second run sends nothing twice, a new due
    # date is reminded again.
    reminded_for = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["campaign", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_score__isnull=True)
                | models.Q(target_score__gte=0, target_score__lte=100),
                name="action_target_score_0_100",
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="action_has_a_title"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug}: {self.title}"


class ActionNote(models.Model):
    """A dated line of progress on an action."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    written_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("progress"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["written_on", "pk"]

    def __str__(self) -> str:
        return f"{self.written_on}: {self.text[:40]}"


class BusinessResult(models.Model):
    """One business figure of a campaign's organisation over a period (customers won,
    NPS, churn…), entered by the consultant with its source; shown beside the scores and,
    across rounds, beside the index's trend. The figures and their rules are in
    `reports.business_results`, the writes in `reports.business_result_services`."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="business_results"
    )
    metric = models.CharField(
        _("figure"),
        max_length=30,
        choices=[(m.code, m.name) for m in business_results.METRICS],
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    source = models.CharField(_("source"), max_length=business_results.SOURCE_MAX, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("business result")
        verbose_name_plural = _("business results")
        ordering = ["campaign", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "metric"], name="one_business_result_per_figure"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="business_result_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug}: {self.metric} = {self.value}"
