"""Demo agreements (idempotent; runs after the votes demo): a completed past story, and signatures.

- A joint venture for a shared learning strand (pledges need a shared service or joint venture, so the
  learning strand is run as a joint venture of three co-ops): discussed, voted and passed five weeks ago,
  pledged and committed four weeks ago, its agreement drawn by the campaign's hook, and signed by every
  party's delegate over the following days. The issue itself runs as the usual task once the demo
  command commits (in-process without Redis), so a newcomer finds an issued, sealed agreement and
  `/verify` has one to check.
- Any other agreement still open for signatures that a demo campaign drew in the past is signed too.
Everything goes through the services, with past times (`now=`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from governance.agreements import service
from governance.agreements.models import Agreement, VersionState
from governance.extensions import db
from governance.models import person_by_email
from governance.types import utcnow
from proposals import service as proposals_service
from proposals.lifecycle import Transition
from proposals.models import Kind, Proposal

TITLE = "A shared learning strand: co-operative apprenticeships in web operations"
PARTIES = {
    "Thames Code Co-op": ("GBP", "300.00", 10, ["mentor"]),
    "Hudson Tech Collective": ("USD", "380.00", 8, []),
    "Cooperativa Río Software": ("ARS", "385000", 12, ["curriculum"]),
}
RATES = {"USD": "1.27", "ARS": "1284.5"}


def load(world) -> None:
    if _proposal(TITLE) is None:
        _learning_story(world, utcnow().replace(microsecond=0))
    for agreement in db.session.scalars(select(Agreement).order_by(Agreement.id)):
        if agreement.current.state == VersionState.SIGNING:
            _sign_all(agreement)


def _proposal(title: str) -> Proposal | None:
    return db.session.scalar(select(Proposal).where(Proposal.title == title))


def _delegate(world, coop_name: str):
    return person_by_email(f"delegate@{world.coops[coop_name].slug}.example")


def _learning_story(world, now) -> None:
    from proposals.pledging import service as pledging
    from voting import service as voting
    from voting.counting import Method

    proposal = proposals_service.create_proposal(
        actor=world.steward,
        networks=[world.networks["Patio"]],
        kind=Kind.JOINT_VENTURE,
        title=TITLE,
        summary="Three co-ops run a year of apprenticeships in web operations together, one cohort a term.",
        body="Each co-op takes apprentices in turn; mentors and the curriculum are shared. The strand is "
        "paid for by the parties' monthly contributions and run by a steering group of their delegates.",
        facts={
            "monthly_revenue_minor": 0,
            "monthly_costs_minor": 90_000,
            "currency": "GBP",
            "hours_per_month": 30,
            "seats": 2,
            "term_months": 12,
        },
    )
    proposals_service.apply_transition(proposal, Transition.OPEN_DISCUSSION, actor=world.steward)
    opened = now - timedelta(days=35)
    vote = voting.open_vote(
        proposal,
        actor=world.steward,
        now=opened,
        settings=voting.VoteSettings(
            method=Method.CONSENT,
            opens_at=opened,
            closes_at=opened + timedelta(days=5),
            time_zone="Europe/London",
        ),
    )
    for name in PARTIES:
        voting.cast_ballot(
            vote,
            actor=_delegate(world, name),
            coop=world.coops[name],
            choice="agree",
            now=opened + timedelta(days=1),
        )
    voting.close_vote(vote, now=vote.closes_at)
    pledged = vote.closes_at + timedelta(hours=2)
    campaign = pledging.open_campaign(
        proposal,
        actor=world.steward,
        now=pledged,
        settings=pledging.CampaignSettings(
            base_currency="GBP",
            rates=[pledging.RateIn(c, r, pledged.date().isoformat(), "Demo rates") for c, r in RATES.items()],
            target_money="850.00",
            target_hours=30,
            seats={"mentor": 1, "curriculum": 1},
            min_coops=3,
            term_months=12,
            notice_days=60,
            deadline_at=pledged + timedelta(days=14),
            time_zone="Europe/London",
        ),
    )
    for day, (name, (currency, money, hours, seats)) in enumerate(PARTIES.items(), start=1):
        pledging.make_pledge(
            campaign,
            actor=_delegate(world, name),
            coop=world.coops[name],
            pledge=pledging.PledgeIn(currency=currency, money=money, hours=hours, seats=seats),
            now=pledged + timedelta(days=day),
        )
    pledging.commit_early(campaign, actor=world.steward, now=pledged + timedelta(days=5))


def _sign_all(agreement: Agreement) -> None:
    version = agreement.current
    start = agreement.created_at
    for hours, coop in enumerate(version.unsigned_coops, start=1):
        if not coop.delegates:
            continue
        delegate = coop.delegates[0]
        service.sign_agreement(
            version,
            actor=delegate,
            coop=coop,
            typed_name=delegate.name,
            consent=True,
            ip_address="192.0.2.10",
            user_agent="Roundtable demo",
            now=min(start + timedelta(hours=20 * hours), utcnow()),
        )
