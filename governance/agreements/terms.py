"""The terms of a joint pledge agreement, as plain data (no Flask, no SQLAlchemy).

`Terms` is what the templates render and what `agreement.json` carries: the parties and each one's
contribution, the vote that decided it, the campaign's targets, the term, notice and governance. It is
built from a committed campaign by `governance.agreements.service`, stored as JSON on the agreement's
version, and read back with `Terms.from_dict`. Money is in integer minor units, never float.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from governance.texts import N_, _

FORMAT = "roundtable.agreement/1"
# Stored in English (the terms are a record); a PDF prints it in its reader's language.
DEFAULT_SCHEDULE = N_("Monthly, from the start of the term.")


def canonical_json(value: Any) -> bytes:
    """Sorted, compact UTF-8 JSON: the same data always gives the same bytes (and the same SHA-256)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Contribution:
    """What one party gives each month: money in its own currency (and in the base currency at the
    campaign's fixed rate), hours of capacity and seats, on a schedule."""

    money_minor: int = 0
    currency: str = "GBP"
    base_minor: int = 0
    base_currency: str = "GBP"
    rate: str = "1"  # one unit of `currency` in `base_currency`, as a decimal string
    hours: int = 0
    seats: int = 0
    schedule: str = DEFAULT_SCHEDULE
    condition: str = ""

    def __post_init__(self) -> None:
        for name in ("money_minor", "base_minor", "hours", "seats"):
            if getattr(self, name) < 0:
                raise ValueError(f"a contribution's {name} cannot be negative")
        Decimal(self.rate)  # a rate must be a number


@dataclass(frozen=True)
class Party:
    coop_id: int
    name: str
    country: str
    delegates: tuple[str, ...]
    contribution: Contribution

    @property
    def delegate(self) -> str:
        return ", ".join(self.delegates) or "(no delegate named)"


@dataclass(frozen=True)
class VoteRecord:
    """The vote that decided the proposal: its method, the sentence of its result and its figures."""

    method: str = ""
    sentence: str = ""
    closed_at: str = ""  # ISO 8601, UTC
    figures: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Targets:
    """The campaign's targets, in its base currency."""

    base_currency: str = "GBP"
    money_minor: int = 0
    hours: int = 0
    seats: int = 0
    min_coops: int = 0
    deadline: str = ""  # ISO 8601, UTC
    rates: tuple[tuple[str, str], ...] = ()  # (currency, rate to the base), fixed when the campaign opened


@dataclass(frozen=True)
class Terms:
    title: str
    proposal_id: int
    proposal_title: str
    revision: int
    kind: str
    parties: tuple[Party, ...]
    vote: VoteRecord = field(default_factory=VoteRecord)
    targets: Targets = field(default_factory=Targets)
    campaign_id: int | None = None
    term_months: int = 12
    starts_on: str = ""  # ISO date
    notice_days: int = 30
    withdrawal: str = ""
    governance: str = ""
    summary: str = ""

    def __post_init__(self) -> None:
        if not self.parties:
            raise ValueError("an agreement needs at least one party")
        ids = [p.coop_id for p in self.parties]
        if len(set(ids)) != len(ids):
            raise ValueError("a co-op is a party to an agreement once")

    def party(self, coop_id: int) -> Party | None:
        return next((p for p in self.parties if p.coop_id == coop_id), None)

    @property
    def totals(self) -> Contribution:
        """Every party's contribution added up, in the base currency."""
        base = self.targets.base_currency
        return Contribution(
            money_minor=sum(p.contribution.base_minor for p in self.parties),
            currency=base,
            base_minor=sum(p.contribution.base_minor for p in self.parties),
            base_currency=base,
            hours=sum(p.contribution.hours for p in self.parties),
            seats=sum(p.contribution.seats for p in self.parties),
        )

    def to_dict(self) -> dict[str, Any]:
        return json.loads(canonical_json(asdict(self)))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Terms:
        data = dict(data)
        data["parties"] = tuple(
            Party(
                coop_id=p["coop_id"],
                name=p["name"],
                country=p["country"],
                delegates=tuple(p.get("delegates") or ()),
                contribution=Contribution(**p["contribution"]),
            )
            for p in data["parties"]
        )
        vote = dict(data.get("vote") or {})
        vote["figures"] = tuple(tuple(f) for f in vote.get("figures") or ())
        data["vote"] = VoteRecord(**vote)
        targets = dict(data.get("targets") or {})
        targets["rates"] = tuple(tuple(r) for r in targets.get("rates") or ())
        data["targets"] = Targets(**targets)
        return cls(**data)

    def sha256(self) -> str:
        return sha256_hex(canonical_json(self.to_dict()))


@dataclass(frozen=True)
class SignatureRecord:
    coop_id: int
    coop: str
    signer: str  # the full name the delegate typed
    account: str  # the account's name and email
    signed_at: str  # ISO 8601, UTC
    consent: str  # the exact text consented to


@dataclass(frozen=True)
class AuditHead:
    seq: int
    hash: str


def issued_data(
    *,
    instance: str,
    agreement_id: int,
    version: int,
    terms: Terms,
    signatures: list[SignatureRecord],
    audit_head: AuditHead | None,
    previous_sha256: str | None,
    issued_at: str,
    verify_url: str,
) -> dict[str, Any]:
    """What `agreement.json` holds in an issued agreement; its SHA-256 is printed on the last page."""
    return json.loads(
        canonical_json(
            {
                "format": FORMAT,
                "instance": instance,
                "agreement": agreement_id,
                "version": version,
                "issued_at": issued_at,
                "terms": terms.to_dict(),
                "signatures": [asdict(s) for s in signatures],
                "audit_head": asdict(audit_head) if audit_head else None,
                "previous_version_sha256": previous_sha256,
                "verify_url": verify_url,
            }
        )
    )


def consent_text(*, coop: str, title: str, version: int, terms_sha256: str) -> str:
    """The exact sentence a delegate consents to by ticking the box, in the language they read it in;
    stored with the signature."""
    return _(
        "I sign the joint pledge agreement “%(title)s”, version %(version)s (terms SHA-256 %(sha256)s), "
        "on behalf of %(coop)s, and confirm that I am authorised to bind %(coop)s to it.",
        title=title,
        version=version,
        sha256=terms_sha256,
        coop=coop,
    )
