"""Finite-difference checks of every backward rule in ``gradnb.ops.rules.RULES``.

Each :class:`Case` is a function of float64 leaves plus how to make those leaves.
``test_every_rule_has_a_case`` walks the graphs the cases build and fails when a rule of
the table is reached by none of them, so a new rule cannot slip in untested.

Sweeps: shapes ``()``, ``(3,)``, ``(2, 3)``, ``(1, 3)``; broadcasting pairs for binary
ops; python scalars on either side; dims/keepdim for reductions; in-place ops on
non-leaves and on views; indexing and ``t[key] = v``; joins and splits; every form of
matmul; losses. Inputs stay away from kinks (log/sqrt get positive values, values are
at least 0.2 away from 0 and from clamp bounds) except in the cases that test ties on
purpose, whose expected gradient is the mean of the one-sided ones, as central
differences measure it.
"""

import zlib
from typing import Callable, NamedTuple

import numpy as np
import pytest

import gradnb as torch
from gradnb.autograd import Node
from gradnb.ops.rules import RULES
from gradnb.testing import GradcheckError, gradcheck

SHAPES = [(), (3,), (2, 3), (1, 3)]
BROADCAST_PAIRS = [((2, 3), (2, 3)), ((2, 3), (1, 3)), ((2, 3), (3,)), ((2, 3), ()),
                   ((1, 3), (2, 1)), ((), (3,)), ((3,), (2, 3))]


class In(NamedTuple):
    """One input: its shape, value domain, and whether it requires grad."""
    shape: tuple
    domain: str = "any"
    grad: bool = True


class Case(NamedTuple):
    """A gradcheck case: ``fn(*leaves)`` with leaves made from ``inputs``."""
    id: str
    fn: Callable
    inputs: tuple
    covers: tuple = ()         # rules it reaches when it has to be skipped
    skip: str = ""             # reason to skip, if any
    tol: tuple = ()            # (eps, atol, rtol) when float32 rounding is involved


def _values(spec, rng):
    """Values in the spec's domain: kinks (0, clamp bounds at +-0.5) stay >= 0.15 away."""
    size = spec.shape
    if spec.domain == "pos":
        return rng.uniform(0.5, 2.0, size)
    if spec.domain == "unit":
        return rng.uniform(0.15, 0.85, size)
    if isinstance(spec.domain, (list, np.ndarray)):
        return np.asarray(spec.domain, dtype=np.float64).reshape(size)
    magnitude = rng.choice([0.2, 0.7, 1.2]) + rng.uniform(0, 0.3, size)
    return magnitude * rng.choice([-1.0, 1.0], size)


def make_inputs(case):
    """Float64 leaves for ``case``, reproducible from the case id."""
    rng = np.random.default_rng(zlib.crc32(case.id.encode()))
    return tuple(torch.tensor(_values(s, rng), dtype=torch.float64, requires_grad=s.grad)
                 for s in case.inputs)


def _shape_id(shape):
    return "x".join(map(str, shape)) or "scalar"


def unary(name, fn, domain="any", shapes=SHAPES):
    """One case per shape."""
    return [Case(f"{name}[{_shape_id(s)}]", fn, (In(s, domain),)) for s in shapes]


def binary(name, fn, domains=("any", "any"), pairs=BROADCAST_PAIRS, grads=(True, True)):
    """One case per broadcasting pair."""
    return [Case(f"{name}[{_shape_id(a)},{_shape_id(b)}]", fn,
                 (In(a, domains[0], grads[0]), In(b, domains[1], grads[1]))) for a, b in pairs]


# ---------------------------------------------------------------------------------------
# elementwise
# ---------------------------------------------------------------------------------------

def _pos(x):
    """x * x + 0.5: positive, for log/sqrt/pow of results of other ops."""
    return x * x + 0.5


ELEMENTWISE = [
    *binary("add", lambda a, b: a + b),
    *binary("add_alpha", lambda a, b: torch.add(a, b, alpha=2.5)),
    *binary("sub", lambda a, b: a - b),
    *binary("sub_alpha", lambda a, b: a.sub(b, alpha=-1.5)),
    *binary("mul", lambda a, b: a * b),
    *binary("div", lambda a, b: a / b),
    *binary("pow_tensor", lambda a, b: a ** b, domains=("pos", "any")),
    *binary("maximum", torch.maximum),
    *binary("minimum", torch.minimum),
    *binary("mul_one_const", lambda a, b: a * b, grads=(True, False)),
    *binary("div_const_num", lambda a, b: a / b, grads=(False, True)),
    *unary("add_scalar", lambda x: x + 2.5),
    *unary("radd_scalar", lambda x: 2.5 + x),
    *unary("sub_scalar", lambda x: x - 2),
    *unary("rsub_scalar", lambda x: 2 - x),
    *unary("mul_scalar", lambda x: x * 3),
    *unary("rmul_scalar", lambda x: -1.5 * x),
    *unary("div_scalar", lambda x: x / 4),
    *unary("rdiv_scalar", lambda x: 2 / x),
    *unary("pow_scalar", lambda x: x ** 3),
    *unary("pow_fractional", lambda x: x ** -1.5, "pos"),
    *unary("pow_zero", lambda x: x ** 0),
    *unary("square", torch.square),
    *unary("rpow_scalar", lambda x: 2.0 ** x),
    *unary("neg", lambda x: -x),
    *unary("reciprocal", torch.reciprocal),
    *unary("exp", torch.exp),
    *unary("log", torch.log, "pos"),
    *unary("log_of_result", lambda x: torch.log(_pos(x))),
    *unary("sqrt", torch.sqrt, "pos"),
    *unary("sin", torch.sin),
    *unary("cos", torch.cos),
    *unary("tanh", torch.tanh),
    *unary("sigmoid", torch.sigmoid),
    *unary("relu", torch.relu),
    *unary("abs", torch.abs),
    *unary("clamp", lambda x: x.clamp(-0.5, 0.5)),
    *unary("clamp_min", lambda x: x.clamp(min=-0.5)),
    *unary("clamp_max", lambda x: torch.clamp(x, max=0.5)),
    *unary("clamp_tensor_bounds", lambda x: x.clamp(torch.tensor(-0.5, dtype=torch.float64),
                                                    torch.tensor(0.5, dtype=torch.float64))),
    # bounds that require grad too (ClampBackward0 sends them the clipped gradient);
    # x stays 0.15 from the bounds and the bounds apart from each other
    Case("clamp_tensor_bounds_grad", lambda x, lo, hi: x.clamp(lo - 1.0, hi + 1.0),
         (In((2, 3)), In((3,)), In((1, 3)))),
    Case("clamp_tensor_min_only", lambda x, lo: torch.clamp(x, min=lo), (In((2, 3)), In((3,)))),
    *binary("where", lambda a, b: torch.where(a > 0.5, a, b)),
    *binary("where_fixed_mask", lambda a, b: torch.where(
        torch.tensor([True, False, True]), a, b), pairs=[((2, 3), (3,)), ((), (1, 3))]),
    Case("where_scalar_other", lambda a: torch.where(a > 0, a, 0.0), (In((2, 3)),)),
    Case("chain_fanout", lambda x, y: (x * y + x.exp() * y.sin() - x / (y * y + 1)).tanh(),
         (In((2, 3)), In((3,)))),
    Case("reuse_same_leaf", lambda x: x * x * x + x, (In((2, 3)),)),
]

