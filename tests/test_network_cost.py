"""Hand-arithmetic cases for every primitive, and GoogLeNet against the hand count."""

import pytest
from tiny_spec import spec_text

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.ops import out_size
from inception_cost.spec.read import load_model, parse_markdown


def analyse(rows: str, front: str = 'input = "8x8x3"', **kw) -> cost.Analysis:
    return cost.analyse(build(parse_markdown(spec_text(rows, front))), **kw)


def test_conv_hand_count():
    # 8x8x3 -> 3x3/1 same padding -> 8x8x4: 3*3*3*4 = 108 weights, 64 positions.
    a = analyse("| convolution | 3x3/1 | 8x8x4 | | | |\n")
    conv, relu = a.blocks[0].ops
    assert conv.op.out_shape == (8, 8, 4) and conv.op.padding == (1, 1)
    assert (conv.weights, conv.biases, conv.macs) == (108, 4, 108 * 64)
    assert conv.other.add == 8 * 8 * 4  # one bias add per output element
    assert relu.other.compare == 256 and relu.activations == 0  # in place


def test_strided_valid_conv_and_batch_scaling():
    a = analyse(
        "| convolution | 3x3/2 | 3x3x2 | | | |\n",
        '+++\ninput = "8x8x3"\n[conventions]\nconv_padding = "valid"'[4:],
        batch=5,
    )
    conv = a.blocks[0].ops[0]
    # floor((8 - 3) / 2) + 1 = 3; MACs 3*3*2 outputs x 27 taps = 486 per image.
    assert conv.op.out_shape == (3, 3, 2)
    assert conv.macs == 486 * 5 and conv.weights == 54
    assert a.totals.params == 56  # batch does not scale parameters


def test_inception_3a_from_table_columns():
    text = (
        '+++\ninput = "28x28x192"\n+++\n'
        "| type | patch size/stride | output size | #1x1 | #3x3 reduce | #3x3 | #5x5 reduce"
        " | #5x5 | pool proj |\n|---|---|---|---|---|---|---|---|---|\n"
        "| inception (3a) | | 28x28x256 | 64 | 96 | 128 | 16 | 32 | 32 |\n"
    )
    block = cost.analyse(build(parse_markdown(text))).blocks[0]
    weights = 192 * 64 + 192 * 96 + 9 * 96 * 128 + 192 * 16 + 25 * 16 * 32 + 192 * 32
    assert block.weights == weights == 163_328
    assert block.biases == 64 + 96 + 128 + 16 + 32 + 32
    assert block.macs == weights * 28 * 28
    assert block.block.out_shape == (28, 28, 256)
    assert block.depth == 2
    pool = next(c for c in block.ops if c.op.kind == "pool")
    # 3x3/1 pad 1 on 28x28: valid taps per axis sum to 26*3 + 2*2 = 82.
    assert pool.other.compare == 192 * (82 * 82 - 28 * 28)


@pytest.mark.parametrize(
    ("size", "k", "s", "pad", "ceil", "expected"),
    [
        (112, 3, 2, 0, True, 56),  # GoogLeNet pool1 in Caffe
        (112, 3, 2, 0, False, 55),
        (14, 5, 3, 0, True, 4),  # auxiliary classifier pool
        (13, 3, 2, 0, True, 6),
        (6, 3, 2, 1, True, 4),  # last window starts at 5, inside the input: kept
        (5, 2, 2, 1, True, 3),  # last window would start in the padding: dropped
        (224, 7, 2, 3, False, 112),
    ],
)
def test_out_size(size, k, s, pad, ceil, expected):
    assert out_size(size, k, s, pad, ceil) == expected


def test_pools_by_hand():
    a = analyse("| max pool | 3x3/2 | 4x4x3 | | | |\n| avg pool | 4x4/1 | 1x1x3 | | | |\n")
    mx, av = (b.ops[0] for b in a.blocks)
    # ceil((8-3)/2)+1 = 4; windows start 0,2,4,6: taps 3,3,3,2 -> 11 per axis.
    assert mx.op.out_shape == (4, 4, 3)
    assert mx.other.compare == 3 * (11 * 11 - 16)
    assert av.other.add == 3 * (16 - 1) and av.other.div == 3


