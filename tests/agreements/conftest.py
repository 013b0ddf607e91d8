"""Agreements' fixtures: a seal made once per run under a temporary folder, never under instance/."""

from __future__ import annotations

import pytest

from governance.agreements import seal


@pytest.fixture(scope="session")
def seal_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("seal")


@pytest.fixture(scope="session")
def credentials(seal_dir) -> seal.Credentials:
    return seal.credentials(seal_dir)


@pytest.fixture(autouse=True)
def _agreement_settings(app, seal_dir, monkeypatch):
    monkeypatch.setitem(app.config, "AGREEMENT_SEAL_DIR", str(seal_dir))
    monkeypatch.setitem(app.config, "VERIFY_LIMIT", "1000 per minute")


# QUICK_HTML and the quick_render fixture are the suite's (tests/conftest.py): the demo's tests use them too.
