"""Languages: every word people read can be translated, Spanish covers it, and each person reads their own."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po

from governance import i18n
from governance.extensions import db
from governance.timezones import format_in_zone
from tests import factories
from tests.language_check import findings

# Rooms whose strings are still being wrapped and translated: each comes off this list when it is complete,
# and the strict xfail below fails the moment a listed room is complete without coming off it.
UNFINISHED_ROOMS: set[str] = set()
ROOM_NAMES = [room.name for room in i18n.ROOMS]


def _rooms():
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason="being translated"))
        if name in UNFINISHED_ROOMS
        else name
        for name in ROOM_NAMES
    ]


@pytest.fixture(scope="module")
def found():
    return findings()


@pytest.mark.parametrize("room", _rooms())
def test_every_word_people_read_is_translatable_and_translated_into_spanish(room, found):
    assert found.get(room, []) == [], "wrap these in _() or {% trans %}: see tests/language_check.py"
    extracted = i18n.extract(room)
    with i18n.catalog_path(room, "es").open("rb") as handle:
        spanish = read_po(handle, locale="es")
    missing = [str(m.id) for m in extracted if m.id and m.id not in spanish]
    assert missing == [], "run `flask --app wsgi translations update`, then translate"
    assert [m for m in i18n.untranslated(spanish) if spanish[m] is not None and m in extracted] == []


@pytest.mark.parametrize("room", ROOM_NAMES)
def test_spanish_keeps_every_placeholder_of_the_english(room):
    with i18n.catalog_path(room, "es").open("rb") as handle:
        spanish = read_po(handle, locale="es")
    wrong = []
    for message in spanish:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\(\w+\)s", ids[-1]))
        wrong += [str(ids[0]) for text in strings if text and set(re.findall(r"%\(\w+\)s", text)) != wanted]
    assert wrong == []


def test_the_checker_finds_words_left_untranslated(tmp_path, app):
    """The check itself: plain text, a readable attribute and a macro's label are found; machine names not."""
    from tests.language_check import python_findings, template_findings

    page = tmp_path / "page.html"
    page.write_text(
        '{% block title %}Your votes{% endblock %}<a title="Open it" class="danger" href="{{ url_for(\'x\') }}">'
        "{{ _('Fine') }}</a>{{ button('/x', 'Sign out', form, 'danger') }}{% trans %}Also fine{% endtrans %}"
    )
    assert [text for _line, text in template_findings(page, app.jinja_env)] == [
        "Your votes",
        'title="Open it"',
        "'Sign out'",
    ]
    module = tmp_path / "module.py"
    module.write_text(
        "flash(f'Saved {x}.')\nflash(_('Saved.'))\nraise invalid('name', 'Too long.')\n"
        "raise Conflict(_('Taken %(x)s', x=1))\nname = StringField('Name')\n"
    )
    assert [line for line, _text in python_findings(module)] == [1, 3, 5]


def test_a_person_chooses_their_language_and_reads_the_pages_in_it(client, session):
    person = factories.person(email="lucia@example.org", name="Lucía", zone="America/Argentina/Buenos_Aires")
    session.commit()
    factories.sign_in(client, person)
    page = client.get("/settings")
    assert 'lang="en-GB"' in page.text
    response = client.post(
        "/settings",
        data={"name": "Lucía", "time_zone": "America/Argentina/Buenos_Aires", "locale": "es_AR"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Tus ajustes están guardados." in response.text
    assert 'lang="es-AR"' in response.text
    assert db.session.get(type(person), person.id).locale == "es_AR"


def test_a_language_not_offered_is_refused_with_a_reason(client, session):
    person = factories.person(email="ana@example.org")
    session.commit()
    factories.sign_in(client, person)
    response = client.post("/settings", data={"name": "Ana", "time_zone": "UTC", "locale": "xx_YY"})
    assert response.status_code == 400
    assert "Not a valid choice" in response.text
    assert db.session.get(type(person), person.id).locale == ""


def test_the_first_sign_in_keeps_the_browsers_language_and_says_so(client, session):
    person = factories.person(email="marcos@example.org", password="a long enough password")
    session.commit()
    assert person.locale == ""
    response = client.post(
        "/sign-in",
        data={"email": "marcos@example.org", "password": "a long enough password"},
        headers={"Accept-Language": "es-419,es;q=0.9,en;q=0.5"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert db.session.get(type(person), person.id).locale.startswith("es_")
    assert "como pide tu navegador" in response.text
    # Later sign-ins keep what was chosen, whatever the browser says.
    client.post("/sign-out")
    client.post(
        "/sign-in",
        data={"email": "marcos@example.org", "password": "a long enough password"},
        headers={"Accept-Language": "en-US"},
    )
    assert db.session.get(type(person), person.id).locale.startswith("es_")


def test_a_stranger_reads_the_language_their_browser_asks_for(client):
    page = client.get("/sign-in", headers={"Accept-Language": "es-AR,es;q=0.9"})
    assert 'lang="es-AR"' in page.text
    page = client.get("/sign-in", headers={"Accept-Language": "de-DE"})
    assert 'lang="en-GB"' in page.text


def test_times_are_written_in_the_readers_locale_and_zone():
    moment = datetime(2026, 4, 4, 17, 30, tzinfo=UTC)
    assert format_in_zone(moment, "Europe/London", locale="en_GB") == "4 Apr 2026, 18:30 BST (Europe/London)"
    assert format_in_zone(moment, "America/Argentina/Buenos_Aires", locale="es_AR") == (
        "4 abr 2026, 14:30 -03 (America/Argentina/Buenos_Aires)"
    )


def test_catalogs_are_compiled_again_when_their_source_changes(tmp_path):
    directories = i18n.compile_catalogs(tmp_path)
    compiled = tmp_path / "governance" / "es" / "LC_MESSAGES" / "messages.mo"
    assert compiled.exists() and directories[-1] == tmp_path / "governance"
    stamp = compiled.stat().st_mtime_ns
    i18n.compile_catalogs(tmp_path)
    assert compiled.stat().st_mtime_ns == stamp  # nothing changed: not rewritten
    source = i18n.catalog_path("governance", "es")
    source.touch()
    i18n.compile_catalogs(tmp_path)
    assert compiled.stat().st_mtime_ns >= source.stat().st_mtime_ns


def test_joining_by_invitation_starts_in_the_browsers_language(client, world, outbox):
    from tests.governance.test_accounts import _link_in_mail

    factories.sign_in(client, world.admin)
    client.post(f"/coops/{world.coops[0].slug}/invite", data={"email": "nueva@example.org", "role": "member"})
    link = _link_in_mail(outbox, "invitations")
    client.post("/sign-out")
    response = client.post(
        link,
        data={"name": "Nueva", "time_zone": "America/Argentina/Buenos_Aires", "password": "a long enough password"},
        headers={"Accept-Language": "es-AR,es;q=0.9"},
    )
    assert response.status_code == 302
    from governance.models import person_by_email

    assert person_by_email("nueva@example.org").locale == "es_AR"
