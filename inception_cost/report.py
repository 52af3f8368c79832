"""One call from a spec to everything `table` prints: analysis, audit and the options.

`make_report` is the library face of `inception-cost table`; every renderer reads the
`Report` it returns and nothing else. It builds every network the report needs, each
once: the reading analysed, the spec as written where the command line changed it, and,
for the audit, the variants and the bundled networks a claim compares against. The data
goes one way: reader -> build -> cost -> audit -> report.
"""

from __future__ import annotations

from dataclasses import dataclass

from inception_cost import audit, cost, memory, shares
from inception_cost.audit import Audit
from inception_cost.builder import build
from inception_cost.counted import Counted, count
from inception_cost.errors import InputError, nearest
from inception_cost.memory import Memory
from inception_cost.network import Network
from inception_cost.shares import Shares
from inception_cost.spec.read import load_model, model_names
from inception_cost.spec.records import Spec
from inception_cost.spec.variants import check_variant_runs


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
    """Build, cost and audit `spec` (see `spec.variants.with_overrides` for command-line
    settings).

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
            raise InputError(
                f"unknown preset {preset!r}{nearest(preset, PRESETS)}",
                "one of " + ", ".join(PRESETS),
            )
    check_variant_runs(spec, variant, aux)
    networks = _Networks(dtype)
    analysis = networks.analyse(spec, variant, aux, batch, inplace)
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
        fit_on = networks.analyse(base, "", aux, 1, inplace)
    built = _judged(spec, analysis, variant, networks) if readings else None
    checked = audit.audit(spec, analysis, variant=variant, tabled=fit_on, built=built)
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


class _Networks:
    """Each network a report needs, built once (a spec, read as a variant, with or without
    its training-only rows) and costed once for each batch and in-place setting."""

    def __init__(self, dtype: str):
        self.dtype = dtype
        # by (the spec's id, variant, aux): the spec (kept, so that its id is not reused
        # by another while the report is made) and its network
        self.built: dict[tuple, tuple[Spec, Network]] = {}
        self.costed: dict[tuple, cost.Analysis] = {}

    def analyse(
        self, spec: Spec, variant: str = "", aux: bool = False, batch: int = 1, inplace=True
    ) -> cost.Analysis:
        net = (id(spec), variant, aux)
        if net not in self.built:
            self.built[net] = spec, build(spec, aux=aux, variant=variant)
        key = (*net, batch, inplace)
        if key not in self.costed:
            network = self.built[net][1]
            self.costed[key] = cost.analyse(network, batch=batch, dtype=self.dtype, inplace=inplace)
        return self.costed[key]


def _judged(spec: Spec, analysis: cost.Analysis, variant: str, networks: _Networks) -> audit.Built:
    """What the audit judges the variants and paper-level claims against: the reading
    analysed at inference, the table as printed, each variant, the networks claims name."""
    inference = analysis
    if analysis.network.aux or analysis.batch != 1:
        inference = networks.analyse(spec, variant)
    tabled, unbuilt = None, ""
    if variant:
        try:
            tabled = networks.analyse(spec)
        except InputError as exc:  # MobileNetV2's 0.35-96 at --input 160: its 7x7 pool
            tabled, unbuilt = None, f"{exc.message}; expected {exc.expected}"
    variants, broken, kept = {}, {}, {}
    for v in spec.variants:
        try:
            variants[v.name] = inference if v.name == variant else networks.analyse(spec, v.name)
        except InputError as exc:
            broken[v.name] = exc
            continue
        if v.cells and spec.row(v.row).train_only:
            kept[v.name] = networks.analyse(spec, v.name, aux=True)
    names = model_names()
    own = {"as tabled", *(v.name for v in spec.variants)}  # a reading of this spec, not a model
    against = dict.fromkeys(
        c.against for c in spec.claims if c.against in names and c.against not in own
    )
    others = {name: networks.analyse(load_model(name)).totals for name in against}
    return audit.Built(inference, tabled, unbuilt, variants, broken, kept, others)
