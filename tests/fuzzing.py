"""Seeded mutators of the bundled specs, their front matter and option values; the commands
they run through; and the rule every run keeps.

Shared by tests/test_fuzz.py (a few hundred cases in CI) and benchmarks/fuzz.py (the long
run). A case is one command line on one mutated spec; it keeps the promise when it exits
0, 1 or 2, on 2 prints only error lines (`FILE:LINE:COL: error: ...`, one per error, at most
`InputErrors.LIMIT` and a last `and N more`), no traceback, and writes no file, and ends
within `LIMIT` seconds of CPU time.

Three generators make a case's spec (`GENERATORS`): `mutate` edits the text (a number,
cell or setting replaced, a character in or out, a line moved); `restructure` edits the
front matter as data (a value of another type, a huge or odd number, unicode digits, a
key removed, added, wrapped in a list or a table) and writes it back as TOML or JSON;
`declare` adds declarations ([kinds], [symbols], [columns], [rows], [claim_rows],
[footnotes], [[variants]], [connection_tables], [[claims]]), generated field by field,
with table rows that use them. `COMMANDS` is the commands and their options, one line
each.
"""

from __future__ import annotations

import functools
import json
import math
import random
import re
import signal
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
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
    "k",
    "†",
    "2.7K†",
    "conv*",
    "1000× conv",
    "3× [",
    "x" + " " * 200 + "y",
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
    "[]",
    "{}",
    "{ a = 1 }",
    "[1, 2]",
    "0.75",
    '"64a"',
    "{ a = 0.5 }",
    '["Stage"]',
    '"shufflenet v2 unit"',
)
CHARS = "0123456789x|,-/ \n[];#+=\"'.²\x00\u200b"
#: Small enough for verify to run within the limit.
VERIFIABLE = ("lenet5", "googlenet-mnist", "dense", "fire", "reduction", "tiny", "spec")
PRESETS = ("torchinfo", "fvcore", "thop", "paper", "ours", "keras", "nope")
FORMATS = ("rich", "markdown", "csv", "json")


@dataclass(frozen=True)
class Case:
    model: str
    suffix: str  # .md, .csv or .onnx
    text: str
    # the command line: SPEC as {spec}, the folder as {dir}, a model file as {onnx}
    args: tuple[str, ...]
    generator: str = "mutate"
    data: bytes = b""  # a model file's bytes: the SPEC (suffix .onnx), or {onnx}'s


@dataclass(frozen=True)
class Outcome:
    case: Case
    exit_code: int
    seconds: float
    failure: str  # "" when the case kept the promise


#: The specs mutated: every bundled network, and docs/examples' networks of the module
#: kinds no bundled network has (fire, depthwise, inverted residual, dense, ...) and of
#: pasting a table (its columns and footnotes).
_DOCS = Path(__file__).parent.parent / "docs/examples"
PATHS = {
    **{m: MODELS_DIR / f"{m}.md" for m in model_names()},
    **{p.stem: p for p in sorted(_DOCS.glob("*.md"))},
    **{p.stem: p for p in sorted((_DOCS / "pasting").glob("*.md"))},
}
TEXTS = {name: path.read_text(encoding="utf-8") for name, path in PATHS.items()}


# ------------------------------------------------------------------------ the commands


def _pick(rng: random.Random, choices: tuple[str, ...]) -> str:
    return rng.choice(choices) if rng.random() < 0.8 else rng.choice(VALUES)


def _maybe(rng: random.Random, p: float, *args: str) -> list[str]:
    return list(args) if rng.random() < p else []


def _output(rng: random.Random, suffixes=(".csv", ".json", ".md", ".svg", ".txt")) -> list[str]:
    """--output into the case's folder now and then: a new file, a folder, the spec itself."""
    if rng.random() > 0.15:
        return []
    where = rng.choice(("out" + rng.choice(suffixes), "newdir/", "spec.md", "", "-"))
    return [
        "-o",
        f"{{dir}}/{where}" if where not in ("", "-") else where,
        *_maybe(rng, 0.3, "--force"),
    ]


def _variant(rng: random.Random) -> list[str]:
    names = ("separable", "naive", "torchvision", "input-224", "2x", "0.5x", "nope", "v")
    return _maybe(rng, 0.2, "--variant", _pick(rng, names))


def _input(rng: random.Random) -> list[str]:
    return _maybe(rng, 0.3, "--input", _pick(rng, ("32x32x1", "28x28x1", "224x224x3", "8x8x8")))


def _batch(rng: random.Random, choices=("1", "2", "8")) -> list[str]:
    return _maybe(rng, 0.3, "--batch", _pick(rng, choices))


def _table(rng: random.Random) -> list[str]:
    args = [*_input(rng), *_batch(rng), *_variant(rng)]
    args += _maybe(rng, 0.3, "--padding", _pick(rng, ("same", "valid", "0", "1", "2")))
    args += _maybe(rng, 0.2, "--pool-rounding", _pick(rng, ("ceil", "floor")))
    args += _maybe(rng, 0.2, "--as", rng.choice(PRESETS))
    for flag in ("--aux", "--flops", "--expand", "--no-bias", "--strict", "--shares", "--brief"):
        args += _maybe(rng, 0.1, flag)
    args += _maybe(rng, 0.1, "--fail-on", rng.choice(("mismatch", "truncated")))
    return args


