"""Networks of issue 18's papers, written in torch from each paper's table and text.

Written with torch layers, not from our builder. Each model keeps its layers in one
`nn.ModuleDict` under our op names (`bottleneck2/1/expand`, `.../bn`), so a test pairs a
module with an op by name; `forward` is the paper's wiring, by hand. Where the paper
leaves a detail out, the twin takes torchvision's choice (named in each docstring), so
its parameter count is torchvision's published `num_params`.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class _Twin(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.m = nn.ModuleDict()

    def conv(self, name: str, cin: int, cout: int, k: int, s: int = 1, groups: int = 1) -> None:
        """A bias-free convolution and its batch norm (torchvision's Conv2dNormActivation)."""
        self.m[name] = nn.Conv2d(cin, cout, k, s, (k - 1) // 2, groups=groups, bias=False)
        self.m[f"{name}/bn"] = nn.BatchNorm2d(cout)

    def unit(self, name: str, x: torch.Tensor, act=None) -> torch.Tensor:
        x = self.m[f"{name}/bn"](self.m[name](x))
        return act(x) if act is not None else x


class MobileNetV2(_Twin):
    """Sandler et al. 2018, Table 2: a 3x3/2 conv to 32; bottlenecks (t, c, n, s), each
    expand 1x1 (none at t = 1), 3x3 depthwise with the stride on the first of n, linear
    1x1 projection, the input added where the shape is kept; conv 1x1 to 1280, a 7x7
    average pool, the classifier. ReLU6 (section 4). torchvision: no conv bias before
    batch norm, a linear classifier with a bias."""

    TABLE = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2))
    TABLE += ((6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))

    def __init__(self, classes: int = 1000) -> None:
        super().__init__()
        self.conv("conv1/1", 3, 32, 3, 2)
        self.blocks: list[tuple[str, int, int, int, int]] = []
        cin = 32
        for i, (t, c, n, s) in enumerate(self.TABLE):
            for j in range(n):
                name, stride, hidden = f"bottleneck{i + 1}/{j + 1}", s if j == 0 else 1, cin * t
                if t != 1:
                    self.conv(f"{name}/expand", cin, hidden, 1)
                self.conv(f"{name}/dw", hidden, hidden, 3, stride, groups=hidden)
                self.conv(f"{name}/project", hidden, c, 1)
                self.blocks.append((name, cin, t, c, stride))
                cin = c
        self.conv("conv2/1", 320, 1280, 1)
        self.m["conv3"] = nn.Linear(1280, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.unit("conv1/1", x, F.relu6)
        for name, cin, t, c, stride in self.blocks:
            y = self.unit(f"{name}/expand", x, F.relu6) if t != 1 else x
            y = self.unit(f"{name}/project", self.unit(f"{name}/dw", y, F.relu6))
            x = x + y if stride == 1 and cin == c else y
        x = F.avg_pool2d(self.unit("conv2/1", x, F.relu6), 7)
        return self.m["conv3"](x.flatten(1))


TWINS = {"mobilenetv2": MobileNetV2}
