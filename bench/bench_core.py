"""Core speed benchmark: hand-written numpy vs real PyTorch vs gradnb, in one run.

Three workloads, each timed for every available contender:

  (a) chain  - 2,000 elementwise ops on shape-(1,) float32 tensors, forward + backward
               (per-op overhead: what a student's scalar-sized notebook code pays), µs/op;
  (b) mlp    - one SGD training step of a 784-128-10 ReLU MLP, batch 64, cross-entropy, ms;
  (c) tanh   - (x*w + b).tanh().sum() forward + backward on 1e6 float32 elements, ms.

Contenders: "numpy" (forward and backward written out by hand), "torch" (real PyTorch, if
installed) and "gradnb" (this repo, if importable). torch and gradnb run the very same
PyTorch-style functions, which take the module as their first parameter, so what is
measured is the API users type. Before timing, every contender's loss and gradients are
checked against hand numpy; a mismatch exits non-zero. Peak memory of (b) and (c) is
measured with tracemalloc for numpy and gradnb (torch's allocator is invisible to it).

Usage: python bench/bench_core.py [--quick] [--json [PATH]] [--threads N] [--require-gradnb]
See bench/README.md for what is measured, how, and the targets.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line: run length, JSON output, thread count, strictness about gradnb."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 3 repeats of short samples (numbers are rough)")
    p.add_argument("--repeats", type=int, default=None,
                   help="interleaved rounds per workload (default 20, or 3 with --quick)")
    p.add_argument("--json", nargs="?", const="", default=None, metavar="PATH",
                   help="write all figures as JSON to PATH "
                        "(default: bench/results/bench_core-<time>.json)")
    p.add_argument("--threads", type=int, default=1,
                   help="threads for OpenBLAS/OpenMP/MKL and torch (default 1, see README)")
    p.add_argument("--require-gradnb", action="store_true",
                   help="exit 3 if gradnb cannot run every workload (for CI)")
    return p.parse_args(argv)


def pin_threads(n: int) -> None:
    """Size numpy's and torch's thread pools; must run before either is imported."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)


if __name__ == "__main__":
    # OpenBLAS reads its thread count once, when numpy loads, so this precedes the import.
    ARGS = parse_args()
    pin_threads(ARGS.threads)

import numpy as np  # noqa: E402  (after pin_threads on purpose)

F32 = np.float32
# float32 tolerances. atol is relative to each reference array's largest magnitude, so
# small gradients (|W1.grad| ~ 0.02) are checked as tightly as O(1) ones.
RTOL = 1e-4
ATOL = 1e-5

# ---------------------------------------------------------------------------------------
# The PyTorch-style code: run unchanged with `torch` = real torch or gradnb.
# ---------------------------------------------------------------------------------------

CHAIN_BLOCKS = 500          # 4 ops per block -> 2,000 ops
CHAIN_OPS = 4 * CHAIN_BLOCKS
MLP_BATCH = 64
MLP_LR = 0.1
TANH_N = 1_000_000


def chain_step(torch, x, w, b):
    """(a) 500 blocks of mul-by-param, add-param, tanh, scalar mul; then backward."""
    w.grad = None
    b.grad = None
    y = x
    for _ in range(CHAIN_BLOCKS):
        y = y * w
        y = y + b
        y = y.tanh()
        y = y * 0.5
    loss = y.sum()
    loss.backward()
    return loss


def mlp_step(torch, model, crit, opt, x, labels):
    """(b) one ordinary training step."""
    opt.zero_grad()
    loss = crit(model(x), labels)
    loss.backward()
    opt.step()
    return loss


def tanh_step(torch, x, w, b):
    """(c) large elementwise expression, forward + backward."""
    w.grad = None
    b.grad = None
    loss = (x * w + b).tanh().sum()
    loss.backward()
    return loss


def make_mlp(torch, init):
    """The MLP, its loss and optimizer, with weights copied from the shared numpy init."""
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 10))
    with torch.no_grad():
        for p, value in zip(model.parameters(), init):
            p.copy_(torch.tensor(value))
    return model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=MLP_LR)


