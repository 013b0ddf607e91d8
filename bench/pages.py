"""Time the proposal page with a long discussion: 500 long comments, on a scratch SQLite database.

Run: .venv/bin/python bench/pages.py [--comments 500] [--requests 300]
It builds one proposal in discussion with that many comments (a reply every fifth, Markdown of about
1,500 characters each, from 25 people), then asks for the proposal's page as a signed-in member through
Flask's test client, and prints the page's p50 and p99 in milliseconds (wall clock, and the process's
CPU time, which other work on a shared machine disturbs less), its size and the number of SQL statements
one request runs. For comparison it also times rendering the comments' Markdown afresh, as the page did
on every view before the HTML was stored.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from governance import create_app, service
from governance.extensions import db
from governance.markdown import render
from governance.models import CoopRole, NetworkRoleKind, Person
from governance.security import hash_password
from proposals import service as proposals
from proposals.lifecycle import Transition
from proposals.models import Kind

PASSWORD = "bench-password-not-secret"
PEOPLE = 25


def long_comment(n: int) -> str:
    """About 1,500 characters of the Markdown people write: paragraphs, a list, a link, code."""
    return (
        f"## Point {n}\n\n"
        + "We could host it from the spring, **if** two more co-ops bring a person each for the on-call "
        "rota; our own capacity is *twelve hours a month* at most, and the rest goes to clients. "
        * 4
        + "\n\n- the migration plan, with dates\n- who holds the keys\n- a budget for the first year\n\n"
        + f"See [the notes](https://example.org/notes/{n}) and `deploy.yml` for details.\n\n"
        + "```\nmake deploy ENV=staging\n```\n\n"
        + "> Quoting the last meeting: nobody could see who was in, so nothing moved. " * 3
    )


def build(app, comments: int) -> tuple[int, str]:
    """The proposal's id and the email of a member who reads it."""
    with app.app_context():
        digest = hash_password(PASSWORD)
        admin = Person(name="Bench Admin", email="admin@bench.example", time_zone="UTC", password_hash=digest,
                       is_superuser=True)  # fmt: skip
        db.session.add(admin)
        db.session.flush()
        network = service.create_network(actor=admin, name="Benchnet")
        service.grant_network_role(actor=admin, network=network, person=admin, role=NetworkRoleKind.STEWARD)
        coop = service.create_coop(actor=admin, network=network, name="Bench Co-op", country="GB",
                                   time_zone="Europe/London", worker_members=30)  # fmt: skip
        people = []
        for n in range(PEOPLE):
            person = Person(name=f"Member {n}", email=f"member{n}@bench.example", time_zone="Europe/London",
                            password_hash=digest)  # fmt: skip
            db.session.add(person)
            db.session.flush()
            service.add_member(actor=admin, coop=coop, person=person, role=CoopRole.MEMBER)
            people.append(person)
        proposal = proposals.create_proposal(
            actor=admin, networks=[network], kind=Kind.POLICY, title="A long discussion",
            summary="Many people have **much** to say.", body=long_comment(0),
        )  # fmt: skip
        proposals.apply_transition(proposal, Transition.OPEN_DISCUSSION, actor=admin)
        top = None
        for n in range(comments):
            author = people[n % PEOPLE]
            parent = top if n % 5 == 4 else None
            made = proposals.add_comment(proposal, actor=author, body=long_comment(n + 1), parent=parent)
            top = top if parent else made
        db.session.commit()
        return proposal.id, people[0].email


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=500)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench-only",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_STORAGE_URI": "memory://",
                "VOTE_CLOSER_SECONDS": 0,
                "MAIL_OUTBOX": str(Path(folder) / "outbox"),
            }
        )
        with app.app_context():
            upgrade()
        started = time.perf_counter()
        proposal_id, email = build(app, args.comments)
        print(f"built a proposal with {args.comments} comments in {time.perf_counter() - started:.1f} s")
        run(app, proposal_id, email, args)
        with app.app_context():
            db.engine.dispose()


def _pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def run(app, proposal_id: int, email: str, args) -> None:
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    url = f"/proposals/{proposal_id}"
    for _ in range(20):  # warm up: templates compiled, caches filled
        assert client.get(url).status_code == 200
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *a, **k: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    page = client.get(url)
    event.remove(engine, "before_cursor_execute", listener)
    wall, cpu = [], []
    for _ in range(args.requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    shown = page.get_data(as_text=True).count('class="markdown"')  # the comments (the body is a card)
    print(
        f"GET {url} ({args.requests} requests): wall p50 {_pct(wall, 50):.1f} ms, p99 {_pct(wall, 99):.1f} ms; "
        f"CPU p50 {_pct(cpu, 50):.1f} ms, p99 {_pct(cpu, 99):.1f} ms; {len(page.data) / 1024:.0f} KiB, "
        f"{shown} comments on the page, {len(statements)} SQL statements"
    )
    print(f"load average while it ran: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with app.app_context():
        bodies = [long_comment(n + 1) for n in range(args.comments)]
        started = time.perf_counter()
        for body in bodies:
            render(body)
        taken = (time.perf_counter() - started) * 1000
    print(
        f"rendering all {args.comments} comments' Markdown afresh (the page before, on each view): {taken:.0f} ms"
    )


if __name__ == "__main__":
    main()
