"""Higher-order gradients: ``create_graph=True`` in ``backward`` / ``autograd.backward`` /
``autograd.grad``, the engine's graph pass, ``torch.autograd.functional``, and the graph
views of a gradient. Values against PyTorch are in the differential snippets
(``higher_*``, ``err_functional_*`` and ``fresh_*create_graph*`` in op_snippets.py); these
tests pin down the semantics that need no oracle (expected values are computed from the
inputs with numpy), and the second-order sweep over the rule table is
test_gradgradcheck.py."""

import warnings

import numpy as np
import pytest

import gradnb as torch
from gradnb import viz
from gradnb.autograd import add_observer
from gradnb.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp
from gradnb.ops.rules import RULES
from gradnb.tensor import Tensor, _warned_once
from gradnb.testing import GradcheckError, gradcheck, gradgradcheck

# backward(create_graph=True) warns once per process; test_..._warns_once checks it
pytestmark = pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph")


def leaf(*values, dtype=torch.float64):
    return torch.tensor(list(values), dtype=dtype, requires_grad=True)


# ---------------------------------------------------------------------------------------
# create_graph in grad and backward
# ---------------------------------------------------------------------------------------

def test_x_to_the_fourth_differentiated_four_times():
    x = leaf(2.0, -1.5, 0.5)
    a = x.detach().numpy()
    g1, = torch.autograd.grad((x ** 4).sum(), x, create_graph=True)
    g2, = torch.autograd.grad(g1.sum(), x, create_graph=True)
    g3, = torch.autograd.grad(g2.sum(), x, create_graph=True)
    g4, = torch.autograd.grad(g3.sum(), x)
    for g, expected in ((g1, 4 * a ** 3), (g2, 12 * a ** 2), (g3, 24 * a),
                        (g4, np.full(3, 24.0))):
        np.testing.assert_allclose(g.detach().numpy(), expected, rtol=1e-12)
    assert g1.grad_fn.name() == "MulBackward0" and g1.requires_grad
    assert g4.grad_fn is None and not g4.requires_grad


def test_backward_create_graph_gives_grad_a_graph():
    x = leaf(2.0, -1.0)
    (x ** 3).sum().backward(create_graph=True)
    first = x.grad
    assert first.grad_fn.name() == "CopyBackwards"
    assert first.grad_fn.next_functions[0] == (None, 0)
    x.grad = None
    first.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * np.array([2.0, -1.0]))


