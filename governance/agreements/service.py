"""Use cases of agreements: draw one when a campaign commits, sign, issue, supersede, remind.

Each takes the actor as a keyword, authorises, changes state, appends the audit event and flushes; the
caller (a request, a command or a task) commits. Every change locks the proposal first
(`proposals.service.lock_proposal`), then the agreement's version row, and re-reads them under the lock.

Rendering is slow next to a request, so it runs in Huey tasks after the commit (`governance.agreements.tasks`):
the tasks read what to render, render with no transaction open (SQLite takes its write lock at BEGIN), and
store the result in a short transaction of their own through `store_drafts` and `record_issue`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from babel.numbers import format_decimal
from sqlalchemy import select

from governance import audit, i18n, mail
from governance.agreements import permissions
from governance.agreements.models import (
    Agreement,
    AgreementVersion,
    Counterpart,
    Signature,
    TaskState,
    VersionState,
)
from governance.agreements.render import Document, Issue
from governance.agreements.terms import (
    AuditHead,
    SignatureRecord,
    Terms,
    canonical_json,
    consent_text,
    issued_data,
    sha256_hex,
)
from governance.errors import Conflict, InvalidInput, NotAllowed, NotFound
from governance.extensions import db
from governance.jobs import after_commit
from governance.models import Coop, Person
from governance.texts import N_, _, current_locale
from governance.timezones import format_in_zone
from governance.types import utcnow
from governance.validation import clean_text, invalid
from proposals.lifecycle import ActorKind, State, Transition
from proposals.models import Proposal
from proposals.service import apply_transition, lock_proposal

NAME_MAX, NOTE_MAX, TEXT_MAX = 200, 500, 20_000
NOTICE_DAYS_MAX, TERM_MONTHS_MAX = 3650, 1200
IP_MAX, AGENT_MAX = 64, 500


# Stored as written (a record); the agreement's page shows it in its reader's language.
DRAWN_NOTE = N_("Drawn from the committed campaign.")


class Action(StrEnum):
    DRAFTED = "agreement.drafted"
    SIGNED = "agreement.signed"
    FULLY_SIGNED = "agreement.fully_signed"
    ISSUED = "agreement.issued"
    SUPERSEDED = "agreement.superseded"
    REMINDED = "agreement.reminded"
    RENDER_RETRIED = "agreement.render_retried"


def _queue_drafts(version: AgreementVersion) -> None:
    from governance.agreements import tasks

    db.session.flush()
    after_commit(db.session(), tasks.render_drafts, version.id)


def _queue_issue(version: AgreementVersion) -> None:
    from governance.agreements import tasks

    db.session.flush()
    after_commit(db.session(), tasks.issue_version, version.id)


def lock_version(version: AgreementVersion) -> AgreementVersion:
    """After the proposal's lock: hold the version's row and read it, its signatures and state, afresh."""
    db.session.flush()
    db.session.execute(
        select(AgreementVersion.id).where(AgreementVersion.id == version.id).with_for_update()
    ).one()
    db.session.refresh(version)
    db.session.expire(version, ["signatures", "counterparts"])
    return version


def _parties(terms: Terms) -> list[Coop]:
    coops = {
        c.id: c
        for c in db.session.scalars(select(Coop).where(Coop.id.in_([p.coop_id for p in terms.parties])))
    }
    missing = [p.name for p in terms.parties if p.coop_id not in coops]
    if missing:
        raise InvalidInput(_("These parties are not co-ops here: %(names)s.", names=", ".join(missing)))
    return [coops[p.coop_id] for p in terms.parties]


def _new_version(
    agreement: Agreement, terms: Terms, *, actor: Person | None, note: str, now: datetime | None = None
) -> AgreementVersion:
    number = (agreement.versions[-1].number + 1) if agreement.versions else 1
    version = AgreementVersion(
        number=number,
        state=VersionState.SIGNING,
        terms_data=terms.to_dict(),
        terms_sha256=terms.sha256(),
        note=note,
        created_by=actor,
        created_at=now or utcnow(),
        draft_state=TaskState.QUEUED,
    )
    version.counterparts = [Counterpart(coop=coop) for coop in _parties(terms)]
    agreement.versions.append(version)
    return version


def draw_agreement(
    proposal: Proposal,
    terms: Terms,
    *,
    actor: Person | None = None,
    campaign_id: int | None = None,
    now: datetime | None = None,
) -> Agreement:
    """When a campaign commits: the agreement (version 1) and one counterpart per party; the proposal
    moves committed → agreement. Called in the campaign's transaction, so both stand or fall together."""
    lock_proposal(proposal)
    if proposal.agreement is not None:
        raise Conflict(_("This proposal already has its agreement."), current_state=proposal.state.value)
    agreement = Agreement(proposal=proposal, campaign_id=campaign_id, created_at=now or utcnow())
    db.session.add(agreement)
    version = _new_version(agreement, terms, actor=actor, note=DRAWN_NOTE, now=now)
    db.session.flush()
    apply_transition(
        proposal,
        Transition.PREPARE_AGREEMENT,
        actor=None,
        actor_kind=ActorKind.SYSTEM,
        data={"agreement": agreement.id, "version": version.number},
    )
    audit.record(
        Action.DRAFTED,
        actor=actor,
        subject=agreement,
        networks=proposal.networks,
        data={
            "version": version.number,
            "terms_sha256": version.terms_sha256,
            "parties": [p.coop_id for p in terms.parties],
            "coops": [c.coop.slug for c in version.counterparts],  # told to sign (notifications)
        },
        summary=f"Drew the agreement for {proposal.title!r} with {len(terms.parties)} parties",
    )
    _queue_drafts(version)
    return agreement


