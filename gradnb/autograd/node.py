"""Autograd graph nodes: :class:`Node` (base of every ``XxxBackward0`` class),
:class:`AccumulateGrad` (the sink that writes a leaf's ``.grad``), and the checks on
saved values (freed after backward; modified in place since they were saved).

A node holds what its backward rule needs as plain numpy arrays (``_saved``), never its
own output tensor: the graph then has no reference cycles and is freed by reference
counting as soon as the user drops the output. The concrete node classes are generated
from the rule table in :mod:`gradnb.ops.rules`.
"""

import itertools

import numpy as np

__all__ = ["Node", "AccumulateGrad", "FREED_MESSAGE", "type_string", "node_class",
           "modified_error"]

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.")

_VERSION_HINT = (
    "Hint: enable anomaly detection to find the operation that failed to compute its "
    "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")

# Creation order of nodes: backward runs the most recent ready node first. Leaves'
# AccumulateGrad nodes are numbered above every op node, so they run as soon as ready.
next_sequence_nr = itertools.count(1).__next__
_ACCUMULATE_BASE = 1 << 62

# Slots every node has; generated classes add _saved/_checks and _params only when
# their rule saves values or takes parameters (fewer attributes to set per op).
BASE_SLOTS = ("next_functions", "_seq", "_shape", "_dtype", "_extra", "__weakref__")


def type_string(np_array):
    """PyTorch's legacy type text, e.g. ``torch.FloatTensor [2, 3]``."""
    from .._dtype import from_numpy_dtype
    shape = ", ".join(str(s) for s in np_array.shape)
    return f"torch.{from_numpy_dtype(np_array.dtype)._legacy}Tensor [{shape}]"


class _NodeMeta(type):
    """``isinstance(grad_fn, Node)`` holds for the generated node classes too, although
    they derive from ``object`` only (so their MRO prints as PyTorch's does)."""

    def __instancecheck__(cls, obj):
        if cls is Node:
            return getattr(type(obj), "_is_node", False)
        return type.__instancecheck__(cls, obj)


class Node(metaclass=_NodeMeta):
    """Base class of ``grad_fn`` objects.

    Attributes
    ----------
    next_functions : tuple of (Node or None, int)
        One edge per differentiable input: the node that produced it (an
        ``AccumulateGrad`` for a leaf) and which of that node's outputs it was;
        ``(None, 0)`` for inputs that do not require grad.
    """

    __slots__ = ()

    _is_node = True
    _saved = ()      # class defaults, replaced by slots in classes whose rule saves
    _checks = None
    _params = ()
    _rule = None     # the Rule this class was generated from (class attribute)
    _multi = False   # True for nodes with several outputs (split, unbind); _shape is then
                     # a tuple with one shape per output

    def name(self):
        """The class name, e.g. ``'AddBackward0'``."""
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    @property
    def metadata(self):
        """A dict for the user's own annotations (as in PyTorch)."""
        return self._extra_dict().setdefault("metadata", {})

    def _extra_dict(self):
        if self._extra is None:
            self._extra = {}
        return self._extra

    # -- backward ---------------------------------------------------------------------
    def apply(self, grad):
        """Gradients for each input, given the gradient of this node's output(s)."""
        if self._saved is None:
            raise RuntimeError(FREED_MESSAGE)
        if self._checks is not None:
            check_saved_versions(self)
        return self._vjp(grad)

    def _vjp(self, grad):  # replaced in generated classes
        raise NotImplementedError

    def _fill_missing(self, grad):
        """A multi-output node's gradients, zeros for the outputs no gradient reached."""
        return [np.zeros(s, self._dtype) if g is None else g for g, s in zip(grad, self._shape)]

    def _vjp_tensors(self, grad):
        """The engine's hook for ``create_graph=True``: like ``_vjp`` but ``grad`` is a
        Tensor (a list for several outputs) and the gradients returned are Tensors made
        by ordinary, recorded ops, so they have a graph of their own. Generated classes
        compile it from the rule's formulas; other node kinds define their own."""
        raise RuntimeError(f"{type(self).__name__} does not support create_graph=True")

    def __getattr__(self, attr):
        # PyTorch exposes saved values as grad_fn._saved_self, _saved_other, _saved_result.
        if attr.startswith("_saved_") and self._rule is not None:
            return self._saved_value(attr[7:])
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{attr}'")

    def _saved_value(self, name):
        rule = self._rule
        if name not in rule.saved_names:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '_saved_{name}'")
        if self._saved is None:
            raise RuntimeError(FREED_MESSAGE)
        for entry in self._checks or ():
            if entry[0] == name and entry[3] is not None:
                return entry[3]
        value = self._saved[rule.saved_names.index(name)]
        if name == "result" and value is not None:
            from ..tensor import Tensor
            return Tensor._wrap(value, grad_fn=self)
        return value

    # -- hooks on the tensor this node produced -----------------------------------------
    def _add_tensor_hook(self, nr, fn):
        from ..utils.hooks import RemovableHandle
        hooks = self._extra_dict().setdefault("hooks", [])
        entry = (nr, fn)
        hooks.append(entry)
        return RemovableHandle(hooks, entry)

    def _add_retain(self, nr, tensor_ref):
        self._extra_dict().setdefault("retain", []).append((nr, tensor_ref))


def node_class(name, attributes, saves=False, has_params=False):
    """A node class named ``name``: PyTorch-like (``<class 'AddBackward0'>``, MRO
    ``(AddBackward0, object)``) with :class:`Node`'s methods and only the slots it uses."""
    slots = BASE_SLOTS + (("_saved", "_checks") if saves else ()) + \
        (("_params",) if has_params else ())
    namespace = {k: v for k, v in Node.__dict__.items()
                 if k not in slots and k not in ("__dict__", "__weakref__", "__slots__")}
    namespace.update(attributes, __slots__=slots, __module__="builtins", __qualname__=name)
    return type(name, (object,), namespace)


def check_saved_versions(node):
    """Raise PyTorch's error if a saved tensor was modified in place after saving."""
    for name, counter, expected, tensor in node._checks:
        if counter[0] == expected:
            continue
        if tensor is None:   # the node's own output
            data = node._saved[node._rule.saved_names.index(name)]
            raise modified_error(data, node, 0, counter[0], expected)
        raise modified_error(tensor._data, tensor._grad_fn, tensor._nr, counter[0], expected)


def modified_error(data, producer, output_nr, version, expected):
    """PyTorch's error for a saved value (array ``data``, output ``output_nr`` of node
    ``producer``, None for a leaf) modified in place since it was saved."""
    what = f"{type_string(data)}]"
    if producer is not None:
        what += f", which is output {output_nr} of {_short_name(producer)},"
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{what} is at version {version}; expected version "
        f"{expected} instead. {_VERSION_HINT}")


def _short_name(node):
    """``AddBackward0`` -> ``Add`` (how PyTorch names the op in version errors)."""
    name = type(node).__name__
    cut = name.find("Backward")
    return name[:cut] if cut > 0 else name


class AccumulateGrad(Node):
    """The sink node of a leaf tensor: adds the incoming gradient into ``variable.grad``.

    A leaf keeps only a weak reference to its AccumulateGrad, so the same node is
    shared by every op that uses the leaf while a graph is alive (as in PyTorch).
    """

    __slots__ = BASE_SLOTS + ("variable",)

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()
        self._seq = _ACCUMULATE_BASE + next_sequence_nr()
        self._shape = variable._data.shape
        self._dtype = variable._data.dtype
        self._extra = None

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def apply(self, grad):
        raise RuntimeError("AccumulateGrad is run by the engine")
