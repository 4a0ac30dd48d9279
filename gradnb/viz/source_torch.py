"""Real PyTorch behind the views' interface (:mod:`gradnb.viz.source`).

Imported only once the user has imported torch (``sys.modules``); gradnb never imports
torch itself. What PyTorch keeps, this module reads:

* the graph: ``grad_fn``, ``next_functions``, ``AccumulateGrad.variable``, the nodes'
  ``_saved_*`` attributes (reading one raises once backward freed it);
* the rule text: gradnb's rule table looked up by node name (the same text gradnb
  shows); a custom ``autograd.Function``'s node shows the source of its ``backward``;
  any other node says ``rule not known``;
* the user's hooks on leaves (``register_hook``): wrapped for the length of an observed
  pass, so each call is a step of the trace (hooks on intermediate results are not);
* ``.grad`` states: a post-accumulate-grad hook (registered the first time a view meets
  a leaf) counts the passes summed into ``.grad``.

What PyTorch does not keep, :class:`Recorder` notes: a ``TorchFunctionMode`` that, while
it runs, attaches to every result autograd did not record a provenance record (op, weak
references to the inputs, the reason: no input requires grad, ``no_grad``,
``inference_mode``, ``detach``), and to the node of a recorded result the constant
tensors among its inputs (weakly, in the node's ``metadata``). Weak references only:
records never keep a tensor alive. ``%gradnb record off`` stops it.

Backward passes are observed by replacing ``torch.autograd.backward`` (which
``Tensor.backward`` calls) while an observer is attached: before PyTorch's own backward
runs, node pre-hooks and hooks and the leaves' post-accumulate-grad hooks are put on the
graph, and removed after; they turn what PyTorch does into the events of
:mod:`gradnb.viz.source` (node runs, gradient per edge, sums at fan-out points, ``+=``
at leaves). Gradient values are torch tensors, shown with torch's own repr.
"""

import importlib
import inspect
import re
import sys
import textwrap
import warnings
import weakref

import numpy as np

from ..autograd.provenance import MAX_DEPTH, Provenance, reason_text
from ..ops.rules import RULES, rule_text
from . import schema
from ._values import MAX_CHARS, SUMMARY_THRESHOLD, shown_values
from .source import Source

__all__ = ["TorchSource", "TORCH", "Recorder", "RECORDER"]

torch = sys.modules["torch"]
_Tensor = torch.Tensor
_Node = torch.autograd.graph.Node
_PROV = "_gradnb_prov"          # attribute a recorded result carries
_HIST = "_gradnb_grad_history"  # attribute: [passes, version, weak grad, grad version]
_CONSTS = "gradnb_consts"       # key in a node's metadata
_NBYTES = "gradnb_nbytes"       # key in a node's metadata: bytes of its output

_RULE_BY_NODE = {}
for _rule in RULES.values():
    if _rule.grad_fn:
        _RULE_BY_NODE.setdefault(_rule.grad_fn, _rule)
_UNKNOWN = ["rule not known"]


def _rule_of(node):
    return _RULE_BY_NODE.get(type(node).__name__)


def _cut(text):
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "\u2026"


# ---------------------------------------------------------------------------------------
# provenance records (same tuple layout as gradnb's, see gradnb.autograd.provenance)
# ---------------------------------------------------------------------------------------

def _leaf_record(t):
    if t.requires_grad:
        return None
    return (None, (), schema.REASON_CONSTANT, (), 0, t.shape, t.dtype)


def _record_of(t):
    return getattr(t, _PROV, None)


def make_record(op, inputs, reason, result):
    """Provenance record of ``result``, made by ``op`` from the tensors ``inputs``
    (``torch.Size`` shapes are plain tuples: a record holds no tensor)."""
    refs, parents, depth = [], [], 0
    for x in inputs:
        refs.append(weakref.ref(x))
        parent = getattr(x, _PROV, None)
        if parent is None and op == "detach":
            parent = _detached_record(x)
        if parent is None and not x.requires_grad:
            parent = (None, (), schema.REASON_CONSTANT, (), 0, x.shape, x.dtype)
        if parent is not None and parent[4] < MAX_DEPTH:
            parents.append(parent)
            if parent[4] >= depth:
                depth = parent[4] + 1
        else:
            parents.append(None)
    return (op, tuple(refs), reason, tuple(parents), depth, result.shape, result.dtype)


