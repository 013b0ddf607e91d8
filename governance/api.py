"""The JSON API under /api/v1: authentication, the foundation's endpoints, and registering every feature's."""

from __future__ import annotations

from flask import Flask, abort, g, render_template, request
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from governance import service
from governance.errors import NotFound
from governance.extensions import api, csrf, db
from governance.models import (
    Coop,
    CoopMembership,
    CoopRole,
    Network,
    NetworkMembership,
    NetworkRole,
    person_by_email,
)
from governance.paging import PAGINATION_HEADER, PageQuerySchema, api_page
from governance.permissions import Perm, require
from governance.schemas import (
    AdmissionInSchema,
    CoopSchema,
    InvitationInSchema,
    InvitationSchema,
    MemberSchema,
    MembershipSchema,
    MeSchema,
    NetworkRoleInSchema,
    NetworkRoleSchema,
    NetworkSchema,
    NetworkSummarySchema,
    RoleChangeSchema,
)
from governance.texts import _

PUBLIC_PATHS = {"/api/v1/openapi.json", "/api/v1/docs"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

blp = Blueprint("core", __name__, url_prefix="/api/v1", description="Networks, co-ops, people and roles")


def authenticate_api() -> None:
    """A bearer token, when sent, decides who is calling (a browser session is then ignored);
    without one, a browser session may read but not change anything (a JSON API has no CSRF token)."""
    if request.path in PUBLIC_PATHS:
        return
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _space, secret = header.partition(" ")
        person = service.person_for_token(secret.strip()) if scheme.lower() == "bearer" else None
        if person is None:
            abort(
                401,
                description=_(
                    "That token is not valid or was revoked: send 'Authorization: Bearer <token>'."
                ),
            )
        if db.session.dirty:
            db.session.commit()  # the token's last-used time, kept to the minute
        g._login_user = person  # where Flask-Login keeps the current user for this request
        return
    if not current_user.is_authenticated:
        abort(401, description=_("Send 'Authorization: Bearer <token>'."))
    if request.method not in SAFE_METHODS:
        abort(401, description=_("Changes through the API need 'Authorization: Bearer <token>'."))


def by_slug(model, slug: str):
    found = db.session.scalar(select(model).where(model.slug == slug))
    if found is None:
        if model is Coop:
            raise NotFound(_("No co-op called %(slug)s.", slug=repr(slug)))
        raise NotFound(_("No network called %(slug)s.", slug=repr(slug)))
    return found


def _coop_records():
    """What a page of co-ops' records names, loaded with the page at once: their networks and people (their
    delegates). Made when asked: at import, before every model is, the mappers cannot be configured."""
    return (
        selectinload(Coop.network_memberships).joinedload(NetworkMembership.network),
        selectinload(Coop.people).joinedload(CoopMembership.person),
    )


@blp.route("/me")
@blp.response(200, MeSchema)
def me():
    """The person the token belongs to, with their co-ops and network roles."""
    return current_user


@blp.route("/networks")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, NetworkSummarySchema(many=True), headers=PAGINATION_HEADER)
def list_networks(args):
    """The networks of this instance by name, 50 a page, with their stewards and admins; a network's
    co-ops are at /networks/{slug}/coops."""
    query = select(Network).order_by(func.lower(Network.name), Network.id)
    return api_page(query.options(selectinload(Network.roles).joinedload(NetworkRole.person)), args["page"])


@blp.route("/networks", methods=["POST"])
@blp.arguments(NetworkSchema)
@blp.response(201, NetworkSchema)
def create_network(data):
    """Create a network (instance administrators)."""
    network = service.create_network(actor=current_user, **data)
    db.session.commit()
    return network


@blp.route("/networks/<slug>")
@blp.response(200, NetworkSchema)
def get_network(slug):
    return by_slug(Network, slug)


@blp.route("/networks/<slug>/coops")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, CoopSchema(many=True), headers=PAGINATION_HEADER)
def network_coops(args, slug):
    """The co-ops admitted to a network, by name, 50 a page."""
    network = by_slug(Network, slug)
    query = (
        select(Coop)
        .join(NetworkMembership, NetworkMembership.coop_id == Coop.id)
        .where(NetworkMembership.network_id == network.id)
        .order_by(func.lower(Coop.name), Coop.id)
    )
    return api_page(query.options(*_coop_records()), args["page"])


