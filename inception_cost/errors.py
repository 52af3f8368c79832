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
