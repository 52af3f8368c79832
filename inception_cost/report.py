"""One call from a spec to everything `table` prints: analysis, audit and the options.

`make_report` is the library face of `inception-cost table`; every renderer reads the
`Report` it returns and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from inception_cost import audit, cost, memory, shares
from inception_cost.audit import Audit
from inception_cost.counted import Counted, count
from inception_cost.errors import InputError
from inception_cost.implementation.model import network_of
from inception_cost.memory import Memory
from inception_cost.shares import Shares
from inception_cost.spec import Spec, check_variant_runs


@dataclass(frozen=True, slots=True)
class Report:
    spec: Spec
    analysis: cost.Analysis
    audit: Audit
    flops: bool = False  # show FLOPs = 2 x MACs
    expand: bool = False  # one line per op inside each block
    variant: str = ""  # the alternative reading analysed, if any
    preset: str = ""  # count params and operations as this tool does (presets.PRESETS)
    shares: Shares | None = None  # each row's and op's share of the totals
    show_shares: bool = False  # percent columns in rich and Markdown (CSV, JSON: always)
    memory: Memory | None = None  # bytes under named conventions (docs/memory.md)
    counted: Counted | None = None  # the params and operations columns, counted once


def make_report(
    spec: Spec,
    *,
    aux: bool = False,
    batch: int = 1,
    dtype: str = "float32",
    flops: bool = False,
    expand: bool = False,
    inplace: bool = True,
    variant: str = "",
    preset: str = "",
    tabled: Spec | None = None,
    show_shares: bool = False,
    readings: bool = True,
) -> Report:
    """Build, cost and audit `spec` (see `spec.with_overrides` for command-line settings).

    `variant` analyses one of the spec's alternative readings (a row swapped, or the whole
    network read another way); `preset` counts the table as a tool does (see `presets`),
    the audit still on our counts. `tabled` is the spec as written, before command-line
    settings: what its claimed columns mean is read from it (params do not change meaning
    with `--input`). Without `readings` the variants and paper-level claims are not judged
    (`audit.audit`): for a format that prints neither, they would only cost time.
    """
    if preset:
        from inception_cost.presets import PRESETS

        if preset not in PRESETS:
            raise InputError(f"unknown preset {preset!r}", "one of " + ", ".join(PRESETS))
    check_variant_runs(spec, variant, aux)
    net = network_of(spec, aux=aux, variant=variant)
    analysis = cost.analyse(net, batch=batch, dtype=dtype, inplace=inplace)
    if preset:
        from inception_cost.presets import PRESETS, unsupported

        missing = unsupported(analysis, PRESETS[preset])
        if missing:
            raise InputError(
                f"the {preset} preset has no rule for {', '.join(missing)}, which {spec.name} uses",
                "--as ours or --as paper, or a network without them",
            )
    base = tabled if tabled is not None and tabled.input_shape else spec  # CSV: no input
    fit_on = None
    if variant or base is not spec:
        fit_on = cost.analyse(network_of(base, aux=aux), dtype=dtype, inplace=inplace)
    checked = audit.audit(spec, analysis, variant=variant, tabled=fit_on, readings=readings)
    if preset == "paper" and not (checked.params_fits[0].rows or checked.ops_fits[0].rows):
        raise InputError(
            f"{spec.name}'s table claims no params or ops, so there is no paper reading to count",
            "--as ours, or another preset",
        )
    return Report(
        spec,
        analysis,
        checked,
        flops,
        expand,
        variant,
        preset,
        shares.shares(analysis),
        show_shares,
        memory.memory(analysis),
        count(spec, analysis, checked, flops=flops, preset=preset),
    )
