"""The `inception-cost` command: options in, one library call, a renderer out."""

from __future__ import annotations

import io
import sys

import click

from inception_cost import __version__
from inception_cost.conventions import DECLARED
from inception_cost.errors import InputError, InputErrors
from inception_cost.render import FORMATS, TABLE_FORMATS, UNJUDGED
from inception_cost.verdicts import FAIL_LEVELS

DTYPES = ("float32", "float16", "bfloat16", "float64", "int8")


class _Cli(click.Group):
    """Every error is one line and exit code 2; never a traceback."""

    def main(self, *args, **kwargs):
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except InputError as exc:
            many = isinstance(exc, InputErrors)  # one line per error, all of them
            _fail(str(exc) if exc.where else f"inception-cost: {exc}", lines=many)
        except click.UsageError as exc:
            path = exc.ctx.command_path if exc.ctx else "inception-cost"
            _fail(f"{path}: error: {exc.format_message()} (see {path} --help)")
        except click.ClickException as exc:
            _fail(f"inception-cost: error: {exc.format_message()}", exc.exit_code)
        except click.Abort:
            _fail("inception-cost: aborted", 1)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _fail(line: str, code: int = 2, lines: bool = False) -> None:
    click.echo(line if lines else line.replace("\n", " "), err=True)
    sys.exit(code)


class _Parsed(click.ParamType):
    """An option value read by one of the library's parsers, imported only when used."""

    def __init__(self, name: str, module: str, parser: str):
        self.name, self._module, self._parser = name, module, parser

    def convert(self, value, param, ctx):
        import importlib

        parse = getattr(importlib.import_module(self._module), self._parser)
        try:
            return parse(value)
        except InputError as exc:
            self.fail(f"{exc.message}; expected {exc.expected}", param, ctx)


class _Whole(click.ParamType):
    """A whole number option, read by the same rule as a cell (ASCII digits, at most 18)."""

    name = "integer"

    def __init__(self, minimum: int):
        self.minimum = minimum

    def convert(self, value, param, ctx):
        from inception_cost.cells import whole_number

        if isinstance(value, int):
            return value
        try:
            return whole_number(value, "value", self.minimum)
        except InputError as exc:
            self.fail(f"{exc.message}; expected {exc.expected}", param, ctx)


_Shape = _Parsed("HxWxC", "inception_cost.cells", "parse_shape")
_Padding = _Parsed("same|valid|N", "inception_cost.conventions", "parse_padding")
_Bytes = _Parsed("SIZE", "inception_cost.verify", "parse_bytes")


@click.group("inception-cost", cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="inception-cost")
def cli() -> None:
    """Count what every layer of a CNN costs, from the paper's own table, and audit its claims."""


def _load(spec_file: str | None, model: str | None):
    from inception_cost import spec

    if spec_file and model:
        raise click.UsageError("give a SPEC file or --model, not both")
    if spec_file:
        return spec.load(spec_file)
    return spec.load_model(model or "googlenet")


def _complete_models(ctx, param, incomplete: str):
    """Shell completion: the bundled specs' names."""
    from inception_cost.spec import model_names

    return [n for n in model_names() if n.startswith(incomplete)]


def _complete_variants(ctx, param, incomplete: str):
    """Shell completion: the variants of the spec given so far (googlenet's by default)."""
    try:
        spec = _load(ctx.params.get("spec_file"), ctx.params.get("model"))
    except (InputError, click.UsageError, OSError):
        return []
    return [v.name for v in spec.variants if v.name.startswith(incomplete)]


def _complete_presets(ctx, param, incomplete: str):
    """Shell completion: the convention presets."""
    from inception_cost.presets import PRESETS

    return [p for p in PRESETS if p.startswith(incomplete)]


def _spec_source(model_help: str):
    """The SPEC argument and --model, which every command reading a spec takes."""

    def decorate(command):
        command = click.option(
            "--model", "-m", metavar="NAME", help=model_help, shell_complete=_complete_models
        )(command)
        return click.argument("spec_file", metavar="[SPEC]", required=False, type=click.Path())(
            command
        )

    return decorate


