"""Grouping a graph by ``nn.Module``, so a model is first seen as its layers.

A parameter is named after the module holding it (``net.0.weight``: module ``net.0``,
see :mod:`gradnb.viz.naming`); its AccumulateGrad belongs to the same module. The
*parameter side* of a module is its parameters, their AccumulateGrad and the ops on
those alone (``t()`` of a weight); an op that uses the parameter side of exactly one
module joins it (the ``addmm`` of a Linear), an op on its result only does not (the ReLU
after it). Modules without parameters cannot be told apart in plain code and are not
grouped.

:func:`module_groups` gives the groups as lists of discovered item indices, which
:mod:`gradnb.viz.model` folds with the collapsing machinery (one box per module,
labelled with its name) into the graph's ``modules`` picture.
"""

from . import schema

__all__ = ["module_groups", "MODULE_VIEW_MIN_NODES"]

MODULE_VIEW_MIN_NODES = 12    # smaller graphs are read whole; no module picture


def _module_of(label):
    if not label or "." not in label or " " in label:
        return None
    return label.rsplit(".", 1)[0]


def module_groups(src, found, names):
    """``[(module name, [item indices])]`` of the modules with two or more items, in
    order of first discovery."""
    items = found.items
    owner = {}
    for i, item in enumerate(items):
        if item.kind == schema.TENSOR and src.is_leaf(item.obj) and \
                src.requires_grad(item.obj):
            module = _module_of(names.by_tensor.get(id(item.obj)))
            if module is not None:
                owner[i] = module
    inputs = [[] for _ in items]
    for a, b, _ in found.edges:
        inputs[b].append(a)
    for i, item in enumerate(items):
        if item.kind == schema.ACCUMULATE:
            owner.update({i: owner[a] for a in inputs[i] if a in owner})
    side = set(owner)
    for _ in range(3):        # t() first, then the op that uses it
        for i, item in enumerate(items):
            if item.kind != schema.FUNCTION or i in owner:
                continue
            found_modules = {owner[a] for a in inputs[i] if a in side}
            if len(found_modules) == 1:
                owner[i] = found_modules.pop()
                if all(a in side for a in inputs[i]):
                    side.add(i)
    members = {}
    for i in sorted(owner):
        members.setdefault(owner[i], []).append(i)
    return [(module, ids) for module, ids in members.items() if len(ids) > 1]
