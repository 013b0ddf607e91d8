"""Pages of proposals: the list, a proposal, drafting and editing, steps, discussion, who is in."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from governance.errors import DomainError, NotFound
from governance.extensions import db
from governance.forms import EmptyForm, show_refusal
from governance.markdown import render as render_markdown
from governance.models import Network
from governance.paging import page_number
from governance.texts import _
from proposals import diff, permissions, service
from proposals.forms import CommentForm, InterestForm, ProposalForm, TransitionForm, choices
from proposals.lifecycle import ActorKind, State, Transition, allowed_transitions
from proposals.limits import comment_limit
from proposals.models import Comment, Kind, Stance

bp = Blueprint("proposals", __name__, url_prefix="/proposals")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here is for signed-in people."""


def _failed(form) -> int:
    return 400 if form.errors or form.form_errors else 200


@bp.get("")
def index():
    filters, problems = _list_filters()
    query = service.visible_query(current_user)
    if filters.get("network"):
        query = query.where(service.Proposal.networks.any(Network.id == filters["network"].id))
    if filters.get("kind"):
        query = query.where(service.Proposal.kind == filters["kind"])
    if filters.get("state"):
        query = query.where(service.Proposal.state == filters["state"])
    # Each row names its networks and, for its badge, its vote: loaded with the page, not a query a row.
    query = query.options(selectinload(service.Proposal.networks), selectinload(service.Proposal.vote))
    page = db.paginate(query, page=page_number(), per_page=30, error_out=False)
    can_draft = bool(permissions.draft_networks(current_user))
    return render_template(
        "proposals/list.html",
        page=page,
        args=request.args,
        networks=current_user.networks,
        kinds=list(Kind),
        states=list(State),
        problems=problems,
        can_draft=can_draft,
    ), (400 if problems else 200)


def _list_filters() -> tuple[dict, list[str]]:
    """The list's filters from the query string; an unknown value is named, never silently ignored."""
    args, filters, problems = request.args, {}, []
    if slug := args.get("network"):
        filters["network"] = next((n for n in current_user.networks if n.slug == slug), None)
        if filters["network"] is None:
            problems.append(_("There is no network called %(slug)r among yours.", slug=slug))
    unknown = {
        "kind": _("There is no kind called %(value)r."),
        "state": _("There is no state called %(value)r."),
    }
    for key, enum_cls in (("kind", Kind), ("state", State)):
        if value := args.get(key):
            if value in enum_cls._value2member_map_:
                filters[key] = enum_cls(value)
            else:
                problems.append(unknown[key] % {"value": value})
    return filters, problems


