"""torchvision's GoogLeNet at inference (no auxiliary heads), written from the structure of
torchvision/models/googlenet.py: every convolution a BasicConv2d (no bias, batch norm
with eps 0.001, ReLU), a 3x3 in each #5x5 branch, no LRN, ceil-mode max pools and a
2x2/2 maxpool4, adaptive average pooling, dropout 0.2. Module names follow that file
(conv1.conv, inception3a.branch2.1.bn, fc) so its weights would load by name. A softmax
closes it, as the spec's table does."""

from __future__ import annotations

import torch
from torch import nn
from torch_googlenet import INCEPTION


class BasicConv2d(nn.Module):
    def __init__(self, cin: int, cout: int, **kw) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, bias=False, **kw)
        self.bn = nn.BatchNorm2d(cout, eps=0.001)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class Inception(nn.Module):
    def __init__(self, cin, c1, c3r, c3, c5r, c5, proj) -> None:
        super().__init__()
        self.branch1 = BasicConv2d(cin, c1, kernel_size=1)
        self.branch2 = nn.Sequential(
            BasicConv2d(cin, c3r, kernel_size=1), BasicConv2d(c3r, c3, kernel_size=3, padding=1)
        )
        self.branch3 = nn.Sequential(
            BasicConv2d(cin, c5r, kernel_size=1), BasicConv2d(c5r, c5, kernel_size=3, padding=1)
        )
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(3, stride=1, padding=1, ceil_mode=True),
            BasicConv2d(cin, proj, kernel_size=1),
        )

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class TorchvisionGoogLeNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        for name, args in INCEPTION.items():
            setattr(self, f"inception{name}", Inception(*args))
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(1024, 1000)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        x = self.maxpool2(self.conv3(self.conv2(self.maxpool1(self.conv1(x)))))
        x = self.inception3b(self.inception3a(x))
        x = self.maxpool3(x)
        for name in ("4a", "4b", "4c", "4d", "4e"):
            x = getattr(self, f"inception{name}")(x)
        x = self.inception5b(self.inception5a(self.maxpool4(x)))
        x = self.dropout(torch.flatten(self.avgpool(x), 1))
        return self.softmax(self.fc(x))


PARTS = {
    "1x1": "branch1",
    "3x3_reduce": "branch2.0",
    "3x3": "branch2.1",
    "5x5_reduce": "branch3.0",
    "5x5": "branch3.1",
    "pool_proj": "branch4.1",
}


def torch_name(op: str) -> str:
    """Our op name -> the module's: 3a/5x5/bn -> inception3a.branch3.1.bn;
    conv2/reduce -> conv2.conv, conv2/3x3/bn -> conv3.bn; fc1 -> fc."""
    if op == "fc1":
        return "fc"
    parts = op.split("/")
    bn = parts[-1] == "bn"
    if bn:
        parts = parts[:-1]
    leaf = ".bn" if bn else ".conv"
    if parts == ["conv1"]:
        return "conv1" + leaf
    if parts[0] == "conv2":
        return ("conv2" if parts[1] == "reduce" else "conv3") + leaf
    return f"inception{parts[0]}.{PARTS[parts[1]]}{leaf}"
