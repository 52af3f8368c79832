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
    # issue 23's cell forms: a patchify stem, a type and its kernel, activations, a tick
    "4×4, 96, stride 4",
    "0×0, 0, stride 0",
    "conv, 3x3",
    "LayerNorm",
    "GELU",
    "layer scale",
    "HS",
    "leaky relu 0.1",
    "leaky relu 9",
    "✓",
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
    '"gelu tanh"',
    '"leaky relu 0.2"',
    '"hswish"',
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
    suffix: str  # .md, .csv or .onnx
    text: str
    args: tuple[str, ...]  # the command line, SPEC written as {spec}
    data: bytes = b""  # a model file's bytes (suffix .onnx)


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
    path.write_bytes(case.data or case.text.encode("utf-8", "surrogatepass"))
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


# --- ONNX model files (issue 24) --------------------------------------------------------

#: Operators a mutated node may become: read ones, held ones and ones with no rule.
ONNX_OPS = (
    "Conv",
    "Relu",
    "MaxPool",
    "Concat",
    "Split",
    "Add",
    "Mul",
    "Div",
    "Pow",
    "Reshape",
    "Transpose",
    "Gemm",
    "HardSwish",
    "LRN",
    "Identity",
    "If",
    "Gizmo",
)
#: Integer values a mutated attribute or dimension may take.
ONNX_INTS = (0, 1, 2, 3, -1, -2, 7, 10**12, 2**31, 2**62)


def onnx_bases() -> dict[str, bytes]:
    """The models mutated: the stem of tests/onnx_graphs.py and a graph of the other
    operators the reader maps (split, concat, residual add, batch norm, LRN, ReLU6, a
    MatMul and its bias)."""
    from onnx_graphs import model, node, stem, tensor

    mixed = model(
        [
            node("Split", ["x", "sizes"], ["a", "b"], "/split/Split", axis=1),
            node("Concat", ["b", "a"], ["c"], "/cat/Concat", axis=1),
            node("Add", ["c", "x"], ["s"], "/add/Add"),
            node("BatchNormalization", ["s", "g", "be", "m", "v"], ["n"], "/bn/Bn"),
            node("LRN", ["n"], ["l"], "/norm/LRN", size=3),
            node("Clip", ["l", "lo", "hi"], ["r"], "/act/Clip"),
            node("GlobalAveragePool", ["r"], ["p"], "/gap/Pool"),
            node("Flatten", ["p"], ["f"], "/Flatten"),
            node("MatMul", ["f", "w"], ["mm"], "/fc/MatMul"),
            node("Add", ["mm", "bias"], ["y"], "/fc/Add"),
        ],
        [
            tensor("sizes", (2,), [2, 2], "int64"),
            *(tensor(k, (4,)) for k in ("g", "be", "m")),
            tensor("v", (4,), [1.0] * 4),
            tensor("lo", (), 0.0),
            tensor("hi", (), 6.0),
            tensor("w", (4, 5)),
            tensor("bias", (5,)),
        ],
        input_dims=(1, 4, 6, 6),
    )
    return {"stem": stem().SerializeToString(), "mixed": mixed.SerializeToString()}


def mutate_onnx(data: bytes, rng: random.Random) -> bytes:
    """A byte edit (flip, cut, insert, repeat) or a graph edit (an operator, an attribute,
    a dimension, an input rewired: cycles and dangling names)."""
    import onnx

    if rng.random() < 0.4:
        data = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            kind = rng.randrange(4)
            if kind == 0:
                data[at] = rng.randrange(256)
            elif kind == 1:
                del data[at:]
            elif kind == 2:
                data[at:at] = rng.randbytes(rng.randint(1, 16))
            elif data:
                data[at:at] = data[at : at + rng.randint(1, 64)]
            if not data:
                break
        return bytes(data)
    m = onnx.load_model_from_string(data)
    for _ in range(rng.randint(1, 3)):
        nodes = m.graph.node
        n = nodes[rng.randrange(len(nodes))]
        kind = rng.randrange(4)
        if kind == 0:
            n.op_type = rng.choice(ONNX_OPS)
        elif kind == 1 and n.attribute:
            a = rng.choice(list(n.attribute))
            if a.ints:
                a.ints[rng.randrange(len(a.ints))] = rng.choice(ONNX_INTS)
            else:
                a.i = rng.choice(ONNX_INTS)
        elif kind == 2 and n.input:
            names = [o for other in nodes for o in other.output] + ["x", "nowhere"]
            n.input[rng.randrange(len(n.input))] = rng.choice(names)
        else:
            dims = rng.choice(
                [
                    m.graph.input[0].type.tensor_type.shape.dim,
                    *(t.dims for t in m.graph.initializer),
                ]
            )
            if len(dims):
                i = rng.randrange(len(dims))
                value = rng.choice(ONNX_INTS)
                if hasattr(dims[i], "dim_value"):
                    dims[i].dim_value = max(value, 0)
                else:
                    dims[i] = max(value, 0)
    return m.SerializeToString()


def make_onnx_case(rng: random.Random, bases: dict[str, bytes]) -> Case:
    """A mutated model file through a command that reads one."""
    name = rng.choice(sorted(bases))
    data = bases[name] if rng.random() < 0.1 else mutate_onnx(bases[name], rng)
    command = rng.choice(("table", "memory", "profile", "receptive", "conventions", "diff"))
    args = ["diff", "--model", "googlenet", "{spec}"] if command == "diff" else [command, "{spec}"]
    args += ["--format", rng.choice(("rich", "markdown", "csv", "json"))]
    return Case(name, ".onnx", "", tuple(args), data)
