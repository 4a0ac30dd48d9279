"""The backward engine: runs a graph of nodes in dependency order, sums gradients at
fan-out points, reduces broadcast gradients back to each input's shape, accumulates into
leaves' ``.grad``, runs hooks, and reports each step to observers when any are attached.

Order: a node runs once every gradient flowing into it has arrived (dependency counts);
among ready nodes, leaves' ``AccumulateGrad`` first, then the most recently created node,
as PyTorch's CPU engine does. Observers cost nothing when none are attached: the loop
reads one local variable per event site.

Two loops share that order: :func:`_execute` passes numpy arrays between the nodes'
``_vjp`` (the ordinary backward, written for speed), :func:`_run_graph` passes
Tensors between their ``_vjp_tensors`` with grad mode on (``create_graph=True``), so the
gradients it makes have a graph of their own; there the broadcast reduction, dtype casts
and sums at fan-out points are recorded tensor ops too.
"""

import heapq
import sys

import numpy as np

from .. import tensor as _tensor_module   # partially initialised here; read at call time
from .grad_mode import enable_grad
from .node import AccumulateGrad, FREED_MESSAGE, check_saved_versions

__all__ = ["run_backward", "add_observer", "sum_to_shape", "broadcast_axes",
           "graph_grad_update"]

_ndarray = np.ndarray

# ---------------------------------------------------------------------------------------
# observers
# ---------------------------------------------------------------------------------------

_observers = []


class _ObserverHandle:
    """Returned by :func:`add_observer`; ``remove()`` detaches the observer."""

    __slots__ = ("_obs",)

    def __init__(self, obs):
        self._obs = obs

    def remove(self):
        if self._obs in _observers:
            _observers.remove(self._obs)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def add_observer(observer):
    """Attach an observer of backward passes.

    Parameters
    ----------
    observer : callable
        Called as ``observer(event, data)`` with ``event`` one of ``"begin"``,
        ``"node"``, ``"hook"``, ``"retain"``, ``"edge"``, ``"fanout"``, ``"accumulate"``,
        ``"capture"``, ``"end"`` and ``data`` a dict (see where :mod:`engine` emits each
        for its keys). Arrays in the data are live: copy what you keep.

    Returns
    -------
    handle with ``remove()``; also a context manager.
    """
    _observers.append(observer)
    return _ObserverHandle(observer)


def _broadcast_events(event, data):
    for obs in tuple(_observers):
        obs(event, data)


# ---------------------------------------------------------------------------------------
# gradient plumbing
# ---------------------------------------------------------------------------------------

def broadcast_axes(grad_shape, shape):
    """The axes of a gradient of ``grad_shape`` to sum for a tensor of ``shape`` that was
    broadcast to it: the leading extra ones, and those where ``shape`` has size 1."""
    lead = len(grad_shape) - len(shape)
    return tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad_shape[lead + i] != 1)


def sum_to_shape(grad, shape):
    """Sum a broadcast gradient down to ``shape`` (the reverse of numpy broadcasting);
    ``grad`` is a numpy array or (create_graph) a Tensor, summed by a recorded op."""
    lead = len(grad.shape) - len(shape)
    axes = broadcast_axes(tuple(grad.shape), shape)
    if axes:
        grad = grad.sum(axes, keepdim=True) if isinstance(grad, _tensor_module.Tensor) \
            else grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape) if lead or tuple(grad.shape) != shape else grad


def _fit(grad, node, nr):
    """Bring a gradient to the shape and dtype that ``node``'s output ``nr`` had."""
    shape = node._shape[nr] if node._multi else node._shape
    if tuple(grad.shape) != shape:
        try:
            grad = sum_to_shape(grad, shape)
        except (ValueError, RuntimeError):
            raise RuntimeError(
                f"Function {type(node).__name__} returned an invalid gradient at index "
                f"{nr} - got {list(grad.shape)} but expected shape compatible with "
                f"{list(shape)}") from None
    if isinstance(grad, _tensor_module.Tensor):
        if grad._data.dtype != node._dtype:
            from .._dtype import from_numpy_dtype
            grad = grad.to(from_numpy_dtype(node._dtype))
    elif grad.dtype != node._dtype:
        grad = grad.astype(node._dtype)
    return grad