# ---------------------------------------------------------------------------------------
# Hand-written numpy: what a competent person writes without an autograd library.
# ---------------------------------------------------------------------------------------

def chain_numpy(x, w, b):
    """(a) forward storing what backward needs, then the derivatives applied in reverse."""
    inputs, tanhs = [], []          # input of each `* w` (for dw), tanh output (for tanh')
    y = x
    for _ in range(CHAIN_BLOCKS):
        inputs.append(y)
        y = y * w
        y = y + b
        t = np.tanh(y)
        tanhs.append(t)
        y = t * 0.5
    loss = y.sum()
    g = np.ones_like(y)
    gw = np.zeros_like(w)
    gb = np.zeros_like(b)
    for y_in, t in zip(reversed(inputs), reversed(tanhs)):
        g = g * 0.5
        g = g * (1 - t * t)
        gb += g
        gw += g * y_in
        g = g * w
    return loss, gw, gb


class NumpyMLP:
    """(b) 784-128-10 MLP with forward, backward and SGD written out."""

    def __init__(self, init, lr):
        self.params = [p.copy() for p in init]      # W1, b1, W2, b2 (torch's layout)
        self.grads = [None] * 4
        self.lr = lr

    def step(self, x, labels):
        """zero grads, forward, cross-entropy, backward, SGD update; returns the loss."""
        self.grads = [None] * 4                      # like zero_grad(set_to_none=True)
        W1, b1, W2, b2 = self.params
        n = x.shape[0]
        rows = np.arange(n)
        h_pre = x @ W1.T + b1
        h = np.maximum(h_pre, 0)
        logits = h @ W2.T + b2
        shifted = logits - logits.max(axis=1, keepdims=True)   # stable log-softmax
        exp = np.exp(shifted)
        sumexp = exp.sum(axis=1, keepdims=True)
        logp = shifted - np.log(sumexp)
        loss = -logp[rows, labels].mean()
        g = exp / sumexp                                        # d loss / d logits
        g[rows, labels] -= 1
        g /= n
        gW2 = g.T @ h
        gb2 = g.sum(axis=0)
        g_h = g @ W2
        g_h *= h_pre > 0                                        # ReLU mask
        gW1 = g_h.T @ x
        gb1 = g_h.sum(axis=0)
        self.grads = [gW1, gb1, gW2, gb2]
        for p, grad in zip(self.params, self.grads):
            p -= self.lr * grad
        return loss


def tanh_numpy(x, w, b):
    """(c) forward, then tanh' = 1 - t² reused from the forward output."""
    t = np.tanh(x * w + b)
    loss = t.sum()
    gb = 1 - t * t                  # upstream gradient of sum() is 1
    gw = gb * x
    return loss, gw, gb


# ---------------------------------------------------------------------------------------
# Workloads: shared data, one preparer per contender kind, and how to read results.
# ---------------------------------------------------------------------------------------

@dataclass
class Prepared:
    """A contender ready to run: `step()` is what is timed; `outputs(step())` is checked."""
    step: Callable[[], object]
    outputs: Callable[[object], dict]


def to_numpy(t) -> np.ndarray:
    """Copy of a torch/gradnb tensor's values (copied: later steps mutate parameters)."""
    return np.array(t.detach().numpy(), copy=True)


def xwb_numpy(fn):
    """Preparer for hand numpy `fn(x, w, b) -> (loss, w.grad, b.grad)`, as in (a) and (c)."""
    def prepare(d):
        return Prepared(partial(fn, d["x"], d["w"], d["b"]),
                        lambda r: {"loss": r[0], "w.grad": r[1], "b.grad": r[2]})
    return prepare


def xwb_module(step_fn):
    """Preparer for PyTorch-style `step_fn(torch, x, w, b) -> loss`; w, b are leaves."""
    def prepare(torch, d):
        x = torch.tensor(d["x"])
        w = torch.tensor(d["w"], requires_grad=True)
        b = torch.tensor(d["b"], requires_grad=True)
        return Prepared(partial(step_fn, torch, x, w, b),
                        lambda r: {"loss": to_numpy(r), "w.grad": to_numpy(w.grad),
                                   "b.grad": to_numpy(b.grad)})
    return prepare


