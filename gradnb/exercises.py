"""Exercises that check themselves: :func:`check` compares a learner's answer with the
expected one and prints a clear right / not-quite message, with a hint when wrong.

    >>> import gradnb
    >>> import gradnb as torch
    >>> w = torch.tensor([1., 2.], requires_grad=True)
    >>> (w * w).sum().backward()
    >>> gradnb.check(w.grad, [2., 4.], what="w.grad", hint="d(w*w)/dw = 2w")
    Right: w.grad is tensor([2., 4.])
    Right

In a tutorial, call it as ``gradnb.check`` (``import gradnb`` next to ``import gradnb as
torch`` or ``import torch``): real PyTorch has no ``torch.check``, and the notebooks are
also run with real PyTorch substituted.

Answers may be gradnb tensors, real torch tensors (read through the views' interface,
:mod:`gradnb.viz.source`), numpy arrays, python numbers or lists, ``None`` (e.g. the
``.grad`` of a tensor backward does not reach), or anything else compared with ``==``.
Numbers are compared with a tolerance (``rtol``/``atol`` as in ``torch.allclose``);
shapes must match exactly and, when both sides are tensors, dtypes too.

For the graph exercises where the learner predicts what autograd does, see
``gradnb.graph(t, predict=True)`` (:mod:`gradnb.widgets.predict`).
"""

import numpy as np

__all__ = ["check", "Verdict"]


class Verdict:
    """The outcome of :func:`check`: true when right; ``message`` is what was printed.

    In a notebook it displays nothing more (the message is already printed).
    """

    __slots__ = ("ok", "message")

    def __init__(self, ok, message):
        self.ok, self.message = ok, message

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return "Right" if self.ok else "Not quite"

    def _ipython_display_(self):
        pass


def check(value, expected, hint=None, what="your answer", rtol=1e-5, atol=1e-8):
    """Check an answer and print whether it is right.

    Parameters
    ----------
    value : Tensor, array, number, list, None or any object
        The learner's answer (e.g. ``w.grad``).
    expected : same kinds
        The right answer.
    hint : str, optional
        Printed when the answer is wrong.
    what : str
        How the message names the answer (``"w.grad"``).
    rtol, atol : float
        Tolerances for numbers: ``|value - expected| <= atol + rtol * |expected|``.

    Returns
    -------
    Verdict
        True when right.
    """
    problem = _problem(value, expected, rtol, atol)
    if problem is None:
        message = f"Right: {what} is {_text(value)}"
    else:
        message = f"Not quite: {what} {problem}."
        if hint:
            message += f"\nHint: {hint}"
    print(message)
    return Verdict(problem is None, message)


def _tensor_source(obj):
    from .viz.source import source_of
    src = source_of(obj)
    return src if src is not None and src.is_tensor(obj) else None


def _text(value):
    return "None" if value is None else (str(value) if _tensor_source(value) is not None
                                         or not isinstance(value, np.ndarray)
                                         else np.array2string(value))


def _numbers(obj):
    """``(array, dtype text or None)`` for tensors, arrays and (lists of) numbers, else
    None."""
    src = _tensor_source(obj)
    if src is not None:
        return np.asarray(src.array(obj)), src.dtype_text(obj)
    if isinstance(obj, (bool, str)) or obj is None:
        return None
    try:
        array = np.asarray(obj)
    except (ValueError, TypeError):
        return None
    return (array, None) if array.dtype.kind in "biuf" else None


def _problem(value, expected, rtol, atol):
    """Why ``value`` is not ``expected`` (a phrase), or None when it is."""
    if expected is None or value is None:
        if value is expected:
            return None
        if value is None:
            return f"is None, but the expected answer is {_text(expected)}"
        return f"is {_text(value)}, but the expected answer is None"
    mine, theirs = _numbers(value), _numbers(expected)
    if mine is None or theirs is None:
        return None if value == expected else \
            f"is {_text(value)}, but the expected answer is {_text(expected)}"
    (a, a_dtype), (b, b_dtype) = mine, theirs
    if a.shape != b.shape:
        return (f"has shape {list(a.shape)}, but the expected answer has shape "
                f"{list(b.shape)}")
    if a_dtype is not None and b_dtype is not None and a_dtype != b_dtype:
        return f"has dtype {a_dtype}, but the expected answer has dtype {b_dtype}"
    close = np.isclose(a.astype(float), b.astype(float), rtol=rtol, atol=atol,
                       equal_nan=True)
    if close.all():
        return None
    worst = np.unravel_index(np.argmax(np.where(close, 0, np.abs(a - b))), a.shape)
    where = f" at index {tuple(int(i) for i in worst)}" if a.ndim else ""
    return (f"is {_text(value)}, but the expected answer is {_text(expected)} "
            f"(first look{where}: {a[worst]:g} instead of {b[worst]:g})")