# Remainders and rounding: piecewise linear or steps; the inputs stay away from the jumps
# (the default values are at least 0.2 from 0 and never near a multiple of the divisor)
ROUNDING = [
    *binary("remainder", torch.remainder, domains=("any", "pos"), pairs=BROADCAST_PAIRS[:4]),
    *binary("remainder_negative_divisor", lambda a, b: a % -b, domains=("any", "pos"),
            pairs=BROADCAST_PAIRS[:2]),
    *binary("fmod", torch.fmod, domains=("any", "pos"), pairs=BROADCAST_PAIRS[:4]),
    *unary("remainder_scalar", lambda x: x % 0.75),
    *unary("fmod_scalar", lambda x: torch.fmod(x, -0.75)),
    *unary("sign", lambda x: x.sign() * x),
    *unary("floor", lambda x: torch.floor(x * 3) + x),
    *unary("ceil", lambda x: x.ceil() * x),
    *unary("round", lambda x: torch.round(x * 3) * x),
    *unary("round_decimals", lambda x: x.round(decimals=1) + x),
    *unary("trunc", lambda x: x.trunc() * x),
    *unary("fix", lambda x: torch.fix(x * 2)),
    *unary("frac", lambda x: (x * 3).frac()),
    *binary("div_floor", lambda a, b: a.div(b, rounding_mode="floor") * a,
            pairs=BROADCAST_PAIRS[:3]),
    *unary("div_trunc_scalar", lambda x: torch.div(x, 0.3, rounding_mode="trunc") + x),
]

# Ties on purpose: central differences measure the average of the one-sided
# derivatives, which is what PyTorch's even split among ties gives.
TIES = [
    Case("ties_maximum", torch.maximum, (In((3,), [1.0, -2.0, 0.5]), In((3,), [1.0, 3.0, 0.5]))),
    Case("ties_minimum", torch.minimum, (In((3,), [1.0, -2.0, 0.5]), In((3,), [1.0, 3.0, 0.5]))),
    Case("ties_max_all", torch.max, (In((2, 2), [1.0, 3.0, 3.0, -1.0]),)),
    Case("ties_min_all", lambda x: x.min(), (In((4,), [1.0, -3.0, -3.0, 2.0]),)),
    Case("ties_amax", lambda x: x.amax(1), (In((2, 3), [1.0, 3.0, 3.0, 2.0, 2.0, 1.0]),)),
    Case("ties_amin", lambda x: x.amin(0), (In((2, 3), [1.0, 3.0, 3.0, 1.0, 2.0, 2.0]),)),
    Case("ties_abs_at_zero", torch.abs, (In((3,), [0.0, -1.0, 1.0]),)),
    Case("ties_norm_inf", lambda x: x.norm(float("inf")), (In((3,), [2.0, -2.0, 1.0]),)),
]

# ---------------------------------------------------------------------------------------
# reductions
# ---------------------------------------------------------------------------------------


def reductions(name, method, variants, shapes=((2, 3), (1, 3), (3,))):
    """Cases for ``x.method(**kwargs)`` for each kwargs in ``variants`` (and shape)."""
    cases = []
    for shape in shapes:
        for kwargs in variants:
            if "dim" in kwargs and not _dims_valid(kwargs["dim"], len(shape)):
                continue
            label = ",".join(f"{k}={v}" for k, v in kwargs.items())
            cases.append(Case(f"{name}[{_shape_id(shape)}]({label})",
                              lambda x, kw=kwargs: getattr(x, method)(**kw), (In(shape),)))
    return cases


def _dims_valid(dim, ndim):
    """In range and naming distinct dimensions (else PyTorch raises)."""
    dims = dim if isinstance(dim, tuple) else (dim,)
    n = max(ndim, 1)
    return all(-n <= d < n for d in dims) and len({d % n for d in dims}) == len(dims)


DIM_VARIANTS = [{}, {"dim": 0}, {"dim": -1}, {"dim": 1, "keepdim": True},
                {"dim": (0, 1)}, {"dim": (0, -1), "keepdim": True}]

REDUCTIONS = [
    *unary("sum_all", torch.sum),
    *reductions("sum", "sum", DIM_VARIANTS),
    Case("sum_empty_dims", lambda x: x.sum(dim=()), (In((2, 3)),)),
    *unary("mean_all", torch.mean),
    *reductions("mean", "mean", DIM_VARIANTS),
    *unary("max_all", torch.max),
    *unary("min_all", torch.min),
    *reductions("max_dim", "max", [{"dim": 0}, {"dim": -1, "keepdim": True}]),
    *reductions("min_dim", "min", [{"dim": 1}, {"dim": 0, "keepdim": True}]),
    Case("max_dim_values", lambda x: x.max(1).values, (In((2, 3)),)),
    Case("max_dim_scalar", lambda x: x.max(0)[0], (In(()),)),
    *reductions("amax", "amax", [{}, {"dim": 0}, {"dim": (0, 1), "keepdim": True}]),
    *reductions("amin", "amin", [{}, {"dim": -1}, {"dim": 1, "keepdim": True}]),
    *unary("prod", torch.prod),
    Case("prod_with_zero", torch.prod, (In((4,), [2.0, 0.0, 3.0, -1.5]),)),
    Case("prod_two_zeros", torch.prod, (In((3,), [0.0, 0.0, 3.0]),)),
    *reductions("prod_dim", "prod", [{"dim": 0}, {"dim": -1, "keepdim": True}]),
    Case("prod_dim_with_zeros", lambda x: x.prod(1),
         (In((2, 3), [2.0, 0.0, 3.0, 0.0, 0.0, 1.5]),)),
    Case("prod_dim_scalar", lambda x: x.prod(0), (In(()),)),
    *reductions("cumsum", "cumsum", [{"dim": 0}, {"dim": -1}]),
    *unary("cumsum_scalar", lambda x: x.cumsum(0), shapes=[()]),
    *reductions("var", "var", [{}, {"dim": 1}, {"dim": 0, "keepdim": True},
                               {"unbiased": False}, {"dim": -1, "correction": 0}],
                shapes=((2, 3), (3,))),
    *reductions("std", "std", [{}, {"dim": 1}, {"dim": -1, "keepdim": True},
                               {"unbiased": False}], shapes=((2, 3), (3,))),
    *reductions("norm", "norm", [{}, {"p": 1}, {"p": 3}, {"p": 0.5}, {"p": 1.5},
                                 {"p": float("inf")}, {"p": -float("inf")}, {"p": 0},
                                 {"dim": 1}, {"p": 1, "dim": 0, "keepdim": True},
                                 {"p": float("inf"), "dim": -1}]),
    Case("ties_norm_inf_rows", lambda x: x.norm(float("inf"), dim=1),
         (In((2, 3), [2.0, -2.0, 1.0, 0.5, 3.0, -1.0]),)),
    Case("norm_scalar", torch.norm, (In(()),)),
    *reductions("softmax", "softmax", [{"dim": 0}, {"dim": -1}]),
    *reductions("log_softmax", "log_softmax", [{"dim": 0}, {"dim": -1}]),
]

