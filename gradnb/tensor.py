"""The :class:`Tensor`: a numpy array plus autograd state, with PyTorch's attributes.

State per tensor (``__slots__``, no ``__dict__``): the numpy storage, ``requires_grad``,
the edge ``(grad_fn, output_nr)`` that nodes consuming this tensor point to (None for
leaves), ``.grad``, a version counter shared with views and detached aliases, the base
of a view, a weak link to the leaf's ``AccumulateGrad``,
and a light provenance record for results computed outside autograd (op, weak
references to the inputs, and why autograd skipped it). Rarely used state (hooks,
inference flag, the views of a base, the version of a view made under no_grad) lives in
an optional ``_extra`` object so that the common op result pays for nothing it does not
use.

Arithmetic and the other methods are the functions of :mod:`gradnb.ops`, bound onto
the class at the end of this module.
"""

import numbers
import warnings
import weakref

import numpy as np

from . import _dtype
from . import autograd as _autograd
from .autograd.grad_mode import MODE
from .autograd.node import AccumulateGrad
from .autograd.provenance import detached_record, make_record

__all__ = ["Tensor", "Size", "device", "is_tensor", "require_cpu"]

_new = object.__new__
_ndarray = np.ndarray
_warned_once = {}

_NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information.")
_NO_EDGE = (None, 0)


def view_mode_error(inference, changed):
    """PyTorch's error for a view made under no_grad (``inference``: inference_mode) that
    is modified in place with grad mode on, or (``changed``) whose storage was."""
    mode, now, block = ("inference", "in normal mode", "inference_mode") if inference else \
        ("no_grad", "with grad mode enabled", "no_grad")
    what = "its base or another view of its base has been" if changed else "is being"
    return RuntimeError(
        f"A view was created in {mode} mode and {what} modified inplace {now}. Given that "
        "this use case is ambiguous and error-prone, it is forbidden. You can clarify your "
        f"code by moving both the view and the inplace either both inside the {block} block "
        "(if you don't want the inplace to be tracked) or both outside (if you want the "
        "inplace to be tracked).")


_LEAF_FLAG_ERROR = ("you can only change requires_grad flags of leaf variables. If you want to "
                    "use a computed variable in a subgraph that doesn't require differentiation "
                    "use var_no_grad = var.detach().")
_VOLATILE_READ = "volatile was removed (Variable.volatile is always False)"
_VOLATILE_SET = "volatile was removed and now has no effect. Use `with torch.no_grad():` instead."
_SCALAR_GRAD_WARNING = ("Converting a tensor with requires_grad=True to a scalar may lead to "
                        "unexpected behavior.\nConsider using tensor.detach() first.")


class Size(tuple):
    """A tensor shape; a tuple that prints as ``torch.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self):
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    def numel(self):
        """Number of elements a tensor of this shape holds."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        got = tuple.__getitem__(self, item)
        return Size(got) if isinstance(item, slice) else got


class device:
    """A device name, as ``torch.device``. gradnb computes on the CPU only: naming
    ``cuda`` is allowed (tutorials build ``torch.device("cuda" if ... else "cpu")``), but
    putting a tensor there fails as in a CPU-only PyTorch."""

    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        name, _, number = str(type).partition(":")
        if name not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at "
                               f"start of device string: {type}")
        self.type, self.index = name, int(number) if number else index

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type,
                                                                          other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"


# the device types PyTorch 2.13 knows, in the order its error message lists them
_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip",
                 "ve", "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                 "privateuseone")
_NO_CUDA = "Torch not compiled with CUDA enabled"

# torch.set_default_device: [None] (the CPU) or [a device]
DEFAULT_DEVICE = [None]


def require_cpu(dev):
    """Fail like a CPU-only PyTorch build when a tensor would go to another device
    (``dev`` None means the default device, see :func:`set_default_device`)."""
    if dev is None:
        dev = DEFAULT_DEVICE[0]
        if dev is None:
            return
    if device(dev).type != "cpu":
        raise AssertionError(_NO_CUDA)


