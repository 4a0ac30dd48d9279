"""Differential snippets for custom autograd functions (``torch.autograd.Function``): run
under PyTorch to record tests/goldens/function.json (tests/record_function_goldens.py)
and under gradnb by tests/test_function.py. Conventions are those of tests/torchdiff.py:
``torch`` is the module under test, variables named ``out*`` are backpropagated with
fixed weights, tensors and plain values (strings, numbers, tuples of them) left in
variables are compared; ``_``-prefixed names are not.

``nodes(t)`` is not available in a snippet, so reprs with addresses are normalised with
``re.sub`` inside the snippet itself (``ADDR`` below).
"""

from torchdiff import parse_snippets

__all__ = ["SNIPPETS"]

# Functions most snippets use; each snippet is run on its own, so they are prepended.
_COMMON = '''
import re
def _addr(text):
    return re.sub("0x[0-9a-f]+", "0x...", str(text))
class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3
    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return 3 * x ** 2 * grad_output
class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k, label="scale"):
        ctx.k = k
        return x * k
    @staticmethod
    def backward(ctx, g):
        return g * ctx.k, None, None
'''

_TEXT = r'''
### fn_cube
x = torch.tensor(data(2, 3), requires_grad=True)
out = Cube.apply(x)
node_repr = _addr(out.grad_fn)
node_type = repr(type(out.grad_fn))
node_type_name = type(out.grad_fn).__name__
node_name = out.grad_fn.name()
next_names = tuple(type(n).__name__ for n, _ in out.grad_fn.next_functions)
next_nrs = tuple(nr for _, nr in out.grad_fn.next_functions)
needs = out.grad_fn.needs_input_grad
saved_is_input = out.grad_fn.saved_tensors[0] is x
is_ctx = isinstance(out.grad_fn, torch.autograd.function.FunctionCtx)
backward_cls = repr(Cube._backward_cls)
function_repr = repr(torch.autograd.Function)
ctx_class_repr = repr(torch.autograd.function.FunctionCtx)
node_base_repr = repr(type(out.grad_fn).__mro__[1])
apply_repr = _addr(Cube.apply)
same_class = torch.autograd.Function is torch.autograd.function.Function

### fn_cube_float64_chain
x = torch.tensor(data(3, seed=1), dtype=torch.float64, requires_grad=True)
w = torch.tensor(data(3, seed=2), dtype=torch.float64)
h = x * w
out = (Cube.apply(h) + h).sum()
out_mid = Cube.apply(x).exp()

### fn_backward_values
x = torch.tensor(data(4, seed=3), requires_grad=True)
y = Cube.apply(x)
y.sum().backward()
grad_first = x.grad.clone()
y2 = Cube.apply(x * 2)
y2.sum().backward()

### fn_forward_runs_under_no_grad
_modes = []
class Probe(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        _modes.append(("forward", torch.is_grad_enabled()))
        inner = x * 2
        ctx.inner_requires_grad = inner.requires_grad
        return inner
    @staticmethod
    def backward(ctx, g):
        _modes.append(("backward", torch.is_grad_enabled(), type(g).__name__,
                       g.requires_grad))
        return g * 2
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = Probe.apply(x)
inner_requires_grad = y.grad_fn.inner_requires_grad
y.sum().backward()
modes = tuple(_modes)

### fn_no_input_requires_grad
x = torch.tensor([1.0, 2.0])
y = Cube.apply(x)
has_node = y.grad_fn is not None

### fn_under_no_grad
x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.no_grad():
    y = Cube.apply(x)

### fn_under_inference_mode
x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.inference_mode():
    y = Cube.apply(x)

### fn_needs_input_grad_under_no_grad
_seen = []
class Needs(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b, c, d):
        _seen.append(ctx.needs_input_grad)
        return a * b
    @staticmethod
    def backward(ctx, g):
        return g, g, None, None
x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.no_grad():
    y = Needs.apply(x, torch.ones(2), 3, None)
out = Needs.apply(torch.ones(2), x, "s", x)
seen = tuple(_seen)

### fn_non_tensor_args
x = torch.tensor(data(3), requires_grad=True)
out = Scale.apply(x, 2.5)
out_label = Scale.apply(x, -1.0, "named")
needs = out.grad_fn.needs_input_grad
edges = len(out.grad_fn.next_functions)

### fn_non_tensor_before_tensor
class Shift(torch.autograd.Function):
    @staticmethod
    def forward(ctx, k, x, c, y):
        return x * k + c + y
    @staticmethod
    def backward(ctx, g):
        return None, g * 2, None, g
x = torch.tensor(data(3), requires_grad=True)
c = torch.tensor(data(3, seed=5))
y = torch.tensor(data(1, seed=6), requires_grad=True)
out = Shift.apply(3.0, x, c, y)
next_names = tuple(None if n is None else type(n).__name__ for n, _ in out.grad_fn.next_functions)

### fn_keyword_tensor_argument
class Mul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b
    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g * b, g * a
x = torch.tensor(data(3), requires_grad=True)
y = torch.tensor(data(3, seed=1), requires_grad=True)
out = Mul.apply(x, b=y)
needs = out.grad_fn.needs_input_grad

### fn_setup_context
class MulAdd(torch.autograd.Function):
    @staticmethod
    def forward(x, y, k=1.5):
        return x * y * k
    @staticmethod
    def setup_context(ctx, inputs, output):
        x, y, k = inputs
        ctx.save_for_backward(x, y)
        ctx.k = k
        ctx.info = (len(inputs), type(inputs).__name__, torch.is_grad_enabled())
    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y * ctx.k, g * x * ctx.k, None
x = torch.tensor(data(2, 2), requires_grad=True)
y = torch.tensor(data(2, 2, seed=1), requires_grad=True)
out = MulAdd.apply(x, y)
out_k = MulAdd.apply(x, y, k=-2.0)
out_kw = MulAdd.apply(x, y=y)
info = out.grad_fn.info
name = out.grad_fn.name()

### fn_setup_context_missing_argument
class MulAdd(torch.autograd.Function):
    @staticmethod
    def forward(x, y):
        return x * y
    @staticmethod
    def setup_context(ctx, inputs, output):
        pass
    @staticmethod
    def backward(ctx, g):
        return g, g
MulAdd.apply(torch.ones(2))

### fn_forward_without_ctx_or_setup_context
class NoCtx(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x * 2
    @staticmethod
    def backward(ctx, g):
        return g
NoCtx.apply(torch.ones(2, requires_grad=True))

### fn_multiple_outputs
class MulSum(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y, x + y
    @staticmethod
    def backward(ctx, g_prod, g_sum):
        x, y = ctx.saved_tensors
        return g_prod * y + g_sum, g_prod * x + g_sum
x = torch.tensor(data(3), requires_grad=True)
y = torch.tensor(data(3, seed=1), requires_grad=True)
out_a, out_b = MulSum.apply(x, y)
same_node = out_a.grad_fn is out_b.grad_fn
nrs = (out_a.output_nr, out_b.output_nr)

### fn_multiple_outputs_one_used_materialized
_got = []
class MulSum(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        return x * y, x + y
    @staticmethod
    def backward(ctx, g_prod, g_sum):
        _got.append((repr(g_prod), repr(g_sum)))
        return g_sum + g_prod, g_sum
x = torch.tensor(data(3), requires_grad=True)
y = torch.tensor(data(3, seed=1), requires_grad=True)
a, b = MulSum.apply(x, y)
(b * 2).sum().backward()
got = tuple(_got)

### fn_set_materialize_grads_false
_got = []
class MulSum(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.set_materialize_grads(False)
        return x * y, x + y
    @staticmethod
    def backward(ctx, g_prod, g_sum):
        _got.append((repr(g_prod), repr(g_sum)))
        if g_prod is None:
            return g_sum, g_sum
        return g_prod, None
x = torch.tensor(data(3), requires_grad=True)
y = torch.tensor(data(3, seed=1), requires_grad=True)
a, b = MulSum.apply(x, y)
b.sum().backward()
a2, b2 = MulSum.apply(x, y)
a2.sum().backward()
got = tuple(_got)

### fn_mark_non_differentiable
_got = []
class ValueAndIndex(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        idx = torch.tensor([2, 0, 1])
        scaled = x * 3
        ctx.mark_non_differentiable(idx, scaled)
        return x * 2, idx, scaled
    @staticmethod
    def backward(ctx, g, g_idx, g_scaled):
        _got.append((repr(g), repr(g_idx), repr(g_scaled)))
        return g * 2
x = torch.tensor(data(3), requires_grad=True)
out, idx, scaled = ValueAndIndex.apply(x)
flags = (idx.requires_grad, idx.is_leaf, scaled.requires_grad, scaled.grad_fn is None)
out.sum().backward()
got = tuple(_got)

### fn_non_differentiable_only_output
class NonDiff(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        r = x * 2
        ctx.mark_non_differentiable(r)
        return r
    @staticmethod
    def backward(ctx, g):
        return g
x = torch.tensor([1.0, 2.0], requires_grad=True)
r = NonDiff.apply(x)
r.sum().backward()

### fn_integer_output
class Bucket(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return (x * 10).long(), x * 1
    @staticmethod
    def backward(ctx, g_long, g):
        return g
x = torch.tensor([0.25, 0.5], requires_grad=True)
buckets, out = Bucket.apply(x)

### fn_mark_dirty
class AddInPlace(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        x.add_(k)
        ctx.mark_dirty(x)
        return x
    @staticmethod
    def backward(ctx, g):
        return g * 3, None
x = torch.tensor(data(3), requires_grad=True)
h = x * 2
before = h._version
out = AddInPlace.apply(h, 1.0)
same_object = out is h
after = h._version
node = type(h.grad_fn).__name__
below = tuple(type(n).__name__ for n, _ in h.grad_fn.next_functions)

### fn_mark_dirty_untracked
class AddInPlace(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        ctx.mark_dirty(x)
        return x
    @staticmethod
    def backward(ctx, g):
        return g
h = torch.tensor([1.0, 2.0])
r = AddInPlace.apply(h)
same_object = r is h
version = h._version

### fn_mark_dirty_leaf_error
class AddInPlace(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        ctx.mark_dirty(x)
        return x
    @staticmethod
    def backward(ctx, g):
        return g
x = torch.tensor([1.0, 2.0], requires_grad=True)
AddInPlace.apply(x)

### fn_mark_dirty_not_returned_error
class Dirty(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x + 1
    @staticmethod
    def backward(ctx, g):
        return g
Dirty.apply(torch.tensor([1.0, 2.0], requires_grad=True) * 1)

### fn_input_returned_unchanged
class Ident(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x
    @staticmethod
    def backward(ctx, g):
        return g * 5
x = torch.tensor(data(3), requires_grad=True)
out = Ident.apply(x)
is_input = out is x
is_view = out._is_view()
shares = out.data_ptr() == x.data_ptr()

### fn_saved_output
_seen = []
class Exp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        r = x.exp()
        ctx.save_for_backward(r)
        return r
    @staticmethod
    def backward(ctx, g):
        r, = ctx.saved_tensors
        _seen.append((type(r.grad_fn).__name__, r.requires_grad, r.is_leaf))
        return g * r
x = torch.tensor(data(3), requires_grad=True)
out = Exp.apply(x)
unpacked_is_output = out.grad_fn.saved_tensors[0] is out
unpacked_node = type(out.grad_fn.saved_tensors[0].grad_fn).__name__
torch.autograd.backward([out], [torch.ones(3)], retain_graph=True)
seen = tuple(_seen)

### fn_saved_none_and_intermediate
_seen = []
class Mixed(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        t = x * 2
        ctx.save_for_backward(None, x, t)
        return t + 1
    @staticmethod
    def backward(ctx, g):
        none, x, t = ctx.saved_tensors
        _seen.append((none is None, repr(t)))
        return g * 2
x = torch.tensor(data(3), requires_grad=True)
y = Mixed.apply(x)
torch.autograd.backward([y], [torch.ones(3)])
seen = tuple(_seen)

### fn_nothing_saved
class Double(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2
    @staticmethod
    def backward(ctx, g):
        return g * 2
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = Double.apply(x)
saved_before = y.grad_fn.saved_tensors
y.sum().backward()
y.sum().backward()
try:
    y.grad_fn.saved_tensors
except RuntimeError as e:
    freed_message = str(e)

### fn_save_non_tensor_error
class SaveInt(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(3)
        return x * 2
    @staticmethod
    def backward(ctx, g):
        return g
SaveInt.apply(torch.ones(2, requires_grad=True))

### fn_saved_tensors_freed_error
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = Cube.apply(x)
y.sum().backward()
y.grad_fn.saved_tensors

### fn_second_backward_error
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = Cube.apply(x)
s = y.sum()
s.backward()
s.backward()

### fn_retain_graph
x = torch.tensor(data(3), requires_grad=True)
y = Cube.apply(x)
y.sum().backward(retain_graph=True)
first = x.grad.clone()
saved_after_retain = len(y.grad_fn.saved_tensors)
y.sum().backward()

### fn_version_error_input
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
h = x * 1
y = Cube.apply(h)
h.add_(1)
y.sum().backward()

### fn_version_error_constant
class Times(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, c):
        ctx.save_for_backward(c)
        return x * c
    @staticmethod
    def backward(ctx, g):
        c, = ctx.saved_tensors
        return g * c, None
c = torch.tensor([1.0, 2.0])
y = Times.apply(torch.ones(2, requires_grad=True), c)
c.add_(1)
y.sum().backward()

### fn_version_error_output
class Exp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        r = x.exp()
        ctx.save_for_backward(r)
        return r
    @staticmethod
    def backward(ctx, g):
        r, = ctx.saved_tensors
        return g * r
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = Exp.apply(x)
with torch.no_grad():
    y.mul_(2)
y.sum().backward()

### fn_version_unchecked_if_not_unpacked
class Lazy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * 2
    @staticmethod
    def backward(ctx, g):
        return g * 2
x = torch.tensor([1.0, 2.0], requires_grad=True)
h = x * 1
out = Lazy.apply(h)
h.add_(1)

### fn_err_too_few_gradients
x = torch.tensor([1.0, 2.0], requires_grad=True)
class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        return x * k
    @staticmethod
    def backward(ctx, g):
        return g
Bad.apply(x, 2.0).sum().backward()

### fn_err_too_many_gradients
x = torch.tensor([1.0, 2.0], requires_grad=True)
class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        return x * k
    @staticmethod
    def backward(ctx, g):
        return g, None, g
Bad.apply(x, 2.0).sum().backward()

### fn_extra_none_gradients_allowed
x = torch.tensor([1.0, 2.0], requires_grad=True)
class Extra(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2
    @staticmethod
    def backward(ctx, g):
        return g * 2, None, None
out = Extra.apply(x)

### fn_err_gradient_for_non_tensor
x = torch.tensor([1.0, 2.0], requires_grad=True)
class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        return x * k
    @staticmethod
    def backward(ctx, g):
        return g, 5
Bad.apply(x, 2.0).sum().backward()

### fn_err_gradient_float
x = torch.tensor([1.0, 2.0], requires_grad=True)
class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2
    @staticmethod
    def backward(ctx, g):
        return 3.0
Bad.apply(x).sum().backward()

### fn_err_gradient_list
x = torch.tensor([1.0, 2.0], requires_grad=True)
class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2
    @staticmethod
    def backward(ctx, g):
        return [g]
Bad.apply(x).sum().backward()

### fn_err_gradient_list_for_two_inputs
x = torch.tensor([1.0, 2.0], requires_grad=True)
class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        return x * y
    @staticmethod
    def backward(ctx, g):
        return [g, g]
Bad.apply(x, x).sum().backward()

### fn_err_gradient_ndarray
x = torch.tensor([1.0, 2.0], requires_grad=True)
class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2
    @staticmethod
    def backward(ctx, g):
        return np.ones(2)
Bad.apply(x).sum().backward()

### fn_err_gradient_string_for_constant
x = torch.tensor([1.0, 2.0], requires_grad=True)
class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, c):
        return x * c
    @staticmethod
    def backward(ctx, g):
        return g, "no"
Bad.apply(x, torch.ones(2)).sum().backward()

### fn_err_gradient_shape
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2
    @staticmethod
    def backward(ctx, g):
        return torch.ones(())
Bad.apply(x).sum().backward()

### fn_err_gradient_shape_index_counts_tensors
x = torch.tensor([1.0, 2.0], requires_grad=True)
class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, k, a, c, d):
        return a * k
    @staticmethod
    def backward(ctx, g):
        return None, g, torch.ones(5, 5), torch.ones(3)
Bad.apply(2.0, x, torch.ones(3), x).sum().backward()

### fn_gradient_broadcast_summed
x = torch.tensor(data(2, 1), requires_grad=True)
b = torch.tensor(data(3), requires_grad=True)
class Wide(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, b):
        return x + b
    @staticmethod
    def backward(ctx, g):
        return g, g
out = Wide.apply(x, b)

### fn_gradient_dtype_cast
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
class Cast(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2
    @staticmethod
    def backward(ctx, g):
        return torch.ones(3, dtype=torch.float64) * 0.1 + g.double()
out = Cast.apply(x)
out.sum().backward()
grad_dtype = x.grad.dtype

### fn_gradient_int_cast
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
class Cast(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2
    @staticmethod
    def backward(ctx, g):
        return torch.ones(3, dtype=torch.int64)
out = Cast.apply(x)

### fn_err_forward_called_directly
x = torch.tensor([1.0, 2.0], requires_grad=True)
Cube.forward(x)

### fn_err_instance_call
x = torch.tensor([1.0, 2.0], requires_grad=True)
f = Cube()
f(x)

### fn_err_no_forward
class Empty(torch.autograd.Function):
    pass
Empty.apply(torch.ones(2, requires_grad=True))

### fn_err_no_backward
class Forward(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2
y = Forward.apply(torch.ones(2))
out = Forward.apply(torch.ones(2, requires_grad=True))

### fn_err_backward_and_vjp
class Both(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2
    @staticmethod
    def backward(ctx, g):
        return g
    @staticmethod
    def vjp(ctx, g):
        return g
out = Both.apply(torch.ones(2, requires_grad=True))

### fn_vjp_instead_of_backward
class Seven(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 1
    @staticmethod
    def vjp(ctx, g):
        return g * 7
x = torch.tensor([1.0, 2.0], requires_grad=True)
out = Seven.apply(x)

### fn_forward_returns_non_tensors
_got = []
class Mixed(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2, 3, "s"
    @staticmethod
    def backward(ctx, g, g2, g3):
        _got.append((repr(g), g2, g3))
        return g
class Number(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return 3
    @staticmethod
    def backward(ctx, g):
        return g
class AsList(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return [x * 2]
    @staticmethod
    def backward(ctx, g):
        return g
x = torch.tensor([1.0, 2.0], requires_grad=True)
mixed = Mixed.apply(x)
out = mixed[0]
number = Number.apply(x)
as_list = AsList.apply(x)
kinds = (type(mixed).__name__, type(as_list).__name__)
torch.autograd.backward([mixed[0]], [torch.ones(2)])
got = tuple(_got)

### fn_tensor_hook_on_output
_got = []
x = torch.tensor(data(3), requires_grad=True)
out = Cube.apply(x)
out.register_hook(lambda g: g * 10)
out.register_hook(lambda g: _got.append(repr(g)))
out.retain_grad()
torch.autograd.backward([out], [torch.ones(3)], retain_graph=True)
got = tuple(_got)
retained = out.grad.clone()

### fn_node_hooks
_got = []
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)   # exact gradients: reprs compared
y = Cube.apply(x)
pre = y.grad_fn.register_prehook(lambda go: _got.append(("pre", repr(go))))
post = y.grad_fn.register_hook(lambda gi, go: _got.append(("post", repr(gi), repr(go))))
handle_repr = _addr(pre)
y.sum().backward()
got = tuple(_got)

### fn_node_hooks_replace
x = torch.tensor(data(3), requires_grad=True)
y = Cube.apply(x)
y.grad_fn.register_prehook(lambda go: (go[0] * 10,))
y.sum().backward()
pre_grad = x.grad.clone()
x.grad = None
y = Cube.apply(x)
handle = y.grad_fn.register_hook(lambda gi, go: (gi[0] + 1,))
y.sum().backward(retain_graph=True)
post_grad = x.grad.clone()
handle.remove()
y.sum().backward()

### fn_node_hooks_materialize
_got = []
class Two(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2, x * 3
    @staticmethod
    def backward(ctx, a, b):
        _got.append(("backward", repr(a), repr(b)))
        return a + b
x = torch.tensor([1.0, 2.0], requires_grad=True)
a, b = Two.apply(x)
a.grad_fn.register_prehook(lambda go: _got.append(("pre", repr(go))))
a.grad_fn.register_hook(lambda gi, go: _got.append(("post", repr(gi), repr(go))))
a.sum().backward()
got = tuple(_got)

### fn_autograd_grad
x = torch.tensor(data(3), requires_grad=True)
y = torch.tensor(data(3, seed=4), requires_grad=True)
z = Cube.apply(x) * y
gx, gy = torch.autograd.grad(z.sum(), (x, y), retain_graph=True)
gx2, = torch.autograd.grad(z, x, torch.ones(3) * 2)
x_grad_untouched = x.grad is None

### fn_grad_fn_apply
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = Cube.apply(x)
applied = y.grad_fn.apply(torch.ones(2))

### fn_ctx_attributes_after_apply
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = Cube.apply(x)
after = (y.grad_fn.to_save, y.grad_fn.dirty_tensors, y.grad_fn.non_differentiable)
metadata = y.grad_fn.metadata
try:
    y.grad_fn._saved_self
except AttributeError as e:
    missing = str(e)

### fn_once_differentiable
_modes = []
class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2
    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, g):
        _modes.append(torch.is_grad_enabled())
        x, = ctx.saved_tensors
        return 2 * x * g
x = torch.tensor(data(3), requires_grad=True)
out = Square.apply(x)
name = Square.backward.__name__
modes_before = tuple(_modes)
torch.autograd.backward([out], [torch.ones(3)], retain_graph=True)
modes = tuple(_modes)

### fn_once_differentiable_error_node
class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2
    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * x * g
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = Square.apply(x)
gi = Square.backward(y.grad_fn, torch.ones(2, requires_grad=True))
err_type = type(gi.grad_fn).__name__
err_name = gi.grad_fn.name()
err_repr = _addr(gi.grad_fn)
err_next = tuple(type(n).__name__ for n, _ in gi.grad_fn.next_functions)
gi.sum().backward()

### fn_once_differentiable_no_grad_inputs
class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2
    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * x * g
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = Square.apply(x)
gi = Square.backward(y.grad_fn, torch.ones(2))

### fn_instantiate_warning
f = Cube()
warned = True

### fn_chain_with_fanout
x = torch.tensor(data(2, 2), requires_grad=True)
h = x.tanh()
out = Cube.apply(h) * h + Scale.apply(h, 0.5)
### fn_inplace_on_output
x = torch.tensor(data(3), requires_grad=True)
out = Cube.apply(x)
out.add_(1)

### fn_inplace_on_returned_input_error
class Ident(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x
    @staticmethod
    def backward(ctx, g):
        return g
x = torch.tensor([1.0, 2.0], requires_grad=True)
r = Ident.apply(x * 1)
r.mul_(2)

### fn_inplace_on_returned_leaf_error
class Ident(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x
    @staticmethod
    def backward(ctx, g):
        return g
x = torch.tensor([1.0, 2.0], requires_grad=True)
Ident.apply(x).mul_(2)

### fn_inplace_view_checks_split_of_leaf
x = torch.ones(4, requires_grad=True)
x.split(2)[0].mul_(2)

### fn_inplace_view_checks_no_grad_view_of_leaf
x = torch.ones(4, requires_grad=True)
with torch.no_grad():
    v = x[:2]
v.mul_(2)

### fn_training_loop
class Poly3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return 0.5 * (5 * t ** 3 - 3 * t)
    @staticmethod
    def backward(ctx, grad_output):
        t, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * t ** 2 - 1)
x = torch.linspace(-3.0, 3.0, 50)
y = torch.sin(x)
a = torch.tensor(0.1, requires_grad=True)
b = torch.tensor(-1.0, requires_grad=True)
c = torch.tensor(0.2, requires_grad=True)
d = torch.tensor(0.3, requires_grad=True)
for step in range(20):
    y_pred = a + b * Poly3.apply(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= 1e-4 * p.grad
            p.grad = None
### fn_clear_saved_tensors_on_access
_got = []
class Once(torch.autograd.Function):
    clear_saved_tensors_on_access = True
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3
    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        try:
            ctx.saved_tensors
        except RuntimeError as e:
            _got.append(str(e))
        return 3 * x ** 2 * g
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = Once.apply(x)
y.sum().backward(retain_graph=True)
got = tuple(_got)
flags = (torch.autograd.Function.clear_saved_tensors_on_access,
         torch.autograd.Function.boxed_grads_call, torch.autograd.Function.generate_vmap_rule)
try:
    y.sum().backward()
except RuntimeError as e:
    again = str(e)

### fn_boxed_grads_call
_got = []
class Boxed(torch.autograd.Function):
    boxed_grads_call = True
    @staticmethod
    def forward(ctx, x):
        return x * 2, x * 3
    @staticmethod
    def backward(ctx, grads):
        _got.append((type(grads).__name__, len(grads)))
        first = grads.pop(0)
        return first * 2 + grads[0] * 3
x = torch.tensor(data(3), requires_grad=True)
out_a, out_b = Boxed.apply(x)
applied = out_a.grad_fn.apply(torch.ones(3), torch.ones(3))
got = tuple(_got)
### fn_mark_dirty_view
class AddScaled(torch.autograd.Function):
    @staticmethod
    def forward(ctx, k, x, w):
        x.add_(k * w)
        ctx.mark_dirty(x)
        ctx.save_for_backward(w)
        return x
    @staticmethod
    def backward(ctx, g):
        w, = ctx.saved_tensors
        return None, g * 3, g * w
x = torch.tensor(data(3), requires_grad=True)
w = torch.tensor(data(2, seed=1), requires_grad=True)
h = x * 1
v = h[:2]
r = AddScaled.apply(1.5, v, w)
same_object = r is v
base_node = type(h.grad_fn).__name__
base_next = tuple(type(n).__name__ for n, _ in h.grad_fn.next_functions)
view_next = tuple(type(n).__name__ for n, _ in v.grad_fn.next_functions)
versions = (v._version, h._version)
out = h * 2

### fn_mark_dirty_view_of_leaf_error
class AddOne(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        ctx.mark_dirty(x)
        return x
    @staticmethod
    def backward(ctx, g):
        return g
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
AddOne.apply(x[:2])
'''


def _build():
    snippets = parse_snippets(_TEXT)
    return {name: _COMMON.lstrip() + source for name, source in snippets.items()}


SNIPPETS = _build()
