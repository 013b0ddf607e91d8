"""The governance room in Spanish: its pages for a person who reads es_AR, and its mail in the reader's language
(the recipient's when they chose one, else the language of the request that sends it)."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

from governance.extensions import db
from governance.models import Invitation
from tests.factories import sign_in


def _in_spanish(person) -> None:
    person.locale = "es_AR"
    db.session.commit()


def _last_mail(outbox):
    mails = sorted(outbox.glob("*.eml"))
    assert mails, "no mail was written to the outbox"
    message = message_from_bytes(mails[-1].read_bytes(), policy=default)
    return str(message["Subject"]), message.get_body(("plain",)).get_content()


def test_a_delegate_reads_home_and_their_coop_in_spanish_with_spanish_dates(client, world):
    delegate, coop = world.delegates[2], world.coops[2]
    _in_spanish(delegate)
    sign_in(client, delegate)
    home = client.get("/").get_data(as_text=True)
    assert 'lang="es-AR"' in home
    assert "Pendiente para ti" in home and "Mis cooperativas" in home and "Cerrar sesión" in home
    assert ">delegada o delegado</span>" in home  # the role badge
    assert "Waiting for you" not in home and "My co-ops" not in home
    invitation = Invitation(
        token_hash="x" * 64,
        email="nuevo@example.org",
        coop=coop,
        role="member",
        invited_by=delegate,
        created_at=datetime(2026, 4, 4, 17, 30, tzinfo=UTC),
        expires_at=datetime(2099, 4, 7, 17, 30, tzinfo=UTC),
    )
    db.session.add(invitation)
    db.session.commit()
    page = client.get(f"/coops/{coop.slug}").get_data(as_text=True)
    assert "Invitaciones pendientes" in page and "Socias y socios trabajadores" in page
    assert "nuevo@example.org como integrante, enviada el" in page
    assert "4 abr 2026, 14:30" in page and "Apr" not in page  # in the delegate's zone, written in Spanish


def test_a_refusal_and_an_error_page_are_in_spanish(client, world):
    member = world.members[0]
    _in_spanish(member)
    sign_in(client, member)
    refused = client.post(
        f"/coops/{world.coops[0].slug}/invite", data={"email": "x@example.org", "role": "member"}
    )
    assert refused.status_code == 403 and "Solo una delegada o un delegado de Thames Code" in refused.text
    missing = client.get("/coops/nowhere")
    assert (
        missing.status_code == 404
        and "No encontrado" in missing.text
        and "No hay nada en esta dirección" in missing.text
    )
    api = client.get("/api/v1/coops/nowhere")
    assert api.get_json()["message"] == "No hay ninguna cooperativa llamada 'nowhere'."


def test_an_invitation_is_mailed_in_the_language_of_the_admin_who_sends_it_to_someone_new(
    client, world, outbox
):
    _in_spanish(world.admin)
    sign_in(client, world.admin)
    client.post(
        f"/coops/{world.coops[0].slug}/invite", data={"email": "nadie@example.org", "role": "delegate"}
    )
    subject, body = _last_mail(outbox)
    assert subject == "Te invitan a Thames Code en Roundtable"
    assert "Ada Admin te invitó a unirte a Thames Code en Roundtable como delegada o delegado." in body
    assert "Elige tu contraseña y tu zona horaria aquí (el enlace funciona una vez, durante" in body


def test_an_invitation_and_a_reset_are_mailed_in_the_language_their_reader_chose(client, world, outbox):
    reader = world.members[1]
    _in_spanish(reader)
    sign_in(client, world.admin)  # an English-speaking admin
    client.post(f"/coops/{world.coops[0].slug}/invite", data={"email": reader.email, "role": "member"})
    subject, body = _last_mail(outbox)
    assert subject == "Te invitan a Thames Code en Roundtable"
    assert "Inicia sesión y acepta aquí" in body and "como integrante" in body
    client.post("/sign-out")
    client.post("/reset-password", data={"email": reader.email}, headers={"Accept-Language": "en-GB"})
    subject, body = _last_mail(outbox)
    assert subject == "Restablece tu contraseña de Roundtable"
    assert "Alguien pidió restablecer la contraseña de tu cuenta de Roundtable." in body
    assert "minutos" in body and "Si no fuiste tú, ignora este correo: nada cambia." in body


def test_who_has_chosen_no_language_is_mailed_in_english_from_an_english_request(client, world, outbox):
    sign_in(client, world.admin)
    client.post(f"/coops/{world.coops[0].slug}/invite", data={"email": "new@example.org", "role": "member"})
    subject, body = _last_mail(outbox)
    assert subject == "You are invited to Thames Code on Roundtable"
    assert "Ada Admin invited you to join Thames Code on Roundtable as a member." in body
