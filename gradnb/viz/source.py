"""THE interface between the views and a tensor library: everything :mod:`gradnb.viz`
and :mod:`gradnb.widgets` know about tensors, graph nodes and backward passes, they read
through a :class:`Source`. Two libraries implement it: gradnb's own core
(:mod:`gradnb.viz.source_gradnb`) and real PyTorch (:mod:`gradnb.viz.source_torch`).
No other module of ``viz`` or ``widgets`` reads a private attribute of either library.

Contract (what an implementation provides; "node" is a ``grad_fn`` object, "tensor" one
of the library's tensors, and every method must be cheap and must not change autograd
state -- no AccumulateGrad created, no warning raised):

Identity
    ``name`` (``"gradnb"``/``"torch"``); ``is_tensor(obj)``; ``owns(obj)`` (a tensor or a
    node of this library). Tensors and nodes are compared by identity (``id``) while the
    caller holds them. ``weak(obj)`` returns a reference to call for the object again;
    ``nodes_weak`` says whether it is weak for nodes too (PyTorch's nodes cannot be
    weakly referenced: its ``weak`` holds a node, which only a running trace uses, and
    the views otherwise reach a node again through the tensor or node they found it
    from).
Tensor facts
    ``shape(t)`` (tuple), ``dtype_text(t)`` (``"torch.float32"``), ``nbytes(t)``,
    ``requires_grad(t)``, ``is_leaf(t)``, ``retains_grad(t)``, ``is_inference(t)``,
    ``version(t)`` (the in-place counter), ``grad_fn_name(t)`` (or None),
    ``grad(t)`` (``.grad`` without the non-leaf warning), ``grad_history(t)``
    (``(passes, stale)``: backward passes summed into ``.grad``, and whether the tensor
    changed in place since), ``stale_cause(t)`` (``"optimizer.step()"`` when the last
    in-place change was an optimizer's step, else None), ``hook_count(t)``,
    ``value_text(t)`` (the library's own repr, summarised; call inside
    :func:`gradnb.viz._values.summary_printoptions`),
    ``array(t)`` (values as a float numpy array, for plots) and ``tensor_state(t, edge)``
    (a hashable token that changes whenever anything above that a view shows changes;
    ``edge`` is the print options' ``edgeitems``).
Graph
    ``grad_edge(t)`` (``(node, output_nr)`` for a tensor with a ``grad_fn``, else None);
    ``accumulator(t)`` (a leaf's existing AccumulateGrad, or None; never creates one);
    ``next_functions(node)``; ``is_accumulate(node)`` and ``variable(node)`` (the leaf an
    AccumulateGrad writes to); ``node_name(node)`` (PyTorch's class name, or the custom
    ``autograd.Function``'s); ``rule_lines(node)`` (readable backward formulas: from
    gradnb's rule table by node name, the source of a custom Function's ``backward``,
    ``["rule not known"]`` otherwise); ``saved_flags(node)`` (``(name, kept,
    skipped_for_constant)`` per value the node's rule may save) and
    ``value_bytes(node, name)``; ``freed(node)`` (backward freed its saved values);
    ``node_state(node)`` (hashable token for what a node's box shows);
    ``stale_saved(node)`` (``(name, version saved, version now)`` per saved tensor
    modified in place since the node saved it: what backward would refuse).
Outside autograd
    ``provenance(t)`` (:class:`gradnb.autograd.provenance.Provenance` of a result autograd
    did not record: the op, weak inputs, the reason; None if unknown);
    ``constant_inputs(node)`` / ``constant_records(node)`` (``{input index: tensor}`` /
    ``{input index: Provenance}`` for the ``(None, 0)`` inputs of a node);
    ``freed_result(prov)`` (a stand-in for a result that is gone, which ``nbytes`` and
    ``pruned_saved_bytes`` accept); ``pruned_saved_bytes(result, prov)`` (what the node
    autograd did not create would have saved); ``reason_text(code)``.
Backward passes
    ``observe(callback)`` attaches ``callback(event, data)`` to every backward pass and
    returns a handle with ``remove()``. Events, in order: ``begin`` (``roots``: ``(node,
    nr)`` edges, ``tensors``: the root tensors or None, ``grads``: seed values),
    ``node`` (``node``, ``grad``: its incoming gradient, a list for multi-output nodes),
    ``hook`` (``node``, ``hook``, ``grad``, ``result``), ``edge`` (``node``, ``next``,
    ``output_nr``, ``grad``: sent to that input), ``fanout`` (``node``, ``before``,
    ``grad``: a gradient added into one already waiting for ``node``), ``accumulate``
    (``node``, ``tensor``, ``before``, ``grad``, ``after``), ``retain`` (``node``,
    ``tensor``, ``before``, ``grad``, ``after``), ``capture`` (``node``, ``output_nr``,
    ``grad``) and ``end`` (``error``: the exception or None). Values are the library's
    own (arrays for gradnb, tensors for torch); ``grad_text(value)`` gives their repr
    and ``add(a, b)`` their sum; ``accumulate`` and ``retain`` events also carry
    ``after``: the ``.grad`` the library wrote (views show it, never recompute it).
    ``run_backward(root, gradient, retain_graph)`` runs the library's own backward
    (for torch: ``root.backward`` observed through node hooks, see its module).
    ``gradients(root, leaves)``: what ``root.backward()`` would add into each leaf's
    ``.grad`` (values as the events carry them, for ``grad_text``; None where no
    gradient arrives), computed with the
    library's ``autograd.grad`` and ``retain_graph=True`` so nothing changes; None when
    it cannot be known (a non-scalar root, a freed graph).
Live views
    ``watch_flags(callback)`` / ``unwatch_flags(callback)``: ``callback(tensor)`` after an
    in-place flag change (``requires_grad_()``), where the library can report it.

:func:`source_of` finds the source of an object; :func:`source_for` that of several and
refuses to mix libraries in one view. Torch is recognised only when the user imported it
(``sys.modules``): gradnb never imports torch.
"""