def _wrap(array):
    return _tensor_module.Tensor._wrap(array)


def _note_grad_written(tensor, restart):
    _tensor_module._note_grad_written(tensor, restart)


def _run_tensor_hooks(node, grad, obs, graph=False):
    """Hooks registered on the tensor this node produced, then retain_grad (last, so the
    stored .grad is what the hooks returned, as in PyTorch). ``graph``: the gradients
    are Tensors (create_graph), passed and kept as they are."""
    extra = node._extra
    for nr, fn in extra.get("hooks", ()):
        incoming = grad[nr] if node._multi else grad
        if incoming is None:
            continue
        new = fn(incoming if graph else _wrap(incoming))
        if obs is not None:
            obs("hook", {"node": node, "hook": fn, "grad": incoming, "output_nr": nr,
                         "result": None if new is None else new._data})
        if new is None:
            continue
        if node._multi:
            grad = list(grad)
            grad[nr] = new if graph else new._data
        else:
            grad = new if graph else new._data
    for nr, ref in extra.get("retain", ()):
        tensor = ref()
        g = grad[nr] if node._multi else grad
        if tensor is None or g is None:
            continue
        before = tensor._grad
        was = None if obs is None or before is None else before._data.copy()
        if graph:
            tensor._grad = g.clone() if before is None else before + g
        elif before is None:
            tensor._grad = _wrap(np.array(g, copy=True))
        else:
            before._data = before._data + g
        if obs is not None:
            obs("retain", {"node": node, "tensor": tensor, "grad": g, "before": was,
                           "after": tensor._grad._data.copy()})
    return grad


def _accumulate(node, grad, owned, exposed, obs):
    """AccumulateGrad: leaf hooks, ``.grad += grad`` in place, post-accumulate hooks.

    A new ``.grad`` adopts the incoming array without copying when that is safe: the
    engine never writes into an array it does not own, so an array shared only inside
    the graph (e.g. ``add`` sends the same gradient to both inputs) may become one
    leaf's ``.grad``; ``exposed`` lists arrays a hook, the caller or another leaf holds,
    which must be copied instead.
    """
    var = node.variable
    extra = var._extra
    if extra is not None and extra.hooks:
        for fn in tuple(extra.hooks):
            exposed.add(id(grad))
            new = fn(_wrap(grad))
            if obs is not None:
                obs("hook", {"node": node, "hook": fn, "grad": grad,
                             "result": None if new is None else new._data})
            if new is not None:
                grad = new._data
                exposed.add(id(grad))
    before = var._grad
    was = None if obs is None or before is None else before._data.copy()
    incoming = grad
    if before is None:
        if not _adoptable(grad, owned, exposed):
            grad = np.array(grad, order="C", copy=True)
        exposed.add(id(grad))
        var._grad = _wrap(grad)
    else:
        data = before._data
        if data.shape == grad.shape or data.ndim >= grad.ndim:
            np.add(data, grad, out=data, casting="unsafe")
        else:
            before._data = data + grad
    _note_grad_written(var, restart=before is None)
    if obs is not None:
        _report_accumulate(obs, node, var, incoming, was)
    if extra is not None and extra.post_hooks:
        for fn in tuple(extra.post_hooks):
            fn(var)


def _report_accumulate(obs, node, var, grad, before):
    """The "accumulate" event, once ``.grad`` is written: the gradient added, the
    ``.grad`` before (a copy, or None) and the ``.grad`` after (a copy), so observers
    show what the engine wrote instead of recomputing it."""
    obs("accumulate", {"node": node, "tensor": var, "grad": grad, "before": before,
                       "after": var._grad._data.copy()})


def _adoptable(grad, owned, exposed):
    """May ``grad`` become a leaf's ``.grad`` as it is? It must be a writeable C-ordered
    array (PyTorch's ``.grad`` is contiguous) that only the engine holds: owned (fresh,
    or a view of a fresh array nothing else sees), or shared only inside the graph and
    not yet given to a hook, the caller or another leaf."""
    if type(grad) is not _ndarray or not grad.flags.c_contiguous or not grad.flags.writeable:
        return False
    return owned or (grad.base is None and id(grad) not in exposed)


