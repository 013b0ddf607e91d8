"""Votes through the service: opening freezes, ballots belong to co-ops, proxies, receipts, the exact close."""

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from governance import audit
from governance import service as governance_service
from governance.errors import Conflict, InvalidBallot, InvalidInput, InvalidTransition, NotAllowed, VoteClosed
from governance.extensions import db
from governance.types import utcnow
from proposals import service as proposal_service
from proposals.lifecycle import State, Transition
from tests.factories import coop as make_coop
from tests.factories import person
from tests.proposals.factories import proposal as make_proposal
from tests.voting.factories import open_vote
from voting import results, service
from voting.choices import receipt_for
from voting.counting import Ballot, Method, count
from voting.models import Ballot as BallotRow
from voting.models import ProxyEnd, Weighting


@pytest.fixture
def now():
    return utcnow().replace(microsecond=0)


def cast(vote, world, i, choice, *, at, actor=None):
    reason = "Our members said so." if choice in ("block", "disagree") else None  # consent asks why
    return service.cast_ballot(
        vote, actor=actor or world.delegates[i], coop=world.coops[i], choice=choice, reason=reason, now=at
    )


# Opening


def test_opening_freezes_the_electorate_with_weights_and_the_text(world, now):
    vote = open_vote(world, now=now, weighting=Weighting.WORKER_MEMBERS)
    assert [(e.coop.name, e.weight) for e in vote.electors] == [
        ("Hudson Tech", 15),
        ("Río Software", 20),
        ("Thames Code", 12),
    ]
    assert vote.proposal.state == State.VOTING and vote.proposal.is_text_frozen
    with pytest.raises(Conflict, match="cannot change while the vote is open"):
        proposal_service.edit_proposal(vote.proposal, actor=world.steward, title="Changed")


def test_a_coop_admitted_after_the_opening_does_not_vote(world, now):
    vote = open_vote(world, now=now)
    late = make_coop(world.admin, world.network, "Latecomer Co-op")
    delegate = person("Late Delegate")
    governance_service.add_member(actor=world.admin, coop=late, person=delegate, role="delegate")
    with pytest.raises(NotAllowed, match="not in this vote's electorate"):
        service.cast_ballot(vote, actor=delegate, coop=late, choice="yes", now=now + timedelta(hours=1))
    assert len(vote.electors) == 3


def test_opening_is_recorded_in_the_audit_log(world, now):
    vote = open_vote(world, now=now)
    event = audit.last_event()
    assert event.action == "vote.opened" and event.data["electorate"] == {c.slug: 1 for c in world.coops}
    assert event.subject_id == vote.id


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"method": Method.IRV, "options": ["Only one"]}, "options"),
        ({"method": Method.IRV, "options": ["Same", "same"]}, "options"),
        ({"method": Method.STV, "options": ["A", "B"], "seats": 2}, "seats"),
        ({"method": Method.YES_NO, "options": ["A", "B"]}, "options"),
        ({"method": Method.YES_NO, "quorum_percent": 120}, "quorum_percent"),
        ({"method": Method.YES_NO, "yes_no_tie": "casting"}, "yes_no_casting"),
        (
            {"method": Method.IRV, "options": ["A", "B"], "tie_kind": "casting", "casting_order": ["A"]},
            "casting_order",
        ),
        ({"method": "plurality"}, "method"),
    ],
)
def test_opening_refuses_bad_settings_and_writes_nothing(world, now, settings, field):
    proposal = make_proposal(world, discuss=True)
    before = audit.last_event().seq
    with pytest.raises(InvalidInput) as refused:
        service.open_vote(
            proposal,
            actor=world.steward,
            now=now,
            settings=service.VoteSettings(closes_at=now + timedelta(days=1), **settings),
        )
    assert field in refused.value.errors
    db.session.rollback()
    assert proposal.state == State.DISCUSSION and proposal.vote is None and audit.last_event().seq == before


def test_a_vote_that_closes_before_it_opens_is_refused(world, now):
    with pytest.raises(InvalidInput, match="must close after it opens"):
        open_vote(world, now=now, lasts=timedelta(hours=-1))


