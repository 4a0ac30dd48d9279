"""Short, deterministic text for tensor values and gradients, and their sizes in bytes.

Every value the views show is PyTorch's own repr, summarised with PyTorch's ``...`` past
:data:`SUMMARY_THRESHOLD` elements and cut at :data:`MAX_CHARS` characters, so a frame
stays small enough to ship to a browser whatever the tensor's size. Reprs carry no
addresses, so the same values always give the same text.
"""

import contextlib
import math

from .. import _dtype
from .._format import get_printoptions, printoptions, tensor_repr

__all__ = ["SUMMARY_THRESHOLD", "MAX_CHARS", "summary_printoptions", "tensor_text",
           "array_text", "one_line", "nbytes_of", "dtype_name", "shape_text", "shown_values"]

SUMMARY_THRESHOLD = 64   # elements past which a value is summarised with "..."
MAX_CHARS = 400          # longest value text kept in a model or trace frame
ELLIPSIS = "\u2026"


@contextlib.contextmanager
def summary_printoptions():
    """Print options for summaries: the user's, with a lower summarising threshold.
    ``sci_mode`` is passed through because setting options otherwise resets it."""
    opts = get_printoptions()
    with printoptions(threshold=min(opts["threshold"], SUMMARY_THRESHOLD),
                      sci_mode=opts["sci_mode"]):
        yield


def _cut(text, limit):
    return text if len(text) <= limit else text[:limit - 1] + ELLIPSIS


def tensor_text(tensor):
    """``repr(tensor)`` summarised and cut (call inside :func:`summary_printoptions`)."""
    return _cut(repr(tensor), MAX_CHARS)


def dtype_name(np_dtype):
    """PyTorch's spelling of a numpy dtype: ``'torch.float32'``."""
    return repr(_dtype.from_numpy_dtype(np_dtype))


def array_text(array):
    """PyTorch's repr of a gradient array, as ``print(t.grad)`` would show it, cut."""
    return _cut(tensor_repr(array, dtype_name(array.dtype)), MAX_CHARS)


def one_line(text, limit):
    """``text`` on one line (runs of whitespace become one space), cut to ``limit``."""
    return _cut(" ".join(text.split()), limit)


def nbytes_of(shape, np_dtype):
    """Bytes an array of this shape and dtype occupies."""
    return math.prod(shape) * np_dtype.itemsize


def shape_text(shape):
    """``[2, 3]`` (``[]`` for a 0-d tensor), as ``torch.Size`` lists it."""
    return "[" + ", ".join(str(s) for s in shape) + "]"


def shown_values(array, edge):
    """The bytes of the elements a summarised repr of ``array`` shows: all of them for
    a small array, else the first and last ``edge`` along every long axis."""
    if array.size > SUMMARY_THRESHOLD:
        for axis, size in enumerate(array.shape):
            if size > 2 * edge:
                keep = list(range(edge)) + list(range(size - edge, size))
                array = array.take(keep, axis=axis)
    return array.tobytes()
