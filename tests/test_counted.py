"""The counted view: what the params and operations columns show, against hand arithmetic
and LeNet-5's published connections."""

from __future__ import annotations

from inception_cost.report import make_report
from inception_cost.spec.read import load_model, parse_markdown

# conv 3x3x3->4 (+bias, same padding) on 8x8: 108 + 4 = 112 params, 8*8*4*27 = 6,912 MACs,
# 256 outputs (so 256 bias adds), then its ReLU (256 elements); a 2x2/2 max pool reads 256.
TINY = (
    '+++\ninput = "8x8x3"\n+++\n\n'
    "| type | patch size/stride | output size | depth | params | ops |\n"
    "|---|---|---|---|---|---|\n"
    "| convolution | 3x3/1 | 8x8x4 | 1 | 112 | 6.9K |\n"
    "| max pool | 2x2/2 | 4x4x4 | 0 | | 1.5 |\n"
)


def _tiny():
    return parse_markdown(TINY)


def test_macs_and_flops_by_hand():
    counted = make_report(_tiny()).counted
    assert counted.unit == "MACs"
    assert (counted.blocks["conv1"].params, counted.blocks["conv1"].ops) == (112, 6_912)
    assert (counted.total.params, counted.total.ops, counted.total.flops) == (112, 6_912, 13_824)
    flops = make_report(_tiny(), flops=True).counted
    assert flops.unit == "FLOPs"
    assert (flops.blocks["conv1"].ops, flops.ops["conv1/relu"].ops) == (13_824, 0)
    assert flops.claims_comparable is False  # the table claims multiply-adds


def test_the_claims_summed_as_printed():
    counted = make_report(_tiny()).counted
    assert (counted.claimed_params, counted.claimed_ops) == (112, 6_900 + 1)  # 1.5 truncates


def test_a_batch_scales_operations_not_params():
    counted = make_report(_tiny(), batch=2).counted
    assert (counted.total.params, counted.total.ops) == (112, 13_824)
    assert counted.claims_comparable is False  # the claims are per image


def test_presets_by_hand():
    # ptflops: MACs + bias adds (256) per conv; ReLU twice (512); pool inputs twice (512)
    ptflops = make_report(_tiny(), preset="ptflops").counted
    assert ptflops.unit == "MACs"
    assert ptflops.blocks["conv1"].ops == 6_912 + 256 + 512
    assert ptflops.blocks["pool1"].ops == 512
    assert ptflops.total.ops == 6_912 + 256 + 512 + 512
    # Keras counts no operations, Netscope no biases
    assert make_report(_tiny(), preset="keras").counted.total.ops is None
    assert make_report(_tiny(), preset="netscope").counted.total.params == 108


def test_lenet5_counts_connections_as_printed():
    # LeCun et al. 1998: C1 has 122,304 connections, C3 151,600, F6 10,164
    counted = make_report(load_model("lenet5")).counted
    assert counted.unit == "connections" and counted.connections
    assert [counted.blocks[n].ops for n in ("C1", "C3", "F6")] == [122_304, 151_600, 10_164]
