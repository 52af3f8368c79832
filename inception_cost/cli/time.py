"""`inception-cost time`: a roofline per row on a machine, and the measured time beside it."""

from __future__ import annotations

import click

from inception_cost import machines as known
from inception_cost.cli.options import (
    AUX,
    BATCH,
    DTYPE,
    FORMAT,
    INPUT,
    emit,
    load_spec,
    machine_options,
    output_options,
    show,
    spec_source,
    variant_option,
)
from inception_cost.render.time import render
from inception_cost.roofline import RULES, RUNTIMES, roofline
from inception_cost.spec.variants import with_overrides


@click.command()
@spec_source()
@machine_options
@click.option(
    "--measure",
    type=click.Choice(RUNTIMES),
    help="Run the network and time each row (numpy: the bundled reference; onnxruntime:"
    " an ONNX model as SPEC, each node timed by onnxruntime's profiler), after calibrating"
    " this machine again in the same process.",
)
@click.option(
    "--repeat",
    "repeats",
    type=click.IntRange(1, 1000),
    default=5,
    show_default=True,
    help="Timed runs with --measure; each row's time is their median.",
)
@click.option(
    "--rule",
    type=click.Choice(RULES),
    default="cache-aware",
    show_default=True,
    help="cache-aware: an op whose bytes fit in half the last-level cache is charged at"
    " cache bandwidth; dram: every op at DRAM bandwidth.",
)
@click.option(
    "--other-ops/--no-other-ops",
    default=True,
    show_default=True,
    help="FLOPs = 2 x MACs + other ops (compares, adds, ...), or 2 x MACs alone.",
)
@BATCH
@DTYPE
@AUX
@variant_option()
@INPUT
@click.option("--expand", is_flag=True, help="One line per op inside each row.")
@FORMAT
@output_options
def time(
    spec_file,
    model,
    machine,
    measure,
    repeats,
    rule,
    other_ops,
    batch,
    dtype,
    aux,
    variant,
    input_shape,
    expand,
    fmt,
    output,
    force,
) -> None:
    """Each row's bytes, arithmetic intensity, bound and roofline time (the larger of
    FLOPs / peak and bytes / bandwidth) on a machine; with --measure, the measured time
    beside it and the rows that beat their bound.

    The machine is a preset (--machine a100, h100, i9-11900h), figures by hand (--peak,
    --bandwidth) or this machine measured (--calibrate stores it; --machine calibrated
    reads it back). Exit 0 on success, 2 on bad input.
    """
    spec = with_overrides(load_spec(spec_file, model), input_shape=input_shape)
    result = roofline(
        spec,
        machine=known.choose(**machine, dtype=dtype, measuring=measure is not None),
        batch=batch,
        dtype=dtype,
        aux=aux,
        variant=variant or "",
        precision=machine["precision"],
        rule=rule,
        other_ops=other_ops,
        expand=expand,
        measure=measure,
        repeats=repeats,
        llc=machine["llc"],
    )
    if fmt == "rich":  # only a rich run imports rich
        from inception_cost.render.terminal.time import draw

        show(draw, result, output, force, spec_file)
    else:
        emit(render(result, fmt), output, force, spec_file)
