"""EfficientNet-B0's grammar, usable by any table: a kind spelled with placeholders
(`MBConv6, k5x5` fills expansion and patch), squeeze-and-excitation as a layer of a kind,
a stage's stride from the next stage's printed resolution; and the tools' rules for
sigmoid and the squeeze-and-excitation multiply, held to every tool run on the twin."""

import pytest
import torch
from test_presets_torch import _tool_counts, assert_tools_match
from tiny_spec import spec_text
from torch_papers import EfficientNetB0

from inception_cost import audit, cost
from inception_cost.builder import build
from inception_cost.cells import Patch
from inception_cost.presets import PRESETS, count
from inception_cost.spec.read import load, load_model
from inception_cost.spec.variants import with_overrides

pytestmark = pytest.mark.torch

# A conv then squeeze-and-excitation at a quarter of the block's input channels.
SE = """input = "6x6x8"
[conventions]
conv_activation = "swish"
[kinds."se conv"]
spellings = ["se conv"]
prefix = "se"
branches = [{ layers = [
  { op = "conv", name = "conv", kernel = 3, filters = "output", padding = "same" },
  { op = "se", name = "se", ratio = 0.25, filters = "block_input" },
] }]"""
ROW = "| se conv | | 6x6x12 | | | |\n"


def test_squeeze_and_excitation_by_hand(write):
    net = build(load(write(spec_text(ROW, SE))))
    ops = {c.op.name: c for c in cost.analyse(net).blocks[0].ops}
    kinds = [c.op.kind for c in ops.values()]
    assert kinds == ["conv", "swish", "pool", "conv", "swish", "conv", "sigmoid", "scale"]
    # reduce: 12 -> floor(0.25 x 8) = 2 (the block's input, not the conv's 12), with biases
    assert ops["se1/se/reduce"].op.out_shape == (1, 1, 2)
    assert ops["se1/se/reduce"].params == 12 * 2 + 2 and ops["se1/se/reduce"].macs == 24
    assert ops["se1/se/expand"].params == 2 * 12 + 12 and ops["se1/se/expand"].macs == 24
    assert ops["se1/se/squeeze"].op.whole and ops["se1/se/squeeze"].op.kernel == (6, 6)
    scale = ops["se1/se/scale"].op
    assert scale.inputs == ("se1/conv/swish", "se1/se/expand/sigmoid")
    assert scale.in_shapes == ((6, 6, 12), (1, 1, 12)) and scale.out_shape == (6, 6, 12)
    assert sum(c.params for c in ops.values()) == 3 * 3 * 8 * 12 + 12 + 26 + 36
    assert sum(c.macs for c in ops.values()) == 6 * 6 * 12 * 72 + 24 + 24


def test_a_ratio_without_filters_is_of_the_layers_own_input(write):
    text = spec_text(ROW, SE.replace(', filters = "block_input" }', " }"))
    ops = {op.name: op for op in build(load(write(text))).ops()}
    assert ops["se1/se/reduce"].out_shape == (1, 1, 3)  # floor(0.25 x 12): SENet's C / r


def test_the_operator_cell_fills_the_kinds_placeholders():
    s = load_model("efficientnet-b0")
    row = s.row("mbconv3")  # MBConv6, k5x5
    assert row.cells.widths["expansion"] == 6 and row.cells.patch == Patch(5, 5, 1)
    assert row.at("patch") == row.at("expansion") == row.at("type")
    assert s.row("mbconv1").cells.widths["expansion"] == 1  # MBConv1: no expand layer
    ops = [op.name for op in build(s).ops()]
    assert "mbconv1/1/expand" not in ops and "mbconv2/1/expand" in ops


def test_strides_are_the_next_stages_resolution_over_this_ones():
    """The reference's block strings: s11, s22, s22, s22, s11, s22, s11; the stem s2."""
    net = build(load_model("efficientnet-b0"))
    ops = {op.name: op for op in net.ops()}
    firsts = [ops[f"mbconv{i}/1/dw"] for i in range(1, 8)]
    assert [op.stride for op in firsts] == [1, 2, 2, 2, 1, 2, 1]
    assert [op.kernel[0] for op in firsts] == [3, 3, 5, 3, 5, 5, 3]
    assert ops["conv1/1"].stride == 2 and ops["mbconv2/2/dw"].stride == 1
    # every printed resolution is audited against what its stage reads
    a = audit.audit(load_model("efficientnet-b0"), cost.analyse(net))
    assert [r.input.status for r in a.rows] == [audit.MATCH] * 9


def test_presets_match_the_tools_on_efficientnet_b0():
    """At 32x32 (strides read at the table's 224, kept): nn.Sigmoid is counted by no tool;
    the squeeze-and-excitation multiply `scale * input` only by torchprofile (aten::mul,
    one per element); ptflops and calflops patch torch.mul and Tensor.mul, not `*`."""
    s = with_overrides(load_model("efficientnet-b0"), input_shape=(32, 32, 3))
    analysis = cost.analyse(build(s))
    torch.manual_seed(0)
    tools = _tool_counts(EfficientNetB0().eval(), (3, 32, 32))
    assert_tools_match(analysis, tools)
    assert tools["calflops MACs"] == count(analysis, PRESETS["calflops"]).also
    se = dict(count(analysis, PRESETS["torchprofile"]).categories)["squeeze-and-excitation mul"]
    hidden = [op.out_shape for op in analysis.network.ops() if op.kind == "scale"]
    assert se == sum(h * w * c for h, w, c in hidden) > 0
    no_rule = {"sigmoid", "squeeze-and-excitation multiply", "swish"}
    assert no_rule <= set(count(analysis, PRESETS["netscope"]).unsupported)


def test_spec_form_and_csv_read_back(run, tmp_path):
    """The declared kinds (placeholders, se, linear, whole pool) and the note column are
    written back; the network read back is the same."""
    import json

    for fmt, name in (("spec", "b0.md"), ("csv", "b0.csv")):
        path = tmp_path / name
        path.write_text(run("table", "--model", "efficientnet-b0", "--format", fmt).stdout)
        back = json.loads(run("table", str(path), "--format", "json").stdout)["totals"]
        assert (back["params"], back["macs"]) == (5_288_548, 385_814_752), fmt


def test_each_layer_has_the_twins_output_shape():
    """test_papers holds params and MACs per layer on the meta device; here every
    convolution's output shape too, on the CPU at 64x64 (strides read at 224, kept)."""
    s = with_overrides(load_model("efficientnet-b0"), input_shape=(64, 64, 3))
    ours = {op.name: op.out_shape for op in build(s).ops() if op.kind == "conv"}
    twin, seen = EfficientNetB0().eval(), {}
    for name, module in twin.m.items():
        if isinstance(module, torch.nn.Conv2d):
            module.register_forward_hook(
                lambda _m, _i, out, name=name: seen.__setitem__(name, tuple(out.shape[1:]))
            )
    with torch.no_grad():
        twin(torch.zeros(1, 3, 64, 64))
    assert {k.replace("__", "/"): (h, w, c) for k, (c, h, w) in seen.items()} == ours
    assert ours["mbconv6/1/dw"][:2] == (2, 2) and ours["conv1/1"][:2] == (32, 32)
