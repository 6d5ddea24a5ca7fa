"""Business rules for the consultant's fieldwork: organisations, campaigns, progress (teams:
`assessment.teams`).

Views and management commands call these plain functions; nothing here knows about
requests or templates. Respondent link paths live here too, so the web pages, the
e-mails and the command line all print the same links.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from questionnaires.models import Questionnaire, QuestionnaireVersion

from .models import (
    DEFAULT_ANONYMITY_THRESHOLD,
    DEFAULT_MINIMUM_ANSWERED,
    MINIMUM_ANONYMITY_THRESHOLD,
    Campaign,
    Organisation,
    Response,
    Team,
    counted_filter,
    max_length,
)
from .teams import TeamSpec, sync_teams
from .text import clean_name

SLUG_MAX_LENGTH = max_length(Campaign, "slug")


# --------------------------------------------------------------------------- links


def shared_path(campaign: Campaign) -> str:
    """The campaign's shared respondent link (anyone with it can answer)."""
    return reverse("respondent:campaign", args=[campaign.token])


def team_path(team: Team) -> str:
    """A team's respondent link: answers are filed under that team."""
    return reverse("respondent:team", args=[team.token])


def invitation_path(token: str) -> str:
    """A personal invitation link; only the digest of `token` is stored."""
    return reverse("respondent:invitation", args=[token])


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


# --------------------------------------------------------------------------- organisations


# Test responses (made while a consultant was logged in) are counted apart, never as
# responses: they are try-outs, not results.
TESTS = Q(responses__is_test=True)


def organisations_overview(user) -> QuerySet[Organisation]:
    """The user's organisations with their campaigns, submitted and test counts (3 queries)."""
    campaigns = (
        Campaign.objects.internal()
        .with_counts()
        .annotate(test_count=Count("responses", filter=TESTS))
        .select_related("questionnaire_version__questionnaire")
        .order_by("-created_at")
    )
    return (
        Organisation.objects.for_user(user)
        .select_related("owner")
        .prefetch_related(Prefetch("campaigns", queryset=campaigns))
        .order_by("name")
    )


def organisation_campaigns(organisation: Organisation) -> QuerySet[Campaign]:
    """An organisation's campaigns with submitted / in-progress / test counts and team counts;
    a customer mirror is shown on its campaign's page, not as a campaign of its own."""
    return (
        organisation.campaigns.internal()
        .annotate(
            submitted_count=Count("responses", filter=counted_filter("responses__"), distinct=True),
            in_progress_count=Count(
                "responses",
                filter=Q(responses__status=Response.IN_PROGRESS, responses__is_test=False),
                distinct=True,
            ),
            test_count=Count("responses", filter=TESTS, distinct=True),
            team_count=Count("teams", distinct=True),
            customer_count=Count(
                "customer_mirror__responses",
                filter=counted_filter("customer_mirror__responses__"),
                distinct=True,
            ),
        )
        .select_related("questionnaire_version__questionnaire", "customer_mirror")
        .order_by("-created_at")
    )


@transaction.atomic
def create_organisation(*, name: str, owner) -> Organisation:
    name = clean_name(name)
    if not name:
        raise ValidationError(_("An organisation needs a name."))
    return Organisation.objects.create(name=name, owner=owner)


def share_organisation(organisation: Organisation, acting_user, username: str):
    """Give another consultant access. Only the owner may share; returns the user."""
    if organisation.owner_id != acting_user.pk:
        raise ValidationError(_("Only the owner of an organisation can share it."))
    user_model = get_user_model()
    username = username.strip()
    try:
        user = user_model.objects.get(**{user_model.USERNAME_FIELD: username}, is_active=True)
    except user_model.DoesNotExist:
        raise ValidationError(
            _("There is no consultant with the username “%(username)s”.") % {"username": username}
        ) from None
    if user.pk == organisation.owner_id:
        raise ValidationError(_("You already own this organisation."))
    if organisation.shared_with.filter(pk=user.pk).exists():
        raise ValidationError(
            _("%(username)s already has access.") % {"username": user.get_username()}
        )
    organisation.shared_with.add(user)
    return user


def unshare_organisation(organisation: Organisation, acting_user, user_id: int) -> None:
    if organisation.owner_id != acting_user.pk:
        raise ValidationError(_("Only the owner of an organisation can change who has access."))
    organisation.shared_with.remove(user_id)


# --------------------------------------------------------------------------- campaigns


