"""What every renderer says the same way: the settings header, verdict words, findings."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from fractions import Fraction

from inception_cost import conventions
from inception_cost.audit import MATCH, MISMATCH, TRUNCATED, Audit, Reading, ReadingFit, Verdict
from inception_cost.errors import Location
from inception_cost.implementation.model import Implementation
from inception_cost.kinds import builtin
from inception_cost.verdicts import Status

GLYPH = {MATCH: "✓", TRUNCATED: "≈", MISMATCH: "✗"}
MEANS = {MATCH: "matches as printed (rounded)", TRUNCATED: "only if the print truncated"}
MEANS[MISMATCH] = "mismatch"
LEGEND = " · ".join(f"{GLYPH[s]} {MEANS[s]}" for s in GLYPH)


def verdict_legend(shown: str) -> str:
    """The verdict marks found in `shown` (the text on the page), each with its meaning."""
    return " · ".join(f"{GLYPH[s]} {MEANS[s]}" for s in GLYPH if GLYPH[s] in shown)


def reading_tag(reading: Reading) -> str:
    """A claim reading in a column header's few letters: `w,Ki` (weights only, K = 1,024),
    `w+b,K`; an ops reading by its base alone (the column beside it says what it counts)."""
    base = "Ki" if reading.binary else "K"
    what = {"weights only": "w", "weights + biases": "w+b"}.get(reading.counts)
    return f"{what},{base}" if what else base


def claim_head(reading: Reading) -> str:
    """A claim column's header, with the reading its verdicts judge: `claim w,Ki`."""
    return f"claim {reading_tag(reading)}"


def readings_legend(audit: Audit, headers: list[str]) -> list[str]:
    """What each claim column among `headers` judges, and how many rows that reading fits:
    `claim w,Ki: params read as weights only, binary (K = 1,024): fits 3 of 12 rows`."""
    return [
        f"{claim_head(r)}: {column} read as {fits_text(fits)}"
        for column, r, fits in (
            ("params", audit.params_reading, audit.params_fits),
            ("ops", audit.ops_reading, audit.ops_fits),
        )
        if claim_head(r) in headers
    ]


def verdict_counts(audit: Audit) -> str:
    """One line: how many row and paper-level claims hold, fail, only truncate."""
    counts = audit.counts
    if not counts:
        return "claims: none (the table and its front matter claim nothing to check)"
    words = {MATCH: "hold", Status.WITHIN: "hold"}
    tally: dict[str, int] = {}
    for status, n in counts.items():
        word = words.get(status, str(status))
        tally[word] = tally.get(word, 0) + n
    order = ["hold", "mismatch", "over", "under", "truncated", "not checkable"]
    parts = [f"{tally[w]} {w}" for w in order if tally.get(w)]
    return f"claims: {', '.join(parts)} (why: table without --brief)"


def all_hold(audit: Audit) -> str:
    """The findings when none is found: every row claim holds, or there is none."""
    checked = sum(len(r.verdicts) for r in audit.rows)
    if not checked:
        return "no row claims to check: the table prints no sizes, depths, params or ops"
    return f"every row claim holds ({checked} checked)"


