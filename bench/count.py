"""Time `roundtable-count` as a user runs it, against the floor of Python splitting every line.

Run: .venv/bin/python bench/count.py [--ballots 1000000] [--candidates 20] [--seats 3] [--runs 3]

It writes a BLT file of generated ballots (1 to 8 of the candidates each, drawn by popularity), then
times whole processes, each the best of --runs:
  - the floor: `python -c "for line in open(path): line.split()"`, Python merely splitting every line;
  - `roundtable-count FILE --method M --format json` for Scottish STV, IRV and Meek, its JSON written
    to /dev/null: start-up, reading, counting and printing, as a user would run it.
It prints each one's wall-clock seconds and CPU seconds (user + system: steadier on a shared machine),
their ratios to the floor's against the target (IRV and STV within 2x, Meek within 6x) and its peak
memory (max RSS, target under 1 GB); a target is met when both ratios are within it. The files are
written by a child process, so that the timed processes, forked from a small parent, report their own
memory. --distinct also times a file whose lines are all different (8 of the candidates in random order
on each), the hardest case for the reader.

The timed processes find their bytecode cached, as an installed program does after its first run (pip
compiles it on install), even where PYTHONDONTWRITEBYTECODE is set: the cache is in the temporary folder and
one untimed run fills it. Compiling the counter's modules afresh every run would add about 0.04 s that no
user pays; --compile measures that way all the same.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

FLOOR = "import sys\nfor line in open(sys.argv[1]):\n    line.split()\n"
TARGETS = {"stv": 2.0, "irv": 2.0, "meek": 6.0}
MEMORY_TARGET_MB = 1024


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


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak memory (MB) of one process, its output thrown away."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)  # noqa: S603 - our own commands
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def best(command: list[str], runs: int, env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """The fastest wall and CPU times of `runs` runs, with the largest peak memory seen."""
    figures = [run(command, env) for _ in range(runs)]
    return min(f[0] for f in figures), min(f[1] for f in figures), max(f[2] for f in figures)


def counter() -> list[str]:
    """The installed console script, or the same code through the module."""
    script = Path(sys.executable).with_name("roundtable-count")
    found = str(script) if script.exists() else shutil.which("roundtable-count")
    return [found] if found else [sys.executable, "-m", "voting.cli"]


def environment(folder: Path, compile_each_run: bool) -> dict[str, str] | None:
    """The timed processes' environment: bytecode cached in `folder` unless `compile_each_run`."""
    if compile_each_run:
        return None
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
    return env


def figures(path: Path, methods: list[str], runs: int, env: dict[str, str] | None) -> bool:
    """Print the floor and each method's whole-process figures; say whether every target was met."""
    run([*counter(), str(path), "--method", methods[0], "--format", "json"], env)  # fills the bytecode cache
    floor, floor_cpu, floor_memory = best([sys.executable, "-c", FLOOR, str(path)], runs, env)
    print(f"{'':<44} {'wall':>8} {'ratio':>6} {'CPU':>8} {'ratio':>6} {'target':>7} {'max RSS':>8}")
    label = "floor: Python splitting every line"
    print(f"{label:<44} {floor:7.3f}s {'':>6} {floor_cpu:7.3f}s {'':>6} {'':>7} {floor_memory:6.0f}MB")
    is_met = True
    for method in methods:
        command = [*counter(), str(path), "--method", method, "--format", "json"]
        seconds, cpu, memory = best(command, runs, env)
        ratio, cpu_ratio, target = seconds / floor, cpu / floor_cpu, TARGETS[method]
        met = ratio <= target and cpu_ratio <= target and memory < MEMORY_TARGET_MB
        is_met &= met
        label = f"roundtable-count --method {method} --format json"
        verdict = "ok" if met else "MISSED"
        print(
            f"{label:<44} {seconds:7.3f}s {ratio:5.2f}x {cpu:7.3f}s {cpu_ratio:5.2f}x {target:6g}x "
            f"{memory:6.0f}MB  {verdict}"
        )
    return is_met


def main() -> None:
    """Write the files (in a child process) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--seats", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--methods", default="stv,irv,meek")
    parser.add_argument("--distinct", action="store_true", help="also time a file of all-different lines")
    parser.add_argument("--compile", action="store_true", help="compile the modules afresh each run")
    parser.add_argument("--write", metavar="PATH", help=argparse.SUPPRESS)  # the child that writes a file
    parser.add_argument("--write-distinct", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        make = generate_distinct if args.write_distinct else generate
        write(make(args.ballots, args.candidates), args.candidates, args.seats, Path(args.write))
        return
    shape = ["--ballots", str(args.ballots), "--candidates", str(args.candidates), "--seats", str(args.seats)]
    methods = args.methods.split(",")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.blt"
        subprocess.run([sys.executable, __file__, *shape, "--write", str(path)], check=True)  # noqa: S603
        size = path.stat().st_size / 1e6
        print(
            f"{args.ballots:,} ballots over {args.candidates} candidates, {args.seats} seats ({size:.1f} MB)"
        )
        env = environment(Path(folder), args.compile)
        print("bytecode compiled afresh each run" if env is None else "bytecode cached, as installed")
        is_met = figures(path, methods, args.runs, env)
        if args.distinct:
            path = Path(folder) / "distinct.blt"
            command = [sys.executable, __file__, *shape, "--write", str(path), "--write-distinct"]
            subprocess.run(command, check=True)  # noqa: S603
            print(f"\n{args.ballots:,} lines all different (8 of {args.candidates} candidates each)")
            is_met &= figures(path, methods, args.runs, env)
    print("\nevery target met" if is_met else "\nsome target missed")


if __name__ == "__main__":
    main()
