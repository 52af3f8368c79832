"""A spec of every primitive of issue 23 and the same network written in torch as
torchvision and timm write them: the patchify stem, layer norm on the channels-last map
(nn.LayerNorm between permutes, as ConvNeXt's LayerNorm2d), each activation a module
(nn.GELU in both forms, nn.LeakyReLU, nn.Hardswish, nn.Hardsigmoid), layer scale a
parameter times the map. tests/test_primitives.py runs it against our reference; the
ONNX tests export it with each exporter and read it back (tests/exported.py)."""

from __future__ import annotations

import torch
from torch import nn

INPUT = (32, 32, 3)  # PROBE's input, H x W x C
PROBE = """+++
input = "32x32x3"
[conventions]
conv_activation = "none"
+++

| name | type | output size | activation |
|---|---|---|---|
| stem | 4×4, 8, stride 4 | 8x8x8 | |
| ln | LayerNorm | 8x8x8 | |
| c1 | conv, 3x3 | 8x8x16 | GELU |
| c2 | conv, 3x3 | 8x8x16 | leaky ReLU 0.1 |
| c3 | conv, 3x3 | 8x8x16 | h-swish |
| g | GELU | 8x8x16 | |
| ls | layer scale | 8x8x16 | |
| c4 | conv, 1x1 | 8x8x8 | gelu tanh |
| c5 | conv, 1x1 | 8x8x8 | hsigmoid |
"""


class Probe(nn.Module):
    """PROBE's table in torch."""

    def __init__(self):
        super().__init__()
        conv = {"stem": (3, 8, 4, 4, 0), "c1": (8, 16, 3, 1, 1), "c2": (16, 16, 3, 1, 1)}
        conv |= {"c3": (16, 16, 3, 1, 1), "c4": (16, 8, 1, 1, 0), "c5": (8, 8, 1, 1, 0)}
        self.convs = nn.ModuleDict({k: nn.Conv2d(*v) for k, v in conv.items()})
        self.ln = nn.LayerNorm(8, eps=1e-6)
        self.ls = nn.Parameter(torch.ones(16, 1, 1))
        self.acts = nn.ModuleList([nn.GELU(), nn.LeakyReLU(0.1), nn.Hardswish(), nn.GELU()])
        self.tail = nn.ModuleList([nn.GELU(approximate="tanh"), nn.Hardsigmoid()])

    def forward(self, x):
        c = self.convs
        x = self.ln(c["stem"](x).permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        gelu, leaky, hswish, g = self.acts
        x = g(hswish(c["c3"](leaky(c["c2"](gelu(c["c1"](x)))))))
        x = self.tail[0](c["c4"](self.ls * x))
        return self.tail[1](c["c5"](x))


def randomized(probe: Probe, seed: int = 0) -> Probe:
    """`probe` in eval mode with random weights: the convolutions He-normal, the layer norm's
    gamma and beta and the layer scale's factors around 1 and 0 (not torch's ones and zeros,
    which would hide a kernel that left them out)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for conv in probe.convs.values():
            conv.weight.copy_(
                torch.randn(conv.weight.shape, generator=g) * (2 / conv.weight[0].numel()) ** 0.5
            )
            conv.bias.copy_(torch.rand(conv.bias.shape, generator=g) * 0.02 - 0.01)
        probe.ln.weight.copy_(torch.rand(8, generator=g) + 0.5)
        probe.ln.bias.copy_(torch.rand(8, generator=g) * 0.2 - 0.1)
        probe.ls.copy_(torch.rand(16, 1, 1, generator=g) + 0.5)
    return probe.eval()
