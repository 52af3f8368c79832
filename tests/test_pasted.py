"""Tables pasted as their papers print them, each held to hand arithmetic or a published
count: combined type and stride, filter shapes, a repeated group of rows, name-as-type,
a header's own gloss, a footnote, a spec's own kind and columns."""

from pathlib import Path

import pytest
from tiny_spec import spec_text

from inception_cost import audit, cost
from inception_cost.builder import build
from inception_cost.errors import InputError
from inception_cost.spec.read import load, parse_markdown

TABLES = Path(__file__).parent / "tables"


def _analyse(path_or_text) -> cost.Analysis:
    s = (
        load(path_or_text)
        if isinstance(path_or_text, Path)
        else parse_markdown(path_or_text, "spec.md")
    )
    return cost.analyse(build(s))


# MobileNet, Table 1: (input side, kernel, in, out, depthwise) of every convolution.
MOBILENET = [
    (224, 3, 3, 32, False, 2),
    (112, 3, 32, 32, True, 1),
    (112, 1, 32, 64, False, 1),
    (112, 3, 64, 64, True, 2),
    (56, 1, 64, 128, False, 1),
    (56, 3, 128, 128, True, 1),
    (56, 1, 128, 128, False, 1),
    (56, 3, 128, 128, True, 2),
    (28, 1, 128, 256, False, 1),
    (28, 3, 256, 256, True, 1),
    (28, 1, 256, 256, False, 1),
    (28, 3, 256, 256, True, 2),
    (14, 1, 256, 512, False, 1),
    *[(14, 3, 512, 512, True, 1), (14, 1, 512, 512, False, 1)] * 5,
    (14, 3, 512, 512, True, 2),
    (7, 1, 512, 1024, False, 1),
    (7, 3, 1024, 1024, True, 1),
    (7, 1, 1024, 1024, False, 1),
]


def test_mobilenet_as_printed():
    a = _analyse(TABLES / "mobilenet.md")
    macs = params = 0
    for side, k, cin, cout, dw, s in MOBILENET:
        out = side // s
        weights = k * k * (1 if dw else cin) * cout
        macs += out * out * weights
        params += weights + 2 * cout  # BN's gamma and beta; no conv bias
    macs += 1024 * 1000  # the FC layer
    params += 1024 * 1000 + 1000
    assert (a.totals.macs, a.totals.params) == (macs, params)
    # Keras' MobileNet(alpha=1.0) summary: 4,231,976 trainable parameters; the paper's
    # Table 1 caption: 569 million mult-adds.
    assert a.totals.params == 4_231_976
    assert round(a.totals.macs / 1e6) == 569
    # "Counting depthwise and pointwise convolutions as separate layers, MobileNet has 28"
    assert a.totals.depth == 28


def test_mobilenet_input_sizes_are_audited():
    s = load(TABLES / "mobilenet.md")
    report = audit.audit(s, cost.analyse(build(s)))
    inputs = [r.input for r in report.rows if r.input]
    assert len(inputs) == 30 and all(v.status == audit.MATCH for v in inputs)
    # the group of two rows is written out five times, named on
    assert [r.name for r in s.rows[13:16]] == ["conv14", "conv15", "conv16"]
    assert s.rows[25].footnotes == (("type", "†"),) and s.rows[25].raw["type"].endswith("†")


def test_mobilenet_typo_names_its_upstream_row(tmp_path):
    text = (TABLES / "mobilenet.md").read_text().replace("Conv dw / s1†", "Conv dw / s2")
    with pytest.raises(InputError) as err:
        _analyse(text)
    msg = str(err.value)
    assert msg.startswith("spec.md:35:19: error: 7x7 kernel is larger than its padded input 4x4")
    assert "upstream: row 'conv26' at spec.md:33:3 comes out 4x4x1024" in msg


def test_squeezenet_name_as_type_and_glossed_headers():
    # conv1 3x3/2 (x8): 27*8 + 8 weights and biases, 16*16 positions x 216;
    # fire2 on 8 channels: 8*4+4, 4*8+8, 9*4*8+8, 64 positions x (32+32+288);
    # conv10 1x1 (x10): 16*10 + 10, 64 x 160.
    a = _analyse(TABLES / "squeezenet.md")
    assert (a.totals.params, a.totals.macs) == (224 + 372 + 170, 55296 + 22528 + 10240)
    assert [b.block.type for b in a.blocks] == [
        "convolution",
        "max pool",
        "fire",
        "convolution",
        "avg pool",
    ]
    assert [b.name for b in a.blocks] == ["conv1", "maxpool1", "fire2", "conv10", "avgpool10"]


PAIR = """+++
input = "8x8x4"

[columns]
"Remarks" = "note"
"width" = "n3x3"

[kinds.pair]
spellings = ["conv pair"]
join = "add"
shortcut = "if same shape"
branches = [{ layers = [
  { op = "conv", name = "a", kernel = 3, filters = "n3x3" },
  { op = "conv", name = "b", kernel = 3, filters = "n3x3", activation = false },
] }]
+++

| type | output size | width | Remarks |
|---|---|---|---|
| **conv pair** | 8x8x4 | 4 | *the paper's Figure 2* |
"""


