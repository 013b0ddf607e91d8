"""The votes API under /api/v1 (authenticated by governance.api, errors mapped by error_handlers)."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy.orm import joinedload

from governance import paging
from governance.api import by_slug
from governance.extensions import db
from governance.models import Coop
from governance.paging import PAGINATION_HEADER, PageQuerySchema, api_page, page_header
from proposals.service import get_visible
from voting import electorate, permissions, results, service, steward
from voting.models import Ballot, Vote
from voting.schemas import (
    BallotInSchema,
    BallotSchema,
    OutcomeInSchema,
    ParticipantSchema,
    ProxyInSchema,
    ProxySchema,
    ReceiptCheckSchema,
    ReceiptsSchema,
    ReminderSchema,
    ResultDocumentSchema,
    VoteExtendInSchema,
    VoteInSchema,
    VoteSchema,
)

blp = Blueprint(
    "voting_api",
    __name__,
    url_prefix="/api/v1",
    description="Votes: opening, ballots, proxies, receipts and results",
)


def _vote(vote_id: int) -> Vote:
    return service.get_vote(current_user, vote_id)


@blp.route("/proposals/<int:proposal_id>/vote", methods=["POST"])
@blp.arguments(VoteInSchema)
@blp.response(201, VoteSchema)
def open_vote(data, proposal_id):
    """Open the vote on a proposal in discussion (stewards of an addressed network)."""
    proposal = get_visible(current_user, proposal_id)
    settings = service.VoteSettings.from_dict({**data, "time_zone": current_user.time_zone})
    vote = service.open_vote(proposal, actor=current_user, settings=settings)
    db.session.commit()
    return vote


@blp.route("/proposals/<int:proposal_id>/vote")
@blp.response(200, VoteSchema)
def proposal_vote(proposal_id):
    """The vote on a proposal (closed first if its close time has passed)."""
    vote = service.vote_of(current_user, get_visible(current_user, proposal_id))
    db.session.commit()
    return vote


@blp.route("/votes/<int:vote_id>")
@blp.response(200, VoteSchema)
def get_vote(vote_id):
    vote = _vote(vote_id)
    db.session.commit()
    return vote


@blp.route("/votes/<int:vote_id>/participation")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, ParticipantSchema(many=True), headers=PAGINATION_HEADER)
def participation(args, vote_id):
    """The co-ops of the electorate by name, 50 a page: each one's weight, whether it has voted, through
    which proxy, and the proxy it has named."""
    vote = _vote(vote_id)
    db.session.commit()
    total = electorate.turnout(vote).electorate
    pages = -(-total // paging.API_PER_PAGE)
    if args["page"] > pages:  # past the end: nothing, as every list of the API
        return [], page_header(args["page"], pages, total)
    found = electorate.participation_page(vote, args["page"], paging.API_PER_PAGE, total)
    return found.rows, page_header(found.page, pages, total)


@blp.route("/votes/<int:vote_id>/ballots", methods=["POST"])
@blp.arguments(BallotInSchema)
@blp.response(201, BallotSchema)
@blp.alt_response(409, description="The vote has closed (or not opened yet), or its proposal was withdrawn.")
def cast_ballot(data, vote_id):
    """Cast a co-op's ballot (its delegates, or its proxy's); the response carries the receipt to keep."""
    vote = _vote(vote_id)
    ballot = service.cast_ballot(
        vote,
        actor=current_user,
        coop=by_slug(Coop, data["coop"]),
        choice=data["choice"],
        reason=data.get("reason"),
    )
    db.session.commit()
    return ballot


@blp.route("/votes/<int:vote_id>/ballots")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, BallotSchema(many=True), headers=PAGINATION_HEADER)
def ballots(args, vote_id):
    """The ballots the caller may see, oldest first, 50 a page: their co-ops' (replaced ones too); after an
    open vote's close, every one."""
    vote = _vote(vote_id)
    db.session.commit()
    named = (joinedload(Ballot.coop), joinedload(Ballot.cast_by), joinedload(Ballot.proxy_coop))
    return api_page(permissions.seen_ballots(current_user, vote).options(*named), args["page"])


