"""The demo world from the seed thread: four networks, eight co-ops, their people. Loading twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from governance import service
from governance.extensions import db
from governance.models import Coop, CoopRole, Network, NetworkRoleKind, Person, person_by_email
from governance.security import hash_password

DEMO_PASSWORD = "roundtable-demo"  # demo accounts only; printed by the command and listed in the README

NETWORKS = [
    ("CoTech", "The UK's network of tech co-operatives."),
    ("US Worker Co-op Tech Network", "Tech peers of the US Federation of Worker Cooperatives."),
    ("FACTTIC", "Federación Argentina de Cooperativas de Trabajo de Tecnología, Innovación y Conocimiento."),
    ("Patio", "A global community of tech co-operatives."),
]

# name, city, country, time zone, worker-members, networks
COOPS = [
    ("Thames Code Co-op", "London", "GB", "Europe/London", 12, ["CoTech", "Patio"]),
    ("Mill Digital", "Manchester", "GB", "Europe/London", 8, ["CoTech"]),
    ("Clyde Web Workers", "Glasgow", "GB", "Europe/London", 6, ["CoTech", "Patio"]),
    (
        "Hudson Tech Collective",
        "New York",
        "US",
        "America/New_York",
        15,
        ["US Worker Co-op Tech Network", "Patio"],
    ),
    ("Bay Commons Dev", "Oakland", "US", "America/Los_Angeles", 9, ["US Worker Co-op Tech Network"]),
    (
        "Cooperativa Río Software",
        "Buenos Aires",
        "AR",
        "America/Argentina/Buenos_Aires",
        20,
        ["FACTTIC", "Patio"],
    ),
    ("Paraná Sistemas", "Rosario", "AR", "America/Argentina/Cordoba", 7, ["FACTTIC"]),
    (
        "Lakeshore Tech Co-op",
        "Toronto",
        "CA",
        "America/Toronto",
        10,
        ["Patio", "US Worker Co-op Tech Network"],
    ),
]

ADMIN_EMAIL = "admin@roundtable.example"
STEWARD_EMAIL = "steward@roundtable.example"


@dataclass
class World:
    admin: Person
    steward: Person
    networks: dict[str, Network] = field(default_factory=dict)
    coops: dict[str, Coop] = field(default_factory=dict)


def _person(email: str, name: str, zone: str, *, superuser: bool = False) -> Person:
    person = person_by_email(email)
    if person is None:
        person = Person(
            email=email,
            name=name,
            time_zone=zone,
            password_hash=hash_password(DEMO_PASSWORD),
            is_superuser=superuser,
        )
        db.session.add(person)
        db.session.flush()
    return person


def _network(world: World, name: str, description: str) -> Network:
    network = db.session.scalar(select(Network).where(Network.name == name))
    if network is None:
        network = service.create_network(actor=world.admin, name=name, description=description)
    for person, role in ((world.admin, NetworkRoleKind.ADMIN), (world.steward, NetworkRoleKind.STEWARD)):
        if not person.has_network_role(network, role):
            service.grant_network_role(actor=world.admin, network=network, person=person, role=role)
    return network


def _coop(world: World, name, city, country, zone, workers, network_names) -> Coop:
    first = world.networks[network_names[0]]
    coop = db.session.scalar(select(Coop).where(Coop.name == name))
    if coop is None:
        coop = service.create_coop(
            actor=world.admin,
            network=first,
            name=name,
            country=country,
            city=city,
            time_zone=zone,
            worker_members=workers,
        )
    for network_name in network_names:
        network = world.networks[network_name]
        if network not in coop.networks:
            service.admit_coop(actor=world.admin, network=network, coop=coop)
    for role in CoopRole:
        email = f"{role.value}@{coop.slug}.example"
        person = _person(email, f"{city} {role.value.capitalize()}", zone)
        if person.role_in(coop) is None:
            service.add_member(actor=world.admin, coop=coop, person=person, role=role)
    return coop


def build_world() -> World:
    world = World(
        admin=_person(ADMIN_EMAIL, "Ada Admin", "Europe/London", superuser=True),
        steward=_person(STEWARD_EMAIL, "Sam Steward", "Europe/London"),
    )
    for name, description in NETWORKS:
        world.networks[name] = _network(world, name, description)
    for row in COOPS:
        world.coops[row[0]] = _coop(world, *row)
    return world


def load_demo() -> str:
    from governance.agreements.demo import load as load_agreements
    from governance.meetings.demo import load as load_meetings
    from governance.notifications.service import email_muted
    from proposals.demo import load as load_proposals
    from proposals.pledging.demo import load as load_pledges
    from voting.demo import load as load_votes

    with email_muted():  # the demo's people are made up: their notifications show in the app only
        world = build_world()
        load_proposals(world)
        load_votes(world)
        load_pledges(world)
        load_meetings(world)
        load_agreements(world)  # last: it signs what committed campaigns drew
        db.session.commit()
    return sign_in_details(world)


def is_loaded() -> bool:
    """Whether this instance holds the demo world (its made-up admin exists): the sign-in page then says
    which demo account shows which role."""
    return person_by_email(ADMIN_EMAIL) is not None


def sign_in_details(world: World) -> str:
    lines = [
        f"Demo data is loaded. Sign in at {current_app.config['BASE_URL'].rstrip('/')}/sign-in with any of these",
        f"(password for all: {DEMO_PASSWORD}):",
        f"  admin    {ADMIN_EMAIL}  (instance admin, admin of every network)",
        f"  steward  {STEWARD_EMAIL}  (steward of every network)",
    ]
    for coop in world.coops.values():
        lines.append(f"  {coop.name}: delegate@{coop.slug}.example, member@{coop.slug}.example")
    return "\n".join(lines)
