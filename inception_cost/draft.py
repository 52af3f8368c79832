"""`init`: a pasted table drafted into a spec that says how it was read.

The table is read as `table` reads it; where the reader stops at a header it cannot
read, the draft keeps that column unread (`"X" = "note"`) with a TODO saying what to
declare and the reader's best guess, and reads on. Every reading the reader took from
the cells (a column's role, a network's column, a claim row, a repeat's box) is written
as the declaration that would make it explicit, commented; every question left open as
a TODO. The pasted text is kept as it was, below the front matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from inception_cost.builder import build
from inception_cost.errors import InputError, InputErrors, Location
from inception_cost.spec.read import parse_markdown
from inception_cost.spec.records import Spec
from inception_cost.table import split_lines

#: The rounds of reading, each settling the questions the last one stopped at.
MAX_ROUNDS = 8
_UNKNOWN = re.compile(
    r"unknown column (?:'(.*)'|column \d+ \(a blank header\))(?: \(did you mean (.*?)\?\))?: (.*)"
)
_CONVENTIONS = [
    "# TODO: the paper's text (or its reference code) says how rows become layers; the",
    "# defaults are below, each a guess until a sentence of the paper settles it",
    '# conv_padding = "same"      # same | valid | N',
    '# pool_rounding = "ceil"     # ceil | floor',
    '# pool_padding = "valid"     # same | valid | N',
    "# bias = true",
    '# conv_activation = "relu"   # relu | relu6 | tanh | swish | none',
    "# batch_norm = false         # batch norm after every convolution",
]


@dataclass(frozen=True, slots=True)
class Draft:
    """A drafted spec: its front matter's lines, the text pasted (below them), what the
    reader could not settle, and whether the draft reads as a spec."""

    front: tuple[str, ...]
    body: str
    questions: tuple[str, ...]
    reads: bool


def draft(text: str, path: str) -> Draft:
    """The spec a pasted table reads as, its guesses and questions in its front matter;
    each question points at the pasted file's own line."""
    front, body, start = _split(text)
    todo: list[str] = []
    spec = None
    for _ in range(MAX_ROUNDS):
        try:
            spec = parse_markdown(_text(front, body), path)
            break
        except InputError as exc:
            if exc.message == "no layer table found":  # nothing to draft: bad input
                raise _at(exc, front, start) from None
            errors = exc.errors if isinstance(exc, InputErrors) else [exc]
            settled = False
            for error in errors:
                front, done = _settle(front, _at(error, front, start), todo)
                settled |= done
            if not settled:
                break
    read = spec is not None
    front = _guesses(front, spec, len(front) + 2 - start)
    if spec is not None:
        try:
            build(parse_markdown(_text(front, body), path))
        except InputError as exc:  # a kernel larger than its input, an upstream typo
            front, _ = _settle(front, _at(exc, front, start), todo)
    return Draft(tuple(front), body, tuple(todo), read)


def _at(error: InputError, front: list[str], start: int) -> InputError:
    """`error` with its lines in the pasted file (the draft's front matter moved them)."""
    shift = len(front) + 2 - start
    where = error.where
    if isinstance(where, Location) and where.line > shift:
        where = Location(where.path, where.line - shift, where.col)
    return InputError(_moved(error.message, shift), error.expected, where)


def _moved(text: str, shift: int) -> str:
    """`text` with each line it cites (`FILE:LINE:COL`, a repeat's "lines 25-27") moved up
    by `shift`: from the draft's lines to the pasted file's."""
    text = re.sub(
        r"(\S+?):(\d+):(\d+)\b",
        lambda m: f"{m[1]}:{int(m[2]) - shift}:{m[3]}" if int(m[2]) > shift else m[0],
        text,
    )
    return re.sub(
        r"\blines (\d+)-(\d+)\b",
        lambda m: f"lines {int(m[1]) - shift}-{int(m[2]) - shift}" if int(m[1]) > shift else m[0],
        text,
    )


def _split(text: str) -> tuple[list[str], str, int]:
    """The pasted text's own front matter lines (if any), the rest, and the number of the
    line before the rest in the pasted file."""
    lines = split_lines(text)
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if lines[first].strip() == "+++":
        end = next((i for i in range(first + 1, len(lines)) if lines[i].strip() == "+++"), None)
        if end is not None:
            return lines[first + 1 : end], "\n".join(lines[end + 1 :]), end + 1
    return [], text, 0


def _text(front: list[str], body: str) -> str:
    """The draft as a spec: the front matter's lines, then the body (len(front) + 2 lines
    before it)."""
    return "+++\n" + "".join(line + "\n" for line in front) + "+++\n" + body


def _settle(front: list[str], error: InputError, todo: list[str]) -> tuple[list[str], bool]:
    """A line of the front matter that lets the reading go on past `error` (a column kept
    unread, with a TODO), or a TODO alone where no declaration can be guessed."""
    m = _UNKNOWN.match(error.message)
    where = f"{error.where}" if error.where else ""
    if m:
        header = m[1] if m[1] is not None else ""
        guess = f" (best guess: {m[2]})" if m[2] else ""
        question = f"what is column {header!r}? {m[3]}{guess}"
        todo.append(question)
        line = f'"{header}" = "note"  # TODO ({where}): {question}; kept unread until declared'
        return _add(front, "columns", line), True
    question = f"{where}: {error.message}; expected {error.expected}"
    todo.append(question)
    return _add(front, "", f"# TODO: {question}"), False


def _guesses(front: list[str], spec: Spec | None, shift: int) -> list[str]:
    """The readings taken from the cells, as commented declarations; the input size, the
    source and the conventions as TODOs with their best guesses (`spec` None: the table
    does not read yet, the TODOs alone)."""
    out = list(front)
    if not any(re.match(r"\s*input\s*=", line) for line in out):
        first = spec.rows[0].in_size if spec and spec.rows else None
        printed = first if first is not None and len(first) == 3 else None
        shape = (spec and spec.input_shape) or printed or (224, 224, 3)
        why = "the first row's input size" if printed else "a guess"
        shown = "x".join(map(str, shape))
        out = _add(out, "", f'input = "{shown}"  # TODO: the network\'s input size ({why})')
    if not any(line.strip() == "[source]" for line in out):
        out += [
            "",
            "[source]  # TODO: where the table is printed",
            'citation = ""',
            'table = ""',
            'url = ""',
        ]
    if not any(line.strip() == "[conventions]" for line in out):
        out += ["", "[conventions]", *_CONVENTIONS]
    for note in spec.notes if spec else ():
        note = replace(note, text=_moved(note.text, shift), loc=_moved(f"{note.loc}", shift))
        if note.kind == "unexplained":
            out = _add(out, "", f'# TODO ({note.loc}): {note.text}: [footnotes] "MARK" = "..."')
        elif note.declare:
            out = _add(out, "columns", f"# {note.declare}  # read so ({note.loc}): {note.text}")
        else:
            out = _add(out, "", f"# read ({note.loc}): {note.text}")
    return out


def _add(front: list[str], section: str, line: str) -> list[str]:
    """`front` with `line` in `[section]` ("" the top, before any table)."""
    out = list(front)
    if not section:
        first = next((i for i, x in enumerate(out) if x.strip().startswith("[")), len(out))
        while first > 0 and not out[first - 1].strip():  # above the blank before a section
            first -= 1
        out.insert(first, line)
        return out
    head = next((i for i, x in enumerate(out) if x.strip() == f"[{section}]"), None)
    if head is None:
        return [*out, "", f"[{section}]", line]
    out.insert(head + 1, line)
    return out
