"""Spec files and bundled models in, a `Spec` out: the reader's stages in order.

A spec is a Markdown file (TOML front matter between `+++` lines, then one pipe table
in the paper's own columns) or a CSV file with the same headers. Every row and cell
keeps its file:line:col so that later errors and audit verdicts can point at it.
The format is documented in docs/spec-format.md.
"""

from __future__ import annotations

import re
from dataclasses import fields as record_fields
from dataclasses import replace
from fractions import Fraction
from functools import cache
from pathlib import Path

from inception_cost import frontmatter
from inception_cost.columns import continues as column_continues
from inception_cost.columns import norm
from inception_cost.errors import InputError, Location, gather, nearest
from inception_cost.frontmatter import FrontMatter, Places, read_csv_meta, read_footnotes, read_toml
from inception_cost.kinds import Kind
from inception_cost.spec import ambiguity, claims, layout, repeats, variants
from inception_cost.spec.declared import entries
from inception_cost.spec.header import Header, read_header
from inception_cost.spec.records import LayerCells, Note, Row, Spec
from inception_cost.spec.rows import added_rows, image_input, read_rows, symbols
from inception_cost.spec.types import declared_kinds, is_type, kinds_spell
from inception_cost.table import CSV_META, STDIN, csv_table, read_text, split_lines, split_markdown

MODELS_DIR = Path(__file__).parent.parent / "models"


def load(path: str | Path, label: str | None = None) -> Spec:
    """Read a spec file (.csv by suffix, Markdown otherwise); `label` names it in messages.

    Standard input (`-`) is Markdown when its first line is `+++` or has a `|`, else CSV."""
    text = read_text(path)
    if str(path) == STDIN:
        first = next((line.strip() for line in split_lines(text) if line.strip()), "")
        name = label or "<stdin>"
        if first == "+++" or "|" in first:
            return parse_markdown(text, name)
        return parse_csv(text, name)
    name = label or str(path)
    if str(path).lower().endswith(".csv"):
        return parse_csv(text, name)
    return parse_markdown(text, name)


def model_names() -> list[str]:
    """The bundled specs, numbers in names in numeric order (resnet18 before resnet101)."""
    return list(_bundled())


@cache  # package data, fixed while the tool runs; every load and audit asks for it
def _bundled() -> tuple[str, ...]:
    return tuple(
        sorted(
            (p.stem for p in MODELS_DIR.glob("*.md")),
            key=lambda n: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", n)],
        )
    )


def _key(name: str) -> str:
    """A model name compared without case, hyphens, underscores, dots or spaces."""
    return re.sub(r"[-_. ]", "", name.lower())


def model_name(name: str) -> str | None:
    """The bundled spec `name` names, whatever its case and hyphens (`GoogLeNet`,
    `resnet-50`, `efficientnet_b0`), or None."""
    key = _key(name)
    return next((n for n in model_names() if _key(n) == key), None)


def model_path(name: str) -> Path:
    """A bundled spec's file; only the bundled names, never a path (`../models/x`)."""
    found = model_name(name)
    if found is None:
        raise InputError(
            f"unknown model {name!r}{nearest(name, model_names())}",
            "one of " + ", ".join(model_names()),
        )
    return MODELS_DIR / f"{found}.md"


def load_model(name: str) -> Spec:
    """A bundled spec by name (`googlenet`), located as inception_cost/models/NAME.md."""
    path = model_path(name)
    return load(path, f"inception_cost/models/{path.name}")


def parse_markdown(text: str, path: str = "<spec>") -> Spec:
    """Front matter (optional) then the first pipe table; other prose is ignored."""
    md = split_markdown(text, path)
    meta = read_toml(md.front, path, md.front_line) if md.front else {}
    places = Places(md.front, md.front_line, path, md.opening)
    return _chosen(meta, md.table, path, places)


def parse_csv(text: str, path: str = "<spec>") -> Spec:
    """A CSV table with the same headers. Metadata comes from a first line `# spec: {...}`
    holding the front matter as JSON (as `table --format csv` writes it), or overrides."""
    loc = Location(path, 1, 1)
    first = split_lines(text)[0]
    meta = read_csv_meta(first, path) if first.startswith(CSV_META) else {}
    return _chosen(meta, csv_table(text, path), path, Places([], 1, path, loc))


def _chosen(meta: dict, table: list, path: str, places: Places) -> Spec:
    """The spec; where a repeat mark's box is left open by the print, read each way it
    may be and the one its sizes and claims support taken (spec/ambiguity.py)."""
    read = lambda choice: _read(meta, table, path, places, choice)  # noqa: E731
    try:
        spec = _read(meta, table, path, places)
    except ambiguity.Open as exc:  # the first way does not read: the others may
        return ambiguity.chosen(exc.marks, exc.error, read)
    return ambiguity.chosen(spec.ambiguous, spec, read) if spec.ambiguous else spec


def _read(meta: dict, table: list, path: str, places: Places, choices: dict | None = None) -> Spec:
    """The stages in order, each giving its value and the errors after which the reading
    goes on; they are raised together where a stage needs what the ones before it read
    (an error after which nothing can be read is raised at once)."""
    kinds = declared_kinds(meta.get("kinds", {}), places, _symbol_names(meta, table))
    claim_rows = claims.declared(meta.get("claim_rows", {}), places)
    header, errors = read_header(table, meta, path, places, kinds, set(claim_rows))
    gather(errors)
    claim_rows = {**dict(header.claim_rows), **claim_rows}
    body = layout.spanned(header.body, header.cells, meta.get("columns", {}), places)
    body = layout.filled(body, header.fill)
    notes = read_footnotes(meta.get("footnotes", {}), places.at("footnotes"))
    lines, errors = layout.counted(body, len(header.fields), path)
    bound = {name: Fraction(value) for name, value in header.symbols}
    values = {**bound, **symbols(meta.get("symbols", {}), places)}
    one = (header.typed == "nametype", values)
    whole = lambda text: kinds_spell(text, kinds, *one)  # noqa: E731
    written, more, ambiguous = repeats.unrolled(lines, _columns(header, whole), path, choices)
    try:
        return _rest(
            meta,
            path,
            places,
            (header, kinds, values, claim_rows, notes),
            written,
            errors + more,
            ambiguous,
        )
    except InputError as exc:
        if ambiguous and choices is None:
            raise ambiguity.Open(ambiguous, exc) from None
        raise


