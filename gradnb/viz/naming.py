"""Names for tensors, found by identity in a namespace such as the user's globals.

A graph shows ``x``, ``w``, ``total`` because those tensors are bound to those names;
parameters of a module bound to ``model`` show as ``model.0.weight``. Intermediate
results are named through their ``grad_fn``: a tensor bound to ``total`` is what output
``nr`` of its ``grad_fn`` produced, so the graph draws ``total`` after that node.

A namespace is held without keeping anything alive: a module namespace (it has
``__name__``, e.g. IPython's ``user_ns`` or ``globals()``) is kept as the dict, which
lives as long as its module anyway, so later refreshes see new names; any other mapping
is copied as weak references to the tensors and modules it holds.
"""

import weakref

from .source import is_any_tensor

__all__ = ["Namespace", "Names"]


class Names:
    """The names visible at one moment: ``by_tensor`` maps ``id(tensor)`` to a name and
    ``by_edge`` maps ``(id(grad_fn), output_nr)`` to the named tensor it produced.
    ``keep`` holds the named objects so their ids stay valid while a graph is built."""

    __slots__ = ("by_tensor", "by_edge", "keep", "src")

    def __init__(self, src):
        self.by_tensor, self.by_edge, self.keep = {}, {}, []
        self.src = src

    def add(self, name, tensor):
        """Name ``tensor`` unless it already has a name (the first binding wins)."""
        key = id(tensor)
        if key in self.by_tensor:
            return
        self.by_tensor[key] = name
        self.keep.append(tensor)
        gfe = self.src.grad_edge(tensor)
        if gfe is not None:
            self.by_edge.setdefault((id(gfe[0]), gfe[1]), tensor)


class _AnyLibrary:
    """Stands for a source when a mapping is copied: any library's tensors."""
    is_tensor = staticmethod(is_any_tensor)


_ANY = _AnyLibrary()


def _is_module(value, src):
    # duck-typed so that viz does not import nn (which may not even be loaded)
    if isinstance(value, type) or src.is_tensor(value):
        return False
    try:
        return callable(getattr(value, "named_parameters", None))
    except Exception:       # exotic objects in a user's namespace may raise anything
        return False


def _ordered_bindings(mapping, src):
    """``(name, value)`` pairs worth naming things after: tensors and modules, public
    names first (IPython's ``_``, ``_3``, ``Out`` copies only name what nothing else
    does), each group in the mapping's own order (definition order in a namespace)."""
    pairs = [(k, v) for k, v in list(mapping.items())
             if isinstance(k, str) and (src.is_tensor(v) or _is_module(v, src))]
    return [p for p in pairs if not p[0].startswith("_")] + \
           [p for p in pairs if p[0].startswith("_")]


def _module_parameters(name, module, src):
    try:
        return [(f"{name}.{pname}", p) for pname, p in module.named_parameters()
                if src.is_tensor(p)]      # only the tensors of the graph's library
    except Exception:      # a half-built user module must not break a picture
        return []


class Namespace:
    """A namespace to name tensors from, held weakly (see the module docstring).

    Parameters
    ----------
    mapping : Mapping or None
    """

    def __init__(self, mapping=None):
        self._module_dict = None
        self._snapshot = ()
        if mapping is None:
            return
        if "__name__" in mapping:
            self._module_dict = mapping
        else:
            self._snapshot = tuple((k, weakref.ref(v))
                                   for k, v in _ordered_bindings(mapping, _ANY))

    def _bindings(self, src):
        if self._module_dict is not None:
            return _ordered_bindings(self._module_dict, src)
        pairs = ((k, ref()) for k, ref in self._snapshot)
        return [(k, v) for k, v in pairs
                if v is not None and (src.is_tensor(v) or _is_module(v, src))]

    def names(self, src):
        """The :class:`Names` bound right now to tensors of ``src``'s library
        (:class:`gradnb.viz.source.Source`)."""
        names = Names(src)
        bindings = self._bindings(src)
        is_tensor = src.is_tensor
        for name, value in bindings:
            if is_tensor(value):
                names.add(name, value)
        for name, value in bindings:    # direct names win over module.parameter names
            if not is_tensor(value):
                for pname, param in _module_parameters(name, value, src):
                    names.add(pname, param)
        return names
