"""A column's role read from its cells, where its header does not say it: a column of
`3 × 3 / 2` is a patch column, one of `112 × 112` an output size, one of layer types a
type column, whatever the header word (a bare `Size`, a network's name, a blank). Each
reading says which cells made it; where the cells allow several (a column of plain
numbers), the header's words decide or the reader asks. The did-you-mean for a header it
cannot read proposes only columns whose reader could read its cells.
"""

from __future__ import annotations

import re
from fractions import Fraction

from inception_cost.cells import (
    is_empty,
    parse_count,
    parse_count_expr,
    parse_filter_shape,
    parse_patch,
    parse_quantity,
    split_footnote,
    unmark,
)
from inception_cost.columns import COLUMNS, NOTE, ROLE, norm
from inception_cost.errors import InputError, close_matches
from inception_cost.kinds import Kind
from inception_cost.spec import layout
from inception_cost.spec.blocks import parse_block
from inception_cost.spec.readers import parse_in_size
from inception_cost.spec.types import is_type

#: A repeat mark as a column of its own prints it: `1×`, `×2`, `x4`, `8 x`.
MARK = re.compile(r"(?:([0-9]+)\s*[x×]|[x×]\s*([0-9]+|[^\W\d_]\w*))")
_PATCH_HINTS = ("kernel", "ksize", "filter", "patch", "window")
_COUNT_HINTS = {
    "filters": ("channel", "filter", "width", "out", "#out", "c"),
    "repeat": ("repeat", "layers", "#layers", "blocks", "#blocks", "n", "times"),
    "stride": ("stride", "s"),
    "groups": ("group", "cardinality"),
    "expansion": ("exp", "expansion", "t"),
}


