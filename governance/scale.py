"""A seeded large world for load tests: `flask --app wsgi demo --scale N` (N co-ops).

Proportional to N; at N=5000: 40 networks, 5,000 co-ops (each in about 8 networks, so a network holds about
1,000 and a vote on one has a 1,000-co-op electorate; one co-op in every 250 is in 20 networks), 50,000
people (2 delegates and 8 members a co-op), 2,000 proposals (a tenth drafts, the rest in discussion, with
comments, or voting), 200 open votes with their electorates and about half their ballots cast, and 100 pledge
campaigns opened during the vote, with pledges.

It is written with SQLAlchemy Core bulk inserts (lists of dicts), not through the services, which would
take hours at that size. Everything but the clock is drawn from `random.Random(seed)`: the same N and seed
give the same world (times are relative to when it is built: votes close 14 days on). The audit log is
kept whole: every row written has its event (the services' action names and data), chained in Python onto
the log's head (under the append lock on PostgreSQL), so `audit verify` passes. What the services do beside
recording, such as notifications and mail, is not done: nobody in this world is told anything.

It is built only into a database with no networks yet (a fresh one, migrated), so it never mixes with
the demo or real data.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from governance import audit
from governance.demo import ADMIN_EMAIL, DEMO_PASSWORD, STEWARD_EMAIL
from governance.extensions import db
from governance.markdown import render
from governance.models import (
    Coop,
    CoopMembership,
    CoopRole,
    Network,
    NetworkMembership,
    NetworkRole,
    NetworkRoleKind,
    Person,
)
from governance.security import hash_password

DEFAULT_SEED = 2026
PEOPLE_PER_COOP = 10  # 2 delegates and 8 members
DELEGATES_PER_COOP = 2
WIDE_EVERY = 250  # one co-op in this many is in 20 networks (or every network, when there are fewer)
WIDE_NETWORKS = 20
COMMENTS_PER_PROPOSAL = 3
CURRENCY = "EUR"
PLACES = [
    ("GB", "London", "Europe/London"),
    ("GB", "Glasgow", "Europe/London"),
    ("US", "New York", "America/New_York"),
    ("US", "Oakland", "America/Los_Angeles"),
    ("AR", "Buenos Aires", "America/Argentina/Buenos_Aires"),
    ("CA", "Toronto", "America/Toronto"),
    ("DE", "Berlin", "Europe/Berlin"),
    ("ES", "Barcelona", "Europe/Madrid"),
    ("KE", "Nairobi", "Africa/Nairobi"),
    ("IN", "Bengaluru", "Asia/Kolkata"),
    ("JP", "Tokyo", "Asia/Tokyo"),
    ("AU", "Melbourne", "Australia/Melbourne"),
]
SUMMARY = "A shared service the co-ops of {network} would run together, costed per co-op."
BODY = (
    "## What\n\nWe propose that the co-ops of the network share one **{kind}**, run by a rota of two "
    "co-ops a quarter.\n\n- a budget for the first year\n- who holds the keys\n- how a co-op leaves\n\n"
    "Questions in the discussion below, please."
)
COMMENT = "We would take part if the rota is fair; our capacity is *about ten hours a month*."


@dataclass(frozen=True)
class Shape:
    """How many of each thing a world of `coops` co-ops holds."""

    coops: int

    @property
    def networks(self) -> int:
        return max(2, round(self.coops / 125))

    @property
    def networks_per_coop(self) -> int:
        """Each co-op is in this many networks, so that a network holds about a fifth of the co-ops."""
        return max(1, round(self.networks / 5))

    @property
    def people(self) -> int:
        return self.coops * PEOPLE_PER_COOP

    @property
    def proposals(self) -> int:
        return max(4, self.coops * 2 // 5)

    @property
    def votes(self) -> int:
        return max(2, self.coops // 25)

    @property
    def campaigns(self) -> int:
        return max(1, self.votes // 2)


@dataclass
class Built:
    """What was built, for the command's summary and the tests."""

    shape: Shape
    counts: Counter = field(default_factory=Counter)
    wide_coop_slug: str = ""
    bench_vote_ids: list[int] = field(default_factory=list)
    bench_campaign_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"The scale world is built ({self.shape.coops} co-ops):"]
        lines += [f"  {name:<20} {count:>9,}" for name, count in self.counts.items()]
        lines += [
            f"Sign in (password for all: {DEMO_PASSWORD}) as {ADMIN_EMAIL}, {STEWARD_EMAIL}, or a co-op's",
            "  delegate@<co-op>.example, delegate2@..., member1@... to member8@...; "
            f"{self.wide_coop_slug} is in {self.counts['wide co-op networks']} networks.",
        ]
        return "\n".join(lines)


