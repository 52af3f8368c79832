"""Networks that cannot exist, refused at the row that asks for them.

The builder infers each op's shape from its first input; this walk checks what that
inference takes on trust: that the branches of a concatenation and the two sides of a
residual add have one shape, that a zero-pad shortcut only widens, that every pooling
window sees the input, and that a convolution takes a connection table or groups.
Each such network would run to NaN or a NumPy broadcast error in `verify`, and `table`
would count a layer no framework can build.
"""

from __future__ import annotations

from inception_cost.cells import format_shape
from inception_cost.errors import InputError
from inception_cost.network import Block, Network
from inception_cost.ops import Add, Concat, Conv2d, Pool2d, Shortcut


def check(network: Network) -> Network:
    """`network`, or an `InputError` at the first row whose ops cannot be put together."""
    for block in network.blocks:
        for op in block.ops:
            _check_op(block, op)
    return network


def _check_op(block: Block, op) -> None:
    row = block.row
    match op:
        case Concat():
            sizes = {s[:2] for s in op.in_shapes}
            if len(sizes) > 1:
                shown = ", ".join(f"{h}x{w}" for h, w in sorted(sizes))
                raise InputError(
                    f"{block.name}: branches of {shown} cannot be concatenated on channels",
                    "branches of one height and width (an inception module pads to 'same')",
                    row.loc,
                )
        case Add():
            if len(set(op.in_shapes)) > 1:
                shown = " and ".join(format_shape(s) for s in op.in_shapes)
                raise InputError(
                    f"{op.name}: a residual add of {shown}",
                    "a building block that keeps the map size (the stride of the output size)",
                    row.at("block"),
                )
        case Shortcut():
            (h, w, c), (ho, wo, co) = op.in_shapes[0], op.out_shape
            if co < c:
                raise InputError(
                    f"{op.name}: a zero-pad shortcut cannot narrow {c} channels to {co}",
                    'shortcut = "projection", or a block with at least as many channels',
                    row.at("block"),
                )
            if (-(-h // op.stride), -(-w // op.stride)) != (ho, wo):
                raise InputError(
                    f"{op.name}: a stride-{op.stride} shortcut of {h}x{w} is not {ho}x{wo}",
                    "a building block whose convolutions keep the map size",
                    row.at("block"),
                )
        case Pool2d() if not op.whole:
            (kh, kw), (ph, pw) = op.kernel, op.padding
            if ph >= kh or pw >= kw:
                raise InputError(
                    f"{op.name}: padding {max(ph, pw)} is not smaller than the {kh}x{kw} window,"
                    " so a window sees only padding",
                    f"padding of at most {min(kh, kw) - 1}",
                    row.at("padding") if "padding" in row.locs else row.at("patch"),
                )
        case Conv2d():
            if op.table and op.groups != 1:
                raise InputError(
                    f"{op.name}: a connection table and {op.groups} groups both say which"
                    " input maps each output reads",
                    "a connection table or groups, not both",
                    row.at("groups"),
                )
