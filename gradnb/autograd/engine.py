"""The backward engine: runs a graph of nodes in dependency order, sums gradients at
fan-out points, reduces broadcast gradients back to each input's shape, accumulates into
leaves' ``.grad``, runs hooks, and reports each step to observers when any are attached.

Order: a node runs once every gradient flowing into it has arrived (dependency counts);
among ready nodes, leaves' ``AccumulateGrad`` first, then the most recently created node,
as PyTorch's CPU engine does. Observers cost nothing when none are attached: the loop
reads one local variable per event site.
"""

import heapq

import numpy as np

from .node import AccumulateGrad

__all__ = ["run_backward", "add_observer", "sum_to_shape"]

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
        ``"node"``, ``"hook"``, ``"edge"``, ``"fanout"``, ``"accumulate"``, ``"capture"``,
        ``"end"`` and ``data`` a dict (see :func:`run_backward` for the keys). Arrays in
        the data are live: copy what you keep.

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

def sum_to_shape(grad, shape):
    """Sum a broadcast gradient down to ``shape`` (the reverse of numpy broadcasting)."""
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape) if lead or grad.shape != shape else grad


def _fit(grad, node, nr):
    """Bring a gradient to the shape and dtype that ``node``'s output ``nr`` had."""
    shape = node._shape[nr] if node._multi else node._shape
    if grad.shape != shape:
        try:
            grad = sum_to_shape(grad, shape)
        except ValueError:
            raise RuntimeError(
                f"Function {type(node).__name__} returned an invalid gradient at index "
                f"{nr} - got {list(grad.shape)} but expected shape compatible with "
                f"{list(shape)}") from None
    if grad.dtype != node._dtype:
        grad = grad.astype(node._dtype)
    return grad


def _wrap(array):
    from ..tensor import Tensor
    return Tensor._wrap(array)


def _run_tensor_hooks(node, grad, obs):
    """Hooks registered on the tensor this node produced, then retain_grad (last, so the
    stored .grad is what the hooks returned, as in PyTorch)."""
    extra = node._extra
    for nr, fn in extra.get("hooks", ()):
        if node._multi:
            grad = list(grad)
            new = fn(_wrap(grad[nr])) if grad[nr] is not None else None
            if new is not None:
                grad[nr] = new._data
            continue
        new = fn(_wrap(grad))
        if obs is not None:
            obs("hook", {"node": node, "hook": fn, "grad": grad,
                         "result": None if new is None else new._data})
        if new is not None:
            grad = new._data
    for nr, ref in extra.get("retain", ()):
        tensor = ref()
        g = grad[nr] if node._multi else grad
        if tensor is None or g is None:
            continue
        if tensor._grad is None:
            tensor._grad = _wrap(np.array(g, copy=True))
        else:
            tensor._grad._data = tensor._grad._data + g
    return grad


def _accumulate(node, grad, owned, obs):
    """AccumulateGrad: leaf hooks, ``.grad += grad`` in place, post-accumulate hooks."""
    var = node.variable
    extra = var._extra
    if extra is not None and extra.hooks:
        for fn in tuple(extra.hooks):
            new = fn(_wrap(grad))
            if obs is not None:
                obs("hook", {"node": node, "hook": fn, "grad": grad,
                             "result": None if new is None else new._data})
            if new is not None:
                grad, owned = new._data, False
    before = var._grad
    if obs is not None:
        obs("accumulate", {"node": node, "tensor": var, "grad": grad,
                           "before": None if before is None else before._data.copy()})
    if before is None:
        # adopt the array when nobody else can see it; otherwise keep a private copy
        if not owned or grad.base is not None or not grad.flags.writeable:
            grad = np.array(grad, copy=True)
        var._grad = _wrap(grad)
    else:
        data = before._data
        if data.shape == grad.shape or data.ndim >= grad.ndim:
            np.add(data, grad, out=data, casting="unsafe")
        else:
            before._data = data + grad
    if extra is not None and extra.post_hooks:
        for fn in tuple(extra.post_hooks):
            fn(var)


# ---------------------------------------------------------------------------------------
# the engine
# ---------------------------------------------------------------------------------------

