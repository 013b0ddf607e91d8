"""The campaigns API under /api/v1 (authenticated by governance.api, errors mapped by error_handlers)."""

from __future__ import annotations

from flask import g
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from governance.api import by_slug
from governance.extensions import db
from governance.models import Coop
from governance.paging import PAGINATION_HEADER, PageQuerySchema, api_page
from proposals.pledging import service
from proposals.pledging.models import Campaign, Pledge
from proposals.pledging.schemas import (
    CampaignInSchema,
    CampaignSchema,
    ContributionSchema,
    ExtendInSchema,
    PledgeInSchema,
    PledgeSchema,
    StandingSchema,
)
from proposals.service import get_visible

blp = Blueprint(
    "pledging_api",
    __name__,
    url_prefix="/api/v1",
    description="Pledge campaigns: opening, conditional pledges, the standing set, settling and extending",
)


def _campaign(campaign_id: int, *, with_pledges: bool = False) -> Campaign:
    """The campaign, settled first if its deadline has passed; `with_pledges` reads its pledges, their
    people and co-ops at once (`service.load_pledges`), held for the request while the answer is written,
    rather than a query or two a pledge."""
    campaign = service.get_campaign(current_user, campaign_id)
    db.session.commit()  # a read past the deadline has settled the campaign: keep that
    if with_pledges:
        g.pledge_rows = service.load_pledges(campaign)
    return campaign


@blp.route("/proposals/<int:proposal_id>/campaign", methods=["POST"])
@blp.arguments(CampaignInSchema)
@blp.response(201, CampaignSchema)
def open_campaign(data, proposal_id):
    """Open the pledge campaign on a passed proposal, or alongside its open vote (stewards)."""
    proposal = get_visible(current_user, proposal_id)
    rates = [service.RateIn(**r) for r in data.pop("rates")]
    settings = service.CampaignSettings(**data, rates=rates, time_zone=current_user.time_zone)
    campaign = service.open_campaign(proposal, actor=current_user, settings=settings)
    db.session.commit()
    return campaign


@blp.route("/proposals/<int:proposal_id>/campaign")
@blp.response(200, CampaignSchema)
def proposal_campaign(proposal_id):
    """The pledge campaign of a proposal (settled first if its deadline has passed)."""
    campaign = service.campaign_of(current_user, get_visible(current_user, proposal_id))
    db.session.commit()
    return campaign


@blp.route("/campaigns/<int:campaign_id>")
@blp.response(200, CampaignSchema)
def get_campaign(campaign_id):
    return _campaign(campaign_id)


@blp.route("/campaigns/<int:campaign_id>/pledges")
@blp.response(200, PledgeSchema(many=True))
def pledges(campaign_id):
    """The current pledge of each co-op."""
    return _campaign(campaign_id, with_pledges=True).current_pledges


@blp.route("/campaigns/<int:campaign_id>/pledges/history")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, PledgeSchema(many=True), headers=PAGINATION_HEADER)
def pledge_history(args, campaign_id):
    """Every pledge made, changed or withdrawn, oldest first, 50 a page."""
    campaign = _campaign(campaign_id)
    history = (
        select(Pledge)
        .where(Pledge.campaign_id == campaign.id)
        .options(joinedload(Pledge.coop), joinedload(Pledge.made_by))
        .order_by(Pledge.id)
    )
    return api_page(history, args["page"])


@blp.route("/campaigns/<int:campaign_id>/pledges", methods=["POST"])
@blp.arguments(PledgeInSchema)
@blp.response(201, PledgeSchema)
@blp.alt_response(409, description="The deadline has passed, or the campaign has settled.")
def make_pledge(data, campaign_id):
    """Pledge for your co-op, or change its pledge (its delegates); the earlier pledge is kept as history."""
    campaign = _campaign(campaign_id)
    coop = by_slug(Coop, data.pop("coop"))
    made = service.make_pledge(
        campaign, actor=current_user, coop=coop, pledge=service.PledgeIn.from_dict(data)
    )
    db.session.commit()
    return made


@blp.route("/campaigns/<int:campaign_id>/pledges/<coop_slug>", methods=["DELETE"])
@blp.response(200, PledgeSchema)
@blp.alt_response(409, description="The co-op has no current pledge, or the deadline has passed.")
def withdraw_pledge(campaign_id, coop_slug):
    """Withdraw your co-op's pledge, until the deadline (its delegates)."""
    campaign = _campaign(campaign_id)
    withdrawn = service.withdraw_pledge(campaign, actor=current_user, coop=by_slug(Coop, coop_slug))
    db.session.commit()
    return withdrawn


@blp.route("/campaigns/<int:campaign_id>/standing")
@blp.response(200, StandingSchema)
def standing(campaign_id):
    """The pledges that stand (every condition holds), those waiting on others, the totals and what is missing."""
    return service.standing_document(_campaign(campaign_id, with_pledges=True))


@blp.route("/campaigns/<int:campaign_id>/contributions")
@blp.response(200, ContributionSchema(many=True))
def contributions(campaign_id):
    """Each party's contribution, fixed when the campaign committed (empty before, and if it lapsed)."""
    return _campaign(campaign_id, with_pledges=True).contributions


@blp.route("/campaigns/<int:campaign_id>/settle", methods=["POST"])
@blp.response(200, CampaignSchema)
@blp.alt_response(409, description="Not every target is met, or the campaign has settled.")
def settle(campaign_id):
    """Commit the campaign before its deadline, once every target is met (stewards)."""
    campaign = service.commit_early(_campaign(campaign_id), actor=current_user)
    db.session.commit()
    return campaign


@blp.route("/campaigns/<int:campaign_id>/extend", methods=["POST"])
@blp.arguments(ExtendInSchema)
@blp.response(200, CampaignSchema)
@blp.alt_response(409, description="The deadline was already extended once, or the campaign has settled.")
def extend(data, campaign_id):
    """Move the deadline later, once, with a reason (stewards); every delegate is told."""
    campaign = service.extend_deadline(_campaign(campaign_id), actor=current_user, **data)
    db.session.commit()
    return campaign