class Chain:
    """Audit events for rows written in bulk, hashed in order onto the log's head, inserted together."""

    def __init__(self, start: datetime) -> None:
        audit._lock_head()
        self.seq, self.prev = audit.head()
        self.at = start
        self.events: list[dict[str, Any]] = []
        self.networks: list[list[int]] = []

    def add(
        self,
        action: str,
        *,
        actor: tuple[int, str] | None,
        subject_type: str,
        subject_id: int | None,
        networks: list[int],
        data: dict[str, Any],
        summary: str = "",
    ) -> None:
        self.seq += 1
        self.at += timedelta(microseconds=1)
        fields = {
            "seq": self.seq,
            "at": self.at,
            "actor_id": actor[0] if actor else None,
            "actor_label": actor[1] if actor else "Roundtable (system)",
            "action": str(action),
            "subject_type": subject_type,
            "subject_id": subject_id,
            "data": json.loads(audit.canonical_json(data)),
            "summary": summary,
            "prev_hash": self.prev,
        }
        fields["hash"] = self.prev = hashlib.sha256(audit.canonical_event(fields, networks)).hexdigest()
        self.events.append(fields)
        self.networks.append(sorted(set(networks)))

    def advance(self, moment: datetime) -> None:
        """Later events happen from `moment` on (the log stays in time order)."""
        self.at = max(self.at, moment)

    def write(self) -> int:
        ids = _insert(audit.AuditEvent.__table__, self.events)
        links = [
            {"event_id": event_id, "network_id": n}
            for event_id, networks in zip(ids, self.networks, strict=True)
            for n in networks
        ]
        _insert(audit.audit_event_networks, links, returning=False)
        written = len(ids)
        self.events, self.networks = [], []
        return written


def _insert(table, rows: list[dict[str, Any]], *, returning: bool = True) -> list[int]:
    """Insert the rows in one executemany; their new ids, in the rows' order."""
    if not rows:
        return []
    if not returning:
        db.session.execute(insert(table), rows)
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def refuse_unless_empty() -> None:
    networks = db.session.scalar(select(func.count()).select_from(Network))
    if networks:
        raise ValueError(
            f"This database already has {networks} networks: the scale world is built only into a fresh "
            "one. Make an empty database (or remove the SQLite file), run `flask --app wsgi db upgrade`, "
            "then `flask --app wsgi demo --scale N` again."
        )


def build(
    coops: int,
    *,
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
    closes_in: timedelta = timedelta(days=14),
    pledging_for: timedelta = timedelta(days=7),
) -> Built:
    """Write the world of `coops` co-ops in the current transaction (the caller commits); its votes close
    `closes_in` after `now`, its campaigns' deadlines are `pledging_for` after that (bench/scale_out.py
    makes them minutes, to watch them close)."""
    if coops < 10:
        raise ValueError("Give at least 10 co-ops: smaller worlds have no votes worth measuring.")
    refuse_unless_empty()
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    world = _World(Shape(coops), random.Random(seed), now)  # noqa: S311 - made-up data, made repeatable
    world.closes_in, world.pledging_for = closes_in, pledging_for
    world.build()
    return world.built


