"""Tests of ``gradnb.optim``: SGD, Adam, AdamW and the Optimizer base.

Without torch: updates checked against PyTorch's equations written out in numpy here,
parameter groups, ``zero_grad``, ``state_dict``, printed form (recorded from PyTorch
2.13). Against the installed torch (skipped where absent): the same parameters and
gradients fed to both for several steps under every option, compared after each step,
plus reprs, state dicts and error messages.
"""

import warnings

import numpy as np
import pytest

import gradnb as gn
from gradnb import nn, optim


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype(np.float32)


def param(array):
    return nn.Parameter(gn.tensor(array))


def with_grad(p, array):
    p.grad = gn.tensor(array)
    return p


SGD_REPR = """SGD (
Parameter Group 0
    dampening: 0
    differentiable: False
    foreach: None
    fused: None
    lr: 0.1
    maximize: False
    momentum: 0
    nesterov: False
    weight_decay: 0
)"""


# ---------------------------------------------------------------------------------------
# without torch
# ---------------------------------------------------------------------------------------

def test_sgd_step_is_p_minus_lr_grad():
    w, g = rand(3, 2), rand(3, 2, seed=1)
    p = with_grad(param(w), g)
    version = p._version
    opt = optim.SGD([p], lr=0.1)
    assert opt.step() is None
    np.testing.assert_array_equal(p.detach().numpy(), w - np.float32(0.1) * g)
    assert p._version == version + 1 and p.grad is not None


def sgd_reference(w, grads, lr, momentum=0.0, dampening=0.0, weight_decay=0.0,
                  nesterov=False):
    """PyTorch's SGD equations in numpy (float32)."""
    w, buf = w.copy(), None
    for g in grads:
        g = g + np.float32(weight_decay) * w if weight_decay else g
        if momentum:
            buf = g.copy() if buf is None else \
                np.float32(momentum) * buf + np.float32(1 - dampening) * g
            g = g + np.float32(momentum) * buf if nesterov else buf
        w = w - np.float32(lr) * g
    return w


@pytest.mark.parametrize("options", [dict(momentum=0.9), dict(momentum=0.9, nesterov=True),
                                     dict(momentum=0.5, dampening=0.3),
                                     dict(weight_decay=0.01, momentum=0.8)])
def test_sgd_momentum_variants_against_numpy(options):
    w = rand(4)
    grads = [rand(4, seed=s) for s in range(1, 4)]
    p = param(w)
    opt = optim.SGD([p], lr=0.05, **options)
    for g in grads:
        p.grad = gn.tensor(g)
        opt.step()
    np.testing.assert_allclose(p.detach().numpy(), sgd_reference(w, grads, 0.05, **options),
                               rtol=1e-6, atol=1e-7)
    assert set(opt.state[p]) == {"momentum_buffer"}


def adam_reference(w, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                   decoupled=False, amsgrad=False):
    """PyTorch's Adam equations in numpy (float64, compared loosely)."""
    w = w.astype(np.float64)
    m = v = vmax = np.zeros_like(w)
    for t, g in enumerate(grads, 1):
        g = g.astype(np.float64)
        if weight_decay and decoupled:
            w = w * (1 - lr * weight_decay)
        elif weight_decay:
            g = g + weight_decay * w
        m = betas[0] * m + (1 - betas[0]) * g
        v = betas[1] * v + (1 - betas[1]) * g * g
        vmax = np.maximum(vmax, v)
        second = vmax if amsgrad else v
        denom = np.sqrt(second) / np.sqrt(1 - betas[1] ** t) + eps
        w = w - lr / (1 - betas[0] ** t) * m / denom
    return w


@pytest.mark.parametrize("cls,options,decoupled", [
    (optim.Adam, dict(), False), (optim.Adam, dict(lr=0.01, weight_decay=0.1), False),
    (optim.Adam, dict(amsgrad=True, betas=(0.5, 0.9)), False),
    (optim.AdamW, dict(lr=0.01), True), (optim.AdamW, dict(amsgrad=True), True)])
