"""The machines `time` bounds a network on: a peak FLOP/s per precision, a memory bandwidth
(and, where measured, a cache bandwidth and the last-level cache it applies to), and where
each figure came from.

Three origins, each said in the output: a vendor's datasheet (presets.toml, package data;
a GPU's figures are predictions, nothing here ran on one), figures given by hand (`--peak`,
`--bandwidth`), or this machine measured by `reference/calibrate.py` and kept in the
platform's user configuration folder (platformdirs) as JSON.
"""

from __future__ import annotations

import errno
import json
import os
import re
import tomllib
from dataclasses import asdict, dataclass, replace
from functools import cache
from pathlib import Path

from inception_cost.cells import check_digits
from inception_cost.errors import InputError, nearest

#: The precisions a peak is quoted for, and the one each --dtype runs at by default
#: (float32 at TF32 on a GPU's Tensor Cores is `--precision tf32`).
PRECISIONS = ("fp64", "fp32", "tf32", "bf16", "fp16", "int8")
DTYPE_PRECISION = {
    "float64": "fp64",
    "float32": "fp32",
    "float16": "fp16",
    "bfloat16": "bf16",
    "int8": "int8",
}
ORIGINS = ("datasheet", "measured", "given")
#: `--machine calibrated`: the figures `--calibrate` stored for this machine
CALIBRATED = "calibrated"
STORED_FORMAT = 1
#: the datasheets' figures, package data beside this module
PRESETS = Path(__file__).with_name("presets.toml")


@dataclass(frozen=True, slots=True)
class Machine:
    """A machine's roof: FLOP/s per precision and bytes/s, with their source."""

    name: str
    title: str
    kind: str  # gpu | cpu
    peaks: tuple[tuple[str, float], ...]  # (precision, FLOP/s)
    bandwidth: float  # DRAM (HBM on a GPU), bytes/s
    cache_bandwidth: float | None = None  # bytes/s for data in the last-level cache
    llc: int | None = None  # bytes of the last-level cache
    source: str = ""
    date: str = ""
    origin: str = "datasheet"  # ORIGINS
    notes: tuple[str, ...] = ()

    @property
    def prediction(self) -> bool:
        """Figures from a datasheet for a GPU: nothing here ran on it."""
        return self.origin == "datasheet" and self.kind == "gpu"

    def peak(self, precision: str) -> float:
        """FLOP/s at `precision`; a precision the machine has no figure for is an error."""
        for name, value in self.peaks:
            if name == precision:
                return value
        have = ", ".join(name for name, _ in self.peaks)
        raise InputError(
            f"{self.title} has no {precision} peak (it has {have})",
            "--precision " + " or --precision ".join(name for name, _ in self.peaks),
        )


def _machine(name: str, entry: dict) -> Machine:
    tera = entry["peak_tflops"]
    return Machine(
        name,
        entry["title"],
        entry["kind"],
        tuple((p, float(tera[p]) * 1e12) for p in PRECISIONS if p in tera),
        float(entry["bandwidth_gbs"]) * 1e9,
        None,
        int(entry["llc_mib"] * 2**20) if "llc_mib" in entry else None,
        entry["source"],
        entry["date"],
        "datasheet",
        tuple(entry.get("notes", ())),
    )


@cache
def presets() -> dict[str, Machine]:
    """The bundled machines by name, as their vendors publish them."""
    text = PRESETS.read_text("utf-8")
    return {name: _machine(name, entry) for name, entry in tomllib.loads(text).items()}


def lookup(name: str) -> Machine:
    """A preset by name, or `calibrated`: the figures `--calibrate` stored."""
    if name == CALIBRATED:
        return stored()
    known = presets()
    if name not in known:
        raise InputError(
            f"unknown machine {name!r}{nearest(name, [*known, CALIBRATED])}",
            "one of " + ", ".join([*known, CALIBRATED]),
        )
    return known[name]


def given(peak: float, bandwidth: float, precision: str, cache_bandwidth=None, llc=None):
    """A machine from figures given on the command line, for `precision`."""
    return Machine(
        "given",
        "figures given by hand",
        "cpu",
        ((precision, peak),),
        bandwidth,
        cache_bandwidth,
        llc,
        "--peak and --bandwidth" + (", --cache-bandwidth" if cache_bandwidth else ""),
        "",
        "given",
    )


