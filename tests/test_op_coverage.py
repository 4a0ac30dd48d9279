"""Every exported op maps to an entry of THE rule table (``gradnb.ops.rules.RULES``).

The test walks every function the op modules export, the torch-like namespaces
(``gradnb.*``, ``gradnb.nn.functional.*``) and every Tensor method and operator bound by
:mod:`gradnb._methods`. Each must either be named in :data:`NOT_OPS` (factories, helpers,
grad modes: things that compute nothing autograd could record) or have a probe below: a
call on leaves that require grad. Each result of a probe must come from a table entry:

* a differentiable entry: the result's ``grad_fn`` is that entry's node class (the
  formulas themselves are checked by tests/test_gradcheck.py, which fails for a
  differentiable entry no gradcheck case reaches);
* a NOT_DIFFERENTIABLE entry: the result does not require grad, has no ``grad_fn`` and
  is a leaf, as in PyTorch (its provenance names the entry);
* a NOT_IMPLEMENTED entry: PyTorch's ``NotImplemented`` node, whose backward raises.

Every non-differentiable and not-implemented entry must be reached by a probe, so the
table cannot keep stale entries. A new exported function without a probe fails
:func:`test_every_exported_op_has_a_probe` until it gets one (or a reason in NOT_OPS).
"""

import inspect

import numpy as np
import pytest

import gradnb as torch
from gradnb import _methods, ops
from gradnb.nn import functional as F
from gradnb.ops import elementwise, index, inplace, linalg, reduce, shape
from gradnb.ops.rules import NOT_IMPLEMENTED, RULES, Rule

# exported callables that are not ops (they record nothing autograd could): the reason
NOT_OPS = {
    **dict.fromkeys(
        "tensor as_tensor from_numpy ones zeros empty full eye arange range linspace "
        "logspace ones_like zeros_like empty_like full_like rand randn randint randperm "
        "rand_like randn_like randint_like scalar_tensor FloatTensor DoubleTensor LongTensor "
        "IntTensor BoolTensor ByteTensor HalfTensor Tensor Size new_tensor new_zeros "
        "new_ones new_empty new_full".split(), "creates a leaf"),
    **dict.fromkeys("manual_seed seed initial_seed Generator".split(), "random state"),
    **dict.fromkeys("no_grad enable_grad set_grad_enabled inference_mode is_grad_enabled "
                    "is_inference_mode_enabled".split(), "grad mode"),
    **dict.fromkeys("dtype get_default_dtype set_default_dtype result_type is_tensor "
                    "is_floating_point numel device set_printoptions "
                    "load_ipython_extension unload_ipython_extension return_types".split(),
                    "metadata or setup"),
    **dict.fromkeys("as_view normalize_key apply_basic slice_along check_index_bounds "
                    "check_inplace broadcast_error is_transposed quiet record "
                    "target_index".split(), "internal helper"),
    "__pos__": "returns its operand itself (no op), as PyTorch's +x",
    **dict.fromkeys("get_rng_state set_rng_state".split(), "random state"),
    **dict.fromkeys("get_default_device set_default_device save load".split(),
                    "metadata or setup"),
    **dict.fromkeys("allclose equal".split(), "returns a python bool, not a tensor"),
    **dict.fromkeys("graph watch trace animate_backward check".split(),
                    "views and exercises (lazy names of gradnb, no op)"),
}


def _leaves():
    """x: (2, 3) values away from integers and halves; p: positive; m: (3, 2)."""
    x = torch.tensor([[0.3, -1.2, 2.35], [-0.6, 1.7, -2.2]], dtype=torch.float64,
                     requires_grad=True)
    p = torch.tensor([[0.7, 1.3, 2.1], [1.6, 0.4, 0.9]], dtype=torch.float64,
                     requires_grad=True)
    m = torch.tensor([[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]], dtype=torch.float64,
                     requires_grad=True)
    return x, p, m


def _y(x):
    """A non-leaf copy for in-place probes."""
    return x * 1.0


MASK = torch.tensor([[True, False, True], [False, True, False]])
TARGET = torch.tensor([2, 0])