def _network_choices():
    return choices((n.slug, n.name) for n in permissions.draft_networks(current_user))


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = ProposalForm()
    form.networks.choices = _network_choices()
    if not form.networks.choices:
        abort(
            403,
            description=_(
                "Only a steward of a network, or a delegate of one of its co-ops, can draft a proposal."
            ),
        )
    if request.method == "GET" and len(form.networks.choices) == 1:
        form.networks.data = [form.networks.choices[0].value]
    if form.validate_on_submit():
        try:
            proposal = service.create_proposal(
                actor=current_user,
                networks=service.networks_by_slugs(form.networks.data or []),
                kind=form.kind.data,
                title=form.title.data,
                summary=form.summary.data or "",
                body=form.body.data or "",
                facts=form.facts(),
                change_note=form.change_note.data or "",
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The draft is saved. Open it for discussion when it is ready."), "success")
            return redirect(url_for(".show", proposal_id=proposal.id))
    return render_template("proposals/form.html", form=form, proposal=None), _failed(form)


@bp.get("/<int:proposal_id>")
def show(proposal_id: int):
    proposal = service.get_visible(current_user, proposal_id)
    if service.settle(proposal):
        db.session.commit()
    return _show_page(proposal)


def _show_page(proposal, *, comment_form=None, interest_form=None, status: int = 200, preview=None):
    coops = permissions.signal_coops(current_user, proposal)
    interest_form = interest_form or InterestForm(formdata=None, data=_current_interest(proposal, coops))
    interest_form.coop.choices = choices((c.id, c.name) for c in coops)
    steward = permissions.can_steward(current_user, proposal)
    can_comment = permissions.can_comment(current_user, proposal)
    discussion = service.discussion_page(proposal, page_number())
    return render_template(
        "proposals/show.html",
        proposal=proposal,
        discussion=discussion,
        revision=proposal.current_revision,
        who=service.who_is_in(proposal, page_number("coops"), per_page=service.WHO_PER_PAGE),
        can_steward=steward,
        can_edit=permissions.can_edit(current_user, proposal),
        author_coops=_author_coops_of(proposal, discussion),
        preview=preview,
        is_discussion_open=can_comment and proposal.state != State.WITHDRAWN,
        is_interest_open=bool(coops) and proposal.state == State.DISCUSSION,
        comment_reasons=_reasons(comment_form),
        interest_reasons=_reasons(interest_form),
        steps=_offered_steps(proposal) if steward else [],
        frozen_reason=_frozen_reason(proposal),
        comment_form=comment_form or CommentForm(formdata=None),
        interest_form=interest_form,
        transition_form=TransitionForm(formdata=None),
        empty_form=EmptyForm(formdata=None),
        fact_lines=diff.fact_lines(proposal.facts),
    ), status


# Steps that would lead nowhere; "Open pledging" now leads to the pledge campaign's form (pledging/).
HIDDEN_STEPS: frozenset[Transition] = frozenset()


def _offered_steps(proposal) -> list[Transition]:
    """The steps a steward may take now, leaving out those with nothing behind them."""
    return [t for t in allowed_transitions(proposal.state, ActorKind.STEWARD) if t not in HIDDEN_STEPS]


def _author_coops_of(proposal, discussion):
    """The co-ops a comment's author speaks from: theirs among the addressed ones, asked of the database
    for the co-ops of the page's authors at once (not every addressed co-op, a thousand of them), and for
    anyone else's when they are asked about."""
    known: dict[int, bool] = {}  # co-op id: is it addressed?

    def learn(coop_ids) -> None:
        unknown = {i for i in coop_ids if i not in known}
        if unknown:
            addressed = proposal.addressed_among(unknown)
            known.update({i: i in addressed for i in unknown})

    def author_coops(person) -> str:
        if person is None:
            return ""
        if not known:
            shown = [t.comment for t in discussion.threads] + [
                r for t in discussion.threads for r in t.replies
            ]
            learn(c.id for comment in shown if comment.author for c in comment.author.coops)
        learn(c.id for c in person.coops)
        return ", ".join(c.name for c in person.coops if known[c.id])

    return author_coops


def _current_interest(proposal, coops) -> dict:
    """The 'is your co-op in?' form starts from the co-op's current answer and note, so saving it again
    changes nothing that was not changed."""
    signal = next((i for c in coops for i in proposal.interests if i.coop_id == c.id), None)
    if signal is None:
        return {}
    return {"coop": signal.coop_id, "stance": signal.stance.value, "note": signal.note}


def _reasons(form) -> list[str]:
    """Why a submitted form was refused: the service's message first, then each field's."""
    if form is None:
        return []
    return [*form.form_errors, *(m for f in form if f.errors for m in f.errors)]


def _frozen_reason(proposal) -> str | None:
    try:
        service.require_editable(proposal)
    except DomainError as error:
        return error.message
    return None


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
def edit(proposal_id: int):
    proposal = service.get_visible(current_user, proposal_id)
    permissions.require_edit(current_user, proposal)
    service.require_editable(proposal)
    form = ProposalForm()
    form.networks.choices = choices((n.slug, n.name) for n in proposal.networks)
    form.networks.data = [n.slug for n in proposal.networks]
    if request.method == "GET":
        form.fill_from(proposal)
    elif form.validate_on_submit():
        try:
            revision = service.edit_proposal(
                proposal,
                actor=current_user,
                kind=form.kind.data,
                title=form.title.data,
                summary=form.summary.data or "",
                body=form.body.data or "",
                facts=form.facts(),
                change_note=form.change_note.data or "",
            )
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Saved as revision %(number)s.", number=revision.number), "success")
            return redirect(url_for(".show", proposal_id=proposal.id))
    return render_template("proposals/form.html", form=form, proposal=proposal), _failed(form)


@bp.post("/<int:proposal_id>/steps")
def take_step(proposal_id: int):
    proposal = service.get_visible(current_user, proposal_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        abort(400, description=_("Choose a step to take."))
    if form.chosen() == Transition.WITHDRAW and request.form.get("confirm") != "yes":
        flash(_("Nothing was withdrawn: tick the box to confirm, as a withdrawal cannot be undone."), "error")
        return redirect(url_for(".show", proposal_id=proposal.id, _anchor="run-h")), 303
    change = service.take_step(proposal, form.chosen(), actor=current_user, note=form.note.data or "")
    db.session.commit()
    flash(_("The proposal is now %(phrase)s.", phrase=change.to_state.phrase), "success")
    return redirect(url_for(".show", proposal_id=proposal.id))


@bp.get("/<int:proposal_id>/compare")
def compare(proposal_id: int):
    proposal = service.get_visible(current_user, proposal_id)
    latest = proposal.current_revision.number
    try:
        old_number = int(request.args.get("from", max(1, latest - 1)))
        new_number = int(request.args.get("to", latest))
    except ValueError:
        abort(400, description=_("Give revision numbers, such as ?from=1&to=2."))
    old, new = service.get_revision(proposal, old_number), service.get_revision(proposal, new_number)
    return render_template(
        "proposals/compare.html", proposal=proposal, old=old, new=new, sections=diff.compare(old, new)
    )


def _at_comment(comment: Comment):
    """The proposal's page that shows a comment, scrolled to it."""
    page = service.comment_page(comment)
    return url_for(
        ".show",
        proposal_id=comment.proposal_id,
        page=page if page > 1 else None,
        _anchor=f"comment-{comment.id}",
    )


@bp.get("/<int:proposal_id>/comments/<int:comment_id>")
def comment_link(proposal_id: int, comment_id: int):
    """A comment's lasting address: the page of the discussion it is on."""
    proposal = service.get_visible(current_user, proposal_id)
    found = db.session.get(Comment, comment_id)
    if found is None or found.proposal_id != proposal.id:
        abort(404, description=_("There is no comment %(id)s in this discussion.", id=comment_id))
    return redirect(_at_comment(found))


@bp.errorhandler(RateLimitExceeded)
def _too_many(error: RateLimitExceeded):
    """Over the comment limit: the reason on the proposal's page, and the text kept in the form."""
    proposal_id = (request.view_args or {}).get("proposal_id")
    try:
        proposal = service.get_visible(current_user, proposal_id) if proposal_id is not None else None
    except DomainError:
        proposal = None  # over the limit on a proposal one cannot see: say only the limit
    if request.endpoint != "proposals.comment" or proposal is None:
        return render_template("error.html", message=error.description, status=429), 429
    form = CommentForm()
    form.form_errors.append(error.description)
    return _show_page(proposal, comment_form=form, status=429)


@bp.post("/<int:proposal_id>/comments")
@comment_limit
def comment(proposal_id: int):
    proposal = service.get_visible(current_user, proposal_id)
    form = CommentForm()
    status = 400
    if form.validate_on_submit() and request.form.get("preview"):
        # Nothing is posted: the text comes back rendered, and kept in the form to post or change.
        return _show_page(proposal, comment_form=form, preview=render_markdown(form.body.data))
    if form.validate_on_submit():
        try:
            parent = _parent(proposal, form, form.parent_id.data)
            made = service.add_comment(proposal, actor=current_user, body=form.body.data, parent=parent)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            status = error.status
        else:
            db.session.commit()
            flash(_("Your comment is posted."), "success")
            return redirect(_at_comment(made))
    return _show_page(proposal, comment_form=form, status=status)


ID_MAX = 2**31 - 1  # the database's integer column


def _parent(proposal, form, raw: str | None) -> Comment | None:
    """The comment replied to; an unknown one is refused (its parent_id dropped, so a retry posts anew)."""
    if not raw:
        return None
    # "²".isdigit() is True and int() refuses it; a number past the column overflows in the database.
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= len(str(ID_MAX)) else 0
    parent = db.session.get(Comment, number) if 1 <= number <= ID_MAX else None
    if parent is None or parent.proposal_id != proposal.id:
        form.parent_id.data = None
        raise NotFound(
            _("The comment you replied to is not in this discussion; post your text as a new comment.")
        )
    return parent


@bp.route("/<int:proposal_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit_comment(proposal_id: int, comment_id: int):
    proposal = service.get_visible(current_user, proposal_id)
    found = db.session.get(Comment, comment_id)
    if found is None or found.proposal_id != proposal.id:
        abort(404)
    if found.author_id != current_user.id:
        abort(403, description=_("Only its author can edit a comment."))
    form = CommentForm(data={"body": found.body} if request.method == "GET" else None)
    status = 200
    if request.method == "GET":
        try:
            service.require_discussion_open(proposal, actor=current_user)
        except DomainError as error:
            show_refusal(form, error)  # said before anything is typed
    elif form.validate_on_submit():
        try:
            service.edit_comment(found, actor=current_user, body=form.body.data)
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            status = error.status
        else:
            db.session.commit()
            flash(_("Your comment is updated."), "success")
            return redirect(_at_comment(found))
    else:
        status = 400
    page = render_template("proposals/comment_edit.html", proposal=proposal, comment=found, form=form)
    return page, status


@bp.post("/<int:proposal_id>/comments/<int:comment_id>/delete")
def delete_comment(proposal_id: int, comment_id: int):
    proposal = service.get_visible(current_user, proposal_id)
    found = db.session.get(Comment, comment_id)
    if found is None or found.proposal_id != proposal.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("The form expired; try again."))
    service.delete_comment(found, actor=current_user)
    db.session.commit()
    flash(_("Your comment is deleted; the thread shows where it was."), "success")
    return redirect(url_for(".show", proposal_id=proposal.id, _anchor=f"comment-{found.id}"))


@bp.post("/<int:proposal_id>/interest")
def interest(proposal_id: int):
    proposal = service.get_visible(current_user, proposal_id)
    form = InterestForm()
    coops = permissions.signal_coops(current_user, proposal)
    form.coop.choices = choices((c.id, c.name) for c in coops)
    if not coops:
        abort(403, description=_("Only a delegate of an addressed co-op can say whether it is in."))
    status = 400
    if form.validate_on_submit():
        coop = next(c for c in coops if c.id == form.coop.data)
        try:
            service.signal_interest(
                proposal, actor=current_user, coop=coop, stance=form.stance.data, note=form.note.data or ""
            )
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            status = error.status
        else:
            db.session.commit()
            stance = Stance(form.stance.data).label
            flash(_("Noted: %(coop)s is %(stance)s.", coop=coop.name, stance=stance), "success")
            return redirect(url_for(".show", proposal_id=proposal.id, _anchor="who-is-in"))
    return _show_page(proposal, interest_form=form, status=status)


def waiting(person, limit: int) -> tuple[list[dict], int]:
    """For the home page: co-ops that have not said whether they are in, and drafts a steward can open,
    newest first (the first `limit`), and how many.

    A count and a page each, however many proposals there are: this runs on every page (the navigation
    counts it)."""
    drafts, draft_count = service.drafts_to_open(person, limit)
    asks, ask_count = service.interest_asked(person, limit)
    by_proposal: dict[int, list[dict]] = {}
    for proposal in drafts:
        url = url_for("proposals.show", proposal_id=proposal.id)
        by_proposal.setdefault(proposal.id, []).append(
            {"text": _("Draft to open: %(title)s", title=proposal.title), "url": url}
        )
    for proposal, coop in asks:
        text = _("Say whether %(coop)s is in: %(title)s", coop=coop.name, title=proposal.title)
        url = url_for("proposals.show", proposal_id=proposal.id, _anchor="who-is-in")
        by_proposal.setdefault(proposal.id, []).append({"text": text, "url": url})
    proposals = sorted(
        {p.id: p for p in [*drafts, *(p for p, _coop in asks)]}.values(),
        key=lambda p: (p.updated_at, p.id),
        reverse=True,
    )
    return [item for p in proposals for item in by_proposal[p.id]][:limit], draft_count + ask_count
