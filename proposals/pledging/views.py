"""Pages of pledge campaigns: opening one, the campaign with its progress and pledges, extending, the roster."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from governance.errors import DomainError
from governance.extensions import db
from governance.forms import EmptyForm, choices, show_refusal
from governance.models import Coop
from governance.paging import ListPage, page_number
from governance.templating import viewer_zone
from governance.texts import _
from governance.types import utcnow
from proposals import money
from proposals import permissions as proposal_permissions
from proposals.pledging import progress, service
from proposals.pledging.forms import ExtendForm, OpenCampaignForm, PledgeForm, WithdrawForm
from proposals.pledging.models import Campaign
from proposals.service import get_visible
from proposals.targets import ROUNDING_RULE

bp = Blueprint("pledging", __name__, url_prefix="/campaigns")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here is for signed-in people."""


def _status(form) -> int:
    return 400 if form.errors or form.form_errors else 200


@bp.get("/")
def index():
    page = service.visible_campaigns(current_user, page_number())
    return render_template("pledging/list.html", page=page, pledged=service.current_pledge_counts(page.items))


@bp.route("/open/<int:proposal_id>", methods=["GET", "POST"])
def open_campaign(proposal_id: int):
    proposal = get_visible(current_user, proposal_id)
    proposal_permissions.require_steward(current_user, proposal)
    form = OpenCampaignForm()
    if request.method == "GET":
        _prefill(form, proposal)
    if form.validate_on_submit():
        try:
            campaign = service.open_campaign(
                proposal, actor=current_user, settings=form.settings(viewer_zone())
            )
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            status: int = int(error.status)
        else:
            db.session.commit()
            flash(
                _("The campaign is open. Nothing binds until every target is met by the deadline."), "success"
            )
            return redirect(url_for(".show", campaign_id=campaign.id))
    else:
        status = _status(form)
    return render_template(
        "pledging/open.html", form=form, proposal=proposal, coops=proposal.addressed_coops
    ), status


def _prefill(form: OpenCampaignForm, proposal) -> None:
    """Start from the proposal's own facts: its currency, costs, hours and term."""
    form.base_currency.data = proposal.currency or "GBP"
    if proposal.monthly_costs_minor and proposal.currency:
        form.target_money.data = str(money.to_major(proposal.monthly_costs_minor, proposal.currency))
    form.target_hours.data = proposal.hours_per_month or None
    form.term_months.data = proposal.term_months or None


HISTORY_PER_PAGE = 50  # the pledge history, newest first: every change of every co-op's pledge


def _show(campaign_id: int, *, status: int = 200, pledge_form: PledgeForm | None = None):
    campaign = service.get_campaign(current_user, campaign_id, settle=False)
    if service.settle_proposal(campaign.proposal):
        db.session.commit()  # a read past the deadline has settled the campaign: keep that
    rows = service.load_pledges(campaign)  # noqa: F841 - held so the loaded rows stay in the session
    own = _own_coops(campaign)
    result = service.standing(campaign)
    viewer_currency = progress.coop_currency(own[0] if own else _first_coop(), campaign)
    return render_template(
        "pledging/show.html",
        campaign=campaign,
        proposal=campaign.proposal,
        result=result,
        bars=progress.bars(campaign, result, viewer_currency),
        viewer_currency=viewer_currency,
        missing=progress.missing_sentence(campaign, result),
        waiting=progress.waiting_sentences(campaign, result),
        describe=cache(progress.describe_pledge),  # each pledge is shown twice: in its table and the history
        condition=lambda p: service.describe_condition(campaign, p),
        standing_ids={p.id for p in result.standing},
        history=ListPage.of(campaign.pledges[::-1], page_number("history"), HISTORY_PER_PAGE),
        own_coops=own,
        pledge_form=pledge_form or _pledge_form(campaign, own),
        withdraw_form=_withdraw_form(campaign, own),
        empty_form=EmptyForm(formdata=None),
        is_taking_pledges=campaign.is_open and utcnow() < campaign.deadline_at,
        can_steward=proposal_permissions.can_steward(current_user, campaign.proposal),
        can_download=proposal_permissions.runs(current_user, campaign.proposal),
        rounding_rule=_(ROUNDING_RULE),
        money_name=money.name,
        fmt=money.format_money,
    ), status


def _own_coops(campaign: Campaign) -> list[Coop]:
    return proposal_permissions.signal_coops(current_user, campaign.proposal)


def _first_coop() -> Coop | None:
    coops = getattr(current_user, "coops", [])
    return coops[0] if coops else None


def _pledge_form(campaign: Campaign, own: list[Coop], form: PledgeForm | None = None) -> PledgeForm:
    if form is None:
        form = PledgeForm(formdata=None)
        current = next((campaign.current_pledge(c) for c in own if campaign.current_pledge(c)), None)
        if current is not None:
            form.fill_from(current)
        elif own:
            form.currency.data = progress.coop_currency(own[0], campaign) or campaign.base_currency
    form.coop.choices = choices((c.id, c.name) for c in own)
    form.currency.choices = choices((c, f"{c} — {money.name(c)}") for c in campaign.currencies)
    form.seats.choices = choices((s, s) for s in sorted(campaign.target_seats or {}))
    return form


