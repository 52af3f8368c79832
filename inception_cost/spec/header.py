"""The header: each header cell as the column field it fills, as the paper prints it.

A header is read by the vocabulary (vocabulary/columns.toml) and the spec's own
`[columns]`; a header our own outputs add (`computed ...`, `verdict ...`) is ignored. A
header the vocabulary does not know (a bare `Size`, a network's name, a blank cell) is
read from its cells (spec/roles.py) and says so in a note. Where a table prints a header
over two lines (a spanning cell over sub-columns labelled on the next line) or one
column per network (SENet's Table 1), each sub-column or network is a reading of the
table: the first is the table as tabled, each other a variant that reads its column
(selected by `--variant`), its claims judged under it. A row whose label is a claim's
(`FLOPs`, `# params.`) is a claim row, one claim per reading.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from inception_cost.cells import is_empty, parse_quantity, split_footnote, unmark
from inception_cost.columns import COLUMNS, HEADERS, NOTE, PAPER_FIELDS, ROLE, norm
from inception_cost.columns import declare as declare_columns
from inception_cost.errors import InputError, Location
from inception_cost.frontmatter import Places, Variant
from inception_cost.kinds import Kind
from inception_cost.spec.records import Note
from inception_cost.spec.roles import fits, forms, role, suggestions
from inception_cost.table import TableLine, check_chars

REQUIRED_FIELDS = ("type",)
_OUTPUT_ONLY = ("computed", "verdict")  # columns our own outputs add; ignored on read
_BINDS = re.compile(r"\s*([^\W\d_]\w*)\s*=\s*([0-9]+)\s*")  # a sub-column's label: g = 3
#: A claim row's label, normalised, and the quantity it claims; FLOPs of the papers that
#: print them as rows (ResNet, ResNeXt, ShuffleNet) are multiply-adds.
CLAIM_LABELS = {
    "flops": "macs",
    "complexity": "macs",
    "madds": "macs",
    "multadds": "macs",
    "macs": "macs",
    "params": "params",
    "parameters": "params",
    "weights": "params",
    "ofweights": "params",
}
_UNIT = re.compile(
    r"^([kmgt])(?=flops|madds|macs|params)|\(\s*([kmgt])\s*\)|10\^?([0-9⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
)


class Header(NamedTuple):
    """The table's header read: its line, its cells as read (a two-line header's labels),
    the field of each (None: ignored), the headers the spec reads (normalised header ->
    field), the lines below; what it says of its reading (`notes`), the readings its own
    columns make (`readings`), the claim rows its labels name (`claim_rows`: normalised
    label -> (label, quantity, source, where, prefix)), the symbols its labels bind for
    the table as tabled (`g = 1`), and the network columns whose blank cell repeats the
    first's where a row prints no other (`fill`: first column, then the others)."""

    line: int
    cells: list[tuple[str, int]]
    fields: list[str | None]
    aliases: dict[str, str]
    body: list[TableLine]
    notes: tuple[Note, ...] = ()
    readings: tuple[Variant, ...] = ()
    claim_rows: tuple = ()
    symbols: tuple[tuple[str, int], ...] = ()
    fill: tuple[int, ...] = ()

    @property
    def typed(self) -> str:
        """The field of the type column: `type`, or `nametype` (a layer name/type column)."""
        return "type" if "type" in self.fields else "nametype"

    @property
    def at(self) -> int:
        """The index of the type column."""
        return self.fields.index(self.typed)

    @property
    def columns(self) -> tuple[str, ...]:
        """The column fields the table has, in its order."""
        return tuple(f for f in self.fields if f)

    @property
    def printed(self) -> dict[str, str]:
        """Field -> its header as printed."""
        return {f: t.strip() for f, (t, _) in zip(self.fields, self.cells, strict=True) if f}


