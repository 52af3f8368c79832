"""inception_cost.records.dataclass against the standard decorator it stands in for: the
same classes built both ways behave the same (the standard library is the expectation)."""

from __future__ import annotations

import abc  # noqa: F401 (abc, KW_ONLY, InitVar, Literal, Optional: read by SHAPES)
import copy
import dataclasses
import inspect
import pickle
import typing
import weakref
from dataclasses import KW_ONLY, Field, FrozenInstanceError, InitVar, field  # noqa: F401
from pathlib import Path
from typing import ClassVar, Literal, Optional  # noqa: F401

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


# Classes built from the same source by both decorators: `dataclass` is bound to each in turn.
# Annotations are strings (this module imports annotations from __future__), looked up here.
SHAPES = {
    "defaults of each kind": (
        """
class A:
    a: int
    b: str = "it's"
    c: dict[str, int] = field(default_factory=dict)
    d: tuple[int, ...] = (1, 2)
    e: Literal['x'] | None = None
    f: float = field(default=0.5, repr=False, compare=False, hash=True, metadata={"m": 1})
""",
        (1,),
    ),
    "no fields": ("class A:\n    pass\n", ()),
    "ClassVars, by name and by module": (
        """
class Base:
    kind: ClassVar[str] = "base"
    other: typing.ClassVar[int] = 2
    a: int

class A(Base):
    kind: ClassVar[str]
    b: Optional[int] = None
""",
        (1, 2),
    ),
    "a base that is not a dataclass": (
        """
class Plain:
    a = 3

    def twice(self):
        return 2 * self.a

class A(Plain):
    a: int
""",
        (4,),
    ),
    "a field named as a slot of a base record": (
        """
class Base:
    a: int

class A(Base):
    a: int
    b: int = 0
""",
        (1,),
    ),
    "keyword-only fields": (
        "class A:\n    a: int\n    b: int = field(default=0, kw_only=True)\n",
        (1,),
    ),
    "KW_ONLY": ("class A:\n    a: int\n    _: KW_ONLY\n    b: int = 0\n", (1,)),
    "InitVar": ("class A:\n    a: int\n    b: InitVar[int] = 0\n", (1, 2)),
    "a field left out of __init__": ("class A:\n    a: int = field(default=0, init=False)\n", ()),
    "a field named self": ("class A:\n    self: int\n    _object: int = 0\n", (1,)),
    "a record extends a class the standard decorator built": (
        """
class Base:
    a: int

    def __post_init__(self):
        pass

class A(Base):
    b: int = 0
""",
        (1,),
    ),
    "an abstract record": (
        """
class A(abc.ABC):
    a: int

    @abc.abstractmethod
    def f(self): ...
""",
        None,
    ),
}


def _build(source: str, decorator) -> type:
    """The last class of `source`, each class decorated (frozen and slotted) by `decorator`."""
    source = ("\n" + source).replace("\nclass ", "\n@dataclass(frozen=True, slots=True)\nclass ")
    space = {**globals(), "dataclass": decorator}
    exec(compile("from __future__ import annotations\n" + source, "<shape>", "exec"), space)
    return [v for v in space.values() if isinstance(v, type) and v.__module__ == __name__][-1]


def _field(f: dataclasses.Field) -> tuple:
    return tuple(getattr(f, a) for a in (*Field.__slots__, "_field_type") if a != "_field_type")


