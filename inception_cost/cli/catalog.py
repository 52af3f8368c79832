"""`inception-cost models` and `claims`: the bundled specs, their totals and claims."""

from __future__ import annotations

import click

from inception_cost.catalog import summaries, survey
from inception_cost.cli.options import FORMAT, complete_models, deliver, output_options
from inception_cost.spec.read import model_path


@click.command()
@FORMAT
@output_options
def models(fmt, output, force) -> None:
    """List the bundled specs with their totals and how many claims hold."""

    deliver("catalog", summaries(), fmt, output, force, None, name="render_models")


@click.command()
@click.option(
    "--model",
    "-m",
    "names",
    multiple=True,
    metavar="NAME",
    shell_complete=complete_models,
    help="Only this bundled spec (repeatable); all of them by default.",
)
@FORMAT
@output_options
def claims(names, fmt, output, force) -> None:
    """List every paper-level claim of the bundled specs with its verdict.

    CSV lists the claims only; the other formats add how each network's classifier
    head costs against the other kind (global average pooling or a flattened map)."""

    for name in names:
        model_path(name)  # an unknown name fails here, in one line

    deliver("catalog", survey(list(names) or None), fmt, output, force, None, name="render_claims")