# ---------------------------------------------------------------------------------------
# the engine
# ---------------------------------------------------------------------------------------

def _dependencies(roots):
    """How many edges lead into each node reachable from the roots. Each node's edges
    are counted once, also when it is a root listed twice or reachable from another root
    (the outputs of one split, or a loss and an intermediate of it)."""
    deps = {}
    stack = list(dict.fromkeys(roots))
    seen = set(stack)
    push, pop = stack.append, stack.pop
    while stack:
        for nxt, _ in pop().next_functions:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                push(nxt)
    return deps


def _needed(roots, targets):
    """Nodes from which a target can be reached: the only ones autograd.grad must run.
    Iterative post-order walk: a node is needed if it is a target or a child is needed."""
    flag, done = {}, set()
    for root in roots:
        if root in done:
            continue
        flag[root] = root in targets
        stack = [(root, iter(root.next_functions))]
        while stack:
            node, children = stack[-1]
            for nxt, _ in children:
                if nxt is None:
                    continue
                if nxt in done:
                    flag[node] = flag[node] or flag[nxt]
                    continue
                flag[nxt] = nxt in targets
                stack.append((nxt, iter(nxt.next_functions)))
                break
            else:
                stack.pop()
                done.add(node)
                if stack and flag[node]:
                    flag[stack[-1][0]] = True
    return {n for n, f in flag.items() if f}


def _add_to_buffer(buffers, owned, node, nr, grad, grad_owned, obs):
    """Sum a gradient into the input buffer of ``node`` (fan-out points add up here).
    ``owned`` holds the nodes whose buffered array nobody else references, so it may be
    added to in place or adopted as a leaf's ``.grad``."""
    if node._multi:
        slot = buffers.get(node)
        if slot is None:
            slot = buffers[node] = [None] * len(node._shape)
        prev = slot[nr]
        slot[nr] = grad if prev is None else prev + grad
        return
    prev = buffers.get(node)
    if prev is None:
        buffers[node] = grad
        if grad_owned:
            owned.add(node)
        return
    if obs is not None:
        obs("fanout", {"node": node, "before": np.array(prev, copy=True), "grad": grad})
    if node in owned and type(prev) is _ndarray:
        np.add(prev, grad, out=prev)
    else:
        total = prev + grad
        buffers[node] = total if type(total) is _ndarray else np.asarray(total)
        owned.add(node)


def run_backward(roots, grads, retain_graph=False, captures=None, accumulate=True,
                 root_tensors=(), create_graph=False):
    """Run backward from ``roots`` (list of ``(node, output_nr)``) seeded with ``grads``
    (list of ``(array, owned)``; of Tensors when ``create_graph``); ``root_tensors`` are
    the tensors those edges came from (passed on to observers, which draw them).

    Parameters
    ----------
    captures : dict, optional
        ``{node: [(output_nr, slot), ...]}``: gradients arriving at these nodes are
        returned (``autograd.grad``); only nodes leading to them are run.
    accumulate : bool
        False for ``autograd.grad``: leaves' ``.grad`` is left alone.
    create_graph : bool
        Run the rules on Tensors with grad mode on: the gradients (captured, or
        accumulated into ``.grad``) are Tensors with a graph of their own.

    Returns
    -------
    dict slot -> array of captured gradients (Tensor when ``create_graph``).
    """
    if create_graph:
        return _run_graph(roots, grads, retain_graph, captures, accumulate, root_tensors)
    obs = _broadcast_events if _observers else None
    root_nodes = [n for n, _ in roots]
    buffers, owned = {}, set()
    exposed = {id(g) for g, grad_owned in grads if not grad_owned}   # the caller's arrays
    for (node, nr), (grad, grad_owned) in zip(roots, grads):
        _add_to_buffer(buffers, owned, node, nr, grad, grad_owned, None)
    deps = _dependencies(root_nodes)
    needed = None if captures is None else _needed(root_nodes, captures)
    results = {}
    ready = [(-node._seq, node) for node in dict.fromkeys(root_nodes) if node not in deps]
    heapq.heapify(ready)
    if obs is not None:
        obs("begin", {"roots": roots, "tensors": tuple(root_tensors),
                      "grads": [g for g, _ in grads], "retain_graph": retain_graph})
    error = None
    try:
        with np.errstate(all="ignore"):   # inf/nan flow silently, as in PyTorch
            _execute(ready, buffers, owned, exposed, deps, needed, captures, results,
                     retain_graph, accumulate, obs)
    except BaseException as exc:
        error = exc
        raise
    finally:
        if obs is not None:
            obs("end", {"error": error})
    return results


