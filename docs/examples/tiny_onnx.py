"""Write docs/examples/tiny.onnx: docs/examples/tiny.md as torchvision would write it
(batch norm after every convolution and no conv bias, a 3x3 in the #5x5 branch, no LRN,
adaptive average pooling, no softmax), exported by torch.onnx.export and kept small: its
weights inside the file, the exporter's stack traces and source lines left out (they
hold the exporting machine's paths). Needs the torch extra:

    python docs/examples/tiny_onnx.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
OUT = Path(__file__).with_name("tiny.onnx")
KEPT = ("pkg.torch.onnx.name_scopes", "pkg.torch.onnx.class_hierarchy")


def main() -> None:
    import onnx
    import torch
    from torch import nn
    from torch_tv_googlenet import BasicConv2d, Inception
    from torch_vision import randomized

    from inception_cost.implementation import torch_export

    class Tiny(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = BasicConv2d(3, 16, kernel_size=5, stride=2, padding=2)
            self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
            self.inception3a = Inception(16, 8, 8, 16, 4, 8, 8)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(40, 10)

        def forward(self, x):
            x = self.inception3a(self.maxpool1(self.conv1(x)))
            return self.fc(torch.flatten(self.avgpool(x), 1))

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tiny.onnx"
        torch_export.export(randomized(Tiny()), path, (32, 32, 3))
        model = onnx.load(str(path))  # its weights too, to keep them inside
    for node in model.graph.node:
        kept = [(p.key, p.value) for p in node.metadata_props if p.key in KEPT]
        del node.metadata_props[:]
        for key, value in kept:
            node.metadata_props.add(key=key, value=value)
    model.graph.name = "tiny"
    onnx.save(model, str(OUT))
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
