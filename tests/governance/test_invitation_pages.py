"""An admin's pending invitations: one per person and co-op, cancelled or resent from the co-op's page;
an invitation for an existing account asks them to sign in and accept (issue 11, item 12)."""

from __future__ import annotations

from sqlalchemy import select

from governance.extensions import db
from governance.models import Invitation
from tests.factories import person, sign_in
from tests.governance.test_accounts import _link_in_mail


def _pending(coop):
    return [
        i for i in db.session.scalars(select(Invitation).where(Invitation.coop_id == coop.id)) if i.is_pending
    ]


def test_inviting_one_email_twice_leaves_one_pending_invitation_and_the_first_link_dead(
    client, world, outbox
):
    coop = world.coops[0]
    sign_in(client, world.admin)
    client.post(f"/coops/{coop.slug}/invite", data={"email": "twice@example.org", "role": "member"})
    first = _link_in_mail(outbox, "invitations")
    client.post(f"/coops/{coop.slug}/invite", data={"email": "twice@example.org", "role": "delegate"})
    assert [(i.email, i.role.value) for i in _pending(coop)] == [("twice@example.org", "delegate")]
    client.post("/sign-out")
    dead = client.get(first)
    assert dead.status_code == 409 and "replaced by a newer one" in dead.get_data(as_text=True)


def test_an_admin_cancels_and_resends_pending_invitations(client, world, outbox):
    coop = world.coops[0]
    sign_in(client, world.admin)
    client.post(f"/coops/{coop.slug}/invite", data={"email": "ana@example.org", "role": "member"})
    client.post(f"/coops/{coop.slug}/invite", data={"email": "bo@example.org", "role": "member"})
    page = client.get(f"/coops/{coop.slug}").get_data(as_text=True)
    assert "ana@example.org as member" in page and page.count(">Cancel</button>") == 2
    ana, bo = sorted(_pending(coop), key=lambda i: i.email)
    client.post(f"/coops/{coop.slug}/invitations/{ana.id}/cancel")
    assert not ana.is_pending and ana.cancelled_at is not None
    before = len(list(outbox.glob("*.eml")))
    client.post(f"/coops/{coop.slug}/invitations/{bo.id}/resend")
    assert not bo.is_pending and len(list(outbox.glob("*.eml"))) == before + 1
    assert [i.email for i in _pending(coop)] == ["bo@example.org"]


def test_a_member_cannot_cancel_an_invitation(client, world, outbox):
    coop = world.coops[0]
    sign_in(client, world.admin)
    client.post(f"/coops/{coop.slug}/invite", data={"email": "ana@example.org", "role": "member"})
    client.post("/sign-out")
    [pending] = _pending(coop)
    sign_in(client, world.members[0])
    assert client.post(f"/coops/{coop.slug}/invitations/{pending.id}/cancel").status_code == 403
    assert pending.is_pending


def test_an_invitation_for_an_account_made_since_asks_to_sign_in_not_for_a_password(client, world, outbox):
    coop = world.coops[0]
    sign_in(client, world.admin)
    client.post(f"/coops/{coop.slug}/invite", data={"email": "late@example.org", "role": "member"})
    link = _link_in_mail(outbox, "invitations")
    client.post("/sign-out")
    late = person("Late Comer", email="late@example.org")  # an account made after the invitation was sent
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 302 and "/sign-in" in response.location
    sign_in(client, late)
    page = client.get(link).get_data(as_text=True)
    assert "password" not in page.lower().split("<main")[1]
    client.post(link)
    assert late.role_in(coop) is not None
