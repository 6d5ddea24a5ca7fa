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
from tests.factories import ClosedCampaignFactory, TeamFactory

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


@pytest.fixture
def mostly_management_version():
    """alpha.one: item 1 for everyone, items 2 and 3 for management only."""
    version = make_questionnaire()
    Item.objects.filter(code__in=["alpha.one.2", "alpha.one.3"]).update(audience=Item.MANAGEMENT)
    return version


def test_employees_need_half_of_the_items_they_were_shown(mostly_management_version):
    campaign = ClosedCampaignFactory(
        questionnaire_version=mostly_management_version, anonymity_threshold=3
    )
    for _ in range(3):
        add_response(
            campaign, {"alpha.one.1": 4, "alpha.one.2": 4, "alpha.one.3": 2}, role="manager"
        )
        # Shown one statement of alpha.one, answered it: 1 of 1, so the employee counts.
        add_response(campaign, {"alpha.one.1": 2}, role=Response.EMPLOYEE)

    one = next(d for d in build_profile(campaign).dimensions() if d.code == "alpha.one")

    assert one.n == 6
    # managers keyed 4, 4, 6 - 2 = 4 -> 4; employees 2; (3 x 4 + 3 x 2) / 6 = 3 -> S = 50
    assert one.score == pytest.approx(50.0)


def gap_campaign(version, *, one_manager_answers_everything: bool):
    campaign = ClosedCampaignFactory(questionnaire_version=version, anonymity_threshold=5)
    alpha, beta = TeamFactory(campaign=campaign, name="A"), TeamFactory(campaign=campaign, name="B")
    everything = {"alpha.one.1": 4, "alpha.one.2": 4, "alpha.one.3": 2, "alpha.two.1": 4}
    employee = {"alpha.one.1": 2, "alpha.two.1": 2}
    for _ in range(4):
        add_response(campaign, everything, team=alpha, role=Response.MANAGER)
    last = everything if one_manager_answers_everything else {"alpha.one.1": 5, "alpha.two.1": 4}
    add_response(campaign, last, team=alpha, role=Response.MANAGER)
    for _ in range(5):
        add_response(campaign, employee, team=alpha, role=Response.EMPLOYEE)
        add_response(campaign, everything, team=beta, role=Response.MANAGER)
    for _ in range(6):
        add_response(campaign, employee, team=beta, role=Response.EMPLOYEE)
    return campaign


def test_the_gap_never_counts_other_people_than_the_release_checked(mostly_management_version):
    """A manager who answered only the shared statement counts on the shared statement
    (1 of 1) but not on all three (1 of 3). The gap would then publish team A's
    management over other people than the release checked; with team A's own score,
    that would give away fewer than k managers. The gap leaves that dimension out."""
    campaign = gap_campaign(mostly_management_version, one_manager_answers_everything=False)
    for team in (None, "A"):
        gaps = {g.dimension for g in build_profile(campaign, team=team).gaps}
        assert "alpha.one" not in gaps, team
        assert "alpha.two" in gaps, team  # no management statements: shown as ever

    # When the same people count either way, the dimension is in the gap.
    campaign = gap_campaign(mostly_management_version, one_manager_answers_everything=True)
    assert "alpha.one" in {g.dimension for g in build_profile(campaign, team="A").gaps}