def choose(
    *,
    name: str | None = None,
    peak: float | None = None,
    bandwidth: float | None = None,
    cache_bandwidth: float | None = None,
    llc: int | None = None,
    calibrate: bool = False,
    precision: str | None = None,
    dtype: str = "float32",
    measuring: bool = False,
) -> Machine | None:
    """The machine the command-line options name: a preset, figures by hand, this machine
    measured now (and stored) or as stored; None when `measuring`, which calibrates in the
    run itself. `llc` replaces the machine's last-level cache."""
    by_hand = peak is not None or bandwidth is not None or cache_bandwidth is not None
    if measuring:
        if name or by_hand or calibrate:
            raise InputError(
                "--measure times this machine and calibrates it in the same run",
                "no --machine, --peak, --bandwidth or --calibrate with --measure",
            )
        return None
    if sum((bool(name), by_hand, calibrate)) > 1:
        raise InputError(
            "give one machine: --machine, --peak and --bandwidth, or --calibrate",
            "one of them",
        )
    if calibrate:
        writable()  # before a measurement that takes seconds, not after it
        # NumPy only when this machine is measured
        from inception_cost.reference.calibrate import calibrate as measure

        machine = measure(llc=llc)
        store(machine)
        return machine
    if by_hand:
        if peak is None or bandwidth is None:
            raise InputError("figures by hand need both --peak and --bandwidth", "both")
        if cache_bandwidth is not None and llc is None:
            raise InputError("--cache-bandwidth applies to a cache of a size", "--llc SIZE too")
        return given(peak, bandwidth, precision or DTYPE_PRECISION[dtype], cache_bandwidth, llc)
    machine = lookup(name or CALIBRATED)
    return replace(machine, llc=llc) if llc else machine


# --------------------------------------------------------------------------- figures

_PREFIX = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15}
_RATE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGTP]?)\s*(FLOP/?S|FLOPS|OP/?S|B/S)?\s*", re.I)
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)(I?)B?\s*", re.I)


def parse_rate(text: str, what: str) -> float:
    """`19.5T`, `300 GFLOP/s`, `2039GB/s`, `25e9`-free decimal text -> a positive rate per
    second (K, M, G, T, P = 10^3 ... 10^15)."""
    check_digits(text, what)
    m = _RATE.fullmatch(text)
    if not m:
        raise InputError(
            f"{what} {text.strip()!r} is not understood", f"a rate such as 300G or 19.5T ({what})"
        )
    whole, _, frac = m[1].partition(".")
    value = int(whole + frac) * _PREFIX[m[2].upper()] / 10 ** len(frac)
    if value <= 0:
        raise InputError(f"{what} must be positive, not {text.strip()!r}", "a rate above 0")
    return value


def parse_size(text: str, what: str) -> int:
    """`32MiB`, `24M` (10^6), `480 MiB` -> a positive number of bytes."""
    check_digits(text, what)
    m = _SIZE.fullmatch(text)
    if not m or (m[3] and not m[2]):
        raise InputError(f"{what} {text.strip()!r} is not understood", "a size such as 32MiB")
    whole, _, frac = m[1].partition(".")
    scale = (1024 if m[3] else 1000) ** " KMGT".index(m[2].upper() or " ")
    value = int(whole + frac) * scale // 10 ** len(frac)
    if value <= 0:
        raise InputError(f"{what} must be positive, not {text.strip()!r}", "a size above 0")
    return value


# --------------------------------------------------------------------------- stored


def calibration_path() -> Path:
    """Where `--calibrate` keeps this machine's figures: the platform's user configuration
    folder (~/.config/inception-cost on Linux, honouring XDG_CONFIG_HOME)."""
    import platformdirs  # only where a calibration is read or written

    return Path(platformdirs.user_config_dir("inception-cost")) / "calibration.json"


def writable() -> Path:
    """The calibration's folder, made if missing; one line if it cannot be written."""
    path = calibration_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise PermissionError(errno.EACCES, "permission denied")
    except OSError as exc:
        raise InputError(
            f"cannot write the calibration to {path}: {exc.strerror or exc}",
            "a writable user configuration folder (XDG_CONFIG_HOME on Linux)",
        ) from None
    return path


def store(machine: Machine) -> Path:
    """Keep `machine` (measured here) for `--machine calibrated`; one line if it cannot."""
    from inception_cost.output import write_output  # tempfile, only for this write

    path = writable()
    record = {"format": STORED_FORMAT, **asdict(machine)}
    write_output(path, json.dumps(record, indent=1) + "\n", force=True)
    return path


def stored() -> Machine:
    """The figures `--calibrate` kept; a missing or corrupt file is one line naming it."""
    path = calibration_path()
    again = "inception-cost time --calibrate to measure this machine again"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"no calibration stored at {path}", again) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the calibration {path}: {exc}", again) from None
    try:
        record = json.loads(text)
        if record.pop("format") != STORED_FORMAT:
            raise ValueError(f"format is not {STORED_FORMAT}")
        record["peaks"] = tuple((str(p), float(v)) for p, v in record["peaks"])
        record["notes"] = tuple(str(n) for n in record["notes"])
        machine = Machine(**record)
        _check(machine)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InputError(f"the calibration {path} is corrupt ({exc})", again) from None
    return machine


def _check(m: Machine) -> None:
    """A stored machine's figures: positive numbers and known names, or ValueError."""
    rates = [v for _, v in m.peaks] + [m.bandwidth]
    if m.cache_bandwidth is not None:
        rates.append(m.cache_bandwidth)
    if not m.peaks or any(not isinstance(v, float) or not v > 0 for v in rates):
        raise ValueError("a peak or bandwidth is not a positive number")
    if any(p not in PRECISIONS for p, _ in m.peaks) or m.origin not in ORIGINS:
        raise ValueError("an unknown precision or origin")
    if m.llc is not None and (not isinstance(m.llc, int) or m.llc <= 0):
        raise ValueError("the last-level cache size is not a positive integer")
