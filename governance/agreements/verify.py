"""Is this PDF an authentic agreement issued by this instance? For `/verify` and `agreements verify`.

Two steps. `inspect_pdf` reads the file alone (no database): it must be a whole PDF, carry the instance's
seal in the `RoundtableSeal` field, the seal must be intact, made with this instance's certificate, and
cover the entire file (nothing appended after it), and the file must embed `agreement.json` as an
associated file with AFRelationship Data. `verify` then looks the file up among the issued versions by
its SHA-256, says which agreement and version it is, whether a later version superseded it, and whether
the audit log still holds the head the file carries.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from governance.agreements.render import JSON_NAME
from governance.agreements.seal import FIELD_NAME, Credentials
from governance.texts import _

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Inspection:
    """What the file alone says."""

    is_sealed: bool
    reason: str
    file_sha256: str
    data: dict[str, Any] | None = None
    data_sha256: str | None = None


def _refused(reason: str, file_sha256: str) -> Inspection:
    return Inspection(False, reason, file_sha256)


def inspect_pdf(content: bytes, found: Credentials) -> Inspection:
    """Check the file's own evidence: a whole PDF, our seal, intact, over the whole file, with its data."""
    digest = hashlib.sha256(content).hexdigest()
    if len(content) > MAX_BYTES:
        return _refused(_("The file is larger than 10 MB; no agreement issued here is that large."), digest)
    if not content.startswith(b"%PDF-"):
        return _refused(_("This is not a PDF file."), digest)
    if b"%%EOF" not in content[-2048:]:
        return _refused(_("The PDF is truncated: it does not end as a complete PDF file does."), digest)
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        seals = [s for s in reader.embedded_signatures if s.field_name == FIELD_NAME]
    except Exception as error:
        log.info("unreadable PDF at /verify: %s", error)
        return _refused(_("The PDF is damaged or truncated; it cannot be read."), digest)
    if not seals:
        return _refused(_("The file carries no Roundtable seal: it was not issued by this instance."), digest)
    try:
        status = validate_pdf_signature(seals[-1], ValidationContext(trust_roots=[found.certificate]))
    except Exception as error:
        log.info("seal could not be validated: %s", error)
        return _refused(_("The seal is damaged and cannot be checked."), digest)
    if not status.intact:
        return _refused(
            _("The file was changed after it was sealed: its content no longer matches the seal."), digest
        )
    if not status.valid or not status.trusted:
        return _refused(_("The seal was not made with this instance's key."), digest)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return _refused(
            _(
                "Something was added to the file after it was sealed: the seal no longer covers the whole file."
            ),
            digest,
        )
    return _with_data(content, digest)


def _with_data(content: bytes, digest: str) -> Inspection:
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            attached = pdf.attachments.get(JSON_NAME)
            if attached is None:
                return _refused(_("The file does not carry its data (%(name)s).", name=JSON_NAME), digest)
            if str(attached.obj.get("/AFRelationship")) != "/Data":
                return _refused(
                    _("%(name)s is not attached as the agreement's data.", name=JSON_NAME), digest
                )
            raw = attached.get_file().read_bytes()
    except Exception as error:
        log.info("embedded data unreadable: %s", error)
        return _refused(_("The file's %(name)s cannot be read.", name=JSON_NAME), digest)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _refused(_("The file's %(name)s is not valid JSON.", name=JSON_NAME), digest)
    return Inspection(True, "", digest, data, hashlib.sha256(raw).hexdigest())


@dataclass(frozen=True)
class Verdict:
    is_authentic: bool
    reason: str
    file_sha256: str
    agreement_id: int | None = None
    version: int | None = None
    title: str = ""
    parties: list[str] = field(default_factory=list)
    signatures: list[dict[str, Any]] = field(default_factory=list)
    issued_at: str = ""
    superseded_by: int | None = None
    audit_head: dict[str, Any] | None = None
    log_holds_head: bool | None = None

    @property
    def is_current(self) -> bool:
        return self.is_authentic and self.superseded_by is None

    @property
    def is_fully_confirmed(self) -> bool:
        """Authentic, and the audit log still holds the head the file carries."""
        return self.is_authentic and self.log_holds_head is not False

    def lines(self) -> list[str]:
        if not self.is_authentic:
            return [f"NOT AUTHENTIC: {self.reason}", f"file SHA-256 {self.file_sha256}"]
        lines = [
            f"AUTHENTIC: agreement {self.agreement_id}, version {self.version}: {self.title}",
            f"issued {self.issued_at}",
            "parties: " + "; ".join(self.parties),
        ]
        lines += [f"signed for {s['coop']} by {s['signer']} at {s['signed_at']}" for s in self.signatures]
        if self.superseded_by is not None:
            lines.append(f"SUPERSEDED by version {self.superseded_by}: this version no longer applies")
        else:
            lines.append("current: no later version supersedes it")
        head = self.audit_head
        if head is None:
            lines.append("audit head: none (the log was empty at issue)")
        elif self.log_holds_head:
            lines.append(f"audit log still holds event {head['seq']} with hash {head['hash']}")
        else:
            lines.append(
                f"WARNING: the audit log no longer holds event {head['seq']} with hash {head['hash']}: "
                "the log was rewritten or cut short since this agreement was issued"
            )
        lines.append(f"file SHA-256 {self.file_sha256}")
        return lines


def log_holds(seq: int, expected_hash: str) -> bool:
    """Does the audit log still have event `seq` with this hash?"""
    from governance.audit import AuditEvent
    from governance.extensions import db

    found = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))
    return found == expected_hash


def verify(content: bytes, found: Credentials) -> Verdict:
    """The whole answer for someone holding `content`."""
    from governance.agreements.models import AgreementVersion
    from governance.extensions import db

    inspection = inspect_pdf(content, found)
    if not inspection.is_sealed:
        return Verdict(False, inspection.reason, inspection.file_sha256)
    version = db.session.scalar(
        select(AgreementVersion).where(AgreementVersion.final_sha256 == inspection.file_sha256)
    )
    if version is None:
        return Verdict(
            False,
            _("The seal is this instance's, but this instance has no record of issuing this file."),
            inspection.file_sha256,
        )
    if version.data_sha256 != inspection.data_sha256:
        return Verdict(False, _("The file's data do not match what was issued."), inspection.file_sha256)
    data = inspection.data or {}
    head = data.get("audit_head")
    later = [v.number for v in version.agreement.versions if v.number > version.number]
    return Verdict(
        True,
        "",
        inspection.file_sha256,
        agreement_id=version.agreement_id,
        version=version.number,
        title=data["terms"]["title"],
        parties=[p["name"] for p in data["terms"]["parties"]],
        signatures=data.get("signatures") or [],
        issued_at=data.get("issued_at", ""),
        superseded_by=min(later) if later else None,
        audit_head=head,
        log_holds_head=log_holds(head["seq"], head["hash"]) if head else None,
    )
