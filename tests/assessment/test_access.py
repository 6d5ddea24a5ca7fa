"""Who may see and touch what: a consultant only ever reaches their own organisations."""

from __future__ import annotations

import pytest
from django.core import mail
from django.forms.models import model_to_dict
from django.urls import reverse

from assessment.models import Campaign, Invitation, Organisation, Team
from assessment.tokens import digest, new_token
from questionnaires.models import Questionnaire
from tests.factories import CampaignFactory, OrganisationFactory, ResponseFactory, TeamFactory


@pytest.fixture
def setup(consultant, banks):
    """Consultant A's organisation with a draft campaign, a team and an open invitation."""
    organisation = OrganisationFactory(name="A's client", owner=consultant)
    campaign = CampaignFactory(
        organisation=organisation, name="A's campaign", slug="a-campaign", status="draft"
    )
    team = TeamFactory(campaign=campaign, name="Sales", expected_size=5)
    Invitation.objects.create(
        campaign=campaign, email="x@example.nl", token_digest=digest("invitation", new_token())
    )
    ResponseFactory(campaign=campaign, team=team)
    return organisation, campaign, team


def pages(organisation, campaign, team) -> list[tuple[str, str, dict]]:
    """Every consultant page and action of the organisation and campaign: (method, url, data)."""
    quick = Questionnaire.objects.get(code="quick")
    campaign_post = {
        "name": "Hijacked",
        "slug": "hijacked",
        "questionnaire": str(quick.pk),
        "anonymity_threshold": "5",
        "language": "en",
        "teams": "Evil, 3",
    }
    org, slug = organisation.pk, campaign.slug
    return [
        ("get", reverse("assessment:organisation_detail", args=[org]), {}),
        ("get", reverse("assessment:campaign_create", args=[org]), {}),
        ("post", reverse("assessment:campaign_create", args=[org]), campaign_post),
        ("post", reverse("assessment:organisation_share", args=[org]), {"username": "intruder"}),
        (
            "post",
            reverse("assessment:organisation_unshare", args=[org, organisation.owner_id]),
            {},
        ),
        ("get", reverse("assessment:campaign_detail", args=[slug]), {}),
        ("get", reverse("assessment:campaign_edit", args=[slug]), {}),
        ("post", reverse("assessment:campaign_edit", args=[slug]), campaign_post),
        ("get", reverse("assessment:campaign_progress", args=[slug]), {}),
        ("get", reverse("assessment:campaign_qr", args=[slug]), {}),
        ("get", reverse("assessment:campaign_qr", args=[slug]) + f"?team={team.pk}", {}),
        ("post", reverse("assessment:campaign_open", args=[slug]), {}),
        ("post", reverse("assessment:campaign_close", args=[slug]), {}),
        ("post", reverse("assessment:campaign_invite", args=[slug]), {"addresses": "e@x.nl"}),
        ("post", reverse("assessment:campaign_remind", args=[slug]), {}),
    ]


def snapshot() -> dict:
    """Everything a consultant page could change."""
    return {
        "organisations": sorted(
            (o.pk, o.name, o.owner_id, tuple(o.shared_with.values_list("pk", flat=True)))
            for o in Organisation.objects.all()
        ),
        "campaigns": sorted(
            tuple(sorted(model_to_dict(c).items(), key=str)) for c in Campaign.objects.all()
        ),
        "teams": sorted(Team.objects.values_list("pk", "campaign_id", "name", "expected_size")),
        "invitations": sorted(
            Invitation.objects.values_list("pk", "email", "token_digest", "reminded_at")
        ),
        "mail": len(mail.outbox),
    }


def test_other_consultant_gets_404_everywhere_and_nothing_changes(client, setup, other_consultant):
    OrganisationFactory(name="B's own", owner=other_consultant)
    client.force_login(other_consultant)
    before = snapshot()

    for method, url, data in pages(*setup):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)

    assert snapshot() == before
    listing = client.get(reverse("assessment:organisation_list")).content.decode()
    assert "B&#x27;s own" in listing and "A&#x27;s client" not in listing
    assert "A&#x27;s campaign" not in listing


