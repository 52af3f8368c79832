"""A network's modules against their naive twins: each inception module against the naive
module of the paper's Figure 2a, MobileNetV2's inverted residuals against a plain 3x3
convolution, ResNet's bottleneck blocks against the basic block, each on its real input;
then the whole network against its naive twin. Built and costed by the same builder and
cost model `table` uses (`compare-bottleneck --model`, docs/bottleneck.md)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.builder.kinds import repeat_name
from inception_cost.cells import Patch, Shape
from inception_cost.errors import InputError
from inception_cost.spec.records import BlockLayer, LayerCells, ResidualBlock, Spec

INCEPTION_UNIT = "inception module"


class _NaiveAgainstBuilt:
    """The ratios of a comparison whose `naive` and `built` sides have macs and params."""

    __slots__ = ()

    @property
    def macs_ratio(self) -> Fraction:
        """How many times the built side's multiply-adds the naive side needs."""
        return Fraction(self.naive.macs, self.built.macs)

    @property
    def params_ratio(self) -> Fraction:
        return Fraction(self.naive.params, self.built.params)


@dataclass(frozen=True, slots=True)
class ModuleComparison(_NaiveAgainstBuilt):
    """An inception module as built against the naive module on the same input."""

    name: str
    in_shape: Shape
    naive: cost.BlockCost
    built: cost.BlockCost


@dataclass(frozen=True, slots=True)
class NetworkComparison(_NaiveAgainstBuilt):
    """Every module of a network, then the whole network naive against as built."""

    model: str
    modules: tuple[ModuleComparison, ...]
    naive: cost.Totals
    built: cost.Totals
    naive_out: Shape  # the last compared module's output in the naive network
    built_out: Shape
    unit: str = INCEPTION_UNIT  # what the modules are: inception module, bottleneck block
    naive_is: str = ""  # the naive module in words


REDUCTIONS = ("n3x3_reduce", "n5x5_reduce", "pool_proj")


@dataclass(frozen=True, slots=True)
class Family:
    """What a network's compared modules are, and the naive module each is set against."""

    unit: str  # the compared module: "inception module", "bottleneck block", ...
    naive_is: str  # the naive module in words, as every output says it


INCEPTION = Family(
    INCEPTION_UNIT,
    "the paper's Figure 2a module: 1x1, 3x3 and 5x5 on the input, the 3x3 max pool passed"
    " through, no 1x1 reductions or pool projection",
)
INVERTED = Family(
    "inverted residual block",
    "a plain 3x3 convolution from the block's input width to its output width, strided as"
    " the block, with the spec's batch norm and activation and no shortcut",
)
BOTTLENECK = Family(
    "bottleneck block",
    "the basic block [3x3, C; 3x3, C] of the bottleneck's output width C, strided as the"
    " block, with the same shortcut (identity, or the spec's projection where the shape"
    " changes)",
)


def naive_row(row):
    """The naive module of the paper's Figure 2a: no reductions, the pool passed through."""
    widths = {k: v for k, v in row.cells.widths.items() if k not in REDUCTIONS}
    return dataclasses.replace(row, cells=dataclasses.replace(row.cells, widths=widths))


def _is_bottleneck(row) -> bool:
    """A residual stage whose block is 1x1, a spatial conv, 1x1 (ResNet-50's and ResNeXt's)."""
    block = row.cells.block if row.type == "residual" else None
    layers = [x for x in block.layers if x.op == "conv"] if block else []
    kernels = [x.kernel for x in layers]
    return len(layers) == 3 and kernels[0] == kernels[2] == (1, 1) and kernels[1] != (1, 1)


def _pieces(row) -> tuple[Family, tuple[tuple[str, object, object], ...]] | None:
    """The row's compared modules as (name, built row, naive row), one per block of a
    repeated row (the first takes the row's stride); None for a row not compared."""
    if row.type == "inception":
        return INCEPTION, ((row.name, row, naive_row(row)),)
    cells = row.cells
    if row.type == "inverted residual":
        family, n = INVERTED, cells.repeat or 1
    elif _is_bottleneck(row):
        family, n = BOTTLENECK, cells.block.repeat
    else:
        return None
    pieces = []
    for i in range(n):
        name = repeat_name(row.name, i)
        keep = {"input": row.input if i == 0 else None, "name": row.name if i == n - 1 else name}
        if family is INVERTED:
            later = {"stride": 1, "patch": None} if i else {}
            one = dataclasses.replace(
                row, cells=dataclasses.replace(cells, repeat=1, **later), **keep
            )
            # a plain 3x3 convolution, strided as the block, to its width, padded same
            patch = Patch(3, 3, one.cells.given_stride or 1)
            conv = LayerCells(patch, cells.filters, "same", cells.in_channels)
            plain = dataclasses.replace(one, type="convolution", cells=conv)
        else:
            block = dataclasses.replace(cells.block, repeat=1)
            one = dataclasses.replace(row, cells=dataclasses.replace(cells, block=block), **keep)
            c = [x for x in cells.block.layers if x.op == "conv"][-1].filters  # its output width
            basic = ResidualBlock((BlockLayer("conv", (3, 3), c), BlockLayer("conv", (3, 3), c)), 1)
            plain = dataclasses.replace(one, cells=dataclasses.replace(one.cells, block=basic))
        pieces.append((name, one, plain))
    return family, tuple(pieces)


def _alone(spec: Spec, row, in_shape: Shape) -> cost.BlockCost:
    """One row built and costed on its own, reading `in_shape`."""
    one = dataclasses.replace(
        spec,
        input_shape=in_shape,
        tabled_input=None,
        rows=(dataclasses.replace(row, input=None),),
        variants=(),
    )
    return cost.analyse(build(one)).blocks[0]


def modules(spec: Spec) -> NetworkComparison:
    """Each compared module naive vs built on its real input; then the networks' totals.

    Inception modules against Figure 2a's naive module, MobileNetV2's inverted residuals
    against a plain 3x3 convolution, ResNet's bottleneck blocks against the basic block;
    a repeated row is compared block by block."""
    built = cost.analyse(build(spec))
    compared, families, last = [], [], ""
    for block in built.blocks:
        found = _pieces(block.block.row)
        if found is None:
            continue
        family, pieces = found
        families += [family] if family not in families else []
        in_shape = block.ops[0].op.in_shapes[0]
        for name, one, plain in pieces:
            mine = block if family is INCEPTION else _alone(spec, one, in_shape)
            naive = _alone(spec, plain, in_shape)
            compared.append(ModuleComparison(name, in_shape, naive, mine))
            in_shape = mine.ops[-1].op.out_shape
        last = block.name
    if not compared:
        raise InputError(
            f"{spec.name} has no inception, inverted residual or bottleneck rows",
            "a spec with inception modules, MobileNetV2 bottlenecks or ResNet bottleneck blocks",
            spec.rows[0].loc,  # the table's first row: none of its rows is one
        )
    rows = []
    for row in spec.rows:
        found = _pieces(row)
        rows += [plain for _, _, plain in found[1]] if found else [row]
    naive_net = cost.analyse(build(dataclasses.replace(spec, rows=tuple(rows), variants=())))

    def out_of(a: cost.Analysis) -> Shape:
        return next(b.block.out_shape for b in a.blocks if b.name == last)

    return NetworkComparison(
        spec.name,
        tuple(compared),
        naive_net.totals,
        built.totals,
        out_of(naive_net),
        out_of(built),
        " and ".join(f.unit for f in families),
        "; ".join(f.naive_is for f in families),
    )
