"""Probes run by a fresh interpreter: what a command imports shows only in a process that
has imported nothing else (the test session has loaded every module)."""

from __future__ import annotations

import subprocess
import sys


def running(*argv: str, code: int | None = 0) -> str:
    """Source that runs `inception-cost ARGV` in the probe, holding it to exit `code` (None:
    any exit)."""
    check = f"    assert exc.code == {code!r}, exc.code\n" if code is not None else "    pass\n"
    return (
        "from inception_cost.cli import cli\n"
        "try:\n"
        f"    cli.main({list(argv)!r}, prog_name='inception-cost')\n"
        "except SystemExit as exc:\n" + check
    )


def probe(code: str) -> list[str]:
    """The lines `code` prints, run by a new interpreter; a failure in it fails the test."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()