def test_backward_create_graph_warns_once():
    _warned_once.pop("create_graph", None)
    x = leaf(1.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (x * x).sum().backward(create_graph=True)
        (x * x).sum().backward(create_graph=True)
        torch.autograd.grad((x * x).sum(), x, create_graph=True)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and messages[0].startswith(
        "Using backward() with create_graph=True will create a reference cycle")
    assert caught[0].filename == __file__      # shown at the user's line


def test_later_backward_adds_out_of_place():
    x = leaf(1.5, 0.5)
    x.exp().sum().backward(create_graph=True)
    first = x.grad
    kept = first.detach().clone()
    x.sin().sum().backward(create_graph=True)
    assert x.grad is not first and x.grad.grad_fn.name() == "AddBackward0"
    np.testing.assert_array_equal(first.detach().numpy(), kept.numpy())   # untouched
    a = x.detach().numpy()
    np.testing.assert_allclose(x.grad.detach().numpy(), np.exp(a) + np.cos(a))


def test_retain_graph_defaults_to_create_graph():
    x = leaf(0.5, 1.0)
    y = (x.exp() * x).sum()
    torch.autograd.grad(y, x, create_graph=True)
    torch.autograd.grad(y, x)                   # the graph was kept
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second"):
        torch.autograd.grad(y, x)
    z = (x.exp() * x).sum()
    torch.autograd.grad(z, x, create_graph=True, retain_graph=False)
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second"):
        torch.autograd.grad(z, x)


def test_in_place_change_after_create_graph_is_detected():
    x = leaf(0.5, 1.0)
    y = x * 1
    g, = torch.autograd.grad((y * y * y).sum(), y, create_graph=True)   # saves y
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        torch.autograd.grad(g.sum(), x)


def test_unused_inputs_with_create_graph():
    x, w = leaf(1.0, 2.0), leaf(3.0)
    gx, gw = torch.autograd.grad((x * x).sum(), (x, w), create_graph=True, allow_unused=True)
    assert gw is None and gx.requires_grad
    _, zeros = torch.autograd.grad((x * x).sum(), (x, w), create_graph=True,
                                   materialize_grads=True)
    assert zeros.requires_grad and zeros.is_leaf and zeros.tolist() == [0.0]   # as PyTorch


def test_a_rule_returning_a_numpy_scalar_is_cast():
    """The engine's cast takes numpy scalars (``grad.sum()`` of FillBackward3) as well as
    arrays and, with create_graph, Tensors."""
    for create_graph in (False, True):
        x = torch.zeros(3, dtype=torch.float64, requires_grad=True)
        v = torch.tensor(2.0, requires_grad=True)           # float32 value, float64 self
        y = x.clone()
        y.fill_(v)
        g, = torch.autograd.grad((y * y).sum(), v, create_graph=create_graph)
        assert g.dtype is torch.float32 and g.item() == 12.0


def test_grads_batched_stacks_one_product_per_row():
    x = leaf(1.0, 2.0, 3.0)
    y = x ** 2
    rows, = torch.autograd.grad(y, x, torch.eye(3).double(), is_grads_batched=True,
                                create_graph=True)
    np.testing.assert_allclose(rows.detach().numpy(), np.diag([2.0, 4.0, 6.0]))
    assert rows.requires_grad
    z = y.exp()
    again, = torch.autograd.grad(z, x, torch.ones(2, 3).double(), is_grads_batched=True)
    assert again.shape == (2, 3)
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second"):
        torch.autograd.grad(z, x, torch.ones(3).double())      # freed after the last row


def test_plain_backward_is_unchanged():
    x = leaf(0.5, 1.0)
    g, = torch.autograd.grad((x ** 3).sum(), x)
    assert g.grad_fn is None and not g.requires_grad


def test_gradient_of_a_linear_function_has_no_graph():
    x = leaf(1.0, 2.0)
    g, = torch.autograd.grad((x * 3).sum(), x, create_graph=True)
    assert not g.requires_grad
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        torch.autograd.grad(g.sum(), x)


def test_grad_outputs_that_require_grad_stay_in_the_graph():
    """d/dv of v^T J is J: what jvp's double-backward trick relies on."""
    x, v = leaf(0.5, 1.0, -2.0), leaf(1.0, -1.0, 2.0)
    g, = torch.autograd.grad(x.tanh(), x, v, create_graph=True)
    dx, dv = torch.autograd.grad(g.sum(), (x, v))
    a, b = x.detach().numpy(), v.detach().numpy()
    t = np.tanh(a)
    np.testing.assert_allclose(dv.numpy(), 1 - t * t)
    np.testing.assert_allclose(dx.numpy(), b * -2 * t * (1 - t * t))


def test_broadcasting_and_dtype_casts_are_recorded():
    """The engine's unbroadcast and cast run as tensor ops: x (float32, (3,)) times
    y (float64, (2, 3)); x's gradient is summed over rows and cast, differentiably."""
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.25]], dtype=torch.float64,
                     requires_grad=True)
    gx, = torch.autograd.grad((x * x * y).sum(), x, create_graph=True)
    assert gx.dtype is torch.float32 and gx.shape == (3,)
    hy, = torch.autograd.grad(gx.sum(), y)
    np.testing.assert_allclose(hy.numpy(), np.broadcast_to(2 * x.detach().numpy(), (2, 3)))


def test_hooks_get_and_return_tensors_with_graph():
    x = leaf(0.5, 1.5)
    y = x.sin()
    seen = []
    y.register_hook(lambda g: seen.append(g) or g * x)
    g, = torch.autograd.grad((y * y).sum(), x, create_graph=True)
    assert seen[0].requires_grad and g.requires_grad       # 2 sin(x), with its graph
    a = x.detach().numpy()
    np.testing.assert_allclose(g.detach().numpy(), a * np.sin(2 * a))   # 2 sin cos x
    torch.autograd.grad(g.sum(), x)
    assert len(seen) == 2           # y's node is in g's graph: the hook runs again


def test_retain_grad_keeps_a_clone_with_graph():
    x = leaf(1.0, 2.0)
    y = x * 3
    y.retain_grad()
    (y.exp()).sum().backward(create_graph=True)
    assert y.grad.grad_fn.name() == "CloneBackward0"
    np.testing.assert_allclose(y.grad.detach().numpy(), np.exp(3 * np.array([1.0, 2.0])))


