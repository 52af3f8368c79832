"""A spec's front matter written back as TOML: what `--format spec` opens with and what
the CSV's `# spec:` line carries (as JSON), so that either reads back as the same network."""

from __future__ import annotations

import json

from inception_cost.columns import NOTE
from inception_cost.conventions import toml_inline, toml_lines
from inception_cost.kinds import builtin, to_toml


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return json.dumps(v, ensure_ascii=False)


def _number(value) -> str:
    """A symbol's value as TOML: a whole number, or the decimal it was written as."""
    return str(value.numerator) if value.denominator == 1 else repr(float(value))


def front_matter(spec, entries: bool = False) -> str:
    """The spec's metadata as TOML, in the layout of the bundled specs; `entries`: with
    the `[added.NAME]` entries (`--format spec`; the CSV writes their rows instead)."""
    r = spec.reading
    lines = [f"name = {_value(spec.name)}", f"title = {_value(spec.title)}"]
    if spec.input_shape:
        lines.append(f"input = {_value('x'.join(map(str, spec.input_shape)))}")
    lines += ["", "[source]"]
    lines += [
        f"{k} = {_value(getattr(spec.source, k))}"
        for k in ("citation", "table", "url")
        if getattr(spec.source, k)
    ]
    lines += [
        "",
        *toml_lines(spec.conventions, _value),
        "",
        "[claimed]",
        f"params_unit = {_value(r.params_unit)}",
        f"params_bias = {_value(r.params_bias)}",
        f"ops = {_value(r.ops)}",
        f"ops_unit = {_value(r.ops_unit)}",
    ]
    for claim in spec.claims:
        lines += ["", "[[claims]]", f"id = {_value(claim.id)}", f"text = {_value(claim.text)}"]
        lines += [f"source = {_value(claim.source)}", f"quantity = {_value(claim.quantity)}"]
        lines += [f"value = {_value(claim.value.text)}", f"relation = {_value(claim.relation)}"]
        if claim.against:
            lines.append(f"against = {_value(claim.against)}")
        if claim.reading:
            lines.append(f"reading = {_value(claim.reading)}")
    if spec.connection_tables:
        lines += ["", "[connection_tables]"]
        for name, reads in spec.connection_tables.items():
            inputs = max(max(r) for r in reads) + 1
            rows = ["".join("X" if i in r else "." for r in reads) for i in range(inputs)]
            lines.append(f"{_value(name)} = [{', '.join(_value(x) for x in rows)}]")
    for v in spec.variants:
        lines += ["", "[[variants]]"]
        lines += [f"row = {_value(v.row)}"] if v.row else []
        lines += [f"name = {_value(v.name)}"]
        lines += [f"title = {_value(v.title)}", f"source = {_value(v.source)}"]
        lines += [f"{k} = {_value(text)}" for k, text in v.cells]
        if v.input_shape:
            lines.append(f"input = {_value('x'.join(map(str, v.input_shape)))}")
        if v.columns:
            inner = ", ".join(f"{k} = {_value(h)}" for k, h in v.columns)
            lines.append(f"columns = {{ {inner} }}")
        if v.symbols:
            inner = ", ".join(f"{k} = {_number(x)}" for k, x in v.symbols)
            lines.append(f"symbols = {{ {inner} }}")
        if v.conventions:
            lines.append(f"conventions = {toml_inline(v.conventions, spec.conventions, _value)}")
    notes = [spec.header(f) for f in spec.columns if f.startswith(NOTE)]
    if notes:  # columns kept beside the table (EfficientNet's Stage; a variant may read one)
        lines += ["", "[columns]", *(f"{_value(h)} = {_value('note')}" for h in notes)]
    for entry in spec.entries:  # [rows.NAME], [added.NAME]: as declared, the table as printed
        for section in ("rows", "added") if entries else ("rows",):
            if any(r.declared == f"{section}.{entry.name}" for r in spec.rows):
                lines += ["", f"[{section}.{_value(entry.name)}]"]
                if section == "added":
                    where = ("after", entry.after) if entry.after else ("before", entry.before)
                    lines.append(f"{where[0]} = {_value(where[1])}")
                lines.append(f"source = {_value(entry.source)}")
                lines += [f"{f} = {_value(text)}" for f, text in entry.cells]
    if spec.symbols:
        lines += ["", "[symbols]", *(f"{k} = {_number(x)}" for k, x in spec.symbols.items())]
    if spec.footnotes:
        lines += ["", "[footnotes]"]
        lines += [f"{_value(mark)} = {_value(text)}" for mark, text in spec.footnotes.items()]
    for name, kind in spec.kinds.items():
        if name not in builtin():  # the spec's own [kinds.NAME]
            lines += ["", *to_toml(kind, _value)]
    return "+++\n" + "\n".join(lines) + "\n+++\n"