def csv_text(headers: list[str], rows) -> str:
    """Rows as CSV text with a header line ("\n" line ends, the csv module's quoting)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue()


def fits_text(fits: tuple[ReadingFit, ...]) -> str:
    chosen = next(f for f in fits if f.chosen)
    extra = f" (+{chosen.truncated} truncated)" if chosen.truncated else ""
    return f"{chosen.reading.label}: fits {chosen.matches} of {chosen.rows} rows{extra}"


def title_line(spec) -> str:
    """The spec's title and where its table is from: its source, or its file; once where
    they are the same (a spec read from standard input is titled by it)."""
    where = spec.source.table or spec.path
    return spec.title if where == spec.title else f"{spec.title} — {where}"


def settings_lines(report, readings: bool = True) -> list[str]:
    """The conventions in force, a line a subject (the input, the layers, what is counted,
    how the claims read: left out without `readings`, where a legend says it beside the
    claims); every output starts with these."""
    spec, a = report.spec, report.analysis
    c = a.network.conventions  # a variant's own conventions, where one is analysed
    shape = "x".join(map(str, a.network.input_shape))
    phase = "training: auxiliary rows included" if a.network.aux else "inference"
    unit = (
        "FLOP = 2 x MAC (a multiply and an add)"
        if report.flops
        else "MAC = a multiply-add (conv, linear layers)"
    )
    lines = [
        f"input {shape} · batch {a.batch} · {a.dtype} · {phase}"
        + (" (--aux adds training-only rows)" if _left_out(spec, a.network.aux) else ""),
        " · ".join(
            [
                spec.header_line()
                if isinstance(spec, Implementation)
                else conventions.header_line(c),
                *conventions.words(c, "ops", _kinds(a)),
            ]
        ),
        f"{unit} · other ops: adds (biases too), compares, muls, divs, exp"
        + " · act. = elements written"
        + (" (ReLU, dropout in place)" if a.inplace else ""),
        *([_claimed(report.audit.params_fits, report.audit.ops_fits)] if readings else []),
    ]
    if c.changed():
        lines.append("network: " + "; ".join(conventions.words(c, "network")))
    if report.variant:
        lines.append(variant_line(spec, report.variant))
    p = report.counted.preset
    if p:
        lines.append(
            f"counted as {p.name} ({p.tool}): "
            + (
                f"params {'with' if p.biases else 'without'} biases"
                if p.counts_params
                else "params as ours (the tool reports none)"
            )
            + f", operations in {p.unit}; the claims are judged on our counts, not the preset's"
        )
    if spec.overrides:
        lines.append("changed from the spec: " + ", ".join(spec.overrides))
    if spec.given:
        lines.append("from the command line: " + ", ".join(spec.given) + " (the spec gives none)")
    lines += [f"read: {n.text}" for n in spec.notes if n.kind in ("column", "guess")]
    return lines


def _left_out(spec, aux: bool) -> bool:
    """Whether the spec has training-only rows that this analysis leaves out."""
    return not aux and any(r.train_only for r in spec.rows)


def declared_lines(spec) -> list[str]:
    """What the front matter says beside the table, one line each: a row read as a
    `[rows]` entry says (°), a row the table leaves out (+, added, not printed), the
    kinds it declares."""
    out = []
    for entry in spec.entries:
        rows = [r.name for r in spec.rows if r.declared.endswith(f".{entry.name}")]
        cells = ", ".join(f"{f} = {text!r}" for f, text in entry.cells)
        if not rows:
            continue
        if rows[0] in [r.name for r in spec.rows if r.declared.startswith("added.")]:
            where = f"after {entry.after}" if entry.after else f"before {entry.before}"
            out.append(
                f"+ {', '.join(rows)}: added, not printed ({where}; {cells}): {entry.source}"
            )
        else:
            out.append(
                f"° {', '.join(rows)}: read as [rows.{entry.name}] says ({cells}): {entry.source}"
            )
    own = [name for name in spec.kinds if name not in builtin()]
    if own:
        out.append("kinds the front matter declares: " + ", ".join(own))
    return out


def _setting(value) -> str:
    return ", ".join(value) if isinstance(value, tuple) else str(value)


def variant_line(spec, name: str) -> str:
    """What the analysed variant reads differently: one row, or the whole network."""
    v = next(v for v in spec.variants if v.name == name)
    if v.row and not (v.conventions or v.input_shape):
        return f"reading: variant {name}, row {v.row} read as {v.title}"
    what = [f"row {v.row} read anew"] if v.row else []
    what += [f"input {'x'.join(map(str, v.input_shape))}"] if v.input_shape else []
    what += [f"{f} from column {header}" for f, header in v.columns]
    if v.conventions:
        what += [
            f"{k} = {_setting(getattr(v.conventions, k))}"
            for k in v.conventions.__dataclass_fields__
            if getattr(v.conventions, k) != getattr(spec.conventions, k)
        ]
    return f"reading: variant {name}, the whole network with {', '.join(what)}: {v.title}"


def _kinds(analysis) -> set[str]:
    return {c.op.kind for b in analysis.blocks for c in b.ops}


def _claimed(params: tuple[ReadingFit, ...], ops: tuple[ReadingFit, ...]) -> str:
    """How the printed claims are read, and how many rows each reading fits."""
    if not params[0].rows and not ops[0].rows:
        return "claims: none in the table (no params or ops column)"
    parts = [
        f"{column} as {fits_text(fits)}" if fits[0].rows else f"{column}: none in the table"
        for column, fits in (("params", params), ("ops", ops))
    ]
    return "claims read: " + " · ".join(parts)


def variant_changes(v, limit: int | None = None) -> list[str]:
    """The row verdicts a whole-network variant (input size, conventions) changes; past
    `limit` of them, one line says how many more."""
    out: list[str] = []
    for before, mine in v.changed:
        for field in ("input", "output", "depth", "params", "ops"):
            old, new = getattr(before, field), getattr(mine, field)
            if new is not None and (old is None or old.status != new.status):
                got = new.computed if isinstance(new.computed, str) else f"{new.computed:,}"
                out.append(f"{mine.name} {field} {got} vs claimed {new.claimed}: {new.status}")
    if limit is not None and len(out) > limit:
        out[limit:] = [f"{len(out) - limit} more row verdicts change (--format json lists all)"]
    return out


def exact(value: Fraction) -> str:
    """A terminating fraction as an exact decimal string (claims are decimal numbers)."""
    if value.denominator == 1:
        return str(value.numerator)
    digits = 0
    while (value * 10**digits).denominator != 1:
        digits += 1
        if digits > 30:
            return f"{float(value):.6f}"
    scaled = value * 10**digits
    sign = "-" if scaled < 0 else ""
    text = str(abs(scaled.numerator)).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}"


def si(value: int | Fraction, digits: int = 1) -> str:
    """A count in K/M/G for a narrow cell (the unit letter is always printed)."""
    v = float(value)
    for unit, scale in (("G", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(v) >= scale:
            return f"{v / scale:,.{digits}f}{unit}"
    return f"{int(value):,}" if Fraction(value).denominator == 1 else f"{v:,.1f}"


def param_parts(t) -> str:
    """The params apart as papers count weights: the layers' weights, the normalisation
    layers' parameters (batch norm's scale and shift) and the layers' biases."""
    parts = [f"{number(t.layer_weights)} weights"]
    if t.norm_params:
        parts.append(f"{number(t.norm_params)} batch-norm params")
    if t.biases - t.norm_biases or not t.norm_params:  # batch norm's shift replaces them
        parts.append(f"{number(t.biases - t.norm_biases)} biases")
    return " + ".join(parts)


