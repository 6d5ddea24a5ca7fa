"""The respondent flow end to end through the Django test client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from assessment import page_plan, respondent_cookie, responding
from assessment.models import Answer, Availability, Campaign, Comment, Invitation, Response
from assessment.tokens import RESUME_CODE_ALPHABET, digest, format_resume_code
from questionnaires.models import Item
from tests.assessment.conftest import Respondent, make_invitation, read_cookie
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def count_h1(text: str) -> int:
    return len(re.findall(r"<h1[\s>]", text))


# --------------------------------------------------------------------------- page plan


def test_pages_break_between_dimensions_near_six_to_eight_statements():
    # Hand-computed: a page costs 1 plus the square of its distance outside 6..8.
    assert page_plan.group_dimensions([2] * 9) == [3, 3, 3]  # 6+6+6 (3) beats 8+10 (6)
    assert page_plan.group_dimensions([2] * 5) == [5]  # 10 (5) beats 4+6 (6)
    assert page_plan.group_dimensions([4, 4, 5]) == [2, 1]  # 8+5 (3) beats 13 (26)
    assert page_plan.group_dimensions([5, 5]) == [1, 1]  # 5+5 (4) beats 10 (5)
    assert page_plan.group_dimensions([4, 6]) == [2]  # 10 (5) beats 4+6 (6)
    assert page_plan.group_dimensions([7]) == [1]
    assert page_plan.group_dimensions([]) == []


def test_a_dimension_larger_than_a_page_is_split_and_joined_where_its_parts_meet():
    def item(n: int) -> page_plan.PlanItem:
        return page_plan.PlanItem(
            pk=n, code=f"a.big.{n}", number=n, bipolar=False, text_nl="", text_en=""
        )

    def section(dimension: str, numbers: range) -> page_plan.Section:
        items = tuple(item(n) for n in numbers)
        return page_plan.Section(
            dimension=dimension, title_nl=dimension, title_en=dimension, items=items
        )

    # 9 statements in one dimension: two sections of 5 and 4 (at most 8 each) ...
    parts = page_plan._sections_of(
        type("Dimension", (), {"full_code": "a.big", "name_nl": "Groot", "name_en": "Big"})(),
        list(range(1, 10)),
        item,
    )
    assert [len(p.items) for p in parts] == [5, 4]
    # ... which, landing on one page (9 costs 2, 5 + 4 costs 7), show one heading.
    assert page_plan.group_dimensions([5, 4]) == [2]
    joined = page_plan._joined(
        [
            section("a.big", range(1, 6)),
            section("a.big", range(6, 10)),
            section("a.small", range(10, 12)),
        ]
    )
    assert [(s.dimension, len(s.items)) for s in joined] == [("a.big", 9), ("a.small", 2)]


def _check_plan(plan, version):
    """Pages hold whole dimensions of one framework; each framework's last page asks for
    its comment; statements are numbered through."""
    assert plan.item_count == version.items.count()
    numbers = [item.number for page in plan.pages for item in page.items]
    assert numbers == list(range(1, plan.item_count + 1))
    for page in plan.pages:
        assert {item.code.split(".")[0] for item in page.items} == {page.framework_code}
        assert page.items == tuple(item for section in page.sections for item in section.items)
        for section in page.sections:
            assert {item.code.rsplit(".", 1)[0] for item in section.items} == {section.dimension}
        dimensions = [section.dimension for section in page.sections]
        assert len(dimensions) == len(set(dimensions))  # one heading per dimension
    frameworks = [page.framework_code for page in plan.pages]
    last_pages = [
        page
        for n, page in enumerate(plan.pages, 1)
        if n == len(frameworks) or frameworks[n] != page.framework_code
    ]
    assert [page.comment_topic for page in last_pages] == list(dict.fromkeys(frameworks))
    assert all(not page.comment_topic for page in plan.pages if page not in last_pages)


def test_quick_scan_pages_are_dimension_groups_of_one_framework(quick_version):
    plan = page_plan.build_page_plan(quick_version)
    _check_plan(plan, quick_version)
    # 2 statements per dimension: diamond 9, shifts 10, keys 5, care 9, listening 5.
    assert [len(page.items) for page in plan.pages] == [6, 6, 6, 6, 6, 8, 10, 6, 6, 6, 10]
    assert [page.comment_topic for page in plan.pages if page.comment_topic] == [
        "diamond",
        "shifts",
        "keys",
        "care",
        "listening",
    ]


def test_full_scan_pages_are_dimension_groups_of_one_framework(full_version):
    plan = page_plan.build_page_plan(full_version)
    _check_plan(plan, full_version)
    assert all(5 <= len(page.items) <= 9 for page in plan.pages)
    assert plan.page_count == 26  # one page per dimension before: 38


def test_page_plan_is_cached_per_version(quick_version, django_assert_num_queries):
    page_plan.clear_page_plan_cache()
    with django_assert_num_queries(1):
        first = page_plan.get_page_plan(quick_version)
    with django_assert_num_queries(0):
        assert page_plan.get_page_plan(quick_version) is first


def test_estimated_minutes():
    assert responding.estimated_minutes(0) == 1
    assert responding.estimated_minutes(76) == 9  # 76 x 7 s = 532 s = 8.9 minutes
    assert responding.estimated_minutes(173) == 20  # 173 x 7 s = 1211 s = 20.2 minutes


def test_resume_code_cleaning():
    assert responding.clean_resume_code(" abcd-efgh ") == "ABCDEFGH"
    assert responding.clean_resume_code("ab cd ef gh") == "ABCDEFGH"
    assert responding.clean_resume_code("ABCD-EFG") is None  # too short
    assert responding.clean_resume_code("ABCD-EFG0") is None  # 0 is not in the alphabet
    assert responding.clean_resume_code("") is None


def test_cookie_packing_and_link_credentials():
    both = respondent_cookie.Credentials(key="k3y_-x", code="ABCDEFGH")
    assert respondent_cookie.unpack_cookie(respondent_cookie.pack_cookie(both)) == both
    code_only = respondent_cookie.Credentials(code="ABCDEFGH")
    assert respondent_cookie.unpack_cookie(respondent_cookie.pack_cookie(code_only)) == code_only
    for junk in (None, "", "no-separator", "a.b.c"):
        assert respondent_cookie.unpack_cookie(junk).is_empty
    # An invitation link opens the invitee's response, keeping a known resume code.
    assert respondent_cookie.link_credentials(both) == both
    assert respondent_cookie.link_credentials(both, "k3y_-x") == both
    assert respondent_cookie.link_credentials(both, "other") == respondent_cookie.Credentials(
        key="other"
    )


def test_campaign_availability(quick_version):
    now = timezone.now()
    campaign = CampaignFactory.build(questionnaire_version=quick_version)
    # One home for the rule: the campaign says whether it takes answers, and why not.
    available = Campaign.availability
    assert available(campaign, now) is Availability.OPEN
    campaign.opens_at = now + timedelta(hours=1)
    assert available(campaign, now) is Availability.NOT_YET_OPEN
    campaign.opens_at, campaign.closes_at = now - timedelta(hours=1), now
    assert available(campaign, now) is Availability.CLOSED
    campaign.closes_at, campaign.status = None, Campaign.DRAFT
    assert available(campaign, now) is Availability.DRAFT
    campaign.status = Campaign.CLOSED
    assert available(campaign, now) is Availability.CLOSED


def test_fieldwork_ends_when_the_campaign_takes_no_more_answers(quick_version):
    now = timezone.now()
    campaign = CampaignFactory.build(questionnaire_version=quick_version)
    assert campaign.is_accepting_responses(now) and not campaign.fieldwork_ended(now)
    campaign.closes_at = now
    assert not campaign.is_accepting_responses(now) and campaign.fieldwork_ended(now)
    campaign.closes_at, campaign.status = None, Campaign.CLOSED
    assert campaign.fieldwork_ended(now)
    campaign.status = Campaign.DRAFT
    assert not campaign.fieldwork_ended(now)


def test_parse_page_without_database(quick_version):
    plan = page_plan.build_page_plan(quick_version)
    page = plan.page(3)  # the diamond's last page: it asks for the comment
    first, second, third = page.items[:3]
    entry = responding.parse_page(
        plan,
        page,
        {f"i-{first.pk}": "5", f"i-{second.pk}": "DK", f"i-{third.pk}": "", "comment": " x\r\ny "},
    )
    assert entry.is_valid
    assert entry.values == {first.pk: "5", second.pk: "dk"}
    assert entry.comment == "x\ny"
    assert responding.parse_page(plan, page, {}).comment is None
    # A page without a comment box ignores a posted comment.
    assert responding.parse_page(plan, plan.page(1), {"comment": "x"}).comment is None


# --------------------------------------------------------------------------- welcome


def test_welcome_page_explains_and_asks_team_and_role(respondent, campaign, plan):
    response = respondent.client.get(respondent.url("campaign"))
    assert response.status_code == 200
    text = html(response)
    assert count_h1(text) == 1
    assert '<html lang="en">' in text
    assert f"About {responding.estimated_minutes(plan.item_count)} minutes" in text
    assert (
        f"Results are shown only for groups of at least {campaign.anonymity_threshold} people; "
        "your name is never stored with your answers." in text
    )
    assert 'name="csrfmiddlewaretoken"' in text
    for team in campaign.teams.all():
        assert f'name="team" value="{team.pk}"' in text
    for role in Response.ROLE_CODES:
        assert f'name="role" value="{role}"' in text
    assert "respondent.css" in text
    assert Response.objects.count() == 0  # looking stores nothing


def test_start_creates_response_and_sets_signed_cookie(respondent, campaign):
    team = campaign.teams.last()
    result = respondent.start(role=Response.MANAGER, team=team)
    assert result.status_code == 302
    assert result["Location"] == respondent.page_url(1)
    stored = Response.objects.get()
    assert (stored.campaign, stored.team, stored.role) == (campaign, team, Response.MANAGER)
    assert stored.status == Response.IN_PROGRESS and stored.language == "en"
    morsel = result.cookies[respondent_cookie.cookie_name(campaign)]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert int(morsel["max-age"]) == 30 * 24 * 60 * 60
    credentials = read_cookie(respondent.client, campaign)
    assert stored.key_digest == digest("response", credentials.key)
    assert stored.resume_code_digest == digest("resume", credentials.code)
    assert "sessionid" not in result.cookies  # no session needed


def test_starting_twice_reuses_the_response(respondent, campaign):
    respondent.start()
    again = respondent.client.post(respondent.url("campaign"), {"role": "employee"})
    assert again.status_code == 302
    assert Response.objects.count() == 1


def test_campaign_without_teams_skips_team(quick_version):
    campaign = CampaignFactory(questionnaire_version=quick_version)
    client = Client()
    page = html(client.get(reverse("respondent:campaign", args=[campaign.token])))
    assert 'name="team"' not in page
    result = client.post(reverse("respondent:campaign", args=[campaign.token]), {"role": "board"})
    assert result.status_code == 302
    assert Response.objects.get().team is None


def test_team_link_preselects_team(campaign):
    team = campaign.teams.last()
    client = Client()
    url = reverse("respondent:team", args=[team.token])
    page = html(client.get(url))
    assert 'name="team"' not in page
    assert team.name in page
    result = client.post(url, {"role": "employee"})
    assert result.status_code == 302
    assert result["Location"] == reverse("respondent:page", args=[campaign.token, 1])
    assert Response.objects.get().team == team
    # Revisiting the team link resumes rather than starting again.
    assert client.get(url)["Location"] == reverse("respondent:page", args=[campaign.token, 1])
    assert Response.objects.count() == 1


# --------------------------------------------------------------------------- language


def test_language_defaults_to_campaign_language(quick_version):
    dutch = CampaignFactory(questionnaire_version=quick_version, language="nl")
    english = CampaignFactory(questionnaire_version=quick_version, language="en")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    nl_page = client.get(reverse("respondent:campaign", args=[dutch.token]))
    assert '<html lang="nl">' in html(nl_page)
    assert nl_page["Content-Language"] == "nl"
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    assert '<html lang="en">' in html(
        client.get(reverse("respondent:campaign", args=[english.token]))
    )


def test_language_switcher_overrides_campaign_language(quick_version):
    dutch = CampaignFactory(questionnaire_version=quick_version, language="nl")
    respondent = Respondent(dutch)
    respondent.start()
    item = respondent.plan.page(1).items[0]
    page = html(respondent.client.get(respondent.page_url(1)))
    assert '<html lang="nl">' in page and escape(item.text_nl) in page
    assert "/i18n/setlang/" in page  # the switcher is on respondent pages
    switched = respondent.client.post(
        "/i18n/setlang/", {"language": "en", "next": respondent.page_url(1)}
    )
    assert switched.status_code == 302 and switched["Location"] == respondent.page_url(1)
    assert respondent.client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = html(respondent.client.get(respondent.page_url(1)))
    assert '<html lang="en">' in page and escape(item.text_en) in page


# --------------------------------------------------------------------------- pages


def test_questionnaire_page_renders_radio_groups(respondent, plan):
    respondent.start()
    response = respondent.client.get(respondent.page_url(1))
    assert response.status_code == 200
    text = html(response)
    assert count_h1(text) == 1
    first = plan.page(1)
    # Progress counts statements, and the page names its framework and dimensions.
    assert f"Statements 1–{len(first.items)} of {plan.item_count}" in text
    progress = f'max="{plan.item_count}" value="{len(first.items)}"'
    assert f'<progress class="page-progress" {progress}' in text
    assert f'<h1 class="h3 page-title">{escape(first.title_en)}</h1>' in text
    for section in first.sections:
        assert f">{escape(section.title_en)}</h2>" in text
    assert text.count("<fieldset") == len(first.items)
    for item in first.items:
        assert f'id="q-{item.pk}"' in text
        assert text.count(f'name="i-{item.pk}"') == 6
        assert f'name="i-{item.pk}" value="dk"' in text
    assert "Strongly disagree" in text and "Strongly agree" in text
    assert "Don’t know / not applicable" in text
    assert 'name="comment"' not in text  # the comment comes at the framework's end
    assert 'value="later"' in text
    assert 'value="previous"' not in text  # no previous on page 1
    last = html(respondent.client.get(respondent.page_url(3)))
    assert 'name="comment"' in last and f'maxlength="{Comment.MAX_LENGTH}"' in last
    assert f"Anything you want to add about “{escape(first.title_en)}”? (optional)" in last
    # The resume code is shown, formatted, on every questionnaire page.
    code = respondent.credentials().code
    assert format_resume_code(code) in text
    assert "Write this down to continue on another device" in text


def test_bipolar_items_show_both_poles(respondent, plan):
    respondent.start()
    shifts = next(page for page in plan.pages if page.framework_code == "shifts")
    text = html(respondent.client.get(respondent.page_url(shifts.number)))
    bipolar = [i for i in shifts.items if Item.objects.get(pk=i.pk).is_bipolar]
    assert len(bipolar) > len(shifts.items) / 2  # the shifts are mostly bipolar
    for plan_item in bipolar:
        item = Item.objects.get(pk=plan_item.pk)
        assert escape(item.text_en) in text
        assert f'id="pf-{item.pk}"' in text and escape(item.pole_from_en) in text
        assert f'id="pt-{item.pk}"' in text and escape(item.pole_to_en) in text
        assert f'aria-describedby="pf-{item.pk} pt-{item.pk}"' in text
        assert text.index(escape(item.pole_from_en)) < text.index(escape(item.pole_to_en))


def test_bipolar_options_are_announced_with_the_statement_they_lean_to(respondent, plan):
    respondent.start()
    shifts = next(page for page in plan.pages if page.framework_code == "shifts")
    text = html(respondent.client.get(respondent.page_url(shifts.number)))
    item = next(Item.objects.get(pk=i.pk) for i in shifts.items if i.bipolar)
    group = text[text.index(f'id="q-{item.pk}"') :]
    group = group[: group.index("</fieldset>")]
    hidden = re.findall(r'<span class="visually-hidden"> \((.*?)\)</span>', group)
    assert hidden == [
        f"fully: {escape(item.pole_from_en)}",
        f"closer to: {escape(item.pole_from_en)}",
        "in between",
        f"closer to: {escape(item.pole_to_en)}",
        f"fully: {escape(item.pole_to_en)}",
    ]


def test_saving_a_page_stores_answers_and_comment(respondent, plan):
    respondent.start()
    first = plan.page(1)
    assert not first.comment_topic and plan.page(3).comment_topic == "diamond"
    values = {item.pk: ["1", "2", "3", "4", "5", "dk"][n % 6] for n, item in enumerate(first.items)}
    result = respondent.client.post(
        respondent.page_url(1),
        {**{f"i-{pk}": v for pk, v in values.items()}, "comment": "Not asked on this page."},
    )
    assert result.status_code == 302 and result["Location"] == respondent.page_url(2)
    assert not Comment.objects.exists()  # page 1 asks for no comment: nothing stored
    last = plan.page(3)
    result = respondent.client.post(
        respondent.page_url(3),
        {**{f"i-{item.pk}": "4" for item in last.items}, "comment": " We could do better. "},
    )
    assert result.status_code == 302 and result["Location"] == respondent.page_url(4)
    stored = respondent.response()
    answers = dict(
        Answer.objects.filter(response=stored, item_id__in=first.item_ids).values_list(
            "item_id", "value"
        )
    )
    assert answers == {pk: None if v == "dk" else int(v) for pk, v in values.items()}
    comment = Comment.objects.get(response=stored)
    assert (comment.topic, comment.text) == ("diamond", "We could do better.")

    # Going back shows the stored answers; saving again updates them in place.
    page = html(respondent.client.get(respondent.page_url(1)))
    for pk, value in values.items():
        assert f'name="i-{pk}" value="{value}" checked' in page
    assert 'name="comment"' not in page
    assert "We could do better." in html(respondent.client.get(respondent.page_url(3)))
    respondent.answer(1, "5")
    respondent.answer(3, "5", comment="")
    assert set(Answer.objects.filter(response=stored).values_list("value", flat=True)) == {5}
    assert Answer.objects.filter(response=stored).count() == len(first.items) + len(last.items)
    assert not Comment.objects.filter(response=stored).exists()


def test_skipped_items_are_allowed_and_listed_on_review(respondent, plan):
    respondent.start()
    first = plan.page(1)
    skipped = first.items[2]
    data = {f"i-{item.pk}": "3" for item in first.items if item != skipped}
    assert respondent.client.post(respondent.page_url(1), data).status_code == 302
    for page in plan.pages[1:]:
        respondent.answer(page.number)
    review = respondent.client.get(respondent.url("review"))
    text = html(review)
    assert review.status_code == 200 and count_h1(text) == 1
    assert f"You answered {plan.item_count - 1} of {plan.item_count} statements." in text
    # One line for the diamond: one open statement, linked.
    assert f'href="{respondent.page_url(1)}#q-{skipped.pk}"' in text
    assert f"Go to statement {skipped.number}" in text
    assert text.count('class="review-framework"') == 1


def test_review_puts_submit_first_and_counts_open_statements_per_framework(respondent, plan):
    """With much left open the review stays short: Submit comes before the list, and the
    list has one line per framework with its open count and a link to the first one."""
    respondent.start()
    respondent.answer(1)
    text = html(respondent.client.get(respondent.url("review")))
    submit = text.index('class="submit-form"')
    open_list = text.index('id="missing-title"')
    assert submit < open_list
    listed = text[open_list:]
    frameworks = list(dict.fromkeys(page.framework_code for page in plan.pages))
    assert listed.count('class="review-framework"') == len(frameworks)
    diamond = [page for page in plan.pages if page.framework_code == "diamond"]
    open_in_diamond = sum(len(page.items) for page in diamond[1:])
    assert f"{open_in_diamond} open" in listed
    first_open = plan.page(2).items[0]
    assert f'href="{respondent.page_url(2)}#q-{first_open.pk}"' in listed
    assert "<details" not in listed and escape(first_open.text_en) not in listed


def test_navigation_previous_next_and_later(respondent, plan):
    respondent.start()
    assert respondent.answer(1)["Location"] == respondent.page_url(2)
    assert respondent.answer(2, action="previous")["Location"] == respondent.page_url(1)
    later = respondent.answer(2, action="later")
    assert later["Location"] == respondent.url("saved")
    saved = html(respondent.client.get(later["Location"]))
    assert format_resume_code(respondent.credentials().code) in saved
    last = plan.page_count
    assert respondent.answer(last)["Location"] == respondent.url("review")
    assert 'value="previous"' in html(respondent.client.get(respondent.page_url(2)))


def test_reopening_the_link_resumes_at_first_open_page(respondent, plan):
    respondent.start()
    respondent.answer(1)
    respondent.answer(2)
    reopened = respondent.client.get(respondent.url("campaign"))
    assert reopened.status_code == 302
    assert reopened["Location"] == respondent.page_url(3)
    for page in plan.pages[2:]:
        respondent.answer(page.number)
    assert respondent.client.get(respondent.url("campaign"))["Location"] == respondent.url("review")
    assert Response.objects.count() == 1


def test_resume_with_code_on_another_device(respondent, campaign, plan):
    respondent.start()
    respondent.answer(1, "2")
    code = respondent.credentials().code
    original = respondent.response()

    other = Respondent(campaign)
    assert other.client.get(other.url("resume")).status_code == 200
    typed = " " + format_resume_code(code).lower().replace("-", " - ") + " "
    result = other.client.post(other.url("resume"), {"code": typed})
    assert result.status_code == 302
    assert result["Location"] == other.page_url(2)
    assert other.response() == original
    assert other.credentials().code == code
    # The code is shown on the new device too, and both devices keep working.
    assert format_resume_code(code) in html(other.client.get(other.page_url(2)))
    assert other.answer(2, "3").status_code == 302
    assert respondent.answer(3, "4").status_code == 302
    assert Answer.objects.filter(response=original).count() == sum(
        len(plan.page(n).items) for n in (1, 2, 3)
    )
    assert Response.objects.count() == 1


def test_wrong_resume_code_changes_nothing(respondent, campaign):
    respondent.start()
    other = Respondent(campaign)
    wrong = "".join(RESUME_CODE_ALPHABET[:8])
    if digest("resume", wrong) == respondent.response().resume_code_digest:  # pragma: no cover
        wrong = "".join(RESUME_CODE_ALPHABET[8:16])
    for code in (wrong, "abc", ""):
        result = other.client.post(other.url("resume"), {"code": code})
        assert result.status_code == 400
        text = html(result)
        assert 'aria-describedby="code-error"' in text
        assert ("We could not find a questionnaire with this code" in text) or (
            "Enter the code you wrote down" in text
        )
        assert respondent_cookie.cookie_name(campaign) not in result.cookies
    assert Response.objects.count() == 1


def test_resume_code_of_another_campaign_is_not_accepted(respondent, quick_version):
    respondent.start()
    code = respondent.credentials().code
    other_campaign = CampaignFactory(questionnaire_version=quick_version)
    other = Respondent(other_campaign)
    result = other.client.post(other.url("resume"), {"code": code})
    assert result.status_code == 400
    assert "We could not find a questionnaire with this code" in html(result)


# --------------------------------------------------------------------------- submit


def test_full_flow_submit_and_thank_you(respondent, campaign, plan):
    respondent.start()
    respondent.answer_all(lambda item: "dk" if item.number % 7 == 0 else str(item.number % 5 + 1))
    review = respondent.client.get(respondent.url("review"))
    assert "You answered every statement" in html(review)
    result = respondent.submit()
    assert result.status_code == 302 and result["Location"] == respondent.url("thanks")
    stored = Response.objects.get()
    assert stored.status == Response.SUBMITTED and stored.submitted_at is not None
    assert Answer.objects.filter(response=stored).count() == plan.item_count
    assert Answer.objects.filter(response=stored, value__isnull=True).count() == len(
        [n for n in range(1, plan.item_count + 1) if n % 7 == 0]
    )
    thanks = respondent.client.get(result["Location"])
    assert thanks.status_code == 200 and "Thank you for taking part!" in html(thanks)
    # The link now says thank you, and the pages no longer accept anything.
    again = respondent.client.get(respondent.url("campaign"))
    assert again.status_code == 200 and "You already took part" in html(again)
    assert "You already took part" in html(respondent.client.get(respondent.page_url(1)))
    assert "You already took part" in html(respondent.client.get(respondent.url("review")))


def test_submitted_response_cannot_be_resumed_by_code(respondent, campaign):
    respondent.start()
    respondent.answer_all()
    respondent.submit()
    other = Respondent(campaign)
    result = other.client.post(other.url("resume"), {"code": respondent.credentials().code})
    assert "You already took part" in html(result)


# --------------------------------------------------------------------------- invitations


def test_invitation_link_resumes_and_marks_completed(campaign, plan):
    team = campaign.teams.first()
    invitation, token = make_invitation(campaign, "ann@example.org", team=team)
    bystander, _ = make_invitation(campaign, "bob@example.org")
    url = reverse("respondent:invitation", args=[token])

    first_device = Client()
    welcome = first_device.get(url)
    assert welcome.status_code == 200
    assert 'name="team"' not in html(welcome) and team.name in html(welcome)
    started = first_device.post(url, {"role": "manager"})
    assert started.status_code == 302
    stored = Response.objects.get()
    assert stored.key_digest == digest("response", token)
    assert stored.team == team
    respondent = Respondent(campaign, first_device)
    respondent.answer(1)

    # The same link on another device resumes the same response.
    second_device = Client()
    resumed = second_device.get(url)
    assert resumed.status_code == 302 and resumed["Location"] == respondent.page_url(2)
    other = Respondent(campaign, second_device)
    page = html(second_device.get(other.page_url(2)))
    assert "open your personal invitation link there" in page  # the code is unknown here
    for page in plan.pages[1:]:
        assert other.answer(page.number).status_code == 302
    assert Response.objects.count() == 1
    invitation.refresh_from_db()
    assert not invitation.completed

    assert other.submit()["Location"] == other.url("thanks")
    invitation.refresh_from_db()
    bystander.refresh_from_db()
    assert invitation.completed and not bystander.completed
    assert Answer.objects.filter(response=stored).count() == plan.item_count
    assert "You already took part" in html(first_device.get(url))


def test_invitation_completed_after_submitting_with_resume_code(campaign):
    invitation, token = make_invitation(campaign, "carla@example.org")
    url = reverse("respondent:invitation", args=[token])
    invitee = Respondent(campaign)
    invitee.start(link=url, team=campaign.teams.first())
    code = invitee.credentials().code

    elsewhere = Respondent(campaign)
    elsewhere.client.post(elsewhere.url("resume"), {"code": code})
    elsewhere.answer_all()
    elsewhere.submit()
    invitation.refresh_from_db()
    assert not invitation.completed  # the token is not known on that device
    assert "You already took part" in html(Client().get(url))
    invitation.refresh_from_db()
    assert invitation.completed


def test_anonymous_submit_marks_no_invitation(respondent, campaign):
    invitation, _ = make_invitation(campaign, "dan@example.org")
    respondent.start()
    respondent.answer_all()
    respondent.submit()
    invitation.refresh_from_db()
    assert not invitation.completed


def test_no_link_between_invitation_and_response_in_the_database(campaign):
    invitation, token = make_invitation(campaign, "eve@example.org")
    Respondent(campaign).start(link=reverse("respondent:invitation", args=[token]))
    stored = Response.objects.get()
    assert invitation.token_digest != stored.key_digest
    assert token not in {invitation.token_digest, stored.key_digest, stored.resume_code_digest}
    assert not [f for f in Response._meta.get_fields() if f.related_model is Invitation]


# --------------------------------------------------------------------------- availability


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": Campaign.CLOSED}, "This questionnaire is closed"),
        ({"status": Campaign.DRAFT}, "This questionnaire is not open yet"),
        ({"opens_at": timezone.now() + timedelta(days=2)}, "This questionnaire is not open yet"),
        ({"closes_at": timezone.now() - timedelta(minutes=1)}, "This questionnaire is closed"),
    ],
)
def test_unavailable_campaign_shows_message_and_stores_nothing(campaign, changes, message):
    Campaign.objects.filter(pk=campaign.pk).update(**changes)
    client = Client()
    team = campaign.teams.first()
    invitation, token = make_invitation(campaign, "f@example.org")
    for url in (
        reverse("respondent:campaign", args=[campaign.token]),
        reverse("respondent:team", args=[team.token]),
        reverse("respondent:invitation", args=[token]),
    ):
        shown = client.get(url)
        assert shown.status_code == 200 and message in html(shown)
        posted = client.post(url, {"role": "employee", "team": team.pk})
        assert posted.status_code == 403 and message in html(posted)
    assert Response.objects.count() == 0


def test_campaign_opening_later_names_the_date(campaign):
    opens = timezone.now() + timedelta(days=3)
    Campaign.objects.filter(pk=campaign.pk).update(opens_at=opens)
    text = html(Client().get(reverse("respondent:campaign", args=[campaign.token])))
    assert str(timezone.localtime(opens).year) in text


def test_unknown_tokens_are_404():
    client = Client()
    for name in ("campaign", "team", "invitation", "review", "resume"):
        assert client.get(reverse(f"respondent:{name}", args=["no-such-token"])).status_code == 404
    assert client.get(reverse("respondent:page", args=["no-such-token", 1])).status_code == 404


def test_pages_without_a_response_send_visitors_to_the_welcome_page(respondent):
    for url in (respondent.page_url(1), respondent.url("review"), respondent.url("thanks")):
        result = respondent.client.get(url)
        assert result.status_code == 302 and result["Location"] == respondent.url("campaign")


# --------------------------------------------------------------------------- performance


def test_page_queries_are_few(respondent, plan, django_assert_max_num_queries):
    respondent.start()
    version, role = respondent.campaign.questionnaire_version, respondent.response().role
    page_plan.get_page_plan(version, role)  # warm, as in production
    biggest = max(plan.pages, key=lambda page: len(page.items))
    assert len(biggest.items) == 10 and biggest.comment_topic  # with the comment box
    # the response with its campaign (one query), the page's answers with its comment
    with django_assert_max_num_queries(2):
        assert respondent.client.get(respondent.page_url(biggest.number)).status_code == 200
    # the response with its campaign, then one transaction: touch response, upsert
    # answers, comment (+ savepoint and release inside the test transaction)
    with django_assert_max_num_queries(6):
        result = respondent.answer(biggest.number, "3", comment="Fine.")
    assert result.status_code == 302
    with django_assert_max_num_queries(6):
        respondent.answer(biggest.number, "4", comment="")
    with django_assert_max_num_queries(2):
        assert respondent.client.get(respondent.url("review")).status_code == 200


def test_submit_queries_are_few(respondent, django_assert_max_num_queries):
    respondent.start()
    respondent.answer_all()
    with django_assert_max_num_queries(7):
        assert respondent.submit().status_code == 302


def test_page_weight_is_small(respondent, plan):
    respondent.start()
    for page in plan.pages:
        size = len(respondent.client.get(respondent.page_url(page.number)).content)
        assert size < 60_000, (page.number, size)
    assert "<script" not in html(respondent.client.get(respondent.page_url(1)))
