"""``torch.autograd.functional``: Jacobians, Hessians and their products with vectors,
built on :func:`gradnb.autograd.grad` (with ``create_graph=True`` for the second-order
ones). Argument forms, result structures and error messages are PyTorch 2.13's:

* ``inputs`` is a Tensor or a tuple of Tensors (a list is an error); results follow
  that structure (and the structure of ``func``'s outputs);
* ``v`` may be None only where the vector is a single one-element tensor;
* ``strict=True`` turns "independent of the input" (zeros) into errors;
* ``create_graph=True`` keeps the results differentiable.

Forward-mode products (``jvp``, ``hvp``) use the double-backward trick, as PyTorch
does: ``v^T J`` is linear in ``v``, so its gradient with respect to a dummy ``v`` is ``J u``.
``vectorize=True`` (and the forward-mode strategy, which PyTorch only has vectorized)
give the same results by the plain loop over output elements.
"""

from .. import tensor as _tensor_module  # partially initialised here; read at call time
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]

_STRATEGIES = ("forward-mode", "reverse-mode")
_STRATEGY_MESSAGE = ('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If '
                     'your function has more outputs than inputs, "forward-mode" tends to be '
                     'more performant. Otherwise, prefer to use "reverse-mode".')
_OUTPUTS = "outputs of the user-provided function"


def _grad(*args, **kwargs):
    from . import grad
    return grad(*args, **kwargs)


def _zeros_like(t, requires_grad=False):
    from .._creation import zeros_like
    return zeros_like(t, requires_grad=requires_grad)


# ---------------------------------------------------------------------------------------
# argument handling
# ---------------------------------------------------------------------------------------

def _as_tuple(value, arg_name, fn_name):
    """``(was_tuple, tuple of tensors)``, or PyTorch's TypeError."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, _tensor_module.Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                            f"tuple of Tensors but {where} has type {type(item)}.")
    return is_tuple, items


def _unpack(result, was_tuple):
    """Undo the tuple wrapping: ``was_tuple`` is a bool, or ``(outer, inner)``."""
    if isinstance(was_tuple, tuple):
        if not was_tuple[1]:
            result = tuple(r[0] for r in result)
        if not was_tuple[0]:
            result = result[0]
        return result
    return result if was_tuple else result[0]


def _prepare(tensors, create_graph, need_graph):
    """Inputs the function runs on: fresh leaves, or (create_graph) views that keep the
    caller's graph so the result can be differentiated with respect to it."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad
                 else t.detach().requires_grad_(need_graph) for t in tensors)


def _finish(tensors, create_graph):
    """Results leave the graph unless ``create_graph`` (nested tuples too)."""
    if isinstance(tensors[0], _tensor_module.Tensor):
        return tensors if create_graph else tuple(t.detach() for t in tensors)
    return tuple(_finish(t, create_graph) for t in tensors)


def _check_v(v, other, other_is_tuple):
    if len(v) != len(other):
        if other_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but "
                               f"got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.size() != b.size():
            entry = f"Entry {i} in " if other_is_tuple else ""
            raise RuntimeError(f"{entry}v has invalid size: should be {b.size()} but got "
                               f"{a.size()}.")


def _vector(v, against, against_is_tuple, create_graph, fn_name, none_message):
    """``v`` as a tuple checked against ``against`` (None only for one 1-element tensor)."""
    if v is None:
        if len(against) != 1 or against[0].nelement() != 1:
            raise RuntimeError(none_message)
        return None
    _, v = _as_tuple(v, "v", fn_name)
    v = _prepare(v, create_graph, need_graph=False)
    _check_v(v, against, against_is_tuple)
    return v


_V_NONE_OUTPUT = ("The vector v can only be None if the user-provided function returns a "
                  "single Tensor with a single element.")
_V_NONE_INPUT = ("The vector v can only be None if the input to the user-provided function "
                 "is a single Tensor with a single element.")


def _require_grad(tensors, kind, strict):
    """In strict mode, each of ``tensors`` must exist and depend on the inputs."""
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(f"The output of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode.")
        if t.requires_grad:
            continue
        if kind == "hessian":
            raise RuntimeError(
                f"The hessian of the user-provided function with respect to input {i} is "
                "independent of the input. This is not allowed in strict mode. You should "
                "ensure that your function is thrice differentiable and that the hessian "
                "depends on the inputs.")
        if kind == "jacobian":
            raise RuntimeError(
                f"While computing the hessian, found that the jacobian of the user-provided "
                f"function with respect to input {i} is independent of the input. This is not "
                "allowed in strict mode. You should ensure that your function is twice "
                "differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).")
        if kind == "grad_inputs":
            raise RuntimeError(f"The gradient with respect to input {i} is independent of the "
                               "inputs of the user-provided function. This is not allowed in "
                               "strict mode.")
        raise RuntimeError(f"Output {i} of the user-provided function does not require "
                           "gradients. The outputs must be computed in a differentiable manner "
                           "from the input when running in strict mode.")


