"""Time the standing-set rule at 1,000 co-ops, and the campaign page with 200 pledges.

Run: .venv/bin/python bench/pledges.py [--coops 1000] [--page-pledges 200] [--requests 200]
1. `proposals.targets.evaluate` over 1,000 conditional pledges: random conditions (a third "only if N
   co-ops", a third "only if the money reaches X"), and the worst case, a chain where each pledge needs one
   more co-op than the last, so every pledge but one falls, one after another. Median and p99 of 50 runs
   (target: under 50 ms).
2. GET /campaigns/<id> with 200 pledges, on a fresh SQLite database migrated with Alembic, signed in as a
   delegate: p50, p99 and max over the requests (target p99: under 100 ms), after governance.heap.freeze
   as a gunicorn worker does (--no-freeze: without it).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from proposals.targets import Pledge, Targets, evaluate

RUNS = 50


def random_pledges(n: int, seed: int = 12) -> list[Pledge]:
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
    pledges = []
    for i in range(n):
        kind = i % 3
        pledges.append(
            Pledge(
                coop=f"coop-{i}",
                base_minor=rng.randrange(0, 200_000),
                hours=rng.randrange(0, 40),
                seats=frozenset({"host"}) if i % 97 == 0 else frozenset(),
                min_coops=rng.randrange(1, n + 200) if kind == 1 else None,
                min_money=rng.randrange(1, 150_000_000) if kind == 2 else None,
                country=rng.choice(["GB", "US", "AR", "CA", "ES"]),
                networks=frozenset({rng.choice(["cotech", "usfwc", "facttic", "patio"])}),
            )
        )
    return pledges


def chain_pledges(n: int) -> list[Pledge]:
    """Pledge i stands only if i + 2 co-ops are in: with n pledges, each falls in turn but the first."""
    return [Pledge(coop=f"coop-{i}", base_minor=10_000, min_coops=(i + 2 if i else None)) for i in range(n)]


def time_rule(pledges: list[Pledge], targets: Targets) -> tuple[float, float, int]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        outcome = evaluate(pledges, targets)
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.99) - 1] * 1000, len(outcome.standing)


def bench_rule(n: int) -> None:
    targets = Targets(money=100_000_000, hours=5_000, seats={"host": 1}, min_coops=300, min_countries=3)
    for label, pledges in (("random conditions", random_pledges(n)), ("a falling chain", chain_pledges(n))):
        median, p99, standing = time_rule(pledges, targets)
        print(
            f"standing set, {n} co-ops, {label}: median {median:.2f} ms, p99 {p99:.2f} ms ({standing} stand)"
        )


def bench_page(pledge_count: int, requests: int, *, frozen: bool = True) -> None:
    from flask_migrate import upgrade

    from governance import create_app, heap
    from governance.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench-only",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_STORAGE_URI": "memory://",
                "SIGN_IN_LIMIT": "10000 per minute",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                "MAIL_OUTBOX": f"{folder}/outbox",
                "BASE_URL": "http://localhost",
            }
        )
        with app.app_context():
            upgrade()
            campaign_id, email = _world(pledge_count)
            db.session.remove()
        if frozen:
            heap.freeze(app)  # as each gunicorn worker does once started (gunicorn.conf.py)
        client = app.test_client()
        client.post("/sign-in", data={"email": email, "password": "bench-password-1"})
        assert client.get(f"/campaigns/{campaign_id}").status_code == 200
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(f"/campaigns/{campaign_id}")
            times.append(time.perf_counter() - start)
            assert response.status_code == 200
        times.sort()
        p99 = times[max(int(len(times) * 0.99) - 1, 0)]
        print(
            f"campaign page, {pledge_count} pledges, {requests} requests{'' if frozen else ', no gc.freeze'}: p50 {statistics.median(times) * 1000:.1f} ms, "
            f"p99 {p99 * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms"
        )
        with app.app_context():
            db.engine.dispose()


def _world(n: int) -> tuple[int, str]:
    from governance import service
    from governance.extensions import db
    from governance.models import CoopRole, NetworkRoleKind, Person
    from governance.security import hash_password
    from governance.types import utcnow
    from proposals import service as proposals_service
    from proposals.lifecycle import Transition
    from proposals.pledging import service as pledging
    from voting import service as voting

    secret = hash_password("bench-password-1")

    def person(email: str) -> Person:
        made = Person(email=email, name=email.split("@")[0], time_zone="Europe/London", password_hash=secret)
        db.session.add(made)
        db.session.flush()
        return made

    admin = person("admin@bench.example")
    admin.is_superuser = True
    steward = person("steward@bench.example")
    network = service.create_network(actor=admin, name="Benchnet")
    service.grant_network_role(actor=admin, network=network, person=steward, role=NetworkRoleKind.STEWARD)
    coops, delegates = [], []
    for i in range(n):
        coop = service.create_coop(
            actor=admin,
            network=network,
            name=f"Co-op {i:03d}",
            country=["GB", "US", "CA"][i % 3],
            time_zone="UTC",
        )
        delegate = person(f"delegate{i}@bench.example")
        service.add_member(actor=admin, coop=coop, person=delegate, role=CoopRole.DELEGATE)
        coops.append(coop)
        delegates.append(delegate)
    proposal = proposals_service.create_proposal(
        actor=steward,
        networks=[network],
        kind="shared_service",
        title="Bench",
        summary="s",
        body="b",
        facts={"monthly_revenue_minor": 1, "monthly_costs_minor": 1, "currency": "GBP", "hours_per_month": 1},
    )
    proposals_service.apply_transition(proposal, Transition.OPEN_DISCUSSION, actor=steward)
    start = utcnow() - timedelta(days=2)
    vote = voting.open_vote(
        proposal,
        actor=steward,
        now=start,
        settings=voting.VoteSettings(method="yes_no", opens_at=start, closes_at=start + timedelta(days=1)),
    )
    voting.cast_ballot(vote, actor=delegates[0], coop=coops[0], choice="yes", now=start)
    voting.close_vote(vote, now=vote.closes_at)
    today = utcnow().date().isoformat()
    campaign = pledging.open_campaign(
        proposal,
        actor=steward,
        settings=pledging.CampaignSettings(
            base_currency="GBP",
            rates=[
                pledging.RateIn("USD", "1.27", today, "bench"),
                pledging.RateIn("CAD", "1.74", today, "bench"),
            ],
            target_money="100000.00",
            target_hours=3000,
            seats={"host": 1},
            min_coops=n * 3 // 4,
            deadline_at=utcnow() + timedelta(days=30),
            term_months=12,
        ),
    )
    rng = random.Random(3)  # noqa: S311 - benchmark data, not secrets
    for i, (coop, delegate) in enumerate(zip(coops, delegates, strict=True)):
        pledging.make_pledge(
            campaign,
            actor=delegate,
            coop=coop,
            pledge=pledging.PledgeIn(
                currency=["GBP", "USD", "CAD"][i % 3],
                money=f"{rng.randrange(10, 900)}.00",
                hours=rng.randrange(0, 30),
                seats=["host"] if i == 7 else [],
                min_coops=rng.randrange(n // 4, n) if i % 4 == 0 else None,
            ),
        )
    db.session.commit()
    return campaign.id, delegates[1].email


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coops", type=int, default=1000)
    parser.add_argument("--page-pledges", type=int, default=200)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--no-freeze", action="store_true", help="leave the heap as a plain process has it")
    args = parser.parse_args()
    bench_rule(args.coops)
    bench_page(args.page_pledges, args.requests, frozen=not args.no_freeze)


if __name__ == "__main__":
    main()
