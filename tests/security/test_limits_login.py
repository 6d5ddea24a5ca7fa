"""Password spraying: one password tried on many user names from one address is throttled
across user names, on top of django-axes' lockout per user name and address."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from config.ratelimit import parse_rate
from tests.factories import PASSWORD, UserFactory

SPRAYER = "10.7.0.1"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(username: str, password: str, ip: str, url: str | None = None):
    data = {"username": username, "password": password}
    return Client().post(url or reverse("login"), data, REMOTE_ADDR=ip)


def test_one_password_sprayed_over_sixty_user_names_is_refused_after_the_budget(settings, db):
    budget = parse_rate(settings.RATELIMIT_LOGIN_FAILURES_PER_IP)
    assert budget is not None and budget.limit < 60
    victims = [UserFactory(username=f"user-{n:02}").username for n in range(30)]
    names = victims + [f"nobody-{n:02}" for n in range(30)]  # real and made-up names

    statuses = [login(name, "Summer2024!", SPRAYER).status_code for name in names]
    assert statuses == [200] * budget.limit + [429] * (60 - budget.limit)

    # Refused before the password is checked: the right one does not get in either, on
    # the admin's log-in page neither ...
    assert login(victims[-1], PASSWORD, SPRAYER).status_code == 429
    admin_login = reverse("admin:login")
    assert login(victims[-1], PASSWORD, SPRAYER, url=admin_login).status_code == 429
    # ... while the same user from another address does.
    elsewhere = login(victims[-1], PASSWORD, "10.7.0.2")
    assert elsewhere.status_code == 302
    assert "sessionid" in elsewhere.cookies


def test_successful_log_ins_use_no_budget(settings, db):
    settings.RATELIMIT_LOGIN_FAILURES_PER_IP = "2/15m"
    user = UserFactory(username="office")
    for _ in range(5):  # a whole office behind one address logging in
        assert login(user.username, PASSWORD, SPRAYER).status_code == 302
    assert login(user.username, "typo", SPRAYER).status_code == 200
    assert login("colleague", "typo", SPRAYER).status_code == 200
    refused = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=SPRAYER
    )
    assert refused.status_code == 429
    assert "too many failed log-ins from your network" in refused.content.decode()
    assert 1 <= int(refused["Retry-After"]) <= 15 * 60 + 1


def test_the_login_budget_can_be_switched_off(settings, db):
    settings.RATELIMIT_LOGIN_FAILURES_PER_IP = ""
    for n in range(30):
        assert login(f"nobody-{n}", "wrong", SPRAYER).status_code == 200