# Outside the pattern records.py builds: left to the standard decorator.
STANDARD = {
    "keyword-only fields",
    "KW_ONLY",
    "InitVar",
    "a field left out of __init__",
    "a field named self",
    "a record extends a class the standard decorator built",
    "an abstract record",
}


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_reads_and_behaves_as_the_standard(shape):
    source, args = SHAPES[shape]
    ours, theirs = _build(source, records.dataclass), _build(source, dataclasses.dataclass)
    assert (ours.__dataclass_params__ is records._PARAMS) == (shape not in STANDARD)
    assert ours.__doc__ == theirs.__doc__
    assert str(inspect.signature(ours)) == str(inspect.signature(theirs))
    hints = typing.get_type_hints  # reads __init__'s globals: the module's, both ways
    assert str(hints(ours.__init__)) == str(hints(theirs.__init__))  # InitVar[int]: no ==
    for name in ("__slots__", "__match_args__", "__qualname__", "__module__", "__mro__"):
        assert str(getattr(ours, name)) == str(getattr(theirs, name)), name
    assert [_field(f) for f in ours.__dataclass_fields__.values()] == [
        _field(f) for f in theirs.__dataclass_fields__.values()
    ]
    if args is None:  # abstract: neither can be instantiated
        for cls in (ours, theirs):
            with pytest.raises(TypeError, match="abstract"):
                cls(1)
        return
    a, b = ours(*args), theirs(*args)
    assert repr(a) == repr(b) and _hash(a) == _hash(b)
    assert (a == ours(*args)) and (a != b)  # a record equals its own class only
    for look in (lambda x: x.__dict__, lambda x: x.__weakref__, weakref.ref):
        assert _raises(look, a) == _raises(look, b)


def _raises(look, x) -> str:
    """What looking at an instance's `__dict__` or weak reference raises, if anything."""
    try:
        look(x)
    except Exception as e:
        return type(e).__name__
    return ""


@pytest.mark.parametrize(
    "source",
    [
        "class A:\n    a: list = []\n",  # mutable default
        "class A:\n    a: int = 0\n    b: int\n",  # no default after a default
        "class A:\n    a: int\n    b = field(default=0)\n",  # a field with no annotation
        "class A:\n    __slots__ = ('a',)\n    a: int\n",
        "class A:\n    k: ClassVar[list] = field(default_factory=list)\n",
    ],
)
def test_what_the_standard_decorator_refuses_a_record_refuses(source):
    errors = []
    for decorator in (records.dataclass, dataclasses.dataclass):
        with pytest.raises((TypeError, ValueError)) as e:
            _build(source, decorator)
        errors.append((type(e.value), str(e.value)))
    assert errors[0] == errors[1]


def test_init_is_compiled_when_first_looked_up():
    """Most records are never instantiated in a run; their `__init__` is never compiled."""
    first, second, third = (_build("class A:\n    a: int\n", records.dataclass) for _ in "123")
    assert not inspect.isfunction(vars(first)["__init__"])
    assert str(inspect.signature(first)) == "(a: 'int') -> None"  # the lookup compiles it
    assert inspect.isfunction(vars(first)["__init__"])
    assert second(1).a == 1 and inspect.isfunction(vars(second)["__init__"])

    class Sub(third):  # not a dataclass: takes its base's __init__
        pass

    assert Sub(a=2).a == 2 and inspect.isfunction(vars(third)["__init__"])
    assert "__init__" not in vars(Sub)


def test_the_private_names_of_dataclasses_read_here_are_as_they_were():
    """records.py builds Fields as dataclasses does, with names it does not publish: when a
    Python changes them, this fails first and says where to look."""
    std = THEIRS[0].__dataclass_fields__
    assert std["name"]._field_type is dataclasses._FIELD, "dataclasses._FIELD changed"
    assert std["kind"]._field_type is dataclasses._FIELD_CLASSVAR, "_FIELD_CLASSVAR changed"
    assert records._NAME.pattern == dataclasses._MODULE_IDENTIFIER_RE.pattern
    assert "_field_type" in Field.__slots__ and "kw_only" in Field.__slots__


def test_records_of_one_shape_share_a_template_under_their_own_names():
    """`__init__` is compiled once per shape and renamed: each keeps its names and defaults."""
    shape = "class A:\n    {0}: int\n    {1}: dict = field(default_factory=dict)\n"
    one = _build(shape.format("a", "b"), records.dataclass)
    two = _build(shape.format("width", "seen"), records.dataclass)
    x, y = one(b={"k": 1}, a=2), two(3)
    assert (x.a, x.b, y.width, y.seen) == (2, {"k": 1}, 3, {})
    assert one.__init__.__code__.co_code == two.__init__.__code__.co_code
    assert two.__init__.__code__.co_varnames == ("self", "width", "seen")
    with pytest.raises(TypeError, match="unexpected keyword argument 'a'"):
        two(a=1)
