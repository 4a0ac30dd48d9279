"""Custom autograd functions: ``torch.autograd.Function`` (``forward``/``backward``
static methods, or ``forward`` + ``setup_context``), the ``ctx`` methods
(:class:`FunctionCtx`), the graph node each one records (:class:`BackwardCFunction`)
and :func:`once_differentiable`.

As in PyTorch, ``ctx`` *is* the node: ``Cube.apply(x)`` creates an instance of the
generated class ``CubeBackward`` (printed ``<torch.autograd.function.CubeBackward object
at 0x...>``), passes it to ``forward`` as ``ctx``, and, when some input requires grad,
makes it the outputs' ``grad_fn``. A node has one output per value ``forward`` returned
(None flows back for the non-tensor ones) and one edge per tensor input.

Backward runs the user's ``backward`` on gradnb Tensors (:meth:`BackwardCFunction.run`),
under ``set_grad_enabled(create_graph)``; :meth:`BackwardCFunction._vjp` adapts it to the
engine, which moves numpy arrays (it returns read-only views: the engine may then not add
into an array the user's code still holds). An engine that builds a graph of the backward
pass (``create_graph=True``) calls ``node.run(grad_tensors, True)`` instead, with one
Tensor or None per output (the node has ``_multi = True`` and its ``_fill_missing``
leaves the Nones: ``run`` materializes zeros itself, after the pre-hooks saw the None),
and gets one Tensor or None per tensor input, recorded when the user's code is
differentiable. Gradients are checked as PyTorch checks them: count, None for non-tensor
inputs, Tensor type, a shape that sums down to the input's, cast to the input's dtype.

Saved tensors: inputs and other tensors are kept as they are; an output is kept as its
array and version counter and re-wrapped on access (holding the output tensor itself
would make a reference cycle through its ``grad_fn``). Unpacking checks the freed flag
(set by the engine after a backward without ``retain_graph``) and the version counters.

In-place forwards (``ctx.mark_dirty``): the modified input becomes the output and gets
this node as history; a modified view gets the history of any in-place op on a view
(``CopySlices`` on its base around this node, see :mod:`gradnb.ops.inplace`).
"""

import functools
import inspect
import textwrap
import warnings

import numpy as np

from .. import tensor as _tensor_module   # partially initialised here; read at call time
from .engine import broadcast_axes
from .grad_mode import MODE, no_grad, set_grad_enabled
from .node import BASE_SLOTS, FREED_MESSAGE, Node, modified_error, next_sequence_nr, \
    node_class
from .provenance import make_record

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "FunctionMeta",
           "once_differentiable", "InplaceFunction"]

# the module PyTorch's generated node classes print with
_TORCH_MODULE = "torch.autograd.function"
_NO_EDGE = (None, 0)
_HEAPTYPE = 1 << 9          # Py_TPFLAGS_HEAPTYPE: classes defined in python

_DIRTY_NOT_RETURNED = (
    "Some elements marked as dirty during the forward method were not returned as output. "
    "The inputs that are modified inplace must all be outputs of the Function.")
_DIRTY_LEAF = "a leaf Variable that requires grad has been used in an in-place operation."
_VIEW_INPLACE_ERROR = (
    "This view was created inside a custom Function (or because an input was returned "
    "as-is) and the autograd logic to handle view+inplace would override the custom backward "
    "associated with the custom Function, leading to incorrect gradients. This behavior is "
    "forbidden. You can fix this by cloning the output of the custom Function.")
_ACCESSED_ONCE = (
    "saved_tensors can only be accessed once when clear_saved_tensors_on_access=True is set "
    "on the autograd.Function. Either access saved_tensors only once, or set "
    "clear_saved_tensors_on_access=False.")
_ONCE_ERROR = ("trying to differentiate twice a function that was marked with "
               "@once_differentiable")


def _tensor_class():
    return _tensor_module.Tensor


def _type_name(value):
    """The type name PyTorch's C++ error messages print (CPython's ``tp_name``):
    ``float``, ``numpy.ndarray``, and a python class's bare name."""
    cls = type(value)
    if cls.__flags__ & _HEAPTYPE or cls.__module__ == "builtins":
        return cls.__name__
    return f"{cls.__module__}.{cls.__qualname__}"


