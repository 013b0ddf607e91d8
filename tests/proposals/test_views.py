"""The proposal pages: list, draft, show, edit, steps, discussion and who is in."""

import re

import pytest
from sqlalchemy import select

from governance.extensions import db
from proposals.lifecycle import State, Transition
from proposals.models import Comment, Proposal
from proposals.service import apply_transition
from tests.factories import sign_in
from tests.proposals.factories import proposal


def draft_form(world, **changes):
    data = {
        "title": "Host the shared service",
        "kind": "shared_service",
        "networks": [world.network.slug],
        "summary": "Take it over.",
        "body": "It earns **£1,250** a month.",
        "monthly_revenue": "1250.00",
        "monthly_costs": "400",
        "currency": "gbp",
        "hours_per_month": "60",
        "seats": "3",
        "term_months": "24",
        "change_note": "",
    }
    data.update(changes)
    return data


def test_a_steward_drafts_a_proposal_with_its_facts(client, world):
    sign_in(client, world.steward)
    response = client.post("/proposals/new", data=draft_form(world))
    assert response.status_code == 302
    made = db.session.scalar(select(Proposal).where(Proposal.title == "Host the shared service"))
    assert (made.monthly_revenue_minor, made.monthly_costs_minor, made.currency) == (125_000, 40_000, "GBP")
    assert made.state == State.DRAFT and [r.number for r in made.revisions] == [1]
    page = client.get(response.location).get_data(as_text=True)
    assert "GBP 1,250.00" in page and "60 hours a month" in page and "<strong>£1,250</strong>" in page


def test_an_empty_title_keeps_what_was_typed_and_says_why(client, world):
    sign_in(client, world.steward)
    response = client.post("/proposals/new", data=draft_form(world, title="  ", body="Keep me"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "A title is required." in page and "Keep me" in page
    assert db.session.scalar(select(Proposal)) is None


def test_an_unknown_network_is_refused_with_a_message(client, world):
    sign_in(client, world.steward)
    response = client.post("/proposals/new", data=draft_form(world, networks=["nowhere"]))
    assert response.status_code == 400
    assert "Unknown network: nowhere." in response.get_data(as_text=True)
    assert db.session.scalar(select(Proposal)) is None


def test_facts_on_a_policy_are_refused_on_the_form(client, world):
    sign_in(client, world.steward)
    response = client.post("/proposals/new", data=draft_form(world, kind="policy"))
    assert response.status_code == 400
    assert "carries no money or capacity facts" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("NaN", "Give an amount such as 1250 or 1250.50."),
        ("-nan", "Give an amount such as 1250 or 1250.50."),
        ("sNaN", "Give an amount such as 1250 or 1250.50."),
        ("Infinity", "Give an amount such as 1250 or 1250.50."),
        ("-Infinity", "Give an amount such as 1250 or 1250.50."),
        ("1e400", "Give an amount below 100,000,000,000."),
        ("1e-400", "Give at most two decimal places"),
    ],
)
def test_an_amount_that_is_not_a_plain_number_is_refused_on_the_form(client, world, amount, message):
    sign_in(client, world.steward)
    response = client.post("/proposals/new", data=draft_form(world, monthly_revenue=amount, title="Keep me"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and "Keep me" in page and f'value="{amount}"' in page
    assert db.session.scalar(select(Proposal)) is None


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-1", "not negative"), ("100000000000", "below 100,000,000,000"), ("12.345", "two decimal")],
)
def test_an_amount_out_of_range_is_refused_with_the_reason(client, world, amount, message):
    sign_in(client, world.steward)
    response = client.post("/proposals/new", data=draft_form(world, monthly_costs=amount))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(Proposal)) is None


