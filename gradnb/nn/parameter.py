"""``nn.Parameter``: the tensor subclass that marks a module's learnable weights.

A Parameter is a leaf tensor that shares storage and version counter with the data it
was made from, requires grad by default, and prints as ``Parameter containing:`` plus
the tensor. Modules register Parameters assigned to their attributes. Ops on a
Parameter return plain tensors (the results are computed, not learnable).
"""

from .._creation import empty
from ..tensor import Tensor

__all__ = ["Parameter"]

_FLOAT_ONLY = "Only Tensors of floating point and complex dtype can require gradients"


class Parameter(Tensor):
    """A tensor that is a module parameter.

    Parameters
    ----------
    data : Tensor, optional
        The values; the Parameter shares its storage. Default: an empty tensor.
    requires_grad : bool, default True
    """

    __slots__ = ()
    _torch_path = "torch.nn.parameter.Parameter"
    _is_param = True

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        # like PyTorch's _make_subclass: a new leaf aliasing data (as detach() does)
        array = data.detach()._data
        if requires_grad and array.dtype.kind != "f":
            raise RuntimeError(_FLOAT_ONLY)
        param = cls._wrap(array, requires_grad=bool(requires_grad))
        param._vc = data._vc
        return param

    def __deepcopy__(self, memo):
        # PyTorch copies the values and the flag, not .grad
        if id(self) not in memo:
            memo[id(self)] = type(self)(Tensor._wrap(self._data.copy()), self._rg)
        return memo[id(self)]
