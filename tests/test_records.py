"""inception_cost.records.dataclass against the standard decorator it stands in for: the
same classes built both ways behave the same (the standard library is the expectation)."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from dataclasses import FrozenInstanceError, field
from pathlib import Path
from typing import ClassVar

import pytest

import inception_cost
from inception_cost import records


def _classes(decorator):
    @decorator(frozen=True, slots=True)
    class Op:
        """A base with a class variable."""

        kind: ClassVar[str] = "op"
        name: str
        inputs: tuple[str, ...]

    @decorator(frozen=True, slots=True)
    class Conv(Op):
        kind: ClassVar[str] = "conv"
        kernel: tuple[int, int] = (1, 1)
        rate: float = 0.5
        widths: dict[str, int] = field(default_factory=dict)
        note: str = field(default="", repr=False, compare=False)

        def area(self) -> int:
            return self.kernel[0] * self.kernel[1]

    @decorator(frozen=True, slots=True)
    class Empty:
        pass

    @decorator(frozen=True, slots=True)
    class One:
        value: float

    return Op, Conv, Empty, One


THEIRS = _classes(dataclasses.dataclass)
OURS = _classes(records.dataclass)


NAN = float("nan")  # one object: a tuple holding it equals itself, as dataclass compares


def _instances(classes):
    op, conv, empty, one = classes
    return [
        op("a", ("input",)),
        conv("c", ("a",), (3, 3), 0.25, {"x": 1}, "n"),
        conv("c", ("a",)),
        empty(),
        one(NAN),
        one(2.0),
    ]


@pytest.mark.parametrize("i", range(4))
def test_the_classes_read_the_same(i):
    ours, theirs = OURS[i], THEIRS[i]
    assert ours.__doc__ == theirs.__doc__
    assert str(inspect.signature(ours)) == str(inspect.signature(theirs))
    assert ours.__match_args__ == theirs.__match_args__ and ours.__slots__ == theirs.__slots__
    assert [f.name for f in dataclasses.fields(ours)] == [
        f.name for f in dataclasses.fields(theirs)
    ]
    assert ours.__dataclass_params__.frozen and dataclasses.is_dataclass(ours)


def _hash(x) -> int | str:
    try:
        return hash(x)
    except TypeError as e:  # a dict field: unhashable both ways
        return str(e)


def test_the_instances_behave_the_same():
    ours, theirs = _instances(OURS), _instances(THEIRS)
    for a, b in zip(ours, theirs, strict=True):
        assert repr(a) == repr(b)
        assert _hash(a) == _hash(b)
        assert dataclasses.asdict(a) == dataclasses.asdict(b)
        assert repr(copy.deepcopy(a)) == repr(a) and repr(copy.copy(a)) == repr(a)
    for i, a in enumerate(ours):
        for j, b in enumerate(ours):
            assert (a == b) == (theirs[i] == theirs[j]), (a, b)
    assert ours[0] != ours[1] and ours[1].area() == 9
    assert OURS[1]("c", ()).widths is not OURS[1]("c", ()).widths  # a factory per instance
    assert ours[1] == dataclasses.replace(ours[1], note="another")  # note: compare=False


@records.dataclass(frozen=True, slots=True)
class Pickled:
    name: str
    shape: tuple[int, ...] = ()


def test_pickle_reads_back():
    p = Pickled("a", (1, 2))
    assert pickle.loads(pickle.dumps(p)) == p and type(pickle.loads(pickle.dumps(p))) is Pickled


@pytest.mark.parametrize("act", ["assign", "delete"])
def test_fields_stay_frozen(act):
    errors = []
    for op in (OURS[1], THEIRS[1]):
        c = op("c", ())
        with pytest.raises((FrozenInstanceError, AttributeError, TypeError)) as e:
            if act == "assign":
                c.name = "d"
            else:
                del c.name
        errors.append((type(e.value), str(e.value)))
    assert errors[0] == errors[1]


def test_a_new_attribute_is_refused():
    """The standard decorator raises TypeError here on Python 3.11 (its __setattr__ holds
    the class from before slots were added); a record says what is wrong."""
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'other'"):
        OURS[1]("c", ()).other = 1


def test_a_standard_frozen_dataclass_may_extend_a_record():
    @dataclasses.dataclass(frozen=True, slots=True)
    class Sub(OURS[0]):
        extra: int = 0

    assert repr(Sub("s", (), 2)).endswith("<locals>.Sub(name='s', inputs=(), extra=2)")


def test_other_options_are_the_standard_decorators():
    @records.dataclass
    class Plain:
        x: int

    p = Plain(1)
    p.x = 2
    assert p == Plain(2) and not Plain.__dataclass_params__.frozen


def test_the_package_takes_dataclass_from_records():
    """So a class added later is a fast record without anyone thinking of it."""
    root = Path(inception_cost.__file__).parent
    for path in root.rglob("*.py"):
        if path.name != "records.py":
            assert "from dataclasses import dataclass" not in path.read_text(), path.name