def test_a_close_more_than_ten_years_ahead_is_refused(world, now):
    with pytest.raises(InvalidInput, match="at most ten years from now") as refused:
        open_vote(world, now=now, lasts=timedelta(days=3654))
    assert "closes_at" in refused.value.errors
    assert open_vote(world, now=now, lasts=timedelta(days=3652)).closes_at == now + timedelta(days=3652)


@pytest.mark.parametrize(
    ("opens_at", "closes_at", "field"),
    [
        (None, datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))), "closes_at"),
        (
            datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
            datetime(2030, 1, 1, tzinfo=UTC),
            "opens_at",
        ),
    ],
)
def test_times_at_the_calendars_edge_are_refused_not_overflowing(world, now, opens_at, closes_at, field):
    proposal = make_proposal(world, discuss=True)
    settings = service.VoteSettings(method=Method.YES_NO, opens_at=opens_at, closes_at=closes_at)
    with pytest.raises(InvalidInput) as refused:
        service.open_vote(proposal, actor=world.steward, settings=settings, now=now)
    assert field in refused.value.errors and proposal.vote is None


@pytest.mark.parametrize(
    ("names", "keys"),
    [
        (["C++", "C#", "C"], ["c", "c-2", "c-3"]),
        (["甲", "乙", "丙"], ["item", "item-2", "item-3"]),
        (["x" * 64 + " one", "x" * 64 + " two"], ["x" * 64, "x" * 64 + "-2"]),
        (["A!", "a", "a-2"], ["a", "a-3", "a-2"]),
    ],
)
def test_distinct_options_whose_slugs_collide_get_distinct_keys(world, now, names, keys):
    vote = open_vote(world, method=Method.IRV, now=now, options=names)
    assert [(o["key"], o["name"]) for o in vote.options] == list(zip(keys, names, strict=True))
    ballot = cast(vote, world, 0, list(reversed(keys)), at=now + timedelta(minutes=1))
    assert ballot.choice == list(reversed(keys))


def test_options_the_same_but_for_case_and_spaces_are_refused(world, now):
    with pytest.raises(InvalidInput, match="Each option must be different: Red Team, red team"):
        open_vote(world, method=Method.IRV, now=now, options=["Red  Team", "red team", "Blue"])


def test_only_a_steward_opens_and_only_an_admin_sets_weights(world, now):
    with pytest.raises(NotAllowed):
        service.open_vote(
            make_proposal(world, discuss=True),
            actor=world.delegates[0],
            settings=service.VoteSettings(method=Method.YES_NO, closes_at=now + timedelta(days=1)),
        )
    with pytest.raises(NotAllowed, match="admin"):
        open_vote(world, now=now, weighting=Weighting.SET_BY_ADMIN, weights={c.slug: 2 for c in world.coops})


def test_a_vote_opens_only_from_discussion(world, now):
    vote = open_vote(world, now=now)
    with pytest.raises(Conflict, match="already has its vote"):
        open_vote(world, now=now, proposal=vote.proposal)
    with pytest.raises(InvalidTransition):
        open_vote(world, now=now, proposal=make_proposal(world))


# Ballots


def test_a_later_ballot_replaces_the_earlier_which_is_kept(world, now):
    vote = open_vote(world, now=now)
    first = cast(vote, world, 0, "no", at=now + timedelta(minutes=1))
    second = cast(vote, world, 0, "yes", at=now + timedelta(minutes=2))
    db.session.commit()
    rows = db.session.scalars(sa.select(BallotRow).order_by(BallotRow.id)).all()
    assert [(b.choice, b.is_current) for b in rows] == [("no", False), ("yes", True)]
    assert first.replaced_at == now + timedelta(minutes=2) and vote.current_ballot(world.coops[0]) is second
    assert second.revision is vote.proposal.current_revision and second.cast_by is world.delegates[0]