def _execute(ready, buffers, owned, exposed, deps, needed, captures, results,
             retain_graph, accumulate, obs):
    """The loop: take the next ready node, run its rule, route each input's gradient.

    Written flat because it runs once per node: the rule call, the version check and
    the common single-output buffer update are inline. A chain makes exactly one node
    ready at a time; that node is run next directly instead of going through the heap.
    """
    heappush, heappop = heapq.heappush, heapq.heappop
    pop_buffer = buffers.pop
    following = None
    while following is not None or ready:
        if following is not None:
            node, following = following, None
        else:
            node = heappop(ready)[1]
        grad = pop_buffer(node, None)
        if node in owned:
            owned.discard(node)
            grad_owned = True
        else:
            grad_owned = False
        node_type = type(node)
        if grad is not None and node._extra is not None and node_type is not AccumulateGrad:
            exposed.add(id(grad))
            grad = _run_tensor_hooks(node, grad, obs)
            exposed.add(id(grad))
            grad_owned = False
        if captures is not None and node in captures:
            _capture(node, grad, captures[node], results, obs)
            exposed.add(id(grad))     # the caller now holds this array too
            grad_owned = False
        if node_type is AccumulateGrad:
            if accumulate and grad is not None:
                _accumulate(node, grad, grad_owned, exposed, obs)
            continue
        if obs is not None:
            obs("node", {"node": node, "grad": grad})
        # run the rule
        if grad is None or node._multi:
            outs = _apply_special(node, grad, retain_graph)
        else:
            saved = node._saved
            if saved is None:
                raise RuntimeError(FREED_MESSAGE)
            checks = node._checks
            if checks is not None:
                for _, counter, version, _ in checks:
                    if counter[0] != version:
                        check_saved_versions(node)   # raises with the details
            outs = node._vjp(grad)
            if saved and not retain_graph:
                node._saved = None        # free what the rule saved; a second pass raises
                node._checks = None
        for (nxt, nr), g in zip(node.next_functions, outs):
            if nxt is None or (needed is not None and nxt not in needed):
                continue
            if g is not None:
                # a rule's fresh result is ours to reuse; so is the incoming gradient (or
                # a view of it, as t() and view() return) if we owned it and it goes to
                # a single input
                if g is grad:
                    g_owned = grad_owned and len(outs) == 1
                elif g.base is None:
                    g_owned = True
                else:
                    g_owned = _view_is_ours(g, grad, grad_owned and len(outs) == 1)
                nd = nxt._dtype
                if g.shape != nxt._shape or (g.dtype is not nd and g.dtype != nd):
                    fitted = _fit(g, nxt, nr)
                    if fitted is not g:
                        g, g_owned = fitted, True
                if obs is not None:
                    obs("edge", {"node": node, "next": nxt, "output_nr": nr, "grad": g})
                prev = buffers.get(nxt)
                if prev is None and not nxt._multi:
                    buffers[nxt] = g
                    if g_owned:
                        owned.add(nxt)
                elif obs is None and nxt in owned and type(prev) is _ndarray:
                    np.add(prev, g, out=prev)     # fan-out: add into our own array
                else:
                    _add_to_buffer(buffers, owned, nxt, nr, g, g_owned, obs)
            left = deps[nxt] - 1
            if left:
                deps[nxt] = left
            elif following is None and not ready:
                following = nxt
            else:
                if following is not None:
                    heappush(ready, (-following._seq, following))
                    following = None
                heappush(ready, (-nxt._seq, nxt))


