"""Huang et al. 2017's Table 1 cells read generally: a layer written as a phrase
(`7 × 7 conv, stride 2`), a kind's layers bracketed and repeated (`[1 × 1 conv; 3 × 3 conv]
× 6`), two layers in one cell (`1000D fully-connected, softmax`), an output size with no
channels (`112 × 112`), and a built-in header rebound by the spec (`Layers`). Each held
to hand arithmetic; each misuse one line with its file:line:col."""

import pytest

from inception_cost import audit, cost
from inception_cost.builder import build
from inception_cost.errors import InputError
from inception_cost.spec.read import parse_markdown
from inception_cost.spec.records import Spec
from inception_cost.spec.variants import with_overrides

PHRASES = """+++
input = "16x16x3"

[columns]
"Layers" = { field = "name", rebinds = "repeat" }
"Net-A" = "type"
+++

| Layers | Output Size | Net-A |
|---|---|---|
| Convolution | 8 × 8 | 3 × 3 conv, stride 2 |
| Pooling | 4 × 4 | 3 × 3 max pool, stride 2 |
| Classification Layer | 1 × 1 | 4 × 4 global average pool |
| | | 10D fully-connected, softmax |
"""


def _spec(text: str) -> Spec:
    return parse_markdown(text, "spec.md")


def _front(text: str, conv_filters: str = "8") -> str:
    """The table with the convolution's filters declared (its output size prints none)."""
    row = f'[rows.Convolution]\nsource = "the text"\nfilters = {conv_filters}\n'
    return text.replace("+++\n\n|", row + "+++\n\n|")


def test_phrases_rebound_layers_and_two_layers_in_a_cell():
    s = _spec(_front(PHRASES))
    got = [
        (r.name, r.type, str(r.cells.patch) if r.cells.patch else r.window, r.cells.filters)
        for r in s.rows
    ]
    assert got == [
        ("Convolution", "convolution", "3x3/2", 8),
        ("Pooling", "max pool", "3x3/2", None),
        ("Classification Layer", "global avg pool", (4, 4), None),
        ("fc1", "linear", None, 10),
        ("softmax1", "softmax", None, None),
    ]
    # each layer of the split cell keeps its own column: `softmax` 21 after `10D`
    assert [str(r.at("type")) for r in s.rows[3:]] == ["spec.md:17:7", "spec.md:17:28"]
    a = cost.analyse(build(s))
    # conv 3x3x3x8 + 8 biases = 224, 8x8 positions x 216; fc 8x10 + 10, 80 MACs
    assert (a.totals.params, a.totals.macs) == (224 + 90, 64 * 216 + 80)
    rows = audit.audit(s, a).rows
    assert [r.output.status for r in rows[:3]] == [audit.MATCH] * 3
    assert rows[0].output.computed == "8x8"  # held on the map alone: no channels printed


def test_a_map_size_off_is_a_mismatch():
    s = _spec(_front(PHRASES.replace("| Pooling | 4 × 4 |", "| Pooling | 5 × 5 |")))
    rows = audit.audit(s, cost.analyse(build(s))).rows
    assert (rows[1].output.status, rows[1].output.claimed) == (audit.MISMATCH, "5x5")


DENSE = """+++
input = "8x8x4"

[conventions]
batch_norm = true
+++

| type | output size | growth rate |
|---|---|---|
| [1 × 1 conv; 3 × 3 conv] × 2 | 8x8x12 | 4 |
"""