def number(value: int | Fraction, sign: bool = False) -> str:
    """Exact with thousands separators; one decimal where the value is not whole."""
    value = Fraction(value)
    plus = "+" if sign else ""
    if value.denominator == 1:
        return f"{value.numerator:{plus},}"
    return f"{float(value):{plus},.1f}"


def verdict_text(v: Verdict) -> str:
    """`computed 9,408, claimed 2.7K = 2,764.8: mismatch, +6,643.2 (+240.3%)`."""
    text = f"computed {v.computed:,}, claimed {v.claimed} = {number(v.claimed_value)}"
    if v.status == MATCH:
        return text + ": match"
    return f"{text}: {v.status}, {number(v.difference, True)} ({float(v.percent):+.1f}%)"


def halfway_text(v: Verdict) -> str:
    """A match on the edge of the rounding interval, said as such."""
    up = v.difference > 0
    return (
        f"computed {v.computed:,}, claimed {v.claimed} = {number(v.claimed_value)}:"
        f" match, exactly half a printed unit {'above' if up else 'below'}"
        f" ({number(v.difference, True)}); the audit counts both edges as a match,"
        f" round half {'up' if up else 'down'} would make it a"
        f" {'truncation' if up else 'mismatch'}"
    )


@dataclass(frozen=True, slots=True)
class Finding:
    """What does not hold in one row, a sentence per point."""

    loc: Location
    row: str
    points: tuple[str, ...]


def findings(audit: Audit) -> list[Finding]:
    """Per row with a claim that does not hold: each verdict, then how its claims relate."""
    out: list[Finding] = []
    for r in audit.rows:
        points: list[str] = []
        for what, v in (("input size", r.input), ("output size", r.output), ("depth", r.depth)):
            if v and v.status == MISMATCH:
                points.append(f"{what}: computed {v.computed}, claimed {v.claimed}")
        for what, v, reading, elsewhere in (
            ("params", r.params, audit.params_reading, r.params_elsewhere),
            ("ops", r.ops, audit.ops_reading, r.ops_elsewhere),
        ):
            if v and v.status != MATCH:
                text = f"{what} ({reading.counts}): {verdict_text(v)}"
                if elsewhere:
                    text += "; matches as " + " or as ".join(x.label for x in elsewhere)
                points.append(text)
            elif v and v.halfway:
                points.append(f"{what} ({reading.counts}): {halfway_text(v)}")
        if r.note:
            points.append(r.note)
        if points:
            out.append(Finding(r.loc, r.name, tuple(points)))
    for variant, why in audit.broken:
        out.append(Finding(variant.loc, f"variant {variant.name}", (f"cannot be built: {why}",)))
    for note in audit.unexplained:
        out.append(Finding(note.loc, "not explained", (note.text,)))
    return out


def claim_lines(audit: Audit) -> list[tuple[str, str, list[str]]]:
    """Paper-level claims: (claim id, quoted text with source, one line per reading)."""
    out = []
    for ca in audit.claims:
        c = ca.claim
        lines = []
        for check in ca.checks:
            if check.computed is None:
                lines.append(f"{check.reading}: {check.status} ({check.note})")
                continue
            value = check.computed
            places = max(2, c.value.decimals)  # a ratio to the claim's own decimals
            shown = (
                f"{value.numerator:,}" if value.denominator == 1 else f"{float(value):,.{places}f}"
            )
            note = f" ({check.note})" if check.note else ""
            lines.append(f"{check.reading}: {shown} against {c.value}: {check.status}{note}")
        if ca.not_judged:
            lines.append(
                f"not judged on {', '.join(ca.not_judged)}: other networks of the paper"
                " (readings with claims of their own)"
            )
        out.append((c.id, f"“{c.text}” ({c.source})", lines))
    return out