def _output_options(command):
    """--output FILE and --force, for every command that prints a result."""
    command = click.option("--force", is_flag=True, help="Let --output replace an existing file.")(
        command
    )
    return click.option(
        "--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout."
    )(command)


_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="rich", show_default=True
)
_BATCH = click.option("--batch", type=_Whole(1), default=1, show_default=True)
_DTYPE = click.option("--dtype", type=click.Choice(DTYPES), default="float32", show_default=True)
_AUX = click.option(
    "--aux", is_flag=True, help="Include training-only rows (auxiliary classifiers)."
)
_INPUT = click.option(
    "--input",
    "input_shape",
    type=_Shape,
    metavar="HxWxC",
    help="Input size, overriding the spec's.",
)


def _variant(help: str = "Analyse an alternative reading named in the spec."):
    """--variant NAME, completed from the spec given so far."""
    return click.option("--variant", metavar="NAME", help=help, shell_complete=_complete_variants)


def _emit(text: str, output: str | None, force: bool, spec_file: str | None) -> None:
    if output is not None:
        from inception_cost.output import write_output

        write_output(output, text, force=force, protect=[spec_file] if spec_file else [])
    else:
        click.echo(text, nl=False)


class _Held(io.StringIO):
    """Text held until it is complete, for a console that renders as it would to stdout."""

    def __init__(self, tty: bool):
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def _deliver(render, result, fmt: str, output, force: bool, spec_file) -> None:
    """Print or write `render(result, fmt)`, rendered in full first (an error while
    rendering leaves nothing half-printed); rich goes to an SVG or HTML file when --output
    ends in .svg or .html."""
    suffix = output[output.rfind(".") :].lower() if output and "." in output else ""
    if fmt == "rich" and suffix in (".svg", ".html"):
        from inception_cost.render.export import export

        _emit(export(render, result, suffix), output, force, spec_file)
        return
    if fmt == "rich" and output is None:
        from inception_cost.render.terminal import make_console

        buf = _Held(sys.stdout.isatty())
        render(result, "rich", make_console(buf))
        sys.stdout.write(buf.getvalue())
        return
    if fmt == "rich":
        import io

        from inception_cost.render.terminal import make_console

        buf = io.StringIO()
        render(result, "rich", make_console(buf))
        text = buf.getvalue()
    else:
        text = render(result, fmt)
    _emit(text, output, force, spec_file)