def test_the_database_holds_one_current_ballot_per_coop_and_vote(world, now, session):
    vote = open_vote(world, now=now)
    ballot = cast(vote, world, 0, "no", at=now + timedelta(minutes=1))
    twin = BallotRow(
        vote=vote, coop=ballot.coop, choice="yes", nonce="n", receipt="r" * 64, cast_at=now, is_current=True
    )
    db.session.add(twin)
    with pytest.raises(sa.exc.IntegrityError), session.begin_nested():
        db.session.flush()


def test_a_receipt_is_sha256_over_vote_coop_content_and_nonce(world, now):
    vote = open_vote(world, method=Method.IRV, now=now)
    ballot = cast(vote, world, 0, ["hudson-tech", "thames-code"], at=now + timedelta(minutes=1))
    assert ballot.receipt == receipt_for(
        vote.id, world.coops[0].id, ["hudson-tech", "thames-code"], ballot.nonce
    )
    again = cast(vote, world, 0, ["hudson-tech", "thames-code"], at=now + timedelta(minutes=2))
    assert again.receipt != ballot.receipt  # the nonce makes each receipt unguessable


@pytest.mark.parametrize(
    ("method", "choice", "message"),
    [
        (Method.IRV, ["thames-code", "thames-code"], "ranked only once"),
        (Method.IRV, ["nobody"], "Not an option"),
        (Method.IRV, [], "at least one"),
        (Method.APPROVAL, ["nobody"], "Not an option"),
        (Method.SCORE, {"thames-code": 6}, "from 0 to 5"),
        (Method.SCORE, {"thames-code": -1}, "from 0 to 5"),
        (Method.YES_NO, "maybe", "Answer one of"),
        (Method.CONSENT, "yes", "Answer one of"),
    ],
)
def test_a_bad_ballot_is_refused_and_nothing_is_written(world, now, method, choice, message):
    vote = open_vote(world, method=method, now=now)
    with pytest.raises(InvalidBallot, match=message):
        cast(vote, world, 0, choice, at=now + timedelta(minutes=1))
    db.session.rollback()
    assert vote.ballots == []


def test_a_ranking_longer_than_the_options_is_refused_at_once(world, now):
    vote = open_vote(world, method=Method.IRV, now=now)
    started = time.perf_counter()
    with pytest.raises(InvalidBallot, match="names each option at most once: this vote has 3 options"):
        cast(vote, world, 0, ["thames-code"] * 20_000, at=now + timedelta(minutes=1))
    assert time.perf_counter() - started < 0.5


def test_a_secret_votes_cast_event_does_not_join_the_receipt_to_the_coop(world, now):
    vote = open_vote(world, now=now, secrecy="secret")
    first = cast(vote, world, 0, "no", at=now + timedelta(minutes=1))
    second = cast(vote, world, 0, "yes", at=now + timedelta(minutes=2))
    event = audit.last_event()
    assert event.action == "vote.ballot_cast" and event.data["coop"] == world.coops[0].slug
    assert first.receipt not in str(event.data) and second.receipt not in str(event.data)
    assert event.data["receipt"] is None and event.data["replaces_earlier"] is True
    service.close_vote(vote, now=vote.closes_at)
    assert audit.last_event().data["receipts"] == [second.receipt]  # published at the close, unlinked


def test_an_open_votes_cast_event_keeps_its_receipt(world, now):
    vote = open_vote(world, now=now)
    ballot = cast(vote, world, 0, "no", at=now + timedelta(minutes=1))
    assert audit.last_event().data["receipt"] == ballot.receipt


def test_only_delegates_of_the_coop_cast_its_ballot(world, now):
    vote = open_vote(world, now=now)
    for someone in (world.members[0], world.delegates[1], world.steward):
        with pytest.raises(NotAllowed, match="Only a delegate of Thames Code"):
            cast(vote, world, 0, "yes", at=now + timedelta(minutes=1), actor=someone)


def test_a_ballot_on_a_withdrawn_proposal_is_refused(world, now):
    vote = open_vote(world, now=now)
    proposal_service.apply_transition(vote.proposal, Transition.WITHDRAW, actor=world.steward)
    with pytest.raises(VoteClosed, match="withdrawn"):
        cast(vote, world, 0, "yes", at=now + timedelta(minutes=1))
    assert service.close_vote(vote, now=now + timedelta(minutes=2))
    assert vote.outcome == "withdrawn" and vote.result is None


