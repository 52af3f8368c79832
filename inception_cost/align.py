"""Which op of one network is which op of another: the alignment `diff` reads.

Both networks are put in one canonical order first (a depth-first walk from the input
that takes, at every fork, the branch with the longest way to an output first: a
residual branch before its projection, the main trunk before an auxiliary head), so the
order a forward function happens to call its branches in does not matter. Then the
convolution and linear layers are aligned (a monotone alignment, each pair scored by how
alike the two layers are), and between each two aligned layers the other ops are
aligned the same way. An op left without a partner is missing from, or added to, the
other network.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from inception_cost.errors import InputError
from inception_cost.network import Network
from inception_cost.ops import INPUT, Conv2d, Linear, Op, Pool2d

#: Ops that are only bookkeeping here: never aligned, never a departure.
UNALIGNED = ("flatten",)
_ANCHORS = ("conv", "linear")
#: The pairs of ops one alignment may weigh (its time and memory grow with the product of
#: the lengths: about 1 us and 40 bytes a pair). DenseNet-264's 265 convolutions against
#: its twin's weigh 70,000; two chains of 10,000 took 78 s and 4 GB.
MAX_PAIRS = 1_000_000


@dataclass(frozen=True, slots=True)
class Alignment:
    pairs: tuple[tuple[Op, Op], ...]  # (table's op, implementation's op)
    missing: tuple[Op, ...]  # the table's ops the implementation does not have
    added: tuple[Op, ...]  # the implementation's ops the table does not have


def align(table: Network, impl: Network) -> Alignment:
    """The ops of `table` and `impl` paired."""
    a, b = canonical(table), canonical(impl)
    anchors_a = [i for i, op in enumerate(a) if op.kind in _ANCHORS]
    anchors_b = [j for j, op in enumerate(b) if op.kind in _ANCHORS]
    _afford(len(anchors_a) * len(anchors_b), "convolution and linear layers", table, impl)
    held = _monotone([a[i] for i in anchors_a], [b[j] for j in anchors_b], score)
    cuts = [(-1, -1)] + [(anchors_a[i], anchors_b[j]) for i, j in held] + [(len(a), len(b))]
    segments = [(a[i0 + 1 : i1], b[j0 + 1 : j1]) for (i0, j0), (i1, j1) in pairwise(cuts)]
    _afford(sum(len(x) * len(y) for x, y in segments), "ops between them", table, impl)
    pairs: list[tuple[Op, Op]] = []
    for (seg_a, seg_b), (i1, j1) in zip(segments, cuts[1:], strict=True):
        pairs += [(seg_a[i], seg_b[j]) for i, j in _monotone(seg_a, seg_b, score)]
        if i1 < len(a):
            pairs.append((a[i1], b[j1]))
    paired_a = {id(p) for p, _ in pairs}
    paired_b = {id(q) for _, q in pairs}
    return Alignment(
        tuple(pairs),
        tuple(op for op in a if id(op) not in paired_a),
        tuple(op for op in b if id(op) not in paired_b),
    )


def _afford(pairs: int, what: str, table: Network, impl: Network) -> None:
    """Refuse, before it starts, an alignment that would weigh more than MAX_PAIRS pairs
    (its time and memory grow with the product of the two networks' lengths)."""
    if pairs > MAX_PAIRS:
        raise InputError(
            f"aligning {table.name} with {impl.name} weighs {pairs:,} pairs of {what}, more"
            f" than the {MAX_PAIRS:,} a diff may weigh",
            "networks of at most about 1,000 convolution and linear layers each (a paper's"
            " network has a few hundred)",
        )


def canonical(net: Network) -> list[Op]:
    """The ops (but bookkeeping) in a depth-first order that takes the branch with the
    longest way to an output first, and file order among equals."""
    ops = list(net.ops())
    index = {op.name: i for i, op in enumerate(ops)}
    readers: dict[str, list[Op]] = {}
    for op in ops:
        for name in dict.fromkeys(op.inputs):
            readers.setdefault(name, []).append(op)
    reach = {}  # the longest chain of ops from each op to an output
    for op in reversed(ops):
        reach[op.name] = 1 + max((reach[r.name] for r in readers.get(op.name, ())), default=0)
    waiting = {op.name: len(set(op.inputs)) for op in ops}
    order: list[Op] = []

    def ready(after: str) -> list[Op]:
        out = []
        for r in readers.get(after, ()):
            waiting[r.name] -= 1
            if waiting[r.name] == 0:
                out.append(r)
        return sorted(out, key=lambda r: (reach[r.name], -index[r.name]))

    stack = ready(INPUT)
    while stack:
        op = stack.pop()
        order.append(op)
        stack.extend(ready(op.name))
    return [op for op in order if op.kind not in UNALIGNED]


def _monotone(
    xs: Sequence[Op], ys: Sequence[Op], similar: Callable[[Op, Op], float]
) -> list[tuple[int, int]]:
    """The order-keeping pairing of `xs` and `ys` with the largest total similarity
    (a pair of similarity 0 is never made)."""
    n, m = len(xs), len(ys)
    if not n or not m:
        return []
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        x = xs[i]
        for j in range(m - 1, -1, -1):
            s = similar(x, ys[j])
            take = below[j + 1] + s if s > 0 else -1.0
            row[j] = max(take, below[j], row[j + 1])
    out, i, j = [], 0, 0
    while i < n and j < m:
        s = similar(xs[i], ys[j])
        if s > 0 and best[i][j] == best[i + 1][j + 1] + s:
            out.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return out


def dense(op: Op) -> bool:
    """A layer that multiplies its whole input by a matrix: a linear layer, or a 1x1
    convolution on a 1x1 map (MobileNetV2's last conv2d 1x1 is torchvision's Linear)."""
    if isinstance(op, Linear):
        return True
    return (
        isinstance(op, Conv2d)
        and op.kernel == (1, 1)
        and op.in_shapes[0][:2] == (1, 1)
        and op.groups == 1
        and not op.table
    )


def whole(op: Pool2d) -> bool:
    """A pool whose one window is its whole input (global, or a 7x7 pool on a 7x7 map)."""
    return op.whole or (op.kernel == op.in_shapes[0][:2] and op.padding == (0, 0))


def score(a: Op, b: Op) -> float:
    """How alike two ops are (0: not the same kind of op)."""
    if a.kind != b.kind and not (dense(a) and dense(b)):
        return 0.0
    s = 1.0 + (a.out_shape == b.out_shape) * 0.5
    if isinstance(a, Conv2d | Linear) and isinstance(b, Conv2d | Linear):
        s += (a.out_shape[2] == b.out_shape[2]) + 0.5 * (a.in_shapes[0] == b.in_shapes[0])
        if isinstance(a, Conv2d) and isinstance(b, Conv2d):
            s += 0.5 * (a.kernel == b.kernel) + 0.25 * (a.stride == b.stride)
            s += 0.25 * (a.groups == b.groups)
    elif isinstance(a, Pool2d) and isinstance(b, Pool2d):
        s += (
            0.5 * (a.mode == b.mode) + 0.25 * (a.kernel == b.kernel) + 0.25 * (a.stride == b.stride)
        )
    return s
