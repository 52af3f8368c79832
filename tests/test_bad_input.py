"""Every kind of bad input: one line `FILE:LINE:COL: error: ...; expected ...`, exit 2.

Most cases are a row of one of two tables: BAD_SPECS (a spec written to a file, the
command that reads it, and the place and words of the line it must give) and
BAD_OPTIONS (a command line refused in one line). The cases that need more (several runs
held together, several error lines, a file that is not a regular file, a failing disk)
are named tests below them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from tiny_spec import HEADER, spec_text

LINE = re.compile(r"^\S+:\d+:\d+: error: .+; expected .+$")


def check(result, where: str, what: str):
    assert result.exit_code == 2
    assert result.stdout == ""
    err = result.stderr
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert LINE.match(err.strip()), err
    assert where in err and what in err, err


@dataclass(frozen=True)
class Bad:
    """`COMMAND FILE ARGS`, FILE holding `text` (no FILE when `text` is None): refused in
    one line at `where` that says `what`."""

    id: str
    text: str | bytes | None
    where: str
    what: str
    args: tuple[str, ...] = ()
    name: str = "spec.md"
    commands: tuple[str, ...] = ("table",)


# The specs the cases are written in.
SOFTMAX = "| softmax | | 8x8x2 | | | |\n"
RES = (
    '+++\ninput = "8x8x4"\n+++\n'
    "| type | output size | building block | groups |\n|---|---|---|---|\n"
)
FIRE = (
    '+++\ninput = "8x8x8"\n+++\n'
    "| type | output size | s1x1 | e1x1 | e3x3 | #3x3 |\n|---|---|---|---|---|---|\n"
)
NET = (
    '+++\ninput = "8x8x4"\n{front}\n+++\n'
    "| type | patch size/stride | output size | building block | connection table | groups"
    " | padding |\n|---|---|---|---|---|---|---|\n"
)


def net(rows: str, front: str = "") -> str:
    return NET.format(front=front) + rows


# Issue 18: MobileNetV2's, ResNeXt's and DenseNet's kinds.
V2 = (
    '+++\ninput = "8x8x8"\n[conventions]\nbatch_norm = true\n+++\n'
    "| operator | t | c | n | s |\n|---|---|---|---|---|\n"
)
# ShuffleNet V2's Table 5: width columns read by variants, claim rows, the unit's channels.
SHUFFLE = (
    '+++\ninput = "8x8x8"\n[conventions]\nbatch_norm = true\n'
    '[columns]\n"1×" = "filters"\n"2×" = "note"\n'
    '# [claim_rows."# of weights"]\n# quantity = "params"\n'
    '[[variants]]\nname = "2x"\ntitle = "t"\nsource = "s"\ncolumns = { filters = "2×" }\n'
    '[kinds.stage]\nextends = "shufflenet v2 unit"\n+++\n'
    "| Layer | Output size | Stride | Repeat | 1× | 2× |\n|---|---|---|---|---|---|\n"
)
CLAIMED = SHUFFLE.replace("# [claim_rows", "[claim_rows").replace("# quantity", "quantity")
# Issue 18: EfficientNet-B0's squeeze-and-excitation, spellings and resolutions.
SE_KIND = (
    '+++\ninput = "8x8x16"\n[kinds."se block"]\nspellings = ["se block"]\n'
    'branches = [{ layers = [{ op = "se", name = "se", ratio = RATIO }] }]\n+++\n'
    "| type | output size |\n|---|---|\n| se block | 8x8x16 |\n"
)
MB = (
    '+++\ninput = "8x8x8"\n[kinds.mb]\nspellings = ["MB{expansion}, k{patch}"]\n'
    'stride = ["dw"]\nstride_from_sizes = true\nbranches = [{ layers = [\n'
    '  { op = "conv", name = "expand", kernel = 1, filters = "input * expansion" },\n'
    '  { op = "dwconv", name = "dw", kernel = "patch", filters = "input", padding = "same" },\n'
    "] }]\n+++\n| operator | resolution | c |\n|---|---|---|\n"
)
BOTH = ("table", "verify")
SHUFFLE_ROW = "| Stage2 | 4×4 | 2 | 1 | 16 | 32 |\n"
CLAIMS_P = '[[claims]]\nid = "p"\nquantity = "params"\nvalue = "1K"\n'


def _zero_or_negative(cell: str) -> str:
    return (
        '+++\ninput = "8x8x3"\n+++\n'
        "| type | patch size/stride | output size | #1x1 |\n|---|---|---|---|\n"
        f"| inception | | 8x8x3 | {cell} |\n"
    )


def _training_only_variant() -> str:
    """A variant that changes a training-only row (the audit reads it with --aux)."""
    front = (
        'input = "8x8x3"\n[[variants]]\nrow = "aux"\nname = "wide"\ntype = "conv"\noutput = "8x8x8"'
    )
    text = spec_text(
        "| convolution | 3x3/1 | 8x8x4 | | | |\n| convolution (aux) | 1x1/1 | 8x8x4 | | | |\n",
        front,
    ).replace("| depth | params | ops |", "| depth | params | phase |")
    return text.replace(
        "| 8x8x4 | | | |\n| convolution (aux) | 1x1/1 | 8x8x4 | | | |",
        "| 8x8x4 | | | |\n| convolution (aux) | 1x1/1 | 8x8x4 | | | train |",
    )


def _growth_rate_without_dense_block() -> str:
    text = spec_text("| convolution | 3x3/1 | 8x8x4 | | | |", 'input = "8x8x3"')
    text = text.replace("| ops |\n", "| ops | growth rate |\n").replace("|---|\n", "|---|---|\n", 1)
    return text.replace("| | | |", "| | | | 32 |")


BAD_SPECS = [
    # the file and its table
    Bad("empty file", "", "spec.md:1:1", "is empty"),
    Bad("not UTF-8", b'+++\ninput = "8x8x3"\n+++\n| caf\xe9 |\n', "spec.md:4:6", "not UTF-8"),
    Bad("no table", '+++\ninput = "8x8x3"\n+++\n\nJust prose.\n', "spec.md:4:1", "no layer table"),
    Bad(
        "header without the type column",
        '+++\ninput = "8x8x3"\n+++\n| patch size | output size |\n|---|---|\n| 3x3 | 8x8x3 |\n',
        "spec.md:4:1",
        "no 'type' column",
    ),
    Bad(
        "unknown column",
        spec_text("| softmax | | 8x8x3 | | | |\n").replace("| ops |", "| opz |"),
        "spec.md:5:",
        "unknown column 'opz'",
    ),
    Bad(
        "wrong number of cells",
        spec_text("| softmax | | 8x8x3 |\n"),
        "spec.md:7:1",
        "row has 3 cells",
    ),
    Bad(
        "row after the table ended",
        spec_text("| softmax | | 8x8x3 | | | |\n") + "Some prose.\n| softmax | | 8x8x3 | | | |\n",
        "spec.md:9:1",
        "after the table ended",
    ),
    Bad("spec over 16 MiB", "+" * (16 * 1024 * 1024 + 1), "spec.md:1:1", "16 MiB"),
    Bad(
        "csv without an input size",
        "type,patch size/stride,output size\nsoftmax,,1x1x3\n",
        "t.csv:1:1",
        "gives no input size",
        name="t.csv",
    ),
    Bad(
        "csv field over the csv module's limit",
        'type,patch size/stride,output size\n"' + "a" * 140_000 + '",,1x1x3\n',
        "t.csv:2:1",
        "140,009 characters",
        args=("--input", "8x8x3"),
        name="t.csv",
    ),
    # front matter
    Bad(
        "bad TOML front matter",
        '+++\ninput = "8x8x3\n+++\n' + HEADER,
        "spec.md:2:",
        "bad TOML front matter",
    ),
    Bad(
        "unclosed front matter",
        '+++\ninput = "8x8x3"\n' + HEADER,
        "spec.md:1:1",
        "never closed",
    ),
    Bad(
        "front matter nested too deeply",
        "+++\na = " + "[" * 100_000 + "\n+++\n" + HEADER,
        "spec.md:2:1",
        "nests too deeply",
        args=("--input", "8x8x3"),
    ),
    Bad(
        "csv front matter nested too deeply",
        "# spec: " + "[" * 100_000 + "\ntype\nsoftmax\n",
        "t.csv:1:9",
        "nests too deeply",
        args=("--input", "8x8x3"),
        name="t.csv",
    ),
    # cells
    Bad(
        "unknown layer type",
        spec_text("| convolutoin | 3x3/1 | 8x8x3 | | | |\n"),
        "spec.md:7:3",
        "unknown layer type",
    ),
    Bad(
        "malformed patch size",
        spec_text("| convolution | 3x3/ | 8x8x3 | | | |\n"),
        "spec.md:7:17",
        "malformed patch size",
    ),
    Bad(
        "malformed output size",
        spec_text("| convolution | 3x3/1 | 8x8x | | | |\n"),
        "spec.md:7:25",
        "malformed size",
    ),
    Bad(
        # 8x8 is a size whose channels a table prints elsewhere (ShuffleNet V2); here none
        "output size without channels where none are given",
        spec_text("| convolution | 3x3/1 | 8x8 | | | |\n"),
        "spec.md:7:25",
        "gives no output channels (its output size 8x8 prints none)",
    ),
    Bad("zero #1x1", _zero_or_negative("0"), "spec.md:6:", "#1x1"),
    Bad("negative #1x1", _zero_or_negative("-3"), "spec.md:6:", "#1x1"),
    Bad(
        "zero claim",
        spec_text("| convolution | 3x3/1 | 8x8x3 | | 0K | |\n"),
        "spec.md:7:",
        "must be positive",
    ),
    Bad(
        "kernel larger than its padded input",
        spec_text("| max pool | 9x9/1 | 1x1x3 | | | |\n"),
        "spec.md:7:14",
        "larger than its padded input 8x8",
    ),
    Bad(
        "inconsistent channel counts",
        '+++\ninput = "8x8x3"\n+++\n'
        "| type | patch size/stride | output size | #3x3 reduce | #3x3 |\n"
        "|---|---|---|---|---|\n| convolution | 3x3/1 | 8x8x192 | 64 | 128 |\n",
        "spec.md:6:",
        "inconsistent channel counts",
    ),
    Bad(
        "input naming no earlier row",
        spec_text("| softmax | | 8x8x3 | | | 4a |\n").replace("| ops |", "| input |"),
        "spec.md:7:",
        "input '4a' names no earlier row",
    ),
    Bad(
        "non-ASCII digit in a cell",
        spec_text("| convolution | 3x3/1 | 8x8x1² | | | |\n"),
        "spec.md:7:25",
        "non-ASCII digit '²'",
    ),
    Bad(
        "integer of 200 digits in a cell",
        spec_text(f"| convolution | 3x3/1 | 8x8x{'9' * 200} | | | |\n"),
        "spec.md:7:25",
        "200 digits",
    ),
    *(
        Bad(
            f"invisible character {char!r} in a type",
            spec_text(f"| max{char} pool | 2x2/2 | 4x4x3 | | | |\n"),
            "spec.md:7:6",
            "invisible character",
        )
        for char in ("\x00", "\u200b", "\x0c", "\x1b")
    ),
    Bad(
        "zero-filter convolution token",
        '+++\ninput = "8x8x3"\n+++\n| type | output size |\n|---|---|\n| conv3-0 | |\n',
        "spec.md:6:3",
        "filters must be positive, got 0",
        commands=BOTH,
    ),
    # the other networks' cells
    Bad(
        "malformed building block",
        RES + "| residual | 8x8x4 | [3x3 64; 3x3, 64] x 2 | |\n",
        "spec.md:6:22",
        "malformed building block",
    ),
    Bad(
        "residual stride must divide",
        RES + "| residual | 3x3x4 | [3x3, 4; 3x3, 4] x 1 | |\n",
        "spec.md:6:14",
        "does not divide the input height 8",
    ),
    Bad(
        "residual without a block",
        RES + "| residual | 8x8x4 | | |\n",
        "spec.md:6:",
        "no building block",
    ),
    Bad(
        "zero kernel in a building block",
        RES + "| residual | 8x8x64 | [0x0, 64] x 1 | |\n",
        "spec.md:6:23",
        "block kernel must be positive",
        commands=BOTH,
    ),
    Bad(
        "groups must divide the channels",
        RES.replace("building block", "patch size/stride") + "| conv | 8x8x6 | 3x3/1 | 4 |\n",
        "spec.md:6:26",
        "do not split into 4 groups",
    ),
    Bad(
        "unknown connection table",
        '+++\ninput = "8x8x2"\n+++\n| type | patch size/stride | output size | connection table |\n'
        "|---|---|---|---|\n| conv | 3x3/1 | 8x8x2 | Table II |\n",
        "spec.md:6:26",
        "connection table 'Table II' is not",
    ),
    Bad(
        "connection table of the wrong size",
        '+++\ninput = "8x8x2"\n[connection_tables]\nT = ["XX", "X."]\n+++\n'
        "| type | patch size/stride | output size | connection table |\n"
        "|---|---|---|---|\n| conv | 3x3/1 | 8x8x3 | T |\n",
        "spec.md:8:26",
        "connection table 'T' has 2 output maps",
    ),
    Bad(
        "connection table with an unread output",
        spec_text(SOFTMAX, 'input = "8x8x2"\n[connection_tables]\nT = ["X.", "X."]'),
        "spec.md:3:1",
        "output map 1 reads no",
    ),
    Bad(
        "variant that changes nothing",
        spec_text(SOFTMAX, 'input = "8x8x2"\n[[variants]]\nname = "x"'),
        "spec.md:3:1",
        "changes nothing",
    ),
    Bad(
        "bad convention value",
        spec_text(SOFTMAX, 'input = "8x8x2"\n[conventions]\nshortcut = "identity"'),
        "spec.md:3:1",
        "shortcut = 'identity' is not allowed",
    ),
    # kinds, columns, cells as printed
    Bad(
        "unknown kind suggests the nearest",
        FIRE + "| fier | 8x8x16 | 4 | 8 | 8 | |\n",
        "spec.md:6:3",
        "unknown layer type 'fier' (did you mean",
    ),
    Bad(
        "zero in a column the kind requires",
        FIRE + "| fire | 8x8x16 | 0 | 8 | 8 | |\n",
        "spec.md:6:19",
        "s1x1 is 0",
    ),
    Bad(
        "a count the kind needs is blank",
        FIRE + "| fire | 8x8x16 | 4 | 8 | | |\n",
        "spec.md:6:",
        "has no 'e3x3' count",
    ),
    Bad(
        "a cell the kind does not read",
        FIRE + "| fire | 8x8x16 | 4 | 8 | 8 | 8 |\n",
        "spec.md:6:31",
        "a fire row does not read '#3x3'",
    ),
    Bad(
        "a module stride with no place",
        '+++\ninput = "8x8x8"\n+++\n| type | patch size/stride | #1x1 |\n|---|---|---|\n'
        "| inception | stride 2 | 4 |\n",
        "spec.md:6:15",
        "has no place for stride 2",
    ),
    Bad(
        "a pool kind the module has no place for",
        '+++\ninput = "8x8x8"\n+++\n| type | #1x1 | pool proj |\n|---|---|---|\n'
        "| inception | 4 | avg + 4 |\n",
        "spec.md:6:19",
        "no pool whose kind",
    ),
    Bad(
        "contradictory stride and patch",
        '+++\ninput = "8x8x8"\n+++\n| type | patch size/stride |\n|---|---|\n'
        "| conv / s2 | 3x3/1 |\n",
        "spec.md:6:3",
        "stride 2 and patch 3x3/1 disagree",
    ),
    Bad(
        "multiplier on a plain convolution",
        spec_text("| convolution (x5) | 3x3/1 | 8x8x3 | | | |\n"),
        "spec.md:7:3",
        "takes no multiplier x5",
    ),
    Bad(
        "repeat over an empty group",
        spec_text("| 5× [] | | | | | |\n"),
        "spec.md:7:3",
        "a repeat over an empty group",
    ),
    Bad(
        "repeated group never closed",
        spec_text("| 2× [convolution | 3x3/1 | 8x8x3 | | | |\n| softmax | | 8x8x3 | | | |\n"),
        "spec.md:7:3",
        "never closed",
    ),
    Bad(
        "filter shape reading other channels",
        '+++\ninput = "8x8x3"\n+++\n| Type / Stride | Filter Shape |\n|---|---|\n'
        "| Conv / s1 | 3 × 3 × 4 × 32 |\n",
        "spec.md:6:15",
        "says 4 input channels",
    ),
    Bad(
        "input image row disagreeing with the front matter",
        spec_text("| input image | | 9x9x3 | | | |\n| softmax | | 8x8x3 | | | |\n"),
        "spec.md:7:",
        "the input image row is 9x9x3",
    ),
    Bad(
        "declared column colliding with a built-in",
        spec_text(SOFTMAX, 'input = "8x8x3"\n[columns]\n"Depth" = "note"'),
        "spec.md:4:1",
        "column 'Depth' is built in",
    ),
    Bad(
        "declared column naming no field",
        spec_text(SOFTMAX, 'input = "8x8x3"\n[columns]\n"Width" = "widht"'),
        "spec.md:4:1",
        "names no field",
    ),
    Bad(
        "kind branch naming a missing column",
        spec_text(
            SOFTMAX,
            'input = "8x8x3"\n[kinds.mine]\n'
            'branches = [{ layers = [{ op = "conv", name = "a", filters = "nope" }] }]',
        ),
        "spec.md:3:1",
        "kind 'mine' reads column 'nope'",
    ),
    Bad(
        "kind named like a built-in",
        spec_text(SOFTMAX, 'input = "8x8x3"\n[kinds.fire]\nbranches = [{ identity = true }]'),
        "spec.md:3:1",
        "is built in",
    ),
    Bad(
        "kind with an unknown op",
        spec_text(
            SOFTMAX, 'input = "8x8x3"\n[kinds.mine]\nbranches = [{ layers = [{ op = "lstm" }] }]'
        ),
        "spec.md:3:1",
        "op = 'lstm'",
    ),
    Bad(
        "kind stride to no layer",
        spec_text(
            SOFTMAX,
            'input = "8x8x3"\n[kinds.mine]\nstride = ["b"]\n'
            'branches = [{ layers = [{ op = "conv", name = "a", filters = "8" }] }]',
        ),
        "spec.md:3:1",
        "stride goes to 'b'",
    ),
    # issue 23's primitives: activation names, a squeeze-and-excite's gate, pre-activation
    Bad(
        "kind layer naming an unknown activation",
        spec_text(
            SOFTMAX,
            'input = "8x8x3"\n[kinds.mine]\nbranches = [{ layers = [{ op = "conv", name = "a",'
            ' filters = "8", activation = "mish" }] }]',
        ),
        "spec.md:3:1",
        "kind 'mine' layer 'a': unknown activation 'mish'",
    ),
    Bad(
        "a gate on a layer that is no squeeze-and-excite",
        spec_text(
            SOFTMAX,
            'input = "8x8x3"\n[kinds.mine]\nbranches = [{ layers = [{ op = "conv", name = "a",'
            ' filters = "8", gate = "hsigmoid" }] }]',
        ),
        "spec.md:3:1",
        "only an se layer has a gate or a divisor",
    ),
    Bad(
        "a squeeze-and-excite gate that is no gate",
        SE_KIND.replace("RATIO", '0.25, gate = "tanh"'),
        "spec.md:3:1",
        "gate 'tanh' is not allowed",
    ),
    Bad(
        "preactivation not a flag",
        spec_text(
            SOFTMAX,
            'input = "8x8x3"\n[kinds.mine]\npreactivation = "yes"\n'
            'branches = [{ layers = [{ op = "conv", name = "a", filters = "8" }] }]',
        ),
        "spec.md:3:1",
        "preactivation must be true or false",
    ),
    Bad(
        "unknown convolution activation",
        spec_text(SOFTMAX, 'input = "8x8x3"\n[conventions]\nconv_activation = "mish"'),
        "spec.md:3:1",
        "unknown activation 'mish'",
    ),
    Bad(
        "a leaky ReLU's slope past 1",
        spec_text(SOFTMAX, 'input = "8x8x3"\n[conventions]\nconv_activation = "leaky relu 1.5"'),
        "spec.md:3:1",
        "leaky ReLU slope 1.5 is not allowed",
    ),
    Bad(
        "kernel larger because of an upstream stride",
        spec_text(
            "| max pool | 2x2/2 | 8x8x3 | | | |\n"  # printed 8x8, comes out 4x4
            "| max pool | 5x5/1 | 4x4x3 | | | |\n"
        ),
        "spec.md:8:14",
        "spec.md:7:3 comes out 4x4x3, where the table prints 8x8x3",
    ),
    # variants and claims
    Bad(
        "variant of a training-only row",
        _training_only_variant(),
        "spec.md:3:1",
        "training-only row",
        args=("--variant", "wide"),
        commands=BOTH,
    ),
    Bad(
        "a claim error points at its own claim",
        spec_text(
            SOFTMAX,
            'input = "8x8x3"\n[[claims]]\nid = "a"\nquantity = "macs"\nvalue = "1K"\n'
            '[[claims]]\nid = "b"\nquantity = "macz"\nvalue = "1K"',
        ),
        "spec.md:7:1",
        "quantity = 'macz' is not allowed (did you mean 'macs'?)",
    ),
    # networks that cannot exist
    Bad(
        "residual block that shrinks its map",
        net("| residual | | 8x8x64 | [2x2, 64] x 1 | | | |\n"),
        "spec.md:7:25",
        "a residual add of 7x7x64 and 8x8x64",
        commands=BOTH,
    ),
    Bad(
        "zero-pad shortcut that narrows",
        net(
            "| residual | | 8x8x2 | [3x3, 2; 3x3, 2] x 1 | | | |\n",
            '[conventions]\nshortcut = "zero-pad"',
        ),
        "spec.md:8:24",
        "cannot narrow 4 channels to 2",
        commands=BOTH,
    ),
    Bad(
        "connection table with groups",
        net(
            "| conv | 3x3/1 | 8x8x4 | | T | 2 | |\n",
            '[connection_tables]\nT = ["X...", ".X..", "..X.", "...X"]',
        ),
        "spec.md:8:32",
        "a connection table and 2 groups",
        commands=BOTH,
    ),
    *(
        Bad(
            f"{mode} pool padding not smaller than the window",
            net(f"| {mode} pool | 2x2/1 | 8x8x4 | | | | 2 |\n"),
            "spec.md:7:",
            "padding 2 is not smaller than the 2x2",
            commands=BOTH,
        )
        for mode in ("max", "avg")
    ),
    # bounds
    Bad(
        "building block repeated 10^30 times",
        net("| residual | | 8x8x4 | [3x3, 4; 3x3, 4] x 1" + "0" * 30 + " | | | |\n"),
        "spec.md:7:24",
        "31 digits",
    ),
    Bad(
        "building block repeated 1,001 times",
        net("| residual | | 8x8x4 | [3x3, 4; 3x3, 4] x 1001 | | | |\n"),
        "spec.md:7:24",
        "repeated 1,001 times",
    ),
    Bad(
        "table unrolling past the layer limit",
        net("| residual | | 8x8x4 | [3x3, 4; 3x3, 4] x 1000 | | | |\n" * 6),
        "spec.md:12:3",
        "more than 10,000 layers",
    ),
    Bad(
        "row repeat past the bound",
        spec_text("| 1001× convolution | 3x3/1 | 8x8x3 | | | |\n"),
        "spec.md:7:3",
        "a row repeated 1,001 times",
    ),
    Bad(
        "repeated groups unrolling past the layer limit",
        spec_text(
            "| 1000× [convolution | 3x3/1 | 8x8x3 | | | |\n| convolution] | 3x3/1 | 8x8x3 | | | |\n"
            * 5
            + "| 1000× [max pool | 3x3/1 | 8x8x3 | | | |\n| max pool] | 3x3/1 | 8x8x3 | | | |\n"
        ),
        "spec.md:17:3",
        "more than 10,000 layers",
    ),
    Bad(
        "module n past the bound",
        '+++\ninput = "8x8x8"\n+++\n| operator | t | c | n | s | output size |\n'
        "|---|---|---|---|---|---|\n| bottleneck | 1 | 8 | 1001 | 1 | 8x8x8 |\n",
        "spec.md:6:",
        "a module repeated 1,001 times",
    ),
    *(
        Bad(
            f"lrn {lrn}",
            spec_text(SOFTMAX, f"[conventions.lrn]\n{lrn}"),
            "spec.md:",
            what,
        )
        for lrn, what in (
            ("alpha = nan", "lrn alpha = nan"),
            ("beta = inf", "lrn beta = inf"),
            ("k = 0", "lrn k = 0"),
            ("size = 10001", "lrn size 10001 is too wide"),
            ("size = true", "lrn size must be a positive integer"),
        )
    ),
    Bad(
        "bn_eps nan",
        spec_text(SOFTMAX, "[conventions]\nbn_eps = nan"),
        "spec.md:",
        "bn_eps must be a positive number",
    ),
    # issue 18: MobileNetV2, ResNeXt, DenseNet
    Bad(
        "a repeat n of 0",
        V2 + "| bottleneck | 6 | 8 | 0 | 1 |\n",
        "spec.md:8:24",
        "repeat must be positive",
    ),
    Bad(
        "an expansion below 1",
        V2 + "| bottleneck | 0.5 | 8 | 1 | 1 |\n",
        "spec.md:8:16",
        "t '0.5' is not a whole number",
    ),
    Bad("an expansion of 0", V2 + "| bottleneck | 0 | 8 | 1 | 1 |\n", "spec.md:8:16", "t is 0"),
    Bad(
        "a cardinality that does not divide the channels",
        '+++\ninput = "8x8x8"\n[conventions]\nbatch_norm = true\n+++\n'
        "| type | output size | building block |\n|---|---|---|\n"
        "| residual | 8x8x16 | [1x1, 8; 3x3, 8, C=3; 1x1, 16] x 1 |\n",
        "spec.md:8:23",
        "do not split into 3 groups",
    ),
    Bad(
        "a growth rate with no dense block",
        _growth_rate_without_dense_block(),
        "spec.md:7:39",
        "does not read 'growth rate'",
    ),
    Bad(
        "rows naming no row",
        spec_text(SOFTMAX, 'input = "8x8x3"\n[rows.conv9]\nsource = "s"\ntype = "linear"'),
        "spec.md:3:1",
        "names no row",
    ),
    Bad(
        "symbols changing nothing",
        spec_text(SOFTMAX, 'input = "8x8x3"\n[symbols]\nk = 0'),
        "spec.md:4:1",
        "symbol 'k' = 0 is not a positive number",
    ),
    # ShuffleNet V2
    Bad(
        # the strided unit's right branch takes output / 2: 15 does not halve (the 2× column)
        "a shuffle unit whose channels do not halve",
        SHUFFLE + "| Stage2 | 4×4 | 2 | 1 | 16 | 15 |\n",
        "spec.md:20:31",
        "1/2 of 15",
        args=("--variant", "2x"),
    ),
    Bad(
        "a claim row cell no reading reads",
        CLAIMED + SHUFFLE_ROW + "| # of weights | 1K | | | 2K | |\n",
        "spec.md:21:18",
        "under 'Output size'",
    ),
    Bad(
        "a variant reading no note column",
        SHUFFLE.replace('filters = "2×"', 'filters = "3×"') + SHUFFLE_ROW,
        "spec.md:10:1",
        "no note column of the table",
    ),
    Bad(
        "a blank type under a layer row",
        SHUFFLE + "| FC | | | 1 | 16 | 32 |\n| | | | 1 | | |\n",
        "spec.md:21:3",
        "row has no type",
    ),
    Bad(
        # the basic unit splits its input in halves: 5 channels do not halve
        "a shuffle unit split of odd channels",
        SHUFFLE.replace('"8x8x8"', '"8x8x5"') + "| Stage2 | 8×8 | 1 | 1 | | |\n",
        "spec.md:20:3",
        "5 channels do not split into 2",
    ),
    Bad(
        # the left branch keeps the input's 8 channels, which leaves none of 8 for the right
        "a strided unit with no channels left for its right branch",
        SHUFFLE + "| Stage2 | 4×4 | 2 | 1 | 8 | 16 |\n",
        "spec.md:20:26",
        "leaves none of 8",
    ),
    Bad(
        "a claim row declared for no row",
        CLAIMED + SHUFFLE_ROW,
        "spec.md:8:1",
        "names no row of the table",
    ),
    Bad(
        # a basic unit passes half its input (16 of 32) and makes the other half anew: it
        # keeps its input's 32 channels, not the 24 its cell prints
        "a shuffle unit whose halves do not add up to its width",
        SHUFFLE + "| Stage2 | 4×4 | 2 | 1 | 32 | 64 |\n| | 4×4 | 1 | 1 | 24 | 64 |\n",
        "spec.md:21:",
        "comes out with 32 channels, where it gives 24",
    ),
    Bad(
        "a variant name taken twice",
        SHUFFLE.replace(
            "[[variants]]",
            '[[variants]]\nname = "2x"\ntitle = "t"\nsource = "s"\ninput = "4x4x8"\n[[variants]]',
        )
        + SHUFFLE_ROW,
        "spec.md:16:1",
        "variant name '2x' is taken",
    ),
    Bad(
        "a variant named as the table's own reading",
        SHUFFLE.replace('name = "2x"', 'name = "as tabled"') + SHUFFLE_ROW,
        "spec.md:11:1",
        "the table's own reading",
    ),
    Bad(
        "a claim id taken twice",
        SHUFFLE.replace("[[variants]]", CLAIMS_P + CLAIMS_P + "[[variants]]") + SHUFFLE_ROW,
        "spec.md:15:1",
        "claim id 'p' is taken",
    ),
    Bad(
        "a claim row printed twice",
        CLAIMED + SHUFFLE_ROW + "| # of weights | | | | 2K | 3K |\n" * 2,
        "spec.md:22:",
        "gives claim 'of-weights' twice",
    ),
    Bad(
        # the variant's own error, once: not also "claim 'p' is about reading '2x', which
        # the spec does not have" (it has it; it is broken)
        "a broken variant is still a reading its claims may name",
        SHUFFLE.replace("[[variants]]", CLAIMS_P + 'reading = "2x"\n' + "[[variants]]").replace(
            'columns = { filters = "2×" }', 'columns = { filters = "2×" }\nbogus = 1'
        )
        + SHUFFLE_ROW,
        "spec.md:",
        "bogus",
    ),
    # EfficientNet-B0: squeeze-and-excitation, spellings and resolutions
    Bad(
        "an se ratio that leaves no channel",
        SE_KIND.replace("RATIO", "0.01"),
        "spec.md:9:3",
        "ratio 0.01 of 16 channels leaves no channel",
    ),
    Bad("an se ratio out of range", SE_KIND.replace("RATIO", "1.5"), "spec.md:3:1", "ratio 1.5"),
    Bad(
        "an se ratio on another layer",
        SE_KIND.replace('op = "se", name = "se", ratio = RATIO', 'op = "relu", ratio = 0.5'),
        "spec.md:3:1",
        "ratio 0.5 is not allowed",
    ),
    Bad(
        "a placeholder no layer reads",
        MB.replace("k{patch}", "k{patch} g{groups}") + "| MB6, k3x3 g2 | 8 × 8 | |\n",
        "spec.md:3:1",
        "fills {groups}, which no layer",
    ),
    Bad(
        "a cell given in the type and its column",
        MB.replace("| c |\n|---|---|---|", "| t |\n|---|---|---|") + "| MB6, k3x3 | 8 × 8 | 6 |\n",
        "spec.md:14:23",
        "'t' is given twice",
    ),
    Bad(
        "a placeholder's text read as a patch cell",
        MB + "| MB6, k3 | 8 × 8 | |\n",
        "spec.md:14:3",
        "malformed patch size '3'",
    ),
    Bad(
        "a resolution the stage cannot stride to",
        MB + "| MB6, k3x3 | 8 × 8 | |\n| MB6, k3x3 | 3 × 3 | |\n",
        "spec.md:15:15",
        "3 does not divide",
    ),
    Bad(
        "a stride written in a spelled patch and the stride column",
        MB.replace("| c |\n|---|---|---|", "| s |\n|---|---|---|")
        + "| MB6, k3x3/1 | 8 × 8 | 2 |\n",
        "spec.md:14:3",
        "stride 2 and patch 3x3/1 disagree",
    ),
    # (x48) and (40%) belong to layers; a module row refuses them instead of dropping them
    Bad("a module row with (x48)", MB + "| MB6, k3x3 (x48) | 8 × 8 | |\n", "spec.md:14:3", "x48"),
    Bad("a module row with (40%)", MB + "| MB6, k3x3 (40%) | 8 × 8 | |\n", "spec.md:14:3", "40%"),
    # --output onto what cannot be written
    Bad(
        "output onto /proc",
        None,
        "/proc/x.csv:1:1",
        "cannot write",
        args=("--format", "csv", "-o", "/proc/x.csv"),
    ),
]


@pytest.mark.parametrize(
    ("case", "command"),
    [
        pytest.param(c, command, id=c.id if len(c.commands) == 1 else f"{c.id} ({command})")
        for c in BAD_SPECS
        for command in c.commands
    ],
)
def test_a_bad_spec_is_refused_in_one_line_at_its_place(run, write, case, command):
    spec = [] if case.text is None else [str(write(case.text, case.name))]
    check(run(command, *spec, *case.args), case.where, case.what)


BAD_OPTIONS = [
    # (id, argv, what the one line says)
    ("unknown format", ("table", "--format", "xml"), "'xml' is not one of"),
    ("batch 0", ("table", "--batch", "0"), "must be at least 1, got 0"),
    ("unknown dtype", ("table", "--dtype", "float8"), "'float8' is not one of"),
    ("malformed input", ("table", "--input", "12x12"), "malformed size '12x12'"),
    ("padding half", ("table", "--padding", "half"), "padding 'half' is not allowed"),
    ("unknown variant", ("table", "--variant", "nope"), "unknown variant 'nope'"),
    ("unknown option", ("table", "--frobnicate"), "No such option"),
    ("spec and model together", ("table", "spec.md", "--model", "googlenet"), "not both"),
    (
        "model not a bundled name",
        ("table", "--model", "../models/googlenet"),
        "unknown model '../models/googlenet'",
    ),
    *(
        (f"padding {value}", ("table", "--padding", value), "non-ASCII digit")
        for value in ("²", "٣", "３", "1²")
    ),
    ("batch ٣", ("table", "--batch", "٣"), "non-ASCII digit '٣'"),
    ("input 224x224x٣", ("table", "--input", "224x224x٣"), "non-ASCII digit '٣'"),
    ("batch of 5000 digits", ("table", "--batch", "9" * 5000), "at most 18 digits"),
    ("input of 5000 digits", ("table", "--input", f"{'9' * 5000}x8x3"), "at most 18 digits"),
    ("padding of 5000 digits", ("table", "--padding", "9" * 5000), "at most 18 digits"),
    ("seed of 5000 digits", ("verify", "--seed", "9" * 5000), "at most 18 digits"),
    ("batch of 306 digits", ("table", "--batch", "1" + "0" * 305), "306 digits"),
    (
        "verify input of 10^110 cubed",
        ("verify", "--input", "x".join(["1" + "0" * 110] * 3)),
        "111 digits",
    ),
    # memory, profile and plot read --batch with the cells' rule: with click's IntRange,
    # 301 digits gave a traceback (profile) or a 300-digit figure (memory), and a fullwidth
    # 1 was taken
    *(
        (f"{command} batch {label}", (command, "--batch", value, *extra), what)
        for command, extra in (("memory", ()), ("profile", ()), ("plot", ("-o", "chart.svg")))
        for label, value, what in (
            ("of 301 digits", "1" + "0" * 300, "at most 18 digits"),
            ("１", "１", "non-ASCII digit"),
        )
    ),
]


@pytest.mark.parametrize(("argv", "what"), [pytest.param(*c[1:], id=c[0]) for c in BAD_OPTIONS])
def test_a_bad_option_is_refused_in_one_line(run, write, tmp_path, monkeypatch, argv, what):
    monkeypatch.chdir(tmp_path)  # where `spec.md` is, and where nothing must be written
    write(spec_text("| softmax | | 8x8x3 | | | |\n"))
    result = run(*argv)
    assert result.exit_code == 2, result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and what in result.stderr, result.stderr
    assert result.stderr.startswith("inception-cost")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spec.md"]


def test_unknown_model_name(run):
    result = run("table", "--model", "alexnett")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert (
        result.stderr
        == "inception-cost: error: unknown model 'alexnett' (did you mean 'alexnet'?); expected"
        " one of alexnet, densenet121, densenet169, densenet201, densenet264, efficientnet-b0,"
        " googlenet, googlenet-mnist, lenet5, mobilenet, mobilenetv2, mobilenetv3-large, repvgg,"
        " resnet18, resnet34, resnet50, resnet101, resnet152, resnext50, senet, shufflenetv2,"
        " snet, vgg11, vgg11-lrn, vgg13, vgg16, vgg16-c, vgg19, zfnet\n"
    )


def test_output_empty_path_is_refused(run):
    result = run("table", "--output", "")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "inception-cost: error: --output is empty; expected a file path\n"


# ------------------------------------------------------------ what a table row cannot hold


def _fifo(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.md")
    return tmp_path / "pipe.md"


@pytest.mark.parametrize(
    ("path", "where", "what"),
    [
        pytest.param(lambda tmp: tmp, ":1:1", "is a directory", id="directory"),
        pytest.param(_fifo, "pipe.md:1:1", "not a regular file", id="fifo, not waited on"),
        pytest.param(lambda tmp: "/dev/zero", "/dev/zero:1:1", "not a regular file", id="device"),
    ],
)
def test_a_spec_that_is_not_a_regular_file(run, tmp_path, path, where, what):
    check(run("table", str(path(tmp_path))), where, what)


def test_a_missing_spec_is_not_positioned(run, tmp_path):
    # issue 27 (13): a file that is not there has no line 1, column 1 to point at
    result = run("table", str(tmp_path / "nope.md"))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        f"inception-cost: error: no such file {tmp_path / 'nope.md'}; expected an existing spec"
        " file (.md or .csv), or --model NAME for a bundled one (see `models`)\n"
    )


GOOGLENET = "inception_cost/models/googlenet.md"


def googlenet_text() -> str:
    with open(GOOGLENET, encoding="utf-8") as fh:
        return fh.read()


def test_blank_line_inside_the_table_continues_it(run, write):
    text = googlenet_text().replace("| inception (4a)", "\n| inception (4a)", 1)
    assert text != googlenet_text()
    from inception_cost.spec.read import parse_markdown

    assert len(parse_markdown(text).rows) == 33  # Table 1's 25 rows + 2 LRN + 6 aux
    result = run("table", str(write(text)), "--format", "csv")
    table = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    assert result.exit_code == 0 and len(table) == 1 + 33  # header + every row


def test_rows_without_outer_pipes_are_read():
    from inception_cost.spec.read import parse_markdown

    text = (
        '+++\ninput = "8x8x3"\n+++\n\ntype | patch size/stride | output size\n--- | --- | ---\n'
        "convolution | 3x3/1 | 8x8x4\n| max pool | 2x2/2 | 4x4x4 |\nsoftmax | | 4x4x4\n"
    )
    rows = parse_markdown(text).rows
    assert [r.type for r in rows] == ["convolution", "max pool", "softmax"]
    assert rows[1].at("patch").col == 14 and rows[2].at("output").col == 13


def test_dash_reads_standard_input():
    from click.testing import CliRunner

    from inception_cost.cli import cli

    text = spec_text("| convolution | 3x3/1 | 8x8x4 | | | |\n")
    result = CliRunner().invoke(cli, ["table", "-", "--format", "csv"], input=text)
    assert result.exit_code == 0, result.stderr
    # 3x3x3 weights + 1 bias per filter, 4 filters: 112 params; 8x8x4 outputs x 27 MACs
    assert ",112," in result.stdout and ",6912," in result.stdout
    csv = "type,patch size/stride,output size\nsoftmax,,8x8x3\n"
    result = CliRunner().invoke(cli, ["table", "-", "--input", "8x8x3"], input=csv)
    assert result.exit_code == 0, result.stderr
    bad = CliRunner().invoke(cli, ["table", "-"], input=spec_text("| convolutoin | | | | | |\n"))
    assert bad.exit_code == 2 and bad.stderr.startswith("<stdin>:7:3: error: unknown layer")


def test_endless_standard_input_is_capped():
    from click.testing import CliRunner

    from inception_cost.cli import cli

    result = CliRunner().invoke(cli, ["table", "-"], input="\0" * (16 * 1024 * 1024 + 1))
    assert result.exit_code == 2
    assert result.stderr.startswith("<stdin>:1:1: error: <stdin> is larger than 16 MiB")


def test_variant_of_a_training_only_row_is_read_with_aux(run, write):
    path = write(_training_only_variant())
    assert run("table", str(path)).exit_code == 0  # the audit reads the variant's row with aux
    assert run("table", str(path), "--variant", "wide", "--aux").exit_code == 0


def test_every_row_error_in_one_run(run, write):
    rows = (
        "| convolutoin | 3x3/1 | 8x8x3 | | | |\n"
        "| softmax | | 8x8x3 |\n"
        "| max pool | 3x3/ | 8x8x3 | | | |\n"
    )
    result = run("table", str(write(spec_text(rows))))
    assert result.exit_code == 2 and result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert [line.split(": error: ")[0].rsplit("spec.md", 1)[1] for line in lines] == [
        ":7:3",
        ":8:1",
        ":9:14",
    ]
    assert all(LINE.match(line) for line in lines)


def test_past_the_limit_and_n_more(run, write):
    result = run("table", str(write(spec_text("| convolutoin | 3x3/1 | 8x8x3 | | | |\n" * 25))))
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and len(lines) == 21
    assert "error: and 5 more" in lines[-1] and all(LINE.match(line) for line in lines)


def test_bound_errors_come_with_the_others_in_one_run(run, write):
    rows = "| 1001× convolution | 3x3/1 | 8x8x3 | | | |\n| convolutoin | 3x3/1 | 8x8x3 | | | |\n"
    result = run("table", str(write(spec_text(rows))))
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and len(lines) == 2 and all(LINE.match(x) for x in lines)
    assert "spec.md:7:3: error: a row repeated" in lines[0] and "spec.md:8:3:" in lines[1]


def test_every_unknown_header_in_one_run(run, write):
    # a table shaped as MobileNetV3's Table 2 (whose headers the vocabulary now reads, see
    # tests/test_mobilenetv3.py), with four headers it lacks: each refused at its own
    # column in the same run (not one per try)
    text = (
        "| Input | Operator | zqx size | #blips | ZQ | QX | s |\n|---|---|---|---|---|---|---|\n"
        "| 224² × 3 | conv2d, 3x3 | - | 16 | - | HS | 2 |\n"
    )
    result = run("table", str(write(text)))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    reasons = [line.split(": error: ")[1] for line in lines]
    assert [reason.split(" (")[0].split(";")[0].split(":")[0] for reason in reasons] == [
        "unknown column 'zqx size'",
        "unknown column '#blips'",
        "unknown column 'ZQ'",
        "unknown column 'QX'",
    ]
    assert [line.split(": error:")[0].rsplit(":", 2)[1:] for line in lines] == [
        ["1", "22"],
        ["1", "33"],
        ["1", "42"],
        ["1", "47"],
    ]


BROKEN_VARIANT = (
    '+++\ninput = "8x8x3"\n[[variants]]\nname = "tiny"\ntitle = "t"\nsource = "s"\n'
    'input = "2x2x3"\n+++\n| type | patch size/stride | output size |\n|---|---|---|\n'
    "| convolution | 3x3/1 | 8x8x4 |\n| max pool | 5x5/1 | 4x4x4 |\n"
)


def test_a_variant_that_cannot_be_built_is_named_and_the_rest_is_read(run, write):
    path = write(BROKEN_VARIANT)
    result = run("table", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    import json

    (finding,) = json.loads(result.stdout)["audit"]["findings"]
    assert finding["row"] == "variant tiny" and finding["location"].endswith("spec.md:3:1")
    assert finding["points"][0].startswith("cannot be built: 5x5 kernel is larger")
    check(run("table", str(path), "--variant", "tiny"), "spec.md:12:14", "variant 'tiny': 5x5")


def test_a_claim_row_cell_keeps_its_footnote_mark(run, write):
    marked = CLAIMED.replace("[[variants]]", '[footnotes]\n"‡" = "x"\n[[variants]]')
    text = marked + SHUFFLE_ROW + "| # of weights | | | | 2K‡ | 3K |\n"
    assert run("table", str(write(text))).exit_code == 0  # explained; unexplained in BAD_SPECS


def test_a_stride_written_in_a_spelled_patch_is_used(run, write):
    # `MB6, k3x3/1` writes stride 1 where the printed sizes (8 then 4) imply 2: the written
    # stride is built (it was dropped for the sizes'), so the next row's size disagrees
    rows = "| MB6, k3x3/1 | 8 × 8 | |\n| MB6, k3x3 | 4 × 4 | |\n"
    result = run("table", str(write(MB + rows)))
    assert result.exit_code == 0, result.stderr
    assert "input size: computed 8x8, claimed 4x4" in result.stdout


def test_a_module_rows_stride_in_parentheses_is_its_stride(run, write):
    # (stride 1) is the row's stride, not its name: the next row's size then disagrees
    rows = "| MB6, k3x3 (stride 1) | 8 × 8 | |\n| MB6, k3x3 | 4 × 4 | |\n"
    result = run("table", str(write(MB + rows)))
    assert result.exit_code == 0 and "input size: computed 8x8, claimed 4x4" in result.stdout


# ------------------------------------------------------------ inputs at the edge that still run


@pytest.mark.parametrize("inception", ["reduced", "naive"])
def test_inception_modules_pad_same_under_an_integer_conv_padding(run, write, inception):
    # issue 12's kinds declare the module's padding: 1x1 unpadded, 3x3 by 1, 5x5 by 2, so
    # the branches concatenate at 8x8 (4 + 4 + 4 + 4 channels) whatever conv_padding says
    text = (
        f'+++\ninput = "8x8x4"\n[conventions]\nconv_padding = 2\ninception = "{inception}"\n'
        "+++\n| type | output size | #1x1 | #3x3 reduce | #3x3 | #5x5 reduce | #5x5 | pool proj |\n"
        "|---|---|---|---|---|---|---|---|\n| inception | 8x8x16 | 4 | 2 | 4 | 2 | 4 | 4 |\n"
    )
    if inception == "naive":  # no reductions, and the pool passes its 4 maps through
        text = text.replace(" 2 | 4 | 2 | 4 | 4 |", " | 4 | | 4 | |")
    result = run("verify", str(write(text)), "--format", "csv")
    assert result.exit_code == 0, result.stderr


def test_googlenet_with_padding_1_changes_only_its_stem(run):
    result = run("table", "--model", "googlenet", "--padding", "1", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    import csv

    rows = csv.DictReader(result.stdout.splitlines()[1:])
    out = {row["name"]: row["computed output size"] for row in rows}
    assert out["conv1"] == "110x110x64"  # (224 + 2 - 7) // 2 + 1
    assert out["3a"] == "28x28x256"  # 64 + 128 + 32 + 32


def test_lrn_wider_than_the_channels_runs(run, write):
    text = net("| lrn | | 8x8x4 | | | | |\n", "[conventions.lrn]\nsize = 21")
    result = run("verify", str(write(text)), "--format", "csv")
    assert result.exit_code == 0, result.stderr


def test_params_ratio_claim_on_a_network_without_params(run, write):
    front = '[[claims]]\nid = "r"\nquantity = "params_ratio"\nagainst = "alexnet"\nvalue = 12'
    result = run("table", str(write(net("| max pool | 2x2/2 | 4x4x4 | | | | |\n", front))))
    assert result.exit_code == 0, result.stderr
    assert "has no parameters: no ratio to check" in result.stdout


def test_huge_input_answers_at_once(run):
    import time

    start = time.process_time()
    result = run("table", "--input", "10000000x10000000x3", "--format", "csv")
    assert result.exit_code == 0 and time.process_time() - start < 2


def test_huge_padding_answers_at_once(run):
    import time

    start = time.process_time()
    result = run("table", "--model", "vgg13", "--padding", "10000000", "--format", "json")
    assert result.exit_code == 0 and time.process_time() - start < 2


def test_csv_spec_verifies_with_input(run, write):
    path = write("type,patch size/stride,output size\nconvolution,3x3/1,8x8x4\n", "t.csv")
    for command in ("verify", "conventions"):
        assert run(command, str(path), "--input", "8x8x3").exit_code == 0


# ------------------------------------------------------------------ --output


@pytest.mark.parametrize("path", ["/dev/null", "fifo"])
def test_output_onto_a_fifo_or_device(run, tmp_path, path):
    import os

    if path == "fifo":
        path = str(tmp_path / "fifo")
        os.mkfifo(path)
    check(run("table", "-o", path, "--force"), f"{path}:1:1", "not a regular file")


def test_output_failing_midway_keeps_the_old_file(run, tmp_path, monkeypatch):
    import errno
    import os

    out = tmp_path / "t.csv"
    out.write_text("precious")

    def full(_fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    check(run("table", "-o", str(out), "--force"), "t.csv:1:1", "No space left on device")
    assert out.read_text() == "precious" and [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_output_into_a_folder_that_cannot_be_written(run, tmp_path, monkeypatch):
    import tempfile

    def denied(**_kw):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    check(run("table", "-o", str(tmp_path / "x.csv")), "x.csv:1:1", "Permission denied")


def test_output_modes_follow_umask_and_the_replaced_file(run, tmp_path):
    import os
    import stat

    old = os.umask(0o027)
    try:
        new = tmp_path / "new.csv"
        assert run("table", "--format", "csv", "-o", str(new)).exit_code == 0
        assert stat.S_IMODE(new.stat().st_mode) == 0o640  # 0o666 under umask 027
        new.chmod(0o604)
        assert run("table", "--format", "csv", "-o", str(new), "--force").exit_code == 0
        assert stat.S_IMODE(new.stat().st_mode) == 0o604
    finally:
        os.umask(old)


def test_output_through_a_symlink_writes_its_target(run, tmp_path):
    target, link = tmp_path / "real.csv", tmp_path / "link.csv"
    target.write_text("old")
    link.symlink_to(target)
    assert run("table", "--format", "csv", "-o", str(link)).exit_code == 2  # exists: --force
    assert run("table", "--format", "csv", "-o", str(link), "--force").exit_code == 0
    assert link.is_symlink() and target.read_text().startswith("# spec: ")