# exported name -> probe(x, p, m)
PROBES = {
    # arithmetic
    "add": lambda x, p, m: torch.add(x, p), "__add__": lambda x, p, m: x + p,
    "__radd__": lambda x, p, m: 2.0 + x, "sub": lambda x, p, m: x.sub(p, alpha=2),
    "__sub__": lambda x, p, m: x - 1.0, "rsub": lambda x, p, m: 1.0 - x,
    "__rsub__": lambda x, p, m: 3 - x, "subtract": lambda x, p, m: torch.subtract(x, p),
    "mul": lambda x, p, m: x.mul(p), "__mul__": lambda x, p, m: x * 2,
    "__rmul__": lambda x, p, m: 2 * x, "multiply": lambda x, p, m: torch.multiply(x, 3.0),
    "div": lambda x, p, m: torch.div(x, p), "__truediv__": lambda x, p, m: x / 4,
    "true_divide": lambda x, p, m: x.true_divide(p), "divide": lambda x, p, m: x.divide(p),
    "rdiv": lambda x, p, m: 2 / p, "__rtruediv__": lambda x, p, m: 1.0 / p,
    "pow": lambda x, p, m: p.pow(x), "__pow__": lambda x, p, m: x ** 2,
    "rpow": lambda x, p, m: 2 ** x, "__rpow__": lambda x, p, m: 1.5 ** x,
    "neg": lambda x, p, m: x.neg(), "__neg__": lambda x, p, m: -x,
    "negative": lambda x, p, m: torch.negative(x), "square": lambda x, p, m: x.square(),
    "reciprocal": lambda x, p, m: p.reciprocal(), "exp": lambda x, p, m: x.exp(),
    "log": lambda x, p, m: p.log(), "sqrt": lambda x, p, m: p.sqrt(),
    "sin": lambda x, p, m: x.sin(), "cos": lambda x, p, m: x.cos(),
    "tanh": lambda x, p, m: x.tanh(), "sigmoid": lambda x, p, m: x.sigmoid(),
    "relu": lambda x, p, m: x.relu(), "abs": lambda x, p, m: x.abs(),
    "__abs__": lambda x, p, m: abs(x), "absolute": lambda x, p, m: x.absolute(),
    "clamp": lambda x, p, m: x.clamp(-1, 1), "clip": lambda x, p, m: x.clip(min=p),
    "where": lambda x, p, m: torch.where(MASK, x, p),
    "maximum": lambda x, p, m: torch.maximum(x, p), "minimum": lambda x, p, m: x.minimum(p),
    # remainders and rounding
    "remainder": lambda x, p, m: x.remainder(p), "__mod__": lambda x, p, m: x % 0.75,
    "rremainder": lambda x, p, m: 5 % x, "__rmod__": lambda x, p, m: 5.0 % x,
    "fmod": lambda x, p, m: (torch.fmod(x, p), x.fmod(2)),
    "floor_divide": lambda x, p, m: (x.floor_divide(p), torch.floor_divide(x, 2)),
    "__floordiv__": lambda x, p, m: x // 2, "rfloor_divide": lambda x, p, m: 5 // x,
    "__rfloordiv__": lambda x, p, m: 5.0 // x,
    "sign": lambda x, p, m: x.sign(), "floor": lambda x, p, m: x.floor(),
    "ceil": lambda x, p, m: torch.ceil(x),
    "round": lambda x, p, m: (x.round(), torch.round(x, decimals=1)),
    "trunc": lambda x, p, m: x.trunc(), "fix": lambda x, p, m: torch.fix(x),
    "frac": lambda x, p, m: x.frac(),
    # comparisons and logic: no gradient
    "eq": lambda x, p, m: x.eq(p), "__eq__": lambda x, p, m: x == p,
    "ne": lambda x, p, m: x.ne(p), "__ne__": lambda x, p, m: x != 0,
    "lt": lambda x, p, m: x.lt(p), "__lt__": lambda x, p, m: x < p,
    "le": lambda x, p, m: x.le(p), "__le__": lambda x, p, m: x <= 0,
    "gt": lambda x, p, m: x.gt(p), "__gt__": lambda x, p, m: x > p,
    "ge": lambda x, p, m: x.ge(p), "__ge__": lambda x, p, m: x >= 0,
    "isnan": lambda x, p, m: x.isnan(), "isinf": lambda x, p, m: torch.isinf(x),
    "logical_not": lambda x, p, m: x.logical_not(),
    "logical_and": lambda x, p, m: x.logical_and(p),
    "logical_or": lambda x, p, m: torch.logical_or(x, p),
    "bitwise_and": lambda x, p, m: ops.bitwise_and(x > 0, p > 1),
    "__and__": lambda x, p, m: (x > 0) & (p > 1), "__or__": lambda x, p, m: (x > 0) | MASK,
    "bitwise_or": lambda x, p, m: (x > 0) | MASK, "bitwise_xor": lambda x, p, m: MASK ^ (x > 0),
    "__xor__": lambda x, p, m: (x > 0) ^ MASK, "invert": lambda x, p, m: ~(x > 0),
    "__invert__": lambda x, p, m: ~(p > 1),
    "argmax": lambda x, p, m: (x.argmax(), x.argmax(1)),
    "argmin": lambda x, p, m: torch.argmin(x, 0, keepdim=True),
    "all": lambda x, p, m: (x.all(), torch.all(x, 1)), "any": lambda x, p, m: x.any(0),
    # reductions
    "sum": lambda x, p, m: (x.sum(), x.sum(1)), "mean": lambda x, p, m: (x.mean(), x.mean(0)),
    "max": lambda x, p, m: (x.max(), *x.max(1), x.max(p)),
    "min": lambda x, p, m: (x.min(), *torch.min(x, 0)),
    "amax": lambda x, p, m: x.amax(1), "amin": lambda x, p, m: x.amin(),
    "prod": lambda x, p, m: (x.prod(), x.prod(1)), "cumsum": lambda x, p, m: x.cumsum(1),
    "var": lambda x, p, m: x.var(1), "std": lambda x, p, m: x.std(),
    "norm": lambda x, p, m: x.norm(), "softmax": lambda x, p, m: x.softmax(1),
    "log_softmax": lambda x, p, m: torch.log_softmax(x, 1),
    # shapes and views
    "reshape": lambda x, p, m: (x.reshape(3, 2), x.t().reshape(6)),
    "view": lambda x, p, m: x.view(6), "view_as": lambda x, p, m: x.view_as(p),
    "reshape_as": lambda x, p, m: x.reshape_as(m), "flatten": lambda x, p, m: x.flatten(),
    "transpose": lambda x, p, m: x.transpose(0, 1), "swapaxes": lambda x, p, m: x.swapaxes(0, 1),
    "t": lambda x, p, m: x.t(), "T": lambda x, p, m: x.T, "mT": lambda x, p, m: x.mT,
    "permute": lambda x, p, m: x.permute(1, 0), "movedim": lambda x, p, m: x.movedim(0, 1),
    "unsqueeze": lambda x, p, m: x.unsqueeze(0),
    "squeeze": lambda x, p, m: (x[None].squeeze(), x[None].squeeze(0), x[None].squeeze((0,))),
    "expand": lambda x, p, m: x[0].expand(2, 3), "expand_as": lambda x, p, m: x[0].expand_as(p),
    "repeat": lambda x, p, m: x.repeat(2, 1),
    "cat": lambda x, p, m: torch.cat([x, p]), "concat": lambda x, p, m: torch.concat([x, p]),
    "concatenate": lambda x, p, m: torch.concatenate([x, p], 1),
    "stack": lambda x, p, m: torch.stack([x, p]), "split": lambda x, p, m: x.split(1),
    "chunk": lambda x, p, m: x.chunk(3, 1), "unbind": lambda x, p, m: x.unbind(),
    "clone": lambda x, p, m: x.clone(), "contiguous": lambda x, p, m: x.t().contiguous(),
    "to": lambda x, p, m: x.to(torch.float32), "float": lambda x, p, m: x.float(),
    "double": lambda x, p, m: x.float().double(), "half": lambda x, p, m: x.half(),
    "long": lambda x, p, m: x.long(), "int": lambda x, p, m: x.int(),
    "bool": lambda x, p, m: x.bool(), "type_as": lambda x, p, m: x.type_as(MASK),
    "narrow": lambda x, p, m: x.narrow(1, 0, 2), "flip": lambda x, p, m: x.flip(0),
    "select": lambda x, p, m: x.select(1, 0),
    "getitem": lambda x, p, m: (x[0], x[:, 1:], x[None], x[...], x[MASK], x[[1, 0]]),
    "__getitem__": lambda x, p, m: x[0, 1],
    # matrix products
    "matmul": lambda x, p, m: x.matmul(m), "__matmul__": lambda x, p, m: x @ m,
    "rmatmul": lambda x, p, m: np.ones((2, 2)) @ x, "__rmatmul__": lambda x, p, m: m.__rmatmul__(
        np.ones((2, 3))),
    "mm": lambda x, p, m: x.mm(m), "mv": lambda x, p, m: x.mv(m[:, 0]),
    "dot": lambda x, p, m: x[0].dot(p[0]), "bmm": lambda x, p, m: x[None].bmm(m[None]),
    "outer": lambda x, p, m: x[0].outer(p[1]),
    # in place (on a non-leaf copy, or on a view of it)
    "add_": lambda x, p, m: _y(x).add_(p), "__iadd__": lambda x, p, m: _y(x).__iadd__(p),
    "iadd": lambda x, p, m: ops.iadd(_y(x), 1.0), "sub_": lambda x, p, m: _y(x).sub_(p),
    "__isub__": lambda x, p, m: _y(x).__isub__(2), "isub": lambda x, p, m: ops.isub(_y(x), p),
    "mul_": lambda x, p, m: _y(x).mul_(p), "__imul__": lambda x, p, m: _y(x).__imul__(p),
    "imul": lambda x, p, m: ops.imul(_y(x), 2.0), "div_": lambda x, p, m: _y(x).div_(p),
    "__itruediv__": lambda x, p, m: _y(x).__itruediv__(p),
    "itruediv": lambda x, p, m: ops.itruediv(_y(x), 2.0),
    "pow_": lambda x, p, m: _y(x).pow_(2), "neg_": lambda x, p, m: _y(x).neg_(),
    "zero_": lambda x, p, m: _y(x).zero_(), "fill_": lambda x, p, m: (_y(x).fill_(1.0),
                                                                     _y(x).fill_(p[0, 0])),
    "copy_": lambda x, p, m: _y(x).copy_(p), "clamp_": lambda x, p, m: _y(x).clamp_(-1, 1),
    "clip_": lambda x, p, m: _y(x).clip_(max=1), "relu_": lambda x, p, m: _y(x).relu_(),
    "exp_": lambda x, p, m: _y(x).exp_(), "sigmoid_": lambda x, p, m: _y(x).sigmoid_(),
    "tanh_": lambda x, p, m: _y(x).tanh_(), "uniform_": lambda x, p, m: _y(x).uniform_(),
    "normal_": lambda x, p, m: _y(x).normal_(),
    "masked_fill_": lambda x, p, m: (_y(x).masked_fill_(MASK, 0.0),
                                     _y(x).masked_fill_(MASK, p[0, 0])),
    "masked_fill": lambda x, p, m: (x.masked_fill(MASK, 1.0), torch.masked_fill(x, MASK, p[0, 0])),
    "setitem": lambda x, p, m: _set(_y(x), (0, slice(1, None)), p[0, :2]),
    "__setitem__": lambda x, p, m: _set(_y(x), MASK, 0.5),
    "view_on_inplace": lambda x, p, m: _view_after_inplace(x),
    # nn.functional
    "linear": lambda x, p, m: (F.linear(x, m.t(), m[0]), F.linear(x, m.t())),
    "dropout": lambda x, p, m: F.dropout(x, 0.5),
    "mse_loss": lambda x, p, m: F.mse_loss(x, p),
    "l1_loss": lambda x, p, m: F.l1_loss(x, p),
    "nll_loss": lambda x, p, m: (F.nll_loss(x, TARGET), F.nll_loss(x[None].permute(0, 2, 1),
                                                                   TARGET[None])),
    "cross_entropy": lambda x, p, m: F.cross_entropy(x, TARGET, label_smoothing=0.1),
    "binary_cross_entropy": lambda x, p, m: F.binary_cross_entropy(x.sigmoid(), p / 3),
    "binary_cross_entropy_with_logits":
        lambda x, p, m: F.binary_cross_entropy_with_logits(x, p / 3),
    "one_hot": lambda x, p, m: F.one_hot(TARGET, 3),
    # lessons-api: trigonometric and hyperbolic functions (NaN outside the domain is fine:
    # only the recorded node is checked here, gradients by tests/test_gradcheck.py)
    "tan": lambda x, p, m: x.tan(), "arcsin": lambda x, p, m: (x / 3).arcsin(),
    "acos": lambda x, p, m: torch.acos(x / 3), "arctan": lambda x, p, m: x.arctan(),
    "sinh": lambda x, p, m: x.sinh(), "cosh": lambda x, p, m: torch.cosh(x),
    "arcsinh": lambda x, p, m: x.arcsinh(), "acosh": lambda x, p, m: (p + 1).acosh(),
    "arctanh": lambda x, p, m: torch.arctanh(x / 3),
    "arctan2": lambda x, p, m: (torch.atan2(x, p), x.arctan2(p)),
    # lessons-api: in-place functions and in-place views (on a non-leaf copy)
    "sin_": lambda x, p, m: torch.sin_(_y(x)), "cos_": lambda x, p, m: _y(x).cos_(),
    "log_": lambda x, p, m: _y(p).log_(), "sqrt_": lambda x, p, m: _y(p).sqrt_(),
    "abs_": lambda x, p, m: _y(x).abs_(), "reciprocal_": lambda x, p, m: _y(p).reciprocal_(),
    "square_": lambda x, p, m: _y(x).square_(), "tan_": lambda x, p, m: _y(x).tan_(),
    "arcsin_": lambda x, p, m: (_y(x) / 3).arcsin_(), "acos_": lambda x, p, m: _y(x).acos_(),
    "arctan_": lambda x, p, m: _y(x).arctan_(), "sinh_": lambda x, p, m: _y(x).sinh_(),
    "cosh_": lambda x, p, m: _y(x).cosh_(), "arcsinh_": lambda x, p, m: _y(x).arcsinh_(),
    "acosh_": lambda x, p, m: (p + 1).acosh_(), "arctanh_": lambda x, p, m: (x / 3).atanh_(),
    "arctan2_": lambda x, p, m: _y(x).arctan2_(p),
    "unsqueeze_": lambda x, p, m: _y(x).unsqueeze_(1),
    "squeeze_": lambda x, p, m: (_y(x[None]).squeeze_(), _y(x[None]).squeeze_(0),
                                 _y(x[None]).squeeze_((0, 1))),
    "t_": lambda x, p, m: _y(x).t_(), "swapaxes_": lambda x, p, m: _y(x).swapaxes_(0, 1),
    # lessons-api: statistics, linear algebra, comparisons
    "std_mean": lambda x, p, m: torch.std_mean(x, 1),
    "svd": lambda x, p, m: torch.svd(m), "det": lambda x, p, m: torch.det(x[:, :2]),
    "cross": lambda x, p, m: torch.cross(x, p, dim=1),
    "unique": lambda x, p, m: (torch.unique(x), x.unique(dim=0)),
    "isclose": lambda x, p, m: torch.isclose(x, p),
    "broadcast_to": lambda x, p, m: torch.broadcast_to(x[0], (2, 3)),
    # PyTorch's RNG: in-place fills record nodes whose gradient is zero
    "random_": lambda x, p, m: (_y(x).random_(), _y(x).random_(5), _y(x).random_(0, 5)),
    "bernoulli_": lambda x, p, m: (_y(x).bernoulli_(0.5), _y(x).bernoulli_(p / 3)),
    "exponential_": lambda x, p, m: _y(x).exponential_(),
    # draws from tensor parameters: nodes whose gradient is zero (bernoulli(x, p=float):
    # NotImplemented); multinomial's indices have no gradient
    "normal": lambda x, p, m: (torch.normal(x, 1.0), torch.normal(0.0, p),
                               torch.normal(x, p), torch.normal(torch.zeros(2, 3), p)),
    "bernoulli": lambda x, p, m: (torch.bernoulli(p / 3), (p / 3).bernoulli(),
                                  torch.bernoulli(x, p=0.5)),
    "multinomial": lambda x, p, m: torch.multinomial(p, 2),
    # lessons-nn: image layers (max pooling's indices are integers: the values are probed)
    "conv2d": lambda x, p, m: (F.conv2d(x.reshape(1, 1, 2, 3), m[:2].reshape(1, 1, 2, 2),
                                        m[0, :1]),
                               torch.conv2d(x.reshape(1, 1, 2, 3), p.reshape(3, 2, 1, 1)[:, :1],
                                            padding=1)),
    "max_pool2d": lambda x, p, m: F.max_pool2d(x.reshape(1, 2, 3), 2, 1),
    "max_pool2d_with_indices":
        lambda x, p, m: F.max_pool2d_with_indices(x.reshape(1, 1, 2, 3), 2, padding=1)[0],
    "pad": lambda x, p, m: tuple(F.pad(x[None], (1, 1), mode=mode)
                                 for mode in ("constant", "reflect", "replicate", "circular")),
    "constant_pad_nd": lambda x, p, m: torch.constant_pad_nd(x, (1, 0, 0, 2), 0.5),
    "batch_norm": lambda x, p, m: (F.batch_norm(x, None, None, p[0], p[1], training=True),
                                   F.batch_norm(x, torch.zeros(3), torch.ones(3))),
}


