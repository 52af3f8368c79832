"""One error type for everything a user gave us that we cannot use.

Every message renders as one line, `FILE:LINE:COL: error: what is wrong; expected ...`,
so editors can jump to it and the CLI never needs a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """Where a piece of a spec came from (1-based line and column)."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class InputError(Exception):
    """Bad input: a file, a cell, an option value. Exit code 2 in the CLI."""

    def __init__(self, message: str, expected: str = "", where: Location | str | None = None):
        super().__init__(message)
        self.message = message
        self.expected = expected
        self.where = where

    def __str__(self) -> str:
        text = f"error: {self.message}"
        if self.expected:
            text += f"; expected {self.expected}"
        if self.where is not None:
            text = f"{self.where}: {text}"
        return text.replace("\n", " ")


class InputErrors(InputError):
    """Every error of one spec, reported in one run so a user fixes them in one pass: each
    on its own line, the first `LIMIT` of them, then how many more."""

    LIMIT = 20

    def __init__(self, errors: list[InputError]):
        first = errors[0]
        super().__init__(first.message, first.expected, first.where)
        self.errors = errors

    def __str__(self) -> str:
        lines = [str(e) for e in self.errors[: self.LIMIT]]
        if len(self.errors) > self.LIMIT:
            more = len(self.errors) - self.LIMIT
            lines.append(f"{self.where}: error: and {more} more; expected fewer errors per run")
        return "\n".join(lines)


def first_line(exc: BaseException, limit: int = 300) -> str:
    """A library's exception in one line for our message: its first line, at most `limit`
    characters, or its type's name where it says nothing."""
    text = str(exc).strip()
    return text.splitlines()[0][:limit] if text else type(exc).__name__


def nearest(word: object, known) -> str:
    """` (did you mean 'X'?)` for the known word nearest a typo, or nothing."""
    near = closest(str(word), [str(k) for k in known])
    return f" (did you mean {near!r}?)" if near is not None else ""


def close_matches(word: str, known, n: int) -> list[str]:
    """The known words nearest a typo, nearest first (at most n)."""
    import difflib

    return difflib.get_close_matches(word, known, n=n)


def closest(word: str, known) -> str | None:
    """The known word nearest a typo, if one is near enough."""
    import difflib

    near = difflib.get_close_matches(word, known, n=1)
    return near[0] if near else None


def check_keys(table: object, allowed: set[str], where: str, loc: Location | None) -> None:
    """A table of the front matter: no key but the `allowed` ones."""
    if not isinstance(table, dict):
        raise InputError(f"{where} is not a table", "a TOML table", loc)
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InputError(
            f"unknown key {unknown[0]!r} in {where}{nearest(unknown[0], allowed)}",
            "one of " + ", ".join(sorted(allowed)),
            loc,
        )


def gather(errors: list[InputError]) -> None:
    """Raise what was collected: nothing, the one error as it is, or all of them, each once
    (the copies of a repeated row share their cells, so they share their errors too)."""
    every = [e for err in errors for e in (err.errors if isinstance(err, InputErrors) else [err])]
    flat = list({str(e): e for e in every}.values())
    if len(flat) == 1:
        raise flat[0]
    if flat:
        lines = [e.where.line if isinstance(e.where, Location) else 0 for e in flat]
        raise InputErrors([e for _, e in sorted(zip(lines, flat, strict=True), key=lambda p: p[0])])