def _dependencies(roots):
    """How many edges lead into each node reachable from the roots."""
    deps = {}
    stack = [n for n in roots]
    seen = set(stack)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            if nxt in seen:
                deps[nxt] = deps.get(nxt, 0) + 1
            else:
                seen.add(nxt)
                deps[nxt] = 1
                stack.append(nxt)
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
    """Sum a gradient into the input buffer of ``node`` (fan-out points add up here)."""
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
        obs("fanout", {"node": node, "before": prev.copy(), "grad": grad})
    if node in owned and prev.shape == grad.shape:
        np.add(prev, grad, out=prev)
    else:
        buffers[node] = prev + grad
        owned.add(node)


def run_backward(roots, grads, retain_graph=False, captures=None, accumulate=True):
    """Run backward from ``roots`` (list of ``(node, output_nr)``) seeded with ``grads``
    (list of ``(array, owned)``).

    Parameters
    ----------
    captures : dict, optional
        ``{node: [(output_nr, slot), ...]}``: gradients arriving at these nodes are
        returned (``autograd.grad``); only nodes leading to them are run.
    accumulate : bool
        False for ``autograd.grad``: leaves' ``.grad`` is left alone.

    Returns
    -------
    dict slot -> array of captured gradients.
    """
    obs = _broadcast_events if _observers else None
    root_nodes = [n for n, _ in roots]
    buffers, owned = {}, set()
    for (node, nr), (grad, grad_owned) in zip(roots, grads):
        _add_to_buffer(buffers, owned, node, nr, grad, grad_owned, None)
    deps = _dependencies(root_nodes)
    needed = None if captures is None else _needed(root_nodes, captures)
    results = {}
    ready = []
    for node in dict.fromkeys(root_nodes):
        if deps.get(node, 0) == 0:
            heapq.heappush(ready, (-node._seq, id(node), node))
    if obs is not None:
        obs("begin", {"roots": roots, "grads": [g for g, _ in grads],
                      "retain_graph": retain_graph})
    error = None
    try:
        _execute(ready, buffers, owned, deps, needed, captures, results,
                 retain_graph, accumulate, obs)
    except BaseException as exc:
        error = exc
        raise
    finally:
        if obs is not None:
            obs("end", {"error": error})
    return results


def _execute(ready, buffers, owned, deps, needed, captures, results,
             retain_graph, accumulate, obs):
    heappush, heappop = heapq.heappush, heapq.heappop
    while ready:
        node = heappop(ready)[2]
        grad = buffers.pop(node, None)
        grad_owned = node in owned
        owned.discard(node)
        if grad is not None and node._extra is not None and type(node) is not AccumulateGrad:
            grad = _run_tensor_hooks(node, grad, obs)
            grad_owned = False
        if captures is not None and node in captures:
            _capture(node, grad, captures[node], results, obs)
            grad_owned = False     # the caller now holds this array too
        if type(node) is AccumulateGrad:
            if accumulate and grad is not None:
                _accumulate(node, grad, grad_owned, obs)
            continue
        if obs is not None:
            obs("node", {"node": node, "grad": grad})
        if grad is None or (node._multi and all(g is None for g in grad)):
            outs = (None,) * len(node.next_functions)
        else:
            if node._multi:
                grad = [np.zeros(s, node._dtype) if g is None else g
                        for g, s in zip(grad, node._shape)]
            outs = node.apply(grad)
            if not retain_graph:
                node.release()
        single = len(outs) == 1
        for (nxt, nr), g in zip(node.next_functions, outs):
            if nxt is None:
                continue
            if needed is not None and nxt not in needed:
                continue
            if g is not None:
                if type(g) is not _ndarray:
                    g = np.asarray(g)
                if g is grad:
                    g_owned = grad_owned and single
                else:
                    g_owned = g.base is None
                if g.shape != nxt._shape or g.dtype != nxt._dtype:
                    fitted = _fit(g, nxt, nr)
                    if fitted is not g:
                        g, g_owned = fitted, True
                if obs is not None:
                    obs("edge", {"node": node, "next": nxt, "output_nr": nr, "grad": g})
                _add_to_buffer(buffers, owned, nxt, nr, g, g_owned, obs)
            left = deps[nxt] - 1
            deps[nxt] = left
            if left == 0:
                heappush(ready, (-nxt._seq, id(nxt), nxt))


def _capture(node, grad, slots, results, obs):
    for nr, slot in slots:
        g = (grad[nr] if grad is not None else None) if node._multi else grad
        results[slot] = g
        if obs is not None:
            obs("capture", {"node": node, "output_nr": nr, "grad": g})
