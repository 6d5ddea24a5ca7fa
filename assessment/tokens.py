"""Unguessable link tokens and the keyed digests under which they are stored.

Tokens themselves are never stored for invitations and responses, only an HMAC digest
per purpose. The invitation and the response of one respondent are derived from the
same invitation token under different purposes, so nobody can link an answer to an
address without that respondent's token.
"""

import hashlib
import hmac
import secrets

from django.conf import settings

RESUME_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I look-alikes
RESUME_CODE_LENGTH = 8


def new_token() -> str:
    return secrets.token_urlsafe(18)


def digest(purpose: str, token: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{purpose}:{token}".encode(), hashlib.sha256).hexdigest()


def new_resume_code() -> str:
    return "".join(secrets.choice(RESUME_CODE_ALPHABET) for _ in range(RESUME_CODE_LENGTH))


def normalise_resume_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def format_resume_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def tokens_match(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())