def test_a_kinds_layers_bracketed_and_repeated():
    s = _spec(DENSE)
    assert (s.rows[0].type, s.rows[0].cells.repeat) == ("dense block", 2)
    a = cost.analyse(build(s))
    # layer 1 on 4 channels: BN 8, 1x1 4->16 (64), BN 32, 3x3 16->4 (576);
    # layer 2 on 8: BN 16, 1x1 8->16 (128), BN 32, 3x3 (576). 12 = 4 + 2 x 4.
    assert a.totals.params == (8 + 64 + 32 + 576) + (16 + 128 + 32 + 576)
    assert a.network.blocks[0].out_shape == (8, 8, 12)


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        # the kernel twice: in the phrase and in a patch column
        (
            "| type | patch size/stride | output size |\n|---|---|---|\n"
            "| 3 × 3 conv, stride 2 | 3x3/2 | 4x4x8 |\n",
            "spec.md:6:3",
            "the type cell and the 'patch size/stride' column both give the patch",
        ),
        # a repeat in the cell and in the repeat column
        (
            "| type | output size | growth rate | n |\n|---|---|---|---|\n"
            "| [1 × 1 conv; 3 × 3 conv] × 2 | 8x8x12 | 4 | 2 |\n",
            "spec.md:6:3",
            "both give the repeat",
        ),
        # a kernel on a layer that has none
        (
            "| type | output size |\n|---|---|\n| 3 × 3 softmax | 8x8x8 |\n",
            "spec.md:6:3",
            "a softmax has no kernel 3x3",
        ),
        # channels asked of a map size
        (
            "| type | output size |\n|---|---|\n| 3 × 3 conv | 8 × 8 |\n",
            "spec.md:6:16",
            "gives no output channels (its output size 8x8 prints none)",
        ),
    ],
)
def test_misread_phrases_are_refused_at_their_cell(run, write, text, where, what):
    result = run("table", str(write('+++\ninput = "8x8x8"\n+++\n' + text)))
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert "\n" not in line and f"/{where}: error: " in line and what in line, line


@pytest.mark.parametrize(
    ("entry", "what"),
    [
        ('"Layers" = "name"', "column 'Layers' is built in (it reads as 'n')"),
        ('"Layers" = { field = "name", rebinds = "type" }', "rebinds 'type', but it reads"),
        ('"Net" = { field = "name", rebinds = "type" }', "it is not built in"),
        ('"Layers" = { field = "name" }', "(it reads as 'repeat') and says no rebinds"),
        ('"Layers" = { rebinds = "repeat" }', "column 'Layers' is a table of rebinds"),
    ],
)
def test_a_rebinding_says_what_it_replaces(entry, what):
    text = PHRASES.replace('"Layers" = { field = "name", rebinds = "repeat" }', entry)
    with pytest.raises(InputError) as err:
        _spec(text)
    assert str(err.value).startswith("spec.md:5:1: error: ") and what in str(err.value)


def test_the_repeat_before_a_kernel_is_not_read_as_a_repeat():
    # `3 × 3 conv` is a kernel: the `N× type` repeat wants no digit after the x
    s = _spec(
        '+++\ninput = "8x8x3"\n+++\n| type | output size |\n|---|---|\n| 3 × 3 conv | 8x8x4 |\n'
    )
    assert len(s.rows) == 1 and str(s.rows[0].cells.patch) == "3x3/1"


SPANNED = PHRASES.replace(
    '"Net-A" = "type"', '"Net-A" = "note"\n"Net-B" = { field = "type", spans = "Net-A" }'
)
SPANNED = SPANNED.replace("| Net-A |\n|---|---|---|", "| Net-A | Net-B |\n|---|---|---|---|")


def test_a_blank_cell_repeats_the_cell_it_spans():
    # Net-B's own cell where it prints one, Net-A's (printed across both) where it is blank
    rows = "| Convolution | 8 × 8 | 3 × 3 conv, stride 2 | |\n"
    rows += "| Pooling | 4 × 4 | 3 × 3 max pool, stride 2 | 3 × 3 avg pool, stride 2 |\n"
    text = SPANNED.split("| Convolution |")[0] + rows
    s = _spec(_front(text))
    assert [(r.type, str(r.at("type"))) for r in s.rows] == [
        ("convolution", "spec.md:15:25"),
        ("avg pool", "spec.md:16:48"),
    ]
    assert s.rows[1].raw["note:Net-A"] == "3 × 3 max pool, stride 2"  # kept, echoed


def test_spans_naming_no_column():
    text = SPANNED.replace('spans = "Net-A"', 'spans = "Net-C"')
    with pytest.raises(
        InputError, match=r"spec\.md:7:1: error: column 'Net-B' spans 'Net-C', which the table"
    ):
        _spec(text)


