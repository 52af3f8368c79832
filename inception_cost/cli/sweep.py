"""`inception-cost sweep`: the network across input sizes."""

from __future__ import annotations

import click

from inception_cost.cli.options import (
    ACTIVATION_DTYPE,
    FORMAT,
    Parsed,
    emit,
    load_spec,
    output_options,
    show,
    spec_source,
    variant_option,
)
from inception_cost.render.sweep import render
from inception_cost.sweep import parse_sizes
from inception_cost.sweep import sweep as run_sweep

_SIZES = Parsed("SIZES", parse_sizes)


@click.command()
@spec_source()
@click.option(
    "--input",
    "sides",
    type=_SIZES,
    metavar="SIZES",
    help="Square input sides: 224, a list 112,224,448 or a range 112..672/112 (first..last/step);"
    " default the spec's own side x 1/2, 1, ..., 3.",
)
@variant_option("Sweep an alternative reading named in the spec.")
@click.option(
    "--global-pool",
    is_flag=True,
    help="Read an average pool that covers the whole map at the spec's own size as global"
    " pooling (torchvision's adaptive pooling).",
)
@ACTIVATION_DTYPE
@FORMAT
@output_options
def sweep(spec_file, model, sides, variant, global_pool, dtype, fmt, output, force) -> None:
    """Final feature map, params, multiply-adds and activations across input sizes.

    Names each row that can no longer be built and why, and finds the smallest square
    input the network accepts (docs/receptive.md).

    Exit 0, also when some sizes cannot be built (each is named); 2 on bad input.
    """
    result = run_sweep(
        load_spec(spec_file, model, models=False),
        sides or (),
        variant=variant or "",
        global_pool=global_pool,
        dtype=dtype,
    )
    if fmt == "rich":  # only a rich run imports rich
        from inception_cost.render.terminal.sweep import draw

        show(draw, result, output, force, spec_file)
    else:
        emit(render(result, fmt), output, force, spec_file)
