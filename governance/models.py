"""Networks, co-ops, people and the roles that tie them together."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.extensions import db
from governance.types import UTCDateTime, utcnow


class CoopRole(enum.StrEnum):
    MEMBER = "member"
    DELEGATE = "delegate"


class NetworkRoleKind(enum.StrEnum):
    STEWARD = "steward"
    ADMIN = "admin"


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column storing the values (not the names) as strings."""
    return Enum(
        enum_cls, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]
    )


class Network(db.Model):
    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[NetworkMembership]] = relationship(back_populates="network")
    roles: Mapped[list[NetworkRole]] = relationship(back_populates="network", cascade="all, delete-orphan")

    @property
    def coops(self) -> list[Coop]:
        return sorted((m.coop for m in self.memberships), key=lambda c: c.name.casefold())

    def people_with(self, kind: NetworkRoleKind) -> list[Person]:
        return sorted((r.person for r in self.roles if r.role == kind), key=lambda p: p.name.casefold())

    def __repr__(self) -> str:
        return f"<Network {self.slug}>"


class Coop(db.Model):
    __tablename__ = "coops"
    __table_args__ = (CheckConstraint("worker_members >= 0", name="worker_members_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(120), default="")
    time_zone: Mapped[str] = mapped_column(String(64))
    worker_members: Mapped[int] = mapped_column(default=0)
    website: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    network_memberships: Mapped[list[NetworkMembership]] = relationship(back_populates="coop")
    people: Mapped[list[CoopMembership]] = relationship(back_populates="coop")

    @property
    def networks(self) -> list[Network]:
        return sorted((m.network for m in self.network_memberships), key=lambda n: n.name.casefold())

    def people_with(self, role: CoopRole) -> list[Person]:
        return sorted((m.person for m in self.people if m.role == role), key=lambda p: p.name.casefold())

    @property
    def delegates(self) -> list[Person]:
        return self.people_with(CoopRole.DELEGATE)

    def __repr__(self) -> str:
        return f"<Coop {self.slug}>"


class Person(UserMixin, db.Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    # A Babel locale ('es_AR'): their language and how dates, numbers and money are written to them. '':
    # not chosen yet, so the browser's (and, on the first sign-in, the browser's is kept).
    locale: Mapped[str] = mapped_column(String(16), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_superuser: Mapped[bool] = mapped_column(default=False)
    # Part of every session's id (see get_id): raising it ends every session signed in before.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[CoopMembership]] = relationship(back_populates="person")
    network_roles: Mapped[list[NetworkRole]] = relationship(back_populates="person")

    __table_args__ = (Index("uq_people_email_lower", func.lower(email), unique=True),)

    # When the session of this request began (Unix seconds, never stored): set by governance.auth on
    # signing in, or read back from the session's id; 0 (never) is a session the loader refuses.
    signed_in_at = 0

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie (see governance.auth.sessions)."""
        from governance.auth.sessions import SessionId

        return str(SessionId(self.id, self.session_version, self.signed_in_at))

    @property
    def coops(self) -> list[Coop]:
        return sorted((m.coop for m in self.memberships), key=lambda c: c.name.casefold())

    def role_in(self, coop: Coop) -> CoopRole | None:
        return next((m.role for m in self.memberships if m.coop_id == coop.id), None)

    def is_delegate_of(self, coop: Coop) -> bool:
        return self.role_in(coop) == CoopRole.DELEGATE

    def has_network_role(self, network: Network, kind: NetworkRoleKind) -> bool:
        return any(r.network_id == network.id and r.role == kind for r in self.network_roles)

    @property
    def networks(self) -> list[Network]:
        """Networks the person belongs to, through a co-op or a network role."""
        found = {n.id: n for c in self.coops for n in c.networks}
        found.update({r.network.id: r.network for r in self.network_roles})
        return sorted(found.values(), key=lambda n: n.name.casefold())

    def __repr__(self) -> str:
        return f"<Person {self.email}>"


class CoopMembership(db.Model):
    """A person of a co-op, as a member or as one of its delegates."""

    __tablename__ = "coop_memberships"
    __table_args__ = (UniqueConstraint("person_id", "coop_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id", ondelete="CASCADE"), index=True)
    role: Mapped[CoopRole] = mapped_column(enum_column(CoopRole, "coop_role"), default=CoopRole.MEMBER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship(back_populates="memberships")
    coop: Mapped[Coop] = relationship(back_populates="people", lazy="joined")  # a person's co-ops: one query

    def __repr__(self) -> str:
        return f"<CoopMembership {self.person_id}@{self.coop_id} {self.role}>"


class NetworkMembership(db.Model):
    """A co-op admitted to a network."""

    __tablename__ = "network_memberships"
    __table_args__ = (UniqueConstraint("network_id", "coop_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id", ondelete="CASCADE"), index=True)
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Joined both ways: `Network.coops` (every addressed co-op of a proposal, a meeting) reads each
    # membership's co-op, and `Coop.networks` each membership's network, which would otherwise be a query
    # per row on every page that lists them.
    network: Mapped[Network] = relationship(back_populates="memberships", lazy="joined")
    coop: Mapped[Coop] = relationship(back_populates="network_memberships", lazy="joined")

    def __repr__(self) -> str:
        return f"<NetworkMembership {self.coop_id} in {self.network_id}>"


class NetworkRole(db.Model):
    """A steward or an admin of a network."""

    __tablename__ = "network_roles"
    __table_args__ = (UniqueConstraint("network_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[NetworkRoleKind] = mapped_column(enum_column(NetworkRoleKind, "network_role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Joined: `Person.networks` reads each role's network (on every page, for the navigation's count), a
    # query per role otherwise: forty for a steward of forty networks.
    network: Mapped[Network] = relationship(back_populates="roles", lazy="joined")
    person: Mapped[Person] = relationship(back_populates="network_roles")

    def __repr__(self) -> str:
        return f"<NetworkRole {self.person_id} {self.role} of {self.network_id}>"


class Invitation(db.Model):
    """A single-use, expiring link that lets a person join a co-op with a role."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    coop_id: Mapped[int] = mapped_column(ForeignKey("coops.id", ondelete="CASCADE"), index=True)
    role: Mapped[CoopRole] = mapped_column(enum_column(CoopRole, "coop_role"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # by an admin, or by a newer one
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    coop: Mapped[Coop] = relationship()
    invited_by: Mapped[Person | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None and self.expires_at > utcnow()

    def __repr__(self) -> str:
        return f"<Invitation {self.email} to {self.coop_id}>"


class AccessToken(db.Model):
    """A personal access token for the API; only its SHA-256 is stored."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<AccessToken {self.prefix}… of {self.person_id}>"


def person_by_email(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(func.lower(Person.email) == email.strip().lower()))
