"""The layer-table reader: spec text -> `Spec`, a typed row per table row.

A spec is a Markdown file (TOML front matter between `+++` lines, then one pipe table
in the paper's own columns) or a CSV file with the same headers. Every row and cell
keeps its file:line:col so that later errors and audit verdicts can point at it.
The format is documented in docs/spec-format.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from inception_cost.cells import (
    Patch,
    Quantity,
    is_empty,
    parse_count,
    parse_patch,
    parse_percent,
    parse_quantity,
    parse_shape,
    whole_number,
)
from inception_cost.errors import InputError, Location

MODELS_DIR = Path(__file__).parent / "models"

Shape = tuple[int, int, int]

# Column field -> accepted headers, compared after `_norm` (case, spaces, punctuation).
COLUMNS: dict[str, tuple[str, ...]] = {
    "type": ("type", "layer", "layer type", "convnet configuration", "configuration"),
    "patch": ("patch size/stride", "patch size", "patch", "kernel/stride", "size/stride"),
    "output": ("output size", "output", "output shape"),
    "depth": ("depth",),
    "n1x1": ("#1x1", "1x1"),
    "n3x3_reduce": ("#3x3 reduce", "3x3 reduce", "#3x3 red", "3x3 reduction"),
    "n3x3": ("#3x3", "3x3"),
    "n5x5_reduce": ("#5x5 reduce", "5x5 reduce", "#5x5 red", "5x5 reduction"),
    "n5x5": ("#5x5", "5x5"),
    "pool_proj": ("pool proj", "pool/proj", "pool projection", "proj"),
    "params": ("params", "parameters", "param", "#params"),
    "ops": ("ops", "operations", "mult-adds", "multiply-adds", "connections", "#connections"),
    "name": ("name", "layer name"),
    "input": ("input", "from"),
    "phase": ("phase", "used in"),
    "activation": ("activation",),
    "added": ("added", "addition"),
    "groups": ("groups", "#groups"),
    "padding": ("padding", "pad"),
    "block": ("building block", "residual block", "block"),
    "table": ("connection table", "connections table"),
}
#: The paper's columns, in Table 1's order; the rest are this tool's additions.
PAPER_FIELDS = (
    "type",
    "patch",
    "output",
    "depth",
    "n1x1",
    "n3x3_reduce",
    "n3x3",
    "n5x5_reduce",
    "n5x5",
    "pool_proj",
    "params",
    "ops",
)
EXTRA_FIELDS = (
    "name",
    "input",
    "phase",
    "activation",
    "added",
    "groups",
    "padding",
    "block",
    "table",
)
REQUIRED_FIELDS = ("type",)
BRANCH_FIELDS = ("n1x1", "n3x3_reduce", "n3x3", "n5x5_reduce", "n5x5", "pool_proj")

# Canonical row type -> accepted spellings (compared after `_norm`), and the prefix
# that names an unnamed row of that type (conv1, pool1, norm1, ...).
ROW_TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "convolution": (("convolution", "conv", "convolutional"), "conv"),
    "separable convolution": (
        ("separable convolution", "separable conv", "depthwise separable convolution"),
        "conv",
    ),
    "max pool": (("max pool", "maxpool", "max pooling"), "pool"),
    "avg pool": (("avg pool", "average pool", "avgpool", "average pooling", "avg pooling"), "pool"),
    "local response norm": (
        ("local response norm", "local response normalization", "lrn", "norm"),
        "norm",
    ),
    "inception": (("inception",), "inception"),
    "dropout": (("dropout",), "dropout"),
    "linear": (("linear", "fc", "fully connected", "dense"), "fc"),
    "softmax": (("softmax",), "softmax"),
    "subsampling": (("subsampling", "trainable subsampling"), "subsampling"),
    "rbf": (("rbf", "euclidean rbf", "rbf output", "radial basis function"), "rbf"),
    "batch norm": (("batch norm", "batchnorm", "batch normalization", "bn"), "bn"),
    "flatten": (("flatten",), "flatten"),
    "global avg pool": (
        ("global avg pool", "global average pool", "global average pooling", "gap"),
        "pool",
    ),
    "residual": (("residual", "residual stage", "residual blocks"), "res"),
}
# VGG's Table 1 writes a layer as one token: conv3-64 (3x3, 64 filters), FC-4096.
#: A building block's repeat (ResNet-1202 has 200) and the layers a table may unroll to:
#: beyond them a network takes minutes and gigabytes to build, so it is refused at once.
MAX_REPEAT = 1_000
MAX_LAYERS = 10_000
# Numbers are ASCII digits only ([0-9], not \d): see cells.MAX_DIGITS.
_CONV_TOKEN = re.compile(r"conv\s*([0-9]+)\s*-\s*([0-9]+)", re.I)
_FC_TOKEN = re.compile(r"fc\s*-\s*([0-9]+)", re.I)
_BLOCK_LAYER = re.compile(r"([0-9]+)\s*[x×]\s*([0-9]+)\s*,\s*([0-9][0-9,]*)")
_BLOCK = re.compile(r"\[(.*)\]\s*[x×*]\s*([0-9]+)")


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower().replace("×", "x"))


_HEADER_ALIASES = {_norm(a): f for f, aliases in COLUMNS.items() for a in aliases}
_TYPE_ALIASES = {_norm(a): t for t, (aliases, _) in ROW_TYPES.items() for a in aliases}
_OUTPUT_ONLY = ("computed", "verdict")  # columns our own outputs add; ignored on read


@dataclass(frozen=True, slots=True)
class Lrn:
    """Local response normalization across channels (Caffe's formula, BVLC's values)."""

    size: int = 5
    alpha: float = 0.0001
    beta: float = 0.75
    k: float = 1.0


@dataclass(frozen=True, slots=True)
class Conventions:
    """How the table's rows become layers. Each is a named, documented setting."""

    pool_rounding: str = "ceil"  # ceil | floor
    conv_padding: str | int = "same"  # same: (k-1)//2 each side | valid: 0 | N
    pool_padding: str | int = "valid"
    bias: bool = True  # convolution and linear layers carry a bias term
    conv_activation: str = "relu"  # relu | tanh | none
    lrn: Lrn = Lrn()
    pool_patch: Patch | None = None  # the window of a pool row that gives none (VGG: 2x2/2)
    batch_norm: bool = False  # batch norm after every convolution, before its activation
    bn_conv_bias: bool = False  # a convolution followed by batch norm keeps its bias
    bn_eps: float = 1e-5
    residual_stride: str = "first"  # first: a downsampling block's first conv | 3x3
    shortcut: str = "projection"  # projection | zero-pad: where a residual's shape changes
    inception_5x5: str = "5x5"  # 5x5 | two 3x3: the module's 5x5 branch
    inception: str = "reduced"  # reduced (Figure 2b) | naive (Figure 2a): no 1x1 reductions

    def changed(self) -> tuple[str, ...]:
        """The network-shaping settings that differ from the defaults (for the header)."""
        base = Conventions()
        return tuple(
            k
            for k in (
                "pool_patch",
                "batch_norm",
                "bn_conv_bias",
                "residual_stride",
                "shortcut",
                "inception_5x5",
                "inception",
            )
            if getattr(self, k) != getattr(base, k)
        )