def _verify(rng: random.Random) -> list[str]:
    # verify's time grows with the batch: keep it 1
    args = [*_input(rng), *_batch(rng, ("1",)), *_variant(rng), "--max-memory", "256M"]
    return args + _maybe(rng, 0.2, "--seed", _pick(rng, ("0", "7")))


def _sweep(rng: random.Random) -> list[str]:
    sizes = ("224", "112,224", "8..64/8", "16..256/16", "8..2048/8", "1..16384/64", "0")
    sizes += ("16385", "٣٢", "²²⁴", "9" * 5000, "1..9" + "9" * 30 + "/1", "64..8/8")
    args = _maybe(rng, 0.5, "--input", _pick(rng, sizes)) + _variant(rng)
    return args + _maybe(rng, 0.2, "--global-pool") + _dtype(rng)


def _dtype(rng: random.Random) -> list[str]:
    return _maybe(rng, 0.2, "--dtype", _pick(rng, ("float32", "int8", "float8")))


def _memory(rng: random.Random) -> list[str]:
    args = [*_batch(rng), *_dtype(rng), *_variant(rng), *_maybe(rng, 0.1, "--aux")]
    return args + _maybe(rng, 0.3, "--optimizer", _pick(rng, ("none", "sgd", "adam")))


def _profile(rng: random.Random) -> list[str]:
    args = [*_batch(rng), *_dtype(rng), *_variant(rng), *_maybe(rng, 0.1, "--aux")]
    return args + _maybe(rng, 0.5, "--by", _pick(rng, ("macs", "params", "memory")))


def _receptive(rng: random.Random) -> list[str]:
    return [*_input(rng), *_variant(rng), *_maybe(rng, 0.2, "--expand", "--aux")]


def _conventions(rng: random.Random) -> list[str]:
    return [*_input(rng), *_batch(rng)]


def _bottleneck(rng: random.Random) -> list[str]:
    if rng.random() < 0.3:  # the custom comparison, with no spec
        return ["--input", _pick(rng, ("28x28x192", "8x8x8")), "--kernel", _pick(rng, ("3", "5"))]
    return []


def _plot(rng: random.Random) -> list[str]:
    suffix = rng.choice((".svg", ".svg", ".svg", ".png", ".pdf", ".txt", "/"))
    args = ["-o", f"{{dir}}/chart{suffix}", *_batch(rng), *_variant(rng)]
    if rng.random() < 0.3:
        args += ["--roofline", *_machine(rng)]
    return args + _maybe(rng, 0.05, "--compare") + _maybe(rng, 0.1, "--aux")


def _machine(rng: random.Random) -> list[str]:
    """A machine by name or by hand, never --calibrate (it measures this machine for
    seconds and writes the user's configuration folder); --measure only beside a machine
    it refuses (it calibrates too)."""
    rates = ("300G", "19.5T", "25G", "0", "1e999", "٣G", "-1G", "9" * 30)
    how = rng.random()
    if how < 0.6:
        args = ["--machine", _pick(rng, ("a100", "h100", "i9-11900h", "calibrated", "nope"))]
    elif how < 0.8:
        args = ["--peak", _pick(rng, rates[:3]), "--bandwidth", _pick(rng, rates[:3])]
    elif how < 0.9:
        args = [
            "--machine",
            "a100",
            *_maybe(rng, 0.3, "--measure", rng.choice(("numpy", "onnxruntime"))),
        ]
    else:
        args = []
    if rng.random() < 0.1:
        args += ["--cache-bandwidth", _pick(rng, rates), "--llc", _pick(rng, ("32MiB", "0", "1"))]
    precisions = ("fp64", "fp32", "tf32", "bf16", "fp16", "int8")
    return args + _maybe(rng, 0.2, "--precision", _pick(rng, precisions))


def _time(rng: random.Random) -> list[str]:
    args = [*_machine(rng), *_input(rng), *_batch(rng), *_variant(rng)]
    dtypes = ("float32", "float16", "bfloat16", "float64", "int8")
    args += _maybe(rng, 0.2, "--dtype", _pick(rng, dtypes))
    args += _maybe(rng, 0.1, "--rule", _pick(rng, ("cache-aware", "dram")))
    for flag in ("--no-other-ops", "--expand", "--aux"):
        args += _maybe(rng, 0.1, flag)
    return args


def _diff(rng: random.Random) -> list[str]:
    """diff's options; its SPEC and MODEL are laid out by make_case."""
    args = [*_input(rng), *_variant(rng), *_maybe(rng, 0.1, "--aux")]
    args += _maybe(rng, 0.05, "--fold")
    # a module that is not there, or a callable that gives no torch module
    return args + _maybe(rng, 0.05, "--torch", _pick(rng, ("nope.mod:f", "x", "os:getcwd")))


def _claims(rng: random.Random) -> list[str]:
    return _maybe(rng, 0.5, "--model", _pick(rng, ("googlenet", "lenet5", "mobilenetv2")))


def _nothing(rng: random.Random) -> list[str]:
    return []


