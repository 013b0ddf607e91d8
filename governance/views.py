"""Pages of the foundation: home, networks, co-ops, their admin, settings and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import refresh
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from governance import audit, outbox, service, templating
from governance.database import count_rows, holds_text
from governance.errors import DomainError
from governance.extensions import db
from governance.forms import (
    AdmitForm,
    CoopForm,
    CoopRoleForm,
    EmptyForm,
    InviteForm,
    NetworkForm,
    NetworkRoleForm,
    ProfileForm,
    TokenForm,
    show_refusal,
)
from governance.headers import no_store
from governance.models import (
    AccessToken,
    Coop,
    CoopMembership,
    CoopRole,
    Invitation,
    Network,
    NetworkMembership,
    NetworkRoleKind,
    Person,
    person_by_email,
)
from governance.paging import page_number
from governance.permissions import Perm, can, may_invite_first_delegate, require
from governance.templating import viewer_zone, waiting_page
from governance.texts import _, _l
from governance.timezones import all_zones
from governance.words import role_as

bp = Blueprint("main", __name__)


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here is for signed-in people."""


def by_slug(model, slug: str):
    return db.session.scalar(select(model).where(model.slug == slug)) or abort(404)


@bp.get("/")
def home():
    page = page_number()
    waiting, total = waiting_page(current_user, page)
    pages = -(-total // templating.WAITING_PER_PAGE)
    if page > max(pages, 1):  # past the end: the last page, not "nothing is waiting"
        page = max(pages, 1)
        waiting, total = waiting_page(current_user, page)
    return render_template(
        "home.html",
        waiting=waiting,
        waiting_total=total,
        waiting_page=page,
        waiting_pages=pages,
        first_steps=_first_steps(),
    )


def _first_steps() -> list[dict] | None:
    """For the admin of a new instance, the way to a working network: a network, a co-op in it, and an
    invitation to its first delegate; None once every step is done, or for anyone who cannot take them."""
    if not can(current_user, Perm.NETWORK_CREATE):
        return None
    network = db.session.scalar(select(Network).order_by(Network.id).limit(1))
    coop = db.session.scalar(select(Coop).order_by(Coop.id).limit(1))
    invited = coop is not None and (
        db.session.scalar(select(Invitation.id).limit(1)) is not None
        or db.session.scalar(select(CoopMembership.id).limit(1)) is not None
    )
    if network and coop and invited:
        return None
    return [
        {
            "text": _("Create the network your co-ops decide in (CoTech, a regional federation, ...)."),
            "url": url_for(".new_network"),
            "link": _("Create a network"),
            "done": network is not None,
        },
        {
            "text": _("Add its first co-op: its name, country, city and time zone."),
            "url": url_for(".new_coop", slug=network.slug) if network else None,
            "link": _("Add a co-op"),
            "done": coop is not None,
        },
        {
            "text": _(
                "Invite the co-op's first delegate by email: they follow the mailed link, choose a "
                "password, and invite the rest of their co-op."
            ),
            "url": url_for(".coop", slug=coop.slug) if coop else None,
            "link": _("Invite a delegate"),
            "done": invited,
        },
    ]


@bp.get("/networks")
def networks():
    rows = db.session.scalars(select(Network).order_by(Network.name)).all()
    # Counted in the database: loading each network's memberships to count them read every co-op.
    counted = select(NetworkMembership.network_id, func.count()).group_by(NetworkMembership.network_id)
    counts = {network_id: n for network_id, n in db.session.execute(counted)}
    return render_template("networks/list.html", networks=rows, counts=counts)


@bp.route("/networks/new", methods=["GET", "POST"])
def new_network():
    require(current_user, Perm.NETWORK_CREATE)
    form = NetworkForm()
    if form.validate_on_submit():
        try:
            network = service.create_network(
                actor=current_user, name=form.name.data, description=form.description.data or ""
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _("%(network)s is created. Name its admins and admit its co-ops.", network=network.name),
                "success",
            )
            return redirect(url_for(".network", slug=network.slug))
    return render_template("networks/new.html", form=form), 400 if form.errors or form.form_errors else 200


NETWORK_COOPS_PER_PAGE = 50


@bp.get("/networks/<slug>")
def network(slug: str):
    network = by_slug(Network, slug)
    coops = db.paginate(
        select(Coop)
        .join(NetworkMembership, NetworkMembership.coop_id == Coop.id)
        .where(NetworkMembership.network_id == network.id)
        .order_by(func.lower(Coop.name), Coop.id),
        page=page_number("coops"),
        per_page=NETWORK_COOPS_PER_PAGE,
        error_out=False,
    )  # a network can be a thousand co-ops: a page of them by name
    _with_people(coops.items)
    admit_form = AdmitForm()
    find = (request.args.get("find") or "").strip()[:FIND_MAX]
    admit_form.coop.choices, admittable = _admittable(network, find=find)
    return render_template(
        "networks/show.html",
        network=network,
        coops=coops,
        coop_form=CoopForm(),
        admit_form=admit_form,
        admittable=admittable,
        find=find,
        admit_choices=ADMIT_CHOICES,
        role_form=NetworkRoleForm(),
        action_form=EmptyForm(),
        zones=all_zones(),
    )


def _with_people(coops: list[Coop]) -> None:
    """Load the co-ops' people (their delegates are listed) in one query, not one a co-op."""
    query = select(Coop).where(Coop.id.in_([c.id for c in coops]))
    db.session.scalars(query.options(selectinload(Coop.people).selectinload(CoopMembership.person))).all()


# Up to this many co-ops that could be admitted are a list to choose from; beyond it (an instance of
# thousands), the admin finds them by name, and the list holds the first this many that match.
ADMIT_CHOICES = 50
FIND_MAX = 100


def _admittable_query(network: Network):
    """Co-ops outside this network that the viewer administers elsewhere (`permissions.administers_coop`,
    see service.admit_coop), by name; None for a viewer who is not the network's admin."""
    if not can(current_user, Perm.NETWORK_ADMIN, network):
        return None  # the form is for the network's admins only
    inside = select(NetworkMembership.id).where(
        NetworkMembership.coop_id == Coop.id, NetworkMembership.network_id == network.id
    )
    query = (
        select(Coop.id, Coop.name, Coop.country)
        .where(~inside.exists())
        .order_by(func.lower(Coop.name), Coop.id)
    )
    if not current_user.is_superuser:
        administered = [r.network_id for r in current_user.network_roles if r.role == NetworkRoleKind.ADMIN]
        query = query.where(Coop.network_memberships.any(NetworkMembership.network_id.in_(administered)))
    return query


def _admittable(
    network: Network, *, find: str = "", chosen: int | None = None
) -> tuple[list[tuple[int, str]], int]:
    """The co-ops the admit form offers, as (id, label), and how many could be admitted in all: every one
    when there are at most ADMIT_CHOICES, else the first ADMIT_CHOICES whose name or slug holds `find`
    (none without it); `chosen`, for a form sent, the one co-op it names, if it may be admitted."""
    query = _admittable_query(network)
    if query is None:
        return [], 0
    if chosen is not None:
        rows, total = list(db.session.execute(query.where(Coop.id == chosen))), 1
    else:
        total = count_rows(query)
        if total > ADMIT_CHOICES:
            if not find:
                return [], total
            query = query.where(holds_text(Coop.name, find) | holds_text(Coop.slug, find))
        rows = list(db.session.execute(query.limit(ADMIT_CHOICES)))
    return [(coop_id, f"{name} ({country})") for coop_id, name, country in rows], total


@bp.route("/networks/<slug>/coops/new", methods=["GET", "POST"])
def new_coop(slug: str):
    network = by_slug(Network, slug)
    require(current_user, Perm.NETWORK_ADMIN, network)
    form = CoopForm()
    if form.validate_on_submit():
        try:
            coop = service.create_coop(
                actor=current_user,
                network=network,
                name=form.name.data,
                country=form.country.data,
                city=form.city.data or "",
                time_zone=form.time_zone.data,
                worker_members=form.worker_members.data,
                website=form.website.data or "",
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "%(coop)s is admitted to %(network)s. Invite its delegates next.",
                    coop=coop.name,
                    network=network.name,
                ),
                "success",
            )
            return redirect(url_for(".coop", slug=coop.slug))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("coops/new.html", form=form, network=network, zones=all_zones()), status