@cli.command()
@_spec_source("A bundled spec (see `models`); default googlenet.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(TABLE_FORMATS),
    default="rich",
    show_default=True,
    help="markdown: a report to paste into a README; spec: Markdown that reads back as a spec.",
)
@click.option("--flops", is_flag=True, help="Show FLOPs = 2 x multiply-adds instead of MACs.")
@click.option(
    "--batch",
    type=_Whole(1),
    default=1,
    show_default=True,
    help="Images per batch: scales MACs, other ops and activations, not params.",
)
@click.option("--bias/--no-bias", default=None, help="Layers carry biases (default: the spec's).")
@_AUX
@click.option("--expand", is_flag=True, help="One line per op inside each block.")
@click.option(
    "--shares",
    is_flag=True,
    help="Percent columns: each row's share of params, MACs and activation memory"
    " (always in csv and json).",
)
@_INPUT
@click.option(
    "--dtype",
    type=click.Choice(DTYPES),
    default="float32",
    show_default=True,
    help="Element type for activation bytes.",
)
@click.option(
    "--pool-rounding",
    type=click.Choice(DECLARED["pool_rounding"].values),
    help="How pooling output sizes round (default: the spec's).",
)
@click.option(
    "--padding",
    type=_Padding,
    metavar="same|valid|N",
    help="Convolution padding (default: the spec's).",
)
@_variant()
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
    type=click.Choice(FAIL_LEVELS),
    help="Exit 1 when a claim does not hold (mismatch; truncated: also a claim that only"
    " truncates), after printing; for auditing a spec in CI.",
)
@_output_options
def table(
    spec_file,
    model,
    fmt,
    flops,
    batch,
    bias,
    aux,
    expand,
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
    from inception_cost.render import render
    from inception_cost.report import make_report
    from inception_cost.spec import with_overrides

    tabled = _load(spec_file, model)
    spec = with_overrides(
        tabled,
        input_shape=input_shape,
        bias=bias,
        pool_rounding=pool_rounding,
        conv_padding=padding,
    )
    if flops and as_preset:
        raise click.UsageError("give --flops or --as, not both (--as flop-counter counts FLOPs)")
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
    _deliver(render, report, fmt, output, force, spec_file)
    if fail_on:
        from inception_cost.audit import failures

        failed = failures(report.audit, fail_on)
        if failed:
            _fail(f"inception-cost: {failed} claims do not hold (--fail-on {fail_on})", 1)


@cli.command("compare-bottleneck")
@_spec_source("Compare the inception, inverted residual or bottleneck blocks of a spec.")
@click.option("--input", "input_shape", type=_Shape, metavar="HxWxC", help="Custom: input size.")
@click.option("--kernel", type=_Whole(1), metavar="K", help="Custom: KxK convolution.")
@click.option("--out", type=_Whole(1), metavar="N", help="Custom: output maps.")
@click.option("--reduce", "reduce_to", type=_Whole(1), metavar="R", help="Custom: 1x1 maps first.")
@click.option(
    "--stride",
    type=_Whole(1),
    default=1,
    show_default=True,
    metavar="S",
    help="Custom: stride of the KxK convolution.",
)
@click.option(
    "--padding",
    type=_Padding,
    default="same",
    show_default=True,
    metavar="same|valid|N",
    help="Custom: padding of the KxK convolution.",
)
@_FORMAT
@_output_options
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
    from inception_cost import bottleneck
    from inception_cost.render.bottleneck import render

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
        result = bottleneck.modules(_load(spec_file, model))
    else:
        result = bottleneck.examples()
    _deliver(render, result, fmt, output, force, spec_file)


@cli.command()
@_spec_source("A bundled spec (see `models`); default googlenet.")
@_BATCH
@click.option("--seed", type=_Whole(0), default=0, show_default=True)
@click.option(
    "--dtype", type=click.Choice(("float32", "float64")), default="float32", show_default=True
)
@click.option("--aux", is_flag=True, help="Run the training-only rows (auxiliary classifiers) too.")
@_variant("Run an alternative reading named in the spec.")
@_INPUT
@click.option(
    "--max-memory",
    type=_Bytes,
    metavar="SIZE",
    help="Refuse runs whose estimated peak exceeds SIZE (4G, 512M, 2GiB);"
    " default half the available memory.",
)
@_FORMAT
@_output_options
def verify(
    spec_file, model, batch, seed, dtype, aux, variant, input_shape, max_memory, fmt, output, force
) -> None:
    """Run the network with the NumPy reference and hold every op against the analysis.

    Exit 0 when every op's shape and multiply-adds equal the analysis, every activation
    is finite and each softmax sums to 1; 1 on any mismatch (named); 2 on bad input.
    """
    from inception_cost.render.verify import render
    from inception_cost.spec import with_overrides
    from inception_cost.verify import verify as run_verify

    spec = with_overrides(_load(spec_file, model), input_shape=input_shape)
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
    _deliver(render, result, fmt, output, force, spec_file)
    if not result.ok:
        sys.exit(1)


def _progress(spec, aux: bool):
    """A transient progress bar over blocks on a terminal's stderr; nothing elsewhere."""
    import contextlib

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


@cli.command()
@_spec_source("A bundled spec (see `models`); default googlenet.")
@_BATCH
@_INPUT
@_FORMAT
@_output_options
def conventions(spec_file, model, batch, input_shape, fmt, output, force) -> None:
    """One network counted the way every popular tool counts it, and why they differ.

    Each preset is a documented weighting of the cost model's own categories (bias adds,
    ReLU, pooling, LRN, x2); docs/conventions.md says where each rule was read.
    """
    from inception_cost.presets import compare
    from inception_cost.render.presets import render
    from inception_cost.spec import with_overrides

    spec = with_overrides(_load(spec_file, model), input_shape=input_shape)
    _deliver(render, compare(spec, batch), fmt, output, force, spec_file)


@cli.command()
@_spec_source("A bundled spec (see `models`); default googlenet.")
@_BATCH
@_DTYPE
@_AUX
@_variant()
@click.option(
    "--optimizer",
    type=click.Choice(("none", "sgd", "adam")),
    default="none",
    show_default=True,
    help="Optimizer state in training memory: SGD momentum 1, Adam 2 per trained parameter.",
)
@_FORMAT
@_output_options
def memory(spec_file, model, batch, dtype, aux, variant, optimizer, fmt, output, force) -> None:
    """Parameter, activation, inference-peak and training memory, each convention named,
    beside torchinfo's, torchsummary's and convnet-burden's figures (docs/memory.md)."""
    from inception_cost import cost, network
    from inception_cost import memory as mem
    from inception_cost.render.memory import render

    spec = _load(spec_file, model)
    analysis = cost.analyse(
        network.build(spec, aux=aux, variant=variant or ""), batch=batch, dtype=dtype
    )
    result = (spec.name, aux, mem.memory(analysis, optimizer), mem.tool_memory(analysis))
    _deliver(render, result, fmt, output, force, spec_file)


@cli.command()
@_spec_source("A bundled spec (see `models`); default googlenet.")
@click.option(
    "--by",
    "quantity",
    type=click.Choice(("macs", "params", "memory")),
    default="macs",
    show_default=True,
    help="The quantity each bar draws (memory: the bytes each row's activations take).",
)
@_BATCH
@_DTYPE
@_AUX
@_variant()
@_FORMAT
@_output_options
def profile(spec_file, model, quantity, batch, dtype, aux, variant, fmt, output, force) -> None:
    """A bar per row for MACs, params or activation memory: where the cost sits."""
    from inception_cost.profile import profiles
    from inception_cost.render.bars import render

    spec = _load(spec_file, model)
    (bars,) = profiles(spec, (quantity,), aux=aux, batch=batch, dtype=dtype, variant=variant or "")
    _deliver(render, bars, fmt, output, force, spec_file)


@cli.command()
@_spec_source("A bundled spec (see `models`); default googlenet.")
@click.option(
    "--compare",
    is_flag=True,
    help="Every bundled network and variant: params against MACs, with the papers' claims.",
)
@_BATCH
@_DTYPE
@_AUX
@_variant()
@click.option(
    "--output", "-o", required=True, metavar="FILE", help="The chart: FILE.png, .svg or .pdf."
)
@click.option("--force", is_flag=True, help="Let --output replace an existing file.")
def plot(spec_file, model, compare, batch, dtype, aux, variant, output, force) -> None:
    """A chart (needs the plot extra: pip install 'inception-cost[plot]'): params, MACs and
    activation memory per row of one network, or with --compare the bundled networks."""
    from inception_cost.render import plot as charts

    suffix = output[output.rfind(".") :].lower() if "." in output else ""
    if suffix not in charts.SUFFIXES:
        raise click.UsageError("--output must end in .png, .svg or .pdf")
    if compare and (spec_file or model or variant or aux or batch != 1):
        raise click.UsageError("--compare draws the bundled networks at batch 1; give it alone")
    if compare:
        from inception_cost.landscape import points

        figure = charts.comparison_figure(points())
    else:
        from inception_cost.profile import profiles

        spec = _load(spec_file, model)
        quantities = ("params", "macs", "memory")
        figure = charts.layer_figure(
            profiles(spec, quantities, aux=aux, batch=batch, dtype=dtype, variant=variant or "")
        )
    _emit(charts.save(figure, suffix), output, force, spec_file)


@cli.command()
@_FORMAT
@_output_options
def models(fmt, output, force) -> None:
    """List the bundled specs with their totals and how many claims hold."""
    from inception_cost.catalog import summaries
    from inception_cost.render.catalog import render_models

    _deliver(render_models, summaries(), fmt, output, force, None)


@cli.command()
@click.option(
    "--model",
    "-m",
    "names",
    multiple=True,
    metavar="NAME",
    shell_complete=_complete_models,
    help="Only this bundled spec (repeatable); all of them by default.",
)
@_FORMAT
@_output_options
def claims(names, fmt, output, force) -> None:
    """List every paper-level claim of the bundled specs with its verdict.

    CSV lists the claims only; the other formats add how each network's classifier
    head costs against the other kind (global average pooling or a flattened map)."""
    from inception_cost.catalog import survey
    from inception_cost.render.catalog import render_claims
    from inception_cost.spec import model_path

    for name in names:
        model_path(name)  # an unknown name fails here, in one line

    _deliver(render_claims, survey(list(names) or None), fmt, output, force, None)


@cli.command()
@_spec_source("A bundled spec (see `models`); default googlenet.")
@click.option("--expand", is_flag=True, help="One line per op inside each row.")
@_INPUT
@_AUX
@_variant("An alternative reading named in the spec.")
@_FORMAT
@_output_options
def receptive(spec_file, model, expand, input_shape, aux, variant, fmt, output, force) -> None:
    """Receptive field size, effective stride and padding of every row, through its branches.

    Definitions of Araujo, Norris and Sim (Distill 2019); a row with branches shows each
    path's field and whether the paths are centre-aligned (docs/receptive.md).

    Exit 0, also when paths are misaligned (the rows are named); 2 on bad input.
    """
    import functools

    from inception_cost.receptive import for_spec
    from inception_cost.render.receptive import render
    from inception_cost.sweep import at_input

    spec = _load(spec_file, model)
    if input_shape is not None:
        spec = at_input(spec, input_shape, variant or "")
    result = for_spec(spec, aux=aux, variant=variant or "")
    _deliver(functools.partial(render, expand=expand), result, fmt, output, force, spec_file)


_Sizes = _Parsed("SIZES", "inception_cost.sweep", "parse_sizes")


@cli.command()
@_spec_source("A bundled spec (see `models`); default googlenet.")
@click.option(
    "--input",
    "sides",
    type=_Sizes,
    metavar="SIZES",
    help="Square input sides: 224, a list 112,224,448 or a range 112..672/112 (first..last/step);"
    " default the spec's own side x 1/2, 1, ..., 3.",
)
@_variant("Sweep an alternative reading named in the spec.")
@click.option(
    "--global-pool",
    is_flag=True,
    help="Read an average pool that covers the whole map at the spec's own size as global"
    " pooling (torchvision's adaptive pooling).",
)
@click.option(
    "--dtype",
    type=click.Choice(DTYPES),
    default="float32",
    show_default=True,
    help="Element type for activation bytes.",
)
@_FORMAT
@_output_options
def sweep(spec_file, model, sides, variant, global_pool, dtype, fmt, output, force) -> None:
    """Final feature map, params, multiply-adds and activations across input sizes.

    Names each row that can no longer be built and why, and finds the smallest square
    input the network accepts (docs/receptive.md).

    Exit 0, also when some sizes cannot be built (each is named); 2 on bad input.
    """
    from inception_cost.render.sweep import render
    from inception_cost.sweep import sweep as run_sweep

    result = run_sweep(
        _load(spec_file, model),
        sides or (),
        variant=variant or "",
        global_pool=global_pool,
        dtype=dtype,
    )
    _deliver(render, result, fmt, output, force, spec_file)


def main() -> None:
    cli(prog_name="inception-cost")
