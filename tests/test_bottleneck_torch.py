"""compare-bottleneck's direct and reduced paths against torch's flop counter."""

from __future__ import annotations

import pytest
import torch
from test_bottleneck import _mobilenetv2_blocks
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from inception_cost import bottleneck, naive
from inception_cost.spec.read import load_model

pytestmark = pytest.mark.torch

EXAMPLES = {e.id: e for e in bottleneck.examples()}


def _torch_macs(*layers: nn.Module, shape) -> tuple[int, tuple]:
    h, w, c = shape
    x = torch.zeros(1, c, h, w)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        y = nn.Sequential(*layers)(x)
    return counter.get_total_flops() // 2, (y.shape[2], y.shape[3], y.shape[1])


@pytest.mark.parametrize(("eid", "reading"), [("A", 0), ("B", 0), ("B", 1)])
def test_direct_and_reduced_paths_match_torch_flop_counter(eid, reading):
    r = EXAMPLES[eid].readings[reading]
    conv = r.baseline.layers[0].op
    k, pad, cin, cout = conv.kernel[0], conv.padding[0], conv.in_shapes[0][2], conv.out_shape[2]
    reduce_to = r.alternative.layers[0].op.out_shape[2]
    shape = conv.in_shapes[0]
    macs, out = _torch_macs(nn.Conv2d(cin, cout, k, padding=pad, bias=False), shape=shape)
    assert (macs, out) == (r.baseline.macs, r.baseline.out_shape)
    macs, out = _torch_macs(
        nn.Conv2d(cin, reduce_to, 1, bias=False),
        nn.Conv2d(reduce_to, cout, k, padding=pad, bias=False),
        shape=shape,
    )
    assert (macs, out) == (r.alternative.macs, r.alternative.out_shape)


def _torch_counts(module: nn.Module, shape) -> tuple[int, int]:
    h, w, c = shape
    with torch.device("meta"):
        x = torch.empty(1, c, h, w)
        with FlopCounterMode(display=False) as counter:
            module.eval()(x)
    return sum(p.numel() for p in module.parameters()), counter.get_total_flops() // 2


def _conv_bn(cin: int, cout: int, k: int, s: int = 1, groups: int = 1, act=True):
    layers = [nn.Conv2d(cin, cout, k, s, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    return nn.Sequential(*layers, *([nn.ReLU6()] if act else []))


def test_mobilenetv2_comparison_matches_torch():
    result = naive.modules(load_model("mobilenetv2"))
    for m, (_, _, _, cin, t, c, s) in zip(result.modules, _mobilenetv2_blocks(), strict=True):
        hidden = cin * t
        with torch.device("meta"):
            expand = [_conv_bn(cin, hidden, 1)] if t != 1 else []
            built = nn.Sequential(
                *expand, _conv_bn(hidden, hidden, 3, s, hidden), _conv_bn(hidden, c, 1, act=False)
            )
            plain = _conv_bn(cin, c, 3, s)
        assert _torch_counts(built, m.in_shape) == (m.built.params, m.built.macs), m.name
        assert _torch_counts(plain, m.in_shape) == (m.naive.params, m.naive.macs), m.name


def test_resnet50_comparison_matches_torch():
    from torch_models import BasicBlock, Bottleneck

    result = naive.modules(load_model("resnet50"))
    for m in result.modules:
        cin, c = m.in_shape[2], m.built.block.out_shape[2]
        s = m.in_shape[0] // m.built.block.out_shape[0]
        with torch.device("meta"):  # no weights drawn: basic blocks of 2048 are 75M params
            built = Bottleneck(cin, c // 4, s, "1x1", "projection")
            basic = BasicBlock(cin, c, s, "1x1", "projection")
        assert _torch_counts(built, m.in_shape) == (m.built.params, m.built.macs), m.name
        assert _torch_counts(basic, m.in_shape) == (m.naive.params, m.naive.macs), m.name