# ---------------------------------------------------------------------------------------
# shapes, views, joins
# ---------------------------------------------------------------------------------------

SHAPE_OPS = [
    Case("view", lambda x: x.view(3, 2), (In((2, 3)),)),
    Case("view_infer", lambda x: x.view(-1), (In((2, 3)),)),
    Case("view_scalar", lambda x: x.view(1, 1), (In(()),)),
    Case("reshape_contiguous", lambda x: x.reshape(6), (In((2, 3)),)),
    Case("reshape_noncontiguous", lambda x: x.t().reshape(6), (In((2, 3)),)),
    Case("reshape_strided_view", lambda x: x[:, :1].reshape(2), (In((2, 3)),)),
    Case("flatten", lambda x: x.flatten(), (In((2, 3)),)),
    Case("transpose", lambda x: x.transpose(0, 1) * torch.tensor([1.0, 2.0]).double(),
         (In((2, 3)),)),
    Case("swapaxes_3d", lambda x: x.swapaxes(0, 2), (In((2, 3, 1)),)),
    *unary("t", lambda x: x.t(), shapes=[(3,), (2, 3), (1, 3)]),
    Case("T", lambda x: x.T, (In((2, 3)),)),
    Case("mT", lambda x: x.mT, (In((2, 2, 3)),)),
    Case("permute", lambda x: x.permute(2, 0, 1), (In((2, 3, 1)),)),
    Case("movedim", lambda x: x.movedim(0, -1), (In((2, 3, 1)),)),
    *unary("unsqueeze", lambda x: x.unsqueeze(0)),
    *unary("unsqueeze_last", lambda x: x.unsqueeze(-1)),
    Case("squeeze_all", lambda x: x.squeeze(), (In((1, 3, 1)),)),
    Case("squeeze_dim", lambda x: x.squeeze(0), (In((1, 3)),)),
    Case("squeeze_dim_not_one", lambda x: x.squeeze(1), (In((1, 3)),)),
    Case("squeeze_dims", lambda x: x.squeeze((0, 2)), (In((1, 3, 1)),)),
    Case("expand", lambda x: x.expand(2, 3), (In((1, 3)),)),
    Case("expand_new_dims", lambda x: x.expand(4, 2, 3), (In((3,)),)),
    Case("expand_scalar", lambda x: x.expand(2, 2), (In(()),)),
    Case("expand_keep", lambda x: x.expand(-1, 3), (In((2, 1)),)),
    Case("expand_as", lambda x, y: x.expand_as(y) * y, (In((3,)), In((2, 3)))),
    Case("repeat", lambda x: x.repeat(2, 2), (In((2, 3)),)),
    Case("repeat_new_dims", lambda x: x.repeat(2, 1, 2), (In((3,)),)),
    Case("repeat_scalar", lambda x: x.repeat(3), (In(()),)),
    Case("flip", lambda x: x.flip(0), (In((2, 3)),)),
    Case("flip_dims", lambda x: x.flip((0, -1)), (In((2, 3)),)),
    *unary("clone", torch.clone),
    Case("contiguous_copy", lambda x: x.t().contiguous(), (In((2, 3)),)),
    # the float32 round trip rounds: bigger steps keep that noise below the tolerance
    Case("to_float32_and_back", lambda x: x.float().double(), (In((2, 3)),),
         tol=(1e-3, 1e-3, 1e-2)),
    Case("to_dtype", lambda x: x.to(torch.float32).to(dtype=torch.float64), (In((3,)),),
         tol=(1e-3, 1e-3, 1e-2)),
    Case("to_copy", lambda x: x.to(torch.float64, copy=True), (In((2, 3)),)),
    Case("narrow", lambda x: x.narrow(1, 1, 2), (In((2, 3)),)),
]

JOINS = [
    Case("cat_dim0", lambda a, b: torch.cat([a, b]), (In((2, 3)), In((1, 3)))),
    Case("cat_dim1", lambda a, b: torch.cat((a, b, a), dim=1), (In((2, 3)), In((2, 1)))),
    Case("cat_negative_dim", lambda a, b: torch.cat([a, b], -1), (In((3,)), In((2,)))),
    Case("cat_one_const", lambda a, b: torch.cat([a, b]), (In((2, 3)), In((1, 3), grad=False))),
    Case("cat_legacy_empty", lambda a: torch.cat([torch.zeros(0).double(), a]), (In((2, 3)),)),
    Case("stack", lambda a, b: torch.stack([a, b]), (In((2, 3)), In((2, 3)))),
    Case("stack_dim1", lambda a, b: torch.stack((a, b), dim=1), (In((3,)), In((3,)))),
    Case("stack_scalars", lambda a, b: torch.stack([a, b, a], -1), (In(()), In(()))),
    Case("split_even", lambda x: x.split(1), (In((2, 3)),)),
    Case("split_uneven", lambda x: x.split(2, dim=1), (In((2, 3)),)),
    Case("split_sizes", lambda x: torch.split(x, [1, 2], 1), (In((2, 3)),)),
    Case("split_one_used", lambda x: x.split(2, 1)[1] * 2, (In((2, 3)),)),
    Case("chunk", lambda x: x.chunk(2, -1), (In((2, 3)),)),
    Case("unbind", lambda x: x.unbind(), (In((2, 3)),)),
    Case("unbind_dim1", lambda x: torch.unbind(x, 1), (In((2, 3)),)),
    Case("unbind_one_used", lambda x: x.unbind(1)[2].exp(), (In((2, 3)),)),
    Case("iterate", lambda x: tuple(row * (i + 1) for i, row in enumerate(x)), (In((2, 3)),)),
]

# ---------------------------------------------------------------------------------------
# indexing and t[key] = v
# ---------------------------------------------------------------------------------------

MASK = torch.tensor([[True, False, True], [False, False, True]])
KEYS = {
    "int": 1, "neg_int": -1, "int_int": (1, 2), "slice": slice(0, 1),
    "slice_step": (slice(None), slice(None, None, 2)), "slice_neg": (Ellipsis, slice(-2, None)),
    "none": None, "none_int": (None, 0), "ellipsis": Ellipsis, "ellipsis_int": (Ellipsis, 1),
    "bool_mask": MASK, "row_mask": torch.tensor([False, True]),
    "int_list_repeated": [0, 0, 1], "tensor_index_repeated": torch.tensor([[1, 1], [0, 1]]),
    "int_and_list": (0, [2, 2, 0]), "two_lists": ([0, 1, 1], [2, 0, 2]),
    "slice_and_list": (slice(None), [1, 1]), "scalar_tensor": torch.tensor(1),
}

