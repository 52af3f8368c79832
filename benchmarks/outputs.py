"""Every command's output, written to a folder, so two checkouts can be diffed byte for byte.

Runs each command in one process (click's test runner) on every bundled model and variant,
in every format, at 60, 80 and 200 columns for the terminal formats, and writes each
output (stdout, stderr and the exit code) to its own file. A refactor that must not change
what a user sees is checked by snapshotting before and after and comparing:

    python benchmarks/outputs.py snapshot /tmp/before      # on the old checkout
    python benchmarks/outputs.py snapshot /tmp/after       # on the new one
    python benchmarks/outputs.py compare /tmp/before /tmp/after

`verify`'s timings and peak-memory figures move from run to run; their lines are masked.
"""

from __future__ import annotations

import argparse
import filecmp
import re
import sys
from pathlib import Path

from click.testing import CliRunner

from inception_cost.cli import cli
from inception_cost.spec.read import load_model, model_names

WIDTHS = (60, 80, 200)
TEXT_FORMATS = ("markdown", "csv", "json")
# numbers that differ between runs of the same build: verify's seconds and measured bytes
_MOVING = re.compile(
    r"[0-9][0-9,]*\.[0-9]+(?:e[+-]?[0-9]+)?|[0-9][0-9,]*\s*(?:ms|µs|KiB|MiB|GiB)"
    r'|(?<="estimate": )[0-9]+|(?<="process": )[0-9]+|(?<="limit": )[0-9]+'
    r'|(?<="measured": )[0-9]+'
)


def cases() -> list[tuple[str, list[str]]]:
    """(file name, argv) for every output compared."""
    out: list[tuple[str, list[str]]] = []
    for model in model_names():
        variants = [""] + [v.name for v in load_model(model).variants]
        for variant in variants:
            v = ["--variant", variant] if variant else []
            tag = f"{model}@{variant}" if variant else model
            for fmt in (*TEXT_FORMATS, "spec"):
                out.append((f"table-{tag}.{fmt}", ["table", "-m", model, *v, "--format", fmt]))
            out.append(
                (
                    f"table-expand-{tag}.md",
                    ["table", "-m", model, *v, "--expand", "--format", "markdown"],
                )
            )
            for width in WIDTHS:
                out.append((f"table-{tag}.{width}.txt", ["table", "-m", model, *v]))
            for command in ("memory", "profile", "receptive"):
                for fmt in TEXT_FORMATS:
                    out.append(
                        (f"{command}-{tag}.{fmt}", [command, "-m", model, *v, "--format", fmt])
                    )
                out.append((f"{command}-{tag}.80.txt", [command, "-m", model, *v]))
        out.append((f"flops-{model}.csv", ["table", "-m", model, "--flops", "--format", "csv"]))
        out.append((f"aux-{model}.csv", ["table", "-m", model, "--aux", "--format", "csv"]))
        for preset in ("fvcore", "torchinfo", "ptflops", "thop"):
            out.append(
                (
                    f"as-{preset}-{model}.csv",
                    ["table", "-m", model, "--as", preset, "--format", "csv"],
                )
            )
        for fmt in TEXT_FORMATS:
            out.append(
                (f"conventions-{model}.{fmt}", ["conventions", "-m", model, "--format", fmt])
            )
            out.append((f"sweep-{model}.{fmt}", ["sweep", "-m", model, "--format", fmt]))
            out.append((f"verify-{model}.{fmt}", ["verify", "-m", model, "--format", fmt]))
        out.append((f"conventions-{model}.80.txt", ["conventions", "-m", model]))
        out.append((f"sweep-{model}.80.txt", ["sweep", "-m", model]))
        out.append(
            (f"bottleneck-{model}.md", ["compare-bottleneck", "-m", model, "--format", "markdown"])
        )
    for fmt in (*TEXT_FORMATS, "rich"):
        out.append((f"models.{fmt}", ["models", "--format", fmt]))
        out.append((f"claims.{fmt}", ["claims", "--format", fmt]))
        out.append((f"bottleneck.{fmt}", ["compare-bottleneck", "--format", fmt]))
    out.append(
        (
            "bottleneck-custom.json",
            [
                "compare-bottleneck",
                "--input",
                "28x28x192",
                "--kernel",
                "5",
                "--out",
                "32",
                "--reduce",
                "16",
                "--format",
                "json",
            ],
        )
    )
    return out


def snapshot(folder: Path, only: str = "") -> int:
    folder.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()
    done = 0
    for name, argv in cases():
        if only and only not in name:
            continue
        width = re.search(r"\.([0-9]+)\.txt$", name)
        env = {"COLUMNS": width[1] if width else "80", "NO_COLOR": "1", "TERM": "dumb"}
        result = runner.invoke(cli, argv, env=env, prog_name="inception-cost")
        text = f"$ inception-cost {' '.join(argv)}\nexit {result.exit_code}\n"
        text += result.stdout + "\n--- stderr\n" + result.stderr
        if argv[0] == "verify":
            text = _MOVING.sub("<moving>", text)
        (folder / name).write_text(text)
        done += 1
    print(f"{done} outputs written to {folder}")
    return 0


def compare(before: Path, after: Path) -> int:
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    differ = [
        n
        for n in names
        if not (before / n).exists()
        or not (after / n).exists()
        or not filecmp.cmp(before / n, after / n, shallow=False)
    ]
    for n in differ:
        print("differs:", n)
    print(f"{len(names)} outputs compared, {len(differ)} differ")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("folder", type=Path)
    s.add_argument("--only", default="", help="only outputs whose file name contains this")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.what == "snapshot":
        return snapshot(args.folder, args.only)
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
