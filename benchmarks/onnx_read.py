"""Reading and analysing an ONNX model (no weights) against onnx.load plus shape
inference alone, in the same run (issue 24's goal: at most 1.5x).

The models are torchvision twins (tests/torch_vision.py) exported once with
torch.onnx.export into a temporary folder (weights in their .data file, as torch writes
them). For each: the median CPU time of `reader.read` + `cost.analyse` (what `table
model.onnx` does before it prints) and of `onnx.load(load_external_data=False)` +
`onnx.shape_inference.infer_shapes(strict_mode=True)`, and their ratio. `import onnx`
itself is timed apart, in a fresh interpreter (it is paid once per run either way).

    python benchmarks/onnx_read.py [--models googlenet,resnet50,densenet121] [--repeat 7]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

GOAL = 1.5


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def _import_onnx() -> float:
    code = "import time; t = time.perf_counter(); import onnx; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="googlenet,resnet50,mobilenetv2,densenet121")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import onnx
    import torch_vision

    from inception_cost import cost
    from inception_cost.implementation import reader, torch_export
    from inception_cost.spec.read import load_model

    print(f"import onnx (fresh interpreter, wall): {_import_onnx():.2f} s")
    print("| model | nodes | ours: read + analyse (ms) | onnx.load + infer_shapes (ms) | ratio |")
    print("|---|---:|---:|---:|---:|")
    ratios = []
    with tempfile.TemporaryDirectory() as folder:
        for name in args.models.split(","):
            path = str(Path(folder) / f"{name}.onnx")
            twin = torch_vision.randomized(torch_vision.TWINS[name]())
            torch_export.export(twin, path, load_model(name).input_shape)

            def ours(path=path):
                cost.analyse(reader.read(path).network)

            def theirs(path=path):
                model = onnx.load(path, load_external_data=False)
                onnx.shape_inference.infer_shapes(model, strict_mode=True)

            ours()  # warm: the first read imports the reader's modules
            a, b = _median(ours, args.repeat), _median(theirs, args.repeat)
            nodes = len(onnx.load(path, load_external_data=False).graph.node)
            ratios.append(a / b)
            print(f"| {name} | {nodes} | {a * 1e3:.1f} | {b * 1e3:.1f} | {a / b:.2f}x |")
    worst = max(ratios)
    print(f"worst ratio {worst:.2f}x (goal <= {GOAL}x): {'met' if worst <= GOAL else 'missed'}")


if __name__ == "__main__":
    main()
