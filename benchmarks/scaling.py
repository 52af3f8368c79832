"""How analysis time grows with the table: synthetic specs of 1,000 to 100,000 rows.

Each stage of the one path (parse -> build -> analyse -> audit -> CSV) is timed
separately, median of several runs, and divided by the row count: a flat time per row
means no stage is worse than linear. Times are CPU time (`time.process_time`): on the
shared machine wall time mostly measures the wait for a core. The issue's goal: 100,000
rows in <= 2 s.

    python benchmarks/scaling.py [--sizes 1000,10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from pathlib import Path

from inception_cost import audit, cost, counted, shares
from inception_cost.builder import build
from inception_cost.render.table import render
from inception_cost.report import Report
from inception_cost.spec.read import load

GOAL_ROWS, GOAL_SECONDS = 100_000, 2.0
HEADER = (
    "| type | patch size/stride | output size | depth | #1x1 | #3x3 reduce | #3x3 "
    "| #5x5 reduce | #5x5 | pool proj | params | ops |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
)
# A cycle that keeps 14x14x256 from row to row, so any number of rows is a valid network;
# every row carries claims so the audit has work to do.
CYCLE = (
    "| convolution | 3x3/1 | 14x14x256 | 1 | | | | | | | 576K | 116M |\n",
    "| inception | | 14x14x256 | 2 | 64 | 96 | 128 | 16 | 32 | 32 | 166K | 32M |\n",
    "| max pool | 3x3/1 | 14x14x256 | 0 | | | | | | | | |\n",
    "| convolution | 1x1/1 | 14x14x256 | 1 | | | | | | | 64K | 13M |\n",
)


def synthetic(rows: int) -> str:
    """A spec of `rows` rows: front matter, then the cycle repeated."""
    front = (
        '+++\nname = "synthetic"\ninput = "14x14x256"\n'
        '[conventions]\npool_rounding = "ceil"\nconv_padding = "same"\n'
        'pool_padding = "same"\nbias = true\n+++\n\n'
    )
    body = "".join(CYCLE[i % len(CYCLE)] for i in range(rows))
    return front + HEADER + body


def _time(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def measure(rows: int, repeat: int, directory: Path) -> dict[str, float]:
    path = directory / f"synthetic-{rows}.md"
    path.write_text(synthetic(rows), encoding="utf-8")
    stages: dict[str, float] = {}
    stages["parse"], parsed = _time(lambda: load(path), repeat)
    stages["build"], net = _time(lambda: build(parsed), repeat)
    stages["analyse"], analysis = _time(lambda: cost.analyse(net), repeat)
    stages["audit"], checked = _time(lambda: audit.audit(parsed, analysis), repeat)
    stages["count"], report = _time(
        lambda: Report(
            parsed,
            analysis,
            checked,
            shares=shares.shares(analysis),
            counted=counted.count(parsed, analysis, checked),
        ),
        repeat,
    )
    stages["csv"], _ = _time(lambda: render(report, "csv"), repeat)
    stages["total"] = sum(stages.values())
    return stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # spec.layout.MAX_LAYERS refuses a table of more than 10,000 layers (issue 13): the largest size
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = ("parse", "build", "analyse", "audit", "count", "csv", "total")
    print(f"median of {args.repeat} runs per stage; us/row = CPU microseconds per table row")
    print(f"{'rows':>8} " + " ".join(f"{n + ' us/row':>15}" for n in names) + f" {'total s':>9}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            stages = measure(rows, args.repeat, Path(tmp))
            results[rows] = stages
            per_row = " ".join(f"{stages[n] / rows * 1e6:>15.1f}" for n in names)
            print(f"{rows:>8,} {per_row} {stages['total']:>9.3f}")
    first, last = sizes[0], sizes[-1]
    growth = (results[last]["total"] / last) / (results[first]["total"] / first)
    print(f"time per row at {last:,} rows / at {first:,} rows: {growth:.2f}x (flat = 1.00x)")
    for stage in ("analyse", "total"):
        at_goal = results[last][stage] / last * GOAL_ROWS
        verdict = "meets" if at_goal <= GOAL_SECONDS else "misses"
        how = "measured" if last == GOAL_ROWS else f"extrapolated from {last:,} rows"
        print(
            f"{stage} of {GOAL_ROWS:,} rows: {at_goal:.2f} s ({how}); "
            f"{verdict} the goal of <= {GOAL_SECONDS:g} s"
        )


if __name__ == "__main__":
    main()
