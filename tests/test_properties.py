"""Property tests: random expression graphs run under gradnb and under PyTorch must give
the same forward values and the same gradient for every leaf.

A graph is a *program*: a few leaves of shapes that broadcast together, then steps that
each apply an op from :data:`OPS` to earlier values (a value may be used several times:
fan-out), sometimes with python scalars. Hypothesis draws the program while gradnb runs
it (so each op is chosen among those valid for the shapes at hand); the same program is
then replayed under PyTorch. Backward starts from every value no step consumed, each
weighted by fixed, non-uniform weights. float64 runs compare tightly; float32 runs also
check that dtypes stay float32. Skipped without PyTorch: goldens cannot cover random
graphs.
"""

import math
from typing import Callable, NamedTuple

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import gradnb

torch = pytest.importorskip("torch")


class Op(NamedTuple):
    """An op of the random graphs: how many operands, whether it applies to their
    shapes, which parameters to draw, and how to run it under a module."""
    name: str
    arity: int
    applies: Callable      # (shapes) -> bool
    params: Callable       # (draw, shapes) -> dict
    run: Callable          # (module, *operands, **params) -> tensor


def _always(*shapes):
    return True


def _no_params(draw, shapes):
    return {}


def _broadcasts(a, b):
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        return False
    return True


def _has_dims(n):
    return lambda a: len(a) >= n


def _a_dim(draw, shapes):
    return {"dim": draw(st.integers(-len(shapes[0]), len(shapes[0]) - 1))}


def _dim_keepdim(draw, shapes):
    return {**_a_dim(draw, shapes), "keepdim": draw(st.booleans())}


def _scalar(draw, shapes):
    return {"c": draw(st.sampled_from([-2.5, -1, 0.5, 2, 3.0]))}


def unary(name, fn):
    return Op(name, 1, _always, _no_params, lambda m, x: fn(m, x))


def with_scalar(name, fn):
    return Op(name, 1, _always, _scalar, lambda m, x, c: fn(x, c))


def binary(name, fn):
    return Op(name, 2, lambda a, b: _broadcasts(a, b), _no_params, lambda m, x, y: fn(m, x, y))


def _positive(x):
    """x * x + 0.5: keeps log, sqrt, division and fractional powers on their domain."""
    return x * x + 0.5


