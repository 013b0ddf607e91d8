"""Time the counting engine on a million generated ranked ballots.

Run: .venv/bin/python bench/count.py [--ballots 1000000] [--candidates 20] [--seats 3]
It generates ballots, writes them as a BLT file, reads the file back, and counts it by
Scottish STV, IRV and (for reference) Meek, printing seconds and peak memory. It also reads a
second file whose lines are all different (8 of the candidates in random order on each line),
the hardest case for the reader; --skip-distinct leaves it out.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voting.counting import Method, RankedProfile, Rules, count_profile, read_blt


def generate(ballots: int, candidates: int, seed: int = 2024) -> np.ndarray:
    """Rankings of 1 to 8 candidates, drawn by popularity (Plackett-Luce), padded with `candidates`."""
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, candidates + 1) ** 0.8
    lengths = rng.choice(np.arange(1, 9), size=ballots, p=[0.2, 0.2, 0.2, 0.15, 0.1, 0.07, 0.05, 0.03])
    # Gumbel-max trick: sorting log-popularity plus Gumbel noise draws a Plackett-Luce ranking.
    keys = np.log(popularity) + rng.gumbel(size=(ballots, candidates))
    order = np.argsort(-keys, axis=1)[:, :8].astype(np.int8)
    order[np.arange(8) >= lengths[:, None]] = candidates
    return order


def generate_distinct(ballots: int, candidates: int, seed: int = 7) -> np.ndarray:
    """Rankings of 8 candidates in uniformly random order: with 20 candidates, nearly all differ."""
    rng = np.random.default_rng(seed)
    return np.argsort(rng.random((ballots, candidates)), axis=1)[:, :8].astype(np.int8)


def write(prefs: np.ndarray, candidates: int, seats: int, path: Path) -> None:
    """Write one BLT line per ballot (weight 1)."""
    with path.open("w") as out:
        out.write(f"{candidates} {seats}\n")
        for row in prefs.tolist():
            out.write("1 " + " ".join(str(c + 1) for c in row if c != candidates) + " 0\n")
        out.write("0\n")
        for c in range(candidates):
            out.write(f'"Candidate {c + 1}"\n')
        out.write('"Generated benchmark"\n')


def timed(label: str, function, *args):
    """Run and report one step."""
    started = time.perf_counter()
    value = function(*args)
    print(f"{label:<42} {time.perf_counter() - started:7.3f} s", flush=True)
    return value


def read_figures(label: str, path: Path):
    """Time read_blt on a file, then read it again under tracemalloc for its peak memory."""
    election = timed(label, read_blt, path)
    tracemalloc.start()
    read_blt(path)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(f"{'  peak memory while reading (traced)':<42} {peak:7.0f} MB")
    return election


def distinct_figures(ballots: int, candidates: int, seats: int) -> None:
    """Write and read a file whose lines are all different."""
    prefs = generate_distinct(ballots, candidates)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "distinct.blt"
        write(prefs, candidates, seats, path)
        election = read_figures(f"read_blt, {ballots:,} lines all different", path)
    print(f"{'distinct rankings':<42} {len(election.profile.weights):>9,}")


def main() -> None:
    """Generate, write, read, count; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--seats", type=int, default=3)
    parser.add_argument("--skip-meek", action="store_true")
    parser.add_argument("--skip-distinct", action="store_true")
    args = parser.parse_args()
    prefs = generate(args.ballots, args.candidates)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.blt"
        timed(f"write {args.ballots:,} lines of BLT", write, prefs, args.candidates, args.seats, path)
        print(f"{'file size':<42} {path.stat().st_size / 1e6:7.1f} MB")
        election = read_figures("read_blt (parse + group)", path)
    profile = election.profile
    print(f"{'distinct rankings':<42} {len(profile.weights):>9,}")
    rules = Rules(seats=args.seats)
    stv = timed(
        f"STV, Scottish rules, {args.seats} seats",
        count_profile,
        Method.STV,
        election.options,
        profile,
        rules,
    )
    irv = timed("IRV", count_profile, Method.IRV, election.options, profile, rules)
    print(f"  STV winners: {', '.join(stv.winners)} in {len(stv.rounds)} rounds")
    print(f"  IRV winner: {', '.join(irv.winners)} in {len(irv.rounds)} rounds")
    ungrouped = RankedProfile(
        prefs=np.hstack([prefs, np.full((len(prefs), 1), args.candidates, dtype=prefs.dtype)]),
        weights=np.ones(len(prefs), dtype=np.int64),
        weight_scale=1,
        n_candidates=args.candidates,
        ballots=len(prefs),
    )
    timed(
        "STV on the same ballots, not grouped", count_profile, Method.STV, election.options, ungrouped, rules
    )
    timed(
        "IRV on the same ballots, not grouped", count_profile, Method.IRV, election.options, ungrouped, rules
    )
    if not args.skip_meek:
        meek = timed(
            f"Meek, {args.seats} seats", count_profile, Method.MEEK, election.options, profile, rules
        )
        print(f"  Meek winners: {', '.join(meek.winners)} in {len(meek.rounds)} rounds")
    if not args.skip_distinct:
        distinct_figures(args.ballots, args.candidates, args.seats)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak memory (max RSS)':<42} {peak:7.0f} MB")


if __name__ == "__main__":
    main()
