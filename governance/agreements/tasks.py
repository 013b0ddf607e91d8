"""Rendering and issuing agreements as Huey tasks, queued after the commit that asked for them.

They leave through the outbox (`governance.jobs.after_commit`): on Redis (REDIS_URL) a consumer runs them;
without it they run in-process right after the commit. A failure is kept by the outbox and run again, and
`retry_stalled` re-queues every ten minutes what is still waiting or failed.
Each task keeps its state on the version (queued, running, done, failed with the error), so the page
shows it and a failure is never lost: a steward's "Try again", `flask agreements render-pending` or the
periodic task queue it again.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from pathlib import Path

from flask import current_app
from huey import crontab
from sqlalchemy import or_, select

from governance import i18n
from governance.agreements import render, seal, service
from governance.agreements.models import AgreementVersion, TaskState, VersionState
from governance.extensions import db
from governance.jobs import app_context, huey
from governance.types import utcnow

log = logging.getLogger(__name__)

STALLED_AFTER = timedelta(minutes=10)


def credentials() -> seal.Credentials:
    """The instance's seal, under instance/seal/ (or AGREEMENT_SEAL_DIR), made on first use."""
    folder = (
        current_app.config.get("AGREEMENT_SEAL_DIR")
        or os.environ.get("AGREEMENT_SEAL_DIR")
        or Path(current_app.instance_path) / "seal"
    )
    return seal.credentials(Path(folder))


def verify_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/") + "/verify"


def _fail(version_id: int, *, issuing: bool, error: Exception) -> None:
    db.session.rollback()
    version = db.session.get(AgreementVersion, version_id)
    if version is not None:
        service.record_failure(version, issuing=issuing, error=f"{type(error).__name__}: {error}")
        db.session.commit()


def run_drafts(version_id: int) -> bool:
    """Render the agreement for reading and every counterpart; True when stored."""
    version = db.session.get(AgreementVersion, version_id)
    if version is None or version.draft_state == TaskState.DONE or version.state == VersionState.SUPERSEDED:
        db.session.rollback()
        return False
    service.start_task(version, issuing=False)
    base, parts = service.draft_documents(version)
    db.session.commit()  # no transaction stays open while WeasyPrint works
    try:
        # Stored in the instance's language, whoever's request ran the task; a counterpart downloaded by
        # someone reading another language is rendered for them (views.counterpart).
        with i18n.speaking(i18n.DEFAULT_LOCALE):
            agreement_pdf = render.render(base)
            counterparts = {coop_id: render.render(document) for coop_id, document in parts}
        service.store_drafts(db.session.get(AgreementVersion, version_id), agreement_pdf, counterparts)
        db.session.commit()
    except Exception as error:
        log.exception("rendering agreement version %s failed", version_id)
        _fail(version_id, issuing=False, error=error)
        raise
    return True


def run_issue(version_id: int) -> bool:
    """Render the issued agreement with its data and the audit head, seal it, store it; True when issued."""
    version = db.session.get(AgreementVersion, version_id)
    if version is None or version.state != VersionState.ISSUING:
        db.session.rollback()
        return False
    found = credentials()
    service.start_task(version, issuing=True)
    document = service.issue_document(
        version,
        instance=current_app.config["BASE_URL"],
        verify_url=verify_url(),
        certificate_sha256=found.fingerprint,
    )
    db.session.commit()
    try:
        with i18n.speaking(i18n.DEFAULT_LOCALE):  # the issued agreement is one file, for every party
            sealed = seal.seal(render.render(document), found)
        issued = service.record_issue(db.session.get(AgreementVersion, version_id), document, sealed)
        db.session.commit()
    except Exception as error:
        log.exception("issuing agreement version %s failed", version_id)
        _fail(version_id, issuing=True, error=error)
        raise
    return issued


@huey.task(retries=2, retry_delay=30)
def render_drafts(version_id: int) -> bool:
    with app_context():
        return run_drafts(version_id)


@huey.task(retries=2, retry_delay=30)
def issue_version(version_id: int) -> bool:
    with app_context():
        return run_issue(version_id)


def pending_ids() -> list[int]:
    """Versions whose rendering or issue failed, or has waited longer than it should."""
    stale = utcnow() - STALLED_AFTER
    query = select(AgreementVersion.id).where(
        AgreementVersion.state != VersionState.SUPERSEDED,
        or_(
            AgreementVersion.draft_state == TaskState.FAILED,
            (AgreementVersion.draft_state != TaskState.DONE) & (AgreementVersion.created_at < stale),
            AgreementVersion.issue_state == TaskState.FAILED,
            (AgreementVersion.state == VersionState.ISSUING)
            & (AgreementVersion.issue_state != TaskState.DONE),
        ),
    )
    return list(db.session.scalars(query.order_by(AgreementVersion.id)))


def render_pending() -> int:
    """Run what is pending here and now, each in its own transactions; the number that succeeded."""
    done = 0
    for version_id in pending_ids():
        version = db.session.get(AgreementVersion, version_id)
        for task, wanted in (
            (run_drafts, version.draft_state != TaskState.DONE),
            (run_issue, version.state == VersionState.ISSUING),
        ):
            if not wanted:
                continue
            try:
                done += bool(task(version_id))
            except Exception:
                log.warning("agreement version %s is still failing", version_id)
    return done


@huey.periodic_task(crontab(minute="*/10"))
def retry_stalled() -> int:
    with app_context():
        return render_pending()