def test_a_ballot_before_the_opening_is_refused(world, now):
    vote = open_vote(world, now=now + timedelta(hours=2))
    with pytest.raises(VoteClosed, match="opens at"):
        cast(vote, world, 0, "yes", at=now)


# Proxies


def test_a_proxy_casts_separately_and_is_void_once_the_coop_casts_itself(world, now):
    vote = open_vote(world, now=now)
    thames, hudson = world.coops[0], world.coops[1]
    proxy = service.name_proxy(vote, actor=world.delegates[0], coop=thames, proxy=hudson, now=now)
    own = cast(vote, world, 1, "no", at=now + timedelta(minutes=1))
    held = cast(vote, world, 0, "yes", at=now + timedelta(minutes=2), actor=world.delegates[1])
    assert (own.coop, own.proxy_coop) == (hudson, None) and (held.coop, held.proxy_coop) == (thames, hudson)
    assert proxy.is_active
    cast(vote, world, 0, "abstain", at=now + timedelta(minutes=3))
    assert proxy.end_reason == ProxyEnd.VOIDED
    with pytest.raises(NotAllowed):
        cast(vote, world, 0, "yes", at=now + timedelta(minutes=4), actor=world.delegates[1])


def test_a_proxy_is_revocable_until_the_close_and_not_transitive(world, now):
    vote = open_vote(world, now=now)
    a, b, _ = world.coops
    proxy = service.name_proxy(vote, actor=world.delegates[0], coop=a, proxy=b, now=now)
    with pytest.raises(NotAllowed):  # C holds nobody's proxy
        service.cast_ballot(vote, actor=world.delegates[2], coop=a, choice="yes", now=now)
    service.revoke_proxy(proxy, actor=world.delegates[0], now=now + timedelta(minutes=1))
    with pytest.raises(NotAllowed):
        service.cast_ballot(
            vote, actor=world.delegates[1], coop=a, choice="yes", now=now + timedelta(minutes=2)
        )
    later = service.name_proxy(
        vote, actor=world.delegates[0], coop=a, proxy=b, now=now + timedelta(minutes=3)
    )
    with pytest.raises(VoteClosed):
        service.revoke_proxy(later, actor=world.delegates[0], now=vote.closes_at)


def test_a_coop_holding_a_proxy_cannot_name_its_own(world, now):
    vote = open_vote(world, now=now)
    a, b, c = world.coops
    service.name_proxy(vote, actor=world.delegates[0], coop=a, proxy=b, now=now)
    with pytest.raises(
        Conflict, match="Hudson Tech holds Thames Code's proxy in this vote, so it cannot name"
    ):
        service.name_proxy(vote, actor=world.delegates[1], coop=b, proxy=c, now=now)
    assert vote.active_proxy(b) is None


def test_a_coop_that_named_a_proxy_cannot_hold_anothers(world, now):
    vote = open_vote(world, now=now)
    a, b, c = world.coops
    service.name_proxy(vote, actor=world.delegates[0], coop=a, proxy=b, now=now)
    with pytest.raises(
        Conflict,
        match="Thames Code has named Hudson Tech as its own proxy in this vote, so it "
        "cannot hold Río Software's",
    ):
        service.name_proxy(vote, actor=world.delegates[2], coop=c, proxy=a, now=now)
    with pytest.raises(Conflict, match="cannot hold Hudson Tech's"):  # nor a cycle
        service.name_proxy(vote, actor=world.delegates[1], coop=b, proxy=a, now=now)
    assert vote.active_proxy(c) is None and vote.active_proxy(b) is None


