"""Keep every command output shown in README.md and docs/ equal to what the tool prints.

A block in a Markdown file written as

    <!-- output: inception-cost table --format csv -->
    ```text
    ...
    ```

holds the stdout of that command (run in-process, 100 columns, no colour); a block
opened with `<!-- stderr: inception-cost ... -->` holds what the command writes to
stderr (an error line) instead. `python docs/regen.py` rewrites the blocks;
tests/test_docs.py fails when one is stale, and every fenced `text` block in docs/ is
one of these (or it is not an output).
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's inception_cost, not an installed one
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(
    r"(<!-- (?P<kind>output|stderr): (?P<cmd>.+?) -->\n```text\n)(?P<body>.*?)(```)", re.S
)


def run(cmdline: str, kind: str = "output") -> str:
    """The stdout (or, for `stderr`, the stderr) of one `inception-cost ...` command line,
    as a user at 100 columns sees it."""
    from click.testing import CliRunner

    from inception_cost.cli import cli

    args = shlex.split(cmdline)
    assert args[0] == "inception-cost", cmdline
    env = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    result = CliRunner().invoke(cli, args[1:], env=env, prog_name="inception-cost")
    return result.stderr if kind == "stderr" else result.stdout


def blocks(text: str):
    for m in BLOCK.finditer(text):
        yield m["kind"], m["cmd"], m["body"]


def regenerate(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    new = BLOCK.sub(lambda m: m[1] + run(m["cmd"], m["kind"]) + m[5], text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    changed = [p.name for p in FILES if regenerate(p)]
    print("regenerated: " + (", ".join(changed) or "nothing"), file=sys.stderr)
