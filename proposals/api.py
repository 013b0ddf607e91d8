"""The proposals API under /api/v1 (authenticated by governance.api, errors mapped by error_handlers)."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance import paging
from governance.errors import InvalidInput, NotFound
from governance.extensions import db
from governance.models import Coop, Network
from governance.paging import PAGINATION_HEADER, PageQuerySchema, api_page, page_header, pagination_header
from governance.texts import _
from proposals import diff, service
from proposals.limits import comment_limit
from proposals.models import Comment, Proposal
from proposals.schemas import (
    CommentEditSchema,
    CommentInSchema,
    CommentSchema,
    CompareQuerySchema,
    DiffSchema,
    InterestInSchema,
    ProposalEditSchema,
    ProposalInSchema,
    ProposalQuerySchema,
    ProposalSchema,
    ProposalSummarySchema,
    RevisionSchema,
    StateChangeSchema,
    TransitionInSchema,
    WhoIsInSchema,
)

blp = Blueprint(
    "proposals_api", __name__, url_prefix="/api/v1", description="Proposals, revisions, lifecycle, discussion"
)


def _proposal(proposal_id: int) -> Proposal:
    return service.get_visible(current_user, proposal_id)


@blp.route("/proposals")
@blp.arguments(ProposalQuerySchema, location="query")
@blp.response(200, ProposalSummarySchema(many=True), headers=PAGINATION_HEADER)
def list_proposals(args):
    """Proposals the caller can see, newest first, 50 a page; filter by network, kind and state."""
    query = service.visible_query(current_user)
    if slug := args.get("network"):
        network = db.session.scalar(select(Network).where(Network.slug == slug))
        if network is None:
            raise InvalidInput(
                _("Unknown network: %(networks)s.", networks=slug),
                errors={"network": [_("Unknown network.")]},
            )
        query = query.where(Proposal.networks.any(Network.id == network.id))
    if kind := args.get("kind"):
        query = query.where(Proposal.kind == kind)
    if state := args.get("state"):
        query = query.where(Proposal.state == state)
    return api_page(query.options(selectinload(Proposal.networks)), args["page"])


@blp.route("/proposals", methods=["POST"])
@blp.arguments(ProposalInSchema)
@blp.response(201, ProposalSchema)
def create_proposal(data):
    """Draft a proposal (a steward of every addressed network)."""
    networks = service.networks_by_slugs(data.pop("networks"))
    proposal = service.create_proposal(actor=current_user, networks=networks, **data)
    db.session.commit()
    return proposal


@blp.route("/proposals/<int:proposal_id>")
@blp.response(200, ProposalSchema)
def get_proposal(proposal_id):
    """A proposal; if its vote is past its close, the vote is closed first and the state shows the outcome."""
    proposal = _proposal(proposal_id)
    if service.settle(proposal):
        db.session.commit()
    return proposal


@blp.route("/proposals/<int:proposal_id>", methods=["PATCH"])
@blp.arguments(ProposalEditSchema)
@blp.response(200, ProposalSchema)
def edit_proposal(data, proposal_id):
    """Edit the text or facts before any vote (stewards); every edit makes a revision. Missing fields stay."""
    proposal = _proposal(proposal_id)
    current = {
        "title": proposal.title,
        "summary": proposal.summary,
        "body": proposal.body,
        "kind": proposal.kind,
    }
    facts = {**proposal.facts, **data.pop("facts", {})}
    service.edit_proposal(proposal, actor=current_user, **{**current, **data}, facts=facts)
    db.session.commit()
    return proposal


@blp.route("/proposals/<int:proposal_id>/revisions")
@blp.response(200, RevisionSchema(many=True))
def revisions(proposal_id):
    return _proposal(proposal_id).revisions


@blp.route("/proposals/<int:proposal_id>/revisions/<int:number>")
@blp.response(200, RevisionSchema)
def revision(proposal_id, number):
    return service.get_revision(_proposal(proposal_id), number)


@blp.route("/proposals/<int:proposal_id>/compare")
@blp.arguments(CompareQuerySchema, location="query")
@blp.response(200, DiffSchema)
def compare(args, proposal_id):
    """Two revisions compared field by field, line by line."""
    proposal = _proposal(proposal_id)
    old, new = service.get_revision(proposal, args["from_"]), service.get_revision(proposal, args["to"])
    return {"from_": old.number, "to": new.number, "sections": diff.compare(old, new)}


@blp.route("/proposals/<int:proposal_id>/transitions")
@blp.response(200, StateChangeSchema(many=True))
def transitions(proposal_id):
    """The proposal's timeline of lifecycle steps."""
    return _proposal(proposal_id).state_changes