def set_default_device(device_):
    """Device of the tensors factories make when not told (``None``: the CPU). Naming
    an unavailable device is accepted; making a tensor there then fails, as in a
    CPU-only PyTorch."""
    DEFAULT_DEVICE[0] = None if device_ is None else device(device_)


def get_default_device():
    """The default device: ``device(type='cpu')`` unless :func:`set_default_device` chose
    another (``'cuda'`` without an index cannot be resolved on a CPU-only build)."""
    dev = DEFAULT_DEVICE[0]
    if dev is None:
        return device("cpu")
    if dev.type != "cpu" and dev.index is None:
        raise AssertionError(_NO_CUDA)
    return dev


_CPU = device()


class _TensorMeta(type):
    """Prints tensor classes with PyTorch's names (``<class 'torch.Tensor'>``), so
    ``print(type(t))`` in a tutorial reads as it does under PyTorch."""

    def __repr__(cls):
        path = cls.__dict__.get("_torch_path", cls.__module__ + "." + cls.__qualname__)
        return f"<class '{path}'>"


class _TensorExtra:
    """Rarely used per-tensor state, allocated on first use.

    ``grad_passes``/``grad_version``/``grad_own_version`` record the gradient's history
    for the views: how many backward passes summed into ``.grad``, this tensor's version
    when the last one did (a later in-place change makes the gradient stale), and the
    version of the ``.grad`` tensor itself then (zeroing it in place restarts the count).
    """

    __slots__ = ("hooks", "post_hooks", "inference", "name", "grad_passes", "grad_version",
                 "grad_own_version", "view_version", "views")

    def __init__(self):
        self.hooks = None
        self.post_hooks = None
        self.inference = False
        self.name = None
        self.grad_passes = 0
        self.grad_version = 0
        self.grad_own_version = 0
        # a view made under no_grad of a tensor that requires grad: the version of its
        # storage then (see Tensor._mark_no_grad_view); None for every other tensor
        self.view_version = None
        # weak references to the views of this (base) tensor made in grad mode, whose
        # history an in-place change of the storage regenerates (gradnb.ops.inplace)
        self.views = None


