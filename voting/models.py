"""Votes on proposals, their frozen electorates, the co-ops' ballots and proxies.

A ballot belongs to a co-op. A later ballot from the same co-op replaces the earlier one, which is kept
with `is_current = False`: the database holds at most one current ballot per co-op and vote (a partial
unique index), and a proxy is held by at most one co-op at a time (another).
"""

from __future__ import annotations

import enum
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import (
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
from proposals.models import Proposal, Revision
from voting.choices import answer_words
from voting.counting import (
    SIMPLE_MAJORITY,
    THREE_QUARTERS,
    TWO_THIRDS,
    Base,
    Method,
    Option,
    Quorum,
    QuorumBy,
    Rules,
    Threshold,
    TieKind,
    TieRule,
    YesNoChoice,
    YesNoTie,
)
from voting.counting.model import RANKED_METHODS
from voting.sentences import said

REASON_MAX = 1000  # a ballot's reason: a short paragraph
DECISION_METHODS = frozenset({Method.CONSENT, Method.YES_NO})
MULTI_SEAT_METHODS = frozenset({Method.STV, Method.MEEK, Method.APPROVAL, Method.SCORE})

# The words of these tables are marked for translation and translated where they are read, with `_()`:
# the English stays the key (other rooms read METHOD_LABELS too).
METHOD_LABELS = {
    Method.CONSENT: N_("Consent (agree, abstain, disagree or block; a block stops it)"),
    Method.YES_NO: N_("Yes or no, against a threshold"),
    Method.IRV: N_("Ranked choice, one winner (instant runoff)"),
    Method.STV: N_("Ranked choice, several seats (single transferable vote, Scottish rules)"),
    Method.MEEK: N_("Ranked choice, several seats (single transferable vote, Meek's method)"),
    Method.APPROVAL: N_("Approval (approve any number of options)"),
    Method.SCORE: N_("Score (give each option a score)"),
}

BASE_WORDS = {
    Base.CAST: N_("the votes cast"),
    Base.CAST_WITH_ABSTENTIONS: N_("the votes cast, abstentions included"),
    Base.ELECTORATE: N_("the whole electorate"),
}
OUTCOME_WORDS = {
    "passed": N_("passed"),
    "rejected": N_("rejected"),
    "blocked": N_("blocked"),
    "failed_quorum": N_("failed quorum"),
    "elected": N_("chosen"),
    "no_result": N_("no result"),
    "withdrawn": N_("withdrawn"),
}
YES_NO_TIE_WORDS = {
    YesNoTie.FAIL: N_("it fails"),
    YesNoTie.PASS: N_("it passes"),
    YesNoTie.CASTING: N_("a casting decision"),
}
SECRECY_LABELS = {
    "open": N_("Open: each co-op's ballot is shown after the close"),
    "secret": N_("Secret: who took part is shown, not how"),
}
RESULTS_SHOWN_LABELS = {
    "live": N_("Live, while the vote is open"),
    "after_close": N_("Only after the close"),
}
WEIGHTING_LABELS = {
    "equal": N_("One each"),
    "worker_members": N_("By worker-members"),
    "set_by_admin": N_("Set by an admin"),
}
THRESHOLD_NAMES = {
    "majority": N_("Simple majority"),
    "two_thirds": N_("Two thirds"),
    "three_quarters": N_("Three quarters"),
}
PROXY_END_LABELS = {
    "revoked": N_("revoked"),
    "voided": N_("ended when the co-op cast its own ballot"),
    "replaced": N_("replaced by another proxy"),
}


class Secrecy(enum.StrEnum):
    OPEN = "open"  # each co-op's ballot is shown after the close
    SECRET = "secret"  # who took part is shown, not how

    @property
    def label(self) -> str:
        return _(SECRECY_LABELS[self.value])


class ResultsShown(enum.StrEnum):
    LIVE = "live"
    AFTER_CLOSE = "after_close"

    @property
    def label(self) -> str:
        return _(RESULTS_SHOWN_LABELS[self.value])


class Weighting(enum.StrEnum):
    EQUAL = "equal"
    WORKER_MEMBERS = "worker_members"
    SET_BY_ADMIN = "set_by_admin"

    @property
    def label(self) -> str:
        return _(WEIGHTING_LABELS[self.value])


class ThresholdKind(enum.StrEnum):
    MAJORITY = "majority"
    TWO_THIRDS = "two_thirds"
    THREE_QUARTERS = "three_quarters"

    @property
    def threshold(self) -> Threshold:
        return {
            ThresholdKind.MAJORITY: SIMPLE_MAJORITY,
            ThresholdKind.TWO_THIRDS: TWO_THIRDS,
            ThresholdKind.THREE_QUARTERS: THREE_QUARTERS,
        }[self]

    @property
    def label(self) -> str:
        return _(
            "%(name)s (%(rule)s)", name=_(THRESHOLD_NAMES[self.value]), rule=said(self.threshold.describe())
        )


class ProxyEnd(enum.StrEnum):
    REVOKED = "revoked"  # the co-op took it back
    VOIDED = "voided"  # the co-op cast its ballot itself
    REPLACED = "replaced"  # the co-op named another proxy

    @property
    def label(self) -> str:
        return _(PROXY_END_LABELS[self.value])


class Vote(db.Model):
    """A vote on a proposal: how it is counted, when it is open, and, once closed, its stored result."""

    __tablename__ = "votes"
    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint("seats >= 1", name="at_least_one_seat"),
        CheckConstraint(
            "quorum_percent IS NULL OR (quorum_percent > 0 AND quorum_percent <= 100)",
            name="quorum_is_a_percentage",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), unique=True)
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_revisions.id", ondelete="SET NULL"))
    method: Mapped[Method] = mapped_column(enum_column(Method, "vote_method"))
    # [{"key": ..., "name": ...}] for a choice vote; empty for a decision.
    options: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    seats: Mapped[int] = mapped_column(default=1)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")  # the zone the steward entered times in
    quorum_percent: Mapped[int | None]
    quorum_by: Mapped[QuorumBy] = mapped_column(
        enum_column(QuorumBy, "vote_quorum_by"), default=QuorumBy.COUNT
    )
    threshold: Mapped[ThresholdKind] = mapped_column(
        enum_column(ThresholdKind, "vote_threshold"), default=ThresholdKind.MAJORITY
    )
    base: Mapped[Base] = mapped_column(enum_column(Base, "vote_base"), default=Base.CAST)
    secrecy: Mapped[Secrecy] = mapped_column(enum_column(Secrecy, "vote_secrecy"), default=Secrecy.OPEN)
    results_shown: Mapped[ResultsShown] = mapped_column(
        enum_column(ResultsShown, "vote_results_shown"), default=ResultsShown.AFTER_CLOSE
    )
    tie_kind: Mapped[TieKind] = mapped_column(
        enum_column(TieKind, "vote_tie_kind"), default=TieKind.EARLIER_ROUNDS_THEN_RANDOM
    )
    tie_seed: Mapped[str] = mapped_column(String(64))
    casting_order: Mapped[list[str]] = mapped_column(JSON, default=list)
    yes_no_tie: Mapped[YesNoTie | None] = mapped_column(enum_column(YesNoTie, "vote_yes_no_tie"))
    yes_no_casting: Mapped[YesNoChoice | None] = mapped_column(
        enum_column(YesNoChoice, "vote_yes_no_casting")
    )
    score_max: Mapped[int] = mapped_column(default=5)
    weighting: Mapped[Weighting] = mapped_column(
        enum_column(Weighting, "vote_weighting"), default=Weighting.EQUAL
    )
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set once, by the close: closed_at is the close time itself, counted_at when the count ran.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    counted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(32))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Each extension of the close: [{"from", "to", "reason", "by", "at"}], oldest first (also audited).
    extensions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last reminder a steward sent
    # What was decided and what happens next, written by a steward after the close.
    outcome_statement: Mapped[str | None] = mapped_column(Text)
    outcome_written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_written_by: Mapped[str | None] = mapped_column(
        String(200)
    )  # the steward's name (the log has who)

    proposal: Mapped[Proposal] = relationship(backref=backref("vote", uselist=False))
    revision: Mapped[Revision | None] = relationship()
    opened_by: Mapped[Person | None] = relationship()
    electors: Mapped[list[Elector]] = relationship(
        back_populates="vote", cascade="all, delete-orphan", order_by="Elector.id"
    )
    ballots: Mapped[list[Ballot]] = relationship(
        back_populates="vote", cascade="all, delete-orphan", order_by="Ballot.id"
    )
    proxies: Mapped[list[Proxy]] = relationship(
        back_populates="vote", cascade="all, delete-orphan", order_by="Proxy.id"
    )

    @property
    def is_decision(self) -> bool:
        return self.method in DECISION_METHODS

    @property
    def is_ranked(self) -> bool:
        return self.method in RANKED_METHODS

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_secret(self) -> bool:
        return self.secrecy == Secrecy.SECRET

    @property
    def method_label(self) -> str:
        return _(METHOD_LABELS[self.method])

    @property
    def option_list(self) -> list[Option]:
        return [Option(o["key"], o["name"]) for o in self.options]

    def option_name(self, key: str) -> str:
        return next((o["name"] for o in self.options if o["key"] == key), key)

    @property
    def current_ballots(self) -> list[Ballot]:
        return [b for b in self.ballots if b.is_current]

    @property
    def cast_count(self) -> int:
        """How many co-ops have a ballot in: counted by the database, unless the ballots are loaded."""
        if "ballots" not in inspect(self).unloaded:
            return len(self.current_ballots)
        counted = select(func.count(Ballot.id)).where(Ballot.vote_id == self.id, Ballot.is_current)
        return db.session.scalar(counted) or 0

    @property
    def elector_count(self) -> int:
        """How many co-ops the electorate has: counted by the database, unless it is loaded."""
        if "electors" not in inspect(self).unloaded:
            return len(self.electors)
        return db.session.scalar(select(func.count(Elector.id)).where(Elector.vote_id == self.id)) or 0

    def current_ballot(self, coop: Coop) -> Ballot | None:
        """The co-op's current ballot; one row read, unless the ballots are loaded already."""
        if "ballots" not in inspect(self).unloaded:
            return next((b for b in self.ballots if b.is_current and b.coop_id == coop.id), None)
        return db.session.scalar(
            select(Ballot).where(Ballot.vote_id == self.id, Ballot.coop_id == coop.id, Ballot.is_current)
        )

    def elector(self, coop: Coop) -> Elector | None:
        """The co-op's place in the electorate; one row read, unless the electorate is loaded already (a
        ballot needs one co-op's, not a thousand)."""
        if "electors" not in inspect(self).unloaded:
            return next((e for e in self.electors if e.coop_id == coop.id), None)
        # The electorate is frozen when the vote opens, so a row read once stands for the rest of the
        # request (a ballot asks twice: is the co-op an elector, and may this person cast for it).
        read = self.__dict__.setdefault("_electors_read", {})
        if coop.id not in read:
            read[coop.id] = db.session.scalar(
                select(Elector).where(Elector.vote_id == self.id, Elector.coop_id == coop.id)
            )
        return read[coop.id]

    def elector_coops(self, coop_ids) -> list[Coop]:
        """Those of these co-ops that are in the electorate, in its order: their rows read, not all of it."""
        coop_ids = list(coop_ids)
        if not coop_ids:
            return []
        query = (
            select(Coop)
            .join(Elector, Elector.coop_id == Coop.id)
            .where(Elector.vote_id == self.id, Elector.coop_id.in_(coop_ids))
            .order_by(Elector.id)
        )
        return list(db.session.scalars(query))

    def active_proxy(self, coop: Coop) -> Proxy | None:
        return next((p for p in self.proxies if p.is_active and p.coop_id == coop.id), None)

    @property
    def active_proxies(self) -> list[Proxy]:
        return [p for p in self.proxies if p.is_active]

    @property
    def electorate_weight(self) -> int:
        """The electorate's total weight: summed by the database, unless the electorate is loaded."""
        if "electors" not in inspect(self).unloaded:
            return sum(e.weight for e in self.electors)
        summed = select(func.sum(Elector.weight)).where(Elector.vote_id == self.id)
        return db.session.scalar(summed) or 0

    @property
    def seat_count(self) -> int:
        """The seats the count fills (instant runoff fills one, whatever was stored)."""
        return 1 if self.method == Method.IRV else self.seats

    @property
    def base_words(self) -> str:
        return _(BASE_WORDS[self.base])

    @property
    def outcome_words(self) -> str:
        """'passed', 'blocked', 'chosen' (a choice vote chooses; it does not pass)..."""
        if self.outcome in OUTCOME_WORDS:
            return _(OUTCOME_WORDS[self.outcome])
        return (self.outcome or "").replace("_", " ")

    @property
    def yes_no_tie_words(self) -> str:
        if self.yes_no_tie is None:
            return ""
        words = _(YES_NO_TIE_WORDS[self.yes_no_tie])
        if not self.yes_no_casting:
            return words
        return _("%(rule)s (%(answer)s)", rule=words, answer=answer_words(self.yes_no_casting.value))

    @property
    def tie_rule_words(self) -> str:
        """The tie rule as a sentence with the options' names (the counting engine's own text names keys)."""
        if self.tie_kind == TieKind.CASTING and self.casting_order:
            order = _(", then ").join(self.option_name(k) for k in self.casting_order)
            return _(
                "Earlier rounds' tallies first, then the casting order set when the vote opened: %(order)s.",
                order=order,
            )
        return _(
            "Earlier rounds' tallies first, then a draw anyone can repeat: the tied option whose SHA-256 of "
            "'%(seed)s:<key>' is smallest (seed '%(seed)s').",
            seed=self.tie_seed,
        )

    @property
    def tie_rule(self) -> TieRule:
        return TieRule(kind=self.tie_kind, seed=self.tie_seed, casting_order=tuple(self.casting_order))

    def rules(self) -> Rules:
        """The rules the counting engine applies, as fixed when the vote opened."""
        quorum = Quorum(Fraction(self.quorum_percent, 100), self.quorum_by) if self.quorum_percent else None
        return Rules(
            seats=self.seat_count,
            threshold=self.threshold.threshold,
            base=self.base,
            quorum=quorum,
            electorate_count=self.elector_count,
            electorate_weight=self.electorate_weight,
            tie_rule=self.tie_rule,
            yes_no_tie=self.yes_no_tie,
            yes_no_casting=self.yes_no_casting,
            score_max=self.score_max,
        )

    def __repr__(self) -> str:
        return f"<Vote {self.id} {self.method} on {self.proposal_id}>"


