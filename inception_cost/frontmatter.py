"""Front matter: the spec's settings, claims, variants and the connection tables, read
from the TOML between its `+++` lines, each error pointing at its own line.

The module kinds (`[kinds.NAME]`) and columns (`[columns]`) a spec declares are read by
kinds.py and columns.py; the conventions (docs/conventions.md) by conventions.py, where
each is declared; the settings here are what the claimed columns mean.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from inception_cost.cells import Quantity, Shape, parse_quantity, parse_shape
from inception_cost.columns import COLUMNS, HEADERS
from inception_cost.columns import norm as _norm
from inception_cost.conventions import Conventions
from inception_cost.conventions import read as read_conventions
from inception_cost.errors import InputError, Location, check_keys, gather, nearest
from inception_cost.table import CSV_META


class Places:
    """Where each table, array entry and key of the front matter starts, so an error in a
    claim or a variant points at that claim's or variant's own line."""

    def __init__(self, lines: list[str], first_line: int, path: str, default: Location):
        self.default = default
        self.where: dict[tuple, Location] = {}
        section: tuple = ()
        counts: dict[tuple, int] = {}
        for i, line in enumerate(lines):
            s = line.strip()
            loc = Location(path, first_line + i, len(line) - len(line.lstrip()) + 1)
            if m := re.match(r"\[\[\s*([^\]]+?)\s*\]\]", s):
                name = _keys(m[1])
                counts[name] = counts.get(name, -1) + 1
                section = (*name, counts[name])
                self.where.setdefault(section, loc)
            elif m := re.match(r"\[\s*([^\]]+?)\s*\]", s):
                section = _keys(m[1])
                self.where.setdefault(section, loc)
            elif m := re.match(r'("[^"]*"|[A-Za-z0-9_-]+)\s*=', s):
                self.where.setdefault((*section, m[1].strip('"')), loc)

    def at(self, *key) -> Location:
        """The line of `key`, or of the first entry under it, or the front matter's."""
        if key in self.where:
            return self.where[key]
        under = [loc for k, loc in self.where.items() if k[: len(key)] == key]
        return min(under, key=lambda loc: loc.line) if under else self.default


def _keys(dotted: str) -> tuple[str, ...]:
    return tuple(k.strip().strip('"') for k in re.findall(r'"[^"]*"|[^.]+', dotted))


@dataclass(frozen=True, slots=True)
class ClaimReading:
    """What the claimed `params` and `ops` columns mean; `auto` lets the audit infer it."""

    params_unit: str = "auto"  # decimal (K = 1,000) | binary (K = 1,024) | auto
    params_bias: str = "auto"  # with | without | auto
    ops: str = "auto"  # multiply-adds | flops | connections | auto
    ops_unit: str = "auto"  # decimal | binary | auto


@dataclass(frozen=True, slots=True)
class Source:
    citation: str = ""
    table: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class PaperClaim:
    """A paper-level claim from the front matter, e.g. the 1.5 billion multiply-add budget."""

    id: str
    text: str
    source: str
    quantity: str  # one of CLAIM_QUANTITIES
    value: Quantity
    relation: str  # equal | at most | at least
    against: str
    loc: Location
    reading: str = ""  # the reading it is about ("as tabled" or a variant's); "": every one


@dataclass(frozen=True, slots=True)
class Variant:
    """An alternative reading: of one row (conv1 as a separable convolution), of the
    conventions (ResNet's stride in the 3x3), or of the input size (AlexNet at 224)."""

    row: str  # "" when the variant changes no row
    name: str
    title: str
    source: str
    cells: tuple[tuple[str, str], ...]  # column field -> cell text replacing the row's
    loc: Location
    conventions: Conventions | None = None  # the spec's conventions with the changes applied
    input_shape: Shape | None = None
    # field -> the note column every row reads it from (ShuffleNet V2's width columns)
    columns: tuple[tuple[str, str], ...] = ()
    # the symbols this reading gives its own values (RepVGG-B1's a = 2, b = 4)
    symbols: tuple[tuple[str, Fraction], ...] = ()
    auto: bool = False  # read from the table's own header (a network's column), not declared


_SYMBOL = re.compile(r"[^\W\d_][^\W_]*")