class _AnySymbol(dict):
    """Symbols for telling a cell's form, not its value: any name reads as 1."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> Fraction:
        return Fraction(1)


ANY = _AnySymbol()


def forms(text: str, kinds: dict[str, Kind]) -> set[str]:
    """What one cell reads as: `marks` (a repeat mark), `count`, `patch` (a kernel with a
    stride, or `Global`), `kernel` (KxK), `size` (HxW of a map, HxWxC), `claim`, `type`,
    `block`, `shape`; empty where it is text of no form (a name)."""
    t, _ = split_footnote(unmark(text))
    out: set[str] = set()
    if MARK.fullmatch(t):
        out.add("marks")
    if _try(lambda: parse_count(t, "count")):
        out.add("count")
    elif _try(lambda: parse_count_expr(t, ANY, "count")) and re.search(r"[0-9]", t):
        out.add("count")  # 16×k, 64a: a width written with symbols
    if t.lower() == "global" or (_try(lambda: parse_patch(t)) and "/" in t):
        out.add("patch")
    elif _try(lambda: parse_patch(t)):
        out |= {"kernel", "size"}
    if _try(lambda: parse_in_size(t)) and (len(re.findall(r"[x×*]", t)) >= 2 or "²" in t):
        out.add("size")
    if _try(lambda: parse_quantity(t)) and not t.replace(",", "").isdigit():
        out.add("claim")
    if _try(lambda: parse_block(t, ANY)):
        out.add("block")
    if _try(lambda: parse_filter_shape(t)) and not out & {"count", "kernel"}:
        out.add("shape")
    plain = "count" in out and re.fullmatch(r"[0-9][0-9,]*", t)  # 2 × 64a may be a kind's
    if not plain and not out & {"kernel", "size", "claim"} and _layers(t, kinds):
        out.add("type")
    return out


def _layers(text: str, kinds: dict[str, Kind]) -> bool:
    """Whether a cell reads as a layer, or as layers one after another."""
    reads = lambda t: is_type(t, kinds, False, ANY)  # noqa: E731
    return reads(text) or len(layout.each_layer([(text, 1)], 0, reads)) > 1


def _try(read) -> bool:
    try:
        read()
    except InputError:
        return False
    return True


def role(
    header: str, texts: list[str], kinds: dict[str, Kind], input_hw: tuple[int, int] | None
) -> tuple[str | None, str]:
    """The field a column's cells support and why (the words of its note), or None and the
    question to ask at its header. `input_hw`: the network input's height and width, which
    tells a column of input sizes from one of output sizes."""
    cells = [t for t in texts if not is_empty(t)]
    if not cells:
        return None, "its cells are all blank, which says nothing of what it holds"
    each = [forms(t, kinds) for t in cells]
    words = norm(header)
    if all("marks" in f for f in each):
        return "times", f"its cells are repeat marks ({cells[0]})"
    if all(f & {"type", "block"} for f in each):
        return "type", f"its cells are layers ({_few(cells)})"
    # kernels, `Global` (a global pool), a count alone (a linear row's units: Darknet's)
    patches = [f & {"patch", "kernel"} for f in each]
    kernels = all(p or "count" in f for p, f in zip(patches, each, strict=True))
    if (
        kernels
        and 2 * sum(map(bool, patches)) > len(each)
        and (
            any("patch" in f for f in each)
            or _small(cells)
            or any(h in words for h in _PATCH_HINTS)
        )
    ):
        return "patch", f"its cells are kernels ({_few(cells)})"
    if all("size" in f for f in each):
        first = parse_in_size(unmark(cells[0]))
        if input_hw and tuple(first[:2]) == input_hw and texts and not is_empty(texts[0]):
            return "in_size", (
                f"its cells are map sizes ({_few(cells)}) and the first row's is the"
                " network's input size, so each is its row's input"
            )
        return "output", f"its cells are map sizes ({_few(cells)})"
    if all("count" in f for f in each):
        for field, hints in _COUNT_HINTS.items():
            if any(words == h or (len(h) > 2 and h in words) for h in hints):
                return field, f"its cells are counts ({_few(cells)}) and its header says {field}"
        numbers = [_int(c) for c in cells]
        if numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] <= 1:
            return "note", f"its cells number the rows ({_few(cells)})"
        return None, (
            f"its cells are counts ({_few(cells)}), which may be widths, repeats, strides or groups"
        )
    if all("claim" in f or "count" in f for f in each):
        if any(w in words for w in ("param", "weight", "size")):
            return "params", f"its cells are counts ({_few(cells)}) and its header says params"
        if any(w in words for w in ("flop", "madd", "mult", "mac", "ops", "operations")):
            return "ops", f"its cells are counts ({_few(cells)}) and its header says operations"
        return None, f"its cells are claims ({_few(cells)}) of params or of operations"
    if not header.strip() and not any(f - {"type"} for f in each):
        return "name", f"its cells are names ({_few(cells)})"
    if "name" in words and not any(f & {"patch", "size", "claim", "block"} for f in each):
        return "name", f"its header says name and its cells are names ({_few(cells)})"
    return None, f"its cells ({_few(cells)}) are of no one kind the reader knows"


def _small(cells: list[str]) -> bool:
    """Kernels, not maps: every side at most 11."""
    sides = [int(x) for c in cells for x in re.findall(r"[0-9]+", c)]
    return bool(sides) and max(sides) <= 11


def _int(text: str) -> int:
    try:
        return parse_count(unmark(text), "count")
    except InputError:
        return -1


def _few(cells: list[str]) -> str:
    shown = list(dict.fromkeys(unmark(c) for c in cells))
    return ", ".join(shown[:3]) + (", ..." if len(shown) > 3 else "")


def suggestions(header: str, texts: list[str], aliases: dict[str, str], kinds) -> list[str]:
    """The known headers nearest a header the reader cannot read, as they are written,
    keeping only those whose column could read every one of its cells."""
    written = {norm(h): h for hs in COLUMNS.values() for h in hs}
    written |= {k: f.removeprefix(NOTE) for k, f in aliases.items() if f.startswith(NOTE)}
    near = close_matches(norm(header), list(written), 8)
    cells = [t for t in texts if not is_empty(t)]
    if not cells:  # nothing to weigh: a spelling alone proposes a wrong column too often,
        # but a header the spec's own [columns] names (a note column) is a likely typo
        own = {k for k, f in aliases.items() if f.startswith(NOTE)}
        return [written[k] for k in near if k in own][:1]
    each = [forms(t, kinds) for t in cells]
    return [written[k] for k in near if k in written and fits(aliases.get(k, ""), each)][:1]


#: What a field's cells may be, by role (a column's reader accepts these forms).
_FITS = {
    "kind": {"type", "block"},
    "patch": {"patch", "kernel"},
    "output size": {"size"},
    "input size": {"size"},
    "width": {"count", "block"},
    "count": {"count"},
    "stride": {"count"},
    "claim": {"claim", "count"},
}


def fits(field: str, each: list[set[str]]) -> bool:
    """Whether every cell (by its forms) could be read by `field`'s reader."""
    allowed = _FITS.get(ROLE.get(field, ""))
    if allowed is None:  # names, settings, notes: any text
        return True
    return all(f & allowed for f in each)
