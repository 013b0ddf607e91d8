"""Test data, made through the same services the app uses (so every change has its audit event)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from governance import service
from governance.extensions import db
from governance.models import Coop, CoopRole, Network, NetworkRoleKind, Person
from governance.security import hash_password

PASSWORD = "correct horse battery"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _password_hash(password: str) -> str:
    # argon2 is slow on purpose; one hash per password is enough for tests.
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def person(
    name: str | None = None,
    *,
    email: str | None = None,
    zone: str = "Europe/London",
    superuser: bool = False,
    password: str = PASSWORD,
) -> Person:
    n = next(_counter)
    found = Person(
        name=name or f"Person {n}",
        email=email or f"person{n}@example.org",
        time_zone=zone,
        password_hash=_password_hash(password),
        is_superuser=superuser,
    )
    db.session.add(found)
    db.session.flush()
    return found


@dataclass
class World:
    admin: Person
    steward: Person
    network: Network
    other_network: Network
    coops: list[Coop] = field(default_factory=list)
    delegates: list[Person] = field(default_factory=list)
    members: list[Person] = field(default_factory=list)
    outsider: Person | None = None


COOPS = [
    ("Thames Code", "GB", "Europe/London", 12),
    ("Hudson Tech", "US", "America/New_York", 15),
    ("Río Software", "AR", "America/Argentina/Buenos_Aires", 20),
]


def coop(
    actor: Person,
    network: Network,
    name: str,
    country: str = "GB",
    zone: str = "Europe/London",
    workers: int = 5,
) -> Coop:
    return service.create_coop(
        actor=actor, network=network, name=name, country=country, time_zone=zone, worker_members=workers
    )


def small_world() -> World:
    """A network of three co-ops (each with a delegate and a member), a second network, a steward,
    an admin (instance superuser) and an outsider in no co-op."""
    admin = person("Ada Admin", email="admin@example.org", superuser=True)
    steward = person("Sam Steward", email="steward@example.org")
    network = service.create_network(actor=admin, name="Testnet")
    other = service.create_network(actor=admin, name="Othernet")
    service.grant_network_role(actor=admin, network=network, person=steward, role=NetworkRoleKind.STEWARD)
    world = World(admin=admin, steward=steward, network=network, other_network=other)
    for name, country, zone, workers in COOPS:
        made = coop(admin, network, name, country, zone, workers)
        slug = made.slug
        delegate = person(f"{name} Delegate", email=f"delegate@{slug}.example", zone=zone)
        member = person(f"{name} Member", email=f"member@{slug}.example", zone=zone)
        service.add_member(actor=admin, coop=made, person=delegate, role=CoopRole.DELEGATE)
        service.add_member(actor=admin, coop=made, person=member, role=CoopRole.MEMBER)
        world.coops.append(made)
        world.delegates.append(delegate)
        world.members.append(member)
    world.outsider = person("Olive Outsider", email="outsider@example.org")
    db.session.commit()
    return world


def sign_in(client, someone: Person, password: str = PASSWORD):
    response = client.post("/sign-in", data={"email": someone.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def api_token(someone: Person) -> dict[str, str]:
    """Headers that authenticate as someone through the API."""
    _, secret = service.create_token(actor=someone, name="test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}
