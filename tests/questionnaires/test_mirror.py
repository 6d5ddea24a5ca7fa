"""The customer mirror in the database: customer items in the dimension they mirror, its
own questionnaire, and never a customer item in an internal questionnaire."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessment.forms import CampaignForm
from questionnaires.loader import BANKS_DIR, load_question_banks, read_yaml
from questionnaires.models import Item, Questionnaire, QuestionnaireVersion, VersionItem
from tests.factories import OrganisationFactory

MIRROR = read_yaml(BANKS_DIR / "mirror.yaml")


def test_the_mirror_is_a_customer_questionnaire_of_its_own_version_1(banks):
    mirror = Questionnaire.objects.get(code="mirror")
    assert mirror.audience == Questionnaire.CUSTOMER
    assert list(Questionnaire.objects.for_customers()) == [mirror]
    (version,) = mirror.versions.all()
    assert version.number == 1 and version.is_published and not version.bank_edition
    in_order = version.versionitem_set.order_by("order").values_list("item__code", flat=True)
    assert list(in_order) == [item["code"] for item in MIRROR["items"]]


def test_each_customer_item_sits_in_the_dimension_it_mirrors(banks):
    for entry in MIRROR["items"]:
        item = Item.objects.select_related("dimension__framework").get(code=entry["code"])
        assert item.audience == Item.CUSTOMER
        assert item.dimension.full_code == entry["dimension"]
        assert item.code == f"mirror.{item.dimension.full_code}.{item.code.rsplit('.', 1)[1]}"
        assert item.scale == Item.AGREEMENT and not item.quick_scan
        assert item.reverse_keyed == bool(entry.get("reverse"))
        assert item.concept == entry["concept"]


def test_no_internal_questionnaire_version_holds_a_customer_item(banks):
    internal = QuestionnaireVersion.objects.filter(
        questionnaire__in=Questionnaire.objects.internal()
    )
    assert internal.exists()
    assert not VersionItem.objects.filter(version__in=internal, item__audience=Item.CUSTOMER)
    assert set(Item.objects.internal().values_list("audience", flat=True)) <= {
        Item.EVERYONE,
        Item.MANAGEMENT,
    }
    mirror = Questionnaire.objects.get(code="mirror").latest_version()
    assert mirror is not None
    assert set(mirror.items.values_list("audience", flat=True)) == {Item.CUSTOMER}


def test_loading_twice_changes_nothing_for_the_mirror(banks):
    report = load_question_banks()
    assert not report.changed
    assert report.counts[("customer items", "unchanged")] == len(MIRROR["items"])
    assert Questionnaire.objects.get(code="mirror").versions.count() == 1


def test_the_campaign_form_never_offers_the_mirror(banks):
    form = CampaignForm(organisation=OrganisationFactory())
    field = form.fields["questionnaire"]
    assert isinstance(field, forms.ModelChoiceField)
    offered = set(field.queryset.values_list("code", flat=True))
    assert "full" in offered and "mirror" not in offered


def test_create_campaign_refuses_the_mirror(banks):
    with pytest.raises(CommandError, match="unknown code 'mirror'") as refused:
        call_command(
            "create_campaign",
            "--organisation=Acme",
            "--name=Round",
            "--slug=acme-round",
            "--questionnaire=mirror",
            "--teams=Sales",
        )
    assert "mirror" not in str(refused.value).split("available:")[1]


def test_a_customer_item_code_names_its_dimension(banks):
    item = Item.objects.for_customers().select_related("dimension__framework").first()
    assert item is not None
    item.code = "mirror.keys.asset.9"
    with pytest.raises(ValidationError):
        item.full_clean()
    internal = Item.objects.internal().first()
    assert internal is not None
    internal.code = f"mirror.{internal.code}"
    with pytest.raises(ValidationError):
        internal.full_clean()


def test_a_version_item_keeps_customers_and_inside_apart(banks):
    full = Questionnaire.objects.get(code="full").latest_version()
    mirror = Questionnaire.objects.get(code="mirror").latest_version()
    customer_item = Item.objects.for_customers().first()
    internal_item = Item.objects.internal().first()
    with pytest.raises(ValidationError):
        VersionItem(version=full, item=customer_item).clean()
    with pytest.raises(ValidationError):
        VersionItem(version=mirror, item=internal_item).clean()
    VersionItem(version=mirror, item=customer_item).clean()


def test_the_admin_shows_and_filters_the_audience(client, staff_user, banks):
    client.force_login(staff_user)
    items = client.get(
        reverse("admin:questionnaires_item_changelist"), {"audience": Item.CUSTOMER, "all": ""}
    )
    listed = {item.code for item in items.context["cl"].result_list}
    assert listed == {entry["code"] for entry in MIRROR["items"]}
    questionnaires = client.get(
        reverse("admin:questionnaires_questionnaire_changelist"),
        {"audience": Questionnaire.CUSTOMER},
    )
    assert [q.code for q in questionnaires.context["cl"].result_list] == ["mirror"]
    assert "customers (the customer mirror)" in questionnaires.content.decode()
    versions = client.get(
        reverse("admin:questionnaires_questionnaireversion_changelist"),
        {"questionnaire__audience": Questionnaire.INTERNAL},
    )
    assert "mirror" not in {v.questionnaire.code for v in versions.context["cl"].result_list}