def read_symbols(table: object, loc: Location) -> dict[str, Fraction]:
    """`[symbols]` (or a variant's `symbols = { ... }`): the numbers a table's letters stand
    for, as its text gives them (MobileNetV2's k = 1000, RepVGG's a = 0.75), exact."""
    if not isinstance(table, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and v > 0 and _SYMBOL.fullmatch(k)
        for k, v in table.items()
    ):
        raise InputError(
            "[symbols] is not a table of names and positive numbers",
            "k = 1000, or a decimal as a = 0.75",
            loc,
        )
    return {k: Fraction(repr(v)) if isinstance(v, float) else Fraction(v) for k, v in table.items()}


def read_toml(lines: list[str], path: str, first_line: int) -> dict:
    try:
        return tomllib.loads("\n".join(lines))
    except RecursionError:
        raise InputError(
            "the front matter nests too deeply",
            "a few levels of tables and arrays",
            Location(path, first_line, 1),
        ) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line, col = (int(m[1]), int(m[2])) if m else (1, 1)
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg) or "invalid TOML"
        raise InputError(
            f"bad TOML front matter: {msg}",
            "key = value lines (https://toml.io)",
            Location(path, first_line + line - 1, col),
        ) from None


def read_csv_meta(line: str, path: str) -> dict:
    """A CSV's first line `# spec: {...}`: the front matter as one line of JSON (the same
    keys as the TOML, which maps to JSON one to one)."""
    at = len(CSV_META) + 1
    try:
        meta = json.loads(line[len(CSV_META) :])
    except RecursionError:
        raise InputError(
            "the front matter line nests too deeply",
            "a few levels of objects and arrays",
            Location(path, 1, at),
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"bad front matter line: {exc.msg}",
            "# spec: followed by the front matter as one JSON object",
            Location(path, 1, at + exc.pos),
        ) from None
    if not isinstance(meta, dict):
        raise InputError(
            "the front matter line is not a JSON object",
            '# spec: {"input": "HxWxC", ...}',
            Location(path, 1, at),
        )
    return meta


_META_KEYS = {
    "name",
    "title",
    "input",
    "source",
    "conventions",
    "claimed",
    "claims",
    "variants",
    "rows",
    "symbols",
    "connection_tables",
    "kinds",
    "columns",
    "footnotes",
    "claim_rows",
    "added",
}


def _connection_tables(table: dict, loc: Location) -> dict[str, tuple[tuple[int, ...], ...]]:
    """Each table is written as the paper prints it: one string per input map, an X in
    the column of every output map that reads it."""
    if not isinstance(table, dict):
        raise InputError("[connection_tables] is not a table", "a TOML table: name = [...]", loc)
    out = {}
    for name, lines in table.items():
        if (
            not isinstance(lines, list)
            or not lines
            or not all(isinstance(x, str) and x for x in lines)
            or len({len(x) for x in lines}) != 1
        ):
            raise InputError(
                f"connection table {name!r} is not a list of equal-length strings",
                'one string per input map, such as "X...XXX..XXXX.XX"',
                loc,
            )
        width = len(lines[0])
        reads = tuple(
            tuple(i for i, line in enumerate(lines) if line[j] in "Xx") for j in range(width)
        )
        if not all(reads):
            j = next(j for j, r in enumerate(reads) if not r)
            raise InputError(
                f"connection table {name!r}: output map {j} reads no input map",
                "an X in every column",
                loc,
            )
        out[name] = reads
    return out


def _str(table: dict, key: str, loc: Location) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise InputError(f"{key} must be a string", f'{key} = "..."', loc)
    return value


def _list(table: dict, key: str, loc: Location) -> list[dict]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError(f"{key} must be an array of tables", f"[[{key}]] sections", loc)
    return value


def _choice(table: dict, key: str, allowed: tuple, default, loc: Location):
    value = table.get(key, default)
    if value not in allowed:
        raise InputError(
            f"{key} = {value!r} is not allowed{nearest(value, allowed)}",
            "one of " + ", ".join(map(str, allowed)),
            loc,
        )
    return value