def _rest(meta, path, places, read, written, errors, ambiguous) -> Spec:
    """The stages after the repeats are written out: the rows, the front matter, the
    variants' rows, the claim rows."""
    header, kinds, values, claim_rows, notes = read
    written, printed, missing = claims.split(written, claim_rows)
    errors += missing
    lines = _each_line(written, header, kinds, values)
    continues = column_continues(meta.get("columns"))
    continued = any(header.aliases.get(norm(h)) == "name" for h in continues)
    fixed = entries(meta.get("rows", {}), "rows", header.aliases, places)
    rows, more = read_rows(lines, header.fields, header.at, path, kinds, continued, values, fixed)
    gather(errors + more)
    meta, rows = image_input(meta, rows)
    added = entries(meta.get("added", {}), "added", header.aliases, places)
    rows = added_rows(rows, added, (header.fields, path, kinds, values))
    spec = _spec(meta, path, places, tuple(rows), header, kinds, notes)
    spec = replace(spec, symbols=values, entries=(*fixed.values(), *added.values()))
    errors = variants.width_rows(spec, places)
    spec, more = variants.typed(spec)
    errors += more
    marks = [(r.at(f), mark) for r in rows for f, mark in r.footnotes]
    try:
        more_claims = claims.printed(spec, claim_rows, printed, header, marks)
        spec = replace(spec, claims=spec.claims + more_claims)
    except InputError as exc:
        errors.append(exc)
    gather(errors)
    notes = header.notes + spec.notes + _unexplained(marks, notes)
    return replace(spec, notes=notes, ambiguous=tuple(ambiguous))


def _columns(header: Header, whole) -> repeats.Columns:
    """Where the repeats' columns are: the type, a marks column, the printed sizes, a
    building block; and which type cells read whole as one kind's spelling."""
    f = header.fields
    return repeats.Columns(
        header.at,
        f.index("times") if "times" in f else None,
        tuple(i for i, x in enumerate(f) if x in ("output", "in_size")),
        f.index("block") if "block" in f else None,
        whole,
    )


def _unexplained(marks: list[tuple[Location, str]], notes: dict[str, str]) -> tuple[Note, ...]:
    """Each footnote mark the front matter does not explain: kept and shown as printed,
    and a finding (what the paper's note says is not known)."""
    return tuple(
        Note(
            "unexplained",
            f"footnote {mark!r} is not explained (a [footnotes] entry says what it means)",
            loc,
        )
        for loc, mark in sorted(marks, key=lambda m: (m[0].line, m[0].col))
        if mark not in notes
    )


def _symbol_names(meta: dict, table: list) -> set[str]:
    """The names the spec's readings may bind: its `[symbols]`, its variants' own, and a
    header's labels (`g = 3`, on its first two lines)."""
    names = set(meta.get("symbols", {})) if isinstance(meta.get("symbols"), dict) else set()
    for v in meta.get("variants", []) if isinstance(meta.get("variants"), list) else []:
        if isinstance(v, dict) and isinstance(v.get("symbols"), dict):
            names |= set(v["symbols"])
    for _, cells in table[:2]:
        names |= {
            m[1]
            for text, _ in cells
            if (m := re.fullmatch(r"\s*([^\W\d_]\w*)\s*=\s*[0-9]+\s*", text))
        }
    return names


def _each_line(written: list, header: Header, kinds: dict[str, Kind], symbols: dict) -> list:
    """The lines to type as rows: a type cell of several layers split, and a blank type
    continuing the module above (spec.layout)."""
    at, nametype = header.at, header.typed == "nametype"
    split = [
        (ln, each, copy, closes)
        for ln, cells, copy, closes in written
        for each in layout.each_layer(
            cells, at, lambda t: is_type(t, kinds, nametype, symbols), header.fill
        )
    ]
    return layout.continued(split, at)


def _spec(
    meta: dict,
    path: str,
    places: Places,
    rows: tuple[Row, ...],
    header: Header,
    kinds: dict[str, Kind],
    notes: dict[str, str],
) -> Spec:
    """The front matter read, and the rows: the Spec, before its variants' rows; the
    table's own readings (a network's column) after the declared variants, where none of
    these reads the same column."""
    own = {v.name for v in header.readings}
    front = frontmatter.read(meta, path, places, own)
    taken = {v.name for v in front.variants} | {h for v in front.variants for _, h in v.columns}
    readings = tuple(
        v for v in header.readings if v.name not in taken and v.columns[0][1] not in taken
    )
    front = replace(front, variants=front.variants + readings)
    for row in rows:
        table = row.cells.table if isinstance(row.cells, LayerCells) else None
        if table is not None and table not in front.connection_tables:
            raise InputError(
                f"connection table {table!r} is not in the front matter",
                "a [connection_tables] entry of that name",
                row.at("table"),
            )
    return Spec(
        **{f.name: getattr(front, f.name) for f in record_fields(FrontMatter)},
        path=path,
        rows=rows,
        columns=header.columns,
        kinds=kinds,
        footnotes=notes,
    )