def test_guessed_ids_and_slugs_are_404(client, consultant, banks):
    client.force_login(consultant)
    assert client.get(reverse("assessment:organisation_detail", args=[987654])).status_code == 404
    assert client.get(reverse("assessment:campaign_detail", args=["nope"])).status_code == 404
    assert client.post(reverse("assessment:campaign_open", args=["nope"])).status_code == 404


def test_anonymous_visitor_is_sent_to_login_and_nothing_changes(client, setup):
    before = snapshot()
    login = reverse("login")
    for method, url, data in [
        ("get", reverse("assessment:organisation_list"), {}),
        ("get", reverse("assessment:organisation_create"), {}),
        ("post", reverse("assessment:organisation_create"), {"name": "Anon BV"}),
        *pages(*setup),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(f"{login}?next="), (method, url)
    assert snapshot() == before


def test_shared_consultant_has_access(client, setup, other_consultant):
    organisation, campaign, team = setup
    organisation.shared_with.add(other_consultant)
    client.force_login(other_consultant)

    for method, url, _ in pages(*setup):
        if method == "get":
            assert client.get(url).status_code == 200, url
    listing = client.get(reverse("assessment:organisation_list")).content.decode()
    assert "A&#x27;s client" in listing

    assert client.post(reverse("assessment:campaign_open", args=[campaign.slug])).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.OPEN


def test_shared_consultant_cannot_reshare_or_unshare(client, setup, other_consultant):
    organisation, _, _ = setup
    organisation.shared_with.add(other_consultant)
    client.force_login(other_consultant)
    share = reverse("assessment:organisation_share", args=[organisation.pk])
    unshare = reverse(
        "assessment:organisation_unshare", args=[organisation.pk, other_consultant.pk]
    )
    assert client.post(share, {"username": "consultant-a"}).status_code == 403
    assert client.post(unshare).status_code == 403
    assert list(organisation.shared_with.all()) == [other_consultant]


def test_campaign_cannot_be_created_in_someone_elses_organisation(client, setup, other_consultant):
    organisation, _, _ = setup
    client.force_login(other_consultant)
    url = reverse("assessment:campaign_create", args=[organisation.pk])
    before = Campaign.objects.count()
    client.post(url, {"name": "X", "questionnaire": "1", "anonymity_threshold": "5"})
    assert Campaign.objects.count() == before


# --------------------------------------------------------------------------- admin


def test_staff_can_use_the_fieldwork_admin(client, setup, staff_user):
    organisation, campaign, team = setup
    invitation = Invitation.objects.get()
    response_obj = campaign.responses.get()
    client.force_login(staff_user)
    for name, obj in [
        ("organisation", organisation),
        ("campaign", campaign),
        ("invitation", invitation),
        ("response", response_obj),
    ]:
        assert client.get(reverse(f"admin:assessment_{name}_changelist")).status_code == 200
        change = client.get(reverse(f"admin:assessment_{name}_change", args=[obj.pk]))
        assert change.status_code == 200, name
    campaign_page = client.get(reverse("admin:assessment_campaign_change", args=[campaign.pk]))
    assert "Sales" in campaign_page.content.decode()  # team inline
    response_page = client.get(
        reverse("admin:assessment_response_change", args=[response_obj.pk])
    ).content.decode()
    assert "x@example.nl" not in response_page and "key_digest" not in response_page
    assert client.get(reverse("admin:assessment_response_add")).status_code == 403
    assert client.get(reverse("admin:assessment_invitation_add")).status_code == 403


def test_consultants_without_staff_status_cannot_use_the_admin(client, setup, consultant):
    client.force_login(consultant)
    response = client.get(reverse("admin:assessment_campaign_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
