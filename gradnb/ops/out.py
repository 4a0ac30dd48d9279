"""``out=`` arguments: an op's result written into a tensor the caller already has
(``torch.add(x, y, out=r)``, ``torch.matmul(a, b, out=c)``, ``torch.rand(2, 2, out=c)``).

PyTorch's rules, as its kernels apply them:

* autograd does not record such ops: if grad mode is on and any argument (``out``
  included) requires grad, it is an error;
* ``out`` keeps its dtype. Elementwise ops (TensorIterator) cast their result into it
  when the cast does not lose a category (no float into an integer tensor); matrix
  products want exactly their input dtype; ``cat``/``stack`` the same cast rule with a
  ``TypeError``; factories take ``out``'s dtype unless ``dtype=`` says otherwise;
* ``out`` of another shape is resized (with a deprecation warning if it had elements);
* ``out`` may be one of the inputs, but may not partially overlap one;
* the values are written into ``out``'s memory (a numpy array from ``out.numpy()`` sees
  them) and ``out``'s version counter moves, as for any in-place change.

Nothing here runs unless ``out=`` is given.
"""

import warnings

import numpy as np

from ..autograd.grad_mode import MODE, no_grad
from ..tensor import Tensor
from ._common import cpp_type_name

__all__ = ["OUT_KINDS", "call_with_out", "write_out", "check_out_argument", "factory_out"]

_RESIZE_WARNING = (
    "An output with one or more elements was resized since it had shape {old}, which does "
    "not match the required output shape {new}. This behavior is deprecated, and in a "
    "future PyTorch release outputs will not be resized unless they have zero elements. You "
    "can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
    "t.resize_(0).")
_OVERLAP_ERROR = ("unsupported operation: some elements of the input tensor and the written-to "
                  "tensor refer to a single memory location. Please clone() the tensor before "
                  "performing the operation.")

# how each namespace function with an ``out=`` argument treats out's dtype
_ELEMENTWISE = (
    "add sub mul div true_divide pow neg exp log sqrt sin cos tanh sigmoid abs "
    "maximum minimum eq ne lt le gt ge sign floor ceil round logical_not logical_and logical_or "
    "square reciprocal mean tan asin acos atan sinh cosh asinh acosh atanh atan2 bitwise_and "
    "bitwise_or bitwise_xor absolute negative multiply subtract divide arcsin arccos arctan "
    "arcsinh arccosh arctanh arctan2").split()
OUT_KINDS = {**dict.fromkeys(_ELEMENTWISE, "elementwise"),
             "sum": "any", "cumsum": "any", "matmul": "matmul", "mm": "mm", "bmm": "mm",
             "mv": "mv", "dot": "dot", "cat": "cat", "concat": "cat", "concatenate": "cat",
             "stack": "cat", "clamp": "exact", "clip": "exact", "where": "where"}


def check_out_argument(name, out, tensors):
    """``out`` must be a tensor, and autograd cannot record a write into it."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if MODE.enabled and (out._rg or any(t._rg for t in tensors)):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")


# the full sum has no out= overload; PyTorch's argument parser lists the ones it has
_SUM_OUT_ERROR = (
    "sum() received an invalid combination of arguments - got (Tensor, out=Tensor), but "
    "expected one of:\n * (Tensor input, *, torch.dtype dtype = None)\n * (Tensor input, "
    "tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = "
    "None)\n")


def call_with_out(name, fn, args, kwargs, out):
    """``fn(*args, **kwargs)`` written into ``out`` under the rules of op ``name``."""
    if name == "sum" and len(args) == 1 and not kwargs:
        raise TypeError(_SUM_OUT_ERROR)
    tensors = _tensors_in(args)
    check_out_argument(name, out, tensors)
    with no_grad():
        result = fn(*args, **kwargs)
    _check_dtype(OUT_KINDS.get(name, "any"), out, result, tensors)
    for t in tensors:
        _check_overlap(out, t)
    return write_out(out, result._data)


def _tensors_in(args):
    found = []
    for a in args:
        if isinstance(a, Tensor):
            found.append(a)
        elif isinstance(a, (list, tuple)):
            found.extend(x for x in a if isinstance(x, Tensor))
    return found


def _check_dtype(kind, out, result, inputs):
    mine, theirs = out.dtype, result.dtype
    if kind in ("any",) or mine is theirs:
        return
    if kind == "matmul":
        kind = {1: "dot", 2: "mv"}.get(inputs[0]._data.ndim, "mm") \
            if inputs[1]._data.ndim == 1 else "mm"
    if kind in ("elementwise", "cat") and theirs._category <= mine._category:
        return
    if kind == "where":
        raise RuntimeError(f"Expected out type to be {theirs._legacy} but got {mine._legacy}")
    if kind == "exact":
        raise RuntimeError(f"Found dtype {mine._legacy} but expected {theirs._legacy}")
    if kind == "elementwise":
        raise RuntimeError(f"result type {theirs._legacy} can't be cast to the desired output "
                           f"type {mine._legacy}")
    if kind == "cat":
        raise TypeError(f"torch.cat(): input types can't be cast to the desired output type "
                        f"{mine._legacy}")
    if kind == "mm":
        raise RuntimeError(f"Expected out tensor to have dtype {cpp_type_name(result)}, but "
                           f"got {cpp_type_name(out)} instead")
    if kind == "dot":
        raise RuntimeError(f"result dtype {mine._legacy} does not match input dtype "
                           f"{theirs._legacy}")
    raise RuntimeError(f"addmv input tensors must have the same dtype, but got {mine._legacy}, "
                       f"{theirs._legacy}, and {theirs._legacy}")


def _check_overlap(out, t):
    """``out`` may be an input itself, not a different view of the same memory."""
    a, b = out._data, t._data
    if a is b or not np.shares_memory(a, b):
        return
    if a.__array_interface__ == b.__array_interface__:
        return
    raise RuntimeError(_OVERLAP_ERROR)


def write_out(out, values, warn_resize=True):
    """Copy ``values`` into ``out`` (resized to their shape if need be); returns ``out``."""
    data = out._data
    shape = np.shape(values)
    if data.shape != shape:
        if warn_resize and data.size:
            warnings.warn(_RESIZE_WARNING.format(old=list(data.shape), new=list(shape)),
                          UserWarning, stacklevel=4)
        # new memory, as PyTorch's resize gives when the old one is too small
        out._data = data = np.empty(shape, data.dtype)
    np.copyto(data, values, casting="unsafe")
    out._vc[0] += 1
    return out


def factory_out(name, out, dtype, make, warn_resize=False):
    """A factory's ``out=``: ``make(np_dtype)`` gives the values, written into ``out``.
    ``dtype=`` must then agree with out's dtype, which is the one used otherwise."""
    check_out_argument(f"aten::{name}", out, ())
    if dtype is not None and dtype is not out.dtype:
        raise RuntimeError(f"dtype {dtype._legacy} does not match dtype of out parameter "
                           f"({out.dtype._legacy})")
    return write_out(out, make(out._data.dtype), warn_resize)

