"""What a command gets from a model file where it would get a spec: an `Implementation`,
a `Spec` whose rows are the model's rows and whose network is already read.

Kept free of onnx: `builder.build` gives a model's network through `Implementation.built`
on every run, and a table's run must not import onnx.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inception_cost.errors import InputError
from inception_cost.network import Network
from inception_cost.spec.records import Spec

#: The suffix that makes a SPEC argument a model file.
SUFFIX = ".onnx"


def is_model(path: str | None) -> bool:
    """A SPEC argument naming an ONNX model rather than a table."""
    return bool(path) and str(path).lower().endswith(SUFFIX)


@dataclass(frozen=True, slots=True)
class Implementation(Spec):
    """A model file read: no claims, no variants; `network` is what the file computes."""

    network: Network | None = None
    # our op names of the convolutions the exporter folded a batch norm into
    folded: tuple[str, ...] = ()
    # each op's module in the model (op name -> qualified module name), for diff's report
    modules: dict[str, str] = field(default_factory=dict)
    producer: str = ""  # the exporter the file names (pytorch 2.13.0)
    image: str = ""  # the graph's input
    tensors: dict[str, str] = field(default_factory=dict)  # our op -> the tensor it writes
    # our op -> the name of the node that writes that tensor (how `time --measure
    # onnxruntime` finds an op whose tensor onnxruntime's optimizer renamed)
    nodes: dict[str, str] = field(default_factory=dict)
    # our op -> its weights in the file: role (weight, bias, mean, var; layout "io" where a
    # linear layer's weight is stored in x out) -> tensor; `verify` loads them
    params: dict[str, dict[str, str]] = field(default_factory=dict)
    # our ops whose tensors are channels last, N x H x W x C (ConvNeXt's layer norm)
    channels_last: frozenset[str] = frozenset()

    def header_line(self) -> str:
        """The header's second line: a model's layers carry their own settings."""
        line = f"layers: each as {self.path} gives it (kernel, stride, padding, rounding, bias)"
        if self.folded:
            line += (
                f"; the exporter folded batch norm into {len(self.folded)} convolutions"
                " (FuseBatchNormIntoConv)"
            )
        return line

    def built(self, variant: str = "") -> Network:
        """What the model computes; its input size and layers are its own: command-line
        settings that reshape a table's layers are refused, not ignored."""
        if variant:
            raise InputError(
                f"unknown variant {variant!r}", "none: a model file has no variants", self.path
            )
        overrides = self.overrides
        if self.input_shape != self.network.input_shape and "input" not in overrides:
            overrides = (*overrides, "input")  # read at another size (receptive --input)
        if overrides:
            raise InputError(
                f"the model fixes its own {', '.join(overrides)}",
                "a model file without --input, --bias, --pool-rounding or --padding",
                self.path,
            )
        return self.network