# Signing


def consent_for(version: AgreementVersion, coop: Coop) -> str:
    return consent_text(
        coop=coop.name, title=version.terms.title, version=version.number, terms_sha256=version.terms_sha256
    )


def _refuse_unsignable(version: AgreementVersion) -> None:
    if version.state == VersionState.SUPERSEDED:
        newer = version.agreement.current.number
        raise Conflict(
            _(
                "Version %(version)s was superseded by version %(newer)s; sign version %(newer)s instead.",
                version=version.number,
                newer=newer,
            ),
            current_state=version.state.value,
        )
    if version.state != VersionState.SIGNING:
        raise Conflict(
            _("Every party has already signed this version; it is issued and never changes."),
            current_state=version.state.value,
        )


def sign_agreement(
    version: AgreementVersion,
    *,
    actor: Person,
    coop: Coop,
    typed_name: str | None,
    consent: bool,
    ip_address: str = "",
    user_agent: str = "",
    now: datetime | None = None,
) -> Signature:
    """A delegate of a party co-op signs for it: typed full name, explicit consent, the time."""
    if not any(c.coop_id == coop.id for c in version.counterparts):
        raise NotAllowed(_("%(coop)s is not a party to this agreement.", coop=coop.name))
    if not actor.is_delegate_of(coop):
        raise NotAllowed(_("Only a delegate of %(coop)s can sign for it.", coop=coop.name))
    proposal = version.agreement.proposal
    lock_proposal(proposal)
    lock_version(version)
    _refuse_unsignable(version)
    earlier = version.signature_of(coop)
    if earlier is not None:
        raise Conflict(
            _(
                "%(coop)s has already signed this version (%(name)s, %(when)s).",
                coop=coop.name,
                name=earlier.typed_name,
                when=format_in_zone(earlier.signed_at, "UTC"),
            ),
            current_state=version.state.value,
        )
    name = clean_text(typed_name, "typed_name", _("Your full name"), NAME_MAX)
    if consent is not True:
        raise invalid(
            "consent", _("Tick the box to consent to the text above; nothing is signed without it.")
        )
    text = consent_for(version, coop)
    signature = Signature(
        coop=coop,
        person=actor,
        typed_name=name,
        account_label=f"{actor.name} <{actor.email}>",
        consent_text=text,
        signed_at=now or utcnow(),
        ip_address=(ip_address or "")[:IP_MAX],
        user_agent=(user_agent or "")[:AGENT_MAX],
    )
    version.signatures.append(signature)
    db.session.flush()
    audit.record(
        Action.SIGNED,
        actor=actor,
        subject=version.agreement,
        networks=proposal.networks,
        data={
            "version": version.number,
            "coop": coop.id,
            "typed_name": name,
            "consent_sha256": sha256_hex(text.encode()),
            "terms_sha256": version.terms_sha256,
        },
        summary=f"{name} signed agreement {version.agreement_id} v{version.number} for {coop.name}",
    )
    if version.is_fully_signed:
        _fully_signed(version, proposal)
    return signature