INDEXING = [
    *[Case(f"getitem_{name}", lambda x, k=key: x[k], (In((2, 3)),))
      for name, key in KEYS.items()],
    Case("getitem_vector", lambda x: x[1:], (In((3,)),)),
    Case("getitem_scalar_ellipsis", lambda x: x[...], (In(()),)),
    Case("getitem_scalar_none", lambda x: x[None], (In(()),)),
    Case("getitem_chain", lambda x: x[0][1:][::2], (In((2, 3)),)),
    *[Case(f"setitem_{name}", lambda x, v, k=key: _setitem(x, k, v), (In((2, 3)), In(shape)))
      for name, key, shape in [("int", 0, (3,)), ("slice_broadcast", (slice(None), 1), ()),
                               ("bool_mask", MASK, (3,)), ("list", [1], (1, 3)),
                               ("ellipsis", Ellipsis, (3,)), ("step", (0, slice(None, None, 2)),
                                                             (2,))]],
    Case("setitem_python_scalar", lambda x: _setitem(x, (0, 1), 5.0), (In((2, 3)),)),
    Case("setitem_const_value", lambda x, v: _setitem(x, 1, v), (In((2, 3)), In((3,), grad=False))),
    Case("setitem_into_const", lambda x, v: _setitem(x.detach().clone(), 1, v),
         (In((2, 3), grad=False), In((3,)))),
    Case("setitem_twice", lambda x, v: _setitem(_setitem(x, 0, v), (1, 0), v[2]),
         (In((2, 3)), In((3,)))),
    # the scatter that a differentiable backward of indexing records (IndexPutImplBackward0)
    Case("index_gradient_on_tensors", lambda x: _first_gradient(lambda y: y[[0, 0, 1]] ** 3, x),
         (In((2, 3)),)),
]


def _first_gradient(fn, x):
    """d(sum fn(x))/dx as a differentiable function of x (create_graph=True)."""
    return torch.autograd.grad(fn(x).sum(), x, create_graph=True)[0]


def _setitem(x, key, value):
    """``y = x.clone(); y[key] = value`` and return ``y`` (CopySlices)."""
    y = x.clone()
    y[key] = value
    return y


# ---------------------------------------------------------------------------------------
# in-place ops on non-leaves and on views
# ---------------------------------------------------------------------------------------

def _seeded(fn):
    """Random in-place fills must draw the same numbers for each finite difference."""
    def run(x):
        torch.manual_seed(0)
        return fn(x)
    return run


def _on_view(op, key=0, out="base"):
    """Apply in-place ``op`` to ``view = y[key]`` of ``y = x * 1``; return the base
    (CopySlices) or the view (AsStridedBackward0), or both."""
    def fn(x, *others):
        y = x * 1.0
        view = y[key]
        op(view, *others)
        return {"base": y, "view": view, "both": (y, view)}[out]
    return fn


INPLACE = [
    *binary("add_", lambda a, b: (a * 1).add_(b), pairs=BROADCAST_PAIRS[:4]),
    *binary("add_alpha_", lambda a, b: a.clone().add_(b, alpha=2), pairs=BROADCAST_PAIRS[:2]),
    *binary("sub_", lambda a, b: a.clone().sub_(b), pairs=BROADCAST_PAIRS[:4]),
    *binary("mul_", lambda a, b: a.clone().mul_(b), pairs=BROADCAST_PAIRS[:4]),
    *binary("div_", lambda a, b: a.clone().div_(b), pairs=BROADCAST_PAIRS[:4]),
    *binary("iadd", lambda a, b: _iop(a, b, "__iadd__"), pairs=BROADCAST_PAIRS[:3]),
    *binary("imul", lambda a, b: _iop(a, b, "__imul__"), pairs=BROADCAST_PAIRS[:3]),
    *binary("isub", lambda a, b: _iop(a, b, "__isub__"), pairs=BROADCAST_PAIRS[:3]),
    *binary("itruediv", lambda a, b: _iop(a, b, "__itruediv__"), pairs=BROADCAST_PAIRS[:3]),
    *unary("add_scalar_", lambda x: x.clone().add_(3)),
    *unary("mul_scalar_", lambda x: x.clone().mul_(-2.0)),
    *unary("pow_", lambda x: x.clone().pow_(2)),
    *unary("neg_", lambda x: x.clone().neg_()),
    *unary("exp_", lambda x: x.clone().exp_()),
    *unary("tanh_", lambda x: x.clone().tanh_()),
    *unary("sigmoid_", lambda x: x.clone().sigmoid_()),
    *unary("relu_", lambda x: x.clone().relu_()),
    *unary("clamp_", lambda x: x.clone().clamp_(-0.5, 0.5)),
    *unary("zero_", lambda x: x.clone().zero_() + x),
    *unary("fill_", lambda x: x.clone().fill_(2.0) * x),
    *unary("uniform_", _seeded(lambda x: x.clone().uniform_() * x)),
    *unary("normal_", _seeded(lambda x: x.clone().normal_() + x)),
    # random fills of issue 12 (branch rng): the old values get a zero gradient
    *unary("random_from_to", _seeded(lambda x: x.clone().random_(0, 5) * x)),
    *unary("random_to", _seeded(lambda x: x.clone().random_(5) * x)),
    *unary("random_", _seeded(lambda x: x.clone().random_() * 0.0 + x)),
    *unary("bernoulli_", _seeded(lambda x: x.clone().bernoulli_(0.5) * x)),
    *unary("bernoulli_tensor", _seeded(
        lambda x: x.clone().bernoulli_(torch.tensor(0.5, dtype=torch.float64)) * x)),
    *unary("exponential_", _seeded(lambda x: x.clone().exponential_() * x)),
    # sampling is not differentiated (zero gradients, as PyTorch): the samples only scale
    # x, or are multiplied by 0 where their values follow x
    *unary("normal_tensor_float", _seeded(lambda x: torch.normal(x, 1.0) * 0.0 + x)),
    *unary("normal_float_tensor", _seeded(lambda x: torch.normal(0.0, x * x + 1) * 0.0 + x)),
    *unary("normal_tensor_tensor", _seeded(lambda x: torch.normal(x, x * x + 1) * 0.0 + x)),
    *unary("bernoulli", _seeded(lambda x: torch.bernoulli(x.sigmoid()) * x)),
    Case("copy_", lambda x, s: x.clone().copy_(s), (In((2, 3)), In((3,)))),
    Case("copy_into_const", lambda s: torch.zeros(2, 3).double().copy_(s), (In((1, 3)),)),
    Case("masked_fill_", lambda x: x.clone().masked_fill_(MASK, 0.5), (In((2, 3)),)),
    Case("masked_fill", lambda x: x.masked_fill(MASK[0], -1.0), (In((2, 3)),)),
    Case("masked_fill_tensor_value", lambda x, v: x.masked_fill(MASK, v), (In((2, 3)), In(()))),
    Case("masked_fill_tensor_value_", lambda x, v: (x * 1).masked_fill_(MASK[1], v),
         (In((2, 3)), In(()))),
    Case("fill_tensor_value", lambda x, v: x.clone().fill_(v) * x, (In((2, 3)), In(()))),
    Case("inplace_chain", lambda x, y: x.clone().mul_(y).add_(x).div_(y).exp_(),
         (In((2, 3)), In((3,)))),
    Case("inplace_saved_self", lambda x, y: (x * 1).mul_(y).mul_(y), (In((3,)), In((3,)))),
    Case("inplace_on_row_view", _on_view(lambda v: v.mul_(2.0)), (In((2, 3)),)),
    Case("inplace_on_row_view_result", _on_view(lambda v: v.mul_(2.0), out="view"),
         (In((2, 3)),)),
    Case("inplace_on_view_with_tensor", _on_view(lambda v, w: v.add_(w), out="both"),
         (In((2, 3)), In((3,)))),
    Case("inplace_on_column_view", _on_view(lambda v, w: v.mul_(w), (slice(None), 1), "both"),
         (In((2, 3)), In((2,)))),
    Case("inplace_on_strided_view", _on_view(lambda v: v.exp_(), (slice(None), slice(0, 3, 2)),
                                             "both"), (In((2, 3)),)),
    Case("inplace_on_view_then_op", lambda x: _on_view(lambda v: v.tanh_())(x).sum(0) * x,
         (In((2, 3)),)),
    Case("setitem_on_view", lambda x, v: _on_view(lambda view, val: view.__setitem__(1, val),
                                                   0, "both")(x, v), (In((2, 3)), In(()))),
]


