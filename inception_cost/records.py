"""`dataclass`, the standard one, built faster for the project's frozen, slotted records.

`dataclasses.dataclass(frozen=True, slots=True)` costs about 1 ms a class on Python 3.11,
once most of the package's import time (benchmarks/README.md): it compiles six methods
from generated source, reads each annotation three times with regular expressions, builds
the class twice (the second time with slots) and, for a class without a docstring, asks
`inspect.signature` for one. Here the class is built once, from its own (string)
annotations and its record bases' fields, with the same `dataclasses.Field`s,
`__slots__`, `__match_args__` and docstring. `__init__`, the one method worth compiling
(it is hot), is compiled when first looked up (the first instance, or
`inspect.signature`), since many records are never instantiated in a run, and from a
template per shape, since a compile costs more than the rest of a record. The other five
methods are closures over the field names with the same results: the same repr,
equality and hash, assignment raises `FrozenInstanceError`, `dataclasses.replace`,
`fields` and pickling work, and a frozen dataclass may extend a record.

Anything else goes to the standard decorator: other options; a class that writes one of
those methods, `__post_init__` or `__slots__`; a metaclass; a base dataclass that is not
a record; an annotation that is not a string; a field that is keyword-only, left out of
`__init__`, an `InitVar` or after `KW_ONLY`, or one the standard decorator would refuse
(a mutable default, a field without a default after one with a default).
tests/test_records.py holds the two to the same behaviour, and fails loudly if the
private names of `dataclasses` used here change.
"""

from __future__ import annotations

import dataclasses
import re
import reprlib
import sys
import typing
from dataclasses import _FIELD, _FIELD_CLASSVAR, MISSING, Field, FrozenInstanceError, InitVar
from operator import attrgetter
from types import CellType, CodeType, FunctionType, MemberDescriptorType


@dataclasses.dataclass(frozen=True, slots=True)
class _Frozen:
    """Lends a record its `__dataclass_params__`: it says it is frozen, as it behaves."""


class _Factory:
    """Stands for a default factory's value in `__init__`'s signature, as in dataclasses."""

    def __repr__(self) -> str:
        return "<factory>"


_PARAMS = _Frozen.__dataclass_params__
_FACTORY = _Factory()
_WRITTEN = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")
_OWN = frozenset((*_WRITTEN, "__post_init__", "__slots__"))
_NAME = re.compile(r"^(?:\s*(\w+)\s*\.)?\s*(\w+)")  # dataclasses' _MODULE_IDENTIFIER_RE
_ENV = ("self", "_object", "_FACTORY")  # names the generated `__init__` uses itself


def dataclass(cls: type | None = None, /, **options):
    """`dataclasses.dataclass`, faster when the options are exactly frozen and slots."""
    if options != {"frozen": True, "slots": True}:
        return dataclasses.dataclass(cls, **options)
    return _record if cls is None else _record(cls)


