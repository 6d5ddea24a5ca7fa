"""Deleting fieldwork data on purpose, with an audit trail of who did it."""

from django.db import transaction

from .models import Answer, AuditEntry, Campaign, Comment, Organisation, Response


def _audit(user, action: str, target: str, details: dict) -> AuditEntry:
    return AuditEntry.objects.create(
        user=user, username=user.get_username(), action=action, target=target, details=details
    )


@transaction.atomic
def delete_campaign_responses(campaign: Campaign, user) -> AuditEntry:
    """Remove every response (answers and comments too) of a campaign; the campaign stays."""
    responses = Response.objects.filter(campaign=campaign)
    details = {
        "campaign": campaign.slug,
        "organisation": campaign.organisation.name,
        "responses": responses.count(),
        "answers": Answer.objects.filter(response__campaign=campaign).count(),
        "comments": Comment.objects.filter(response__campaign=campaign).count(),
    }
    responses.delete()
    campaign.invitations.update(completed=False)
    return _audit(user, AuditEntry.DELETE_RESPONSES, str(campaign), details)


@transaction.atomic
def delete_organisation(organisation: Organisation, user) -> AuditEntry:
    """Remove an organisation with all its campaigns, teams, invitations and responses."""
    name = organisation.name
    campaigns = list(organisation.campaigns.values_list("slug", flat=True))
    details = {
        "organisation": name,
        "campaigns": campaigns,
        "responses": Response.objects.filter(campaign__organisation=organisation).count(),
    }
    organisation.delete()
    return _audit(user, AuditEntry.DELETE_ORGANISATION, name, details)