def chain_data(rng):
    """(a) constant input x and the two shape-(1,) parameters."""
    # w = 2, b = 0, then * 0.5 puts each block near slope 1: the gradient neither explodes
    # nor underflows to denormals over 500 blocks, so every block counts in w.grad/b.grad.
    return {"x": np.array([0.5], F32), "w": np.array([2.0], F32), "b": np.array([0.0], F32)}


def mlp_data(rng):
    """(b) initial weights (torch's layout: W is out x in), a batch and its labels."""
    init = []
    for fan_in, fan_out in ((784, 128), (128, 10)):   # PyTorch's default U(±1/sqrt(fan_in))
        bound = 1 / np.sqrt(fan_in)
        init.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(F32))
        init.append(rng.uniform(-bound, bound, fan_out).astype(F32))
    return {"init": init,
            "x": rng.standard_normal((MLP_BATCH, 784)).astype(F32),
            "labels": rng.integers(0, 10, MLP_BATCH)}


MLP_NAMES = ("W1", "b1", "W2", "b2")


def mlp_outputs(loss, params, grads) -> dict:
    """Loss, every gradient, and every parameter after the SGD update."""
    out = {"loss": loss}
    for name, p, g in zip(MLP_NAMES, params, grads):
        out[name + ".grad"] = g
        out[name] = p
    return out


def mlp_numpy_prepare(d):
    """(b) hand numpy; its outputs copy the parameters, which later steps update."""
    net = NumpyMLP(d["init"], MLP_LR)
    return Prepared(partial(net.step, d["x"], d["labels"]),
                    lambda r: mlp_outputs(r, [p.copy() for p in net.params], net.grads))


def mlp_module_prepare(torch, d):
    """(b) torch or gradnb model, loss and optimizer on the shared init."""
    model, crit, opt = make_mlp(torch, d["init"])
    params = list(model.parameters())
    return Prepared(partial(mlp_step, torch, model, crit, opt,
                            torch.tensor(d["x"]), torch.tensor(d["labels"])),
                    lambda r: mlp_outputs(to_numpy(r), [to_numpy(p) for p in params],
                                          [to_numpy(p.grad) for p in params]))


def tanh_data(rng):
    """(c) x, w, b of 1e6 elements; x*w + b has std ~0.85: tanh stays off saturation."""
    return {k: rng.standard_normal(TANH_N).astype(F32) * s
            for k, s in (("x", 1.0), ("w", 0.8), ("b", 0.3))}


@dataclass
class Workload:
    """One benchmark: data maker, preparers, and how a step's time is reported."""
    key: str
    title: str
    unit: str
    scale: float                  # seconds per step * scale = reported figure
    make_data: Callable
    numpy_prepare: Callable
    module_prepare: Callable
    measure_memory: bool


WORKLOADS = [
    Workload("a", f"chain of {CHAIN_OPS} elementwise ops on shape (1,), fwd+bwd", "µs/op",
             1e6 / CHAIN_OPS, chain_data, xwb_numpy(chain_numpy), xwb_module(chain_step),
             False),
    Workload("b", f"MLP 784-128-10 train step, batch {MLP_BATCH}", "ms/step",
             1e3, mlp_data, mlp_numpy_prepare, mlp_module_prepare, True),
    Workload("c", "(x*w+b).tanh().sum() fwd+bwd, 1e6 float32", "ms/step",
             1e3, tanh_data, xwb_numpy(tanh_numpy), xwb_module(tanh_step), True),
]

# (label, workload, measured quantity, contender, baseline, limit)
TARGETS = [
    ("(a) gradnb per-op time <= 0.5 x torch", "a", "time", "gradnb", "torch", 0.5),
    ("(b) gradnb step time <= 1.3 x numpy", "b", "time", "gradnb", "numpy", 1.3),
    ("(c) gradnb step time <= 1.15 x numpy", "c", "time", "gradnb", "numpy", 1.15),
    ("(b) gradnb peak memory <= 1.3 x numpy", "b", "memory", "gradnb", "numpy", 1.3),
    ("(c) gradnb peak memory <= 1.3 x numpy", "c", "memory", "gradnb", "numpy", 1.3),
]