def _record(cls: type) -> type:
    """The class, built once with slots as `dataclasses._add_slots` rebuilds it."""
    fields = _fields(cls)
    if fields is None:
        return dataclasses.dataclass(frozen=True, slots=True)(cls)
    names = tuple(name for name, f in fields.items() if f._field_type is _FIELD)
    inherited = {s for base in cls.__mro__[1:-1] for s in base.__dict__.get("__slots__", ())}
    ns = dict(cls.__dict__)
    for name in (*names, "__dict__", "__weakref__"):  # the slots take the fields' names
        ns.pop(name, None)
    ns.setdefault("__match_args__", names)
    ns.setdefault("__getstate__", _getstate)  # pickle and copy, as frozen and slotted
    ns.setdefault("__setstate__", _setstate)
    ns.update(
        __slots__=tuple(name for name in names if name not in inherited),
        __qualname__=cls.__qualname__,
        __dataclass_params__=_PARAMS,
        __dataclass_fields__=fields,
        __init__=_LazyInit(),
        __repr__=reprlib.recursive_repr()(_repr(_names(fields, "repr"))),
        __eq__=_eq(_key(_names(fields, "compare"))),
        __hash__=_hash(_key(_names(fields, "hash"))),
    )
    if not cls.__doc__:  # dataclass's own docstring: the class's signature
        ns["__doc__"] = cls.__name__ + _signature(fields)
    cls = type(cls.__name__, cls.__bases__, ns)
    cls.__setattr__, cls.__delattr__ = _setattr(cls, names), _delattr(cls, names)
    for name in ("__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
        getattr(cls, name).__qualname__ = f"{cls.__qualname__}.{name}"
    return cls


def _fields(cls: type) -> dict[str, Field] | None:
    """`__dataclass_fields__` as the standard decorator would make them, or None when the
    class is not one built here (see the module's docstring): its record bases' fields,
    then its own annotations, ClassVars recognised by name as dataclasses does."""
    module = sys.modules.get(cls.__module__)
    if type(cls) is not type or module is None or not _OWN.isdisjoint(cls.__dict__):
        return None
    fields: dict[str, Field] = {}
    for base in cls.__mro__[-1:0:-1]:
        if not isinstance(base.__dict__.get("__slots__", ()), tuple):
            return None  # slots named some other way: as the standard decorator reads them
        if getattr(base, "__dataclass_fields__", None) is not None:
            if base.__dataclass_params__ is not _PARAMS:
                return None
            fields.update(base.__dataclass_fields__)
    annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 (as dataclasses)
    for name, annotation in annotations.items():
        kind = _kind(annotation, module.__dict__) if isinstance(annotation, str) else None
        default = getattr(cls, name, MISSING)
        if kind is None or (isinstance(default, Field) and kind is not _FIELD):
            return None
        if isinstance(default, Field):
            f = default
        else:
            slot = isinstance(default, MemberDescriptorType)  # a base's slot, not a default
            f = dataclasses.field(default=MISSING if slot else default)
        f.name, f.type, f._field_type = name, annotation, kind
        if kind is _FIELD:
            if f.kw_only is MISSING:
                f.kw_only = False
            if not f.init or f.kw_only or f.default.__class__.__hash__ is None:
                return None
        fields[name] = f
    if any(isinstance(v, Field) and k not in annotations for k, v in cls.__dict__.items()):
        return None  # the standard decorator says which field has no annotation
    defaulted = False
    for f in fields.values():
        if f._field_type is _FIELD:
            if f.name in _ENV or f.name.startswith("_f_"):
                return None
            if f.default is not MISSING or f.default_factory is not MISSING:
                defaulted = True
            elif defaulted:  # the standard decorator says which one
                return None
    return fields


def _kind(annotation: str, namespace: dict) -> object | None:
    """dataclasses' reading of a string annotation (its `_is_type`): the name before any
    `[`, looked up in the class's module (or in `typing`/`dataclasses` when written
    `typing.X`): a ClassVar, a field, or None for `InitVar` and `KW_ONLY`."""
    match = _NAME.match(annotation)
    if match is None:
        return _FIELD
    module, name = match.groups()
    if module:
        module = namespace.get(module)
        namespace = vars(module) if module is typing or module is dataclasses else {}
    value = namespace.get(name)
    if value is None:  # most often: a builtin, or a name from another module
        return _FIELD
    if value is typing.ClassVar or typing.get_origin(value) is typing.ClassVar:
        return _FIELD_CLASSVAR
    if value is dataclasses.KW_ONLY or value is InitVar or isinstance(value, InitVar):
        return None
    return _FIELD


def _names(fields: dict[str, Field], flag: str) -> tuple[str, ...]:
    """The fields that take part in repr, compare or hash (hash=None: as compare)."""
    out = []
    for f in fields.values():
        if f._field_type is _FIELD:
            on = getattr(f, flag)
            if on if on is not None else f.compare:
                out.append(f.name)
    return tuple(out)


def _signature(fields: dict[str, Field]) -> str:
    """`str(inspect.signature(cls))` without `inspect`, as dataclass's docstring reads it:
    `(a: 'int', b: 'str' = 'x', c: 'dict' = <factory>)`."""
    params = []
    for f in fields.values():
        if f._field_type is _FIELD:
            default = f.default if f.default_factory is MISSING else _FACTORY
            shown = "" if default is MISSING else f" = {default!r}"
            params.append(f"{f.name}: {f.type!r}{shown}")
    return f"({', '.join(params)}) -> None".replace(" -> None", "")


class _LazyInit:
    """A record's `__init__` until first looked up (by the first instance, or by
    `inspect.signature`): then it compiles the real one and puts it in its place."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner = owner

    def __get__(self, instance: object, owner: type | None = None):
        init = _init(self.owner)
        self.owner.__init__ = init
        return init if instance is None else init.__get__(instance, owner)


def _init(cls: type):
    """`__init__` as dataclass compiles it, from a template compiled once per shape (how
    many fields, which have a default factory) and renamed: a compile costs 40 to 300 us,
    a rename a few. Its globals are the module's, as dataclass's are (for
    `typing.get_type_hints`); what it uses of its own are closure cells."""
    fields = dataclasses.fields(cls)
    shape = tuple(f.default_factory is not MISSING for f in fields)
    template = _TEMPLATES.get(shape) or _template(shape)
    names = {f"_{i}": f.name for i, f in enumerate(fields)}
    code = template.replace(
        co_varnames=("self", *names.values()),
        co_consts=tuple(names.get(c, c) if type(c) is str else c for c in template.co_consts),
    )
    own = {"_object": object, "_FACTORY": _FACTORY}
    own.update((f"_f_{i}", f.default_factory) for i, f in enumerate(fields) if shape[i])
    defaults = [_FACTORY if shape[i] else f.default for i, f in enumerate(fields)]
    while defaults and defaults[0] is MISSING:
        del defaults[0]
    cells = tuple(CellType(own[name]) for name in code.co_freevars)
    module = sys.modules[cls.__module__].__dict__
    init = FunctionType(code, module, "__init__", tuple(defaults) or None, cells)
    init.__annotations__ = {**{f.name: f.type for f in fields}, "return": None}
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


_TEMPLATES: dict[tuple[bool, ...], CodeType] = {}


def _template(shape: tuple[bool, ...]) -> CodeType:
    """`__init__`'s code for fields `_0`, `_1`, ..., set as dataclass's generated code sets
    them (a default factory's result when its argument is left out)."""
    body = [
        f"        _object.__setattr__(self, '_{i}', _f_{i}() if _{i} is _FACTORY else _{i})\n"
        if factory
        else f"        _object.__setattr__(self, '_{i}', _{i})\n"
        for i, factory in enumerate(shape)
    ]
    factories = "".join(f", _f_{i}" for i, factory in enumerate(shape) if factory)
    params = "".join(f", _{i}" for i in range(len(shape)))
    source = (
        f"def __create_fn__(_object, _FACTORY{factories}):\n"
        f"    def __init__(self{params}):\n{''.join(body) or '        pass'}\n"
        "    return __init__\n"
    )
    env: dict[str, object] = {}
    exec(compile(source, "<string>", "exec", dont_inherit=True), env)
    cells = (None for factory in shape if factory)  # the real ones are bound per record
    _TEMPLATES[shape] = env["__create_fn__"](object, _FACTORY, *cells).__code__
    return _TEMPLATES[shape]


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