@dataclass(frozen=True, slots=True)
class ResidualBlock:
    """A bracketed building block of ResNet's Table 1: [3x3, 64; 3x3, 64] x 2."""

    layers: tuple[tuple[int, int, int], ...]  # (kh, kw, filters) of each conv, in order
    repeat: int

    @property
    def out_channels(self) -> int:
        return self.layers[-1][2]


@dataclass(frozen=True, slots=True)
class ClaimReading:
    """What the claimed `params` and `ops` columns mean; `auto` lets the audit infer it."""

    params_unit: str = "auto"  # decimal (K = 1,000) | binary (K = 1,024) | auto
    params_bias: str = "auto"  # with | without | auto
    ops: str = "auto"  # multiply-adds | flops | connections | auto
    ops_unit: str = "auto"  # decimal | binary | auto


@dataclass(frozen=True, slots=True)
class Source:
    citation: str = ""
    table: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class PaperClaim:
    """A paper-level claim from the front matter, e.g. the 1.5 billion multiply-add budget."""

    id: str
    text: str
    source: str
    quantity: str  # one of CLAIM_QUANTITIES
    value: Quantity
    relation: str  # equal | at most | at least
    against: str
    loc: Location


@dataclass(frozen=True, slots=True)
class Variant:
    """An alternative reading: of one row (conv1 as a separable convolution), of the
    conventions (ResNet's stride in the 3x3), or of the input size (AlexNet at 224)."""

    row: str  # "" when the variant changes no row
    name: str
    title: str
    source: str
    cells: tuple[tuple[str, str], ...]  # column field -> cell text replacing the row's
    loc: Location
    conventions: Conventions | None = None  # the spec's conventions with the changes applied
    input_shape: Shape | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """One table row, typed. `raw` and `locs` keep each cell's text and position."""

    index: int
    name: str
    type: str
    loc: Location
    raw: dict[str, str]
    locs: dict[str, Location]
    patch: Patch | None = None
    output: Shape | None = None
    depth: int | None = None
    n1x1: int | None = None
    n3x3_reduce: int | None = None
    n3x3: int | None = None
    n5x5_reduce: int | None = None
    n5x5: int | None = None
    pool_proj: int | None = None
    params: Quantity | None = None
    ops: Quantity | None = None
    input: str | None = None
    train_only: bool = False
    activation: str | None = None
    added: str = ""
    rate: tuple[int, int] | None = None
    multiplier: int | None = None
    filters: int | None = None  # from a type token such as conv3-64 or FC-4096
    groups: int | None = None
    padding: str | int | None = None
    block: ResidualBlock | None = None
    table: str | None = None  # a connection table of the front matter (LeNet's Table I)
    named: bool = False  # the name was written in the spec, not generated

    def at(self, column: str) -> Location:
        """The location of a cell, or of the row when the cell is absent."""
        return self.locs.get(column, self.loc)


@dataclass(frozen=True, slots=True)
class Spec:
    path: str
    name: str
    title: str
    source: Source
    input_shape: Shape | None
    conventions: Conventions
    reading: ClaimReading
    claims: tuple[PaperClaim, ...]
    variants: tuple[Variant, ...]
    rows: tuple[Row, ...]
    columns: tuple[str, ...]  # the column fields the table has, in its order
    overrides: tuple[str, ...] = field(default=())  # settings changed from the file's
    # name -> per output map, the input maps it reads (LeNet-5's Table I)
    connection_tables: dict[str, tuple[tuple[int, ...], ...]] = field(default_factory=dict)

    def row(self, name: str) -> Row:
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(name)


