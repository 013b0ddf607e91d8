"""Use cases of proposals: draft, edit (each edit a revision), take lifecycle steps, discuss, say who is in.

Each takes the actor as a keyword, authorises, changes state, appends the audit event and flushes;
the caller (a request or a command) commits.

For the votes feature:
- `apply_transition(proposal, Transition.OPEN_VOTE, actor=steward)` when a steward opens a vote
  (discussion → voting; raises `NotAllowed` for anyone but a steward of an addressed network);
- `apply_transition(proposal, Transition.PASS | REJECT | FAIL_QUORUM, actor=None, actor_kind=ActorKind.SYSTEM,
  is_due=True, data={...})` at the close;
- `proposal.state` / `proposal.is_text_frozen` to refuse edits, `proposal.current_revision` for the ballot.
An illegal step raises `governance.errors.InvalidTransition` (409, with current_state and allowed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, inspect, select, tuple_
from sqlalchemy.orm import joinedload

from governance import audit
from governance.database import first_rows
from governance.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed, NotFound
from governance.extensions import db
from governance.models import (
    Coop,
    CoopMembership,
    CoopRole,
    Network,
    NetworkMembership,
    NetworkRoleKind,
    Person,
)
from governance.permissions import is_admin_of, is_steward_of
from governance.texts import N_, _
from governance.types import utcnow
from governance.validation import clean_text, invalid
from proposals import permissions
from proposals.lifecycle import (
    EDITABLE_STATES,
    STATE_LABELS,
    ActorKind,
    GuardContext,
    State,
    Transition,
    allowed_transitions,
    guard_failure,
    next_state,
)
from proposals.models import (
    FACT_FIELDS,
    Comment,
    Interest,
    Kind,
    Proposal,
    Revision,
    Stance,
    StateChange,
    addressed_coop_ids,
    proposal_networks,
)
from proposals.money import is_currency

TITLE_MAX, SUMMARY_MAX, BODY_MAX, NOTE_MAX, COMMENT_MAX = 200, 2000, 100_000, 500, 20_000
COUNT_MAX = 1_000_000  # hours, seats, months
MONEY_MAX = 10**13  # minor units


class Action(StrEnum):
    CREATED = "proposal.created"
    EDITED = "proposal.edited"
    TRANSITION = "proposal.transition"
    COMMENTED = "proposal.commented"
    COMMENT_EDITED = "proposal.comment_edited"
    COMMENT_DELETED = "proposal.comment_deleted"
    INTEREST = "proposal.interest"


def _kind(value) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        raise invalid(
            "kind",
            _(
                "Unknown kind %(value)r: choose one of %(kinds)s.",
                value=value,
                kinds=", ".join(k.value for k in Kind),
            ),
        ) from None


def _count(facts: dict, name: str, limit: int) -> int | None:
    value = facts.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(name, _("Give a whole number."))
    if not 0 <= value <= limit:
        raise invalid(name, _("Give a number from 0 to %(limit)s.", limit=limit))
    return value


def clean_facts(kind: Kind, facts: dict[str, Any] | None) -> dict[str, Any]:
    """The facts of a shared service or joint venture, checked; other kinds carry none."""
    facts = {k: v for k, v in (facts or {}).items() if v not in (None, "")}
    unknown = set(facts) - set(FACT_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown facts: %(facts)s.", facts=", ".join(sorted(unknown))))
    if facts and not kind.has_facts:
        raise invalid(
            "kind",
            _(
                "A %(kind)s proposal carries no money or capacity facts; leave them empty.",
                kind=kind.label.lower(),
            ),
        )
    cleaned: dict[str, Any] = {
        "monthly_revenue_minor": _count(facts, "monthly_revenue_minor", MONEY_MAX),
        "monthly_costs_minor": _count(facts, "monthly_costs_minor", MONEY_MAX),
        "hours_per_month": _count(facts, "hours_per_month", COUNT_MAX),
        "seats": _count(facts, "seats", COUNT_MAX),
        "term_months": _count(facts, "term_months", COUNT_MAX),
        "currency": None,
    }
    currency = str(facts.get("currency") or "").strip().upper()
    if currency and not is_currency(currency):
        raise invalid(
            "currency",
            _(
                "%(currency)s is not an ISO 4217 currency: give a code such as GBP, USD, EUR or ARS.",
                currency=currency,
            ),
        )
    has_money = cleaned["monthly_revenue_minor"] is not None or cleaned["monthly_costs_minor"] is not None
    if has_money and not currency:
        raise invalid("currency", _("Say which currency the revenue and costs are in, such as GBP."))
    cleaned["currency"] = currency or None
    return {name: cleaned[name] for name in FACT_FIELDS}


def missing_facts(proposal: Proposal) -> tuple[str, ...]:
    """Facts a co-op needs before a shared service or joint venture goes to discussion."""
    if not proposal.kind.has_facts:
        return ()
    # English names, marked for translation: the guard's message translates each (proposals.lifecycle).
    needed = {
        "monthly_revenue_minor": N_("monthly revenue"),
        "monthly_costs_minor": N_("monthly costs"),
        "currency": N_("currency"),
        "hours_per_month": N_("hours a month"),
    }
    return tuple(label for name, label in needed.items() if getattr(proposal, name) is None)


def networks_by_slugs(slugs: Iterable[str]) -> list[Network]:
    """The networks named, or a clear error naming the ones that do not exist."""
    wanted = list(dict.fromkeys(s.strip() for s in slugs if s and s.strip()))
    if not wanted:
        raise invalid("networks", _("Address the proposal to at least one network."))
    found = {n.slug: n for n in db.session.scalars(select(Network).where(Network.slug.in_(wanted)))}
    unknown = [s for s in wanted if s not in found]
    if unknown:
        raise invalid("networks", _("Unknown network: %(networks)s.", networks=", ".join(unknown)))
    return [found[s] for s in wanted]


def _snapshot(proposal: Proposal, *, actor: Person, change_note: str) -> Revision:
    revision = Revision(
        number=len(proposal.revisions) + 1,
        kind=proposal.kind,
        title=proposal.title,
        summary=proposal.summary,
        body=proposal.body,
        facts=proposal.facts,
        change_note=change_note,
        author=actor,
    )
    proposal.revisions.append(revision)
    return revision


# One writer at a time

# What hangs below a proposal, one row each (its vote, and later its campaign and agreement): read afresh
# under the lock, since another request may have made one without changing the proposal's own columns.
LOCK_REREADS = ("vote", "campaign", "agreement")


def lock_proposal(proposal: Proposal) -> Proposal:
    """Hold the proposal's row until the transaction ends, and read its state and revisions afresh.

    Every change of a proposal, or of anything under it (its vote, campaign, pledges, agreement), calls
    this first, so two requests changing one proposal take turns and the second sees what the first did.
    The order is always proposal, then vote or campaign, then the rows below: no two requests can wait
    for each other. On SQLite the write transaction already holds the database's lock (BEGIN IMMEDIATE).
    """
    db.session.flush()
    attrs = inspect(Proposal).column_attrs
    row = db.session.execute(
        select(*(a.columns[0] for a in attrs)).where(Proposal.id == proposal.id).with_for_update()
    ).one()
    if any(getattr(proposal, a.key) != value for a, value in zip(attrs, row, strict=True)):
        db.session.expire(proposal)  # another request changed it while we waited: nothing stale decides
    related = inspect(Proposal).relationships
    db.session.expire(proposal, [key for key in LOCK_REREADS if key in related])
    return proposal


# Drafting and editing


def create_proposal(
    *,
    actor: Person,
    networks: list[Network],
    kind: Kind | str,
    title: str,
    summary: str = "",
    body: str = "",
    facts: dict[str, Any] | None = None,
    change_note: str = "",
) -> Proposal:
    """A steward, or a delegate of a co-op in it, of every addressed network drafts a proposal; its text is
    revision 1. A steward opens it for discussion."""
    if not networks:
        raise invalid("networks", _("Address the proposal to at least one network."))
    if not permissions.can_draft_to(actor, networks):
        others = [n.name for n in networks if not permissions.can_draft_to(actor, [n])]
        raise NotAllowed(
            _(
                "Only a steward of %(networks)s, or a delegate of one of its co-ops, can address a "
                "proposal to it.",
                networks=", ".join(others),
            )
        )
    kind = _kind(kind)
    proposal = Proposal(
        kind=kind,
        title=clean_text(title, "title", _("A title"), TITLE_MAX),
        summary=clean_text(summary, "summary", _("The summary"), SUMMARY_MAX, required=False),
        body=clean_text(body, "body", _("The body"), BODY_MAX, required=False),
        created_by=actor,
        state=State.DRAFT,
        **clean_facts(kind, facts),
    )
    proposal.networks = list({n.id: n for n in networks}.values())
    db.session.add(proposal)
    note = (
        clean_text(change_note, "change_note", _("The change note"), NOTE_MAX, required=False)
        or "First draft."
    )
    revision = _snapshot(proposal, actor=actor, change_note=note)
    db.session.flush()
    audit.record(
        Action.CREATED,
        actor=actor,
        subject=proposal,
        networks=proposal.networks,
        data={"title": proposal.title, "kind": kind.value, "revision": revision.number},
        summary=f"Drafted proposal {proposal.title!r}",
    )
    return proposal


def require_editable(proposal: Proposal) -> None:
    if proposal.state in EDITABLE_STATES:
        return
    revision = proposal.current_revision
    number = revision.number if revision else 1
    if proposal.state == State.VOTING:
        reason = _(
            "The text cannot change while the vote is open: ballots are cast on revision %(number)s.",
            number=number,
        )
    else:
        reason = _(
            "The text cannot change now the proposal is %(state)s: revision %(number)s stands.",
            state=proposal.state.label,
            number=number,
        )
    raise Conflict(reason, current_state=proposal.state.value)


def edit_proposal(
    proposal: Proposal,
    *,
    actor: Person,
    title: str,
    summary: str = "",
    body: str = "",
    kind: Kind | str | None = None,
    facts: dict[str, Any] | None = None,
    change_note: str = "",
) -> Revision:
    """A steward edits the text or facts before any vote (its delegate author, while a draft); every edit
    makes a revision."""
    permissions.require_edit(actor, proposal)
    lock_proposal(proposal)
    require_editable(proposal)
    new_kind = _kind(kind) if kind is not None else proposal.kind
    changes = {
        "kind": new_kind,
        "title": clean_text(title, "title", _("A title"), TITLE_MAX),
        "summary": clean_text(summary, "summary", _("The summary"), SUMMARY_MAX, required=False),
        "body": clean_text(body, "body", _("The body"), BODY_MAX, required=False),
        **clean_facts(new_kind, facts),
    }
    note = clean_text(change_note, "change_note", _("The change note"), NOTE_MAX, required=False)
    changed = sorted(name for name, value in changes.items() if getattr(proposal, name) != value)
    if not changed:
        raise InvalidInput(_("Nothing changed, so no revision was made."))
    for name, value in changes.items():
        setattr(proposal, name, value)
    proposal.updated_at = utcnow()
    revision = _snapshot(proposal, actor=actor, change_note=note)
    db.session.flush()
    audit.record(
        Action.EDITED,
        actor=actor,
        subject=proposal,
        networks=proposal.networks,
        data={"revision": revision.number, "changed": changed, "note": note},
        summary=f"Edited proposal {proposal.title!r} (revision {revision.number})",
    )
    return revision


# The lifecycle


def guard_context(proposal: Proposal, *, is_due: bool = False, are_targets_met: bool = False) -> GuardContext:
    return GuardContext(
        has_text=bool(proposal.title.strip() and proposal.summary.strip() and proposal.body.strip()),
        network_count=len(proposal.networks),
        missing_facts=missing_facts(proposal),
        is_commitment=proposal.kind.has_facts,
        is_due=is_due,
        are_targets_met=are_targets_met,
    )


# What must be settled before a proposal is shown: the voting feature adds "close its vote if it is due",
# so reading a proposal past its vote's close shows the outcome, whether or not a job has run.
settle_hooks: list[Callable[[Proposal], bool]] = []


# What follows a step in the same transaction: the pledging feature adds "a vote that passed moves its
# campaign's proposal on to pledging; a vote that failed, or a withdrawal, lapses the campaign".
transition_hooks: list[Callable[[Proposal, StateChange], None]] = []


def settle(proposal: Proposal) -> bool:
    """Run the settle hooks; True when one of them changed something (the caller commits)."""
    return any([hook(proposal) for hook in settle_hooks])


def take_step(
    proposal: Proposal, transition: Transition | str, *, actor: Person, note: str = ""
) -> StateChange:
    """A steward's step from the page's step buttons or the API's transitions endpoint.

    Opening the vote is refused here: a vote needs its method, times and rules, so it opens only through
    `voting.service.open_vote`, which takes this step itself. Anything else is `apply_transition`.
    """
    if transition in (Transition.OPEN_PLEDGING, Transition.COMMIT_EARLY):
        permissions.require_steward(actor, proposal)
        lock_proposal(proposal)
        next_state(proposal.state, Transition(transition), ActorKind.STEWARD)
        raise InvalidTransition(
            _(
                "A pledge campaign opens with its currency, targets and deadline, and commits early from its "
                "own page: use “Open a pledge campaign…” on the proposal's page, or the campaigns API."
            ),
            current_state=proposal.state.value,
            allowed=[t.value for t in allowed_transitions(proposal.state, ActorKind.STEWARD)],
        )
    if transition in (Transition.OPEN_VOTE, Transition.OPEN_VOTE.value):
        permissions.require_steward(actor, proposal)
        lock_proposal(proposal)
        next_state(
            proposal.state, Transition.OPEN_VOTE, ActorKind.STEWARD
        )  # an illegal step is refused as usual
        raise InvalidTransition(
            _(
                "A vote opens with its method, times and rules: use “Open the vote…” on the proposal's page, "
                "or POST /api/v1/proposals/%(id)s/vote.",
                id=proposal.id,
            ),
            current_state=proposal.state.value,
            allowed=[t.value for t in allowed_transitions(proposal.state, ActorKind.STEWARD)],
        )
    return apply_transition(proposal, transition, actor=actor, note=note)


def apply_transition(
    proposal: Proposal,
    transition: Transition | str,
    *,
    actor: Person | None,
    actor_kind: ActorKind = ActorKind.STEWARD,
    data: dict[str, Any] | None = None,
    note: str = "",
    is_due: bool = False,
    are_targets_met: bool = False,
) -> StateChange:
    """Take one lifecycle step: authorise, check the state machine and the guard, move, record.

    A steward's step needs a steward of an addressed network as `actor`; the system's (`actor_kind=SYSTEM`,
    `actor=None`) needs `is_due=True`, said by the job that runs at the close time. Refusals raise
    `InvalidTransition` (or `NotAllowed` for the wrong person) and change nothing.
    """
    try:
        transition = Transition(transition)
    except ValueError:
        raise InvalidTransition(
            _("There is no step called %(step)r.", step=transition),
            current_state=proposal.state.value,
            allowed=[t.value for t in allowed_transitions(proposal.state, actor_kind)],
        ) from None
    actor_kind = ActorKind(actor_kind)
    if actor_kind == ActorKind.STEWARD:
        permissions.require_steward(actor, proposal)
    lock_proposal(proposal)
    before = proposal.state
    after = next_state(before, transition, actor_kind)
    context = guard_context(proposal, is_due=is_due, are_targets_met=are_targets_met)
    reason = guard_failure(transition, context)
    if reason:
        raise InvalidTransition(
            reason,
            current_state=before.value,
            allowed=[t.value for t in allowed_transitions(before, actor_kind)],
        )
    note = clean_text(note, "note", _("The note"), NOTE_MAX, required=False)
    proposal.state = after
    proposal.state_changed_at = utcnow()
    change = StateChange(transition=transition, from_state=before, to_state=after, actor=actor, note=note)
    proposal.state_changes.append(change)
    db.session.flush()
    audit.record(
        Action.TRANSITION,
        actor=actor,
        subject=proposal,
        networks=proposal.networks,
        data={
            "transition": transition.value,
            "from": before.value,
            "to": after.value,
            "note": note,
            **(data or {}),
        },
        summary=f"Proposal {proposal.title!r}: {STATE_LABELS[before]} → {STATE_LABELS[after]}",
    )
    for hook in transition_hooks:
        hook(proposal, change)
    return change


# Discussion


def require_discussion_open(proposal: Proposal, *, actor: Person) -> None:
    """Who may write in the discussion, and when: people of the addressed co-ops, until a withdrawal."""
    permissions.require_see(actor, proposal)
    if not permissions.can_comment(actor, proposal):
        raise NotAllowed(_("Only people of the addressed co-ops can take part in this discussion."))
    if proposal.state == State.WITHDRAWN:
        raise Conflict(
            _("This proposal was withdrawn; its discussion is closed."), current_state=proposal.state.value
        )


def add_comment(proposal: Proposal, *, actor: Person, body: str, parent: Comment | None = None) -> Comment:
    require_discussion_open(proposal, actor=actor)
    if parent is not None:
        if parent.proposal_id != proposal.id:
            raise NotFound(_("That comment is not part of this proposal's discussion."))
        parent = parent.parent or parent  # replies stay one level deep: a reply to a reply joins its thread
    comment = Comment(
        proposal=proposal,
        parent=parent,
        author=actor,
        body=clean_text(body, "body", _("A comment"), COMMENT_MAX),
    )
    db.session.add(comment)
    db.session.flush()
    audit.record(
        Action.COMMENTED,
        actor=actor,
        subject=proposal,
        networks=proposal.networks,
        data={"comment": comment.id, "reply_to": parent.id if parent else None},
    )
    return comment


def edit_comment(comment: Comment, *, actor: Person, body: str) -> Comment:
    """Its author edits a comment while they may still write in the discussion (as for a new one)."""
    permissions.require_see(actor, comment.proposal)
    if comment.author_id != actor.id:
        raise NotAllowed(_("Only its author can edit a comment."))
    require_discussion_open(comment.proposal, actor=actor)
    if comment.is_deleted:
        raise Conflict(_("This comment was deleted; post a new one instead."))
    body = clean_text(body, "body", _("A comment"), COMMENT_MAX)
    if body == comment.body:
        raise InvalidInput(_("Nothing changed."))
    comment.body = body
    comment.edited_at = utcnow()
    db.session.flush()
    audit.record(
        Action.COMMENT_EDITED,
        actor=actor,
        subject=comment.proposal,
        networks=comment.proposal.networks,
        data={"comment": comment.id},
    )
    return comment


# Reading the discussion, a page at a time

COMMENTS_PER_PAGE = 50


def _thread_order():
    """Threads in the order they began, each reply right after its thread's earlier comments: a reply's
    id is always above its parent's, so (thread, id) orders both."""
    return func.coalesce(Comment.parent_id, Comment.id), Comment.id


