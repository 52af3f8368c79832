"""`inception-cost memory`: parameter, activation, peak and training memory."""

from __future__ import annotations

import click

from inception_cost import cost
from inception_cost import memory as mem
from inception_cost.builder import build
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
from inception_cost.render.memory import render


@click.command()
@spec_source()
@BATCH
@DTYPE
@AUX
@variant_option()
@click.option(
    "--optimizer",
    type=Choice(("none", "sgd", "adam")),
    default="none",
    show_default=True,
    help="Optimizer state in training memory: SGD momentum 1, Adam 2 per trained parameter.",
)
@FORMAT
@output_options
def memory(spec_file, model, batch, dtype, aux, variant, optimizer, fmt, output, force) -> None:
    """Parameter, activation, inference-peak and training memory, each convention named,
    beside torchinfo's, torchsummary's and convnet-burden's figures (docs/memory.md)."""

    spec = load_spec(spec_file, model)
    analysis = cost.analyse(build(spec, aux=aux, variant=variant or ""), batch=batch, dtype=dtype)
    result = (spec.name, aux, mem.memory(analysis, optimizer), mem.tool_memory(analysis))
    if fmt == "rich":  # only a rich run imports rich
        from inception_cost.render.terminal.memory import draw

        show(draw, result, output, force, spec_file)
    else:
        emit(render(result, fmt), output, force, spec_file)