def test_backward_inputs_with_create_graph():
    x, w = leaf(1.0, 2.0), leaf(0.5, -0.5)
    torch.autograd.backward((x * x * w).sum(), inputs=[x], create_graph=True)
    assert w.grad is None and x.grad.grad_fn.name() == "CopyBackwards"
    (dw,) = torch.autograd.grad(x.grad.sum(), w)
    np.testing.assert_allclose(dw.numpy(), 2 * np.array([1.0, 2.0]))


def test_observers_receive_arrays_in_a_graph_pass():
    x = leaf(0.5, 1.0)
    events = []
    with add_observer(lambda event, data: events.append((event, data))):
        torch.autograd.grad((x.exp() * x).sum(), x, create_graph=True)
    grads = [d["grad"] for e, d in events if e in ("node", "edge")]
    assert grads and all(isinstance(g, np.ndarray) for g in grads)


def test_backward_animation_of_a_graph_pass_shows_the_same_steps():
    """A create_graph pass reports the same events (arrays, fan-out sums, the leaf's
    accumulation) as the plain pass, so traces and animations replay it alike."""
    texts = []
    for create_graph in (False, True):
        x = leaf(0.5, 1.5)
        with viz.BackwardTrace(namespace={"x": x}) as trace:
            (x.sin() * x).sum().backward(create_graph=create_graph)
        texts.append(trace.to_text())
    assert texts[0] == texts[1] and "gradients add up at AccumulateGrad of x" in texts[0]


def test_nodes_without_tensor_formulas_refuse_create_graph():
    """The hook point: a node kind that cannot run on tensors says so (PyTorch's custom
    Functions define it through their backward)."""
    x = leaf(1.0)
    y = x * 2
    with pytest.raises(RuntimeError, match="does not support create_graph=True"):
        torch.autograd.Node._vjp_tensors(y.grad_fn, Tensor._wrap(np.ones(1)))


# ---------------------------------------------------------------------------------------
# gradgradcheck itself
# ---------------------------------------------------------------------------------------

def test_gradgradcheck_catches_a_backward_that_is_not_differentiable(monkeypatch):
    """A rule whose tensor formula computes right values but records no graph passes
    gradcheck and fails gradgradcheck."""
    cls = RULES["tanh"].node_class
    monkeypatch.setattr(cls, "_vjp_tensors", lambda node, grad, views=None: tuple(
        Tensor._wrap(g) for g in node._vjp(grad._data)))
    x = leaf(0.3, -0.8)
    assert gradcheck(torch.tanh, (x,))
    with pytest.raises(GradcheckError):
        gradgradcheck(torch.tanh, (x,))


def test_gradgradcheck_of_a_small_mlp():
    inputs = torch.tensor(np.linspace(-1, 1, 8).reshape(4, 2))
    target = torch.tensor([[0.5], [-0.5], [1.0], [0.0]], dtype=torch.float64)

    def loss(w1, b1, w2):
        return ((torch.tanh(inputs @ w1 + b1) @ w2 - target) ** 2).mean()

    rng = np.random.default_rng(3)
    params = tuple(torch.tensor(rng.uniform(-1, 1, s), requires_grad=True)
                   for s in ((2, 3), (3,), (3, 1)))
    assert gradgradcheck(loss, params)


# ---------------------------------------------------------------------------------------
# torch.autograd.functional
# ---------------------------------------------------------------------------------------

def _quartic(a, b):
    return (a ** 4).sum() + (a.unsqueeze(1) * b).sin().sum()


def test_hessian_of_a_scalar_function_matches_finite_differences():
    x = torch.tensor([0.5, -1.0, 1.5], dtype=torch.float64)
    h = hessian(lambda a: (a ** 4).sum() + a.prod(), x)
    a = x.numpy()
    expected = np.diag(12 * a ** 2) + np.array([[0, a[2], a[1]], [a[2], 0, a[0]],
                                                [a[1], a[0], 0]])
    np.testing.assert_allclose(h.numpy(), expected, rtol=1e-12)


