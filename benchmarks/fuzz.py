"""The long fuzz run: N seeded cases of tests/fuzzing.py's mutator, the same rule as the
CI test (exit 0, 1 or 2; on 2 only error lines, no traceback; at most 2 s of CPU per case).

Prints the cases, exit codes, failures (each with its command line) and the median and
maximum CPU time per case; exits 1 when any case fails.

    python benchmarks/fuzz.py [--cases 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import fuzzing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    import random

    rng = random.Random(args.seed)
    codes: collections.Counter[int] = collections.Counter()
    seconds, failures = [], []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.cases):
            outcome = fuzzing.run_case(fuzzing.make_case(rng), Path(folder))
            codes[outcome.exit_code] += 1
            seconds.append(outcome.seconds)
            if outcome.failure:
                failures.append(outcome)
                print("FAIL", fuzzing.describe(outcome), flush=True)
    wall = time.perf_counter() - start
    print(f"cases {args.cases:,} (seed {args.seed}), wall {wall:,.0f} s")
    print("exit codes " + ", ".join(f"{c}: {n:,}" for c, n in sorted(codes.items())))
    print(f"failures {len(failures):,}")
    print(
        f"CPU per case: median {statistics.median(seconds) * 1000:.1f} ms,"
        f" max {max(seconds) * 1000:.0f} ms (limit {fuzzing.LIMIT * 1000:.0f} ms)"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