def test_adam_against_numpy(cls, options, decoupled):
    w = rand(5)
    grads = [rand(5, seed=s) * s for s in range(1, 5)]
    p = param(w)
    opt = cls([p], **options)
    for g in grads:
        p.grad = gn.tensor(g)
        opt.step()
    defaults = dict(weight_decay=0.01) if cls is optim.AdamW else {}
    expected = adam_reference(w, grads, decoupled=decoupled, **{**defaults, **options})
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-5, atol=1e-6)
    state = opt.state[p]
    assert state["step"].item() == 4.0 and state["step"].dtype is gn.float32
    assert ("max_exp_avg_sq" in state) == options.get("amsgrad", False)


def test_rmsprop_against_numpy():
    w = rand(5)
    grads = [rand(5, seed=s) for s in range(1, 4)]
    p = param(w)
    opt = optim.RMSprop([p], lr=0.01, momentum=0.5)
    expected, v, buf = w.astype(np.float64), np.zeros(5), np.zeros(5)
    for g in grads:
        p.grad = gn.tensor(g)
        opt.step()
        v = 0.99 * v + 0.01 * g.astype(np.float64) ** 2
        buf = 0.5 * buf + g / (np.sqrt(v) + 1e-8)
        expected = expected - 0.01 * buf
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-5, atol=1e-6)
    assert list(opt.state[p]) == ["step", "square_avg", "momentum_buffer"]


def test_parameters_without_grad_are_left_alone():
    a, b = with_grad(param(rand(2)), rand(2, seed=1)), param(rand(2, seed=2))
    before = b.detach().numpy().copy()
    for opt in (optim.SGD([a, b], lr=1, momentum=0.9), optim.Adam([a, b]),
                optim.RMSprop([a, b])):
        opt.step()
        np.testing.assert_array_equal(b.detach().numpy(), before)
        assert b not in opt.state


