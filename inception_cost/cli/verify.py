"""`inception-cost verify`: the NumPy reference run, every op held against the analysis."""

from __future__ import annotations

import contextlib
import sys

import click

from inception_cost.cli.options import (
    BATCH,
    FORMAT,
    INPUT,
    Choice,
    Parsed,
    Whole,
    emit,
    load_spec,
    output_options,
    show,
    spec_source,
    variant_option,
)
from inception_cost.render.verify import render
from inception_cost.spec.variants import with_overrides
from inception_cost.verify import parse_bytes
from inception_cost.verify import verify as run_verify

_BYTES = Parsed("SIZE", parse_bytes)


@click.command()
@spec_source()
@BATCH
@click.option("--seed", type=Whole(0), default=0, show_default=True)
@click.option("--dtype", type=Choice(("float32", "float64")), default="float32", show_default=True)
@click.option("--aux", is_flag=True, help="Run the training-only rows (auxiliary classifiers) too.")
@variant_option("Run an alternative reading named in the spec.")
@INPUT
@click.option(
    "--max-memory",
    type=_BYTES,
    metavar="SIZE",
    help="Refuse runs whose estimated peak exceeds SIZE (4G, 512M, 2GiB);"
    " default half the available memory.",
)
@FORMAT
@output_options
def verify(
    spec_file, model, batch, seed, dtype, aux, variant, input_shape, max_memory, fmt, output, force
) -> None:
    """Run the network with the NumPy reference and hold every op against the analysis.

    Exit 0 when every op's shape and multiply-adds equal the analysis, every activation
    is finite and each softmax sums to 1; 1 on any mismatch (named); 2 on bad input.
    """
    spec = with_overrides(load_spec(spec_file, model), input_shape=input_shape)
    with _progress(spec, aux) as on_block:
        result = run_verify(
            spec,
            aux=aux,
            batch=batch,
            seed=seed,
            dtype=dtype,
            max_memory=max_memory,
            on_block=on_block,
            variant=variant or "",
        )
    if fmt == "rich":  # only a rich run imports rich
        from inception_cost.render.terminal.verify import draw

        show(draw, result, output, force, spec_file)
    else:
        emit(render(result, fmt), output, force, spec_file)
    if not result.ok:
        sys.exit(1)


def _progress(spec, aux: bool):
    """A transient progress bar over blocks on a terminal's stderr; nothing elsewhere (so
    rich is imported only for a terminal)."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    from rich.console import Console
    from rich.progress import Progress

    @contextlib.contextmanager
    def bar():
        with Progress(console=Console(stderr=True), transient=True) as progress:
            blocks = sum(1 for row in spec.rows if aux or not row.train_only)
            task = progress.add_task(f"running {spec.name}", total=blocks)
            yield lambda _name: progress.advance(task)

    return bar()
