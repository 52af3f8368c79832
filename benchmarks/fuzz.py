"""The long fuzz run: N seeded cases of tests/fuzzing.py's generators through every
command, the same rule as the CI test (exit 0, 1 or 2; on 2 only error lines, no
traceback, no file written; at most 2 s of CPU per case).

Prints the cases, exit codes, failures (each with its command line) and the median and
maximum CPU time per case, then the same by command and by generator; with --save DIR,
each failing case's spec and command line. Exits 1 when any case fails.

    python benchmarks/fuzz.py [--cases 20000] [--seed 1] [--save DIR]
"""

from __future__ import annotations

import argparse
import collections
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # tests/onnx_graphs.py: the model files

from tests import fuzzing  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save", type=Path, help="a folder for each failing case")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    outcomes, failures = [], []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for i in range(args.cases):
            outcome = fuzzing.run_case(fuzzing.make_case(rng), Path(folder))
            outcomes.append(outcome)
            if outcome.failure:
                failures.append(outcome)
                print("FAIL", fuzzing.describe(outcome), flush=True)
                if args.save:
                    _save(args.save, i, outcome.case)
    wall = time.perf_counter() - start
    seconds = [o.seconds for o in outcomes]
    codes = collections.Counter(o.exit_code for o in outcomes)
    print(f"cases {args.cases:,} (seed {args.seed}), wall {wall:,.0f} s")
    print("exit codes " + ", ".join(f"{c}: {n:,}" for c, n in sorted(codes.items())))
    print(f"failures {len(failures):,}")
    print(
        f"CPU per case: median {statistics.median(seconds) * 1000:.1f} ms,"
        f" max {max(seconds) * 1000:.0f} ms (limit {fuzzing.LIMIT * 1000:.0f} ms)"
    )
    _by("command", outcomes, lambda o: o.case.args[0])
    _by("generator", outcomes, lambda o: o.case.generator)
    return 1 if failures else 0


def _by(what: str, outcomes: list, key) -> None:
    groups: dict[str, list] = collections.defaultdict(list)
    for o in outcomes:
        groups[key(o)].append(o)
    print(f"\n| {what} | cases | exit 0 | exit 1 | exit 2 | failures | CPU median | max |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, group in sorted(groups.items()):
        n = collections.Counter(o.exit_code for o in group)
        cpu = [o.seconds * 1000 for o in group]
        print(
            f"| {name} | {len(group):,} | {n[0]:,} | {n[1]:,} | {n[2]:,} |"
            f" {sum(1 for o in group if o.failure)} | {statistics.median(cpu):.1f} ms |"
            f" {max(cpu):,.0f} ms |"
        )


def _save(folder: Path, i: int, case: fuzzing.Case) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = case.text.encode("utf-8", "surrogatepass")
    (folder / f"{i}{case.suffix}").write_bytes(case.data if case.suffix == ".onnx" else text)
    if case.data and case.suffix != ".onnx":
        (folder / f"{i}.model.onnx").write_bytes(case.data)
    (folder / f"{i}.args").write_text(" ".join(case.args) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
