"""``torch.save`` / ``torch.load``: write an object holding tensors (a ``state_dict``,
a dict of tensors, a tensor) to a file and read it back, as the lessons do with
``torch.save(model.state_dict(), "model.pth")``.

gradnb's files are pickles of numpy-backed tensors: they round-trip within gradnb, but
are not PyTorch's zip format (PyTorch cannot read them, nor gradnb PyTorch's). As in
PyTorch 2.6+, ``load`` defaults to ``weights_only=True``: only tensors, numbers, strings
and the usual containers are unpickled, so a file cannot run code when it is loaded.
"""

import os
import pickle

__all__ = ["save", "load"]

_WEIGHTS_ONLY_ERROR = (
    "Weights only load failed. This file can still be loaded, to do so you have two "
    "options, do those steps only if you trust the source of the checkpoint. \n\t(1) In "
    "PyTorch 2.6, we changed the default value of the `weights_only` argument in "
    "`torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` set "
    "to `False` will likely succeed, but it can result in arbitrary code execution. Do it "
    "only if you got the file from a trusted source.\n\t(2) Alternatively, to load with "
    "`weights_only=True` please check the recommended steps in the following error "
    "message.\n\tWeightsUnpickler error: Unsupported global: GLOBAL {name}")

# what a weights-only load may construct: gradnb tensors and dtypes, numpy arrays (their
# storage), ordered dicts (state_dict)
_ALLOWED = {("gradnb.tensor", "_rebuild"), ("gradnb.tensor", "Tensor"),
            ("gradnb.nn.parameter", "Parameter"), ("gradnb._dtype", "_by_name"),
            ("collections", "OrderedDict"), ("numpy", "dtype"), ("numpy", "ndarray"),
            ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
            ("numpy.dtypes", None),
            ("_codecs", "encode")}          # how protocol 2 pickles the arrays' bytes


class _WeightsUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED or (module, None) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(_WEIGHTS_ONLY_ERROR.format(name=f"{module}.{name}"))


def save(obj, f, pickle_module=pickle, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Pickle ``obj`` to ``f`` (a path or a binary file object)."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as file:
            pickle_module.dump(obj, file, protocol=pickle_protocol)
    else:
        pickle_module.dump(obj, f, protocol=pickle_protocol)


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Read back what :func:`save` wrote. ``weights_only`` (default True) refuses any
    object other than tensors, numbers, strings and containers."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            return load(file, map_location, pickle_module, weights_only=weights_only)
    if weights_only is False:
        return (pickle_module or pickle).load(f, **pickle_load_args)
    return _WeightsUnpickler(f, **pickle_load_args).load()