def _fully_signed(version: AgreementVersion, proposal: Proposal) -> None:
    version.state = VersionState.ISSUING
    version.issue_state = TaskState.QUEUED
    if proposal.state == State.AGREEMENT:
        apply_transition(
            proposal,
            Transition.SIGN,
            actor=None,
            actor_kind=ActorKind.SYSTEM,
            data={"agreement": version.agreement_id, "version": version.number},
        )
    audit.record(
        Action.FULLY_SIGNED,
        actor=None,
        subject=version.agreement,
        networks=proposal.networks,
        data={"version": version.number},
        summary=f"Every party signed agreement {version.agreement_id} v{version.number}",
    )
    _queue_issue(version)


# Rendering and issuing (called by the tasks)


def draft_documents(version: AgreementVersion) -> tuple[Document, list[tuple[int, Document]]]:
    """What to render for reading: the agreement, and each party's counterpart by co-op id."""
    terms = version.terms
    base = Document(
        terms=terms, agreement_id=version.agreement_id, version=version.number, created_at=version.created_at
    )
    return base, [(p.coop_id, replace(base, counterpart=p)) for p in terms.parties]


def store_drafts(version: AgreementVersion, agreement_pdf: bytes, counterparts: dict[int, bytes]) -> None:
    lock_proposal(version.agreement.proposal)
    lock_version(version)
    version.draft_pdf = agreement_pdf
    for counterpart in version.counterparts:
        pdf = counterparts[counterpart.coop_id]
        counterpart.pdf, counterpart.sha256 = pdf, sha256_hex(pdf)
    version.draft_state, version.draft_error = TaskState.DONE, ""
    db.session.flush()


def _previous_sha256(version: AgreementVersion) -> str | None:
    earlier = [v for v in version.agreement.versions if v.number < version.number and v.data_sha256]
    return earlier[-1].data_sha256 if earlier else None


def issue_document(
    version: AgreementVersion,
    *,
    instance: str,
    verify_url: str,
    certificate_sha256: str,
    now: datetime | None = None,
) -> Document:
    """The issued agreement to render: its data (with the audit head now) embedded and printed."""
    now = (now or utcnow()).replace(microsecond=0)
    seq, hash_ = audit.head()
    audit_head = AuditHead(seq=seq, hash=hash_) if seq else None
    signatures = [
        SignatureRecord(
            coop_id=s.coop_id,
            coop=s.coop.name,
            signer=s.typed_name,
            account=s.account_label,
            signed_at=s.signed_at.isoformat(),
            consent=s.consent_text,
        )
        for s in version.signatures
    ]
    data = issued_data(
        instance=instance,
        agreement_id=version.agreement_id,
        version=version.number,
        terms=version.terms,
        signatures=signatures,
        audit_head=audit_head,
        previous_sha256=_previous_sha256(version),
        issued_at=now.isoformat(),
        verify_url=verify_url,
    )
    raw = canonical_json(data)
    issue = Issue(
        data_json=raw,
        data_sha256=sha256_hex(raw),
        signatures=data["signatures"],
        audit_head=data["audit_head"],
        verify_url=verify_url,
        issued_at=now,
        previous_sha256=data["previous_version_sha256"],
        certificate_sha256=certificate_sha256,
    )
    return Document(
        terms=version.terms,
        agreement_id=version.agreement_id,
        version=version.number,
        created_at=now,
        issue=issue,
    )


