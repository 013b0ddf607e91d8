"""Load on this machine: gunicorn against PostgreSQL and the scale world, traffic to 127.0.0.1 only.

Run: .venv/bin/python bench/load.py [--scale 5000] [--seconds 15] [--rate 200] [--workers 2 --threads 4]
       [--server postgresql://postgres@127.0.0.1:5432/postgres] [--database NAME [--keep]]

It makes a database on the server (or, with --database, uses that one, building the world only when it has
none; --keep leaves it for the next run), migrates it, builds `flask --app wsgi demo --scale N` and starts
gunicorn on a free port of 127.0.0.1 with an instance folder of its own. It signs in delegates (a session
each, as a browser would: the sign-in form, its CSRF token, the session cookie) and then, each for
--seconds, with plain threads and keep-alive connections:
  - proposal:  GET a proposal in voting, as a delegate of an addressed co-op;
  - ballot:    POST a yes/no ballot as the form does (the redirect is not followed), spread over the votes;
  - pledge:    POST a pledge with a new amount each time, spread over the campaigns;
  - home:      GET / as a delegate of the co-op in 20 networks (the votes and campaigns waiting for it);
each first as fast as --clients threads go (closed loop: the throughput), then, for the ballot, at a fixed
--rate (open loop: each request has its send time, and its latency counts from that time, so a server
that falls behind is not hidden by the client waiting for it). Last, every main page, one at a time.
It prints requests per second and p50/p99 (milliseconds) with the target beside each: a ballot under
20 ms at p99 at 200 requests a second, a proposal page under 50 ms at p99, every page under 200 ms at
p99. The client runs on the same cores as the server, and so takes part of what it measures.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "roundtable-demo"
TARGETS = {"ballot": 20.0, "proposal": 50.0}
PAGE_TARGET = 200.0
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


# The server and its database


def _postgres(url: str) -> str:
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


@contextmanager
def database(server: str, name: str | None, keep: bool):
    """A database on the server: the one named (kept unless asked), or one made for this run and dropped."""
    base = sa.make_url(_postgres(server))
    name = name or f"roundtable_load_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def flask(env: dict[str, str], *args: str) -> str:
    command = [str(BIN / "flask"), "--app", "wsgi", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def build(env: dict[str, str], url: str, scale: int) -> None:
    flask(env, "db", "upgrade")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        networks = conn.scalar(sa.text("SELECT count(*) FROM networks"))
    engine.dispose()
    if networks:
        print(f"the database holds a world already ({networks} networks): using it")
        return
    started = time.perf_counter()
    flask(env, "demo", "--scale", str(scale))
    print(f"built the scale world of {scale:,} co-ops in {time.perf_counter() - started:.0f} s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], workers: int, threads: int):
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--bind", f"127.0.0.1:{port}",
        "--keep-alive", "30",
        "--log-level", "warning",
        "--preload",  # the app is imported once, before the workers fork
        "wsgi:app",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own command
    try:
        deadline = time.monotonic() + 180  # importing the app takes 5 s of CPU, more on a busy machine
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


# A browser's session, reduced to what the pages need


class Session:
    """One signed-in person: a keep-alive connection, the session cookie and the CSRF token."""

    def __init__(self, port: int, email: str | None) -> None:
        """Signed in as `email`; None: a visitor who is not (with a CSRF token, for the public forms)."""
        self.port, self.email = port, email
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        page = self.request("GET", "/sign-in")
        self.csrf = _csrf(page.body)
        if email is None:
            return
        signed = self.request("POST", "/sign-in", {"email": email, "password": PASSWORD})
        if signed.status != 302:
            raise SystemExit(f"signing in as {email} answered {signed.status}")
        self.request("GET", "/notifications/")  # shows (and so clears) any message the sign-in left

    def twin(self) -> Session:
        """The same signed-in browser (its cookies and CSRF token) on a connection of its own, for another
        thread: an http.client connection shared by two threads mixes their answers up."""
        other = Session.__new__(Session)
        other.port, other.email, other.cookies = self.port, self.email, dict(self.cookies)
        other.csrf = self.csrf
        other.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return other

    def use(self, port: int) -> None:
        """Send the next requests, with the same cookies, to another instance."""
        self.connection.close()
        self.port, self.connection = port, http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode({**form, "csrf_token": getattr(self, "csrf", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()  # the server closed a kept-alive connection: open another
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            # A page's cookies are kept, as a browser keeps them (the navigation's count of what waits is
            # kept in the session, renewed now and then). Those of a form's answer are not: its flashed
            # message, shown by the page a browser is sent on to but never asked for here, would pile up.
            if name.lower() == "set-cookie" and (method == "GET" or path == "/sign-in"):
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return Answer(response.status, data)


@dataclass
class Answer:
    status: int
    body: bytes


def _csrf(body: bytes) -> str:
    match = CSRF.search(body.decode())
    if match is None:
        raise SystemExit("no CSRF token on the sign-in page")
    return match.group(1) or match.group(2)


# The world's people and things, read from the database


@dataclass
class World:
    wide_delegate: str
    proposals: list[tuple[int, str]]  # (proposal id, a delegate who sees it)
    ballots: list[tuple[int, int, str]]  # (vote id, co-op id, its delegate's email)
    pledges: list[tuple[int, int, str]]  # (campaign id, co-op id, its delegate's email)
    pages: dict[str, str] = field(default_factory=dict)


def read_world(url: str, sessions: int) -> World:
    """Who does what: for each vote and campaign, a few electors' delegates (their own co-op each)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        wide = conn.execute(
            sa.text(
                "SELECT c.slug FROM coops c JOIN network_memberships m ON m.coop_id = c.id "
                "GROUP BY c.id, c.slug ORDER BY count(*) DESC, c.id LIMIT 1"
            )
        ).scalar_one()
        votes = conn.execute(
            sa.text(
                "SELECT v.id, e.coop_id, c.slug, v.proposal_id FROM votes v "
                "JOIN vote_electors e ON e.vote_id = v.id JOIN coops c ON c.id = e.coop_id "
                "WHERE v.closed_at IS NULL AND c.slug <> :wide ORDER BY v.id, e.id"
            ),
            {"wide": wide},
        ).all()
        campaigns = conn.execute(
            sa.text(
                "SELECT k.id, e.coop_id, c.slug FROM campaigns k JOIN votes v ON v.proposal_id = k.proposal_id "
                "JOIN vote_electors e ON e.vote_id = v.id JOIN coops c ON c.id = e.coop_id "
                "WHERE k.state = 'open' AND c.slug <> :wide ORDER BY k.id, e.id"
            ),
            {"wide": wide},
        ).all()
        network = conn.execute(sa.text("SELECT slug FROM networks ORDER BY id LIMIT 1")).scalar_one()
    engine.dispose()
    per_vote = max(1, sessions // max(1, len({v[0] for v in votes})))
    ballots, seen = [], Counter()
    for vote_id, coop_id, slug, _ in votes:
        if seen[vote_id] < per_vote and len(ballots) < sessions:
            seen[vote_id] += 1
            ballots.append((vote_id, coop_id, f"delegate@{slug}.example"))
    ballots = _spread(ballots, sessions, key=lambda b: b[0])
    pledges = _spread(
        [(k, c, f"delegate@{s}.example") for k, c, s in campaigns], sessions, key=lambda p: p[0]
    )
    proposals = [(_proposal_of(votes, vote_id), email) for vote_id, _, email in ballots]
    world = World(f"delegate@{wide}.example", proposals, ballots, pledges)
    vote_id, campaign_id, proposal_id = ballots[0][0], pledges[0][0], proposals[0][0]
    world.pages = {
        "home (co-op in 20 networks)": "/",
        "proposals": "/proposals",
        "proposal": f"/proposals/{proposal_id}",
        "vote": f"/votes/{vote_id}",
        "campaign": f"/campaigns/{campaign_id}",
        "co-op": f"/coops/{wide}",
        "network": f"/networks/{network}",
        "networks": "/networks",
        "meetings": "/meetings/",
        "notifications": "/notifications/",
        "campaigns": "/campaigns/",
        "new meeting": "/meetings/new",
        "api: co-ops": "/api/v1/coops",
        "api: proposals": "/api/v1/proposals",
        "api: vote's participation": f"/api/v1/votes/{vote_id}/participation",
        "api: vote's result": f"/api/v1/votes/{vote_id}/result",
        "api: pledges": f"/api/v1/campaigns/{campaign_id}/pledges",
    }
    return world


def _proposal_of(votes, vote_id: int) -> int:
    return next(v[3] for v in votes if v[0] == vote_id)


def _spread(rows: list, count: int, key: Callable) -> list:
    """`count` rows taken round-robin over the groups `key` makes, so the load spreads over them."""
    groups: dict = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    queues, spread = list(groups.values()), []
    while len(spread) < count and any(queues):
        for queue in queues:
            if queue and len(spread) < count:
                spread.append(queue.pop(0))
    return spread


# Measuring


@dataclass
class Run:
    name: str
    mode: str
    seconds: float
    latencies: list[float]  # milliseconds
    errors: Counter

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def warm(clients: list[Callable[[], int]]) -> None:
    """Each client's first requests, not measured: a worker's first of a kind loads templates and more."""
    for send in clients:
        send(), send()


def closed_loop(name: str, clients: list[Callable[[], int]], seconds: float, expect: int) -> Run:
    """Each client repeats its request as fast as the server answers, for `seconds`."""
    warm(clients)
    latencies: list[float] = []
    errors: Counter = Counter()
    lock, stop = threading.Lock(), time.perf_counter() + seconds

    def work(send: Callable[[], int]) -> None:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            status = _sent(send)
            took = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(took) if status == expect else errors.update([status])

    started = time.perf_counter()
    _run_threads([threading.Thread(target=work, args=(c,)) for c in clients])
    return Run(name, f"closed, {len(clients)} clients", time.perf_counter() - started, latencies, errors)


def open_loop(name: str, clients: list[Callable[[], int]], rate: float, seconds: float, expect: int) -> Run:
    """Requests sent at `rate` a second, spread over the clients in turn; latency counts from each
    request's planned send time, so waiting for a busy client or server is counted, not hidden."""
    total = int(rate * seconds)
    latencies: list[float] = []
    errors: Counter = Counter()
    lock, begin = threading.Lock(), time.perf_counter() + 0.5

    def work(index: int, send: Callable[[], int]) -> None:
        for n in range(index, total, len(clients)):
            planned = begin + n / rate
            delay = planned - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            status = _sent(send)
            took = (time.perf_counter() - planned) * 1000
            with lock:
                latencies.append(took) if status == expect else errors.update([status])

    _run_threads([threading.Thread(target=work, args=(i, c)) for i, c in enumerate(clients)])
    return Run(name, f"open, {rate:g}/s planned", time.perf_counter() - begin, latencies, errors)


def _sent(send: Callable[[], int]) -> int | str:
    """The answer's status, or the name of what went wrong (counted with the errors, not ending the run)."""
    try:
        return send()
    except (http.client.HTTPException, OSError) as error:
        return type(error).__name__


def _run_threads(threads: list[threading.Thread]) -> None:
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def report(runs: list[Run]) -> None:
    print(
        f"\n{'':<30} {'mode':<22} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}  target"
    )
    for run in runs:
        target = TARGETS.get(run.name.split(" ")[0], PAGE_TARGET)
        p99 = run.percentile(99)
        verdict = "ok" if p99 <= target and not run.errors else "MISSED"
        errors = sum(run.errors.values())
        print(
            f"{run.name:<30} {run.mode:<22} {len(run.latencies):>8} {errors:>6} {run.rate:>7.1f} "
            f"{run.percentile(50):>7.1f} {p99:>7.1f}  p99 < {target:g} ms: {verdict}"
            + (f"  (answers: {dict(run.errors)})" if run.errors else "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--scale", type=int, default=5000, help="co-ops in the world (default 5000)")
    parser.add_argument(
        "--server", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--database", help="use (and build if empty) this database instead of a new one")
    parser.add_argument("--keep", action="store_true", help="keep the --database afterwards")
    parser.add_argument("--seconds", type=float, default=15, help="each measurement's length")
    parser.add_argument("--rate", type=float, default=200, help="the ballots' planned rate (a second)")
    parser.add_argument("--clients", type=int, default=8, help="threads of the closed loops")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--only", help="comma-separated: proposal,ballot,ballot-rate,pledge,home,pages")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    with tempfile.TemporaryDirectory() as instance, database(args.server, args.database, args.keep) as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "INSTANCE_PATH": instance,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "SCHEDULER_SECONDS": "0",
            "SIGN_IN_LIMIT": "10000 per minute",
            "SIGN_IN_ADDRESS_LIMIT": "10000 per minute",
        }
        env.pop("REDIS_URL", None)
        build(env, url, args.scale)
        world = read_world(url, args.clients)
        with gunicorn(env, args.workers, args.threads) as port:
            runs = measure(port, world, args, only)
        print(
            f"\n{args.scale:,} co-ops; gunicorn {args.workers} workers x {args.threads} threads on 127.0.0.1; "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        report(runs)


def measure(port: int, world: World, args, only: set[str] | None) -> list[Run]:
    def wanted(name: str) -> bool:
        return only is None or name in only

    runs: list[Run] = []
    sessions: dict[tuple[str, str], Session] = {}

    def session(email: str, use: str) -> Session:
        """A session per person and use: no two threads share one connection (an http.client connection
        shared by two threads mixes their answers up)."""
        if (email, use) not in sessions:
            sessions[email, use] = Session(port, email)
        return sessions[email, use]

    counter = iter(range(10**9))
    if wanted("proposal"):
        clients = [
            _get(session(email, f"read {n}"), f"/proposals/{pid}")
            for n, (pid, email) in enumerate(world.proposals)
        ]
        runs.append(closed_loop("proposal page", clients, args.seconds, 200))
    ballot_clients = [  # one delegate may vote for their co-op in two votes: a session for each
        _ballot(session(email, f"read {n}"), vote, coop, counter)
        for n, (vote, coop, email) in enumerate(world.ballots)
    ]
    if wanted("ballot"):
        runs.append(closed_loop("ballot cast", ballot_clients, args.seconds, 302))
    if wanted("ballot-rate"):
        runs.append(open_loop("ballot cast", ballot_clients, args.rate, args.seconds, 302))
    if wanted("pledge"):
        clients = [
            _pledge(session(email, f"pledge {n}"), k, coop, counter)
            for n, (k, coop, email) in enumerate(world.pledges)
        ]
        runs.append(closed_loop("pledge", clients, args.seconds, 302))
    if wanted("home"):
        clients = [_get(session(world.wide_delegate, f"home {n}"), "/") for n in range(args.clients)]
        runs.append(closed_loop("home of a co-op in 20 networks", clients, args.seconds, 200))
    if wanted("pages"):
        wide = session(world.wide_delegate, "home 0")
        admin = session("admin@roundtable.example", "admin")
        for name, path in world.pages.items():
            runs.append(closed_loop(f"page: {name}", [_get(wide, path)], args.seconds / 3, 200))
        runs.append(closed_loop("page: audit (admin)", [_get(admin, "/audit")], args.seconds / 3, 200))
        runs.append(
            closed_loop("page: network (admin)", [_get(admin, world.pages["network"])], args.seconds / 3, 200)
        )
    return runs


def _get(session: Session, path: str) -> Callable[[], int]:
    return lambda: session.request("GET", path).status


def _ballot(session: Session, vote: int, coop: int, counter) -> Callable[[], int]:
    def send() -> int:
        choice = ("yes", "no", "abstain")[next(counter) % 3]
        return session.request("POST", f"/votes/{vote}/ballots", {"coop": str(coop), "choice": choice}).status

    return send


def _pledge(session: Session, campaign: int, coop: int, counter) -> Callable[[], int]:
    def send() -> int:
        money = f"{100 + next(counter) % 5000}.00"  # a new amount each time: the same one is refused
        form = {"coop": str(coop), "currency": "EUR", "money": money, "hours": "4"}
        return session.request("POST", f"/campaigns/{campaign}/pledges", form).status

    return send


if __name__ == "__main__":
    main()