def test_a_proxy_named_after_casting_replaces_the_ballot_and_a_revoked_ones_ballot_stays(world, now):
    vote = open_vote(world, now=now)
    a, b, _ = world.coops
    cast(vote, world, 0, "no", at=now + timedelta(minutes=1))
    proxy = service.name_proxy(
        vote, actor=world.delegates[0], coop=a, proxy=b, now=now + timedelta(minutes=2)
    )
    by_proxy = cast(vote, world, 0, "yes", at=now + timedelta(minutes=3), actor=world.delegates[1])
    service.revoke_proxy(proxy, actor=world.delegates[0], now=now + timedelta(minutes=4))
    assert vote.current_ballot(a) is by_proxy and by_proxy.proxy_coop is b


def test_a_proxy_must_be_another_coop_of_the_electorate(world, now):
    vote = open_vote(world, now=now)
    outside = make_coop(world.admin, world.other_network, "Elsewhere")
    with pytest.raises(InvalidInput, match="not in this vote's electorate"):
        service.name_proxy(vote, actor=world.delegates[0], coop=world.coops[0], proxy=outside, now=now)
    with pytest.raises(InvalidInput, match="its own proxy"):
        service.name_proxy(vote, actor=world.delegates[0], coop=world.coops[0], proxy=world.coops[0], now=now)
    with pytest.raises(NotAllowed):
        service.name_proxy(vote, actor=world.members[0], coop=world.coops[0], proxy=world.coops[1], now=now)


# Closing exactly


def test_a_ballot_a_microsecond_before_the_close_counts(world, now):
    vote = open_vote(world, now=now)
    cast(vote, world, 0, "yes", at=vote.closes_at - timedelta(microseconds=1))
    assert service.close_vote(vote, now=vote.closes_at)
    assert vote.result["counts"]["yes"] == 1


def test_a_ballot_at_the_close_is_refused_before_anything_closed_the_vote(world, now):
    vote = open_vote(world, now=now)
    with pytest.raises(VoteClosed, match="closed at"):
        cast(vote, world, 0, "yes", at=vote.closes_at)
    assert not vote.is_closed and vote.ballots == []


def test_the_close_counts_once_stores_the_result_and_moves_the_proposal_on(world, now):
    vote = open_vote(world, now=now, threshold="two_thirds")
    cast(vote, world, 0, "yes", at=now + timedelta(hours=1))
    cast(vote, world, 1, "yes", at=now + timedelta(hours=1))
    cast(vote, world, 2, "no", at=now + timedelta(hours=1))
    assert not service.close_vote(vote, now=vote.closes_at - timedelta(microseconds=1))
    counted_at = vote.closes_at + timedelta(minutes=3)
    assert service.close_vote(vote, now=counted_at)
    assert not service.close_vote(vote, now=counted_at + timedelta(hours=1))
    assert (vote.closed_at, vote.counted_at, vote.outcome) == (vote.closes_at, counted_at, "passed")
    assert vote.proposal.state == State.PASSED
    assert vote.proposal.state_changes[-1].note.startswith("Passed: 2 yes of 3")
    closed = db.session.scalars(
        sa.select(audit.AuditEvent).where(audit.AuditEvent.action == "vote.closed")
    ).one()
    assert closed.data["receipts"] == sorted(b.receipt for b in vote.current_ballots)
    assert audit.verify().is_intact


def test_reading_a_vote_past_its_close_closes_it(world, now):
    vote = open_vote(world, now=now, lasts=timedelta(minutes=5))
    assert service.get_vote(world.members[0], vote.id, now=now + timedelta(minutes=5)).is_closed
    assert vote.proposal.state == State.REJECTED  # nobody voted: the base is empty


@pytest.mark.parametrize(
    ("method", "ballots", "quorum", "state"),
    [
        (Method.CONSENT, ["agree", "agree", "block"], None, State.REJECTED),
        (Method.CONSENT, ["agree", "agree", "disagree"], None, State.PASSED),
        (Method.YES_NO, ["yes"], 50, State.FAILED_QUORUM),
        (Method.IRV, [["thames-code"], ["hudson-tech"], ["hudson-tech"]], 50, State.PASSED),
        (Method.APPROVAL, [["thames-code"], [], []], None, State.PASSED),
    ],
)
def test_the_proposal_moves_on_as_the_count_says(world, now, method, ballots, quorum, state):
    vote = open_vote(world, method=method, now=now, quorum_percent=quorum)
    for i, choice in enumerate(ballots):
        cast(vote, world, i, choice, at=now + timedelta(hours=1))
    service.close_vote(vote, now=vote.closes_at)
    assert vote.proposal.state == state


