"""An edited text reaches new respondents at once: no restart, no cache clearing."""

from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils.html import escape

from assessment import page_plan, responding
from assessment.item_markup import item_markup
from questionnaires.models import Dimension, Framework, Item, QuestionnaireVersion
from tests.factories import CampaignFactory


def revision(version: QuestionnaireVersion) -> int:
    return QuestionnaireVersion.objects.get(pk=version.pk).content_revision


def plan_item(plan: page_plan.PagePlan, item: Item) -> page_plan.PlanItem:
    return next(i for page in plan.pages for i in page.items if i.pk == item.pk)


def item_form(item: Item, **changes) -> dict:
    data = {k: v for k, v in model_to_dict(item).items() if v is not None}
    # Many-to-many fields (`replaces`) are posted as primary keys.
    data = {k: [o.pk for o in v] if isinstance(v, list) else v for k, v in data.items()}
    return data | changes


def test_item_edit_reaches_the_page_plan_and_markup_at_once(quick_version):
    campaign = CampaignFactory(questionnaire_version=quick_version)
    item = quick_version.items.first()
    # As in production: the version comes with the campaign, and plan and markup are warm.
    plan = page_plan.get_page_plan(responding.find_campaign(campaign.token).questionnaire_version)
    assert escape(item.text_en) in item_markup(plan, plan_item(plan, item), "en", "")
    before = revision(quick_version)

    item.text_en = "Our customers can reach a person within a day"
    item.save()

    assert revision(quick_version) == before + 1
    plan = page_plan.get_page_plan(responding.find_campaign(campaign.token).questionnaire_version)
    assert plan_item(plan, item).text("en") == "Our customers can reach a person within a day"
    markup = item_markup(plan, plan_item(plan, item), "en", "4")
    assert "Our customers can reach a person within a day" in markup
    assert ' value="4" checked>' in markup


def test_unchanged_version_keeps_its_cached_plan(quick_version):
    campaign = CampaignFactory(questionnaire_version=quick_version)
    first = page_plan.get_page_plan(responding.find_campaign(campaign.token).questionnaire_version)
    again = page_plan.get_page_plan(responding.find_campaign(campaign.token).questionnaire_version)
    assert again is first


def test_dimension_framework_and_selection_edits_bump_the_revision(full_version):
    item = full_version.items.select_related("dimension__framework").first()
    before = revision(full_version)

    dimension = Dimension.objects.get(pk=item.dimension_id)
    dimension.name_en = "Renamed dimension"
    dimension.save()
    framework = Framework.objects.get(pk=item.dimension.framework_id)
    framework.name_en = "Renamed framework"
    framework.save()
    full_version.versionitem_set.get(item=item).delete()

    assert revision(full_version) == before + 3
    plan = page_plan.get_page_plan(QuestionnaireVersion.objects.get(pk=full_version.pk))
    assert item.pk not in plan.item_ids
    assert "Renamed framework" in {page.title("en") for page in plan.pages}
    sections = {section.title("en") for page in plan.pages for section in page.sections}
    assert "Renamed dimension" in sections


def test_saving_a_stale_version_never_lowers_the_revision(quick_version):
    stale = QuestionnaireVersion.objects.get(pk=quick_version.pk)
    item = quick_version.items.first()
    item.save()
    stale.note = "Saved from an older copy"
    stale.save()
    assert revision(quick_version) == stale.content_revision + 1


def test_admin_warns_when_the_item_is_live_in_open_campaigns(client, staff_user, quick_version):
    CampaignFactory(questionnaire_version=quick_version)
    CampaignFactory(questionnaire_version=quick_version)
    CampaignFactory(questionnaire_version=quick_version, status="closed")
    item = quick_version.items.first()
    url = reverse("admin:questionnaires_item_change", args=[item.pk])
    warning = (
        "This statement is in use in 2 open campaigns; respondents see the new text from now on."
    )
    client.force_login(staff_user)

    assert warning in client.get(url).content.decode()

    response = client.post(url, item_form(item, text_en="Edited in the admin"), follow=True)

    item.refresh_from_db()
    assert item.text_en == "Edited in the admin"
    assert warning in [str(m) for m in response.context["messages"]]
    plan = page_plan.get_page_plan(QuestionnaireVersion.objects.get(pk=quick_version.pk))
    assert plan_item(plan, item).text("en") == "Edited in the admin"


def test_no_warning_for_an_item_outside_open_campaigns(client, staff_user, quick_version):
    item = quick_version.items.first()
    client.force_login(staff_user)
    page = client.get(reverse("admin:questionnaires_item_change", args=[item.pk]))
    assert "open campaign" not in page.content.decode()
