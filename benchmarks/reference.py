"""The NumPy reference forward pass against PyTorch's CPU forward of the same network.

One process, the same Network object and the same weights, 2 threads each (NumPy's BLAS
and torch's intra-op pool). For batch 1 and 8: median milliseconds per image over
alternating blocks of runs, GFLOP/s (2 x MACs / time), the ratio NumPy/PyTorch, and the share of
the machine's float32 GEMM peak (np.matmul 2048^3, measured in the same run). Then the
peak RSS of `inception-cost verify --batch 8` in a child process beside the analytic
estimate. Goals: ratio <= 0.8 at batch 1 and 8; >= 40% of the GEMM peak at batch 8;
peak RSS <= 1.5x the estimate.

    python benchmarks/reference.py [--runs 5] [--rounds 3] [--model googlenet]
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("OMP_NUM_THREADS", "2")

import statistics
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.network import Network
from inception_cost.ops import INPUT
from inception_cost.reference import executor, memory, weights
from inception_cost.spec.read import load_model


def torch_forward(net: Network, params: dict[str, torch.Tensor], x: torch.Tensor):
    """The network's ops with torch.nn.functional, NCHW, freeing tensors like the reference."""
    last = executor.last_readers(net)
    env = {INPUT: x}
    for index, op in enumerate(net.ops()):
        xs = [env[name] for name in op.inputs]
        w, b = params.get(f"{op.name}.weight"), params.get(f"{op.name}.bias")
        match op.kind:
            case "conv":
                y = F.conv2d(xs[0], w, b, op.stride, op.padding, 1, op.groups)
            case "linear":
                y = F.linear(xs[0].permute(0, 2, 3, 1).flatten(1), w, b)[:, :, None, None]
            case "pool":
                pool = F.max_pool2d if op.mode == "max" else F.avg_pool2d
                y = pool(xs[0], op.kernel, op.stride, op.padding, ceil_mode=op.ceil)
            case "lrn":
                y = F.local_response_norm(xs[0], op.size, op.alpha, op.beta, op.k)
            case "relu":
                y = torch.relu_(xs[0]) if last.get(op.inputs[0]) == index else torch.relu(xs[0])
            case "concat":
                y = torch.cat(xs, 1)
            case "dropout":
                y = xs[0]
            case "softmax":
                y = torch.softmax(xs[0], 1)
        for name in op.inputs:
            if last.get(name) == index:
                del env[name]
        env[op.name] = y
    return env


def to_torch(w: dict[str, np.ndarray]) -> dict[str, torch.Tensor]:
    """HWIO -> OIHW and (in, out) -> (out, in): the layouts weights.py documents."""
    out = {}
    for name, a in w.items():
        if a.ndim == 4:
            a = a.transpose(3, 2, 0, 1)
        elif a.ndim == 2:
            a = a.T
        out[name] = torch.from_numpy(np.ascontiguousarray(a))
    return out


def timed(fn, runs: int) -> list[float]:
    """`runs` timed calls after a pause and one untimed call.

    Runs come in blocks, not interleaved one by one: after a call, NumPy's OpenBLAS and
    torch's OpenMP threads keep spinning for a while, and a call of the other library
    right then would share the two cores with them.
    """
    time.sleep(0.5)
    fn()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def gemm_peak(runs: int = 5) -> float:
    a = np.random.default_rng(0).standard_normal((2048, 2048), dtype=np.float32)
    a @ a
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        a @ a
        times.append(time.perf_counter() - t)
    return 2 * 2048**3 / statistics.median(times) / 1e9


PROBE = """
import sys
from inception_cost.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="inception-cost")
except SystemExit:
    pass
status = open("/proc/self/status").read()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
"""


def peak_rss_of_verify(model: str, batch: int) -> int:
    """Peak resident bytes (VmHWM) of `inception-cost verify` in a fresh child process.

    The child reads its own high-water mark: a fork of this process (which holds torch)
    would otherwise be charged with the parent's pages.
    """
    args = ["verify", "--model", model, "--batch", str(batch), "--format", "csv"]
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], check=True, capture_output=True, text=True
    ).stdout
    return int(out.splitlines()[-1]) * 1024  # kB


def baseline_rss() -> int:
    """Resident bytes of a process that imported what `verify` imports, and ran nothing."""
    probe = (
        "import numpy, click, rich.console, rich.table\n"
        "import inception_cost.cli.verify, inception_cost.render.terminal.verify\n"
        "import inception_cost.reference.executor, inception_cost.reference.weights\n"
        "from inception_cost.reference.memory import resident\n"
        "print(resident())"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    return int(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per block")
    parser.add_argument("--rounds", type=int, default=3, help="blocks of each library")
    parser.add_argument("--model", default="googlenet")
    args = parser.parse_args()
    torch.set_num_threads(2)

    net = build(load_model(args.model))
    rss = peak_rss_of_verify(args.model, 8)  # first, so no earlier child sets the high mark
    estimate = memory.estimate(net, 8, "float32").run

    w = weights.init_weights(net, seed=0)
    tw = to_torch(w)
    peak = gemm_peak()
    print(f"machine: float32 GEMM peak {peak:,.1f} GFLOP/s (np.matmul 2048^3, median of 5);")
    print(f"  NumPy {np.__version__}, PyTorch {torch.__version__}, 2 threads each")
    print(
        f"{args.model}, float32, median of {args.rounds} alternating blocks x {args.runs} runs"
        " (each block after a pause and a warm-up run):"
    )
    print(
        f"  {'batch':>5} {'NumPy ms/img':>13} {'torch ms/img':>13} {'ratio':>6}"
        f" {'NumPy GFLOP/s':>14} {'torch GFLOP/s':>14} {'NumPy %peak':>12} {'torch %peak':>12}"
    )
    results = {}
    for batch in (1, 8):
        macs = cost.analyse(net, batch=batch).totals.macs
        x = weights.random_input(net.input_shape, batch, seed=0)
        tx = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
        ours, theirs = [], []
        with torch.no_grad():
            for _ in range(args.rounds):
                ours += timed(lambda x=x: executor.run(net, w, x, check_finite=False), args.runs)
                theirs += timed(lambda tx=tx: torch_forward(net, tw, tx), args.runs)
        a, b = statistics.median(ours), statistics.median(theirs)
        ga, gb = 2 * macs / a / 1e9, 2 * macs / b / 1e9
        results[batch] = (a / b, ga / peak)
        print(
            f"  {batch:>5} {a / batch * 1000:>13.1f} {b / batch * 1000:>13.1f} {a / b:>6.2f}"
            f" {ga:>14.1f} {gb:>14.1f} {ga / peak:>12.0%} {gb / peak:>12.0%}"
        )
    ok = lambda cond: "meets" if cond else "misses"  # noqa: E731
    for batch, (ratio, share) in results.items():
        print(f"  batch {batch}: ratio {ratio:.2f} {ok(ratio <= 0.8)} <= 0.8", end="")
        print(f"; {share:.0%} of peak {ok(share >= 0.4)} >= 40%" if batch == 8 else "")
    base = baseline_rss()
    print(
        f"peak RSS of `verify --batch 8`: {rss / 1e6:,.1f} MB (MB = 10^6 bytes); the analytic"
        f" run estimate {estimate / 1e6:,.1f} MB: {rss / estimate:.2f}x"
        f" ({ok(rss <= 1.5 * estimate)} <= 1.5x)"
    )
    print(
        f"  with what the process holds before the run ({base / 1e6:,.1f} MB: interpreter,"
        f" numpy, click, rich), as the guard counts it: {rss / (estimate + base):.2f}x"
    )


if __name__ == "__main__":
    main()
