"""`sweep` against torch twins at two sizes each: params and MACs (torch's flop counter
/ 2) on the meta device."""

from __future__ import annotations

import pytest
import torch
from test_sweep import _points
from torch.utils.flop_counter import FlopCounterMode
from torch_googlenet import InferenceGoogLeNet
from torch_models import AlexNet, ResNet

pytestmark = pytest.mark.torch


def _torch_count(model, side: int) -> tuple[int, int]:
    """Params and MACs (torch's flop counter / 2) of a twin on the meta device."""
    x = torch.empty((1, 3, side, side), device="meta")
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(x)
    return sum(p.numel() for p in model.parameters()), counter.get_total_flops() // 2


@pytest.mark.parametrize("side", [227, 291])
def test_alexnet_twin(side):
    with torch.device("meta"):
        twin = AlexNet(side).eval()
    _, points = _points("alexnet", (side,))
    t = points[(side, "")].totals
    assert (t.params, t.macs) == _torch_count(twin, side)


@pytest.mark.parametrize("side", [224, 320])
def test_resnet50_twin(side):
    with torch.device("meta"):
        twin = ResNet(50).eval()
    _, points = _points("resnet50", (side,))
    t = points[(side, "")].totals
    assert (t.params, t.macs) == _torch_count(twin, side)


@pytest.mark.parametrize("side", [224, 448])
def test_googlenet_twin_global_pool(side):
    with torch.device("meta"):
        twin = InferenceGoogLeNet().eval()
    twin.net.pool5 = torch.nn.AdaptiveAvgPool2d(1)  # what --global-pool reads pool5 as
    seen = {}
    twin.net.inc["5b"].register_forward_hook(lambda m, i, out: seen.__setitem__("5b", out.shape))
    params, macs = _torch_count(twin, side)
    _, points = _points("googlenet", (side,), global_pool=True)
    p = points[(side, "")]
    assert (p.totals.params, p.totals.macs) == (params, macs)
    assert tuple(seen["5b"][2:]) == p.final[:2]