# --------------------------------------------------------------------------- reading


#: The largest spec read, in bytes: a paper's table is a few KiB; this refuses endless input.
MAX_SPEC_BYTES = 16 * 1024 * 1024
#: The SPEC argument that reads standard input (`pbpaste | inception-cost table -`).
STDIN = "-"


def read_text(path: str | Path) -> str:
    """The file's text, or an `InputError` that says why it cannot be read.

    Regular files only (a FIFO or device could block or never end) and at most
    `MAX_SPEC_BYTES`; `-` reads standard input under the same cap."""
    import stat
    import sys

    p = Path(path)
    where = f"{'<stdin>' if str(path) == STDIN else p}:1:1"
    if str(path) == STDIN:
        data = sys.stdin.buffer.read(MAX_SPEC_BYTES + 1)
        p = Path("<stdin>")
    else:
        try:
            mode = p.stat().st_mode
            if stat.S_ISDIR(mode):
                raise InputError(f"{p} is a directory", "a spec file (.md or .csv)", where)
            if not stat.S_ISREG(mode):
                raise InputError(
                    f"{p} is not a regular file (a FIFO, socket or device)",
                    "a spec file, or - to read standard input",
                    where,
                )
            with p.open("rb") as fh:
                data = fh.read(MAX_SPEC_BYTES + 1)
        except FileNotFoundError:
            raise InputError(
                f"no such file {p}", "an existing spec file (.md or .csv)", where
            ) from None
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise InputError(f"cannot read {p}: {reason}", "a readable file", where) from None
    if len(data) > MAX_SPEC_BYTES:
        raise InputError(
            f"{p} is larger than {MAX_SPEC_BYTES // (1024 * 1024)} MiB",
            "a spec of at most 16 MiB (a layer table is a few KiB)",
            where,
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"byte 0x{data[exc.start]:02x} is not UTF-8", "a UTF-8 text file", f"{p}:{line}:{col}"
        ) from None
    if not text.strip():
        raise InputError(f"{p} is empty", "a front matter and a layer table", where)
    return text


def load(path: str | Path, label: str | None = None) -> Spec:
    """Read a spec file (.csv by suffix, Markdown otherwise); `label` names it in messages.

    Standard input (`-`) is Markdown when its first line is `+++` or has a `|`, else CSV."""
    text = read_text(path)
    if str(path) == STDIN:
        first = next((line.strip() for line in _lines(text) if line.strip()), "")
        name = label or "<stdin>"
        if first == "+++" or "|" in first:
            return parse_markdown(text, name)
        return parse_csv(text, name)
    name = label or str(path)
    if str(path).lower().endswith(".csv"):
        return parse_csv(text, name)
    return parse_markdown(text, name)


def _lines(text: str) -> list[str]:
    """Lines as editors number them: split at \n (and \r\n) only, unlike `splitlines`,
    which also splits at form feeds and other separators a cell must not hide."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def model_names() -> list[str]:
    """The bundled specs, numbers in names in numeric order (resnet18 before resnet101)."""
    return sorted(
        (p.stem for p in MODELS_DIR.glob("*.md")),
        key=lambda n: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", n)],
    )


def model_path(name: str) -> Path:
    """A bundled spec's file; only the bundled names, never a path (`../models/x`)."""
    path = MODELS_DIR / f"{name}.md"
    if name not in model_names():
        raise InputError(f"unknown model {name!r}", "one of " + ", ".join(model_names()))
    return path


def load_model(name: str) -> Spec:
    """A bundled spec by name (`googlenet`), located as inception_cost/models/NAME.md."""
    return load(model_path(name), f"inception_cost/models/{name}.md")


def parse_markdown(text: str, path: str = "<spec>") -> Spec:
    """Front matter (optional) then the first pipe table; other prose is ignored."""
    lines = _lines(text)
    meta: dict = {}
    start = 0
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if lines[first].strip() == "+++":
        end = next((i for i in range(first + 1, len(lines)) if lines[i].strip() == "+++"), None)
        if end is None:
            raise InputError(
                "front matter opened with +++ is never closed",
                "a closing +++ line",
                Location(path, first + 1, 1),
            )
        meta = _toml(lines[first + 1 : end], path, first + 2)
        start = end + 1
    table = _find_table(lines, start, path)
    return _build(meta, table, path, Location(path, first + 1, 1))


def parse_csv(text: str, path: str = "<spec>") -> Spec:
    """A CSV table with the same headers. Metadata comes from a first line `# spec: {...}`
    holding the front matter as JSON (as `table --format csv` writes it), or overrides."""
    import csv

    lines = _lines(text)
    meta: dict = {}
    start = 0
    if lines[0].startswith(CSV_META):
        meta = _csv_meta(lines[0], path)
        start = 1
    table: list[tuple[int, list[tuple[str, int]]]] = []
    for number, line in enumerate(lines[start:], start + 1):
        if not line.strip():
            continue
        if len(line) > csv.field_size_limit():
            raise InputError(
                f"line of {len(line):,} characters",
                f"CSV lines of at most {csv.field_size_limit():,} characters",
                Location(path, number, 1),
            )
        try:
            fields = next(csv.reader([line]))
        except csv.Error as exc:
            raise InputError(
                f"malformed CSV line: {exc}", "comma-separated cells", Location(path, number, 1)
            ) from None
        cells, pos = [], 0
        for value in fields:
            found = line.find(value, pos) if value else pos
            col = (found if found >= 0 else pos) + 1
            cells.append((value, col))
            pos = max(pos, col - 1 + len(value)) + 1
        table.append((number, cells))
    if not table:
        raise InputError(
            "no layer table found", "a header line of column names", Location(path, start + 1, 1)
        )
    return _build(meta, table, path, Location(path, 1, 1))