def _set(t, key, value):
    t[key] = value
    return t


def _view_after_inplace(x):
    """The base (CopySlices) and the view (AsStridedBackward0) after an in-place op on
    the view."""
    y = _y(x)
    row = y[0]
    row.mul_(2.0)
    return y, row


def _underlying(fn):
    return inspect.unwrap(fn)


def exported():
    """``{id(function): (function, set of exported names)}`` over every namespace."""
    found = {}

    def add(name, fn):
        if callable(fn) and not inspect.isclass(fn) and not inspect.ismodule(fn):
            fn = _underlying(fn)
            found.setdefault(id(fn), (fn, set()))[1].add(name)
        elif name not in NOT_OPS and inspect.isclass(fn):
            found.setdefault(id(fn), (fn, set()))[1].add(name)

    for module in (elementwise, reduce, shape, index, linalg, inplace):
        for name in module.__all__:
            add(name, getattr(module, name))
    for name in dir(torch):
        if not name.startswith("_"):
            value = getattr(torch, name)
            if not inspect.ismodule(value) and not isinstance(value, torch.dtype):
                add(name, value)
    for name in F.__all__:
        add(name, getattr(F, name))
    for table in (_methods._OPERATORS, _methods._EXTRA_METHODS):
        for name, fn in table.items():
            add(name, fn)
    for name in _methods._METHODS:
        add(name, getattr(torch.Tensor, name))
    add("T", ops.T)
    add("mT", ops.mT)
    return found


