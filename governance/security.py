"""Passwords (argon2), single-use links and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "rt_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def dummy_hash() -> str:
    """A hash of a random password nobody knows, made with the same parameters as real ones."""
    return _hasher.hash(secrets.token_urlsafe(32))


def check_password(password_hash: str | None, password: str) -> bool:
    """Does the password match? Without a hash (an unknown email, an account with no password) a dummy
    hash is verified all the same, so the answer takes as long and does not tell who has an account."""
    try:
        return _hasher.verify(password_hash or dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Was the hash made with weaker parameters than today's? (argon2-cffi's defaults rise over time.)"""
    return _hasher.check_needs_rehash(password_hash)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 of a random secret: enough for high-entropy tokens, which need no slow hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(password_hash: str | None) -> str:
    # Part of the signed token, so a link stops working once the password it resets has changed.
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def make_reset_token(person) -> str:
    return _reset_serializer().dumps({"id": person.id, "fp": _password_fingerprint(person.password_hash)})


def read_reset_token(token: str) -> tuple[int, str] | None:
    """(person id, fingerprint) for a valid, unexpired token; None otherwise."""
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["RESET_TTL_SECONDS"])
    except (SignatureExpired, BadSignature):
        return None
    return data["id"], data["fp"]


def reset_token_matches(person, fingerprint: str) -> bool:
    return secrets.compare_digest(_password_fingerprint(person.password_hash), fingerprint)
