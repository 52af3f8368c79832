"""`inception-cost diff`: where an implementation departs from the paper's table."""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from pathlib import Path

import click

from inception_cost.cli.options import (
    AUX,
    FORMAT,
    INPUT,
    complete_models,
    emit,
    load_spec,
    output_options,
    show,
    variant_option,
)
from inception_cost.diff import diff as run_diff
from inception_cost.implementation.model import is_model
from inception_cost.render.diff import render


@click.command()
@click.argument("paths", nargs=-1, metavar="[SPEC] MODEL", type=click.Path())
@click.option(
    "--model",
    "-m",
    metavar="NAME",
    help="A bundled spec (see `models`).",
    shell_complete=complete_models,
)
@click.option(
    "--torch",
    "target",
    metavar="PACKAGE.MODULE:CALLABLE",
    help="Export what the callable returns (a torch.nn.Module) and read that: the torch extra.",
)
@click.option(
    "--fold/--no-fold",
    default=False,
    show_default=True,
    help="With --torch: fold each batch norm into its convolution, as torch.onnx.export"
    " does by default.",
)
@INPUT
@AUX
@variant_option("Compare an alternative reading named in the spec.")
@FORMAT
@output_options
def diff(paths, model, target, fold, input_shape, aux, variant, fmt, output, force) -> None:
    """Name each place the implementation MODEL (an .onnx file, or --torch) departs from the
    table SPEC (or --model NAME): a kernel, stride, width, padding or pooling; a bias
    dropped; batch norm added; an LRN or a layer missing or added; each with its effect on
    params and MACs, which add up to the difference of the totals.

    Exit 0 when nothing departs, 1 when something does, 2 on bad input.
    """
    spec_file, model_file = _paths(paths, target)
    spec = load_spec(spec_file, model)
    if target:
        from inception_cost.implementation import torch_export  # torch: only for --torch
        from inception_cost.implementation.reader import read

        made = torch_export.load_callable(target)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{target.rpartition(':')[2]}.onnx"
            torch_export.export(made, path, input_shape or spec.input_shape, fold=fold)
            impl = read(str(path), name=target)
        impl = dataclasses.replace(impl, path=target)
    else:
        impl = load_spec(model_file, None)
    result = run_diff(spec, impl, aux=aux, variant=variant or "")
    if fmt == "rich":  # only a rich run imports rich
        from inception_cost.render.terminal.diff import draw

        show(draw, result, output, force, spec_file)
    else:
        emit(render(result, fmt), output, force, spec_file)
    if not result.same:
        sys.exit(1)


def _paths(paths: tuple[str, ...], target: str | None) -> tuple[str | None, str | None]:
    """(SPEC, MODEL) from the arguments: MODEL last, unless --torch gives it."""
    wanted = "[SPEC]" if target else "[SPEC] MODEL"
    if len(paths) > (1 if target else 2) or (not target and not paths):
        raise click.UsageError(f"expected {wanted}, got {len(paths)} paths")
    if target:
        return (paths[0] if paths else None), None
    model_file = paths[-1]
    if not is_model(model_file):
        raise click.UsageError(f"MODEL {model_file!r} is not an .onnx file (or give --torch)")
    return (paths[0] if len(paths) == 2 else None), model_file
