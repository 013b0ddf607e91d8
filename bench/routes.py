"""Every page and API read at the scale world, as a delegate, a steward and an admin: which are slow.

Run: .venv/bin/python bench/routes.py [--scale 5000] [--server postgresql://postgres@127.0.0.1:5432/postgres]
       [--database NAME [--keep]] [--over 60] [--statements 25]

It makes (or, with --database, uses) a database holding the scale world, as bench/load.py does, and walks
the app's URL map in-process (Flask's test client; no server, no network): every GET route, its arguments
filled with the world's first proposal, vote, campaign and comment, its first network's slug and the
co-op in the most networks. Each is asked twice as each person (the first read warms what a worker keeps)
and the second is measured. It prints the routes that took longer than --over milliseconds or ran more
than --statements SQL statements, with their status, size and count: the list to read before a page
meets a network of a thousand co-ops. It found the unpaged API lists and the campaign list that read a
query per row (stop 23's note).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import PASSWORD, ROOT, build, database  # bench/ is not a package

sys.path.insert(0, str(ROOT))

FILLED = {
    "proposal_id": "1",
    "vote_id": "1",
    "campaign_id": "1",
    "comment_id": "1",
    "coop_id": "1",
    "number": "1",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=5000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", help="use (and build, if empty) this database on the server")
    parser.add_argument("--keep", action="store_true", help="leave the database for the next run")
    parser.add_argument("--over", type=float, default=60.0, help="milliseconds: show the routes slower")
    parser.add_argument("--statements", type=int, default=25, help="show the routes that run more")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as instance, database(args.server, args.database, args.keep) as url:
        env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": instance}
        env["SECRET_KEY"] = secrets.token_urlsafe(32)
        build(env, url, args.scale)
        os.environ.update({"DATABASE_URL": url, "INSTANCE_PATH": instance, "SECRET_KEY": env["SECRET_KEY"]})
        walk(url, args.over, args.statements)


def walk(url: str, over: float, most: int) -> None:
    from governance import create_app

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        network = conn.scalar(sa.text("SELECT slug FROM networks ORDER BY id LIMIT 1"))
        wide = conn.scalar(
            sa.text(
                "SELECT c.slug FROM coops c JOIN network_memberships m ON m.coop_id = c.id "
                "GROUP BY c.id, c.slug ORDER BY count(*) DESC, c.id LIMIT 1"
            )
        )
    engine.dispose()
    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SCHEDULER_SECONDS": 0})
    counted = [0]
    sa.event.listen(
        sa.engine.Engine, "before_cursor_execute", lambda *_: counted.__setitem__(0, counted[0] + 1)
    )
    people = [f"delegate@{wide}.example", "steward@roundtable.example", "admin@roundtable.example"]
    print(f"{'who':<30} {'route':<50} {'status':>6} {'ms':>8} {'statements':>10} {'bytes':>9}")
    for email in people:
        client = app.test_client()
        client.post("/sign-in", data={"email": email, "password": PASSWORD})
        for path in paths(app, [network, wide]):
            client.get(path)
            counted[0] = 0
            started = time.perf_counter()
            answer = client.get(path)
            took = (time.perf_counter() - started) * 1000
            if took > over or counted[0] > most:
                print(
                    f"{email:<30} {path:<50} {answer.status_code:>6} {took:>8.1f} {counted[0]:>10} {len(answer.data):>9}"
                )


def paths(app, slugs: list[str]) -> list[str]:
    """Each GET route with its arguments filled in (one path for each slug where it takes a slug)."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        arguments = set(rule.arguments)
        if "GET" not in rule.methods or rule.rule.startswith(("/static", "/sign-out")):
            continue
        if arguments - set(FILLED) - {"slug"}:
            continue  # a token, a receipt, a file name: nothing to fill it with here
        for slug in slugs if "slug" in arguments else [None]:
            values = {**FILLED, "slug": slug} if slug else FILLED
            found.append(rule.build({a: values[a] for a in arguments}, append_unknown=False)[1])
    return found


if __name__ == "__main__":
    main()
