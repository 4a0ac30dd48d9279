"""Testing helpers: ``gradcheck`` (finite differences against the backward rules) and
comparisons of tensors against PyTorch or numpy.

* :func:`gradcheck` is ``torch.autograd.gradcheck``'s slow mode: central finite
  differences of every output element with respect to every input element, compared
  with the vector-Jacobian products gradnb's backward computes. Failures raise
  :class:`GradcheckError` (a ``RuntimeError``) with PyTorch's wording.
* :func:`gradgradcheck` is ``torch.autograd.gradgradcheck``: the same check applied to
  the first gradient (computed with ``create_graph=True`` for a random ``grad_output``),
  so it tests the differentiable backward, i.e. second derivatives.
* :func:`assert_close` is ``torch.testing.assert_close`` for gradnb tensors.
* :func:`tensor_summary` turns a gradnb *or* PyTorch tensor into plain, JSON-ready data
  (values, dtype, shape, autograd attributes, graph node names), and
  :func:`assert_matches` compares a gradnb tensor with a PyTorch tensor, a numpy array
  or such a summary. The differential tests and their recorded goldens use these two.
"""

import itertools
import math
import warnings

import numpy as np

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck", "assert_close", "tensor_summary",
           "assert_matches", "default_tolerance", "matching_tolerance"]


class GradcheckError(RuntimeError):
    """Error raised by :func:`gradcheck`."""


# ---------------------------------------------------------------------------------------
# gradcheck
# ---------------------------------------------------------------------------------------

def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """Check the analytical gradients of ``func`` against finite differences.

    Parameters
    ----------
    func : callable
        Takes the tensors of ``inputs`` (positionally) and returns a tensor or a tuple
        of tensors.
    inputs : Tensor or tuple
        Arguments of ``func``; the float64 tensors with ``requires_grad=True`` are
        the ones differentiated.
    eps : float
        Perturbation of the central differences.
    atol, rtol : float
        Tolerances of the comparison, as in ``numpy.allclose``.
    raise_exception : bool
        Raise :class:`GradcheckError` on failure (else return False).
    nondet_tol : float
        Allowed difference between two backward passes with the same input.
    check_grad_dtypes : bool
        Also require each gradient to have its input's dtype.

    The other keyword arguments are accepted for compatibility with PyTorch; the
    checks they enable (forward mode, batched gradients) do not exist in gradnb and
    asking for them raises NotImplementedError. ``check_undefined_grad`` is accepted
    and ignored: gradnb's engine always materialises zero gradients.

    Returns
    -------
    bool
        True when every Jacobian matches.
    """
    if check_forward_ad or check_batched_grad or check_batched_forward_grad:
        raise NotImplementedError("gradnb.gradcheck: forward-mode and batched checks are not "
                                  "supported (gradnb has backward mode only)")
    if not check_backward_ad:
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad "
                             "to be True")
    try:
        return _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_grad_dtypes)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_grad_dtypes):
    inputs = _as_tuple(inputs)
    diff_inputs = _check_inputs(inputs)
    func_out = _as_tuple(func(*inputs))
    outputs = [o for o in func_out if o.requires_grad]
    numerical = _numerical_jacobians(func, inputs, func_out, eps)
    if not outputs:
        if any(np.any(j._data != 0) for per_input in numerical for j in per_input):
            raise GradcheckError("Numerical gradient for function expected to be zero")
        return True
    diff_out_idx = [k for k, o in enumerate(_float_outputs(func_out)) if o.requires_grad]
    for i, out in enumerate(outputs):
        analytical = _analytical_jacobians(out, diff_inputs, nondet_tol, check_grad_dtypes)
        for j, (a, per_output) in enumerate(zip(analytical, numerical)):
            n = per_output[diff_out_idx[i]]
            if not np.allclose(a._data, n._data, rtol=rtol, atol=atol):
                raise GradcheckError(f"Jacobian mismatch for output {i:d} with respect to "
                                     f"input {j:d},\nnumerical:{n}\nanalytical:{a}\n")
    _check_backward_multiplies_grad_output(outputs, diff_inputs)
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False, seed=0):
    """Check second derivatives: :func:`gradcheck` of the map ``(inputs, v) -> v^T J``.

    Parameters
    ----------
    func, inputs, eps, atol, rtol, raise_exception, nondet_tol, check_grad_dtypes
        As for :func:`gradcheck`.
    grad_outputs : Tensor or tuple, optional
        The ``v`` of each differentiable output; random (uniform in [-1, 1), seeded by
        ``seed``, requiring grad) when not given, as PyTorch does.

    The other keyword arguments are accepted for compatibility with PyTorch.

    Returns
    -------
    bool
    """
    from .autograd import grad
    from .tensor import Tensor
    inputs = _as_tuple(inputs)
    _check_inputs(inputs)          # PyTorch's warning and errors about the inputs
    if grad_outputs is None:
        rng = np.random.default_rng(seed)
        outputs = [o for o in _float_outputs(_as_tuple(func(*inputs))) if o.requires_grad]
        grad_outputs = tuple(Tensor._wrap(rng.uniform(-1, 1, o.shape).astype(o._data.dtype),
                                          requires_grad=True) for o in outputs)
    grad_outputs = _as_tuple(grad_outputs)
    n_inputs = len(inputs)

    def first_gradient(*args):
        outputs = [o for o in _float_outputs(_as_tuple(func(*args[:n_inputs])))
                   if o.requires_grad]
        diff = [a for a in args[:n_inputs] if _is_tensor(a) and a.requires_grad]
        grads = grad(outputs, diff, args[n_inputs:], create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_gradient, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_grad_dtypes=check_grad_dtypes)


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _is_tensor(x):
    from .tensor import Tensor
    return isinstance(x, Tensor)


