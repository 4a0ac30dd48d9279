"""Benchmark of gradnb.viz: GraphModel + layout + SVG for graphs of about 100, 1,000 and
10,000 nodes (a deep MLP's graph and a long elementwise chain).

A script, not a test::

    python bench/bench_viz.py            # ~10 s
    python bench/bench_viz.py --quick    # fewer repeats

For each graph it times ``build_graph(root, ...).to_svg()`` (walk, pruning analysis,
collapse plan, node text, layout, SVG) twice: with the default ``max_nodes=300``
(large graphs collapse) and with ``max_nodes=None`` (everything laid out). The growth
exponent is the slope of log(time) against log(nodes) over the three sizes: 1 is linear,
about 1.1 is n log n at these sizes, 2 quadratic.

Targets (issue 3): 1,000 nodes under 100 ms, 10,000 (collapsed) under 1 s, growth no
worse than n log n.
"""

import argparse
import gc
import math
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import gradnb as torch  # noqa: E402
from gradnb import nn, viz  # noqa: E402

SIZES = (100, 1_000, 10_000)
TARGETS_MS = {1_000: 100.0, 10_000: 1000.0}
NLOGN_EXPONENT = 1.15      # slope an n log n cost shows between 100 and 10,000 nodes


def chain_graph(nodes):
    """``x * c * c ... .sum()``: one MulBackward0 per node, plus the ends."""
    x = torch.ones(4, requires_grad=True)
    y = x
    for _ in range(nodes - 4):
        y = y * 1.0001
    return y.sum(), {"x": x}


def mlp_graph(nodes):
    """A deep MLP: each Linear+ReLU block draws 7 nodes (2 parameters, 2 AccumulateGrad,
    TBackward0, AddmmBackward0, ReluBackward0)."""
    torch.manual_seed(0)
    blocks = max(1, (nodes - 4) // 7)
    layers = []
    for _ in range(blocks):
        layers += [nn.Linear(8, 8), nn.ReLU()]
    model = nn.Sequential(*layers)
    root = model(torch.randn(4, 8)).sum()
    return root, {"model": model}


def time_once(root, namespace, max_nodes):
    gc.collect()
    start = time.perf_counter()
    model = viz.build_graph(root, namespace=namespace, max_nodes=max_nodes)
    model.to_svg()
    return time.perf_counter() - start, model


def measure(make, size, max_nodes, repeats):
    root, namespace = make(size)
    times, model = [], None
    for _ in range(repeats):
        seconds, model = time_once(root, namespace, max_nodes)
        times.append(seconds)
    full = model.summary["tensors"] + model.summary["functions"] + \
        sum(1 for n in model.nodes if n["kind"] == "pruned_op")
    return {"nodes": full, "drawn": len(model.nodes), "ms": statistics.median(times) * 1e3,
            "min_ms": min(times) * 1e3}


def exponent(rows):
    xs = [math.log(r["nodes"]) for r in rows]
    ys = [math.log(r["ms"]) for r in rows]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / \
        sum((x - mx) ** 2 for x in xs)


def verdict(ok):
    return "PASS" if ok else "MISS"


def run(repeats):
    results = {}
    print(f"{'graph':<7} {'max_nodes':>9} {'nodes':>7} {'drawn':>6} {'median ms':>10} "
          f"{'min ms':>8}")
    for name, make in (("mlp", mlp_graph), ("chain", chain_graph)):
        for max_nodes in (300, None):
            rows = []
            for size in SIZES:
                reps = repeats if size < 10_000 else max(2, repeats // 2)
                row = measure(make, size, max_nodes, reps)
                rows.append(row)
                print(f"{name:<7} {str(max_nodes):>9} {row['nodes']:>7} {row['drawn']:>6} "
                      f"{row['ms']:>10.1f} {row['min_ms']:>8.1f}")
            slope = exponent(rows)
            print(f"{'':<7} {'':>9} growth exponent {slope:.2f} "
                  f"[{verdict(slope <= NLOGN_EXPONENT)} <= {NLOGN_EXPONENT}]")
            results[(name, max_nodes)] = (rows, slope)
    return results


def report_targets(results):
    print("\ntargets:")
    for name in ("mlp", "chain"):
        for size, limit in TARGETS_MS.items():
            # 1,000 nodes: the full layout (nothing collapsed); 10,000: collapsed
            max_nodes = None if size == 1_000 else 300
            rows, _ = results[(name, max_nodes)]
            row = rows[SIZES.index(size)]
            print(f"  {name} {row['nodes']:>6} nodes, max_nodes={max_nodes}: "
                  f"{row['ms']:.1f} ms < {limit:.0f} ms [{verdict(row['ms'] < limit)}]")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    results = run(repeats=3 if args.quick else 7)
    report_targets(results)


if __name__ == "__main__":
    main()
