"""Markdown rendered once, when written; the discussion a page at a time, in a fixed number of queries;
comments limited per person."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from governance import markdown
from governance.extensions import db, limiter
from governance.markdown import render
from governance.models import CoopRole
from governance.service import add_member
from governance.types import UTCDateTime
from proposals import service
from proposals.models import Comment
from tests.conftest import TEST_SETTINGS, fresh_database
from tests.factories import api_token, person, sign_in
from tests.proposals.factories import proposal as make_proposal
from tests.queries import statements

HOSTILE = "**Bold** <script>alert(1)</script> <a href='javascript:alert(2)' onclick='x()'>link</a>"


def _stored(session, table: str, row_id: int, column: str) -> str:
    return session.execute(
        sa.text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}
    ).scalar_one()


def test_markdown_is_rendered_and_stored_when_written(world, session):
    made = make_proposal(world, discuss=True, summary="A *short* case.", body=HOSTILE)
    revision = service.edit_proposal(made, actor=world.steward, title=made.title, summary="Now **longer**.",
                                     body="# New body", facts=made.facts)  # fmt: skip
    comment = service.add_comment(made, actor=world.members[0], body=HOSTILE)
    service.edit_comment(comment, actor=world.members[0], body="Edited `code`")
    session.commit()
    first = made.revisions[0]
    assert _stored(session, "proposals", made.id, "body_html") == "<h3>New body</h3>\n"
    assert _stored(session, "proposals", made.id, "summary_html") == "<p>Now <strong>longer</strong>.</p>\n"
    assert _stored(session, "proposal_revisions", first.id, "body_html") == str(render(HOSTILE))
    assert (
        _stored(session, "proposal_revisions", first.id, "summary_html") == "<p>A <em>short</em> case.</p>\n"
    )
    assert _stored(session, "proposal_revisions", revision.id, "body_html") == "<h3>New body</h3>\n"
    assert (
        _stored(session, "proposal_comments", comment.id, "body_html") == "<p>Edited <code>code</code></p>\n"
    )
    assert "script" not in str(render(HOSTILE)) and "javascript" not in str(render(HOSTILE))


def test_pages_and_api_show_the_stored_html_without_rendering_again(client, world, session, monkeypatch):
    made = make_proposal(world, discuss=True, body=HOSTILE)
    service.add_comment(made, actor=world.members[0], body="A comment with **weight**")
    session.commit()

    def refuse(html):
        raise AssertionError("Markdown was rendered again on a read")

    monkeypatch.setattr(markdown, "sanitise", refuse)
    sign_in(client, world.members[1])
    page = client.get(f"/proposals/{made.id}").get_data(as_text=True)
    assert "<p><strong>Bold</strong>" in page and "<script>alert" not in page
    assert "A comment with <strong>weight</strong>" in page
    headers = api_token(world.members[1])
    assert client.get(f"/api/v1/proposals/{made.id}", headers=headers).json["body_html"] == made.body_html
    listed = client.get(f"/api/v1/proposals/{made.id}/comments", headers=headers).json
    assert listed[0]["body_html"] == "<p>A comment with <strong>weight</strong></p>\n"


def test_migration_renders_the_markdown_of_existing_rows(tmp_path):
    from governance import create_app

    with fresh_database(tmp_path, "html") as url:
        scratch = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
        with scratch.app_context():
            upgrade(revision="673a3a6151c1")  # before the HTML columns
            _old_rows(db.session)
            upgrade()
            rows = db.session.execute(sa.text(
                "SELECT p.summary_html, p.body_html, r.summary_html, r.body_html, c.body_html FROM proposals p "
                "JOIN proposal_revisions r ON r.proposal_id = p.id JOIN proposal_comments c ON c.proposal_id = p.id"
            )).all()  # fmt: skip
            db.session.remove()
            db.engine.dispose()
    summary, body = "An *old* summary", HOSTILE
    assert rows == [(str(render(summary)), str(render(body)), str(render(summary)), str(render(body)),
                     str(render("An old **comment**")))]  # fmt: skip


def _old_rows(session) -> None:
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    text = {"summary": "An *old* summary", "body": HOSTILE, "title": "Old", "kind": "policy"}
    stamp = sa.bindparam("now", type_=UTCDateTime())
    session.execute(
        sa.text(
            "INSERT INTO proposals (id, state, kind, title, summary, body, created_at, updated_at, "
            "state_changed_at) VALUES (1, 'discussion', :kind, :title, :summary, :body, :now, :now, :now)"
        ).bindparams(stamp),
        {**text, "now": now},
    )
    session.execute(
        sa.text(
            "INSERT INTO proposal_revisions (id, proposal_id, number, kind, title, summary, body, facts, "
            "change_note, created_at) VALUES (1, 1, 1, :kind, :title, :summary, :body, '{}', '', :now)"
        ).bindparams(stamp),
        {**text, "now": now},
    )
    session.execute(
        sa.text(
            "INSERT INTO proposal_comments (id, proposal_id, body, created_at) VALUES (1, 1, :body, :now)"
        ).bindparams(stamp),
        {"body": "An old **comment**", "now": now},
    )
    session.commit()


# The discussion, a page at a time


def _people(world, count: int):
    """People of an addressed co-op, each a different author (so nothing is shared between comments)."""
    found = []
    for _ in range(count):
        someone = person()
        add_member(actor=world.admin, coop=world.coops[0], person=someone, role=CoopRole.MEMBER)
        found.append(someone)
    return found


def _discussion(world, size: int, *, authors=None):
    """A proposal with `size` comments by different people: every third a reply, every fourth edited."""
    made = make_proposal(world, discuss=True, commit=False)
    authors = authors or _people(world, size)
    top = None
    for n in range(size):
        parent = top if n % 3 == 2 else None
        comment = service.add_comment(made, actor=authors[n], body=f"Comment **{n}**", parent=parent)
        if n % 4 == 3:
            service.edit_comment(comment, actor=authors[n], body=f"Comment **{n}**, edited")
        top = top if parent else comment
    db.session.commit()
    return made


def test_proposal_page_runs_the_same_queries_for_3_comments_as_for_40(app, client, world):
    urls = {size: f"/proposals/{_discussion(world, size).id}" for size in (3, 40)}
    sign_in(client, world.members[1])
    client.get(urls[3])  # the first request of a session loads what every one shares
    counts = {size: statements(client, url) for size, url in urls.items()}
    assert counts[3] == counts[40], counts


def test_discussion_is_shown_a_page_at_a_time_threads_in_order(client, world):
    made = _discussion(world, 120, authors=[world.members[n % 3] for n in range(120)])
    sign_in(client, world.members[1])
    first = client.get(f"/proposals/{made.id}").get_data(as_text=True)
    assert "Discussion (120)" in first and "Page 1 of 3" in first
    assert first.count('class="markdown"') == 50 and 'style="' not in first
    order = [c.id for c in db.session.scalars(service.comments_query(made))]
    assert f'id="comment-{order[49]}"' in first and f'id="comment-{order[50]}"' not in first
    second = client.get(f"/proposals/{made.id}?page=2").get_data(as_text=True)
    assert (
        f'id="comment-{order[50]}"' in second and "Earlier comments" in second and "Later comments" in second
    )
    last = client.get(f"/proposals/{made.id}?page=3").get_data(as_text=True)
    assert last.count('class="markdown"') == 20 and "Later comments" not in last
    past = client.get(f"/proposals/{made.id}?page=9")
    assert past.status_code == 200 and "No comments on this page." in past.get_data(as_text=True)


def test_a_thread_running_over_a_page_break_names_its_comment_on_the_earlier_page(client, world):
    made = make_proposal(world, discuss=True, commit=False)
    opening = service.add_comment(made, actor=world.members[0], body="The opening comment")
    for n in range(service.COMMENTS_PER_PAGE + 2):
        service.add_comment(made, actor=world.members[n % 3], body=f"Reply {n}", parent=opening)
    db.session.commit()
    sign_in(client, world.members[1])
    page = client.get(f"/proposals/{made.id}?page=2").get_data(as_text=True)
    assert "Replies to the comment by Thames Code Member" in page
    link = f"/proposals/{made.id}/comments/{opening.id}"
    assert link in page
    assert client.get(link).headers["Location"].endswith(f"/proposals/{made.id}#comment-{opening.id}")


def test_a_posted_comment_is_shown_on_the_page_it_lands_on(client, world):
    made = _discussion(world, 60, authors=[world.members[n % 3] for n in range(60)])
    sign_in(client, world.members[1])
    response = client.post(f"/proposals/{made.id}/comments", data={"body": "Late to this"})
    made_id = db.session.scalar(sa.select(sa.func.max(Comment.id)))
    assert response.headers["Location"].endswith(f"/proposals/{made.id}?page=2#comment-{made_id}")


def test_api_lists_the_discussion_a_page_at_a_time(client, world):
    made = _discussion(world, 60, authors=[world.members[n % 3] for n in range(60)])
    headers = api_token(world.members[1])
    url = f"/api/v1/proposals/{made.id}/comments"
    first, second = client.get(url, headers=headers), client.get(f"{url}?page=2", headers=headers)
    assert (len(first.json), len(second.json)) == (50, 10)
    about = json.loads(second.headers["X-Pagination"])
    assert about == {"total": 60, "total_pages": 2, "page": 2, "first_page": 1, "last_page": 2,
                     "previous_page": 1, "next_page": None}  # fmt: skip
    assert [c["id"] for c in first.json + second.json] == [
        c.id for c in db.session.scalars(service.comments_query(made))
    ]
    for bad in ("0", "x", "10001"):
        refused = client.get(f"{url}?page={bad}", headers=headers)
        assert refused.status_code == 422 and "page" in refused.json["errors"]["query"]


# Comments are limited per person


@pytest.fixture
def two_a_minute(app, monkeypatch):
    monkeypatch.setitem(app.config, "COMMENT_LIMIT", "2 per minute")
    limiter.reset()
    yield
    limiter.reset()


def _count(made) -> int:
    return db.session.scalar(sa.select(sa.func.count(Comment.id)).where(Comment.proposal_id == made.id))


def test_over_the_comment_limit_the_page_says_why_and_keeps_the_text(client, world, two_a_minute):
    made = make_proposal(world, discuss=True)
    sign_in(client, world.members[0])
    url = f"/proposals/{made.id}/comments"
    assert client.post(url, data={"body": ""}).status_code == 400  # a refused comment costs nothing
    assert [client.post(url, data={"body": f"Point {n}"}).status_code for n in range(2)] == [302, 302]
    response = client.post(url, data={"body": "My third, carefully worded point"})
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert "Your comment was not posted" in page
    assert "You have posted as many comments as one person may (2 in a minute). Wait " in page
    assert "My third, carefully worded point</textarea>" in page
    assert _count(made) == 2


def test_the_comment_limit_is_per_person_and_shared_by_the_api(client, world, two_a_minute):
    made = make_proposal(world, discuss=True)
    sign_in(client, world.members[0])
    url = f"/proposals/{made.id}/comments"
    assert [client.post(url, data={"body": f"Point {n}"}).status_code for n in range(2)] == [302, 302]
    headers = api_token(world.members[0])
    refused = client.post(f"/api/v1{url}", json={"body": "And by the API"}, headers=headers)
    assert refused.status_code == 429
    assert refused.json["message"].startswith("You have posted as many comments as one person may")
    other = api_token(world.members[1])
    assert client.post(f"/api/v1{url}", json={"body": "Someone else"}, headers=other).status_code == 201
    assert _count(made) == 3


def test_over_the_comment_limit_on_a_proposal_one_cannot_see_says_only_the_limit(client, world, two_a_minute):
    made = make_proposal(world, discuss=True)
    hidden = make_proposal(world, title="A quiet draft")  # a member cannot see a draft
    sign_in(client, world.members[0])
    for n in range(2):
        client.post(f"/proposals/{made.id}/comments", data={"body": f"Point {n}"})
    response = client.post(f"/proposals/{hidden.id}/comments", data={"body": "Elsewhere"})
    assert response.status_code == 429
    assert "You have posted as many comments as one person may" in response.get_data(as_text=True)
    assert "A quiet draft" not in response.get_data(as_text=True)


def test_a_comment_names_the_addressed_co_ops_its_author_speaks_from(client, world):
    from tests.factories import coop

    elsewhere = coop(world.admin, world.other_network, "Faraway Works", "AR", "America/Argentina/Cordoba", 4)
    add_member(actor=world.admin, coop=elsewhere, person=world.members[0], role=CoopRole.MEMBER)
    proposal = make_proposal(world, discuss=True)
    service.add_comment(proposal, actor=world.members[0], body="We are in.")
    service.add_comment(proposal, actor=world.steward, body="Noted.")
    db.session.commit()
    sign_in(client, world.members[1])
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"{world.members[0].name} ({world.coops[0].name})," in page  # not Faraway Works: not addressed
    assert "Faraway Works" not in page
    assert f"{world.steward.name}, " in page  # a steward of no co-op: no co-op named