def test_the_stored_result_is_the_counting_engines(world, now):
    vote = open_vote(world, method=Method.STV, now=now, seats=2, weighting=Weighting.WORKER_MEMBERS)
    rankings = [
        ["thames-code", "hudson-tech"],
        ["hudson-tech", "rio-software"],
        ["rio-software", "thames-code"],
    ]
    for i, ranking in enumerate(rankings):
        cast(vote, world, i, ranking, at=now + timedelta(hours=1))
    service.close_vote(vote, now=vote.closes_at)
    expected = count(
        Method.STV,
        {"thames-code": "Thames Code", "hudson-tech": "Hudson Tech", "rio-software": "Río Software"},
        [
            Ballot(tuple(r), w, c.name)
            for r, w, c in sorted(
                zip(rankings, [12, 15, 20], world.coops, strict=True), key=lambda t: t[2].name
            )
        ],
        vote.rules(),
    )
    assert vote.result == expected.to_dict()
    assert len(vote.result["winners"]) == 2
    assert "2 seats" in vote.result["sentence"]


def test_a_secret_votes_count_names_no_coop(world, now):
    vote = open_vote(world, method=Method.CONSENT, now=now, secrecy="secret")
    cast(vote, world, 0, "block", at=now + timedelta(hours=1))
    service.close_vote(vote, now=vote.closes_at)
    assert "Thames" not in vote.result["sentence"] and "an unnamed co-op" in vote.result["sentence"]


# Receipts


def test_a_counted_receipt_checks_out_and_a_replaced_one_does_not(world, now):
    vote = open_vote(world, now=now)
    old = cast(vote, world, 0, "no", at=now + timedelta(minutes=1))
    new = cast(vote, world, 0, "yes", at=now + timedelta(minutes=2))
    cast(vote, world, 1, "yes", at=now + timedelta(minutes=2))
    service.close_vote(vote, now=vote.closes_at)
    assert new.receipt in results.published_receipts(vote) and old.receipt not in results.published_receipts(
        vote
    )
    good = results.check_receipt(vote, actor=world.delegates[0], receipt=new.receipt.upper())
    assert (good.is_counted, good.is_intact, good.content) == (True, True, "yes")
    stale = results.check_receipt(vote, actor=world.delegates[0], receipt=old.receipt)
    assert not stale.is_counted and "replaced" in stale.message
    assert not results.check_receipt(vote, actor=world.delegates[0], receipt="0" * 64).is_found
    with pytest.raises(InvalidInput):
        results.check_receipt(vote, actor=world.delegates[0], receipt="not a receipt")


def test_a_receipt_check_names_the_coop_only_to_those_who_may_see_the_ballot(world, now):
    vote = open_vote(world, method=Method.IRV, now=now, secrecy="secret")
    ballot = cast(vote, world, 0, ["hudson-tech"], at=now + timedelta(minutes=1))
    service.close_vote(vote, now=vote.closes_at)
    other = results.check_receipt(vote, actor=world.members[1], receipt=ballot.receipt)
    assert other.is_counted and (other.coop, other.cast_at, other.content) == (None, None, None)
    assert "Thames" not in other.message
    own = results.check_receipt(vote, actor=world.members[0], receipt=ballot.receipt)
    assert own.coop is world.coops[0] and own.content == "1. Hudson Tech" and "Thames Code's" in own.message


def secret_irv_closed(world, now, **settings):
    vote = open_vote(world, method=Method.IRV, now=now, **{"secrecy": "secret", **settings})
    rankings = [["rio-software"], ["thames-code", "hudson-tech"], ["hudson-tech", "rio-software"]]
    ballots = [cast(vote, world, i, r, at=now + timedelta(minutes=1)) for i, r in enumerate(rankings)]
    service.close_vote(vote, now=vote.closes_at)
    return vote, ballots


