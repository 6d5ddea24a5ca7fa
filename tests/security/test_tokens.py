"""Link tokens cannot be guessed, enumerated or timed.

* tokens come from `secrets` with at least 128 bits; resume codes are short, so they are
  per campaign and rate-limited (tests/security/test_rate_limits.py);
* invitation tokens and response keys are stored only as keyed HMAC digests and looked up
  by digest;
* an unknown token gets exactly the same 404 as a malformed one;
* the respondent flow never compares a secret with ``==`` (which stops at the first
  differing character); it compares digests in the database or uses `tokens_match`.
"""

from __future__ import annotations

import ast
import hashlib
import hmac
import math
import re
import secrets
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessment import invitations, respondent_cookie, responding, tokens
from assessment.models import Invitation, Response
from tests.factories import CampaignFactory, TeamFactory

ROOT = Path(settings.BASE_DIR)
URLSAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def bits(token: str, alphabet_size: int) -> float:
    return len(token) * math.log2(alphabet_size)


# =========================================================================== entropy


def test_tokens_have_at_least_128_bits_from_secrets(monkeypatch):
    drawn = []
    real = secrets.token_urlsafe

    def spy(nbytes=None):
        drawn.append(nbytes)
        return real(nbytes)

    monkeypatch.setattr(secrets, "token_urlsafe", spy)
    token = tokens.new_token()
    assert drawn and drawn[0] * 8 >= 128, "new_token must draw >= 16 bytes from secrets"
    assert set(token) <= URLSAFE and bits(token, 64) >= 128
    many = {tokens.new_token() for _ in range(2000)}
    assert len(many) == 2000


def test_every_link_token_is_long(quick_version):
    campaign = CampaignFactory(questionnaire_version=quick_version)
    team = TeamFactory(campaign=campaign)
    links: list[str] = []
    invitations.invite(campaign, ["a@example.nl"], links.append)
    started = responding.start_response(campaign, role="employee", team=None, language="nl")
    invitation_token = links[0]
    for token in (campaign.token, team.token, invitation_token, started.credentials.key):
        assert set(token) <= URLSAFE and bits(token, 64) >= 128, token


def test_resume_codes_come_from_secrets_and_are_per_campaign(monkeypatch, quick_version):
    calls = []
    real = secrets.choice
    monkeypatch.setattr(secrets, "choice", lambda seq: calls.append(seq) or real(seq))
    code = tokens.new_resume_code()
    assert len(calls) == tokens.RESUME_CODE_LENGTH and len(code) == tokens.RESUME_CODE_LENGTH
    # 40 bits: too few to be a link, fine as a second factor that is tried slowly
    assert bits(code, len(tokens.RESUME_CODE_ALPHABET)) >= 40

    first = CampaignFactory(questionnaire_version=quick_version)
    second = CampaignFactory(questionnaire_version=quick_version)
    started = responding.start_response(first, role="employee", team=None, language="nl")
    code = started.credentials.code
    assert responding.find_response_by_resume_code(first, code)[0] == started.response
    assert responding.find_response_by_resume_code(second, code) is None
    assert responding.find_response_by_resume_code(first, code.lower()) is not None


# =========================================================================== storage


def test_digests_are_keyed_hmacs_separated_by_purpose():
    token = tokens.new_token()
    expected = hmac.new(
        settings.SECRET_KEY.encode(), f"invitation:{token}".encode(), hashlib.sha256
    ).hexdigest()
    assert tokens.digest("invitation", token) == expected
    assert tokens.digest("response", token) != expected
    assert hashlib.sha256(token.encode()).hexdigest() != expected  # not a plain hash


def test_raw_secrets_are_never_stored_and_lookups_use_digests(quick_version):
    campaign = CampaignFactory(questionnaire_version=quick_version)
    links: list[str] = []
    invitations.invite(campaign, ["b@example.nl"], links.append)
    token = links[0]
    started = responding.start_response(
        campaign, role="manager", team=None, language="nl", key=token
    )
    code = started.credentials.code
    rows = repr(list(Invitation.objects.values_list())) + repr(list(Response.objects.values_list()))
    assert token not in rows and code not in rows

    with CaptureQueriesContext(connection) as queries:
        assert responding.find_invitation(token).email == "b@example.nl"
        assert responding.find_response(campaign, respondent_cookie.Credentials(key=token))
        assert responding.find_response(campaign, respondent_cookie.Credentials(code=code))
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert token not in sql and code not in sql
    assert tokens.digest("invitation", token) in sql
    assert tokens.digest("response", token) in sql
    assert tokens.digest("resume", code) in sql