@pytest.mark.parametrize("currency", ["JPY", "krw", "CLP", "ISK", "VND"])
def test_a_fraction_in_a_currency_without_minor_units_is_refused_naming_it(client, world, currency):
    sign_in(client, world.steward)
    form = draft_form(world, currency=currency, monthly_revenue="1250.75", monthly_costs="400")
    response = client.post("/proposals/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"{currency.upper()} has no minor units" in page and "1250.75" in page
    assert db.session.scalar(select(Proposal)) is None


def test_a_whole_amount_in_yen_is_kept_whole(client, world):
    sign_in(client, world.steward)
    form = draft_form(world, currency="JPY", monthly_revenue="1,250", monthly_costs="400.00")
    assert client.post("/proposals/new", data=form).status_code == 302
    made = db.session.scalar(select(Proposal))
    assert (made.monthly_revenue_minor, made.monthly_costs_minor, made.currency) == (1250, 400, "JPY")


def test_a_member_cannot_open_the_draft_form(client, world):
    sign_in(client, world.members[0])  # delegates may draft (tests/proposals/test_drafting_and_discussion.py)
    assert client.get("/proposals/new").status_code == 403


def test_markdown_with_script_is_shown_as_clean_html(client, world):
    made = proposal(
        world,
        discuss=True,
        body='Hi <script>alert(1)</script><a href="javascript:alert(2)" onclick="x()">x</a>',
    )
    sign_in(client, world.members[0])
    page = client.get(f"/proposals/{made.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "javascript:" not in page and "onclick" not in page
    assert "alert(1)" not in page


def test_the_list_filters_by_state_and_shows_badges(client, world):
    proposal(world, title="Still a draft")
    proposal(world, title="Talking about it", discuss=True)
    sign_in(client, world.steward)
    page = client.get("/proposals?state=discussion").get_data(as_text=True)
    assert "Talking about it" in page and "Still a draft" not in page
    assert 'class="badge discussion"' in page


def test_an_unknown_filter_is_named(client, world):
    sign_in(client, world.steward)
    response = client.get("/proposals?kind=nonsense")
    assert response.status_code == 400
    assert "There is no kind called &#39;nonsense&#39;." in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["99999999999999999999", "9" * 5000, "10001", "2"])
def test_a_page_past_the_end_is_an_empty_list(client, world, page):
    proposal(world, title="Talking about it", discuss=True)
    sign_in(client, world.steward)
    response = client.get(f"/proposals?page={page}")
    assert response.status_code == 200
    assert "No proposals to show." in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["0", "-3", "x", "²", "1.5", ""])
def test_a_page_that_is_not_a_count_shows_the_first(client, world, page):
    proposal(world, title="Talking about it", discuss=True)
    sign_in(client, world.steward)
    response = client.get(f"/proposals?page={page}")
    assert response.status_code == 200 and "Talking about it" in response.get_data(as_text=True)


def test_members_do_not_see_drafts_in_the_list(client, world):
    proposal(world, title="Still a draft")
    sign_in(client, world.members[0])
    assert "Still a draft" not in client.get("/proposals").get_data(as_text=True)


def test_editing_makes_a_revision_that_can_be_compared(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.steward)
    form = draft_form(
        world, body="It earns **£1,300** a month.", monthly_revenue="1300", change_note="New figures"
    )
    response = client.post(f"/proposals/{made.id}/edit", data=form)
    assert response.status_code == 302
    assert [r.number for r in made.revisions] == [1, 2] and made.revisions[1].change_note == "New figures"
    page = client.get(f"/proposals/{made.id}/compare?from=1&to=2").get_data(as_text=True)
    # an edited line shows the words that changed, not two whole lines
    assert "Monthly revenue: GBP 1,<del>250</del><ins>300</ins>.00" in page
    assert "<ins>It earns **£1,300** a month.</ins>" in page  # not alike enough to be an edit of a line


def test_the_comparison_escapes_the_text(client, world):
    made = proposal(world)
    sign_in(client, world.steward)
    client.post(f"/proposals/{made.id}/edit", data=draft_form(world, body="<b>bold</b>"))
    page = client.get(f"/proposals/{made.id}/compare?from=1&to=2").get_data(as_text=True)
    assert "<ins>&lt;b&gt;bold&lt;/b&gt;</ins>" in page


def test_comparing_a_missing_revision_is_not_found(client, world):
    made = proposal(world)
    sign_in(client, world.steward)
    assert client.get(f"/proposals/{made.id}/compare?from=1&to=9").status_code == 404
    assert client.get(f"/proposals/{made.id}/compare?from=x").status_code == 400


def test_during_a_vote_the_page_says_why_the_text_cannot_change(client, world):
    made = proposal(world, discuss=True)
    apply_transition(made, Transition.OPEN_VOTE, actor=world.steward)
    db.session.commit()
    sign_in(client, world.steward)
    page = client.get(f"/proposals/{made.id}").get_data(as_text=True)
    assert "The text cannot change while the vote is open" in page
    assert f"/proposals/{made.id}/edit" not in page
    response = client.post(f"/proposals/{made.id}/edit", data=draft_form(world, title="Sneaky"))
    assert response.status_code == 409
    assert made.title == "Host the shared service" and len(made.revisions) == 1