# ---------------------------------------------------------------------------------------
# ctx
# ---------------------------------------------------------------------------------------

class FunctionCtx:
    """What ``forward``/``setup_context`` call on ``ctx`` to prepare ``backward``."""

    __slots__ = ()
    __module__ = _TORCH_MODULE     # printed as PyTorch's class

    def save_for_backward(self, *tensors):
        """Save tensors (or None) for ``backward``, read back as ``ctx.saved_tensors``."""
        self.to_save = tensors

    def save_for_forward(self, *tensors):
        """Save tensors for forward-mode AD (kept; gradnb has no forward-mode AD)."""
        self.saved_for_forward = tensors

    def mark_dirty(self, *args):
        """Declare input tensors that ``forward`` modified in place (and returns)."""
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args):
        """Declare outputs that get no gradient (their gradient in ``backward`` is zeros,
        or None without materialization)."""
        self.non_differentiable = args

    def set_materialize_grads(self, value):
        """Whether ``backward`` receives zeros (True, the default) or None for outputs
        no gradient reached."""
        self._materialize = bool(value)


# ---------------------------------------------------------------------------------------
# the node
# ---------------------------------------------------------------------------------------

class CustomRule:
    """What the graph views read of a custom Function's node, in place of a rule-table
    entry: its names, and the source of the user's ``backward`` as its rule text."""

    __slots__ = ("op", "grad_fn", "inputs", "params", "formulas", "saved_names", "users",
                 "saves", "node_class", "multi_output", "_forward_cls", "_lines")

    def __init__(self, forward_cls, node_cls):
        self.op, self.grad_fn = forward_cls.__name__, node_cls.__name__
        self.inputs, self.params, self.formulas = None, (), {}
        self.saved_names, self.users, self.saves = (), (), False
        self.node_class, self.multi_output = node_cls, True
        self._forward_cls, self._lines = forward_cls, None

    def source_lines(self):
        """The dedented source of ``backward`` (a one-line call where the source is not
        available, e.g. code typed at a plain interpreter prompt)."""
        if self._lines is None:
            fn = _user_backward(self._forward_cls)
            try:
                source = textwrap.dedent(inspect.getsource(fn))
                self._lines = source.rstrip("\n").split("\n")
            except (OSError, TypeError):
                self._lines = [f"grad_inputs = {self.op}.backward(ctx, *grad_outputs)"]
        return list(self._lines)

    def __repr__(self):
        return f"CustomRule({self.op!r} -> {self.grad_fn})"


class _Saved:
    """One value of ``ctx.save_for_backward``: a tensor kept as it is, or an output of
    the node kept as its array (``output_nr`` set)."""

    __slots__ = ("tensor", "data", "counter", "version", "output_nr", "requires_grad")

    def __init__(self, tensor, node):
        gfe = tensor._gfe
        self.counter, self.version = tensor._vc, tensor._vc[0]
        if gfe is not None and gfe[0] is node:
            self.tensor, self.data, self.output_nr = None, tensor._data, gfe[1]
        else:
            self.tensor, self.data, self.output_nr = tensor, None, None
        self.requires_grad = tensor._rg

    def unpack(self, node):
        if self.counter[0] != self.version:
            if self.tensor is None:
                raise modified_error(self.data, node, self.output_nr, self.counter[0],
                                     self.version)
            t = self.tensor
            raise modified_error(t._data, t._grad_fn, t._nr, self.counter[0], self.version)
        if self.tensor is not None:
            return self.tensor
        t = _tensor_class()._wrap(self.data)
        t._vc = self.counter
        if self.requires_grad:
            t._gfe, t._rg = (node, self.output_nr), True
        return t


