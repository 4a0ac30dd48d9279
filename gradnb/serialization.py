"""``torch.save`` / ``torch.load``: write and read tensors, state dicts and other python
objects, for the lessons that checkpoint a model (``torch.save(model.state_dict(), p)``,
``model.load_state_dict(torch.load(p))``).

The file is a pickle (tensors as numpy data plus their ``requires_grad``), not PyTorch's
zip format: gradnb reads what gradnb wrote. As in PyTorch 2.6+, ``load`` defaults to
``weights_only=True`` and then refuses any global outside tensors, containers and
numbers, with PyTorch's message.
"""

import io
import os
import pickle

__all__ = ["save", "load"]

# what a weights-only load may construct (module, name): gradnb tensors and parameters,
# the numpy pieces of their data, and ordered dicts
_SAFE_GLOBALS = {("gradnb.tensor", "_rebuild"), ("gradnb.tensor", "Tensor"),
                 ("gradnb.nn.parameter", "Parameter"), ("numpy", "ndarray"),
                 ("numpy", "dtype"), ("numpy._core.multiarray", "_reconstruct"),
                 ("numpy.core.multiarray", "_reconstruct"), ("_codecs", "encode"),
                 ("collections", "OrderedDict")}

_WEIGHTS_ONLY_MESSAGE = (
    "Weights only load failed. This file can still be loaded, to do so you have two options, "
    "\x1b[1mdo those steps only if you trust the source of the checkpoint\x1b[0m. \n\t(1) In "
    "PyTorch 2.6, we changed the default value of the `weights_only` argument in "
    "`torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` set to "
    "`False` will likely succeed, but it can result in arbitrary code execution. Do it only "
    "if you got the file from a trusted source.\n\t(2) Alternatively, to load with "
    "`weights_only=True` please check the recommended steps in the following error "
    "message.\n\tWeightsUnpickler error: Unsupported global: GLOBAL {name} was not an "
    "allowed global by default. Please use `torch.serialization.add_safe_globals([{name}])` "
    "or the `torch.serialization.safe_globals([{name}])` context manager to allowlist this "
    "global if you trust this class/function.\n\nCheck the documentation of torch.load to "
    "learn more about types accepted by default with weights_only "
    "https://pytorch.org/docs/stable/generated/torch.load.html.")


class _WeightsOnlyUnpickler(pickle.Unpickler):
    """An unpickler that builds only tensors, containers and numbers."""

    def find_class(self, module, name):
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(_WEIGHTS_ONLY_MESSAGE.format(name=f"{module}.{name}"))


def save(obj, f, pickle_module=pickle, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Write ``obj`` (a tensor, a state dict, ...) to the path or binary file ``f``."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as file:
            pickle_module.dump(obj, file, protocol=pickle_protocol)
    else:
        pickle_module.dump(obj, f, protocol=pickle_protocol)


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Read back what :func:`save` wrote, from a path or binary file. ``weights_only``
    (the default) refuses anything but tensors, containers and numbers."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            return load(io.BytesIO(file.read()), map_location, pickle_module,
                        weights_only=weights_only, **pickle_load_args)
    if weights_only is False or pickle_module is not None:
        return (pickle_module or pickle).load(f, **pickle_load_args)
    return _WeightsOnlyUnpickler(f, **pickle_load_args).load()
