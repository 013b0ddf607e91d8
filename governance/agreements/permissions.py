"""Who sees, signs and downloads an agreement.

- Whoever may see the proposal sees its agreement's page: who has signed and who has not.
- A delegate of a party co-op signs for it.
- People of the party co-ops (members and delegates) download the issued agreement and their own
  co-op's counterpart; anyone else is told there is no such file (404), so nothing leaks.
- Stewards of an addressed network remind the parties, correct the agreement (a new version) and
  retry a failed rendering.
"""

from __future__ import annotations

from governance.agreements.models import Agreement, AgreementVersion
from governance.errors import NotAllowed, NotFound
from governance.models import Coop, Person
from governance.texts import _
from proposals import permissions as proposal_permissions


def party_coops(person: Person | None, version: AgreementVersion) -> list[Coop]:
    """The party co-ops the person belongs to, in any role."""
    if person is None or not getattr(person, "is_authenticated", False):
        return []
    mine = {c.id for c in person.coops}
    return [c.coop for c in version.counterparts if c.coop_id in mine]


def signing_coops(person: Person | None, version: AgreementVersion) -> list[Coop]:
    """The party co-ops the person is a delegate of."""
    return [c for c in party_coops(person, version) if person is not None and person.is_delegate_of(c)]


def can_download(person: Person | None, version: AgreementVersion) -> bool:
    return bool(party_coops(person, version))


def require_download(person: Person | None, version: AgreementVersion) -> None:
    if not can_download(person, version):
        raise NotFound(_("There is no such file."))


def can_see(person: Person | None, agreement: Agreement) -> bool:
    return proposal_permissions.can_see(person, agreement.proposal) or any(
        can_download(person, v) for v in agreement.versions
    )


def require_see(person: Person | None, agreement: Agreement) -> None:
    if not can_see(person, agreement):
        raise NotFound(_("There is no such agreement."))


def can_steward(person: Person | None, agreement: Agreement) -> bool:
    return proposal_permissions.can_steward(person, agreement.proposal)


def require_steward(person: Person | None, agreement: Agreement) -> None:
    if not can_steward(person, agreement):
        raise NotAllowed(_("Only a steward of a network the proposal is addressed to can do that."))
