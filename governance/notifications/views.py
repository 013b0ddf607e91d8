"""Pages of notifications: the list, the choices per kind, one-click unsubscribe, the calendar feed,
and a network's chat connections."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from governance.errors import DomainError
from governance.extensions import csrf, db
from governance.forms import EmptyForm
from governance.models import Network
from governance.notifications import chat, service
from governance.notifications.calendar import feed_for
from governance.notifications.forms import ChatForm
from governance.notifications.kinds import Delivery, Kind
from governance.notifications.models import ChatConnection
from governance.permissions import is_admin_of
from governance.texts import _

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@login_required
def index():
    rows = service.recent(current_user)
    unread = {r.id for r in rows if r.read_at is None}
    service.mark_read(current_user)
    db.session.commit()
    return render_template("notifications/list.html", rows=rows, unread=unread)


@bp.post("/preferences")
@login_required
def preferences():
    if not EmptyForm().validate_on_submit():
        abort(400)
    choices = {
        k.value: request.form.get(f"kind-{k.value}", "") for k in Kind if f"kind-{k.value}" in request.form
    }
    try:
        service.set_preferences(actor=current_user, choices=choices)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("main.settings", _anchor="notifications")), 303
    db.session.commit()
    flash(_("Your notification choices are saved."), "success")
    return redirect(url_for("main.settings", _anchor="notifications"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" with no session or token
def unsubscribe(token: str):
    person, kind = service.read_unsubscribe_token(token)
    what = service.unsubscribe_what(kind)
    if request.method == "GET":  # a link checker may fetch it: only the POST changes anything
        return render_template("notifications/unsubscribe.html", token=token, what=what, done=False)
    service.unsubscribe(person, kind)
    db.session.commit()
    return render_template("notifications/unsubscribe.html", token=token, what=what, done=True)


@bp.post("/calendar")
@login_required
def new_feed():
    if not EmptyForm().validate_on_submit():
        abort(400)
    token = service.new_feed(actor=current_user)
    db.session.commit()
    url = service.absolute(url_for(".feed", token=token))
    return render_template("notifications/feed_created.html", url=url)


@bp.post("/calendar/revoke")
@login_required
def revoke_feed():
    if not EmptyForm().validate_on_submit():
        abort(400)
    if service.revoke_feed(actor=current_user):
        db.session.commit()
        flash(_("Your calendar link is revoked: calendars using it will stop updating."), "success")
    return redirect(url_for("main.settings", _anchor="calendar"))


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """The secret personal feed: no sign-in, the link is the key."""
    person = service.feed_person(token)
    body = feed_for(person)
    db.session.commit()
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"})


def _network(slug: str) -> Network:
    network = db.session.scalar(select(Network).where(Network.slug == slug)) or abort(404)
    if not is_admin_of(current_user, network):
        abort(403, description=_("Only an admin of %(network)s connects its chat.", network=network.name))
    return network


def _chat_page(network: Network, form: ChatForm, status: int = 200):
    return render_template(
        "notifications/chat.html",
        network=network,
        connections=chat.connections(network),
        form=form,
        action_form=EmptyForm(formdata=None),
    ), status


@bp.get("/chat/<slug>")
@login_required
def chat_settings(slug: str):
    return _chat_page(_network(slug), ChatForm(formdata=None))


@bp.post("/chat/<slug>")
@login_required
def connect_chat(slug: str):
    network = _network(slug)
    form = ChatForm()
    if not form.validate_on_submit():
        return _chat_page(network, form, 400)
    try:
        chat.connect(network, actor=current_user, url=form.url.data, label=form.label.data or "")
    except DomainError as error:
        db.session.rollback()
        form.url.errors = [error.message]
        return _chat_page(network, form, int(error.status))
    db.session.commit()
    flash(_("The chat is connected. Send a test message to check it."), "success")
    return redirect(url_for(".chat_settings", slug=slug))


def _connection(slug: str, connection_id: int) -> ChatConnection:
    network = _network(slug)
    connection = db.session.get(ChatConnection, connection_id)
    if connection is None or connection.network_id != network.id or connection.removed_at is not None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return connection


@bp.post("/chat/<slug>/<int:connection_id>/test")
@login_required
def test_chat(slug: str, connection_id: int):
    connection = _connection(slug, connection_id)
    chat.send_test(connection, actor=current_user)
    db.session.commit()  # the message is posted after this, by a job: the page never waits on the chat
    flash(_("A test message is on its way; how it went shows below."), "success")
    return redirect(url_for(".chat_settings", slug=slug))


@bp.post("/chat/<slug>/<int:connection_id>/remove")
@login_required
def remove_chat(slug: str, connection_id: int):
    connection = _connection(slug, connection_id)
    chat.disconnect(connection, actor=current_user)
    db.session.commit()
    flash(_("The chat is disconnected."), "success")
    return redirect(url_for(".chat_settings", slug=slug))


def settings_context(person) -> dict:
    """For the settings page's notification and calendar sections."""
    return {
        "kinds": list(Kind),
        "deliveries": list(Delivery),
        "chosen": service.preferences(person),
        "feed": service.active_feed(person),
        "form": EmptyForm(formdata=None),
    }