def test_every_exported_op_has_a_probe():
    """Each exported function is probed under one of its names, or is not an op."""
    missing = sorted(min(names) for fn, names in exported().values()
                     if not names & (set(PROBES) | set(NOT_OPS)))
    assert not missing, f"exported ops without a probe in tests/test_op_coverage.py: {missing}"


def test_probes_name_exported_functions():
    names = set().union(*(names for _, names in exported().values()))
    stale = sorted(set(PROBES) - names - {"view_on_inplace"})
    assert not stale, f"probes of names nothing exports: {stale}"


def _outputs(result):
    if isinstance(result, (tuple, list)):
        return [t for r in result for t in _outputs(r)]
    return [result]


def _rule_of(t):
    """The table entry that made ``t``: its node's rule, or its provenance's."""
    if t.grad_fn is not None:
        return getattr(type(t.grad_fn), "_rule", None)
    record = t._prov
    return record[0] if record is not None and isinstance(record[0], Rule) else None


TABLE = {id(rule) for rule in RULES.values()}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe_results_come_from_the_table(name):
    """Every result of the probe was recorded through an entry of RULES, and its flags
    are what that kind of entry gives in PyTorch."""
    for t in _outputs(PROBES[name](*_leaves())):
        assert isinstance(t, torch.Tensor), f"{name} returned {type(t).__name__}"
        rule = _rule_of(t)
        assert rule is not None and id(rule) in TABLE, \
            f"{name}: result not recorded through an entry of RULES"
        if rule.grad_fn is None:            # NOT_DIFFERENTIABLE: a leaf without grad
            assert not t.requires_grad and t.grad_fn is None and t.is_leaf, name
        elif t.dtype.is_floating_point:
            assert t.requires_grad and isinstance(t.grad_fn, rule.node_class), name
        else:                               # integer result of a differentiable op
            assert not t.requires_grad and t.grad_fn is None


