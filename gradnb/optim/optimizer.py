"""``optim.Optimizer``: parameter groups, per-parameter state, ``zero_grad``,
``state_dict``/``load_state_dict`` and the printed form shared by every optimizer.

An optimizer's updates run on the parameters' numpy arrays directly: no tensors or
graph nodes are made per parameter, which keeps a training step's overhead small. Each
update still bumps the parameter's version counter, as PyTorch's in-place update does,
so a graph that saved the old values refuses to backward through them.
"""

import collections
import copy
import itertools
import warnings

import weakref

import numpy as np

from .._naming import TorchNamedMeta, typename
from ..autograd.grad_mode import enable_grad
from ..nn.modules.module import reset_grad
from ..tensor import Tensor

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Marks a hyper-parameter that has no default (each group must give it)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer(metaclass=TorchNamedMeta):
    """Base class of the optimizers.

    Parameters
    ----------
    params : iterable
        Tensors, ``(name, tensor)`` pairs, or dicts (parameter groups with their own
        hyper-parameters, e.g. ``{'params': model.fc.parameters(), 'lr': 0.1}``).
    defaults : dict
        Hyper-parameters used by groups that do not set them.
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = collections.defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {typename(params)}")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a group of parameters with its own hyper-parameters (e.g. to train newly
        unfrozen layers with a smaller learning rate)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        _collect_params(param_group)
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params "
                                f"is {typename(param)}")
            if not self.defaults.get("differentiable") and \
                    not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        self._check_no_overlap(param_group)
        self.param_groups.append(param_group)

    def _check_no_overlap(self, param_group):
        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "in future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          UserWarning, stacklevel=4)
        existing = set()
        for group in self.param_groups:
            existing.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                raise ValueError("all optimizer param groups should be with/without names. "
                                 "cannot add param group with names to the optimizer "
                                 "without names")
        if not existing.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all optimized parameters: to None (default), or to
        zeros in place."""
        for group in self.param_groups:
            for param in group["params"]:
                reset_grad(param, set_to_none)

    def step(self, closure=None):
        """Update the parameters from their ``.grad``; ``closure`` (optional) re-computes
        and returns the loss first. Subclasses implement ``_update(param, group)`` for one
        parameter that has a gradient (or override ``step`` to batch the work)."""
        loss = evaluate_closure(closure)
        for group in self.param_groups:
            for param in group["params"]:
                if param._grad is not None:
                    self._update(param, group)
        return loss

    def _update(self, param, group):
        raise NotImplementedError

    # -- state_dict ---------------------------------------------------------------------
    def state_dict(self):
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}``:
        parameters are referred to by their position across all groups."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for param in group["params"]:
                index.setdefault(id(param), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v
                 for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore hyper-parameters and state saved by :meth:`state_dict`, matching
        parameters by position."""
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(self.param_groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"])
               for g, s in zip(self.param_groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        by_index = dict(zip(itertools.chain.from_iterable(g["params"] for g in saved_groups),
                            itertools.chain.from_iterable(g["params"]
                                                          for g in self.param_groups)))
        state = collections.defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in by_index:
                param = by_index[key]
                state[param] = {k: _cast_like(param, k, v) for k, v in value.items()}
            else:
                state[key] = value
        for group, saved in zip(self.param_groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group:
                saved.setdefault("param_names", group["param_names"])
        self.state = state
        self.param_groups = saved_groups

    # -- printing -----------------------------------------------------------------------
    def __repr__(self):
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _collect_params(param_group):
    """Normalise ``param_group['params']`` to a list of tensors; ``(name, tensor)`` pairs
    also set ``param_group['param_names']``."""
    params = param_group["params"]
    if isinstance(params, Tensor):
        params = [params]
    elif isinstance(params, set):
        raise TypeError("optimizer parameters need to be organized in ordered collections, "
                        "but the ordering of tensors in sets will change between runs. Please "
                        "use a list instead.")
    params = list(params)
    names = [p[0] for p in params if isinstance(p, tuple)]
    param_group["params"] = [p[1] if isinstance(p, tuple) else p for p in params]
    if names:
        if len(names) != len(params):
            raise ValueError("all optimizer params should be with/without names. Some param "
                             "names are missing")
        param_group["param_names"] = names


def _cast_like(param, key, value):
    """Loaded state in the parameter's dtype (the step counter stays as saved)."""
    if isinstance(value, Tensor) and key != "step" and param.is_floating_point():
        return value.to(param.dtype)
    return value


def evaluate_closure(closure):
    """The loss from ``closure()`` (run with grad enabled), or None without a closure."""
    if closure is None:
        return None
    with enable_grad():
        return closure()


def number(value):
    """A hyper-parameter as a python number (PyTorch also accepts 1-element tensors)."""
    return value.item() if isinstance(value, Tensor) else value


# id(param) -> (weak param, the version an optimizer step left it at): lets the views say
# "updated by optimizer.step()" rather than "changed in place" (weak: keeps nothing alive)
STEPPED = {}


def bump_version(param):
    """Record an in-place change of ``param``'s values, as PyTorch's ``add_`` does."""
    param._vc[0] += 1
    key = id(param)
    entry = STEPPED.get(key)
    ref = entry[0] if entry is not None and entry[0]() is param else \
        weakref.ref(param, lambda r, key=key: _forget(key, r))
    STEPPED[key] = (ref, param._vc[0])


def _forget(key, ref):
    entry = STEPPED.get(key)
    if entry is not None and entry[0] is ref:
        del STEPPED[key]


def stepped_by_optimizer(param):
    """True when the last in-place change of ``param`` was an optimizer's step."""
    entry = STEPPED.get(id(param))
    return entry is not None and entry[0]() is param and entry[1] == param._vc[0]


def step_counter():
    """A parameter's step count in optimizer state: a 0-d float32 tensor, as in PyTorch."""
    return Tensor._wrap(np.zeros((), np.float32))


def zeros_like_param(param):
    """A zero tensor shaped like ``param``, for running averages in optimizer state."""
    return Tensor._wrap(np.zeros_like(param._data))


def lerp_(start, end, weight):
    """``start += weight * (end - start)`` on arrays in place, in the two forms PyTorch's
    lerp uses (the second is more accurate when ``weight`` is close to 1)."""
    if weight < 0.5:
        start += weight * (end - start)
    else:
        np.subtract(end, (end - start) * (1 - weight), out=start)