class BackwardCFunction(Node, FunctionCtx):
    """The node (and ``ctx``) of one call of a custom Function; its class is generated
    per Function subclass (``CubeBackward`` for ``Cube``)."""

    __slots__ = BASE_SLOTS + (
        "needs_input_grad", "to_save", "dirty_tensors", "non_differentiable",
        "saved_for_forward", "_materialize", "_entries", "_freed", "_input_meta",
        "_output_meta", "__dict__")
    __module__ = _TORCH_MODULE
    _multi = True
    _forward_cls = None
    _view_inplace_error = _VIEW_INPLACE_ERROR   # read by ops.inplace.check_inplace

    def __repr__(self):
        return f"<{_TORCH_MODULE}.{type(self).__name__} object at {hex(id(self))}>"

    # The engine frees saved values by setting ``_saved`` to None after a backward
    # without retain_graph, and refuses a node whose ``_saved`` is None. PyTorch runs a
    # custom backward again and raises only when it unpacks ``ctx.saved_tensors``: so
    # ``_saved`` reads as a non-empty marker and setting it to None marks the node freed.
    @property
    def _saved(self):
        return (True,)

    @_saved.setter
    def _saved(self, value):
        if value is None:
            self._freed = True
            self._entries = ()

    @property
    def saved_tensors(self):
        """The tensors ``save_for_backward`` saved (checked: not freed by a backward
        without ``retain_graph``, not modified in place since)."""
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        entries = self._entries
        if entries is None:
            raise RuntimeError(_ACCESSED_ONCE)
        if self._forward_cls.clear_saved_tensors_on_access:
            self._entries = None
        return tuple(None if e is None else e.unpack(self) for e in entries)

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` after this node ran; may return new
        ``grad_inputs``."""
        return self._add_node_hook("post_hooks", fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` before this node runs; may return new ``grad_outputs``."""
        return self._add_node_hook("pre_hooks", fn)

    def _add_node_hook(self, kind, fn):
        from ..utils.hooks import RemovableHandle
        hooks = self._extra_dict().setdefault(kind, [])
        hooks.append(fn)
        return RemovableHandle(hooks, fn)

    def apply(self, *grads):
        """Call the user's ``backward`` on ``grads`` (as ``grad_fn.apply`` in PyTorch)."""
        if self._forward_cls.boxed_grads_call:
            grads = (list(grads),)
        return _user_backward(self._forward_cls)(self, *grads)

    # -- backward ---------------------------------------------------------------------
    def _fill_missing(self, grad):
        return grad       # materialized in run(), after the pre-hooks saw the None

    def _vjp(self, grad):
        """The engine's call: numpy arrays in (one per output, None where no gradient
        arrived), one array or None per tensor input out."""
        wrap = _tensor_class()._wrap
        grads = self.run(tuple(None if g is None else wrap(g) for g in grad), False)
        return tuple(None if g is None else _read_only(g._data) for g in grads)

    def _vjp_tensors(self, grad):
        """The engine's call under ``create_graph=True``: Tensors in, Tensors out, the
        user's ``backward`` recorded so its gradients have a graph of their own."""
        return self.run(tuple(grad), True)

    def run(self, grad_outputs, create_graph):
        """Run this node on Tensors: pre-hooks, the user's ``backward`` (under
        ``set_grad_enabled(create_graph)``, as PyTorch), its checks, post-hooks.

        Parameters
        ----------
        grad_outputs : tuple of Tensor or None
            One per output of ``forward``.
        create_graph : bool
            Record the backward computation (for higher-order gradients).

        Returns
        -------
        tuple of Tensor or None, one per tensor input (``next_functions`` order).
        """
        extra = self._extra
        for hook in (extra.get("pre_hooks", ()) if extra else ()):
            new = hook(grad_outputs)
            if new is not None:
                grad_outputs = tuple(new)
        given = grad_outputs
        if self._materialize:
            grad_outputs = tuple(_zeros(meta) if g is None and meta is not None else g
                                 for g, meta in zip(grad_outputs, self._output_meta))
        with set_grad_enabled(create_graph):
            if self._forward_cls.boxed_grads_call:
                result = _user_backward(self._forward_cls)(self, list(grad_outputs))
            else:
                result = _user_backward(self._forward_cls)(self, *grad_outputs)
            grads = self._check_gradients(result)
        for hook in (extra.get("post_hooks", ()) if extra else ()):
            new = hook(grads, given)
            if new is not None:
                grads = tuple(new)
        return grads

    def _check_gradients(self, result):
        """PyTorch's checks of what ``backward`` returned; the gradient per edge, summed
        to its input's shape and cast to its dtype."""
        name = type(self).__name__
        if not isinstance(result, tuple):
            result = (result,)
        expected = len(self._input_meta)
        if len(result) > expected and all(g is None for g in result[expected:]):
            result = result[:expected]
        if len(result) != expected:
            raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                               f"(expected {expected}, got {len(result)})")
        Tensor = _tensor_class()
        per_edge = []
        for position, (g, meta) in enumerate(zip(result, self._input_meta)):
            if meta is None:
                if g is not None:
                    raise RuntimeError(
                        f"function {name} returned a gradient different than None at "
                        f"position {position + 1}, but the corresponding forward input was "
                        "not a Variable")
                continue
            if g is not None and not isinstance(g, Tensor):
                raise RuntimeError(f"expected Variable or None (got {_type_name(g)})")
            per_edge.append((g, meta))
        return tuple(_fit(g, self, index, meta) for index, (g, meta) in enumerate(per_edge))


