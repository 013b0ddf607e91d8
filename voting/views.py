"""Pages of votes: opening one, the vote with its ballots and proxies, receipts, and the result."""

from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from governance.database import first_rows
from governance.errors import DomainError
from governance.extensions import db
from governance.forms import choices, show_refusal
from governance.models import Coop, CoopRole
from governance.paging import page_number
from governance.templating import viewer_zone
from governance.texts import _, ngettext
from governance.timezones import format_in_zone
from governance.types import utcnow
from proposals import permissions as proposal_permissions
from proposals.lifecycle import State
from proposals.service import get_visible
from voting import electorate, permissions, results, service, steward
from voting.counting import Method
from voting.forms import (
    METHOD_HINTS,
    CastForm,
    EmptyForm,
    ExtendForm,
    OpenVoteForm,
    OutcomeForm,
    ProxyForm,
    ReceiptForm,
    choice_from,
    default_close,
    fields_for,
    local_to_utc,
    preview_options,
    weights_from,
    whole_number,
)
from voting.models import METHOD_LABELS, Ballot, Secrecy, Vote
from voting.words import whose

bp = Blueprint("voting", __name__, url_prefix="/votes")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here is for signed-in people."""


def _status(form) -> int:
    return 400 if form.errors or form.form_errors else 200


@bp.route("/open/<int:proposal_id>", methods=["GET", "POST"])
def open_vote(proposal_id: int):
    """Method first: choose how co-ops answer, then fill in only what that method needs (with defaults),
    preview the ballot and the close in each co-op's time, and open."""
    proposal = get_visible(current_user, proposal_id)
    proposal_permissions.require_steward(current_user, proposal)
    if proposal.state != State.DISCUSSION:  # offer the form only when it would be accepted
        return render_template("voting/cannot_open.html", proposal=proposal), 409
    method = request.values.get("method", "")
    shown = fields_for(method)
    if not shown:
        return render_template(
            "voting/open_method.html",
            proposal=proposal,
            hints=METHOD_HINTS,
            method_labels={method: _(label) for method, label in METHOD_LABELS.items()},
        )
    form = OpenVoteForm()
    form.method.data = method
    if request.method == "GET":
        form.closes_at.data = default_close(viewer_zone(), utcnow())
    status, preview = 200, request.method == "POST" and bool(request.form.get("preview"))
    if not preview and form.validate_on_submit():
        try:
            settings = form.settings(viewer_zone(), weights_from(request.form, proposal.addressed_coops))
            vote = service.open_vote(proposal, actor=current_user, settings=settings)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            status = int(error.status)
        else:
            db.session.commit()
            flash(_("The vote is open. The proposal's text is frozen until it closes."), "success")
            return redirect(url_for(".show", vote_id=vote.id))
    elif request.method == "POST" and not preview:
        status = _status(form)
    return render_template(
        "voting/open.html",
        form=form,
        proposal=proposal,
        coops=proposal.addressed_coops,
        shown=shown,
        method_label=_(METHOD_LABELS[Method(method)]),
        close_times=_close_times(form, proposal.addressed_coops),
        options=preview_options(form.options.data),
        blank=MultiDict(),
        can_set_weights=permissions.can_set_weights(current_user, proposal),
    ), status


def _close_times(form: OpenVoteForm, coops) -> list[tuple]:
    """The close as each addressed co-op's clock will read it (empty while the time is not a real one)."""
    try:
        closes_at = local_to_utc(form.closes_at.data, viewer_zone(), "closes_at")
    except DomainError:
        return []
    if closes_at is None:
        return []
    return [(coop, format_in_zone(closes_at, coop.time_zone)) for coop in coops]


