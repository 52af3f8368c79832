"""The primitives of 2016-2023 tables (issue 23): GELU (exact and tanh), the leaky ReLU,
the hard swish and sigmoid, layer norm over channels, layer scale, the patchify stem and
pre-activation kinds. Each kernel against torch, each cost rule by hand, a spec of them
built, run by `verify` and against a torch twin, and every tool's count of them against
the tool itself."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from test_reference_torch import TOL, nchw, nhwc
from test_torch_networks import _copy
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from torch_probe import PROBE, Probe

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.conventions import parse_activation
from inception_cost.errors import InputError
from inception_cost.ops import Gelu, HardSigmoid, HardSwish, LayerNorm, LayerScale, ReLU
from inception_cost.receptive import receptive
from inception_cost.reference import executor, pointwise, weights
from inception_cost.spec.read import load
from inception_cost.verify import verify

pytestmark = pytest.mark.torch

SHAPE = (3, 4, 5)  # H, W, C: 60 elements at 12 positions


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_kernels_match_torch(dtype):
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((2, *SHAPE)) * 4).astype(dtype)  # past h-swish's -3 and 3
    t = nchw(x)
    check = {
        "gelu": (pointwise.gelu(x), F.gelu(t)),
        "gelu tanh": (pointwise.gelu(x, "tanh"), F.gelu(t, approximate="tanh")),
        "hswish": (pointwise.hard_swish(x), F.hardswish(t)),
        "hsigmoid": (pointwise.hard_sigmoid(x), F.hardsigmoid(t)),
        "leaky": (pointwise.leaky_relu(x, 0.1), F.leaky_relu(t, 0.1)),
    }
    gamma, beta = rng.uniform(0.5, 1.5, SHAPE[2]), rng.uniform(-0.1, 0.1, SHAPE[2])
    gamma, beta = gamma.astype(dtype), beta.astype(dtype)
    ln = F.layer_norm(t.permute(0, 2, 3, 1), (SHAPE[2],), torch.from_numpy(gamma),
                      torch.from_numpy(beta), 1e-6).permute(0, 3, 1, 2)  # fmt: skip
    check["layer norm"] = (pointwise.layer_norm(x, gamma, beta, 1e-6), ln)
    check["layer scale"] = (pointwise.layer_scale(x, gamma), t * nchw(gamma[None, None, None]))
    for name, (ours, theirs) in check.items():
        np.testing.assert_allclose(ours, nhwc(theirs), **TOL[dtype], err_msg=name)
    y = x.copy()
    assert pointwise.leaky_relu(y, 0.1, inplace=True) is y  # over its dying input


def test_erf_is_the_c_library_s():
    x = np.array([-6.0, -1.0, -1e-9, 0.0, 0.5, 3.0], dtype="float64")
    assert pointwise.erf(x.copy()).tolist() == [torch.erf(torch.tensor(v)).item() for v in x]


def _cost(kind, shape=SHAPE, **fields):
    return cost.op_cost(kind("op", ("input",), (shape,), shape, **fields), batch=2)


def test_cost_rules_by_hand():
    e, p = 2 * 60, 2 * 12  # elements and positions of a batch of 2
    leaky = _cost(ReLU, slope=0.1)
    assert (leaky.other.compare, leaky.other.mul, leaky.other.total, leaky.activations) == (
        e, e, 2 * e, 0)  # fmt: skip
    hs, hsig = _cost(HardSwish), _cost(HardSigmoid)
    assert (hs.other.add, hs.other.compare, hs.other.mul, hs.other.div) == (e, 2 * e, e, e)
    assert (hsig.other.add, hsig.other.compare, hsig.other.mul, hsig.other.div) == (e, 2 * e, 0, e)
    exact, tanh = _cost(Gelu), _cost(Gelu, approximate="tanh")
    assert (exact.other.mul, exact.other.add, exact.other.exp) == (3 * e, e, e)
    assert (tanh.other.mul, tanh.other.add, tanh.other.exp) == (6 * e, 2 * e, e)
    ln = _cost(LayerNorm)
    # per position over C = 5: adds 4 + 5 + 4 + 1 + 5 = 19, muls 15, divs 2, one pow
    assert (ln.other.add, ln.other.mul, ln.other.div, ln.other.exp) == (19 * p, 15 * p, 2 * p, p)
    assert (ln.weights, ln.biases, ln.params) == (5, 5, 10)
    ls = _cost(LayerScale)
    assert (ls.weights, ls.biases, ls.other.mul, ls.other.total) == (5, 0, e, e)
    for c in (leaky, hs, hsig, exact, tanh, ln, ls):
        assert c.macs == 0 and c.fixed == 0


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("RE", "relu"),
        ("HS", "hswish"),
        ("h-swish", "hswish"),
        ("Hard Sigmoid", "hsigmoid"),
        ("GELU", "gelu"),
        ("gelu (tanh)", "gelu tanh"),
        ("SiLU", "swish"),
        ("leaky ReLU", "leaky relu"),
        ("Leaky ReLU (0.1)", "leaky relu 0.1"),
        ("linear", "none"),
    ],
)
def test_activation_names_as_printed(printed, name):
    assert parse_activation(printed) == name


@pytest.mark.parametrize("bad", ["leaky relu 1.5", "mish", "", "hs6"])
def test_unknown_activation_is_refused(bad):
    with pytest.raises(InputError, match=r"leaky|unknown activation"):
        parse_activation(bad)


def _probe(write):
    return load(write(PROBE))


def test_probe_builds_each_primitive(write):
    net = build(_probe(write))
    kinds = [op.kind for op in net.ops() if op.kind != "conv"]
    assert kinds == [
        *("layernorm", "gelu", "relu", "hswish"),
        *("gelu", "layerscale", "gelu", "hsigmoid"),
    ]
    by_name = {op.name: op for op in net.ops()}
    assert by_name["c2/leaky_relu"].slope == 0.1 and by_name["c4/gelu"].approximate == "tanh"
    assert by_name["stem"].padding == (0, 0)  # patchify: no padding, as ConvNeXt writes it


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_probe_verifies_and_runs_as_torch(write, dtype):
    spec = _probe(write)
    v = verify(spec, dtype=dtype)
    assert v.ok and not v.mismatches()
    net, twin = build(spec), Probe().to(getattr(torch, dtype)).eval()
    w = weights.init_weights(net, seed=3, dtype=dtype)
    modules = dict(twin.named_modules())
    with torch.no_grad():
        for op in net.ops():
            if f"{op.name}.weight" not in w:
                continue
            weight = torch.from_numpy(w[f"{op.name}.weight"])
            if op.kind == "conv":
                modules[f"convs.{op.name}"].weight.copy_(weight.permute(3, 2, 0, 1))
                modules[f"convs.{op.name}"].bias.copy_(torch.from_numpy(w[f"{op.name}.bias"]))
            elif op.kind == "layernorm":
                twin.ln.weight.copy_(weight)
                twin.ln.bias.copy_(torch.from_numpy(w["ln.bias"]))
            elif op.kind == "layerscale":
                twin.ls.copy_(weight.reshape(16, 1, 1))
    x = weights.random_input(net.input_shape, 2, seed=3, dtype=dtype)
    (ours,) = executor.run(net, w, x).outputs.values()
    with torch.no_grad():
        theirs = nhwc(twin(nchw(x)))
    np.testing.assert_allclose(ours, theirs, **TOL[dtype])


def test_probe_params_and_macs_are_the_twin_s(write):
    analysis = cost.analyse(build(_probe(write)))
    twin = Probe().eval()
    with FlopCounterMode(display=False) as counter:
        twin(torch.zeros(1, 3, 32, 32))
    assert analysis.totals.params == sum(p.numel() for p in twin.parameters())
    assert analysis.totals.macs == counter.get_total_flops() // 2


def test_patchify_stem_field_and_shape_against_torch(write):
    """`4×4, 96, stride 4` (ConvNeXt's stem as its table prints it): 56x56x96 from 224,
    no padding, each unit sees its own 4x4 patch."""
    spec = load(write('+++\ninput = "224x224x3"\n+++\n\n| type | output size |\n|---|---|\n'
                      "| 4×4, 96, stride 4 | 56×56×96 |\n"))  # fmt: skip
    (block,) = cost.analyse(build(spec)).blocks
    conv = block.ops[0]
    with FlopCounterMode(display=False) as counter:
        y = nn.Conv2d(3, 96, 4, 4)(torch.zeros(1, 3, 224, 224))
    assert conv.op.out_shape == (y.shape[2], y.shape[3], y.shape[1]) == (56, 56, 96)
    assert conv.macs == counter.get_total_flops() // 2 and conv.params == 4 * 4 * 3 * 96 + 96
    (row,) = receptive(build(spec)).rows
    assert (row.field.size, row.field.stride, row.field.padding) == ((4, 4), (4, 4), (0, 0))


def test_a_stride_column_must_agree_with_the_printed_stride(write):
    text = '+++\ninput = "32x32x3"\n+++\n\n| type | output size | stride |\n|---|---|---|\n'
    with pytest.raises(InputError, match="stride 2 and patch 4x4/4 disagree"):
        load(write(text + "| 4×4, 8, stride 4 | 8×8×8 | 2 |\n"))


# Pre-activation: a kind whose convolutions are BN-ReLU-conv (He et al. 2016, "Identity
# Mappings"; kuangliu's PreActBlock): the projection reads the first pre-activation.
PREACT = """+++
input = "16x16x3"
[conventions]
batch_norm = true
bias = false

[kinds.preact]
spellings = ["preact"]
join = "add"
shortcut = "convention"
stride = ["first"]
stride_from_sizes = true
repeat = "block"
preactivation = true
branches = [{ block = "block" }]
+++

| name | type | output size | building block |
|---|---|---|---|
| conv1 | 3×3, 8 | 16x16x8 | |
| s1 | preact | 16x16x8 | [3x3, 8; 3x3, 8] x 1 |
| s2 | preact | 8x8x16 | [3x3, 16; 3x3, 16] x 1 |
"""


class PreAct(nn.Module):
    """conv1-BN-ReLU, then two pre-activation blocks (kuangliu's PreActBlock: relu(bn1(x))
    feeds conv1 and the projection; bn2-relu-conv2; the sum, no activation after it)."""

    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(3, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8)
        blocks = {}
        for name, cin, c, s in (("s1", 8, 8, 1), ("s2", 8, 16, 2)):
            blocks[f"{name}_bn1"], blocks[f"{name}_bn2"] = nn.BatchNorm2d(cin), nn.BatchNorm2d(c)
            blocks[f"{name}_conv1"] = nn.Conv2d(cin, c, 3, s, 1, bias=False)
            blocks[f"{name}_conv2"] = nn.Conv2d(c, c, 3, 1, 1, bias=False)
        blocks["s2_projection"] = nn.Conv2d(8, 16, 1, 2, bias=False)
        self.b = nn.ModuleDict(blocks)

    def forward(self, x):
        b = self.b
        x = F.relu(self.bn1(self.conv1(x)))
        for name in ("s1", "s2"):
            pre = F.relu(b[f"{name}_bn1"](x))
            y = b[f"{name}_conv2"](F.relu(b[f"{name}_bn2"](b[f"{name}_conv1"](pre))))
            x = y + (b[f"{name}_projection"](pre) if name == "s2" else x)
        return x


def test_preactivation_kind_runs_as_the_torch_twin(write):
    spec = load(write(PREACT))
    net = build(spec)
    kinds = [(op.name, op.kind) for op in net.ops() if op.name.startswith("s2")]
    assert kinds[:3] == [
        ("s2/1/conv1/bn", "bn"),
        ("s2/1/conv1/bn/relu", "relu"),
        ("s2/1/conv1", "conv"),
    ]
    projection = next(op for op in net.ops() if op.name == "s2/1/projection")
    assert projection.inputs == ("s2/1/conv1/bn/relu",) and not projection.bias
    assert verify(spec, dtype="float64").ok
    twin = PreAct().double().eval()
    names = {"conv1": "conv1", "conv1/bn": "bn1"}
    for s in ("s1", "s2"):
        names |= {f"{s}/1/conv1/bn": f"b.{s}_bn1", f"{s}/1/conv2/bn": f"b.{s}_bn2"}
        names |= {f"{s}/1/conv{i}": f"b.{s}_conv{i}" for i in (1, 2)}
    names["s2/1/projection"] = "b.s2_projection"
    w = weights.init_weights(net, seed=2, dtype="float64")
    with torch.no_grad():
        _copy(net, w, twin, names.get)
    assert cost.analyse(net).totals.params == sum(p.numel() for p in twin.parameters())
    x = weights.random_input(net.input_shape, 2, seed=2, dtype="float64")
    (ours,) = executor.run(net, w, x).outputs.values()
    with torch.no_grad():
        theirs = nhwc(twin(nchw(x)))
    np.testing.assert_allclose(ours, theirs, **TOL["float64"])


def test_presets_match_the_tools_on_the_primitives(write):
    """Every tool on the probe, as each prints it, against its preset: layer norm (fvcore
    and calflops 5 per element, thop 4, ptflops and torchprofile 1, torchinfo 2 x C),
    GELU (ptflops twice, calflops once), the leaky ReLU (ptflops, torchprofile, calflops
    once), the hard swish and sigmoid (no tool), layer scale (torchprofile's aten::mul;
    thop misses its parameters)."""
    from test_presets_torch import _tool_counts, assert_tools_match

    analysis = cost.analyse(build(_probe(write)))
    torch.manual_seed(0)
    tools = _tool_counts(Probe().eval(), (3, 32, 32))
    assert_tools_match(analysis, tools)
    ln, gelu, leaky, ls = 8 * 8 * 8, 2 * 8 * 8 * 16 + 8 * 8 * 8, 8 * 8 * 16, 8 * 8 * 16
    products = 8 * 8 * 8 * 48 + 3 * 8 * 8 * 16 * 9 * 16 - 8 * 8 * 16 * 9 * 8 + 8 * 8 * 8 * 24
    assert products == analysis.totals.macs  # by hand: the stem, c1 to c3, c4 and c5
    bias_adds = 8 * 8 * (8 + 16 * 3 + 8 * 2)
    assert tools["ptflops"][1] == products + bias_adds + ln + 2 * gelu + leaky
    assert tools["torchprofile"][1] == products + ln + leaky + ls
    assert tools["thop"] == (analysis.totals.params - 16, products + 4 * ln)


def test_later_rules_show_only_where_the_network_has_them(write):
    """A network without the later primitives reads as before in `conventions`: their
    categories and where their rules were read show only where it has one."""
    from inception_cost.comparison import compare
    from inception_cost.spec.read import load_model

    compared = {c.count.preset.name: c for c in compare(_probe(write)).presets}
    probe = {name: c.count for name, c in compared.items()}
    google = {c.count.preset.name: c.count for c in compare(load_model("googlenet")).presets}
    assert dict(probe["fvcore"].categories)["layer norm"] == 5 * 8 * 8 * 8
    assert "layer norm" not in dict(google["fvcore"].categories)
    assert "aten::layer_norm" in probe["fvcore"].source
    assert google["fvcore"].source == google["fvcore"].preset.source
    assert "layer_norm" not in google["fvcore"].source
    assert dict(compared["thop"].params_difference) == {"weights": -16}  # layer scale's gamma