@blp.route("/votes/<int:vote_id>/proxies")
@blp.response(200, ProxySchema(many=True))
def proxies(vote_id):
    """Every proxy named in this vote, active or ended: proxies are public."""
    vote = _vote(vote_id)
    db.session.commit()
    return vote.proxies


@blp.route("/votes/<int:vote_id>/proxies", methods=["POST"])
@blp.arguments(ProxyInSchema)
@blp.response(201, ProxySchema)
def name_proxy(data, vote_id):
    """Let another co-op of the electorate cast your co-op's ballot (your co-op's delegates)."""
    vote = _vote(vote_id)
    made = service.name_proxy(
        vote, actor=current_user, coop=by_slug(Coop, data["coop"]), proxy=by_slug(Coop, data["proxy"])
    )
    db.session.commit()
    return made


@blp.route("/votes/<int:vote_id>/proxies/<int:proxy_id>", methods=["DELETE"])
@blp.response(200, ProxySchema)
def revoke_proxy(vote_id, proxy_id):
    """Revoke a proxy, until the close (delegates of the co-op that named it)."""
    vote = _vote(vote_id)
    proxy = service.revoke_proxy(service.get_proxy(vote, proxy_id), actor=current_user)
    db.session.commit()
    return proxy


@blp.route("/votes/<int:vote_id>/receipts")
@blp.response(200, ReceiptsSchema)
@blp.alt_response(409, description="The receipts are published when the vote closes.")
def receipts(vote_id):
    """The receipts of the ballots counted, published after the close."""
    vote = _vote(vote_id)
    db.session.commit()
    published = results.published_receipts(vote)
    return {"count": len(published), "receipts": published}


@blp.route("/votes/<int:vote_id>/receipts/<receipt>")
@blp.response(200, ReceiptCheckSchema)
def check_receipt(vote_id, receipt):
    """Whether the ballot with this receipt was counted as cast."""
    vote = _vote(vote_id)
    db.session.commit()
    return results.check_receipt(vote, actor=current_user, receipt=receipt)


@blp.route("/votes/<int:vote_id>/result")
@blp.response(200, ResultDocumentSchema)
def result(vote_id):
    """The result that explains itself: electorate, who took part and by which proxy, receipts and the count."""
    vote = _vote(vote_id)
    db.session.commit()
    return results.result_document(vote, actor=current_user)


@blp.route("/votes/<int:vote_id>/extend", methods=["POST"])
@blp.arguments(VoteExtendInSchema)
@blp.response(200, VoteSchema)
@blp.alt_response(409, description="The vote has closed (or not opened yet), or its proposal was withdrawn.")
def extend(data, vote_id):
    """Move the close later, before it passes, with a reason (stewards); every co-op of the electorate is told."""
    vote = steward.extend_close(_vote(vote_id), actor=current_user, **data)
    db.session.commit()
    return vote


@blp.route("/votes/<int:vote_id>/close-early", methods=["POST"])
@blp.response(200, VoteSchema)
@blp.alt_response(409, description="A co-op of the electorate has not cast yet, or the vote has closed.")
def close_early(vote_id):
    """Close and count now, once every co-op of the electorate has cast (stewards)."""
    vote = steward.close_early(_vote(vote_id), actor=current_user)
    db.session.commit()
    return vote


@blp.route("/votes/<int:vote_id>/remind", methods=["POST"])
@blp.response(200, ReminderSchema)
@blp.alt_response(
    409,
    description="A reminder went out less than twelve hours ago, every co-op has cast, or the vote has closed.",
)
def remind(vote_id):
    """Mail the delegates of the co-ops that have not cast yet, at most once in twelve hours (stewards)."""
    vote = _vote(vote_id)
    reminded = steward.remind(vote, actor=current_user)
    db.session.commit()
    return {"reminded": reminded, "reminded_at": vote.reminded_at, "next_at": steward.next_reminder_at(vote)}


@blp.route("/votes/<int:vote_id>/outcome", methods=["PUT"])
@blp.arguments(OutcomeInSchema)
@blp.response(200, VoteSchema)
@blp.alt_response(409, description="The vote has not closed yet.")
def write_outcome(data, vote_id):
    """Write (or rewrite) the outcome statement after the close (stewards); audited each time."""
    vote = steward.write_outcome(_vote(vote_id), actor=current_user, **data)
    db.session.commit()
    return vote
