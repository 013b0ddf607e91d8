"""The agreements API: reading an agreement, signing through it, and its refusals as JSON errors."""

from __future__ import annotations

import pytest

from tests.agreements import factories
from tests.factories import api_token

pytestmark = pytest.mark.usefixtures("quick_render")


@pytest.fixture
def agreement(world):
    return factories.agreement(world, parties=world.coops[:2])


def test_a_party_member_reads_the_agreement_and_an_outsider_gets_404(client, agreement, world):
    response = client.get(f"/api/v1/agreements/{agreement.id}", headers=api_token(world.members[0]))
    assert response.status_code == 200
    [version] = response.json["versions"]
    assert version["state"] == "signing" and version["terms_sha256"] == agreement.current.terms_sha256
    assert [p["has_signed"] for p in version["parties"]] == [False, False]
    refused = client.get(f"/api/v1/agreements/{agreement.id}", headers=api_token(world.outsider))
    assert refused.status_code == 404 and refused.json["code"] == 404


def test_a_delegate_signs_through_the_api_and_twice_is_a_conflict(client, agreement, world):
    headers = api_token(world.delegates[0])
    url = f"/api/v1/agreements/{agreement.id}/versions/1/signatures"
    body = {"coop": world.coops[0].slug, "typed_name": "Jo Thames", "consent": True}
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["typed_name"] == "Jo Thames" and response.json["coop"]["slug"] == world.coops[0].slug
    again = client.post(url, json=body, headers=headers)
    assert again.status_code == 409 and "already signed" in again.json["message"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"typed_name": "Jo", "consent": False}, 422, "consent"),
        ({"typed_name": " ", "consent": True}, 422, "typed_name"),
        ({"typed_name": "Jo"}, 422, "consent"),
        ({"typed_name": "Jo", "consent": "yes please"}, 422, "consent"),
    ],
)
def test_bad_signatures_are_refused_with_the_field(client, agreement, world, body, status, field):
    url = f"/api/v1/agreements/{agreement.id}/versions/1/signatures"
    response = client.post(
        url, json={"coop": world.coops[0].slug, **body}, headers=api_token(world.delegates[0])
    )
    assert response.status_code == status
    assert set(response.json) >= {"code", "status", "message"}
    assert field in str(response.json.get("errors"))


def test_a_member_cannot_sign_through_the_api(client, agreement, world):
    url = f"/api/v1/agreements/{agreement.id}/versions/1/signatures"
    body = {"coop": world.coops[0].slug, "typed_name": "M", "consent": True}
    response = client.post(url, json=body, headers=api_token(world.members[0]))
    assert response.status_code == 403