def _regenerated(change, read):
    """A view taken before an in-place change of its base (``change(base, x)``) reads
    the base's new history (AsStridedBackward0); ``read`` picks the view."""
    def fn(x):
        base = x * 1.0
        view = read(base)
        change(base, x)
        return view * view
    return fn


VIEW_REGENERATION = [
    Case("view_after_base_inplace", _regenerated(lambda b, x: b.mul_(x), lambda b: b[:, 1]),
         (In((2, 3)),)),
    Case("view_after_sibling_view_inplace",
         _regenerated(lambda b, x: b[0].mul_(x[1]), lambda b: b[:, 2]), (In((2, 3)),)),
    Case("transposed_view_after_setitem",
         _regenerated(lambda b, x: b.__setitem__((1, 0), x[0, 0] * 3), lambda b: b.t()),
         (In((2, 3)),)),
]


def _iop(a, b, name):
    y = a * 1
    return getattr(y, name)(b)


# ---------------------------------------------------------------------------------------
# matrix products and losses
# ---------------------------------------------------------------------------------------

MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)),
                 ((2, 2, 3), (3, 4)), ((2, 2, 3), (3,)), ((3,), (2, 3, 2)),
                 ((2, 2, 3), (2, 3, 4)), ((1, 2, 3), (2, 3, 4)), ((2, 1, 2, 3), (3, 3, 2)),
                 ((2, 3), (2, 3, 2))]

LINALG = [
    *binary("matmul", lambda a, b: a @ b, pairs=MATMUL_SHAPES),
    *binary("mm", torch.mm, pairs=[((2, 3), (3, 4)), ((1, 3), (3, 1))]),
    Case("mv", torch.mv, (In((2, 3)), In((3,)))),
    Case("dot", torch.dot, (In((3,)), In((3,)))),
    Case("bmm", torch.bmm, (In((2, 2, 3)), In((2, 3, 1)))),
    Case("outer", torch.outer, (In((3,)), In((2,)))),
    Case("matmul_one_const", lambda a, b: a @ b, (In((2, 3)), In((3, 2), grad=False))),
    Case("matmul_const_batch", lambda a, b: a @ b, (In((2, 2, 3), grad=False), In((3, 2)))),
]


def _functional(name):
    """``gradnb.nn.functional.<name>``, or None while it is not written."""
    try:
        from gradnb.nn import functional
    except ImportError:
        return None
    return getattr(functional, name, None)


def _nn_case(id, rules, name, call, inputs):
    """A case through ``gradnb.nn.functional.<name>`` (the loss forwards live there);
    skipped, but still counted as covering ``rules``, until that function exists."""
    reason = "" if _functional(name) else f"gradnb.nn.functional.{name} is not written yet"
    return Case(id, lambda *xs: call(_functional(name), *xs), inputs, covers=rules,
                skip=reason)


TARGET = torch.tensor([2, 0])
TARGET_2D = torch.tensor([[2, 0], [1, 1]])
UNIT_PAIR = (In((2, 3), "unit"), In((2, 3), "unit"))
REDUCTION = ("mean", "sum", "none")
LOSSES = [
    *[_nn_case(f"mse_loss_{red}", ("mse_loss",), "mse_loss",
               lambda f, x, t, r=red: f(x, t, reduction=r), (In((2, 3)), In((2, 3))))
      for red in REDUCTION],
    _nn_case("mse_loss_const_target", ("mse_loss",), "mse_loss", lambda f, x, t: f(x, t),
             (In((3,)), In((3,), grad=False))),
    *[_nn_case(f"l1_loss_{red}", (), "l1_loss", lambda f, x, t, r=red: f(x, t, reduction=r),
               (In((2, 3)), In((2, 3)))) for red in REDUCTION],
    *[_nn_case(f"nll_loss_{red}", ("nll_loss",), "nll_loss",
               lambda f, x, r=red: f(x, TARGET, reduction=r), (In((2, 3)),))
      for red in REDUCTION],
    _nn_case("nll_loss_weight_ignore", ("nll_loss",), "nll_loss",
             lambda f, x: f(x, torch.tensor([2, 0, 1]), ignore_index=1,
                            weight=torch.tensor([0.5, 2.0, 1.0]).double()), (In((3, 3)),)),
    _nn_case("nll_loss_unbatched", ("nll_loss",), "nll_loss",
             lambda f, x: f(x, torch.tensor(1)), (In((3,)),)),
    *[_nn_case(f"nll_loss2d_{red}", ("nll_loss2d",), "nll_loss",
               lambda f, x, r=red: f(x, TARGET_2D, reduction=r), (In((2, 3, 2)),))
      for red in REDUCTION],
    _nn_case("cross_entropy", ("log_softmax",), "cross_entropy",
             lambda f, x: f(x, TARGET), (In((2, 3)),)),
    _nn_case("cross_entropy_probabilities", ("div_scalar",), "cross_entropy",
             lambda f, x, p: f(x, p), (In((2, 3)), In((2, 3), "unit"))),
    _nn_case("cross_entropy_label_smoothing", ("mul_scalar",), "cross_entropy",
             lambda f, x: f(x, TARGET, label_smoothing=0.2), (In((2, 3)),)),
    _nn_case("cross_entropy_probabilities_smoothing", ("add_scalar",), "cross_entropy",
             lambda f, x, p: f(x, p, label_smoothing=0.2), (In((2, 3)), In((2, 3), "unit"))),
    *[_nn_case(f"binary_cross_entropy_{red}", ("binary_cross_entropy",),
               "binary_cross_entropy", lambda f, x, t, r=red: f(x, t, reduction=r), UNIT_PAIR)
      for red in REDUCTION],
    _nn_case("binary_cross_entropy_weight", ("binary_cross_entropy",), "binary_cross_entropy",
             lambda f, x, t: f(x, t, weight=torch.tensor([1.0, 2.0, 0.5]).double()), UNIT_PAIR),
    *[_nn_case(f"bce_with_logits_{red}", ("binary_cross_entropy_with_logits",),
               "binary_cross_entropy_with_logits", lambda f, x, t, r=red: f(x, t, reduction=r),
               (In((2, 3)), In((2, 3), "unit"))) for red in REDUCTION],
    _nn_case("bce_with_logits_weights", ("binary_cross_entropy_with_logits",),
             "binary_cross_entropy_with_logits",
             lambda f, x, t: f(x, t, weight=torch.tensor([1.0, 2.0, 0.5]).double(),
                               pos_weight=torch.tensor([3.0, 1.0, 0.2]).double()),
             (In((2, 3)), In((2, 3), "unit"))),
    _nn_case("linear", ("addmm",), "linear", lambda f, x, w, b: f(x, w, b),
             (In((2, 3)), In((4, 3)), In((4,)))),
    _nn_case("linear_no_bias", (), "linear", lambda f, x, w: f(x, w), (In((2, 3)), In((4, 3)))),
    _nn_case("linear_batched", (), "linear", lambda f, x, w, b: f(x, w, b),
             (In((2, 2, 3)), In((4, 3)), In((4,)))),
    _nn_case("linear_vector", (), "linear", lambda f, x, w, b: f(x, w, b),
             (In((3,)), In((4, 3)), In((4,)))),
]

