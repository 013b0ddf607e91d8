"""Sign in and out, invitations, password reset and change."""

import hashlib
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from governance import i18n, service
from governance.auth import begin_session, is_remembered, renew_session
from governance.auth import service as auth
from governance.errors import DomainError
from governance.extensions import db, limiter
from governance.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    EmptyForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignInForm,
    show_refusal,
)
from governance.models import person_by_email
from governance.texts import _
from governance.timezones import all_zones
from governance.words import role_as

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an outside URL (open redirect), never a header-breaking one."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target) or "\\" in target:
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.home")
    return target


# How failed sign-ins are limited (Flask-Limiter, on Redis when REDIS_URL is set, so every worker counts
# together; without it each worker counts alone). Only failures count: a correct password costs nothing.
# - Per address and email (SIGN_IN_LIMIT): guessing one person's password from one address is slowed,
#   and a person who mistypes is held back only by their own failures. It is deliberately not per email
#   alone: then anyone could lock a person out by failing on their email from elsewhere, and a correct
#   password would be refused because of someone else. So failures on an email from another address never
#   count against you.
# - Per address, whatever the emails (SIGN_IN_ADDRESS_LIMIT): one address trying many accounts (password
#   spraying) is slowed too. People behind one shared address share this one, so it is set higher.
# A refused attempt is refused before any password is checked, so it tells nothing.


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT"]


def _address_limit() -> str:
    return current_app.config["SIGN_IN_ADDRESS_LIMIT"]


def _address_key() -> str:
    return request.remote_addr or ""


def _address_and_email_key() -> str:
    email = (request.form.get("email") or "").strip().lower()
    # The email is hashed: the limiter's store (Redis) need not hold the addresses people type.
    return f"{request.remote_addr}|{hashlib.sha256(email.encode()).hexdigest()[:32]}"


def _failed(response) -> bool:
    return response.status_code != 302


def _too_many() -> str:
    return _("Too many failed sign-ins. Wait a minute, then try again.")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    _address_limit, key_func=_address_key, methods=["POST"], deduct_when=_failed, error_message=_too_many
)
@limiter.limit(
    _sign_in_limit,
    key_func=_address_and_email_key,
    methods=["POST"],
    deduct_when=_failed,
    error_message=_too_many,
)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if not form.validate_on_submit():
        return _sign_in_page(form, 400 if form.is_submitted() else 200)
    person = auth.sign_in(form.email.data, form.password.data)
    db.session.commit()  # the audit event, of a failure too
    if person is None:
        form.password.errors.append(_("That email and password do not match an account."))
        return _sign_in_page(form, 401)
    chosen = i18n.suggest_on_sign_in(person)
    if chosen:
        db.session.commit()
    begin_session(person, remember=form.remember.data)
    if chosen and not chosen.startswith("en"):
        # Translators: %(language)s is the language's own name, such as "español (Argentina)".
        flash(
            _("Roundtable speaks %(language)s to you, as your browser asks. Your settings page changes it.",
              language=dict(i18n.locale_choices())[chosen]),
            "info",
        )
    return redirect(_safe_next(request.args.get("next")))


def _sign_in_page(form, status: int):
    from governance import demo

    return render_template(
        "auth/sign_in.html", form=form, demo_password=demo.DEMO_PASSWORD if demo.is_loaded() else None
    ), status


@bp.post("/sign-out")
@login_required
def sign_out():
    auth.sign_out(actor=current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out, on every device."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.post("/settings/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    person = current_user._get_current_object()
    auth.sign_out_everywhere_else(actor=person)
    db.session.commit()
    renew_session(person)
    flash(_("You are signed out everywhere else; you are still signed in here."), "success")
    return redirect(url_for("main.settings"))


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        person = current_user._get_current_object()
        try:
            auth.change_password(
                actor=person, current_password=form.current_password.data, new_password=form.new_password.data
            )
        except DomainError as error:
            show_refusal(form, error)
            status = error.status
        else:
            db.session.commit()
            begin_session(person, remember=is_remembered())
            flash(_("Your password is changed, and you are signed out everywhere else."), "success")
            return redirect(url_for("main.settings"))
    return render_template("auth/change_password.html", form=form), status


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = service.find_invitation(token)
    except DomainError as error:
        return render_template("error.html", message=error.message, status=error.status), error.status
    if invitation.person_id is not None or person_by_email(invitation.email) is not None:
        return _join_with_account(token, invitation)  # an account exists: sign in and accept, no new password
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            person = service.accept_invitation(
                secret=token, name=form.name.data, password=form.password.data, time_zone=form.time_zone.data
            )
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            i18n.suggest_on_sign_in(person)  # a new account starts in the language its browser asks for
            db.session.commit()
            begin_session(person)
            flash(_("Welcome to %(coop)s, %(name)s.", coop=invitation.coop.name, name=person.name), "success")
            return redirect(url_for("main.home"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "auth/accept_invitation.html", form=form, invitation=invitation, zones=all_zones()
    ), status


def _join_with_account(token: str, invitation):
    """The invitation is for someone who has an account: they accept it signed in, with one button."""
    if not current_user.is_authenticated:
        flash(
            _(
                "Sign in as %(email)s to accept the invitation to %(coop)s.",
                email=invitation.email,
                coop=invitation.coop.name,
            ),
            "info",
        )
        return redirect(url_for("auth.sign_in", next=request.path))
    form = EmptyForm()
    if form.validate_on_submit():
        service.join_by_invitation(secret=token, actor=current_user)
        db.session.commit()
        flash(
            _("You are now %(role)s of %(coop)s.", role=role_as(invitation.role), coop=invitation.coop.name),
            "success",
        )
        return redirect(url_for("main.coop", slug=invitation.coop.slug))
    return render_template("auth/join_invitation.html", form=form, invitation=invitation)


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        auth.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account has that email, a reset link is on its way."), "info")
        return redirect(url_for("auth.sign_in"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/request_reset.html", form=form), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        auth.person_for_reset(token)
    except DomainError as error:
        return render_template("error.html", message=error.message, status=error.status), error.status
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            person = auth.reset_password(token=token, password=form.password.data)
        except DomainError as error:
            return render_template("error.html", message=error.message, status=error.status), error.status
        db.session.commit()
        begin_session(person)
        flash(_("Your password is changed, and you are signed out everywhere else."), "success")
        return redirect(url_for("main.home"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/reset_password.html", form=form), status
