"""Demo votes (idempotent; runs after proposals.demo): two closed, one open.

- a closed ranked vote on which co-op should host the shared service, decided over three rounds;
- a closed consent vote on a referral policy, stopped by a block;
- the seed's shared-service proposal, open for a yes/no vote, with some co-ops voted and a proxy.
The closed votes are opened, cast and closed through the service with past times (`now=`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from governance.extensions import db
from governance.models import person_by_email
from governance.types import utcnow
from proposals import demo as proposals_demo
from proposals import service as proposals_service
from proposals.lifecycle import State, Transition
from proposals.models import Kind, Proposal
from voting import service
from voting.counting import Method

HOST_TITLE = "Which co-op should host the shared service?"
HOST_OPTIONS = [
    "Thames Code Co-op",
    "Hudson Tech Collective",
    "Cooperativa Río Software",
    "Lakeshore Tech Co-op",
]
# Three rounds: Lakeshore is excluded, then Río; Thames wins with 5 of 8.
HOST_BALLOTS = {
    "Thames Code Co-op": ["thames-code-co-op", "lakeshore-tech-co-op"],
    "Mill Digital": ["thames-code-co-op", "hudson-tech-collective"],
    "Clyde Web Workers": ["thames-code-co-op"],
    "Hudson Tech Collective": ["hudson-tech-collective", "thames-code-co-op"],
    "Bay Commons Dev": ["hudson-tech-collective", "lakeshore-tech-co-op"],
    "Cooperativa Río Software": ["cooperativa-rio-software", "thames-code-co-op"],
    "Paraná Sistemas": ["cooperativa-rio-software", "thames-code-co-op", "hudson-tech-collective"],
    "Lakeshore Tech Co-op": ["lakeshore-tech-co-op", "hudson-tech-collective"],
}
POLICY_TITLE = "A shared referral policy for sub-contracting between member co-ops"
POLICY_BALLOTS = {"Thames Code Co-op": "agree", "Clyde Web Workers": "agree", "Mill Digital": "block"}
POLICY_REASONS = {
    "Mill Digital": "A fee on every invoice for a year would price small referrals out; we would consent to a "
    "one-off finder's fee.",
    "Clyde Web Workers": "Referrals are how we found most of our work; a fee makes it fair.",
}
OPEN_BALLOTS = {
    "Thames Code Co-op": "yes",
    "Hudson Tech Collective": "yes",
    "Clyde Web Workers": "abstain",
    "Mill Digital": "no",
}


def load(world) -> None:
    now = utcnow().replace(microsecond=0)
    if _proposal(HOST_TITLE) is None:
        _closed_host_vote(world, now)
    if _proposal(POLICY_TITLE) is None:
        _closed_policy_vote(world, now)
    seed = _proposal(proposals_demo.TITLE)
    if seed is not None and seed.state == State.DISCUSSION and seed.vote is None:
        _open_shared_service_vote(world, seed, now)


def _proposal(title: str) -> Proposal | None:
    return db.session.scalar(select(Proposal).where(Proposal.title == title))


def _delegate(world, coop_name: str):
    return person_by_email(f"delegate@{world.coops[coop_name].slug}.example")


def _discussed(world, *, title, kind, networks, summary, body, facts=None) -> Proposal:
    proposal = proposals_service.create_proposal(
        actor=world.steward,
        networks=[world.networks[n] for n in networks],
        kind=kind,
        title=title,
        summary=summary,
        body=body,
        facts=facts,
    )
    proposals_service.apply_transition(proposal, Transition.OPEN_DISCUSSION, actor=world.steward)
    return proposal


def _cast_all(world, vote, ballots: dict, at, reasons: dict | None = None) -> None:
    for coop_name, choice in ballots.items():
        service.cast_ballot(
            vote,
            actor=_delegate(world, coop_name),
            coop=world.coops[coop_name],
            choice=choice,
            reason=(reasons or {}).get(coop_name),
            now=at,
        )


def _closed_host_vote(world, now) -> None:
    proposal = _discussed(
        world,
        title=HOST_TITLE,
        kind=Kind.SHARED_SERVICE,
        networks=[n for n, _ in _all_networks()],
        summary="Before we commit, choose the co-op that would host the shared service and hold its contracts.",
        body="Rank the co-ops you would trust to host it. The host holds the customer contracts, runs the "
        "servers and coordinates the rota; the others give hours.",
        facts=proposals_demo.FACTS,
    )
    opened = now - timedelta(days=21)
    vote = service.open_vote(
        proposal,
        actor=world.steward,
        now=opened,
        settings=service.VoteSettings(
            method=Method.IRV,
            options=HOST_OPTIONS,
            opens_at=opened,
            closes_at=opened + timedelta(days=7),
            quorum_percent=50,
            time_zone="Europe/London",
        ),
    )
    service.name_proxy(
        vote,
        actor=_delegate(world, "Paraná Sistemas"),
        coop=world.coops["Paraná Sistemas"],
        proxy=world.coops["Cooperativa Río Software"],
        now=opened + timedelta(days=1),
    )
    ballots = dict(HOST_BALLOTS)
    parana = ballots.pop("Paraná Sistemas")
    _cast_all(world, vote, ballots, opened + timedelta(days=2))
    service.cast_ballot(
        vote,
        actor=_delegate(world, "Cooperativa Río Software"),
        coop=world.coops["Paraná Sistemas"],
        choice=parana,
        now=opened + timedelta(days=3),
    )
    service.close_vote(vote, now=vote.closes_at)


def _all_networks():
    from governance.demo import NETWORKS

    return NETWORKS


def _closed_policy_vote(world, now) -> None:
    proposal = _discussed(
        world,
        title=POLICY_TITLE,
        kind=Kind.POLICY,
        networks=["CoTech"],
        summary="When one co-op passes work to another, a referral fee of 5% for the first year.",
        body="A member co-op that refers a client to another pays nothing; the co-op that takes the work "
        "pays the referrer 5% of invoices for the first twelve months.",
    )
    opened = now - timedelta(days=10)
    vote = service.open_vote(
        proposal,
        actor=world.steward,
        now=opened,
        settings=service.VoteSettings(
            method=Method.CONSENT,
            opens_at=opened,
            closes_at=opened + timedelta(days=5),
            time_zone="Europe/London",
        ),
    )
    _cast_all(world, vote, POLICY_BALLOTS, opened + timedelta(days=1), POLICY_REASONS)
    service.close_vote(vote, now=vote.closes_at)


def _open_shared_service_vote(world, proposal: Proposal, now) -> None:
    vote = service.open_vote(
        proposal,
        actor=world.steward,
        now=now,
        settings=service.VoteSettings(
            method=Method.YES_NO,
            opens_at=now,
            closes_at=now + timedelta(days=7),
            threshold="two_thirds",
            quorum_percent=50,
            results_shown="live",
            time_zone="Europe/London",
        ),
    )
    service.name_proxy(
        vote,
        actor=_delegate(world, "Lakeshore Tech Co-op"),
        coop=world.coops["Lakeshore Tech Co-op"],
        proxy=world.coops["Hudson Tech Collective"],
        now=now,
    )
    _cast_all(world, vote, OPEN_BALLOTS, now)
