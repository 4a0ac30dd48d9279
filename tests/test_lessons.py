"""Programs in the style of PyTorch's beginner lessons ("Learning PyTorch with Examples",
"A 60 Minute Blitz", "Learn the Basics", "Introduction to PyTorch"), written for gradnb:
each calls the tensor API those lessons teach and prints what a learner would look at.

Each program runs under gradnb and under real PyTorch; the printed text must agree,
numbers within a tolerance (printed floats differ in the last digit from one CPU to
another) and everything else exactly, object addresses aside. The programs get ``torch``,
``math`` and ``np`` as globals and avoid printing random values (gradnb's generator is
not PyTorch's), so the comparison holds on any machine.
"""

import contextlib
import io
import math
import re
import warnings

import numpy as np
import pytest

import gradnb

POLYNOMIAL_BY_HAND = """
dtype = torch.float
device = torch.device("cpu")
x = torch.linspace(-math.pi, math.pi, 500, device=device, dtype=dtype)
y = torch.sin(x)
a, b, c, d = (torch.full((), v, device=device, dtype=dtype) for v in (0.1, 0.5, -0.2, 0.05))
learning_rate = 1e-5
for t in range(300):
    y_pred = a + b * x + c * x.pow(2) + d * x.pow(3)
    loss = (y_pred - y).pow(2).sum().item()
    if t % 50 == 49:
        print(t, round(loss, 3))
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = torch.matmul(input=grad_y_pred, other=x).sum()
    grad_c = torch.matmul(input=grad_y_pred, other=x.pow(2)).sum()
    grad_d = torch.matmul(grad_y_pred, x ** 3)
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d
print(f"y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + {d.item():.4f} x^3")
"""

POLYNOMIAL_AUTOGRAD = """
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() \\
    else "cpu"
print(f"Using {device} device", torch.accelerator.device_count())
torch.set_default_device(device)
print(torch.get_default_device())
x = torch.linspace(-math.pi, math.pi, 400, dtype=torch.float)
y = torch.sin(x)
weights = [torch.tensor(v, requires_grad=True) for v in (0.0, 0.8, 0.0, -0.1)]
a, b, c, d = weights
for t in range(200):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 40 == 39:
        print(t, round(loss.item(), 3))
    loss.backward()
    with torch.no_grad():
        for w in weights:
            w -= 5e-6 * w.grad
            w.grad = None
print([round(w.item(), 4) for w in weights])
try:
    a.grad = 0.0
except TypeError as e:
    print(e)
torch.set_default_device(None)
"""

TENSOR_TOUR = """
z = torch.zeros(size=(2, 3))
print(z, z.dtype)
i = torch.ones((2, 3), dtype=torch.int16)
print(i)
f = torch.full(size=(2, 2), fill_value=7)
print(f, torch.eye(3, 2))
x = torch.empty(2, 2, 3)
print(x.shape, torch.zeros_like(x).shape, torch.rand_like(x).shape, torch.ones_like(x).sum())
constants = torch.tensor([[2.5, 1.25], [0.5, 0.0625]])
print(constants.to(torch.int32), constants.double())
twos = torch.ones(2, 2) * 2
print((torch.ones(2, 2) * 7 - 1) / 2, twos ** 0.5, twos ** torch.tensor([[1, 2], [3, 4]]))
cube = torch.ones(4, 3, 2)
print(cube * torch.tensor([[0.5], [1.0], [2.0]]))
r = torch.tensor([[0.3, -0.75, 0.5, -0.1], [0.9, -0.2, 0.05, 0.6]])
print(torch.abs(r), torch.ceil(r), torch.floor(r), torch.clamp(r, -0.5, 0.5))
angles = torch.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
sines = torch.sin(angles)
print(sines, torch.asin(sines), torch.arcsin(sines))
print(torch.tan(angles[:2]), torch.atan(sines), torch.atan2(sines, torch.cos(angles)))
print(torch.sinh(sines), torch.cosh(sines), torch.asinh(sines), torch.acosh(sines + 1),
      torch.atanh(sines * 0.5))
print(torch.bitwise_xor(torch.tensor([1, 5, 11]), torch.tensor([2, 7, 10])))
m = torch.tensor([[1., 2.], [3., 4.]])
print(torch.eq(m, torch.ones(1, 2)), torch.max(m), torch.max(m).item(), torch.mean(m))
print(torch.std(m), torch.prod(m), torch.unique(torch.tensor([1, 2, 1, 2, 1, 2])))
v1, v2 = torch.tensor([1., 0., 0.]), torch.tensor([0., 1., 0.])
print(torch.cross(v2, v1, dim=0))
m3 = torch.matmul(m, torch.tensor([[3., 0.], [0., 3.]]))
print(m3, torch.svd(m3).S, torch.det(m3), torch.std_mean(m3))
u, s, v = torch.svd(m3)
print(torch.allclose((u * s) @ v.T, m3, atol=1e-5))
print(torch.isclose(m, m + 1e-6), torch.equal(m, m.clone()), m.allclose(m * 1.1))
a = torch.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
print(torch.sin(a), a)
b = a.clone()
print(torch.sin_(b), b, b.cos_(), b.abs_(), b.sqrt_(), b.exp_(), b)
p = torch.ones(2, 2)
q = torch.tensor([[0.5, 0.25], [1.5, 2.0]])
print(p.add_(q), p, q.mul_(q), q)
c = torch.zeros(2, 2)
old = id(c)
d = torch.matmul(p, q, out=c)
print(c, d is c, id(c) == old)
result = torch.empty(2, 2)
torch.add(p, q, out=result)
torch.mul(result, 2, out=result)
print(result)
print(torch.cuda.is_available(), torch.device("cpu"), torch.ones(2).to("cpu", torch.double))
batch = torch.ones(3, 4, 4)
batch.unsqueeze_(0)
print(batch.shape, batch.squeeze_(0).shape, torch.ones(1, 5).squeeze(0).shape)
w = torch.arange(6.).reshape(2, 3)
print(w.t_(), w.transpose_(0, 1), w.T, w.mT, torch.broadcast_to(w[0], (2, 3)))
print(torch.reshape(torch.ones(6, 20, 20), (6 * 20 * 20,)).shape, w.view(-1, 3).size())
n = np.ones((2, 3))
t = torch.from_numpy(n)
n[1, 1] = 23
print(t)
t2 = torch.ones(2, 3)
n2 = t2.numpy()
t2[1, 1] = 17
print(n2, torch.is_tensor(t2), torch.numel(t2), t2.dim())
"""

