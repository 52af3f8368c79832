"""Tiny Markdown specs for tests: front matter lines, then table rows under the paper header."""

from __future__ import annotations

HEADER = (
    "| type | patch size/stride | output size | depth | params | ops |\n|---|---|---|---|---|---|\n"
)


def spec_text(rows: str, front: str = 'input = "8x8x3"') -> str:
    """A Markdown spec: front matter lines, then the given table rows under HEADER."""
    return f"+++\n{front}\n+++\n\n{HEADER}{rows}"
