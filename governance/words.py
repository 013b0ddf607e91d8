"""Small pieces of language that pages and messages share (plain Python)."""

from __future__ import annotations

from governance.texts import _l

# Roles as people read them, by their stored value (CoopRole, NetworkRoleKind): the noun alone (a badge),
# as an option to choose, and as said after "is" or "as" ("is now a delegate of...", "an admin").
ROLE_NAMES = {
    "member": _l("member"),
    "delegate": _l("delegate"),
    "steward": _l("steward"),
    "admin": _l("admin"),
}
ROLE_LABELS = {
    "member": _l("Member"),
    "delegate": _l("Delegate"),
    "steward": _l("Steward"),
    "admin": _l("Admin"),
}
ROLES_AS = {
    # Translators: a role as said after "is" or "as", with its article in English ("is now a member of");
    # Spanish takes none ("ahora es integrante de").
    "member": _l("a member"),
    # Translators: see "a member".
    "delegate": _l("a delegate"),
    # Translators: see "a member".
    "steward": _l("a steward"),
    # Translators: see "a member".
    "admin": _l("an admin"),
}


def role_name(role) -> str:
    """'delegate', 'delegada o delegado'."""
    return str(ROLE_NAMES.get(str(role), role))


def role_label(role) -> str:
    """'Delegate', as an option of a form."""
    return str(ROLE_LABELS.get(str(role), role))


def role_as(role) -> str:
    """'a delegate', 'an admin': what follows 'is now' or 'as'."""
    return str(ROLES_AS.get(str(role), role))


def possessive(name: str) -> str:
    """'Mill Digital's', but 'Clyde Web Workers'' (a name ending in s takes the apostrophe alone)."""
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"
