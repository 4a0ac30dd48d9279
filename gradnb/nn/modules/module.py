"""``nn.Module``: the base class of layers and models.

A module keeps its state in three ordered registries, filled by attribute assignment:
``_parameters`` (Parameters), ``_buffers`` (tensors saved with the model but not
learned) and ``_modules`` (sub-modules). Everything else (``parameters()``,
``state_dict()``, ``train()``, ``to()``, the printed tree) walks those registries in
registration order, which is PyTorch's order. Calling a module runs its forward hooks
around ``forward``.
"""

import collections
import itertools

from ..._naming import TorchNamedMeta, typename
from ...autograd.grad_mode import no_grad
from ...ops.shape import to_target_dtype
from ...tensor import Tensor
from ...utils.hooks import RemovableHandle
from ..parameter import Parameter

__all__ = ["Module", "reset_grad"]


class _IncompatibleKeys(collections.namedtuple("IncompatibleKeys",
                                               ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: keys the model expected but did not get, and
    keys it got but does not have."""

    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self.missing_keys!r}, " \
               f"unexpected_keys={self.unexpected_keys!r})"

    __str__ = __repr__


def _addindent(text, spaces):
    """Indent every line but the first (nested modules in the printed tree)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


def _check_name(kind, name, module, registry):
    """PyTorch's checks on a parameter/buffer/module name before registering it."""
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {typename(name)}")
    if "." in name:
        raise KeyError(f"{kind} name can't contain \".\"" +
                       (f", got: {name}" if kind == "module" else ""))
    if name == "":
        raise KeyError(f"{kind} name can't be empty string \"\"")
    if hasattr(module, name) and name not in registry:
        raise KeyError(f"attribute '{name}' already exists")


def _forward_unimplemented(self, *input):
    """A Module subclass must define ``forward``."""
    raise NotImplementedError(f"Module [{type(self).__name__}] is missing the required "
                              "\"forward\" function")


class Module(metaclass=TorchNamedMeta):
    """Base class for all neural network modules.

    Subclass it, create layers in ``__init__`` (after ``super().__init__()``) and define
    ``forward``; call the module itself, not ``forward``, so hooks run.
    """

    training: bool
    forward = _forward_unimplemented

    def __init__(self, *args, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword "
                            f"argument '{next(iter(kwargs))}'")
        if args:
            raise TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument "
                            f"but {len(args) + 1} were given")
        # object.__setattr__: our __setattr__ needs these registries to exist already
        setattr_ = object.__setattr__
        setattr_(self, "training", True)
        setattr_(self, "_parameters", {})
        setattr_(self, "_buffers", {})
        setattr_(self, "_non_persistent_buffers_set", set())
        setattr_(self, "_forward_hooks", {})
        setattr_(self, "_forward_pre_hooks", {})
        setattr_(self, "_modules", {})

    # -- calling ------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if self._forward_hooks or self._forward_pre_hooks:
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    def _call_with_hooks(self, args, kwargs):
        for hook in tuple(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook in tuple(self._forward_hooks.values()):
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    def register_forward_hook(self, hook):
        """Run ``hook(module, args, output)`` after each forward; a non-None return
        replaces the output.

        Returns
        -------
        RemovableHandle
        """
        return self._add_hook(self._forward_hooks, hook)

    def register_forward_pre_hook(self, hook):
        """Run ``hook(module, args)`` before each forward; a non-None return replaces
        the positional arguments."""
        return self._add_hook(self._forward_pre_hooks, hook)

    @staticmethod
    def _add_hook(hooks, hook):
        key = object()
        hooks[key] = hook
        return _DictHandle(hooks, key)

    # -- registration -------------------------------------------------------------------
    def register_parameter(self, name, param):
        """Add a Parameter (or None, a declared but absent parameter) under ``name``."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _check_name("parameter", name, self, self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{typename(param)}' object to parameter '{name}' "
                            "(torch.nn.Parameter or None required)")
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must "
                f"be created explicitly. To express '{name}' as a function of another Tensor, "
                "compute the value in the forward() method.")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Add a tensor that is part of the module's state but not learned (e.g. running
        statistics); ``persistent=False`` leaves it out of ``state_dict()``."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _check_name("buffer", name, self, self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{typename(tensor)}' object to buffer '{name}' "
                            "(torch Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name, module):
        """Add a child module under ``name`` (also reachable as an attribute)."""
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{typename(module)} is not a Module subclass")
        _check_name("module", name, self, self._modules)
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{typename(value)}' as parameter '{name}' "
                                "(torch.nn.Parameter or None expected)")
            self.register_parameter(name, value)
        else:
            self._set_module_buffer_or_plain(d, name, value)

    def _set_module_buffer_or_plain(self, d, name, value):
        modules = d.get("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name)
            modules[name] = value
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{typename(value)}' as child module '{name}' "
                                "(torch.nn.Module or None expected)")
            modules[name] = value
        else:
            buffers = d.get("_buffers")
            if buffers is not None and name in buffers:
                if value is not None and not isinstance(value, Tensor):
                    raise TypeError(f"cannot assign '{typename(value)}' as buffer '{name}' "
                                    "(torch.nn.Buffer, torch.Tensor or None expected)")
                buffers[name] = value
            else:
                object.__setattr__(self, name, value)

    def _forget(self, name):
        """Drop ``name`` from every registry before it is registered anew."""
        self.__dict__.pop(name, None)
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name):
        # Only reached when normal lookup fails: registered things live in the registries.
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            entries = d.get(registry)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        keys = itertools.chain(super().__dir__(), self._parameters, self._buffers,
                               self._modules)
        return sorted(k for k in set(keys) if not k[:1].isdigit())

    # -- traversal ----------------------------------------------------------------------
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """``(dotted name, module)`` for this module and every descendant, pre-order;
        a module reachable twice is listed once unless ``remove_duplicate=False``."""
        if memo is None:
            memo = set()
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, _join(prefix, name), remove_duplicate)

    def modules(self):
        """This module and every descendant, each once."""
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        """``(name, module)`` for the direct children, each once."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self):
        """The direct child modules."""
        for _, module in self.named_children():
            yield module

    def _named_members(self, registry, prefix, recurse, remove_duplicate):
        seen = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or value in seen:
                    continue
                if remove_duplicate:
                    seen.add(value)
                yield _join(module_prefix, name), value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """``(dotted name, Parameter)`` pairs: each module's own parameters, then its
        children's, in registration order; a shared parameter is listed once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """Every Parameter of this module and its descendants (what optimizers take)."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """``(dotted name, tensor)`` for every buffer."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """Every buffer tensor of this module and its descendants."""
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def get_submodule(self, target):
        """The descendant at dotted path ``target`` (``''`` is this module)."""
        module = self
        for item in target.split(".") if target else ():
            if not hasattr(module, item):
                raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return module

    def get_parameter(self, target):
        """The Parameter at dotted path ``target`` (``'0.weight'``)."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def apply(self, fn):
        """Call ``fn`` on every descendant (children first), then on this module
        (typical use: custom weight initialisation). Returns ``self``."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # -- modes and gradients ------------------------------------------------------------
    def train(self, mode=True):
        """Set training mode (Dropout active) on this module and its descendants."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self):
        """Set evaluation mode (Dropout is the identity); same as ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` on every parameter (e.g. to freeze layers)."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all parameters: to None (default) or to zeros."""
        for param in self.parameters():
            reset_grad(param, set_to_none)

    # -- dtype and device ---------------------------------------------------------------
    def _apply(self, fn):
        """Convert every parameter, gradient and buffer with ``fn``; parameters stay the
        same objects (their ``.data`` is replaced), as PyTorch does by default."""
        for module in self.children():
            module._apply(fn)
        with no_grad():
            for param in self._parameters.values():
                if param is None:
                    continue
                converted = fn(param)
                if converted is not param:
                    param.data = converted
                grad = param._grad
                if grad is not None:
                    converted = fn(grad)
                    if converted is not grad:
                        grad.data = converted
            for name, buf in self._buffers.items():
                if buf is not None:
                    self._buffers[name] = fn(buf)
        return self

    def to(self, *args, **kwargs):
        """Convert floating-point parameters and buffers to a dtype (``to(torch.float64)``,
        ``to(tensor)``); ``to('cpu')`` is a no-op (gradnb has no other device)."""
        dtype = to_target_dtype(args, dict(kwargs))
        if dtype is None:
            return self
        if not dtype.is_floating_point:
            raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but "
                            f"got desired dtype={dtype}")
        return self._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)

    def float(self):
        """Floating-point parameters and buffers to float32."""
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self):
        """Floating-point parameters and buffers to float64."""
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self):
        """Floating-point parameters and buffers to float16."""
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def type(self, dst_type):
        """All parameters and buffers to ``dst_type``."""
        return self._apply(lambda t: t.type(dst_type))

    def cpu(self):
        """gradnb's tensors are always on the CPU: returns ``self``."""
        return self

    def cuda(self, device=None):
        """Not available: gradnb runs on the CPU only."""
        return self._apply(lambda t: t.cuda(device))

    # -- state_dict ---------------------------------------------------------------------
    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """An OrderedDict ``dotted name -> tensor`` of parameters and persistent
        buffers (detached, sharing storage unless ``keep_vars``)."""
        if args:        # the deprecated positional form state_dict(destination, prefix)
            destination, prefix = (list(args) + [None, ""])[:2]
        if destination is None:
            destination = collections.OrderedDict()
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".",
                                  keep_vars=keep_vars)
        return destination

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy parameters and buffers from ``state_dict`` into this module.

        Parameters
        ----------
        strict : bool
            Raise if keys are missing or unexpected (size mismatches always raise).
        assign : bool
            Take the given tensors instead of copying into the existing ones.

        Returns
        -------
        ``_IncompatibleKeys(missing_keys, unexpected_keys)``
        """
        if not isinstance(state_dict, collections.abc.Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing, unexpected, errors = [], [], []
        for prefix, module in self.named_modules(remove_duplicate=False):
            module._load_from_state_dict(state_dict, prefix + "." if prefix else "", assign,
                                         missing, unexpected, errors)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: " +
                              ", ".join(f'"{k}"' for k in unexpected) + ". ")
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: " +
                              ", ".join(f'"{k}"' for k in missing) + ". ")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {self._get_name()}:\n\t" +
                               "\n\t".join(errors))
        return _IncompatibleKeys(missing, unexpected)

    def _load_from_state_dict(self, state_dict, prefix, assign, missing, unexpected,
                              errors):
        """Load this module's own entries (keys ``prefix + name``); note what is missing,
        what does not belong to it, and size mismatches."""
        local = {k: v for k, v in itertools.chain(self._parameters.items(),
                                                  self._buffers.items())
                 if v is not None and k not in self._non_persistent_buffers_set}
        for name, current in local.items():
            key = prefix + name
            if key not in state_dict:
                missing.append(key)
                continue
            error = self._load_one(name, key, current, state_dict[key], assign)
            if error:
                errors.append(error)
        for key in state_dict:
            if key.startswith(prefix):
                head = key[len(prefix):].split(".", 1)[0]
                if head not in self._modules and head not in local:
                    unexpected.append(key)

    def _load_one(self, name, key, current, value, assign):
        """Copy (or assign) one tensor; returns PyTorch's error text or None."""
        if not isinstance(value, Tensor):
            return (f'While copying the parameter named "{key}", expected torch.Tensor or '
                    f"Tensor-like object from checkpoint but received {type(value)}")
        if value.shape != current.shape:
            return (f"size mismatch for {key}: copying a param with shape {value.shape} from "
                    f"checkpoint, the shape in current model is {current.shape}.")
        if assign:
            if name in self._parameters:
                value = Parameter(value, requires_grad=current.requires_grad)
                self._parameters[name] = value
            else:
                self._buffers[name] = value
            return None
        with no_grad():
            current.copy_(value)
        return None

    # -- printing -----------------------------------------------------------------------
    def _get_name(self):
        return type(self).__name__

    def extra_repr(self):
        """The module's own settings for its printed form (``in_features=784, ...``);
        override in subclasses."""
        return ""

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): {_addindent(repr(module), 2)}"
                       for name, module in self._modules.items()]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"


def _join(prefix, name):
    return f"{prefix}.{name}" if prefix else name


def reset_grad(param, set_to_none):
    """``param.grad = None``, or zero it in place, detached from any graph (what
    ``zero_grad`` does to each parameter, in modules and optimizers alike)."""
    grad = param._grad
    if grad is None:
        return
    if set_to_none:
        param._grad = None
        return
    if grad.grad_fn is not None:
        grad.detach_()
    else:
        grad.requires_grad_(False)
    grad.zero_()


class _DictHandle(RemovableHandle):
    """A hook handle for hooks kept in a dict (modules), removed by key."""

    __slots__ = ()

    def remove(self):
        hooks, self._hooks = self._hooks, None
        if hooks is not None:
            hooks.pop(self._entry, None)