def _user_backward(forward_cls):
    """``backward``, or ``vjp`` where the Function defines that instead (not both)."""
    backward, vjp = forward_cls.backward, forward_cls.vjp
    if backward is not Function.backward and vjp is not Function.vjp:
        raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is "
                           "not allowed. You should only implement one of them.")
    return vjp if vjp is not Function.vjp else backward


def _fit(grad, node, index, meta):
    """A gradient for a tensor input of shape/dtype ``meta``: summed down from a shape
    the input broadcasts to (as PyTorch's engine does), else PyTorch's error."""
    shape, dtype = meta
    if grad is None or node.next_functions[index][0] is None:
        return grad
    got = grad._data.shape
    if got != shape:
        if not _expandable(shape, got):
            raise RuntimeError(f"Function {type(node).__name__} returned an invalid gradient "
                               f"at index {index} - got {list(got)} but expected shape "
                               f"compatible with {list(shape)}")
        dims = broadcast_axes(got, shape)
        grad = grad.sum(dims, keepdim=True).reshape(shape) if dims else grad.reshape(shape)
    if grad._data.dtype != dtype:
        from .._dtype import from_numpy_dtype
        grad = grad.to(from_numpy_dtype(dtype))
    return grad


def _expandable(shape, target):
    """Can a tensor of ``shape`` be expanded (broadcast) to ``target``?"""
    if len(shape) > len(target):
        return False
    return all(n == m or n == 1 for n, m in zip(reversed(shape), reversed(target)))


def _zeros(meta):
    shape, dtype = meta
    return _tensor_class()._wrap(np.zeros(shape, dtype))


def _read_only(array):
    """A read-only view: the engine must not add into an array the user's backward may
    still hold (an input, a saved tensor, the incoming gradient), so it copies instead."""
    view = array.view()
    view.flags.writeable = False
    return view


# ---------------------------------------------------------------------------------------
# Function
# ---------------------------------------------------------------------------------------

class FunctionMeta(type):
    """Generates each Function subclass's node class, ``<Name>Backward``."""

    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        backward_cls = type(name + "Backward", (BackwardCFunction,),
                            {"__slots__": (), "__module__": _TORCH_MODULE,
                             "__qualname__": name + "Backward", "_forward_cls": cls})
        backward_cls._rule = CustomRule(cls, backward_cls)
        cls._backward_cls = backward_cls