def _grads(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """autograd.grad of the outputs that require grad (None for every input if none)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return _grad(tuple(o for o, _ in pairs), inputs, tuple(g for _, g in pairs),
                 retain_graph=retain_graph, create_graph=create_graph, allow_unused=True)


_ZERO_MESSAGES = {
    "back": "The output of the user-provided function is independent of input {i}. This is "
            "not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
                   "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry "
                         "{i} in the grad_jacobian. This is not allowed in strict mode as it "
                         "prevents from using the double backward trick to replace forward "
                         "mode AD.",
}


def _zeros_for_none(grads, refs, strict, create_graph, stage):
    """Missing gradients become zeros (errors in strict mode)."""
    out = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_ZERO_MESSAGES[stage].format(i=i))
            g = _zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode when "
                               "create_graph=True.")
        out.append(g)
    return tuple(out)


def _call(func, inputs, fn_name, strict):
    """Run ``func``; ``(was_tuple, outputs)`` with PyTorch's checks of what it returned."""
    was_tuple, outputs = _as_tuple(func(*inputs), _OUTPUTS, fn_name)
    _require_grad(outputs, "outputs", strict)
    return was_tuple, outputs


def _single_scalar(was_tuple, outputs, fn_name):
    if was_tuple or not isinstance(outputs[0], _tensor_module.Tensor):
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should "
                           "contain a single element")


# ---------------------------------------------------------------------------------------
# the API
# ---------------------------------------------------------------------------------------

