"""Rows -> blocks of primitive ops, every hyper-parameter explicit.

Each table row becomes a `Block`: a tiny graph of ops (conv, pool, LRN, batch norm,
activations, concat, residual add, linear, dropout, softmax, LeNet-5's subsampling and
RBF units) whose inputs name earlier ops. Shapes are (H, W, C) per
image, as the paper writes them; the builder infers them and rejects layers that
cannot exist (a kernel larger than its padded input). The cost model and the NumPy
reference both read this object, never the spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from inception_cost.errors import InputError
from inception_cost.spec import Conventions, Row, Spec, variant_row

Shape = tuple[int, int, int]
INPUT = "input"


@dataclass(frozen=True, slots=True)
class Op:
    """A primitive operation. `inputs` name the ops (or `input`) it reads."""

    kind: ClassVar[str] = "op"
    name: str
    inputs: tuple[str, ...]
    in_shapes: tuple[Shape, ...]
    out_shape: Shape


@dataclass(frozen=True, slots=True)
class Conv2d(Op):
    """2-D convolution with symmetric zero padding; `groups` splits channels."""

    kind: ClassVar[str] = "conv"
    kernel: tuple[int, int] = (1, 1)
    stride: int = 1
    padding: tuple[int, int] = (0, 0)
    groups: int = 1
    bias: bool = True
    layer: bool = True  # counts toward depth (a separable conv's depthwise half does not)
    # per output channel, the input channels it reads (LeNet-5's C3); () = all of its group
    table: tuple[tuple[int, ...], ...] = ()

    def reads(self, out_channel: int) -> int:
        """How many input channels one output channel's filter spans."""
        if self.table:
            return len(self.table[out_channel])
        return self.in_shapes[0][2] // self.groups


@dataclass(frozen=True, slots=True)
class Pool2d(Op):
    """Max or average pooling; `ceil` rounds the output size up (Caffe, ceil_mode)."""

    kind: ClassVar[str] = "pool"
    mode: str = "max"  # max | avg
    kernel: tuple[int, int] = (1, 1)
    stride: int = 1
    padding: tuple[int, int] = (0, 0)
    ceil: bool = False
    whole: bool = False  # global: the window is the whole map (frameworks' adaptive pool)


@dataclass(frozen=True, slots=True)
class LocalResponseNorm(Op):
    """Caffe's across-channel LRN: x / (k + alpha/size * sum of squares)^beta."""

    kind: ClassVar[str] = "lrn"
    size: int = 5
    alpha: float = 1e-4
    beta: float = 0.75
    k: float = 1.0


@dataclass(frozen=True, slots=True)
class BatchNorm(Op):
    """Batch normalization at inference: (x - mean) / sqrt(var + eps) * gamma + beta."""

    kind: ClassVar[str] = "bn"
    eps: float = 1e-5


@dataclass(frozen=True, slots=True)
class ReLU(Op):
    kind: ClassVar[str] = "relu"


@dataclass(frozen=True, slots=True)
class Tanh(Op):
    """LeNet-5's squashing function A tanh(S a), A = 1.7159, S = 2/3 (its Appendix A)."""

    kind: ClassVar[str] = "tanh"
    amplitude: float = 1.7159
    slope: float = 2 / 3


@dataclass(frozen=True, slots=True)
class Subsample(Op):
    """LeNet-5's trainable subsampling: per map, coefficient x (sum of a k x k window) + bias."""

    kind: ClassVar[str] = "subsample"
    kernel: tuple[int, int] = (2, 2)
    stride: int = 2


@dataclass(frozen=True, slots=True)
class Rbf(Op):
    """Euclidean RBF units: y_i = sum_j (x_j - w_ij)^2, with fixed (untrained) w."""

    kind: ClassVar[str] = "rbf"


@dataclass(frozen=True, slots=True)
class Add(Op):
    """Element-wise sum of its inputs: a residual connection."""

    kind: ClassVar[str] = "add"


@dataclass(frozen=True, slots=True)
class Shortcut(Op):
    """ResNet's option-A shortcut: every `stride`-th position, zero channels appended."""

    kind: ClassVar[str] = "shortcut"
    stride: int = 1


@dataclass(frozen=True, slots=True)
class Flatten(Op):
    """(H, W, C) -> (1, 1, H*W*C), in that order."""

    kind: ClassVar[str] = "flatten"


@dataclass(frozen=True, slots=True)
class Concat(Op):
    """Concatenation on channels, in `inputs` order."""

    kind: ClassVar[str] = "concat"