def _reading(table: dict, loc: Location) -> ClaimReading:
    check_keys(table, {"params_unit", "params_bias", "ops", "ops_unit"}, "[claimed]", loc)
    units = ("auto", "decimal", "binary")
    return ClaimReading(
        params_unit=_choice(table, "params_unit", units, "auto", loc),
        params_bias=_choice(table, "params_bias", ("auto", "with", "without"), "auto", loc),
        ops=_choice(table, "ops", ("auto", "multiply-adds", "flops", "connections"), "auto", loc),
        ops_unit=_choice(table, "ops_unit", units, "auto", loc),
    )


CLAIM_QUANTITIES = (
    "macs",
    "flops",  # 2 x the multiply-adds (a multiply and an add each)
    "params",
    "weights",  # the layers' weights alone: no biases, no batch-norm scales (RepVGG's params)
    "depth",
    "depth_with_pooling",
    "params_ratio",  # the `against` network's params / this one's
    "depth_ratio",  # this network's depth / the `against` network's
    "macs_ratio",  # this network's multiply-adds / the `against` network's ("+30% cost": 1.3)
    "connections",  # multiply-adds + bias adds (LeNet-5's unit)
    "neurons",  # output units of the layers with weights
)


def _claim(table: dict, path: str, loc: Location) -> PaperClaim:
    keys = {"id", "text", "source", "quantity", "value", "relation", "against", "reading"}
    check_keys(table, keys, "[[claims]]", loc)
    cid = _str(table, "id", loc)
    if not cid:
        raise InputError("a claim has no id", 'id = "budget"', loc)
    value = table.get("value")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InputError(
            f"claim {cid!r} value must be an integer or a string", 'value = "1.5G"', loc
        )
    try:
        quantity = parse_quantity(str(value), f"claim {cid!r} value")
    except InputError as exc:
        exc.where = loc
        raise
    return PaperClaim(
        id=cid,
        text=_str(table, "text", loc),
        source=_str(table, "source", loc),
        quantity=_choice(table, "quantity", CLAIM_QUANTITIES, None, loc),
        value=quantity,
        relation=_choice(table, "relation", ("equal", "at most", "at least"), "equal", loc),
        against=_str(table, "against", loc),
        loc=loc,
        reading=_str(table, "reading", loc),
    )


def _variant(table: dict, conventions: dict, loc: Location) -> Variant:
    """`conventions` is the front matter's own table: a variant's keys replace its keys."""
    meta_keys = {"row", "name", "title", "source", "conventions", "input", "columns", "symbols"}
    cells = {}
    for key, value in table.items():  # a column's field, or a header that names it
        if key in meta_keys:
            continue
        field = key if key in COLUMNS else HEADERS.get(_norm(key))
        if field is None or not isinstance(value, str | int) or isinstance(value, bool):
            raise InputError(
                f"variant key {key!r} is not a column",
                "row, name, title, source, or a column's field or header (type, patch,"
                " output, ...)",
                loc,
            )
        cells[field] = value
    if not _str(table, "name", loc):
        raise InputError("a variant has no name", 'name = "..."', loc)
    if cells and not _str(table, "row", loc):
        raise InputError("a variant that replaces cells has no row", 'row = "conv1"', loc)
    columns = table.get("columns", {})
    if not isinstance(columns, dict) or any(
        k not in COLUMNS or not isinstance(v, str) for k, v in columns.items()
    ):
        raise InputError(
            "a variant's columns is not a table of column fields and headers",
            'columns = { filters = "0.5×" }: the field, then the column it is read from',
            loc,
        )
    symbols = read_symbols(table.get("symbols", {}), loc)
    if not (cells or columns or symbols or "conventions" in table or "input" in table):
        raise InputError(
            f"variant {table['name']!r} changes nothing",
            "cells of a row, columns, symbols, a [variants.conventions] table or an input size",
            loc,
        )
    changed = None
    if "conventions" in table:
        if not isinstance(table["conventions"], dict):
            raise InputError(
                "a variant's conventions is not a table", "conventions = { key = value }", loc
            )
        changed = read_conventions({**conventions, **table["conventions"]}, loc)
    input_shape = None
    if "input" in table:
        try:
            input_shape = parse_shape(_str(table, "input", loc))
        except InputError as exc:
            exc.where = loc
            raise
    return Variant(
        row=_str(table, "row", loc),
        name=table["name"],
        title=_str(table, "title", loc),
        source=_str(table, "source", loc),
        cells=tuple((k, str(v)) for k, v in cells.items()),
        loc=loc,
        conventions=changed,
        input_shape=input_shape,
        columns=tuple(columns.items()),
        symbols=tuple(symbols.items()),
    )