class _World:
    def __init__(self, shape: Shape, rng: random.Random, now: datetime) -> None:
        self.shape, self.rng, self.now = shape, rng, now
        self.built = Built(shape)
        self.then = now - timedelta(days=30)  # when the networks, co-ops, people and proposals were made
        self.chain = Chain(self.then)
        self.password_hash = hash_password(DEMO_PASSWORD)  # one hash for everyone: argon2 is slow on purpose

    def build(self) -> None:
        self._instance_people()
        self._networks()
        self._coops()
        self._people()
        self._proposals()
        self._comments()
        self._votes()
        self._campaigns()
        self.built.counts["audit events"] = self.chain.write()

    # Who's who

    def _instance_people(self) -> None:
        rows = [
            self._person_row(ADMIN_EMAIL, "Ada Admin", "Europe/London", superuser=True),
            self._person_row(STEWARD_EMAIL, "Sam Steward", "Europe/London"),
        ]
        self.admin_id, self.steward_id = _insert(Person.__table__, rows)
        self.admin = (self.admin_id, f"Ada Admin <{ADMIN_EMAIL}>")
        self.steward = (self.steward_id, f"Sam Steward <{STEWARD_EMAIL}>")

    def _person_row(self, email: str, name: str, zone: str, *, superuser: bool = False) -> dict[str, Any]:
        return {
            "email": email,
            "name": name,
            "time_zone": zone,
            "password_hash": self.password_hash,
            "is_superuser": superuser,
            "created_at": self.then,
        }

    def _networks(self) -> None:
        count = self.shape.networks
        rows = [
            {
                "slug": f"scale-network-{n + 1:02d}",
                "name": f"Scale Network {n + 1:02d}",
                "description": f"Network {n + 1} of the scale world.",
                "created_at": self.then,
            }
            for n in range(count)
        ]
        self.network_ids = _insert(Network.__table__, rows)
        self.network_slugs = {i: r["slug"] for i, r in zip(self.network_ids, rows, strict=True)}
        roles = []
        for network_id, row in zip(self.network_ids, rows, strict=True):
            self.chain.add(
                "network.created",
                actor=self.admin,
                subject_type="networks",
                subject_id=network_id,
                networks=[network_id],
                data={"name": row["name"]},
            )
            for person, kind in (
                (self.admin, NetworkRoleKind.ADMIN),
                (self.steward, NetworkRoleKind.STEWARD),
            ):
                roles.append(
                    {"network_id": network_id, "person_id": person[0], "role": kind, "created_at": self.then}
                )
                email = person[1].split("<")[1].rstrip(">")
                self.chain.add(
                    "network.role_granted",
                    actor=self.admin,
                    subject_type="networks",
                    subject_id=network_id,
                    networks=[network_id],
                    data={"person": email, "role": kind.value},
                )
        _insert(NetworkRole.__table__, roles, returning=False)
        self.built.counts["networks"] = count

    def _coops(self) -> None:
        shape, rng = self.shape, self.rng
        rows, homes = [], []
        for i in range(shape.coops):
            country, city, zone = PLACES[i % len(PLACES)]
            rows.append(
                {
                    "slug": f"coop-{i + 1:05d}",
                    "name": f"Co-op {i + 1:05d} {city}",
                    "country": country,
                    "city": city,
                    "time_zone": zone,
                    "worker_members": rng.randint(3, 40),
                    "website": "",
                    "created_at": self.then,
                }
            )
            homes.append(self._networks_of(i))
        self.coop_ids = _insert(Coop.__table__, rows)
        self.coop_rows = dict(zip(self.coop_ids, rows, strict=True))
        self.coop_networks: dict[int, list[int]] = {}
        self.network_coops: dict[int, list[int]] = {n: [] for n in self.network_ids}
        memberships = []
        for coop_id, row, indexes in zip(self.coop_ids, rows, homes, strict=True):
            networks = [self.network_ids[k] for k in indexes]
            self.coop_networks[coop_id] = sorted(networks)
            data = {k: row[k] for k in ("name", "country", "time_zone", "worker_members")}
            self.chain.add(
                "coop.created",
                actor=self.admin,
                subject_type="coops",
                subject_id=coop_id,
                networks=networks[:1],
                data=data,
            )
            for network_id in networks:
                self.network_coops[network_id].append(coop_id)
                memberships.append({"network_id": network_id, "coop_id": coop_id, "admitted_at": self.then})
                self.chain.add(
                    "coop.admitted",
                    actor=self.admin,
                    subject_type="coops",
                    subject_id=coop_id,
                    networks=[network_id],
                    data={"network": self.network_slugs[network_id]},
                )
        _insert(NetworkMembership.__table__, memberships, returning=False)
        wide = self.coop_ids[0]
        self.built.wide_coop_slug = self.coop_rows[wide]["slug"]
        self.built.counts["co-ops"] = len(self.coop_ids)
        self.built.counts["network memberships"] = len(memberships)
        self.built.counts["wide co-op networks"] = len(self.coop_networks[wide])

    def _networks_of(self, i: int) -> list[int]:
        """A co-op's networks, by index: its home network first, then others drawn at random."""
        count, home = self.shape.networks, i % self.shape.networks
        wanted = min(count, WIDE_NETWORKS) if i % WIDE_EVERY == 0 else self.shape.networks_per_coop
        others = [k for k in range(count) if k != home]
        return [home, *self.rng.sample(others, wanted - 1)]

    def _people(self) -> None:
        rows, memberships = [], []
        for coop_id in self.coop_ids:
            coop = self.coop_rows[coop_id]
            for n in range(PEOPLE_PER_COOP):
                is_delegate = n < DELEGATES_PER_COOP
                local = ("delegate" if n == 0 else f"delegate{n + 1}") if is_delegate else f"member{n - 1}"
                role = CoopRole.DELEGATE if is_delegate else CoopRole.MEMBER
                email = f"{local}@{coop['slug']}.example"
                rows.append(
                    self._person_row(email, f"{coop['city']} {local.capitalize()}", coop["time_zone"])
                )
                memberships.append({"coop_id": coop_id, "role": role, "email": email})
        ids = _insert(Person.__table__, rows)
        self.delegates: dict[int, list[tuple[int, str]]] = {}
        member_rows = []
        for person_id, row, m in zip(ids, rows, memberships, strict=True):
            member_rows.append(
                {"person_id": person_id, "coop_id": m["coop_id"], "role": m["role"], "created_at": self.then}
            )
            if m["role"] == CoopRole.DELEGATE:
                self.delegates.setdefault(m["coop_id"], []).append(
                    (person_id, f"{row['name']} <{row['email']}>")
                )
            self.chain.add(
                "coop.member_added",
                actor=self.admin,
                subject_type="coops",
                subject_id=m["coop_id"],
                networks=self.coop_networks[m["coop_id"]],
                data={"person": m["email"], "role": m["role"].value},
            )
        _insert(CoopMembership.__table__, member_rows, returning=False)
        self.built.counts["people"] = len(ids) + 2
        self.built.counts["coop memberships"] = len(member_rows)

    # Proposals, votes, campaigns

    def _proposals(self) -> None:
        from proposals.models import Kind, Proposal, Revision, StateChange, proposal_networks

        kinds = [Kind.SHARED_SERVICE, Kind.LEARNING, Kind.POLICY, Kind.PARTNERSHIP]
        self.proposal_rows: list[dict[str, Any]] = []
        self.proposal_network: dict[int, int] = {}
        for p in range(self.shape.proposals):
            network_id = self.network_ids[p % len(self.network_ids)]
            kind = kinds[p % len(kinds)] if p >= self.shape.votes else Kind.POLICY
            state = "voting" if p < self.shape.votes else ("draft" if p % 10 == 9 else "discussion")
            summary = SUMMARY.format(network=self.network_slugs[network_id])
            body = BODY.format(kind=kind.label.lower())
            self.proposal_rows.append(
                {
                    "state": state,
                    "kind": kind,
                    "title": f"Proposal {p + 1:04d}: a shared {kind.label.lower()}",
                    "summary": summary,
                    "body": body,
                    "summary_html": str(render(summary)),
                    "body_html": str(render(body)),
                    "created_by_id": self.steward_id,
                    "created_at": self.then,
                    "updated_at": self.then,
                    "state_changed_at": self.then,
                    "_network": network_id,
                }
            )
        self.proposal_ids = _insert(Proposal.__table__, [_public(r) for r in self.proposal_rows])
        links, revisions, changes = [], [], []
        for proposal_id, row in zip(self.proposal_ids, self.proposal_rows, strict=True):
            row["id"] = proposal_id
            self.proposal_network[proposal_id] = row["_network"]
            links.append({"proposal_id": proposal_id, "network_id": row["_network"]})
            revision = {k: row[k] for k in ("kind", "title", "summary", "body", "summary_html", "body_html")}
            revisions.append(
                {
                    **revision,
                    "proposal_id": proposal_id,
                    "number": 1,
                    "facts": {},
                    "change_note": "First draft.",
                    "author_id": self.steward_id,
                    "created_at": self.then,
                }
            )
            self.chain.add(
                "proposal.created",
                actor=self.steward,
                subject_type="proposals",
                subject_id=proposal_id,
                networks=[row["_network"]],
                data={"title": row["title"], "kind": row["kind"].value, "revision": 1},
                summary=f"Drafted proposal {row['title']!r}",
            )
            if row["state"] != "draft":
                changes.append(self._transition(row, "open_discussion", "draft", "discussion"))
        _insert(proposal_networks, links, returning=False)
        self.revision_ids = dict(zip(self.proposal_ids, _insert(Revision.__table__, revisions), strict=True))
        self.pending_changes = changes
        self.state_change_table = StateChange.__table__
        self.built.counts["proposals"] = len(self.proposal_ids)

    def _transition(self, row: dict[str, Any], transition: str, before: str, after: str, **data) -> dict:
        self.chain.add(
            "proposal.transition",
            actor=self.steward,
            subject_type="proposals",
            subject_id=row["id"],
            networks=[row["_network"]],
            data={"transition": transition, "from": before, "to": after, "note": "", **data},
            summary=f"Proposal {row['title']!r}: {before} → {after}",
        )
        return {
            "proposal_id": row["id"],
            "transition": transition,
            "from_state": before,
            "to_state": after,
            "actor_id": self.steward_id,
            "at": self.chain.at,
            "note": "",
        }

    def _votes(self) -> None:
        from voting.choices import receipt_for
        from voting.models import Ballot, Elector, ResultsShown, Secrecy, Vote

        voting = [r for r in self.proposal_rows if r["state"] == "voting"]
        opens_at, closes_at = self.now - timedelta(days=1), self.now + self.closes_in
        self.chain.advance(opens_at)
        rows = []
        for n, row in enumerate(voting):
            row["vote_closes_at"] = closes_at
            self.pending_changes.append(
                self._transition(row, "open_vote", "discussion", "voting", method="yes_no")
            )
            rows.append(
                {
                    "proposal_id": row["id"],
                    "revision_id": self.revision_ids[row["id"]],
                    "method": "yes_no",
                    "options": [],
                    "seats": 1,
                    "opens_at": opens_at,
                    "closes_at": closes_at,
                    "time_zone": "UTC",
                    "secrecy": Secrecy.SECRET if n % 4 == 3 else Secrecy.OPEN,
                    "results_shown": ResultsShown.LIVE if n % 2 == 0 else ResultsShown.AFTER_CLOSE,
                    "tie_seed": f"{self.rng.getrandbits(32):08x}",
                    "casting_order": [],
                    "opened_by_id": self.steward_id,
                    "created_at": opens_at,
                }
            )
        vote_ids = _insert(Vote.__table__, rows)
        _insert(self.state_change_table, self.pending_changes, returning=False)
        self.built.counts["state changes"] = len(self.pending_changes)
        electors, ballots = [], []
        for vote_id, vote, row in zip(vote_ids, rows, voting, strict=True):
            row["vote_id"] = vote_id
            coops = self.network_coops[row["_network"]]
            electors += [{"vote_id": vote_id, "coop_id": c, "weight": 1} for c in coops]
            self.chain.add(
                "vote.opened",
                actor=self.steward,
                subject_type="votes",
                subject_id=vote_id,
                networks=[row["_network"]],
                data={
                    "proposal": row["id"],
                    "method": "yes_no",
                    "options": [],
                    "seats": 1,
                    "opens_at": opens_at.isoformat(),
                    "closes_at": closes_at.isoformat(),
                    "electorate": {self.coop_rows[c]["slug"]: 1 for c in coops},
                    "revision": 1,
                },
                summary=f"Opened the vote on {row['title']!r}",
            )
            is_secret = vote["secrecy"] == Secrecy.SECRET
            for coop_id in coops:
                if coop_id == self.coop_ids[0] or self.rng.random() >= 0.5:
                    continue  # the wide co-op has ballots left to cast; half the others have cast
                choice = self.rng.choice(["yes", "yes", "no", "abstain"])
                nonce = f"{self.rng.getrandbits(128):032x}"
                receipt = receipt_for(vote_id, coop_id, choice, nonce)
                delegate = self.delegates[coop_id][0]
                ballots.append(
                    {
                        "vote_id": vote_id,
                        "coop_id": coop_id,
                        "cast_by_id": delegate[0],
                        "revision_id": vote["revision_id"],
                        "choice": choice,
                        "nonce": nonce,
                        "receipt": receipt,
                        "cast_at": opens_at,  # set to the event's time below
                        "is_current": True,
                    }
                )
                self.chain.add(
                    "vote.ballot_cast",
                    actor=delegate,
                    subject_type="votes",
                    subject_id=vote_id,
                    networks=[row["_network"]],
                    data={
                        "coop": self.coop_rows[coop_id]["slug"],
                        "via_proxy": None,
                        "receipt": None if is_secret else receipt,
                        "replaces": None,
                        "revision": 1,
                        "proxy_voided": False,
                        "has_reason": False,
                        **({"replaces_earlier": False} if is_secret else {}),
                    },
                )
                ballots[-1]["cast_at"] = self.chain.at
        _insert(Elector.__table__, electors, returning=False)
        _insert(Ballot.__table__, ballots, returning=False)
        self.built.bench_vote_ids = vote_ids
        self.built.counts["votes"] = len(vote_ids)
        self.built.counts["electors"] = len(electors)
        self.built.counts["ballots"] = len(ballots)

    def _campaigns(self) -> None:
        from proposals.pledging.models import Campaign, Pledge

        self.chain.advance(self.now)
        voting = [r for r in self.proposal_rows if r["state"] == "voting"][: self.shape.campaigns]
        rows = [
            {
                "proposal_id": row["id"],
                "state": "open",
                "base_currency": CURRENCY,
                "target_money_minor": 2_000_000,
                "target_seats": {},
                "term_months": 12,
                "notice_days": 30,
                "deadline_at": row["vote_closes_at"] + self.pledging_for,
                "time_zone": "UTC",
                "is_during_vote": True,
                "opened_by_id": self.steward_id,
                "opened_at": self.now,
            }
            for row in voting
        ]
        campaign_ids = _insert(Campaign.__table__, rows)
        pledges = []
        for campaign_id, campaign, row in zip(campaign_ids, rows, voting, strict=True):
            self.chain.add(
                "campaign.opened",
                actor=self.steward,
                subject_type="campaigns",
                subject_id=campaign_id,
                networks=[row["_network"]],
                data={
                    "proposal": row["id"],
                    "base_currency": CURRENCY,
                    "target_money_minor": campaign["target_money_minor"],
                    "term_months": 12,
                    "notice_days": 30,
                    "deadline_at": campaign["deadline_at"].isoformat(),
                    "is_during_vote": True,
                },
                summary=f"Opened the pledge campaign on {row['title']!r}",
            )
            for coop_id in self.network_coops[row["_network"]]:
                if coop_id == self.coop_ids[0] or self.rng.random() >= 0.1:
                    continue
                money = self.rng.randrange(5_000, 50_000, 100)
                hours = self.rng.choice([0, 4, 8, 16])
                delegate = self.delegates[coop_id][0]
                pledges.append(
                    {
                        "campaign_id": campaign_id,
                        "coop_id": coop_id,
                        "made_by_id": delegate[0],
                        "currency": CURRENCY,
                        "money_minor": money,
                        "base_minor": money,
                        "hours": hours,
                        "seats": [],
                        "note": "",
                        "made_at": self.now,
                        "is_current": True,
                    }
                )
        pledge_ids = _insert(Pledge.__table__, pledges)
        for pledge_id, pledge in zip(pledge_ids, pledges, strict=True):
            network_id = self.proposal_network[rows[campaign_ids.index(pledge["campaign_id"])]["proposal_id"]]
            self.chain.add(
                "pledge.made",
                actor=self.delegates[pledge["coop_id"]][0],
                subject_type="campaigns",
                subject_id=pledge["campaign_id"],
                networks=[network_id],
                data={
                    "pledge": pledge_id,
                    "coop": self.coop_rows[pledge["coop_id"]]["slug"],
                    "currency": CURRENCY,
                    "money_minor": pledge["money_minor"],
                    "base_currency": CURRENCY,
                    "base_minor": pledge["base_minor"],
                    "hours": pledge["hours"],
                    "seats": [],
                    "min_coops": None,
                    "min_money_minor": None,
                    "replaces": None,
                },
            )
        self.built.bench_campaign_ids = campaign_ids
        self.built.counts["campaigns"] = len(campaign_ids)
        self.built.counts["pledges"] = len(pledges)

    def _comments(self) -> None:
        from proposals.models import Comment

        html = str(render(COMMENT))
        self.chain.advance(self.then + timedelta(days=1))
        rows = []
        for row in self.proposal_rows:
            if row["state"] == "draft":
                continue
            coops = self.network_coops[row["_network"]]
            for _ in range(COMMENTS_PER_PROPOSAL):
                author = self.delegates[self.rng.choice(coops)][0]
                rows.append(
                    {
                        "proposal_id": row["id"],
                        "author_id": author[0],
                        "body": COMMENT,
                        "body_html": html,
                        "created_at": self.then + timedelta(days=1),
                        "_author": author,
                        "_network": row["_network"],
                    }
                )
        ids = _insert(Comment.__table__, [_public(r) for r in rows])
        for comment_id, row in zip(ids, rows, strict=True):
            self.chain.add(
                "proposal.commented",
                actor=row["_author"],
                subject_type="proposals",
                subject_id=row["proposal_id"],
                networks=[row["_network"]],
                data={"comment": comment_id, "reply_to": None},
            )
        self.built.counts["comments"] = len(ids)


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """The row without the builder's own notes (keys starting with an underscore)."""
    return {k: v for k, v in row.items() if not k.startswith("_")}
