"""Who may do what: one table of permissions, checked by the services."""

from __future__ import annotations

from enum import StrEnum

from governance.errors import NotAllowed
from governance.models import Coop, Network, NetworkRoleKind, Person
from governance.texts import _


class Perm(StrEnum):
    NETWORK_CREATE = "network:create"
    NETWORK_ADMIN = "network:admin"
    NETWORK_STEWARD = "network:steward"
    COOP_ADMIN = "coop:admin"  # manage a co-op's people: invite them, name its delegates
    COOP_ADMIT = "coop:admit"  # admit a co-op that is in other networks to a further one
    AUDIT_READ = "audit:read"
    OUTBOX_READ = "outbox:read"


def is_admin_of(person: Person | None, network: Network) -> bool:
    if person is None:
        return False
    return person.is_superuser or person.has_network_role(network, NetworkRoleKind.ADMIN)


def is_steward_of(person: Person | None, network: Network) -> bool:
    return person is not None and person.has_network_role(network, NetworkRoleKind.STEWARD)


def belongs_to(person: Person | None, network: Network) -> bool:
    """A person of a member co-op, or someone holding a role in the network."""
    if person is None:
        return False
    return is_admin_of(person, network) or any(n.id == network.id for n in person.networks)


def administers_coop(person: Person | None, coop: Coop) -> bool:
    """An admin of a network the co-op is in: may admit it to another network they administer."""
    return person is not None and (person.is_superuser or any(is_admin_of(person, n) for n in coop.networks))


def manages_people_of(person: Person | None, coop: Coop) -> bool:
    """A co-op decides who speaks for it: its delegates manage its people. A network admin does so only
    when they administer every network the co-op is in (else an admin of one network could take over a
    co-op's voice in another); the first delegate of a co-op is invited on admission (`may_invite_first`)."""
    if person is None:
        return False
    if person.is_superuser or person.is_delegate_of(coop):
        return True
    networks = coop.networks
    return bool(networks) and all(is_admin_of(person, n) for n in networks)


def may_invite_first_delegate(person: Person | None, coop: Coop) -> bool:
    """A network admin admitting a co-op invites its first delegate, while it has none."""
    has_delegate = any(m.role.value == "delegate" for m in coop.people)
    return not has_delegate and administers_coop(person, coop)


def can(person: Person | None, perm: Perm, subject=None) -> bool:
    if person is None or not getattr(person, "is_authenticated", False):
        return False
    match perm:
        case Perm.NETWORK_CREATE:
            return person.is_superuser
        case Perm.NETWORK_ADMIN:
            return is_admin_of(person, subject)
        case Perm.NETWORK_STEWARD:
            return is_steward_of(person, subject)
        case Perm.COOP_ADMIN:
            return manages_people_of(person, subject)
        case Perm.COOP_ADMIT:
            return administers_coop(person, subject)
        case Perm.AUDIT_READ:
            if subject is None:
                return person.is_superuser or any(
                    r.role == NetworkRoleKind.ADMIN for r in person.network_roles
                )
            return is_admin_of(person, subject)
        case Perm.OUTBOX_READ:
            return person.is_superuser  # mail of every network: the instance's admin only
    raise ValueError(f"unknown permission {perm!r}")


def require(person: Person | None, perm: Perm, subject=None, message: str | None = None) -> None:
    if not can(person, perm, subject):
        raise NotAllowed(message or _default_message(perm, subject))


def _default_message(perm: Perm, subject) -> str:
    name = getattr(subject, "name", None)
    match perm:
        case Perm.NETWORK_CREATE:
            return _("Only an instance administrator can create a network.")
        case Perm.NETWORK_ADMIN if name:
            return _("Only an admin of %(name)s can do that.", name=name)
        case Perm.NETWORK_ADMIN:
            return _("Only an admin can do that.")
        case Perm.NETWORK_STEWARD if name:
            return _("Only a steward of %(name)s can do that.", name=name)
        case Perm.NETWORK_STEWARD:
            return _("Only a steward can do that.")
        case Perm.COOP_ADMIN if name:
            return _(
                "Only a delegate of %(name)s, or an admin of every network it is in, can do that.", name=name
            )
        case Perm.COOP_ADMIN:
            return _("Only a delegate, or an admin of every network it is in, can do that.")
        case Perm.COOP_ADMIT if name:
            return _("Only an admin of a network that %(name)s is in can do that.", name=name)
        case Perm.COOP_ADMIT:
            return _("Only an admin of a network can do that.")
        case Perm.AUDIT_READ:
            return _("Only network admins can read the audit log.")
        case Perm.OUTBOX_READ:
            return _("Only the instance administrator can see the outbox.")
    raise ValueError(f"unknown permission {perm!r}")