@dataclass(frozen=True, slots=True)
class Linear(Op):
    """Fully connected: flattens its (H, W, C) input in that order."""

    kind: ClassVar[str] = "linear"
    bias: bool = True


@dataclass(frozen=True, slots=True)
class Dropout(Op):
    """Identity at inference; `rate` is kept for the record."""

    kind: ClassVar[str] = "dropout"
    rate: tuple[int, int] = (0, 1)


@dataclass(frozen=True, slots=True)
class Softmax(Op):
    """Softmax over channels at each position."""

    kind: ClassVar[str] = "softmax"


@dataclass(frozen=True, slots=True)
class Block:
    """One table row built: its ops in execution order, reading `input`."""

    name: str
    type: str
    row: Row
    ops: tuple[Op, ...]
    input: str
    train_only: bool
    variant: str = ""

    @property
    def output(self) -> str:
        return self.ops[-1].name

    @property
    def out_shape(self) -> Shape:
        return self.ops[-1].out_shape


@dataclass(frozen=True, slots=True)
class Network:
    name: str
    input_shape: Shape
    blocks: tuple[Block, ...]
    conventions: Conventions
    aux: bool  # training-only rows included

    def ops(self):
        for block in self.blocks:
            yield from block.ops


def pad_amount(padding: str | int, k: int) -> int:
    """Pixels of zero padding on each side: `same` keeps the size at stride 1."""
    if padding == "same":
        return (k - 1) // 2
    if padding == "valid":
        return 0
    return int(padding)


