"""`inception-cost plot`: a chart of one network per row, or of every bundled network."""

from __future__ import annotations

import click

from inception_cost.cli.options import (
    AUX,
    BATCH,
    DTYPE,
    emit,
    load_spec,
    spec_source,
    variant_option,
)
from inception_cost.landscape import points
from inception_cost.profile import profiles
from inception_cost.render import plot as charts


@click.command()
@spec_source()
@click.option(
    "--compare",
    is_flag=True,
    help="Every bundled network and variant: params against MACs, with the papers' claims.",
)
@BATCH
@DTYPE
@AUX
@variant_option()
@click.option(
    "--output", "-o", required=True, metavar="FILE", help="The chart: FILE.png, .svg or .pdf."
)
@click.option("--force", is_flag=True, help="Let --output replace an existing file.")
def plot(spec_file, model, compare, batch, dtype, aux, variant, output, force) -> None:
    """A chart (needs the plot extra: pip install 'inception-cost[plot]'): params, MACs and
    activation memory per row of one network, or with --compare the bundled networks."""

    suffix = output[output.rfind(".") :].lower() if "." in output else ""
    if suffix not in charts.SUFFIXES:
        raise click.UsageError("--output must end in .png, .svg or .pdf")
    if compare and (spec_file or model or variant or aux or batch != 1):
        raise click.UsageError("--compare draws the bundled networks at batch 1; give it alone")
    if compare:
        figure = charts.comparison_figure(points())
    else:
        spec = load_spec(spec_file, model)
        charts.check_rows(sum(1 for r in spec.rows if aux or not r.train_only))
        quantities = ("params", "macs", "memory")
        figure = charts.layer_figure(
            profiles(spec, quantities, aux=aux, batch=batch, dtype=dtype, variant=variant or "")
        )
    emit(charts.save(figure, suffix), output, force, spec_file)