def test_every_entry_without_gradient_is_probed():
    """NOT_DIFFERENTIABLE and NOT_IMPLEMENTED entries are reached by some probe."""
    reached = {id(_rule_of(t)) for probe in PROBES.values()
               for t in _outputs(probe(*_leaves()))}
    stale = sorted(name for name, rule in RULES.items()
                   if not rule.differentiable and id(rule) not in reached)
    assert not stale, f"entries no probe reaches: {stale}"


@pytest.mark.parametrize("expr, aten", [("x // 2", "floor_divide"), ("x // p", "floor_divide"),
                                        ("5 // x", "floor_divide"), ("5 % x", "remainder")])
def test_not_implemented_nodes_raise_in_backward(expr, aten):
    x, p, _ = _leaves()
    out = eval(expr)
    assert type(out.grad_fn).__name__ == NOT_IMPLEMENTED
    assert out.grad_fn.name() == "torch::autograd::NotImplemented"
    with pytest.raises(RuntimeError, match=f"^derivative for aten::{aten} is not implemented$"):
        out.sum().backward()


# ---------------------------------------------------------------------------------------
# parameters are bound by name
# ---------------------------------------------------------------------------------------

def _recorded(**params):
    from gradnb.ops._record import record
    x = _leaves()[0]
    return record(RULES["sum_dim"], x._data.sum(axis=(1,)), (x,), **params)