# ---------------------------------------------------------------------------------------
# Loading contenders and checking they agree.
# ---------------------------------------------------------------------------------------


def load_module(name: str, threads: int):
    """Import torch or gradnb; return the module, or a string saying why it is unavailable."""
    try:
        mod = importlib.import_module(name)
    except Exception as e:  # any import failure just means "not available"
        return f"import failed: {type(e).__name__}: {e}"
    if getattr(mod, "__file__", None) is None:
        return f"{name}/ has no __init__.py yet (empty namespace package)"
    if name == "torch":
        mod.set_num_threads(threads)
    return mod


def prepare_and_run_once(workload: Workload, name: str, mod, data):
    """Prepare a contender and run its first step; unavailable -> (reason, None).

    The first step starts from the shared initial values, so its outputs are the ones
    compared across contenders.
    """
    try:
        if name == "numpy":
            prepared = workload.numpy_prepare(data)
        else:
            prepared = workload.module_prepare(mod, data)
        outputs = prepared.outputs(prepared.step())
    except Exception as e:
        if name == "numpy":   # the reference itself must work: a bug here is the bench's
            raise
        return f"{type(e).__name__}: {e}", None
    return prepared, {k: np.asarray(v) for k, v in outputs.items()}


def compare(outputs: dict, ref: dict) -> list[str]:
    """Differences from the numpy reference: missing names, shape, dtype, values."""
    problems = []
    for name, want in ref.items():
        got = outputs.get(name)
        if got is None:
            problems.append(f"{name}: missing")
        elif got.shape != want.shape or got.dtype != want.dtype:
            problems.append(f"{name}: got {got.dtype}{list(got.shape)}, "
                            f"want {want.dtype}{list(want.shape)}")
        elif not np.allclose(got, want, rtol=RTOL, atol=ATOL * (np.abs(want).max() or 1.0)):
            err = np.abs(got.astype(np.float64) - want).max()
            problems.append(f"{name}: max abs difference {err:.3g} (values e.g. "
                            f"{got.ravel()[:3]} vs {want.ravel()[:3]})")
    return problems


# ---------------------------------------------------------------------------------------
# Measuring: the one timing loop, and peak memory.
# ---------------------------------------------------------------------------------------


def run_calls(step: Callable, number: int) -> float:
    """Seconds per call over `number` back-to-back calls.

    gc stays enabled for everyone (cyclic-collector work triggered by a contender's own
    garbage is part of its cost, as users experience it); gc.collect() beforehand, outside
    the timed region, means no contender pays for garbage another one left behind.
    """
    gc.collect()
    t0 = time.perf_counter()
    for _ in range(number):
        step()
    return (time.perf_counter() - t0) / number


def calls_per_sample(step: Callable, sample_s: float) -> int:
    """Warm up for about half a sample (3 calls at least), then size samples to sample_s."""
    calls, t0 = 0, time.perf_counter()
    while calls < 3 or time.perf_counter() - t0 < sample_s / 2:
        step()
        calls += 1
    per_call = (time.perf_counter() - t0) / calls
    return max(1, round(sample_s / per_call))


def time_interleaved(steps: dict[str, Callable], repeats: int, sample_s: float):
    """Per contender: list of seconds-per-call samples, and calls per sample.

    Each round runs every contender once; the starting contender rotates from round to
    round so none always runs right after the same neighbour (caches, CPU clock).
    """
    numbers = {name: calls_per_sample(step, sample_s) for name, step in steps.items()}
    names = list(steps)
    samples = {name: [] for name in names}
    for r in range(repeats):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            samples[name].append(run_calls(steps[name], numbers[name]))
    return samples, numbers


