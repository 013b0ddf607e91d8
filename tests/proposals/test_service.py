"""Drafting, revisions, discussion and who is in, through the service."""

import pytest
from sqlalchemy import select

from governance import service as governance_service
from governance.audit import AuditEvent
from governance.errors import Conflict, InvalidInput, NotAllowed, NotFound
from governance.extensions import db
from governance.models import NetworkRoleKind
from proposals import service
from proposals.lifecycle import ActorKind, State, Transition
from proposals.models import Kind, Stance
from tests.proposals.factories import HOSTING_FACTS, proposal


def actions(made):
    query = select(AuditEvent.action).where(
        AuditEvent.subject_type == "proposals", AuditEvent.subject_id == made.id
    )
    return db.session.scalars(query.order_by(AuditEvent.seq)).all()


def test_a_draft_is_revision_one_and_audited(world):
    made = proposal(world)
    assert made.state == State.DRAFT and made.current_revision.number == 1
    assert made.current_revision.facts == HOSTING_FACTS
    assert actions(made) == ["proposal.created"]


def test_a_steward_of_one_network_cannot_address_another(world):
    with pytest.raises(NotAllowed, match="Othernet"):
        service.create_proposal(
            actor=world.steward, networks=[world.network, world.other_network], kind=Kind.POLICY, title="Both"
        )


def test_an_unknown_network_slug_is_named(ctx):
    with pytest.raises(InvalidInput, match="Unknown network: atlantis"):
        service.networks_by_slugs(["atlantis"])


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"monthly_revenue_minor": 100}, "Say which currency"),
        ({"currency": "pounds"}, "not an ISO 4217 currency"),
        ({"hours_per_month": -1}, "from 0 to"),
        ({"seats": "three"}, "whole number"),
        ({"colour": "red"}, "Unknown facts"),
    ],
)
def test_bad_facts_are_refused(world, facts, message):
    with pytest.raises(InvalidInput, match=message):
        proposal(world, facts=facts)


def test_every_edit_makes_a_revision_with_author_and_note(world):
    made = proposal(world)
    revision = service.edit_proposal(
        made, actor=world.steward, title="Host it together", summary=made.summary, body=made.body,
        facts=HOSTING_FACTS, change_note="Better title",
    )  # fmt: skip
    assert (revision.number, revision.title, revision.author, revision.change_note) == (
        2, "Host it together", world.steward, "Better title",
    )  # fmt: skip
    assert made.revisions[0].title == "Host the shared service"
    assert actions(made)[-1] == "proposal.edited"


def test_an_edit_that_changes_nothing_is_refused(world):
    made = proposal(world)
    with pytest.raises(InvalidInput, match="Nothing changed"):
        service.edit_proposal(
            made,
            actor=world.steward,
            title=made.title,
            summary=made.summary,
            body=made.body,
            facts=HOSTING_FACTS,
        )


def test_the_text_cannot_change_during_a_vote_or_after_it(world):
    made = proposal(world, discuss=True)
    service.apply_transition(made, Transition.OPEN_VOTE, actor=world.steward)
    with pytest.raises(Conflict, match="while the vote is open"):
        service.edit_proposal(made, actor=world.steward, title="New", facts=HOSTING_FACTS)
    service.apply_transition(made, Transition.REJECT, actor=None, actor_kind=ActorKind.SYSTEM, is_due=True)
    with pytest.raises(Conflict, match="rejected"):
        service.edit_proposal(made, actor=world.steward, title="New", facts=HOSTING_FACTS)
    assert len(made.revisions) == 1


def test_a_delegate_cannot_edit(world):
    made = proposal(world, discuss=True)
    with pytest.raises(NotAllowed):
        service.edit_proposal(made, actor=world.delegates[0], title="Mine", facts=HOSTING_FACTS)


