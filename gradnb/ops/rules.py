"""THE table of backward rules: one entry per op, differentiable or not, one formula per
input. Every op function records its result through an entry of :data:`RULES`.

An entry is one of three kinds (as PyTorch's derivatives.yaml distinguishes them):

* differentiable: ``R(op, "XxxBackward0", inputs, params, **formulas)``; the result of
  an input requiring grad gets a node of that class;
* ``R(op, NOT_DIFFERENTIABLE)`` (derivatives.yaml ``output_differentiability: [False]``:
  comparisons, argmax, isnan, logical and bitwise ops): the result never requires grad
  and has no ``grad_fn``, whatever its inputs;
* ``R(op, NOT_IMPLEMENTED, inputs, aten="name")`` (no formula in derivatives.yaml:
  ``floor_divide``, ``remainder(Scalar, Tensor)``): the result gets PyTorch's
  ``NotImplemented`` node, whose backward raises "derivative for aten::name is not
  implemented".

Integer and bool results never get a node (record checks the dtype), whatever the kind.

Contract for a formula (a python expression, compiled once into the node class):

* ``grad``    the gradient of the op's output (numpy array, the output's shape);
              for multi-output ops (split, unbind) a list with one array per output.
* input names (``self``, ``other``, ``mat2``, ...) are the op's tensor inputs as numpy
              arrays, or python scalars where the op took one; ``result`` is the output.
              Naming one makes the node save it (only when some input needing it
              requires grad), and backward then checks it was not modified in place.
* parameter names (``dim``, ``keepdim``, ``self_shape``, ...) are the op's non-tensor
              arguments, declared in the entry's ``params``. The forward function passes
              them BY NAME: ``record(rule, out, (self,), dim=d, keepdim=k)`` (likewise
              ``record2``, ``record_multi``, ``make_node`` with a dict); when a node is
              made the names are checked against ``params`` (TypeError naming the rule and
              the missing/unexpected names), then stored in ``params`` order.
* helpers defined in this module, among them the primitives ``exp log sin cos sign where
  zeros_like outer absolute isnan log1p clamp_min clamp_max t permute flip cumsum
  sum_keepdim mean_keepdim floor_divide trunc``.

The same text also runs on gradnb tensors, for ``create_graph=True`` (see
:func:`tensor_source` and :mod:`gradnb.ops.tensor_rules`): ``grad`` and the saved values
are then Tensors. So a formula (and a helper listed in ``TENSOR_GENERIC``) uses only
operators, the primitives and helpers, and what numpy arrays and Tensors share:
``reshape``, ``swapaxes``, ``squeeze(dim)``, ``sum()``, ``.T`` of a matrix, ``.shape``,
``.ndim``, ``@``, indexing with a numpy key. A helper that builds arrays with numpy has a
tensor version in :mod:`gradnb.ops.tensor_rules`.

An entry may add ``float32={input: expression}``: the same derivative rounded as
PyTorch's float32 kernel rounds it (e.g. tanh's ``1 - y*y`` with an exact square), used
for float32 gradients of up to ``EXACT_FLOAT32_MAX_SIZE`` elements. The formula stays
the one shown in the views and the one run on tensors; the variant is numpy-only.

A formula returns the gradient for its input in any shape that broadcasts to it: the
engine sums broadcast dimensions away and casts the dtype once, so no rule unbroadcasts.
An ``all=`` formula returns a tuple with one gradient per input (variadic ops).
Rules longer than a line are the named helpers below the table. ``grad_fn`` names are
PyTorch's, so graphs and reprs say what PyTorch says.
"""

import ast
import math

import numpy as np

from ..autograd.node import node_class
from ._windows import add_columns, conv_columns, pad_region

__all__ = ["Rule", "RULES", "rule_text", "NOT_DIFFERENTIABLE", "NOT_IMPLEMENTED"]

# markers in place of a grad_fn name (see the module docstring)
NOT_DIFFERENTIABLE = None
NOT_IMPLEMENTED = "NotImplemented"


class Rule:
    """One op's entry: its PyTorch ``grad_fn`` name and a VJP formula per input.

    Parameters
    ----------
    op : str
        The op's name (``"mul"``); also names pruned results in the graph views.
    grad_fn : str or None
        PyTorch's node class name; :data:`NOT_DIFFERENTIABLE` (None) for ops whose
        result never requires grad, :data:`NOT_IMPLEMENTED` for ops PyTorch records
        with a node whose backward raises.
    inputs : tuple of str
        Names of the tensor inputs, in ``next_functions`` order; None for variadic ops.
    params : tuple of str
        Names of the non-tensor arguments the formulas use (passed by name, see above).
    aten : str
        For NOT_IMPLEMENTED entries: the op's name in PyTorch's error message.
    float32 : dict, optional
        ``input name -> expression``: the same derivative rounded as PyTorch's float32
        kernel rounds it, used for float32 gradients of up to EXACT_FLOAT32_MAX_SIZE
        elements (where the plain formula's rounding shows in printed digits).
    formulas : dict
        ``input name -> expression``; or ``all -> expression`` returning a tuple.
    """

    __slots__ = ("op", "grad_fn", "inputs", "params", "formulas", "saved_names", "users",
                 "saves", "node_class", "multi_output", "bind", "aten", "float32")

    # the first parameter is not called `self`: `self=` is the formula for input "self"
    def __init__(entry, op, grad_fn, inputs=("self",), params=(), multi_output=False,
                 aten=None, float32=None, **formulas):
        entry.op, entry.grad_fn, entry.inputs = op, grad_fn, inputs
        entry.params, entry.formulas, entry.multi_output = tuple(params), formulas, multi_output
        entry.aten, entry.float32 = aten, float32
        if grad_fn == NOT_IMPLEMENTED and (formulas or not aten):
            raise ValueError(f"{op}: a NOT_IMPLEMENTED entry names its aten op, no formulas")
        entry.saved_names, entry.users = entry._find_saved()
        entry.saves = bool(entry.saved_names)
        entry.bind = _make_binder(entry) if entry.params else None
        entry.node_class = _make_node_class(entry) if grad_fn else None

    @property
    def differentiable(self):
        """False for NOT_DIFFERENTIABLE entries (and NOT_IMPLEMENTED ones, whose
        backward raises)."""
        return self.grad_fn is not None and self.grad_fn != NOT_IMPLEMENTED

    def _find_saved(self):
        """Which inputs/result the formulas read, and for each, which inputs' formulas."""
        names = list(self.inputs or ()) + ["result"]
        saved, users = [], []
        for name in names:
            using = tuple(i for i, (inp, expr) in enumerate(self._per_input())
                          if name in _names_in(expr))
            if using:
                saved.append(name)
                users.append(using)
        return tuple(saved), tuple(users)

    def _per_input(self):
        if "all" in self.formulas:
            return [("all", self.formulas["all"])]
        return [(inp, self.formulas.get(inp)) for inp in self.inputs or ()]

    def __repr__(self):
        return f"Rule({self.op!r} -> {self.grad_fn})"


def _make_binder(rule):
    """Generate ``bind(params) -> tuple``: the values of a dict of parameters passed by
    name, in ``rule.params`` order, or a TypeError naming the rule and what is missing
    or unexpected. Straight-line code: it runs for every recorded node with parameters."""
    values = ", ".join(f"p[{name!r}]" for name in rule.params)
    source = (f"def bind(p):\n"
              f"    if len(p) == {len(rule.params)}:\n"
              f"        try:\n"
              f"            return ({values},)\n"
              f"        except KeyError:\n"
              f"            pass\n"
              f"    raise param_error(rule, p)\n")
    namespace = {"rule": rule, "param_error": param_error}
    exec(compile(source, f"<bind {rule.op}>", "exec"), namespace)
    return namespace["bind"]


def param_error(rule, given):
    """The TypeError for parameters that do not match the names ``rule`` declares."""
    missing = [n for n in rule.params if n not in given]
    unexpected = [n for n in given if n not in rule.params]
    return TypeError(f"rule {rule.op!r} ({rule.grad_fn}) takes parameters "
                     f"{rule.params}; missing {missing}, unexpected {unexpected}")


