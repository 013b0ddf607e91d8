"""Bad input, refused centrally with the reason, and nothing stored: NUL characters and lone surrogates,
JSON nested too deep, emails too long for mail, names with control or invisible characters, names that
differ only by such characters or by case."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from governance import service
from governance.errors import Conflict, InvalidInput
from governance.extensions import db
from governance.models import Coop, Invitation, Network
from tests.factories import api_token, sign_in


def test_a_nul_in_the_query_is_a_400_with_the_reason(client, world):
    sign_in(client, world.admin)
    response = client.get("/networks?page=1%00")
    assert response.status_code == 400 and "NUL character" in response.get_data(as_text=True)


def test_a_nul_in_a_form_field_is_refused_and_nothing_is_stored(client, world):
    sign_in(client, world.admin)
    response = client.post("/networks/new", data={"name": "Nul\x00net"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "form field &#39;name&#39; contains a NUL character" in page
    assert db.session.scalar(sa.select(Network).where(Network.name.like("Nul%"))) is None


def test_a_nul_in_the_path_is_a_400(client, world):
    sign_in(client, world.admin)
    assert client.get("/networks/test%00net").status_code == 400


@pytest.mark.parametrize("text", ["Nul\x00net", "Half \ud800 a pair"])
def test_json_strings_that_cannot_be_stored_are_a_400_naming_where(client, world, text):
    body = json.dumps({"name": text})  # json.dumps escapes the lone surrogate as \\ud800, as a client would
    response = client.post(
        "/api/v1/networks", data=body, content_type="application/json", headers=api_token(world.admin)
    )
    assert response.status_code == 400
    assert "body.name" in response.get_json()["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Network)) == 2


def test_json_nested_too_deep_is_a_400(client, world):
    for depth in (40, 100_000):  # the second would exhaust Python's parser
        body = "[" * depth + "]" * depth
        response = client.post(
            "/api/v1/networks", data=body, content_type="application/json", headers=api_token(world.admin)
        )
        assert response.status_code == 400 and "nested too deeply" in response.get_json()["message"]


# RFC 5321, section 4.5.3.1.3: "The maximum total length of a reverse-path or forward-path is 256 octets
# (including the punctuation and element separators)." A path is "<" address ">": 254 for the address.
TOO_LONG = "a" * 64 + "@" + "b" * 186 + ".example"  # 259 characters


def test_an_email_too_long_for_mail_is_refused_by_the_api(client, world):
    assert len(TOO_LONG) > 254
    response = client.post(
        f"/api/v1/coops/{world.coops[0].slug}/invitations",
        json={"email": TOO_LONG, "role": "member"},
        headers=api_token(world.admin),
    )
    assert response.status_code == 422 and "email" in response.get_json()["errors"]["json"]
    assert db.session.scalar(sa.select(Invitation)) is None


def test_an_email_too_long_for_mail_is_refused_by_the_form(client, world):
    sign_in(client, world.admin)
    response = client.post(f"/coops/{world.coops[0].slug}/invite", data={"email": TOO_LONG, "role": "member"})
    assert response.status_code in (400, 422) and "254" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Invitation)) is None


def test_the_service_refuses_an_email_too_long_for_mail(world):
    with pytest.raises(InvalidInput, match="at most 254"):
        service.invite_person(actor=world.admin, coop=world.coops[0], email=TOO_LONG, role="member")


@pytest.mark.parametrize(
    "name",
    ["Clyde\u200bWeb", "Clyde\u202eWeb", "Clyde\u2066Web", "Clyde\x07Web", "Clyde\nWeb"],
    ids=["zero-width space", "right-to-left override", "isolate", "bell", "newline"],
)
def test_names_with_control_or_invisible_characters_are_refused(world, name):
    with pytest.raises(InvalidInput, match="control or invisible characters") as refused:
        service.create_network(actor=world.admin, name=name)
    assert "U+" in refused.value.message


def test_names_are_stored_in_nfc_with_spaces_squeezed(world):
    decomposed = "Cooperativa Rí\u0301o  Norte"  # an i followed by a combining acute, and two spaces
    network = service.create_network(actor=world.admin, name=decomposed.replace("í\u0301", "i\u0301"))
    assert network.name == "Cooperativa Río Norte"


@pytest.mark.parametrize(
    "twin", ["testnet", "TESTNET", "Test\u00adnet", "\uff34\uff45\uff53\uff54\uff4e\uff45\uff54", " Testnet "]
)
def test_two_networks_cannot_have_names_that_read_alike(world, twin):
    with pytest.raises((Conflict, InvalidInput)):
        service.create_network(actor=world.admin, name=twin)


def test_two_coops_cannot_have_names_that_differ_only_by_case(world):
    with pytest.raises(Conflict, match="exists already"):
        service.create_coop(
            actor=world.admin, network=world.network, name="THAMES CODE", country="GB", time_zone="UTC"
        )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Coop)) == 3