def read_header(
    table: list[TableLine],
    meta: dict,
    path: str,
    places: Places,
    kinds: dict[str, Kind],
    claimed: set[str],
) -> tuple[Header, list[InputError]]:
    """The header (the table's first line, or two) read, and every header refused; a
    header without a type column, or a table without rows, is an error. `claimed`: the
    labels of the claim rows the spec declares (normalised)."""
    line, cells = table[0]
    for text, col in cells:
        check_chars(text, Location(path, line, col))
    declared = declare_columns(meta.get("columns", {}), places)
    aliases = {**HEADERS, **declared}
    body = table[1:]
    notes: list[Note] = []
    spans, body, cells = _two_line(cells, body, path, line, notes)
    claim_rows, body_cells = _claim_rows(body, claimed, path, notes)
    input_hw = _input_hw(meta)
    fields: list[str | None] = []
    errors: list[InputError] = []
    found: list[tuple[int, str]] = []  # (column, field) read from cells: typed after
    texts = [[c[i][0] for _, c in body_cells if len(c) == len(cells)] for i in range(len(cells))]
    for i, (text, col) in enumerate(cells):
        loc = Location(path, line, col)
        field, error = _field(text, aliases, declared, spans.get(i), texts[i], kinds, input_hw, loc)
        if error:
            errors.append(error)
        elif field and field.startswith("?"):  # read from its cells: decided below
            found.append((i, field[1:]))
            field = None
        fields.append(field)
    context = (cells, fields, texts, kinds, path, line, declared)
    readings, fill, symbols = _readings(context, spans, found, notes, errors)
    for i, f in enumerate(fields):
        if f and f in fields[:i] and not errors:
            loc = Location(path, line, cells[i][1])
            errors.append(
                InputError(f"column {cells[i][0]!r} appears twice", "each column once", loc)
            )
    aliases |= {norm(t): f for (t, _), f in zip(cells, fields, strict=True) if f}
    header = Header(
        line, cells, fields, aliases, body, tuple(notes), readings, claim_rows, symbols, fill
    )
    if errors:
        return header, errors
    if not any(f in fields for f in (*REQUIRED_FIELDS, "nametype")):
        return header, [
            InputError(
                f"the header has no {COLUMNS[REQUIRED_FIELDS[0]][0]!r} column",
                "the paper's columns: " + ", ".join(COLUMNS[f][0] for f in PAPER_FIELDS),
                Location(path, line, 1),
            )
        ]
    if not body:
        return header, [
            InputError("the table has no rows", "one row per layer", Location(path, line, 1))
        ]
    return header, []


def _field(
    text: str,
    aliases: dict[str, str],
    declared: dict[str, str],
    span: tuple[str, int] | None,
    column: list[str],
    kinds: dict[str, Kind],
    input_hw: tuple[int, int] | None,
    loc: Location,
) -> tuple[str | None, InputError | None]:
    """A header's field (None: a column our outputs add), `?FIELD` where its cells give it,
    and why it is refused, if it is."""
    key = norm(_plain(text))
    if key in declared:
        return declared[key], None
    if key.startswith(_OUTPUT_ONLY):
        return None, None
    if span is not None:  # a sub-column under a spanning header: the span's field
        return "?span", None
    if key and key not in aliases and (bare := norm(re.sub(r"\(.*?\)", "", text))) in aliases:
        key = bare  # a header's own gloss: s1x1 (#1x1 squeeze)
    if key and key in aliases:
        return _worded(text, aliases[key], column, kinds, input_hw), None
    field, why = role(text, column, kinds, input_hw)
    if field is not None:
        return f"?{field}:{why}", None
    near = suggestions(text, column, aliases, kinds)
    hint = f" (did you mean {' or '.join(repr(n) for n in near)}?)" if near else ""
    named = repr(text) if text.strip() else f"column {loc.col} (a blank header)"
    return None, InputError(
        f"unknown column {named}{hint}: {why}",
        f'a [columns] entry saying what it is ("{text}" = "note" keeps it unread, or a'
        f" field: {vocabulary()}; docs/spec-format.md)",
        loc,
    )


_COUNTS = ("width", "count", "stride")  # the roles of fields a count fills


def _worded(text: str, field: str, column: list[str], kinds: dict[str, Kind], input_hw) -> str:
    """A header's field by its words, unless it names a count (channels, a repeat, a
    stride) and not one of its cells could be one, its cells being map sizes (a column
    `Out` of `4 × 4 × 8`: output sizes, not the channels `#out` names): then `?FIELD` as
    the cells read, which the output says."""
    cells = [t for t in column if not is_empty(t)]
    if ROLE.get(field) not in _COUNTS or any(fits(field, [forms(t, kinds)]) for t in cells):
        return field
    found, why = role(text, column, kinds, input_hw)
    if found not in ("output", "in_size"):
        return field
    return f"?{found}:{why}, not as {COLUMNS[field][0]!r}, which its header's word names"


def vocabulary() -> str:
    """The fields a column may be, each by its first header, with a plainer one where the
    first is a letter (c, the channels; n, the repeat)."""
    out = []
    for headers in COLUMNS.values():
        first = headers[0]
        plain = next((h for h in headers[1:] if len(h) > 2), "") if len(first) <= 2 else ""
        out.append(f"{first} ({plain})" if plain else first)
    return ", ".join(out)


def _plain(text: str) -> str:
    """A header without the marks around it: emphasis, a footnote mark."""
    return split_footnote(unmark(text))[0]