@bp.post("/networks/<slug>/admit")
def admit(slug: str):
    network = by_slug(Network, slug)
    require(current_user, Perm.NETWORK_ADMIN, network)
    form = AdmitForm()
    form.coop.choices, _total = _admittable(
        network, chosen=form.coop.data if isinstance(form.coop.data, int) else 0
    )
    if not form.validate_on_submit():
        flash(_("Choose a co-op that is not in the network yet."), "error")
        return redirect(url_for(".network", slug=slug)), 303
    coop = db.session.get(Coop, form.coop.data) or abort(404)
    service.admit_coop(actor=current_user, network=network, coop=coop)
    db.session.commit()
    flash(_("%(coop)s is admitted to %(network)s.", coop=coop.name, network=network.name), "success")
    return redirect(url_for(".network", slug=slug))


@bp.post("/networks/<slug>/roles")
def grant_role(slug: str):
    network = by_slug(Network, slug)
    require(current_user, Perm.NETWORK_ADMIN, network)
    form = NetworkRoleForm()
    if form.validate_on_submit():
        person = person_by_email(form.email.data)
        if person is None:
            flash(
                _(
                    "Nobody has an account with %(email)s: invite them to their co-op first.",
                    email=form.email.data,
                ),
                "error",
            )
        else:
            service.grant_network_role(
                actor=current_user, network=network, person=person, role=form.role.data
            )
            db.session.commit()
            flash(
                _(
                    "%(person)s is now %(role)s of %(network)s.",
                    person=person.name,
                    role=role_as(form.role.data),
                    network=network.name,
                ),
                "success",
            )
    else:
        flash(_("Give the email of a person and a role."), "error")
    return redirect(url_for(".network", slug=slug))


