"""The production settings (``DJANGO_ENV=production``), read in a fresh process.

That production refuses to start without a real secret key is tested in
tests/config/test_settings.py (test_production_refuses_the_development_secret_key), as is
a clean ``check --deploy`` (test_check_deploy_is_clean_in_production); not repeated here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.conf import settings

from tests.config.test_settings import production_env

READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
csp = s.CONTENT_SECURITY_POLICY["DIRECTIVES"]
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": s.SESSION_COOKIE_HTTPONLY,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "SECURE_CONTENT_TYPE_NOSNIFF": s.SECURE_CONTENT_TYPE_NOSNIFF,
    "X_FRAME_OPTIONS": s.X_FRAME_OPTIONS,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "RATELIMIT_ENABLED": s.RATELIMIT_ENABLED,
    "MIDDLEWARE": s.MIDDLEWARE,
    "csp": {k: [str(v) for v in vals] for k, vals in csp.items()},
}))
"""


@pytest.fixture(scope="module")
def production() -> dict:
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        env=production_env(),
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_cookies_are_secure(production):
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"]
    assert production["DEBUG"] is False


def test_https_is_enforced(production):
    assert production["SECURE_SSL_REDIRECT"]
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] and production["X_FRAME_OPTIONS"] == "DENY"
    assert production["ALLOWED_HOSTS"] == ["scan.example.nl"]


def test_content_security_policy_allows_only_own_scripts_and_styles(production):
    csp = production["csp"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    everything = " ".join(value for values in csp.values() for value in values)
    assert "unsafe" not in everything and "*" not in everything and "http" not in everything


def test_abuse_limits_are_on_in_production(production):
    assert production["RATELIMIT_ENABLED"]
    middleware = production["MIDDLEWARE"]
    assert "config.ratelimit.RateLimitMiddleware" in middleware
    assert "axes.middleware.AxesMiddleware" in middleware
    assert middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") < (
        middleware.index("config.ratelimit.RateLimitMiddleware")
    )


def test_the_explicit_development_key_is_refused_too():
    """The tests/config test leaves the key unset; setting it to the known value is no
    way around the check either."""
    from config.settings import DEVELOPMENT_SECRET_KEY

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=production_env(DJANGO_SECRET_KEY=DEVELOPMENT_SECRET_KEY),
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_csp_header_in_production(tmp_path):
    """The header a production response really carries (the test client, over "https")."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/', secure=True, HTTP_HOST='scan.example.nl')\n"
        "print(r.status_code); print(r['Content-Security-Policy'])\n"
        "print(r['Strict-Transport-Security'])\n"
        "print(Client().get('/', HTTP_HOST='scan.example.nl').status_code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"),
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    status, policy, hsts, plain = result.stdout.strip().splitlines()[-4:]
    assert status == "200"
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "max-age=31536000" in hsts
    assert plain == "301"  # plain http is redirected to https
