"""Module kinds as data: each built-in kind's example (docs/examples/) against hand
arithmetic, against its torch twin layer by layer (params, output shape, MACs =
flop_counter / 2) and end to end (the NumPy reference's outputs equal torch's), and
through `verify`."""

from pathlib import Path

import numpy as np
import pytest
import torch
from test_torch_networks import _copy
from torch_kinds import TWINS
from twin_layers import assert_layers_match

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.network import Network
from inception_cost.reference import executor, weights
from inception_cost.spec.read import load
from inception_cost.verify import verify

pytestmark = pytest.mark.torch

EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"

# (params, MACs), by hand in the comments; every convolution has a bias unless BN follows.
HAND = {
    # fire2 on 8 channels: squeeze 8*4+4, expand1x1 4*8+8, expand3x3 9*4*8+8 = 372;
    # fire3 on 16: 16*4+4 + 40 + 296 = 404. MACs 256 positions x (32+32+288, 64+32+288).
    "fire": (372 + 404, 256 * 352 + 256 * 384),
    # conv 27*8 + BN 16; dw 9*8 + 16; 1x1 8*16 + 32; dw/2 9*16 + 32; 1x1 16*32 + 64.
    # MACs: 64*216 + 64*72 + 64*128 + 16*144 + 16*512.
    "depthwise": (232 + 88 + 160 + 176 + 576, 13824 + 4608 + 8192 + 2304 + 8192),
    # t=1: dw 9*8 + 16, project 8*8 + 16; t=6 s=2: expand 8*48 + 96, dw 9*48 + 96,
    # project 48*12 + 24; then on 12: 12*72 + 144, 9*72 + 144, 72*12 + 24.
    # MACs: 64*(72+64); 64*384 + 16*(432+576); 16*(864+648+864).
    "inverted-residual": (168 + 1608 + 2688, 8704 + 40704 + 38016),
    # layer 1 on 16: BN 32, 16*16, BN 32, 9*16*4; layer 2 on 20: BN 40, 20*16, BN 32, 576.
    "dense": (896 + 968, 64 * (256 + 576) + 64 * (320 + 576)),
    # 3a on 16: 68 + 68 + 296 + 68 + 296 + 584 + 68; 3c on 24: 100 + 296 + 100 + 296 + 584.
    # MACs 3a: 64 x 1408; 3c: 64*96*2 (reduces) + 16*288 + 64*288 + 16*576.
    "inception-v2": (1448 + 1376, 64 * 1408 + 12288 + 4608 + 18432 + 9216),
    # 8*4+4, 9*4*8+8, 8*4+4, 9*4*12+12, 9*12*12+12; MACs 81*32 + 16*288 + 81*32
    # + 81*432 + 16*1296.
    "reduction": (2120, 2592 + 4608 + 2592 + 34992 + 20736),
    # strided on 4 (8x8 -> 4x4): left dw 9*4 + BN 8, left 1x1 4*4 + 8; right 1x1 4*8 + 16,
    # dw 9*8 + 16, 1x1 to the rest, 16 - 4 = 12: 8*12 + 24. Basic on 16: half 8, 1x1
    # 8*8 + 16, dw 9*8 + 16, 1x1 8*8 + 16. MACs: 16*36 + 16*16 + 64*32 + 16*72 + 16*96;
    # 16*(64 + 72 + 64).
    "shuffle-unit": (44 + 24 + 48 + 88 + 120 + 80 + 88 + 80, 5568 + 3200),
}


def _net(name: str) -> Network:
    return build(load(EXAMPLES / f"{name}.md"))


@pytest.mark.parametrize("name", sorted(HAND))
def test_example_totals_by_hand(name):
    totals = cost.analyse(_net(name)).totals
    assert (totals.params, totals.macs) == HAND[name]


@pytest.mark.parametrize("name", sorted(HAND))
def test_each_layer_matches_torch(name):
    net, model = _net(name), TWINS[name]().eval()
    assert_layers_match(net, model, dict(model.m.items()), str, ("conv",))


@pytest.mark.parametrize("name", sorted(HAND))
def test_reference_outputs_equal_torch(name):
    net, model = _net(name), TWINS[name]().double().eval()
    w = weights.init_weights(net, seed=5, dtype="float64")
    with torch.no_grad():
        _copy(net, w, model, lambda op: f"m.{op}")
    x = weights.random_input(net.input_shape, 2, seed=5, dtype="float64")
    (ours,) = executor.run(net, w, x).outputs.values()
    with torch.no_grad():
        theirs = model(torch.from_numpy(x).permute(0, 3, 1, 2)).permute(0, 2, 3, 1).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", sorted(HAND))
def test_verify_runs_every_kind(name):
    v = verify(load(EXAMPLES / f"{name}.md"), dtype="float64")
    assert v.ok and not v.mismatches()
    assert v.executed_macs == v.analytic_macs == HAND[name][1]


def test_relu6_caps_and_costs_two_compares():
    from inception_cost.reference import kernels

    x = np.array([-1.0, 3.0, 7.0])
    assert kernels.relu(x, cap=6).tolist() == [0.0, 3.0, 6.0]
    net = _net("inverted-residual")
    relus = [op for op in net.ops() if op.kind == "relu"]
    assert relus and all(op.cap == 6 for op in relus)
    costed = cost.op_cost(relus[0])
    h, w, c = relus[0].out_shape
    assert costed.other.compare == 2 * h * w * c  # max(x, 0), then min(., 6)
    # torch's relu6 on a tensor past the cap agrees with the kernel
    t = torch.tensor([[-1.0, 3.0, 7.0]])
    assert torch.nn.functional.relu6(t).tolist()[0] == kernels.relu(x.copy(), cap=6).tolist()


def test_split_and_shuffle_move_data_and_compute_nothing():
    """A channel split is a view (nothing written), a shuffle writes its permuted copy;
    neither has parameters or arithmetic (docs/conventions.md)."""
    from inception_cost.reference import kernels

    net = _net("shuffle-unit")
    split = next(op for op in net.ops() if op.kind == "split")
    shuffle = next(op for op in net.ops() if op.kind == "shuffle")
    assert (split.in_shapes[0], split.out_shape) == ((4, 4, 16), (4, 4, 8))
    s, t = cost.op_cost(split), cost.op_cost(shuffle)
    assert (s.params, s.macs, s.other.total, s.activations) == (0, 0, 0, 0)
    assert (t.params, t.macs, t.other.total, t.activations) == (0, 0, 0, 4 * 4 * 16)
    # channel j * 2 + g of the output is channel g * 3 + j of the input (C = 6, 2 groups)
    x = np.arange(6.0).reshape(1, 1, 1, 6)
    assert kernels.channel_shuffle(x, 2).ravel().tolist() == [0, 3, 1, 4, 2, 5]
    assert kernels.channel_split(x, 2, 2).ravel().tolist() == [3, 4, 5]