def _view_is_ours(view, grad, grad_ours):
    """Ownership of a rule result that is a view (``grad.T``, ``(g.T @ x).T``,
    ``grad.reshape(...)``): a writeable view of the incoming gradient is ours if that
    was; a view of a temporary the rule made is ours when nothing else references the
    temporary (its only reference is the view; sys.getrefcount adds its argument).
    Broadcast views are read-only and never ours."""
    if not view.flags.writeable:
        return False
    # (no local name for view.base: it would add the reference being counted)
    if view.base is grad or view.base is getattr(grad, "base", None):
        return grad_ours
    return view.base.base is None and _sole_reference(view)


def _sole_reference(view):
    """True if the array behind ``view`` is referenced by nothing but the view."""
    return sys.getrefcount(view.base) <= _SOLE_REFERENCE_COUNT


def _calibrate_sole_reference():
    # what sys.getrefcount reports, with this very expression, for an array whose only
    # reference is a view of it (interpreters count differently; measure, don't assume)
    view = np.empty((2, 2)).T
    return sys.getrefcount(view.base)


_SOLE_REFERENCE_COUNT = _calibrate_sole_reference()


def _apply_special(node, grad, retain_graph):
    """Rule call for the uncommon cases: no gradient arrived, or several outputs."""
    if grad is None or all(g is None for g in grad):
        return (None,) * len(node.next_functions)
    grad = node._fill_missing(grad)
    return _call_rule(node, node._vjp, grad, retain_graph)


def _call_rule(node, vjp, grad, retain_graph):
    """Run ``vjp`` (the node's rule on arrays or on Tensors) on ``grad``: refuse saved
    values that were freed or changed in place, and free them unless the graph is kept."""
    saved = node._saved
    if saved is None:
        raise RuntimeError(FREED_MESSAGE)
    if node._checks is not None:
        check_saved_versions(node)
    outs = vjp(grad)
    if saved and not retain_graph:
        node._saved = None
        node._checks = None
    return outs


def _capture(node, grad, slots, results, obs):
    for nr, slot in slots:
        g = (grad[nr] if grad is not None else None) if node._multi else grad
        results[slot] = g
        if obs is not None:
            obs("capture", {"node": node, "output_nr": nr, "grad": g})


# ---------------------------------------------------------------------------------------
# create_graph: the same order, on Tensors
# ---------------------------------------------------------------------------------------

_GRADIENT_KEYS = ("grad", "grads", "result")


def _arrays_for_observers(event, data):
    """Observers receive gradients as numpy arrays: unwrap those of a graph pass (the
    tensors an event is about, such as the leaf of "accumulate", stay Tensors)."""
    Tensor = _tensor_module.Tensor
    out = dict(data)
    for key in _GRADIENT_KEYS:
        value = out.get(key)
        if isinstance(value, Tensor):
            out[key] = value._data
        elif isinstance(value, list):
            out[key] = [v._data if isinstance(v, Tensor) else v for v in value]
    _broadcast_events(event, out)


def _run_graph(roots, grads, retain_graph, captures, accumulate, root_tensors):
    """:func:`run_backward` for ``create_graph=True``: the rules' ``_vjp_tensors``, run
    with grad mode on, and Tensors between them."""
    obs = _arrays_for_observers if _observers else None
    root_nodes = [n for n, _ in roots]
    buffers = {}
    for (node, nr), grad in zip(roots, grads):
        _add_tensor_to_buffer(buffers, node, nr, grad, None)
    deps = _dependencies(root_nodes)
    needed = None if captures is None else _needed(root_nodes, captures)
    ready = [(-node._seq, node) for node in dict.fromkeys(root_nodes) if node not in deps]
    heapq.heapify(ready)
    results = {}
    if obs is not None:
        obs("begin", {"roots": roots, "tensors": tuple(root_tensors), "grads": list(grads),
                      "retain_graph": retain_graph})
    error = None
    try:
        with enable_grad(), np.errstate(all="ignore"):
            while ready:
                node = heapq.heappop(ready)[1]
                for nxt in _run_graph_node(node, buffers.pop(node, None), buffers, needed,
                                           captures, results, retain_graph, accumulate, obs):
                    deps[nxt] -= 1
                    if not deps[nxt]:
                        heapq.heappush(ready, (-nxt._seq, nxt))
    except BaseException as exc:
        error = exc
        raise
    finally:
        if obs is not None:
            obs("end", {"error": error})
    return results


