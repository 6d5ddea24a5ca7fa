"""The customer mirror: made beside its campaign, answered by customers through their own
links, and never reaching the internal campaign."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from assessment import campaigns as rules
from assessment import page_plan, responding
from assessment.customer_mirror import add_customer_mirror
from assessment.models import Answer, Campaign, Response
from assessment.teams import TeamSpec
from questionnaires.models import Item, Questionnaire
from tests.assessment.conftest import Respondent
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Refusals are compared in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def internal(full_version, consultant) -> Campaign:
    campaign = CampaignFactory(questionnaire_version=full_version, language="nl")
    campaign.organisation.owner = consultant
    campaign.organisation.save()
    return campaign


@pytest.fixture
def mirror(internal) -> Campaign:
    mirror = add_customer_mirror(
        campaign=internal,
        segments=[TeamSpec("B2B"), TeamSpec("Consumenten")],
        anonymity_threshold=4,
    )
    rules.open_campaign(campaign=mirror)
    return mirror


# --------------------------------------------------------------------------- making one


def test_a_mirror_is_a_draft_campaign_of_its_own_on_the_customer_questionnaire(internal):
    mirror = add_customer_mirror(campaign=internal, segments=[TeamSpec("B2B")])
    assert mirror.pk != internal.pk and mirror.mirror_of == internal
    assert mirror.is_customer_mirror and not internal.is_customer_mirror
    assert mirror.questionnaire_version.questionnaire.code == "mirror"
    assert mirror.status == Campaign.DRAFT
    assert mirror.anonymity_threshold == 5  # the default k
    assert list(mirror.teams.values_list("name", flat=True)) == ["B2B"]
    # named in the campaign's language (Dutch here), whatever the page's language
    assert mirror.name == f"{internal.name} (klanten)"
    assert mirror.slug == f"{internal.slug}-klanten"
    assert mirror.token != internal.token
    assert internal.customer_mirror == mirror


def test_a_second_mirror_or_a_mirror_of_a_mirror_is_refused_and_nothing_is_stored(mirror):
    internal = mirror.mirror_of
    before = Campaign.objects.count()
    with pytest.raises(ValidationError, match="already has a customer mirror"):
        add_customer_mirror(campaign=internal)
    with pytest.raises(ValidationError, match="cannot have a customer mirror"):
        add_customer_mirror(campaign=mirror)
    assert Campaign.objects.count() == before


def test_the_customer_questionnaire_stays_with_mirrors_and_the_internal_ones_with_campaigns(
    internal, mirror
):
    customer = Questionnaire.objects.get(code="mirror")
    full = Questionnaire.objects.get(code="full")
    with pytest.raises(ValidationError, match="only for a campaign's customer mirror"):
        rules.create_campaign(organisation=internal.organisation, name="X", questionnaire=customer)
    with pytest.raises(ValidationError, match="uses a customer questionnaire"):
        rules.change_questionnaire(mirror, full)
    assert not Campaign.objects.filter(name="X").exists()


def test_the_organisation_lists_the_campaign_and_not_its_mirror(internal, mirror):
    listed = list(rules.organisation_campaigns(internal.organisation))
    assert listed == [internal]


def test_the_mirror_form_refuses_a_k_below_3_and_a_bad_segment_line(client, consultant, internal):
    client.force_login(consultant)
    url = reverse("assessment:campaign_add_customer_mirror", args=[internal.slug])
    response = client.post(
        url, {"segments": "B2B, twaalf", "anonymity_threshold": "2"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "at least 3" in text and "a segment name cannot contain a comma" in text
    assert 'id="mirror-errors"' in text  # the refusal is focused, at the card
    assert not Campaign.objects.filter(mirror_of=internal).exists()


def test_the_campaign_page_offers_a_mirror_and_then_links_to_it(client, consultant, internal):
    client.force_login(consultant)
    page = client.get(reverse("assessment:campaign_detail", args=[internal.slug]))
    assert 'id="customer-mirror"' in page.content.decode()
    response = client.post(
        reverse("assessment:campaign_add_customer_mirror", args=[internal.slug]),
        {"segments": "B2B\nConsumenten", "anonymity_threshold": "5"},
    )
    mirror = Campaign.objects.get(mirror_of=internal)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:campaign_detail", args=[mirror.slug])
    text = client.get(response["Location"]).content.decode()
    assert internal.name in text  # "customer mirror of …"
    for team in mirror.teams.all():
        assert reverse("respondent:team", args=[team.token]) in text
    assert reverse("assessment:campaign_invite", args=[mirror.slug]) not in text


def test_a_mirror_has_no_results_pages_of_its_own(client, consultant, mirror):
    """Every consultant URL of the reports app names a campaign by its slug; for a
    mirror each is a 404 (its results are only shown beside its campaign's), whatever
    the method, and nothing is written."""
    from django.urls import URLPattern

    from reports import urls as report_urls

    client.force_login(consultant)
    patterns = [p for p in report_urls.urlpatterns if isinstance(p, URLPattern)]
    assert len(patterns) > 20
    for pattern in patterns:
        params = {"slug": mirror.slug, "pk": 1, "metric": "nps"}
        kwargs = {name: params[name] for name in pattern.pattern.converters}
        url = reverse(f"reports:{pattern.name}", kwargs=kwargs)
        got = client.get(url)
        if got.status_code == 405:  # a POST-only action
            got = client.post(url)
        assert got.status_code == 404, (pattern.name, got.status_code)


# --------------------------------------------------------------------------- answering


def test_customers_get_plain_pages_in_the_banks_order_and_one_comment_at_the_end(mirror):
    plan = page_plan.get_page_plan(mirror.questionnaire_version, "")
    assert plan.item_count == 14
    # two pages within 6-8 statements; of the equally good splits, the shorter page first
    assert [len(page.items) for page in plan.pages] == [6, 8]
    assert [page.comment_topic for page in plan.pages] == ["", "mirror"]
    assert all(section.title_nl == "" for page in plan.pages for section in page.sections)
    first = plan.pages[0].items[0]
    assert first.code == "mirror.keys.surprise.1"  # the bank's order, not the frameworks'


def test_a_customer_chooses_no_role_and_answers_into_the_mirror(mirror):
    customer = Respondent(mirror)
    welcome = customer.client.get(customer.url("campaign"))
    text = welcome.content.decode()
    assert 'name="role"' not in text and 'name="team"' not in text
    assert f"Hoe ervaar jij {mirror.organisation.name}?" in text  # the mirror's language
    assert customer.client.post(customer.url("campaign"), {}).status_code == 302
    customer.answer_all("2")
    page = customer.client.get(customer.page_url(1)).content.decode()
    assert "elke stelling over dit bedrijf" in page  # not "your organisation"
    thanks = customer.client.get(customer.submit()["Location"]).content.decode()
    assert "minstens 4 klanten" in thanks  # the mirror's own k, said of customers
    response = Response.objects.get(campaign=mirror)
    assert response.is_submitted and response.role == "" and response.team is None
    assert set(response.answers.values_list("item__audience", flat=True)) == {Item.CUSTOMER}
    assert not Response.objects.filter(campaign=mirror.mirror_of).exists()


def test_a_segment_link_files_the_answers_under_its_segment(mirror):
    segment = mirror.teams.get(name="Consumenten")
    customer = Respondent(mirror)
    link = reverse("respondent:team", args=[segment.token])
    welcome = customer.client.get(link).content.decode()
    assert f'navbar-brand d-flex align-items-center gap-2 me-auto" href="{link}"' in welcome
    assert customer.client.post(link, {}).status_code == 302
    assert Response.objects.get(campaign=mirror).team == segment


def test_a_customer_link_reaches_neither_the_internal_questionnaire_nor_another_campaign(
    mirror, quick_version
):
    internal = mirror.mirror_of
    customer = Respondent(mirror)
    customer.client.post(customer.url("campaign"), {})
    # the internal questionnaire's pages know no response of this browser
    inside = customer.client.get(reverse("respondent:page", args=[internal.token, 1]))
    assert inside.status_code == 302  # back to the internal welcome: nothing in progress
    assert inside["Location"] == reverse("respondent:campaign", args=[internal.token])
    posted = customer.client.post(
        reverse("respondent:page", args=[internal.token, 1]), {"action": "next"}
    )
    assert posted.status_code == 403  # "we could not find your questionnaire"
    # internal statements posted to a customer page are not stored
    internal_item = internal.questionnaire_version.ordered_items().first()
    customer.client.post(
        customer.page_url(1),
        {**customer.values_for(1, "3"), f"i-{internal_item.pk}": "5", "action": "next"},
    )
    assert not Answer.objects.filter(item=internal_item).exists()
    # nor does the mirror's link open another campaign, or its cookie another one's pages
    other = CampaignFactory(questionnaire_version=quick_version)
    elsewhere = customer.client.get(reverse("respondent:page", args=[other.token, 1]))
    assert elsewhere.status_code == 302
    assert elsewhere["Location"] == reverse("respondent:campaign", args=[other.token])
    assert Response.objects.filter(campaign=other).count() == 0
    assert customer.answer(1, "3").status_code == 302  # the customer's own page still saves
    assert set(Answer.objects.values_list("response__campaign", flat=True)) == {mirror.pk}


def test_a_customer_cannot_start_with_a_role(mirror):
    with pytest.raises(ValueError, match="unknown role"):
        responding.start_response(mirror, role=Response.MANAGER, team=None, language="nl")


def test_a_mirror_of_a_closed_round_does_not_inherit_its_past_dates(internal):
    Campaign.objects.filter(pk=internal.pk).update(
        status=Campaign.CLOSED, closes_at=timezone.now() - timedelta(days=3)
    )
    internal.refresh_from_db()
    mirror = add_customer_mirror(campaign=internal)
    assert (mirror.opens_at, mirror.closes_at) == (None, None)
    rules.open_campaign(campaign=mirror)
    assert mirror.is_accepting_responses()


def test_a_fresh_client_sees_the_mirror_closed_until_it_opens(internal):
    mirror = add_customer_mirror(campaign=internal)
    page = Client().get(reverse("respondent:campaign", args=[mirror.token]))
    assert page.status_code == 200
    assert "Deze vragenlijst is nog niet open" in page.content.decode()  # a draft, in Dutch
    assert 'name="i-' not in page.content.decode()
    assert not Response.objects.filter(campaign=mirror).exists()


def test_the_admin_shows_a_mirror_with_its_questionnaire_fixed(client, staff_user, mirror):
    client.force_login(staff_user)
    page = client.get(reverse("admin:assessment_campaign_change", args=[mirror.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="questionnaire_version"' not in text  # read-only: customers' questionnaire
    assert mirror.mirror_of.name in text


def test_invitations_and_reminders_are_refused_for_a_mirror(client, consultant, mirror):
    from django.core import mail

    client.force_login(consultant)
    invite = reverse("assessment:campaign_invite", args=[mirror.slug])
    response = client.post(invite, {"addresses": "klant@example.nl"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "A customer mirror sends no e-mail" in page
    client.post(reverse("assessment:campaign_remind", args=[mirror.slug]))
    assert not mirror.invitations.exists() and mail.outbox == []


def test_a_mirror_of_a_mirror_is_not_found(client, consultant, mirror):
    client.force_login(consultant)
    url = reverse("assessment:campaign_add_customer_mirror", args=[mirror.slug])
    assert client.post(url, {"anonymity_threshold": "5"}).status_code == 404
    assert not Campaign.objects.filter(mirror_of=mirror).exists()


def test_a_long_campaign_name_gives_way_to_the_mirrors_suffix(internal):
    Campaign.objects.filter(pk=internal.pk).update(name="x" * 200)
    internal.refresh_from_db()
    mirror = add_customer_mirror(campaign=internal)
    assert len(mirror.name) == 200 and mirror.name.endswith("… (klanten)")


def test_the_qr_sheet_speaks_to_customers(client, consultant, mirror):
    client.force_login(consultant)
    segment = mirror.teams.first()
    sheet = client.get(
        reverse("assessment:campaign_qr", args=[mirror.slug]) + f"?team={segment.pk}"
    ).content.decode()
    assert "Hoe ervaar je ons?" in sheet  # in the mirror's language
    assert "hoe klantgericht we echt zijn" not in sheet


def test_the_commands_refuse_a_mirrors_slug_and_name_its_campaign(mirror, tmp_path):
    from django.core.management import CommandError, call_command

    for command, extra in (
        ("export_profile", []),
        ("export_responses", ["-o", str(tmp_path / "x.csv")]),
        ("export_report", ["-o", str(tmp_path / "x.pdf")]),
        ("import_responses", [str(tmp_path / "x.csv")]),
    ):
        with pytest.raises(CommandError, match=f"customer mirror of '{mirror.mirror_of.slug}'"):
            call_command(command, mirror.slug, *extra)


def test_the_organisation_page_names_the_mirror_under_its_campaign(client, consultant, mirror):
    internal = mirror.mirror_of
    for is_test in (False, True):  # a counted customer response, and a test one that is not
        Response.objects.create(
            campaign=mirror,
            status=Response.SUBMITTED,
            is_test=is_test,
            key_digest=f"k{is_test}",
            resume_code_digest=f"r{is_test}",
        )
    client.force_login(consultant)
    page = client.get(
        reverse("assessment:organisation_detail", args=[internal.organisation.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "customer mirror: 1 customer" in page
    assert reverse("assessment:campaign_detail", args=[mirror.slug]) in page
    assert page.count(reverse("assessment:campaign_detail", args=[internal.slug])) == 1


def test_a_customers_page_costs_what_a_colleagues_does(mirror, django_assert_max_num_queries):
    customer = Respondent(mirror)
    customer.client.post(customer.url("campaign"), {})
    page_plan.get_page_plan(mirror.questionnaire_version, "")  # warm, as in production
    last = customer.plan.pages[-1]
    assert last.comment_topic == "mirror"
    # the response with its campaign, the page's answers with its comment: as inside
    with django_assert_max_num_queries(2):
        assert customer.client.get(customer.page_url(last.number)).status_code == 200
    with django_assert_max_num_queries(6):
        assert customer.answer(last.number, "3", comment="Snel geholpen.").status_code == 302