def test_markdown_with_script_is_kept_as_typed_and_shown_clean(world):
    from governance.markdown import render

    made = proposal(world, body="Hi <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script>" in made.body
    html = str(render(made.body))
    assert "<script" not in html and "alert(1)</" not in html and "href" not in html


def test_replies_stay_one_level_deep(world):
    made = proposal(world, discuss=True)
    first = service.add_comment(made, actor=world.members[0], body="First")
    reply = service.add_comment(made, actor=world.members[1], body="Reply", parent=first)
    deeper = service.add_comment(made, actor=world.members[2], body="Deeper", parent=reply)
    assert reply.parent == first and deeper.parent == first
    assert actions(made).count("proposal.commented") == 3


def test_an_outsider_cannot_comment(world):
    with pytest.raises(NotFound):
        service.add_comment(proposal(world, discuss=True), actor=world.outsider, body="Hi")


def test_an_empty_comment_is_refused(world):
    with pytest.raises(InvalidInput, match="A comment is required"):
        service.add_comment(proposal(world, discuss=True), actor=world.members[0], body="   ")


def test_a_withdrawn_proposal_takes_no_more_comments(world):
    made = proposal(world, discuss=True)
    service.apply_transition(made, Transition.WITHDRAW, actor=world.steward)
    with pytest.raises(Conflict, match="withdrawn"):
        service.add_comment(made, actor=world.members[0], body="Too late")


def test_only_the_author_edits_a_comment_and_it_is_marked_edited(world):
    made = proposal(world, discuss=True)
    comment = service.add_comment(made, actor=world.members[0], body="First")
    with pytest.raises(NotAllowed):
        service.edit_comment(comment, actor=world.members[1], body="Hijack")
    service.edit_comment(comment, actor=world.members[0], body="Better")
    assert comment.is_edited and comment.body == "Better"


def test_a_comment_cannot_be_edited_after_the_proposal_is_withdrawn(world):
    made = proposal(world, discuss=True)
    comment = service.add_comment(made, actor=world.members[0], body="First")
    service.apply_transition(made, Transition.WITHDRAW, actor=world.steward)
    with pytest.raises(Conflict, match="withdrawn"):
        service.edit_comment(comment, actor=world.members[0], body="Rewritten after the fact")
    assert comment.body == "First" and not comment.is_edited


def test_an_author_who_may_no_longer_comment_cannot_edit_their_comment(world):
    made = proposal(world, discuss=True)
    grant = governance_service.grant_network_role
    grant(actor=world.admin, network=world.network, person=world.steward, role=NetworkRoleKind.ADMIN)
    comment = service.add_comment(made, actor=world.steward, body="As steward")
    governance_service.revoke_network_role(
        actor=world.admin, network=world.network, person=world.steward, role=NetworkRoleKind.STEWARD
    )
    db.session.expire(world.steward)  # a later request reads the roles afresh
    with pytest.raises(NotAllowed):
        service.edit_comment(comment, actor=world.steward, body="As admin only")
    assert comment.body == "As steward"


def test_who_is_in_counts_coops_and_worker_members(world):
    made = proposal(world, discuss=True)
    thames, hudson, _rio = world.coops
    service.signal_interest(made, actor=world.delegates[0], coop=thames, stance=Stance.INTERESTED)
    service.signal_interest(
        made, actor=world.delegates[1], coop=hudson, stance=Stance.UNDECIDED, note="Asking"
    )
    service.signal_interest(made, actor=world.delegates[1], coop=hudson, stance=Stance.INTERESTED)
    who = service.who_is_in(made)
    assert [c for c, i in who.rows if i and i.stance == Stance.INTERESTED] == [hudson, thames]
    assert who.interested_worker_members == 27 and who.interested_countries == ["GB", "US"]
    assert who.counts == {"interested": 2, "not_interested": 0, "undecided": 0, "no_answer": 1}
    assert actions(made).count("proposal.interest") == 3


def test_a_member_cannot_say_whether_their_coop_is_in(world):
    with pytest.raises(NotAllowed):
        service.signal_interest(
            proposal(world, discuss=True),
            actor=world.members[0],
            coop=world.coops[0],
            stance=Stance.INTERESTED,
        )


def test_interest_is_only_before_a_vote(world):
    made = proposal(world, discuss=True)
    service.apply_transition(made, Transition.OPEN_VOTE, actor=world.steward)
    with pytest.raises(Conflict, match="before any vote"):
        service.signal_interest(made, actor=world.delegates[0], coop=world.coops[0], stance=Stance.INTERESTED)


def test_an_unknown_stance_is_refused(world):
    with pytest.raises(InvalidInput, match="Choose one of"):
        service.signal_interest(
            proposal(world, discuss=True), actor=world.delegates[0], coop=world.coops[0], stance="maybe"
        )