def _names_in(expr):
    if expr is None:
        return set()
    return set(compile(expr, "<rule>", "eval").co_names)


def rule_text(rule):
    """Readable backward formulas, e.g. ``['grad_self = grad * other', ...]``."""
    source_lines = getattr(rule, "source_lines", None)   # a custom autograd.Function
    if source_lines is not None:
        return source_lines()
    if "all" in rule.formulas:
        return [f"grad_inputs = {rule.formulas['all']}"]
    if rule.grad_fn == NOT_IMPLEMENTED:
        return [f"grad_{inp}: derivative for aten::{rule.aten} is not implemented"
                for inp in rule.inputs]
    return [f"grad_{inp} = {expr}" if expr else f"grad_{inp}: not differentiable"
            for inp, expr in rule._per_input()]


# Gradients at least this large are computed with a second compilation of the same
# formulas that writes intermediate results into temporaries it already allocated
# (``1 - result * result`` reuses the buffer of ``result * result``): for big arrays,
# fresh allocations and passes over memory dominate; for small ones the checks would.
INPLACE_MIN_SIZE = 1 << 16

# float32 arrays up to this size compute the saturating functions as PyTorch's kernels
# round them (tanh/sigmoid forward through float64, tanh' with an exact y*y): near
# y = +-1 a gradient is a difference of nearly equal numbers, so one unit in the last
# place of y or y*y moves its 4th significant digit. Bigger arrays keep numpy's float32
# kernels (several times faster); their values then differ from PyTorch's in the last bit.
EXACT_FLOAT32_MAX_SIZE = 1 << 12


def _make_node_class(rule):
    """Generate the node class: a ``_vjp`` whose body is the table's formulas."""
    if rule.grad_fn == NOT_IMPLEMENTED:
        return _not_implemented_class(rule)
    plain = _return_statement(rule, lambda expr: expr)
    reusing = _return_statement(rule, _reuse_temporaries)
    lines = ["def _vjp(node, grad):"]
    if rule.saved_names:
        lines.append(f"    {', '.join(rule.saved_names)}, = node._saved")
    if rule.params:
        lines.append(f"    {', '.join(rule.params)}, = node._params")
    lines.append("    nf = node.next_functions")
    if rule.float32:
        exact = _return_statement(rule, lambda expr: expr, rule.float32)
        lines.append("    if grad.dtype == FLOAT32 and grad.size <= EXACT_FLOAT32_MAX_SIZE:")
        lines.append(f"        {exact}")
    if reusing != plain and not rule.multi_output:
        lines.append("    if grad.size >= INPLACE_MIN_SIZE:")
        lines.append(f"        {reusing}")
    lines.append(f"    {plain}")
    source = "\n".join(lines)
    namespace = dict(_HELPERS)
    exec(compile(source, f"<rule {rule.grad_fn}>", "exec"), namespace)
    attributes = {"_rule": rule, "_vjp": namespace["_vjp"], "_source": source,
                  "_multi": rule.multi_output, "_vjp_tensors": _compile_vjp_tensors}
    if rule.saves:
        attributes["_save"] = staticmethod(_make_saver(rule))
    if rule.grad_fn in _CPP_NAMED:
        attributes["name"] = _CPP_NAMED[rule.grad_fn]
    return node_class(rule.grad_fn, attributes, saves=rule.saves, has_params=bool(rule.params))


# nodes whose name() is the C++ class name, as in PyTorch
_CPP_NAMED = {"CopySlices": lambda node: "torch::autograd::CopySlices"}


def _not_implemented_class(rule):
    """PyTorch's ``NotImplemented`` node (``torch::autograd::NotImplemented``): recorded
    like any node, its backward raises."""
    message = f"derivative for aten::{rule.aten} is not implemented"

    def _vjp(node, grad):
        raise RuntimeError(message)

    def name(node):
        return "torch::autograd::NotImplemented"

    return node_class(NOT_IMPLEMENTED, {"_rule": rule, "_vjp": _vjp, "name": name,
                                        "_source": f"raise RuntimeError({message!r})",
                                        "_multi": False})


def tensor_source(rule):
    """The same formulas as a function of gradnb tensors (``create_graph=True``): the
    gradient and the saved values are tensors, so the ops record a graph of backward."""
    lines = ["def _vjp_tensors(node, grad, views=None):"]
    if rule.saved_names:
        lines.append(f"    {', '.join(rule.saved_names)}, = saved_tensors(node, views)")
    if rule.params:
        lines.append(f"    {', '.join(rule.params)}, = node._params")
    # parameters that are the op's own outputs get the node as their history
    for name, nr in OUTPUT_PARAMS.get(rule.op, {}).items():
        lines.append(f"    {name} = output_tensor(node, {nr}, {name})")
    lines += ["    nf = node.next_functions", f"    {_return_statement(rule, lambda e: e)}"]
    return "\n".join(lines)


def _compile_vjp_tensors(node, grad, views=None):
    """First call of a node class's ``_vjp_tensors``: compile it (tensor ops are not
    importable while this table is built, and most classes never need it), then run."""
    from .tensor_rules import compile_vjp_tensors
    cls = type(node)
    cls._vjp_tensors = compile_vjp_tensors(cls._rule, tensor_source(cls._rule))
    return cls._vjp_tensors(node, grad, views)


def _return_statement(rule, transform, variant=None):
    """``return (...)`` with each input's formula (or its ``variant``), skipped for inputs
    that get no grad."""
    if "all" in rule.formulas:
        return f"return {transform(rule.formulas['all'])}"
    parts = [f"({transform((variant or {}).get(inp, expr))}) if nf[{i}][0] is not None "
             "else None" if expr else "None"
             for i, (inp, expr) in enumerate(rule._per_input())]
    return f"return ({', '.join(parts)},)"


_UFUNC_OF = {ast.Add: "np.add", ast.Sub: "np.subtract", ast.Mult: "np.multiply",
             ast.Div: "np.true_divide", ast.Pow: "np.power"}


class _TemporaryReuse(ast.NodeTransformer):
    """Rewrite ``a OP b`` into ``into_temporary(ufunc, a, b, k)`` when operand ``k`` is
    itself the fresh result of arithmetic in the same formula."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        ufunc = _UFUNC_OF.get(type(node.op))
        if ufunc is None:
            return node
        fresh = [getattr(side, "_fresh", False) for side in (node.left, node.right)]
        if any(fresh):
            node = ast.Call(ast.Name("into_temporary", ast.Load()),
                            [ast.parse(ufunc, mode="eval").body, node.left, node.right,
                             ast.Constant(0 if fresh[0] else 1)], [])
        node._fresh = True
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.USub):
            node._fresh = True
        return node


def _reuse_temporaries(expr):
    """The formula with in-place reuse of its own temporaries (same maths)."""
    tree = _TemporaryReuse().visit(ast.parse(expr, mode="eval"))
    return ast.unparse(ast.fix_missing_locations(tree))


def into_temporary(ufunc, a, b, which):
    """``ufunc(a, b)``, written into operand ``which`` when it is a fresh array of the
    result's shape and dtype (it was made by this formula, so nothing else sees it)."""
    tmp = b if which else a
    if type(tmp) is np.ndarray and tmp.base is None and tmp.flags.writeable \
            and tmp.shape == np.broadcast_shapes(np.shape(a), np.shape(b)) \
            and np.result_type(a, b) == tmp.dtype:
        return ufunc(a, b, out=tmp)
    return ufunc(a, b)


