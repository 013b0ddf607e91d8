"""The proposals room in Spanish: a delegate whose locale is es_AR reads a proposal, its discussion and its
pledge campaign in Spanish, with times and money written the Argentine way, is answered in Spanish when
they pledge, and is mailed in Spanish when the deadline moves (while an English delegate reads English)."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from email import policy

from governance.extensions import db
from governance.types import utcnow
from tests.factories import sign_in
from tests.proposals.pledging.factories import open_campaign, pledge


def _in_spanish(world):
    """Río Software's delegate (Buenos Aires) reads Roundtable in Argentine Spanish."""
    delegate = world.delegates[2]
    delegate.locale = "es_AR"
    db.session.commit()
    return delegate


def _next_april() -> datetime:
    """4 April next year, 17:30 UTC: 14:30 in Buenos Aires, within a campaign's two years whatever today is."""
    return datetime(utcnow().year + 1, 4, 4, 17, 30, tzinfo=UTC)


def _mails(outbox, to: str, subject: str) -> list[email.message.EmailMessage]:
    found = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox.glob("*.eml")]
    return [m for m in found if m["To"] == to and m["Subject"].startswith(subject)]


def test_a_delegate_reads_the_proposal_and_its_campaign_in_argentine_spanish(client, world):
    deadline = _next_april()
    campaign = open_campaign(world, deadline_at=deadline)
    pledge(world, campaign, 0, money="600", hours=40, seats=["host"])
    delegate = _in_spanish(world)
    sign_in(client, delegate)

    page = client.get(f"/proposals/{campaign.proposal_id}").get_data(as_text=True)
    assert 'lang="es-AR"' in page
    assert "Quiénes participan" in page and "La propuesta" in page and "Historial de revisiones" in page
    assert "en campaña de compromisos" in page  # the state's badge
    # The proposal's facts name the currency by its ISO code, with the Argentine separators.
    assert "GBP 1.250,00" in page and "libra esterlina" in page and "60 horas al mes" in page
    # The deadline on the Buenos Aires clock, with Spanish month names.
    assert (
        f'Abierta hasta el <time datetime="{deadline.isoformat()}">4 abr {deadline.year}, 14:30 -03' in page
    )
    assert "Apr" not in page and "Who is in" not in page

    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Campaña de compromisos" in page and "Cómo va" in page
    assert "Nada obliga hasta que se cumplan todas las metas antes del plazo" in page
    assert "GBP600,00 al mes, 40 horas al mes, el puesto host" in page  # Thames Code's pledge
    assert "Todavía falta: GBP400,00 más al mes, 20 horas más al mes y 1 cooperativa más." in page
    assert "$" in page and "en peso argentino" in page  # the money target in the reader's co-op's currency

    response = client.post(
        f"/campaigns/{campaign.id}/pledges",
        data={"coop": world.coops[2].id, "currency": "ARS", "money": "250000", "hours": "20"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Río Software comprometió $250.000,00 al mes (= GBP194,63), 20 horas al mes." in page
    assert "Nada obliga hasta que se cumplan todas las metas." in page


def test_a_spanish_delegate_is_mailed_in_spanish_when_the_deadline_moves(client, world, outbox):
    deadline = _next_april()
    campaign = open_campaign(world, deadline_at=deadline)
    delegate = _in_spanish(world)
    world.steward.time_zone = "UTC"
    db.session.commit()
    sign_in(client, world.steward)
    later = deadline + timedelta(days=5)
    response = client.post(
        f"/campaigns/{campaign.id}/extend",
        data={"deadline_at": later.strftime("%Y-%m-%dT%H:%M"), "reason": "La asamblea se reúne el 8"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)

    (spanish,) = _mails(outbox, delegate.email, "Se extendió el plazo")
    assert spanish["Subject"] == "Se extendió el plazo de los compromisos: Host the shared service"
    body = spanish.get_content()
    year = deadline.year
    assert f"ahora cierra el 9 abr {year}, 14:30 -03 (America/Argentina/Buenos_Aires)" in body
    assert (
        f"(antes cerraba el 4 abr {year}, 14:30 -03" in body and "Por qué: La asamblea se reúne el 8" in body
    )
    (english,) = _mails(outbox, world.delegates[0].email, "Pledge deadline")
    assert not _mails(outbox, delegate.email, "Pledge deadline")
    assert english["Subject"] == "Pledge deadline extended: Host the shared service"
    assert f"now closes 9 Apr {year}" in english.get_content()


def test_a_refusal_is_given_in_spanish(client, world):
    campaign = open_campaign(world, deadline_at=_next_april())
    delegate = _in_spanish(world)
    sign_in(client, delegate)
    response = client.post(
        f"/campaigns/{campaign.id}/pledges", data={"coop": world.coops[2].id, "currency": "ARS", "money": ""}
    )
    assert response.status_code == 422
    assert "Compromete algo de dinero, algunas horas o un puesto." in response.get_data(as_text=True)
