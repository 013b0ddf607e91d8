"""Terms drawn from what a committed campaign fixed (plain objects standing in for its rows)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace as Row

from governance.agreements.drawing import terms_from_campaign
from proposals.models import Kind


def _campaign():
    def coop(i, name, country):
        return Row(id=i, name=name, country=country, delegates=[Row(name=f"{name} Delegate")])

    contributions = [
        Row(
            coop=coop(2, "Mill Digital", "GB"),
            currency="GBP",
            money_minor=25_000,
            base_minor=25_000,
            rate_text="1",
            hours=10,
            seats=["ops"],
            note="",
        ),
        Row(
            coop=coop(1, "Bay Commons", "US"),
            currency="USD",
            money_minor=30_000,
            base_minor=23_700,
            rate_text="0.79",
            hours=5,
            seats=[],
            note="Only if 3 co-ops are in",
        ),
    ]
    proposal = Row(
        id=9,
        title="Host the service",
        summary="Together.",
        kind=Kind.SHARED_SERVICE,
        current_revision=Row(number=4),
        vote=Row(
            method="yes_no",
            result={
                "sentence": "Passed: 5 yes, 1 no.",
                "options": {"yes": "Yes", "no": "No"},
                "counts": {"yes": 5, "no": 1},
            },
            closed_at=datetime(2026, 11, 1, 17, tzinfo=UTC),
            closes_at=datetime(2026, 11, 1, 17, tzinfo=UTC),
        ),
    )
    return Row(
        id=3,
        proposal=proposal,
        base_currency="GBP",
        contributions=contributions,
        target_money_minor=40_000,
        target_hours=15,
        target_seats={"ops": 1},
        min_coops=2,
        deadline_at=datetime(2026, 11, 20, 17, tzinfo=UTC),
        rates=[Row(currency="USD", rate_text="0.79"), Row(currency="GBP", rate_text="1")],
        term_months=24,
        notice_days=60,
        committed_at=datetime(2026, 11, 20, 17, tzinfo=UTC),
    )


def test_terms_carry_each_party_s_fixed_contribution_in_its_currency_and_the_base():
    terms = terms_from_campaign(_campaign())
    assert [p.name for p in terms.parties] == ["Bay Commons", "Mill Digital"]
    bay = terms.parties[0].contribution
    assert (bay.money_minor, bay.currency, bay.base_minor, bay.rate) == (30_000, "USD", 23_700, "0.79")
    assert bay.condition == "Only if 3 co-ops are in"
    assert terms.parties[1].contribution.seats == 1 and "ops" in terms.parties[1].contribution.schedule
    assert terms.totals.base_minor == 48_700


def test_terms_carry_the_revision_the_vote_and_the_campaign_s_targets_and_term():
    terms = terms_from_campaign(_campaign())
    assert (terms.proposal_id, terms.revision, terms.campaign_id) == (9, 4, 3)
    assert terms.vote.sentence == "Passed: 5 yes, 1 no." and terms.vote.figures == (("Yes", "5"), ("No", "1"))
    assert terms.targets.rates == (("USD", "0.79"),) and terms.targets.seats == 1
    assert (terms.term_months, terms.notice_days, terms.starts_on) == (24, 60, "2026-11-20")