def test_a_spec_declares_its_own_kind_and_columns():
    a = _analyse(PAIR)
    # two 3x3 convs of 4 filters on 4 channels: 2 x (9*4*4 + 4); 64 positions x 144 each
    assert (a.totals.params, a.totals.macs) == (296, 2 * 64 * 144)
    kinds = [op.kind for op in a.network.ops()]
    assert kinds == ["conv", "relu", "conv", "add"]
    row = a.network.blocks[0].row
    assert row.raw["note:Remarks"] == "*the paper's Figure 2*" and row.type == "pair"


def test_bn_inception_pool_cells_zero_branch_and_stride():
    text = (Path(__file__).parent.parent / "docs" / "examples" / "inception-v2.md").read_text()
    s = parse_markdown(text)
    a, c = s.rows
    assert a.cells.pool_modes == {"pool_proj": "avg"} and c.cells.pool_modes == {"pool_proj": "max"}
    assert (c.cells.widths["n1x1"], c.cells.widths["pool_proj"], c.cells.stride) == (0, 0, 2)
    ops = {op.name: op for op in build(s).ops()}
    assert ops["3a/pool"].mode == "avg" and ops["3c/pool"].mode == "max"
    assert ops["3c/3x3"].stride == ops["3c/dbl_3x3b"].stride == ops["3c/pool"].stride == 2
    assert "3c/1x1" not in ops and "3c/pool_proj" not in ops


@pytest.mark.parametrize(
    ("row", "what"),
    [
        ("| convolution (x5) | 3x3/1 | 8x8x4 | | | |\n", "takes no multiplier x5"),
        ("| inception | 3x3/2 | 8x8x4 | | | |\n", "has no place for stride 2"),
        ("| linear | 3x3/1 | 1x1x4 | | | |\n", "has no kernel for '3x3/1'"),
        ("| softmax | 3x3/1 | 8x8x3 | | | |\n", "has no kernel"),
    ],
)
def test_a_cell_the_builder_would_not_use_is_an_error(row, what):
    with pytest.raises(InputError, match=what):
        parse_markdown(spec_text(row), "spec.md")


def test_repeat_of_one_row_and_of_a_group():
    rows = (
        "| 3x convolution | 3x3/1 | 8x8x3 | | | |\n"
        "| 2× [max pool | 3x3/1 | 8x8x3 | | | |\n"
        "| convolution] | 1x1/1 | 8x8x3 | | | |\n"
    )
    s = parse_markdown(spec_text(rows), "spec.md")
    assert [r.type for r in s.rows] == ["convolution"] * 3 + ["max pool", "convolution"] * 2
    assert [r.loc.line for r in s.rows] == [7, 7, 7, 8, 9, 8, 9]
    # five 3x3x3x3 convs with bias (84 each), two 1x1 (12 each)
    assert cost.analyse(build(s)).totals.params == 3 * 84 + 2 * 12


def test_a_repeat_written_against_its_type():
    # Inception v3's Table 1 prints `3×Inception`; a digit after the x stays a kernel
    rows = "| 2×convolution | 3x3/1 | 8x8x3 | | | |\n"
    s = parse_markdown(spec_text(rows), "spec.md")
    assert [r.type for r in s.rows] == ["convolution", "convolution"]
    # (`3x3 convolution` is a kernel written with its layer, here given twice)
    with pytest.raises(InputError, match="type cell and the 'patch size/stride' column both"):
        parse_markdown(spec_text("| 3x3 convolution | 3x3/1 | 8x8x3 | | | |\n"), "spec.md")


def test_a_repeated_rows_error_is_reported_once():
    rows = "| 3× convolution | as in figure 5 | 8x8x3 | | | |\n| softmax | | 8x8x3 | | | |\n"
    with pytest.raises(InputError, match="malformed patch size 'as in figure 5'") as caught:
        parse_markdown(spec_text(rows), "spec.md")
    assert str(caught.value).count("\n") == 0  # one line, not one per copy


def test_a_stride_the_next_rows_input_size_contradicts_is_a_finding_on_its_row():
    text = (
        (TABLES / "mobilenet.md")
        .read_text()
        .replace("Conv dw / s1†", "Conv dw / s2")
        .replace("Pool 7 × 7", "Pool 4 × 4")
    )
    s = parse_markdown(text, "spec.md")
    rows = {r.name: r for r in audit.audit(s, cost.analyse(build(s))).rows}
    assert rows["conv26"].note == (
        "the next row's printed input size 7x7x1024 fits stride 1 here, not 2:"
        " read this row at stride 1"
    )
    assert rows["conv27"].input.status == audit.MISMATCH
    assert (rows["conv27"].input.computed, rows["conv27"].input.claimed) == (
        "4x4x1024",
        "7x7x1024",
    )


def test_an_adaptive_pool_annotation_is_read():
    rows = "| avg pool | 7×7/1 (adaptive to 1×1) | 1x1x3 | | | |\n"
    s = parse_markdown(spec_text(rows), "spec.md")
    assert s.rows[0].type == "global avg pool" and s.rows[0].cells.patch is None
    (pool,) = build(s).blocks[0].ops
    assert pool.whole and pool.kernel == (8, 8)  # the whole 8x8 map, whatever was printed
    with pytest.raises(InputError, match="malformed patch size"):
        parse_markdown(spec_text(rows.replace("adaptive to 1×1", "see text")), "spec.md")
