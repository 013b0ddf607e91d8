"""The world the authorisation matrix runs in: every role, and one of each thing a route acts on.

Made once per module, through the factories (so every change has its audit event); the matrix reads
only the ids and secrets kept in `Ids`, never the ORM objects, which outlive the session that made them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from governance import service as governance
from governance.agreements.models import VersionState
from governance.extensions import db
from governance.meetings import service as meetings
from governance.models import CoopRole, NetworkRoleKind
from governance.notifications import chat
from governance.notifications import service as notifications
from governance.outbox import OutboxItem
from governance.security import make_reset_token
from governance.types import utcnow
from proposals import service as proposals
from tests import factories
from tests.agreements import factories as agreement_factories
from tests.governance.meetings.factories import propose
from tests.proposals.factories import proposal
from tests.proposals.pledging.factories import open_campaign, pledge
from tests.voting.factories import open_vote
from voting import service as voting

# Who the matrix asks as; `revoked` is the delegate holding a token revoked since.
ROLES = (
    "anonymous",
    "outsider",  # a delegate of a co-op in another network only
    "member",  # of Thames Code, in Testnet
    "delegate",  # of Thames Code
    "peer",  # a delegate of Hudson Tech, another co-op of Testnet
    "steward",  # of Testnet
    "admin",  # a network admin of Testnet (not the instance's superuser)
    "other_steward",  # of Othernet
    "other_admin",  # of Othernet
    "revoked",  # the delegate's token, revoked
)
PEOPLE = [r for r in ROLES if r not in ("anonymous", "revoked")]


@dataclass
class Ids:
    """Everything a route's URL or body names, as plain values."""

    values: dict[str, int | str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)  # role -> email
    person_ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # role -> bearer secret

    def __getitem__(self, key: str):
        return self.values[key]


def build() -> Ids:
    world = factories.small_world()
    ids = Ids()
    superuser = world.admin
    outsider_coop = factories.coop(superuser, world.other_network, "Patio Works", "CA", "America/Toronto")
    outsider = world.outsider
    governance.add_member(actor=superuser, coop=outsider_coop, person=outsider, role=CoopRole.DELEGATE)
    admin = factories.person("Nina Netadmin", email="netadmin@example.org")
    other_steward = factories.person("Otto Otherstew", email="otherstew@example.org")
    other_admin = factories.person("Olga Otheradmin", email="otheradmin@example.org")
    grants = [
        (world.network, admin, NetworkRoleKind.ADMIN),
        (world.other_network, other_steward, NetworkRoleKind.STEWARD),
        (world.other_network, other_admin, NetworkRoleKind.ADMIN),
    ]
    for network, person, role in grants:
        governance.grant_network_role(actor=superuser, network=network, person=person, role=role)
    people = {
        "outsider": outsider,
        "member": world.members[0],
        "delegate": world.delegates[0],
        "peer": world.delegates[1],
        "steward": world.steward,
        "admin": admin,
        "other_steward": other_steward,
        "other_admin": other_admin,
    }
    for role, person in people.items():
        ids.emails[role] = person.email
        ids.person_ids[role] = person.id
        _, ids.tokens[role] = governance.create_token(actor=person, name="matrix")
    revoked, ids.tokens["revoked"] = governance.create_token(actor=world.delegates[0], name="revoked")
    governance.revoke_token(actor=world.delegates[0], token=revoked)
    own, _ = governance.create_token(actor=world.delegates[0], name="kept")
    thames, hudson, rio = world.coops
    delegate = world.delegates[0]

    # A proposal in discussion, with a comment by the member and the delegate's interest
    discussed = proposal(world, title="Share a referral desk", discuss=True, commit=False)
    comment = proposals.add_comment(discussed, actor=world.members[0], body="Count us in")
    proposals.signal_interest(discussed, actor=delegate, coop=thames, stance="interested")

    # An open vote with Thames Code's ballot, and Hudson Tech's proxy to Río Software
    vote = open_vote(
        world,
        commit=False,
        proposal=proposal(world, title="Adopt the shared hosting", discuss=True, commit=False),
    )
    ballot = voting.cast_ballot(vote, actor=delegate, coop=thames, choice="yes")
    proxy = voting.name_proxy(vote, actor=world.delegates[1], coop=hudson, proxy=rio)

    # A passed proposal with its closed vote, an open campaign and Thames Code's pledge
    campaign = open_campaign(world, commit=False)
    closed_vote = campaign.proposal.vote
    pledge(world, campaign, 0, money="600", hours=40, seats=["host"], commit=False)

    # Agreements of Thames Code and Río Software (not Hudson Tech): one to sign, one issued
    to_sign = agreement_factories.agreement(world, parties=[thames, rio])
    issued = agreement_factories.agreement(world, parties=[thames, rio])
    agreement_factories.sign_all(issued, world)
    assert issued.current.state == VersionState.ISSUED

    meeting = propose(world, commit=False)
    confirmed = propose(world, title="Round-table on learning", commit=False)
    meetings.confirm_meeting(confirmed, actor=world.steward, slot=confirmed.slots[0])
    invitation = governance.invite_person(
        actor=delegate, coop=thames, email="newcomer@example.org", role="member"
    )
    connection = chat.connect(world.network, actor=admin, url="json://127.0.0.1:9/hooks/matrix")
    feed_secret = notifications.new_feed(actor=delegate)
    invitation_secret = invitation.link.rsplit("/", 1)[1]
    db.session.commit()
    outbox_item = db.session.scalar(sa.select(sa.func.min(OutboxItem.id)))
    ids.values.update(
        outbox_item=outbox_item,
        network=world.network.slug,
        other_network=world.other_network.slug,
        coop=thames.slug,
        coop_id=thames.id,
        peer_coop=hudson.slug,
        outsider_coop=outsider_coop.slug,
        proposal=discussed.id,
        comment=comment.id,
        vote=vote.id,
        receipt=ballot.receipt,
        proxy=proxy.id,
        closed_vote=closed_vote.id,
        passed_proposal=campaign.proposal_id,
        vote_proposal=vote.proposal_id,
        campaign=campaign.id,
        agreement=to_sign.id,
        issued=issued.id,
        meeting=meeting.id,
        confirmed_meeting=confirmed.id,
        peer_coop_id=hudson.id,
        rio=rio.slug,
        rio_id=rio.id,
        outsider_coop_id=outsider_coop.id,
        member_email=world.members[0].email,
        invitation=invitation.id,
        invitation_secret=invitation_secret,
        connection=connection.id,
        feed_secret=feed_secret,
        unsubscribe=notifications.unsubscribe_token(delegate, "vote_opened"),
        reset=make_reset_token(world.members[0]),
        own_token=own.id,
        member_id=world.members[0].id,
        steward_id=world.steward.id,
        meeting_slot=meeting.slots[0].id,
        later=(utcnow() + timedelta(days=30)).isoformat(),
        later_local=(utcnow() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),  # the reader's zone: London
    )
    return ids