@bp.post("/networks/<slug>/roles/<int:person_id>/<role>/revoke")
def revoke_role(slug: str, person_id: int, role: str):
    network = by_slug(Network, slug)
    person = db.session.get(Person, person_id) or abort(404)
    if role not in NetworkRoleKind.__members__.values():
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.revoke_network_role(
        actor=current_user, network=network, person=person, role=NetworkRoleKind(role)
    )
    db.session.commit()
    flash(
        _(
            "%(person)s is no longer %(role)s of %(network)s.",
            person=person.name,
            role=role_as(role),
            network=network.name,
        ),
        "success",
    )
    return redirect(url_for(".network", slug=slug))


@bp.get("/coops/<slug>")
def coop(slug: str):
    return _coop_page(by_slug(Coop, slug), InviteForm())


def _coop_page(coop: Coop, invite_form, *, status: int = 200, new_invitation: Invitation | None = None):
    page = render_template(
        "coops/show.html",
        coop=coop,
        invite_form=invite_form,
        role_form=CoopRoleForm(),
        empty_form=EmptyForm(formdata=None),
        pending=service.pending_invitations(coop),
        new_invitation=new_invitation,
        can_invite=_can_invite(coop),
    )
    return page, status, {"Cache-Control": "no-store"} if new_invitation else {}


def _can_invite(coop: Coop) -> bool:
    return can(current_user, Perm.COOP_ADMIN, coop) or may_invite_first_delegate(current_user, coop)