@blp.route("/proposals/<int:proposal_id>/transitions", methods=["POST"])
@blp.arguments(TransitionInSchema)
@blp.response(201, StateChangeSchema)
@blp.alt_response(
    409, description="Not allowed from the current state: the body names current_state and allowed."
)
def take_transition(data, proposal_id):
    """Take a lifecycle step (stewards of an addressed network)."""
    change = service.take_step(
        _proposal(proposal_id), data["transition"], actor=current_user, note=data["note"]
    )
    db.session.commit()
    return change


@blp.route("/proposals/<int:proposal_id>/comments")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, CommentSchema(many=True), headers=PAGINATION_HEADER)
def comments(args, proposal_id):
    """The discussion, a page of 50 at a time: threads in order, each reply after its thread's comments."""
    page = db.paginate(
        service.comments_query(_proposal(proposal_id)),
        page=args["page"],
        per_page=service.COMMENTS_PER_PAGE,
        error_out=False,
    )
    return page.items, pagination_header(page)


@blp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
@comment_limit
@blp.arguments(CommentInSchema)
@blp.response(201, CommentSchema)
@blp.alt_response(429, description="Too many comments from one person: the message says when to post again.")
def add_comment(data, proposal_id):
    """Comment, or reply to a comment (people of addressed co-ops)."""
    proposal = _proposal(proposal_id)
    parent = None
    if data.get("parent_id") is not None:
        parent = db.session.get(Comment, data["parent_id"])
        if parent is None or parent.proposal_id != proposal.id:
            raise NotFound(_("There is no comment %(id)s in this discussion.", id=data["parent_id"]))
    made = service.add_comment(proposal, actor=current_user, body=data["body"], parent=parent)
    db.session.commit()
    return made


@blp.route("/proposals/<int:proposal_id>/comments/<int:comment_id>", methods=["PATCH"])
@blp.arguments(CommentEditSchema)
@blp.response(200, CommentSchema)
def edit_comment(data, proposal_id, comment_id):
    """Edit your own comment; it is marked as edited."""
    proposal = _proposal(proposal_id)
    found = db.session.get(Comment, comment_id)
    if found is None or found.proposal_id != proposal.id:
        raise NotFound(_("There is no comment %(id)s in this discussion.", id=comment_id))
    service.edit_comment(found, actor=current_user, body=data["body"])
    db.session.commit()
    return found


@blp.route("/proposals/<int:proposal_id>/interest")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, WhoIsInSchema, headers=PAGINATION_HEADER)
def who_is_in(args, proposal_id):
    """The addressed co-ops with their signals, by name, 50 a page, and the totals over every one."""
    return _who_is_in(_proposal(proposal_id), args["page"])


def _who_is_in(proposal: Proposal, page: int):
    """A page of who is in, with its X-Pagination header; past the last page, no co-ops (the totals still)."""
    who = service.who_is_in(proposal, page, per_page=paging.API_PER_PAGE)
    if page > who.pages:
        who.rows = []
    return who, page_header(page, who.pages if who.total else 0, who.total)


@blp.route("/proposals/<int:proposal_id>/interest/<coop_slug>", methods=["PUT"])
@blp.arguments(InterestInSchema)
@blp.response(200, WhoIsInSchema, headers=PAGINATION_HEADER)
def signal_interest(data, proposal_id, coop_slug):
    """Say whether a co-op is in (its delegates, while the proposal is in discussion)."""
    proposal = _proposal(proposal_id)
    coop = db.session.scalar(select(Coop).where(Coop.slug == coop_slug))
    if coop is None:
        raise NotFound(_("No co-op called %(slug)r.", slug=coop_slug))

    service.signal_interest(proposal, actor=current_user, coop=coop, **data)
    db.session.commit()
    return _who_is_in(proposal, 1)