def comments_query(proposal: Proposal) -> Select:
    """A proposal's comments, threads in order, authors loaded with them (one query for a page)."""
    return (
        select(Comment)
        .where(Comment.proposal_id == proposal.id)
        .options(
            # the author and the co-ops they speak from (shown beside each comment): one query each, not one a comment
            joinedload(Comment.author).selectinload(Person.memberships).joinedload(CoopMembership.coop)
        )
        .order_by(*_thread_order())
    )


@dataclass
class Thread:
    """A top-level comment and the replies to it on one page; `is_continued` when the comment itself is
    on an earlier page (the thread runs over the page break)."""

    comment: Comment
    replies: list[Comment] = field(default_factory=list)
    is_continued: bool = False


@dataclass
class DiscussionPage:
    pagination: Any  # flask_sqlalchemy's Pagination: items, total, page, pages, has_prev, has_next
    threads: list[Thread]


def discussion_page(proposal: Proposal, page: int, per_page: int = COMMENTS_PER_PAGE) -> DiscussionPage:
    """One page of the discussion, grouped in threads, in a fixed number of queries whatever its size."""
    pagination = db.paginate(comments_query(proposal), page=page, per_page=per_page, error_out=False)
    threads: list[Thread] = []
    for comment in pagination.items:
        if comment.parent_id is None:
            threads.append(Thread(comment))
        elif threads and threads[-1].comment.id == comment.parent_id:
            threads[-1].replies.append(comment)
        else:  # only the page's first thread can have begun on an earlier page
            threads.append(Thread(comment.parent, [comment], is_continued=True))
    return DiscussionPage(pagination, threads)


