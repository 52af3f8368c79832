"""The analytic shapes and counts against a real framework (PyTorch CPU).

Nothing here asks the cost model for an expectation: torch computes the shapes, its
flop counter counts the FLOPs (2 per multiply-add), and the GoogLeNet below is written
from the paper's Table 1 with torch layers, not from our network builder.
"""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from torch_googlenet import GoogLeNet, torch_name

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.spec.read import load_model, parse_markdown

pytestmark = pytest.mark.torch


def _one_row(row: str, input_shape, conventions: str):
    h, w, c = input_shape
    text = (
        f'+++\ninput = "{h}x{w}x{c}"\n[conventions]\n{conventions}\n+++\n'
        "| type | patch size/stride | output size |\n|---|---|---|\n" + row + "\n"
    )
    return cost.analyse(build(parse_markdown(text))).blocks[0]


def _flops(module: nn.Module, x: torch.Tensor) -> tuple[int, torch.Tensor]:
    with FlopCounterMode(display=False) as counter:
        y = module(x)
    return counter.get_total_flops(), y


@st.composite
def conv_cases(draw):
    kh, kw = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    pad = draw(st.integers(0, 3))
    h = draw(st.integers(max(1, kh - 2 * pad), 40))
    w = draw(st.integers(max(1, kw - 2 * pad), 40))
    return (
        h,
        w,
        draw(st.integers(1, 8)),
        kh,
        kw,
        draw(st.integers(1, 4)),
        pad,
        draw(st.integers(1, 9)),
    )


@settings(max_examples=150, deadline=None)
@given(conv_cases())
def test_conv_shape_and_macs_match_torch(case):
    h, w, cin, kh, kw, stride, pad, cout = case
    block = _one_row(
        f"| convolution | {kh}x{kw}/{stride} | 1x1x{cout} |", (h, w, cin), f"conv_padding = {pad}"
    )
    conv = block.ops[0]
    torch_conv = nn.Conv2d(cin, cout, (kh, kw), stride, pad)
    flops, y = _flops(torch_conv, torch.zeros(1, cin, h, w))
    assert conv.op.out_shape == (y.shape[2], y.shape[3], y.shape[1])
    assert conv.macs == flops // 2 and flops % 2 == 0
    assert conv.params == sum(p.numel() for p in torch_conv.parameters())


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.sampled_from([1, 3, 5, 7]),
    st.integers(1, 3),
    st.integers(7, 30),
    st.integers(1, 5),
)
def test_separable_conv_matches_torch_grouped_convs(cin, multiplier, k, stride, size, cout):
    block = _one_row(
        f"| separable convolution (x{multiplier}) | {k}x{k}/{stride} | 1x1x{cout} |",
        (size, size, cin),
        'conv_padding = "same"',
    )
    dw, pw = block.ops[0], block.ops[1]
    torch_dw = nn.Conv2d(cin, cin * multiplier, k, stride, (k - 1) // 2, groups=cin)
    torch_pw = nn.Conv2d(cin * multiplier, cout, 1)
    f1, y = _flops(torch_dw, torch.zeros(1, cin, size, size))
    f2, z = _flops(torch_pw, y)
    assert dw.op.out_shape == (y.shape[2], y.shape[3], y.shape[1])
    assert (dw.macs, pw.macs) == (f1 // 2, f2 // 2)
    assert dw.params == sum(p.numel() for p in torch_dw.parameters())
    assert pw.op.out_shape == (z.shape[2], z.shape[3], z.shape[1])


@st.composite
def pool_cases(draw):
    k = draw(st.integers(1, 7))
    pad = draw(st.integers(0, k // 2))  # torch's limit: padding at most half the kernel
    size = draw(st.integers(max(1, k - 2 * pad), 40))
    return size, draw(st.integers(1, 8)), k, draw(st.integers(1, 4)), pad, draw(st.booleans())


@settings(max_examples=200, deadline=None)
@given(pool_cases(), st.sampled_from(["max", "avg"]))
def test_pool_shape_matches_torch(case, mode):
    size, c, k, stride, pad, ceil = case
    block = _one_row(
        f"| {mode} pool | {k}x{k}/{stride} | 1x1x{c} |",
        (size, size + 1, c),
        f'pool_padding = {pad}\npool_rounding = "{"ceil" if ceil else "floor"}"',
    )
    cls = nn.MaxPool2d if mode == "max" else nn.AvgPool2d
    y = cls(k, stride, pad, ceil_mode=ceil)(torch.zeros(1, c, size, size + 1))
    assert block.ops[0].op.out_shape == (y.shape[2], y.shape[3], y.shape[1])


# --------------------------------------------------------------------------- GoogLeNet


def test_googlenet_matches_torch_layer_by_layer():
    torch.manual_seed(0)
    model = GoogLeNet().eval()
    analysis = cost.analyse(build(load_model("googlenet"), aux=True))
    modules = dict(model.named_modules())

    shapes = {}

    def hook(name):
        def record(_module, _inputs, output):
            shapes[name] = tuple(output.shape)

        return record

    for name, module in modules.items():
        if name:
            module.register_forward_hook(hook(name))
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, 224, 224))
    flops = {
        k.removeprefix("GoogLeNet."): sum(v.values()) for k, v in counter.get_flop_counts().items()
    }

    checked = 0
    for block in analysis.blocks:
        for c in block.ops:
            if c.op.kind not in ("conv", "linear", "pool") or block.name.startswith("pool"):
                continue
            name = torch_name(c.op.name)
            module = modules[name]
            assert c.params == sum(p.numel() for p in module.parameters()), c.op.name
            assert c.macs * 2 == flops.get(name, 0), c.op.name
            _, ch, *hw = shapes[name]
            got = (*hw, ch) if hw else (1, 1, ch)
            assert c.op.out_shape == got, c.op.name
            checked += 1
    # conv1, conv2 (reduce + 3x3), fc, 9 modules x (6 convs + pool), 2 heads x (pool, conv, 2 fc)
    assert checked == 1 + 2 + 1 + 9 * 7 + 2 * 4
    assert analysis.totals.params == sum(p.numel() for p in model.parameters())
    assert analysis.totals.macs * 2 == counter.get_total_flops()


def test_googlenet_stand_alone_pools_and_lrn_match_torch_shapes():
    model = GoogLeNet().eval()
    seen = {}
    for name in ("pool1", "norm1", "norm2", "pool2", "pool3", "pool4", "pool5"):
        getattr(model, name).register_forward_hook(
            lambda _m, _i, out, name=name: seen.__setitem__(name, tuple(out.shape))
        )
    with torch.no_grad():
        model(torch.zeros(1, 3, 224, 224))
    analysis = cost.analyse(build(load_model("googlenet")))
    for block in analysis.blocks:
        if block.name in seen:
            _, c, h, w = seen[block.name]
            assert block.block.out_shape == (h, w, c), block.name
