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
from functools import cache
from pathlib import Path

from inception_cost import frontmatter
from inception_cost.columns import continues as column_continues
from inception_cost.columns import norm
from inception_cost.errors import InputError, Location, gather, nearest
from inception_cost.frontmatter import FrontMatter, Places, read_csv_meta, read_footnotes, read_toml
from inception_cost.kinds import Kind
from inception_cost.spec import claims, layout, variants
from inception_cost.spec.header import Header, read_header
from inception_cost.spec.records import LayerCells, Row, Spec
from inception_cost.spec.rows import image_input, read_rows, symbols
from inception_cost.spec.types import declared_kinds, is_type
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
    return _read(meta, md.table, path, places)


def parse_csv(text: str, path: str = "<spec>") -> Spec:
    """A CSV table with the same headers. Metadata comes from a first line `# spec: {...}`
    holding the front matter as JSON (as `table --format csv` writes it), or overrides."""
    loc = Location(path, 1, 1)
    first = split_lines(text)[0]
    meta = read_csv_meta(first, path) if first.startswith(CSV_META) else {}
    return _read(meta, csv_table(text, path), path, Places([], 1, path, loc))


def _read(meta: dict, table: list, path: str, places: Places) -> Spec:
    """The stages in order, each giving its value and the errors after which the reading
    goes on; they are raised together where a stage needs what the ones before it read
    (an error after which nothing can be read is raised at once)."""
    header, errors = read_header(table, meta, path, places)
    gather(errors)
    body = layout.spanned(header.body, header.cells, meta.get("columns", {}), places)
    kinds = declared_kinds(meta.get("kinds", {}), places)
    notes = read_footnotes(meta.get("footnotes", {}), places.at("footnotes"))
    lines, errors = layout.counted(body, len(header.fields), path)
    written, more = layout.unrolled(lines, header.at, path)
    claim_rows = claims.declared(meta.get("claim_rows", {}), places)
    written, printed, missing = claims.split(written, header.at, claim_rows)
    errors += more + missing
    lines = _each_line(written, header, kinds, symbols(meta.get("symbols", {}), places))
    continues = column_continues(meta.get("columns"))
    continued = any(header.aliases.get(norm(h)) == "name" for h in continues)
    rows, more = read_rows(lines, header.fields, header.at, path, kinds, notes, continued)
    gather(errors + more)
    meta, rows = image_input(meta, rows)
    try:
        rows = variants.declared_rows(meta.get("rows", {}), rows, header.aliases, kinds, places)
    except InputError as exc:
        gather([exc])
    spec = _spec(meta, path, places, tuple(rows), header.columns, kinds, notes)
    errors = variants.width_rows(spec, places)
    spec, more = variants.typed(spec)
    errors += more
    try:
        spec = replace(spec, claims=spec.claims + claims.printed(spec, claim_rows, printed, header))
    except InputError as exc:
        errors.append(exc)
    gather(errors)
    return spec


def _each_line(written: list, header: Header, kinds: dict[str, Kind], symbols: dict) -> list:
    """The lines to type as rows: a type cell of several layers split, symbols read and a
    blank type continuing the module above (spec.layout)."""
    at, nametype = header.at, header.typed == "nametype"
    split = [
        (ln, each, copy)
        for ln, cells, copy in written
        for each in layout.each_layer(cells, at, lambda t: is_type(t, kinds, nametype))
    ]
    return layout.continued(split, at, symbols)


def _spec(
    meta: dict,
    path: str,
    places: Places,
    rows: tuple[Row, ...],
    columns: tuple[str, ...],
    kinds: dict[str, Kind],
    notes: dict[str, str],
) -> Spec:
    """The front matter read, and the rows: the Spec, before its variants' rows."""
    front = frontmatter.read(meta, path, places)
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
        columns=columns,
        kinds=kinds,
        footnotes=notes,
    )
