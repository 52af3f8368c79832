"""`inception-cost conventions`: one network counted the way each popular tool counts."""

from __future__ import annotations

import click

from inception_cost.cli.options import (
    BATCH,
    FORMAT,
    INPUT,
    emit,
    load_spec,
    output_options,
    show,
    spec_source,
)
from inception_cost.comparison import compare
from inception_cost.render.conventions import render
from inception_cost.spec.variants import with_overrides


@click.command()
@spec_source()
@BATCH
@INPUT
@FORMAT
@output_options
def conventions(spec_file, model, batch, input_shape, fmt, output, force) -> None:
    """One network counted the way every popular tool counts it, and why they differ.

    Each preset is a documented weighting of the cost model's own categories (bias adds,
    ReLU, pooling, LRN, x2); docs/conventions.md says where each rule was read.
    """
    spec = with_overrides(load_spec(spec_file, model), input_shape=input_shape)
    comparison = compare(spec, batch)
    if fmt == "rich":  # only a rich run imports rich
        from inception_cost.render.terminal.conventions import draw

        show(draw, comparison, output, force, spec_file)
    else:
        emit(render(comparison, fmt), output, force, spec_file)