#: The first line of a CSV that carries its front matter: this, then the front matter as
#: one line of JSON (the same keys as the TOML, which maps to JSON one to one).
CSV_META = "# spec: "


def _csv_meta(line: str, path: str) -> dict:
    import json

    try:
        meta = json.loads(line[len(CSV_META) :])
    except RecursionError:
        raise InputError(
            "the front matter line nests too deeply",
            "a few levels of objects and arrays",
            Location(path, 1, len(CSV_META) + 1),
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"bad front matter line: {exc.msg}",
            "# spec: followed by the front matter as one JSON object",
            Location(path, 1, len(CSV_META) + exc.pos + 1),
        ) from None
    if not isinstance(meta, dict):
        raise InputError(
            "the front matter line is not a JSON object",
            '# spec: {"input": "HxWxC", ...}',
            Location(path, 1, len(CSV_META) + 1),
        )
    return meta


def _toml(lines: list[str], path: str, first_line: int) -> dict:
    import tomllib

    try:
        return tomllib.loads("\n".join(lines))
    except RecursionError:
        raise InputError(
            "the front matter nests too deeply",
            "a few levels of tables and arrays",
            Location(path, first_line, 1),
        ) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line, col = (int(m[1]), int(m[2])) if m else (1, 1)
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg) or "invalid TOML"
        raise InputError(
            f"bad TOML front matter: {msg}",
            "key = value lines (https://toml.io)",
            Location(path, first_line + line - 1, col),
        ) from None


def _split_row(line: str) -> list[tuple[str, int]]:
    """Cells of a pipe-table line with their 1-based columns; `\\|` is a literal pipe."""
    pos = line.index("|") + 1 if line.lstrip().startswith("|") else 0  # outer pipes optional
    cells: list[tuple[str, int]] = []
    for part in re.split(r"(?<!\\)\|", line[pos:]):
        text = part.strip()
        cells.append((text.replace("\\|", "|"), pos + len(part) - len(part.lstrip()) + 1))
        pos += len(part) + 1
    if cells and not cells[-1][0] and line.rstrip().endswith("|"):
        cells.pop()  # the closing pipe
    return cells


def _has_pipe(line: str) -> bool:
    return "|" in line.replace("\\|", "")


def _is_separator(line: str) -> bool:
    cells = _split_row(line) if _has_pipe(line) else []
    return bool(cells) and all(re.fullmatch(r":?-+:?", c) for c, _ in cells)


def _find_table(lines: list[str], start: int, path: str) -> list[tuple[int, list]]:
    """The table's lines. It starts at a line opening with `|` (or a piped line over a
        separator row); rows may lack outer pipes; blank lines inside it are skipped; it ends
        at the first line of prose. After it, a piped line outside a later table (a header over
    a separator row, ignored) is an error: a row is read or refused, never dropped."""
    rows: list[tuple[int, list]] = []
    end = len(lines)
    for i in range(start, len(lines)):
        stripped = lines[i].strip()
        if not rows:
            opens = stripped.startswith("|") or (
                _has_pipe(stripped) and i + 1 < len(lines) and _is_separator(lines[i + 1])
            )
            if opens:
                rows.append((i + 1, _split_row(lines[i])))
        elif _has_pipe(stripped) and not (
            len(rows) > 1 and i + 1 < len(lines) and _is_separator(lines[i + 1])
        ):
            rows.append((i + 1, _split_row(lines[i])))
        elif stripped:
            end = i
            break
    other_table = False  # a later table (header over a separator row) is the spec's notes
    for i in range(end, len(lines)):
        if not _has_pipe(lines[i]):
            other_table = False
        elif i + 1 < len(lines) and _is_separator(lines[i + 1]):
            other_table = True
        elif not other_table:
            raise InputError(
                f"a table line after the table ended (prose at line {end + 1})",
                "one layer table with its rows together (write \\| for a | in prose)",
                Location(path, i + 1, 1),
            )
    if not rows:
        raise InputError(
            "no layer table found",
            "a Markdown pipe table whose header names the paper's columns (type, ...)",
            Location(path, start + 1, 1),
        )
    if len(rows) < 2 or not all(re.fullmatch(r":?-+:?", c) for c, _ in rows[1][1]):
        line = rows[1][0] if len(rows) > 1 else rows[0][0]
        raise InputError(
            "the table's second line is not a separator row",
            "a line like |---|---| under the header",
            Location(path, line, 1),
        )
    return [rows[0], *rows[2:]]


# --------------------------------------------------------------------------- building


