"""Time rendering and sealing agreements: the median of five runs of each.

Run: .venv/bin/python bench/render.py [--parties 10] [--runs 5]
Renders the joint pledge agreement of N parties (PDF/A-3, for signing), each party's counterpart, the
issued agreement with its embedded data and verification page, and seals it with a seal made in a
temporary folder. Targets: the agreement under 0.5 s, each counterpart under 0.3 s, sealing under 0.1 s.
The first render of a process loads fonts and is left out (a warm-up).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from governance.agreements import examples, render, seal
from governance.agreements.terms import canonical_json

TARGETS = {"agreement": 0.5, "counterpart": 0.3, "issued": None, "seal": 0.1}


def median_seconds(fn, runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (CPU time shows the work itself on a machine busy with others)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def _median_pair(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def issued_document(terms) -> render.Document:
    now = datetime.now(UTC).replace(microsecond=0)
    data = canonical_json({"terms": terms.to_dict()})
    signatures = [
        {
            "coop_id": p.coop_id,
            "coop": p.name,
            "signer": p.delegate,
            "account": "",
            "signed_at": now.isoformat(),
            "consent": "",
        }
        for p in terms.parties
    ]
    issue = render.Issue(
        data_json=data,
        data_sha256=hashlib.sha256(data).hexdigest(),
        signatures=signatures,
        audit_head={"seq": 1234, "hash": "0" * 64},
        verify_url="https://roundtable.example/verify",
        issued_at=now,
    )
    return render.Document(terms=terms, agreement_id=1, version=1, created_at=now, issue=issue)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    terms = examples.terms(args.parties)
    base = render.Document(terms=terms, agreement_id=1, version=1, created_at=datetime.now(UTC))
    counterparts = [replace(base, counterpart=p) for p in terms.parties]
    issued = issued_document(terms)
    render.render(base)  # warm-up: fonts, templates
    figures = {
        "agreement": median_seconds(lambda: render.render(base), args.runs),
        "counterpart": _median_pair(
            [median_seconds(lambda c=c: render.render(c), max(1, args.runs // 2)) for c in counterparts]
        ),
        "issued": median_seconds(lambda: render.render(issued), args.runs),
    }
    pdf = render.render(issued)
    with tempfile.TemporaryDirectory() as folder:
        found = seal.credentials(Path(folder))
        seal.seal(pdf, found)  # warm-up: the key is read and parsed
        figures["seal"] = median_seconds(lambda: seal.seal(pdf, found), args.runs)
    print(
        f"{args.parties} parties, median of {args.runs} runs ({len(pdf):,} bytes issued, {len(terms.parties)} counterparts)"
    )
    load = os.getloadavg()[0]
    print(f"  {'':<12} {'wall':>9} {'cpu':>9}   (load average {load:.1f} on {os.cpu_count()} cores)")
    for name, (seconds, cpu) in figures.items():
        target = TARGETS[name]
        verdict = (
            "" if target is None else f"  target < {target} s: {'met' if seconds < target else 'MISSED'}"
        )
        print(f"  {name:<12} {seconds:7.3f} s {cpu:7.3f} s{verdict}")


if __name__ == "__main__":
    main()
