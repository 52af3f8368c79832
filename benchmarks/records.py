"""CPU time to build one record class, by the ways a frozen record can be declared.

The package's import is mostly Python building its frozen, slotted dataclasses; this
times each option on the same five-field class (annotations as strings, as the package
writes them), median of `--rounds` rounds of `--classes` classes, in microseconds. A
record compiles its `__init__` when first instantiated (most never are in a run); the
last rows pay that too, and the docstring the decorator writes for a class without one.

    python benchmarks/records.py [--classes 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's package

from inception_cost import records

FIELDS = {"a": "int", "b": "str", "c": "tuple[int, ...]", "d": "int | None", "e": "float"}


def _class(i: int, doc: str | None = ".") -> type:
    ns = {"__annotations__": dict(FIELDS), "e": 0.0, "__module__": __name__, "__doc__": doc}
    return type(f"C{i}", (), ns)


def _instantiated(cls: type) -> type:
    cls(1, "b", (), None)
    return cls


def _named_tuple(i: int) -> type:
    return NamedTuple(f"C{i}", [("a", int), ("b", str), ("c", tuple), ("d", int), ("e", float)])


WAYS = {
    "dataclass(frozen=True, slots=True)": lambda i: dataclasses.dataclass(frozen=True, slots=True)(
        _class(i)
    ),
    "dataclass(frozen=True)": lambda i: dataclasses.dataclass(frozen=True)(_class(i)),
    "records.dataclass(frozen=True, slots=True)": lambda i: records.dataclass(
        frozen=True, slots=True
    )(_class(i)),
    "  the same, without a docstring": lambda i: records.dataclass(frozen=True, slots=True)(
        _class(i, None)
    ),
    "  the same, and one instance": lambda i: _instantiated(
        records.dataclass(frozen=True, slots=True)(_class(i))
    ),
    "dataclass(frozen=True, slots=True), one instance": lambda i: _instantiated(
        dataclasses.dataclass(frozen=True, slots=True)(_class(i))
    ),
    "typing.NamedTuple (a tuple: not a record)": _named_tuple,
    "class statement alone (no methods)": _class,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}; CPU microseconds per class, median of {args.rounds}")
    base = None
    for name, build in WAYS.items():
        rounds = []
        for _ in range(args.rounds):
            start = time.process_time()
            for i in range(args.classes):
                build(i)
            rounds.append((time.process_time() - start) / args.classes * 1e6)
        us = statistics.median(rounds)
        base = base or us
        print(f"  {name:<50} {us:7.0f} us   ({us / base:.2f}x the standard)")


if __name__ == "__main__":
    main()