def test_a_steward_takes_a_step_and_the_timeline_shows_it_in_their_zone(client, world):
    made = proposal(world)
    world.steward.time_zone = "America/New_York"
    db.session.commit()
    sign_in(client, world.steward)
    response = client.post(
        f"/proposals/{made.id}/steps", data={"transition": "open_discussion", "note": "Go"}
    )
    assert response.status_code == 302 and made.state == State.DISCUSSION
    page = client.get(response.location).get_data(as_text=True)
    timeline = page[page.index('id="timeline-h"') :]
    assert "America/New_York" in timeline and "<strong>discussion</strong>" in timeline and "Go" in timeline


def test_an_illegal_step_on_the_page_is_a_message_not_a_change(client, world):
    made = proposal(world)
    sign_in(client, world.steward)
    response = client.post(
        f"/proposals/{made.id}/steps",
        data={"transition": "open_vote"},
        headers={"Referer": f"http://localhost/proposals/{made.id}"},
    )
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "cannot take the step" in page and made.state == State.DRAFT


def test_a_delegate_cannot_take_a_step(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.delegates[0])
    response = client.post(f"/proposals/{made.id}/steps", data={"transition": "open_vote"})
    assert response.status_code == 403 and made.state == State.DISCUSSION


def test_a_member_comments_and_replies_one_level_deep(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.members[0])
    client.post(f"/proposals/{made.id}/comments", data={"body": "Count us **in**"})
    first = db.session.scalar(select(Comment))
    client.post(f"/proposals/{made.id}/comments", data={"body": "Reply", "parent_id": str(first.id)})
    reply = db.session.scalar(select(Comment).where(Comment.parent_id == first.id))
    client.post(f"/proposals/{made.id}/comments", data={"body": "Reply to reply", "parent_id": str(reply.id)})
    deeper = db.session.scalar(select(Comment).where(Comment.body == "Reply to reply"))
    assert deeper.parent_id == first.id
    page = client.get(f"/proposals/{made.id}").get_data(as_text=True)
    assert "Count us <strong>in</strong>" in page


