"""Scale-out on one machine: two app instances, one PostgreSQL, one Redis, one Huey consumer.

Run: .venv/bin/python bench/scale_out.py [--server postgresql://postgres@127.0.0.1:5432/postgres]
       [--redis redis://127.0.0.1:6379/7] [--coops 50] [--closes-in 100] [--pledging-for 40]

It makes a database on the server (dropped afterwards) and migrates it; flushes the one Redis database
named (and only that one) before and after; starts `huey_consumer worker.huey` and two gunicorn processes
on two ports of 127.0.0.1, each with an INSTANCE_PATH of its own (so each its own mail outbox folder) and
one shared SECRET_KEY; then builds the scale world of --coops co-ops, its votes closing --closes-in
seconds later and its campaigns' deadlines --pledging-for seconds after that. Then:
  - delegates sign in on one instance and cast ballots and pledge through both, in turn;
  - people ask for password resets through both (one mail each);
  - once the votes' close time has passed, both instances are asked for every vote page at once (a read
    closes a due vote), while the consumer closes them every minute too; the same at the deadline for
    the campaigns;
  - it waits until the outbox is empty (every mail and job done or given up on).
It checks, and prints with the counts: each accepted ballot and pledge stored once; each vote closed
exactly once (one vote.closed event, one closing step of its proposal); each campaign settled exactly
once (one campaign.committed or campaign.lapsed event); every mail of the outbox written to exactly one
instance's outbox folder exactly once (To and Subject compared as multisets), and each reset mailed
once; nothing in the outbox failed; `flask --app wsgi audit verify` ok. Exit 1 if any check fails.
"""

from __future__ import annotations

import argparse
import email
import email.header
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import BIN, ROOT, Session, database, flask, gunicorn  # bench/ is not a package


def build_child(coops: int, closes_in: float, pledging_for: float) -> None:
    """In a child process (the environment names the database): build the world and print its ids."""
    sys.path.insert(0, str(ROOT))
    from governance import create_app, scale
    from governance.extensions import db

    app = create_app()
    with app.app_context():
        built = scale.build(
            coops, closes_in=timedelta(seconds=closes_in), pledging_for=timedelta(seconds=pledging_for)
        )
        db.session.commit()
    print(json.dumps({"votes": built.bench_vote_ids, "campaigns": built.bench_campaign_ids}))


@contextmanager
def consumer(env: dict[str, str]):
    log = Path(env["INSTANCE_PATH"]) / "consumer.log"
    command = [str(BIN / "huey_consumer"), "worker.huey", "--workers", "2", "--logfile", str(log)]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}  # its log is the file
    process = subprocess.Popen(command, cwd=ROOT, env=env, **quiet)  # noqa: S603
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def together(jobs) -> list:
    """Run every job at once in a thread of its own; their results (or exceptions), in order."""
    results: list = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(i, job):
        barrier.wait()
        try:
            results[i] = job()
        except Exception as error:  # reported by the caller
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def wait_until(moment: datetime) -> None:
    delay = (moment - datetime.now(UTC)).total_seconds()
    if delay > 0:
        print(f"  waiting {delay:.0f} s")
        time.sleep(delay)