def _build(meta: dict, table: list[tuple[int, list]], path: str, meta_loc: Location) -> Spec:
    header_line, header = table[0]
    fields: list[str | None] = []
    for text, col in header:
        _check_chars(text, Location(path, header_line, col))
        key = _norm(text)
        if key.startswith(_OUTPUT_ONLY):
            fields.append(None)
            continue
        if key not in _HEADER_ALIASES:
            raise InputError(
                f"unknown column {text!r}",
                "one of " + ", ".join(a[0] for a in COLUMNS.values()) + " (docs/spec-format.md)",
                Location(path, header_line, col),
            )
        f = _HEADER_ALIASES[key]
        if f in fields:
            raise InputError(
                f"column {text!r} appears twice",
                "each column once",
                Location(path, header_line, col),
            )
        fields.append(f)
    for required in REQUIRED_FIELDS:
        if required not in fields:
            raise InputError(
                f"the header has no {COLUMNS[required][0]!r} column",
                "the paper's columns: " + ", ".join(COLUMNS[f][0] for f in PAPER_FIELDS),
                Location(path, header_line, 1),
            )
    if len(table) == 1:
        raise InputError(
            "the table has no rows", "one row per layer", Location(path, header_line, 1)
        )

    rows: list[Row] = []
    names: dict[str, Row] = {}
    counters: dict[str, int] = {}
    unrolled = 0
    for line, cells in table[1:]:
        if len(cells) != len(fields):
            raise InputError(
                f"row has {len(cells)} cells, the header has {len(fields)}",
                f"{len(fields)} cells separated by |",
                Location(path, line, 1),
            )
        row = _row(len(rows), line, cells, fields, path, names, counters)
        names[row.name] = row
        rows.append(row)
        unrolled += len(row.block.layers) * row.block.repeat if row.block else 1
        if unrolled > MAX_LAYERS:
            raise InputError(
                f"the table unrolls to more than {MAX_LAYERS:,} layers by this row",
                f"a network of at most {MAX_LAYERS:,} layers (rows, and convolutions of"
                " repeated building blocks)",
                row.loc,
            )

    columns = tuple(f for f in fields if f)
    spec = _metadata(meta, path, meta_loc, tuple(rows), columns)
    for v in spec.variants:
        if v.cells:
            variant_row(spec, v)  # fail now, not when the audit first asks
    return spec


def _row(
    index: int,
    line: int,
    cells: list[tuple[str, int]],
    fields: list[str | None],
    path: str,
    names: dict[str, Row],
    counters: dict[str, int],
) -> Row:
    raw: dict[str, str] = {}
    locs: dict[str, Location] = {}
    for f, (text, col) in zip(fields, cells, strict=True):
        if f is None or is_empty(text):
            continue
        raw[f] = text
        locs[f] = Location(path, line, col)
    loc = Location(path, line, cells[0][1] if cells else 1)
    if "type" not in raw:
        raise InputError("row has no type", "a layer type such as convolution", loc)
    values = _typed_cells(raw, locs)
    name = values.pop("name", None)
    kind = values["type"]
    if name is None:
        prefix = ROW_TYPES[kind][1]
        counters[prefix] = counters.get(prefix, 0) + 1
        name = f"{prefix}{counters[prefix]}"
        while name in names:
            counters[prefix] += 1
            name = f"{prefix}{counters[prefix]}"
    elif name in names:
        where = locs.get("name", locs["type"])
        raise InputError(f"row name {name!r} is used twice", "a unique name per row", where)
    else:
        values["named"] = True
    source = values.get("input")
    if source is not None and source != "input" and source not in names:
        raise InputError(
            f"input {source!r} names no earlier row",
            "the name of a row above this one, or 'input'",
            locs["input"],
        )
    return Row(index=index, name=name, loc=loc, raw=raw, locs=locs, **values)


def _typed_cells(raw: dict[str, str], locs: dict[str, Location]) -> dict:
    """Parse each cell by its column; errors carry the cell's location."""
    out: dict = {}
    for f, text in raw.items():
        _check_chars(text, locs[f])
        try:
            if f == "type":
                for key, value in _parse_type(text).items():
                    out.setdefault(key, value)
            elif f == "patch":
                out["patch"] = parse_patch(text)
            elif f == "output":
                out["output"] = parse_shape(text)
            elif f == "depth":
                t = text.strip()
                out["depth"] = 0 if t == "0" else parse_count(t, "depth")
            elif f in BRANCH_FIELDS:
                out[f] = parse_count(text, COLUMNS[f][0])
            elif f in ("params", "ops"):
                out[f] = parse_quantity(text, f"claimed {f}")
            elif f == "name":
                if "name" not in out:
                    out["name"] = text.strip()
            elif f == "input":
                out["input"] = text.strip()
            elif f == "phase":
                out["train_only"] = _parse_phase(text)
            elif f == "activation":
                out["activation"] = _parse_activation(text)
            elif f == "added":
                out["added"] = text.strip()
            elif f == "groups":
                out["groups"] = parse_count(text, "groups")
            elif f == "padding":
                out["padding"] = parse_padding(text)
            elif f == "block":
                out["block"] = parse_block(text)
            elif f == "table":
                out["table"] = text.strip()
        except InputError as exc:
            exc.where = locs[f]
            raise
    return out


def _check_chars(text: str, loc: Location) -> None:
    """A cell with a control, format (zero-width) or separator character is refused, not
    read with the character stripped: what is invisible must not change what is read."""
    import unicodedata

    for i, c in enumerate(text):
        if c != "\t" and unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp"):
            name = unicodedata.name(c, "a control character")
            raise InputError(
                f"cell has the invisible character U+{ord(c):04X} ({name})",
                "printable text only",
                Location(loc.path, loc.line, loc.col + i),
            )


