"""The built network: `Network`, ordered `Block`s of primitive ops (inception_cost/ops.py).

A Block is one table row built (builder/): its ops in execution order, whose inputs name
earlier ops. The cost model, the NumPy reference, the validator and every analysis read
these records, never the spec's cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from inception_cost.cells import Shape
from inception_cost.conventions import Conventions
from inception_cost.ops import Op

if TYPE_CHECKING:  # the row a block was built from; the records need no reader to exist
    from inception_cost.spec.records import Row


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
