"""The work bounds of issue 26, measured: no input runs for minutes or takes gigabytes.

Three parts, each a figure and a ratio against a reference measured in the same run:

1. The build rate the work budget (inception_cost/budget.py, `WORK` ops a run) is set
   from: CPU seconds per op built and costed, as `sweep` builds, on bundled networks.
2. Continuation rows (a blank name cell continuing the row above, DenseNet's layout)
   against as many ordinary rows: the ratio is 1 when the naming is linear.
3. Large and hostile specs, each `table --format csv` in a fresh process: CPU seconds and
   peak RSS (MB = 10^6 bytes), against `table -m googlenet` in the same run. The issue's
   runaways (a 10,000-layer sweep and plot, a spec of 99,000 rows) and specs of up to
   16 MiB built to be slow (one cell or line of megabytes, a run of spaces in every type
   cell, 100,000 lines, a front matter of 16 MiB, declarations by the thousand).
4. Model files (the onnx extra): reading a chain of N convolutions and ReLUs, CPU per op
   at three lengths (flat when reading is linear), and `diff` of a table against a model
   of as many convolutions, up to the alignment's bound and past it.

    python benchmarks/bounds.py [--repeat 3] [--only 1,2,3,4]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inception_cost.builder import build  # noqa: E402
from inception_cost.cost import analyse  # noqa: E402
from inception_cost.spec.read import load, load_model  # noqa: E402
from inception_cost.sweep import at_input  # noqa: E402

MiB = 1024 * 1024
HEAD = '+++\ninput = "8x8x4"\n+++\n| type | patch size/stride | output size |\n|---|---|---|\n'
ROW = "| convolution | 3x3/1 | 8x8x4 |\n"


def build_rate(repeat: int) -> None:
    print("1. ops built and costed per CPU second, as sweep builds (median of", repeat, "runs)")
    print("| network | ops | builds | CPU s | ops per s |")
    print("|---|---:|---:|---:|---:|")
    for name in ("googlenet", "resnet152", "densenet264"):
        spec = load_model(name)
        ops = sum(len(b.ops) for b in build(spec).blocks)
        sides = range(224, 224 + 16 * 32, 32)
        times = []
        for _ in range(repeat):
            start = time.process_time()
            for side in sides:
                analyse(build(at_input(spec, (side, side, 3))))
            times.append(time.process_time() - start)
        cpu = statistics.median(times)
        print(f"| {name} | {ops:,} | {len(sides)} | {cpu:.2f} | {ops * len(sides) / cpu:,.0f} |")


def continuation(repeat: int, folder: Path) -> None:
    front = (
        '+++\ninput = "8x8x4"\n[columns]\n"Layers" = { field = "name", rebinds = "repeat",'
        ' blank = "continues" }\n+++\n| Layers | type | patch size/stride | output size |\n'
        "|---|---|---|---|\n| Block | convolution | 3x3/1 | 8x8x4 |\n"
    )
    print("\n2. reading 9,900 rows: continuation rows against ordinary ones (median CPU s)")
    print("| rows | continued | ordinary | ratio |")
    print("|---:|---:|---:|---:|")
    for n in (2_475, 4_950, 9_900):
        continued = folder / f"continued-{n}.md"
        continued.write_text(front + "| | convolution | 3x3/1 | 8x8x4 |\n" * (n - 1))
        ordinary = folder / f"ordinary-{n}.md"
        ordinary.write_text(
            front + "".join(f"| B{i} | convolution | 3x3/1 | 8x8x4 |\n" for i in range(n - 1))
        )
        a, b = _cpu(lambda p=continued: load(p), repeat), _cpu(lambda p=ordinary: load(p), repeat)
        print(f"| {n:,} | {a:.2f} | {b:.2f} | {a / b:.2f} |")


def _cpu(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


#: name -> (the spec's text, the command line after `inception-cost`, SPEC as {spec})
def hostile() -> dict[str, tuple[str, tuple[str, ...]]]:
    big = HEAD + ROW * 10_000
    m = 16 * MiB - 4096
    return {
        "googlenet (reference)": ("", ("table", "-m", "googlenet", "--format", "csv")),
        "10,000 layers: table": (big, ("table", "{spec}", "--format", "csv")),
        "10,000 layers: sweep 8..2048/8": (big, ("sweep", "{spec}", "--input", "8..2048/8")),
        "10,000 layers: plot": (big, ("plot", "{spec}", "-o", "{dir}/chart.svg")),
        "99,000 rows (5 MiB)": (HEAD + "| inception (3a) | | 28x28x256 |\n" * 99_000, ()),
        "16 MiB of rows": (HEAD + ROW * (m // len(ROW)), ()),
        "16 MiB, one cell": (HEAD + "| conv" + "v" * m + " | 3x3/1 | 8x8x4 |\n", ()),
        "16 MiB, one line of cells": (HEAD + "| x" * (m // 4) + " |\n", ()),
        "16 MiB of newlines": ("\n" * m + "| a |\n", ()),
        "front matter of 16 MiB": ('+++\ntitle = "' + "a" * m + '"\n' + HEAD[4:] + ROW, ()),
        "10,000 rows, spaces in each type": (
            HEAD + "".join(f"| c{' ' * 240}onv (c{i}) | 3x3/1 | 8x8x4 |\n" for i in range(10_000)),
            (),
        ),
        "10,000 rows of typos, 200 kinds": (
            HEAD.replace(
                "+++\n|",
                "".join(
                    f'[kinds.k{i}]\nspellings = ["K{i}a", "K{i}b"]\nbranches = [{{ layers ='
                    ' [{ op = "relu", name = "r" }] }]\n'
                    for i in range(200)
                )
                + "+++\n|",
            )
            + "| nope | 3x3/1 | 8x8x4 |\n" * 10_000,
            (),
        ),
    }


def hostile_specs(repeat: int, folder: Path) -> None:
    print(f"\n3. large and hostile specs, each in a fresh process (median of {repeat})")
    print("| spec | exit | CPU s | peak RSS MB | CPU / googlenet's | refused with |")
    print("|---|---:|---:|---:|---:|---|")
    reference = None
    for name, (text, argv) in hostile().items():
        spec = folder / "spec.md"
        spec.write_text(text, encoding="utf-8")
        argv = argv or ("table", "{spec}", "--format", "csv")
        args = [a.replace("{spec}", str(spec)).replace("{dir}", str(folder)) for a in argv]
        runs = [_fresh(args, folder) for _ in range(repeat)]
        cpu = statistics.median(r[1] for r in runs)
        rss = statistics.median(r[2] for r in runs)
        reference = reference or cpu
        code, _, _, said = runs[0]
        said = said.splitlines()[0].split(": error: ")[-1].split(";")[0][:60] if code == 2 else ""
        print(f"| {name} | {code} | {cpu:.2f} | {rss:.0f} | {cpu / reference:.1f} | {said} |")


def _fresh(args: list[str], folder: Path) -> tuple[int, float, float, str]:
    """Exit code, CPU seconds, peak RSS (MB) and stderr of `inception-cost ARGS`, run
    under /usr/bin/time: Linux keeps a process's peak RSS across exec, so the child is
    started from `time`, not from this process."""
    figures = folder / "figures.txt"
    timed = ["/usr/bin/time", "-f", "%U %S %M", "-o", str(figures)]
    done = subprocess.run(
        [*timed, sys.executable, "-m", "inception_cost", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=600,
    )
    user, system, kb = figures.read_text().split()[-3:]
    return done.returncode, float(user) + float(system), int(kb) * 1024 / 1e6, done.stderr


def model_files(repeat: int, folder: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from onnx_graphs import chain

    print(f"\n4. model files, each in a fresh process (median of {repeat})")
    print("| run | ops | exit | CPU s | ms per op | peak RSS MB | refused with |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for n, table in ((2_500, 0), (10_000, 0), (40_000, 0), (1_000, 1_000), (10_000, 10_000)):
        path = chain(n, folder / f"chain-{n}.onnx")
        args = ["table", path, "--format", "csv"]
        name = f"table: a chain of {n:,} convolutions"
        if table:
            spec = folder / f"table-{table}.md"
            spec.write_text(HEAD + ROW.replace("3x3", "1x1") * table)
            args = ["diff", str(spec), path, "--format", "csv"]
            name = f"diff: {table:,} convolutions against {n:,}"
        runs = [_fresh(args, folder) for _ in range(repeat)]
        cpu = statistics.median(r[1] for r in runs)
        rss = statistics.median(r[2] for r in runs)
        code, said = runs[0][0], runs[0][3]
        said = said.splitlines()[0].split(": error: ")[-1].split(";")[0][:60] if code == 2 else ""
        ms = cpu * 1000 / (2 * n)
        print(f"| {name} | {2 * n:,} | {code} | {cpu:.2f} | {ms:.3f} | {rss:.0f} | {said} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="1,2,3,4", help="the parts to run, by number")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    if "1" in parts:
        build_rate(args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        if "2" in parts:
            continuation(args.repeat, Path(folder))
        if "3" in parts:
            hostile_specs(args.repeat, Path(folder))
        if "4" in parts:
            model_files(args.repeat, Path(folder))


if __name__ == "__main__":
    main()
