"""Writing results without losing anything the user has: refuse, or replace atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from inception_cost.errors import InputError


def write_output(path: str | Path, text: str | bytes, *, force: bool = False, protect=()) -> None:
    """Write `text` (or bytes: a PNG) to `path`; an existing file needs `force`, a
    `protect`ed one never goes."""
    target = Path(path)
    where = f"{target}:1:1"
    for p in protect:
        if target.exists() and Path(p).exists() and target.resolve() == Path(p).resolve():
            raise InputError(
                f"--output {target} is the spec being read", "a different output path", where
            )
    if target.is_dir():
        raise InputError(f"--output {target} is a directory", "a file path", where)
    if target.exists() and not force:
        raise InputError(
            f"{target} exists", "--force to replace it, or another --output path", where
        )
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"no directory {parent}", "--output in an existing directory", where)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=parent)
    try:
        binary = isinstance(text, bytes)
        mode = {"mode": "wb"} if binary else {"mode": "w", "encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, **mode) as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