def out_size(size: int, k: int, stride: int, pad: int, ceil: bool) -> int:
    """Output length of a window sweep; ceil mode drops a last window starting in the padding."""
    span = size + 2 * pad - k
    if ceil:
        out = -(-span // stride) + 1
        if (out - 1) * stride >= size + pad:
            out -= 1
        return out
    return span // stride + 1


def window(
    h: int, w: int, kernel: tuple[int, int], stride: int, pad: int, ceil: bool
) -> tuple[int, int]:
    """Output height and width of a window sweep; a kernel larger than its padded input
    cannot exist."""
    kh, kw = kernel
    if kh > h + 2 * pad or kw > w + 2 * pad:
        raise InputError(
            f"{kh}x{kw} kernel is larger than its padded input {h + 2 * pad}x{w + 2 * pad}"
            f" ({h}x{w}, padding {pad})",
            f"a kernel of at most {h + 2 * pad}x{w + 2 * pad}, or more padding",
        )
    return out_size(h, kh, stride, pad, ceil), out_size(w, kw, stride, pad, ceil)


def build(spec: Spec, *, aux: bool = False, variant: str = "") -> Network:
    """The network a spec describes; `aux` keeps training-only rows, `variant` reads it as
    one of the spec's variants (a row swapped, other conventions, another input size)."""
    if spec.input_shape is None:
        raise InputError(
            f"{spec.path} gives no input size",
            'input = "HxWxC" in the front matter, or --input HxWxC',
            f"{spec.path}:1:1",
        )
    chosen = next((v for v in spec.variants if v.name == variant), None)
    if variant and chosen is None:
        names = ", ".join(sorted({v.name for v in spec.variants})) or "none in this spec"
        raise InputError(f"unknown variant {variant!r}", f"one of {names}")
    swap = {chosen.row: variant_row(spec, chosen)} if chosen and chosen.cells else {}
    conventions = (chosen and chosen.conventions) or spec.conventions
    input_shape = (chosen and chosen.input_shape) or spec.input_shape
    builder = _Builder(conventions, {INPUT: input_shape}, spec.connection_tables)
    blocks: list[Block] = []
    output_of: dict[str, str] = {}
    previous: Row | None = None
    for row in spec.rows:
        source_row = row.input or (previous.name if previous else INPUT)
        previous = row
        if row.train_only and not aux:
            continue
        if source_row == INPUT:
            source = INPUT
        elif source_row in output_of:
            source = output_of[source_row]
        else:
            raise InputError(
                f"row {row.name!r} reads {source_row!r}, a training-only row left out at inference",
                "an input column naming an inference row, or --aux",
                row.loc,
            )
        built = swap.get(row.name, row)
        ops = builder.block(built, source)
        blocks.append(
            Block(
                row.name,
                built.type,
                built,
                ops,
                source,
                row.train_only,
                variant if built is not row else "",
            )
        )
        output_of[row.name] = ops[-1].name
    from inception_cost import validate  # it reads this module's ops

    return validate.check(Network(spec.name, input_shape, tuple(blocks), conventions, aux))


class _Builder:
    """Turns one row into ops, tracking every tensor's shape."""

    def __init__(
        self,
        conventions: Conventions,
        shapes: dict[str, Shape],
        tables: dict[str, tuple[tuple[int, ...], ...]],
    ):
        self.conventions = conventions
        self.shapes = shapes
        self.tables = tables

    def block(self, row: Row, source: str) -> tuple[Op, ...]:
        self.row, self.ops = row, []
        method = getattr(self, "_" + row.type.replace(" ", "_"))
        method(row, source)
        return tuple(self.ops)

    # -- helpers -------------------------------------------------------------------
    def _add(self, op: Op) -> str:
        self.ops.append(op)
        self.shapes[op.name] = op.out_shape
        return op.name

    def _window(
        self, src: str, kernel: tuple[int, int], stride: int, pad: int, ceil: bool
    ) -> tuple[int, int]:
        h, w, _ = self.shapes[src]
        try:
            return window(h, w, kernel, stride, pad, ceil)
        except InputError as exc:
            exc.where = self.row.at("patch")
            raise

    def _filters(self, what: str) -> int:
        if self.row.filters is not None:
            return self.row.filters
        if self.row.output is None:
            raise InputError(
                f"{self.row.type} row {self.row.name!r} has no output size",
                f"an output size HxWxC whose C gives {what}",
                self.row.at("output"),
            )
        return self.row.output[2]

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
    ) -> str:
        """A convolution, then batch norm where the conventions put one, then `act`."""
        in_shape = self.shapes[src]
        if pad is None:
            pad = pad_amount(self.conventions.conv_padding, max(k))
        if in_shape[2] % groups or out_c % groups:
            raise InputError(
                f"{name}: {in_shape[2]} input and {out_c} output channels do not split into"
                f" {groups} groups",
                "channel counts divisible by the groups",
                self.row.at("groups"),
            )
        if table and (len(table) != out_c or max(max(t) for t in table) >= in_shape[2]):
            raise InputError(
                f"{name}: connection table {self.row.table!r} has {len(table)} output maps"
                f" reading maps up to {max(max(t) for t in table) + 1}; the layer has {out_c}"
                f" outputs and {in_shape[2]} inputs",
                "a table with one column per output map and one row per input map",
                self.row.at("table"),
            )
        c = self.conventions
        norm = c.batch_norm and layer
        ho, wo = self._window(src, k, stride, pad, ceil=False)
        out = self._add(
            Conv2d(
                name,
                (src,),
                (in_shape,),
                (ho, wo, out_c),
                k,
                stride,
                (pad, pad),
                groups,
                c.bias and (c.bn_conv_bias or not norm),
                layer,
                table,
            )
        )
        if norm:
            out = self._add(
                BatchNorm(f"{name}/bn", (out,), (self.shapes[out],), self.shapes[out], c.bn_eps)
            )
        return self.activate(out, act)

    def activate(self, src: str, act: str) -> str:
        """`src` through the named activation (relu, tanh) or unchanged (none)."""
        if act == "none":
            return src
        shape = self.shapes[src]
        kind = ReLU if act == "relu" else Tanh
        return self._add(kind(f"{src}/{act}", (src,), (shape,), shape))

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
        ho, wo = self._window(src, k, stride, pad, ceil)
        return self._add(
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

    def _activation(self, default: str) -> str:
        return self.row.activation or default

    def _patch(self, default=None):
        patch = self.row.patch or default
        if patch is None:
            raise InputError(
                f"{self.row.type} row {self.row.name!r} has no patch size",
                "a patch size/stride such as 3x3/1",
                self.row.at("patch"),
            )
        return patch

    def _pad(self, setting: str | int, k: int) -> int:
        """The row's own padding cell, else the conventions' setting."""
        return pad_amount(self.row.padding if self.row.padding is not None else setting, k)

    # -- one method per row type ---------------------------------------------------
    def _convolution(self, row: Row, src: str) -> None:
        patch = self._patch()
        filters = self._filters("the number of filters")
        k = patch.kh
        reduce_fields = [f for f in ("n3x3_reduce", "n5x5_reduce") if getattr(row, f)]
        if len(reduce_fields) > 1:
            raise InputError(
                "a convolution row has both #3x3 reduce and #5x5 reduce",
                "at most one 1x1 reduction before the convolution",
                row.at(reduce_fields[1]),
            )
        own = {3: "n3x3", 5: "n5x5"}.get(k) if patch.kh == patch.kw else None
        if own and getattr(row, own) is not None and getattr(row, own) != filters:
            raise InputError(
                f"inconsistent channel counts: output size has {filters} channels,"
                f" #{k}x{k} says {getattr(row, own)}",
                "the same number of filters in both cells",
                row.at(own),
            )
        act = self._activation(self.conventions.conv_activation)
        if reduce_fields:
            src = self.conv(
                f"{row.name}/reduce", src, getattr(row, reduce_fields[0]), (1, 1), act=act
            )
            name = f"{row.name}/{patch.kh}x{patch.kw}"
        else:
            name = row.name
        table = self.tables[row.table] if row.table else ()
        self.conv(
            name,
            src,
            filters,
            (patch.kh, patch.kw),
            patch.stride,
            pad=self._pad(self.conventions.conv_padding, max(patch.kh, patch.kw)),
            groups=row.groups or 1,
            act=act,
            table=table,
        )

    def _separable_convolution(self, row: Row, src: str) -> None:
        patch = self._patch()
        filters = self._filters("the number of filters")
        multiplier = row.multiplier or 1
        in_c = self.shapes[src][2]
        depthwise = self.conv(
            f"{row.name}/depthwise",
            src,
            in_c * multiplier,
            (patch.kh, patch.kw),
            patch.stride,
            groups=in_c,
            act="none",
            layer=False,
        )
        self.conv(
            f"{row.name}/pointwise",
            depthwise,
            filters,
            (1, 1),
            act=self._activation(self.conventions.conv_activation),
        )

    def _pool(self, row: Row, src: str, mode: str) -> None:
        patch = self._patch(self.conventions.pool_patch)
        pad = self._pad(self.conventions.pool_padding, patch.kh)
        ceil = self.conventions.pool_rounding == "ceil"
        self.pool(row.name, src, mode, (patch.kh, patch.kw), patch.stride, pad, ceil)

    def _max_pool(self, row: Row, src: str) -> None:
        self._pool(row, src, "max")

    def _avg_pool(self, row: Row, src: str) -> None:
        self._pool(row, src, "avg")

    def _global_avg_pool(self, row: Row, src: str) -> None:
        h, w, _ = self.shapes[src]
        self.pool(row.name, src, "avg", (h, w), 1, 0, ceil=False, whole=True)

    def _local_response_norm(self, row: Row, src: str) -> None:
        lrn = self.conventions.lrn
        shape = self.shapes[src]
        self._add(
            LocalResponseNorm(
                row.name, (src,), (shape,), shape, lrn.size, lrn.alpha, lrn.beta, lrn.k
            )
        )

    def _batch_norm(self, row: Row, src: str) -> None:
        shape = self.shapes[src]
        self._add(BatchNorm(row.name, (src,), (shape,), shape, self.conventions.bn_eps))

    def _subsampling(self, row: Row, src: str) -> None:
        patch = self._patch()
        h, w, c = self.shapes[src]
        ho, wo = self._window(src, (patch.kh, patch.kw), patch.stride, 0, ceil=False)
        out = self._add(
            Subsample(
                row.name, (src,), ((h, w, c),), (ho, wo, c), (patch.kh, patch.kw), patch.stride
            )
        )
        self.activate(out, self._activation(self.conventions.conv_activation))

    def _inception(self, row: Row, src: str) -> None:
        """The paper's module (Figure 2b): 1x1; reduce -> 3x3; reduce -> 5x5; pool -> proj.

        A blank count drops that piece: no reduce means the 3x3 or 5x5 sees the input
        directly, no pool proj means the pooled input passes through (the naive module,
        also what `inception = "naive"` builds). With `inception_5x5 = "two 3x3"` the 5x5
        is two stacked 3x3 convolutions of #5x5 filters each.
        """
        act = self._activation(self.conventions.conv_activation)
        naive = self.conventions.inception == "naive"
        n = row.name
        outs: list[str] = []
        if row.n1x1:
            outs.append(self.conv(f"{n}/1x1", src, row.n1x1, (1, 1), act=act))
        for k, reduce_, filters in ((3, row.n3x3_reduce, row.n3x3), (5, row.n5x5_reduce, row.n5x5)):
            if filters is None:
                if reduce_ is not None:
                    raise InputError(
                        f"#{k}x{k} reduce is given but #{k}x{k} is blank",
                        f"a #{k}x{k} count after its reduction",
                        row.at(f"n{k}x{k}_reduce"),
                    )
                continue
            x = src
            if reduce_ and not naive:
                x = self.conv(f"{n}/{k}x{k}_reduce", x, reduce_, (1, 1), act=act)
            if k == 5 and self.conventions.inception_5x5 == "two 3x3":
                x = self.conv(f"{n}/5x5a", x, filters, (3, 3), pad=1, act=act)
                outs.append(self.conv(f"{n}/5x5b", x, filters, (3, 3), pad=1, act=act))
            else:
                outs.append(
                    self.conv(f"{n}/{k}x{k}", x, filters, (k, k), pad=(k - 1) // 2, act=act)
                )
        pooled = self.pool(f"{n}/pool", src, "max", (3, 3), 1, 1, ceil=False)
        if row.pool_proj and not naive:
            pooled = self.conv(f"{n}/pool_proj", pooled, row.pool_proj, (1, 1), act=act)
        outs.append(pooled)
        if len(outs) == 1:
            raise InputError(
                f"inception row {n!r} has no convolution branch",
                "counts in #1x1, #3x3 or #5x5",
                row.loc,
            )
        shapes = tuple(self.shapes[o] for o in outs)
        h, w, _ = shapes[0]
        self._add(Concat(f"{n}/output", tuple(outs), shapes, (h, w, sum(s[2] for s in shapes))))

    def _residual(self, row: Row, src: str) -> None:
        """A stage of ResNet's Table 1: its bracketed block, repeated, each block's output
        the sum of its convolutions and a shortcut, then the activation.

        The stage's first block downsamples by input size / output size (the paper:
        "performed by conv3_1, conv4_1, and conv5_1 with a stride of 2"), in its first
        convolution or its first 3x3 (`residual_stride`); where the shape changes the
        shortcut is a 1x1 projection or option A's zero padding (`shortcut`).
        """
        if row.block is None:
            raise InputError(
                f"residual row {row.name!r} has no building block",
                "a building block such as [3x3, 64; 3x3, 64] x 2",
                row.at("block"),
            )
        h = self.shapes[src][0]
        stride = 1
        if row.output is not None and row.output[0] != h:
            if h % row.output[0]:
                raise InputError(
                    f"output height {row.output[0]} does not divide the input height {h}",
                    "an output size that is the input size divided by a whole stride",
                    row.at("output"),
                )
            stride = h // row.output[0]
        layers = row.block.layers
        at = 0
        if self.conventions.residual_stride == "3x3":
            at = next((j for j, (kh, _, _) in enumerate(layers) if kh > 1), 0)
        act = self._activation(self.conventions.conv_activation)
        stem = row.name.removesuffix("_x") + "_" if row.name.endswith("_x") else row.name + "/"
        for i in range(row.block.repeat):
            prefix = f"{stem}{i + 1}"
            s = stride if i == 0 else 1
            x = src
            for j, (kh, kw, c) in enumerate(layers):
                last = j == len(layers) - 1
                x = self.conv(
                    f"{prefix}/conv{j + 1}",
                    x,
                    c,
                    (kh, kw),
                    s if j == at else 1,
                    act="none" if last else act,
                )
            shortcut = src
            hi, wi, ci = self.shapes[src]
            out_shape = self.shapes[x]
            if s != 1 or ci != out_shape[2]:
                if self.conventions.shortcut == "projection":
                    shortcut = self.conv(
                        f"{prefix}/projection", src, out_shape[2], (1, 1), s, 0, act="none"
                    )
                else:
                    shortcut = self._add(
                        Shortcut(f"{prefix}/shortcut", (src,), ((hi, wi, ci),), out_shape, s)
                    )
            added = self._add(
                Add(f"{prefix}/add", (x, shortcut), (out_shape, self.shapes[shortcut]), out_shape)
            )
            src = self.activate(added, act)

    def _dropout(self, row: Row, src: str) -> None:
        shape = self.shapes[src]
        self._add(Dropout(row.name, (src,), (shape,), shape, row.rate or (0, 1)))

    def _flatten(self, row: Row, src: str) -> None:
        h, w, c = shape = self.shapes[src]
        self._add(Flatten(row.name, (src,), (shape,), (1, 1, h * w * c)))

    def _linear(self, row: Row, src: str) -> None:
        shape = self.shapes[src]
        out = self._add(
            Linear(
                row.name,
                (src,),
                (shape,),
                (1, 1, self._filters("the number of units")),
                self.conventions.bias,
            )
        )
        self.activate(out, self._activation("none"))

    def _rbf(self, row: Row, src: str) -> None:
        shape = self.shapes[src]
        self._add(Rbf(row.name, (src,), (shape,), (1, 1, self._filters("the number of units"))))

    def _softmax(self, row: Row, src: str) -> None:
        shape = self.shapes[src]
        self._add(Softmax(row.name, (src,), (shape,), shape))