@dataclass(frozen=True)
class Command:
    """A command as the fuzz runs it: how often, its options, and what it reads."""

    weight: int
    options: Callable[[random.Random], list[str]]
    spec: bool = True  # reads a SPEC (the generated one)
    models: tuple[str, ...] = ()  # only these specs (verify's small networks)
    formats: tuple[str, ...] = FORMATS
    outputs: tuple[str, ...] = (".csv", ".json", ".md", ".svg", ".txt")
    pasted: bool = False  # reads a table as pasted: the front matter left out mostly


#: The commands the fuzz runs, one line each (a new command is one more line).
COMMANDS: dict[str, Command] = {
    "table": Command(8, _table),
    "verify": Command(2, _verify, models=VERIFIABLE),
    "compare-bottleneck": Command(1, _bottleneck),
    "conventions": Command(1, _conventions),
    "memory": Command(1, _memory),
    "profile": Command(1, _profile),
    "receptive": Command(1, _receptive),
    "sweep": Command(2, _sweep),
    "plot": Command(1, _plot, formats=()),
    "claims": Command(1, _claims, spec=False),
    "models": Command(1, _nothing, spec=False),
    "time": Command(2, _time),
    "diff": Command(2, _diff),
    "init": Command(1, _nothing, formats=(), outputs=(".md",), pasted=True),
}


# ------------------------------------------------------------------------ the generators


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


@dataclass
class Spec:
    """A spec taken apart: its front matter as data and its table's lines."""

    meta: dict
    header: list[str]  # the header cells
    rows: list[list[str]] = field(default_factory=list)
    prose: str = ""

    @property
    def type_at(self) -> int:
        types = ("type", "layer", "operator", "layernametype", "convnetconfiguration", "layers")
        keys = [re.sub(r"[^a-z]", "", h.lower()) for h in self.header]
        return next((i for i, k in enumerate(keys) if k in types), 0)

    def add_row(self, rng: random.Random, type_cell: str, **cells: str) -> None:
        row = [""] * len(self.header)
        row[self.type_at] = type_cell
        keys = [re.sub(r"[^a-z0-9]", "", h.lower()) for h in self.header]
        for key, text in cells.items():
            if key in keys:
                row[keys.index(key)] = text
        self.rows.insert(rng.randint(0, len(self.rows)), row)


def parse(text: str) -> Spec:
    """A bundled spec's front matter (TOML) and its table's cells."""
    meta: dict = {}
    body = text
    if text.startswith("+++"):
        _, front, body = text.split("+++\n", 2)
        meta = tomllib.loads(front)
    lines = [ln for ln in body.split("\n") if ln.strip().startswith("|")]
    cells = [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in lines]
    return Spec(meta, cells[0], cells[2:])


def write(spec: Spec, csv: bool = False) -> str:
    """The spec as Markdown (TOML front matter, one table) or as CSV (a `# spec:` line)."""
    if csv:
        head = f"# spec: {json.dumps(spec.meta, ensure_ascii=False)}\n" if spec.meta else ""
        table = [spec.header, *spec.rows]
        return head + "\n".join(",".join(_csv_cell(c) for c in r) for r in table) + "\n"
    front = "".join(f"{_key(k)} = {_toml(v)}\n" for k, v in spec.meta.items() if v is not None)
    rows = [spec.header, ["---"] * len(spec.header), *spec.rows]
    table = "".join("| " + " | ".join(r) + " |\n" for r in rows)
    return f"+++\n{front}+++\n\n{table}"


def _csv_cell(text: str) -> str:
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if re.search(r'[,"\n]', text) else text


def _key(key: object) -> str:
    return _toml(str(key))