def parse_block(text: str) -> ResidualBlock:
    """`[1x1, 64; 3x3, 64; 1x1, 256] x 3`: ResNet's bracketed block and its repeat count."""
    m = _BLOCK.fullmatch(text.strip())
    layers = []
    for part in m[1].split(";") if m else []:
        lm = _BLOCK_LAYER.fullmatch(part.strip())
        if not lm:
            break
        kh, kw = parse_count(lm[1], "block kernel"), parse_count(lm[2], "block kernel")
        layers.append((kh, kw, parse_count(lm[3], "block filters")))
    else:
        if m and layers:
            repeat = parse_count(m[2], "block repeat")
            if repeat > MAX_REPEAT:
                raise InputError(
                    f"a building block repeated {repeat:,} times",
                    f"a repeat of at most {MAX_REPEAT:,}",
                )
            return ResidualBlock(tuple(layers), repeat)
    raise InputError(
        f"malformed building block {text.strip()!r}",
        "[KxK, C; KxK, C] x N, as in [3x3, 64; 3x3, 64] x 2",
    )


def _parse_type(text: str) -> dict:
    m = re.fullmatch(r"\s*([^()]*?)\s*(?:\(([^()]*)\))?\s*", text)
    if m and (tm := _CONV_TOKEN.fullmatch(m[1])):
        k = parse_count(tm[1], "kernel size")
        filters = parse_count(tm[2], "filters")
        return {"type": "convolution", "patch": Patch(k, k, 1), "filters": filters}
    if m and (tm := _FC_TOKEN.fullmatch(m[1])):
        return {"type": "linear", "filters": parse_count(tm[1], "units")}
    if not m or _norm(m[1]) not in _TYPE_ALIASES:
        raise InputError(
            f"unknown layer type {text.strip()!r}",
            "one of " + ", ".join(ROW_TYPES) + " (docs/spec-format.md)",
        )
    out: dict = {"type": _TYPE_ALIASES[_norm(m[1])]}
    for item in (m[2] or "").split(","):
        item = item.strip()
        if not item:
            continue
        if item.endswith("%"):
            out["rate"] = parse_percent(item)
        elif mm := re.fullmatch(r"(?:x|depth multiplier\s*)([0-9]+)", item, re.I):
            out["multiplier"] = parse_count(mm[1], "depth multiplier")
        else:
            out["name"] = item
    return out


def _parse_phase(text: str) -> bool:
    key = _norm(text)
    if key in ("train", "training", "trainingonly", "trainonly"):
        return True
    if key in ("inference", "both", "all", "test"):
        return False
    raise InputError(f"unknown phase {text.strip()!r}", "train (training only) or inference")


def _parse_activation(text: str) -> str:
    key = _norm(text)
    if key in ACTIVATIONS or key == "linear":
        return "none" if key == "linear" else key
    raise InputError(f"unknown activation {text.strip()!r}", "relu, tanh or none")


ACTIVATIONS = ("relu", "tanh", "none")


# --------------------------------------------------------------------------- metadata

_META_KEYS = {
    "name",
    "title",
    "input",
    "source",
    "conventions",
    "claimed",
    "claims",
    "variants",
    "connection_tables",
}


def _metadata(meta: dict, path: str, loc: Location, rows: tuple[Row, ...], columns) -> Spec:
    _check_keys(meta, _META_KEYS, "front matter", loc)
    name = _str(meta, "name", loc) or Path(path).stem
    input_text = _str(meta, "input", loc)
    try:
        input_shape = parse_shape(input_text) if input_text else None
    except InputError as exc:
        exc.where = loc
        raise
    source = meta.get("source", {})
    _check_keys(source, {"citation", "table", "url"}, "[source]", loc)
    conventions = meta.get("conventions", {})
    tables = _connection_tables(meta.get("connection_tables", {}), loc)
    for row in rows:
        if row.table is not None and row.table not in tables:
            raise InputError(
                f"connection table {row.table!r} is not in the front matter",
                "a [connection_tables] entry of that name",
                row.at("table"),
            )
    return Spec(
        path=path,
        name=name,
        title=_str(meta, "title", loc) or name,
        source=Source(**{k: str(v) for k, v in source.items()}),
        input_shape=input_shape,
        conventions=_conventions(conventions, loc),
        reading=_reading(meta.get("claimed", {}), loc),
        claims=tuple(_claim(c, path, loc) for c in _list(meta, "claims", loc)),
        variants=tuple(_variant(v, conventions, loc) for v in _list(meta, "variants", loc)),
        rows=rows,
        columns=columns,
        connection_tables=tables,
    )


