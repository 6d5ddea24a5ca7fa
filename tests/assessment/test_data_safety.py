from assessment.data_safety import delete_campaign_responses, delete_organisation
from assessment.models import Answer, AuditEntry, Campaign, Comment, Organisation, Response
from questionnaires.models import Item
from tests.factories import CampaignFactory, ResponseFactory, TeamFactory


def make_campaign_with_answers(owner):
    campaign = CampaignFactory(organisation__owner=owner)
    team = TeamFactory(campaign=campaign)
    item = Item.objects.filter(quick_scan=True).first()
    for _ in range(3):
        response = ResponseFactory(campaign=campaign, team=team)
        Answer.objects.create(response=response, item=item, value=4)
        Comment.objects.create(response=response, topic="", text="Goed bezig")
    return campaign


def test_delete_campaign_responses_keeps_campaign_and_logs_who(consultant, banks):
    campaign = make_campaign_with_answers(consultant)
    other = make_campaign_with_answers(consultant)

    entry = delete_campaign_responses(campaign, consultant)

    assert not Response.objects.filter(campaign=campaign).exists()
    assert Response.objects.filter(campaign=other).count() == 3
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    assert entry.username == consultant.username
    assert entry.action == AuditEntry.DELETE_RESPONSES
    assert entry.details["responses"] == 3 and entry.details["answers"] == 3


def test_delete_organisation_removes_everything_and_audit_survives(consultant, banks):
    campaign = make_campaign_with_answers(consultant)
    organisation = campaign.organisation

    delete_organisation(organisation, consultant)

    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert not Response.objects.filter(campaign_id=campaign.pk).exists()
    assert not Answer.objects.filter(response__campaign_id=campaign.pk).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.DELETE_ORGANISATION)
    assert entry.target == organisation.name
    assert entry.details["campaigns"] == [campaign.slug]
    consultant.delete()
    entry.refresh_from_db()
    assert entry.username == "consultant-a" and entry.user is None