# ---------------------------------------------------------------------------------------
# image ops (lessons-nn): conv2d over batch, channels, stride, padding, dilation, groups
# and bias; max_pool2d over stride, padding, dilation, ceil_mode and overlapping windows
# ---------------------------------------------------------------------------------------

def _conv(**kwargs):
    return lambda f, x, w, *b: f(x, w, *b, **kwargs)


_CONV_CONFIGS = [
    # id, input shape, weight shape, bias?, keyword arguments
    ("plain", (1, 1, 6, 6), (2, 1, 3, 3), True, {}),
    ("batch_channels", (2, 3, 5, 4), (4, 3, 2, 3), True, {}),
    ("stride_padding", (2, 2, 6, 5), (3, 2, 3, 3), True, {"stride": 2, "padding": 1}),
    ("uneven_args", (1, 2, 7, 6), (2, 2, 3, 2), True,
     {"stride": (2, 1), "padding": (1, 2), "dilation": (2, 1)}),
    ("groups", (2, 4, 5, 5), (6, 2, 3, 3), True, {"groups": 2, "padding": 1}),
    ("depthwise_no_bias", (1, 3, 5, 4), (3, 1, 2, 2), False, {"groups": 3, "stride": 2}),
    ("same", (1, 2, 5, 5), (2, 2, 3, 3), True, {"padding": "same", "dilation": 2}),
    ("same_even_kernel", (1, 1, 4, 5), (2, 1, 2, 4), True, {"padding": "same"}),
    ("unbatched", (2, 5, 5), (3, 2, 3, 3), True, {"padding": "valid"}),
]

_POOL_CONFIGS = [
    ("plain", (1, 2, 4, 4), {"kernel_size": 2}),
    ("overlapping", (2, 2, 5, 5), {"kernel_size": 3, "stride": 1}),
    ("padding_dilation", (1, 3, 7, 6), {"kernel_size": (3, 2), "stride": (2, 1),
                                        "padding": 1, "dilation": (2, 1)}),
    ("ceil_mode", (2, 1, 5, 5), {"kernel_size": 2, "ceil_mode": True}),
    ("unbatched", (2, 5, 4), {"kernel_size": 2, "stride": 1, "padding": 1}),
]

IMAGE = [
    *[_nn_case(f"conv2d_{name}", ("convolution",), "conv2d", _conv(**kwargs),
               (In(x), In(w)) + ((In((w[0],)),) if bias else ()))
      for name, x, w, bias, kwargs in _CONV_CONFIGS],
    _nn_case("conv2d_constant_input", ("convolution",), "conv2d", _conv(stride=2),
             (In((2, 2, 5, 5), grad=False), In((3, 2, 3, 3)), In((3,)))),
    _nn_case("conv2d_constant_weight", ("convolution",), "conv2d", _conv(padding=1),
             (In((2, 2, 4, 4)), In((3, 2, 3, 3), grad=False))),
    *[_nn_case(f"max_pool2d_{name}", ("max_pool2d",), "max_pool2d",
               lambda f, x, k=kwargs: f(x, **k), (In(x),))
      for name, x, kwargs in _POOL_CONFIGS],
    _nn_case("pad_constant", ("constant_pad_nd",), "pad",
             lambda f, x: f(x, (1, 2, -1, 1), value=0.5), (In((2, 3, 4)),)),
    *[_nn_case(f"pad_{mode}_{len(pad) // 2}d", (f"{kind}_pad{len(pad) // 2}d",), "pad",
               lambda f, x, p=pad, m=mode: f(x, p, mode=m), (In(shape),))
      for mode, kind in (("reflect", "reflection"), ("replicate", "replication"))
      for shape, pad in (((2, 4), (2, 1)), ((2, 3, 4), (1, 2, -1, 2)),
                         ((1, 2, 3, 3, 2), (1, 0, 1, 1, 0, 2)))],
    _nn_case("pad_circular", (), "pad", lambda f, x: f(x, (2, 1, -1, 2), mode="circular"),
             (In((2, 3, 4)),)),
    _nn_case("conv2d_padding_mode", ("convolution", "reflection_pad2d"), "conv2d",
             lambda f, x, w: torch.nn.functional.conv2d(
                 torch.nn.functional.pad(x, (1, 1, 2, 2), mode="reflect"), w),
             (In((1, 2, 4, 4)), In((2, 2, 3, 3)))),
    _nn_case("batch_norm_training", ("native_batch_norm",), "batch_norm",
             lambda f, x, w, b: f(x, None, None, w, b, training=True), (In((3, 2, 4)), In((2,)),
                                                                        In((2,)))),
    _nn_case("batch_norm_training_2d_no_affine", ("native_batch_norm",), "batch_norm",
             lambda f, x: f(x, None, None, training=True), (In((2, 3, 2, 2)),)),
    _nn_case("batch_norm_running_stats", ("native_batch_norm",), "batch_norm",
             lambda f, x, w, b: f(x, torch.tensor([0.1, -0.2]).double(),
                                  torch.tensor([0.5, 2.0]).double(), w, b),
             (In((4, 2)), In((2,)), In((2,)))),
]


# ---------------------------------------------------------------------------------------
# lessons-api: trigonometric and hyperbolic functions, their in-place forms, in-place views
# ---------------------------------------------------------------------------------------

def _inplace_view(op):
    """Apply the in-place view op ``op`` to a non-leaf copy of ``x`` and use the result in
    a product, so a wrong shape or order of the gradient shows."""
    def fn(x):
        y = x * 1.0
        op(y)
        return y * torch.arange(y.numel(), dtype=torch.float64).reshape(y.shape)
    return fn


