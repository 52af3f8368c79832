"""`inception-cost table`: the per-layer report, each claim of the paper audited."""

from __future__ import annotations

import click

from inception_cost.audit import failures
from inception_cost.cli import fail
from inception_cost.cli.options import (
    ACTIVATION_DTYPE,
    AUX,
    INPUT,
    PADDING,
    PICTURES,
    Choice,
    Whole,
    emit,
    load_spec,
    output_options,
    show,
    spec_source,
    suffix_of,
    variant_option,
)
from inception_cost.conventions import DECLARED
from inception_cost.implementation.model import Implementation
from inception_cost.render import TABLE_FORMATS, UNJUDGED
from inception_cost.render.table import render
from inception_cost.report import make_report
from inception_cost.spec.variants import with_overrides
from inception_cost.verdicts import FAIL_LEVELS


def _complete_presets(ctx, param, incomplete: str):
    """Shell completion: the convention presets (imported only when completing: a table
    without --as does not need them)."""
    from inception_cost.presets import PRESETS

    return [p for p in PRESETS if p.startswith(incomplete)]


@click.command()
@spec_source()
@click.option(
    "--format",
    "fmt",
    type=Choice(TABLE_FORMATS),
    default="rich",
    show_default=True,
    help="markdown: a report to paste into a README; spec: Markdown that reads back as a spec.",
)
@click.option("--flops", is_flag=True, help="Show FLOPs = 2 x multiply-adds instead of MACs.")
@click.option(
    "--batch",
    type=Whole(1),
    default=1,
    show_default=True,
    help="Images per batch: scales MACs, other ops and activations, not params.",
)
@click.option("--bias/--no-bias", default=None, help="Layers carry biases (default: the spec's).")
@AUX
@click.option("--expand", is_flag=True, help="One line per op inside each block.")
@click.option(
    "--brief/--full",
    default=None,
    help="--brief: only the table, its totals and a line counting the verdicts (the"
    " default for an .svg or .html picture); --full: the conventions and findings too.",
)
@click.option(
    "--shares",
    is_flag=True,
    help="Percent columns: each row's share of params, MACs and activation memory"
    " (always in csv and json).",
)
@INPUT
@ACTIVATION_DTYPE
@click.option(
    "--pool-rounding",
    type=Choice(DECLARED["pool_rounding"].values),
    help="How pooling output sizes round (default: the spec's).",
)
@click.option(
    "--padding",
    type=PADDING,
    metavar="same|valid|N",
    help="Convolution padding (default: the spec's).",
)
@variant_option()
@click.option(
    "--as",
    "as_preset",
    metavar="PRESET",
    shell_complete=_complete_presets,
    help="Count params and operations as a tool does (see `conventions`): torchinfo, fvcore,"
    " thop, ptflops, ptflops-aten, torchprofile, flop-counter, calflops, netscope, keras,"
    " paper, ours.",
)
@click.option(
    "--fail-on",
    type=Choice(FAIL_LEVELS),
    help="Exit 1 when a claim does not hold (mismatch; truncated: also a claim that only"
    " truncates), after printing; for auditing a spec in CI.",
)
@output_options
def table(
    spec_file,
    model,
    fmt,
    flops,
    batch,
    bias,
    aux,
    expand,
    brief,
    shares,
    input_shape,
    dtype,
    pool_rounding,
    padding,
    variant,
    as_preset,
    fail_on,
    output,
    force,
) -> None:
    """Per-layer shapes, params, multiply-adds and activations, with the paper's claims audited.

    SPEC is a Markdown or CSV layer table (docs/spec-format.md), `-` for standard input;
    with neither SPEC nor --model the bundled GoogLeNet (Table 1 of Szegedy et al. 2014)
    is analysed.

    Exit 0 on success; 1 with --fail-on when a claim does not hold; 2 on bad input.
    """
    if brief is None:
        brief = suffix_of(output) in PICTURES  # a picture of 150 lines is a strip, not a slide
    elif brief and fmt != "rich":
        raise click.UsageError(f"--brief shortens the rich table; give it without --format {fmt}")
    tabled = load_spec(spec_file, model)
    spec = with_overrides(
        tabled,
        input_shape=input_shape,
        bias=bias,
        pool_rounding=pool_rounding,
        conv_padding=padding,
    )
    if flops and as_preset:
        raise click.UsageError("give --flops or --as, not both (--as flop-counter counts FLOPs)")
    if fmt == "spec" and isinstance(tabled, Implementation):
        raise click.UsageError("a model file has no table to write as a spec (--format markdown)")
    report = make_report(
        spec,
        aux=aux,
        batch=batch,
        dtype=dtype,
        flops=flops,
        expand=expand,
        variant=variant or "",
        preset=as_preset or "",
        tabled=tabled if spec.overrides != tabled.overrides else None,
        show_shares=shares,
        readings=fmt not in UNJUDGED or fail_on is not None,
    )
    if spec_file is None and model is None and fmt == "rich" and output is None:
        click.echo("No SPEC given: analysing the bundled GoogLeNet (--model googlenet).", err=True)
    if fmt == "rich":  # only a rich run imports rich
        from inception_cost.render.terminal.table import draw

        show(draw, report, output, force, spec_file, brief=brief)
    else:
        emit(render(report, fmt), output, force, spec_file)
    if fail_on:
        failed = failures(report.audit, fail_on)
        if failed:
            fail(f"inception-cost: {failed} claims do not hold (--fail-on {fail_on})", 1)
