"""A co-op decides who speaks for it: its delegates invite its people and name its delegates. A network
admin invites a co-op's first delegate when admitting it, and otherwise changes a co-op's people only when
they administer every network the co-op is in."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from governance import service
from governance.errors import NotAllowed
from governance.models import CoopRole, Invitation, NetworkRoleKind
from tests.factories import person, sign_in


@pytest.fixture
def shared(world):
    """Thames Code is in Testnet and Othernet; Olga administers Othernet only."""
    olga = person("Olga Othernet Admin", email="olga@othernet.example")
    service.grant_network_role(
        actor=world.admin, network=world.other_network, person=olga, role=NetworkRoleKind.ADMIN
    )
    service.admit_coop(actor=world.admin, network=world.other_network, coop=world.coops[0])
    return olga


def test_an_admin_of_one_network_cannot_make_themselves_delegate_of_a_shared_coop(world, shared):
    thames = world.coops[0]
    with pytest.raises(NotAllowed, match="every network it is in"):
        service.invite_person(actor=shared, coop=thames, email=shared.email, role=CoopRole.DELEGATE)
    with pytest.raises(NotAllowed):
        service.set_coop_role(actor=shared, coop=thames, person=world.delegates[0], role=CoopRole.MEMBER)
    assert world.delegates[0].role_in(thames) == CoopRole.DELEGATE


def test_the_page_refuses_it_too_and_stores_nothing(client, world, shared):
    thames = world.coops[0]
    sign_in(client, shared)
    page = client.get(f"/coops/{thames.slug}").get_data(as_text=True)
    assert "Invite a person" not in page and "Change role" not in page
    response = client.post(f"/coops/{thames.slug}/invite", data={"email": shared.email, "role": "delegate"})
    assert response.status_code == 403
    assert (
        client.post(
            f"/coops/{thames.slug}/people/{world.delegates[0].id}/role", data={"role": "member"}
        ).status_code
        == 403
    )
    assert world.delegates[0].role_in(thames) == CoopRole.DELEGATE


def test_an_admin_of_every_network_the_coop_is_in_may_change_its_people(world, shared):
    service.grant_network_role(
        actor=world.admin, network=world.network, person=shared, role=NetworkRoleKind.ADMIN
    )
    service.set_coop_role(actor=shared, coop=world.coops[0], person=world.members[0], role=CoopRole.DELEGATE)
    assert world.members[0].role_in(world.coops[0]) == CoopRole.DELEGATE


def test_a_delegate_invites_the_coops_people(world, outbox):
    invitation = service.invite_person(
        actor=world.delegates[0], coop=world.coops[0], email="new@thames-code.example", role=CoopRole.MEMBER
    )
    assert invitation.coop == world.coops[0]


def test_a_network_admin_invites_a_new_coops_first_delegate_and_nothing_else(world, outbox):
    from tests.factories import coop

    olga = person("Olga", email="olga@othernet.example")
    service.grant_network_role(
        actor=world.admin, network=world.network, person=olga, role=NetworkRoleKind.ADMIN
    )
    service.grant_network_role(
        actor=world.admin, network=world.other_network, person=olga, role=NetworkRoleKind.ADMIN
    )
    made = coop(olga, world.other_network, "Lakeshore Tech")
    service.admit_coop(actor=world.admin, network=world.network, coop=made)
    # Olga administers both networks, so she may; someone who administers only one may invite the first
    # delegate and no one else:
    ola = person("Ola", email="ola@othernet.example")
    service.grant_network_role(
        actor=world.admin, network=world.other_network, person=ola, role=NetworkRoleKind.ADMIN
    )
    with pytest.raises(NotAllowed):
        service.invite_person(actor=ola, coop=made, email="member@lakeshore.example", role=CoopRole.MEMBER)
    service.invite_person(actor=ola, coop=made, email="delegate@lakeshore.example", role=CoopRole.DELEGATE)
    from governance.extensions import db

    assert db.session.scalar(sa.select(Invitation.email)) == "delegate@lakeshore.example"


def test_a_change_of_delegates_during_an_open_vote_is_shown_on_its_page(client, world):
    from datetime import timedelta

    from governance.types import utcnow
    from tests.voting.factories import open_vote

    vote = open_vote(world, now=utcnow() - timedelta(hours=1))
    service.set_coop_role(
        actor=world.delegates[0], coop=world.coops[0], person=world.members[0], role=CoopRole.DELEGATE
    )
    from governance.extensions import db

    db.session.commit()
    sign_in(client, world.members[1])
    page = client.get(f"/votes/{vote.id}").get_data(as_text=True)
    assert "Delegates changed since the vote opened" in page
    assert f"{world.members[0].name} became a delegate of Thames Code." in page