class Checks:
    def __init__(self) -> None:
        self.failed: list[str] = []

    def expect(self, is_true: bool, what: str) -> None:
        print(f"  {'ok ' if is_true else 'BAD'} {what}")
        if not is_true:
            self.failed.append(what)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--server", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7", help="a Redis database of its own")
    parser.add_argument("--coops", type=int, default=50)
    parser.add_argument("--closes-in", type=float, default=100, help="seconds from the build to the close")
    parser.add_argument(
        "--pledging-for", type=float, default=40, help="seconds from the close to the deadline"
    )
    parser.add_argument("--build-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_child:
        build_child(args.coops, args.closes_in, args.pledging_for)
        return
    started = time.perf_counter()
    with ExitStack() as stack:
        folders = [Path(stack.enter_context(tempfile.TemporaryDirectory())) for _ in range(3)]
        url = stack.enter_context(database(args.server, None, keep=False))
        flush_redis(args.redis)
        stack.callback(flush_redis, args.redis)
        base = {
            **os.environ,
            "DATABASE_URL": url,
            "REDIS_URL": args.redis,
            "SECRET_KEY": secrets.token_urlsafe(
                32
            ),  # one key: a session signed by one instance is good on the other
            "SIGN_IN_LIMIT": "10000 per minute",
            "SIGN_IN_ADDRESS_LIMIT": "10000 per minute",
        }
        envs = [{**base, "INSTANCE_PATH": str(f)} for f in folders]
        flask(envs[0], "db", "upgrade")
        stack.enter_context(consumer(envs[2]))
        ports = [stack.enter_context(gunicorn(env, 1, 4)) for env in envs[:2]]
        print(f"two instances on 127.0.0.1:{ports[0]} and :{ports[1]}, one consumer, Redis {args.redis}")
        child = [sys.executable, __file__, "--build-child", "--coops", str(args.coops)]
        child += ["--closes-in", str(args.closes_in), "--pledging-for", str(args.pledging_for)]
        done = subprocess.run(child, cwd=ROOT, env=envs[0], capture_output=True, text=True, check=True)  # noqa: S603
        built = json.loads(done.stdout.strip().splitlines()[-1])
        failed = run(url, envs[0], ports, built, folders)
    print(
        f"\n{time.perf_counter() - started:.0f} s in all; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    if failed:
        raise SystemExit(f"{len(failed)} checks failed: {failed}")
    print("every check passed")


def run(url: str, env: dict[str, str], ports: list[int], built: dict, folders: list[Path]) -> list[str]:
    engine = sa.create_engine(url)
    checks = Checks()
    with engine.connect() as conn:
        closes_at = conn.scalar(sa.text("SELECT min(closes_at) FROM votes")).replace(tzinfo=UTC)
        deadline = conn.scalar(sa.text("SELECT max(deadline_at) FROM campaigns")).replace(tzinfo=UTC)
        voters = conn.execute(
            sa.text(
                "SELECT e.vote_id, e.coop_id, c.slug FROM vote_electors e JOIN coops c ON c.id = e.coop_id "
                "ORDER BY e.vote_id, e.id"
            )
        ).all()
        pledgers = conn.execute(
            sa.text(
                "SELECT k.id, e.coop_id, c.slug FROM campaigns k JOIN votes v ON v.proposal_id = k.proposal_id "
                "JOIN vote_electors e ON e.vote_id = v.id JOIN coops c ON c.id = e.coop_id ORDER BY k.id, e.id"
            )
        ).all()
        before = Counter(
            dict(
                conn.execute(
                    sa.text(
                        "SELECT 'ballots', count(*) FROM ballots UNION ALL SELECT 'pledges', count(*) FROM pledges"
                    )
                ).all()
            )
        )
        people = list(conn.scalars(sa.text("SELECT email FROM people ORDER BY id LIMIT 12")))

    print("ballots and pledges through both instances")
    sessions = [
        Session(ports[n % 2], f"delegate@{slug}.example") for n, (_, _, slug) in enumerate(voters[:16])
    ]
    for session in sessions:
        session.use(
            ports[1] if session.port == ports[0] else ports[0]
        )  # signed in on one, casting on the other
    accepted = Counter()
    answers = Counter()

    def cast(vote_id, coop_id, n):
        session = sessions[n]
        for choice in ("yes", "no", "yes")[: 1 + n % 3]:
            status = session.request(
                "POST", f"/votes/{vote_id}/ballots", {"coop": str(coop_id), "choice": choice}
            ).status
            answers[f"ballot {status}"] += 1
            accepted["ballots"] += status == 302

    together([lambda v=v, c=c, n=n: cast(v, c, n) for n, (v, c, _) in enumerate(voters[:16])])
    pledge_sessions = {}
    for n, (campaign_id, coop_id, slug) in enumerate(pledgers[:10]):
        pledge_sessions[campaign_id, slug] = (Session(ports[n % 2], f"delegate@{slug}.example"), coop_id)

    def pledge(key, money):
        session, coop_id = pledge_sessions[key]
        session = session.twin()  # each co-op pledges twice at once: a connection for each
        form = {"coop": str(coop_id), "currency": "EUR", "money": money, "hours": "2"}
        status = session.request("POST", f"/campaigns/{key[0]}/pledges", form).status
        answers[f"pledge {status}"] += 1
        accepted["pledges"] += status == 302

    together([lambda k=k, m=m: pledge(k, m) for k in pledge_sessions for m in ("100.00", "150.00")])

    print("password resets through both instances")
    resets = Counter()

    def reset(n, address):
        anonymous = Session(ports[n % 2], None)
        status = anonymous.request("POST", "/reset-password", {"email": address}).status
        resets[status] += 1

    together([lambda n=n, a=a: reset(n, a) for n, a in enumerate(people)])
    print(f"  answers: {dict(answers)}; resets: {dict(resets)}")

    print(f"the votes close at {closes_at:%H:%M:%S} UTC")
    wait_until(closes_at + timedelta(seconds=1))
    readers = [Session(ports[n % 2], f"delegate@{voters[n][2]}.example") for n in range(8)]
    pages = [f"/votes/{v}" for v in built["votes"]]
    read = together([lambda r=r, p=p: r.twin().request("GET", p).status for r in readers for p in pages])
    print(f"  {len(read)} reads at once: {dict(Counter(read))}")
    print(f"the campaigns' deadline is {deadline:%H:%M:%S} UTC")
    wait_until(deadline + timedelta(seconds=1))
    pages = [f"/campaigns/{k}" for k in built["campaigns"]]
    read = together([lambda r=r, p=p: r.twin().request("GET", p).status for r in readers for p in pages])
    print(f"  {len(read)} reads at once: {dict(Counter(read))}")

    print("waiting for the outbox to empty")
    for _ in range(180):
        with engine.connect() as conn:
            waiting = conn.scalar(
                sa.text("SELECT count(*) FROM outbox WHERE done_at IS NULL AND failed_at IS NULL")
            )
        if not waiting:
            break
        time.sleep(1)

    with engine.connect() as conn:
        after = Counter(
            dict(
                conn.execute(
                    sa.text(
                        "SELECT 'ballots', count(*) FROM ballots UNION ALL SELECT 'pledges', count(*) FROM pledges"
                    )
                ).all()
            )
        )
        events = Counter(
            (action, subject)
            for action, subject in conn.execute(
                sa.text(
                    "SELECT action, subject_id FROM audit_events WHERE action IN ('vote.closed', 'campaign.committed', 'campaign.lapsed')"
                )
            )
        )
        closing = Counter(
            proposal
            for (proposal,) in conn.execute(
                sa.text(
                    "SELECT proposal_id FROM proposal_state_changes WHERE transition IN ('pass', 'reject', 'fail_quorum')"
                )
            )
        )
        settling = Counter(
            proposal
            for (proposal,) in conn.execute(
                sa.text(
                    "SELECT proposal_id FROM proposal_state_changes WHERE transition IN ('commit', 'lapse')"
                )
            )
        )
        vote_proposals = dict(conn.execute(sa.text("SELECT id, proposal_id FROM votes")).all())
        campaign_proposals = dict(conn.execute(sa.text("SELECT id, proposal_id FROM campaigns")).all())
        outbox = conn.execute(sa.text("SELECT handler, payload, done_at, failed_at FROM outbox")).all()

    print("\nchecks")
    checks.expect(
        after["ballots"] - before["ballots"] == accepted["ballots"],
        f"{accepted['ballots']} ballots accepted, each stored once",
    )
    checks.expect(
        after["pledges"] - before["pledges"] == accepted["pledges"],
        f"{accepted['pledges']} pledges accepted, each stored once",
    )
    for vote_id, proposal_id in vote_proposals.items():
        n = events["vote.closed", vote_id]
        checks.expect(
            n == 1 and closing[proposal_id] == 1,
            f"vote {vote_id} closed {n} time(s), its proposal stepped on {closing[proposal_id]} time(s)",
        )
    for campaign_id, proposal_id in campaign_proposals.items():
        n = events["campaign.committed", campaign_id] + events["campaign.lapsed", campaign_id]
        checks.expect(n == 1 and settling[proposal_id] <= 1, f"campaign {campaign_id} settled {n} time(s)")
    mails = [row for row in outbox if row.handler == "mail"]
    failed = [row for row in outbox if row.failed_at is not None or row.done_at is None]
    checks.expect(not failed, f"{len(outbox)} outbox items ({len(mails)} mails), {len(failed)} not done")
    written = Counter()
    per_folder = []
    for folder in folders:
        files = list((folder / "outbox").glob("*.eml"))
        per_folder.append(len(files))
        for path in files:
            message = email.message_from_bytes(path.read_bytes())
            written[
                message["To"], str(email.header.make_header(email.header.decode_header(message["Subject"])))
            ] += 1
    expected = Counter((row.payload["to"], row.payload["subject"]) for row in mails)
    checks.expect(
        written == expected,
        f"{sum(written.values())} mail files (instance A, B, consumer: {per_folder}) for {len(mails)} mails, each once",
    )
    reset_mails = sum(
        n for (to, subject), n in written.items() if to in people and "password" in subject.lower()
    )
    checks.expect(reset_mails == len(people), f"{reset_mails} reset mails for {len(people)} requests")
    verify = flask(env, "audit", "verify").strip()
    checks.expect(verify.startswith("ok"), f"audit verify: {verify}")
    engine.dispose()
    return checks.failed


if __name__ == "__main__":
    main()
