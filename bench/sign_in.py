"""Time failed sign-ins: an unknown email against a known one with a wrong password.

Run: .venv/bin/python bench/sign_in.py [--rounds 40]
On a scratch SQLite database it posts the sign-in form (the whole request: form, lookup, argon2, the
audit event, the commit) alternately for an email nobody has and for a person's email, and prints the
median and the 10th and 90th percentiles of each. An unknown email verifies a dummy argon2 hash, so the
two should agree to within the noise; before, the unknown one answered in well under a millisecond.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from governance import create_app
from governance.extensions import db
from governance.models import Person
from governance.security import hash_password


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.db",
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "SCHEDULER_SECONDS": 0,
                "MAIL_OUTBOX": directory,
            }
        )
        with app.app_context():
            upgrade()
            db.session.add(
                Person(email="known@example.org", name="Known", password_hash=hash_password("x" * 12))
            )
            db.session.commit()
        client = app.test_client()
        times: dict[str, list[float]] = {"unknown email": [], "known email, wrong password": []}
        emails = {"unknown email": "nobody@example.org", "known email, wrong password": "known@example.org"}
        for _ in range(args.rounds):
            for label, email in emails.items():
                start = time.perf_counter()
                status = client.post("/sign-in", data={"email": email, "password": "wrong guess"}).status_code
                times[label].append((time.perf_counter() - start) * 1000)
                assert status == 401, status
        print(f"failed sign-ins, {args.rounds} of each, milliseconds per request:")
        for label, values in times.items():
            deciles = statistics.quantiles(values, n=10)
            print(
                f"  {label:<28} median {statistics.median(values):6.1f}  p10 {deciles[0]:6.1f}  p90 {deciles[-1]:6.1f}"
            )
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