def test_the_blt_file_lists_ballots_by_content_not_by_receipt(world, now):
    vote, ballots = secret_irv_closed(world, now)
    for ballot, receipt in zip(ballots, ["0" * 64, "1" * 64, "2" * 64], strict=True):
        ballot.receipt = receipt  # receipt order is Río, Thames, Hudson; content order is Thames, Hudson, Río
    lines = results.blt(vote).splitlines()[1:4]
    assert lines == ["1 1 2 0", "1 2 3 0", "1 3 0"]


def test_a_secret_vote_with_unequal_weights_is_refused_with_the_reason(world, now):
    """Its totals would reveal single co-ops: Río Software's 20 worker-members stand out in any tally."""
    with pytest.raises(InvalidInput, match="unequal weights its totals would reveal") as refused:
        open_vote(world, method=Method.IRV, now=now, secrecy="secret", weighting=Weighting.WORKER_MEMBERS)
    assert refused.value.errors == {"weighting": [service.SECRET_WEIGHTS_REFUSAL]}
    open_weighted, _ = secret_irv_closed(world, now, weighting=Weighting.WORKER_MEMBERS, secrecy="open")
    assert results.can_download_blt(open_weighted)


def test_a_secret_vote_with_equal_weights_set_by_an_admin_opens(world, now):
    weights = {c.slug: 3 for c in world.coops}
    governance_service.grant_network_role(
        actor=world.admin, network=world.network, person=world.admin, role="steward"
    )
    settings = service.VoteSettings(
        method=Method.YES_NO,
        closes_at=now + timedelta(days=1),
        secrecy="secret",
        weighting=Weighting.SET_BY_ADMIN,
        weights=weights,
    )
    vote = service.open_vote(
        make_proposal(world, discuss=True), actor=world.admin, settings=settings, now=now
    )
    assert vote.is_secret and {e.weight for e in vote.electors} == {3}


def test_a_secret_vote_with_live_results_is_refused_with_the_reason(world, now):
    with pytest.raises(InvalidInput, match="only after the close") as refused:
        open_vote(world, now=now, secrecy="secret", results_shown="live")
    assert "results_shown" in refused.value.errors


def test_a_tampered_ballot_no_longer_matches_its_receipt(world, now):
    vote = open_vote(world, now=now)
    ballot = cast(vote, world, 0, "no", at=now + timedelta(minutes=1))
    service.close_vote(vote, now=vote.closes_at)
    ballot.choice = "yes"
    check = results.check_receipt(vote, actor=world.delegates[0], receipt=ballot.receipt)
    assert not check.is_intact and "no longer matches" in check.message


def test_receipts_are_published_only_after_the_close(world, now):
    vote = open_vote(world, now=now)
    with pytest.raises(Conflict, match="published when the vote closes"):
        results.published_receipts(vote)


def test_a_ballot_reads_its_proposal_and_its_co_ops_elector_row_once_each(world):
    from governance.models import Coop, Person
    from voting.models import Vote

    vote_id, actor_id, coop_id = open_vote(world).id, world.delegates[0].id, world.coops[0].id
    db.session.expunge_all()  # as a request starts: nothing loaded, and only the vote held
    vote = db.session.get(Vote, vote_id)
    actor, coop = db.session.get(Person, actor_id), db.session.get(Coop, coop_id)
    seen: list[str] = []
    listener = lambda conn, cursor, statement, *args: seen.append(" ".join(statement.split()))  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        service.cast_ballot(vote, actor=actor, coop=coop, choice="yes")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    # The proposal: once to see the vote, once locked. It was read a third time when the lock's refresh of
    # the vote let go of it (the session holds objects weakly); the elector row was read twice.
    assert sum(s.startswith("SELECT proposals.id") for s in seen) == 2, seen
    assert sum(s.startswith("SELECT vote_electors.id") for s in seen) == 1, seen
    assert db.session.scalar(sa.select(sa.func.count(BallotRow.id)).where(BallotRow.vote_id == vote_id)) == 1
