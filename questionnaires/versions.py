"""Publishing questionnaire versions and keeping respondents' pages in step with edits.

A version is a draft until published; campaigns only pick published versions. Every save
of a text respondents see raises the `content_revision` of the versions containing it, so
that the page plans cached per process (keyed by that revision) are rebuilt at once.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Dimension, Framework, Item, QuestionnaireVersion, VersionItem

# Campaign.OPEN in assessment, which builds on this app and so cannot be imported here.
OPEN_CAMPAIGN_STATUS = "open"


@transaction.atomic
def publish_version(*, version: QuestionnaireVersion, user=None) -> bool:
    """Make a draft version available to new campaigns; False when it already was."""
    locked = QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_published:
        version.published_at, version.published_by = locked.published_at, locked.published_by
        return False
    now = timezone.now()
    QuestionnaireVersion.objects.filter(pk=version.pk).update(published_at=now, published_by=user)
    version.published_at, version.published_by = now, user
    return True


def bump_content_revision(versions: QuerySet[QuestionnaireVersion]) -> None:
    versions.update(content_revision=F("content_revision") + 1)


def open_campaign_count(item: Item) -> int:
    """Campaigns taking answers now (open, not past closing) on a version with `item`."""
    now = timezone.now()
    live = (
        Q(campaigns__status=OPEN_CAMPAIGN_STATUS)
        & (Q(campaigns__closes_at__isnull=True) | Q(campaigns__closes_at__gt=now))
        & (Q(campaigns__opens_at__isnull=True) | Q(campaigns__opens_at__lte=now))
    )
    return (
        QuestionnaireVersion.objects.filter(versionitem__item=item)
        .filter(live)
        .values("campaigns")
        .distinct()
        .count()
    )


# --------------------------------------------------------------------------- signals
# Fixture loading (raw) writes rows as they are; nothing is cached for them yet.


@receiver(post_save, sender=Item, dispatch_uid="questionnaires.item_revision")
def _item_saved(sender, instance: Item, raw: bool = False, **kwargs) -> None:
    if not raw:
        bump_content_revision(QuestionnaireVersion.objects.filter(versionitem__item=instance))


@receiver(post_save, sender=Dimension, dispatch_uid="questionnaires.dimension_revision")
def _dimension_saved(sender, instance: Dimension, raw: bool = False, **kwargs) -> None:
    if not raw:
        bump_content_revision(
            QuestionnaireVersion.objects.filter(versionitem__item__dimension=instance)
        )


@receiver(post_save, sender=Framework, dispatch_uid="questionnaires.framework_revision")
def _framework_saved(sender, instance: Framework, raw: bool = False, **kwargs) -> None:
    if not raw:
        bump_content_revision(
            QuestionnaireVersion.objects.filter(versionitem__item__dimension__framework=instance)
        )


@receiver(post_save, sender=VersionItem, dispatch_uid="questionnaires.selection_saved")
@receiver(post_delete, sender=VersionItem, dispatch_uid="questionnaires.selection_deleted")
def _selection_changed(sender, instance: VersionItem, raw: bool = False, **kwargs) -> None:
    if not raw:
        bump_content_revision(QuestionnaireVersion.objects.filter(pk=instance.version_id))
