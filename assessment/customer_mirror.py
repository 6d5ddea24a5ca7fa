"""The customer mirror of a campaign: a short survey for the organisation's customers.

It is a campaign of its own (`Campaign.mirror_of` points at the internal campaign it
mirrors), so everything the respondent flow, the links, the QR codes and the anonymity
rule already do for a campaign holds for customers too, and customer answers are stored
under another campaign: they cannot reach the internal responses, scores or exports.

- its questionnaire is a customer questionnaire (`Questionnaire.CUSTOMER`);
- its teams are the consultant's customer *segments* ("B2B", "consumers"), each with its
  own link and QR code; the mirror's own link files answers under no segment;
- customers choose no role and no segment; k is the mirror's own.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from questionnaires.models import Questionnaire

from .campaigns import create_campaign, unique_slug
from .models import DEFAULT_ANONYMITY_THRESHOLD, Campaign, max_length
from .teams import TeamSpec

NAME_MAX_LENGTH = max_length(Campaign, "name")


def customer_questionnaire() -> Questionnaire:
    """The customer questionnaire a new mirror uses: the one with a published version."""
    found = (
        Questionnaire.objects.for_customers()
        .filter(versions__published_at__isnull=False)
        .order_by("code")
        .first()
    )
    if found is None:
        raise ValidationError(
            _("No customer questionnaire has been published yet; load the question banks first.")
        )
    return found


@transaction.atomic
def add_customer_mirror(
    *,
    campaign: Campaign,
    segments: Iterable[TeamSpec] = (),
    anonymity_threshold: int = DEFAULT_ANONYMITY_THRESHOLD,
    created_by=None,
) -> Campaign:
    """Give `campaign` its customer mirror, as a draft the consultant opens when ready.

    It starts with the campaign's language and results rule, and with its dates while
    the campaign's fieldwork is still ahead or running (customers of a round that has
    closed are asked afterwards: the consultant sets the mirror's own dates). Its name and
    slug follow the campaign's, in its language. Refused for a mirror itself and for a
    campaign that has one."""
    stored = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if stored.is_customer_mirror:
        raise ValidationError(_("A customer mirror cannot have a customer mirror of its own."))
    if Campaign.objects.filter(mirror_of=stored).exists():
        raise ValidationError(_("This campaign already has a customer mirror."))
    runs_on = not stored.fieldwork_ended()
    with translation.override(stored.language):  # named in the campaign's language
        name = _("%(campaign)s (customers)") % {"campaign": stored.name}
        if len(name) > NAME_MAX_LENGTH:  # a long campaign name gives way to the suffix
            over = len(name) - NAME_MAX_LENGTH + 1
            name = _("%(campaign)s (customers)") % {"campaign": stored.name[:-over] + "…"}
        suffix = _("customers")
        slug = unique_slug(f"{stored.slug}-{suffix}")
    return create_campaign(
        organisation=stored.organisation,
        name=name,
        slug=slug,
        questionnaire=customer_questionnaire(),
        teams=segments,
        anonymity_threshold=anonymity_threshold,
        minimum_answered=stored.minimum_answered,
        language=stored.language,
        results_during_fieldwork=stored.results_during_fieldwork,
        opens_at=stored.opens_at if runs_on else None,
        closes_at=stored.closes_at if runs_on else None,
        created_by=created_by,
        mirror_of=stored,
    )