def peak_memory_mb(step: Callable) -> float:
    """Peak traced allocation (MB) during one call; numpy registers its buffers here."""
    gc.collect()
    tracemalloc.start()
    try:
        result = step()  # noqa: F841  (kept alive to the end, like a user's `loss`)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


# ---------------------------------------------------------------------------------------
# Reporting.
# ---------------------------------------------------------------------------------------


def machine_info(threads: int, torch_mod) -> dict:
    """Versions and hardware, so results from different runs can be compared."""
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": getattr(torch_mod, "__version__", None),
        "platform": platform.platform(),
        "cpu_model": cpu_model,
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                       else os.cpu_count(),
        "threads": threads,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def summarize(samples: list[float], scale: float) -> dict:
    """Median and min of the samples, in the workload's display unit."""
    scaled = [s * scale for s in samples]
    return {"median": statistics.median(scaled), "min": min(scaled), "samples": scaled}


def figure(results: dict, key: str, quantity: str, name: str) -> float | None:
    """A contender's median time or peak memory on a workload; None if not measured."""
    if quantity == "time":
        entry = results[key]["time"].get(name)
        return entry["median"] if isinstance(entry, dict) else None
    entry = results[key].get("memory_mb", {}).get(name)
    return entry if isinstance(entry, float) else None


def ratio(results: dict, key: str, quantity: str, contender: str, baseline: str):
    """contender/baseline of a workload's median time or peak memory, or None."""
    a, b = (figure(results, key, quantity, n) for n in (contender, baseline))
    return None if a is None or b is None else a / b


def evaluate_targets(results: dict) -> list[dict]:
    """PASS/MISS for each target, or n/a when a contender is missing."""
    rows = []
    for label, key, quantity, contender, baseline, limit in TARGETS:
        r = ratio(results, key, quantity, contender, baseline)
        status = "n/a" if r is None else ("PASS" if r <= limit else "MISS")
        rows.append({"target": label, "limit": limit, "ratio": r, "status": status})
    return rows


def print_report(info: dict, results: dict, targets: list[dict], settings: dict) -> None:
    """The human-readable table."""
    print(f"\ngradnb core benchmark: python {info['python']}, numpy {info['numpy']}, "
          f"torch {info['torch'] or 'not installed'}, {info['cpus_usable']} CPU(s) "
          f"{info['cpu_model']}")
    print(f"threads={info['threads']} (OpenBLAS/OpenMP/MKL env + torch.set_num_threads), "
          f"{settings['repeats']} interleaved rounds of ~{settings['sample_s'] * 1e3:.0f} ms "
          f"samples; gc enabled for all, collected before each sample")
    for w in WORKLOADS:
        res = results[w.key]
        print(f"\n({w.key}) {w.title}   [{w.unit}]")
        print(f"    {'contender':<10}{'median':>10}{'min':>10}{'x numpy':>10}{'x torch':>10}"
              f"{'calls/sample':>14}")
        for name, entry in res["time"].items():
            if isinstance(entry, str):
                print(f"    {name:<10}not available: {entry}")
                continue
            ratios = [ratio(results, w.key, "time", name, base) for base in ("numpy", "torch")]
            cells = "".join(f"{r:>9.2f}x" if r is not None else f"{'-':>10}" for r in ratios)
            print(f"    {name:<10}{entry['median']:>10.3f}{entry['min']:>10.3f}{cells}"
                  f"{res['calls_per_sample'][name]:>14}")
    print("\npeak memory of one step after warm-up (tracemalloc), MB")
    print(f"    {'workload':<10}{'numpy':>10}{'gradnb':>10}{'gradnb/numpy':>14}   torch")
    for w in WORKLOADS:
        if not w.measure_memory:
            continue
        mem = results[w.key]["memory_mb"]
        r = ratio(results, w.key, "memory", "gradnb", "numpy")
        g = mem.get("gradnb")
        g_cell = f"{g:>10.2f}" if isinstance(g, float) else f"{'-':>10}"
        r_cell = f"{r:>13.2f}x" if r is not None else f"{'-':>14}"
        print(f"    ({w.key}){'':<7}{mem['numpy']:>10.2f}{g_cell}{r_cell}   {mem['torch']}")
    print("\ntargets")
    for t in targets:
        measured = f"{t['ratio']:.2f}" if t["ratio"] is not None else "-"
        print(f"    {t['target']:<42} measured {measured:>6}   {t['status']}")


