"""Signing in: unknown emails cost as much as known ones; failures are limited per address and per
address and email; a limiter whose store is down does not stop anyone signing in.

The timing itself is a bench figure (bench/sign_in.py), not a timed test: here we check that the
dummy hash is verified.
"""

from __future__ import annotations

import logging
import uuid

import pytest
from limits.storage import storage_from_string

from governance import config, create_app, security
from governance.extensions import limiter
from tests.conftest import TEST_SETTINGS
from tests.factories import PASSWORD

HOME, AWAY = "198.51.100.7", "203.0.113.9"


@pytest.fixture
def limits(app, monkeypatch):
    """Set the two sign-in limits for one test, counted from nothing."""

    def set_limits(per_address_and_email: str, per_address: str = "1000 per minute") -> None:
        monkeypatch.setitem(app.config, "SIGN_IN_LIMIT", per_address_and_email)
        monkeypatch.setitem(app.config, "SIGN_IN_ADDRESS_LIMIT", per_address)

    limiter.reset()
    yield set_limits
    limiter.reset()


@pytest.fixture
def own_limiter(monkeypatch):
    """The limiter is one object that every app built in the run shares: put it back as it was after a
    test that builds an app of its own."""
    saved = dict(vars(limiter))
    yield
    vars(limiter).clear()
    vars(limiter).update(saved)


def _attempt(client, email: str, password: str, address: str = HOME) -> int:
    data = {"email": email, "password": password}
    return client.post("/sign-in", data=data, environ_base={"REMOTE_ADDR": address}).status_code


class CountingHasher:
    """argon2's hasher, noting each hash it verifies."""

    def __init__(self, real):
        self.real, self.verified = real, []

    def verify(self, password_hash, password):
        self.verified.append(password_hash)
        return self.real.verify(password_hash, password)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def verified(monkeypatch) -> list[str]:
    """The hashes argon2 verifies, in order."""
    hasher = CountingHasher(security._hasher)
    monkeypatch.setattr(security, "_hasher", hasher)
    return hasher.verified


def test_an_unknown_email_verifies_the_dummy_hash_as_a_known_one_verifies_its_own(client, world, verified):
    person = world.delegates[0]
    assert _attempt(client, "nobody@example.org", "a guess") == 401
    assert _attempt(client, person.email, "a guess") == 401
    assert verified == [security.dummy_hash(), person.password_hash]
    assert security.dummy_hash().startswith("$argon2id$")
    assert security.dummy_hash() != person.password_hash


def test_an_account_without_a_password_verifies_the_dummy_hash_and_never_matches(verified):
    assert not security.check_password(None, "")
    assert not security.check_password("", "anything")
    assert verified == [security.dummy_hash(), security.dummy_hash()]


def test_the_dummy_hash_is_made_as_real_hashes_are():
    """Same algorithm and cost, so verifying it takes as long as verifying a person's."""
    real = security.hash_password("some password")
    assert security.dummy_hash().split("$")[:4] == real.split("$")[:4]  # $argon2id$v=19$m=...,t=...,p=...


def test_failures_from_one_address_are_limited_across_all_emails(client, world, limits):
    limits("1000 per minute", per_address="3 per minute")
    emails = [p.email for p in world.delegates]
    assert [_attempt(client, email, "wrong") for email in emails] == [401, 401, 401]
    # Password spraying: a fourth account from the same address is refused, even with its password.
    assert _attempt(client, world.members[0].email, PASSWORD) == 429
    # Another address is not held back by this one.
    assert _attempt(client, world.members[0].email, PASSWORD, address=AWAY) == 302


def test_failures_on_one_email_from_one_address_are_limited(client, world, limits):
    limits("2 per minute")
    email = world.delegates[1].email
    assert [_attempt(client, email, "wrong") for _ in range(3)] == [401, 401, 429]
    data = {"email": email, "password": PASSWORD}
    page = client.post("/sign-in", data=data, environ_base={"REMOTE_ADDR": HOME}).get_data(as_text=True)
    assert "Too many failed sign-ins" in page  # refused before the password is even checked
    # The same address may still sign in as someone else.
    assert _attempt(client, world.delegates[2].email, PASSWORD) == 302


def test_a_correct_password_is_not_refused_because_someone_else_failed_on_that_email(client, world, limits):
    limits("2 per minute")
    email = world.delegates[0].email
    assert [_attempt(client, email, "wrong", address=AWAY) for _ in range(3)] == [401, 401, 429]
    assert _attempt(client, email, PASSWORD, address=HOME) == 302


def test_successful_sign_ins_do_not_use_up_the_limits(app, world, limits):
    limits("2 per minute", per_address="2 per minute")
    for _ in range(4):  # an office behind one address, people signing in all morning
        assert _attempt(app.test_client(), world.delegates[0].email, PASSWORD) == 302


def test_limits_live_in_redis_when_redis_url_is_set(tmp_path, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://redis.internal:6379/0")
    settings = config.load(tmp_path)
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://redis.internal:6379/0"
    assert settings["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True
    monkeypatch.delenv("REDIS_URL")
    assert config.load(tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"


def _app_on(storage_uri: str, database_url: str, **settings):
    return create_app(
        {
            **TEST_SETTINGS,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_STORAGE_URI": storage_uri,
            **settings,
        }
    )


def test_failures_counted_by_one_worker_hold_in_another_through_redis(
    session, world, database_url, own_limiter
):
    uri = "redis://127.0.0.1:6379/0"
    if not storage_from_string(uri).check():
        pytest.skip("needs Redis on 127.0.0.1:6379")
    prefix = f"roundtable-test-{uuid.uuid4().hex}"  # this test's own keys; they expire within the minute
    first = _app_on(uri, database_url, RATELIMIT_KEY_PREFIX=prefix, SIGN_IN_LIMIT="2 per minute")
    email = world.delegates[0].email
    assert [_attempt(first.test_client(), email, "wrong") for _ in range(2)] == [401, 401]
    # Another worker: a process of its own, with nothing in memory; it reads the same counts.
    second = _app_on(uri, database_url, RATELIMIT_KEY_PREFIX=prefix, SIGN_IN_LIMIT="2 per minute")
    assert _attempt(second.test_client(), email, PASSWORD) == 429


def test_sign_in_works_when_the_limiters_store_is_down_and_the_fault_is_logged(
    session, world, database_url, own_limiter, caplog
):
    dead = _app_on("redis://127.0.0.1:1/0", database_url, SIGN_IN_LIMIT="2 per minute")  # nobody on port 1
    with caplog.at_level(logging.WARNING):
        assert _attempt(dead.test_client(), world.delegates[0].email, "wrong") == 401
        assert _attempt(dead.test_client(), world.delegates[0].email, PASSWORD) == 302
    assert any(
        "storage unreachable" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING
    )
    # Meanwhile the limits still hold, counted in this process's memory.
    email = world.delegates[1].email
    assert [_attempt(dead.test_client(), email, p) for p in ("wrong", "wrong", PASSWORD)] == [401, 401, 429]