AUTOGRAD_TOUR = """
a = torch.linspace(0., 2. * math.pi, steps=9, requires_grad=True)
b = torch.sin(a)
c = 2 * b
d = c + 1
out = d.sum()
print(b, d, out)
print(d.grad_fn)
print(d.grad_fn.next_functions)
print(d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions)
out.backward()
print(a.grad)
a2 = torch.ones(2, 3, requires_grad=True)
b1 = 2 * a2
a2.requires_grad = False
print(b1, 2 * a2)

@torch.no_grad()
def add(x, y):
    return x + y

p = torch.ones(2, 3, requires_grad=True) * 2
print(add(p, p), p + p, p.detach())
try:
    torch.sin_(torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True))
except RuntimeError as e:
    print(e)
x = torch.tensor([0.5, -1.25, 2.0], requires_grad=True)
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
y.backward(torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float))
print(y, x.grad)
xs = torch.tensor([[1.5, 2.0, -1.0], [0.5, 1.0, 3.0]], requires_grad=True)
ys = torch.tensor([[0.5, 1.0, 2.0], [1.0, -2.0, 0.25]], requires_grad=True)
zs = torch.ones(2, 3, requires_grad=True)
with torch.autograd.profiler.profile(use_cuda=False) as prf:
    for _ in range(10):
        zs = (zs / xs) * ys
events = prf.key_averages()
print([(e.key, e.count) for e in events])
print(prf.key_averages().table(sort_by="self_cpu_time_total").splitlines()[1])
"""

BASICS_AUTOGRAD = """
x = torch.ones(5)
y = torch.zeros(3)
w = torch.tensor([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5], [-0.6, 0.1, 0.2],
                  [0.05, -0.9, 0.4], [0.7, 0.3, -0.1]], requires_grad=True)
b = torch.tensor([0.1, -0.3, 0.2], requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {type(z.grad_fn).__name__}")
print(f"Gradient function for loss = {type(loss.grad_fn).__name__}")
loss.backward()
print(w.grad, b.grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad, (torch.matmul(x, w) + b).detach().requires_grad)
inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"Second call\\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"After zeroing\\n{inp.grad}")
data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
print(torch.ones_like(x_data), torch.rand_like(x_data, dtype=torch.float).dtype)
tensor = torch.ones(4, 4)
tensor[:, 1] = 0
print(tensor[0], tensor[:, 0], tensor[..., -1], torch.cat([tensor, tensor], dim=1))
y3 = torch.rand_like(tensor)
torch.matmul(tensor, tensor.T, out=y3)
z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
print(y3, z3, tensor.sum().item())
tensor.add_(5)
print(tensor)
"""

INPLACE_VIEWS = """
x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
y = x * 2
y.t_()
print(y.grad_fn, y.shape)
y.unsqueeze_(0)
print(y.grad_fn, y._version)
y.squeeze_(0)
y.transpose_(0, 1)
print(y.grad_fn)
(y * torch.arange(6.).view(2, 3)).sum().backward()
print(x.grad)
for bad in ("x.unsqueeze_(0)", "x[0].t_()", "x.sin_()"):
    try:
        eval(bad)
    except RuntimeError as e:
        print(bad, "->", e)
t = (x / 10).sin()
r = t.asin()
t.mul_(2)
try:
    r.sum().backward()
except RuntimeError as e:
    print(str(e).split(";")[0])
"""