def _float_outputs(outputs):
    return [o for o in outputs if _is_tensor(o) and o.is_floating_point()]


def _check_inputs(inputs):
    """The inputs to differentiate, with PyTorch's warning and errors about them."""
    from . import float64
    diff = []
    for idx, inp in enumerate(inputs):
        if not (_is_tensor(inp) and inp.requires_grad):
            continue
        if inp.dtype is not float64:
            warnings.warn(f"Input #{idx} requires gradient and is not a double precision "
                          "floating point or complex. This check will likely fail if all the "
                          "inputs are not of double precision floating point or complex. ",
                          UserWarning, stacklevel=4)
        if not all(st > 0 or sz <= 1 for st, sz in zip(inp.stride(), inp.shape)):
            raise RuntimeError(
                f"The {idx}th input has a dimension with stride 0. gradcheck only supports "
                "inputs that are non-overlapping to be able to compute the numerical "
                "gradients correctly. You should call .contiguous on the input before "
                "passing it to gradcheck.")
        diff.append(inp)
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of them have requires_grad=True.")
    return diff


def _numerical_jacobians(func, inputs, func_out, eps):
    """``[per differentiable input][per float output]`` Jacobians of shape
    (input numel, output numel), by central differences on each input element."""
    from .tensor import Tensor
    outs = _float_outputs(func_out)
    result = []
    for inp in inputs:
        if not (_is_tensor(inp) and inp.requires_grad):
            continue
        data = inp._data     # perturbed in place, like PyTorch's ``input.data``
        jac = [np.zeros((data.size, o.numel()), dtype=o._data.dtype) for o in outs]
        for col, idx in enumerate(itertools.product(*map(range, data.shape))):
            orig = data[idx].copy()
            data[idx] = orig - eps
            before = _float_values(func(*inputs))
            data[idx] = orig + eps
            after = _float_values(func(*inputs))
            data[idx] = orig
            for k, (a, b) in enumerate(zip(before, after)):
                _check_same_shape(a, b, outs[k], eps)
                jac[k][col] = ((b - a) / (2 * eps)).reshape(-1)
        result.append([Tensor._wrap(j) for j in jac])
    return result


def _float_values(out):
    """Copies of the values of the float outputs (an output may alias an input)."""
    return [o._data.copy() for o in _float_outputs(_as_tuple(out))]