def _make_saver(rule):
    """Generate ``_save(node, result, inputs, edges)``: keep each value a formula reads,
    only if an input whose formula reads it will receive a gradient, and note the
    version of saved tensors so backward can detect in-place changes made since.
    Straight-line code per rule, because it runs on every recorded op."""
    if rule.inputs is None and set(rule.saved_names) != {"result"}:
        raise ValueError(f"{rule.grad_fn}: variadic rules can only save their result")
    lines = ["def _save(node, result, inputs, edges):", "    checks = ()"]
    if rule.inputs:
        lines.insert(1, f"    {', '.join(f'in_{n}' for n in rule.inputs)}, = inputs")
    for name, users in zip(rule.saved_names, rule.users):
        # a variadic rule's one formula makes every input's gradient
        cond = " or ".join(f"edges[{u}] is not NO_EDGE" for u in users) if rule.inputs \
            else "any(e is not NO_EDGE for e in edges)"
        lines.append(f"    if {cond}:")
        if name == "result":
            lines += ["        s_result = result._data",
                      "        checks += (('result', result._vc, result._vc[0], None),)"]
        else:
            lines += [f"        x = in_{name}",
                      "        if isinstance(x, Tensor):",
                      "            if x._extra is not None:",
                      "                refuse_inference_tensor(x)",
                      f"            s_{name} = x._data",
                      f"            checks += (('{name}', x._vc, x._vc[0], x),)",
                      "        else:",
                      f"            s_{name} = x"]
        lines += ["    else:", f"        s_{name} = None"]
    lines += [f"    node._saved = ({', '.join(f's_{n}' for n in rule.saved_names)},)",
              "    node._checks = checks or None"]
    from ..tensor import Tensor
    from ._record import NO_EDGE, refuse_inference_tensor
    namespace = {"__name__": __name__, "Tensor": Tensor, "NO_EDGE": NO_EDGE,
                 "refuse_inference_tensor": refuse_inference_tensor}
    exec(compile("\n".join(lines), f"<saver {rule.grad_fn}>", "exec"), namespace)
    return namespace["_save"]


# ---------------------------------------------------------------------------------------
# helpers that formulas may call
# ---------------------------------------------------------------------------------------

def log(x):
    """Natural log that keeps python scalars python floats (numpy's would be float64,
    which would upcast a float32 gradient); log(0) = -inf and log(x < 0) = nan, as for
    arrays, instead of math's ValueError."""
    if isinstance(x, (int, float)):
        return math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan)
    return np.log(x)


def one_minus_square_float32(y):
    """1 - y*y of a float32 array rounded once, as PyTorch's kernels compute it with a
    fused multiply-add: in double precision y*y of a float32 y is exact. Near y = +-1
    rounding y*y first would move the 4th significant digit of the difference."""
    if y.size == 1:          # python floats are doubles: cheaper than two casts
        v = y.item()
        return np.float32(1 - v * v)
    d = y.astype(np.float64)
    return (1 - d * d).astype(np.float32)


# Primitives: the numpy operations formulas and helpers use that are spelled differently
# for numpy arrays and gradnb tensors. gradnb.ops.tensor_rules defines each again for
# tensors; every other helper is written through these (or through operators and methods
# both share), so its one text also runs on tensors (see TENSOR_GENERIC).
exp, sin, cos, sign, where, zeros_like, outer = (np.exp, np.sin, np.cos, np.sign, np.where,
                                                 np.zeros_like, np.outer)
absolute, isnan, log1p = np.abs, np.isnan, np.log1p
floor_divide, trunc = np.floor_divide, np.trunc


def clamp_min(x, lo):
    return np.maximum(x, lo)


def clamp_max(x, hi):
    return np.minimum(x, hi)


def t(x):
    """Transpose of a matrix (a vector stays as it is)."""
    return x.T


def permute(x, dims):
    return x.transpose(dims)


def flip(x, dims):
    return np.flip(x, dims)


def cumsum(x, dim):
    return np.cumsum(x, axis=dim)


def sum_keepdim(x, dim):
    """Sum over ``dim`` (int, tuple, or None for all), keeping reduced dimensions."""
    return x.sum(axis=dim, keepdims=True)


def mean_keepdim(x, dim):
    return x.mean(axis=dim, keepdims=True)


def expand(grad, shape):
    """Broadcast ``grad`` to ``shape`` without copying."""
    return np.broadcast_to(grad, shape)


def restore_dims(grad, dim, keepdim):
    """Re-insert the reduced dimensions ``dim`` (tuple) as size 1, unless kept."""
    return grad if keepdim else np.expand_dims(grad, dim)


def evenly_distribute(grad, values, result):
    """Gradient of max()/min() over all elements: shared equally among the elements
    equal to the result (among the NaNs when the result is NaN, as in PyTorch)."""
    mask = np.isnan(values) if np.isnan(result) else values == result
    return np.where(mask, grad / np.count_nonzero(mask), 0).astype(grad.dtype, copy=False)


def value_selecting_backward(grad, dim, indices, self_shape, keepdim):
    """Gradient of max(dim)/min(dim): ``grad`` goes to the selected index of each row.
    ``dim`` is a one-element tuple; a 0-d input was its own maximum."""
    if not self_shape:
        return grad
    out = np.zeros(self_shape, dtype=grad.dtype)
    np.put_along_axis(out, restore_dims(indices, dim, keepdim),
                      restore_dims(grad, dim, keepdim), axis=dim[0])
    return out


def scale_grad_by_count(grad, mask, dim):
    """Gradient of amax/amin: each tie gets an equal share of its row's gradient."""
    return (grad / mask.sum(axis=dim, keepdims=True)) * mask