TRIGONOMETRY = [
    *unary("tan", torch.tan, "unit"),
    *unary("asin", torch.asin, "unit"),
    *unary("acos", torch.acos, "unit"),
    *unary("atan", torch.atan),
    *unary("sinh", torch.sinh),
    *unary("cosh", torch.cosh),
    *unary("asinh", torch.asinh),
    *unary("acosh", lambda x: torch.acosh(x + 1.0), "pos"),
    *unary("atanh", torch.atanh, "unit"),
    *binary("atan2", torch.atan2),
    *binary("arctan2", lambda a, b: a.arctan2(b), pairs=BROADCAST_PAIRS[:2]),
    *unary("arcsin", lambda x: x.arcsin(), "unit", shapes=[(3,)]),
    *unary("sin_", lambda x: x.clone().sin_()),
    *unary("cos_", lambda x: torch.cos_(x * 1)),
    *unary("log_", lambda x: x.clone().log_(), "pos"),
    *unary("sqrt_", lambda x: x.clone().sqrt_(), "pos"),
    *unary("abs_", lambda x: x.clone().abs_()),
    *unary("reciprocal_", lambda x: x.clone().reciprocal_()),
    *unary("square_", lambda x: torch.square_(x.clone())),
    *unary("tan_", lambda x: x.clone().tan_(), "unit"),
    *unary("asin_", lambda x: torch.asin_(x.clone()), "unit"),
    *unary("acos_", lambda x: x.clone().acos_(), "unit"),
    *unary("atan_", lambda x: x.clone().arctan_()),
    *unary("sinh_", lambda x: x.clone().sinh_()),
    *unary("cosh_", lambda x: x.clone().cosh_()),
    *binary("atan2_", lambda a, b: a.clone().atan2_(b), pairs=BROADCAST_PAIRS[:4]),
    Case("unsqueeze_", _inplace_view(lambda y: y.unsqueeze_(1)), (In((2, 3)),)),
    Case("squeeze_", _inplace_view(lambda y: y.squeeze_()), (In((1, 3)),)),
    Case("squeeze_dim_", _inplace_view(lambda y: y.squeeze_(0)), (In((1, 3)),)),
    Case("squeeze_dims_", _inplace_view(lambda y: y.squeeze_((0, 1))), (In((1, 3)),)),
    Case("t_", _inplace_view(lambda y: y.t_()), (In((2, 3)),)),
    Case("transpose_", _inplace_view(lambda y: y.transpose_(0, 1)), (In((2, 3)),)),
    Case("swapaxes_", _inplace_view(lambda y: y.unsqueeze_(0).swapaxes_(0, 2)), (In((2, 3)),)),
]


def _std_mean_sum(*args, **kwargs):
    """Both outputs of std_mean, weighted differently so each one's gradient shows."""
    def fn(x):
        std, mean = torch.std_mean(x, *args, **kwargs)
        return std * 2.0 + mean * 3.0
    return fn


def _svd_part(part, some=True):
    """A sign-invariant function of one factor of the SVD (squares of U's or V's entries:
    singular vectors are defined up to sign)."""
    def fn(x):
        u, s, v = torch.svd(x, some=some)
        parts = {"S": lambda: s, "U": lambda: u * u, "V": lambda: v * v,
                 "USV": lambda: (u * s) @ v.T}
        return parts[part]()
    return fn


STATISTICS_LINALG = [
    *unary("std_mean", _std_mean_sum(), shapes=[(3,), (2, 3)]),
    Case("std_mean_dim", _std_mean_sum(1), (In((2, 3)),)),
    Case("std_mean_keepdim", _std_mean_sum(0, keepdim=True, correction=0), (In((2, 3)),)),
    Case("std_mean_only_mean", lambda x: torch.std_mean(x, 1)[1], (In((2, 3)),)),
    Case("cross", lambda a, b: torch.cross(a, b, dim=-1), (In((2, 3)), In((3,)))),
    Case("cross_dim0", lambda a, b: torch.cross(a, b, dim=0), (In((3, 2)), In((3, 2)))),
    Case("det", torch.det, (In((3, 3)),)),
    Case("det_batch", lambda x: x.det(), (In((2, 2, 2)),)),
    Case("svd_S", _svd_part("S"), (In((3, 2)),)),
    Case("svd_S_wide", _svd_part("S"), (In((2, 3)),)),
    Case("svd_U", _svd_part("U"), (In((3, 2)),)),
    Case("svd_V", _svd_part("V"), (In((2, 3)),)),
    Case("svd_U_wide", _svd_part("U"), (In((2, 3)),)),
    Case("svd_V_tall", _svd_part("V"), (In((3, 2)),)),
    Case("svd_square_product", _svd_part("USV"), (In((3, 3)),)),
    Case("svd_full_S", _svd_part("S", some=False), (In((3, 2)),)),
]

CASES = ELEMENTWISE + ROUNDING + VIEW_REGENERATION + TIES + REDUCTIONS + SHAPE_OPS + JOINS \
    + INDEXING + INPLACE + LINALG + LOSSES + TRIGONOMETRY + STATISTICS_LINALG + IMAGE


def _case_param(case):
    marks = [pytest.mark.skip(reason=case.skip)] if case.skip else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_case_param(c) for c in CASES])
def test_gradcheck(case):
    """Analytical gradients (and their dtype) match finite differences."""
    eps, atol, rtol = case.tol or (1e-6, 1e-5, 1e-3)
    assert gradcheck(case.fn, make_inputs(case), eps=eps, atol=atol, rtol=rtol,
                     check_grad_dtypes=True)


# Rules compute big gradients with a second compilation of their formulas that reuses
# its own temporaries (rules.INPLACE_MIN_SIZE); gradcheck cannot afford big inputs, so
# that variant is checked against the plain one on the elementwise and in-place cases.
BIG = {1: 1, 2: 200, 3: 330}
LARGE_CASES = [c for c in ELEMENTWISE + INPLACE + TRIGONOMETRY
               if c.id.endswith(("[2x3,1x3]", "[2x3,scalar]", "[1x3,2x1]", "[2x3]"))]


def _scaled(case):
    return case._replace(inputs=tuple(s._replace(shape=tuple(BIG[n] for n in s.shape))
                                      for s in case.inputs))


def _gradients(case, leaves):
    out = case.fn(*leaves)
    outs = out if isinstance(out, tuple) else (out,)
    weights = [torch.tensor(np.linspace(-1, 1, o.numel()).reshape(o.shape)) for o in outs]
    return torch.autograd.grad(outs, [x for x in leaves if x.requires_grad], weights,
                               allow_unused=True)


@pytest.mark.parametrize("case", LARGE_CASES, ids=lambda c: c.id)
def test_large_gradients_match_the_plain_formulas(case, monkeypatch):
    big = _scaled(case)
    leaves = make_inputs(big)
    fast = _gradients(big, leaves)
    for rule in (r for r in RULES.values() if r.differentiable):
        monkeypatch.setitem(rule.node_class._vjp.__globals__, "INPLACE_MIN_SIZE", 1 << 62)
    plain = _gradients(big, leaves)
    for f, p in zip(fast, plain):
        assert (f is None) == (p is None)
        if f is not None:
            np.testing.assert_allclose(f.numpy(), p.numpy(), rtol=1e-12, atol=1e-12)


# Small float32 gradients use the rules' ``float32=`` variants (PyTorch's rounding):
# the same derivative as the plain formula, and at least as close to the exact value.
FLOAT32_VARIANTS = [name for name, rule in RULES.items() if rule.float32]


