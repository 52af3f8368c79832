"""`inception-cost plot`: a chart of one network per row, of every bundled network, or of
one network's rows on a machine's roof."""

from __future__ import annotations

import click

from inception_cost import machines as known
from inception_cost.cli.options import (
    AUX,
    BATCH,
    DTYPE,
    emit,
    load_spec,
    machine_options,
    spec_source,
    suffix_of,
    variant_option,
)
from inception_cost.landscape import points
from inception_cost.profile import profile
from inception_cost.render import plot as charts
from inception_cost.report import make_report
from inception_cost.roofline import roofline


@click.command()
@spec_source()
@click.option(
    "--compare",
    is_flag=True,
    help="Every bundled network and variant: params against MACs, with the papers' claims.",
)
@click.option(
    "--roofline",
    "on_roof",
    is_flag=True,
    help="Each row on a machine's roof (the machine options of `time`): FLOPs per byte"
    " against the FLOP/s it reached, measured with --measure numpy.",
)
@machine_options
@click.option(
    "--measure",
    type=click.Choice(("numpy",)),
    help="With --roofline: run the network and place each row at its measured rate.",
)
@BATCH
@DTYPE
@AUX
@variant_option()
@click.option(
    "--output", "-o", required=True, metavar="FILE", help="The chart: FILE.png, .svg or .pdf."
)
@click.option("--force", is_flag=True, help="Let --output replace an existing file.")
def plot(
    spec_file, model, compare, on_roof, machine, measure, batch, dtype, aux, variant, output, force
) -> None:
    """A chart (needs the plot extra: pip install 'inception-cost[plot]'): params, MACs and
    activation memory per row of one network, each row's claims marked by verdict, with
    --compare the bundled networks, with --roofline the network's rows on a machine's roof."""
    suffix = suffix_of(output)
    if suffix not in charts.SUFFIXES:
        raise click.UsageError("--output must end in .png, .svg or .pdf")
    if compare and (spec_file or model or variant or aux or batch != 1 or on_roof):
        raise click.UsageError("--compare draws the bundled networks at batch 1; give it alone")
    if not on_roof and (measure or any(v for v in machine.values())):
        raise click.UsageError("the machine options and --measure go with --roofline")
    if compare:
        figure = charts.comparison_figure(points())
    elif on_roof:
        spec = load_spec(spec_file, model)
        result = roofline(
            spec,
            machine=known.choose(**machine, dtype=dtype, measuring=measure is not None),
            batch=batch,
            dtype=dtype,
            aux=aux,
            variant=variant or "",
            precision=machine["precision"],
            measure=measure,
            llc=machine["llc"],
        )
        figure = charts.roofline_figure(result)
    else:
        spec = load_spec(spec_file, model)
        report = make_report(
            spec, aux=aux, batch=batch, dtype=dtype, variant=variant or "", readings=False
        )
        figure = charts.layer_figure(
            [profile(spec.name, report.analysis, q) for q in ("params", "macs", "memory")],
            charts.claim_verdicts(report),
        )
    emit(charts.save(figure, suffix), output, force, spec_file)