def test_tokens_match_is_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert tokens.tokens_match("abc", "abc") and not tokens.tokens_match("abc", "abd")
    assert len(calls) == 2


# =========================================================================== enumeration

MALFORMED = ["x", "a" * 300, "not-a-token", "AAAAAAAAAAAAAAAAAAAAAAAA", "ab%20cd", "%00", "é"]
TEMPLATES = [
    "/s/{}/",
    "/t/{}/",
    "/i/{}/",
    "/s/{}/p/1/",
    "/s/{}/review/",
    "/s/{}/resume/",
    "/s/{}/saved/",
    "/s/{}/thanks/",
]


@pytest.mark.parametrize("template", TEMPLATES)
def test_unknown_tokens_get_the_same_404_as_malformed_ones(template, quick_version):
    campaign = CampaignFactory(questionnaire_version=quick_version)
    client = Client()
    client.get(f"/s/{campaign.token}/")  # a real campaign exists
    unknown = client.get(template.format(tokens.new_token()))
    assert unknown.status_code == 404
    for token in MALFORMED:
        malformed = client.get(template.format(token))
        assert malformed.status_code == 404, token
        assert malformed.content == unknown.content, token
        assert set(malformed.cookies) == set(unknown.cookies) == set()
    posted = client.post(template.format(tokens.new_token()), {"role": "employee"})
    assert posted.status_code in (404, 405) and not Response.objects.exists()


def test_a_token_of_one_kind_does_not_open_another(quick_version):
    campaign = CampaignFactory(questionnaire_version=quick_version)
    team = TeamFactory(campaign=campaign)
    client = Client()
    assert client.get(f"/t/{campaign.token}/").status_code == 404
    assert client.get(f"/i/{campaign.token}/").status_code == 404
    assert client.get(f"/s/{team.token}/").status_code == 404
    assert client.get(f"/i/{team.token}/").status_code == 404


# =========================================================================== timing

RESPONDENT_MODULES = [
    "assessment/responding.py",
    "assessment/respondent_views.py",
    "assessment/respondent_visit.py",
    "assessment/respondent_cookie.py",
    "assessment/respondent_forms.py",
    "assessment/tokens.py",
    "assessment/invitations.py",
]
SECRET_NAME = re.compile(r"token|key|code|digest|secret|signature|password", re.IGNORECASE)


def _secret_operand(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        name = node.id
    elif isinstance(node, ast.Attribute):
        name = node.attr
    elif isinstance(node, ast.Subscript):
        return _secret_operand(node.value)
    else:
        return False
    return bool(SECRET_NAME.search(name)) and not name.isupper()  # constants are no secrets


def raw_secret_comparisons() -> set[tuple[str, str, str]]:
    """(file, function, expression) of every ``==``/``!=`` with a secret-looking operand."""
    found = set()
    for relative in RESPONDENT_MODULES:
        tree = ast.parse((ROOT / relative).read_text(), relative)
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Compare):
                    continue
                if not any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
                    continue
                operands = [node.left, *node.comparators]
                if any(isinstance(o, ast.Constant) and o.value is None for o in operands):
                    continue
                if any(_secret_operand(o) for o in operands):
                    found.add((relative, function.name, ast.unparse(node)))
    return found


def test_the_scanner_finds_raw_comparisons():
    tree = ast.parse("def f(token, given):\n    return token == given\n")
    compare = tree.body[0].body[0].value
    assert _secret_operand(compare.left) and not _secret_operand(ast.parse("LENGTH").body[0].value)


def test_respondent_flow_never_compares_secrets_with_eq():
    found = raw_secret_comparisons()
    assert not found, (
        "Compare tokens, keys and codes with assessment.tokens.tokens_match (constant "
        "time) or look them up by digest, never with == / !=: " + "; ".join(map(str, found))
    )