@pytest.mark.parametrize("name", FLOAT32_VARIANTS)
def test_float32_variants_are_the_formulas_rounded_better(name, monkeypatch):
    """The variant agrees with the plain formula and is at least as close to the plain
    formula evaluated in float64 on the same saved float32 values."""
    x = torch.tensor(np.linspace(-3, 3, 61), dtype=torch.float32, requires_grad=True)
    node = getattr(torch, name)(x).grad_fn
    g = np.linspace(0.5, 1.5, 61).astype(np.float32)
    variant = node._vjp(g)[0]
    saved = node._saved
    node._saved = tuple(a.astype(np.float64) if isinstance(a, np.ndarray) else a
                        for a in saved)
    reference = node._vjp(g.astype(np.float64))[0]
    node._saved = saved
    monkeypatch.setitem(type(node)._vjp.__globals__, "EXACT_FLOAT32_MAX_SIZE", -1)
    plain = node._vjp(g)[0]
    assert variant.dtype == plain.dtype == np.float32
    np.testing.assert_allclose(variant, plain, rtol=1e-3, atol=1e-6)
    assert np.abs(variant - reference).sum() < np.abs(plain - reference).sum()


# rules whose formula is PyTorch's not_implemented error: checked by the test below
NOT_IMPLEMENTED = {"asinh_", "acosh_", "atanh_", "unique", "unique_dim"}


@pytest.mark.parametrize("name", ["asinh", "acosh", "atanh"])
def test_inplace_inverse_hyperbolic_derivative_is_not_implemented(name):
    """As in PyTorch: the node is recorded (AsinhBackward1 ...), backward through it fails."""
    x = torch.tensor([1.5, 2.0], requires_grad=True)
    y = getattr(x * 0.25 + (1.0 if name == "acosh" else 0.0), name + "_")()
    assert type(y.grad_fn).__name__ == name.capitalize() + "Backward1"
    with pytest.raises(NotImplementedError, match=f"'inplace version of {name}'"):
        y.sum().backward()


@pytest.mark.parametrize("dim", [None, 0])
def test_unique_derivative_is_not_implemented(dim):
    x = torch.tensor([3.0, 1.0, 3.0], requires_grad=True)
    u = torch.unique(x, dim=dim)
    assert type(u.grad_fn).__name__ == ("Unique2Backward0" if dim is None
                                        else "UniqueDimBackward0")
    with pytest.raises(NotImplementedError, match="is not implemented"):
        u.sum().backward()


def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def rules_reached(outputs):
    """Names of the rules whose nodes appear in the graphs behind ``outputs``."""
    seen, stack, rules = set(), [o.grad_fn for o in outputs if o.grad_fn is not None], set()
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        rule = getattr(type(node), "_rule", None)
        if rule is not None:
            rules.add(rule.op)
            # CopySlices holds the node of the in-place op it wraps among its parameters
            stack.extend(p for p in getattr(node, "_params", ()) if isinstance(p, Node))
        stack.extend(n for n, _ in node.next_functions)
    return rules


def test_every_rule_has_a_case():
    """Every differentiable entry of the rule table is reached by at least one case
    (tests/test_op_coverage.py checks the others)."""
    covered = set()
    for case in CASES:
        if case.skip:
            covered.update(case.covers)
            continue
        try:
            outputs = case.fn(*make_inputs(case))
        except Exception:     # noqa: BLE001 - that case's own test reports the error
            continue
        covered |= rules_reached(outputs if isinstance(outputs, tuple) else (outputs,))
    missing = sorted({name for name, rule in RULES.items() if rule.differentiable}
                     - covered - NOT_IMPLEMENTED)
    assert not missing, f"rules reached by no (working) gradcheck case: {missing}"


# ---------------------------------------------------------------------------------------
# gradcheck itself
# ---------------------------------------------------------------------------------------

def _leaf(*values, dtype=torch.float64):
    return torch.tensor(list(values), dtype=dtype, requires_grad=True)


def test_gradcheck_reports_a_wrong_rule(monkeypatch):
    """A broken formula is caught, with PyTorch's message layout."""
    node_class = RULES["sin"].node_class
    monkeypatch.setattr(node_class, "_vjp", lambda node, grad: (grad,))
    with pytest.raises(GradcheckError) as info:
        gradcheck(torch.sin, (_leaf(0.5, 1.0),))
    message = str(info.value)
    assert message.startswith("Jacobian mismatch for output 0 with respect to input 0,\n"
                              "numerical:tensor([[")
    assert "\nanalytical:tensor([[1., 0.],\n        [0., 1.]], dtype=torch.float64)\n" in message
    assert not gradcheck(torch.sin, (_leaf(0.5, 1.0),), raise_exception=False)


def test_gradcheck_names_the_output_and_input(monkeypatch):
    node_class = RULES["mul"].node_class
    formula = node_class._vjp
    monkeypatch.setattr(node_class, "_vjp", lambda node, grad: (formula(node, grad)[0], None))
    with pytest.raises(GradcheckError, match="output 1 with respect to input 1"):
        gradcheck(lambda a, b: (a + b, a * b), (_leaf(1.0, 2.0), _leaf(3.0, 4.0)))


def test_gradcheck_needs_an_input_requiring_grad():
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        gradcheck(torch.exp, (torch.ones(2, dtype=torch.float64),))


def test_gradcheck_warns_about_single_precision():
    with pytest.warns(UserWarning, match=r"Input #0 requires gradient and is not a double"):
        gradcheck(lambda x: x * 2, (_leaf(1.0, dtype=torch.float32),), eps=1e-2)


def test_gradcheck_without_differentiable_outputs():
    """An output cut from the graph must then not depend on the inputs."""
    x = _leaf(1.0, 2.0)
    assert gradcheck(lambda x: torch.ones(2).double(), (x,))
    with pytest.raises(GradcheckError, match="Numerical gradient for function expected to "
                                             "be zero"):
        gradcheck(lambda x: x.detach() * 2, (x,))


def test_gradcheck_accepts_a_single_tensor_and_non_tensor_args():
    assert gradcheck(lambda x, k: x * k, (_leaf(1.0, 2.0), 3))
    assert gradcheck(torch.exp, _leaf(0.5))


def test_gradcheck_leaves_inputs_unchanged():
    x = _leaf(0.25, 0.5)
    gradcheck(torch.tanh, (x,))
    assert x.tolist() == [0.25, 0.5] and x.grad is None


def test_gradcheck_matches_torch_messages(monkeypatch):
    """Same outcome as torch.autograd.gradcheck on the same wrong function."""
    real = pytest.importorskip("torch")
    messages = []
    for module in (torch, real):
        x = module.tensor([0.5, 1.0], dtype=module.float64, requires_grad=True)
        check = gradcheck if module is torch else real.autograd.gradcheck
        with pytest.raises(RuntimeError) as info:
            # x.detach() cuts the graph: the analytical Jacobian is 0, the numerical 2
            check(lambda x: x * 2 + x.detach() * 3, (x,))
        messages.append(str(info.value))
    assert messages[0] == messages[1]
