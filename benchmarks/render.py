"""CPU time of drawing GoogLeNet's rich report, the part of `table` that only a rich run pays.

Each run is a new process: it makes the report (not timed), imports the terminal renderer
(timed: rich's modules the report needs, and ours), then draws the report to text at 100
columns twice (timed: the first draw, which also pays rich's first-use costs, and a second
one). With several `--checkout` folders the processes alternate between them, so the
shared machine's noise falls on each alike; the medians of `--runs` are quoted, in CPU
milliseconds (`time.process_time`).

    python benchmarks/render.py [--runs 21] [--checkout DIR[@MODULE:FUNCTION] ...]

`@MODULE:FUNCTION` names the function that draws a report on a console, for a checkout
that names it otherwise than DRAW (before issue 28: inception_cost.render.terminal.table:render).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys, time
from inception_cost.report import make_report
from inception_cost.spec.read import load_model
report = make_report(load_model("googlenet"))
module, name = sys.argv[1].split(":")
t = [time.process_time()]
import importlib
from inception_cost.render.terminal import as_text
draw = getattr(importlib.import_module(module), name)
t.append(time.process_time())
first = as_text(draw, report)
t.append(time.process_time())
second = as_text(draw, report)
t.append(time.process_time())
assert first == second and len(first.splitlines()) > 60
print(*(1000 * (b - a) for a, b in zip(t, t[1:])))
"""
STAGES = ("import the renderer", "first draw", "second draw")
DRAW = "inception_cost.render.terminal.table:draw"


def _run(checkout: Path, draw: str) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(checkout), "COLUMNS": "100"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, draw],
        env=env,
        cwd=checkout,  # `-c` puts the working folder first on the path
        check=True,
        capture_output=True,
        text=True,
    )
    return [float(x) for x in out.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--checkout", action="append", default=[])
    args = parser.parse_args()
    given = args.checkout or [str(Path(__file__).resolve().parent.parent)]
    checkouts = {Path(c.split("@")[0]): [*c.split("@"), DRAW][1] for c in given}
    for checkout, draw in checkouts.items():  # warm the bytecode caches
        _run(checkout, draw)
    runs: dict[Path, list[list[float]]] = {c: [] for c in checkouts}
    for _ in range(args.runs):
        for checkout, draw in checkouts.items():
            runs[checkout].append(_run(checkout, draw))
    print(f"Python {sys.version.split()[0]}; CPU ms, median of {args.runs} processes each")
    print(f"  {'checkout':<32}" + "".join(f"{s:>22}" for s in STAGES))
    for checkout, rows in runs.items():
        medians = [statistics.median(col) for col in zip(*rows, strict=True)]
        print(f"  {checkout!s:<32}" + "".join(f"{m:>19.1f} ms" for m in medians))


if __name__ == "__main__":
    main()