def _toml(value: object) -> str:
    """A TOML value, tables written inline (any nesting reads back)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        escaped = "".join(
            c if c not in '"\\' and (c.isprintable() or c == " ") else f"\\u{ord(c):04x}"
            for c in value
            if not 0xD800 <= ord(c) <= 0xDFFF
        )
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        items = [f"{_key(k)} = {_toml(v)}" for k, v in value.items() if v is not None]
        return "{ " + ", ".join(items) + " }"
    return '""'


#: Odd values of every type: huge and odd numbers, unicode digits, names that are numbers.
ODD_INTS = (0, 1, 2, 3, -1, 7, 64, 1000, 10**18 - 1, 10**18, 2**63 - 1, 10**30, 10**400)
ODD_FLOATS = (0.0, 0.5, 1.0, -0.0, 1e-320, 1e300, math.inf, -math.inf, math.nan, 0.25)
ODD_TEXTS = (
    "",
    " ",
    "x",
    "k",
    "4",
    "٣",
    "３",
    "²",
    "α",
    "a b",
    "a/b",
    "conv1/relu",
    "input",
    "output",
    "rest",
    "{patch}",
    "MB{expansion}, k{patch}",
    "†",
    "*",
    "^a",
    "\x1b[2J",
    "\u200b",
    "x" * 300,
    "8x8x4",
    "3x3/2",
    "n1x1",
    "n1x1 * n1x1",
    "input * 1000000000 * 1000000000",
    "output / 0",
    "output / ٣",
    "1" * 30,
    "same",
    "naive",
    "as tabled",
    "Table I",
    "note",
    "filters",
    "type",
)


def _odd(rng: random.Random, depth: int = 0) -> object:
    """A value of a random type: a number, a float, a flag, a text, a list or a table."""
    kind = rng.randrange(7 if depth < 2 else 4)
    if kind == 0:
        return rng.choice(ODD_INTS)
    if kind == 1:
        return rng.choice(ODD_FLOATS)
    if kind == 2:
        return rng.random() < 0.5
    if kind == 3:
        return rng.choice(ODD_TEXTS)
    if kind == 4:
        return [_odd(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == 5:
        return {rng.choice(KEYS): _odd(rng, depth + 1) for _ in range(rng.randrange(4))}
    return None if rng.random() < 0.5 else {}


#: The keys a front matter has somewhere: its tables', a kind's, a layer's, a variant's.
KEYS = (
    *("name", "title", "input", "source", "conventions", "claimed", "claims", "variants"),
    *("rows", "symbols", "connection_tables", "kinds", "columns", "footnotes", "claim_rows"),
    *("spellings", "prefix", "branches", "stem", "join", "shortcut", "join_activation"),
    *("stride", "stride_from_sizes", "default_stride", "repeat", "zero", "require_conv"),
    *("when", "after", "strided", "layers", "needs", "block", "identity", "op", "kernel"),
    *("filters", "padding", "mode", "mode_from", "rounding", "activation", "norm", "bias"),
    *("optional", "skip_if_one", "groups", "part", "ratio", "row", "quantity", "value"),
    *("relation", "against", "reading", "id", "text", "field", "rebinds", "spans", "blank"),
    *("pool_rounding", "conv_padding", "batch_norm", "lrn", "inception", "width_multiplier"),
    *("added", "before", "extends", "preactivation", "skip_if_same", "gate", "divisor"),
)


def _paths(value: object, path: tuple = ()) -> list[tuple]:
    """Every place in the front matter: each table's key and each list's item."""
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*path, i))
    return out


def _get(meta: dict, path: tuple) -> object:
    for key in path:
        meta = meta[key]
    return meta


def restructure(text: str, rng: random.Random) -> tuple[str, bool]:
    """One to three edits of the front matter as data, written back as TOML (or JSON for
    the CSV form): a value replaced by one of another type, a key removed, added, renamed,
    a value wrapped in a list or a table, an item doubled. Returns the text and whether
    it is CSV."""
    spec = parse(text)
    for _ in range(rng.randint(1, 3)):
        _edit(spec.meta, rng)
    csv = rng.random() < 0.15
    return write(spec, csv), csv


def _edit(meta: dict, rng: random.Random) -> None:
    path = rng.choice(_paths(meta))
    if not path:  # the front matter itself: a key of any kind added
        meta[rng.choice(KEYS)] = _odd(rng)
        return
    parent, key = _get(meta, path[:-1]), path[-1]
    value = parent[key]
    how = rng.randrange(7)
    if how == 0:
        parent[key] = _odd(rng)
    elif how == 1 and isinstance(parent, dict):
        del parent[key]
    elif how == 1:
        parent.pop(key)
    elif how == 2:
        parent[key] = [value] if rng.random() < 0.5 else {rng.choice(KEYS): value}
    elif how == 3 and isinstance(parent, dict):
        parent[rng.choice(KEYS)] = _odd(rng)
    elif how == 3:
        parent.insert(key, value)  # an item doubled
    elif how == 4 and isinstance(value, str):
        parent[key] = rng.choice(ODD_TEXTS) if rng.random() < 0.5 else value * rng.randint(2, 9)
    elif how == 5 and isinstance(value, int) and not isinstance(value, bool):
        big = abs(value) >= 10**300  # no float holds it
        parent[key] = rng.choice(
            (value * 10**20, -value, value + 1, str(value) if big else float(value), str(value))
        )
    elif isinstance(parent, dict):  # renamed
        parent[rng.choice(KEYS) if rng.random() < 0.5 else rng.choice(ODD_TEXTS)] = parent.pop(key)
    else:
        parent[key] = _odd(rng)


# ----------------------------------------------------------------- declarations generated


OPS = ("conv", "dwconv", "pool", "bn", "relu", "split", "shuffle", "se", "linear", "lstm")
OPS += ("layernorm", "layerscale")
FACTORS = ("input", "output", "rest", "block_input", "n1x1", "expansion", "growth", "2", "16")
FACTORS += ("0", "٣", "1000000000", "9" * 19, "nope", "k", "a")
NAMES = ("a", "b", "", "a", "1x1", "output", "add", "x/y", "conv")
#: A layer's fields past its op, name, filters and kernel, and values each may take.
LAYER_FIELDS = {
    "padding": (1, "same", "valid", -1),
    "groups": (1, 2, "g", "k", 0),
    "part": (1, 2, 3),
    "ratio": (0.25, 0.0, 2.0),
    "optional": (True, False),
    "activation": (True, False, "hswish", "leaky relu 0.1", "gelu tanh", "nope"),
    "mode": ("max", "avg", "sum"),
    "needs": ("se", "expansion", "nope", ""),
    "skip_if_same": (True, False),
    "gate": ("sigmoid", "hsigmoid", "relu"),
    "divisor": (8, 0, 10**20),
    "bias": (True, False),
    "rounding": ("floor", "ceil", "x"),
}


def _layer(rng: random.Random) -> dict:
    layer: dict = {"op": rng.choice(OPS), "name": rng.choice(NAMES)}
    if rng.random() < 0.7:
        layer["filters"] = " * ".join(rng.choice(FACTORS) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.1:
            layer["filters"] += " / " + rng.choice(("2", "3", "0", "²"))
    if rng.random() < 0.5:
        layer["kernel"] = rng.choice((1, 3, 5, "patch", "whole", 0, 10**20, "3"))
    for key, values in LAYER_FIELDS.items():
        if rng.random() < 0.06:
            layer[key] = _odd(rng, 2) if rng.random() < 0.3 else rng.choice(values)
    return layer


def _branch(rng: random.Random) -> dict:
    kind = rng.randrange(6)
    if kind == 0:
        return {"identity": True}
    if kind == 1:
        return {"block": "block"}
    branch: dict = {"layers": [_layer(rng) for _ in range(rng.randint(0, 3))]}
    if rng.random() < 0.3:
        branch["needs"] = rng.choice(("n1x1", "n3x3", "expansion", "nope"))
    return branch


def make_kind(rng: random.Random, spelling: str) -> dict:
    """A `[kinds.NAME]` table, each field drawn: branches, layers, join, switches."""
    kind: dict = {
        "spellings": [spelling],
        "branches": [_branch(rng) for _ in range(rng.randint(1, 3))],
    }
    for key, choices in (
        ("join", ("concat", "add", "mul")),
        ("shortcut", ("none", "convention", "if same shape")),
        ("require_conv", (True, False)),
        ("repeat", ("repeat", "block", "")),
        ("stride", (["a"], ["first"], ["nope"])),
        ("zero", ("absent", "error")),
        ("default_stride", (1, 2, 0)),
        ("preactivation", (True, False, 1)),
        ("stride_from_sizes", (True, False)),
    ):
        if rng.random() < 0.25:
            kind[key] = rng.choice(choices)
    if rng.random() < 0.15:
        kind["stem"] = [_layer(rng)]
    if rng.random() < 0.1:
        kind["when"] = {"inception": {"naive": {"drop": [rng.choice(NAMES)]}}}
    if rng.random() < 0.1:
        kind["strided"] = {"drop": [rng.choice(NAMES)]}
    return kind


def _layer_edit(rng: random.Random) -> dict:
    """The fields of a base kind's layer that an extending kind changes."""
    key = rng.choice(("kernel", "filters", "rounding", "activation", "op", "nope", *LAYER_FIELDS))
    values = LAYER_FIELDS.get(key, (3, "output", "floor", 0, "conv"))
    return {key: rng.choice(values) if rng.random() < 0.8 else _odd(rng, 2)}