def test_lrn_relu_softmax_linear_dropout_by_hand():
    rows = (
        "| lrn | | 8x8x3 | | | |\n"
        "| dropout (40%) | | 8x8x3 | | | |\n"
        "| linear | | 1x1x10 | | | |\n"
        "| softmax | | 1x1x10 | | | |\n"
    )
    a = analyse(rows)
    lrn, drop, fc, sm = (b.ops[0] for b in a.blocks)
    # size 5 over 3 channels: every window holds all 3 -> 9 taps per position.
    e = 8 * 8 * 3
    assert lrn.other.add == 64 * 9 and lrn.other.mul == 3 * e and lrn.other.exp == e
    assert drop.other.total == 0 and drop.activations == 0
    assert (fc.weights, fc.biases, fc.macs, fc.other.add) == (1920, 10, 1920, 10)
    assert (sm.other.compare, sm.other.exp, sm.other.div, sm.other.add) == (9, 10, 10, 19)


def test_grouped_and_separable_conv_by_hand():
    text = spec_text("| separable convolution (x8) | 7x7/2 | 4x4x16 | | | |\n")
    block = cost.analyse(build(parse_markdown(text))).blocks[0]
    dw, pw, _ = block.ops
    assert dw.op.groups == 3 and dw.op.out_shape == (4, 4, 24)
    assert dw.weights == 7 * 7 * 1 * 24 and pw.weights == 24 * 16
    assert dw.macs == 16 * 24 * 49 and pw.macs == 16 * 16 * 24
    assert block.depth == 1  # a separable convolution is one layer


def test_googlenet_against_the_hand_count():
    s = load_model("googlenet")
    t = cost.analyse(build(s)).totals
    assert t.weights == 6_990_272
    assert t.params == 6_998_552
    assert t.macs == 1_582_671_872
    assert (t.depth, t.depth_with_pooling) == (22, 27)  # the paper's section 5
    train = cost.analyse(build(s, aux=True)).totals
    assert train.params == 13_378_280
    sep = cost.analyse(build(s, variant="separable"))
    assert sep.totals.macs == 1_498_677_248
    assert (sep.blocks[0].weights, sep.blocks[0].macs) == (2_712, 34_019_328)


def test_googlenet_aux_heads():
    s = load_model("googlenet")
    blocks = cost.analyse(build(s, aux=True)).blocks
    heads = {}
    for b in blocks:
        if b.block.train_only:
            head = b.name.split("/")[0]
            heads[head] = heads.get(head, 0) + b.params
    assert heads == {"aux1": 3_188_840, "aux2": 3_190_888}
    pool = next(b for b in blocks if b.name == "aux1/pool")
    assert pool.block.out_shape == (4, 4, 512)


def test_counts_are_python_ints():
    a = cost.analyse(build(load_model("googlenet")), batch=3)
    for b in a.blocks:
        for c in b.ops:
            for v in (c.weights, c.biases, c.macs, c.activations, *vars_of(c.other)):
                assert type(v) is int


def vars_of(other):
    return (other.compare, other.add, other.mul, other.div, other.exp)


def test_valid_taps_closed_form_against_the_sum():
    """The closed form against the per-position sum it replaced, written out here."""
    import random

    def by_position(size, out, k, stride, pad):
        return sum(min(i * stride - pad + k, size) - max(i * stride - pad, 0) for i in range(out))

    rng = random.Random(13)
    for _ in range(20_000):
        case = (rng.randint(1, 40), rng.randint(0, 40), rng.randint(1, 45))
        case += (rng.randint(1, 7), rng.randint(0, 20))
        assert cost._valid_taps(*case) == by_position(*case), case


def test_pool_taps_of_a_huge_input_by_hand():
    """3x3/2 max pool, ceil rounding, on 10^7 x 10^7: per side 5,000,000 windows, the
    first 4,999,999 whole (3 taps), the last over rows 9,999,998-9,999,999 (2 taps);
    compares = taps - outputs."""
    a = analyse("| max pool | 3x3/2 | 1x1x1 | | | |\n", 'input = "10000000x10000000x1"')
    taps = 4_999_999 * 3 + 2
    assert a.blocks[0].other.compare == taps * taps - 5_000_000 * 5_000_000