@blp.route("/networks/<slug>/coops", methods=["POST"])
@blp.arguments(CoopSchema)
@blp.response(201, CoopSchema)
def create_coop(data, slug):
    """Create a co-op and admit it to this network (its admins)."""
    coop = service.create_coop(actor=current_user, network=by_slug(Network, slug), **data)
    db.session.commit()
    return coop


@blp.route("/networks/<slug>/admissions", methods=["POST"])
@blp.arguments(AdmissionInSchema)
@blp.response(201, CoopSchema)
def admit_coop(data, slug):
    """Admit an existing co-op to this network (its admins)."""
    network = by_slug(Network, slug)
    coop = by_slug(Coop, data["coop"])
    service.admit_coop(actor=current_user, network=network, coop=coop)
    db.session.commit()
    return coop


@blp.route("/networks/<slug>/roles")
@blp.response(200, NetworkRoleSchema(many=True))
def network_roles(slug):
    """Stewards and admins of a network."""
    return by_slug(Network, slug).roles


@blp.route("/networks/<slug>/roles", methods=["POST"])
@blp.arguments(NetworkRoleInSchema)
@blp.response(201, NetworkRoleSchema)
def grant_network_role(data, slug):
    """Name a steward or an admin (the network's admins)."""
    network = by_slug(Network, slug)
    require(current_user, Perm.NETWORK_ADMIN, network)
    person = person_by_email(data["email"])
    if person is None:
        raise NotFound(_("Nobody has an account with %(email)s.", email=data["email"]))
    grant = service.grant_network_role(actor=current_user, network=network, person=person, role=data["role"])
    db.session.commit()
    return grant


@blp.route("/coops")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, CoopSchema(many=True), headers=PAGINATION_HEADER)
def list_coops(args):
    """Every co-op of this instance, by name, 50 a page."""
    query = select(Coop).order_by(func.lower(Coop.name), Coop.id)
    return api_page(query.options(*_coop_records()), args["page"])


@blp.route("/coops/<slug>")
@blp.response(200, CoopSchema)
def get_coop(slug):
    return by_slug(Coop, slug)


@blp.route("/coops/<slug>/members")
@blp.response(200, MemberSchema(many=True))
def coop_members(slug):
    """The people of a co-op and their roles; emails only for those who administer it."""
    return sorted(by_slug(Coop, slug).people, key=lambda m: m.person.name.casefold())


@blp.route("/coops/<slug>/members/<int:person_id>", methods=["PATCH"])
@blp.arguments(RoleChangeSchema)
@blp.response(200, MembershipSchema)
def change_member_role(data, slug, person_id):
    """Make a person of the co-op its delegate, or a member again (network admins)."""
    coop = by_slug(Coop, slug)
    require(current_user, Perm.COOP_ADMIN, coop)
    membership = next((m for m in coop.people if m.person_id == person_id), None)
    if membership is None:
        raise NotFound(_("Person %(id)s is not in %(coop)s.", id=person_id, coop=coop.name))
    result = service.set_coop_role(
        actor=current_user, coop=coop, person=membership.person, role=CoopRole(data["role"])
    )
    db.session.commit()
    return result


@blp.route("/coops/<slug>/invitations", methods=["POST"])
@blp.arguments(InvitationInSchema)
@blp.response(201, InvitationSchema)
def invite(data, slug):
    """Invite a person into the co-op by email, with a role (network admins); they accept by the mailed link."""
    invitation = service.invite_person(actor=current_user, coop=by_slug(Coop, slug), **data)
    db.session.commit()
    return invitation


def register_api(app: Flask) -> None:
    """Register the foundation's endpoints and every feature's, behind one authentication rule."""
    from governance.agreements.api import blp as agreements_blp
    from governance.meetings.api import blp as meetings_blp
    from proposals.api import blp as proposals_blp
    from proposals.pledging.api import blp as pledging_blp
    from voting.api import blp as voting_blp

    for blueprint in (blp, proposals_blp, voting_blp, pledging_blp, meetings_blp, agreements_blp):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)

    @app.before_request
    def _authenticate_api_requests() -> None:
        if request.path.startswith("/api/"):
            authenticate_api()

    @app.get("/api/v1/docs")
    def api_docs():
        return render_template("api_docs.html", spec=api.spec.to_dict())