def test_hessian_structure_for_tuple_inputs():
    x = torch.tensor([0.5, -1.0], dtype=torch.float64)
    y = torch.tensor([[1.5, 0.25, -0.5]], dtype=torch.float64)
    h = hessian(_quartic, (x, y))
    shapes = [[tuple(h[i][j].shape) for j in range(2)] for i in range(2)]
    assert shapes == [[(2, 2), (2, 1, 3)], [(1, 3, 2), (1, 3, 1, 3)]]
    np.testing.assert_allclose(h[0][1].numpy(), h[1][0].numpy().transpose(2, 0, 1),
                               rtol=1e-12)


def test_products_agree_with_the_full_matrices():
    x = torch.tensor([0.5, -1.0], dtype=torch.float64)
    y = torch.tensor([[1.5, 0.25, -0.5]], dtype=torch.float64)
    va = torch.tensor([1.0, -2.0], dtype=torch.float64)
    vb = torch.tensor([[0.5, 1.0, -1.0]], dtype=torch.float64)
    h = hessian(_quartic, (x, y))
    flat = np.block([[h[0][0].numpy(), h[0][1].numpy().reshape(2, 3)],
                     [h[1][0].numpy().reshape(3, 2), h[1][1].numpy().reshape(3, 3)]])
    v = np.concatenate([va.numpy(), vb.numpy().reshape(-1)])
    for fn, product in ((hvp, flat @ v), (vhp, v @ flat)):
        _, (pa, pb) = fn(_quartic, (x, y), (va, vb))
        np.testing.assert_allclose(np.concatenate([pa.numpy(), pb.numpy().reshape(-1)]),
                                   product, rtol=1e-12)
    def f(a):
        return (a.unsqueeze(1) * a).tanh()
    j = jacobian(f, x).numpy().reshape(4, 2)
    u = torch.tensor([[1.0, 2.0], [-1.0, 0.5]], dtype=torch.float64)
    np.testing.assert_allclose(jvp(f, x, va)[1].numpy().reshape(-1), j @ va.numpy())
    np.testing.assert_allclose(vjp(f, x, u)[1].numpy(), u.numpy().reshape(-1) @ j)


def test_vectorize_and_forward_strategy_give_the_loop_results():
    x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
    def f(a):
        return (a.unsqueeze(1) * a).sin(), a.exp().sum()

    def s(a):
        return (a ** 3).prod()

    loop = jacobian(f, x)
    for kwargs in ({"vectorize": True}, {"vectorize": True, "strategy": "forward-mode"}):
        for a, b in zip(loop, jacobian(f, x, **kwargs)):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(hessian(s, x).numpy(), hessian(s, x, vectorize=True).numpy())


def test_functional_create_graph_keeps_results_differentiable():
    x = leaf(1.0, 2.0)
    h = hessian(lambda a: (a ** 3).sum(), x, create_graph=True)
    assert h.requires_grad
    d, = torch.autograd.grad(h.sum(), x)        # third derivative: 6 on the diagonal
    np.testing.assert_allclose(d.numpy(), [6.0, 6.0])
    plain = hessian(lambda a: (a ** 3).sum(), x)
    assert not plain.requires_grad


# ---------------------------------------------------------------------------------------
# the views draw a gradient's own graph
# ---------------------------------------------------------------------------------------

def _labels(model):
    return sorted(n["label"] for n in model.nodes if n["kind"] != "tensor")


def test_graph_view_of_a_gradient():
    x = leaf(2.0, -1.0)
    g, = torch.autograd.grad((x ** 4).sum(), x, create_graph=True)
    model = viz.build_graph(g, namespace={"x": x, "g": g})
    labels = _labels(model)
    assert "MulBackward0" in labels and "PowBackward0" in labels
    assert "AccumulateGrad" in labels and model.node("x")["is_leaf"]
    assert model.node("g")["grad_fn"] == "MulBackward0"


def test_graph_view_of_grad_after_backward_create_graph():
    x = leaf(0.5, 1.5)
    x.sin().sum().backward(create_graph=True)
    grad = x.grad
    model = viz.build_graph(grad, namespace={"x": x, "grad": grad})
    assert model.node("grad")["grad_fn"] == "CopyBackwards"
    assert {"CopyBackwards", "MulBackward0", "CosBackward0", "AccumulateGrad"} <= set(
        _labels(model))
    assert "CosBackward0" in viz.svg.render_graph(model.to_json())
    assert "CopyBackwards" in viz.text.graph_text(model.to_json())
