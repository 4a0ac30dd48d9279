"""Cost per op of the torch recorder (gradnb.viz.source_torch.Recorder) on top of plain
PyTorch: the TorchFunctionMode that notes, while ``%load_ext gradnb`` is active, the
results autograd did not record and the constant inputs of those it did.

Three runs of the same small-tensor loop (tracked and untracked ops mixed, as in a
training step with a frozen part): plain torch, torch under an empty TorchFunctionMode
(the price of any Python-level mode: the floor of this design), and under the recorder.
Reported: microseconds per op, and the recorder's overhead per op over plain torch
(target: at most 2 us) and over the empty mode.

Run: ``PYTHONPATH=. python bench/bench_torch_recorder.py``
"""

import time

import torch
from torch.overrides import TorchFunctionMode

from gradnb.viz.source_torch import Recorder

OPS_PER_STEP = 8
TARGET_US = 2.0


class _Empty(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        return func(*args, **(kwargs or {}))


def _step(w, c):
    """Eight ops: four tracked (w requires grad), four on constants only."""
    a = w * c
    b = a + c
    d = c * 2.0
    e = d - c
    f = b.tanh()
    g = e.exp()
    h = f * g
    return h.sum()


def _us_per_op(steps, w, c):
    start = time.perf_counter()
    for _ in range(steps):
        _step(w, c)
    return (time.perf_counter() - start) / (steps * OPS_PER_STEP) * 1e6


def measure(steps=2000, rounds=25):
    """``{"plain": us, "empty_mode": us, "recorder": us}`` per op: the best of
    ``rounds`` short runs of each, interleaved (the machine is shared: the minimum of
    interleaved runs is what survives other load)."""
    w = torch.ones(4, requires_grad=True)
    c = torch.full((4,), 0.5)
    recorder, empty = Recorder(), _Empty()
    best = {"plain": float("inf"), "empty_mode": float("inf"), "recorder": float("inf")}
    for _ in range(rounds):
        best["plain"] = min(best["plain"], _us_per_op(steps, w, c))
        with empty:
            best["empty_mode"] = min(best["empty_mode"], _us_per_op(steps, w, c))
        recorder.start()
        try:
            best["recorder"] = min(best["recorder"], _us_per_op(steps, w, c))
        finally:
            recorder.stop()
    return best


def main():
    r = measure()
    over = r["recorder"] - r["plain"]
    print(f"torch {torch.__version__}, 4-element tensors, {OPS_PER_STEP} ops per step "
          "(best of 25 interleaved runs)")
    print(f"  plain torch                  {r['plain']:6.2f} us/op")
    print(f"  empty TorchFunctionMode      {r['empty_mode']:6.2f} us/op "
          f"(+{r['empty_mode'] - r['plain']:.2f})")
    print(f"  gradnb recorder              {r['recorder']:6.2f} us/op "
          f"(+{over:.2f} over plain, +{r['recorder'] - r['empty_mode']:.2f} over the empty "
          "mode)")
    print(f"  target: recorder overhead <= {TARGET_US} us/op: "
          f"{'PASS' if over <= TARGET_US else 'MISS'}")


if __name__ == "__main__":
    main()