def _run_graph_node(node, grad, buffers, needed, captures, results, retain_graph,
                    accumulate, obs):
    """Run one node on Tensors; route its gradients into ``buffers``. Returns the next
    nodes whose dependency count drops."""
    if grad is not None and node._extra is not None and type(node) is not AccumulateGrad:
        grad = _run_tensor_hooks(node, grad, obs, graph=True)
    if captures is not None and node in captures:
        _capture(node, grad, captures[node], results, obs)
    if type(node) is AccumulateGrad:
        if accumulate and grad is not None:
            _accumulate_graph(node, grad, obs)
        return ()
    if obs is not None:
        obs("node", {"node": node, "grad": grad})
    outs = _apply_graph(node, grad, retain_graph)
    following = []
    for (nxt, nr), g in zip(node.next_functions, outs):
        if nxt is None or (needed is not None and nxt not in needed):
            continue
        if g is not None:
            g = _fit(g, nxt, nr)
            if obs is not None:
                obs("edge", {"node": node, "next": nxt, "output_nr": nr, "grad": g})
            _add_tensor_to_buffer(buffers, nxt, nr, g, obs)
        following.append(nxt)
    return following


def _add_tensor_to_buffer(buffers, node, nr, grad, obs):
    """Sum a Tensor gradient into ``node``'s input buffer (a recorded add at fan-out)."""
    if node._multi:
        slot = buffers.get(node)
        if slot is None:
            slot = buffers[node] = [None] * len(node._shape)
        slot[nr] = grad if slot[nr] is None else slot[nr] + grad
        return
    prev = buffers.get(node)
    if prev is not None and obs is not None:
        obs("fanout", {"node": node, "before": prev._data.copy(), "grad": grad})
    buffers[node] = grad if prev is None else prev + grad


def _apply_graph(node, grad, retain_graph):
    """The node's rule on Tensors (missing outputs' gradients are zeros)."""
    if grad is None or (node._multi and all(g is None for g in grad)):
        return (None,) * len(node.next_functions)
    if node._multi:
        grad = [_wrap(np.zeros(s, node._dtype)) if g is None else g
                for g, s in zip(grad, node._shape)]
    return _call_rule(node, node._vjp_tensors, grad, retain_graph)


def graph_grad_update(before, grad):
    """The new ``.grad`` of a leaf given a gradient Tensor made with create_graph: a copy
    (CopyBackwards when it has a graph, as PyTorch's AccumulateGrad makes), or else
    ``before + grad``, out of place so that ``before`` keeps its value and graph."""
    if before is not None:
        return before + grad
    if grad._rg:
        return _wrap(np.empty_like(grad._data, order="C")).copy_(grad)
    return _wrap(np.array(grad._data, order="C", copy=True))


def _accumulate_graph(node, grad, obs):
    """AccumulateGrad with create_graph, as PyTorch: a new ``.grad`` is a copy of the
    gradient (CopyBackwards when it has a graph), a later one ``.grad + grad``."""
    var = node.variable
    extra = var._extra
    if extra is not None and extra.hooks:
        for fn in tuple(extra.hooks):
            new = fn(grad)
            if obs is not None:
                obs("hook", {"node": node, "hook": fn, "grad": grad,
                             "result": None if new is None else new})
            if new is not None:
                grad = new
    before = var._grad
    was = None if obs is None or before is None else before._data.copy()
    var._grad = graph_grad_update(before, grad)
    _note_grad_written(var, restart=before is None)
    if obs is not None:
        _report_accumulate(obs, node, var, grad, was)
    if extra is not None and extra.post_hooks:
        for fn in tuple(extra.post_hooks):
            fn(var)