import sys

_modules = sys.modules

__all__ = ["Source", "MixedLibraries", "source_of", "source_for", "sources_loaded",
           "describe_value", "is_any_tensor", "torch_recorder", "when_torch_imported"]


class Source:
    """Base of the implementations (see the module docstring for the contract)."""

    name = "?"

    def gradients(self, root, leaves):
        """See the module docstring (shared by both libraries: they differ only in
        :meth:`autograd_grad`)."""
        wanted = [t for t in leaves if self.requires_grad(t)]
        out = {id(t): None for t in leaves}
        if not wanted or not self.requires_grad(root):
            return [None] * len(leaves)
        try:
            grads = self.autograd_grad(root, wanted)
        except RuntimeError:
            return None
        out.update((id(t), g) for t, g in zip(wanted, grads))
        return [out[id(t)] for t in leaves]

    def __repr__(self):
        return f"<gradnb.viz source: {self.name}>"


class MixedLibraries(TypeError):
    """A view was given gradnb tensors and torch tensors together."""


def _gradnb():
    return GRADNB


_torch = None


def _torch_source():
    """The torch source, or None when the user has not imported torch."""
    global _torch
    if _torch is None:
        if "torch" not in _modules:
            return None
        from .source_torch import TORCH
        _torch = TORCH
    return _torch


def torch_recorder():
    """The recorder of what real PyTorch's autograd skipped
    (:class:`gradnb.viz.source_torch.Recorder`), or None when torch is not imported."""
    if "torch" not in sys.modules:
        return None
    from .source_torch import RECORDER
    return RECORDER


class _TorchImportWatcher:
    """A ``sys.meta_path`` entry that calls ``callback()`` right after the user's
    ``import torch`` has run (so a cell that imports torch and computes is recorded from
    its first torch op). It imports nothing itself and removes itself once used."""

    def __init__(self, callback):
        self.callback = callback

    def find_spec(self, name, path=None, target=None):
        if name != "torch":
            return None
        self.remove()
        import importlib.util
        spec = importlib.util.find_spec("torch")     # the real finders, without us
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run, callback = loader.exec_module, self.callback

        def exec_module(module):
            run(module)
            callback()
        loader.exec_module = exec_module
        return spec

    def remove(self):
        while self in sys.meta_path:
            sys.meta_path.remove(self)


def when_torch_imported(callback):
    """Call ``callback()`` once torch is imported: now if it already is, else right
    after the user's ``import torch``. Returns an object with ``remove()``."""
    watcher = _TorchImportWatcher(callback)
    if "torch" in _modules:
        callback()
    else:
        sys.meta_path.insert(0, watcher)
    return watcher


def sources_loaded():
    """The sources of the libraries loaded now: gradnb, and torch once imported."""
    torch = _torch_source()
    return [_gradnb()] if torch is None else [_gradnb(), torch]


def source_of(obj):
    """The :class:`Source` whose tensor or node ``obj`` is, or None."""
    if isinstance(obj, _GRADNB_TYPES):
        return GRADNB
    torch = _torch if _torch is not None else _torch_source()
    if torch is not None and torch.owns(obj):
        return torch
    return None


def is_any_tensor(obj):
    """True for a gradnb tensor, and for a torch tensor when torch is imported."""
    src = source_of(obj)
    return src is not None and src.is_tensor(obj)


def source_for(objects):
    """The one source of ``objects`` (tensors, nodes or ``(node, nr)`` pairs).

    Raises
    ------
    MixedLibraries
        When they come from two libraries.
    TypeError
        When one is neither a tensor nor a node.
    """
    found = None
    for obj in objects:
        item = obj[0] if isinstance(obj, tuple) and len(obj) == 2 else obj
        src = source_of(item)
        if src is None:
            raise TypeError(f"graph roots must be tensors, not {type(item).__name__}")
        if found is not None and src is not found:
            raise MixedLibraries(
                "a view shows tensors of one library: these mix gradnb tensors and "
                "torch tensors (use one or the other)")
        found = src
    return found if found is not None else _gradnb()


def describe_value(value):
    """``'a list'``, ``'an int'``, ``'a torch tensor'``: how an error message names a
    value."""
    src = source_of(value)
    if src is not None and src.is_tensor(value):
        return f"a {src.name} tensor"
    name = type(value).__name__
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"


# gradnb's core is always there (imported last: it builds on Source above)
from .source_gradnb import GRADNB, GRADNB_TYPES as _GRADNB_TYPES  # noqa: E402