def comment_page(comment: Comment, per_page: int = COMMENTS_PER_PAGE) -> int:
    """The page of the discussion a comment is on."""
    thread, _ = _thread_order()
    key = (comment.parent_id or comment.id, comment.id)
    before = db.session.scalar(
        select(func.count(Comment.id)).where(
            Comment.proposal_id == comment.proposal_id, tuple_(thread, Comment.id) < tuple_(*key)
        )
    )
    return (before or 0) // per_page + 1


def delete_comment(comment: Comment, *, actor: Person) -> Comment:
    """Its author deletes a comment: its text goes, its place in the thread stays, marked deleted."""
    permissions.require_see(actor, comment.proposal)
    if comment.author_id != actor.id:
        raise NotAllowed(_("Only its author can delete a comment."))
    if comment.is_deleted:
        raise Conflict(_("This comment is already deleted."))
    comment.body, comment.deleted_at = "", utcnow()
    if hasattr(comment, "body_html"):
        comment.body_html = ""
    db.session.flush()
    audit.record(
        Action.COMMENT_DELETED,
        actor=actor,
        subject=comment.proposal,
        networks=comment.proposal.networks,
        data={"comment": comment.id},
    )
    return comment


# Who is in


def signal_interest(
    proposal: Proposal, *, actor: Person, coop: Coop, stance: Stance | str, note: str = ""
) -> Interest:
    """A delegate says whether their co-op is in, before any vote; a later signal replaces the earlier."""
    permissions.require_see(actor, proposal)
    if not proposal.addresses(coop):
        raise NotFound(_("%(coop)s is not among the co-ops this proposal is addressed to.", coop=coop.name))
    if not actor.is_delegate_of(coop):
        raise NotAllowed(_("Only a delegate of %(coop)s can say whether it is in.", coop=coop.name))
    if proposal.state != State.DISCUSSION:
        raise Conflict(
            _("Co-ops say whether they are in while the proposal is in discussion, before any vote."),
            current_state=proposal.state.value,
        )
    try:
        stance = Stance(stance)
    except ValueError:
        raise invalid(
            "stance", _("Choose one of %(stances)s.", stances=", ".join(s.value for s in Stance))
        ) from None
    note = clean_text(note, "note", _("The note"), 1000, required=False)
    interest = next((i for i in proposal.interests if i.coop_id == coop.id), None)
    before = interest.stance.value if interest else None
    if interest is None:
        interest = Interest(proposal=proposal, coop=coop, stance=stance)
        db.session.add(interest)
    interest.stance, interest.note, interest.person, interest.updated_at = stance, note, actor, utcnow()
    db.session.flush()
    audit.record(
        Action.INTEREST,
        actor=actor,
        subject=proposal,
        networks=proposal.networks,
        data={"coop": coop.slug, "from": before, "to": stance.value, "note": note},
    )
    return interest


