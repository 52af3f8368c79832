"""This machine's roof, measured with NumPy: the matrix-multiply peak and the memory and
cache bandwidths `time` bounds a network with.

- peak: the best rate of `np.matmul` on square matrices of PEAK_SIZES (2 n^3 FLOPs each),
  in float32 and float64, the best of PEAK_REPEATS runs each and of as many more as
  PEAK_SECONDS allow (on a shared machine the best run is the one no other process
  slowed, and a peak measured too low makes every bound too high);
- DRAM bandwidth: the best of a copy and a triad (STREAM's kernels) over a working set of
  DRAM_FACTOR x the last-level cache, so neither runs from cache;
- cache bandwidth, the last-level cache's own: the best of copy, scale, add and triad at
  working sets that fit in half the last-level cache but not in the cache below it (twice
  its size and up): the bandwidth the cache-aware rule charges an op whose bytes fit in
  half the last-level cache. (The level below runs faster still, and the ops it holds are
  small; the L2's rate would put the cache ridge near 2 FLOPs per byte, where a depthwise
  convolution's 2.25 sits, on a CPU whose GEMM peak is twice its L2 bandwidth.)

Bytes are counted as STREAM counts them: copy and scale read and write one array each
(2 per element), add and triad read two and write one (3); the triad runs in chunks of
CHUNK bytes, so its two NumPy passes (a = s * c; a += b) meet in cache and memory sees the
three arrays once. Every buffer starts on a page boundary and the destination one
kilobyte past it: glibc's memcpy runs far slower on some misaligned pairs.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from inception_cost import progress
from inception_cost.errors import InputError
from inception_cost.machines import CALIBRATED, Machine
from inception_cost.reference.memory import available

PEAK_SIZES = (512, 1024, 2048)
PEAK_REPEATS = 5
PEAK_SECONDS = 0.25  # per size and dtype
DRAM_FACTOR = 8
STREAM_REPEATS = 3
CACHE_SMALLEST = 64 * 1024
CHUNK = 256 * 1024  # bytes per triad chunk: both passes of a chunk stay in L2
MOVED_PER_TIMING = 16 * 2**20  # a small working set is timed over enough passes to move this
ASSUMED_LLC = 32 * 2**20


def cache_sizes() -> tuple[int | None, int | None]:
    """(the level below the last, the last-level cache) in bytes, as the OS reports them
    (Linux sysfs, macOS sysctl); None where it does not say."""
    levels: dict[int, int] = {}
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            level = int((index / "level").read_text())
            kind = (index / "type").read_text().strip()
            size = (index / "size").read_text().strip()
        except (OSError, ValueError):
            continue
        if kind in ("Unified", "Data") and size[:-1].isdigit():
            levels[level] = int(size[:-1]) * {"K": 2**10, "M": 2**20, "G": 2**30}.get(size[-1], 1)
    if not levels and sys.platform == "darwin":
        import subprocess  # only on macOS, where sysctl says

        for level, key in ((2, "hw.l2cachesize"), (3, "hw.l3cachesize")):
            out = subprocess.run(["sysctl", "-n", key], capture_output=True, text=True).stdout
            if out.strip().isdigit() and int(out) > 0:
                levels[level] = int(out)
    ordered = [levels[k] for k in sorted(levels)]
    if not ordered:
        return None, None
    return (ordered[-2] if len(ordered) > 1 else None), ordered[-1]


def threads() -> int:
    """The BLAS threads: the environment's setting, else the CPUs this process may use
    (OpenBLAS's and MKL's default)."""
    for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(name, "").split(",")[0].strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def library() -> str:
    """`NumPy 2.4.6 with scipy-openblas 0.3.31`: what the reference multiplies with."""
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        with_blas = f" with {blas['name']} {blas.get('version', '')}".rstrip()
    except (KeyError, TypeError, ValueError):
        with_blas = ""
    return f"NumPy {np.__version__}{with_blas}"


def _aligned(nbytes: int) -> np.ndarray:
    """`nbytes` of float32 from a page boundary, filled (so its pages are mapped)."""
    raw = np.empty(nbytes + 4096, np.uint8)
    start = (-raw.ctypes.data) % 4096
    out = raw[start : start + nbytes].view(np.float32)
    out.fill(1.0)
    return out


def _best(run, repeats: int, passes: int = 1, seconds: float = 0.0) -> float:
    """The shortest time of `repeats` timings of `passes` calls (and of more, until
    `seconds` have gone), per call."""
    best = float("inf")
    until = time.perf_counter() + seconds
    done = 0
    while done < repeats or time.perf_counter() < until:
        done += 1
        start = time.perf_counter()
        for _ in range(passes):
            run()
        best = min(best, (time.perf_counter() - start) / passes)
    return best


def matmul_peak(dtype: str) -> tuple[float, int]:
    """The best FLOP/s of `np.matmul` over PEAK_SIZES, and the size that reached it."""
    rng = np.random.default_rng(0)
    best = (0.0, 0)
    for n in PEAK_SIZES:
        a = rng.standard_normal((n, n)).astype(dtype)
        b = rng.standard_normal((n, n)).astype(dtype)
        c = np.empty((n, n), dtype)
        np.matmul(a, b, out=c)  # the warm-up: BLAS threads started, pages touched

        def run(a=a, b=b, c=c):
            np.matmul(a, b, out=c)

        rate = 2 * n**3 / _best(run, PEAK_REPEATS, seconds=PEAK_SECONDS)
        best = max(best, (rate, n))
    return best


TWO_ARRAYS = ("copy", "scale")  # the others read two arrays and write a third
OFFSET = 1024 // 4  # floats: each array starts a kilobyte past the previous one's page


def _kernel(name: str, buf: np.ndarray, n: int):
    """(run, bytes STREAM counts) of kernel `name` on arrays of `n` floats carved from
    `buf`, the second and third a kilobyte past a page boundary."""
    a = buf[:n]
    b = buf[n + OFFSET : 2 * n + OFFSET]
    if name == "copy":
        return lambda: np.copyto(b, a), 8 * n
    if name == "scale":
        return lambda: np.multiply(a, 3.0, out=b), 8 * n
    c = buf[2 * n + 2 * OFFSET : 3 * n + 2 * OFFSET]
    if name == "add":
        return lambda: np.add(a, b, out=c), 12 * n
    step = CHUNK // 4

    def triad():
        for i in range(0, n, step):
            part = a[i : i + step]
            np.multiply(c[i : i + step], 3.0, out=part)
            part += b[i : i + step]

    return triad, 12 * n


def stream(working_set: int, names: tuple[str, ...]) -> tuple[float, str]:
    """The best bytes/s of the kernels `names` with `working_set` bytes of arrays (a
    kernel's arrays together, from one buffer mapped once), and which kernel reached it."""
    buf = _aligned(working_set + 2 * 4 * OFFSET)
    best = (0.0, "")
    for name in names:
        arrays = 2 if name in TWO_ARRAYS else 3
        n = working_set // arrays // 4096 * 1024  # floats, whole pages
        run, moved = _kernel(name, buf, n)
        passes = max(1, MOVED_PER_TIMING // (4 * arrays * n))
        seconds = _best(run, STREAM_REPEATS if passes == 1 else 5, passes)
        best = max(best, (moved / seconds, name))
    return best


def calibrate(llc: int | None = None) -> Machine:
    """Measure this machine now; `llc` overrides the last-level cache the OS reports."""
    below, found = cache_sizes()
    cache = llc or found or ASSUMED_LLC
    below = below if below and below < cache else cache // 16
    dram_set = DRAM_FACTOR * cache
    free = available()
    if free is not None and dram_set > free // 2:
        raise InputError(
            f"measuring DRAM bandwidth needs {dram_set / 1e9:,.2f} GB ({DRAM_FACTOR} x the"
            f" {_mib(cache)} last-level cache), over half the {free / 1e9:,.2f} GB available",
            "more free memory, or --llc SIZE for a smaller cache",
        )
    sizes = []
    size = max(CACHE_SMALLEST, 2 * below)
    while 2 * size <= cache:
        sizes.append(size)
        size *= 4
    with progress.task("calibrating this machine", 3 + len(sizes)) as step:
        peaks = {}
        for p, d in (("fp32", "float32"), ("fp64", "float64")):
            peaks[p] = matmul_peak(d)
            step()
        dram, dram_kernel = stream(dram_set, ("copy", "triad"))
        step()
        streams = []
        for s in sizes:
            streams.append((*stream(s, ("copy", "scale", "add", "triad")), s))
            step()
    cached = max(streams, default=None)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    where = "given by --llc" if llc else ("as the OS reports it" if found else "assumed")
    notes = [
        f"{p} peak: np.matmul at {n}x{n} (the best of {', '.join(map(str, PEAK_SIZES))},"
        f" at least {PEAK_REPEATS} runs and {PEAK_SECONDS} s each)"
        for p, (_, n) in peaks.items()
    ]
    notes.append(
        f"DRAM: {dram_kernel} over {dram_set / 1e9:,.2f} GB ({DRAM_FACTOR} x the {_mib(cache)}"
        f" last-level cache, {where}), the best of copy and triad, STREAM's byte counts"
    )
    if cached:
        notes.append(
            f"cache: {cached[1]} at {_mib(cached[2])} (the best of copy, scale, add and triad"
            f" at {_mib(sizes[0])} to {_mib(sizes[-1])}: over twice the {_mib(below)} cache"
            " below the last-level one, within half the last-level cache)"
        )
    return Machine(
        CALIBRATED,
        f"this machine: {cpu()}, {threads()} BLAS threads",
        "cpu",
        tuple((p, rate) for p, (rate, _) in peaks.items()),
        dram,
        cached[0] if cached else None,
        cache,
        f"measured here with {library()}, {when}",
        when,
        "measured",
        tuple(notes),
    )


def _mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB" if n >= 2**20 else f"{n // 1024} KiB"


def cpu() -> str:
    """The processor's name as the OS gives it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown processor"


def best(a: Machine, b: Machine) -> Machine:
    """Two calibrations of this machine as one, each figure the higher: a figure measured
    while another process held a core is only ever too low."""
    peaks = tuple((p, max(v, dict(b.peaks).get(p, 0.0))) for p, v in a.peaks)
    cache = max(a.cache_bandwidth or 0.0, b.cache_bandwidth or 0.0) or None
    return dataclasses.replace(
        a, peaks=peaks, bandwidth=max(a.bandwidth, b.bandwidth), cache_bandwidth=cache
    )
