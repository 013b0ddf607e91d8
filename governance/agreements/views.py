"""Pages of agreements: the agreement with who has signed, signing, downloads, corrections; and /verify."""

from __future__ import annotations

import os

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from governance import i18n
from governance.agreements import permissions, render, service, tasks, verify
from governance.agreements.forms import CorrectForm, EmptyForm, SignForm, VerifyForm
from governance.agreements.models import Agreement, AgreementVersion, TaskState, VersionState
from governance.errors import DomainError
from governance.extensions import db, limiter
from governance.forms import choices, show_refusal
from governance.texts import N_, _, current_locale
from governance.validation import invalid
from voting.forms import whole_number

bp = Blueprint("agreements", __name__, url_prefix="/agreements")
public = Blueprint("verify", __name__)

UPLOAD_SLACK = 64 * 1024  # the multipart envelope around a file of up to 10 MB


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every agreement page is for signed-in people; /verify is public."""


def _sign_form(version: AgreementVersion, formdata=None) -> SignForm:
    form = SignForm(formdata=formdata)
    coops = [c for c in permissions.signing_coops(current_user, version) if version.signature_of(c) is None]
    form.coop.choices = choices((str(c.id), c.name) for c in coops)
    return form


def _show(agreement: Agreement, *, sign_form: SignForm | None = None, status: int = 200):
    version = agreement.current
    sign_form = sign_form or _sign_form(version)
    return render_template(
        "agreements/show.html",
        agreement=agreement,
        proposal=agreement.proposal,
        version=version,
        terms=version.terms,
        sign_form=sign_form,
        consents={
            c.id: service.consent_for(version, c) for c in permissions.signing_coops(current_user, version)
        },
        empty_form=EmptyForm(formdata=None),
        own=permissions.party_coops(current_user, version),
        can_download=lambda v: permissions.can_download(current_user, v),
        own_counterparts=lambda v: [
            c for c in v.counterparts if c.coop in permissions.party_coops(current_user, v)
        ],
        is_steward=permissions.can_steward(current_user, agreement),
        TaskState=TaskState,
        VersionState=VersionState,
        drawn_note=service.DRAWN_NOTE,
    ), status


@bp.get("/<int:agreement_id>")
def show(agreement_id: int):
    return _show(service.get_agreement(current_user, agreement_id))


@bp.post("/<int:agreement_id>/versions/<int:number>/sign")
def sign(agreement_id: int, number: int):
    agreement = service.get_agreement(current_user, agreement_id)
    version = service.get_version(agreement, number)
    form = _sign_form(version, request.form)
    coop = next((c.coop for c in version.counterparts if c.coop_id == whole_number(form.coop.data)), None)
    try:
        if coop is None:
            raise invalid(
                "coop", _("Choose the co-op you sign for: one of the parties you are a delegate of.")
            )
        service.sign_agreement(
            version,
            actor=current_user,
            coop=coop,
            typed_name=form.typed_name.data,
            consent=bool(form.consent.data),
            ip_address=request.remote_addr or "",
            user_agent=request.user_agent.string,
        )
    except DomainError as error:
        db.session.rollback()
        show_refusal(form, error)
        return _show(
            service.get_agreement(current_user, agreement_id), sign_form=form, status=int(error.status)
        )
    db.session.commit()
    flash(_("You signed the agreement for %(coop)s.", coop=coop.name), "success")
    return redirect(url_for(".show", agreement_id=agreement_id, _anchor="signatures"))


def _button_post() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("The form expired; try again."))


@bp.post("/<int:agreement_id>/remind")
def remind(agreement_id: int):
    agreement = service.get_agreement(current_user, agreement_id)
    _button_post()
    url = current_app.config["BASE_URL"].rstrip("/") + url_for(".show", agreement_id=agreement.id)
    waiting = service.remind(agreement.current, actor=current_user, url=url)
    db.session.commit()
    flash(_("Reminded the delegates of %(coops)s.", coops=", ".join(c.name for c in waiting)), "success")
    return redirect(url_for(".show", agreement_id=agreement.id))


@bp.post("/<int:agreement_id>/retry")
def retry(agreement_id: int):
    agreement = service.get_agreement(current_user, agreement_id)
    _button_post()
    service.retry_rendering(agreement.current, actor=current_user)
    db.session.commit()
    flash(_("Rendering was queued again."), "success")
    return redirect(url_for(".show", agreement_id=agreement.id))


@bp.route("/<int:agreement_id>/correct", methods=["GET", "POST"])
def correct(agreement_id: int):
    agreement = service.get_agreement(current_user, agreement_id)
    permissions.require_steward(current_user, agreement)
    terms = agreement.current.terms
    form = CorrectForm(
        data={}
        if request.method == "POST"
        else {
            "term_months": str(terms.term_months),
            "notice_days": str(terms.notice_days),
            "withdrawal": terms.withdrawal,
            "governance": terms.governance,
        }
    )
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            new_terms = service.correct_terms(
                terms,
                term_months=whole_number(form.term_months.data),
                notice_days=whole_number(form.notice_days.data),
                withdrawal=form.withdrawal.data,
                governance=form.governance.data,
            )
            version = service.supersede(agreement, actor=current_user, terms=new_terms, note=form.note.data)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            status = int(error.status)
        else:
            db.session.commit()
            flash(
                _(
                    "Version %(number)s supersedes the earlier one; every party signs it again.",
                    number=version.number,
                ),
                "success",
            )
            return redirect(url_for(".show", agreement_id=agreement.id))
    return render_template("agreements/correct.html", agreement=agreement, form=form), status


def _pdf(data: bytes | None, filename: str) -> Response:
    if data is None:
        abort(404, description=_("This file is not rendered yet."))
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _downloadable(agreement_id: int, number: int) -> AgreementVersion:
    agreement = db.session.get(Agreement, agreement_id)
    version = next((v for v in agreement.versions if v.number == number), None) if agreement else None
    if version is None:
        abort(404)
    permissions.require_download(current_user, version)
    return version


@bp.get("/<int:agreement_id>/versions/<int:number>/agreement.pdf")
def download(agreement_id: int, number: int):
    """The issued agreement if it is issued, else the agreement for reading before signing."""
    version = _downloadable(agreement_id, number)
    data = version.final_pdf or version.draft_pdf
    kind = "issued" if version.final_pdf else "for-signature"
    return _pdf(data, f"agreement-{agreement_id}-v{number}-{kind}.pdf")


@bp.get("/<int:agreement_id>/versions/<int:number>/counterparts/<int:coop_id>.pdf")
def counterpart(agreement_id: int, number: int, coop_id: int):
    version = _downloadable(agreement_id, number)
    own = {c.id for c in permissions.party_coops(current_user, version)}
    found = next((c for c in version.counterparts if c.coop_id == coop_id and coop_id in own), None)
    if found is None:
        abort(404)
    name = f"agreement-{agreement_id}-v{number}-counterpart-{found.coop.slug}"
    locale = current_locale()
    language = locale.split("_")[0]
    if found.pdf is None or language == i18n.DEFAULT_LOCALE.split("_")[0]:
        return _pdf(found.pdf, f"{name}.pdf")  # the stored counterpart is in the instance's language
    return _pdf(counterpart_in(version, coop_id, locale), f"{name}-{language}.pdf")


def counterpart_in(version: AgreementVersion, coop_id: int, locale: str) -> bytes:
    """A party's counterpart in its reader's language (issue 13: a counterpart is per reader; the issued
    agreement stays one file). The same terms, ids and dates as the stored one; only the words differ."""
    _base, parts = service.draft_documents(version)
    document = dict(parts)[coop_id]
    with i18n.speaking(locale):
        return render.render(document)


# Verification, for anyone holding a file


def _verify_limit() -> str:
    configured = current_app.config.get("VERIFY_LIMIT") or os.environ.get("VERIFY_LIMIT")
    return configured or "10 per minute;100 per hour"


TOO_LARGE = N_("The file is larger than 10 MB; no agreement issued here is that large.")


@public.url_value_preprocessor
def _upload_limit(endpoint, values) -> None:
    """Before any before_request reads the form (the app's own checks do): this page takes 10 MB."""
    if endpoint == "verify.verify_page":
        request.max_content_length = verify.MAX_BYTES + UPLOAD_SLACK


@public.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    form = VerifyForm(formdata=None, meta={"csrf": False})
    form.form_errors.append(_(TOO_LARGE))
    found = tasks.credentials()
    return render_template(
        "agreements/verify.html", form=form, verdict=None, fingerprint=found.fingerprint
    ), 413


@public.route("/verify", methods=["GET", "POST"])
@limiter.limit(_verify_limit, methods=["POST"])
def verify_page():
    """Upload a PDF and learn whether it is authentic. It writes nothing, so it needs no CSRF token, and
    the form is read only here, under this page's own size limit, so an oversized file gets its reason."""
    request.max_content_length = verify.MAX_BYTES + UPLOAD_SLACK
    verdict, status, problem = None, 200, ""
    try:
        if (request.content_length or 0) > request.max_content_length:
            raise RequestEntityTooLarge()  # said by its length: refused before any of it is parsed
        form = VerifyForm(meta={"csrf": False})
        upload = request.files.get("file") if request.method == "POST" else None
        content = b""
        if upload:
            with upload.stream:  # a large upload is a temporary file: close it now, not at collection
                content = upload.stream.read(verify.MAX_BYTES + 1)
    except RequestEntityTooLarge:
        form, content = VerifyForm(formdata=None, meta={"csrf": False}), b""
        status, problem = 413, _(TOO_LARGE)
    if request.method == "POST" and status == 200:
        if not content:
            status, problem = 400, _("Choose the PDF file to verify.")
        else:
            verdict = verify.verify(content, tasks.credentials())
            status = 200 if verdict.is_authentic else 422
    if problem:
        form.form_errors.append(problem)
    found = tasks.credentials()
    return render_template(
        "agreements/verify.html", form=form, verdict=verdict, fingerprint=found.fingerprint
    ), status


@public.get("/verify/certificate.pem")
def certificate():
    response = Response(tasks.credentials().certificate_pem, mimetype="application/x-pem-file")
    response.headers["Content-Disposition"] = 'attachment; filename="roundtable-seal.pem"'
    return response


def waiting(person, limit: int) -> tuple[list[dict], int]:
    """For the home page: agreements a delegate's co-op has still to sign, and issued ones to download (the
    first `limit`), and how many: a person's co-ops are party to few."""
    items = []
    for agreement in service.agreements_of(person):
        version = agreement.current
        url = url_for("agreements.show", agreement_id=agreement.id)
        title = version.terms.title
        if version.state == VersionState.SIGNING:
            for coop in permissions.signing_coops(person, version):
                if version.signature_of(coop) is None:
                    items.append(
                        {"text": _("Sign “%(title)s” for %(coop)s", title=title, coop=coop.name), "url": url}
                    )
        issued = agreement.issued
        if issued is not None and permissions.can_download(person, issued):
            items.append(
                {
                    "text": _(
                        "Download the issued agreement “%(title)s” (version %(number)s)",
                        title=title,
                        number=issued.number,
                    ),
                    "url": url_for("agreements.download", agreement_id=agreement.id, number=issued.number),
                }
            )
    return items[:limit], len(items)