def declare(text: str, rng: random.Random) -> tuple[str, bool]:
    """Declarations added to the front matter, each generated field by field, with rows of
    the table that use them (a kind's row, a symbol's cell, a footnote's mark); about half
    of them well formed, so that the reader passes them on to the builder and the audit."""
    spec = parse(text)
    for _ in range(rng.randint(1, 3)):
        rng.choice(DECLARATIONS)(spec, rng, rng.random() < 0.7)
    csv = rng.random() < 0.15
    return write(spec, csv), csv


def sound_kind(rng: random.Random, spelling: str) -> dict:
    """A `[kinds.NAME]` table the reader accepts: one to three branches of a convolution
    and an activation, a pool or batch norm, concatenated or added."""
    layer = {"op": "conv", "name": "a", "kernel": rng.choice((1, 3)), "padding": "same"}
    layer["filters"] = rng.choice(("input", "8", "input * 2", "output"))
    other = {"op": rng.choice(("relu", "bn", "pool")), "name": "b", "padding": "same"}
    again = {**layer, "name": "c"}
    branches = [{"layers": [layer, other]}, {"identity": True}, {"layers": [again]}]
    kind: dict = {"spellings": [spelling], "branches": branches[: rng.randint(1, 3)]}
    kind["join"] = rng.choice(("concat", "add"))
    if kind["join"] == "add" and len(kind["branches"]) < 2:
        kind["shortcut"] = "if same shape"
    return kind


def _declare_kind(spec: Spec, rng: random.Random, sound: bool) -> None:
    name = rng.choice(("mine", "pair", "fire", "k k", "", "4", "x/y"))
    spelling = rng.choice(("my block", "pair", "MB{expansion}, k{patch}", "4", "fire", "!"))
    spelling = rng.choice((spelling, "{repeat} × {filters}", "{filters}"))
    if sound:
        name, spelling = "mine", "my block"
    kind = sound_kind(rng, spelling) if sound else make_kind(rng, spelling)
    kinds = spec.meta.setdefault("kinds", {})
    if not isinstance(kinds, dict):
        return
    kinds[name] = kind
    if rng.random() < 0.3:  # another kind declared as this one (or a built-in) changed
        base = rng.choice((name, "inception", "fire", "residual", "mine", "nope"))
        edits = {rng.choice(("a", "b", "pool", "squeeze", "nope")): _layer_edit(rng)}
        extended = {"extends": base, "layers": edits if rng.random() < 0.8 else "x"}
        extended |= {"spellings": ["my other"]} if rng.random() < 0.5 else {}
        kinds[rng.choice(("other", name, "my other"))] = extended
        spec.add_row(rng, rng.choice(("my other", "other")), outputsize="")
    typed = spelling.replace("{expansion}", "6").replace("{patch}", "3x3")
    for _ in range(rng.randint(0 if not sound else 1, 2)):
        spec.add_row(rng, typed, outputsize=rng.choice(("", "8x8x8", "4x4x16")))