def _check_same_shape(a, b, reference, eps):
    if a.shape != reference._data.shape or b.shape != reference._data.shape:
        raise AssertionError(f"Expected `func` to return outputs with the same shape when "
                             f"inputs are perturbed by {eps}, but got: shapes {list(a.shape)} "
                             f"and {list(reference.shape)}.")


def _analytical_jacobians(output, diff_inputs, nondet_tol, check_grad_dtypes):
    """Jacobians (input numel, output numel) of ``output`` w.r.t. each input, one
    backward pass per output element; computed twice to catch nondeterminism."""
    first = _jacobian_by_rows(output, diff_inputs, check_grad_dtypes)
    second = _jacobian_by_rows(output, diff_inputs, check_grad_dtypes)
    for a, b in zip(first, second):
        if np.any(np.abs(a._data - b._data) > nondet_tol):
            raise GradcheckError(
                "Backward is not reentrant, i.e., running backward with same input and "
                "grad_output multiple times gives different values, although analytical "
                f"gradient matches numerical gradient.The tolerance for nondeterminism was "
                f"{nondet_tol}.")
    return first


def _jacobian_by_rows(output, diff_inputs, check_grad_dtypes):
    from .autograd import grad
    from .tensor import Tensor
    n_out = output.numel()
    jac = [np.zeros((inp.numel(), n_out), dtype=inp._data.dtype) for inp in diff_inputs]
    seed = np.zeros(output._data.shape, dtype=output._data.dtype)
    flat = seed.reshape(-1)
    for row in range(n_out):
        flat[:] = 0
        flat[row] = 1
        grads = grad(output, diff_inputs, Tensor._wrap(seed.copy()), retain_graph=True,
                     allow_unused=True)
        for k, (g, inp) in enumerate(zip(grads, diff_inputs)):
            if g is None:
                continue
            if g.shape != inp.shape:
                raise GradcheckError("Analytical gradient has incorrect size")
            if check_grad_dtypes and g.dtype is not inp.dtype:
                raise GradcheckError("Gradient has dtype mismatch")
            jac[k][:, row] = g._data.reshape(-1)
    return [Tensor._wrap(j) for j in jac]


def _check_backward_multiplies_grad_output(outputs, diff_inputs):
    """A zero ``grad_output`` must give zero gradients of the inputs' type and size."""
    from .autograd import grad
    from .tensor import Tensor
    zeros = [Tensor._wrap(np.zeros_like(o._data)) for o in outputs]
    grads = grad(outputs, diff_inputs, zeros, allow_unused=True)
    for g, inp in zip(grads, diff_inputs):
        if g is None:
            continue
        if np.any(g._data != 0):
            raise GradcheckError("backward not multiplied by grad_output")
        if g.dtype is not inp.dtype:
            raise GradcheckError("grad is incorrect type")
        if g.shape != inp.shape:
            raise GradcheckError("grad is incorrect size")


# ---------------------------------------------------------------------------------------
# comparing values
# ---------------------------------------------------------------------------------------

# torch.testing.assert_close's default (rtol, atol) per dtype
_TOLERANCES = {"float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5),
               "float64": (1e-7, 1e-7)}


def default_tolerance(dtype_name):
    """``(rtol, atol)`` that ``torch.testing.assert_close`` uses for a dtype name such as
    ``"float32"`` (0, 0 for integers and bools)."""
    return _TOLERANCES.get(dtype_name.replace("torch.", ""), (0.0, 0.0))


