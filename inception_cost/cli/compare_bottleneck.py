"""`inception-cost compare-bottleneck`: what the 1x1 reduction saves."""

from __future__ import annotations

import click

from inception_cost import bottleneck, naive
from inception_cost.cli.options import (
    FORMAT,
    PADDING,
    SHAPE,
    Whole,
    emit,
    load_spec,
    output_options,
    show,
    spec_source,
)
from inception_cost.render.compare_bottleneck import render


@click.command("compare-bottleneck")
@spec_source("Compare the inception, inverted residual or bottleneck blocks of a spec.")
@click.option("--input", "input_shape", type=SHAPE, metavar="HxWxC", help="Custom: input size.")
@click.option("--kernel", type=Whole(1), metavar="K", help="Custom: KxK convolution.")
@click.option("--out", type=Whole(1), metavar="N", help="Custom: output maps.")
@click.option("--reduce", "reduce_to", type=Whole(1), metavar="R", help="Custom: 1x1 maps first.")
@click.option(
    "--stride",
    type=Whole(1),
    default=1,
    show_default=True,
    metavar="S",
    help="Custom: stride of the KxK convolution.",
)
@click.option(
    "--padding",
    type=PADDING,
    default="same",
    show_default=True,
    metavar="same|valid|N",
    help="Custom: padding of the KxK convolution.",
)
@FORMAT
@output_options
def compare_bottleneck(
    spec_file, model, input_shape, kernel, out, reduce_to, stride, padding, fmt, output, force
) -> None:
    """What the 1x1 reduction saves: the study notes' examples, a network, or your setting.

    With no arguments: the notes' worked examples, each claim judged. With SPEC or
    --model: every inception module against the naive module (MobileNetV2's inverted
    residuals against a plain 3x3, ResNet's bottlenecks against the basic block), then
    the whole network.
    With --input, --kernel, --out and --reduce: that one setting.
    """
    custom = {"--input": input_shape, "--kernel": kernel, "--out": out, "--reduce": reduce_to}
    given = [name for name, value in custom.items() if value is not None]
    if given and (spec_file or model):
        raise click.UsageError(f"{given[0]} sets up a custom comparison; give it without a SPEC")
    if given:
        missing = [name for name, value in custom.items() if value is None]
        if missing:
            raise click.UsageError(f"a custom comparison also needs {', '.join(missing)}")
        result = (bottleneck.custom(input_shape, kernel, out, reduce_to, stride, padding),)
    elif spec_file or model:
        result = naive.modules(load_spec(spec_file, model, models=False))
    else:
        result = bottleneck.examples()
    if fmt == "rich":  # only a rich run imports rich
        from inception_cost.render.terminal.compare_bottleneck import draw

        show(draw, result, output, force, spec_file)
    else:
        emit(render(result, fmt), output, force, spec_file)
