"""A seeded mutator of the bundled specs and of option values, and the rule every run keeps.

Shared by tests/test_fuzz.py (a few hundred cases in CI) and benchmarks/fuzz.py (the long
run). A case is one command line on one mutated spec; it keeps the promise when it exits
0, 1 or 2, on 2 prints only error lines (`FILE:LINE:COL: error: ...`, one per error, at most
`InputErrors.LIMIT` and a last `and N more`) and no traceback, and ends within `LIMIT`
seconds of CPU time.
"""

from __future__ import annotations

import random
import re
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from inception_cost.cli import cli
from inception_cost.errors import InputErrors
from inception_cost.spec.read import MODELS_DIR, model_names

LIMIT = 2.0  # seconds of CPU time a case may take
HANG = 20  # seconds of wall time after which a case counts as hung

#: Values that broke the reader or the builder once, and a few ordinary ones.
VALUES = (
    "0",
    "1",
    "2",
    "3",
    "7",
    "-1",
    "64",
    "1,024",
    "10000000",
    "999999999999999999",
    "9" * 19,
    "9" * 5000,
    "²",
    "٣",
    "３",
    "1.5",
    "2.7K",
    "",
    " ",
    "-",
    "x",
    "3x3",
    "3x3/2",
    "0x0",
    "8x8x0",
    "1x1x1",
    "\x00",
    "\u200b",
    "\x0c",
    "|",
    "\\|",
    ",",
    '"',
    "#",
    "+++",
    "[",
    "]",
    "same",
    "valid",
    "train",
    "conv3-0",
    "[0x0, 64] x 1",
    "[3x3, 64; 3x3, 64] x 1001",
    "[2x2, 64] x 1",
    "nan",
    "inf",
    "true",
    # the cells tables print as they are (issue 23): expressions of symbols, marks,
    # scientific claims, listed layers and bracketed blocks, HTML and Markdown as pasted
    "16×k",
    "64a",
    "min(64, 64a)",
    "1 × min(64, 64a)",
    "2 × 64a",
    "0 × 64a",
    "min(",
    "5×",
    "×2",
    "1001×",
    "5× [",
    "Global",
    "Residual",
    "4.5 × 10⁹",
    "3.8e9",
    "25.6×10^6",
    "1e999",
    "conv, 7 × 7, 64, stride 2",
    "max pool, 3 × 3, stride 2",
    "[conv, 1 × 1, 64; conv, 3 × 3, 64 C = 32; conv, 1 × 1, 256; fc, [16, 256]] × 3",
    "[conv, 1 × 1, 64; fc, [0, 256]] × 1",
    "[d7×7, 96; 1×1, 384] × 3",
    "[3×3, 16×k; 3×3, 16×k] × N",
    "[3×3, 16]",
    "global average pool, 1000-d fc, softmax",
    "residual add (from conv1)",
    "&nbsp;",
    "&times;",
    "<br>",
    "<sup>9</sup>",
    "• ResNet-50",
    "\\*",
    "g = 3",
)
#: Front-matter values: every convention's choices, and some that are not.
SETTINGS = (
    "0",
    "1",
    "3",
    "-1",
    "nan",
    "inf",
    "1e309",
    "true",
    "false",
    '"same"',
    '"valid"',
    '"ceil"',
    '"floor"',
    '"zero-pad"',
    '"projection"',
    '"3x3"',
    '"two 3x3"',
    '"naive"',
    '"2x2/2"',
    '"tanh"',
    '"none"',
    '"8x8x3"',
    '"1x1x1"',
    '"999999999999999999x2x3"',
    "0.75",
    '"64a"',
    "{ a = 0.5 }",
    '["Stage"]',
    '"shufflenet v2 unit"',
)
CHARS = "0123456789x|,-/ \n[];#+=\"'.²\x00\u200b"
#: Small enough for verify to run within the limit.
VERIFIABLE = ("lenet5", "googlenet-mnist")
PRESETS = ("torchinfo", "fvcore", "thop", "paper", "ours", "keras", "nope")


@dataclass(frozen=True)
class Case:
    model: str
    suffix: str  # .md or .csv
    text: str
    args: tuple[str, ...]  # the command line, SPEC written as {spec}


@dataclass(frozen=True)
class Outcome:
    case: Case
    exit_code: int
    seconds: float
    failure: str  # "" when the case kept the promise


#: The specs mutated: every bundled network, and docs/examples' networks of the module
#: kinds no bundled network has (fire, depthwise, inverted residual, dense, ...).
PATHS = {
    **{m: MODELS_DIR / f"{m}.md" for m in model_names()},
    **{p.stem: p for p in sorted((Path(__file__).parent.parent / "docs/examples").glob("*.md"))},
}
TEXTS = {name: path.read_text(encoding="utf-8") for name, path in PATHS.items()}


