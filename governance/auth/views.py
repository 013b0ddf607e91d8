"""Sign in and out, invitations, password reset."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from governance import service
from governance.errors import DomainError
from governance.extensions import db, limiter
from governance.forms import AcceptInvitationForm, EmptyForm, ResetPasswordForm, ResetRequestForm, SignInForm
from governance.timezones import all_zones

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an outside URL (open redirect), never a header-breaking one."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target) or "\\" in target:
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.home")
    return target


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT"]


def _sign_in_key() -> str:
    return f"{request.remote_addr}|{(request.form.get('email') or '').strip().lower()}"


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    _sign_in_limit,
    key_func=_sign_in_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
    error_message="Too many failed sign-ins. Wait a minute, then try again.",
)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            person = service.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            form.password.errors.append(error.message)
            return render_template("auth/sign_in.html", form=form), 401
        login_user(person, remember=form.remember.data)
        return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/sign_in.html", form=form), status


@bp.post("/sign-out")
@login_required
def sign_out():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = service.find_invitation(token)
    except DomainError as error:
        return render_template("error.html", message=error.message, status=error.status), error.status
    if invitation.person_id is not None:
        return _join_with_account(token, invitation)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            person = service.accept_invitation(
                secret=token, name=form.name.data, password=form.password.data, time_zone=form.time_zone.data
            )
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            login_user(person)
            flash(f"Welcome to {invitation.coop.name}, {person.name}.", "success")
            return redirect(url_for("main.home"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "auth/accept_invitation.html", form=form, invitation=invitation, zones=all_zones()
    ), status


def _join_with_account(token: str, invitation):
    """The invitation is for someone who has an account: they accept it signed in, with one button."""
    if not current_user.is_authenticated:
        flash(f"Sign in as {invitation.email} to accept the invitation to {invitation.coop.name}.", "info")
        return redirect(url_for("auth.sign_in", next=request.path))
    form = EmptyForm()
    if form.validate_on_submit():
        service.join_by_invitation(secret=token, actor=current_user)
        db.session.commit()
        flash(f"You are now a {invitation.role.value} of {invitation.coop.name}.", "success")
        return redirect(url_for("main.coop", slug=invitation.coop.slug))
    return render_template("auth/join_invitation.html", form=form, invitation=invitation)


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        db.session.commit()
        flash("If an account has that email, a reset link is on its way.", "info")
        return redirect(url_for("auth.sign_in"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/request_reset.html", form=form), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        service.person_for_reset(token)
    except DomainError as error:
        return render_template("error.html", message=error.message, status=error.status), error.status
    form = ResetPasswordForm()
    if form.validate_on_submit():
        person = service.reset_password(token=token, password=form.password.data)
        db.session.commit()
        login_user(person)
        flash("Your password is changed.", "success")
        return redirect(url_for("main.home"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/reset_password.html", form=form), status