def default_json_path() -> Path:
    """bench/results/bench_core-<local time>.json"""
    return RESULTS_DIR / time.strftime("bench_core-%Y%m%d-%H%M%S.json")


# ---------------------------------------------------------------------------------------
# Main.
# ---------------------------------------------------------------------------------------


def check_all(contenders: dict) -> tuple[dict, dict, list[str]]:
    """Prepare every contender on every workload and compare its first step to numpy."""
    rng = np.random.default_rng(0)
    prepared, unavailable, failures = {}, {}, []
    for w in WORKLOADS:
        data = w.make_data(rng)
        prepared[w.key], unavailable[w.key] = {}, {}
        ref = None
        for name, mod in contenders.items():
            if isinstance(mod, str):
                unavailable[w.key][name] = mod
                continue
            p, outputs = prepare_and_run_once(w, name, mod, data)
            if isinstance(p, str):
                unavailable[w.key][name] = p
                continue
            if ref is None:                    # numpy comes first: it is the reference
                ref = outputs
            else:
                failures += [f"({w.key}) {name} {msg}" for msg in compare(outputs, ref)]
            prepared[w.key][name] = p
    return prepared, unavailable, failures


def measure_all(prepared: dict, unavailable: dict, repeats: int, sample_s: float) -> dict:
    """Interleaved timing of every workload, then peak memory where it is meaningful."""
    results = {}
    for w in WORKLOADS:
        steps = {name: p.step for name, p in prepared[w.key].items()}
        print(f"timing ({w.key}) with {', '.join(steps)} ...", file=sys.stderr, flush=True)
        samples, numbers = time_interleaved(steps, repeats, sample_s)
        timing = {name: summarize(s, w.scale) for name, s in samples.items()}
        timing.update(unavailable[w.key])
        results[w.key] = {"title": w.title, "unit": w.unit, "time": timing,
                          "calls_per_sample": numbers}
        if w.measure_memory:
            mem = {name: peak_memory_mb(steps[name]) for name in steps if name != "torch"}
            mem["torch"] = ("n/a (torch's allocator is invisible to tracemalloc)"
                            if "torch" in steps else "n/a (not available)")
            mem.setdefault("gradnb", unavailable[w.key].get("gradnb"))
            results[w.key]["memory_mb"] = mem
    return results


def main(args: argparse.Namespace) -> int:
    repeats = args.repeats or (3 if args.quick else 20)
    sample_s = 0.02 if args.quick else 0.1
    sys.path.insert(0, str(REPO_ROOT))        # measure this checkout's gradnb
    contenders = {"numpy": np,
                  "torch": load_module("torch", args.threads),
                  "gradnb": load_module("gradnb", args.threads)}
    info = machine_info(args.threads, contenders["torch"])

    prepared, unavailable, failures = check_all(contenders)
    if failures:
        print("CORRECTNESS CHECK FAILED (outputs differ from hand numpy):", file=sys.stderr)
        for f in failures:
            print("  " + f, file=sys.stderr)
        return 1

    results = measure_all(prepared, unavailable, repeats, sample_s)
    targets = evaluate_targets(results)
    settings = {"repeats": repeats, "sample_s": sample_s, "quick": args.quick,
                "gc": "enabled for all; gc.collect() before each sample, outside timing",
                "rtol": RTOL, "atol": f"{ATOL} x max|reference|"}
    print_report(info, results, targets, settings)

    if args.json is not None:
        path = Path(args.json) if args.json else default_json_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"machine": info, "settings": settings,
                                    "results": results, "targets": targets}, indent=2))
        print(f"\nwrote {path}")

    missing = {k: v["gradnb"] for k, v in unavailable.items() if "gradnb" in v}
    if args.require_gradnb and missing:
        print(f"gradnb required but not available: {missing}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
