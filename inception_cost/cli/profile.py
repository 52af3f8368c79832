"""`inception-cost profile`: a bar per row, where the cost sits."""

from __future__ import annotations

import click

from inception_cost.cli.options import (
    AUX,
    BATCH,
    DTYPE,
    FORMAT,
    deliver,
    load_spec,
    output_options,
    spec_source,
    variant_option,
)
from inception_cost.profile import profiles


@click.command()
@spec_source()
@click.option(
    "--by",
    "quantity",
    type=click.Choice(("macs", "params", "memory")),
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
    deliver("bars", bars, fmt, output, force, spec_file)