def mutate(text: str, rng: random.Random) -> str:
    """One to three edits: a number, cell or front-matter value replaced, a character in
    or out, a line deleted, doubled, blanked or moved."""
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(7)
        settings = list(re.finditer(r"(?m)^[a-z_0-9]+ *= *([^\n#]+)", text))
        if kind == 6 and settings:
            m = rng.choice(settings)
            text = text[: m.start(1)] + rng.choice(SETTINGS) + text[m.end(1) :]
        elif kind == 0 and (numbers := list(re.finditer(r"[0-9]+", text))):
            m = rng.choice(numbers)
            text = text[: m.start()] + rng.choice(VALUES) + text[m.end() :]
        elif kind == 1 and (cells := list(re.finditer(r"(?<=\|)[^|\n]*(?=\|)", text))):
            m = rng.choice(cells)
            text = text[: m.start()] + f" {rng.choice(VALUES)} " + text[m.end() :]
        elif kind == 2:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(CHARS) + text[at:]
        elif kind == 3 and text:
            at = rng.randrange(len(text))
            text = text[:at] + text[at + 1 :]
        else:
            lines = text.split("\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            if kind == 4 or kind == 6:
                lines.insert(j, "" if rng.random() < 0.5 else lines[i])
            else:
                lines.insert(j, lines.pop(i))
            text = "\n".join(lines)
    return text


def _option(rng: random.Random, choices: tuple[str, ...]) -> str:
    return rng.choice(choices) if rng.random() < 0.6 else rng.choice(VALUES)


def make_case(rng: random.Random) -> Case:
    """A mutated spec (sometimes left whole, to fuzz the options alone) and a command."""
    command = rng.choices(["table", "compare-bottleneck", "conventions", "verify"], [6, 1, 1, 1])[0]
    model = rng.choice(VERIFIABLE if command == "verify" else tuple(TEXTS))
    text = TEXTS[model] if rng.random() < 0.15 else mutate(TEXTS[model], rng)
    args = [command, "{spec}"]
    if command in ("table", "verify", "conventions"):
        if rng.random() < 0.3:
            args += ["--input", _option(rng, ("32x32x1", "28x28x1", "224x224x3", "64x64x3"))]
        if rng.random() < 0.3:  # verify's time grows with the batch: keep its batch 1
            args += ["--batch", _option(rng, ("1",) if command == "verify" else ("1", "2", "8"))]
    if command == "table":
        if rng.random() < 0.3:
            args += ["--padding", _option(rng, ("same", "valid", "0", "1", "2"))]
        if rng.random() < 0.2:
            args += ["--pool-rounding", _option(rng, ("ceil", "floor"))]
        if rng.random() < 0.2:
            args += ["--as", rng.choice(PRESETS)]
        for flag in ("--aux", "--flops", "--expand", "--no-bias"):
            if rng.random() < 0.1:
                args.append(flag)
    if command in ("table", "verify") and rng.random() < 0.2:
        variants = ("separable", "naive", "torchvision", "input-224", "nope")
        args += ["--variant", _option(rng, variants)]
    if command == "verify":
        args += ["--max-memory", "256M"]
    args += ["--format", rng.choice(("rich", "markdown", "csv", "json"))]
    suffix = ".md"
    if rng.random() < 0.1:  # the same network as a CSV spec
        suffix, text = ".csv", _as_csv(model, rng)
    return Case(model, suffix, text, tuple(args))


def make_init_case(rng: random.Random) -> Case:
    """`init` on a mutated table pasted alone (a bundled spec's body, no front matter), or
    on one with the spec's own front matter."""
    model = rng.choice(tuple(TEXTS))
    text = mutate(TEXTS[model], rng)
    if rng.random() < 0.7 and text.count("+++") >= 2:
        text = text.split("+++", 2)[2]
    return Case(model, ".md", text, ("init", "{spec}"))


def _as_csv(model: str, rng: random.Random) -> str:
    result = CliRunner().invoke(cli, ["table", str(PATHS[model]), "--format", "csv"])
    return mutate(result.stdout, rng)


class _Hung(Exception):
    pass


def _alarm(_signum, _frame):
    raise _Hung


def run_case(case: Case, folder: Path) -> Outcome:
    """Run `case` in process; the outcome names the broken promise, if any."""
    path = folder / f"spec{case.suffix}"
    path.write_bytes(case.text.encode("utf-8", "surrogatepass"))
    args = [a.replace("{spec}", str(path)) for a in case.args]
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG)
    start = time.process_time()
    try:
        result = CliRunner().invoke(cli, args)
    except _Hung:
        return Outcome(case, -1, HANG, f"no answer within {HANG} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    seconds = time.process_time() - start
    failure = ""
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        failure = f"{type(exc).__name__}: {exc}"[:300]
    elif result.exit_code not in (0, 1, 2):
        failure = f"exit code {result.exit_code}"
    elif result.exit_code == 2 and not _error_lines(result.stderr):
        failure = f"not error lines: {result.stderr[:300]!r}"
    elif seconds > LIMIT:
        failure = f"took {seconds:.2f} s of CPU"
    return Outcome(case, result.exit_code, seconds, failure)


#: One error as the CLI prints it: `FILE:LINE:COL: error: ...` or, for an option,
#: `inception-cost: error: ...`; the last of many is `...: error: and N more`.
_ERROR = re.compile(r"^\S.*: error: .+$")


def _error_lines(stderr: str) -> bool:
    """Exit 2's output: one line per error, at most the first LIMIT and `and N more`."""
    lines = stderr.splitlines()
    return (
        stderr.endswith("\n")
        and 0 < len(lines) <= InputErrors.LIMIT + 1
        and "Traceback" not in stderr
        and all(_ERROR.match(line) for line in lines)
    )


def describe(outcome: Outcome) -> str:
    """One line to reproduce a failure by hand."""
    case = outcome.case
    return f"{outcome.failure} | {case.model}{case.suffix} | {' '.join(case.args)}"
