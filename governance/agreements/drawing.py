"""Drawing the agreement from a committed campaign: `proposals.pledging.service.committed_hooks` calls
`on_campaign_committed` in the campaign's own transaction, so the commit and the agreement stand or fall
together.

`terms_from_campaign` reads what the campaign fixed at its commit (its contributions, rates, targets,
term and notice), the proposal's revision and its vote's result, into plain `Terms`.
"""

from __future__ import annotations

from typing import Any

from governance.agreements.terms import DEFAULT_SCHEDULE, Contribution, Party, Targets, Terms, VoteRecord

DEFAULT_NOTICE_DAYS = 30


def _vote_record(proposal) -> VoteRecord:
    vote = getattr(proposal, "vote", None)
    result: dict[str, Any] = (getattr(vote, "result", None) or {}) if vote is not None else {}
    if not result:
        return VoteRecord()
    labels = result.get("options") or {}
    figures = tuple(
        (str(labels.get(key, key)), str(count)) for key, count in (result.get("counts") or {}).items()
    )
    from voting.models import METHOD_LABELS

    return VoteRecord(
        method=METHOD_LABELS.get(vote.method, str(vote.method)),
        sentence=str(result.get("sentence") or ""),
        closed_at=(vote.closed_at or vote.closes_at).isoformat(),
        figures=figures,
    )


def _party(contribution, base_currency: str) -> Party:
    coop = contribution.coop
    seats = contribution.seats or []
    note = contribution.note or ""
    return Party(
        coop_id=coop.id,
        name=coop.name,
        country=coop.country,
        delegates=tuple(p.name for p in coop.delegates),
        contribution=Contribution(
            money_minor=contribution.money_minor,
            currency=contribution.currency,
            base_minor=contribution.base_minor,
            base_currency=base_currency,
            rate=contribution.rate_text or "1",
            hours=contribution.hours or 0,
            seats=len(seats) if isinstance(seats, list | tuple) else int(seats),
            schedule=DEFAULT_SCHEDULE
            + (f" Seats: {', '.join(map(str, seats))}." if isinstance(seats, list | tuple) and seats else ""),
            condition=note,
        ),
    )


def terms_from_campaign(campaign) -> Terms:
    proposal = campaign.proposal
    revision = proposal.current_revision
    base = campaign.base_currency
    seats = campaign.target_seats or {}
    committed = campaign.committed_at
    return Terms(
        title=proposal.title,
        proposal_id=proposal.id,
        proposal_title=proposal.title,
        revision=revision.number if revision else 1,
        kind=proposal.kind.label,
        summary=proposal.summary,
        parties=tuple(
            _party(c, base) for c in sorted(campaign.contributions, key=lambda c: c.coop.name.casefold())
        ),
        vote=_vote_record(proposal),
        targets=Targets(
            base_currency=base,
            money_minor=campaign.target_money_minor or 0,
            hours=campaign.target_hours or 0,
            seats=sum(seats.values()) if isinstance(seats, dict) else int(seats or 0),
            min_coops=campaign.min_coops or 0,
            deadline=campaign.deadline_at.isoformat(),
            rates=tuple((r.currency, r.rate_text) for r in campaign.rates if r.currency != base),
        ),
        campaign_id=campaign.id,
        term_months=campaign.term_months,
        starts_on=committed.date().isoformat() if committed else "",
        notice_days=campaign.notice_days or DEFAULT_NOTICE_DAYS,
    )


def on_campaign_committed(campaign) -> None:
    """The hook: draw the agreement (committed → agreement) in the campaign's transaction."""
    from governance.agreements.service import draw_agreement

    draw_agreement(
        campaign.proposal, terms_from_campaign(campaign), campaign_id=campaign.id, now=campaign.committed_at
    )
