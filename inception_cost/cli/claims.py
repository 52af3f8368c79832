"""`inception-cost claims`: every paper-level claim of the bundled specs with its verdict."""

from __future__ import annotations

import click

from inception_cost.catalog import survey
from inception_cost.cli.options import FORMAT, complete_models, emit, output_options, show
from inception_cost.render.claims import render
from inception_cost.spec.read import model_path


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
    # each by its bundled name (`LeNet-5` is lenet5); an unknown name fails here, in one line
    result = survey([model_path(name).stem for name in names] or None)
    if fmt == "rich":  # only a rich run imports rich
        from inception_cost.render.terminal.claims import draw

        show(draw, result, output, force, None)
    else:
        emit(render(result, fmt), output, force, None)
