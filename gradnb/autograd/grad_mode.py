"""Grad modes: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

The whole state is one object, :data:`MODE`, so an op checks grad mode with a single
attribute read (``MODE.enabled``). Every context manager here also works as a decorator.
"""

import functools

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled", "is_inference_mode_enabled", "MODE"]


class _Mode:
    """Process-wide autograd switches (PyTorch keeps them thread-local; we are single-threaded)."""

    __slots__ = ("enabled", "inference")

    def __init__(self):
        self.enabled = True
        self.inference = False


MODE = _Mode()


def is_grad_enabled():
    """Return True if operations are currently recorded for backward."""
    return MODE.enabled


def is_inference_mode_enabled():
    """Return True inside ``inference_mode()``."""
    return MODE.inference


class _DecoratorContext:
    """A context manager that can also decorate a function (``@torch.no_grad()``)."""

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._ctor_args()):
                return func(*args, **kwargs)
        return wrapper

    def _ctor_args(self):
        return ()


class no_grad(_DecoratorContext):
    """Disable gradient recording inside a ``with`` block or a decorated function.

    Results computed inside do not require grad, even if their inputs do; gradnb still
    remembers (weakly) how they were made, so the graph views can show them as pruned.
    """

    def __enter__(self):
        self._prev = MODE.enabled
        MODE.enabled = False

    def __exit__(self, *exc):
        MODE.enabled = self._prev


class enable_grad(_DecoratorContext):
    """Re-enable gradient recording, e.g. inside a ``no_grad`` block."""

    def __enter__(self):
        self._prev = MODE.enabled
        MODE.enabled = True

    def __exit__(self, *exc):
        MODE.enabled = self._prev


class set_grad_enabled(_DecoratorContext):
    """Set grad mode on or off. Takes effect at once when called as a function,
    and is restored on exit when used as a context manager (PyTorch's behaviour)."""

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled() takes a bool, got {type(mode).__name__}")
        self._prev = MODE.enabled
        self.mode = mode
        MODE.enabled = mode

    def _ctor_args(self):
        return (self.mode,)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        MODE.enabled = self._prev

    def __repr__(self):
        # PyTorch's text, so a notebook prints what PyTorch prints.
        return f"torch.autograd.grad_mode.set_grad_enabled(mode={self.mode})"


class inference_mode(_DecoratorContext):
    """Like ``no_grad``, and tensors created inside are marked as inference tensors,
    which autograd refuses to use later."""

    def __init__(self, mode=True):
        self.mode = mode

    def _ctor_args(self):
        return (self.mode,)

    def __enter__(self):
        self._prev = (MODE.enabled, MODE.inference)
        if self.mode:
            MODE.enabled, MODE.inference = False, True

    def __exit__(self, *exc):
        MODE.enabled, MODE.inference = self._prev