def _product(outputs, outputs_tuple, of, inputs, inputs_tuple, v, create_graph, strict,
             stage):
    """``(func(inputs), v^T d(of)/d(inputs))`` shaped as the caller's arguments were:
    the common end of :func:`vjp` (``of`` = the outputs) and :func:`vhp` (``of`` = the
    first gradient); ``stage`` names the pass in strict-mode errors."""
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _grads(of, inputs, v, create_graph=create_graph)
        result = _zeros_for_none(grads, inputs, strict, create_graph, stage)
    return (_unpack(_finish(outputs, create_graph), outputs_tuple),
            _unpack(_finish(result, create_graph), inputs_tuple))


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``: the vector-Jacobian product at ``inputs``.

    Parameters
    ----------
    func : callable
        Takes tensors, returns a Tensor or a tuple of Tensors.
    inputs : Tensor or tuple of Tensor
    v : Tensor or tuple of Tensor, optional
        Shaped like the outputs; may be None for a single one-element output.
    create_graph : bool
        Keep the results differentiable.
    strict : bool
        Raise instead of returning zeros for what does not depend on the inputs.
    """
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs_tuple, outputs = _call(func, inputs, "vjp", strict)
        v = _vector(v, outputs, outputs_tuple, create_graph, "vjp", _V_NONE_OUTPUT)
    return _product(outputs, outputs_tuple, outputs, inputs, inputs_tuple, v, create_graph,
                    strict, "back")


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)``: the Jacobian-vector product, by the double-backward trick.

    ``v`` is shaped like ``inputs`` (None for a single one-element input).
    """
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        v = _vector(v, inputs, inputs_tuple, create_graph, "jvp", _V_NONE_INPUT)
        outputs_tuple, outputs = _call(func, inputs, "jvp", strict)
        # u -> J^T u is linear; its gradient with respect to u, applied to v, is J v
        dummies = tuple(_zeros_like(o, requires_grad=True) for o in outputs)
        grad_inputs = _grads(outputs, inputs, dummies, create_graph=True)
        _require_grad(grad_inputs, "grad_inputs", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _grads(grad_inputs, dummies, v, create_graph=create_graph)
        result = _zeros_for_none(grads, outputs, strict, create_graph, "back_trick")
    return (_unpack(_finish(outputs, create_graph), outputs_tuple),
            _unpack(_finish(result, create_graph), outputs_tuple))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: for each output and input a tensor of shape
    ``output.shape + input.shape`` (tuples of tuples when both are tuples).

    ``vectorize`` and ``strategy="forward-mode"`` are accepted; gradnb computes the same
    values row by row with reverse mode.
    """
    if strategy not in _STRATEGIES:
        raise AssertionError(_STRATEGY_MESSAGE)
    if strategy == "forward-mode":
        _check_forward_mode(create_graph, strict, vectorize)
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs_tuple, outputs = _call(func, inputs, "jacobian", strict)
        if vectorize and strict:
            raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and "
                               "`vectorized=True` are not supported together. Please either "
                               "set `strict=False` or `vectorize=False`.")
        rows = tuple(_jacobian_of(i, out, inputs, create_graph, strict)
                     for i, out in enumerate(outputs))
        return _unpack(_finish(rows, create_graph), (outputs_tuple, inputs_tuple))


def _check_forward_mode(create_graph, strict, vectorize):
    if create_graph:
        raise NotImplementedError(
            'torch.autograd.functional.jacobian: `create_graph=True` and `strategy="forward-'
            'mode"` are not supported together (yet). Please either set `create_graph=False` '
            'or `strategy="reverse-mode"`.')
    if strict:
        raise RuntimeError(
            'torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` '
            'are not supported together (yet). Please either set `strict=False` or '
            '`strategy="reverse-mode"`.')
    if not vectorize:
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse "
                                  "Hessian isonly implemented for `vectorize=True`.")


def _jacobian_of(i, out, inputs, create_graph, strict):
    """Output ``i``'s Jacobian with respect to each input: one backward per element."""
    from ..ops.shape import stack
    rows = tuple([] for _ in inputs)
    flat = out.reshape(-1)
    for k in range(out.nelement()):
        grads = _grads((flat[k],), inputs, retain_graph=True, create_graph=create_graph)
        for j, (g, inp) in enumerate(zip(grads, inputs)):
            if g is None:
                if strict:
                    raise RuntimeError(f"Output {i} of the user-provided function is "
                                       f"independent of input {j}. This is not allowed in "
                                       "strict mode.")
                g = _zeros_like(inp)
            elif strict and create_graph and not g.requires_grad:
                raise RuntimeError("The jacobian of the user-provided function is independent "
                                   f"of input {i}. This is not allowed in strict mode when "
                                   "create_graph=True.")
            rows[j].append(g)
    return tuple(_stacked(stack, row, out, inp) for row, inp in zip(rows, inputs))


def _stacked(stack, row, out, inp):
    shape = tuple(out.shape) + tuple(inp.shape)
    if not row:                   # an output without elements
        from .._creation import zeros
        return zeros(shape, dtype=inp.dtype)
    return stack(row, 0).view(shape)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a function returning one single-element tensor: shape
    ``input.shape + input.shape`` (a tuple of tuples for a tuple of inputs)."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in _STRATEGIES:
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def scalar_output(*args):
        out = func(*args)
        was_tuple, outs = _as_tuple(out, _OUTPUTS, "hessian")
        _require_grad(outs, "outputs", strict)
        _single_scalar(was_tuple, outs, "hessian")
        return out.squeeze()

    def gradient(*args):
        if outer_jacobian_strategy == "forward-mode":
            args = tuple(a.requires_grad_(True) for a in args)
        jac = jacobian(scalar_output, args, create_graph=True)
        _require_grad(jac, "jacobian", strict)
        return jac

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict,
                      vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _unpack(result, (inputs_tuple, inputs_tuple))


def _scalar_function_setup(func, inputs, v, create_graph, strict, fn_name):
    """Shared start of vhp/hvp: inputs, v, outputs (one scalar) and the gradient."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
    inputs = _prepare(inputs, create_graph, need_graph=True)
    v = _vector(v, inputs, inputs_tuple, create_graph, fn_name, _V_NONE_INPUT)
    outputs_tuple, outputs = _call(func, inputs, fn_name, strict)
    _single_scalar(outputs_tuple, outputs, fn_name)
    jac = _grads(outputs, inputs, create_graph=True)
    _require_grad(jac, "jacobian", strict)
    return inputs_tuple, inputs, v, outputs_tuple, outputs, jac


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T H)``: vector-Hessian product of a scalar function."""
    with enable_grad():
        inputs_tuple, inputs, v, outputs_tuple, outputs, jac = _scalar_function_setup(
            func, inputs, v, create_graph, strict, "vhp")
    return _product(outputs, outputs_tuple, jac, inputs, inputs_tuple, v, create_graph,
                    strict, "double_back")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)``: Hessian-vector product of a scalar function, by the
    double-backward trick."""
    with enable_grad():
        inputs_tuple, inputs, v, outputs_tuple, outputs, jac = _scalar_function_setup(
            func, inputs, v, create_graph, strict, "hvp")
        dummies = tuple(_zeros_like(x, requires_grad=True) for x in inputs)
        double_back = _grads(jac, inputs, dummies, create_graph=True)
        _require_grad(jac, "hessian", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _grads(double_back, dummies, v, create_graph=create_graph)
        result = _zeros_for_none(grads, inputs, strict, create_graph, "double_back_trick")
    return (_unpack(_finish(outputs, create_graph), outputs_tuple),
            _unpack(_finish(result, create_graph), inputs_tuple))