def _input_hw(meta: dict) -> tuple[int, int] | None:
    m = re.fullmatch(
        r"\s*([0-9]+)\s*[x×]\s*([0-9]+)\s*[x×]\s*[0-9]+\s*", str(meta.get("input", ""))
    )
    return (int(m[1]), int(m[2])) if m else None


def _two_line(cells: list, body: list, path: str, line: int, notes: list[Note]):
    """A header printed over two lines: a cell spanning the blank header cells after it,
    whose labels are the first body line (and nothing else there). The labels become the
    sub-columns' headers; each sub-column is a reading of the spanning header's field.
    Gives {column: (spanning header, first column)}, the body below the labels, the cells."""
    if not body or len(body[0][1]) != len(cells):
        return {}, body, cells
    labels = body[0][1]
    spans: dict[int, tuple[str, int]] = {}
    i = 0
    while i < len(cells):
        j = i + 1
        while j < len(cells) and is_empty(cells[j][0]):
            j += 1
        group = range(i, j)
        if j - i > 1 and cells[i][0].strip() and all(not is_empty(labels[k][0]) for k in group):
            spans.update({k: (cells[i][0], i) for k in group})
        i = j
    printed = [k for k, (t, _) in enumerate(labels) if not is_empty(t)]
    if not spans or any(k not in spans for k in printed):
        return {}, body, cells
    merged = [(labels[k][0], labels[k][1]) if k in spans else cells[k] for k in range(len(cells))]
    heads = list(dict.fromkeys(spans[k][0] for k in spans))
    for head in heads:
        under = [labels[k][0] for k in spans if spans[k][0] == head]
        notes.append(
            Note(
                "column",
                f"header {head!r} spans {len(under)} columns labelled on the line below it"
                f" ({', '.join(under)}): each is a reading of the table",
                Location(
                    path, line, cells[spans[next(k for k in spans if spans[k][0] == head)][1]][1]
                ),
            )
        )
    return spans, body[1:], merged


def _claim_rows(body: list, claimed: set[str], path: str, notes: list[Note]):
    """The rows whose label (first printed cell) names a claim (`FLOPs`, `# params.`) and
    whose other cells are claims: each a claim row, read as its label says (a unit in it,
    `GFLOPs`, `params (M)`, scales its cells); and the other lines, whose cells tell what
    each column is."""
    out = {}
    rest = []
    for line, cells in body:
        printed = [(t, col) for t, col in cells if not is_empty(t)]
        label = printed[0][0] if printed else ""
        key = norm(_plain(label))
        quantity = _claim_quantity(key)
        values = printed[1:]
        if key in claimed or not quantity or not values or not all(_is_claim(t) for t, _ in values):
            rest.append((line, cells))
            continue
        prefix = _prefix(_plain(label))
        where = Location(path, line, printed[0][1])
        source = f"the table's {_plain(label)!r} row"
        out[key] = (_plain(label), quantity, source, where, prefix)
        notes.append(
            Note(
                "column",
                f"row {_plain(label)!r} read as claims of its readings' "
                + (
                    "multiply-adds (FLOPs as the papers of its time count them)"
                    if quantity == "macs"
                    else "parameters"
                )
                + (f", in units of {prefix}" if prefix else ""),
                where,
            )
        )
    return tuple(out.items()), rest


def _claim_quantity(key: str) -> str:
    for label, quantity in CLAIM_LABELS.items():
        stripped = re.sub(r"^(num|no|number|of)+|(x?10[0-9]*|[kmgt])$", "", key)
        if (key.endswith(label) and len(key) - len(label) <= 4) or stripped == label:
            return quantity
    return ""


def _is_claim(text: str) -> bool:
    try:
        parse_quantity(split_footnote(unmark(text))[0])
    except InputError:
        return False
    return True


