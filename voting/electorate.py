"""A vote's electorate read for its pages in SQL: counts, one page of rows, and the viewer's own co-ops.

An electorate can be a thousand co-ops. The vote and result pages show its turnout as sums, a page of
its table, the first names of those still to vote with how many more, and the rows of the viewer's own
co-ops, each a fixed number of queries however large it is. Nothing here loads `Vote.electors` or
`Vote.ballots` (the services, which need every row to count or to mail, still do). Orders are by name
as the database lowers it, then id, as the other paged lists of co-ops are (`proposals.service.who_is_in`).
"""

from __future__ import annotations

from sqlalchemy import and_, case, func, inspect, select
from sqlalchemy.orm import aliased, contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from governance.database import holds_text, page_of
from governance.extensions import db
from governance.models import Coop
from governance.paging import ListPage
from voting.models import Ballot, Elector, Proxy, Vote
from voting.results import Participant, Turnout

_by_name = (func.lower(Coop.name), Coop.id)


def _current(vote: Vote):
    """The join of an elector to its co-op's current ballot."""
    return and_(Ballot.vote_id == vote.id, Ballot.coop_id == Elector.coop_id, Ballot.is_current)


def _active_proxy(vote: Vote):
    """The join of an elector to the proxy its co-op has named and not ended."""
    return and_(Proxy.vote_id == vote.id, Proxy.coop_id == Elector.coop_id, Proxy.ended_at.is_(None))


def turnout(vote: Vote) -> Turnout:
    """How many co-ops and how much weight the electorate has, and how many have a ballot in: one query."""
    voted = Ballot.id.is_not(None)
    row = db.session.execute(
        select(
            func.count(Elector.id),
            func.count(Ballot.id),
            func.coalesce(func.sum(case((voted, Elector.weight), else_=0)), 0),
            func.coalesce(func.sum(Elector.weight), 0),
        )
        .select_from(Elector)
        .outerjoin(Ballot, _current(vote))
        .where(Elector.vote_id == vote.id)
    ).one()
    return Turnout(voted=row[1], electorate=row[0], weight_voted=int(row[2]), weight=int(row[3]))


def participation_page(vote: Vote, page: int, per_page: int, total: int) -> ListPage:
    """One page of the electorate by name (a page past the end is the last one): each co-op with its
    weight, current ballot and active proxy, the co-ops that cast or hold them read in the same query."""
    held_by = aliased(Coop)
    query = (
        select(Elector, Ballot, Proxy)
        .join(Elector.coop)
        .outerjoin(Ballot, _current(vote))
        .outerjoin(Proxy, _active_proxy(vote))
        .outerjoin(held_by, held_by.id == Proxy.proxy_coop_id)
        .where(Elector.vote_id == vote.id)
        .options(
            contains_eager(Elector.coop),
            joinedload(Ballot.proxy_coop),
            contains_eager(Proxy.proxy_coop.of_type(held_by)),
        )
        .order_by(*_by_name)
    )
    found = page_of(query, page, per_page, total)
    return ListPage(
        [Participant(elector.coop, elector.weight, ballot, proxy) for elector, ballot, proxy in found.rows],
        found.page,
        found.pages,
    )


def current_ballots_of(vote: Vote, coop_ids) -> dict[int, Ballot]:
    """The current ballots of these co-ops (the viewer's), by co-op id: one query."""
    coop_ids = list(coop_ids)
    if not coop_ids:
        return {}
    query = select(Ballot).where(Ballot.vote_id == vote.id, Ballot.coop_id.in_(coop_ids), Ballot.is_current)
    return {ballot.coop_id: ballot for ballot in db.session.scalars(query)}


def _able(vote: Vote):
    """The co-ops of the electorate that could hold a proxy now: those that have not named one of their own
    (a proxy goes one step)."""
    return (
        select(Coop.id, Coop.name)
        .join(Elector, Elector.coop_id == Coop.id)
        .outerjoin(Proxy, _active_proxy(vote))
        .where(Elector.vote_id == vote.id, Proxy.id.is_(None))
    )


def proxy_candidates(vote: Vote, *, matching: str = "", limit: int) -> tuple[list[tuple[int, str]], int]:
    """(id, name) of the first `limit` co-ops that could hold a proxy, by name, and how many there are in
    all, in one query; with `matching`, only those whose name contains it (whatever its case). Each offer
    leaves out its own co-op and current proxy."""
    query = _able(vote).add_columns(func.count().over()).order_by(*_by_name).limit(limit)
    if matching:
        query = query.where(holds_text(Coop.name, matching))
    rows = db.session.execute(query).all()
    return [(coop_id, name) for coop_id, name, _ in rows], (rows[0][2] if rows else 0)


def not_voted_names(vote: Vote, limit: int) -> list[str]:
    """The names of the first `limit` co-ops of the electorate, by name, with no current ballot."""
    query = (
        select(Coop.name)
        .join(Elector, Elector.coop_id == Coop.id)
        .outerjoin(Ballot, _current(vote))
        .where(Elector.vote_id == vote.id, Ballot.id.is_(None))
        .order_by(*_by_name)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def has_every_ballot(vote: Vote) -> bool:
    """Whether every co-op of the electorate has a current ballot: whether one without exists."""
    missing = (
        select(Elector.id)
        .outerjoin(Ballot, _current(vote))
        .where(Elector.vote_id == vote.id, Ballot.id.is_(None))
        .exists()
    )
    return not db.session.scalar(select(missing))


def load_proxies(vote: Vote) -> list[Proxy]:
    """Every proxy of the vote with both co-ops and who named it, in one query, set as `vote.proxies` (the
    page lists them all; loaded one by one, each co-op not in the session would be a query)."""
    if "proxies" in inspect(vote).unloaded:
        query = (
            select(Proxy)
            .where(Proxy.vote_id == vote.id)
            .options(joinedload(Proxy.coop), joinedload(Proxy.proxy_coop), joinedload(Proxy.named_by))
            .order_by(Proxy.id)
        )
        set_committed_value(vote, "proxies", list(db.session.scalars(query)))
    return vote.proxies