def test_an_empty_comment_is_refused_on_the_page(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.members[0])
    response = client.post(f"/proposals/{made.id}/comments", data={"body": ""})
    assert response.status_code == 400 and "Write something first." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "parent_id", ["99999999999999999999", "2147483648", "2147483647", "²", "abc", "0", "-1", " 1"]
)
def test_a_reply_to_a_comment_that_is_not_there_is_not_found_and_keeps_the_text(client, world, parent_id):
    made = proposal(world, discuss=True)
    sign_in(client, world.members[0])
    data = {"body": "My considered reply", "parent_id": parent_id}
    response = client.post(f"/proposals/{made.id}/comments", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "The comment you replied to is not in this discussion" in page
    assert "My considered reply" in page
    assert db.session.scalar(select(Comment)) is None


def test_a_reply_to_a_comment_of_another_proposal_is_not_found(client, world):
    elsewhere = proposal(world, discuss=True, title="Elsewhere")
    sign_in(client, world.members[0])
    client.post(f"/proposals/{elsewhere.id}/comments", data={"body": "Over there"})
    theirs = db.session.scalar(select(Comment))
    made = proposal(world, discuss=True)
    data = {"body": "Here", "parent_id": str(theirs.id)}
    assert client.post(f"/proposals/{made.id}/comments", data=data).status_code == 404
    assert len(made.comments) == 0


def refusal(page: str, anchor: str) -> str:
    """The alert at the top of the page that says why something typed was not saved."""
    match = re.search(rf'<section[^>]*id="{anchor}".*?</section>', page, re.S)
    assert match, f"no #{anchor} on the page"
    assert page.index(f'id="{anchor}"') < page.index('id="body-h"'), "the reason is shown near the top"
    return match.group(0)


def test_a_comment_on_a_proposal_withdrawn_meanwhile_says_why_and_keeps_the_text(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.members[0])
    apply_transition(made, Transition.WITHDRAW, actor=world.steward)
    db.session.commit()
    response = client.post(f"/proposals/{made.id}/comments", data={"body": "My long comment"})
    assert response.status_code == 409
    alert = refusal(response.get_data(as_text=True), "comment-refused")
    assert "This proposal was withdrawn; its discussion is closed." in alert
    assert re.search(r"<textarea[^>]*readonly[^>]*>\s*My long comment</textarea>", alert)
    assert db.session.scalar(select(Comment)) is None


def test_a_reply_on_a_proposal_withdrawn_meanwhile_keeps_the_text(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.members[0])
    client.post(f"/proposals/{made.id}/comments", data={"body": "First"})
    first = db.session.scalar(select(Comment))
    apply_transition(made, Transition.WITHDRAW, actor=world.steward)
    db.session.commit()
    data = {"body": "A reply <b>typed</b> at length", "parent_id": str(first.id)}
    response = client.post(f"/proposals/{made.id}/comments", data=data)
    alert = refusal(response.get_data(as_text=True), "comment-refused")
    assert "withdrawn" in alert and "A reply &lt;b&gt;typed&lt;/b&gt; at length" in alert


def test_an_empty_comment_is_named_at_the_top_too(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.members[0])
    response = client.post(f"/proposals/{made.id}/comments", data={"body": ""})
    alert = refusal(response.get_data(as_text=True), "comment-refused")
    assert "Write something first." in alert and 'href="#new-comment"' in alert


def test_who_is_in_after_the_discussion_ended_says_why_and_keeps_the_note(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.delegates[0])
    apply_transition(made, Transition.OPEN_VOTE, actor=world.steward)
    db.session.commit()
    data = {"coop": world.coops[0].id, "stance": "interested", "note": "We can give two people"}
    response = client.post(f"/proposals/{made.id}/interest", data=data)
    assert response.status_code == 409
    alert = refusal(response.get_data(as_text=True), "interest-refused")
    assert "while the proposal is in discussion" in alert
    assert re.search(r"<textarea[^>]*readonly[^>]*>\s*We can give two people</textarea>", alert)
    assert made.interests == []


def test_a_comment_cannot_be_edited_once_the_proposal_is_withdrawn(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.members[0])
    client.post(f"/proposals/{made.id}/comments", data={"body": "First thought"})
    found = db.session.scalar(select(Comment))
    apply_transition(made, Transition.WITHDRAW, actor=world.steward)
    db.session.commit()
    edit_url = f"/proposals/{made.id}/comments/{found.id}/edit"
    assert edit_url not in client.get(f"/proposals/{made.id}").get_data(as_text=True)
    assert "its discussion is closed" in client.get(edit_url).get_data(as_text=True)
    response = client.post(edit_url, data={"body": "Second thought"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "its discussion is closed" in page and "Second thought" in page
    assert found.body == "First thought" and not found.is_edited


def test_an_edited_comment_is_marked(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.members[0])
    client.post(f"/proposals/{made.id}/comments", data={"body": "First thought"})
    found = db.session.scalar(select(Comment))
    response = client.post(f"/proposals/{made.id}/comments/{found.id}/edit", data={"body": "Second thought"})
    assert response.status_code == 302
    page = client.get(f"/proposals/{made.id}").get_data(as_text=True)
    assert "Second thought" in page and "edited" in page


def test_only_the_author_edits_a_comment(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.members[0])
    client.post(f"/proposals/{made.id}/comments", data={"body": "Mine"})
    found = db.session.scalar(select(Comment))
    client.post("/sign-out")
    sign_in(client, world.members[1])
    assert client.get(f"/proposals/{made.id}/comments/{found.id}/edit").status_code == 403
    assert (
        client.post(f"/proposals/{made.id}/comments/{found.id}/edit", data={"body": "Yours"}).status_code
        == 403
    )
    assert found.body == "Mine"


def test_a_delegate_says_their_coop_is_in_and_the_totals_show_it(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.delegates[0])
    coop = world.coops[0]
    response = client.post(
        f"/proposals/{made.id}/interest",
        data={"coop": coop.id, "stance": "interested", "note": "We have 2 people"},
    )
    assert response.status_code == 302
    page = client.get(f"/proposals/{made.id}").get_data(as_text=True)
    assert re.search(r"1 of 3 co-ops are in</strong>, with 12 worker-members in GB", page)
    assert "We have 2 people" in page


def test_the_home_page_asks_a_delegate_whether_their_coop_is_in(client, world):
    made = proposal(world, discuss=True, title="Hosting")
    sign_in(client, world.delegates[0])
    page = client.get("/").get_data(as_text=True)
    assert f"Say whether {world.coops[0].name} is in: Hosting" in page
    assert f"/proposals/{made.id}#who-is-in" in page


def test_the_navigation_links_to_proposals(client, world):
    sign_in(client, world.members[0])
    assert 'href="/proposals"' in client.get("/").get_data(as_text=True)


def test_the_open_vote_step_on_the_page_points_to_the_vote_form(client, world):
    made = proposal(world, discuss=True)
    sign_in(client, world.steward)
    response = client.post(
        f"/proposals/{made.id}/steps",
        data={"transition": "open_vote"},
        headers={"Referer": f"http://localhost/proposals/{made.id}"},
        follow_redirects=True,
    )
    assert "A vote opens with its method, times and rules" in response.get_data(as_text=True)
    assert made.state == State.DISCUSSION


def test_who_is_in_pages_the_coops_and_adds_up_every_one(client, world, monkeypatch):
    """An electorate can be a thousand co-ops: the table shows a page of them by name, and the totals
    above it count all of them, on every page."""
    from proposals import service

    monkeypatch.setattr(service, "WHO_PER_PAGE", 2)
    made = proposal(world, discuss=True)
    thames, hudson, rio = world.coops
    for coop, delegate in ((thames, world.delegates[0]), (rio, world.delegates[2])):
        service.signal_interest(made, actor=delegate, coop=coop, stance="interested")
    db.session.commit()
    sign_in(client, world.members[0])
    first = client.get(f"/proposals/{made.id}").get_data(as_text=True)
    second = client.get(f"/proposals/{made.id}?coops=2").get_data(as_text=True)
    for page in (first, second):
        assert re.search(r"2 of 3 co-ops are in</strong>", page)
        assert "0 undecided, 0 not interested, 1 not answered yet." in page
    rows = lambda page: re.findall(r'<td data-label="Co-op">([^<]+)</td>', page)  # noqa: E731
    assert rows(first) == sorted([rio.name, hudson.name, thames.name], key=str.casefold)[:2]
    assert rows(second) == [thames.name]
    assert "Page 1 of 2" in first and f'href="/proposals/{made.id}?coops=2#who-is-in"' in first
    assert "Page 2 of 2" in second and f'href="/proposals/{made.id}#who-is-in"' in second
    assert rows(client.get(f"/proposals/{made.id}?coops=9").get_data(as_text=True)) == [thames.name]


def test_the_home_page_pages_what_waits_and_the_navigation_counts_it_all(client, world, monkeypatch):
    from governance import templating

    monkeypatch.setattr(templating, "WAITING_PER_PAGE", 2)
    made = [proposal(world, discuss=True, title=f"Idea {n}") for n in range(3)]  # newest last
    sign_in(client, world.delegates[0])
    first = client.get("/").get_data(as_text=True)
    second = client.get("/?page=2").get_data(as_text=True)
    asked = re.compile(r"Say whether [^:]+ is in: (Idea \d)")
    assert asked.findall(first) == ["Idea 2", "Idea 1"] and asked.findall(second) == ["Idea 0"]
    for page in (first, second):
        assert "3 things wait for you; the nearest deadlines come first." in page
        assert re.search(r'aria-label="3 waiting">3</span>', page)
    assert 'href="/?page=2#waiting"' in first and 'href="/#waiting"' in second
    assert asked.findall(client.get("/?page=7").get_data(as_text=True)) == ["Idea 0"]
    assert f"/proposals/{made[0].id}#who-is-in" in second


def test_the_navigation_count_follows_what_is_done(client, world):
    made = [proposal(world, discuss=True, title=f"Idea {n}") for n in range(2)]
    sign_in(client, world.delegates[0])
    count = re.compile(r'aria-label="(\d+) waiting"')
    assert count.findall(client.get("/proposals").get_data(as_text=True)) == ["2"]
    data = {"coop": world.coops[0].id, "stance": "interested", "note": ""}
    page = client.post(f"/proposals/{made[0].id}/interest", data=data, follow_redirects=True)
    assert count.findall(page.get_data(as_text=True)) == ["1"]


def test_what_waits_asks_only_of_the_co_ops_a_proposal_or_campaign_is_addressed_to(client, world):
    """A proposal in discussion, or an open campaign, addressed to a delegate's co-op waits for it; one to
    another network, a draft, and a campaign the co-op pledged to do not (and nobody else is asked)."""
    from governance.models import NetworkRoleKind
    from governance.service import grant_network_role
    from proposals import service as proposals
    from proposals.pledging import service as pledging
    from tests.proposals.pledging.factories import open_campaign, pledge

    grant_network_role(
        actor=world.admin, network=world.other_network, person=world.steward, role=NetworkRoleKind.STEWARD
    )
    proposal(world, discuss=True, title="Ours")
    proposal(world, discuss=True, title="Theirs", networks=[world.other_network])
    proposal(world, title="A draft")
    campaign = open_campaign(world)
    delegate = world.delegates[0]
    assert [(p.title, c.id) for p, c in proposals.interest_asked(delegate, limit=10)[0]] == [
        ("Ours", world.coops[0].id)
    ]
    assert proposals.interest_asked(delegate, limit=10)[1] == 1
    assert [(k.id, c.id) for k, c in pledging.pledges_awaited(delegate, limit=10)[0]] == [
        (campaign.id, world.coops[0].id)
    ]
    pledge(world, campaign, 0, hours=5)
    assert pledging.pledges_awaited(delegate, limit=10) == ([], 0)
    assert proposals.interest_asked(world.members[0], limit=10) == ([], 0)  # a member is not asked
