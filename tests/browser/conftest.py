"""A live Roundtable on its own database with the demo data, and headless Chromium (Debian's) driving it."""

from __future__ import annotations

import contextlib
import shutil
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from governance import create_app
from governance.extensions import db
from tests.conftest import TEST_SETTINGS, fresh_database

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "roundtable-demo"


@contextlib.contextmanager
def live_instance(directory: Path, hint: str, *, demo: bool):
    """A migrated app on its own fresh database, as a browser meets it (CSRF on), with or without the demo."""
    with fresh_database(directory, hint) as url:
        settings = {
            **TEST_SETTINGS,
            "TESTING": False,
            "WTF_CSRF_ENABLED": True,  # the real thing: forms post their tokens
            # No vote-closing thread: it would outlive these tests and, through the shared db.session,
            # reach into the rolled-back transactions of the tests that follow.
            "SCHEDULER_SECONDS": 0,
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_OUTBOX": str(directory / "outbox"),
        }
        app = create_app(settings)
        with app.app_context():
            upgrade()
            if demo:
                from governance.demo import load_demo

                load_demo()
            db.session.remove()
        yield app
        with app.app_context():
            db.engine.dispose()


@contextlib.contextmanager
def serving(app):
    """The app on a free port of 127.0.0.1, its BASE_URL (mailed links) pointing there."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app.config["BASE_URL"]
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="package")
def live_app(tmp_path_factory):
    with live_instance(tmp_path_factory.mktemp("live"), "live", demo=True) as app:
        yield app


@pytest.fixture(scope="package")
def live_server(live_app):
    with serving(live_app) as base_url:
        yield base_url


@pytest.fixture(scope="package")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run scripts/setup --test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def outbox(live_app) -> Path:
    return Path(live_app.config["MAIL_OUTBOX"])


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def settled(page) -> None:
    """Wait until the page has loaded and static/focus.js has moved the focus (a zero timeout after the load
    event; this one runs after it): text typed before then can land in the field the focus moves to."""
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")
