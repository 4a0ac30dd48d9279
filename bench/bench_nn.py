"""Image-layer benchmark: gradnb's conv2d / max_pool2d / batch_norm against real PyTorch
(when installed), timed on the workloads of the beginner lessons.

Workloads (the same PyTorch-style function runs under both modules):

  (a) lenet  - one SGD-with-momentum training step of a LeNet-style convnet on
               3x32x32 images (conv 5x5 -> relu -> pool 2 -> conv 5x5 -> relu -> pool 2
               -> three linear layers), cross-entropy, batch 4 and batch 64;
  (b) conv   - conv2d forward + backward, input 16x32x32x32, weight 64x32x3x3, padding 1;
  (c) pool   - max_pool2d 2x2 and 3x3/stride 1 forward + backward on 16x32x32x32;
  (d) bn     - BatchNorm2d(32) training forward + backward on 16x32x32x32.

Both run single-threaded (torch.set_num_threads(1); set OMP_NUM_THREADS=1 and
OPENBLAS_NUM_THREADS=1 for numpy's BLAS) so the ratio compares algorithms, not cores.
Usage: python bench/bench_nn.py [--repeat N]
"""

import argparse
import importlib
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def lenet_step(torch, batch):
    """A function running one training step (its setup done once)."""
    nn, F = torch.nn, torch.nn.functional
    net = nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Conv2d(6, 16, 5),
                        nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(400, 120),
                        nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    images = torch.tensor(np.random.default_rng(0).standard_normal((batch, 3, 32, 32)),
                          dtype=torch.float32)
    labels = torch.tensor(np.arange(batch) % 10)

    def step():
        opt.zero_grad()
        F.cross_entropy(net(images), labels).backward()
        opt.step()
    return step


def _big_input(torch):
    return torch.tensor(np.random.default_rng(1).standard_normal((16, 32, 32, 32)),
                        dtype=torch.float32, requires_grad=True)


def conv_step(torch):
    x = _big_input(torch)
    w = torch.tensor(np.random.default_rng(2).standard_normal((64, 32, 3, 3)) * 0.1,
                     dtype=torch.float32, requires_grad=True)
    return lambda: torch.nn.functional.conv2d(x, w, padding=1).sum().backward()


def pool_step(torch, kernel, stride):
    x = _big_input(torch)
    return lambda: torch.nn.functional.max_pool2d(x, kernel, stride).sum().backward()


def bn_step(torch):
    x = _big_input(torch)
    bn = torch.nn.BatchNorm2d(32)
    return lambda: bn(x).sum().backward()


WORKLOADS = [
    ("(a) lenet step, batch 4", lambda t: lenet_step(t, 4)),
    ("(a) lenet step, batch 64", lambda t: lenet_step(t, 64)),
    ("(b) conv2d 16x32x32x32 * 64x32x3x3", conv_step),
    ("(c) max_pool2d 2x2", lambda t: pool_step(t, 2, 2)),
    ("(c) max_pool2d 3x3 stride 1", lambda t: pool_step(t, 3, 1)),
    ("(d) BatchNorm2d(32) training", bn_step),
]


def best_ms(fn, repeat):
    """The fastest of ``repeat`` runs after a warm-up (ms); the median is noisier on a
    shared machine."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1e3, statistics.median(times) * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    modules = {"gradnb": importlib.import_module("gradnb")}
    try:
        modules["torch"] = importlib.import_module("torch")
        modules["torch"].set_num_threads(1)
    except ImportError:
        pass
    print(f"{'workload':40s} " + " ".join(f"{name + ' ms':>16s}" for name in modules) +
          ("   gradnb/torch" if "torch" in modules else ""))
    for title, make in WORKLOADS:
        results = {name: best_ms(make(module), args.repeat) for name, module in modules.items()}
        cells = " ".join(f"{results[n][0]:8.2f} ({results[n][1]:5.1f})" for n in modules)
        ratio = (f"   {results['gradnb'][0] / results['torch'][0]:8.2f}x"
                 if "torch" in results else "")
        print(f"{title:40s} {cells}{ratio}")
    print("(best of runs, median in parentheses)")


if __name__ == "__main__":
    main()
