"""`dataclass`, the standard one, built faster for the project's frozen, slotted records.

`dataclasses.dataclass(frozen=True, slots=True)` compiles six methods from generated
source, one `exec` each (`__init__`, `__repr__`, `__eq__`, `__hash__`, `__setattr__`,
`__delattr__`): about 1 ms a class on Python 3.11, most of the package's import time
(benchmarks/README.md). Here `dataclasses` still does the bookkeeping (fields, defaults,
slots, `__match_args__`) but compiles only `__init__`; the other five are closures over
the field names, with the same results: the same repr, equality and hash, assignment
raises `FrozenInstanceError`, `dataclasses.replace`, `fields` and pickling work, and a
frozen dataclass may extend a record. Any other combination of options is the standard
decorator's, and so is a class that writes one of those methods or `__post_init__`.
Modules import `dataclass` from here, so a new class is fast without anyone thinking of it.
"""

from __future__ import annotations

import dataclasses
import inspect
import reprlib
from dataclasses import MISSING, FrozenInstanceError
from operator import attrgetter


@dataclasses.dataclass(frozen=True, slots=True)
class _Frozen:
    """Lends a record its `__dataclass_params__`: it says it is frozen, as it behaves."""


@dataclasses.dataclass
class _Thawed:
    """Lends record bases the params they show while a subclass's fields are read."""


class _Factory:
    """Stands for a default factory's value in `__init__`'s signature, as in dataclasses."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()
_WRITTEN = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")


def dataclass(cls: type | None = None, /, **options):
    """`dataclasses.dataclass`, faster when the options are exactly frozen and slots."""
    if options != {"frozen": True, "slots": True}:
        return dataclasses.dataclass(cls, **options)
    return _record if cls is None else _record(cls)


def _record(cls: type) -> type:
    if any(name in cls.__dict__ for name in (*_WRITTEN, "__post_init__")):
        return dataclasses.dataclass(frozen=True, slots=True)(cls)
    no_doc = cls.__doc__ is None
    # dataclass refuses a non-frozen subclass of a frozen base; this call is non-frozen (so
    # that it compiles nothing), so the record bases show as non-frozen while it runs
    bases = [b for b in cls.__mro__[1:] if b.__dict__.get("__dataclass_params__") is _PARAMS]
    for base in bases:
        base.__dataclass_params__ = _THAWED
    try:
        cls = dataclasses.dataclass(init=False, repr=False, eq=False, slots=True)(cls)
    finally:
        for base in bases:
            base.__dataclass_params__ = _PARAMS
    fields = dataclasses.fields(cls)
    cls.__init__ = _init(cls, fields)
    names = tuple(f.name for f in fields)
    methods = {
        "__repr__": reprlib.recursive_repr()(_repr(tuple(f.name for f in fields if f.repr))),
        "__eq__": _eq(_key(tuple(f.name for f in fields if f.compare))),
        "__hash__": _hash(
            _key(tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash)))
        ),
        "__setattr__": _setattr(cls, names),
        "__delattr__": _delattr(cls, names),
    }
    for name, method in methods.items():
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, method)
    cls.__getstate__, cls.__setstate__ = _getstate, _setstate  # pickle and copy, as frozen
    cls.__dataclass_params__ = _PARAMS
    if no_doc:  # dataclass's own docstring: the class's signature
        cls.__doc__ = cls.__name__ + str(inspect.signature(cls)).replace(" -> None", "")
    return cls


def _init(cls: type, fields: tuple[dataclasses.Field, ...]):
    """`__init__`, compiled as dataclass compiles it (the one method worth compiling: hot)."""
    env: dict[str, object] = {"_object": object, "_FACTORY": _FACTORY}
    params, body = ["self"], []
    for f in fields:
        if not f.init or f.kw_only:
            raise TypeError(f"{cls.__name__}.{f.name}: records take every field positionally")
        env[f"_t_{f.name}"], value = f.type, f.name
        if f.default is not MISSING:
            env[f"_d_{f.name}"] = f.default
            params.append(f"{f.name}: _t_{f.name} = _d_{f.name}")
        elif f.default_factory is not MISSING:
            env[f"_f_{f.name}"] = f.default_factory
            params.append(f"{f.name}: _t_{f.name} = _FACTORY")
            value = f"_f_{f.name}() if {f.name} is _FACTORY else {f.name}"
        else:
            params.append(f"{f.name}: _t_{f.name}")
        body.append(f"    _object.__setattr__(self, {f.name!r}, {value})\n")
    source = f"def __init__({', '.join(params)}) -> None:\n{''.join(body) or '    pass'}\n"
    exec(compile(source, "<string>", "exec", dont_inherit=True), env)  # real annotations
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _key(names: tuple[str, ...]):
    """The tuple of those fields, as dataclass's generated methods build it."""
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda self: (get(self),)
    return attrgetter(*names) if names else lambda self: ()


def _repr(names: tuple[str, ...]):
    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__


def _eq(key):
    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return __eq__


def _hash(key):
    def __hash__(self) -> int:
        return hash(key(self))

    return __hash__


def _setattr(cls: type, names: tuple[str, ...]):
    def __setattr__(self, name, value):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    return __setattr__


def _delattr(cls: type, names: tuple[str, ...]):
    def __delattr__(self, name):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __delattr__


def _getstate(self) -> list:
    return [getattr(self, f.name) for f in dataclasses.fields(self)]


def _setstate(self, state: list) -> None:
    for f, value in zip(dataclasses.fields(self), state, strict=True):
        object.__setattr__(self, f.name, value)


_PARAMS = _Frozen.__dataclass_params__
_THAWED = _Thawed.__dataclass_params__
