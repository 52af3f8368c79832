"""The status words of every verdict, and what each means for whether a claim holds.

A status is a `str` (StrEnum), so JSON, CSV and text print the same words they always
have; code compares against the members, never a bare string.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """One verdict on a claim against the computed value."""

    MATCH = "match"  # the computed value rounds to the printed one: holds
    TRUNCATED = "truncated"  # it only truncates to it: fails `--fail-on truncated`
    MISMATCH = "mismatch"  # neither: fails
    WITHIN = "within"  # inside an "at most" or "at least" bound: holds
    OVER = "over"  # above an "at most" bound: fails
    UNDER = "under"  # below an "at least" bound: fails
    UNCHECKED = "not checkable"  # nothing to compare with (a spec not bundled): neither

    @property
    def holds(self) -> bool:
        return self in (Status.MATCH, Status.WITHIN)

    def fails(self, level: str) -> bool:
        """Whether the claim does not hold at `table --fail-on LEVEL` (mismatch or truncated)."""
        if self in (Status.MISMATCH, Status.OVER, Status.UNDER):
            return True
        return self is Status.TRUNCATED and level == "truncated"


#: The levels of `table --fail-on`.
FAIL_LEVELS = ("mismatch", "truncated")

#: The statuses of a claim that holds: as printed, or within its bound ("at most/least").
HOLDING = frozenset(s for s in Status if s.holds)

#: `table --fail-on LEVEL`: the statuses that count as a claim not holding.
FAILING = {level: frozenset(s for s in Status if s.fails(level)) for level in FAIL_LEVELS}