def read_footnotes(table: object, loc: Location) -> dict[str, str]:
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise InputError("[footnotes] is not a table of text", '"*" = "the paper\'s note"', loc)
    return dict(table)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """What the front matter says, read and checked; the table's rows are read apart."""

    name: str
    title: str
    source: Source
    input_shape: Shape | None
    conventions: Conventions
    reading: ClaimReading
    claims: tuple[PaperClaim, ...]
    variants: tuple[Variant, ...]
    connection_tables: dict[str, tuple[tuple[int, ...], ...]]


def read(meta: dict, path: str, places: Places, readings: set[str] = frozenset()) -> FrontMatter:
    """The front matter's settings, claims and variants; every error found, each at the
    line of its own table or entry. `readings`: the table's own (a network's column),
    which a claim may name as it names a variant."""
    errors: list[InputError] = []

    def attempt(what, *args, at: Location):
        try:
            return what(*args)
        except InputError as exc:
            exc.where = exc.where if isinstance(exc.where, Location) else at
            errors.append(exc)
            return None

    top = places.default
    attempt(check_keys, meta, _META_KEYS, "front matter", top, at=top)
    name = attempt(_str, meta, "name", places.at("name"), at=places.at("name")) or Path(path).stem
    input_loc = places.at("input")
    input_text = attempt(_str, meta, "input", input_loc, at=input_loc)
    input_shape = attempt(parse_shape, input_text, at=input_loc) if input_text else None
    source = meta.get("source", {})
    attempt(
        check_keys, source, {"citation", "table", "url"}, "[source]", top, at=places.at("source")
    )
    conventions = meta.get("conventions", {})
    conventions_loc = places.at("conventions")
    claims = [
        attempt(_claim, c, path, places.at("claims", i), at=places.at("claims", i))
        for i, c in enumerate(attempt(_list, meta, "claims", top, at=top) or [])
    ]
    variants = [
        attempt(_variant, v, conventions, places.at("variants", i), at=places.at("variants", i))
        for i, v in enumerate(attempt(_list, meta, "variants", top, at=top) or [])
    ]
    given = [v.get("name") if isinstance(v, dict) else None for v in meta.get("variants", [])]
    seen: set[str] = set()
    for i, v in enumerate(given):
        if v == "as tabled" or (isinstance(v, str) and v in seen):
            errors.append(
                InputError(
                    f"variant name {v!r} is "
                    + ("the table's own reading" if v == "as tabled" else "taken by another"),
                    "a name no other variant has, other than 'as tabled'",
                    places.at("variants", i, "name"),
                )
            )
        seen.add(v)
    named = {"as tabled", *readings, *(v for v in given if isinstance(v, str))}  # a broken one too
    ids: dict[str, int] = {}
    for i, c in enumerate(claims):
        if c and c.id in ids:
            errors.append(
                InputError(
                    f"claim id {c.id!r} is taken by another claim",
                    "each claim its own id",
                    places.at("claims", i, "id"),
                )
            )
        if c:
            ids[c.id] = i
    for i, c in enumerate(claims):
        if c and c.reading and c.reading not in named:
            errors.append(
                InputError(
                    f"claim {c.id!r} is about reading {c.reading!r}, which the spec does not"
                    f" have{nearest(c.reading, named)}",
                    "as tabled, or the name of one of its [[variants]]",
                    places.at("claims", i, "reading"),
                )
            )
    front = FrontMatter(
        name=name,
        title=attempt(_str, meta, "title", top, at=top) or name,
        source=Source(**{k: str(v) for k, v in source.items()}) if not errors else Source(),
        input_shape=input_shape,
        conventions=attempt(read_conventions, conventions, conventions_loc, at=conventions_loc),
        reading=attempt(_reading, meta.get("claimed", {}), places.at("claimed"), at=top),
        claims=tuple(claims),
        variants=tuple(variants),
        connection_tables=attempt(
            _connection_tables,
            meta.get("connection_tables", {}),
            places.at("connection_tables"),
            at=places.at("connection_tables"),
        ),
    )
    gather(errors)
    return front
