"""The main pages run as many SQL statements for a network of 9 co-ops as for one of 3.

Two networks are made side by side in one database, a small one and one three times its size: co-ops
(each with a delegate and a member), proposals, comments, ballots, pledges, signatures and meeting
answers all grow with it. Each page is read as a delegate of the network's first co-op, and its count
of statements must be the same in both: a page whose queries grow with its rows (a query per ballot,
per co-op, per comment) fails here, before a large network makes it slow.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from governance import service as governance
from governance.agreements import service as agreements
from governance.extensions import db
from governance.meetings import service as meetings
from governance.models import CoopRole, NetworkRoleKind
from governance.types import utcnow
from proposals import service as proposals
from tests import factories
from tests.agreements import factories as agreement_factories
from tests.governance.meetings.factories import propose
from tests.proposals.factories import proposal
from tests.proposals.pledging.factories import open_campaign, passed_proposal, pledge
from tests.queries import reads, statements
from tests.voting.factories import open_vote
from voting import results, steward
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
        "new meeting": "/meetings/new",
        "api: the network's co-ops": f"/api/v1/networks/{world.network.slug}/coops",
        "api: proposals": "/api/v1/proposals",
        "api: who is in": f"/api/v1/proposals/{discussed.id}/interest",
        "api: ballots": f"/api/v1/votes/{vote.id}/ballots",
        "api: pledges": f"/api/v1/campaigns/{campaign.id}/pledges",
        "api: pledge history": f"/api/v1/campaigns/{campaign.id}/pledges/history",
        "api: standing": f"/api/v1/campaigns/{campaign.id}/standing",
    }


PAGES = [
    "home",
    "network",
    "co-op",
    "proposal",
    "vote",
    "result",
    "campaign",
    "agreement",
    "meeting",
    "new meeting",
    "api: the network's co-ops",
    "api: proposals",
    "api: who is in",
    "api: ballots",
    "api: pledges",
    "api: pledge history",
    "api: standing",
]


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


def test_the_campaign_list_runs_as_many_queries_for_three_campaigns_as_for_one(app, ctx):
    """The list of campaigns, each with its count of co-ops pledged: one campaign a network of 3 co-ops, three
    in one of 9, every co-op pledged (and one changed its pledge) in each."""

    def campaigns_of(world: factories.World) -> dict[str, str]:
        for n in range(len(world.coops) // SMALL):
            made = proposal(world, title=f"Service {n}", discuss=True, commit=False)
            campaign = open_campaign(world, proposal=passed_proposal(world, proposal=made))
            for index in range(len(world.coops)):
                pledge(world, campaign, index, hours=5, commit=False)
            pledge(world, campaign, 0, hours=6, commit=False)
        db.session.commit()
        return {"campaigns": "/campaigns/"}

    worlds = _two_networks(campaigns_of)
    counts = {size: _counts(app, email, urls)["campaigns"] for size, (email, urls) in worlds.items()}
    assert counts[SMALL] == counts[LARGE], f"statements at {SMALL} and at {LARGE} co-ops: {counts}"


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


# Six is the least with full second pages and a proxy to find by name, so both sizes read the same pages.
ELECTORATES = (6, 30)


@pytest.fixture
def short_lists(monkeypatch):
    """Pages of two co-ops (and at most two names, two reasons, a select of two), so that both electorates
    run past every one of them, as one of a thousand runs past the real ones."""
    monkeypatch.setattr(results, "ELECTORATE_PER_PAGE", 2)
    monkeypatch.setattr(results, "REASONS_PER_PAGE", 2)
    monkeypatch.setattr(results, "PROXY_CHOICES_SHOWN", 2)
    monkeypatch.setattr(steward, "STILL_TO_VOTE_SHOWN", 1)


def vote_pages_of(world: factories.World) -> dict[str, str]:
    """An open vote with live tallies, a proxy (held by the last co-op, on neither of the pages read) and
    ballots with reasons from all but the first two co-ops, and a closed one that all but the first co-op
    voted in: their vote and result pages."""
    coops, delegates = world.coops, world.delegates
    live = open_vote(
        world,
        commit=False,
        proposal=proposal(world, title="Adopt it", discuss=True, commit=False),
        results_shown="live",
    )
    voting.name_proxy(live, actor=delegates[1], coop=coops[1], proxy=coops[-1])
    for coop, delegate in list(zip(coops, delegates, strict=True))[2:]:
        voting.cast_ballot(live, actor=delegate, coop=coop, choice="yes", reason=f"{coop.name} is in")
    past = utcnow() - timedelta(days=2)
    closed = open_vote(
        world,
        commit=False,
        proposal=proposal(world, title="Share it", discuss=True, commit=False),
        now=past,
        lasts=timedelta(days=1),
    )
    for coop, delegate in list(zip(coops, delegates, strict=True))[1:]:
        voting.cast_ballot(
            closed, actor=delegate, coop=coop, choice="no", reason="Not yet", now=past + timedelta(hours=1)
        )
    voting.close_vote(closed, now=closed.closes_at + timedelta(seconds=1))
    db.session.commit()
    return {
        "vote": f"/votes/{live.id}",
        "vote, its second page of co-ops": f"/votes/{live.id}?electors=2",
        "vote, finding a proxy": f"/votes/{live.id}?proxy_for={coops[0].id}&find=co-op",
        "live result": f"/votes/{live.id}/result",
        "closed vote": f"/votes/{closed.id}",
        "result": f"/votes/{closed.id}/result",
        "result, its second page of reasons": f"/votes/{closed.id}/result?reasons=2",
    }


def _reads(app, email: str, urls: dict[str, str]) -> dict[str, tuple[int, int]]:
    client = app.test_client()
    assert client.post("/sign-in", data={"email": email, "password": factories.PASSWORD}).status_code == 302
    for url in urls.values():
        client.get(url)
    return {page: reads(client, url) for page, url in urls.items()}


def _two_electorates(pages) -> dict[int, tuple[dict[str, str], dict[str, str]]]:
    """Per electorate size, who reads (the first co-op's delegate and the steward) and the pages."""
    admin = factories.person("Ada Admin", superuser=True)
    worlds = {size: network_of(admin, size, f"Electorate{size}") for size in ELECTORATES}
    db.session.commit()
    return {
        size: ({"delegate": world.delegates[0].email, "steward": world.steward.email}, pages(world))
        for size, world in worlds.items()
    }


def _grows(worlds, app) -> dict[str, tuple]:
    counts = {
        (size, who): _reads(app, email, urls)
        for size, (people, urls) in worlds.items()
        for who, email in people.items()
    }
    small, large = ELECTORATES
    return {
        f"{page} as {who}": (counts[small, who][page], counts[large, who][page])
        for who in ("delegate", "steward")
        for page in counts[small, who]
        if counts[small, who][page] != counts[large, who][page]
    }


@pytest.mark.usefixtures("short_lists")
def test_the_vote_and_result_pages_read_as_much_for_30_electors_as_for_3(app, ctx):
    """The same statements, and the same rows loaded, whatever the electorate's size: a page reads a page
    of its co-ops, a count of the rest, and the reader's own rows, never the whole electorate."""
    worlds = _two_electorates(vote_pages_of)
    grows = _grows(worlds, app)
    assert not grows, (
        f"(statements, rows loaded) at {ELECTORATES[0]} and at {ELECTORATES[1]} electors: {grows}"
    )


@pytest.mark.usefixtures("short_lists")
def test_the_count_catches_a_vote_page_that_loads_its_electorate(app, ctx, monkeypatch):
    """The check can fail: a vote page that loads every elector, in one query, is caught by its rows."""
    from voting import views

    original = views.render_template

    def every_elector(template, **context):
        if template == "voting/show.html":
            assert len(context["vote"].electors) in ELECTORATES  # one statement, a row per co-op
        return original(template, **context)

    monkeypatch.setattr(views, "render_template", every_elector)
    worlds = _two_electorates(lambda world: dict(list(vote_pages_of(world).items())[:1]))
    grows = _grows(worlds, app)
    (small, large) = grows["vote as delegate"]
    assert small[0] == large[0] and large[1] - small[1] >= 2 * (ELECTORATES[1] - ELECTORATES[0])
