"""`inception-cost profile`: a bar per row, where the cost sits."""

from __future__ import annotations

import click

from inception_cost.cli.options import (
    AUX,
    BATCH,
    DTYPE,
    FORMAT,
    Choice,
    emit,
    load_spec,
    output_options,
    show,
    spec_source,
    variant_option,
)
from inception_cost.profile import profiles
from inception_cost.render.profile import render


@click.command()
@spec_source()
@click.option(
    "--by",
    "quantity",
    type=Choice(("macs", "params", "memory")),
    default="macs",
    show_default=True,
    help="The quantity each bar draws (memory: the bytes each row's activations take).",
)
@BATCH
@DTYPE
@AUX
@variant_option()
@FORMAT
@output_options
def profile(spec_file, model, quantity, batch, dtype, aux, variant, fmt, output, force) -> None:
    """A bar per row for MACs, params or activation memory: where the cost sits."""

    spec = load_spec(spec_file, model)
    (bars,) = profiles(spec, (quantity,), aux=aux, batch=batch, dtype=dtype, variant=variant or "")
    if fmt == "rich":  # only a rich run imports rich
        from inception_cost.render.terminal.profile import draw

        show(draw, bars, output, force, spec_file)
    else:
        emit(render(bars, fmt), output, force, spec_file)
