"""The work one command may do, counted in ops built, so that no input runs for minutes.

Separate caps (10,000 layers, 256 sizes, a variant per reading) each admit a run of
seconds, but their product runs minutes: a sweep of 256 sizes over a 10,000-layer table
built 2.6 million ops. A command runs inside `work()`, and every network built spends its
ops from that one budget; a command that can say what it will build (a sweep: the
network's ops times its builds) asks `afford` first and is refused before it starts, in
one line. Library calls outside `work()` are not counted.

`WORK` is about 1.5 s of building and costing on the 2-core machine the project is
measured on (80,000 to 120,000 ops a second: benchmarks/bounds.py): a
sweep of 147 sizes of DenseNet-264 (931 ops), 256 of ResNet-152 or GoogLeNet; `table` of
the largest bundled spec builds under 1,100, `models` under 10,000.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from inception_cost.errors import InputError

#: Ops one command may build (each network's ops, summed over every build).
WORK = 150_000

_spent: ContextVar[list[int] | None] = ContextVar("spent", default=None)


class OverBudget(InputError):
    """More work than `WORK`: never a row's failure (a sweep's size, a variant that does
    not build), always the command's, so the catches of InputError that record a failure
    re-raise it."""


@contextmanager
def work() -> Iterator[None]:
    """Count the ops built inside against `WORK` (the CLI runs every command so)."""
    token = _spent.set([0])
    try:
        yield
    finally:
        _spent.reset(token)


def spend(ops: int) -> None:
    """`ops` more built; refused when the command's total passes `WORK`."""
    spent = _spent.get()
    if spent is None:
        return
    spent[0] += ops
    if spent[0] > WORK:
        raise OverBudget(
            f"this run builds more than {WORK:,} ops (its network, each variant, size or"
            " reading of it)",
            "a smaller network, or fewer variants or sizes (docs/spec-format.md, Errors)",
        )


def afford(ops: int, builds: int, what: str, fewer: str) -> None:
    """Refuse at once a run that would build a network of `ops` ops `builds` times."""
    spent = _spent.get()
    if spent is not None and spent[0] + ops * builds > WORK:
        raise OverBudget(
            f"{what} builds a network of {ops:,} ops {builds:,} times, more than the"
            f" {WORK:,} ops a run may build",
            fewer,
        )
