"""One row being built, and the steps both row builders take: filters, width, kernel,
padding, activation, adding an op, a convolution, a pool.

The built-in row types (builder.layers) and the kinds interpreter (builder.kinds) both make
their ops through a `Context`; neither calls the other (the driver, builder/__init__.py,
picks one for each row).
"""

from __future__ import annotations

import math
from fractions import Fraction

from inception_cost.cells import Patch, Shape
from inception_cost.conventions import Conventions, leaky_slope
from inception_cost.errors import InputError
from inception_cost.ops import (
    BatchNorm,
    Conv2d,
    Gelu,
    HardSigmoid,
    HardSwish,
    Op,
    Pool2d,
    ReLU,
    Sigmoid,
    Swish,
    Tanh,
    pad_amount,
    window,
)
from inception_cost.spec.records import Row

#: The activations that are one op of their own kind (the rest: relu6, leaky relu, gelu tanh).
_ACTIVATION_OPS = {"relu": ReLU, "tanh": Tanh, "swish": Swish, "sigmoid": Sigmoid}
_ACTIVATION_OPS |= {"hswish": HardSwish, "hsigmoid": HardSigmoid, "gelu": Gelu}


def divisible(wanted: Fraction | int, d: int) -> int:
    """`wanted` to the nearest multiple of `d`, never below it nor 10% under `wanted`
    (TF-Slim's and torchvision's _make_divisible, computed exactly)."""
    width = max(d, math.floor(wanted + Fraction(d, 2)) // d * d)
    return width + d if width < Fraction(9, 10) * wanted else width


class Context:
    """One row being built: the row, what the network around it gives (its conventions,
    its connection tables, every tensor's shape so far, by name) and the ops the row has
    made, in order. The driver makes one per row."""

    __slots__ = ("conventions", "ops", "row", "shapes", "skip", "tables")

    def __init__(
        self,
        row: Row,
        conventions: Conventions,
        shapes: dict[str, Shape],
        tables: dict[str, tuple[tuple[int, ...], ...]],
    ):
        self.row = row
        self.conventions = conventions
        self.shapes = shapes  # the network's: each op's output is added as it is made
        self.tables = tables
        self.ops: list[Op] = []
        self.skip = ""  # the tensor a box's closing row adds (its box's input)

    def add(self, op: Op) -> str:
        self.ops.append(op)
        self.shapes[op.name] = op.out_shape
        return op.name

    def window(
        self, src: str, kernel: tuple[int, int], stride: int, pad: int, ceil: bool
    ) -> tuple[int, int]:
        h, w, _ = self.shapes[src]
        try:
            return window(h, w, kernel, stride, pad, ceil)
        except InputError as exc:
            exc.where = self.row.at("shape" if "shape" in self.row.locs else "patch")
            raise

    def filters(self, what: str) -> int:
        """The row's output channels (or units): its filters cell, else its output size's C."""
        row = self.row
        if row.cells.filters is not None:
            return row.cells.filters
        if row.output is not None and len(row.output) < 3:
            raise InputError(
                f"{row.type} row {row.name!r} gives no output channels (its output"
                f" size {'x'.join(map(str, row.output))} prints none)",
                f"an output size HxWxC, or a channels column, whose C gives {what}",
                row.at("output"),
            )
        if row.output is None:
            raise InputError(
                f"{row.type} row {row.name!r} has no output size",
                f"an output size HxWxC whose C gives {what}",
                row.at("output"),
            )
        return row.output[2]

    def width(self, printed: int) -> int:
        """A printed convolution width under the width multiplier: c x alpha to the nearest
        multiple of the divisor, never below it nor 10% under c x alpha (TF-Slim's and
        torchvision's _make_divisible); a row in width_not_reduced is never narrowed."""
        c = self.conventions
        alpha = Fraction(c.width_multiplier)
        if self.row.name in c.width_not_reduced:
            alpha = max(alpha, Fraction(1))
        if alpha == 1:
            return printed
        return divisible(printed * alpha, c.width_divisor)

    def activation(self, default: str) -> str:
        return self.row.activation or default

    def patch(self, default: Patch | None = None) -> Patch:
        patch = self.row.cells.patch or default
        if patch is None:
            raise InputError(
                f"{self.row.type} row {self.row.name!r} has no patch size",
                "a patch size/stride such as 3x3/1",
                self.row.at("patch"),
            )
        return patch

    def pad(self, setting: str | int, k: int, stride: int = 1) -> int:
        """The row's own padding cell, else the conventions' setting."""
        padding = self.row.cells.padding
        return pad_amount(padding if padding is not None else setting, k, stride)

    def conv(
        self,
        name: str,
        src: str,
        out_c: int,
        k: tuple[int, int],
        stride: int = 1,
        pad: int | None = None,
        groups: int = 1,
        act: str = "relu",
        layer: bool = True,
        table: tuple[tuple[int, ...], ...] = (),
        norm: bool = True,
        bias: bool | None = None,
    ) -> str:
        """A convolution, then batch norm where the conventions put one, then `act`; a bias
        where the conventions give one (`bias`: this layer's own, whatever they say)."""
        in_shape = self.shapes[src]
        if pad is None:
            pad = pad_amount(self.conventions.conv_padding, max(k), stride)
        self._check_channels(name, in_shape, out_c, groups, table)
        c = self.conventions
        norm = c.batch_norm and layer and norm
        ho, wo = self.window(src, k, stride, pad, ceil=False)
        out = self.add(
            Conv2d(
                name,
                (src,),
                (in_shape,),
                (ho, wo, out_c),
                k,
                stride,
                (pad, pad),
                groups,
                c.bias and (c.bn_conv_bias or not norm) if bias is None else bias,
                layer,
                table,
            )
        )
        if norm:
            out = self.add(
                BatchNorm(f"{name}/bn", (out,), (self.shapes[out],), self.shapes[out], c.bn_eps)
            )
        return self.activate(out, act)

    def _check_channels(
        self, name: str, in_shape: Shape, out_c: int, groups: int, table: tuple
    ) -> None:
        row = self.row
        if in_shape[2] % groups or out_c % groups:
            raise InputError(
                f"{name}: {in_shape[2]} input and {out_c} output channels do not split into"
                f" {groups} groups",
                "channel counts divisible by the groups",
                row.at("block" if "block" in row.raw and "groups" not in row.raw else "groups"),
            )
        if table and (len(table) != out_c or max(max(t) for t in table) >= in_shape[2]):
            raise InputError(
                f"{name}: connection table {row.cells.table!r} has {len(table)} output maps"
                f" reading maps up to {max(max(t) for t in table) + 1}; the layer has {out_c}"
                f" outputs and {in_shape[2]} inputs",
                "a table with one column per output map and one row per input map",
                row.at("table"),
            )

    def activate(self, src: str, act: str) -> str:
        """`src` through the named activation (conventions.ACTIVATIONS) or unchanged (none)."""
        if act == "none":
            return src
        shape = self.shapes[src]
        one = ((src,), (shape,), shape)
        if act == "relu6":
            return self.add(ReLU(f"{src}/relu6", *one, cap=6))
        if act.startswith("leaky relu"):
            return self.add(ReLU(f"{src}/leaky_relu", *one, slope=leaky_slope(act)))
        if act == "gelu tanh":
            return self.add(Gelu(f"{src}/gelu", *one, approximate="tanh"))
        return self.add(_ACTIVATION_OPS[act](f"{src}/{act}", *one))

    def pool(
        self,
        name: str,
        src: str,
        mode: str,
        k: tuple[int, int],
        stride: int,
        pad: int,
        ceil: bool,
        whole: bool = False,
    ) -> str:
        in_shape = self.shapes[src]
        ho, wo = self.window(src, k, stride, pad, ceil)
        return self.add(
            Pool2d(
                name,
                (src,),
                (in_shape,),
                (ho, wo, in_shape[2]),
                mode,
                k,
                stride,
                (pad, pad),
                ceil,
                whole,
            )
        )
