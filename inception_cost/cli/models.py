"""`inception-cost models`: the bundled specs with their totals and how many claims hold."""

from __future__ import annotations

import click

from inception_cost.catalog import summaries
from inception_cost.cli.options import FORMAT, emit, output_options, show
from inception_cost.render.models import render


@click.command()
@FORMAT
@output_options
def models(fmt, output, force) -> None:
    """List the bundled specs with their totals and how many claims hold."""
    result = summaries()
    if fmt == "rich":  # only a rich run imports rich
        from inception_cost.render.terminal.models import draw

        show(draw, result, output, force, None)
    else:
        emit(render(result, fmt), output, force, None)