class Tensor(metaclass=_TensorMeta):
    """A multi-dimensional array that can record the operations applied to it.

    Create tensors with the factories (``torch.tensor``, ``torch.ones``, ...). The legacy
    form ``torch.Tensor(2, 3)`` (uninitialised float tensor of that size) and
    ``torch.Tensor([1, 2])`` (float data) also work.
    """

    __slots__ = ("_data", "_rg", "_gfe", "_grad", "_vc", "_base", "_extra", "_prov",
                 "_acc", "__weakref__")
    _torch_path = "torch.Tensor"
    _is_param = False      # True on nn.Parameter, whose repr starts "Parameter containing:"
    # numpy defers to our reflected operators (np.float32(2) * t -> Tensor)
    __array_priority__ = 1000

    def __new__(cls, *args, **kwargs):
        from ._creation import legacy_new
        return legacy_new(cls, "torch.FloatTensor", _dtype.get_default_dtype(), args, kwargs)

    @classmethod
    def _wrap(cls, data, grad_fn=None, requires_grad=False):
        """Make a tensor around a numpy array without copying (internal fast path)."""
        t = _new(cls)
        t._data = data
        t._rg = requires_grad or grad_fn is not None
        t._gfe = None if grad_fn is None else (grad_fn, 0)
        t._grad = None
        t._vc = [0]
        t._base = None
        t._extra = None
        t._prov = None
        t._acc = None
        if MODE.inference:
            t._extras().inference = True
        return t

    @property
    def _grad_fn(self):
        gfe = self._gfe
        return None if gfe is None else gfe[0]

    @property
    def _nr(self):
        gfe = self._gfe
        return 0 if gfe is None else gfe[1]

    def _extras(self):
        if self._extra is None:
            self._extra = _TensorExtra()
        return self._extra

    # -- storage and metadata -----------------------------------------------------------
    @property
    def data(self):
        """A tensor sharing this one's storage, outside autograd (changes to it are not
        tracked by the version counter)."""
        return Tensor._wrap(self._data)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self._data = value._data
        acc = self._acc() if self._acc is not None else None
        if acc is not None:
            acc._shape, acc._dtype = self._data.shape, self._data.dtype

    @property
    def dtype(self):
        return _dtype._BY_NP[self._data.dtype]

    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        """The shape, or the length of one dimension."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, allow_scalar=True)]

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        """Number of dimensions."""
        return self._data.ndim

    def ndimension(self):
        return self._data.ndim

    def numel(self):
        """Number of elements."""
        return self._data.size

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    def stride(self, dim=None):
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[_wrap_dim(dim, self._data.ndim)]

    def is_contiguous(self, memory_format=None):
        return self._data.flags.c_contiguous

    def data_ptr(self):
        return self._data.__array_interface__["data"][0]

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def is_complex(self):
        return False

    @property
    def device(self):
        return _CPU

    is_cuda = False
    is_sparse = False
    is_quantized = False
    is_meta = False

    @property
    def _version(self):
        return self._vc[0]

    @property
    def output_nr(self):
        return self._nr

    def _is_view(self):
        return self._base is not None

    def is_inference(self):
        """True for tensors created inside ``inference_mode()``."""
        return self._extra is not None and self._extra.inference

    # -- autograd attributes ------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        if self._extra is not None and self._extra.view_version is not None:
            return      # its flag is its base's (PyTorch ignores the assignment)
        if self._gfe is not None:
            raise RuntimeError(_LEAF_FLAG_ERROR if not flag else
                               "you can only change requires_grad flags of leaf variables.")
        if flag and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point and complex dtype can require "
                               "gradients")
        self._set_leaf_requires_grad(bool(flag))

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` in place (leaves only) and return ``self``."""
        if not isinstance(requires_grad, bool):
            raise TypeError("requires_grad_(): argument 'requires_grad' (position 1) must be "
                            f"bool, not {type(requires_grad).__name__}")
        if self._gfe is not None or (self._extra is not None and
                                     self._extra.view_version is not None):
            if not requires_grad and self._gfe is not None:
                raise RuntimeError(_LEAF_FLAG_ERROR)
            return self
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._set_leaf_requires_grad(bool(requires_grad))
        return self

    def _set_leaf_requires_grad(self, flag):
        if flag and self.is_inference() and not MODE.inference:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                               "InferenceMode is not allowed.")
        self._rg = flag
        if flag:
            self._prov = None    # a leaf that requires grad is no longer a pruned constant
        _notify_flag_change(self)

    @property
    def grad_fn(self):
        gfe = self._gfe
        if gfe is None:
            if self._extra is not None and self._extra.view_version is not None:
                self._check_no_grad_view()
            return None
        return gfe[0]

    @property
    def is_leaf(self):
        if self._gfe is None:
            if self._extra is not None and self._extra.view_version is not None:
                self._check_no_grad_view()
            return True
        return False

    # -- views made under no_grad of a tensor that requires grad -------------------------
    # As in PyTorch they require grad (their base does) but have no grad_fn and are
    # leaves that no gradient reaches: ops using them point to no node for them. Once
    # their storage changed in place, their history is ambiguous and PyTorch refuses it.

    def _mark_no_grad_view(self):
        self._rg = True
        self._extras().view_version = self._vc[0]

    def _no_grad_view_changed(self):
        """True for a no_grad view whose storage was modified in place since."""
        extra = self._extra
        return extra is not None and extra.view_version is not None and \
            self._vc[0] != extra.view_version

    def _check_no_grad_view(self):
        if self._vc[0] != self._extra.view_version:
            raise view_mode_error(self._made_in_inference_mode(), changed=True)

    def _made_in_inference_mode(self):
        return self._prov is not None and self._prov[2] == "inference_mode"

    @property
    def grad(self):
        if self._gfe is not None and not self.retains_grad:
            warnings.warn(_NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad "
                                f"of type {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a "
                    f"tensor of size '{list(self._data.shape)}'. Please ensure that the "
                    "gradient and the tensor are the same size")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_c_type_name(value)}' to a "
                    f"tensor with grad_dtype '{self.dtype._legacy}'. The gradient must match "
                    "the tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
                    "tensor's grad_dtype attribute with a specific dtype, or None to allow any "
                    "dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and "
                    "its gradient may break downstream systems that assume they match.")
        self._grad = value
        if self._extra is not None or value is not None:
            _note_grad_written(self, restart=True)

    @grad.deleter
    def grad(self):
        self._grad = None
        if self._extra is not None:
            self._extra.grad_passes = 0

    @property
    def retains_grad(self):
        node = self._grad_fn
        if node is None or node._extra is None:
            return False
        return any(ref() is self for _, ref in node._extra.get("retain", ()))

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._gfe is None or self.retains_grad:
            return
        self._grad_fn._add_retain(self._nr, weakref.ref(self))

    def register_hook(self, hook):
        """Register ``hook(grad) -> Tensor or None``, run when this tensor's gradient is
        computed; returning a tensor replaces the gradient.

        Returns
        -------
        RemovableHandle
        """
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._gfe is not None:
            return self._grad_fn._add_tensor_hook(self._nr, hook)
        from .utils.hooks import RemovableHandle
        extra = self._extras()
        if extra.hooks is None:
            extra.hooks = []
        extra.hooks.append(hook)
        return RemovableHandle(extra.hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Register ``hook(tensor)``, run after ``.grad`` of this leaf was accumulated."""
        if self._gfe is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        from .utils.hooks import RemovableHandle
        extra = self._extras()
        if extra.post_hooks is None:
            extra.post_hooks = []
        extra.post_hooks.append(hook)
        return RemovableHandle(extra.post_hooks, hook)

    def _edge(self):
        """The (node, output_nr) that a new node should point to for this input."""
        if self._gfe is not None:
            return self._gfe
        if self._extra is not None and self._extra.view_version is not None:
            self._check_no_grad_view()
            return _NO_EDGE
        acc = self._acc() if self._acc is not None else None
        if acc is None:
            acc = AccumulateGrad(self)
            self._acc = weakref.ref(acc)
        return (acc, 0)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor with respect to graph leaves.

        Parameters
        ----------
        gradient : Tensor, optional
            The vector in the vector-Jacobian product; required unless this tensor has
            a single element.
        retain_graph : bool, optional
            Keep saved values so backward can run through the graph again (defaults to
            ``create_graph``).
        create_graph : bool
            Record the backward pass: ``.grad`` gets a graph of its own and can be
            differentiated again (higher-order gradients).
        """
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """A new leaf sharing storage and version counter, outside autograd."""
        t = Tensor._wrap(self._data)
        t._vc = self._vc
        # the input's own history goes into the record: once an unnamed input like
        # (price * 2) is freed, the views can still draw price -> mul -> detach
        t._prov = make_record("detach", (self,), "detach", self._data,
                              (detached_record(self),))
        return t

    def detach_(self):
        """Detach this tensor from the graph in place (not allowed on views)."""
        if self._base is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is "
                "set as True, gradients are views of DDP buckets, and hence detach_() cannot "
                "be called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        self._gfe = None
        self._rg = False
        self._prov = make_record("detach_", (), "detach", self._data)
        _notify_flag_change(self)
        return self

    # -- legacy Variable attribute ------------------------------------------------------
    @property
    def volatile(self):
        warnings.warn(_VOLATILE_READ, UserWarning, stacklevel=2)
        return False

    @volatile.setter
    def volatile(self, value):
        warnings.warn(_VOLATILE_SET, UserWarning, stacklevel=2)

    # -- conversion to python / numpy ---------------------------------------------------
    def item(self):
        """The value of a one-element tensor as a python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        """Nested python lists (a python number for a 0-d tensor)."""
        return self._data.tolist()

    def numpy(self, force=False):
        """The numpy array behind this tensor (shares memory)."""
        if self._rg and MODE.enabled and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        data = self.numpy()
        return data if dtype is None else data.astype(dtype, copy=False)

    def _scalar(self, kind):
        if self._rg and not _warned_once.get("scalar"):
            # PyTorch raises this one with TORCH_WARN_ONCE: once per process
            _warned_once["scalar"] = True
            warnings.warn(_SCALAR_GRAD_WARNING, UserWarning, stacklevel=3)
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return kind(self._data.reshape(()).item())

    def __float__(self):
        return self._scalar(float)

    def __int__(self):
        return self._scalar(int)

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()).item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self._data.reshape(()).item())

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def __contains__(self, element):
        return bool((self == element).any())

    def __repr__(self, *, tensor_contents=None):
        from ._format import tensor_repr
        node = self._grad_fn
        name = None if node is None else type(node).__name__
        if node is None and self._no_grad_view_changed():
            name = "Invalid"
        return tensor_repr(self._data, repr(self.dtype), grad_fn_name=name,
                           requires_grad=self._rg, is_parameter=self._is_param)

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, proto):
        return (_rebuild, (self._data, self._rg, type(self)))

    def __deepcopy__(self, memo):
        if self._gfe is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.  If you were "
                               "attempting to deepcopy a module, this may be because of a "
                               "torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) in memo:
            return memo[id(self)]
        new = type(self)._wrap(self._data.copy(), requires_grad=self._rg)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    # -- dtype and device conversions ---------------------------------------------------
    def type(self, dtype=None):
        """Without arguments, the legacy type name (``'torch.FloatTensor'``)."""
        if dtype is None:
            return f"torch.{self.dtype._legacy}Tensor"
        return self.to(dtype)

    def cpu(self):
        return self

    def cuda(self, *args, **kwargs):
        require_cpu("cuda")


def _note_grad_written(tensor, restart):
    """Record that ``tensor.grad`` was (re)computed now: see :class:`_TensorExtra`."""
    extra = tensor._extras()
    grad = tensor._grad
    if grad is None:
        extra.grad_passes = 0
        return
    zeroed = grad._vc[0] != extra.grad_own_version
    extra.grad_passes = 1 if restart or zeroed else extra.grad_passes + 1
    extra.grad_version = tensor._vc[0]
    extra.grad_own_version = grad._vc[0]


def _c_type_name(t):
    """The C++ scalar type name PyTorch uses in some messages (``double``, ``float``)."""
    return {"Double": "double", "Float": "float", "Half": "c10::Half", "Long": "long int",
            "Int": "int", "Bool": "bool"}.get(t.dtype._legacy, t.dtype.name)


def _rebuild(data, requires_grad, cls):
    return cls._wrap(data, requires_grad=requires_grad)


def _wrap_dim(dim, ndim, allow_scalar=True):
    """Normalise a possibly negative dimension index, with PyTorch's error text."""
    if isinstance(dim, Tensor):
        dim = dim.__index__()
    if not isinstance(dim, numbers.Integral):
        raise TypeError(f"dim must be an int, not {type(dim).__name__}")
    lo, hi = (-1, 0) if ndim == 0 and allow_scalar else (-ndim, ndim - 1)
    if not lo <= dim <= hi:
        raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], "
                         f"but got {dim})")
    return dim + ndim if dim < 0 else dim if ndim else 0


# Watchers of in-place flag changes (the live inspector); empty unless one is attached.
_flag_watchers = []


def _notify_flag_change(tensor):
    for fn in _flag_watchers:
        fn(tensor)


def is_tensor(obj):
    """True if ``obj`` is a gradnb Tensor."""
    return isinstance(obj, Tensor)