class Elector(db.Model):
    """A co-op of the electorate, frozen with its weight when the vote opened."""

    __tablename__ = "vote_electors"
    __table_args__ = (
        UniqueConstraint("vote_id", "coop_id"),
        CheckConstraint("weight > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id", ondelete="RESTRICT"), index=True)
    weight: Mapped[int] = mapped_column(default=1)

    vote: Mapped[Vote] = relationship(back_populates="electors")
    coop: Mapped[Coop] = relationship(lazy="joined")  # read with each elector: not a query per co-op

    def __repr__(self) -> str:
        return f"<Elector {self.coop_id} in vote {self.vote_id} weight {self.weight}>"


class Ballot(db.Model):
    """A co-op's ballot, cast by one of its delegates (or its proxy's); replaced ballots are kept."""

    __tablename__ = "ballots"
    __table_args__ = (
        Index(
            "uq_ballots_one_current_per_coop",
            "vote_id",
            "coop_id",
            unique=True,
            sqlite_where=text("is_current = 1"),
            postgresql_where=text("is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id", ondelete="RESTRICT"), index=True)
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    proxy_coop_id: Mapped[int | None] = mapped_column(ForeignKey("coops.id", ondelete="RESTRICT"))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_revisions.id", ondelete="SET NULL"))
    # The ballot's content in its canonical JSON form: a string, a list of keys, or key -> score.
    choice: Mapped[Any] = mapped_column(JSON)
    nonce: Mapped[str] = mapped_column(String(64))
    receipt: Mapped[str] = mapped_column(String(64), unique=True)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime)
    is_current: Mapped[bool] = mapped_column(default=True)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX))  # why the co-op answered so, if it says

    vote: Mapped[Vote] = relationship(back_populates="ballots")
    coop: Mapped[Coop] = relationship(foreign_keys=[coop_id], lazy="joined")  # named wherever shown
    proxy_coop: Mapped[Coop | None] = relationship(foreign_keys=[proxy_coop_id])
    cast_by: Mapped[Person | None] = relationship()
    revision: Mapped[Revision | None] = relationship()

    def __repr__(self) -> str:
        return f"<Ballot {self.id} of {self.coop_id} in vote {self.vote_id}{'' if self.is_current else ' replaced'}>"


class Proxy(db.Model):
    """Co-op `coop` lets co-op `proxy_coop` cast its ballot in one vote, until revoked, voided or replaced."""

    __tablename__ = "vote_proxies"
    __table_args__ = (
        CheckConstraint("coop_id <> proxy_coop_id", name="not_its_own_proxy"),
        Index(
            "uq_vote_proxies_one_active_per_coop",
            "vote_id",
            "coop_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id", ondelete="RESTRICT"), index=True)
    proxy_coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id", ondelete="RESTRICT"), index=True)
    named_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    named_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[ProxyEnd | None] = mapped_column(enum_column(ProxyEnd, "vote_proxy_end"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    vote: Mapped[Vote] = relationship(back_populates="proxies")
    coop: Mapped[Coop] = relationship(foreign_keys=[coop_id])
    proxy_coop: Mapped[Coop] = relationship(foreign_keys=[proxy_coop_id])
    named_by: Mapped[Person | None] = relationship(foreign_keys=[named_by_id])
    ended_by: Mapped[Person | None] = relationship(foreign_keys=[ended_by_id])

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    def __repr__(self) -> str:
        return f"<Proxy {self.coop_id}→{self.proxy_coop_id} in vote {self.vote_id}>"
