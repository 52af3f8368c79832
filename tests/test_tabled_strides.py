"""A stride read from a residual stage's printed output size belongs to the table as
printed: read at the spec's own input, kept at any other (`table --input`, `sweep`),
where the stage's output follows from its strided layers. Checked against torch twins
and hand arithmetic."""

from __future__ import annotations

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode
from torch_models import ResNet

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.network import Network
from inception_cost.spec.read import load_model
from inception_cost.spec.variants import with_overrides

pytestmark = pytest.mark.torch


def _at(model: str, side: int) -> Network:
    return build(with_overrides(load_model(model), input_shape=(side, side, 3)))


def _twin(depth: int, side: int) -> tuple[int, int, tuple[int, ...]]:
    """Params, MACs (torch's flop counter / 2) and layer4's map of a torch twin."""
    with torch.device("meta"):
        model = ResNet(depth).eval()
    seen = {}
    model.layer4.register_forward_hook(lambda m, i, out: seen.__setitem__("map", out.shape))
    x = torch.empty((1, 3, side, side), device="meta")
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(x)
    params = sum(p.numel() for p in model.parameters())
    return params, counter.get_total_flops() // 2, tuple(seen["map"][2:])


@pytest.mark.parametrize(
    ("model", "depth", "side"),
    [("resnet18", 18, 448), ("resnet50", 50, 112), ("resnet50", 50, 336)],
)
def test_table_input_equals_the_torch_twin(model, depth, side):
    net = _at(model, side)
    totals = cost.analyse(net).totals
    conv5 = next(b for b in net.blocks if b.name == "conv5_x").out_shape
    assert (totals.params, totals.macs, conv5[:2]) == _twin(depth, side)


def test_stage_sizes_at_a_side_that_is_not_a_multiple_of_32():
    # 200: conv1 7x7/2 pad 3 (200 + 6 - 7) // 2 + 1 = 100; pool1 3x3/2 pad 1 50;
    # conv2_x keeps 50 (stride 1, as at 224 where 56 -> 56); conv3_x 3x3/2 pad 1
    # (50 + 2 - 3) // 2 + 1 = 25; conv4_x 13; conv5_x 7.
    sizes = {b.name: b.out_shape for b in _at("resnet18", 200).blocks}
    assert [sizes[n] for n in ("pool1", "conv2_x", "conv3_x", "conv4_x", "conv5_x")] == [
        (50, 50, 64),
        (50, 50, 64),
        (25, 25, 128),
        (13, 13, 256),
        (7, 7, 512),
    ]


def test_the_tabled_size_still_reads_strides_from_the_printed_sizes():
    sizes = {b.name: b.out_shape[:2] for b in _at("resnet18", 224).blocks}
    assert [sizes[f"conv{i}_x"] for i in range(2, 6)] == [(56, 56), (28, 28), (14, 14), (7, 7)]


def test_sweep_builds_resnet50_at_112_224_336(run):
    result = run("sweep", "-m", "resnet50", "--input", "112..336/112", "--format", "csv")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and all("25557032" in line for line in lines[1:])