_MAX_DETACHED_NODES = 64     # grad_fn nodes described when a tracked value is detached


def _detached_record(t):
    """The record of ``t`` as its ``detach()`` sees it: for a result autograd tracks, a
    chain of records copied from its grad_fn graph (op, weak references to the leaves),
    so ``(price * 2).detach()`` still draws ``price -> mul -> detach`` once the unnamed
    product is freed (same layout and limits as gradnb's ``detached_record``)."""
    node = t.grad_fn
    if node is None:
        return None
    return _node_record(node, t.shape, t.dtype, {}, [_MAX_DETACHED_NODES])


def _node_record(node, shape, dtype, memo, budget):
    key = id(node)
    if key in memo:
        return memo[key]
    if budget[0] <= 0:
        return None
    budget[0] -= 1
    refs, parents = [], []
    # constant inputs, in the order of the node's (None, 0) slots (see note())
    constants = iter(node.metadata[_CONSTS][0] if _CONSTS in node.metadata else ())
    for nxt, _ in node.next_functions:
        ref = parent = None
        if nxt is None:
            ref, parent = next(constants, (None, None))
        elif hasattr(nxt, "variable"):      # AccumulateGrad
            ref = weakref.ref(nxt.variable)
        else:
            # an intermediate's shape is not kept on its node: the box shows the op only
            parent = _node_record(nxt, (), dtype, memo, budget)
        if parent is not None and parent[4] >= MAX_DEPTH:
            parent = None
        refs.append(ref)
        parents.append(parent)
    depth = max((p[4] + 1 for p in parents if p is not None), default=0)
    rule = _rule_of(node)
    op = rule.op if rule is not None else type(node).__name__
    record = (op, tuple(refs), schema.REASON_DETACH, tuple(parents), depth, tuple(shape),
              dtype)
    memo[key] = record
    return record


def from_record(record):
    op, refs, reason, parents, _, shape, dtype = record
    name = "leaf" if op is None else op
    rule = RULES.get(op) if op is not None else None
    return Provenance(name, rule.grad_fn if rule is not None else None,
                      tuple(None if r is None else r() for r in refs), reason,
                      tuple(None if p is None else from_record(p) for p in parents),
                      tuple(shape), repr(dtype), record)


# ---------------------------------------------------------------------------------------
# the recorder
# ---------------------------------------------------------------------------------------

# python operator -> the op name gradnb's rule table uses
_DUNDER = {"__add__": "add", "__radd__": "add", "__iadd__": "add", "__sub__": "sub",
           "__rsub__": "rsub", "__mul__": "mul", "__rmul__": "mul", "__matmul__": "matmul",
           "__rmatmul__": "matmul", "__truediv__": "div", "__rtruediv__": "div",
           "__pow__": "pow", "__rpow__": "pow", "__neg__": "neg", "__getitem__": "index",
           "__abs__": "abs"}
_SKIP = frozenset(("__get__", "__set__", "__repr__", "__format__", "__len__", "__iter__",
                   "__bool__", "__hash__", "__reduce_ex__", "__deepcopy__", "__setstate__",
                   "__array__", "__contains__", "__index__", "__int__", "__float__"))


def _tensor_inputs(args, kwargs):
    found = []
    for a in args:
        if isinstance(a, _Tensor):
            found.append(a)
        elif type(a) is list or type(a) is tuple:
            found.extend(x for x in a if isinstance(x, _Tensor))
    if kwargs:
        found.extend(v for v in kwargs.values() if isinstance(v, _Tensor))
    return found


_grad_enabled = torch.is_grad_enabled
_inference = torch.is_inference_mode_enabled


def _reason(name, inputs):
    if not _grad_enabled():           # inference_mode also turns grad mode off
        return schema.REASON_INFERENCE if _inference() else schema.REASON_NO_GRAD
    if name == "detach":
        return schema.REASON_DETACH
    for x in inputs:
        if x.requires_grad:
            return schema.REASON_NOT_DIFFERENTIABLE
    return schema.REASON_NO_INPUT


