"""A campaign that commits draws its agreement in the same transaction, from what the commit fixed."""

from __future__ import annotations

import pytest

from governance.agreements.models import TaskState, VersionState
from governance.extensions import db
from proposals.lifecycle import State
from proposals.pledging import service as pledging
from tests.agreements import factories
from tests.proposals.pledging.factories import open_campaign, pledge

pytestmark = pytest.mark.usefixtures("quick_render")


def _committed(world):
    campaign = open_campaign(world)
    pledge(world, campaign, 0, money="600", hours=40, seats=["host"])
    pledge(world, campaign, 1, currency="USD", money="508.00", hours=20)
    pledging.commit_early(campaign, actor=world.steward)
    db.session.commit()
    return campaign


def test_a_committed_campaign_draws_the_agreement_with_each_party_s_fixed_contribution(world):
    campaign = _committed(world)
    proposal = campaign.proposal
    agreement = proposal.agreement
    assert proposal.state == State.AGREEMENT and agreement.campaign_id == campaign.id
    version = agreement.current
    assert version.state == VersionState.SIGNING and version.draft_state == TaskState.DONE, (
        version.draft_error
    )
    terms = version.terms
    assert {
        p.coop_id: (p.contribution.currency, p.contribution.money_minor, p.contribution.base_minor)
        for p in terms.parties
    } == {
        world.coops[0].id: ("GBP", 60_000, 60_000),
        world.coops[1].id: ("USD", 50_800, 40_000),
    }
    assert (terms.term_months, terms.notice_days, terms.targets.money_minor) == (24, 90, 100_000)
    assert terms.vote.sentence and terms.revision == proposal.current_revision.number
    assert {c.coop_id for c in version.counterparts} == {world.coops[0].id, world.coops[1].id}


def test_the_parties_of_a_committed_campaign_sign_and_the_agreement_is_issued(world, credentials):
    from governance.agreements import verify

    campaign = _committed(world)
    agreement = campaign.proposal.agreement
    factories.sign_all(agreement, world)
    assert agreement.current.state == VersionState.ISSUED and campaign.proposal.state == State.SIGNED
    assert verify.verify(agreement.current.final_pdf, credentials).is_authentic