def _withdraw_form(campaign: Campaign, own: list[Coop]) -> WithdrawForm:
    form = WithdrawForm(formdata=None)
    form.coop.choices = choices((c.id, c.name) for c in own if campaign.current_pledge(c))
    return form


@bp.get("/<int:campaign_id>")
def show(campaign_id: int):
    return _show(campaign_id)


def _coop(raw) -> Coop:
    coop = db.session.get(Coop, raw) if isinstance(raw, int) else None
    if coop is None:
        abort(400, description=_("Choose a co-op."))
    return coop


@bp.post("/<int:campaign_id>/pledges")
def pledge(campaign_id: int):
    campaign = service.get_campaign(current_user, campaign_id)
    form = _pledge_form(campaign, _own_coops(campaign), PledgeForm())
    if not form.validate_on_submit():
        return _show(campaign_id, status=400, pledge_form=form)
    coop = _coop(form.coop.data)
    try:
        made = service.make_pledge(campaign, actor=current_user, coop=coop, pledge=form.pledge())
    except DomainError as error:
        db.session.rollback()
        show_refusal(form, error)
        return _show(campaign_id, status=error.status, pledge_form=form)
    db.session.commit()
    flash(
        _(
            "%(coop)s pledged %(pledge)s. Nothing binds until every target is met.",
            coop=coop.name,
            pledge=progress.describe_pledge(made),
        ),
        "success",
    )
    return redirect(url_for(".show", campaign_id=campaign_id, _anchor="pledges"))


@bp.post("/<int:campaign_id>/withdraw")
def withdraw(campaign_id: int):
    campaign = service.get_campaign(current_user, campaign_id)
    form = WithdrawForm()
    form.coop.choices = choices((c.id, c.name) for c in _own_coops(campaign))
    if not form.validate_on_submit():
        abort(400, description=_("Choose the co-op whose pledge you withdraw."))
    coop = _coop(form.coop.data)
    service.withdraw_pledge(campaign, actor=current_user, coop=coop)
    db.session.commit()
    flash(
        _("%(coop)s's pledge is withdrawn. You may pledge again until the deadline.", coop=coop.name),
        "success",
    )
    return redirect(url_for(".show", campaign_id=campaign_id, _anchor="pledges"))


@bp.post("/<int:campaign_id>/settle")
def settle(campaign_id: int):
    campaign = service.get_campaign(current_user, campaign_id)
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("The form expired; try again."))
    service.commit_early(campaign, actor=current_user)
    db.session.commit()
    flash(_("The campaign has committed: each co-op's contribution is fixed."), "success")
    return redirect(url_for(".show", campaign_id=campaign_id))


@bp.route("/<int:campaign_id>/extend", methods=["GET", "POST"])
def extend(campaign_id: int):
    campaign = service.get_campaign(current_user, campaign_id)
    proposal_permissions.require_steward(current_user, campaign.proposal)
    form = ExtendForm()
    if form.validate_on_submit():
        try:
            service.extend_deadline(
                campaign,
                actor=current_user,
                deadline_at=form.new_deadline(viewer_zone()),
                reason=form.reason.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            status: int = int(error.status)
        else:
            db.session.commit()
            flash(_("The deadline is extended; every delegate of the addressed co-ops is told."), "success")
            return redirect(url_for(".show", campaign_id=campaign_id))
    else:
        db.session.commit()
        status = _status(form)
    return render_template(
        "pledging/extend.html", form=form, campaign=campaign, proposal=campaign.proposal
    ), status


@bp.get("/<int:campaign_id>/roster.csv")
def roster(campaign_id: int):
    campaign = service.get_campaign(current_user, campaign_id)
    db.session.commit()
    if not proposal_permissions.runs(current_user, campaign.proposal):
        abort(403, description=_("The pledge roster is for the stewards and admins who run this proposal."))
    rows = service.load_pledges(campaign)  # noqa: F841 - held so the loaded rows stay in the session
    body = progress.roster_csv(campaign, service.standing(campaign))
    return Response(
        body,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="campaign-{campaign.id}-pledges.csv"'},
    )


def waiting(person, limit: int) -> tuple[list[dict], int]:
    """For the home page: open campaigns a co-op this person is a delegate of has not pledged to, nearest
    deadline first (the first `limit`), and how many.

    A count and a page, however many campaigns there are: this runs on every page (the navigation counts
    it)."""
    awaited, total = service.pledges_awaited(person, limit=limit)
    return [
        {
            "text": _(
                "Say whether %(coop)s pledges to: %(title)s", coop=coop.name, title=campaign.proposal.title
            ),
            "url": url_for("pledging.show", campaign_id=campaign.id),
            "due_at": campaign.deadline_at,
        }
        for campaign, coop in awaited
    ], total