def note(func, args, kwargs, out):
    """Record ``out`` (a result of ``func``): its provenance if autograd did not record
    it, else the constant tensor inputs of its node."""
    name = getattr(func, "__name__", "")
    if name in _SKIP:
        return
    inputs = _tensor_inputs(args, kwargs)
    if not inputs or any(x is out for x in inputs):   # a factory, or in-place on an input
        return
    node = out.grad_fn
    if node is None:
        if not out.requires_grad:
            name = _DUNDER.get(name, name)
            setattr(out, _PROV, make_record(name, inputs, _reason(name, inputs), out))
        return
    constants = [x for x in inputs if not x.requires_grad]
    if constants:
        # matched to the node's (None, 0) inputs when a view reads them (see
        # _constants): reading next_functions here would cost more than the op
        node.metadata[_CONSTS] = (
            tuple((weakref.ref(x), _record_of(x) or _leaf_record(x)) for x in constants),
            out.nbytes, tuple(x.nbytes if x.requires_grad else 0 for x in inputs))


class _Mode(torch.overrides.TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if type(out) is _Tensor or isinstance(out, _Tensor):
            try:
                note(func, args, kwargs, out)
            except Exception as exc:   # noting must never break the user's op
                warnings.warn(f"gradnb could not record {func!r}: {exc!r}", RuntimeWarning,
                              stacklevel=2)
        return out


class Recorder:
    """Switches the provenance recorder on and off (one per process: :data:`RECORDER`)."""

    def __init__(self):
        self._mode = None

    @property
    def on(self):
        return self._mode is not None

    def start(self):
        """Start recording (idempotent)."""
        if self._mode is None:
            self._mode = _Mode()
            self._mode.__enter__()

    def stop(self):
        """Stop recording (records already made stay with their tensors)."""
        if self._mode is not None:
            mode, self._mode = self._mode, None
            mode.__exit__(None, None, None)


RECORDER = Recorder()


# ---------------------------------------------------------------------------------------
# .grad history
# ---------------------------------------------------------------------------------------

def _version(t):
    """The in-place counter (0 for inference tensors, which keep none)."""
    try:
        return t._version
    except RuntimeError:
        return 0


def _grad(t):
    """``t.grad`` without the warning PyTorch gives for a non-leaf (whose ``.grad`` is
    None unless it retains its gradient)."""
    return t._grad if t.is_leaf or t.retains_grad else None


def _after_accumulate(t):
    """Post-accumulate-grad hook: one more pass summed into ``t.grad``."""
    grad = t._grad
    hist = t.__dict__.get(_HIST)
    same = (hist is not None and hist[2] is not None and hist[2]() is grad
            and grad._version == hist[3] + 1)
    passes = hist[0] + 1 if same else 1
    t.__dict__[_HIST] = [passes, _version(t), weakref.ref(grad), grad._version]


def _follow_grad(t):
    """Count passes into a leaf's ``.grad`` from now on (once per tensor)."""
    if t.is_leaf and t.requires_grad and _HIST not in t.__dict__:
        t.__dict__[_HIST] = None
        t.register_post_accumulate_grad_hook(_after_accumulate)


_STEPPED = "_gradnb_stepped"     # attribute: the version an optimizer step left it at


def _after_optimizer_step(optimizer, args, kwargs):
    """torch's global optimizer-step hook: note each parameter's version after a step,
    so a view can say "updated by optimizer.step()"."""
    for group in optimizer.param_groups:
        for p in group["params"]:
            setattr(p, _STEPPED, _version(p))


importlib.import_module("torch.optim.optimizer").register_optimizer_step_post_hook(
    _after_optimizer_step)


def grad_history(t):
    """``(passes, stale)`` as :func:`gradnb.autograd.provenance.grad_history` gives it."""
    _follow_grad(t)
    grad = _grad(t)
    hist = t.__dict__.get(_HIST)
    if grad is None or hist is None:
        return 0, False
    zeroed = hist[2]() is not grad or grad._version != hist[3]
    return (0 if zeroed else hist[0]), _version(t) != hist[1]


# ---------------------------------------------------------------------------------------
# nodes
# ---------------------------------------------------------------------------------------

_SAVED_NAMES = {}     # node class -> names of its _saved_* attributes


def _saved_attrs(node):
    cls = type(node)
    names = _SAVED_NAMES.get(cls)
    if names is None:
        names = _SAVED_NAMES[cls] = tuple(a for a in dir(cls) if a.startswith("_saved_"))
    return names


_VERSIONS = re.compile(r"is at version (\d+); expected version (\d+)")


def _read_saved(node, attr):
    """``(value, freed)`` of a saved attribute."""
    try:
        return getattr(node, attr), False
    except RuntimeError:
        return None, True


def _custom_function(node):
    return getattr(type(node), "_forward_cls", None)


def _backward_source(cls):
    try:
        return textwrap.dedent(inspect.getsource(cls.backward)).rstrip().split("\n")
    except (OSError, TypeError):
        return [f"{cls.__name__}.backward (source not available)"]


class _FreedResult:
    """Stands for a result computed outside autograd that is gone."""

    __slots__ = ("shape", "dtype", "record")

    def __init__(self, prov):
        self.record = prov.record
        self.shape, self.dtype = prov.shape, prov.record[6]


def _nbytes(t):
    if isinstance(t, _FreedResult):
        return int(np.prod(t.shape, dtype=np.int64)) * t.dtype.itemsize
    return t.nbytes


class _Strong:
    """A 'reference' that holds its object: PyTorch's nodes cannot be weakly
    referenced (only an object lookup of a running trace uses this, and drops it when
    the pass ends)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __call__(self):
        return self.obj


class TorchSource(Source):
    """Real torch tensors and nodes (see :mod:`gradnb.viz.source` for each method)."""

    name = "torch"
    nodes_weak = False

    # -- identity -----------------------------------------------------------------------
    @staticmethod
    def is_tensor(obj):
        return isinstance(obj, _Tensor)

    @staticmethod
    def owns(obj):
        return isinstance(obj, (_Tensor, _Node))

    @staticmethod
    def weak(obj):
        return weakref.ref(obj) if isinstance(obj, _Tensor) else _Strong(obj)

    # -- tensor facts -------------------------------------------------------------------
    @staticmethod
    def shape(t):
        return tuple(t.shape)

    @staticmethod
    def dtype_text(t):
        return repr(t.dtype)

    nbytes = staticmethod(_nbytes)

    @staticmethod
    def requires_grad(t):
        return t.requires_grad

    @staticmethod
    def is_leaf(t):
        return t.is_leaf

    @staticmethod
    def retains_grad(t):
        return t.retains_grad

    @staticmethod
    def is_inference(t):
        return t.is_inference()

    version = staticmethod(_version)

    @staticmethod
    def grad_fn_name(t):
        node = t.grad_fn
        return None if node is None else type(node).__name__

    grad = staticmethod(_grad)

    grad_history = staticmethod(grad_history)

    @staticmethod
    def stale_cause(t):
        stepped = getattr(t, _STEPPED, None)
        return "optimizer.step()" if stepped is not None and stepped == _version(t) else None

    @staticmethod
    def hook_count(t):
        return len(t._backward_hooks or ())

    @staticmethod
    def value_text(t):
        return _cut(_torch_repr(t))

    @staticmethod
    def array(t):
        return t.detach().to("cpu", torch.float64).numpy()

    def tensor_state(self, t, edge):
        grad = _grad(t)
        node = t.grad_fn
        return (_version(t), _value_state(t, edge),
                None if node is None else (type(node).__name__, t.output_nr),
                None if grad is None else (_value_state(grad, edge), grad_history(t)),
                t.retains_grad, self.hook_count(t))

    # -- graph --------------------------------------------------------------------------
    @staticmethod
    def grad_edge(t):
        node = t.grad_fn
        return None if node is None else (node, t.output_nr)

    @staticmethod
    def accumulator(t):
        return None       # torch has no way to read it without creating one

    @staticmethod
    def next_functions(node):
        return node.next_functions

    @staticmethod
    def is_accumulate(node):
        return type(node).__name__ == "AccumulateGrad"

    @staticmethod
    def variable(node):
        var = node.variable
        _follow_grad(var)
        return var

    @staticmethod
    def node_name(node):
        return type(node).__name__

    @staticmethod
    def rule_lines(node):
        cls = _custom_function(node)
        if cls is not None:
            return _backward_source(cls)
        if type(node).__name__ == "AccumulateGrad":
            return []
        rule = _rule_of(node)
        return rule_text(rule) if rule is not None else list(_UNKNOWN)

    def saved_flags(self, node):
        rule = _rule_of(node)
        if rule is None or _custom_function(node) is not None:
            return self._saved_flags_unknown(node)
        if not rule.saves:
            return []
        edges = node.next_functions
        if rule.inputs is not None and len(edges) != len(rule.inputs):
            return self._saved_flags_unknown(node)
        constants = None
        flags = []
        for name, users in zip(rule.saved_names, rule.users):
            kept = any(u < len(edges) and edges[u][0] is not None for u in users)
            skipped = False
            if not kept:
                if constants is None:
                    constants = self.constant_inputs(node)
                skipped = all(u in constants for u in users)
            flags.append((name, kept, skipped))
        return flags

    @staticmethod
    def _saved_flags_unknown(node):
        """Saved tensors as the node's ``_saved_*`` attributes show them."""
        if _custom_function(node) is not None:
            try:
                count = len(node.saved_tensors)
            except RuntimeError:
                count = len(getattr(node, "_gradnb_saved", ()))
            return [(f"saved_{i}", True, False) for i in range(count)]
        flags = []
        for attr in _saved_attrs(node):
            value, freed = _read_saved(node, attr)
            if freed or isinstance(value, _Tensor):
                flags.append((attr[7:], True, False))
        return flags

    def value_bytes(self, node, name):
        rule = _rule_of(node)
        noted = node.metadata.get(_CONSTS) if _has_metadata(node) else None
        if rule is None or noted is None:
            return 0
        if name == "result":
            return noted[1]
        i = rule.inputs.index(name)
        nxt = node.next_functions[i][0]
        if nxt is not None:
            if self.is_accumulate(nxt):
                return nxt.variable.nbytes
            # a tracked intermediate: its size is known when it is the op's only one
            tracked = [size for size in noted[2] if size]
            return tracked[0] if len(tracked) == 1 else 0
        tensor = self.constant_inputs(node).get(i)
        return tensor.nbytes if tensor is not None else 0

    @staticmethod
    def freed(node):
        if _custom_function(node) is not None:
            try:
                node.saved_tensors
            except RuntimeError:
                return True
            return False
        for attr in _saved_attrs(node):
            if _read_saved(node, attr)[1]:
                return True
        return False

    node_state = freed

    @staticmethod
    def stale_saved(node):
        # torch keeps the saved version in C++ only; reading the attribute raises the
        # version error, whose text carries both numbers
        stale = []
        for attr in _saved_attrs(node):
            try:
                getattr(node, attr)
            except RuntimeError as exc:
                found = _VERSIONS.search(str(exc))
                if found:
                    stale.append((attr[7:], int(found.group(2)), int(found.group(1))))
        return stale

    # -- outside autograd ---------------------------------------------------------------
    @staticmethod
    def provenance(t):
        record = _record_of(t)
        return None if record is None else from_record(record)

    @staticmethod
    def constant_inputs(node):
        return {i: ref() for i, ref, _ in _constants(node) if ref() is not None}

    @staticmethod
    def constant_records(node):
        return {i: from_record(rec) for i, _, rec in _constants(node) if rec is not None}

    reason_text = staticmethod(reason_text)
    freed_result = _FreedResult

    @staticmethod
    def pruned_saved_bytes(result, prov):
        rule = RULES.get(prov.op)
        if rule is None or not rule.saves or rule.inputs is None:
            return 0
        total = 0
        for name in rule.saved_names:
            if name == "result":
                total += _nbytes(result)
                continue
            i = rule.inputs.index(name)
            value = prov.inputs[i] if i < len(prov.inputs) else None
            if isinstance(value, _Tensor):
                total += value.nbytes
        return total

    # -- backward passes ----------------------------------------------------------------
    @staticmethod
    def observe(callback):
        return _BACKWARD.add(callback)

    @staticmethod
    def grad_text(value):
        return _cut(_torch_repr(value))

    @staticmethod
    def add(a, b):
        return a + b

    @staticmethod
    def autograd_grad(root, inputs):
        import torch
        return torch.autograd.grad(root, inputs, retain_graph=True, allow_unused=True)

    @staticmethod
    def run_backward(root, gradient=None, retain_graph=False):
        root.backward(gradient, retain_graph=retain_graph or None)

    # -- live views ---------------------------------------------------------------------
    @staticmethod
    def watch_flags(callback):
        """PyTorch does not report flag changes: views see them after the cell."""

    @staticmethod
    def unwatch_flags(callback):
        """See :meth:`watch_flags`."""


def _constants(node):
    """``(input index, weak ref, record)`` of the constant tensor inputs the recorder
    noted for ``node``, matched in order to its ``(None, 0)`` inputs (the op's argument
    order may differ from the node's: ``linear(x, w, b)`` is ``addmm(b, x, w.T)``);
    nothing when the counts differ (python scalars, masks): nothing is guessed."""
    noted = node.metadata.get(_CONSTS) if _has_metadata(node) else None
    if not noted:
        return ()
    slots = [i for i, (n, _) in enumerate(node.next_functions) if n is None]
    if len(slots) != len(noted[0]):
        return ()
    return [(i, ref, rec) for i, (ref, rec) in zip(slots, noted[0])]


def _has_metadata(node):
    # reading .metadata of a node creates its dict; only custom Functions lack it
    return hasattr(node, "metadata")


def _torch_repr(t):
    """torch's repr of ``t``, summarised past the views' threshold (the user's torch
    print options otherwise)."""
    opts = torch._tensor_str.PRINT_OPTS
    from .._format import get_printoptions
    threshold = min(opts.threshold, get_printoptions()["threshold"], SUMMARY_THRESHOLD)
    if t.numel() <= threshold:
        return repr(t)
    old = opts.threshold
    opts.threshold = threshold
    try:
        return repr(t)
    finally:
        opts.threshold = old


def _value_state(t, edge):
    try:
        values = shown_values(t.detach().numpy(), edge)
    except (TypeError, RuntimeError):       # bfloat16, other devices
        values = repr(t)
    node = t.grad_fn
    return (tuple(t.shape), str(t.dtype), values, t.requires_grad,
            None if node is None else type(node).__name__)


# ---------------------------------------------------------------------------------------
# observing backward
# ---------------------------------------------------------------------------------------

class _Handle:
    def __init__(self, owner, callback):
        self._owner, self._callback = owner, callback

    def remove(self):
        self._owner.remove(self._callback)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
        return False


class _BackwardObservers:
    """The observers, and ``torch.autograd.backward`` replaced while there are any."""

    def __init__(self):
        self.callbacks = []
        self._original = None
        self._original_grad = None
        self._dispatching = False
        self._wrapper = self._backward    # one bound method each, so they can be
        self._grad_wrapper = self._grad   # recognised

    def add(self, callback):
        self.callbacks.append(callback)
        if self._original is None and torch.autograd.backward is not self._wrapper:
            self._original = torch.autograd.backward
            torch.autograd.backward = self._wrapper
            self._original_grad = torch.autograd.grad
            torch.autograd.grad = self._grad_wrapper
        return _Handle(self, callback)

    def remove(self, callback):
        if callback in self.callbacks:
            self.callbacks.remove(callback)
        if not self.callbacks and self._original is not None:
            if torch.autograd.backward is self._wrapper:
                torch.autograd.backward = self._original
            if torch.autograd.grad is self._grad_wrapper:
                torch.autograd.grad = self._original_grad
            self._original = self._original_grad = None

    def emit(self, event, data):
        self._dispatching = False
        for callback in tuple(self.callbacks):
            callback(event, data)

    def _redispatched(self):
        """True when PyTorch handed our own call back to us: with a TorchFunctionMode
        active (the recorder), ``torch.autograd.grad`` dispatches to the mode, which
        calls the module's ``grad`` -- this wrapper -- again. That inner call must run
        PyTorch's own, not start a second pass. (A backward a hook starts is a real
        nested pass: by then a step has been emitted and the flag is down.)"""
        if self._dispatching:
            self._dispatching = False
            return True
        return False

    def _backward(self, tensors, grad_tensors=None, retain_graph=None, create_graph=False,
                  grad_variables=None, inputs=None):
        original = self._original
        roots = [tensors] if isinstance(tensors, _Tensor) else list(tensors)
        if self._redispatched() or not self.callbacks or \
                any(r.grad_fn is None for r in roots) or inputs is not None:
            return original(tensors, grad_tensors, retain_graph, create_graph,
                            grad_variables, inputs=inputs)
        if grad_tensors is None:
            seeds = [torch.ones_like(r) for r in roots]
        else:
            given = [grad_tensors] if isinstance(grad_tensors, _Tensor) else list(grad_tensors)
            seeds = [torch.ones_like(r) if g is None else g for r, g in zip(roots, given)]
        run = _Pass(self, roots)
        self.emit("begin", {"roots": [(r.grad_fn, r.output_nr) for r in roots],
                            "tensors": tuple(roots), "grads": [s.detach() for s in seeds],
                            "retain_graph": bool(retain_graph)})
        error = None
        try:
            self._dispatching = True
            return original(tensors, grad_tensors, retain_graph, create_graph,
                            grad_variables, inputs=inputs)
        except Exception as exc:
            error = exc
            raise
        finally:
            run.remove()
            self.emit("end", {"error": error})


    def _grad(self, outputs, inputs, grad_outputs=None, *args, **kwargs):
        """``torch.autograd.grad``, observed: the pass's steps, then a ``capture`` step
        per input with the gradient returned for it."""
        original = self._original_grad
        roots = [outputs] if isinstance(outputs, _Tensor) else list(outputs)
        wanted = [inputs] if isinstance(inputs, _Tensor) else list(inputs)
        if self._redispatched() or not self.callbacks or any(r.grad_fn is None for r in roots):
            return original(outputs, inputs, grad_outputs, *args, **kwargs)
        given = ([grad_outputs] if isinstance(grad_outputs, _Tensor) else
                 list(grad_outputs) if grad_outputs is not None else [None] * len(roots))
        seeds = [torch.ones_like(r) if g is None else g for r, g in zip(roots, given)]
        run = _Pass(self, roots)
        self.emit("begin", {"roots": [(r.grad_fn, r.output_nr) for r in roots],
                            "tensors": tuple(roots), "grads": [s.detach() for s in seeds],
                            "retain_graph": bool(kwargs.get("retain_graph"))})
        error = None
        try:
            self._dispatching = True
            results = original(outputs, inputs, grad_outputs, *args, **kwargs)
            for tensor, grad in zip(wanted, results):
                node, nr = run.node_of(tensor)
                if node is not None:
                    self.emit("capture", {"node": node, "output_nr": nr,
                                          "grad": None if grad is None else grad.detach()})
            return results
        except Exception as exc:
            error = exc
            raise
        finally:
            run.remove()
            self.emit("end", {"error": error})


_BACKWARD = _BackwardObservers()


def _never_breaks_backward(hook):
    """A recording hook returns None (it never changes a gradient) and turns its own
    failures into a warning: recording must never break the user's backward."""
    def safe(*args):
        try:
            hook(*args)
        except Exception as exc:
            warnings.warn(f"gradnb could not record a step of torch's backward: {exc!r}",
                          RuntimeWarning, stacklevel=2)
    return safe


class _Pass:
    """The hooks of one observed pass: they turn PyTorch's steps into events."""

    def __init__(self, observers, roots):
        self.emit = observers.emit
        self.handles = []
        self.buffers = {}         # id(node) -> gradient waiting for it (summed so far)
        self.pending = {}         # id(AccumulateGrad) -> (before, incoming)
        self.nodes = []           # held while the pass runs, so their ids stay valid
        self.restore = []         # (hooks dict, key, the user's hook) wrapped for the pass
        seen = set()
        stack = [r.grad_fn for r in roots]
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            self.nodes.append(node)
            self._hook(node)
            stack.extend(n for n, _ in node.next_functions)
        for r in roots:
            self.buffers[(id(r.grad_fn), r.output_nr)] = True   # seeds: no fan-out step

    def _hook(self, node):
        if type(node).__name__ == "AccumulateGrad":
            var = node.variable
            _follow_grad(var)
            self._watch_tensor_hooks(node, var)
            self.handles.append(node.register_prehook(self._acc_pre(node, var)))
            self.handles.append(var.register_post_accumulate_grad_hook(
                self._acc_post(node)))
            return
        self.handles.append(node.register_prehook(self._pre(node)))
        self.handles.append(node.register_hook(self._post(node)))

    def _pre(self, node):
        @_never_breaks_backward
        def pre(grad_outputs):
            grad = grad_outputs[0] if len(grad_outputs) == 1 else list(grad_outputs)
            self.emit("node", {"node": node, "grad": grad})
        return pre

    def _post(self, node):
        @_never_breaks_backward
        def post(grad_inputs, grad_outputs):
            for (nxt, nr), g in zip(node.next_functions, grad_inputs):
                if nxt is None or g is None:
                    continue
                g = g.detach()
                self.emit("edge", {"node": node, "next": nxt, "output_nr": nr, "grad": g})
                # gradients for the same output of a node add up before it runs
                key = (id(nxt), nr)
                before = self.buffers.get(key)
                if before is None:
                    self.buffers[key] = g
                elif before is not True:
                    self.emit("fanout", {"node": nxt, "before": before, "grad": g})
                    self.buffers[key] = before + g
        return post

    def _acc_pre(self, node, var):
        @_never_breaks_backward
        def pre(grad_outputs):
            before = var._grad
            self.pending[id(node)] = (None if before is None else before.detach().clone(),
                                      grad_outputs[0].detach())
        return pre

    def _acc_post(self, node):
        @_never_breaks_backward
        def post(var):
            before, grad = self.pending.pop(id(node), (None, None))
            if grad is None:
                return
            self.emit("accumulate", {"node": node, "tensor": var, "grad": grad,
                                     "before": before, "after": var._grad.detach().clone()})
        return post

    def node_of(self, tensor):
        """``(node, output_nr)`` where a gradient for ``tensor`` arrives: its grad_fn,
        or for a leaf its AccumulateGrad in this pass's graph (``(None, 0)`` if none)."""
        if tensor.grad_fn is not None:
            return tensor.grad_fn, tensor.output_nr
        for node in self.nodes:
            if type(node).__name__ == "AccumulateGrad" and node.variable is tensor:
                return node, 0
        return None, 0

    def _watch_tensor_hooks(self, node, var):
        """Wrap the user's hooks on leaf ``var`` (``register_hook``) for this pass, so
        each call is a ``hook`` event; :meth:`remove` puts the originals back."""
        hooks = var._backward_hooks
        if not hooks:
            return
        for key, fn in list(hooks.items()):
            hooks[key] = self._hook_wrapper(node, fn)
            self.restore.append((hooks, key, fn))

    def _hook_wrapper(self, node, fn):
        emit = self.emit

        def wrapper(grad):
            result = fn(grad)
            try:
                emit("hook", {"node": node, "hook": fn, "grad": grad.detach(),
                              "result": None if result is None else result.detach()})
            except Exception as exc:
                warnings.warn(f"gradnb could not record a hook of torch's backward: "
                              f"{exc!r}", RuntimeWarning, stacklevel=2)
            return result
        return wrapper

    def remove(self):
        for handle in self.handles:
            handle.remove()
        for hooks, key, fn in self.restore:
            if key in hooks:
                hooks[key] = fn
        self.handles, self.buffers, self.pending, self.restore = [], {}, {}, []


TORCH = TorchSource()