HALVE = """+++
input = "4x4x6"

[kinds.halve]
spellings = ["1 × 1 conv"]
branches = [{ layers = [{ op = "conv", name = "conv", kernel = 1, filters = "input / 2" }] }]
+++

| type | output size |
|---|---|
| 1 × 1 conv | 4 × 4 |
"""


def test_a_kinds_filters_divided_exactly():
    # a declared spelling wins over the phrase; 6 channels halved: 6 x 3 weights + 3 biases
    a = cost.analyse(build(_spec(HALVE)))
    assert (a.network.blocks[0].row.type, a.totals.params) == ("halve", 6 * 3 + 3)
    with pytest.raises(
        InputError, match=r"spec\.md:11:16: error: .*1/4 of 6 channels, which 4 does not"
    ):
        build(_spec(HALVE.replace("input / 2", "input / 4")))


def test_an_unknown_header_near_a_note_column_names_it():
    text = SPANNED.replace("| Net-A | Net-B |", "| Net-AA | Net-B |").replace(
        '\n"Net-B" = { field = "type", spans = "Net-A" }', '\n"Net-B" = "type"'
    )
    with pytest.raises(InputError, match=r"unknown column 'Net-AA' \(did you mean 'Net-A'\?\)"):
        _spec(text)


GLOBAL = """+++
input = "8x8x2"

[kinds.head]
spellings = ["bn-relu-gap"]
branches = [{ layers = [
  { op = "bn", name = "norm" },
  { op = "relu", name = "relu" },
  { op = "pool", name = "pool", kernel = "whole", mode = "avg" },
] }]
+++

| type | output size |
|---|---|
| bn-relu-gap | 1x1x2 |
"""


@pytest.mark.parametrize("side", [8, 13])
def test_a_kinds_global_pool_averages_the_whole_map(side):
    s = with_overrides(_spec(GLOBAL), input_shape=(side, side, 2))
    pool = build(s).blocks[0].ops[-1]
    assert (pool.kernel, pool.out_shape, pool.whole) == ((side, side), (1, 1, 2), True)


def test_only_a_pool_takes_the_whole_map():
    text = GLOBAL.replace('{ op = "relu", name = "relu" }', '{ op = "conv", kernel = "whole" }')
    with pytest.raises(
        InputError, match=r"spec\.md:4:1: error: .*only a pool's kernel is the whole"
    ):
        _spec(text)


def test_a_blank_name_continues_the_layer_above():
    text = _front(PHRASES).replace(
        'rebinds = "repeat" }', 'rebinds = "repeat", blank = "continues" }'
    )
    text = text.replace("| Pooling | 4 × 4 |", "| | 4 × 4 |")
    names = [r.name for r in _spec(text).rows]
    # a generated name inside the row the paper names; a second continuation the same
    assert names == [
        "Convolution",
        "Convolution/pool",
        "Classification Layer",
        "Classification Layer/fc",
        "Classification Layer/softmax",
    ]
    bad = text.replace('blank = "continues"', 'blank = "above"')
    with pytest.raises(InputError, match=r"spec\.md:5:1: error: column 'Layers': blank = 'above'"):
        _spec(bad)


@pytest.mark.parametrize(
    "text",
    [
        "| type | output size |\n|---|---|\n| 5 × 5 global average pool | 1x1x8 |\n",
        # the same window printed in a patch column (ShuffleNet V2's GlobalPool | 7×7)
        "| type | patch size/stride | output size |\n|---|---|---|\n"
        "| global average pool | 5×5 | 1x1x8 |\n",
    ],
)
def test_a_printed_global_window_is_audited_as_the_map_it_averages(run, write, text):
    # a claim like any printed size: a finding, not an error (so --input and the other
    # options, which change the map, still run)
    result = run("table", str(write('+++\ninput = "8x8x8"\n+++\n' + text)))
    assert result.exit_code == 0, result.stderr
    assert "input size: computed 8x8, claimed 5x5" in result.stdout
    fits = run("table", str(write('+++\ninput = "5x5x8"\n+++\n' + text)))
    assert fits.exit_code == 0 and "input size" not in fits.stdout
