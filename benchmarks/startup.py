"""Cold start of `inception-cost table`, installed as a user installs it, against the import
floor of its libraries.

The install: the checkout (as it is on disk) is copied, built into a wheel (`pip wheel
--no-deps --no-build-isolation`, with this venv's setuptools) and installed with `pip
install --no-deps --no-index` into a fresh venv made by this interpreter (`python -m venv
--without-pip`). The fresh venv takes its dependencies (click, rich, numpy) from this
venv without installing them: a `.pth` file in its site-packages names this venv's
site-packages, which Python then puts on the path without processing the `.pth` files in
it, so the editable install's import hook there never runs and `inception_cost` is the
wheel's. Not an editable install (its import hook costs every import), and not `venv
--system-site-packages`, which would give the base interpreter's packages rather than
this venv's. The children run without PYTHONPATH, outside the checkout.

Each command runs as a new process, interleaved with the others so the shared machine's
noise falls on all alike; the median of `--runs` runs is quoted, wall and CPU time (user +
system, the kernel's account of the child: on a loaded machine the wall time mostly
measures the wait for a core). Goals (issue 28): `table --format csv` at most 2.5x `python
-c "import click"`, `table` (rich) at most 2.2x `python -c "import click, rich.console,
rich.table"`. Bytecode caching is on, as on a user's machine from the second run.

Then `python -X importtime` of the CSV command: it must import neither numpy nor rich, and
the package must import no private module of a library (a module named `_x`) itself.
Last, where the start-up goes (levers): in one process per command, the package's modules
and record classes (dataclasses) each command imports, and which of them it never uses.

    python benchmarks/startup.py [--runs 21] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
GOALS = {"table --format csv": 2.5, "table (rich)": 2.2}
FLOORS = {"table --format csv": "floor: import click", "table (rich)": "floor: import click, rich"}
_SKIP = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis")


def install(where: Path) -> Path:
    """A fresh venv in `where` with the checkout's wheel installed; its interpreter's path."""
    source, dist, venv = where / "source", where / "dist", where / "venv"
    shutil.copytree(CHECKOUT, source, ignore=shutil.ignore_patterns(*_SKIP))
    pip = [sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", dist, source], check=True
    )
    (wheel,) = dist.glob("inception_cost-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    site = _ask(python, "import sysconfig; print(sysconfig.get_path('purelib'))")
    Path(site, "project_venv.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [*pip, "--python", python, "install", "--no-deps", "--no-index", wheel], check=True
    )
    found = _ask(python, "import inception_cost; print(inception_cost.__file__)")
    assert found.startswith(str(venv)), f"inception_cost comes from {found}, not the wheel"
    return python


def _env() -> dict[str, str]:
    drop = ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["COLUMNS"] = "100"
    return env


def _ask(python: Path, code: str) -> str:
    out = subprocess.run([python, "-c", code], env=_env(), capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def commands(python: Path) -> dict[str, list[str]]:
    py, tool = str(python), str(python.with_name("inception-cost"))
    return {
        "python -c pass": [py, "-c", "pass"],
        "floor: import click": [py, "-c", "import click"],
        "floor: import click, rich": [py, "-c", "import click, rich.console, rich.table"],
        "import the csv path": [py, "-c", "import inception_cost.cli.table"],
        "table --format csv": [tool, "table", "--model", "googlenet", "--format", "csv"],
        "table (rich)": [tool, "table", "--model", "googlenet"],
    }


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), argv)
    return wall, usage.ru_utime + usage.ru_stime


def timed(cmds: dict[str, list[str]], runs: int) -> dict[str, dict[str, float]]:
    """Median wall and CPU milliseconds of each command, the runs interleaved."""
    env = _env()
    for argv in cmds.values():  # warm the bytecode and file caches
        _run(argv, env)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, argv in cmds.items():
            samples[name].append(_run(argv, env))
    return {
        clock: {n: 1000 * statistics.median(s[i] for s in runs_) for n, runs_ in samples.items()}
        for i, clock in enumerate(("wall", "CPU"))
    }


def imports(argv: list[str]) -> list[tuple[str, str]]:
    """(module, the module that imported it) for each import of `python -X importtime`."""
    env = {**_env(), "PYTHONPROFILEIMPORTTIME": "1"}
    err = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stderr
    rows = []  # (depth, name), a module's imports listed before it, one level deeper
    for line in err.splitlines():
        if line.startswith("import time:") and not line.endswith("imported package"):
            field = line.rsplit("|", 1)[1][1:]
            rows.append(((len(field) - len(field.lstrip())) // 2, field.strip()))
    out = []
    for i, (depth, name) in enumerate(rows):
        parent = next((n for d, n in rows[i + 1 :] if d == depth - 1), "")
        out.append((name, parent))
    return out


def private_imports(pairs: list[tuple[str, str]]) -> list[str]:
    """Private modules of a library (`_x`, the standard library's included) that a module
    of the package imports itself."""
    return [
        f"{name} (by {parent})"
        for name, parent in pairs
        if parent.split(".")[0] == "inception_cost"
        and name.split(".")[0] != "inception_cost"
        and any(_private(part) for part in name.split("."))
    ]


def _private(name: str) -> bool:
    return name.startswith("_") and not name.endswith("__")  # `_x`, not `__future__`


# In one process: run the command with a profiler noting every function of the package
# that runs and every record (dataclass) made; then list what was imported and not used.
LEVERS = """
import dataclasses, inspect, io, sys
from inception_cost.cli import cli
ran, made = set(), set()
def note(frame, event, arg):
    code = frame.f_code
    if event != "call" or not code.co_flags & inspect.CO_OPTIMIZED:
        return
    if code.co_name == "__init__" and code.co_varnames:
        made.add(type(frame.f_locals.get(code.co_varnames[0])))
    elif not code.co_name.startswith("<"):
        ran.add(code.co_filename)
sys.stdout = io.StringIO()
sys.setprofile(note)
try:
    cli.main(sys.argv[1:], prog_name="inception-cost")
except SystemExit:
    pass
sys.setprofile(None)
sys.stdout = sys.__stdout__
ours = sorted((n, m) for n, m in sys.modules.items() if n.startswith("inception_cost") and m)
records = [
    c for n, m in ours for c in vars(m).values()
    if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == n
]
print(len(ours), len(records), len([c for c in records if c in made]))
def functions(m):
    return any(inspect.isfunction(f) and f.__module__ == m.__name__ for f in vars(m).values())
print(" ".join(n for n, m in ours if functions(m) and m.__file__ not in ran))
print(" ".join(f"{c.__module__.split('.')[-1]}.{c.__name__}" for c in records if c not in made))
"""


def levers(python: Path, argv: list[str]) -> str:
    lines = subprocess.run(
        [str(python), "-c", LEVERS, *argv], env=_env(), check=True, capture_output=True, text=True
    ).stdout.splitlines()
    modules, records, made = lines[0].split()
    unused = lines[1].replace("inception_cost.", "") or "none"
    return (
        f"    {modules} package modules imported; of those with functions, none ran in: {unused}\n"
        f"    {records} record classes on the path, {made} of them made; never made:"
        f" {lines[2] or 'none'}"
    )


def report(med: dict[str, dict[str, float]], runs: int) -> None:
    print(f"Python {sys.version.split()[0]}; wheel install; median of {runs} cold processes")
    print(f"  {'':<28} {'wall':>9} {'CPU':>9}")
    for name in med["wall"]:
        print(f"  {name:<28} {med['wall'][name]:6.1f} ms {med['CPU'][name]:6.1f} ms")
    for name, goal in GOALS.items():
        floor = FLOORS[name]
        ratios = [med[clock][name] / med[clock][floor] for clock in ("wall", "CPU")]
        verdict = "meets" if ratios[1] <= goal else "misses"
        print(
            f"  {name} / {floor.removeprefix('floor: ')}: wall {ratios[0]:.2f}x,"
            f" CPU {ratios[1]:.2f}x (CPU {verdict} <= {goal}x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--keep", type=Path, help="build and install in DIR, and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="startup-") as tmp:
        where = (args.keep or Path(tmp)).resolve()
        where.mkdir(parents=True, exist_ok=True)
        os.chdir(where)  # `python -c` puts the working folder first on the path: not the checkout
        python = install(where)
        cmds = commands(python)
        report(timed(cmds, args.runs), args.runs)
        pairs = imports(cmds["table --format csv"])
        heavy = sorted({n.split(".")[0] for n, _ in pairs} & {"numpy", "rich"})
        print(f"  the csv path imports {', '.join(heavy) or 'neither numpy nor rich'}")
        private = private_imports(pairs)
        print(f"  private modules of a library the package imports itself: {private or 'none'}")
        for name in ("table --format csv", "table (rich)"):
            print(f"  {name}:\n{levers(python, cmds[name][1:])}")
        assert not private and not heavy, "the csv path imports what it must not"


if __name__ == "__main__":
    main()