def record_issue(version: AgreementVersion, document: Document, sealed_pdf: bytes) -> bool:
    """Store the sealed file; False (nothing changed) if the version is no longer waiting to be issued."""
    proposal = version.agreement.proposal
    lock_proposal(proposal)
    lock_version(version)
    if version.state != VersionState.ISSUING or document.issue is None:
        return False
    issue = document.issue
    version.final_pdf = sealed_pdf
    version.final_sha256 = sha256_hex(sealed_pdf)
    version.data_json = issue.data_json.decode()
    version.data_sha256 = issue.data_sha256
    version.audit_seq = issue.audit_head["seq"] if issue.audit_head else None
    version.audit_hash = issue.audit_head["hash"] if issue.audit_head else None
    version.issued_at = issue.issued_at
    version.state, version.issue_state, version.issue_error = VersionState.ISSUED, TaskState.DONE, ""
    db.session.flush()
    audit.record(
        Action.ISSUED,
        actor=None,
        subject=version.agreement,
        networks=proposal.networks,
        data={
            "version": version.number,
            "file_sha256": version.final_sha256,
            "data_sha256": version.data_sha256,
            "audit_head": issue.audit_head,
        },
        summary=f"Issued agreement {version.agreement_id} v{version.number} (sealed PDF/A-3)",
    )
    return True


def record_failure(version: AgreementVersion, *, issuing: bool, error: str) -> None:
    if issuing:
        version.issue_state, version.issue_error = TaskState.FAILED, error[:2000]
    else:
        version.draft_state, version.draft_error = TaskState.FAILED, error[:2000]
    db.session.flush()


def start_task(version: AgreementVersion, *, issuing: bool) -> None:
    if issuing:
        version.issue_state, version.issue_attempts = TaskState.RUNNING, version.issue_attempts + 1
    else:
        version.draft_state, version.draft_attempts = TaskState.RUNNING, version.draft_attempts + 1
    db.session.flush()


def retry_rendering(version: AgreementVersion, *, actor: Person | None) -> bool:
    """Queue a failed (or stalled) rendering again; a steward's button, or the periodic task (actor None)."""
    if actor is not None:
        permissions.require_steward(actor, version.agreement)
    lock_proposal(version.agreement.proposal)
    lock_version(version)
    queued = False
    if version.draft_state != TaskState.DONE and version.state != VersionState.SUPERSEDED:
        version.draft_state = TaskState.QUEUED
        _queue_drafts(version)
        queued = True
    if version.state == VersionState.ISSUING and version.issue_state != TaskState.DONE:
        version.issue_state = TaskState.QUEUED
        _queue_issue(version)
        queued = True
    if not queued:
        raise Conflict(_("Nothing is waiting to be rendered for this version."))
    audit.record(
        Action.RENDER_RETRIED,
        actor=actor,
        subject=version.agreement,
        networks=version.agreement.proposal.networks,
        data={"version": version.number},
        summary=f"Rendering of agreement {version.agreement_id} v{version.number} queued again",
    )
    return queued


# Corrections and reminders