OPS = [
    unary("neg", lambda m, x: -x),
    unary("exp", lambda m, x: m.exp(x.tanh())),
    unary("log", lambda m, x: _positive(x).log()),
    unary("sqrt", lambda m, x: m.sqrt(_positive(x))),
    unary("sin", lambda m, x: x.sin()),
    unary("cos", lambda m, x: m.cos(x)),
    unary("tanh", lambda m, x: x.tanh()),
    unary("sigmoid", lambda m, x: m.sigmoid(x)),
    unary("relu", lambda m, x: x.relu()),
    unary("abs", lambda m, x: x.abs()),
    unary("square", lambda m, x: x ** 2),
    unary("reciprocal", lambda m, x: _positive(x).reciprocal()),
    unary("clamp", lambda m, x: x.clamp(-0.7, 0.9)),
    unary("clone", lambda m, x: x.clone()),
    with_scalar("add_scalar", lambda x, c: x + c),
    with_scalar("rsub_scalar", lambda x, c: c - x),
    with_scalar("mul_scalar", lambda x, c: c * x),
    with_scalar("div_scalar", lambda x, c: x / c),
    with_scalar("rdiv_scalar", lambda x, c: c / _positive(x)),
    with_scalar("pow_scalar", lambda x, c: _positive(x) ** c),
    with_scalar("rpow_scalar", lambda x, c: abs(c) ** x.tanh()),
    binary("add", lambda m, x, y: x + y),
    binary("add_alpha", lambda m, x, y: m.add(x, y, alpha=0.5)),
    binary("sub", lambda m, x, y: x - y),
    binary("mul", lambda m, x, y: x * y),
    binary("div", lambda m, x, y: x / _positive(y)),
    binary("pow", lambda m, x, y: _positive(x) ** y.tanh()),
    binary("maximum", lambda m, x, y: m.maximum(x, y)),
    binary("minimum", lambda m, x, y: m.minimum(x, y)),
    binary("where", lambda m, x, y: m.where(x > y, x, y * 2)),
    Op("sum", 1, _always, _no_params, lambda m, x: x.sum()),
    Op("sum_dim", 1, _has_dims(1), _dim_keepdim, lambda m, x, dim, keepdim: x.sum(dim, keepdim)),
    Op("mean_dim", 1, _has_dims(1), _dim_keepdim,
       lambda m, x, dim, keepdim: x.mean(dim, keepdim=keepdim)),
    Op("amax", 1, _has_dims(1), _a_dim, lambda m, x, dim: x.amax(dim)),
    Op("max_all", 1, _always, _no_params, lambda m, x: x.max()),
    Op("softmax", 1, _has_dims(1), _a_dim, lambda m, x, dim: x.softmax(dim)),
    Op("log_softmax", 1, _has_dims(1), _a_dim, lambda m, x, dim: m.log_softmax(x, dim)),
    Op("cumsum", 1, _has_dims(1), _a_dim, lambda m, x, dim: x.cumsum(dim)),
    Op("norm", 1, _always, _no_params, lambda m, x: _positive(x).norm()),
    Op("var", 1, lambda a: math.prod(a) > 1, _no_params, lambda m, x: x.var()),
    Op("transpose", 1, _has_dims(2), _no_params, lambda m, x: x.transpose(0, -1)),
    Op("unsqueeze", 1, lambda a: len(a) < 3, _no_params, lambda m, x: x.unsqueeze(0)),
    Op("flatten", 1, _always, _no_params, lambda m, x: x.reshape(-1)),
    Op("flip", 1, _has_dims(1), _no_params, lambda m, x: x.flip(0)),
    Op("select", 1, _has_dims(1), _no_params, lambda m, x: x[0]),
    Op("slice", 1, lambda a: len(a) >= 1 and a[-1] > 1, _no_params, lambda m, x: x[..., 1:]),
    Op("index_repeated", 1, _has_dims(1), _no_params, lambda m, x: x[[0, 0]]),
    Op("expand", 1, lambda a: len(a) < 3, _no_params,
       lambda m, x: x.expand((2,) + tuple(x.shape))),
    Op("stack", 2, lambda a, b: a == b, _no_params, lambda m, x, y: m.stack([x, y])),
    Op("cat", 2, lambda a, b: len(a) >= 1 and a[1:] == b[1:] and len(a) == len(b),
       _no_params, lambda m, x, y: m.cat([x, y])),
    Op("matmul", 2, lambda a, b: len(a) >= 1 and len(b) >= 1 and a[-1] == b[0] and len(b) <= 2,
       _no_params, lambda m, x, y: x @ y),
    Op("iadd", 2, lambda a, b: _broadcasts(a, b) and np.broadcast_shapes(a, b) == a,
       _no_params, lambda m, x, y: _iadd(x, y)),
    Op("mul_", 2, lambda a, b: _broadcasts(a, b) and np.broadcast_shapes(a, b) == a,
       _no_params, lambda m, x, y: x.clone().mul_(y)),
    Op("inplace_on_view", 2, lambda a, b: len(a) >= 1 and _broadcasts(a[1:], b)
       and np.broadcast_shapes(a[1:], b) == a[1:], _no_params,
       lambda m, x, y: _mul_first_row(x, y)),
    Op("setitem", 2, lambda a, b: len(a) >= 1 and _broadcasts(a[1:], b)
       and np.broadcast_shapes(a[1:], b) == a[1:], _no_params,
       lambda m, x, y: _set_last_row(x, y)),
]
OPS_BY_NAME = {op.name: op for op in OPS}


def _iadd(x, y):
    out = x * 1.0
    out += y
    return out


def _mul_first_row(x, y):
    """An in-place op through a view: the base gets CopySlices."""
    out = x * 1.0
    out[0].mul_(y)
    return out


def _set_last_row(x, y):
    out = x.clone()
    out[-1] = y
    return out


# ---------------------------------------------------------------------------------------
# programs
# ---------------------------------------------------------------------------------------