def assert_close(actual, expected, *, rtol=None, atol=None, equal_nan=False,
                 check_dtype=True, msg=None):
    """Raise AssertionError unless ``actual`` and ``expected`` are close.

    Like ``torch.testing.assert_close``: tensors (or numbers, numpy arrays, nested
    sequences of them) must have the same shape and, with ``check_dtype``, the same
    dtype; values must satisfy ``|a - e| <= atol + rtol * |e|``, with tolerances
    defaulting to the dtype's (float32: 1.3e-6, 1e-5).
    """
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        if len(actual) != len(expected):
            raise AssertionError(msg or f"The length of the sequences mismatch: "
                                        f"{len(actual)} != {len(expected)}")
        for a, e in zip(actual, expected):
            assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan,
                         check_dtype=check_dtype, msg=msg)
        return
    a, e = _as_array(actual), _as_array(expected)
    if a.shape != e.shape:
        raise AssertionError(msg or f"The values for attribute 'shape' do not match: "
                                    f"{_size(a.shape)} != {_size(e.shape)}.")
    if check_dtype and a.dtype != e.dtype:
        raise AssertionError(msg or f"The values for attribute 'dtype' do not match: "
                                    f"torch.{_dtype_name(a.dtype)} != "
                                    f"torch.{_dtype_name(e.dtype)}.")
    problem = _closeness_problem(a, e, rtol, atol, equal_nan)
    if problem:
        raise AssertionError(msg or problem)


def _as_array(x):
    if _is_tensor(x):
        return x._data
    if hasattr(x, "detach") and hasattr(x, "numpy"):   # a PyTorch tensor
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _size(shape):
    return f"torch.Size([{', '.join(map(str, shape))}])"


def _dtype_name(np_dtype):
    return "bool" if np_dtype == np.bool_ else np.dtype(np_dtype).name


def _closeness_problem(a, e, rtol, atol, equal_nan):
    """None if close, else PyTorch's multi-line description of the mismatch."""
    if rtol is None or atol is None:
        rtol, atol = default_tolerance(_dtype_name(np.promote_types(a.dtype, e.dtype)))
    diff, rel = _differences(a, e)
    with np.errstate(all="ignore"):
        # equal values (infinities included) are close; so are NaNs with equal_nan
        bad = ~((a == e) | (np.isfinite(e) & (diff <= atol + rtol * np.abs(e)))
                | (equal_nan & np.isnan(a) & np.isnan(e)))
    if not bad.any():
        return None
    exact = rtol == 0 and atol == 0
    word = "equal" if exact else "close"
    if a.ndim == 0:
        # PyTorch describes 0-d mismatches with python numbers
        d = abs(a.item() - e.item())
        r = d / abs(e.item()) if e.item() else math.inf
        return (f"Scalars are not {word}!\n\nExpected {e.item()} but got {a.item()}.\n"
                + _difference_lines(np.asarray(d), np.asarray(r), (), (), atol, rtol, exact,
                                    "Absolute", "Relative"))
    i, j = _argmax(diff), _argmax(rel)
    return (f"Tensor-likes are not {word}!\n\nMismatched elements: {int(bad.sum())} / "
            f"{bad.size} ({100 * bad.sum() / bad.size:.1f}%)\n"
            + _difference_lines(diff, rel, i, j, atol, rtol, exact, "Greatest absolute",
                                "Greatest relative"))


def _differences(a, e):
    """|a - e| and |a - e| / |e|, computed as PyTorch does: in the compared float dtype,
    or for integers the absolute difference exactly and the relative one in float32."""
    common = np.promote_types(a.dtype, e.dtype)
    if common.kind == "b":
        common = np.dtype(np.int64)
    a, e = a.astype(common), e.astype(common)
    with np.errstate(all="ignore"):
        diff = np.abs(a - e)
        float_type = common if common.kind == "f" else np.float32
        rel = diff.astype(float_type) / np.abs(e).astype(float_type)
    return diff, rel


def _argmax(x):
    """Index of the largest value, NaN counting as largest (as torch.argmax)."""
    return tuple(int(k) for k in np.unravel_index(np.argmax(x), x.shape))


def _difference_lines(diff, rel, i, j, atol, rtol, exact, abs_label, rel_label):
    where_i = f" at index {i}" if i != () else ""
    where_j = f" at index {j}" if j != () else ""
    allowed_a = "" if exact else f" (up to {atol} allowed)"
    allowed_r = "" if exact else f" (up to {rtol} allowed)"
    return (f"{abs_label} difference: {diff[i].item()}{where_i}{allowed_a}\n"
            f"{rel_label} difference: {rel[j].item()}{where_j}{allowed_r}")


