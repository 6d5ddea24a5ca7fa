"""Abuse limits: the login lockout (django-axes), the rate limits of config/ratelimit.py on
the respondent's posts, resume codes and invitations, and the request size limits."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from assessment import page_plan
from assessment.models import Answer, Comment, Invitation, Response
from config import ratelimit
from config.ratelimit import Rate, parse_rate
from tests.factories import PASSWORD, CampaignFactory, OrganisationFactory, UserFactory


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


# =========================================================================== login lockout


def login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account(fast_passwords, db):
    user = UserFactory(username="victim")
    client = english()
    for attempt in range(1, 5):
        response = login(client, user.username, f"wrong-{attempt}")
        assert response.status_code == 200, attempt  # the form again, with an error
    fifth = login(client, user.username, "wrong-5")
    assert fifth.status_code == 429

    sixth = login(client, user.username, PASSWORD)  # the right password: still refused
    assert sixth.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in sixth.templates]
    assert "Too many failed log-in attempts" in sixth.content.decode()
    assert not is_logged_in(client)

    # The lock is per user name and address (AXES_LOCKOUT_PARAMETERS): the account's
    # owner elsewhere still gets in, and a forged X-Forwarded-For does not unlock it.
    forged = client.post(
        reverse("login"),
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert forged.status_code == 429
    elsewhere = Client()
    assert login(elsewhere, user.username, PASSWORD, ip="10.0.0.2").status_code == 302
    assert is_logged_in(elsewhere)


def test_a_successful_login_resets_the_count(fast_passwords, db):
    user = UserFactory(username="forgetful")
    client = Client()
    for _ in range(4):
        assert login(client, user.username, "wrong").status_code == 200
    assert login(client, user.username, PASSWORD).status_code == 302
    assert is_logged_in(client)
    client.post(reverse("logout"))
    for _ in range(4):  # without the reset, the first of these would be the fifth failure
        assert login(client, user.username, "wrong").status_code == 200
    assert login(client, user.username, PASSWORD).status_code == 302
    assert is_logged_in(client)


# =========================================================================== the settings


def test_default_limits_suit_a_workshop_behind_one_address():
    """200 people on one NAT address, ~7 posts each over a few minutes, stay far below."""
    per_ip = parse_rate(django_settings.RATELIMIT_RESPONDENT_PER_IP)
    per_cookie = parse_rate(django_settings.RATELIMIT_RESPONDENT_PER_COOKIE)
    invitations = parse_rate(django_settings.RATELIMIT_INVITATIONS_PER_USER)
    assert per_ip.limit / per_ip.seconds >= 600 / 60
    assert per_cookie.limit / per_cookie.seconds >= 120 / 60
    assert invitations == Rate(20, 3600)
    assert parse_rate(django_settings.RATELIMIT_RESUME_PER_IP) is not None
    assert django_settings.RATELIMIT_ENABLED
    assert "config.ratelimit.RateLimitMiddleware" in django_settings.MIDDLEWARE


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("600/m", Rate(600, 60)),
        ("20/h", Rate(20, 3600)),
        ("5/10s", Rate(5, 10)),
        (" 3 / day ", Rate(3, 86400)),
        ("", None),
        (None, None),
    ],
)
def test_parse_rate(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["many/m", "10", "10/fortnight", "-1/m"])
def test_parse_rate_refuses_nonsense(text):
    with pytest.raises(ValueError):
        parse_rate(text)


def test_hit_counts_per_window():
    rate = Rate(2, 60)
    assert ratelimit.hit("t", "a", rate, now=120.0) is None
    assert ratelimit.hit("t", "a", rate, now=130.0) is None
    assert ratelimit.hit("t", "a", rate, now=150.0) == 31  # wait until 180
    assert ratelimit.hit("t", "b", rate, now=150.0) is None  # someone else
    assert ratelimit.hit("t", "a", rate, now=180.0) is None  # the next window


# =========================================================================== respondents


@pytest.fixture
def campaign(quick_version):
    return CampaignFactory(questionnaire_version=quick_version, language="en")


def start(client: Client, campaign, ip: str = "10.1.1.1"):
    response = client.post(f"/s/{campaign.token}/", {"role": "employee"}, REMOTE_ADDR=ip)
    assert response.status_code == 302, response.status_code
    return response


def page_data(campaign, number: int = 1, value: str = "3") -> dict[str, str]:

    page = page_plan.get_page_plan(campaign.questionnaire_version).page(number)
    return {f"i-{item.pk}": value for item in page.items}


def test_respondent_posts_are_limited_per_address(settings, campaign):
    settings.RATELIMIT_RESPONDENT_PER_IP = "4/m"
    settings.RATELIMIT_RESPONDENT_PER_COOKIE = ""
    client = english()
    start(client, campaign)  # 1
    url = f"/s/{campaign.token}/p/1/"
    for value in ("1", "2", "3"):  # 2, 3, 4
        assert (
            client.post(url, page_data(campaign, value=value), REMOTE_ADDR="10.1.1.1").status_code
            == 302
        )
    stored = sorted(Answer.objects.values_list("item_id", "value"))

    refused = client.post(url, page_data(campaign, value="5"), REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    text = refused.content.decode()
    assert "Too many requests" in text and "this page was not saved" in text
    assert sorted(Answer.objects.values_list("item_id", "value")) == stored  # nothing stored
    assert set(Answer.objects.values_list("value", flat=True)) == {3}

    # GETs are never limited, and another address has its own count.
    assert client.get(url, REMOTE_ADDR="10.1.1.1").status_code == 200
    other = english()
    start(other, campaign, ip="10.1.1.2")
    assert Response.objects.count() == 2
    # Starting is a post too: a new respondent from the limited address waits as well.
    newcomer = Client()
    assert (
        newcomer.post(
            f"/s/{campaign.token}/", {"role": "employee"}, REMOTE_ADDR="10.1.1.1"
        ).status_code
        == 429
    )
    assert Response.objects.count() == 2


def test_respondent_posts_are_limited_per_cookie(settings, campaign):
    """Hopping addresses (a phone between Wi-Fi and 4G, or an attacker) keeps the count."""
    settings.RATELIMIT_RESPONDENT_PER_IP = "1000/m"
    settings.RATELIMIT_RESPONDENT_PER_COOKIE = "3/m"
    client = Client()
    start(client, campaign, ip="10.2.0.1")  # no cookie yet: not counted per cookie
    url = f"/s/{campaign.token}/p/1/"
    for n in range(3):
        assert client.post(url, page_data(campaign), REMOTE_ADDR=f"10.2.1.{n}").status_code == 302
    assert client.post(url, page_data(campaign), REMOTE_ADDR="10.2.2.2").status_code == 429
    # Another respondent behind the same address is not affected.
    other = Client()
    start(other, campaign, ip="10.2.1.0")
    assert other.post(url, page_data(campaign), REMOTE_ADDR="10.2.1.0").status_code == 302


def test_forwarded_for_is_ignored_unless_configured(settings, campaign, rf):
    settings.RATELIMIT_RESPONDENT_PER_IP = "2/m"
    settings.RATELIMIT_RESPONDENT_PER_COOKIE = ""
    # Directly connected clients cannot escape by forging the header ...
    for n in range(2):
        Client().post(
            f"/s/{campaign.token}/",
            {"role": "employee"},
            REMOTE_ADDR="10.3.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    refused = Client().post(
        f"/s/{campaign.token}/",
        {"role": "employee"},
        REMOTE_ADDR="10.3.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.77",
    )
    assert refused.status_code == 429

    # ... and behind one proxy the address it appended (the rightmost) counts, not what
    # the client wrote further left.
    settings.RATELIMIT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.RATELIMIT_TRUSTED_PROXIES = 1
    request = rf.post("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert ratelimit.client_ip(request) == "198.51.100.7"
    settings.RATELIMIT_TRUSTED_PROXIES = 2
    assert ratelimit.client_ip(request) == "1.2.3.4"
    settings.RATELIMIT_TRUSTED_PROXIES = 3  # fewer entries than proxies: the proxy itself
    assert ratelimit.client_ip(request) == "10.9.9.9"
    settings.RATELIMIT_TRUSTED_PROXIES = 1
    garbage = rf.post("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="<script>")
    assert ratelimit.client_ip(garbage) == "10.9.9.9"
    for n in range(2):
        proxied = Client().post(
            f"/s/{campaign.token}/",
            {"role": "employee"},
            REMOTE_ADDR="10.3.0.1",
            HTTP_X_FORWARDED_FOR=f"6.6.6.6, 192.0.2.{100 + n}",
        )
        assert proxied.status_code == 302


def test_resume_codes_are_rate_limited(settings, campaign):
    settings.RATELIMIT_RESUME_PER_IP = "3/m"
    client = english()
    url = f"/s/{campaign.token}/resume/"
    for guess in ("AAAA-AAAA", "AAAA-AAAB", "AAAA-AAAC"):
        response = client.post(url, {"code": guess}, REMOTE_ADDR="10.4.0.1")
        assert response.status_code == 400
        assert "We could not find a questionnaire with this code" in response.content.decode()
    assert client.post(url, {"code": "AAAA-AAAD"}, REMOTE_ADDR="10.4.0.1").status_code == 429
    assert client.post(url, {"code": "AAAA-AAAD"}, REMOTE_ADDR="10.4.0.2").status_code == 400


def test_the_limits_can_be_switched_off(settings, campaign):
    settings.RATELIMIT_ENABLED = False
    settings.RATELIMIT_RESPONDENT_PER_IP = "1/m"
    for _ in range(3):
        start(Client(), campaign)


# =========================================================================== invitations


@pytest.fixture
def consultant_campaign(consultant, banks):
    organisation = OrganisationFactory(owner=consultant)
    return CampaignFactory(organisation=organisation, slug="invites")


def test_invitations_and_reminders_are_limited_per_consultant(
    settings, client, consultant, other_consultant, consultant_campaign
):
    settings.RATELIMIT_INVITATIONS_PER_USER = "3/h"
    client.force_login(consultant)
    invite = reverse("assessment:campaign_invite", args=["invites"])
    remind = reverse("assessment:campaign_remind", args=["invites"])
    assert client.post(invite, {"addresses": "a@example.nl"}).status_code == 302
    assert client.post(invite, {"addresses": "b@example.nl"}).status_code == 302
    assert client.post(remind).status_code == 302  # reminders count too
    sent = len(mail.outbox)
    assert sent == 4

    refused = client.post(invite, {"addresses": "c@example.nl"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert "Retry-After" in refused
    assert client.post(remind).status_code == 429
    assert len(mail.outbox) == sent
    assert not Invitation.objects.filter(email="c@example.nl").exists()

    # Other consultants have their own count (and the campaign is a 404 for them anyway).
    other_campaign = CampaignFactory(
        organisation=OrganisationFactory(owner=other_consultant), slug="theirs"
    )
    client.force_login(other_consultant)
    url = reverse("assessment:campaign_invite", args=[other_campaign.slug])
    assert client.post(url, {"addresses": "d@example.nl"}).status_code == 302


def test_anonymous_invitation_posts_go_to_the_login(settings, client, consultant_campaign):
    settings.RATELIMIT_INVITATIONS_PER_USER = "1/h"
    invite = reverse("assessment:campaign_invite", args=["invites"])
    for _ in range(3):
        response = client.post(invite, {"addresses": "a@example.nl"})
        assert response.status_code == 302 and response["Location"].startswith("/login/")


# =========================================================================== request size


def test_oversized_post_is_refused_and_stores_nothing(campaign):
    client = Client()
    start(client, campaign)
    url = f"/s/{campaign.token}/p/1/"
    size = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    data = {**page_data(campaign), "comment": "x" * (size + 1)}
    response = client.post(url, data)
    assert response.status_code == 400
    assert not Answer.objects.exists() and not Comment.objects.exists()


def test_too_many_fields_are_refused_and_store_nothing(campaign):
    client = Client()
    start(client, campaign)
    url = f"/s/{campaign.token}/p/1/"
    data = {**page_data(campaign)}
    data.update({f"x{n}": "1" for n in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)})
    assert client.post(url, data).status_code == 400
    assert not Answer.objects.exists()


def test_oversized_invitation_post_sends_nothing(client, consultant, consultant_campaign):
    client.force_login(consultant)
    size = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    addresses = ("someone@example.nl," * (size // 18 + 10))[: size + 100]
    url = reverse("assessment:campaign_invite", args=["invites"])
    assert client.post(url, {"addresses": addresses}).status_code == 400
    assert not Invitation.objects.exists() and not mail.outbox
