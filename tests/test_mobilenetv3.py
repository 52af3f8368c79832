"""MobileNetV3-Large as Table 1 prints it (the bundled `mobilenetv3-large`), against the
twin written from torchvision's mobilenetv3.py (tests/torch_papers.py; test_papers holds
it per layer, in total and end to end): its multiply-adds, its squeeze-and-excite widths,
Table 9's resolutions, and every counting tool run on the twin."""

from __future__ import annotations

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode
from torch_papers import MobileNetV3Large

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.spec.read import load_model

pytestmark = pytest.mark.torch


def _analysis(variant: str = "") -> cost.Analysis:
    return cost.analyse(build(load_model("mobilenetv3-large"), variant=variant))


def test_twin_is_torchvision_and_table_9():
    """torchvision's num_params; its products (flop_counter / 2) are ours, the 217M
    multiply-adds Table 9 prints (and torchvision's `_ops` 0.217 GFLOPs)."""
    with torch.device("meta"):
        twin = MobileNetV3Large().eval()
    assert sum(p.numel() for p in twin.parameters()) == 5_483_032
    with FlopCounterMode(display=False) as counter:
        twin(torch.zeros(1, 3, 224, 224, device="meta"))
    assert counter.get_total_flops() // 2 == _analysis().totals.macs == 216_589_760


def test_bnecks_as_the_reference_builds_them():
    """The first bneck's exp size is its input width: no expand (torchvision and TF-Slim
    skip it); squeeze-and-excite only where SE is ticked, each a quarter of exp size to a
    multiple of 8 (_make_divisible(72 // 4, 8) = 24: 18 rounds up)."""
    ops = {op.name: op for op in build(load_model("mobilenetv3-large")).ops()}
    assert "bneck1/expand" not in ops and "bneck2/expand" in ops
    reduced = [ops[f"bneck{i}/se/reduce"].out_shape[2] for i in (4, 5, 11, 12, 13, 14)]
    assert reduced == [24, 32, 120, 168, 168, 240]
    assert not any(f"bneck{i}/se/reduce" in ops for i in (1, 2, 3, 7, 8, 9, 10))
    assert [op.kind for op in ops.values() if op.name.startswith("bneck4/se")] == [
        "pool", "conv", "relu", "conv", "hsigmoid", "scale"]  # fmt: skip
    kinds = {ops[f"bneck{i}/dw/bn/{a}"].kind for i, a in ((1, "relu"), (7, "hswish"))}
    assert kinds == {"relu", "hswish"}  # the NL column: RE, HS


@pytest.mark.parametrize(
    ("variant", "millions"), [("256", 282), ("192", 160), ("160", 112), ("128", 73), ("96", 43)]
)
def test_table_9_resolutions(variant, millions):
    """The variants are Table 9's inputs at multiplier 1.0; each rounds to its printed
    MAdds (the audit holds them; these are the counts of the twin at that input)."""
    size = int(variant)
    with torch.device("meta"):
        twin = MobileNetV3Large().eval()
    with FlopCounterMode(display=False) as counter:
        twin(torch.zeros(1, 3, size, size, device="meta"))
    macs = _analysis(variant).totals.macs
    assert macs == counter.get_total_flops() // 2 and round(macs / 10**6) == millions


def test_presets_match_the_tools_on_mobilenetv3():
    """Every tool on the twin as torchvision writes it: nn.Hardswish and nn.Hardsigmoid
    count 0 in each (no hook, no patch, no handler); the squeeze-and-excite pool, ReLU and
    multiply, the conv biases and batch norm as on EfficientNet-B0."""
    from test_presets_torch import _tool_counts, assert_tools_match

    analysis = _analysis()
    torch.manual_seed(0)
    tools = _tool_counts(MobileNetV3Large().eval(), (3, 224, 224))
    assert_tools_match(analysis, tools)
    assert tools["flop-counter"][1] == 2 * 216_589_760
    assert tools["fvcore"][0] == tools["thop"][0] == 5_483_032
