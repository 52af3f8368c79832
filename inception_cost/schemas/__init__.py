"""JSON Schemas of every command's `--format json` output (docs/json.md)."""

from __future__ import annotations

import json
from importlib import resources

COMMANDS = (
    "table",
    "compare-bottleneck",
    "verify",
    "conventions",
    "models",
    "claims",
    "receptive",
    "sweep",
    "memory",
    "profile",
    "diff",
    "time",
)


def load(command: str) -> dict:
    """The JSON Schema (draft 2020-12) of `inception-cost COMMAND --format json`."""
    if command not in COMMANDS:
        raise KeyError(f"no schema for {command!r}; one of {', '.join(COMMANDS)}")
    text = resources.files(__package__).joinpath(f"{command}.schema.json").read_text("utf-8")
    return json.loads(text)