class Function(FunctionCtx, metaclass=FunctionMeta):
    """Base class of custom autograd functions: define static ``forward`` and
    ``backward`` (or ``forward`` without ``ctx`` plus ``setup_context``), then call
    ``MyFunction.apply(...)``."""

    __module__ = _TORCH_MODULE

    def __init__(self, *args, **kwargs):
        warnings.warn(
            f"{self.__class__} should not be instantiated. Methods on autograd functions "
            "are all static, so you should invoke them on the class itself. Instantiating "
            "an autograd function will raise an error in a future version of PyTorch.",
            DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please "
            "use new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(*args, **kwargs):
        """The computation, on Tensors, run under ``no_grad``."""
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Prepare ``ctx`` from the inputs and the output of a ``forward`` without ctx."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """One gradient (or None) per input of ``forward``, given one per output."""
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward "
                                  "mode AD.")

    vjp = backward

    # PyTorch's switches: free saved tensors on their first access; pass backward the
    # gradients as one list it may empty as it goes; vmap support (not in gradnb)
    clear_saved_tensors_on_access = False
    boxed_grads_call = False
    generate_vmap_rule = False

    @staticmethod
    def jvp(ctx, *grad_inputs):
        """Forward-mode AD (not supported by gradnb)."""
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` and, when autograd records it, attach the node to the outputs.

        Returns
        -------
        What ``forward`` returned, its tensors now with ``grad_fn`` when recorded.
        """
        separate = cls.setup_context is not Function.setup_context
        if separate:
            bound = inspect.signature(cls.forward).bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
        return _apply(cls, args, kwargs, separate)


class InplaceFunction(Function):
    """Kept for backward compatibility, as in PyTorch."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace


def _new_ctx(cls, inputs):
    Tensor = _tensor_class()
    ctx = object.__new__(cls._backward_cls)
    ctx.next_functions = ()
    ctx._seq = next_sequence_nr()
    ctx._extra = None
    ctx.needs_input_grad = tuple(isinstance(x, Tensor) and x._rg for x in inputs)
    ctx.to_save = ctx.dirty_tensors = ctx.non_differentiable = None
    ctx.saved_for_forward = None
    ctx._materialize, ctx._entries, ctx._freed = True, (), False
    return ctx


def _apply(cls, args, kwargs, separate):
    """Function.apply after argument binding (see module docs)."""
    Tensor = _tensor_class()
    inputs = tuple(args) + tuple(kwargs.values())
    ctx = _new_ctx(cls, inputs)
    with no_grad():
        if separate:
            output = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, args, output)
        else:
            output = cls.forward(ctx, *args, **kwargs)
    tracked = MODE.enabled and any(isinstance(x, Tensor) and x._rg for x in inputs)
    outputs = output if isinstance(output, tuple) else (output,)
    dirty = ctx.dirty_tensors or ()
    if any(not any(d is o for o in outputs) for d in dirty):
        raise RuntimeError(_DIRTY_NOT_RETURNED)
    ctx._input_meta = tuple((x._data.shape, x._data.dtype) if isinstance(x, Tensor) else None
                            for x in inputs)
    ctx._output_meta = tuple((o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None
                             for o in outputs)
    ctx._shape = tuple(None if m is None else m[0] for m in ctx._output_meta)
    ctx._dtype = next((m[1] for m in ctx._output_meta if m is not None and m[1].kind == "f"),
                      np.dtype(np.float32))
    if tracked:
        edges = tuple(x._edge() if x._rg else _NO_EDGE for x in inputs if isinstance(x, Tensor))
        ctx.next_functions = edges
        from ..ops._record import remember_constants
        remember_constants(ctx, [x for x in inputs if isinstance(x, Tensor)], edges)
    wrapped = tuple(_wrap_output(ctx, cls, o, nr, inputs, tracked)
                    for nr, o in enumerate(outputs))
    if tracked:
        _save(ctx)
    ctx.to_save = ctx.dirty_tensors = ctx.non_differentiable = None
    return wrapped if isinstance(output, tuple) else wrapped[0]


def _wrap_output(ctx, cls, out, nr, inputs, tracked):
    """One output of ``forward``: dirty inputs get this node as their history; an input
    returned unchanged becomes a view of it; other results get the node (or, outside
    autograd, a provenance record naming the Function)."""
    Tensor = _tensor_class()
    if not isinstance(out, Tensor):
        return out
    is_input = any(out is x for x in inputs)
    dirty = any(out is d for d in ctx.dirty_tensors or ())
    differentiable = tracked and out._data.dtype.kind == "f" and \
        not any(out is n for n in ctx.non_differentiable or ())
    if dirty:
        _mark_modified(out, differentiable)
    elif is_input:
        from ..ops.shape import as_view
        out = as_view(Tensor._wrap(out._data), out)
    if differentiable:
        if dirty:
            _dirty_history(out, ctx, nr, inputs)
        else:
            out._gfe, out._rg, out._prov = (ctx, nr), True, None
    elif not dirty and not is_input:
        reason = "not_differentiable" if tracked else "inference_mode" if MODE.inference \
            else "no_grad" if not MODE.enabled else "no_input_requires_grad"
        out._prov = make_record(cls._backward_cls._rule, inputs, reason, out._data)
    return out


def _mark_modified(tensor, recorded):
    """An input ``forward`` modified in place: PyTorch's leaf checks, version bump."""
    if recorded:
        if tensor._rg and tensor._gfe is None and tensor._base is None:
            raise RuntimeError(_DIRTY_LEAF)
        from ..ops.inplace import check_inplace
        check_inplace(tensor)
    tensor._vc[0] += 1


def _dirty_history(tensor, ctx, nr, inputs):
    """The history of an input modified in place: this node's output ``nr``; for a view,
    as for any in-place op on a view, its base gets ``CopySlices`` around this node and
    the view ``AsStridedBackward0``."""
    from ..ops import inplace
    base = tensor._base
    if base is None:
        inplace._set_history(tensor, ctx, nr)
        return
    if len(ctx._shape) != 1:
        raise NotImplementedError("gradnb: mark_dirty on a view is supported for custom "
                                  "Functions with one output only")
    Tensor = _tensor_class()
    edge = [x for x in inputs if isinstance(x, Tensor)].index(tensor)
    positions = inplace._view_positions(tensor, base)
    inplace._copy_slices(tensor, base, positions, _DirtyView(ctx, edge))


class _DirtyView:
    """What CopySlices calls for a custom Function that modified a view in place: the
    node seen with the modified input as its first edge (CopySlices routes the gradient
    of edge 0 into the view's part of the base, the others to their inputs)."""

    __slots__ = ("node", "edge", "next_functions")
    _extra = None

    def __init__(self, node, edge):
        self.node, self.edge = node, edge
        self.next_functions = _first(node.next_functions, edge)

    def apply(self, grad):
        return _first(self.node._vjp([grad]), self.edge)


def _first(items, k):
    """``items`` with item ``k`` moved to the front."""
    return (items[k],) + tuple(items[:k]) + tuple(items[k + 1:])


def _save(ctx):
    """Turn ``ctx.to_save`` into the entries ``saved_tensors`` unpacks."""
    Tensor = _tensor_class()
    entries = []
    for i, t in enumerate(ctx.to_save or ()):
        if t is None:
            entries.append(None)
        elif isinstance(t, Tensor):
            entries.append(_Saved(t, ctx))
        else:
            raise TypeError(f"save_for_backward can only save variables, but argument {i} is "
                            f"of type {_type_name(t)}")
    ctx._entries = tuple(entries)


# ---------------------------------------------------------------------------------------
# once_differentiable
# ---------------------------------------------------------------------------------------

def once_differentiable(fn):
    """Decorate a ``backward`` that is not itself differentiable: it runs under
    ``no_grad``, and a graph built from its results (``create_graph=True``) raises
    PyTorch's error when differentiated."""

    @functools.wraps(fn)
    def wrapper(ctx, *args, **kwargs):
        with no_grad():
            outputs = fn(ctx, *args, **kwargs)
        if not MODE.enabled:
            return outputs
        Tensor = _tensor_class()
        if not any(isinstance(a, Tensor) and a._rg for a in args):
            return outputs
        return _delayed_error(outputs if isinstance(outputs, tuple) else (outputs,))

    return wrapper


_ErrorNode = None


def _error_node_class():
    """PyTorch's ``Error`` node (``torch::autograd::Error``), whose backward raises."""
    global _ErrorNode
    if _ErrorNode is None:
        def _vjp(node, grad):
            raise RuntimeError(_ONCE_ERROR)
        _ErrorNode = node_class("Error", {"_vjp": _vjp, "_multi": True,
                                          "_fill_missing": lambda node, grad: grad,
                                          "name": lambda node: "torch::autograd::Error"})
    return _ErrorNode


def _delayed_error(outputs):
    """Aliases of ``outputs`` whose ``grad_fn`` raises when backward reaches it."""
    Tensor = _tensor_class()
    node = object.__new__(_error_node_class())
    leaves = [None if o is None else Tensor._wrap(o._data, requires_grad=True)
              for o in outputs]
    node.next_functions = tuple(_NO_EDGE if t is None else t._edge() for t in leaves)
    node._seq, node._extra = next_sequence_nr(), None
    node._shape = tuple(None if o is None else o._data.shape for o in outputs)
    node._dtype = next((o._data.dtype for o in outputs if o is not None), np.dtype(np.float32))
    results = []
    for nr, t in enumerate(leaves):
        if t is not None:
            t = Tensor._wrap(t._data)
            t._gfe, t._rg = (node, nr), True
        results.append(t)
    return results[0] if len(results) == 1 else tuple(results)
