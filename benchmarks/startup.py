"""Cold-start time of `inception-cost table` against the import floor of its libraries.

Each command runs as a new process, interleaved with the others so the shared machine's
noise falls on all of them alike; the median of `--runs` runs is quoted. The floors are
`python -c "import click"` (all the CSV path needs) and `python -c "import click,
rich.console, rich.table"` (what the rich path needs). The issue's goal: each command
<= 1.5x its floor. Bytecode caching is on, as on a user's machine from the second run
(PYTHONDONTWRITEBYTECODE is removed from the children's environment). Each command's CPU
time (user + system, from the kernel's accounting of the child) is quoted beside its wall
time: on a loaded machine the wall time mostly measures the wait for a core. A third
command only imports the CSV path's modules and runs nothing: the part of the cost no
change to what `table` computes can remove.

    python benchmarks/startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL = 1.5


def _script() -> list[str]:
    """The installed console script beside this interpreter, else `python -m`."""
    exe = Path(sys.executable).with_name("inception-cost")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "inception_cost"]


def commands() -> dict[str, list[str]]:
    py, tool = sys.executable, _script()
    return {
        "python -c pass": [py, "-c", "pass"],
        "floor: import click": [py, "-c", "import click"],
        "floor: import click, rich": [py, "-c", "import click, rich.console, rich.table"],
        "import the csv path only": [
            py,
            "-c",
            "import click, inception_cost.cli.table, inception_cost.render.table",
        ],
        "table --format csv": [*tool, "table", "--model", "googlenet", "--format", "csv"],
        "table --format rich": [*tool, "table", "--model", "googlenet", "--format", "rich"],
    }


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["COLUMNS"] = "100"
    return env


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, argv)
    return wall, usage.ru_utime + usage.ru_stime


def imported(argv: list[str], env: dict[str, str]) -> set[str]:
    """Top-level packages a command imports, read from `python -X importtime`."""
    env = {**env, "PYTHONPROFILEIMPORTTIME": "1"}
    err = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stderr
    names = (line.rsplit("|", 1)[-1].strip() for line in err.splitlines() if "|" in line)
    return {n.split(".")[0] for n in names}


# The csv command in stages, CPU time inside one process (the interpreter's own start-up
# not included): what `table --format csv` spends beyond `import click`.
PHASES = """
import io, sys, time
t = [time.process_time()]
import click
t.append(time.process_time())
import inception_cost.cli, inception_cost.cli.table, inception_cost.render.table
t.append(time.process_time())
sys.argv = ["inception-cost", "table", "--model", "googlenet", "--format", "csv"]
sys.stdout = io.StringIO()
try:
    inception_cost.cli.main()
except SystemExit:
    pass
t.append(time.process_time())
print(*(1000 * (b - a) for a, b in zip(t, t[1:])), file=sys.stderr)
"""


def phases(runs: int, env: dict[str, str]) -> list[float]:
    """Median CPU ms of: import click; import the package's csv path; run the command."""
    rows = []
    for _ in range(runs):
        err = subprocess.run(
            [sys.executable, "-c", PHASES], env=env, check=True, capture_output=True, text=True
        ).stderr
        rows.append([float(x) for x in err.split()])
    return [statistics.median(col) for col in zip(*rows, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    env, cmds = _env(), commands()
    for argv in cmds.values():  # warm the bytecode and file caches
        _run(argv, env)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    cpus: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(args.runs):
        for name, argv in cmds.items():
            wall, cpu = _run(argv, env)
            times[name].append(wall)
            cpus[name].append(cpu)
    print(f"Python {sys.version.split()[0]}; median of {args.runs} cold processes, milliseconds")
    for label, runs in (("wall", times), ("CPU", cpus)):
        med = {name: statistics.median(ts) * 1000 for name, ts in runs.items()}
        print(f" {label} time")
        for name, ms in med.items():
            q1, _, q3 = (t * 1000 for t in statistics.quantiles(runs[name], n=4))
            print(f"  {name:<28} {ms:7.1f} ms   (quartiles {q1:.1f}-{q3:.1f})")
        for name, floor in (
            ("import the csv path only", "floor: import click"),
            ("table --format csv", "floor: import click"),
            ("table --format rich", "floor: import click, rich"),
        ):
            ratio = med[name] / med[floor]
            verdict = "meets" if ratio <= GOAL else "misses"
            base = floor.removeprefix("floor: ")
            print(f"  {name} / {base}: {ratio:.2f}x ({verdict} <= {GOAL}x)")
    click_ms, package_ms, run_ms = phases(args.runs, env)
    print(
        f"  csv in one process, CPU: import click {click_ms:.1f} ms, import the package's csv"
        f" path {package_ms:.1f} ms, run (load, build, analyse, audit, write) {run_ms:.1f} ms"
    )
    heavy = imported(cmds["table --format csv"], env) & {"numpy", "rich"}
    print(f"  the csv path imports {', '.join(sorted(heavy)) or 'neither numpy nor rich'}")


if __name__ == "__main__":
    main()
