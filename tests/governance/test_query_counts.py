"""The main pages run as many SQL statements for a network of 9 co-ops as for one of 3.

Two networks are made side by side in one database, a small one and one three times its size: co-ops
(each with a delegate and a member), proposals, comments, ballots, pledges, signatures and meeting
answers all grow with it. Each page is read as a delegate of the network's first co-op, and its count
of statements must be the same in both: a page whose queries grow with its rows (a query per ballot,
per co-op, per comment) fails here, before a large network makes it slow.
"""

from __future__ import annotations

import pytest

from governance import service as governance
from governance.agreements import service as agreements
from governance.extensions import db
from governance.meetings import service as meetings
from governance.models import CoopRole, NetworkRoleKind
from proposals import service as proposals
from tests import factories
from tests.agreements import factories as agreement_factories
from tests.governance.meetings.factories import propose
from tests.proposals.factories import proposal
from tests.proposals.pledging.factories import open_campaign, pledge
from tests.queries import statements
from tests.voting.factories import open_vote
from voting import service as voting

SMALL, LARGE = 3, 9
ZONES = ["Europe/London", "America/New_York", "America/Argentina/Buenos_Aires", "Europe/Madrid"]


@pytest.fixture
def quick_agreements(app, tmp_path, monkeypatch):
    """Agreements laid out as one line (the workflow, not the PDF, is what these pages read)."""
    from governance.agreements import render
    from tests.conftest import QUICK_HTML

    monkeypatch.setitem(app.config, "AGREEMENT_SEAL_DIR", str(tmp_path / "seal"))
    monkeypatch.setattr(
        render, "html_of", lambda document: QUICK_HTML.format(title="Agreement", what="terms")
    )


def network_of(admin, size: int, name: str) -> factories.World:
    """A network of `size` co-ops, each with a delegate and a member, and its steward."""
    steward = factories.person(f"{name} Steward")
    network = governance.create_network(actor=admin, name=name)
    governance.grant_network_role(actor=admin, network=network, person=steward, role=NetworkRoleKind.STEWARD)
    world = factories.World(admin=admin, steward=steward, network=network, other_network=network)
    for n in range(size):
        zone = ZONES[n % len(ZONES)]
        coop = factories.coop(admin, network, f"{name} Co-op {n}", zone=zone, workers=5 + n)
        for role, people in ((CoopRole.DELEGATE, world.delegates), (CoopRole.MEMBER, world.members)):
            someone = factories.person(f"{name} {role.value} {n}", zone=zone)
            governance.add_member(actor=admin, coop=coop, person=someone, role=role)
            people.append(someone)
        world.coops.append(coop)
    return world


def pages_of(world: factories.World) -> dict[str, str]:
    """One of each main page in this network, with rows in proportion to its size."""
    size = len(world.coops)
    for n in range(size):  # proposals in discussion, each listed on the home and network pages
        proposal(world, title=f"Idea {n}", discuss=True, commit=False)
    discussed = proposal(world, title="Share a referral desk", discuss=True, commit=False)
    for coop, delegate, member in zip(world.coops, world.delegates, world.members, strict=True):
        proposals.add_comment(discussed, actor=member, body=f"{coop.name} is *in*")
        proposals.signal_interest(discussed, actor=delegate, coop=coop, stance="interested")

    vote = open_vote(
        world, commit=False, proposal=proposal(world, title="Adopt it", discuss=True, commit=False)
    )
    for coop, delegate in list(zip(world.coops, world.delegates, strict=True))[1:]:
        voting.cast_ballot(vote, actor=delegate, coop=coop, choice="yes")

    campaign = open_campaign(world, commit=False)  # its proposal's vote: every co-op voted yes
    for n in range(size):
        pledge(world, campaign, n, money="50", hours=5, commit=False)

    terms_of = agreement_factories.examples.terms
    committed = agreement_factories.committed_proposal(world)
    made = agreements.draw_agreement(
        committed, terms_of(coops=[(c.id, c.name, c.country) for c in world.coops])
    )
    db.session.commit()  # renders the drafts
    for coop, delegate in list(zip(world.coops, world.delegates, strict=True))[1:]:
        agreements.sign_agreement(
            made.current,
            actor=delegate,
            coop=coop,
            typed_name=delegate.name,
            consent=True,
            ip_address="192.0.2.1",
        )

    meeting = propose(world, commit=False)
    for coop, delegate in zip(world.coops, world.delegates, strict=True):
        answers = {slot.id: "yes" for slot in meeting.slots}
        meetings.answer_slots(meeting, actor=delegate, coop=coop, answers=answers)
    db.session.commit()
    return {
        "home": "/",
        "network": f"/networks/{world.network.slug}",
        "co-op": f"/coops/{world.coops[0].slug}",
        "proposal": f"/proposals/{discussed.id}",
        "vote": f"/votes/{vote.id}",
        "result": f"/votes/{campaign.proposal.vote.id}/result",
        "campaign": f"/campaigns/{campaign.id}",
        "agreement": f"/agreements/{made.id}",
        "meeting": f"/meetings/{meeting.id}",
    }


PAGES = ["home", "network", "co-op", "proposal", "vote", "result", "campaign", "agreement", "meeting"]


def _counts(app, email: str, urls: dict[str, str]) -> dict[str, int]:
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 302
    for url in urls.values():  # the first request of a session loads what every one shares
        client.get(url)
    return {page: statements(client, url) for page, url in urls.items()}


def _two_networks(pages) -> dict[int, tuple[str, dict[str, str]]]:
    """Per size, the email of the first co-op's delegate and the pages to read (ids and strings only:
    counting empties the session)."""
    admin = factories.person("Ada Admin", superuser=True)
    worlds = {size: network_of(admin, size, f"Net{size}") for size in (SMALL, LARGE)}
    db.session.commit()
    return {size: (world.delegates[0].email, pages(world)) for size, world in worlds.items()}


@pytest.mark.usefixtures("quick_agreements")
def test_the_main_pages_run_as_many_queries_for_a_large_network_as_for_a_small_one(app, ctx):
    worlds = _two_networks(pages_of)
    assert sorted(worlds[SMALL][1]) == sorted(PAGES)
    counts = {size: _counts(app, email, urls) for size, (email, urls) in worlds.items()}
    grows = {
        page: (counts[SMALL][page], counts[LARGE][page])
        for page in PAGES
        if counts[SMALL][page] != counts[LARGE][page]
    }
    assert not grows, f"statements at {SMALL} and at {LARGE} co-ops: {grows}"


def test_the_count_catches_a_query_per_row(app, ctx, monkeypatch):
    """The check can fail: a co-op page that loads its network's co-ops one by one is caught."""
    from governance import views
    from governance.models import Coop

    original = views.render_template

    def one_query_per_coop(template, **context):
        coop = context.get("coop")
        if isinstance(coop, Coop):
            for other in coop.networks[0].coops:
                db.session.get(Coop, other.id, populate_existing=True)
        return original(template, **context)

    monkeypatch.setattr(views, "render_template", one_query_per_coop)
    worlds = _two_networks(lambda world: {"co-op": f"/coops/{world.coops[0].slug}"})
    counts = {size: _counts(app, email, urls)["co-op"] for size, (email, urls) in worlds.items()}
    assert counts[LARGE] - counts[SMALL] == LARGE - SMALL
