"""What the reader gives: a `Spec`, its front matter and a typed `Row` per table row.

A row's fields say what its type reads. Every row has the fields of `Row`: its name and
type, where each cell was, the row it reads, and what the paper prints about it (the
claims the audit holds against the built row). What its type reads beyond those is its
`cells`: a primitive layer's (`LayerCells`: a convolution's kernel and filters, a
dropout's rate, ...) or a module's (`ModuleCells`: the counts its kind's branches read,
its repeat, its building block). The builder reads a layer row's `LayerCells` in the
layer type's own function and a module row's `ModuleCells` in the kinds interpreter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import fields as record_fields
from fractions import Fraction

from inception_cost.cells import Patch, Quantity, Shape
from inception_cost.columns import COLUMNS, NOTE
from inception_cost.errors import Location
from inception_cost.frontmatter import FrontMatter
from inception_cost.kinds import Kind, builtin


@dataclass(frozen=True, slots=True)
class BlockLayer:
    """One line of a bracketed building block: `1x1, 64` (a convolution), `3x3, 128, C=32`
    (in 32 groups: ResNeXt's cardinality), `d7×7, 96` (depthwise), `fc, [16, 256]`
    (squeeze-and-excitation, SENet's: 16 units, then back to the map's 256 channels)."""

    op: str  # conv | dwconv | se
    kernel: tuple[int, int]
    filters: int  # a convolution's; se: the map's channels it gives back
    groups: int = 1
    reduced: int = 0  # se: the squeeze's units


@dataclass(frozen=True, slots=True)
class ResidualBlock:
    """A bracketed building block of ResNet's Table 1: [3x3, 64; 3x3, 64] x 2."""

    layers: tuple[BlockLayer, ...]
    repeat: int


@dataclass(frozen=True, slots=True)
class LayerCells:
    """What a primitive layer row reads (a type of `spec.types.ROW_TYPES`). A stride is
    read into the kernel's (`patch`): a row without a kernel takes none."""

    patch: Patch | None = None  # the kernel and stride (convolution, pool, subsampling)
    filters: int | None = None  # output channels or units, where no output size gives them
    padding: str | int | None = None  # the row's own padding, else the conventions'
    in_channels: int | None = None  # a filter shape's input channels, checked when built
    groups: int | None = None  # a convolution's groups (AlexNet's two GPUs)
    table: str | None = None  # a convolution's connection table (LeNet-5's Table I)
    # a convolution's 1x1 reduction before it (#3x3 reduce), and its own width (#3x3)
    widths: dict[str, int] = field(default_factory=dict)
    multiplier: int | None = None  # a separable convolution's depth multiplier (x8)
    rate: tuple[int, int] | None = None  # a dropout's rate (40%)


@dataclass(frozen=True, slots=True)
class ModuleCells:
    """What a module row reads (a kind of vocabulary/kinds.toml or the spec's own): the
    counts its branches read, and where its stride, kernel and repeat come from."""

    # the counts by column field (#1x1, ..., s1x1, t); 0 is kept as written
    widths: dict[str, int] = field(default_factory=dict)
    pool_modes: dict[str, str] = field(default_factory=dict)  # `avg + 32`: column -> avg
    repeat: int | None = None  # the kind's repeat column (n), or a `N×` before its type
    block: ResidualBlock | None = None  # the branch a building-block cell gives (ResNet)
    stride: int | None = None  # a stride column, `stride 2` or `Conv dw / s2`
    patch: Patch | None = None  # the kernel of its `patch` layers, or a stride alone
    padding: str | int | None = None
    filters: int | None = None  # the output channels its `output` and `rest` factors read
    in_channels: int | None = None

    @property
    def given_stride(self) -> int | None:
        """The stride the row gives: its stride cell (or `stride 2`), else its patch
        cell's (the reader has held the two to one stride)."""
        if self.stride is not None:
            return self.stride
        return self.patch.stride if self.patch is not None else None


#: The fields a family of rows keeps of the values its cells read; the rest are Row's.
LAYER_FIELDS = tuple(f.name for f in record_fields(LayerCells))
MODULE_FIELDS = tuple(f.name for f in record_fields(ModuleCells))


@dataclass(frozen=True, slots=True)
class Row:
    """One table row, typed: what every row has, and `cells`, what its type reads.
    `raw` and `locs` keep each cell's text and position."""

    index: int
    name: str
    type: str
    loc: Location
    raw: dict[str, str]
    locs: dict[str, Location]
    cells: LayerCells | ModuleCells = field(default_factory=LayerCells)
    named: bool = False  # the name was written in the spec, not generated
    input: str | None = None  # the row it reads; None: the row above
    # a row that closes a box of rows (Darknet's Residual): the row whose output it adds,
    # the box's input ("input": the network's)
    adds: str | None = None
    train_only: bool = False
    activation: str | None = None
    added: str = ""
    footnotes: tuple[tuple[str, str], ...] = ()  # (column field, mark) as printed
    # a front-matter entry this row comes from or is read with: `rows.NAME` (its cells
    # read as the entry says) or `added.NAME` (a row the table leaves out)
    declared: str = ""
    # the table's cells as printed where an entry changed them (field, text); None for a
    # row the table does not print (added, or the extra layers of an entry's type)
    printed: tuple[tuple[str, str], ...] | None = ()
    # What the paper prints about the row, audited against the row built:
    output: Shape | tuple[int, int] | None = None  # (h, w) where the table prints no channels
    # a printed input size (HxWxC, or HxW: EfficientNet's resolution), and a row's stride
    # where its kind reads strides from sizes
    in_size: Shape | tuple[int, int] | None = None
    window: tuple[int, int] | None = None  # a global pool's printed window (7 × 7 global ...)
    depth: int | None = None
    params: Quantity | None = None
    ops: Quantity | None = None

    def at(self, column: str) -> Location:
        """The location of a cell, or of the row when the cell is absent."""
        return self.locs.get(column, self.loc)


#: The fields of Row its cells give; the others say which row it is and where.
ROW_FIELDS = tuple(
    f.name
    for f in record_fields(Row)
    if f.name
    not in {"index", "name", "type", "loc", "raw", "locs", "cells", "named", "declared", "printed"}
)


@dataclass(frozen=True, slots=True)
class Note:
    """What the reader says of its reading, shown in every output: how a column was read
    (`column`), the reading it took where the print allows several and why (`guess`), a
    footnote mark the front matter does not explain (`unexplained`, also a finding)."""

    kind: str  # column | guess | unexplained
    text: str
    loc: Location
    # the front-matter line that makes the reading a declaration ([columns]' `"Size" =
    # "patch"`): `init` writes it, commented, for the user to keep or change
    declare: str = ""


@dataclass(frozen=True, slots=True)
class Spec(FrontMatter):
    """The front matter's settings, claims and variants, and the table's rows."""

    path: str
    rows: tuple[Row, ...]
    columns: tuple[str, ...]  # the column fields the table has, in its order
    overrides: tuple[str, ...] = field(default=())  # settings changed from the file's
    given: tuple[str, ...] = field(default=())  # settings the file lacks, given on the command line
    kinds: dict[str, Kind] = field(default_factory=builtin)  # built-in and the spec's own
    footnotes: dict[str, str] = field(default_factory=dict)  # mark -> what the paper says
    # the input size the printed sizes describe, where --input (or a sweep) set another
    tabled_input: Shape | None = None
    # Each variant's rows, typed when the spec is read (never when it is built): the row
    # a variant of cells swaps in, by variant; the rows a column variant reads anew, by
    # variant, then by row name.
    swaps: dict[str, Row] = field(default_factory=dict)
    # the layers a variant's type of several layers puts before the row it swaps
    ahead: dict[str, tuple[Row, ...]] = field(default_factory=dict)
    read_as: dict[str, dict[str, Row | None]] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()  # what the reader says of its reading, in table order
    symbols: dict[str, Fraction] = field(default_factory=dict)  # [symbols]: k = 1000
    # the front matter's [rows.NAME] and [added.NAME] entries (spec/declared.py)
    entries: tuple = ()
    # repeat marks whose box the print leaves open, while the reader chooses (repeats.py)
    ambiguous: tuple = ()

    def header(self, field: str) -> str:
        """The header a column field prints under (a note column's as the spec wrote it)."""
        return field.removeprefix(NOTE) if field.startswith(NOTE) else COLUMNS[field][0]

    def row(self, name: str) -> Row:
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(name)

    def rows_as(self, variant: str) -> tuple[Row, ...]:
        """The rows as `variant` reads its columns (as tabled for "" or a variant of cells
        or settings); the row a variant of cells swaps in is `swaps[variant]`."""
        anew = self.read_as.get(variant)
        if not anew:
            return self.rows
        return tuple(x for r in self.rows if (x := anew.get(r.name, r)) is not None)
