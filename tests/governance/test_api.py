"""The JSON API's skeleton: tokens, one error shape, networks, co-ops, memberships, the current person."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from governance import paging, service
from governance.extensions import db
from governance.models import Coop, CoopRole
from tests.factories import api_token, sign_in

ERROR_KEYS = {"code", "status", "message"}


def _is_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body.keys() >= ERROR_KEYS, body
    assert body["code"] == status
    return body


def test_openapi_document_is_published_without_a_token(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["info"]["title"] == "Roundtable"
    assert "/api/v1/networks" in spec["paths"] or "/networks" in str(spec["paths"])
    assert "bearer" in spec["components"]["securitySchemes"]


def test_browsable_docs_list_the_endpoints(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "GET /api/v1/me" in page


def test_no_token_is_401_in_the_error_shape(client, world):
    body = _is_error(client.get("/api/v1/me"), 401)
    assert "Bearer" in body["message"]


def test_a_wrong_or_revoked_token_is_401(client, world):
    assert _is_error(client.get("/api/v1/me", headers={"Authorization": "Bearer rt_nope"}), 401)
    headers = api_token(world.delegates[0])
    token = world.delegates[0].id and db.session.scalars(select(service.AccessToken)).all()[-1]
    service.revoke_token(actor=world.delegates[0], token=token)
    db.session.commit()
    assert _is_error(client.get("/api/v1/me", headers=headers), 401)


def test_me_describes_the_token_holder(client, world):
    body = client.get("/api/v1/me", headers=api_token(world.delegates[1])).get_json()
    assert body["email"] == world.delegates[1].email
    assert body["coops"] == [
        {"coop": {"id": world.coops[1].id, "slug": "hudson-tech", "name": "Hudson Tech"}, "role": "delegate"}
    ]


def test_token_from_the_command_line_works(app, client, world):
    result = app.test_cli_runner().invoke(args=["tokens", "create", world.members[0].email.upper()])
    assert result.exit_code == 0
    secret = result.output.strip()
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).get_json()["id"]
        == world.members[0].id
    )


def test_token_command_for_unknown_email_fails_clearly(app, world):
    result = app.test_cli_runner().invoke(args=["tokens", "create", "ghost@example.org"])
    assert result.exit_code == 2
    assert "nobody has an account" in result.output


def test_networks_and_their_coops(client, world):
    headers = api_token(world.members[0])
    names = [n["name"] for n in client.get("/api/v1/networks", headers=headers).get_json()]
    assert names == ["Othernet", "Testnet"]
    coops = client.get("/api/v1/networks/testnet/coops", headers=headers).get_json()
    assert next((c["name"], c["time_zone"], c["worker_members"]) for c in coops) == (
        "Hudson Tech",
        "America/New_York",
        15,
    )


@pytest.mark.parametrize(
    ("url", "key", "everyone"),
    [
        ("/api/v1/coops", "slug", lambda world: sorted((c.slug for c in world.coops), key=_name_of(world))),
        (
            "/api/v1/networks/testnet/coops",
            "slug",
            lambda world: sorted((c.slug for c in world.coops), key=_name_of(world)),
        ),
        ("/api/v1/networks", "name", lambda world: ["Othernet", "Testnet"]),
    ],
)
def test_the_lists_come_a_page_at_a_time_and_say_how_many_pages_there_are(
    client, world, monkeypatch, url, key, everyone
):
    monkeypatch.setattr(paging, "API_PER_PAGE", 1)
    headers = api_token(world.members[0])
    seen = []
    for page in range(1, len(everyone(world)) + 1):
        answer = client.get(f"{url}?page={page}", headers=headers)
        about = json.loads(answer.headers["X-Pagination"])
        assert about["total"] == about["total_pages"] == len(everyone(world)) and about["page"] == page
        assert about["next_page"] == (page + 1 if page < about["total_pages"] else None)
        seen += [item[key] for item in answer.get_json()]
    assert seen == everyone(world)  # every one once, in order, a page at a time
    assert client.get(f"{url}?page={len(seen) + 1}", headers=headers).get_json() == []
    body = _is_error(client.get(f"{url}?page=0", headers=headers), 422)
    assert "page" in json.dumps(body)


def _name_of(world):
    names = {c.slug: c.name.lower() for c in world.coops}
    return lambda slug: names[slug]


def test_unknown_network_is_a_json_404(client, world):
    body = _is_error(client.get("/api/v1/networks/nowhere", headers=api_token(world.members[0])), 404)
    assert "nowhere" in body["message"]


def test_unknown_route_under_the_api_is_a_json_404(client, world):
    _is_error(client.get("/api/v1/no/such/thing", headers=api_token(world.members[0])), 404)


def test_members_show_emails_only_to_admins(client, world):
    slug = world.coops[0].slug
    as_member = client.get(f"/api/v1/coops/{slug}/members", headers=api_token(world.members[0])).get_json()
    as_admin = client.get(f"/api/v1/coops/{slug}/members", headers=api_token(world.admin)).get_json()
    assert {m["email"] for m in as_member} == {None}
    assert {m["email"] for m in as_admin} == {world.delegates[0].email, world.members[0].email}


def test_admin_creates_a_coop_and_bad_fields_are_named(client, world):
    headers = api_token(world.admin)
    bad = {"name": "", "country": "Canada", "time_zone": "Mars/Base", "worker_members": -1}
    body = _is_error(client.post("/api/v1/networks/testnet/coops", json=bad, headers=headers), 422)
    assert {"country", "time_zone", "worker_members"} <= set(body["errors"]["json"])
    good = {"name": "Lakeshore", "country": "CA", "time_zone": "America/Toronto", "worker_members": 10}
    response = client.post("/api/v1/networks/testnet/coops", json=good, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["networks"] == [{"id": world.network.id, "slug": "testnet", "name": "Testnet"}]


def test_malformed_json_is_a_clear_400_or_422(client, world):
    response = client.post(
        "/api/v1/networks/testnet/coops",
        data="{not json",
        headers={**api_token(world.admin), "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422)
    assert response.get_json().keys() >= ERROR_KEYS


@pytest.mark.parametrize("who", ["steward", "delegate", "outsider"])
def test_only_admins_create_coops_through_the_api(client, world, who):
    person = {"steward": world.steward, "delegate": world.delegates[0], "outsider": world.outsider}[who]
    before = db.session.scalar(select(func.count(Coop.id)))
    good = {"name": "Lakeshore", "country": "CA", "time_zone": "America/Toronto"}
    _is_error(client.post("/api/v1/networks/testnet/coops", json=good, headers=api_token(person)), 403)
    assert db.session.scalar(select(func.count(Coop.id))) == before


def test_admin_changes_a_role_and_invites(client, world, outbox):
    headers = api_token(world.admin)
    slug, member = world.coops[0].slug, world.members[0]
    response = client.patch(
        f"/api/v1/coops/{slug}/members/{member.id}", json={"role": "delegate"}, headers=headers
    )
    assert response.status_code == 200
    assert member.role_in(world.coops[0]) == CoopRole.DELEGATE
    _is_error(
        client.patch(f"/api/v1/coops/{slug}/members/{member.id}", json={"role": "boss"}, headers=headers), 422
    )
    response = client.post(
        f"/api/v1/coops/{slug}/invitations", json={"email": "fresh@example.org"}, headers=headers
    )
    assert response.status_code == 201
    assert response.get_json()["link"].startswith("http://localhost/invitations/")
    assert len(list(outbox.glob("*.eml"))) == 1


def test_changes_through_the_api_need_a_bearer_token_not_a_cookie(client, world):
    sign_in(client, world.admin)
    assert client.get("/api/v1/me").status_code == 200  # reading with the browser session is fine
    _is_error(client.post("/api/v1/networks", json={"name": "Cookie Net"}), 401)


def test_a_coop_website_must_be_a_web_address(client, world):
    headers = api_token(world.admin)
    coop = {"name": "Evil Co", "country": "GB", "time_zone": "Europe/London"}
    for website in ["javascript:alert(document.domain)", "data:text/html,x", "ftp://example.org"]:
        body = _is_error(
            client.post("/api/v1/networks/testnet/coops", json={**coop, "website": website}, headers=headers),
            422,
        )
        assert "website" in body["errors"]["json"]
    response = client.post(
        "/api/v1/networks/testnet/coops", json={**coop, "website": "https://evil.example"}, headers=headers
    )
    assert response.status_code == 201


def test_a_token_decides_who_calls_even_beside_a_session(client, world):
    sign_in(client, world.admin)
    _is_error(
        client.post("/api/v1/networks", json={"name": "Junk"}, headers={"Authorization": "Bearer junk"}), 401
    )
    body = client.get("/api/v1/me", headers=api_token(world.members[0])).get_json()
    assert body["email"] == world.members[0].email  # the token's holder, not the signed-in admin


def test_conflicts_are_409(client, world):
    headers = api_token(world.admin)
    response = client.post(
        "/api/v1/networks/testnet/admissions", json={"coop": world.coops[0].slug}, headers=headers
    )
    body = _is_error(response, 409)
    assert "already in Testnet" in body["message"]


def test_a_number_too_long_for_python_is_a_400_not_a_crash(client, world):
    body = '{"name": "X", "country": "GB", "time_zone": "UTC", "worker_members": ' + "9" * 5000 + "}"
    response = client.post(
        "/api/v1/networks/testnet/coops",
        data=body,
        headers={**api_token(world.admin), "Content-Type": "application/json"},
    )
    assert _is_error(response, 400)


def test_a_body_over_the_size_limit_is_a_413(client, world):
    response = client.post(
        "/api/v1/networks/testnet/coops",
        data="x" * (1024 * 1024 + 1),
        headers={**api_token(world.admin), "Content-Type": "application/json"},
    )
    assert _is_error(response, 413)


def test_an_unauthenticated_api_call_says_how_to_authenticate(client, world):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert set(response.get_json()) <= {"code", "status", "message", "errors"}


def test_a_wrong_method_keeps_its_allow_header(client, world):
    response = client.delete("/api/v1/networks", headers=api_token(world.admin))
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_a_conflict_puts_its_details_under_errors_as_documented(client, world):
    from tests.proposals.factories import proposal

    made = proposal(world)
    response = client.post(
        f"/api/v1/proposals/{made.id}/transitions",
        json={"transition": "pass"},
        headers=api_token(world.steward),
    )
    body = response.get_json()
    assert response.status_code == 409 and set(body) == {"code", "status", "message", "errors"}
    assert body["errors"]["current_state"] == "draft"