def _declare_symbol(spec: Spec, rng: random.Random, sound: bool) -> None:
    """A symbol and the cells that use it: alone (`k`), in an expression (`16×k`, `64a`,
    `min(64, 64a)`), of a whole or a decimal value; or a name or value that is not one."""
    name = rng.choice(("k", "4", "٣", "α", "", "k2", "x", "a b", "a_1", "min", "a٣"))
    value: object = rng.choice((*ODD_INTS, *ODD_FLOATS))
    numbers = [(r, i) for r in spec.rows for i, c in enumerate(r) if c.isdigit() and int(c)]
    if sound and numbers:
        name = rng.choice(("k", "α", "a"))
        row, i = rng.choice(numbers)
        n = int(row[i])
        value, row[i] = rng.choice(
            [(n, name)]
            + ([(2, f"{n // 2}×{name}"), (0.5, f"{n * 2}{name}")] if n % 2 == 0 else [])
            + [(n, f"min({n}, {name})"), (0.75, f"{n}{name}")]
        )
    elif spec.rows and rng.random() < 0.7:
        row = rng.choice(spec.rows)
        uses = (name, f"16×{name}", f"{name}x{name}", f"64{name}", f"min(64, 64{name})")
        row[rng.randrange(len(row))] = rng.choice((*uses, "×".join([name] * 40)))
    symbols = spec.meta.setdefault("symbols", {})
    if isinstance(symbols, dict):
        symbols[name] = value


def _declare_footnote(spec: Spec, rng: random.Random, sound: bool) -> None:
    mark = rng.choice(("*", "†", "‡", "^a", "^12", "") if sound else ("", "x", "**", " ", "^"))
    spec.meta.setdefault("footnotes", {})[mark] = "a note" if sound else rng.choice(ODD_TEXTS)
    if spec.rows and rng.random() < 0.8:
        row = rng.choice(spec.rows)
        i = rng.randrange(len(row))
        row[i] += mark


def _declare_column(spec: Spec, rng: random.Random, sound: bool) -> None:
    header = rng.choice(("Remarks", "Notes") if sound else ("Widht", "Depth", *spec.header, ""))
    odd = ("filters", "widht", {"field": "name"}, 3, {"field": "name", "blank": "continues"})
    odd += ({"field": "type", "spans": rng.choice(spec.header)}, {"field": "x", "rebinds": "n"})
    value = "note" if sound else rng.choice(odd)
    spec.meta.setdefault("columns", {})[header] = value
    if rng.random() < 0.7 and header and header not in spec.header:
        spec.header.append(header)
        for row in spec.rows:
            row.append(rng.choice(("", "x", "1", "see text")))


def _declare_row(spec: Spec, rng: random.Random, sound: bool) -> None:
    names = ("conv1", "fc1", "pool1", "softmax1", "conv2") if sound else ("conv9", "", "x")
    entry: dict = {"source": "the text"}
    if sound:
        entry["added"] = "declared"
    else:
        entry[rng.choice(("type", "output size", "nope"))] = _odd(rng, 2)
    spec.meta.setdefault("rows", {})[rng.choice(names)] = entry


def _declare_added(spec: Spec, rng: random.Random, sound: bool) -> None:
    """`[added.NAME]`: a row the table leaves out, after or before a row."""
    rows = ("conv1", "pool1", "fc1", "softmax1", "conv2") if sound else ("conv9", "", "x")
    entry: dict = {"source": "the text"} if sound or rng.random() < 0.8 else {}
    entry[rng.choice(("after", "before")) if sound else rng.choice(("after", "nope"))] = rng.choice(
        rows
    )
    types = ("softmax", "dropout (40%)", "global average pool, 1000-d fc", "batch norm", "lstm")
    entry["type" if sound else rng.choice(("type", "output size", "nope"))] = (
        rng.choice(types) if sound else _odd(rng, 2)
    )
    added = spec.meta.setdefault("added", {})
    if isinstance(added, dict):
        added[rng.choice(("head", "extra", "conv1", ""))] = entry


def _declare_claim_row(spec: Spec, rng: random.Random, sound: bool) -> None:
    """`[claim_rows]` and a row of claims under its label (`FLOPs`, `GFLOPs`, `params (M)`:
    labels the reader knows without a declaration too)."""
    labels = ("FLOPs", "GFLOPs", "params (M)", "Complexity")
    name = (
        rng.choice(labels) if sound else rng.choice((*(r[spec.type_at] for r in spec.rows[:3]), ""))
    )
    quantity = rng.choice(("macs", "params") if sound else ("flops", 3, ""))
    if rng.random() < 0.8:
        entry = {"quantity": quantity, "source": "the table"} if sound else {"quantity": quantity}
        claim_rows = spec.meta.setdefault("claim_rows", {})
        if isinstance(claim_rows, dict):
            claim_rows[name] = entry
    if sound or rng.random() < 0.5:
        row = [""] * len(spec.header)
        row[spec.type_at] = name
        for i in range(len(row)):
            if i != spec.type_at and rng.random() < 0.5:
                row[i] = rng.choice(("1.5G", "41M", "4.5 × 10⁹", "7", "x", "٣M", "0.3"))
        spec.rows.append(row)


