"""Agreements, their versions, one counterpart per party co-op, and the delegates' signatures.

A proposal has at most one agreement (`Proposal.agreement`); the agreement has numbered versions. The
current version is the last; an earlier one is superseded and never changes again. A version's PDFs
(the agreement for reading, each counterpart, the issued and sealed file) are stored with their
SHA-256; the issued file's hash is unique, so `/verify` finds a version from the file alone.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship
from sqlalchemy.types import JSON

from governance.agreements.terms import Terms
from governance.extensions import db
from governance.models import Coop, Person, enum_column
from governance.texts import N_, _
from governance.types import UTCDateTime, utcnow
from proposals.models import Proposal


class VersionState(enum.StrEnum):
    SIGNING = "signing"  # open for the parties' signatures
    ISSUING = "issuing"  # every party has signed; the final PDF is being made
    ISSUED = "issued"  # the sealed PDF/A-3 is stored
    SUPERSEDED = "superseded"  # a later version replaced it

    @property
    def label(self) -> str:
        return _(VERSION_STATE_LABELS[self.value])


class TaskState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return _(TASK_STATE_LABELS[self.value])


VERSION_STATE_LABELS = {
    "signing": N_("Open for signatures"),
    "issuing": N_("Signed by every party; being issued"),
    "issued": N_("Issued"),
    "superseded": N_("Superseded"),
}
TASK_STATE_LABELS = {
    "queued": N_("Waiting to be rendered"),
    "running": N_("Rendering"),
    "done": N_("Ready"),
    "failed": N_("Rendering failed; it will be tried again"),
}


class Agreement(db.Model):
    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="RESTRICT"), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(backref=backref("agreement", uselist=False))
    versions: Mapped[list[AgreementVersion]] = relationship(
        back_populates="agreement", order_by="AgreementVersion.number", cascade="all, delete-orphan"
    )

    @property
    def current(self) -> AgreementVersion:
        return self.versions[-1]

    @property
    def issued(self) -> AgreementVersion | None:
        """The latest issued version, if any."""
        return next((v for v in reversed(self.versions) if v.final_pdf is not None), None)

    def __repr__(self) -> str:
        return f"<Agreement {self.id} for proposal {self.proposal_id}>"


class AgreementVersion(db.Model):
    __tablename__ = "agreement_versions"
    __table_args__ = (UniqueConstraint("agreement_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    state: Mapped[VersionState] = mapped_column(
        enum_column(VersionState, "agreement_version_state"), default=VersionState.SIGNING
    )
    terms_data: Mapped[dict[str, Any]] = mapped_column(JSON)
    terms_sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Rendering the agreement for reading and the counterparts (a Huey task).
    draft_state: Mapped[TaskState] = mapped_column(
        enum_column(TaskState, "agreement_task_state"), default=TaskState.QUEUED
    )
    draft_attempts: Mapped[int] = mapped_column(default=0)
    draft_error: Mapped[str] = mapped_column(Text, default="")
    draft_pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Issuing: the final PDF/A-3, its embedded data and the seal (a Huey task once every party signed).
    issue_state: Mapped[TaskState | None] = mapped_column(enum_column(TaskState, "agreement_task_state"))
    issue_attempts: Mapped[int] = mapped_column(default=0)
    issue_error: Mapped[str] = mapped_column(Text, default="")
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    data_json: Mapped[str | None] = mapped_column(Text)
    data_sha256: Mapped[str | None] = mapped_column(String(64))
    audit_seq: Mapped[int | None]
    audit_hash: Mapped[str | None] = mapped_column(String(64))
    final_pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    final_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agreement: Mapped[Agreement] = relationship(back_populates="versions")
    created_by: Mapped[Person | None] = relationship()
    counterparts: Mapped[list[Counterpart]] = relationship(
        back_populates="version", order_by="Counterpart.id", cascade="all, delete-orphan"
    )
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="version", order_by="Signature.signed_at", cascade="all, delete-orphan"
    )

    @property
    def terms(self) -> Terms:
        return Terms.from_dict(self.terms_data)

    def signature_of(self, coop: Coop) -> Signature | None:
        return next((s for s in self.signatures if s.coop_id == coop.id), None)

    def counterpart_of(self, coop: Coop) -> Counterpart | None:
        return next((c for c in self.counterparts if c.coop_id == coop.id), None)

    @property
    def unsigned_coops(self) -> list[Coop]:
        signed = {s.coop_id for s in self.signatures}
        return [c.coop for c in self.counterparts if c.coop_id not in signed]

    @property
    def is_fully_signed(self) -> bool:
        return not self.unsigned_coops

    def __repr__(self) -> str:
        return f"<AgreementVersion {self.agreement_id}v{self.number} {self.state}>"


class Counterpart(db.Model):
    """One party co-op's copy of a version: the same agreement, addressed to that party."""

    __tablename__ = "agreement_counterparts"
    __table_args__ = (UniqueConstraint("version_id", "coop_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("agreement_versions.id", ondelete="CASCADE"), index=True
    )
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id", ondelete="RESTRICT"), index=True)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[str | None] = mapped_column(String(64))

    version: Mapped[AgreementVersion] = relationship(back_populates="counterparts")
    coop: Mapped[Coop] = relationship(lazy="joined")  # each party named on the agreement page

    def __repr__(self) -> str:
        return f"<Counterpart {self.version_id} for {self.coop_id}>"


class Signature(db.Model):
    """A delegate's signature for their co-op: typed name, the exact consent text, time, IP, user agent."""

    __tablename__ = "agreement_signatures"
    __table_args__ = (UniqueConstraint("version_id", "coop_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("agreement_versions.id", ondelete="CASCADE"), index=True
    )
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    typed_name: Mapped[str] = mapped_column(String(200))
    account_label: Mapped[str] = mapped_column(String(500))
    consent_text: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(500), default="")

    version: Mapped[AgreementVersion] = relationship(back_populates="signatures")
    coop: Mapped[Coop] = relationship(lazy="joined")  # each signing party named on the page
    person: Mapped[Person | None] = relationship()

    def __repr__(self) -> str:
        return f"<Signature {self.version_id} by {self.coop_id}>"
