"""Integrity at the edges: races the database refuses become conflicts, and reads do not write."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from governance import service
from governance.extensions import db
from governance.models import AccessToken
from tests.factories import api_token


def _duplicate_key(*args, **kwargs):
    raise sa.exc.IntegrityError("INSERT ...", {}, Exception("duplicate key value violates unique constraint"))


def test_a_constraint_refusing_a_racing_write_is_a_409_in_the_api(client, world, monkeypatch):
    headers = api_token(world.admin)
    monkeypatch.setattr(service, "create_network", _duplicate_key)
    response = client.post("/api/v1/networks", json={"name": "Racenet"}, headers=headers)
    assert response.status_code == 409
    assert "same moment" in response.get_json()["message"]


def test_a_constraint_refusing_a_racing_write_is_a_message_on_the_page(client, world, monkeypatch):
    from tests.factories import sign_in

    sign_in(client, world.admin)
    monkeypatch.setattr(service, "create_network", _duplicate_key)
    response = client.post("/networks/new", data={"name": "Racenet"}, headers={"Referer": "/networks/new"})
    assert response.status_code == 302  # back to the form, with the reason
    assert "same moment" in client.get("/networks/new").get_data(as_text=True)


def test_a_token_in_use_writes_its_last_use_at_most_once_a_minute(client, world):
    headers = api_token(world.delegates[0])
    token = db.session.scalar(sa.select(AccessToken))
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    first = token.last_used_at
    assert first is not None
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.refresh(token)
    assert token.last_used_at == first  # the second read within the minute wrote nothing
    token.last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.refresh(token)
    assert token.last_used_at > first