def _count(value: Any, field_name: str, label: str, limit: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= limit:
        raise invalid(
            field_name,
            _(
                "%(label)s must be a whole number from 1 to %(limit)s.",
                label=label,
                limit=format_decimal(limit, locale=current_locale()),
            ),
        )
    return value


def correct_terms(
    terms: Terms, *, term_months: Any, notice_days: Any, withdrawal: str | None, governance: str | None
) -> Terms:
    """The terms with the parts a steward may correct; the parties and contributions come from the
    campaign's pledges and are not typed in."""
    return replace(
        terms,
        term_months=_count(term_months, "term_months", _("The term in months"), TERM_MONTHS_MAX),
        notice_days=_count(notice_days, "notice_days", _("The notice in days"), NOTICE_DAYS_MAX),
        withdrawal=clean_text(withdrawal, "withdrawal", _("The withdrawal text"), TEXT_MAX, required=False),
        governance=clean_text(governance, "governance", _("The governance text"), TEXT_MAX, required=False),
    )


def supersede(agreement: Agreement, *, actor: Person, terms: Terms, note: str | None) -> AgreementVersion:
    """A steward corrects the agreement: a new version supersedes the current one, which never changes again
    and says so when verified. Every party signs the new version."""
    permissions.require_steward(actor, agreement)
    note = clean_text(note, "note", _("A note saying what was corrected"), NOTE_MAX)
    lock_proposal(agreement.proposal)
    current = lock_version(agreement.current)
    if current.state == VersionState.ISSUING:
        raise Conflict(
            _("This version is being issued; correct it once it is issued."),
            current_state=current.state.value,
        )
    if terms.sha256() == current.terms_sha256:
        raise InvalidInput(_("Nothing changed, so no new version was made."))
    current.state, current.superseded_at = VersionState.SUPERSEDED, utcnow()
    version = _new_version(agreement, terms, actor=actor, note=note)
    db.session.flush()
    audit.record(
        Action.SUPERSEDED,
        actor=actor,
        subject=agreement,
        networks=agreement.proposal.networks,
        data={
            "superseded": current.number,
            "version": version.number,
            "terms_sha256": version.terms_sha256,
            "note": note,
            "coops": [c.coop.slug for c in version.counterparts],  # told to sign again (notifications)
        },
        summary=f"Agreement {agreement.id}: version {version.number} supersedes version {current.number}",
    )
    _queue_drafts(version)
    return version


def remind(version: AgreementVersion, *, actor: Person, url: str) -> list[Coop]:
    """A steward reminds the delegates of the parties that have not signed."""
    permissions.require_steward(actor, version.agreement)
    lock_proposal(version.agreement.proposal)
    lock_version(version)
    _refuse_unsignable(version)
    waiting = version.unsigned_coops
    title = version.terms.title
    for coop in waiting:
        for delegate in coop.delegates:
            with i18n.speaking(delegate):  # each delegate's reminder in their own language
                mail.send(
                    delegate.email,
                    _("Please sign: %(title)s", title=title),
                    _(
                        "Hello %(name)s,\n\n%(coop)s has not yet signed the joint pledge agreement “%(title)s” "
                        "(version %(version)s). Read it and sign for %(coop)s here:\n\n%(url)s\n",
                        name=delegate.name,
                        coop=coop.name,
                        title=title,
                        version=version.number,
                        url=url,
                    ),
                )
    audit.record(
        Action.REMINDED,
        actor=actor,
        subject=version.agreement,
        networks=version.agreement.proposal.networks,
        data={"version": version.number, "coops": [c.slug for c in waiting]},
        summary=f"Reminded {len(waiting)} parties to sign agreement {version.agreement_id}",
    )
    return waiting


# Reading


def get_agreement(person: Person | None, agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFound(_("There is no such agreement."))
    permissions.require_see(person, agreement)
    return agreement


def get_version(agreement: Agreement, number: int) -> AgreementVersion:
    found = next((v for v in agreement.versions if v.number == number), None)
    if found is None:
        raise NotFound(_("Agreement %(id)s has no version %(number)s.", id=agreement.id, number=number))
    return found


def issued_versions() -> list[AgreementVersion]:
    return list(
        db.session.scalars(
            select(AgreementVersion)
            .where(AgreementVersion.final_pdf.is_not(None))
            .order_by(AgreementVersion.agreement_id, AgreementVersion.number)
        )
    )


def agreements_of(person: Person) -> list[Agreement]:
    """The agreements a person's co-ops are party to, newest first (for the home page)."""
    mine = [c.id for c in person.coops]
    if not mine:
        return []
    query = (
        select(Agreement)
        .join(AgreementVersion)
        .join(Counterpart)
        .where(Counterpart.coop_id.in_(mine))
        .distinct()
        .order_by(Agreement.id.desc())
    )
    return list(db.session.scalars(query))