def test_zero_grad():
    p = with_grad(param(rand(2)), rand(2, seed=1))
    opt = optim.SGD([p], lr=0.1)
    grad = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad and p.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_closure_is_evaluated_with_grad_enabled():
    p = param(np.array([2.0], np.float32))
    opt = optim.SGD([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with gn.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 4.0 and p.item() == pytest.approx(2.0 - 0.1 * 4.0)


def test_param_groups_and_learning_rate_changes():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    opt = optim.SGD([{"params": model[0].parameters()},
                     {"params": model[1].parameters(), "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert all(g["momentum"] == 0.9 for g in opt.param_groups)
    p = opt.param_groups[1]["params"][1]
    p.grad = gn.ones(1)
    opt.param_groups[1]["lr"] = 0.25          # what a scheduler does
    before = p.item()
    opt.step()
    assert p.item() == pytest.approx(before - 0.25)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter "
                                         "group"):
        opt.add_param_group({"params": [p]})


def test_constructor_errors():
    p = param(rand(2))
    cases = [
        (lambda: optim.SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
        (lambda: optim.SGD([p * 2], lr=0.1), ValueError, "can't optimize a non-leaf Tensor"),
        (lambda: optim.SGD(p, lr=0.1), TypeError, "params argument given to the optimizer "
         "should be an iterable of Tensors or dicts, but got torch.FloatTensor"),
        (lambda: optim.SGD([1.0], lr=0.1), TypeError, "optimizer can only optimize Tensors, "
         "but one of the params is float"),
        (lambda: optim.SGD([p], lr=-1), ValueError, "Invalid learning rate: -1"),
        (lambda: optim.SGD([p], lr=1, nesterov=True), ValueError,
         "Nesterov momentum requires a momentum and zero dampening"),
        (lambda: optim.Adam([p], betas=(1.0, 0.9)), ValueError,
         "Invalid beta parameter at index 0: 1.0"),
        (lambda: optim.Adam([p], eps=-1), ValueError, "Invalid epsilon value: -1"),
    ]
    for make, kind, message in cases:
        with pytest.raises(kind) as info:
            make()
        assert str(info.value) == message


def test_duplicate_parameters_warn():
    p = param(rand(2))
    with pytest.warns(UserWarning, match="optimizer contains a parameter group with "
                                         "duplicate parameters"):
        optim.SGD([p, p], lr=0.1)


def test_repr_and_class_names():
    opt = optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1)
    assert repr(opt) == SGD_REPR
    assert repr(optim.SGD) == "<class 'torch.optim.sgd.SGD'>"
    assert repr(type(optim.AdamW([param(rand(1))]))) == "<class 'torch.optim.adamw.AdamW'>"
    assert optim.AdamW.__mro__[1] is optim.Adam
    assert repr(optim.RMSprop) == "<class 'torch.optim.rmsprop.RMSprop'>"


def test_state_dict_and_load_state_dict():
    model = nn.Linear(2, 2)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(gn.ones(1, 2)).sum().backward()
    opt.step()
    sd = opt.state_dict()
    assert list(sd) == ["state", "param_groups"]
    assert list(sd["state"]) == [0, 1] and list(sd["state"][0]) == ["momentum_buffer"]
    assert sd["param_groups"] == [{"lr": 0.1, "momentum": 0.9, "dampening": 0,
                                   "weight_decay": 0, "nesterov": False, "maximize": False,
                                   "foreach": None, "differentiable": False, "fused": None,
                                   "params": [0, 1]}]
    fresh = optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    fresh.load_state_dict(sd)
    assert fresh.param_groups[0]["lr"] == 0.1
    assert fresh.param_groups[0]["params"] == list(model.parameters())
    assert fresh.state[model.weight]["momentum_buffer"] is sd["state"][0]["momentum_buffer"]
    with pytest.raises(ValueError, match="loaded state dict contains a parameter group that "
                                         "doesn't match the size of optimizer's group"):
        optim.SGD([model.weight], lr=0.1).load_state_dict(sd)


def test_named_parameters_are_accepted():
    model = nn.Linear(2, 2)
    opt = optim.SGD(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert "    param_names: ['weight', 'bias']\n" in repr(opt)


# ---------------------------------------------------------------------------------------
# against torch
# ---------------------------------------------------------------------------------------

CONFIGS = {
    "sgd": ("SGD", dict(lr=0.1)),
    "sgd_momentum": ("SGD", dict(lr=0.05, momentum=0.9)),
    "sgd_nesterov_wd": ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-2)),
    "sgd_dampening_maximize": ("SGD", dict(lr=0.05, momentum=0.5, dampening=0.2,
                                           maximize=True)),
    "adam": ("Adam", dict()),
    "adam_lr_wd": ("Adam", dict(lr=0.01, weight_decay=0.05, betas=(0.8, 0.99))),
    "adam_amsgrad_maximize": ("Adam", dict(lr=0.01, amsgrad=True, maximize=True)),
    "adam_decoupled": ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    "adamw": ("AdamW", dict(lr=0.01)),
    "adamw_amsgrad": ("AdamW", dict(lr=0.02, amsgrad=True, weight_decay=0.3)),
    "rmsprop": ("RMSprop", dict()),
    "rmsprop_momentum_centered": ("RMSprop", dict(momentum=0.9, centered=True,
                                                  weight_decay=0.01)),
    "rmsprop_maximize": ("RMSprop", dict(lr=0.001, alpha=0.9, momentum=0.5, maximize=True)),
}


@pytest.mark.parametrize("name", CONFIGS)
def test_optimizer_steps_match_torch(torch, name):
    cls_name, options = CONFIGS[name]
    shapes = [(4, 3), (4,), (2, 4)]
    mine = [param(rand(*s, seed=i)) for i, s in enumerate(shapes)]
    theirs = [torch.nn.Parameter(torch.tensor(rand(*s, seed=i))) for i, s in
              enumerate(shapes)]
    opt_m = getattr(optim, cls_name)(mine, **options)
    opt_t = getattr(torch.optim, cls_name)(theirs, **options)
    for step in range(6):
        for i, (p, q) in enumerate(zip(mine, theirs)):
            if step == 2 and i == 1:       # a parameter without a gradient this step
                p.grad = q.grad = None
                continue
            g = rand(*p.shape, seed=100 + 10 * step + i) * (step + 1)
            p.grad, q.grad = gn.tensor(g), torch.tensor(g)
        opt_m.step()
        opt_t.step()
        for p, q in zip(mine, theirs):
            np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-5,
                                       atol=1e-6)
    for p, q in zip(mine, theirs):
        state_m, state_t = opt_m.state[p], opt_t.state[q]
        assert list(state_m) == list(state_t)
        for key in state_m:
            assert repr(state_m[key].dtype) == repr(state_t[key].dtype)
            np.testing.assert_allclose(state_m[key].numpy(), state_t[key].numpy(), rtol=1e-5,
                                       atol=1e-7)
    assert repr(opt_m) == repr(opt_t)
    assert opt_m.state_dict()["param_groups"] == opt_t.state_dict()["param_groups"]


def test_grouped_reprs_match_torch(torch):
    def build(lib):
        model = lib.nn.Linear(2, 2)
        return [lib.optim.SGD([{"params": [model.weight]}, {"params": [model.bias],
                                                             "lr": 0.5}], lr=0.1, momentum=0.9),
                lib.optim.Adam(model.parameters(), lr=0.01),
                lib.optim.AdamW(model.named_parameters()),
                lib.optim.RMSprop(model.parameters(), centered=True)]
    for mine, theirs in zip(build(gn), build(torch)):
        assert repr(mine) == repr(theirs)
        assert mine.state_dict() == theirs.state_dict()


def error_cases(lib):
    p = lib.nn.Parameter(lib.ones(2))
    return {
        "empty": lambda: lib.optim.SGD([], lr=0.1),
        "non_leaf": lambda: lib.optim.SGD([p * 2], lr=0.1),
        "tensor": lambda: lib.optim.Adam(p),
        "not_tensor": lambda: lib.optim.SGD([1.0], lr=1),
        "set": lambda: lib.optim.SGD([{"params": {p}}], lr=1),
        "lr": lambda: lib.optim.SGD([p], lr=-1),
        "momentum": lambda: lib.optim.SGD([p], lr=1, momentum=-1),
        "weight_decay": lambda: lib.optim.SGD([p], lr=1, weight_decay=-1),
        "nesterov": lambda: lib.optim.SGD([p], lr=1, nesterov=True),
        "adam_eps": lambda: lib.optim.Adam([p], eps=-1),
        "adam_beta0": lambda: lib.optim.Adam([p], betas=(1.0, 0.9)),
        "adam_beta1": lambda: lib.optim.Adam([p], betas=(0.9, 1.5)),
        "adam_lr": lambda: lib.optim.AdamW([p], lr=-0.1),
        "adam_wd": lambda: lib.optim.Adam([p], weight_decay=-0.1),
        "rmsprop_alpha": lambda: lib.optim.RMSprop([p], alpha=-1),
        "rmsprop_momentum": lambda: lib.optim.RMSprop([p], momentum=-1),
        "overlap": lambda: lib.optim.SGD([{"params": [p]}, {"params": [p]}], lr=1),
        "group_not_dict": lambda: lib.optim.SGD([p], lr=1).add_param_group([p]),
        "load_groups": lambda: lib.optim.SGD([p], lr=1).load_state_dict(
            {"state": {}, "param_groups": []}),
    }


@pytest.mark.parametrize("case", list(error_cases(gn)))
def test_errors_match_torch(torch, case):
    outcomes = []
    for lib in (gn, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                error_cases(lib)[case]()
                outcomes.append(("ok", ""))
            except Exception as exc:      # noqa: BLE001 - the exception is what is compared
                outcomes.append((type(exc).__name__, str(exc)))
    assert outcomes[0] == outcomes[1] and outcomes[0][0] != "ok"
