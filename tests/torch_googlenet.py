"""GoogLeNet (BVLC layout) written with torch layers from the paper's Table 1.

Independent of our network builder: the tests hold the analysis and the NumPy reference
against it. `torch_name` maps our op names to its modules.
"""

from __future__ import annotations

import torch
from torch import nn

# Table 1 of the paper: input channels, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
INCEPTION = {
    "3a": (192, 64, 96, 128, 16, 32, 32),
    "3b": (256, 128, 128, 192, 32, 96, 64),
    "4a": (480, 192, 96, 208, 16, 48, 64),
    "4b": (512, 160, 112, 224, 24, 64, 64),
    "4c": (512, 128, 128, 256, 24, 64, 64),
    "4d": (512, 112, 144, 288, 32, 64, 64),
    "4e": (528, 256, 160, 320, 32, 128, 128),
    "5a": (832, 256, 160, 320, 32, 128, 128),
    "5b": (832, 384, 192, 384, 48, 128, 128),
}


class Inception(nn.Module):
    def __init__(self, cin, n1, r3, n3, r5, n5, proj):
        super().__init__()
        self.relu = nn.ReLU()  # a module, as torchvision writes it: hook-based tools see it
        self.b1 = nn.Conv2d(cin, n1, 1)
        self.r3 = nn.Conv2d(cin, r3, 1)
        self.c3 = nn.Conv2d(r3, n3, 3, padding=1)
        self.r5 = nn.Conv2d(cin, r5, 1)
        self.c5 = nn.Conv2d(r5, n5, 5, padding=2)
        self.pool = nn.MaxPool2d(3, 1, 1)
        self.proj = nn.Conv2d(cin, proj, 1)

    def forward(self, x):
        r = self.relu
        return torch.cat(
            [
                r(self.b1(x)),
                r(self.c3(r(self.r3(x)))),
                r(self.c5(r(self.r5(x)))),
                r(self.proj(self.pool(x))),
            ],
            1,
        )


class AuxHead(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.relu = nn.ReLU()  # a module, as torchvision writes it: hook-based tools see it
        self.pool = nn.AvgPool2d(5, 3, ceil_mode=True)
        self.conv = nn.Conv2d(cin, 128, 1)
        self.fc = nn.Linear(128 * 4 * 4, 1024)
        self.classifier = nn.Linear(1024, 1000)

    def forward(self, x):
        x = self.relu(self.conv(self.pool(x)))
        # Our layout flattens (H, W, C); torch's (C, H, W): a permutation, same counts.
        x = self.relu(self.fc(x.permute(0, 2, 3, 1).flatten(1)))
        return torch.softmax(self.classifier(x), 1)


class GoogLeNet(nn.Module):
    """BVLC bvlc_googlenet with torch layers: ceil pooling, LRN after pool1 and conv2."""

    def __init__(self):
        super().__init__()
        self.relu = nn.ReLU()  # a module, as torchvision writes it: hook-based tools see it
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3)
        self.pool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.norm1 = nn.LocalResponseNorm(5, 1e-4, 0.75, 1.0)
        self.conv2_reduce = nn.Conv2d(64, 64, 1)
        self.conv2 = nn.Conv2d(64, 192, 3, padding=1)
        self.norm2 = nn.LocalResponseNorm(5, 1e-4, 0.75, 1.0)
        self.pool2 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.inc = nn.ModuleDict({k: Inception(*v) for k, v in INCEPTION.items()})
        self.pool3 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.pool4 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.pool5 = nn.AvgPool2d(7, 1)
        self.fc = nn.Linear(1024, 1000)
        self.aux1 = AuxHead(512)
        self.aux2 = AuxHead(528)

    def forward(self, x):
        r = self.relu
        x = self.norm1(self.pool1(r(self.conv1(x))))
        x = self.pool2(self.norm2(r(self.conv2(r(self.conv2_reduce(x))))))
        heads = []
        for name, module in self.inc.items():
            x = module(x)
            if name in ("3b", "4e"):
                x = (self.pool3 if name == "3b" else self.pool4)(x)
            if name in ("4a", "4d"):
                heads.append((self.aux1 if name == "4a" else self.aux2)(x))
        x = self.pool5(x).flatten(1)
        return torch.softmax(self.fc(x), 1), heads


def torch_name(op_name: str) -> str:
    """Our op name -> the module that computes it in the GoogLeNet above."""
    fixed = {"conv1": "conv1", "conv2/reduce": "conv2_reduce", "conv2/3x3": "conv2", "fc1": "fc"}
    if op_name in fixed:
        return fixed[op_name]
    block, _, part = op_name.partition("/")
    if block.startswith("aux"):
        return f"{block}.{part}"
    short = {
        "1x1": "b1",
        "3x3_reduce": "r3",
        "3x3": "c3",
        "5x5_reduce": "r5",
        "5x5": "c5",
        "pool_proj": "proj",
        "pool": "pool",
    }
    return f"inc.{block}.{short[part]}"


class InferenceGoogLeNet(nn.Module):
    """The network without its auxiliary heads: what the tools measure at inference."""

    def __init__(self):
        super().__init__()
        self.net = GoogLeNet()
        del self.net.aux1, self.net.aux2

    def forward(self, x):
        n, r = self.net, self.net.relu
        x = n.norm1(n.pool1(r(n.conv1(x))))
        x = n.pool2(n.norm2(r(n.conv2(r(n.conv2_reduce(x))))))
        for name, module in n.inc.items():
            x = module(x)
            if name in ("3b", "4e"):
                x = (n.pool3 if name == "3b" else n.pool4)(x)
        return torch.softmax(n.fc(n.pool5(x).flatten(1)), 1)


class AuxKeptGoogLeNet(InferenceGoogLeNet):
    """Inference with the auxiliary heads still registered, as torchvision's GoogLeNet
    keeps them (aux_logits=True) and skips them in eval mode."""

    def __init__(self):
        super().__init__()
        self.net.aux1, self.net.aux2 = AuxHead(512), AuxHead(528)
