"""A reading the print leaves open, chosen by what the table's sizes and claims say.

A repeat mark without brackets (`5× Conv dw / s1` over two rows that keep one size)
could repeat its own row or the rows after it (spec/repeats.py). Each candidate is read
and built; the one whose printed sizes and claims hold where the others' do not is
taken, and the spec says which and why (a note); where nothing tells them apart, the
reader asks at the mark, and never repeats one row silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from itertools import product

from inception_cost import audit, cost
from inception_cost.builder import build
from inception_cost.errors import InputError, InputErrors
from inception_cost.spec.records import Note, Spec
from inception_cost.spec.repeats import Ambiguous

#: The most combinations of boxes tried where a table has several open marks.
MAX_TRIES = 32


class Open(Exception):
    """The first way of reading a table with open marks does not read: its marks, and why
    (the others are tried before the error is given)."""

    def __init__(self, marks, error: InputError):
        super().__init__(error.message)
        self.marks, self.error = tuple(marks), error


def chosen(marks, first: Spec | InputError, read: Callable[[dict[int, int]], Spec]) -> Spec:
    """The spec read with the boxes its sizes and claims support (`read` reads it with a
    box length per mark's line); `first` is its reading with every box its row alone, or
    why that one does not read."""
    marks = tuple(marks)
    combos = list(product(*(m.lengths for m in marks)))
    if len(combos) > MAX_TRIES:
        raise _question(marks[0], f"{len(combos)} ways to read its {len(marks)} open marks")
    tried = []
    for combo in combos:
        choice = {m.line: n for m, n in zip(marks, combo, strict=True)}
        try:
            spec = read(choice) if any(n != 1 for n in combo) else first
            if isinstance(spec, InputError):
                raise spec
            tried.append((combo, spec, _failures(spec)))
        except InputError as exc:  # this box cannot be read or built: the print refuses it
            tried.append((combo, None, (f"does not build ({_first(exc)})",)))
    fewest = (
        min(len(f) for _, s, f in tried if s is not None) if any(s for _, s, _ in tried) else None
    )
    best = [t for t in tried if t[1] is not None and len(t[2]) == fewest]
    if fewest is None or len(best) != 1 or all(len(f) == fewest for _, _, f in tried):
        raise _question(marks[0], _outcomes(marks, tried))
    combo, spec, _ = best[0]
    notes = tuple(
        Note("guess", _why(m, n, combo, marks, tried), m.loc)
        for m, n in zip(marks, combo, strict=True)
    )
    return _with_notes(spec, notes)


def _with_notes(spec: Spec, notes: tuple[Note, ...]) -> Spec:
    return replace(spec, ambiguous=(), notes=notes + spec.notes)


def _failures(spec: Spec) -> tuple[str, ...]:
    """What does not hold in a candidate reading: its printed sizes and claims in rows
    that differ from it, its paper-level claims about the table as tabled."""
    analysis = cost.analyse(build(_sized(spec)))
    rows = audit.audit(spec, analysis).rows
    out = [
        f"{r.name}'s {what}"
        for r in rows
        for what, v in (("input size", r.input), ("output size", r.output), ("depth", r.depth))
        if v is not None and not v.status.holds
    ]
    out += [
        f"{r.name}'s printed {what}"
        for r in rows
        for what, v in (("params", r.params), ("ops", r.ops))
        if v and not v.status.holds
    ]
    for claim in spec.claims:
        if claim.reading not in ("", "as tabled") or claim.against:
            continue
        held = _holds(claim, analysis.totals)
        if held is not None and not held[0]:
            out.append(f"the claim {claim.id!r} ({claim.value.text}; computed {held[1]:,})")
    return tuple(out)


def _sized(spec: Spec) -> Spec:
    """`spec`, where it gives no input size, at its first row's printed input size (the
    size its printed sizes describe: a trial build only, `init` asks for the input)."""
    first = spec.rows[0].in_size if spec.rows else None
    if spec.input_shape is None and first is not None and len(first) == 3:
        return replace(spec, input_shape=first)
    return spec


def _first(error: InputError) -> str:
    """An error's first message: what refuses a candidate, and the row upstream whose size
    left the table's (a typo every box meets)."""
    first = error.errors[0] if isinstance(error, InputErrors) else error
    return first.message


def _holds(claim, totals: cost.Totals) -> tuple[bool, int] | None:
    quantity = {"macs": totals.macs, "flops": 2 * totals.macs, "params": totals.params}
    quantity["weights"] = totals.layer_weights
    quantity |= {"depth": totals.depth, "depth_with_pooling": totals.depth_with_pooling}
    if claim.quantity not in quantity:
        return None
    computed = quantity[claim.quantity]
    q = claim.value
    if claim.relation == "equal":
        return audit.judge(computed, q, bool(q.binary)).status.holds, computed
    value = Fraction(q.mantissa * q.scale(bool(q.binary)), 10**q.decimals)
    ok = computed <= value if claim.relation == "at most" else computed >= value
    return ok, computed


def _why(mark: Ambiguous, n: int, combo, marks, tried) -> str:
    rows = f"{n} row{'s' if n > 1 else ''} (lines {mark.lines[0]}-{mark.lines[n - 1]})"
    others = [
        f"{c[marks.index(mark)]} row{'s' if c[marks.index(mark)] > 1 else ''}: "
        + ("; ".join(f[:2]) if f else "holds")
        for c, _, f in tried
        if c != combo
    ]
    return (
        f"{mark.text!r} read as repeating {rows}, as the printed sizes and claims hold only"
        f" so; its rows keep one size, so it could repeat {', '.join(map(str, mark.lengths))}"
        f" rows ({'; '.join(others)})"
    )


def _outcomes(marks, tried) -> str:
    return "; ".join(
        f"{', '.join(str(n) for n in c)} row{'s' if max(c) > 1 else ''}: "
        + ("; ".join(f[:2]) if f else "every size and claim holds")
        for c, _, f in tried
    )


def _question(mark: Ambiguous, outcomes: str) -> InputError:
    lines = f"lines {mark.lines[0]}-{mark.lines[-1]}"
    return InputError(
        f"{mark.text!r} repeats a box of rows whose end the table does not print: the rows"
        f" of {lines} keep its size, and neither the sizes nor the claims tell how many it"
        f" repeats ({outcomes})",
        "brackets around the rows it repeats (N× [ on the first, ] after the last type), or"
        " a claim of the network's totals ([[claims]]) that tells them apart",
        mark.loc,
    )