def _connection_tables(table: dict, loc: Location) -> dict[str, tuple[tuple[int, ...], ...]]:
    """Each table is written as the paper prints it: one string per input map, an X in
    the column of every output map that reads it."""
    if not isinstance(table, dict):
        raise InputError("[connection_tables] is not a table", "a TOML table: name = [...]", loc)
    out = {}
    for name, lines in table.items():
        if (
            not isinstance(lines, list)
            or not lines
            or not all(isinstance(x, str) and x for x in lines)
            or len({len(x) for x in lines}) != 1
        ):
            raise InputError(
                f"connection table {name!r} is not a list of equal-length strings",
                'one string per input map, such as "X...XXX..XXXX.XX"',
                loc,
            )
        width = len(lines[0])
        reads = tuple(
            tuple(i for i, line in enumerate(lines) if line[j] in "Xx") for j in range(width)
        )
        if not all(reads):
            j = next(j for j, r in enumerate(reads) if not r)
            raise InputError(
                f"connection table {name!r}: output map {j} reads no input map",
                "an X in every column",
                loc,
            )
        out[name] = reads
    return out


def _check_keys(table: object, allowed: set[str], where: str, loc: Location) -> None:
    if not isinstance(table, dict):
        raise InputError(f"{where} is not a table", "a TOML table", loc)
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InputError(
            f"unknown key {unknown[0]!r} in {where}", "one of " + ", ".join(sorted(allowed)), loc
        )


def _str(table: dict, key: str, loc: Location) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise InputError(f"{key} must be a string", f'{key} = "..."', loc)
    return value


def _list(table: dict, key: str, loc: Location) -> list[dict]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError(f"{key} must be an array of tables", f"[[{key}]] sections", loc)
    return value


def _choice(table: dict, key: str, allowed: tuple, default, loc: Location):
    value = table.get(key, default)
    if value not in allowed:
        raise InputError(
            f"{key} = {value!r} is not allowed", "one of " + ", ".join(map(str, allowed)), loc
        )
    return value