WHO_PER_PAGE = 50


@dataclass
class WhoIsIn:
    """The addressed co-ops with their signals (every one, or a page of them by name), and the totals a
    steward reads before calling a vote, which the database adds up over every addressed co-op."""

    rows: list[tuple[Coop, Interest | None]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # by stance, and "no_answer"
    total: int = 0
    interested_worker_members: int = 0
    interested_countries: list[str] = field(default_factory=list)
    interested_zones: list[str] = field(default_factory=list)
    page: int = 1
    pages: int = 1


def addressed_count(proposal: Proposal) -> int:
    """How many co-ops a proposal is addressed to (each once, whatever networks it shares), counted by the
    database."""
    query = addressed_coop_ids(proposal.id).with_only_columns(
        func.count(func.distinct(NetworkMembership.coop_id))
    )
    return db.session.scalar(query) or 0


def who_is_in(proposal: Proposal, page: int | None = None, per_page: int = WHO_PER_PAGE) -> WhoIsIn:
    """Who is in: every addressed co-op with its signal (or, with `page`, that page of them), by name, and
    the totals. A fixed number of queries whatever the electorate's size."""
    signal = (Interest.coop_id == Coop.id) & (Interest.proposal_id == proposal.id)
    addressed = Coop.id.in_(addressed_coop_ids(proposal.id))
    groups = db.session.execute(
        select(Interest.stance, Coop.country, Coop.time_zone, func.count(), func.sum(Coop.worker_members))
        .outerjoin(Interest, signal)
        .where(addressed)
        .group_by(Interest.stance, Coop.country, Coop.time_zone)
    ).all()
    counts = {s.value: 0 for s in Stance} | {"no_answer": 0}
    workers, countries, zones = 0, set(), set()
    for stance, country, zone, count, worker_members in groups:
        counts[stance.value if stance else "no_answer"] += count
        if stance == Stance.INTERESTED:
            workers += worker_members or 0
            countries.add(country)
            zones.add(zone)
    total = sum(counts.values())
    rows = (
        select(Coop, Interest)
        .outerjoin(Interest, signal)
        .where(addressed)
        .order_by(func.lower(Coop.name), Coop.id)
    )
    pages = max(1, -(-total // per_page))
    if page is not None:
        page = min(page, pages)
        rows = rows.limit(per_page).offset((page - 1) * per_page)
    return WhoIsIn(
        rows=list(db.session.execute(rows)),
        counts=counts,
        total=total,
        interested_worker_members=workers,
        interested_countries=sorted(countries),
        interested_zones=sorted(zones),
        page=page or 1,
        pages=pages if page is not None else 1,
    )


# Finding proposals


def visible_query(person: Person) -> Select:
    """Proposals a person may see: all of the networks they run, and non-drafts of their co-ops' networks."""
    query = select(Proposal).order_by(Proposal.updated_at.desc(), Proposal.id.desc())
    if person.is_superuser:
        return query
    run_ids = [n.id for n in person.networks if is_steward_of(person, n) or is_admin_of(person, n)]
    coop_ids = list({n.id for c in person.coops for n in c.networks})
    return query.where(
        Proposal.networks.any(Network.id.in_(run_ids))
        | ((Proposal.state != State.DRAFT) & Proposal.networks.any(Network.id.in_(coop_ids)))
        | (Proposal.created_by_id == person.id)
    )


def visible_ids(person: Person) -> Select:
    """The ids of the proposals a person may see (`visible_query`), for `Proposal.id.in_(...)` elsewhere:
    the same rule as `permissions.can_see`, in the database."""
    return visible_query(person).with_only_columns(Proposal.id).order_by(None)


def drafts_to_open(person: Person, limit: int | None = None) -> tuple[list[Proposal], int]:
    """Drafts addressed to a network this person is a steward of, newest first (the first `limit`), and
    how many there are."""
    steward_of = [r.network_id for r in person.network_roles if r.role == NetworkRoleKind.STEWARD]
    if not steward_of:
        return [], 0
    query = visible_query(person).where(
        Proposal.state == State.DRAFT, Proposal.networks.any(Network.id.in_(steward_of))
    )
    return first_rows(query, limit, scalars=True)


def addressed_to_coop(proposal_id):
    """A correlated subquery for `.exists()`: the proposal whose id is `proposal_id` (a column) is addressed
    to the `Coop` of the enclosing query, through one of its networks."""
    return (
        select(NetworkMembership.id)
        .join(proposal_networks, proposal_networks.c.network_id == NetworkMembership.network_id)
        .where(proposal_networks.c.proposal_id == proposal_id, NetworkMembership.coop_id == Coop.id)
    )


def interest_asked(person: Person, limit: int | None = None) -> tuple[list[tuple[Proposal, Coop]], int]:
    """Proposals in discussion addressed to a co-op this person is a delegate of that has not said whether
    it is in, with that co-op (as `permissions.signal_coops` finds them), newest first, co-ops by name: the
    first `limit` pairs, and how many there are."""
    delegate_of = [m.coop_id for m in person.memberships if m.role == CoopRole.DELEGATE]
    if not delegate_of:
        return [], 0
    addressed = addressed_to_coop(Proposal.id)
    answered = select(Interest.id).where(Interest.proposal_id == Proposal.id, Interest.coop_id == Coop.id)
    # No visibility rule besides: a proposal in discussion addressed to one's co-op is one its people see
    # (`permissions.can_see`), and asking the rule again of each of a thousand proposals doubled the time.
    query = (
        select(Proposal, Coop)
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
        .join(Coop, Coop.id.in_(delegate_of))  # each of the person's co-ops, with each proposal
        .where(Proposal.state == State.DISCUSSION)
        .where(addressed.exists(), ~answered.exists())
        .order_by(Coop.name)
    )
    return first_rows(query, limit)


def get_visible(person: Person, proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not permissions.can_see(person, proposal):
        raise NotFound(_("There is no proposal %(id)s that you can see.", id=proposal_id))
    return proposal


def get_revision(proposal: Proposal, number: int) -> Revision:
    revision = next((r for r in proposal.revisions if r.number == number), None)
    if revision is None:
        raise NotFound(_("Proposal %(id)s has no revision %(number)s.", id=proposal.id, number=number))

    return revision
