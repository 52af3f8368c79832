"""compare-bottleneck's direct and reduced paths against torch's flop counter."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from inception_cost import bottleneck

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
