"""gradnb: PyTorch's tensor and autograd API on numpy, for teaching autograd in Jupyter.

``import gradnb as torch`` runs PyTorch tutorial code and prints what PyTorch prints.
This module is the torch-like namespace: tensors, dtypes, factories, ops, grad modes,
``autograd``, ``nn``, ``optim``. The Jupyter layer (``%load_ext gradnb``) and the views
are imported lazily (on first use; the core never imports IPython), yet ``dir(gradnb)``
lists them:

Views (see their own help)
    graph(t)              the graph of the computation behind t, with what backward prunes
    watch("x", "w")       a live table of tensors, refreshed after every cell
    animate_backward(t)   runs t.backward() and replays it step by step
    trace()               context manager replaying every backward pass inside it
Modules
    nn, optim             layers, losses and optimizers (PyTorch's names)
    testing               gradcheck and compare-to-torch helpers
    viz, widgets          the views' data model and the Jupyter widgets
"""

from ._dtype import (dtype, float16, half, float32, float, float64, double, uint8, int8,
                     int16, short, int32, int, int64, long, bool, get_default_dtype,
                     set_default_dtype)
from ._dtype import result_type as _result_type
from .tensor import (Tensor, Size, device, is_tensor, set_default_device,
                     get_default_device)
from . import _methods
from ._creation import (tensor, as_tensor, from_numpy, ones, zeros, empty, full, eye, arange,
                        range, linspace, logspace, ones_like, zeros_like, empty_like,
                        full_like, rand, randn, randint, randperm, rand_like, randn_like,
                        randint_like, normal, bernoulli, multinomial, scalar_tensor,
                        FloatTensor, DoubleTensor, LongTensor, IntTensor, BoolTensor,
                        ByteTensor, HalfTensor)
from ._random import (manual_seed, seed, initial_seed, Generator, default_generator,
                      get_rng_state, set_rng_state)
from ._format import set_printoptions
from .serialization import save, load
from .autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                                 is_grad_enabled, is_inference_mode_enabled)
from .ops.reduce import return_types
from . import autograd, cuda, ops, random, utils, accelerator, profiler

globals().update(_methods.namespace_functions())

__version__ = "0.1.0"

_LAZY = {
    "nn": ("gradnb.nn", None), "optim": ("gradnb.optim", None),
    "testing": ("gradnb.testing", None), "viz": ("gradnb.viz", None),
    "widgets": ("gradnb.widgets", None),
    # the views: widgets in a Jupyter front end, static SVG/text objects elsewhere
    "graph": ("gradnb.widgets", "graph"), "watch": ("gradnb.widgets", "watch"),
    "animate_backward": ("gradnb.widgets", "animate_backward"),
    "trace": ("gradnb.widgets", "trace"),
    "check": ("gradnb.exercises", "check"),
}


def __dir__():
    # the lazy names are listed too, so dir(gradnb) and tab completion show them
    return sorted(set(globals()) | set(_LAZY))


def __getattr__(name):
    # nn/optim/viz/widgets load on first use, so `import gradnb` stays light and the
    # core never pulls in IPython or ipywidgets.
    if name in _LAZY:
        import importlib
        module_name, attr = _LAZY[name]
        module = importlib.import_module(module_name)
        return module if attr is None else getattr(module, attr)
    raise AttributeError(f"module 'gradnb' has no attribute '{name}'")


def numel(input):
    """Number of elements of ``input``."""
    return input.numel()


def is_floating_point(input):
    return input.is_floating_point()


def result_type(tensor1, tensor2):
    """The dtype PyTorch's promotion gives for an op on these operands."""
    return _result_type(tensor1, tensor2)


def load_ipython_extension(ipython):
    """``%load_ext gradnb``: register the magics and the tensor HTML display."""
    from .magics import load_ipython_extension as load_extension
    load_extension(ipython)


def unload_ipython_extension(ipython):
    """``%unload_ext gradnb``: remove what ``%load_ext`` added."""
    from .magics import unload_ipython_extension as unload
    unload(ipython)
