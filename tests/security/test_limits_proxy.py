"""Behind a reverse proxy: the client-address setting, the deploy check that asks for it,
and the README's deployment section that names it."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from config.checks import client_address_check
from tests.config.test_settings import production_env
from tests.factories import PASSWORD, UserFactory

PROXY = "10.9.0.1"


@pytest.mark.parametrize(
    ("proxy_ssl_header", "behind_proxy", "client_ip_header", "warned"),
    [
        (("HTTP_X_FORWARDED_PROTO", "https"), False, "", True),
        (None, True, "", True),
        (("HTTP_X_FORWARDED_PROTO", "https"), True, "HTTP_X_FORWARDED_FOR", False),
        (None, False, "", False),  # clients connect directly: REMOTE_ADDR is theirs
    ],
)
def test_deploy_check_asks_for_the_client_address_header_behind_a_proxy(
    settings, proxy_ssl_header, behind_proxy, client_ip_header, warned
):
    settings.SECURE_PROXY_SSL_HEADER = proxy_ssl_header
    settings.BEHIND_PROXY = behind_proxy
    settings.RATELIMIT_CLIENT_IP_HEADER = client_ip_header
    warnings = client_address_check(None)
    assert [w.id for w in warnings] == (["config.W001"] if warned else [])
    if warned:
        assert "RATELIMIT_CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR" in warnings[0].hint
        assert "RATELIMIT_TRUSTED_PROXIES" in warnings[0].hint


def check_deploy(**env: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env=production_env(**env),
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        check=False,
    )
    return result.stdout + result.stderr


def test_check_deploy_in_production_warns_until_the_header_is_set():
    assert "config.W001" in check_deploy(RATELIMIT_CLIENT_IP_HEADER="")
    assert "config.W001" not in check_deploy(RATELIMIT_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")


def test_behind_a_configured_proxy_one_users_failures_lock_out_only_that_client(settings, db):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.RATELIMIT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.RATELIMIT_TRUSTED_PROXIES = 1
    user = UserFactory(username="shared-office")

    def login(password: str, client_address: str):
        return Client().post(
            reverse("login"),
            {"username": user.username, "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=client_address,
        )

    for _ in range(5):
        login("wrong", "198.51.100.1")
    assert login(PASSWORD, "198.51.100.1").status_code == 429  # locked: that client
    assert login(PASSWORD, "198.51.100.2").status_code == 302  # the colleague gets in


def test_the_readme_deployment_section_names_the_proxy_settings():
    readme = (django_settings.BASE_DIR / "README.md").read_text()
    section = re.search(r"^## Deploying on PostgreSQL with gunicorn$(.*?)^## ", readme, re.S | re.M)
    assert section is not None
    for name in ("RATELIMIT_CLIENT_IP_HEADER", "RATELIMIT_TRUSTED_PROXIES", "CACHE_URL"):
        assert f"`{name}" in section.group(1), name
