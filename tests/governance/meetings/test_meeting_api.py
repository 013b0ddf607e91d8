"""The meetings API: the board as JSON, answers, and refusals in the API's error shape."""

from datetime import UTC, datetime

from governance.extensions import db
from governance.meetings import service
from tests.factories import api_token
from tests.governance.meetings.factories import propose

SLOTS = [datetime(2028, 4, 4, 17, 30, tzinfo=UTC), datetime(2028, 4, 6, 17, 30, tzinfo=UTC)]


def test_the_meeting_shows_each_slot_at_every_co_ops_clock(client, world):
    meeting = propose(world, slots=SLOTS)
    body = client.get(f"/api/v1/meetings/{meeting.id}", headers=api_token(world.members[0])).get_json()
    first = body["slots"][0]
    clocks = {t["coop"]: t["local_time"] for t in first["local_times"]}
    assert clocks["Thames Code"] == "2028-04-04T18:30:00+01:00"
    assert clocks["Hudson Tech"] == "2028-04-04T13:30:00-04:00"
    assert first["waiting"] == ["Hudson Tech", "Río Software", "Thames Code"]


def test_a_delegate_answers_for_their_co_op(client, world):
    meeting = propose(world, slots=SLOTS)
    headers = api_token(world.delegates[1])
    response = client.post(
        f"/api/v1/meetings/{meeting.id}/answers",
        json={
            "coop": world.coops[1].slug,
            "answers": [{"slot": meeting.slots[0].id, "answer": "if_need_be"}],
        },
        headers=headers,
    )
    assert response.status_code == 200 and response.get_json() == {"answered": 1}
    body = client.get(f"/api/v1/meetings/{meeting.id}", headers=headers).get_json()
    assert body["slots"][0]["if_need_be"] == ["Hudson Tech"] and body["slots"][0]["is_best"]


def test_an_answer_after_the_confirmation_is_a_409_and_changes_nothing(client, world):
    meeting = propose(world, slots=SLOTS)
    service.confirm_meeting(meeting, actor=world.steward, slot=meeting.slots[0])
    db.session.commit()
    response = client.post(
        f"/api/v1/meetings/{meeting.id}/answers",
        json={"answers": [{"slot": meeting.slots[0].id, "answer": "yes"}]},
        headers=api_token(world.members[0]),
    )
    body = response.get_json()
    assert response.status_code == 409 and body["message"] == "The meeting is confirmed: answers are closed."
    assert set(body) >= {"code", "status", "message"}
    assert meeting.slots[0].person_answers == []


def test_an_unknown_slot_is_refused_with_a_reason(client, world):
    meeting = propose(world, slots=SLOTS)
    response = client.post(
        f"/api/v1/meetings/{meeting.id}/answers",
        json={"answers": [{"slot": 999, "answer": "yes"}]},
        headers=api_token(world.members[0]),
    )
    assert response.status_code == 422 and "no candidate time 999" in response.get_json()["message"]


def test_an_outsider_gets_a_404(client, world):
    meeting = propose(world, slots=SLOTS)
    assert client.get(f"/api/v1/meetings/{meeting.id}", headers=api_token(world.outsider)).status_code == 404
