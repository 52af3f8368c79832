"""Writing results without losing anything the user has: refuse, or replace atomically."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from inception_cost.errors import InputError


def write_output(path: str | Path, text: str | bytes, *, force: bool = False, protect=()) -> None:
    """Write `text` (or bytes: a PNG) to `path`; an existing file needs `force`, a
    `protect`ed one never goes.

    As a shell redirection does, a symlink is written through to its target, a new file
    gets the user's umask and a replaced one keeps its mode; the text goes to a temporary
    file beside the target first, so a failed write leaves the old file as it was.
    """
    if not str(path):
        raise InputError("--output is empty", "a file path")
    given = Path(path)
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    where = f"{given}:1:1"
    if str(path).endswith(("/", os.sep)):  # Path drops the slash: DIR/ would be a file DIR
        raise InputError(
            f"--output {path} names a directory", "a file path", f"{str(path).rstrip('/')}:1:1"
        )
    for p in protect:
        if target.exists() and Path(p).exists() and target.resolve() == Path(p).resolve():
            raise InputError(
                f"--output {given} is the spec being read", "a different output path", where
            )
    try:
        old = target.stat()
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise InputError(
            f"cannot write {given}: {exc.strerror}", "a writable path", where
        ) from None
    if old is not None and stat.S_ISDIR(old.st_mode):
        raise InputError(f"--output {given} is a directory", "a file path", where)
    if old is not None and not stat.S_ISREG(old.st_mode):
        raise InputError(
            f"--output {given} is not a regular file (a FIFO, socket or device)",
            "a file path, or no --output to print to stdout",
            where,
        )
    if old is not None and not force:
        raise InputError(
            f"{given} exists", "--force to replace it, or another --output path", where
        )
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"no directory {parent}", "--output in an existing directory", where)
    mode = stat.S_IMODE(old.st_mode) if old is not None else 0o666 & ~_umask()
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=parent)
        binary = isinstance(text, bytes)
        how = {"mode": "wb"} if binary else {"mode": "w", "encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, **how) as fh:
            fh.write(text)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise InputError(
            f"cannot write {given}: {reason}" + (" (the old file is kept)" if old else ""),
            "a writable path with space for the output",
            where,
        ) from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask (read by setting it, then putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