FULL_SHAPES = [(), (3,), (2, 3), (2, 1, 3), (1, 3)]


class Program(NamedTuple):
    leaves: list           # numpy arrays (float64)
    steps: list            # (op name, operand indices, params)


def _leaf_shape(draw, full):
    """A shape that broadcasts to ``full``: leading dims dropped, some set to 1."""
    shape = full[draw(st.integers(0, len(full))):]
    return tuple(1 if draw(st.booleans()) and n > 1 and draw(st.booleans()) else n
                 for n in shape)


@st.composite
def programs(draw, max_steps=6):
    """A random program, drawn while gradnb runs it to learn the shapes."""
    full = draw(st.sampled_from(FULL_SHAPES))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    leaves = [rng.uniform(-2, 2, _leaf_shape(draw, full)) for _ in range(draw(st.integers(1, 3)))]
    values = [gradnb.tensor(v, dtype=gradnb.float64) for v in leaves]
    steps = []
    for _ in range(draw(st.integers(2, max_steps))):
        arity = draw(st.integers(1, 2))
        args = [draw(st.integers(0, len(values) - 1)) for _ in range(arity)]
        shapes = [tuple(values[i].shape) for i in args]
        usable = [op for op in OPS if op.arity == arity and op.applies(*shapes)]
        if not usable:
            continue
        op = draw(st.sampled_from(usable))
        params = op.params(draw, shapes)
        values.append(op.run(gradnb, *(values[i] for i in args), **params))
        steps.append((op.name, args, params))
    return Program(leaves, steps)


def run(module, program, dtype):
    """Run ``program`` under ``module`` in ``dtype``: the value of every step and the
    gradient of every leaf, as float64 numpy arrays (plus the dtypes seen)."""
    leaves = [module.tensor(v, dtype=getattr(module, dtype), requires_grad=True)
              for v in program.leaves]
    values = list(leaves)
    for name, args, params in program.steps:
        values.append(OPS_BY_NAME[name].run(module, *(values[i] for i in args), **params))
    used = {i for _, args, _ in program.steps for i in args}
    sinks = [v for i, v in enumerate(values) if i not in used and v.requires_grad]
    if sinks:
        weights = [module.tensor(np.linspace(0.5, 1.5, s.numel()).reshape(tuple(s.shape)))
                   .to(s.dtype) for s in sinks]
        module.autograd.backward(sinks, weights)
    return {"values": [_numpy(v) for v in values[len(leaves):]],
            "grads": [None if x.grad is None else _numpy(x.grad) for x in leaves],
            "dtypes": {str(v.dtype) for v in values} |
                      {str(x.grad.dtype) for x in leaves if x.grad is not None}}


def _numpy(t):
    return t.detach().numpy().astype(np.float64)


def _assert_same(mine, theirs, rtol, atol):
    assume(all(np.all(np.isfinite(v)) for v in theirs["values"]))
    assume(all(g is None or np.all(np.isfinite(g)) for g in theirs["grads"]))
    for k, (a, b) in enumerate(zip(mine["values"], theirs["values"])):
        assert a.shape == b.shape, f"step {k}: shape {a.shape} vs torch {b.shape}"
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"value of step {k}")
    for k, (a, b) in enumerate(zip(mine["grads"], theirs["grads"])):
        assert (a is None) == (b is None), f"leaf {k}: grad None on one side only"
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"grad of leaf {k}")
    assert mine["dtypes"] == theirs["dtypes"]


SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.filter_too_much])


@settings(max_examples=250, **SETTINGS)
@given(programs())
def test_random_graphs_match_torch_float64(program):
    _assert_same(run(gradnb, program, "float64"), run(torch, program, "float64"),
                 rtol=1e-9, atol=1e-10)


@settings(max_examples=60, **SETTINGS)
@given(programs(max_steps=4))
def test_random_graphs_match_torch_float32(program):
    mine, theirs = run(gradnb, program, "float32"), run(torch, program, "float32")
    assert mine["dtypes"] == {"torch.float32"}
    _assert_same(mine, theirs, rtol=2e-4, atol=2e-5)
