"""Delegates draft proposals, comments name the author's co-op and can be deleted, a Markdown preview,
and revisions compared word by word (issue 11, item 18)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from governance import audit
from governance.extensions import db
from proposals import diff
from proposals import service as proposal_service
from proposals.models import Comment, Proposal
from tests.factories import sign_in
from tests.proposals.factories import proposal
from tests.proposals.test_views import draft_form
from tests.voting.test_vote_loop import _by_id, _page, _text


def test_a_delegate_drafts_a_proposal_and_a_steward_opens_it(app, client, world):
    sign_in(client, world.delegates[1])
    assert "/proposals/new" in client.get("/proposals").get_data(as_text=True)
    response = client.post("/proposals/new", data=draft_form(world, title="Shared accounting"))
    assert response.status_code == 302, response.get_data(as_text=True)
    made = db.session.scalar(select(Proposal).where(Proposal.title == "Shared accounting"))
    assert made.state.value == "draft" and made.created_by == world.delegates[1]
    page = client.get(f"/proposals/{made.id}").get_data(as_text=True)
    assert (
        "A steward of Testnet opens it for discussion" in page and "Open for discussion</button>" not in page
    )
    assert client.get(f"/proposals/{made.id}/edit").status_code == 200  # the author edits the draft
    other = app.test_client()
    sign_in(other, world.delegates[0])
    assert other.get(f"/proposals/{made.id}").status_code == 404  # a draft is not shown to everyone
    steward = app.test_client()
    sign_in(steward, world.steward)
    steward.post(f"/proposals/{made.id}/steps", data={"transition": "open_discussion"})
    assert made.state.value == "discussion"
    assert client.get(f"/proposals/{made.id}/edit").status_code in (403, 409)  # no longer the author's alone


def test_a_delegate_cannot_address_a_network_their_coop_is_not_in(client, world):
    sign_in(client, world.delegates[0])
    response = client.post("/proposals/new", data=draft_form(world, networks=[world.other_network.slug]))
    assert response.status_code in (200, 400, 403) and db.session.scalar(select(Proposal)) is None


def test_members_cannot_draft(client, world):
    sign_in(client, world.members[0])
    assert client.get("/proposals/new").status_code == 403


def test_comments_name_the_authors_coop_and_a_deleted_one_stays_as_deleted(client, world):
    made = proposal(world, discuss=True)
    comment = proposal_service.add_comment(made, actor=world.delegates[2], body="We can give **20 hours**.")
    db.session.commit()
    sign_in(client, world.delegates[2])
    shown = _text(_by_id(_page(client.get(f"/proposals/{made.id}")), f"comment-{comment.id}"))
    assert "Río Software Delegate (Río Software)" in shown and "20 hours" in shown
    client.post(f"/proposals/{made.id}/comments/{comment.id}/delete")
    shown = _text(_by_id(_page(client.get(f"/proposals/{made.id}")), f"comment-{comment.id}"))
    assert "Comment deleted by its author" in shown and "20 hours" not in shown
    assert db.session.get(Comment, comment.id).is_deleted
    actions = [e.action for e in db.session.scalars(select(audit.AuditEvent))]
    assert "proposal.comment_deleted" in actions


def test_only_the_author_deletes_a_comment(app, client, world):
    made = proposal(world, discuss=True)
    comment = proposal_service.add_comment(made, actor=world.delegates[2], body="Ours.")
    db.session.commit()
    sign_in(client, world.delegates[0])
    assert client.post(f"/proposals/{made.id}/comments/{comment.id}/delete").status_code == 403
    assert not comment.is_deleted


def test_a_comment_is_previewed_in_markdown_before_it_is_posted(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.delegates[0])
    response = client.post(f"/proposals/{made.id}/comments", data={"body": "We are *in*.", "preview": "1"})
    page = _page(response)
    assert response.status_code == 200 and made.comments == []
    preview = _by_id(page, "preview-h").getparent()
    assert preview.xpath(".//em")[0].text == "in"
    assert _by_id(page, "new-comment").xpath(".//textarea")[0].text.strip() == "We are *in*."


def test_markdown_headings_start_below_the_pages_own(client, world):
    made = proposal(world, discuss=True, body="# Why\n\nBecause.")
    sign_in(client, world.members[0])
    body = _by_id(_page(client.get(f"/proposals/{made.id}")), "body-h").getparent()
    assert body.xpath(".//h3")[0].text == "Why" and not body.xpath(".//h1|.//div//h2")


def test_revisions_are_compared_word_by_word(client, world):
    made = proposal(world, body="We host the service from January, with three co-ops.")
    proposal_service.edit_proposal(
        made,
        actor=world.steward,
        title=made.title,
        summary=made.summary,
        body="We host the service from March, with four co-ops.",
        facts=made.facts,
    )
    db.session.commit()
    sign_in(client, world.steward)
    page = _page(client.get(f"/proposals/{made.id}/compare?from=1&to=2"))
    assert [d.text for d in page.xpath("//del")] == ["January", "three"]
    assert [i.text for i in page.xpath("//ins")] == ["March", "four"]


@given(st.text(max_size=60), st.text(max_size=60))
def test_a_word_diff_gives_back_both_lines(old, new):
    pieces = diff.word_diff(old, new)
    assert "".join(t for op, t in pieces if op != "insert") == old
    assert "".join(t for op, t in pieces if op != "delete") == new


def test_a_currency_is_an_iso_4217_code_checked_with_babel(client, world):
    sign_in(client, world.steward)
    refused = client.post("/proposals/new", data=draft_form(world, currency="pou"))
    assert refused.status_code in (400, 422) and "POU is not an ISO 4217 currency" in refused.get_data(
        as_text=True
    )
    assert db.session.scalar(select(Proposal)) is None
    client.post("/proposals/new", data=draft_form(world, currency="ars", monthly_revenue="250000.50"))
    made = db.session.scalar(select(Proposal))
    assert (made.currency, made.monthly_revenue_minor) == ("ARS", 25_000_050)
    page = client.get(f"/proposals/{made.id}").get_data(as_text=True)
    assert "ARS (Argentine Peso)" in page and "ARS 250,000.50" in page


def test_amounts_follow_the_currencys_own_minor_units(client, world):
    sign_in(client, world.steward)
    client.post(
        "/proposals/new",
        data=draft_form(world, currency="BHD", monthly_revenue="1250.125", monthly_costs="400"),
    )
    made = db.session.scalar(select(Proposal))
    assert made.monthly_revenue_minor == 1_250_125  # three decimal places: fils
    assert "BHD 1,250.125" in client.get(f"/proposals/{made.id}").get_data(as_text=True)
    edit = client.get(f"/proposals/{made.id}/edit").get_data(as_text=True)
    assert 'value="1250.125"' in edit and 'value="400.000"' in edit