def _commit_the_read() -> None:
    """Keep what reading the vote did (a read past the close has closed it), without expiring what the
    read loaded: expired, the vote, its proposal and networks and the viewer with their co-ops and roles
    would each be read again a moment later, six statements of a page's thirty."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _show(
    vote_id: int,
    *,
    status: int = 200,
    cast_error: DomainError | None = None,
    proxy_error: DomainError | None = None,
    extend_form: ExtendForm | None = None,
    outcome_form: OutcomeForm | None = None,
    steward_error: DomainError | None = None,
):
    vote = service.get_vote(current_user, vote_id)
    _commit_the_read()
    electorate.load_proxies(
        vote
    )  # listed whole, with their co-ops, in one query (before castings reads them)
    castings = permissions.castings(current_user, vote)
    cast_form = CastForm(formdata=None)
    cast_form.coop.choices = choices(
        (
            c.coop.id,
            _("%(coop)s (as proxy, for %(proxy)s)", coop=c.coop.name, proxy=c.via.name)
            if c.via
            else c.coop.name,
        )
        for c in castings
    )
    proxy_form = ProxyForm(formdata=None)
    own = permissions.delegate_coops(current_user, vote)
    turnout = electorate.turnout(vote)  # sums, not the electorate's rows
    is_open_now = not vote.is_closed and vote.opens_at <= utcnow() < vote.closes_at
    is_steward = proposal_permissions.can_steward(current_user, vote.proposal)
    # Without a ballot to cast, the page says whether the viewer's co-ops of the electorate have voted.
    in_electorate = (
        {c.id for c in vote.elector_coops(m.coop_id for m in current_user.memberships)}
        if not castings
        else set()
    )
    ballots = electorate.current_ballots_of(vote, {c.coop.id for c in castings} | in_electorate)
    return render_template(
        "voting/show.html",
        vote=vote,
        proposal=vote.proposal,
        electorate=electorate.participation_page(
            vote, page_number("electors"), results.ELECTORATE_PER_PAGE, turnout.electorate
        ),
        turnout=turnout,
        delegate_changes=results.delegate_changes(vote),
        castings=castings,
        own_coops=own,
        in_electorate=in_electorate,
        ballot_of=lambda coop: ballots.get(coop.id),
        cast_form=cast_form,
        proxy_form=proxy_form,
        empty_form=EmptyForm(formdata=None),
        receipt_form=ReceiptForm(formdata=None),
        cast_error=cast_error,
        proxy_error=proxy_error,
        posted=request.form if request.method == "POST" else _current_inputs(vote, castings, ballots),
        proxy_offers=_proxy_offers(vote, own) if is_open_now else [],
        result=results.shown_result(vote, actor=current_user),
        can_see_ballot=lambda b: permissions.can_see_ballot(current_user, b),
        history=lambda coop: _ballot_history(vote, coop),
        describe=lambda b: results.describe_ballot(vote, b),
        is_open_now=is_open_now,
        is_steward=is_steward,
        extend_form=extend_form or ExtendForm(formdata=None),
        outcome_form=outcome_form or OutcomeForm(formdata=None, data={"statement": vote.outcome_statement}),
        steward_error=steward_error,
        still_to_vote=steward.still_to_vote(vote, turnout) if is_steward and is_open_now else None,
        can_close_early=is_steward and steward.can_close_early(vote),
        next_reminder_at=steward.next_reminder_at(vote),
    ), status


SEARCH_MAX = 200  # a co-op's name is at most this long


def _proxy_offers(vote: Vote, own: list[Coop]) -> list[results.ProxyOffer]:
    """The proxy forms of the viewer's co-ops, with what a delegate typed to find a proxy by name
    (`?proxy_for=<co-op>&find=<part of a name>`)."""
    search = " ".join(request.args.get("find", "").split())[:SEARCH_MAX]
    search_for = whole_number(request.args.get("proxy_for"))
    return results.proxy_offers(vote, own, search_for=search_for, search=search)


BALLOT_HISTORY_SHOWN = 10


def _ballot_history(vote: Vote, coop: Coop) -> tuple[list[Ballot], int]:
    """A co-op's replaced ballots that the viewer may see (`permissions.can_see_ballot`, in the query),
    newest first: the latest BALLOT_HISTORY_SHOWN, and how many there are."""
    query = (
        select(Ballot)
        .where(Ballot.vote_id == vote.id, Ballot.coop_id == coop.id, ~Ballot.is_current)
        .order_by(Ballot.id.desc())
    )
    if not (vote.is_closed and vote.secrecy == Secrecy.OPEN) and current_user.role_in(coop) is None:
        delegate_of = [m.coop_id for m in current_user.memberships if m.role == CoopRole.DELEGATE]
        query = query.where(Ballot.proxy_coop_id.in_(delegate_of))  # those it cast as the co-op's proxy
    return first_rows(query, BALLOT_HISTORY_SHOWN, scalars=True)


def _current_inputs(vote: Vote, castings, ballots: dict[int, Ballot]) -> MultiDict:
    """The cast form starts from the current ballot of the first co-op the viewer casts for."""
    for casting in castings:
        ballot = ballots.get(casting.coop.id)
        if ballot is not None and permissions.can_see_ballot(current_user, ballot):
            return results.ballot_inputs(vote, ballot)
    return MultiDict()


@bp.get("/<int:vote_id>")
def show(vote_id: int):
    return _show(vote_id)


def _coop(raw: int | None) -> Coop:
    coop = db.session.get(Coop, raw) if raw is not None else None
    if coop is None:
        abort(400, description=_("Choose a co-op."))
    return coop


@bp.post("/<int:vote_id>/ballots")
def cast(vote_id: int):
    vote = service.get_vote(current_user, vote_id)
    coop = _coop(whole_number(request.form.get("coop")))
    try:
        ballot = service.cast_ballot(
            vote,
            actor=current_user,
            coop=coop,
            choice=choice_from(request.form, vote),
            reason=request.form.get("reason"),
        )
    except DomainError as error:
        db.session.rollback()
        return _show(vote_id, status=error.status, cast_error=error)
    # Translators: %(whose)s is the co-op's name made possessive in English ("Mill Digital's"); in Spanish
    # it is the name alone.
    message = _(
        "%(whose)s ballot is cast. Keep its receipt to check it was counted: %(receipt)s",
        whose=whose(coop.name),
        receipt=ballot.receipt,
    )  # written before the commit, which expires what it names (reading it again would be four queries)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show", vote_id=vote_id, _anchor="your-ballot"))


@bp.post("/<int:vote_id>/proxies")
def name_proxy(vote_id: int):
    vote = service.get_vote(current_user, vote_id)
    coop, proxy = (
        _coop(whole_number(request.form.get("coop"))),
        _coop(whole_number(request.form.get("proxy"))),
    )
    try:
        service.name_proxy(vote, actor=current_user, coop=coop, proxy=proxy)
    except DomainError as error:
        db.session.rollback()
        return _show(vote_id, status=error.status, proxy_error=error)
    db.session.commit()
    flash(
        _(
            "%(proxy)s can now cast %(whose)s ballot, until you revoke it or cast it yourselves.",
            proxy=proxy.name,
            whose=whose(coop.name),
        ),
        "success",
    )
    return redirect(url_for(".show", vote_id=vote.id, _anchor="proxies"))


@bp.post("/<int:vote_id>/proxies/<int:proxy_id>/revoke")
def revoke_proxy(vote_id: int, proxy_id: int):
    vote = service.get_vote(current_user, vote_id)
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("The form expired; try again."))
    proxy = service.revoke_proxy(service.get_proxy(vote, proxy_id), actor=current_user)
    db.session.commit()
    flash(
        _(
            "%(proxy)s is no longer %(whose)s proxy.",
            proxy=proxy.proxy_coop.name,
            whose=whose(proxy.coop.name),
        ),
        "success",
    )
    return redirect(url_for(".show", vote_id=vote.id, _anchor="proxies"))


def _steward_step(vote_id: int, step, form=None, **forms):
    """Run one steward control; a refusal shows on the vote page with what was typed kept."""
    vote = service.get_vote(current_user, vote_id)
    try:
        step(vote)
    except DomainError as error:
        db.session.rollback()
        if form is not None:
            show_refusal(form, error)
        return _show(vote_id, status=error.status, steward_error=error, **forms)
    db.session.commit()
    return None


@bp.post("/<int:vote_id>/extend")
def extend(vote_id: int):
    form = ExtendForm()
    if not form.validate_on_submit():
        return _show(vote_id, status=400, extend_form=form)
    refused = _steward_step(
        vote_id,
        lambda v: steward.extend_close(
            v,
            actor=current_user,
            closes_at=local_to_utc(form.closes_at.data, viewer_zone(), "closes_at"),
            reason=form.reason.data,
        ),
        form,
        extend_form=form,
    )
    if refused:
        return refused
    flash(_("The close is extended; every co-op of the electorate is told why."), "success")
    return redirect(url_for(".show", vote_id=vote_id, _anchor="run-vote-h"))


@bp.post("/<int:vote_id>/close-early")
def close_early(vote_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("The form expired; try again."))
    refused = _steward_step(vote_id, lambda v: steward.close_early(v, actor=current_user))
    if refused:
        return refused
    flash(_("Every co-op had cast: the vote is closed and counted."), "success")
    return redirect(url_for(".show", vote_id=vote_id))


@bp.post("/<int:vote_id>/remind")
def remind(vote_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("The form expired; try again."))
    told: list = []
    refused = _steward_step(vote_id, lambda v: told.extend(steward.remind(v, actor=current_user)))
    if refused:
        return refused
    flash(_("Reminded %(names)s.", names=", ".join(c.name for c in told)), "success")
    return redirect(url_for(".show", vote_id=vote_id, _anchor="run-vote-h"))


@bp.post("/<int:vote_id>/outcome")
def outcome(vote_id: int):
    form = OutcomeForm()
    if not form.validate_on_submit():
        return _show(vote_id, status=400, outcome_form=form)
    refused = _steward_step(
        vote_id,
        lambda v: steward.write_outcome(v, actor=current_user, statement=form.statement.data),
        form,
        outcome_form=form,
    )
    if refused:
        return refused
    flash(_("The outcome is written; it shows at the top of the proposal and the result."), "success")
    return redirect(url_for(".show", vote_id=vote_id))


@bp.get("/<int:vote_id>/receipts")
def receipts(vote_id: int):
    vote = service.get_vote(current_user, vote_id)
    db.session.commit()
    form = ReceiptForm(request.args)
    check, status = None, 200
    if request.args.get("receipt") is not None and form.validate():
        try:
            check = results.check_receipt(vote, actor=current_user, receipt=form.receipt.data)
        except DomainError as error:
            show_refusal(form, error)
            status = error.status
    elif form.errors:
        status = 400
    published = results.published_receipts(vote) if vote.is_closed else None
    return render_template(
        "voting/receipts.html", vote=vote, proposal=vote.proposal, form=form, check=check, published=published
    ), status


@bp.get("/<int:vote_id>/result")
def result(vote_id: int):
    vote = service.get_vote(current_user, vote_id)
    _commit_the_read()
    shown = results.shown_result(vote, actor=current_user)
    turnout = electorate.turnout(vote)  # sums, not the electorate's rows
    electorate.load_proxies(vote)
    return render_template(
        "voting/result.html",
        vote=vote,
        proposal=vote.proposal,
        result=shown,
        electorate=electorate.participation_page(
            vote, page_number("electors"), results.ELECTORATE_PER_PAGE, turnout.electorate
        ),
        turnout=turnout,
        chart=results.chart(vote, shown),
        explained=results.explain(vote, shown, viewer=current_user),
        tie_uses=results.tie_uses(shown, vote),
        can_see_ballot=lambda b: permissions.can_see_ballot(current_user, b),
        describe=lambda b: results.describe_ballot(vote, b),
        can_download_blt=results.can_download_blt(vote),
        reasons=results.reasons(vote, page_number("reasons")),
        blt_refusal=results.blt_refusal(vote),
    )


@bp.get("/<int:vote_id>/result.json")
def result_json(vote_id: int):
    vote = service.get_vote(current_user, vote_id)
    db.session.commit()
    body = json.dumps(results.result_document(vote, actor=current_user), indent=2, ensure_ascii=False)
    return _download(body, "application/json; charset=utf-8", f"vote-{vote.id}-result.json")


@bp.get("/<int:vote_id>/ballots.blt")
def ballots_blt(vote_id: int):
    vote = service.get_vote(current_user, vote_id)
    db.session.commit()
    return _download(results.blt(vote), "text/plain; charset=utf-8", f"vote-{vote.id}-ballots.blt")


def _download(body: str, content_type: str, filename: str) -> Response:
    """A file to save; the content type is given whole (Flask would add a second charset to a mimetype)."""
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def time_left(closes_at: datetime | None, now: datetime | None = None) -> str:
    """'2 days 3 hours left', '25 minutes left', or 'closed', in the reader's language."""
    if closes_at is None:
        return ""
    seconds = int((closes_at - (now or utcnow())).total_seconds())
    if seconds <= 0:
        return _("closed")
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    units = {
        "day": lambda n: ngettext("%(num)s day", "%(num)s days", n),
        "hour": lambda n: ngettext("%(num)s hour", "%(num)s hours", n),
        "minute": lambda n: ngettext("%(num)s minute", "%(num)s minutes", n),
    }
    parts = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (minutes, "minute")]
    words = [units[unit](n) for n, unit in parts if n]
    if not words:
        return _("less than a minute left")
    # Translators: %(duration)s is one or two amounts, "2 days 3 hours" or "25 minutes".
    return _("%(duration)s left", duration=" ".join(words))


def waiting(person, limit: int) -> tuple[list[dict], int]:
    """For the home page: open votes in which a co-op this person can cast for has not voted yet, soonest
    close first (the first `limit`), and how many.

    Two counts and two pages, however many votes and electors there are: this runs on every page (the
    navigation counts it)."""
    awaited, total = service.ballots_awaited(person, limit=limit)
    return [
        {
            "text": _(
                "Cast %(whose)s ballot (%(left)s): %(title)s",
                whose=whose(coop.name),
                left=time_left(vote.closes_at),
                title=vote.proposal.title,
            ),
            "url": url_for("voting.show", vote_id=vote.id),
            "due_at": vote.closes_at,
        }
        for vote, coop in awaited
    ], total
