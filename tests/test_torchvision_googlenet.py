"""googlenet's `torchvision` variant against a GoogLeNet written from torchvision's
googlenet.py (tests/torch_tv_googlenet.py): the published 6,624,904 parameters, each
layer's parameters and multiply-adds, and the NumPy reference's outputs."""

import numpy as np
import pytest
import torch
from test_torch_networks import _copy
from torch.utils.flop_counter import FlopCounterMode
from torch_tv_googlenet import TorchvisionGoogLeNet, torch_name

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.reference import executor, weights
from inception_cost.spec.read import load_model

pytestmark = pytest.mark.torch

TORCHVISION_PARAMS = 6_624_904  # torchvision's googlenet(aux_logits=False)


def _net():
    return build(load_model("googlenet"), variant="torchvision")


def test_the_twin_and_the_variant_have_torchvisions_parameters():
    with torch.device("meta"):
        model = TorchvisionGoogLeNet()
    trained = sum(p.numel() for p in model.parameters())
    assert trained == TORCHVISION_PARAMS
    assert cost.analyse(_net()).totals.params == TORCHVISION_PARAMS


def test_each_layer_matches_torchvision():
    net = _net()
    with torch.device("meta"):
        model = TorchvisionGoogLeNet().eval()
        with FlopCounterMode(display=False) as counter:
            model(torch.zeros(1, 3, 224, 224))
    flops = {k: sum(v.values()) for k, v in counter.get_flop_counts().items()}
    modules = dict(model.named_modules())
    macs = 0
    for block in cost.analyse(net).blocks:
        for c in block.ops:
            if c.params:
                module = modules[torch_name(c.op.name)]
                assert c.params == sum(p.numel() for p in module.parameters()), c.op.name
            if c.op.kind in ("conv", "linear"):
                assert c.macs == flops[f"TorchvisionGoogLeNet.{torch_name(c.op.name)}"] // 2
                macs += c.macs
    assert macs == cost.analyse(net).totals.macs == flops["Global"] // 2
    assert not any(op.kind == "lrn" for op in net.ops())
    assert {op.kernel for op in net.ops() if op.name.endswith("/5x5")} == {(3, 3)}


def test_reference_outputs_equal_torchvision():
    net = _net()
    model = TorchvisionGoogLeNet().eval()
    w = weights.init_weights(net, seed=7, dtype="float32")
    with torch.no_grad():
        _copy(net, w, model, torch_name)
    x = weights.random_input(net.input_shape, 1, seed=7, dtype="float32")
    (ours,) = executor.run(net, w, x).outputs.values()
    with torch.no_grad():
        theirs = model(torch.from_numpy(x).permute(0, 3, 1, 2)).numpy()
    np.testing.assert_allclose(ours.reshape(theirs.shape), theirs, rtol=2e-3, atol=2e-6)
