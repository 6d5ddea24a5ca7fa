"""Items only management can answer (`Item.audience`): employees never see them, and the
perception gap compares both sides on the items both saw."""

from __future__ import annotations

import pytest

from assessment import page_plan
from assessment.models import Response
from questionnaires.models import Item
from questionnaires.versions import bump_content_revision
from reports.profile_builder import build_profile
from tests.builders import add_response, make_questionnaire
from tests.factories import ClosedCampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    version = make_questionnaire()
    Item.objects.filter(code="alpha.one.2").update(audience=Item.MANAGEMENT)
    return version


def test_employees_get_the_pages_without_management_items(version):
    for_everyone = page_plan.get_page_plan(version, Response.MANAGER)
    for_employees = page_plan.get_page_plan(version, Response.EMPLOYEE)

    codes = [i.code for p in for_everyone.pages for i in p.items]
    assert "alpha.one.2" in codes and for_everyone.item_count == 7
    employee_codes = [i.code for p in for_employees.pages for i in p.items]
    assert employee_codes == [c for c in codes if c != "alpha.one.2"]
    # Numbered again without gaps, so "statement 3 of 6" stays true.
    assert [i.number for p in for_employees.pages for i in p.items] == [1, 2, 3, 4, 5, 6]
    assert for_employees.item_count == 6
    assert page_plan.get_page_plan(version, Response.BOARD) is for_everyone
    assert page_plan.get_page_plan(version) is for_everyone  # no role chosen yet


def test_an_audience_edit_reaches_the_plan(version):
    assert page_plan.get_page_plan(version, Response.EMPLOYEE).item_count == 6
    Item.objects.filter(code="alpha.one.2").update(audience=Item.EVERYONE)
    bump_content_revision(type(version).objects.filter(pk=version.pk))
    version.refresh_from_db()
    assert page_plan.get_page_plan(version, Response.EMPLOYEE).item_count == 7


def test_the_gap_rests_on_the_items_both_sides_saw(version):
    campaign = ClosedCampaignFactory(questionnaire_version=version, anonymity_threshold=3)
    shared = {"alpha.one.1": 4, "alpha.one.3": 2, "alpha.two.1": 4, "alpha.two.2": 4}
    for _ in range(3):
        # Keyed alpha.one: 4, 5 (the management item), 6 - 2 = 4.
        add_response(campaign, {**shared, "alpha.one.2": 5}, role=Response.MANAGER)
    for _ in range(3):
        # Keyed alpha.one: 2 and 6 - 4 = 2; the management item never shown.
        add_response(
            campaign,
            {"alpha.one.1": 2, "alpha.one.3": 4, "alpha.two.1": 2, "alpha.two.2": 2},
            role=Response.EMPLOYEE,
        )

    profile = build_profile(campaign)

    one = next(d for d in profile.frameworks[0].dimensions if d.code == "alpha.one")
    # The dimension's own score counts every item: management mean 13/3, employees 2;
    # over everyone (13/3 + 2) / 2 = 19/6 -> S = 100 * (19/6 - 1) / 4 = 54.1666...
    assert one.score == pytest.approx(100 * (19 / 6 - 1) / 4)
    gap = next(g for g in profile.gaps if g.dimension == "alpha.one")
    # On the shared items: management 4 -> S = 75, employees 2 -> S = 25.
    assert (gap.management, gap.employees, gap.gap) == pytest.approx((75.0, 25.0, 50.0))
    two = next(g for g in profile.gaps if g.dimension == "alpha.two")
    assert (two.management, two.employees) == pytest.approx((75.0, 25.0))