def product_of_others(x, axis):
    """For each element, the product of the other elements along ``axis``: cumulative
    products from both ends, so zeros need no division."""
    x = np.moveaxis(x, axis, -1)
    ones = np.ones(x.shape[:-1] + (1,), x.dtype)
    left = np.cumprod(np.concatenate([ones, x[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, x[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return np.moveaxis(left * right, -1, axis)


def prod_backward(grad, self):
    """d prod / d x_i = the product of the other elements."""
    return grad * product_of_others(self.reshape(-1), 0).reshape(self.shape)


def prod_dim_backward(grad, self, dim, keepdim):
    """Gradient of prod along ``dim`` (a tuple of at most one dim; none for a 0-d input)."""
    if not dim:
        return grad
    return restore_dims(grad, dim, keepdim) * product_of_others(self, dim[0])


def reverse_cumsum(grad, dim):
    """Gradient of cumsum: each input feeds every later output, so sum from the end.
    (The cumsum of a 0-d tensor is itself.)"""
    if grad.ndim == 0:
        return grad
    return flip(cumsum(flip(grad, dim), dim), dim)


def var_backward(grad, self, dim, correction, keepdim):
    """d var / d x = 2 (x - mean) / (N - correction)."""
    n = math.prod(self.shape if dim is None else (self.shape[d] for d in dim))
    if dim is not None:
        grad = restore_dims(grad, dim, keepdim)
    mean = mean_keepdim(self, dim)
    dof = n - correction
    # no degrees of freedom: PyTorch's 2 / 0 is inf (the result nan), not an exception
    return (2.0 / dof if dof else math.inf) * grad * (self - mean)


def std_backward(result, grad, self, dim, correction, keepdim):
    """d std / d x = d var / d x / (2 std)."""
    if dim is not None:
        result = restore_dims(result, dim, keepdim)
        grad = restore_dims(grad, dim, keepdim)
    return var_backward(grad / (2 * result), self, dim, correction, True)


def norm_backward(grad, self, ord, result, dim, keepdim):
    """d ||x||_p / d x = sign(x) (|x| / ||x||)^(p-1): none for p = 0; 0 where x = 0 and where
    the norm is 0; for p = +-inf the gradient is shared among the elements of extreme
    magnitude (and NaNs) of each reduced slice, as in PyTorch."""
    if dim is not None:
        grad, result = restore_dims(grad, dim, keepdim), restore_dims(result, dim, keepdim)
    if ord == 0:
        return None      # PyTorch sends no gradient at all (the leaf's .grad stays None)
    if ord == 2:
        scale = where(result == 0, 0, grad / where(result == 0, 1, result))
        return self * scale
    if ord == 1:
        return sign(self) * grad
    if math.isinf(ord):
        mask = (absolute(self) == result) | isnan(self)
        return sign(self) * scale_grad_by_count(grad, mask, dim)
    ratio = absolute(self) / where(result == 0, 1, result)
    return grad * sign(self) * where(self == 0, 0, ratio ** (ord - 1))


def in_range(x, lo, hi):
    """Mask of elements that clamp(lo, hi) passed through unchanged."""
    mask = np.ones(x.shape, dtype=bool)
    if lo is not None:
        mask &= x >= lo
    if hi is not None:
        mask &= x <= hi
    return mask


def swap_last(x):
    """Transpose the last two dimensions (batched matrix transpose)."""
    return x.swapaxes(-1, -2)


def inverse_permutation(dims):
    return tuple(np.argsort(dims))


def select_backward(grad, self_shape, dim, index):
    """Gradient of x.select(dim, index): zeros with grad placed at that index."""
    out = np.zeros(self_shape, dtype=grad.dtype)
    out[(slice(None),) * dim + (index,)] = grad
    return out


def slice_backward(grad, self_shape, dim, start, stop, step):
    """Gradient of a slice: zeros with grad placed in the sliced range."""
    out = np.zeros(self_shape, dtype=grad.dtype)
    out[(slice(None),) * dim + (slice(start, stop, step),)] = grad
    return out


def index_backward(grad, self_shape, key):
    """Gradient of advanced indexing; repeated indices accumulate (np.add.at)."""
    out = np.zeros(self_shape, dtype=grad.dtype)
    np.add.at(out, key, grad)
    return out


def sum_tiles(grad, repeats, self_shape):
    """Gradient of repeat(): sum the tiles back onto the original block."""
    lead = len(repeats) - len(self_shape)
    shape = tuple(repeats[:lead]) + tuple(
        x for r, s in zip(repeats[lead:], self_shape) for x in (r, s))
    split = grad.reshape(shape)
    axes = tuple(range(lead)) + tuple(lead + 2 * i for i in range(len(self_shape)))
    return split.sum(axes)      # (the first positional argument is the axis for both)


def cat_tensors_backward(grad, sizes, dim):
    """Gradient of cat: the slice of grad each input filled (None for skipped inputs)."""
    bounds = np.cumsum(sizes)[:-1]
    return tuple(np.split(grad, bounds, axis=dim))


def unstack(grad, dim):
    """Gradient of stack: one slice per stacked input."""
    return tuple(np.moveaxis(grad, dim, 0))


def loss_grad(local, grad, weight, reduction):
    """Chain rule for an elementwise loss: ``local`` (d loss_i / d input_i) times the
    incoming gradient (0-d when reduced), times the weights, averaged for 'mean'."""
    g = local * grad
    if weight is not None:
        g = g * weight
    return g / math.prod(g.shape) if reduction == "mean" else g


def mse_grad(grad, self, target, reduction):
    """d/dx of (x - t)^2 = 2 (x - t)."""
    return loss_grad(2 * (self - target), grad, None, reduction)


def target_index(target, class_axis):
    """Index of each sample's target class in the loss input: ``(n, target[n])`` for a
    batch, ``(target,)`` for one sample, ``(n, target[n, i, j], i, j)`` with positions."""
    if class_axis == 0:
        return (target,)
    if target.ndim == 1:
        return (np.arange(target.shape[0]), target)
    grid = list(np.ogrid[tuple(slice(n) for n in target.shape)])
    grid.insert(class_axis, target)
    return tuple(grid)


def nll_loss_backward(grad, self, target, weight, reduction, ignore_index, total_weight):
    """Gradient of the negative log-likelihood -w[t] x[t]: ``-w[t]`` (over the total
    weight for 'mean') at each sample's target class, along the class axis (1, or 0 for
    one unbatched sample); 0 elsewhere and for ignored targets."""
    g = grad if reduction == "none" else grad.reshape(())
    if reduction == "mean":
        g = g / total_weight
    valid = target != ignore_index
    if weight is None and valid.all():      # the common case: nothing to mask or weigh
        safe_t, values = target, -g
    else:
        safe_t = np.where(valid, target, 0)
        w = valid if weight is None else np.where(valid, weight[safe_t], 0)
        values = np.where(valid, -(w * g), 0)
    out = np.zeros_like(self)
    out[target_index(safe_t, 1 if self.ndim > 1 else 0)] = values
    return out


def bce_backward(grad, self, target, weight, reduction):
    """d/dx of -(t log x + (1 - t) log(1 - x)) = (x - t) / (x (1 - x)), the denominator
    clamped at 1e-12 as in PyTorch."""
    return loss_grad((self - target) / clamp_min(self * (1 - self), 1e-12), grad, weight,
                     reduction)


def bce_target_backward(grad, self, weight, reduction):
    """d/dt of -(t log x + (1 - t) log(1 - x)) = -logit(x)."""
    return loss_grad(log1p(-self) - log(self), grad, weight, reduction)


def log_sigmoid(x):
    """log(sigmoid(x)) = min(x, 0) - log(1 + exp(-|x|)), without overflow."""
    return clamp_max(x, 0) - log1p(exp(-absolute(x)))


def bce_logits_backward(grad, self, target, weight, pos_weight, reduction):
    """d/dx of -(p t log s(x) + (1 - t) log(1 - s(x))) = (p t + 1 - t) s(x) - p t,
    i.e. s(x) - t without ``pos_weight`` p (s is the sigmoid)."""
    sig = 1 / (1 + exp(-self))
    if pos_weight is None:
        local = sig - target
    else:
        pt = pos_weight * target
        local = (pt + 1 - target) * sig - pt
    return loss_grad(local, grad, weight, reduction)


def bce_logits_target_backward(grad, self, weight, pos_weight, reduction):
    """d/dt of the same loss = log s(-x) - p log s(x), i.e. -x without ``pos_weight``."""
    local = -self if pos_weight is None else \
        log_sigmoid(-self) - pos_weight * log_sigmoid(self)
    return loss_grad(local, grad, weight, reduction)


def mm_mat2_backward(grad, mat1, mat2_transposed):
    """Gradient of ``mat1 @ mat2`` for ``mat2``, laid out like ``mat2`` (PyTorch's
    choice): for a transposed ``mat2`` such as ``weight.t()``, compute the transposed
    product and hand back its transpose, so the weight's gradient comes out row-major
    like the weight (and the optimizer then runs over contiguous memory)."""
    return (grad.T @ mat1).T if mat2_transposed else mat1.T @ grad


def copy_slices_backward(grad, positions, fn, result):
    """Gradient of CopySlices: ``fn`` (an in-place op) was applied to the view of the
    base at flat ``positions``. Outside the view the base's gradient passes through;
    inside, it is replaced by ``fn``'s gradient for the view's old values; ``fn``'s other
    inputs get their gradients from the view's part (PyTorch's CopySlices::apply).
    ``result`` is unused: the formula names it so that the node saves a value, which
    backward frees, and a second backward then raises as in PyTorch."""
    # C order: reshape(-1) must be a view to write through (a broadcast grad from sum()
    # would otherwise be copied to another layout and the writes lost)
    result = np.array(grad, copy=True, order="C")
    flat, index = result.reshape(-1), positions.reshape(-1)
    grads = fn.apply(flat[index].reshape(positions.shape))
    own = grads[0]
    flat[index] = 0 if own is None else np.broadcast_to(own, positions.shape).reshape(-1)
    return (result,) + tuple(grads[1:])


def zero_index(grad, indices):
    """Gradient of a tensor's old values after ``t[indices] = v``: zero where written."""
    out = np.array(grad, copy=True)
    out[indices] = 0
    return out


def scatter_positions(grad, positions, self_shape):
    """Gradient of a view given by flat positions in its base (repeats accumulate)."""
    out = np.zeros(math.prod(self_shape), dtype=grad.dtype)
    np.add.at(out, positions.reshape(-1), grad.reshape(-1))
    return out.reshape(self_shape)


def stack_grads(grad, dim):
    return np.stack(grad, axis=dim)


def concat_grads(grad, dim):
    return np.concatenate(grad, axis=dim)


# -- image ops (conv2d, max_pool2d, constant pad) -----------------------------------------

def conv_grad_groups(grad, groups):
    """The output gradient (N, O, Ho, Wo) as ``(N, groups, O/groups, Ho*Wo)`` (a view),
    the layout of the forward's matmul with the im2col columns."""
    n, o, h, w = grad.shape
    return grad.reshape(n, groups, o // groups, h * w)


def conv_input_backward(grad, weight, stride, padding, dilation, groups, input_shape):
    """d conv / d input: the columns' gradient (kernels transposed times grad), summed
    back into the input positions each column entry was read from (col2im)."""
    kernels = weight.reshape(groups, weight.shape[0] // groups, -1)
    cols = np.matmul(kernels.transpose(0, 2, 1), conv_grad_groups(grad, groups))
    return add_columns(cols, input_shape, weight.shape[2:], stride, padding, dilation)


def conv_weight_backward(grad, input, stride, padding, dilation, groups, kernel_size):
    """d conv / d weight: grad times the input's im2col columns, per group, summed over
    the batch."""
    cols = conv_columns(input, kernel_size, stride, padding, dilation, groups, grad.shape[2:])
    out = np.matmul(conv_grad_groups(grad, groups), cols.transpose(0, 1, 3, 2)).sum(axis=0)
    return out.reshape(grad.shape[1], input.shape[1] // groups, *kernel_size)


def scatter_planes(grad, indices, self_shape, plane_ndim):
    """Gradient of a gather within planes (max pooling, reflection/replication padding):
    the output element at ``[..., j]`` was read from flat position ``indices[..., j]`` of
    its plane (the last ``plane_ndim`` dims of ``self_shape``); its gradient goes back
    there, summed where positions repeat. ``indices`` broadcasts against ``grad``."""
    planes = math.prod(self_shape[:len(self_shape) - plane_ndim])
    plane = math.prod(self_shape[len(self_shape) - plane_ndim:])
    if grad.size == 0:
        return np.zeros(self_shape, dtype=grad.dtype)
    per_plane = grad.size // planes
    flat = np.broadcast_to(indices, grad.shape).reshape(planes, per_plane) + \
        (np.arange(planes) * plane)[:, None]
    total = np.bincount(flat.reshape(-1), weights=grad.reshape(-1), minlength=planes * plane)
    return total.astype(grad.dtype, copy=False).reshape(self_shape)


def unpad(grad, pad, self_shape):
    """d constant_pad_nd / d input: the gradient of the kept region (0 where cropped)."""
    out = np.zeros(self_shape, dtype=grad.dtype)
    out[pad_region(pad, self_shape, inner=True)] = grad[pad_region(pad, self_shape, inner=False)]
    return out


def channel_view(values, ndim):
    """Per-channel values (C,) shaped to broadcast against (N, C, ...) of ``ndim`` dims."""
    return values.reshape((1, -1) + (1,) * (ndim - 2))


def sum_but_channels(x):
    """Sum over every dimension but the channel dimension 1 (one value per channel)."""
    return sum_keepdim(x, (0,) + tuple(range(2, x.ndim))).reshape(-1)


def batch_norm_stats(input, mean, invstd, training, eps):
    """The mean and 1/std that normalised ``input``, shaped per channel. Here the values
    forward computed; on tensors (tensor_rules) recomputed from ``input`` in training,
    so that their dependence on the input is differentiated too."""
    return channel_view(mean, input.ndim), channel_view(invstd, input.ndim)


def batch_norm_input_backward(grad, input, weight, mean, invstd, training, eps):
    """d batch_norm / d input. With batch statistics (training) the mean and variance
    depend on the input too: dx = invstd * (g' - mean(g') - xhat * mean(g' * xhat)),
    with g' = grad * weight; with running statistics, dx = g' * invstd."""
    mean, invstd = batch_norm_stats(input, mean, invstd, training, eps)
    scale = invstd if weight is None else invstd * channel_view(weight, input.ndim)
    if not training:
        return grad * scale
    xhat = (input - mean) * invstd
    axes = (0,) + tuple(range(2, input.ndim))
    count = math.prod(input.shape) // input.shape[1]
    mean_grad = sum_keepdim(grad, axes) / count
    mean_grad_xhat = sum_keepdim(grad * xhat, axes) / count
    return (grad - mean_grad - xhat * mean_grad_xhat) * scale


def batch_norm_weight_backward(grad, input, mean, invstd, training, eps):
    """d batch_norm / d weight: the gradient times the normalised input, per channel."""
    mean, invstd = batch_norm_stats(input, mean, invstd, training, eps)
    return sum_but_channels(grad * ((input - mean) * invstd))


_HELPERS = {name: obj for name, obj in globals().items()
            if callable(obj) and not name.startswith("_")
            and name not in ("Rule", "node_class", "rule_text", "tensor_source")}
_HELPERS.update(np=np, FLOAT32=np.dtype(np.float32), EXACT_FLOAT32_MAX_SIZE=EXACT_FLOAT32_MAX_SIZE,
                INPLACE_MIN_SIZE=INPLACE_MIN_SIZE)

# Helpers whose text uses only primitives, operators and methods that numpy arrays and
# gradnb tensors share: for a differentiable backward they run as they are, with the
# tensor primitives in their namespace. The other helpers have tensor versions in
# gradnb.ops.tensor_rules, or only compute on non-tensor parameters (inverse_permutation).
TENSOR_GENERIC = ("var_backward", "std_backward", "norm_backward", "swap_last",
                  "reverse_cumsum", "sum_tiles", "loss_grad", "mse_grad", "bce_backward",
                  "bce_target_backward", "log_sigmoid", "bce_logits_backward",
                  "bce_logits_target_backward", "mm_mat2_backward", "prod_backward",
                  "prod_dim_backward",
                  # lessons-nn: image ops
                  "conv_grad_groups", "channel_view", "sum_but_channels",
                  "batch_norm_input_backward", "batch_norm_weight_backward")

# ---------------------------------------------------------------------------------------
# the table
# ---------------------------------------------------------------------------------------

R = Rule
_TABLE = [
    # arithmetic
    R("add", "AddBackward0", ("self", "other"), self="grad", other="grad"),
    R("add_alpha", "AddBackward0", ("self", "other"), ("alpha",),
      self="grad", other="grad * alpha"),
    R("sub", "SubBackward0", ("self", "other"), self="grad", other="-grad"),
    R("sub_alpha", "SubBackward0", ("self", "other"), ("alpha",),
      self="grad", other="-grad * alpha"),
    R("rsub", "RsubBackward1", ("self",), self="-grad"),
    R("mul", "MulBackward0", ("self", "other"), self="grad * other", other="grad * self"),
    R("div", "DivBackward0", ("self", "other"),
      self="grad / other", other="-grad * self / (other * other)"),
    R("reciprocal", "ReciprocalBackward0", self="-grad * result * result"),
    R("neg", "NegBackward0", self="-grad"),
    R("pow", "PowBackward0", ("self",), ("exponent",),
      self="grad * exponent * self ** (exponent - 1) if exponent != 0 else zeros_like(grad)"),
    R("pow_tensor", "PowBackward1", ("self", "exponent"),
      self="where(exponent == 0, 0, grad * exponent * self ** (exponent - 1))",
      exponent="where((self == 0) & (exponent >= 0), 0, grad * result * log(self))"),
    R("rpow", "PowBackward2", ("exponent",), ("self",),
      exponent="where((self == 0) & (exponent >= 0), 0, grad * result * log(self))"),
    # ties share the gradient; a NaN on either side passes it to both (PyTorch's masks)
    R("maximum", "MaximumBackward0", ("self", "other"),
      self="where(self == other, grad / 2, where(self < other, 0, grad))",
      other="where(self == other, grad / 2, where(self > other, 0, grad))"),
    R("minimum", "MinimumBackward0", ("self", "other"),
      self="where(self == other, grad / 2, where(self > other, 0, grad))",
      other="where(self == other, grad / 2, where(self < other, 0, grad))"),
    R("where", "WhereBackward0", ("self", "other"), ("condition",),
      self="where(condition, grad, 0)", other="where(condition, 0, grad)"),
    # x % y = x - floor(x / y) y and fmod(x, y) = x - trunc(x / y) y, piecewise linear;
    # floor_divide as numpy's (and PyTorch's) floor division computes it
    R("remainder", "RemainderBackward1", ("self", "other"),
      self="grad", other="-grad * floor_divide(self, other)"),
    R("remainder_scalar", "RemainderBackward0", self="grad"),
    R("fmod", "FmodBackward1", ("self", "other"),
      self="grad", other="-grad * trunc(self / other)"),
    R("fmod_scalar", "FmodBackward0", self="grad"),
    # rounding: steps, whose derivative is zero almost everywhere (frac = x - trunc(x))
    R("sign", "SignBackward0", self="zeros_like(grad)"),
    R("floor", "FloorBackward0", self="zeros_like(grad)"),
    R("ceil", "CeilBackward0", self="zeros_like(grad)"),
    R("round", "RoundBackward0", self="zeros_like(grad)"),
    R("round_decimals", "RoundBackward1", ("self",), ("decimals",), self="zeros_like(grad)"),
    R("trunc", "TruncBackward0", self="zeros_like(grad)"),
    R("frac", "FracBackward0", self="grad"),
    R("div_rounded", "DivBackward2", ("self", "other"), ("rounding_mode",),
      self="zeros_like(grad)", other="zeros_like(grad)"),
    # PyTorch has no formula for these: a NotImplemented node whose backward raises
    R("floor_divide", NOT_IMPLEMENTED, ("self", "other"), aten="floor_divide"),
    R("floor_divide_scalar", NOT_IMPLEMENTED, aten="floor_divide"),
    R("rfloor_divide", NOT_IMPLEMENTED, ("other",), aten="floor_divide"),
    R("rremainder", NOT_IMPLEMENTED, ("other",), aten="remainder"),
    # not differentiable: the result never requires grad (output_differentiability False)
    *[R(op, NOT_DIFFERENTIABLE, ("self", "other")) for op in (
        "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "bitwise_and",
        "bitwise_or", "bitwise_xor", "isclose")],
    *[R(op, NOT_DIFFERENTIABLE) for op in (
        "logical_not", "isnan", "isinf", "invert", "argmax", "argmin", "all", "any",
        "one_hot", "multinomial")],
    # elementwise functions
    R("exp", "ExpBackward0", self="grad * result"),
    R("log", "LogBackward0", self="grad / self"),
    R("sqrt", "SqrtBackward0", self="grad / (2 * result)"),
    R("sin", "SinBackward0", self="grad * cos(self)"),
    R("cos", "CosBackward0", self="-grad * sin(self)"),
    R("tanh", "TanhBackward0", self="grad * (1 - result * result)",
      float32={"self": "grad * one_minus_square_float32(result)"}),
    # PyTorch's order of operations: (grad * (1 - y)) * y
    R("sigmoid", "SigmoidBackward0", self="grad * (1 - result) * result"),
    R("relu", "ReluBackward0", self="where(result <= 0, 0, grad)"),     # NaN passes grad
    R("abs", "AbsBackward0", self="grad * sign(self)"),
    R("clamp_tensor", "ClampBackward0", ("self", "min", "max"),
      self="where(in_range(self, min, max), grad, 0)",
      min="where(self < min, grad, 0)", max="where(self > max, grad, 0)"),
    R("clamp", "ClampBackward1", ("self",), ("min", "max"),
      self="where(in_range(self, min, max), grad, 0)"),
    R("zero_", "ZeroBackward0", self="zeros_like(grad)"),
    R("fill_", "FillBackward2", self="zeros_like(grad)"),
    R("fill_tensor", "FillBackward3", ("self", "value"), self="zeros_like(grad)",
      value="grad.sum()"),
    R("uniform_", "UniformBackward0", self="zeros_like(grad)"),
    R("normal_", "NormalBackward0", self="zeros_like(grad)"),
    # random fills (issue 12): the new values do not depend on the old ones
    R("random_from_to", "RandomBackward0", self="zeros_like(grad)"),
    R("random_to", "RandomBackward1", self="zeros_like(grad)"),
    R("random_", "RandomBackward2", self="zeros_like(grad)"),
    R("bernoulli_tensor", "BernoulliBackward1", self="zeros_like(grad)"),
    R("bernoulli_", "BernoulliBackward2", self="zeros_like(grad)"),
    R("exponential_", "ExponentialBackward0", self="zeros_like(grad)"),
    # draws from tensor parameters (torch.normal, torch.bernoulli): PyTorch does not
    # differentiate through sampling, the parameters get zeros; bernoulli(x, p=float) has
    # no formula at all
    R("normal_tensor_float", "NormalBackward1", ("mean",), mean="zeros_like(grad)"),
    R("normal_float_tensor", "NormalBackward2", ("std",), std="zeros_like(grad)"),
    R("normal_tensor_tensor", "NormalBackward3", ("mean", "std"), mean="zeros_like(grad)",
      std="zeros_like(grad)"),
    R("bernoulli", "BernoulliBackward0", self="zeros_like(grad)"),
    R("bernoulli_p", NOT_IMPLEMENTED, aten="bernoulli"),
    R("copy_", "CopyBackwards", ("self", "src"), self="zeros_like(grad)", src="grad"),
    R("masked_fill_tensor", "MaskedFillBackward1", ("self", "value"), ("mask",),
      self="where(mask, 0, grad)", value="where(mask, grad, 0).sum()"),
    R("index_put_", "IndexPutBackward0", ("self", "values"), ("indices",),
      self="zero_index(grad, indices)", values="grad[indices]"),
    # values added into self at indices (repeats accumulate): the scatter that the
    # differentiable backward of indexing, select and slice records
    R("index_put_accumulate", "IndexPutImplBackward0", ("self", "values"), ("indices",),
      self="grad", values="grad[indices]"),
    R("masked_fill_", "MaskedFillBackward0", ("self",), ("mask",),
      self="where(mask, 0, grad)"),
    # an in-place op on a view: next_functions are the base's old history, then those
    # of the op's node ``fn`` after its first input (the view), as in PyTorch
    R("copy_slices", "CopySlices", None, ("positions", "fn"),
      all="copy_slices_backward(grad, positions, fn, result)"),
    R("as_strided", "AsStridedBackward0", ("self",), ("positions", "self_shape"),
      self="scatter_positions(grad, positions, self_shape)"),
    # reductions
    R("sum", "SumBackward0", ("self",), ("self_shape",), self="expand(grad, self_shape)"),
    R("sum_dim", "SumBackward1", ("self",), ("dim", "keepdim", "self_shape"),
      self="expand(restore_dims(grad, dim, keepdim), self_shape)"),
    R("mean", "MeanBackward0", ("self",), ("self_shape", "numel"),
      self="expand(grad / numel, self_shape)"),
    R("mean_dim", "MeanBackward1", ("self",), ("dim", "keepdim", "self_shape", "count"),
      self="expand(restore_dims(grad, dim, keepdim) / count, self_shape)"),
    R("max", "MaxBackward1", self="evenly_distribute(grad, self, result)"),
    R("min", "MinBackward1", self="evenly_distribute(grad, self, result)"),
    R("max_dim", "MaxBackward0", ("self",), ("dim", "keepdim", "indices", "self_shape"),
      self="value_selecting_backward(grad, dim, indices, self_shape, keepdim)"),
    R("min_dim", "MinBackward0", ("self",), ("dim", "keepdim", "indices", "self_shape"),
      self="value_selecting_backward(grad, dim, indices, self_shape, keepdim)"),
    R("amax", "AmaxBackward0", ("self",), ("dim", "keepdim"),
      self="scale_grad_by_count(restore_dims(grad, dim, keepdim), "
           "restore_dims(result, dim, keepdim) == self, dim)"),
    R("amin", "AminBackward0", ("self",), ("dim", "keepdim"),
      self="scale_grad_by_count(restore_dims(grad, dim, keepdim), "
           "restore_dims(result, dim, keepdim) == self, dim)"),
    R("prod", "ProdBackward0", self="prod_backward(grad, self)"),
    R("prod_dim", "ProdBackward1", ("self",), ("dim", "keepdim"),
      self="prod_dim_backward(grad, self, dim, keepdim)"),
    R("cumsum", "CumsumBackward0", ("self",), ("dim",), self="reverse_cumsum(grad, dim)"),
    R("var", "VarBackward0", ("self",), ("dim", "correction", "keepdim"),
      self="var_backward(grad, self, dim, correction, keepdim)"),
    R("std", "StdBackward0", ("self",), ("dim", "correction", "keepdim"),
      self="std_backward(result, grad, self, dim, correction, keepdim)"),
    R("norm", "LinalgVectorNormBackward0", ("self",), ("ord", "dim", "keepdim"),
      self="norm_backward(grad, self, ord, result, dim, keepdim)"),
    R("softmax", "SoftmaxBackward0", ("self",), ("dim",),
      self="result * (grad - sum_keepdim(grad * result, dim))"),
    R("log_softmax", "LogSoftmaxBackward0", ("self",), ("dim",),
      self="grad - exp(result) * sum_keepdim(grad, dim)"),
    # losses
    R("mse_loss", "MseLossBackward0", ("self", "target"), ("reduction",),
      self="mse_grad(grad, self, target, reduction)",
      target="-mse_grad(grad, self, target, reduction)"),
    R("nll_loss", "NllLossBackward0", ("self",),
      ("target", "weight", "reduction", "ignore_index", "total_weight"),
      self="nll_loss_backward(grad, self, target, weight, reduction, ignore_index, "
           "total_weight)"),
    R("nll_loss2d", "NllLoss2DBackward0", ("self",),
      ("target", "weight", "reduction", "ignore_index", "total_weight"),
      self="nll_loss_backward(grad, self, target, weight, reduction, ignore_index, "
           "total_weight)"),
    R("binary_cross_entropy", "BinaryCrossEntropyBackward0", ("self", "target"),
      ("weight", "reduction"),
      self="bce_backward(grad, self, target, weight, reduction)",
      target="bce_target_backward(grad, self, weight, reduction)"),
    R("binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0",
      ("self", "target"), ("weight", "pos_weight", "reduction"),
      self="bce_logits_backward(grad, self, target, weight, pos_weight, reduction)",
      target="bce_logits_target_backward(grad, self, weight, pos_weight, reduction)"),
    # tensor-by-number products inside composite losses (PyTorch's Scalar overloads)
    R("add_scalar", "AddBackward1", self="grad"),
    R("mul_scalar", "MulBackward1", ("self",), ("other",), self="grad * other"),
    R("div_scalar", "DivBackward1", ("self",), ("other",), self="grad / other"),
    # shape and copies
    R("view", "ViewBackward0", ("self",), ("self_shape",), self="grad.reshape(self_shape)"),
    R("reshape_alias", "ReshapeAliasBackward0", ("self",), ("self_shape",),
      self="grad.reshape(self_shape)"),
    R("unsafe_view", "UnsafeViewBackward0", ("self",), ("self_shape",),
      self="grad.reshape(self_shape)"),
    R("transpose", "TransposeBackward0", ("self",), ("dim0", "dim1"),
      self="grad.swapaxes(dim0, dim1)"),
    R("t", "TBackward0", self="t(grad)"),
    R("permute", "PermuteBackward0", ("self",), ("dims",),
      self="permute(grad, inverse_permutation(dims))"),
    R("unsqueeze", "UnsqueezeBackward0", ("self",), ("dim",), self="grad.squeeze(dim)"),
    R("squeeze", "SqueezeBackward0", ("self",), ("self_shape",),
      self="grad.reshape(self_shape)"),
    R("squeeze_dims", "SqueezeBackward2", ("self",), ("self_shape",),
      self="grad.reshape(self_shape)"),
    R("squeeze_dim", "SqueezeBackward1", ("self",), ("self_shape",),
      self="grad.reshape(self_shape)"),
    R("squeeze_matmul", "SqueezeBackward4", ("self",), ("self_shape",),
      self="grad.reshape(self_shape)"),
    R("expand", "ExpandBackward0", self="grad"),
    R("repeat", "RepeatBackward0", ("self",), ("repeats", "self_shape"),
      self="sum_tiles(grad, repeats, self_shape)"),
    R("flip", "FlipBackward0", ("self",), ("dims",), self="flip(grad, dims)"),
    R("clone", "CloneBackward0", self="grad"),
    R("alias", "AliasBackward0", self="grad"),
    R("to_copy", "ToCopyBackward0", self="grad"),
    R("select", "SelectBackward0", ("self",), ("dim", "index", "self_shape"),
      self="select_backward(grad, self_shape, dim, index)"),
    R("slice", "SliceBackward0", ("self",), ("dim", "start", "stop", "step", "self_shape"),
      self="slice_backward(grad, self_shape, dim, start, stop, step)"),
    R("index", "IndexBackward0", ("self",), ("key", "self_shape"),
      self="index_backward(grad, self_shape, key)"),
    R("cat", "CatBackward0", None, ("sizes", "dim"),
      all="cat_tensors_backward(grad, sizes, dim)"),
    R("stack", "StackBackward0", None, ("dim",), all="unstack(grad, dim)"),
    R("split_with_sizes", "SplitWithSizesBackward0", ("self",), ("dim",), multi_output=True,
      self="concat_grads(grad, dim)"),
    R("split", "SplitBackward0", ("self",), ("dim",), multi_output=True,
      self="concat_grads(grad, dim)"),
    R("unbind", "UnbindBackward0", ("self",), ("dim",), multi_output=True,
      self="stack_grads(grad, dim)"),
    # linear algebra
    R("mm", "MmBackward0", ("self", "mat2"), ("mat2_transposed",),
      self="grad @ mat2.T", mat2="mm_mat2_backward(grad, self, mat2_transposed)"),
    R("mv", "MvBackward0", ("self", "vec"), self="outer(grad, vec)", vec="self.T @ grad"),
    R("dot", "DotBackward0", ("self", "tensor"), self="grad * tensor", tensor="grad * self"),
    R("bmm", "BmmBackward0", ("self", "mat2"),
      self="grad @ swap_last(mat2)", mat2="swap_last(self) @ grad"),
    # bias + mat1 @ mat2 (nn.Linear); the engine sums the bias gradient over the rows
    R("addmm", "AddmmBackward0", ("self", "mat1", "mat2"), ("mat2_transposed",),
      self="grad", mat1="grad @ mat2.T",
      mat2="mm_mat2_backward(grad, mat1, mat2_transposed)"),
    # -- image ops (lessons-nn) ------------------------------------------------------------
    # conv2d; the input's formula needs the weight, the weight's the input (as PyTorch saves)
    R("convolution", "ConvolutionBackward0", ("input", "weight", "bias"),
      ("stride", "padding", "dilation", "groups", "input_shape", "kernel_size"),
      input="conv_input_backward(grad, weight, stride, padding, dilation, groups, input_shape)",
      weight="conv_weight_backward(grad, input, stride, padding, dilation, groups, kernel_size)",
      bias="grad.sum((0, 2, 3))"),
    R("max_pool2d", "MaxPool2DWithIndicesBackward0", ("self",), ("indices", "self_shape"),
      self="scatter_planes(grad, indices, self_shape, 2)"),
    R("constant_pad_nd", "ConstantPadNdBackward0", ("self",), ("pad", "self_shape"),
      self="unpad(grad, pad, self_shape)"),
    # F.pad's reflect/replicate modes: a gather of plane positions (1, 2 or 3 dims)
    *[R(f"{kind.lower()}_pad{n}d", f"{kind}Pad{n}DBackward0", ("self",),
        ("positions", "self_shape"), self=f"scatter_planes(grad, positions, self_shape, {n})")
      for kind in ("Reflection", "Replication") for n in (1, 2, 3)],
    # batch_norm with batch statistics (training) or running ones; mean/invstd per channel
    R("native_batch_norm", "NativeBatchNormBackward0", ("input", "weight", "bias"),
      ("training", "mean", "invstd", "eps"),
      input="batch_norm_input_backward(grad, input, weight, mean, invstd, training, eps)",
      weight="batch_norm_weight_backward(grad, input, mean, invstd, training, eps)",
      bias="sum_but_channels(grad)"),
]

# ---------------------------------------------------------------------------------------
# lessons-api block: trigonometric and hyperbolic functions, in-place view ops
# ---------------------------------------------------------------------------------------

def rsqrt(x):
    """1 / sqrt(x), in the dtype of ``x`` (PyTorch's rsqrt in the formulas below)."""
    return 1 / np.sqrt(x)


def atan2_denominator(self, other):
    """``self² + other²``, the denominator of both partial derivatives of atan2."""
    return self * self + other * other


def std_mean_backward(grad, self, dim, correction, keepdim, std):
    """Gradients of (std, mean) summed: std's as std_backward, mean's spread evenly."""
    g_std, g_mean = grad
    n = math.prod(self.shape if dim is None else (self.shape[d] for d in dim))
    if dim is not None:
        g_mean = restore_dims(g_mean, dim, keepdim)
    return std_backward(std, g_std, self, dim, correction, keepdim) + g_mean / n


def det_backward(grad, self, result):
    """d det(A) / dA = det(A) A^-T (the adjugate, transposed). A singular matrix has
    det 0: PyTorch then sends 0, which the pseudo-inverse gives too."""
    scale = (grad * result)[..., None, None]
    try:
        inverse = np.linalg.inv(self)
    except np.linalg.LinAlgError:
        inverse = np.linalg.pinv(self)
    return scale * swap_last(inverse)


def svd_backward(grad, U, S, Vh):
    """Gradient of the reduced SVD A = U diag(S) Vh (real matrices), as PyTorch's
    svd_backward: with skew(X) = X - X^T and E_jk = S_k² - S_j² (1 on the diagonal),
    gA = U [(skew(U^T gU) S + S skew(V^T gV)) / E + diag(gS)] Vh, plus the parts of gU,
    gV outside the spans of U, V when A is not square."""
    gU, gS, gVh = grad
    k = S.shape[-1]
    # some=False: the extra columns of U (rows of Vh) do not shape A; leave them out
    U, gU, Vh, gVh = U[..., :k], gU[..., :k], Vh[..., :k, :], gVh[..., :k, :]
    gV = swap_last(gVh)
    V = swap_last(Vh)
    m, n = U.shape[-2], Vh.shape[-1]
    S2 = S * S
    eye = eye_like(S, k)
    E = S2[..., None, :] - S2[..., :, None] + eye      # the differences, 1 on the diagonal
    UtgU, VtgV = swap_last(U) @ gU, swap_last(V) @ gV
    inner = ((UtgU - swap_last(UtgU)) * S[..., None, :]
             + S[..., :, None] * (VtgV - swap_last(VtgV))) / E
    inner = inner * (1 - eye) + gS[..., :, None] * eye   # gS on the diagonal
    gA = U @ inner
    if m > k:
        gUSinv = gU / S[..., None, :]
        gA = gA + (gUSinv - U @ (swap_last(U) @ gUSinv))
    gA = gA @ Vh
    if n > k:
        gVSinv = gV / S[..., None, :]
        gA = gA + U @ swap_last(gVSinv - V @ (swap_last(V) @ gVSinv))
    return gA


def eye_like(x, k):
    """The k x k identity in the dtype of ``x`` (a primitive: a constant tensor on tensors)."""
    return np.eye(k, dtype=x.dtype)


def not_implemented(what):
    """PyTorch's error for a derivative its table declares but does not implement."""
    raise NotImplementedError(f"the derivative for '{what}' is not implemented.")


def cross(a, b, dim):
    """a x b along ``dim`` of their broadcast shape (the engine sums the gradient of a
    broadcast input back to its shape)."""
    shape = np.broadcast_shapes(a.shape, b.shape)
    return np.cross(np.broadcast_to(a, shape), np.broadcast_to(b, shape), axis=dim)


_HELPERS.update(rsqrt=rsqrt, atan2_denominator=atan2_denominator, tan=np.tan,
                sinh=np.sinh, cosh=np.cosh, std_mean_backward=std_mean_backward,
                det_backward=det_backward, svd_backward=svd_backward, cross=cross,
                not_implemented=not_implemented, eye_like=eye_like)
TENSOR_GENERIC += ("atan2_denominator", "std_mean_backward", "svd_backward", "not_implemented")

# parameters that are outputs of the op itself (param name -> output number): on tensors
# (create_graph) they carry the node as history, so second derivatives see that they
# depend on the input
OUTPUT_PARAMS = {"std_mean": {"std": 0}, "svd": {"U": 0, "S": 1, "Vh": 2}}

_LESSON_TABLE = [
    # d tan = 1 + tan²; d asin = 1/sqrt(1 - x²); d acos = -1/sqrt(1 - x²); d atan = 1/(1 + x²)
    R("tan", "TanBackward0", self="grad * (1 + result * result)"),
    R("asin", "AsinBackward0", self="grad * rsqrt(1 - self * self)"),
    R("acos", "AcosBackward0", self="-grad * rsqrt(1 - self * self)"),
    R("atan", "AtanBackward0", self="grad / (self * self + 1)"),
    R("sinh", "SinhBackward0", self="grad * cosh(self)"),
    R("cosh", "CoshBackward0", self="grad * sinh(self)"),
    # d asinh = 1/sqrt(x² + 1); d acosh = 1/sqrt(x² - 1); d atanh = 1/(1 - x²)
    R("asinh", "AsinhBackward0", self="grad * rsqrt(self * self + 1)"),
    R("acosh", "AcoshBackward0", self="grad * rsqrt(self * self - 1)"),
    R("atanh", "AtanhBackward0", self="grad / (1 - self * self)"),
    # PyTorch's in-place inverse hyperbolic functions have nodes of their own
    # (derivatives.yaml marks them not_implemented: backward through them raises)
    R("asinh_", "AsinhBackward1", self="not_implemented('inplace version of asinh')"),
    R("acosh_", "AcoshBackward1", self="not_implemented('inplace version of acosh')"),
    R("atanh_", "AtanhBackward1", self="not_implemented('inplace version of atanh')"),
    # atan2(y, x): d/dy = x / (x² + y²), d/dx = -y / (x² + y²)
    R("atan2", "Atan2Backward0", ("self", "other"),
      self="grad * other / atan2_denominator(self, other)",
      other="-grad * self / atan2_denominator(self, other)"),
    # in-place view ops (x.unsqueeze_(0) ...): PyTorch's in-place overloads of the nodes
    R("unsqueeze_", "UnsqueezeBackward1", ("self",), ("dim",), self="grad.squeeze(dim)"),
    R("squeeze_", "SqueezeBackward3", ("self",), ("self_shape",),
      self="grad.reshape(self_shape)"),
    R("squeeze_dim_", "SqueezeBackward4", ("self",), ("self_shape",),
      self="grad.reshape(self_shape)"),
    R("squeeze_dims_", "SqueezeBackward5", ("self",), ("self_shape",),
      self="grad.reshape(self_shape)"),
    R("t_", "TBackward1", self="grad.T"),
    R("transpose_", "TransposeBackward1", ("self",), ("dim0", "dim1"),
      self="grad.swapaxes(dim0, dim1)"),
    # statistics and linear algebra the lessons print
    R("std_mean", "StdMeanBackward0", ("self",), ("dim", "correction", "keepdim", "std"),
      multi_output=True, self="std_mean_backward(grad, self, dim, correction, keepdim, std)"),
    # a x b: d/da = b x g, d/db = g x a
    R("cross", "LinalgCrossBackward0", ("self", "other"), ("dim",),
      self="cross(other, grad, dim)", other="cross(grad, self, dim)"),
    R("det", "LinalgDetBackward0", self="det_backward(grad, self, result)"),
    # outputs U, S, Vh (V = Vh.mT is a TransposeBackward0 view), saved as parameters
    R("svd", "LinalgSvdBackward0", ("self",), ("U", "S", "Vh"), multi_output=True,
      self="svd_backward(grad, U, S, Vh)"),
    # unique is recorded, but PyTorch implements no derivative for it
    R("unique", "Unique2Backward0", self="not_implemented('_unique2')"),
    R("unique_dim", "UniqueDimBackward0", self="not_implemented('unique_dim')"),
]
_TABLE += _LESSON_TABLE

RULES = {rule.op: rule for rule in _TABLE}
del R
