"""`inception-cost receptive`: receptive field, effective stride and padding per row."""

from __future__ import annotations

import click

from inception_cost.cli.options import (
    AUX,
    FORMAT,
    INPUT,
    emit,
    load_spec,
    output_options,
    show,
    spec_source,
    variant_option,
)
from inception_cost.receptive import for_spec
from inception_cost.render.receptive import render
from inception_cost.sweep import at_input


@click.command()
@spec_source()
@click.option("--expand", is_flag=True, help="One line per op inside each row.")
@INPUT
@AUX
@variant_option("An alternative reading named in the spec.")
@FORMAT
@output_options
def receptive(spec_file, model, expand, input_shape, aux, variant, fmt, output, force) -> None:
    """Receptive field size, effective stride and padding of every row, through its branches.

    Definitions of Araujo, Norris and Sim (Distill 2019); a row with branches shows each
    path's field and whether the paths are centre-aligned (docs/receptive.md).

    Exit 0, also when paths are misaligned (the rows are named); 2 on bad input.
    """
    spec = load_spec(spec_file, model)
    if input_shape is not None:
        spec = at_input(spec, input_shape, variant or "")
    result = for_spec(spec, aux=aux, variant=variant or "")
    if fmt == "rich":  # only a rich run imports rich
        from inception_cost.render.terminal.receptive import draw

        show(draw, result, output, force, spec_file, expand=expand)
    else:
        emit(render(result, fmt, expand=expand), output, force, spec_file)