def _declare_variant(spec: Spec, rng: random.Random, sound: bool) -> None:
    variants = spec.meta.setdefault("variants", [])
    if not isinstance(variants, list):
        return
    variant: dict = {"name": f"v{len(variants)}" if sound else rng.choice(("v", "as tabled", ""))}
    changes = (
        ("conventions", ({"bias": False}, {"pool_rounding": "floor"}, {"inception": "naive"})),
        ("input", ("64x64x3", "224x224x3", "0x0x0", "٣x٣x٣")),
        ("columns", ({"filters": "2×"}, {"nope": "x"}, "x")),
        ("row", (*(r[spec.type_at] for r in spec.rows[:2]), "nope")),
        ("type", ("linear", "conv", "lstm", "global average pool, 1000-d fc")),
        ("symbols", ({"k": 2}, {"a": 0.5}, {"4": 1}, {"k": -1}, {"k": 1e300})),
    )
    for key, choices in changes[:1] if sound else changes:
        if sound or rng.random() < 0.35:
            variant[key] = rng.choice(choices)
    variants.append(variant)


def _declare_table(spec: Spec, rng: random.Random, sound: bool) -> None:
    width, height = rng.randint(0 + sound, 6), rng.randint(0 + sound, 6)
    table = ["".join(rng.choice("X.x") for _ in range(width)) for _ in range(height)]
    spec.meta.setdefault("connection_tables", {})[rng.choice(("T", "Table I", ""))] = table


def _declare_claim(spec: Spec, rng: random.Random, sound: bool) -> None:
    claims = spec.meta.setdefault("claims", [])
    if not isinstance(claims, list):
        return
    claim: dict = {"id": f"c{len(claims)}" if sound else rng.choice(("c", ""))}
    quantities = ("macs", "params", "depth", "flops", "weights")
    claim["quantity"] = rng.choice(quantities if sound else ("mac", 3, "macs_ratio", "neurons"))
    claim["value"] = rng.choice(
        ("1K", "1.5G", "7", "4.5 × 10⁹") if sound else (0, "٣K", 10**30, "x", "1e999")
    )
    claim["relation"] = rng.choice(("equal", "at most", "at least"))
    if rng.random() < 0.2:
        claim["reading"] = rng.choice(("as tabled", "v0", "nope"))
    if claim["quantity"] == "macs_ratio" or rng.random() < 0.05:
        claim["against"] = rng.choice(("alexnet", "nope", "v0"))
    claims.append(claim)


#: The declarations `declare` adds, one generator each.
DECLARATIONS = (
    _declare_kind,
    _declare_symbol,
    _declare_footnote,
    _declare_column,
    _declare_row,
    _declare_added,
    _declare_claim_row,
    _declare_variant,
    _declare_table,
    _declare_claim,
)


# ------------------------------------------------------------------------ one case


def _mutated(text: str, rng: random.Random) -> tuple[str, bool]:
    return mutate(text, rng), False


def _written_back(text: str, rng: random.Random) -> tuple[str, bool]:
    """The spec as `table --format csv` writes it (the `# spec:` line, a line per layer),
    mutated: the CSV that reads back as the same analysis."""
    return mutate(_as_csv(text), rng), True


@functools.cache
def _as_csv(text: str) -> str:
    return CliRunner().invoke(cli, ["table", "-", "--format", "csv"], input=text).stdout or text


def _model_file(text: str, rng: random.Random) -> tuple[str, bool]:
    raise AssertionError("a model file is made by make_case")  # bytes, not text


#: Each generator: (weight, the function making a spec's text and whether it is CSV).
#: `onnx` makes a model file in place of the spec (tests/onnx_graphs.py's, cut, flipped
#: and rewired); every command that takes a SPEC gets one now and then.
GENERATORS: dict[str, tuple[int, Callable[[str, random.Random], tuple[str, bool]]]] = {
    "mutate": (5, _mutated),
    "restructure": (3, restructure),
    "declare": (4, declare),
    "csv": (1, _written_back),
    "onnx": (2, _model_file),
}
#: SPEC as a bundled model's name, as a person writes it (or near one).
MODEL_NAMES = ("googlenet", "GoogLeNet", "resnet-50", "LeNet-5", "googlenett", "nope")


