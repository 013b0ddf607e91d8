"""The meeting pages in their reader's language: a Spanish-speaking delegate in Buenos Aires reads the board
in Spanish, with times and weekdays written the Spanish way."""

from datetime import UTC, datetime

from governance.extensions import db
from tests.factories import sign_in
from tests.governance.meetings.factories import propose


def test_the_board_is_in_spanish_for_a_spanish_speaking_delegate(client, world):
    meeting = propose(
        world, slots=[datetime(2028, 4, 4, 17, 30, tzinfo=UTC), datetime(2028, 4, 6, 17, 30, tzinfo=UTC)]
    )
    reader = world.delegates[2]  # Río Software, America/Argentina/Buenos_Aires
    reader.locale = "es_AR"
    db.session.commit()
    sign_in(client, reader)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'lang="es-AR"' in page
    assert (
        "Horarios posibles" in page
        and "Todavía sin responder: Hudson Tech, Río Software, Thames Code." in page
    )
    assert "4 abr 2028, 14:30 -03 (America/Argentina/Buenos_Aires)" in page  # the month in Spanish
    assert "mar 18:30 BST" in page and "mar 14:30 -03" in page  # Tuesday at each co-op's clock
    assert "Por Río Software (como su delegada o delegado)" in page and "— sin respuesta —" in page
    assert "Desarrollo de negocios: subcontratación y derivaciones" in page
    assert "Candidate times" not in page and "Tue 18:30" not in page
    response = client.post(
        f"/meetings/{meeting.id}/answers",
        data={"coop": world.coops[2].id, f"slot-{meeting.slots[0].id}": "yes"},
        follow_redirects=True,
    )
    assert "Las respuestas de Río Software están guardadas." in response.get_data(as_text=True)
    listing = client.get("/meetings/").get_data(as_text=True)
    assert "<h1>Reuniones</h1>" in listing and "2 horarios posibles" in listing