def _prefix(label: str) -> str:
    """The unit a claim row's label gives its cells: `GFLOPs`, `params (M)`, `×10⁶`."""
    m = _UNIT.search(label.replace(" ", ""))
    if not m:
        return ""
    if m[3]:
        power = int(m[3].translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")))
        return {3: "K", 6: "M", 9: "G", 12: "T"}.get(power, "")
    return (m[1] or m[2]).upper()


def _readings(context, spans, found, notes, errors):
    """The fields of the columns read from their cells, and the readings the table's own
    columns make: the sub-columns of a spanning header, and one column per network (more
    than one column of layers). Gives the readings, the columns that fill, the symbols
    the table as tabled binds."""
    cells, fields, texts, kinds, path, line, declared = context
    readings: list[Variant] = []
    symbols: tuple = ()
    fill: tuple[int, ...] = ()
    typed = [(i, f.split(":", 1)[1]) for i, f in found if f.startswith("type:")]
    for i, f in found:
        field, why = f.split(":", 1) if ":" in f else (f, "")
        if field in ("span", "type"):
            continue
        fields[i] = NOTE + cells[i][0] if field == "note" else field
        shown = f"column {cells[i][0]!r}" if cells[i][0].strip() else f"the blank column {i + 1}"
        notes.append(
            Note(
                "column",
                f"{shown} read as {_reads_as(field)}, from its cells: {why}",
                Location(path, line, cells[i][1]),
                f'"{cells[i][0]}" = "{field}"',
            )
        )
    groups: dict[int, list[int]] = {}
    for k, (_, first) in spans.items():
        groups.setdefault(first, []).append(k)
    for first, members in groups.items():
        head = spans[first][0]
        own = [k for k in members if fields[k] and not fields[k].startswith(NOTE)]
        rest = [k for k in members if fields[k] is None]
        key = norm(re.sub(r"\(.*?\)", "", head))
        field = fields[own[0]] if own else HEADERS.get(norm(head), HEADERS.get(key))
        if field is None:
            field = role(head, texts[rest[0]], kinds, None)[0] if rest else None
        if field is None:
            errors.append(
                InputError(
                    f"unknown column {head!r} over {', '.join(cells[k][0] for k in members)}",
                    f'a [columns] entry saying what it is: "{head}" = a field ({vocabulary()})',
                    Location(path, line, cells[first][1]),
                )
            )
            continue
        more, bound = _group(cells, fields, own[:1] + rest, field, path, line)
        symbols = symbols or bound
        readings += more
        if field == "type":  # networks side by side under one heading (ThunderNet's `Layer`)
            fill = tuple(sorted(own[:1] + rest))
    # a type column the spec declares among the networks' is the one read as tabled
    own = [i for i, f in enumerate(fields) if f == "type" and norm(_plain(cells[i][0])) in declared]
    if typed and (own or ("type" not in fields and "nametype" not in fields)):
        members = [*own[:1], *(i for i, _ in typed)]
        more, _ = _group(cells, fields, members, "type", path, line)
        readings += more
        shown = ", ".join(repr(cells[i][0]) for i in sorted(members))
        notes.append(
            Note(
                "column",
                f"column {shown} read as the type column, from its cells: {typed[0][1]}"
                if len(members) == 1
                else f"columns {shown} read as one network each, from their cells (layers):"
                f" the table as tabled reads {cells[members[0]][0]!r}, each other a reading"
                " of its own; a layer printed under the first only is every network's",
                Location(path, line, cells[members[0]][1]),
                f'"{_plain(cells[members[0]][0])}" = "type"',
            )
        )
        fill = tuple(sorted(members)) if len(members) > 1 else ()
    elif typed:
        for i, _ in typed:
            errors.append(
                InputError(
                    f"column {cells[i][0]!r} holds layers, beside the table's own type column",
                    f'a [columns] entry: "{cells[i][0]}" = "note" (kept), or the type column'
                    " (and the other a note)",
                    Location(path, line, cells[i][1]),
                )
            )
    return tuple(readings), fill, symbols


def _group(cells, fields, members, field, path, line):
    """Columns that are readings of one field: the first is the field (the table as
    tabled), each other a note column that a variant of its own reads; a label `g = 3`
    binds its symbol in its reading. Gives the variants, and the first's symbols."""
    fields[members[0]] = field
    out = []
    for k in members[1:]:
        fields[k] = NOTE + cells[k][0]
        bound = _BINDS.fullmatch(cells[k][0])
        out.append(
            Variant(
                row="",
                name=reading_name(cells[k][0]),
                title=f"the {cells[k][0]!r} column",
                source=f"the table's {cells[k][0]!r} column",
                cells=(),
                loc=Location(path, line, cells[k][1]),
                columns=((field, cells[k][0]),),
                symbols=((bound[1], int(bound[2])),) if bound else (),
                auto=True,
            )
        )
    first = _BINDS.fullmatch(cells[members[0]][0])
    return out, (((first[1], int(first[2])),) if first else ())


def reading_name(header: str) -> str:
    """A reading's name from its column's header: as printed, without a gloss in
    parentheses (`SE-ResNeXt-50 (32 × 4d)` is `SE-ResNeXt-50`)."""
    bare = re.sub(r"\s*\(.*?\)\s*", " ", header).strip() or header.strip()
    return re.sub(r"\s*=\s*", "=", re.sub(r"\s+", " ", bare))


def _reads_as(field: str) -> str:
    if field == "note":
        return "a note (kept, not read)"
    return COLUMNS[field][0] if field in COLUMNS else field
