"""A workshop behind one NAT address under the shipped rate limits: respondents count
against their own cookie, the address only counts posts without a valid cookie."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.test import Client

from assessment import page_plan
from assessment.models import Answer, Response
from bench import burst
from config import ratelimit
from config.ratelimit import parse_rate
from tests.factories import CampaignFactory

ROOM = "10.20.0.1"  # the workshop's NAT address


@pytest.fixture
def campaign(quick_version):
    return CampaignFactory(questionnaire_version=quick_version)


@pytest.fixture
def one_window(monkeypatch):
    """Every request of the test falls in the same rate-limit window: the worst case of
    a room doing everything within one minute (also what a shared cache counts)."""
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_020.0))


def start(client: Client, campaign, ip: str = ROOM):
    return client.post(f"/s/{campaign.token}/", {"role": "employee"}, REMOTE_ADDR=ip)


def post_page(client: Client, campaign, number: int, ip: str = ROOM):
    page = page_plan.get_page_plan(campaign.questionnaire_version).page(number)
    data = {f"i-{item.pk}": "4" for item in page.items}
    return client.post(f"/s/{campaign.token}/p/{number}/", data, REMOTE_ADDR=ip)


@pytest.mark.slow
def test_two_hundred_respondents_behind_one_address_finish_the_quick_scan(campaign, one_window):
    """The probe: 200 people, one address, shipped limits; formerly 38 to 120 of them
    got HTTP 429 half-way, because every post counted against the address."""
    pages = page_plan.get_page_plan(campaign.questionnaire_version).page_count
    statuses: dict[int, int] = {}
    for _ in range(200):
        client = Client()
        posts = [start(client, campaign)]
        posts += [post_page(client, campaign, number) for number in range(1, pages + 1)]
        posts.append(client.post(f"/s/{campaign.token}/submit/", REMOTE_ADDR=ROOM))
        for response in posts:
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    assert statuses == {302: 200 * (pages + 2)}
    assert Response.objects.filter(status=Response.SUBMITTED).count() == 200


def test_the_shipped_limits_fit_the_arithmetic_of_the_settings():
    """Per address: the whole room starting in one minute, with room to spare. Per
    cookie: a person posting a page every ten seconds, ten times over."""
    per_ip = parse_rate(django_settings.RATELIMIT_RESPONDENT_PER_IP)
    per_cookie = parse_rate(django_settings.RATELIMIT_RESPONDENT_PER_COOKIE)
    assert per_ip.limit * 60 / per_ip.seconds >= 2 * 200
    assert per_cookie.limit * 60 / per_cookie.seconds >= 10 * 6


def test_respondents_with_a_cookie_go_on_when_the_address_is_used_up(settings, campaign):
    settings.RATELIMIT_RESPONDENT_PER_IP = "2/m"
    settings.RATELIMIT_RESPONDENT_PER_COOKIE = "120/m"
    first, second = Client(), Client()
    assert start(first, campaign).status_code == 302
    assert start(second, campaign).status_code == 302
    assert start(Client(), campaign).status_code == 429  # a third newcomer waits

    for number in (1, 2, 3):  # the two who started are not held up by the address
        assert post_page(first, campaign, number).status_code == 302
        assert post_page(second, campaign, number).status_code == 302
    assert Answer.objects.count() == 2 * sum(
        len(page_plan.get_page_plan(campaign.questionnaire_version).page(n).items)
        for n in (1, 2, 3)
    )


def test_forged_and_foreign_cookies_count_against_the_address(settings, campaign, banks):
    settings.RATELIMIT_RESPONDENT_PER_IP = "3/m"
    settings.RATELIMIT_RESPONDENT_PER_COOKIE = "120/m"
    other = CampaignFactory()
    foreign = Client()
    # A valid cookie, for another campaign (started elsewhere).
    assert start(foreign, other, ip="10.21.0.1").status_code == 302
    (name,) = [n for n in foreign.cookies if n.startswith("kgs_r")]

    flood = [
        {f"kgs_r{campaign.pk}": "made-up.VALUE:1abc:signature"},
        {f"kgs_r{campaign.pk}": foreign.cookies[name].value},
        {name: foreign.cookies[name].value},
    ]
    for cookies in flood:
        client = Client()
        client.cookies.load(cookies)
        assert start(client, campaign).status_code == 302
    client = Client()
    client.cookies.load(flood[0])
    assert start(client, campaign).status_code == 429
    assert Response.objects.filter(campaign=campaign).count() == 3


def test_without_a_per_cookie_limit_every_post_counts_against_the_address(settings, campaign):
    settings.RATELIMIT_RESPONDENT_PER_IP = "2/m"
    settings.RATELIMIT_RESPONDENT_PER_COOKIE = ""
    client = Client()
    assert start(client, campaign).status_code == 302
    assert post_page(client, campaign, 1).status_code == 302
    assert post_page(client, campaign, 2).status_code == 429


def test_the_bench_runs_with_the_shipped_limits_unless_asked(monkeypatch):
    monkeypatch.setenv("RATELIMIT_RESPONDENT_PER_IP", "1000000/m")
    shipped = burst.bench_env("sqlite:///x", raise_limits=False)
    assert not [name for name in shipped if name.startswith("RATELIMIT_")]
    assert burst.parse_args([]).raise_limits is False
    raised = burst.bench_env("sqlite:///x", raise_limits=True)
    assert (
        raised["RATELIMIT_RESPONDENT_PER_COOKIE"]
        == burst.RAISED_LIMITS["RATELIMIT_RESPONDENT_PER_COOKIE"]
    )
