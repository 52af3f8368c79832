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
    suffix_of,
    variant_option,
)
from inception_cost.landscape import points
from inception_cost.profile import profile
from inception_cost.render import plot as charts
from inception_cost.report import make_report


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
    activation memory per row of one network, each row's claims marked by verdict, or with
    --compare the bundled networks."""
    suffix = suffix_of(output)
    if suffix not in charts.SUFFIXES:
        raise click.UsageError("--output must end in .png, .svg or .pdf")
    if compare and (spec_file or model or variant or aux or batch != 1):
        raise click.UsageError("--compare draws the bundled networks at batch 1; give it alone")
    if compare:
        figure = charts.comparison_figure(points())
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