@bp.post("/coops/<slug>/invite")
def invite(slug: str):
    coop = by_slug(Coop, slug)
    if not _can_invite(coop):
        require(current_user, Perm.COOP_ADMIN, coop)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation = service.invite_person(
                actor=current_user, coop=coop, email=form.email.data, role=form.role.data
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            # The link is shown on this page, once, never in a flash message: those travel in the
            # session cookie, which is signed but not encrypted, and stays in the browser.
            return _coop_page(coop, InviteForm(formdata=None), new_invitation=invitation)
    return _coop_page(coop, form, status=400)


def _invitation_of(coop: Coop, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.coop_id != coop.id:
        abort(404)
    return invitation


@bp.post("/coops/<slug>/invitations/<int:invitation_id>/cancel")
def cancel_invitation(slug: str, invitation_id: int):
    coop = by_slug(Coop, slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    invitation = service.cancel_invitation(_invitation_of(coop, invitation_id), actor=current_user)
    db.session.commit()
    flash(
        _("The invitation of %(email)s is cancelled: its link no longer works.", email=invitation.email),
        "success",
    )
    return redirect(url_for(".coop", slug=slug, _anchor="pending-h"))


@bp.post("/coops/<slug>/invitations/<int:invitation_id>/resend")
def resend_invitation(slug: str, invitation_id: int):
    coop = by_slug(Coop, slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    fresh = service.resend_invitation(_invitation_of(coop, invitation_id), actor=current_user)
    db.session.commit()
    # As for a new invitation: the link is shown on this page once, never in a flash (see invite()).
    return _coop_page(coop, InviteForm(formdata=None), new_invitation=fresh)


@bp.post("/coops/<slug>/people/<int:person_id>/role")
def set_role(slug: str, person_id: int):
    coop = by_slug(Coop, slug)
    person = db.session.get(Person, person_id) or abort(404)
    form = CoopRoleForm()
    if not form.validate_on_submit():
        flash(_("Choose member or delegate."), "error")
        return redirect(url_for(".coop", slug=slug))
    service.set_coop_role(actor=current_user, coop=coop, person=person, role=CoopRole(form.role.data))
    db.session.commit()
    flash(
        _(
            "%(person)s is now %(role)s of %(coop)s.",
            person=person.name,
            role=role_as(form.role.data),
            coop=coop.name,
        ),
        "success",
    )
    return redirect(url_for(".coop", slug=slug))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        service.update_profile(
            actor=current_user,
            name=form.name.data,
            time_zone=form.time_zone.data,
            locale=form.locale.data or None,
        )
        db.session.commit()
        refresh()  # the message below is in the language just chosen
        flash(_("Your settings are saved."), "success")
        return redirect(url_for(".settings"))
    return _settings_page(form, TokenForm(), status=400 if form.errors else 200)


def _settings_page(form, token_form, *, new_token: str | None = None, status: int = 200):
    tokens = db.session.scalars(
        select(AccessToken)
        .where(AccessToken.person_id == current_user.id)
        .order_by(AccessToken.created_at.desc())
    ).all()
    return render_template(
        "settings.html",
        form=form,
        token_form=token_form,
        tokens=tokens,
        new_token=new_token,
        action_form=EmptyForm(),
        zones=all_zones(),
    ), status


@bp.post("/settings/tokens")
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _settings_page(ProfileForm(obj=current_user), form, status=400)
    _token, secret = service.create_token(actor=current_user, name=form.name.data)
    db.session.commit()
    page, status = _settings_page(ProfileForm(obj=current_user), TokenForm(formdata=None), new_token=secret)
    return no_store(make_response(page, status))


@bp.post("/settings/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    token = db.session.get(AccessToken, token_id)
    if token is None or token.person_id != current_user.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.revoke_token(actor=current_user, token=token)
    db.session.commit()
    flash(_("The token %(name)s is revoked.", name=repr(token.name)), "success")
    return redirect(url_for(".settings"))


@bp.get("/audit")
def audit_log():
    require(current_user, Perm.AUDIT_READ)
    visible = [
        n
        for n in db.session.scalars(select(Network).order_by(Network.name))
        if can(current_user, Perm.AUDIT_READ, n)
    ]
    filters, problems = _audit_filters(visible)
    query = select(audit.AuditEvent).order_by(audit.AuditEvent.seq.desc())
    network_ids = [filters["network"].id] if filters.get("network") else [n.id for n in visible]
    if not current_user.is_superuser or filters.get("network"):
        query = query.where(audit.AuditEvent.networks.any(Network.id.in_(network_ids)))
    if filters.get("actor"):
        query = query.where(audit.AuditEvent.actor_label.ilike(f"%{filters['actor']}%"))
    if filters.get("action"):
        query = query.where(audit.AuditEvent.action == filters["action"])
    if filters.get("since"):
        query = query.where(audit.AuditEvent.at >= filters["since"])
    if filters.get("until"):
        query = query.where(audit.AuditEvent.at < filters["until"])
    page = db.paginate(query, page=page_number(), per_page=50, error_out=False)
    actions = db.session.scalars(
        select(audit.AuditEvent.action).distinct().order_by(audit.AuditEvent.action)
    ).all()
    return render_template(
        "audit.html", page=page, networks=visible, actions=actions, args=request.args, problems=problems
    ), (400 if problems else 200)


def _audit_filters(visible: list[Network]) -> tuple[dict, list[str]]:
    """Read the filters from the query string; a bad one is named, never silently ignored."""
    args, filters, problems = request.args, {}, []
    if slug := args.get("network"):
        match = next((n for n in visible if n.slug == slug), None)
        if match is None:
            problems.append(_("You cannot read the log of a network called %(slug)s.", slug=repr(slug)))
        filters["network"] = match
    filters["actor"] = args.get("actor", "").strip()
    filters["action"] = args.get("action", "").strip()
    for key, shift in (("since", timedelta(0)), ("until", timedelta(days=1))):
        if value := args.get(key):
            try:
                day = datetime.strptime(value, "%Y-%m-%d")
                # The day is the viewer's: midnight in their own zone.
                moment = datetime.combine(day.date(), time(), tzinfo=ZoneInfo(viewer_zone())) + shift
                filters[key] = moment.astimezone(UTC)  # a day at the calendar's edge may not exist in UTC
            except (ValueError, OverflowError):
                problems.append(
                    _("From must be a date like 2026-11-25, between years 1 and 9998.")
                    if key == "since"
                    else _("To must be a date like 2026-11-25, between years 1 and 9998.")
                )
    return filters, problems


OUTBOX_VIEWS = {"failed": _l("Failed, not retried"), "waiting": _l("Waiting"), "done": _l("Done")}


@bp.get("/admin/outbox")
def outbox_list():
    require(current_user, Perm.OUTBOX_READ)
    shown = request.args.get("state", "failed")
    if shown not in OUTBOX_VIEWS:
        shown = "failed"
    item = outbox.OutboxItem
    condition = {
        "failed": item.failed_at.is_not(None),
        "waiting": item.done_at.is_(None) & item.failed_at.is_(None),
        "done": item.done_at.is_not(None),
    }[shown]
    query = select(item).where(condition).order_by(item.id.desc())
    page = db.paginate(query, page=page_number(), per_page=50, error_out=False)
    return render_template(
        "outbox.html",
        page=page,
        shown=shown,
        views=OUTBOX_VIEWS,
        form=EmptyForm(),
        max_attempts=outbox.MAX_ATTEMPTS,
    )


@bp.post("/admin/outbox/<int:item_id>/retry")
def outbox_retry(item_id: int):
    require(current_user, Perm.OUTBOX_READ)
    if not EmptyForm().validate_on_submit():
        abort(400)
    item = db.session.get(outbox.OutboxItem, item_id) or abort(404)
    outbox.retry(item, actor=current_user)
    db.session.commit()  # handed on at once
    db.session.refresh(item)
    if item.done_at is not None:
        flash(_("%(what)s: sent.", what=item.summary), "success")
    else:
        flash(
            _(
                "%(what)s: it failed again (%(error)s); it is retried later.",
                what=item.summary,
                error=item.last_error,
            ),
            "error",
        )
    return redirect(url_for(".outbox_list", state="failed"))