PROGRAMS = {"polynomial_by_hand": POLYNOMIAL_BY_HAND,
            "polynomial_autograd": POLYNOMIAL_AUTOGRAD, "tensor_tour": TENSOR_TOUR,
            "autograd_tour": AUTOGRAD_TOUR, "basics_autograd": BASICS_AUTOGRAD,
            "inplace_views": INPLACE_VIEWS}

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def run_program(module, source):
    """What ``source`` prints with ``torch`` = ``module`` (warnings silenced)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(source, "<lesson>", "exec"), {"torch": module, "math": math, "np": np})
    return _ADDRESS.sub(" at 0x?", buffer.getvalue())


def assert_same_printout(got, expected, rtol=1e-3, atol=2e-4):
    """Same text with numbers replaced by a marker, and numbers close pairwise."""
    assert _NUMBER.sub("#", got) == _NUMBER.sub("#", expected), (got, expected)
    for g, e in zip(_NUMBER.findall(got), _NUMBER.findall(expected), strict=True):
        assert math.isclose(float(g), float(e), rel_tol=rtol, abs_tol=atol), (g, e, got)


@pytest.fixture(scope="module")
def real_torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_prints_what_pytorch_prints(name, real_torch):
    assert_same_printout(run_program(gradnb, PROGRAMS[name]),
                         run_program(real_torch, PROGRAMS[name]))


def test_comparison_catches_a_different_number():
    with pytest.raises(AssertionError):
        assert_same_printout("tensor([1.0000, 2.5000])", "tensor([1.0000, 2.6000])")
    with pytest.raises(AssertionError):
        assert_same_printout("grad_fn=<AddBackward0>", "grad_fn=<SubBackward0>")
    assert_same_printout("tensor([1.0001])", "tensor([1.0000])")


# ---------------------------------------------------------------------------------------
# the profiler costs nothing outside its block
# ---------------------------------------------------------------------------------------

def _entry_points():
    names, functions = gradnb._methods.entry_points()
    return ({n: gradnb.Tensor.__dict__.get(n) for n in names},
            {n: getattr(gradnb, n, None) for n in functions})


def test_profiler_puts_the_original_functions_back():
    before = _entry_points()
    x = gradnb.ones(2, requires_grad=True)
    with pytest.raises(ZeroDivisionError):
        with gradnb.autograd.profiler.profile() as prof:
            assert gradnb.Tensor.__dict__["__mul__"] is not before[0]["__mul__"]
            (x * 2).sum()
            raise ZeroDivisionError("an error inside the block")
    assert _entry_points() == before
    assert (x * 3 + 1).grad_fn is not None          # after the block: not recorded
    assert [(e.key, e.count) for e in prof.key_averages()] == [("aten::mul", 1),
                                                               ("aten::sum", 1)]


def test_profiler_nesting_and_self_time():
    with gradnb.profiler.profile() as outer:
        with pytest.raises(RuntimeError, match="already enabled"):
            with gradnb.autograd.profiler.profile():
                pass
        with gradnb.profiler.record_function("block"):
            gradnb.ones(3).exp()
    rows = {e.key: e for e in outer.key_averages()}
    assert set(rows) == {"block", "aten::ones", "aten::exp"}
    block = rows["block"]
    inner = rows["aten::ones"].cpu_time_total + rows["aten::exp"].cpu_time_total
    assert block.cpu_time_total >= inner
    assert abs(block.self_cpu_time_total - (block.cpu_time_total - inner)) < 1e-6
    table = outer.key_averages().table(sort_by="cpu_time_total")
    assert table.splitlines()[3].split()[0] == "block"
    assert table.endswith(f"Self CPU time total: {table.splitlines()[-1].split(': ')[1]}\n")


def test_disabled_profiler_records_nothing():
    with gradnb.autograd.profiler.profile(enabled=False) as prof:
        gradnb.ones(2) + 1
    assert prof.key_averages() == [] and prof.key_averages().table() == ""


# ---------------------------------------------------------------------------------------
# torch.save / torch.load (the quickstart saves a state_dict and loads it back)
# ---------------------------------------------------------------------------------------

class _Unsafe:
    """An object a weights-only load must refuse to construct."""


def test_save_and_load_a_state_dict(tmp_path):
    model = gradnb.nn.Linear(3, 2)
    path = tmp_path / "model.pth"
    gradnb.save(model.state_dict(), path)
    other = gradnb.nn.Linear(3, 2)
    other.load_state_dict(gradnb.load(path))
    assert gradnb.equal(other.weight, model.weight) and gradnb.equal(other.bias, model.bias)
    saved = [gradnb.tensor([1.5, 2.0], dtype=gradnb.float64, requires_grad=True),
             gradnb.tensor([1, 2]), 3, "name", (0.5,)]
    buffer = io.BytesIO()
    gradnb.save(saved, buffer)
    buffer.seek(0)
    back = gradnb.load(buffer, weights_only=True)
    assert back[0].dtype is gradnb.float64 and back[0].requires_grad
    assert back[1].tolist() == [1, 2] and back[2:] == [3, "name", (0.5,)]


def test_load_is_weights_only_by_default():
    import pickle
    buffer = io.BytesIO()
    gradnb.save({"a": _Unsafe()}, buffer)
    buffer.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL .*_Unsafe"):
        gradnb.load(buffer)
    buffer.seek(0)
    assert isinstance(gradnb.load(buffer, weights_only=False)["a"], _Unsafe)
