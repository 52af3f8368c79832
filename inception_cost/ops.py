"""The primitive ops a network is made of, and the geometry of a window sweep.

Each op kind is one frozen record with a `kind` key; every concern of an op (its cost
rule, its NumPy kernel, its receptive field, its memory, how each tool counts it) is
registered under that key in the module that owns the concern. Shapes are (H, W, C) per
image, as the paper writes them. The builder (`builder.build`), the ONNX reader, the cost
model and the NumPy reference all read these records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from inception_cost.cells import Shape
from inception_cost.errors import InputError

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
    """max(x, 0); with a `cap`, min(max(x, 0), cap) (MobileNet's ReLU6: cap 6); with a
    `slope`, the leaky ReLU max(x, slope x) (Maas et al. 2013; Darknet's 0.1, torch's
    nn.LeakyReLU default 0.01). One op with a parameter, not a kind of its own: Caffe
    writes it as its ReLU layer's negative_slope, and it costs one more multiply."""

    kind: ClassVar[str] = "relu"
    cap: int = 0  # 0: no cap
    slope: float = 0.0  # 0: no leak


@dataclass(frozen=True, slots=True)
class Tanh(Op):
    """LeNet-5's squashing function A tanh(S a), A = 1.7159, S = 2/3 (its Appendix A)."""

    kind: ClassVar[str] = "tanh"
    amplitude: float = 1.7159
    slope: float = 2 / 3


@dataclass(frozen=True, slots=True)
class Swish(Op):
    """x * sigmoid(x): EfficientNet's activation (torch's SiLU)."""

    kind: ClassVar[str] = "swish"


@dataclass(frozen=True, slots=True)
class Sigmoid(Op):
    """1 / (1 + exp(-x)): squeeze-and-excitation's gate."""

    kind: ClassVar[str] = "sigmoid"


@dataclass(frozen=True, slots=True)
class HardSwish(Op):
    """MobileNetV3's h-swish: x ReLU6(x + 3) / 6 (Howard et al. 2019, eq. 2; torch's
    nn.Hardswish)."""

    kind: ClassVar[str] = "hswish"


@dataclass(frozen=True, slots=True)
class HardSigmoid(Op):
    """MobileNetV3's h-sigmoid: ReLU6(x + 3) / 6 (torch's nn.Hardsigmoid), its
    squeeze-and-excitation gate."""

    kind: ClassVar[str] = "hsigmoid"


@dataclass(frozen=True, slots=True)
class Gelu(Op):
    """The Gaussian error linear unit x Phi(x) (Hendrycks and Gimpel 2016): `approximate`
    "none" is the exact form 0.5 x (1 + erf(x / sqrt 2)) (torch's nn.GELU(), ConvNeXt's);
    "tanh" the approximation 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))) (BERT's,
    nn.GELU(approximate="tanh")). The words are torch's."""

    kind: ClassVar[str] = "gelu"
    approximate: str = "none"  # none | tanh


@dataclass(frozen=True, slots=True)
class LayerNorm(Op):
    """Layer normalization over the channels at each position (Ba et al. 2016; ConvNeXt's
    LayerNorm, a transformer's over each token): (x - mean) / sqrt(var + eps) x gamma +
    beta, mean and variance over C. `eps` changes values, never counts."""

    kind: ClassVar[str] = "layernorm"
    eps: float = 1e-6  # ConvNeXt's and timm's LayerNorm2d (torch's nn.LayerNorm: 1e-5)


@dataclass(frozen=True, slots=True)
class LayerScale(Op):
    """Layer scale (Touvron et al. 2021, CaiT; ConvNeXt's gamma): each channel times a
    learned factor, C parameters."""

    kind: ClassVar[str] = "layerscale"


@dataclass(frozen=True, slots=True)
class Scale(Op):
    """Squeeze-and-excitation's channel-wise multiply: the map `inputs[0]` (H, W, C) times
    the gates `inputs[1]` (1, 1, C), one per channel."""

    kind: ClassVar[str] = "scale"


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
class ChannelSplit(Op):
    """One of `groups` equal parts of the input's channels, the `part`-th (from 1): ShuffleNet
    V2's channel split. A view of its input: nothing is computed or written."""

    kind: ClassVar[str] = "split"
    groups: int = 2
    part: int = 1


@dataclass(frozen=True, slots=True)
class ChannelShuffle(Op):
    """ShuffleNet's channel shuffle: the channels as a (groups, C/groups) grid, transposed,
    so channel j * groups + g of the output is channel g * C/groups + j of the input."""

    kind: ClassVar[str] = "shuffle"
    groups: int = 2


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


#: Every op kind, by its key.
KINDS: dict[str, type[Op]] = {
    cls.kind: cls
    for cls in (
        Conv2d,
        Pool2d,
        LocalResponseNorm,
        BatchNorm,
        ReLU,
        Tanh,
        Swish,
        Sigmoid,
        HardSwish,
        HardSigmoid,
        Gelu,
        LayerNorm,
        LayerScale,
        Scale,
        Subsample,
        Rbf,
        Add,
        Shortcut,
        Flatten,
        Concat,
        ChannelSplit,
        ChannelShuffle,
        Linear,
        Dropout,
        Softmax,
    )
}

T = TypeVar("T")


class Registry(Generic[T]):
    """One concern of every op kind (its cost rule, its NumPy kernel, its receptive field,
    ...): op kind -> what that concern does for it. Each concern's module owns one, filled
    where each entry is written (`@COST.register("conv")`); a kind without an entry is an
    error naming the concern and the kind, never a silent zero. tests/test_registry.py
    walks every kind of `KINDS` through every registry."""

    def __init__(self, concern: str) -> None:
        self.concern = concern
        self._entries: dict[str, T] = {}

    def register(self, *kinds: str) -> Callable[[T], T]:
        """Enter `entry` for each of `kinds`: a decorator, or `REG.register("relu")(value)`."""

        def enter(entry: T) -> T:
            for kind in kinds:
                if kind in self._entries:
                    raise ValueError(f"{self.concern}: op kind {kind!r} registered twice")
                self._entries[kind] = entry
            return entry

        return enter

    def __getitem__(self, kind: str) -> T:
        try:
            return self._entries[kind]
        except KeyError:
            raise KeyError(f"no {self.concern} for op kind {kind!r}") from None

    def __contains__(self, kind: object) -> bool:
        return kind in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def pad_amount(padding: str | int, k: int, stride: int = 1) -> int:
    """Pixels of zero padding on each side: `same` is (k - 1) // 2, which keeps the size
    of an odd kernel at stride 1, and pads a patchify window (an even kernel with its own
    stride: ConvNeXt's 4x4/4 stem, a ViT's 16x16/16) by nothing, since its windows tile
    the input without overlap (ConvNeXt, Swin and ViT write padding 0; TF's SAME pads it
    0 wherever the stride divides the input)."""
    if padding == "same":
        return 0 if stride == k and k % 2 == 0 else (k - 1) // 2
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