# ---------------------------------------------------------------------------------------
# gradnb vs PyTorch
# ---------------------------------------------------------------------------------------

def tensor_summary(t, graph_depth=2):
    """Plain data describing a gradnb or PyTorch tensor (JSON-ready).

    Keys: ``shape``, ``dtype`` (``"torch.float32"``), ``values`` (nested lists),
    ``requires_grad``, ``is_leaf``, ``grad_fn`` (class name or None) and
    ``next_functions`` (the names of the graph below ``grad_fn``, ``graph_depth``
    levels deep: a list of ``[name, output_nr, children]``).
    """
    node = t.grad_fn
    return {"shape": list(t.shape), "dtype": str(t.dtype),
            "values": t.detach().cpu().numpy().tolist(),
            "requires_grad": bool(t.requires_grad), "is_leaf": bool(t.is_leaf),
            "grad_fn": None if node is None else type(node).__name__,
            "next_functions": _graph_names(node, graph_depth)}


def _graph_names(node, depth):
    if node is None or depth == 0:
        return []
    return [[None if n is None else type(n).__name__, nr, _graph_names(n, depth - 1)]
            for n, nr in node.next_functions]


def assert_matches(actual, expected, *, rtol=None, atol=None, check_graph=True, what="tensor"):
    """Assert that ``actual`` (a gradnb tensor) matches ``expected``.

    Parameters
    ----------
    actual : gradnb.Tensor or dict
        A tensor, or its :func:`tensor_summary`.
    expected : PyTorch tensor, numpy array, or a :func:`tensor_summary` dict
        A numpy array only fixes values, shape and dtype; a tensor or summary also
        fixes ``requires_grad``, ``is_leaf``, ``grad_fn`` and the graph below it.
    rtol, atol : float, optional
        Defaults: :func:`default_tolerance` of the expected dtype, loosened for
        float32 because numpy and PyTorch round transcendental functions differently.
    check_graph : bool
        Compare ``grad_fn`` names and ``next_functions`` structure.
    what : str
        Names the compared tensor in failure messages.
    """
    mine = actual if isinstance(actual, dict) else tensor_summary(actual)
    theirs = _summary_of(expected)
    keys = ["shape", "dtype"]
    if check_graph:
        keys += [k for k in ("requires_grad", "is_leaf", "grad_fn", "next_functions")
                 if k in theirs]
    for key in keys:
        if mine[key] != theirs[key]:
            raise AssertionError(f"{what}: {key} differs: gradnb {mine[key]!r}, "
                                 f"torch {theirs[key]!r}")
    if rtol is None or atol is None:
        rtol, atol = matching_tolerance(theirs["dtype"])
    problem = _closeness_problem(_summary_values(mine), _summary_values(theirs), rtol, atol,
                                 equal_nan=True)
    if problem:
        raise AssertionError(f"{what}: values differ: {problem}")


def _summary_of(expected):
    if isinstance(expected, dict):
        return expected
    if isinstance(expected, np.ndarray):
        return {"shape": list(expected.shape), "values": expected.tolist(),
                "dtype": f"torch.{_dtype_name(expected.dtype)}"}
    return tensor_summary(expected)


def matching_tolerance(dtype_name):
    """``(rtol, atol)`` with which :func:`assert_matches` compares values of a dtype name
    (``"torch.float32"``) with PyTorch's, or one machine's with another's."""
    rtol, atol = default_tolerance(dtype_name)
    # float32 ops chained in a snippet may differ from PyTorch's in the last bits
    return (max(rtol, 1e-5), max(atol, 1e-6)) if dtype_name.endswith("float32") \
        else (rtol, atol)


def _summary_values(summary):
    """The summary's values as an array of its dtype (float16 kept as float32)."""
    name = summary["dtype"].replace("torch.", "")
    np_dtype = {"bool": np.bool_, "float16": np.float32}.get(name, name)
    return np.asarray(summary["values"], dtype=np_dtype).reshape(summary["shape"])