def make_case(rng: random.Random) -> Case:
    """A command, a spec made by a generator (sometimes left whole, to fuzz the options
    alone) and its options."""
    names = list(COMMANDS)
    name = rng.choices(names, [COMMANDS[n].weight for n in names])[0]
    command = COMMANDS[name]
    model = rng.choice(command.models or tuple(TEXTS))
    generator = rng.choices(list(GENERATORS), [w for w, _ in GENERATORS.values()])[0]
    text, suffix, data = TEXTS[model], ".md", b""
    if rng.random() < 0.1:
        generator = "whole"
    elif generator == "onnx":
        (model, suffix, data), text = _model_data(rng), ""
    else:
        text, csv = GENERATORS[generator][1](text, rng)
        suffix = ".csv" if csv else ".md"
    if command.pasted and rng.random() < 0.7 and text.count("+++") >= 2:
        text = text.split("+++", 2)[2]  # a table pasted alone
    args = [name]
    if name == "diff":
        operands, model_data = _diff_operands(rng, suffix)
        args += operands
        data = data or model_data
    elif command.spec and not (name == "compare-bottleneck" and rng.random() < 0.2):
        args.append("{spec}" if rng.random() > 0.03 else rng.choice(MODEL_NAMES))
    args += command.options(rng)
    if command.formats:
        args += ["--format", rng.choice(command.formats)]
    if command.outputs and name != "plot":
        args += _output(rng, command.outputs)
    if name == "compare-bottleneck" and "--input" in args:
        args = [a for a in args if a != "{spec}"]
    if "--variant" in args and rng.random() < 0.7 and (own := _variants_of(text)):
        args[args.index("--variant") + 1] = rng.choice(own)  # one the spec has
    return Case(model, suffix, text, tuple(args), generator, data)


def _variants_of(text: str) -> list[str]:
    """The names of the spec's declared variants, as its front matter writes them."""
    return re.findall(r'(?m)^\[\[variants\]\]\n(?:[^\[\n].*\n)*?name = "([^"\n]+)"', text)


def _model_data(rng: random.Random) -> tuple[str, str, bytes]:
    """A model file: one of the bases, whole or mutated."""
    bases = onnx_bases()
    name = rng.choice(sorted(bases))
    data = bases[name] if rng.random() < 0.1 else mutate_onnx(bases[name], rng)
    return name, ".onnx", data


def _diff_operands(rng: random.Random, suffix: str) -> tuple[list[str], bytes]:
    """diff's SPEC and MODEL: a bundled table against the generated model file, or the
    generated table against a model file (whole or mutated); now and then one missing or
    a table where the model goes."""
    if suffix == ".onnx":
        table = ["-m", _pick(rng, ("googlenet", "lenet5", "resnet18"))]
        return ([*table, "{spec}"] if rng.random() > 0.05 else ["{spec}"]), b""
    how = rng.random()
    if how < 0.05:
        return ["{spec}"], b""
    if how < 0.1:
        return ["{spec}", "{spec}"], b""
    whole = rng.random() < 0.7
    return ["{spec}", "{onnx}"], onnx_bases()["stem"] if whole else _model_data(rng)[2]


class _Hung(Exception):
    pass


def _alarm(_signum, _frame):
    raise _Hung


def run_case(case: Case, folder: Path) -> Outcome:
    """Run `case` in process; the outcome names the broken promise, if any."""
    for old in folder.iterdir():
        if old.is_file():
            old.unlink()
    path = folder / f"spec{case.suffix}"
    if case.suffix == ".onnx":
        path.write_bytes(case.data)
    else:
        path.write_bytes(case.text.encode("utf-8", "surrogatepass"))
        if case.data:
            (folder / "model.onnx").write_bytes(case.data)
    args = [
        a.replace("{spec}", str(path))
        .replace("{dir}", str(folder))
        .replace("{onnx}", str(folder / "model.onnx"))
        for a in case.args
    ]
    before = {p.name for p in folder.iterdir()}
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
    written = {p.name for p in folder.iterdir()} - before
    if exc is not None and not isinstance(exc, SystemExit):
        failure = f"{type(exc).__name__}: {exc}"[:300]
    elif result.exit_code not in (0, 1, 2):
        failure = f"exit code {result.exit_code}"
    elif result.exit_code == 2 and not _error_lines(result.stderr):
        failure = f"not error lines: {result.stderr[:300]!r}"
    elif result.exit_code == 2 and written:
        failure = f"refused, yet wrote {sorted(written)}"
    elif seconds > LIMIT:
        failure = f"took {seconds:.2f} s of CPU"
    return Outcome(case, result.exit_code, seconds, failure)


#: One error as the CLI prints it: `FILE:LINE:COL: error: ...` or, for an option,
#: `inception-cost: error: ...`; the last of many is `...: error: and N more`.
_ERROR = re.compile(r"^\S.*: error: .+$")


#: The one note a command may print before its errors: a SPEC that is no file, read as
#: the bundled model it names (cli/options.load_spec).
_NOTE = re.compile(r"^inception-cost: no file .*; reading the bundled model \(--model \S+\)$")


def _error_lines(stderr: str) -> bool:
    """Exit 2's output: one line per error, at most the first LIMIT and `and N more`."""
    lines = stderr.splitlines()
    if lines and _NOTE.match(lines[0]):
        lines = lines[1:]
    return (
        stderr.endswith("\n")
        and 0 < len(lines) <= InputErrors.LIMIT + 1
        and "Traceback" not in stderr
        and all(_ERROR.match(line) for line in lines)
    )


def describe(outcome: Outcome) -> str:
    """One line to reproduce a failure by hand."""
    case = outcome.case
    return f"{outcome.failure} | {case.generator} {case.model}{case.suffix} | {' '.join(case.args)}"


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


@functools.cache
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
