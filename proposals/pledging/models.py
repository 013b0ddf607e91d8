"""Pledge campaigns, the co-ops' pledges (history kept), and, once a campaign commits, each party's
fixed contribution.

Money is integer minor units (ISO 4217 digits, from Babel). A campaign has one base currency; every
other currency it takes has a rate fixed at opening (`CampaignRate`: units of that currency for one unit
of the base, with its date and source). A pledge keeps its own currency's amount and, beside it, the
amount in the base currency at that fixed rate, rounded as `proposals.targets.ROUNDING_RULE` says.

The database holds at most one current pledge per co-op and campaign (a partial unique index), one
campaign per proposal, and one contribution per co-op and campaign.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship
from sqlalchemy.types import JSON

from governance.extensions import db
from governance.models import Coop, Person, enum_column
from governance.texts import N_, _
from governance.types import UTCDateTime, utcnow
from proposals import targets
from proposals.models import Proposal


class CampaignState(enum.StrEnum):
    OPEN = "open"
    COMMITTED = "committed"
    LAPSED = "lapsed"

    @property
    def label(self) -> str:
        return _(CAMPAIGN_STATE_LABELS[self])


CAMPAIGN_STATE_LABELS = {
    CampaignState.OPEN: N_("open for pledges"),
    CampaignState.COMMITTED: N_("committed"),
    CampaignState.LAPSED: N_("lapsed"),
}


class PledgeEnd(enum.StrEnum):
    REPLACED = "replaced"  # the co-op changed its pledge
    WITHDRAWN = "withdrawn"  # the co-op took it back


class Campaign(db.Model):
    """A proposal's pledge campaign: its currency and fixed rates, targets, deadline, term and outcome."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("target_money_minor IS NULL OR target_money_minor > 0", name="money_target_positive"),
        CheckConstraint("target_hours IS NULL OR target_hours > 0", name="hours_target_positive"),
        CheckConstraint("min_coops IS NULL OR min_coops > 0", name="min_coops_positive"),
        CheckConstraint("min_networks IS NULL OR min_networks > 0", name="min_networks_positive"),
        CheckConstraint("min_countries IS NULL OR min_countries > 0", name="min_countries_positive"),
        CheckConstraint("term_months > 0", name="term_positive"),
        CheckConstraint("notice_days >= 0", name="notice_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), unique=True)
    state: Mapped[CampaignState] = mapped_column(
        enum_column(CampaignState, "campaign_state"), default=CampaignState.OPEN, index=True
    )
    base_currency: Mapped[str] = mapped_column(String(3))
    # Targets, each optional: money a month in base minor units, hours a month, seat name -> co-ops needed.
    target_money_minor: Mapped[int | None] = mapped_column(BigInteger)
    target_hours: Mapped[int | None]
    target_seats: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    min_coops: Mapped[int | None]
    min_networks: Mapped[int | None]
    min_countries: Mapped[int | None]
    term_months: Mapped[int]
    notice_days: Mapped[int] = mapped_column(default=0)  # a party's notice before it withdraws
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")  # the zone the steward entered it in
    # Opened while the proposal's vote was open: every pledge is conditional on the vote passing.
    is_during_vote: Mapped[bool] = mapped_column(default=False)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # One extension, with its reason.
    first_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extended_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    extension_reason: Mapped[str] = mapped_column(String(1000), default="")
    # Set once, by the settlement.
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # totals and shortfalls at settlement

    proposal: Mapped[Proposal] = relationship(backref=backref("campaign", uselist=False))
    opened_by: Mapped[Person | None] = relationship(foreign_keys=[opened_by_id])
    extended_by: Mapped[Person | None] = relationship(foreign_keys=[extended_by_id])
    settled_by: Mapped[Person | None] = relationship(foreign_keys=[settled_by_id])
    rates: Mapped[list[CampaignRate]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="CampaignRate.currency"
    )
    pledges: Mapped[list[Pledge]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="Pledge.id"
    )
    contributions: Mapped[list[Contribution]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="Contribution.id"
    )

    @property
    def is_open(self) -> bool:
        return self.state == CampaignState.OPEN

    @property
    def is_committed(self) -> bool:
        return self.state == CampaignState.COMMITTED

    @property
    def is_extended(self) -> bool:
        return self.extended_at is not None

    @property
    def currencies(self) -> list[str]:
        """The currencies a co-op may pledge in: the base first."""
        return [self.base_currency, *(r.currency for r in self.rates)]

    def rate_for(self, currency: str) -> CampaignRate | None:
        return next((r for r in self.rates if r.currency == currency), None)

    @property
    def current_pledges(self) -> list[Pledge]:
        return [p for p in self.pledges if p.is_current]

    @property
    def current_pledge_count(self) -> int:
        """How many co-ops have a pledge standing: counted by the database, unless the pledges are loaded
        already (a campaign of a thousand co-ops keeps every replaced pledge too)."""
        if "pledges" not in inspect(self).unloaded:
            return len(self.current_pledges)
        counted = select(func.count()).where(Pledge.campaign_id == self.id, Pledge.is_current)
        return db.session.scalar(counted) or 0

    @property
    def contribution_count(self) -> int:
        """How many co-ops are bound: counted by the database, unless the contributions are loaded."""
        if "contributions" not in inspect(self).unloaded:
            return len(self.contributions)
        return db.session.scalar(select(func.count()).where(Contribution.campaign_id == self.id)) or 0

    def current_pledge(self, coop: Coop) -> Pledge | None:
        return next((p for p in self.pledges if p.is_current and p.coop_id == coop.id), None)

    @property
    def targets(self) -> targets.Targets:
        return targets.Targets(
            money=self.target_money_minor,
            hours=self.target_hours,
            seats=dict(self.target_seats or {}),
            min_coops=self.min_coops,
            min_networks=self.min_networks,
            min_countries=self.min_countries,
        )

    def __repr__(self) -> str:
        return f"<Campaign {self.id} on {self.proposal_id} {self.state}>"


class CampaignRate(db.Model):
    """A rate fixed when the campaign opened: `rate` units of `currency` for one unit of the base."""

    __tablename__ = "campaign_rates"
    __table_args__ = (UniqueConstraint("campaign_id", "currency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    # Kept as the decimal text the steward gave (exact on every database; no float anywhere).
    rate_text: Mapped[str] = mapped_column(String(40))
    as_of: Mapped[str] = mapped_column(String(10))  # the rate's date, ISO 8601 (YYYY-MM-DD)
    source: Mapped[str] = mapped_column(String(300))

    campaign: Mapped[Campaign] = relationship(back_populates="rates")

    @property
    def rate(self) -> Decimal:
        return Decimal(self.rate_text)

    def __repr__(self) -> str:
        return f"<CampaignRate 1 base = {self.rate_text} {self.currency}>"


class Pledge(db.Model):
    """A co-op's pledge. A change makes a new pledge and marks the earlier one replaced; a withdrawal
    marks the current one withdrawn. History is data: no pledge is overwritten."""

    __tablename__ = "pledges"
    __table_args__ = (
        Index(
            "uq_pledges_one_current_per_coop",
            "campaign_id",
            "coop_id",
            unique=True,
            sqlite_where=text("is_current = 1"),
            postgresql_where=text("is_current"),
        ),
        CheckConstraint("money_minor >= 0", name="money_not_negative"),
        CheckConstraint("base_minor >= 0", name="base_not_negative"),
        CheckConstraint("hours >= 0", name="hours_not_negative"),
        CheckConstraint("min_coops IS NULL OR min_coops > 0", name="condition_coops_positive"),
        CheckConstraint("min_money_minor IS NULL OR min_money_minor > 0", name="condition_money_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id", ondelete="RESTRICT"), index=True)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    currency: Mapped[str] = mapped_column(String(3))
    money_minor: Mapped[int] = mapped_column(BigInteger, default=0)  # a month, in `currency`
    base_minor: Mapped[int] = mapped_column(BigInteger, default=0)  # the same, in the base currency
    hours: Mapped[int] = mapped_column(default=0)  # a month
    seats: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(String(1000), default="")
    # The co-op's own condition, each optional: at least this many co-ops in; at least this much money
    # pledged in all (base minor units). Both counted over the standing pledges, this one included.
    min_coops: Mapped[int | None]
    min_money_minor: Mapped[int | None] = mapped_column(BigInteger)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_current: Mapped[bool] = mapped_column(default=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[PledgeEnd | None] = mapped_column(enum_column(PledgeEnd, "pledge_end"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    campaign: Mapped[Campaign] = relationship(back_populates="pledges")
    coop: Mapped[Coop] = relationship()
    made_by: Mapped[Person | None] = relationship(foreign_keys=[made_by_id])
    ended_by: Mapped[Person | None] = relationship(foreign_keys=[ended_by_id])

    @property
    def is_conditional(self) -> bool:
        return self.min_coops is not None or self.min_money_minor is not None

    def __repr__(self) -> str:
        state = "" if self.is_current else f" {self.end_reason}"
        return f"<Pledge {self.id} of {self.coop_id} to campaign {self.campaign_id}{state}>"


class Contribution(db.Model):
    """A party's contribution, fixed when the campaign committed: what the agreement binds it to.

    Copied from the co-op's standing pledge at the commit (and never changed afterwards): money a month
    in its own currency's minor units, the same in the base currency at the campaign's fixed rate (the
    rate, its date and source copied too), hours a month and the seats it takes.
    """

    __tablename__ = "campaign_contributions"
    __table_args__ = (
        UniqueConstraint("campaign_id", "coop_id"),
        CheckConstraint("money_minor >= 0", name="money_not_negative"),
        CheckConstraint("base_minor >= 0", name="base_not_negative"),
        CheckConstraint("hours >= 0", name="hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id", ondelete="RESTRICT"), index=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id", ondelete="RESTRICT"))
    currency: Mapped[str] = mapped_column(String(3))
    money_minor: Mapped[int] = mapped_column(BigInteger)
    base_minor: Mapped[int] = mapped_column(BigInteger)
    rate_text: Mapped[str] = mapped_column(String(40))  # "1" when the currency is the base
    rate_as_of: Mapped[str] = mapped_column(String(10), default="")
    rate_source: Mapped[str] = mapped_column(String(300), default="")
    hours: Mapped[int]
    seats: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    fixed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship(back_populates="contributions")
    coop: Mapped[Coop] = relationship()
    pledge: Mapped[Pledge] = relationship()

    @property
    def rate(self) -> Decimal:
        return Decimal(self.rate_text)

    def __repr__(self) -> str:
        return f"<Contribution of {self.coop_id} to campaign {self.campaign_id}>"
