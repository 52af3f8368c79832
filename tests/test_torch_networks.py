"""Every bundled network against the same network written in torch (tests/torch_models.py).

Per layer: our parameter count equals the torch module's, and our multiply-adds equal
torch's flop counter / 2. End to end: the NumPy reference, given the torch model's
weights, computes the torch model's outputs. The torch models are written from the
papers with torch layers, never from our builder, and are held to the published totals
in tests/test_torch_models.py.
"""

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from torch_models import VGG, AlexNet, LeNet5, MnistGoogLeNet, ResNet, ZFNet

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.network import Network
from inception_cost.reference import executor, weights
from inception_cost.spec.read import load_model

pytestmark = pytest.mark.torch


VGG_CONFIGS = {
    "vgg11": "A",
    "vgg11-lrn": "A-LRN",
    "vgg13": "B",
    "vgg16-c": "C",
    "vgg16": "D",
    "vgg19": "E",
}
# variant -> the torch model's options
RESNET_VARIANTS = {
    "": {},
    "v1.5": {"stride_in": "3x3"},
    "option-a": {"shortcut": "zero-pad"},
}


def _vgg_names(net: Network, model: nn.Module) -> dict[str, str]:
    """VGG's layers in order: the i-th conv (linear) of ours is the i-th of the model's."""
    ours = [op for op in net.ops() if op.kind in ("conv", "linear")]
    theirs = [n for n, m in model.named_modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    assert len(ours) == len(theirs)
    return {op.name: name for op, name in zip(ours, theirs, strict=True)}


def _resnet_name(op: str) -> str:
    """conv3_1/conv2/bn -> layer2.0.bn2; conv3_1/projection -> layer2.0.downsample.0."""
    if op in ("conv1", "fc"):
        return op
    if op == "conv1/bn":
        return "bn1"
    block, part, *bn = op.split("/")
    stage, index = block.removeprefix("conv").split("_")
    prefix = f"layer{int(stage) - 1}.{int(index) - 1}"
    if part == "projection":
        return f"{prefix}.downsample.{1 if bn else 0}"
    j = part.removeprefix("conv")
    return f"{prefix}.{'bn' if bn else 'conv'}{j}"


MNIST_PARTS = {
    "1x1": "b1",
    "3x3_reduce": "b2.reduce",
    "3x3": "b2.conv3x3",
    "5x5_reduce": "b3.reduce",
    "5x5a": "b3.conv3x3_1",
    "5x5b": "b3.conv3x3_2",
    "pool_proj": "b4.proj",
}


def _mnist_name(op: str) -> str:
    """3a/5x5a/bn -> inception3a.b3.conv3x3_1.bn; layer1 -> stem.conv."""
    if op == "fc":
        return "fc"
    block, *rest = op.split("/")
    if block == "layer1":
        return "stem.bn" if rest else "stem.conv"
    part, *bn = rest
    return f"inception{block}.{MNIST_PARTS[part]}.{'bn' if bn else 'conv'}"


def _case(model: str, variant: str = ""):
    """(our network, the torch model, our op name -> torch module name)."""
    net = build(load_model(model), variant=variant)
    if model.startswith("vgg"):
        torch_model = VGG(VGG_CONFIGS[model])
        return net, torch_model, _vgg_names(net, torch_model)
    if model.startswith("resnet"):
        depth = int(model.removeprefix("resnet"))
        return net, ResNet(depth, **RESNET_VARIANTS[variant]), _resnet_name
    if model == "googlenet-mnist":
        return net, MnistGoogLeNet(), _mnist_name
    if model == "lenet5":
        return net, LeNet5(), str.lower
    cls = {"alexnet": AlexNet, "zfnet": ZFNet}[model]
    return net, cls(), str


def _lookup(names, op: str) -> str:
    return names[op] if isinstance(names, dict) else names(op)


def _module_params(module: nn.Module) -> int:
    """Trainable parameters; a masked conv counts only the weights its mask keeps."""
    mask = getattr(module, "mask", None)
    if mask is not None:
        kept = int((mask.expand_as(module.weight) != 0).sum())
        return kept + module.bias.numel()
    return sum(p.numel() for p in module.parameters(recurse=False))


CASES = [
    *((m, "") for m in ("alexnet", "zfnet", "googlenet-mnist", "lenet5", *VGG_CONFIGS)),
    *((f"resnet{d}", v) for d in (18, 34) for v in ("", "option-a")),
    *((f"resnet{d}", v) for d in (50, 101, 152) for v in RESNET_VARIANTS),
]


@pytest.mark.parametrize(("model", "variant"), CASES)
def test_params_and_macs_per_layer_match_torch(model, variant):
    device = "cpu" if model == "lenet5" else "meta"  # meta: shapes without the weights
    with torch.device(device):
        net, torch_model, names = _case(model, variant)
    torch_model.eval()
    h, w, c = net.input_shape
    with FlopCounterMode(display=False) as counter:
        torch_model(torch.zeros(1, c, h, w, device=device))
    flops = {k: sum(v.values()) for k, v in counter.get_flop_counts().items()}
    root = type(torch_model).__name__
    modules = dict(torch_model.named_modules())
    checked = 0
    for block in cost.analyse(net).blocks:
        for c_op in block.ops:
            if not (c_op.params or c_op.fixed):
                continue
            module = modules[_lookup(names, c_op.op.name)]
            assert c_op.params == _module_params(module), c_op.op.name
            if c_op.op.kind in ("conv", "linear") and not getattr(c_op.op, "table", ()):
                torch_macs = flops.get(f"{root}.{_lookup(names, c_op.op.name)}", 0) // 2
                assert c_op.macs == torch_macs, c_op.op.name
            checked += 1
    assert checked >= 7


def _copy(net: Network, w: dict, model: nn.Module, names) -> None:
    """Our seeded weights into the torch model (layouts in reference/weights.py)."""
    modules = dict(model.named_modules())
    for op in net.ops():
        if f"{op.name}.weight" not in w:
            continue
        m = modules[_lookup(names, op.name)]
        weight = torch.from_numpy(w[f"{op.name}.weight"])
        if op.kind == "conv":
            weight = weight.permute(3, 2, 0, 1)
        elif op.kind == "linear":
            h, wd, c = op.in_shapes[0]
            weight = weight.reshape(h, wd, c, -1).permute(3, 2, 0, 1).reshape(-1, h * wd * c)
        elif op.kind == "rbf":
            m.centers.copy_(weight.T)
            continue
        m.weight.copy_(weight)
        if f"{op.name}.bias" in w:
            m.bias.copy_(torch.from_numpy(w[f"{op.name}.bias"]))
        if op.kind == "bn":
            m.running_mean.copy_(torch.from_numpy(w[f"{op.name}.mean"]))
            m.running_var.copy_(torch.from_numpy(w[f"{op.name}.var"]))


# The big VGGs run in float32 (their FC weights are 0.5 GB each way in float64).
RUN_CASES = [
    ("alexnet", "", "float64"),
    ("zfnet", "", "float64"),
    ("lenet5", "", "float64"),
    ("googlenet-mnist", "", "float64"),
    ("vgg11-lrn", "", "float32"),
    ("resnet18", "option-a", "float64"),
    ("resnet50", "", "float64"),
    ("resnet50", "v1.5", "float64"),
]


@pytest.mark.parametrize(("model", "variant", "dtype"), RUN_CASES)
def test_reference_outputs_equal_torch(model, variant, dtype):
    net, torch_model, names = _case(model, variant)
    torch_model = torch_model.to(getattr(torch, dtype)).eval()
    w = weights.init_weights(net, seed=3, dtype=dtype)
    with torch.no_grad():
        _copy(net, w, torch_model, names)
    x = weights.random_input(net.input_shape, 2, seed=3, dtype=dtype)
    run = executor.run(net, w, x)
    (ours,) = run.outputs.values()
    with torch.no_grad():
        theirs = torch_model(torch.from_numpy(x).permute(0, 3, 1, 2)).numpy()
    tol = {"float64": 1e-9, "float32": 2e-3}[dtype]
    np.testing.assert_allclose(ours.reshape(theirs.shape), theirs, rtol=tol, atol=tol * 1e-3)
    assert all(t.finite for t in run.trace)