def test_rule_parameters_are_bound_by_name():
    """The order of the keywords does not matter; the node stores them in the order the
    rule declares."""
    out = _recorded(self_shape=(2, 3), keepdim=False, dim=(1,))
    assert out.grad_fn._params == ((1,), False, (2, 3))
    out.backward(torch.ones(2, dtype=torch.float64))


@pytest.mark.parametrize("params, words", [
    ({"dim": (1,), "keepdim": False}, "missing ['self_shape'], unexpected []"),
    ({"dim": (1,), "keepdim": False, "self_shape": (2, 3), "extra": 1},
     "missing [], unexpected ['extra']"),
    ({"dims": (1,), "keepdim": False, "self_shape": (2, 3)},
     "missing ['dim'], unexpected ['dims']"),
])
def test_wrong_parameter_names_are_refused(params, words):
    with pytest.raises(TypeError) as info:
        _recorded(**params)
    assert str(info.value) == ("rule 'sum_dim' (SumBackward1) takes parameters ('dim', "
                               f"'keepdim', 'self_shape'); {words}")


def test_parameters_for_a_rule_without_any_are_refused():
    from gradnb.ops._record import record
    x = _leaves()[0]
    with pytest.raises(TypeError, match=r"rule 'exp' \(ExpBackward0\) takes parameters \(\); "
                                        r"missing \[\], unexpected \['dim'\]"):
        record(RULES["exp"], np.exp(x._data), (x,), dim=0)
