"""Each person's mail in their own language: a vote opening tells the Spanish-speaking delegate in Spanish
(subject, plain text and HTML, times in Spanish) and the English-speaking member in English, in one
transaction; a digest and the notification pages follow their reader too."""

from datetime import UTC, datetime, timedelta

from governance.extensions import db
from governance.notifications import service, tasks
from governance.notifications.kinds import Kind
from tests.factories import person, sign_in
from tests.governance.notifications.conftest import read_mails
from tests.voting.factories import open_vote


def _spanish(world):
    delegate = world.delegates[2]  # Río Software, Buenos Aires
    delegate.locale = "es_AR"
    db.session.commit()
    return delegate


def test_a_vote_opening_mails_each_person_in_their_own_language(world, outbox):
    spanish = _spanish(world)
    open_vote(world, now=datetime.now(UTC), lasts=timedelta(days=7))
    mails = read_mails(outbox)
    [es] = [m for m in mails if m["To"] == spanish.email and "votación abierta" in m["Subject"]]
    assert es["Subject"] == "[Roundtable] Hay una votación abierta: Host the shared service"
    plain = es.get_body(("plain",)).get_content()
    html = es.get_body(("html",)).get_content()
    assert plain.startswith(f"Hola, {spanish.name}:")
    assert (
        "Cierra: " in plain
        and "Los horarios están en tu zona horaria, America/Argentina/Buenos_Aires" in plain
    )
    assert "Para dejar de recibir correos del tipo «se abre una votación»" in plain
    assert '<html lang="es-AR">' in html and "Elige qué te llega" in html
    assert "Closes:" not in plain and "Hello" not in plain
    # The English reader of the same event, told in the same transaction, reads English.
    [en] = [m for m in mails if m["To"] == world.members[2].email and "vote is open" in m["Subject"]]
    assert en["Subject"] == "[Roundtable] A vote is open: Host the shared service"
    assert "Closes: " in en.get_body(("plain",)).get_content()
    assert '<html lang="en-GB">' in en.get_body(("html",)).get_content()
    # The in-app list keeps each person's own words.
    assert "Hay una votación abierta: Host the shared service" in [
        r.headline for r in service.recent(spanish)
    ]


def test_a_digest_is_written_in_its_readers_language_with_spanish_dates(world, outbox):
    lucia = person("Lucía López", email="lucia@example.org", zone="America/Argentina/Buenos_Aires")
    lucia.locale = "es_AR"
    service.set_preferences(actor=lucia, choices={k.value: "digest" for k in Kind})
    db.session.commit()
    for n, hour in enumerate((20, 21)):
        at = datetime(2028, 4, 3, hour, 0, tzinfo=UTC)
        service.notify(lucia, Kind.VOTE_OPENED, key=f"k{n}", headline=f"Votación {n}", path="/x", now=at)
    db.session.commit()
    assert tasks.send_digests(datetime(2028, 4, 4, 11, 0, tzinfo=UTC)) == 1  # 08:00 in Buenos Aires
    db.session.commit()
    [digest] = read_mails(outbox)
    assert digest["Subject"] == "[Roundtable] Tu resumen diario: 2 novedades desde ayer (4 abr)"
    assert "Hola, Lucía López:" in digest.get_body(("plain",)).get_content()


def test_the_notification_pages_are_in_the_readers_language(world, client):
    spanish = _spanish(world)
    sign_in(client, spanish)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "<h1>Notificaciones</h1>" in page and "Nada por ahora." in page
    settings = client.get("/settings").get_data(as_text=True)
    assert "Se abre una votación" in settings and "Correo al instante" in settings
