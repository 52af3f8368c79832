"""Memory figures against torchinfo run on the torch twins, and torchsummary's hook rule
applied to a twin."""

from __future__ import annotations

import pytest
import torch
import torchinfo
from test_memory import _analysis, _tools
from torch import nn
from torch_models import VGG, AlexNet, MnistGoogLeNet, ResNet

pytestmark = pytest.mark.torch


def _torchinfo(build, shape):
    """torchinfo's summary of a twin built on the meta device (shapes, no weights)."""
    with torch.device("meta"):
        model = build()
    data = torch.zeros(shape, device="meta")
    return torchinfo.summary(model, input_data=data, device="meta", verbose=0)


def test_torchinfo_resnet50_batch2_published_and_run():
    """torchinfo's summary of torchvision's ResNet-50 (v1.5) at batch 2: forward/backward
    355.66 MB, total 459.10 MB; and the same bytes torchinfo counts on our torch twin."""
    t = _tools(_analysis("resnet50", batch=2, variant="v1.5"))["torchinfo"]
    assert (t.printed(t.features), t.printed(t.total)) == ("355.66", "459.10")
    stats = _torchinfo(lambda: ResNet(50, "3x3"), (2, 3, 224, 224))
    assert stats.total_output_bytes == t.features
    assert stats.total_param_bytes == t.params
    # torchinfo's input size is sys.getsizeof of the tensor's storage: its bytes plus the
    # Python object's header (64 bytes here), which no network figure holds.
    assert 0 < stats.total_input - t.input <= 128


def test_torchinfo_on_batch_norm_inception_and_lrn_twins():
    """The rule holds where the leaf layers differ: BN and inception (the MNIST GoogLeNet),
    LRN and grouped convolutions (AlexNet), at batch 3."""
    for twin, name, shape in (
        (MnistGoogLeNet, "googlenet-mnist", (3, 1, 28, 28)),
        (AlexNet, "alexnet", (3, 3, 227, 227)),
    ):
        stats = _torchinfo(twin, shape)
        t = _tools(_analysis(name, batch=3))["torchinfo"]
        assert (stats.total_output_bytes, stats.total_param_bytes) == (t.features, t.params)


def test_torchsummary_rule_on_the_vgg16_twin():
    """torchsummary's rule (sksq96/pytorch-summary summary_string): a forward hook on every
    module but Sequential and ModuleList (the model too), output numel per image, x2 x4."""
    with torch.device("meta"):  # shapes only: no weights to initialise
        model, total = VGG("D"), 0

    def hook(_module, _inputs, output):
        nonlocal total
        total += output[0].numel()  # one image: torchsummary writes batch_size -1, then abs

    hooks = [
        m.register_forward_hook(hook)
        for m in model.modules()
        # the twin's drop6 and drop7 are left out: VGG's Table 1 has no dropout rows
        if not isinstance(m, nn.Sequential | nn.ModuleList | nn.Dropout)
    ]
    with torch.no_grad():
        model(torch.zeros(1, 3, 224, 224, device="meta"))
    for h in hooks:
        h.remove()
    t = _tools(_analysis("vgg16"))["torchsummary"]
    assert t.features == 2 * total * 4
    assert t.params == sum(p.numel() for p in model.parameters()) * 4