def validate_threshold(threshold: int) -> None:
    if threshold < MINIMUM_ANONYMITY_THRESHOLD:
        raise ValidationError(
            _(
                "The anonymity threshold must be at least %(min)d: smaller groups could "
                "identify individual respondents."
            )
            % {"min": MINIMUM_ANONYMITY_THRESHOLD}
        )


def unique_slug(name: str, exclude_pk: int | None = None) -> str:
    """A free slug derived from `name`: ``name``, ``name-2``, ``name-3`` …"""
    base = slugify(name)[: SLUG_MAX_LENGTH - 4].strip("-") or "campaign"
    taken = set(
        Campaign.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def slug_is_taken(slug: str, exclude_pk: int | None = None) -> bool:
    return Campaign.objects.filter(slug=slug).exclude(pk=exclude_pk).exists()


def latest_version(questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The newest PUBLISHED version: drafts are still being edited in the admin."""
    version = questionnaire.latest_published_version()
    if version is None:
        raise ValidationError(
            _("The questionnaire “%(name)s” has no published version yet.")
            % {"name": questionnaire}
        )
    return version


def has_responses(campaign: Campaign) -> bool:
    return campaign.pk is not None and campaign.responses.exists()


def can_change_questionnaire(campaign: Campaign) -> bool:
    """The questionnaire is fixed once anyone has started answering."""
    return not has_responses(campaign)


def check_threshold_change(stored: Campaign, threshold: int) -> None:
    """k may be raised at any time, but never lowered once anyone has answered (in
    progress or submitted): they answered under the promise of the stored k."""
    validate_threshold(threshold)
    if threshold < stored.anonymity_threshold and has_responses(stored):
        raise ValidationError(
            _(
                "People have already answered under the promise that groups smaller than "
                "%(k)d are never shown, so the anonymity threshold can be raised but not "
                "lowered below %(k)d."
            )
            % {"k": stored.anonymity_threshold}
        )


def results_are_final(campaign: Campaign, now: dt.datetime | None = None) -> bool:
    """Fieldwork has ended with (counted) submitted responses: the dashboard has shown
    results as final. New answers after that would change them, and the difference
    between the two "final" views would tell what the late respondents answered."""
    return (
        campaign.pk is not None
        and campaign.fieldwork_ended(now)
        and campaign.responses.counted().exists()
    )


def final_results_message() -> str:
    return _(
        "The results of this campaign are final: it cannot be reopened or close later, "
        "because new answers would change results that were shown as final. Start a new "
        "round instead."
    )


def check_status_change(stored: Campaign, status: str) -> None:
    """Once results are final the campaign stays closed (also not back to a draft)."""
    if status not in (stored.status, Campaign.CLOSED) and results_are_final(stored):
        raise ValidationError(final_results_message())


def check_closing_change(stored: Campaign, closes_at: dt.datetime | None) -> None:
    """Once results are final the closing moment may move earlier, never later."""
    if closes_at == stored.closes_at or not results_are_final(stored):
        return
    if closes_at is None or (stored.closes_at is not None and closes_at > stored.closes_at):
        raise ValidationError(final_results_message())


@transaction.atomic
def create_campaign(
    *,
    organisation: Organisation,
    name: str,
    questionnaire: Questionnaire,
    teams: Iterable[TeamSpec] = (),
    slug: str = "",
    anonymity_threshold: int = DEFAULT_ANONYMITY_THRESHOLD,
    minimum_answered: int = DEFAULT_MINIMUM_ANSWERED,
    language: str = "nl",
    results_during_fieldwork: str = Campaign.RESULTS_IN_STEPS,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    status: str = Campaign.DRAFT,
    created_by=None,
    version: QuestionnaireVersion | None = None,
    mirror_of: Campaign | None = None,
) -> Campaign:
    """Create a campaign on the questionnaire's latest published version (or on `version`,
    an earlier published one, e.g. to import a round answered on it), with its teams.

    `minimum_answered`: the percentage of statements a response needs to be submitted
    (0 to 100; see `responding.answers_needed`). `mirror_of`: the internal campaign whose
    customer mirror this is (`assessment.customer_mirror`)."""
    name = clean_name(name)
    if not name:
        raise ValidationError(_("A campaign needs a name."))
    validate_threshold(anonymity_threshold)
    Campaign._meta.get_field("minimum_answered").run_validators(minimum_answered)
    slug = slug or unique_slug(name)
    if slug_is_taken(slug):
        raise ValidationError(_("The slug “%(slug)s” is already in use.") % {"slug": slug})
    if version is not None and (
        version.questionnaire_id != questionnaire.pk or not version.is_published
    ):
        raise ValidationError(_("Choose a published version of this questionnaire."))
    check_audience(questionnaire, customer_mirror=mirror_of is not None)
    campaign = Campaign.objects.create(
        organisation=organisation,
        name=name,
        slug=slug,
        questionnaire_version=version or latest_version(questionnaire),
        anonymity_threshold=anonymity_threshold,
        minimum_answered=minimum_answered,
        language=language,
        results_during_fieldwork=results_during_fieldwork,
        opens_at=opens_at,
        closes_at=closes_at,
        status=status,
        created_by=created_by,
        mirror_of=mirror_of,
    )
    sync_teams(campaign, teams)
    return campaign


@transaction.atomic
def update_campaign(
    *,
    campaign: Campaign,
    name: str,
    slug: str,
    questionnaire: Questionnaire,
    anonymity_threshold: int,
    language: str,
    results_during_fieldwork: str,
    opens_at: dt.datetime | None,
    closes_at: dt.datetime | None,
    teams: Iterable[TeamSpec],
    minimum_answered: int | None = None,
) -> Campaign:
    """Save a consultant's changes to a campaign, or refuse them all (ValidationError).

    The rules are checked against the stored row (locked), not against `campaign`, which
    a bound form may already have changed. `minimum_answered` None keeps the stored one.
    """
    stored = Campaign.objects.select_for_update().get(pk=campaign.pk)
    name = clean_name(name)
    if not name:
        raise ValidationError(_("A campaign needs a name."))
    if slug_is_taken(slug, exclude_pk=stored.pk):
        raise ValidationError(_("The slug “%(slug)s” is already in use.") % {"slug": slug})
    check_threshold_change(stored, anonymity_threshold)
    if minimum_answered is not None:
        Campaign._meta.get_field("minimum_answered").run_validators(minimum_answered)
    check_closing_change(stored, closes_at)
    change_questionnaire(stored, questionnaire)
    stored.name, stored.slug, stored.language = name, slug, language
    stored.anonymity_threshold = anonymity_threshold
    if minimum_answered is not None:
        stored.minimum_answered = minimum_answered
    stored.results_during_fieldwork = results_during_fieldwork
    stored.opens_at, stored.closes_at = opens_at, closes_at
    stored.save()
    sync_teams(stored, teams)
    return stored


def check_audience(questionnaire: Questionnaire, *, customer_mirror: bool) -> None:
    """A customer mirror asks a customer questionnaire, every other campaign an internal
    one: customer statements never enter an internal campaign, nor the other way round."""
    if (questionnaire.audience == Questionnaire.CUSTOMER) != customer_mirror:
        raise ValidationError(
            _("A customer mirror uses a customer questionnaire.")
            if customer_mirror
            else _("The customer questionnaire is only for a campaign's customer mirror.")
        )


def change_questionnaire(campaign: Campaign, questionnaire: Questionnaire) -> None:
    """Switch to another questionnaire's latest published version; refused once responses
    exist."""
    if campaign.questionnaire_version.questionnaire_id == questionnaire.pk:
        return
    check_audience(questionnaire, customer_mirror=campaign.is_customer_mirror)
    if not can_change_questionnaire(campaign):
        raise ValidationError(
            _(
                "This campaign already has responses, so its questionnaire can no longer "
                "change. Create a new campaign for another questionnaire."
            )
        )
    campaign.questionnaire_version = latest_version(questionnaire)


@transaction.atomic
def open_campaign(*, campaign: Campaign) -> None:
    """Open (or reopen) a campaign; refused once its results are final."""
    stored = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_status_change(stored, Campaign.OPEN)
    Campaign.objects.filter(pk=stored.pk).update(status=Campaign.OPEN)
    campaign.status = Campaign.OPEN


@transaction.atomic
def close_campaign(*, campaign: Campaign) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.CLOSED)
    campaign.status = Campaign.CLOSED


# Dates: the consultant picks days; a campaign opens at the start of its first day and
# closes at the end of its last day (local time).


def start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def end_of_day(day: dt.date) -> dt.datetime:
    """The first moment after `day` (a campaign is open up to, not including, this)."""
    return start_of_day(day + dt.timedelta(days=1))


def opening_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


def closing_day(moment: dt.datetime | None) -> dt.date | None:
    if moment is None:
        return None
    local = timezone.localtime(moment)
    return (local - dt.timedelta(days=1)).date() if local.time() == dt.time.min else local.date()