def parse_padding(value: object, what: str = "padding") -> str | int:
    """`same`, `valid` or a whole number of pixels on each side."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str):
        v = value.strip().lower()
        if v in ("same", "valid"):
            return v
        if v[:1].isdigit():
            return whole_number(v, what, minimum=0)
    raise InputError(f"{what} {value!r} is not allowed", "same, valid or a whole number N >= 0")


def _conventions(table: dict, loc: Location) -> Conventions:
    keys = {
        "pool_rounding",
        "conv_padding",
        "pool_padding",
        "bias",
        "conv_activation",
        "lrn",
        "pool_patch",
        "batch_norm",
        "bn_conv_bias",
        "bn_eps",
        "residual_stride",
        "shortcut",
        "inception_5x5",
        "inception",
    }
    _check_keys(table, keys, "[conventions]", loc)
    lrn_table = table.get("lrn", {})
    _check_keys(lrn_table, {"size", "alpha", "beta", "k"}, "[conventions.lrn]", loc)
    try:
        lrn = Lrn(**{k: v for k, v in lrn_table.items()})
        if isinstance(lrn.size, bool) or not isinstance(lrn.size, int) or lrn.size < 1:
            raise InputError("lrn size must be a positive integer", "size = 5", loc)
        if lrn.size > MAX_LAYERS:
            raise InputError(f"lrn size {lrn.size} is too wide", f"at most {MAX_LAYERS:,}", loc)
        for key in ("alpha", "beta", "k"):
            value = getattr(lrn, key)
            if not _finite(value) or value < 0 or (key == "k" and value == 0):
                raise InputError(
                    f"lrn {key} = {value!r} is not allowed",
                    "a finite number, >= 0 (k > 0), such as alpha = 0.0001",
                    loc,
                )
        flags = {}
        for key, default in (("bias", True), ("batch_norm", False), ("bn_conv_bias", False)):
            flags[key] = table.get(key, default)
            if not isinstance(flags[key], bool):
                raise InputError(
                    f"{key} must be true or false", f"{key} = {str(default).lower()}", loc
                )
        eps = table.get("bn_eps", 1e-5)
        if not _finite(eps) or eps <= 0:
            raise InputError("bn_eps must be a positive number", "bn_eps = 1e-5", loc)
        pool_patch = table.get("pool_patch")
        return Conventions(
            pool_rounding=_choice(table, "pool_rounding", ("ceil", "floor"), "ceil", loc),
            conv_padding=parse_padding(table.get("conv_padding", "same"), "conv_padding"),
            pool_padding=parse_padding(table.get("pool_padding", "valid"), "pool_padding"),
            bias=flags["bias"],
            conv_activation=_choice(table, "conv_activation", ACTIVATIONS, "relu", loc),
            lrn=lrn,
            pool_patch=parse_patch(str(pool_patch)) if pool_patch is not None else None,
            batch_norm=flags["batch_norm"],
            bn_conv_bias=flags["bn_conv_bias"],
            bn_eps=float(eps),
            residual_stride=_choice(table, "residual_stride", ("first", "3x3"), "first", loc),
            shortcut=_choice(table, "shortcut", ("projection", "zero-pad"), "projection", loc),
            inception_5x5=_choice(table, "inception_5x5", ("5x5", "two 3x3"), "5x5", loc),
            inception=_choice(table, "inception", ("reduced", "naive"), "reduced", loc),
        )
    except InputError as exc:
        exc.where = exc.where or loc
        raise


def _finite(value: object) -> bool:
    """A real number from TOML or JSON that is not a boolean, NaN or infinite."""
    import math

    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _reading(table: dict, loc: Location) -> ClaimReading:
    _check_keys(table, {"params_unit", "params_bias", "ops", "ops_unit"}, "[claimed]", loc)
    units = ("auto", "decimal", "binary")
    return ClaimReading(
        params_unit=_choice(table, "params_unit", units, "auto", loc),
        params_bias=_choice(table, "params_bias", ("auto", "with", "without"), "auto", loc),
        ops=_choice(table, "ops", ("auto", "multiply-adds", "flops", "connections"), "auto", loc),
        ops_unit=_choice(table, "ops_unit", units, "auto", loc),
    )


CLAIM_QUANTITIES = (
    "macs",
    "params",
    "depth",
    "depth_with_pooling",
    "params_ratio",  # the `against` network's params / this one's
    "depth_ratio",  # this network's depth / the `against` network's
    "connections",  # multiply-adds + bias adds (LeNet-5's unit)
    "neurons",  # output units of the layers with weights
)


def _claim(table: dict, path: str, loc: Location) -> PaperClaim:
    keys = {"id", "text", "source", "quantity", "value", "relation", "against"}
    _check_keys(table, keys, "[[claims]]", loc)
    cid = _str(table, "id", loc)
    if not cid:
        raise InputError("a claim has no id", 'id = "budget"', loc)
    value = table.get("value")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InputError(
            f"claim {cid!r} value must be an integer or a string", 'value = "1.5G"', loc
        )
    try:
        quantity = parse_quantity(str(value), f"claim {cid!r} value")
    except InputError as exc:
        exc.where = loc
        raise
    return PaperClaim(
        id=cid,
        text=_str(table, "text", loc),
        source=_str(table, "source", loc),
        quantity=_choice(table, "quantity", CLAIM_QUANTITIES, None, loc),
        value=quantity,
        relation=_choice(table, "relation", ("equal", "at most", "at least"), "equal", loc),
        against=_str(table, "against", loc),
        loc=loc,
    )


def _variant(table: dict, conventions: dict, loc: Location) -> Variant:
    """`conventions` is the front matter's own table: a variant's keys replace its keys."""
    meta_keys = {"row", "name", "title", "source", "conventions", "input"}
    cells = {k: v for k, v in table.items() if k not in meta_keys}
    for key in cells:
        if key not in COLUMNS or not isinstance(cells[key], str | int):
            raise InputError(
                f"variant key {key!r} is not a column",
                "row, name, title, source, or a column field (type, patch, output, ...)",
                loc,
            )
    if not _str(table, "name", loc):
        raise InputError("a variant has no name", 'name = "..."', loc)
    if cells and not _str(table, "row", loc):
        raise InputError("a variant that replaces cells has no row", 'row = "conv1"', loc)
    if not (cells or "conventions" in table or "input" in table):
        raise InputError(
            f"variant {table['name']!r} changes nothing",
            "cells of a row, a [variants.conventions] table or an input size",
            loc,
        )
    changed = None
    if "conventions" in table:
        if not isinstance(table["conventions"], dict):
            raise InputError(
                "a variant's conventions is not a table", "conventions = { key = value }", loc
            )
        changed = _conventions({**conventions, **table["conventions"]}, loc)
    input_shape = None
    if "input" in table:
        try:
            input_shape = parse_shape(_str(table, "input", loc))
        except InputError as exc:
            exc.where = loc
            raise
    return Variant(
        row=_str(table, "row", loc),
        name=table["name"],
        title=_str(table, "title", loc),
        source=_str(table, "source", loc),
        cells=tuple((k, str(v)) for k, v in cells.items()),
        loc=loc,
        conventions=changed,
        input_shape=input_shape,
    )


def variant_row(spec: Spec, variant: Variant) -> Row:
    """The row as the variant reads it: the original row with some cells replaced."""
    try:
        row = spec.row(variant.row)
    except KeyError:
        raise InputError(
            f"variant {variant.name!r} names no row {variant.row!r}",
            "the name of a table row such as conv1",
            variant.loc,
        ) from None
    raw = {**row.raw, **dict(variant.cells)}
    locs = {**row.locs, **{k: variant.loc for k, _ in variant.cells}}
    values = _typed_cells(raw, locs)
    values.pop("name", None)
    return replace(row, raw=raw, locs=locs, **values)


def check_variant_runs(spec: Spec, variant: str, aux: bool) -> None:
    """A variant of a training-only row changes nothing at inference: say so, not run it."""
    chosen = next((v for v in spec.variants if v.name == variant), None)
    if chosen and chosen.cells and not aux and spec.row(chosen.row).train_only:
        raise InputError(
            f"variant {variant!r} changes {chosen.row!r}, a training-only row left out",
            "--aux to include the training-only rows",
            chosen.loc,
        )


def with_overrides(
    spec: Spec,
    *,
    input_shape: Shape | None = None,
    bias: bool | None = None,
    pool_rounding: str | None = None,
    conv_padding: str | int | None = None,
) -> Spec:
    """The spec with settings given on the command line; the file itself is untouched."""
    changed: list[str] = list(spec.overrides)
    conv = spec.conventions
    updates = {
        "bias": bias,
        "pool_rounding": pool_rounding,
        "conv_padding": conv_padding,
    }
    for key, value in updates.items():
        if value is not None and value != getattr(conv, key):
            conv = replace(conv, **{key: value})
            changed.append(key)
    shape = spec.input_shape
    if input_shape is not None and input_shape != shape:
        shape = input_shape
        changed.append("input")
    return replace(spec, input_shape=shape, conventions=conv, overrides=tuple(changed))
