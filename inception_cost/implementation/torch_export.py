"""A PyTorch module exported to ONNX (the optional `torch` extra), so `diff --torch
package.module:callable` reads it as it reads any model file.

torch's exporter (`torch.onnx.export`, dynamo) records each node's module; `fold=False`
keeps batch norms as nodes (`optimize=False`), `fold=True` exports as torch does by
default, folding each into its convolution. The exporter's progress lines and warnings
are kept off the terminal.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
import sys
import warnings
from pathlib import Path

from inception_cost.cells import Shape
from inception_cost.errors import InputError, first_line


def load_callable(target: str):
    """`package.module:callable` -> what calling it returns (a torch module)."""
    module_name, _, attr = target.partition(":")
    if not module_name or not attr:
        raise InputError(f"--torch {target!r} names no callable", "package.module:callable")
    if "" not in sys.path and "." not in sys.path:
        sys.path.insert(0, "")  # the working directory, as `python -m` has it
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InputError(
            f"--torch: cannot import {module_name!r}: {exc}", "an importable module"
        ) from None
    made = module
    for part in attr.split("."):
        if not hasattr(made, part):
            raise InputError(f"--torch: {module_name} has no {attr!r}", "a callable it defines")
        made = getattr(made, part)
    if not callable(made):
        raise InputError(f"--torch: {target} is not callable", "a class or a function")
    return made()


def export(model, path: str | Path, input_shape: Shape, *, fold: bool = False) -> Path:
    """Write `model` (a torch.nn.Module) at `path` for an input of `input_shape` (H, W, C),
    in eval mode, weights beside it (`path`.data)."""
    try:
        import torch
    except ImportError as exc:
        raise InputError(
            "--torch needs PyTorch", "pip install 'inception-cost[torch]' (torch 2.13.0)"
        ) from exc
    if not isinstance(model, torch.nn.Module):
        raise InputError(
            f"--torch: the callable returned a {type(model).__name__}", "a torch.nn.Module"
        )
    h, w, c = input_shape
    x = torch.zeros(1, c, h, w)
    level = logging.root.manager.disable  # the exporter logs every traced op at DEBUG
    logging.disable(logging.CRITICAL)
    try:
        with (
            warnings.catch_warnings(),
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
        ):
            warnings.simplefilter("ignore")
            torch.onnx.export(model.eval(), (x,), str(path), dynamo=True, optimize=fold)
    except Exception as exc:  # the exporter's own failure, on the user's module
        raise InputError(
            f"torch.onnx.export failed: {first_line(exc)}", "a module torch can export"
        ) from None
    finally:
        logging.disable(level)
    return Path(path)
