"""Tests of ``gradnb.nn``: Parameter, Module, the layers, ``nn.functional`` (losses
included), ``nn.init``.

Two kinds of test:

* without torch: values checked against numpy written out here, registration and
  traversal rules, error texts recorded from PyTorch 2.13, finite-difference checks of
  the loss rules (float64, central differences);
* differential, against the installed torch (skipped where it is absent): the same
  model built in both (weights copied from gradnb to torch), forward values, gradients,
  ``grad_fn`` graphs, printed reprs and error messages compared.
"""

import collections
import copy
import pickle
import warnings

import numpy as np
import pytest

import gradnb as gn
import gradnb.nn.functional as F
from gradnb import nn
from gradnb.testing import gradcheck
from printed import printed_difference


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def rand(*shape, seed=0, low=-1.0, high=1.0, dtype=np.float32):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


def leaf(array, requires_grad=True):
    return gn.tensor(array, requires_grad=requires_grad)


def graph(t):
    """``grad_fn`` names of the graph behind ``t``, pre-order with depth (either lib)."""
    out = []

    def walk(node, depth):
        if node is None:
            return
        out.append((depth, type(node).__name__))
        for child, _ in node.next_functions:
            walk(child, depth + 1)
    walk(t.grad_fn, 0)
    return out


def outcome(fn):
    """``('ok', repr)`` or ``(exception type name, message)`` of calling ``fn``."""
    try:
        return "ok", repr(fn())
    except Exception as exc:      # noqa: BLE001 - the exception is what is compared
        return type(exc).__name__, str(exc)


def copy_params(src, dst, torch):
    """Give the torch module ``dst`` the parameter values of the gradnb module ``src``."""
    with torch.no_grad():
        for p, q in zip(src.parameters(), dst.parameters(), strict=True):
            q.copy_(torch.from_numpy(p.detach().numpy().copy()))


def assert_close(mine, theirs, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(np.asarray(mine.detach().numpy()),
                               theirs.detach().numpy(), rtol=rtol, atol=atol)


def assert_same_print(mine, theirs, rtol=1e-5, atol=1e-6):
    """The reprs of a gradnb and a torch tensor, ``grad_fn`` aside, agree up to a last
    digit that rounds differently where a value sits on a rounding boundary (the two
    libraries' kernels differ in the last bits, differently on each CPU)."""
    values = np.concatenate([mine.detach().numpy().reshape(-1).astype(np.float64),
                             theirs.detach().numpy().reshape(-1).astype(np.float64)])
    text, expected = (repr(t).split("grad_fn")[0] for t in (mine, theirs))
    problem = printed_difference(text, expected, rtol=rtol, atol=atol, values=values)
    assert problem is None, f"{problem}\ngradnb: {text}\ntorch:  {expected}"


# ---------------------------------------------------------------------------------------
# Parameter
# ---------------------------------------------------------------------------------------

def test_parameter_prints_like_pytorch():
    p = nn.Parameter(gn.ones(2))
    assert repr(p) == "Parameter containing:\ntensor([1., 1.], requires_grad=True)"
    assert str(p) == repr(p)
    assert repr(type(p)) == "<class 'torch.nn.parameter.Parameter'>"
    assert repr(nn.Parameter()) == "Parameter containing:\ntensor([], requires_grad=True)"
    frozen = nn.Parameter(gn.tensor([1, 2]), requires_grad=False)
    assert repr(frozen) == "Parameter containing:\ntensor([1, 2])"


def test_parameter_shares_storage_and_version_counter():
    data = gn.ones(3)
    p = nn.Parameter(data)
    data.add_(1)
    assert p._version == 1 and p.tolist() == [2.0, 2.0, 2.0]
    assert p.is_leaf and p.requires_grad and isinstance(p, gn.Tensor)


def test_parameter_of_a_computed_tensor_is_a_leaf():
    x = gn.ones(2, requires_grad=True) * 2
    p = nn.Parameter(x)
    assert p.is_leaf and p.grad_fn is None and p.tolist() == [2.0, 2.0]


def test_ops_on_parameters_return_plain_tensors():
    p = nn.Parameter(gn.ones(2))
    for result in (p * 2, p.detach(), p.data, p.clone(), p[0], p.double(), p.sum()):
        assert type(result) is gn.Tensor
    assert p.float() is p


def test_parameter_requires_a_float_dtype():
    with pytest.raises(RuntimeError, match="Only Tensors of floating point and complex dtype "
                                           "can require gradients"):
        nn.Parameter(gn.tensor([1, 2]))


def test_deepcopy_and_pickle_keep_the_parameter_type():
    p = nn.Parameter(gn.tensor([1.0, 2.0]))
    p.grad = gn.ones(2)
    c = copy.deepcopy(p)
    assert type(c) is nn.Parameter and c.requires_grad and c.grad is None
    c.data.add_(1)
    assert p.tolist() == [1.0, 2.0]
    q = pickle.loads(pickle.dumps(p))
    assert type(q) is nn.Parameter and q.tolist() == [1.0, 2.0] and q.requires_grad


# ---------------------------------------------------------------------------------------
# Module: registration, traversal, state
# ---------------------------------------------------------------------------------------

def make_net(nn_, torch_):
    """A module exercising shared sub-modules, buffers and a direct parameter."""
    class Net(nn_.Module):
        def __init__(self):
            super().__init__()
            self.a = nn_.Linear(2, 2)
            self.b = self.a                      # shared: listed once in parameters()
            self.register_buffer("running", torch_.zeros(2))
            self.register_buffer("scratch", torch_.zeros(1), persistent=False)
            self.s = nn_.Sequential(nn_.Linear(2, 3), nn_.Tanh())
            self.w = nn_.Parameter(torch_.ones(1))

        def forward(self, x):
            return self.s(self.a(x)) * self.w
    return Net()


def test_traversal_orders_and_names():
    net = make_net(nn, gn)
    assert [k for k, _ in net.named_parameters()] == ["w", "a.weight", "a.bias", "s.0.weight",
                                                       "s.0.bias"]
    assert [k for k, _ in net.named_parameters(remove_duplicate=False)] == [
        "w", "a.weight", "a.bias", "b.weight", "b.bias", "s.0.weight", "s.0.bias"]
    assert [k for k, _ in net.named_modules()] == ["", "a", "s", "s.0", "s.1"]
    assert [k for k, _ in net.named_children()] == ["a", "s"]
    assert [k for k, _ in net.named_buffers()] == ["running", "scratch"]
    assert list(net.state_dict()) == ["w", "running", "a.weight", "a.bias", "b.weight",
                                      "b.bias", "s.0.weight", "s.0.bias"]
    assert len(list(net.parameters())) == 5 and len(list(net.modules())) == 5
    assert list(net.children()) == [net.a, net.s]
    assert net.get_submodule("s.0") is net.s[0]
    assert net.get_parameter("s.0.bias") is net.s[0].bias


def test_state_dict_holds_detached_aliases():
    lin = nn.Linear(2, 2)
    sd = lin.state_dict()
    assert isinstance(sd, collections.OrderedDict)
    assert type(sd["weight"]) is gn.Tensor and not sd["weight"].requires_grad
    sd["weight"].zero_()
    assert lin.weight.abs().sum().item() == 0
    assert lin.state_dict(keep_vars=True)["weight"] is lin.weight


def test_load_state_dict_copies_values_in_place():
    src, dst = nn.Linear(3, 2), nn.Linear(3, 2)
    weight, version = dst.weight, dst.weight._version
    result = dst.load_state_dict(src.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert dst.weight is weight and np.array_equal(dst.weight.detach().numpy(),
                                                   src.weight.detach().numpy())
    assert dst.weight._version == version + 1


def test_load_state_dict_errors_as_pytorch():
    lin = nn.Linear(784, 128)
    with pytest.raises(RuntimeError) as info:
        lin.load_state_dict({"weight": gn.ones(3, 3), "foo": gn.ones(1)})
    assert str(info.value) == (
        "Error(s) in loading state_dict for Linear:\n"
        "\tMissing key(s) in state_dict: \"bias\". \n"
        "\tUnexpected key(s) in state_dict: \"foo\". \n"
        "\tsize mismatch for weight: copying a param with shape torch.Size([3, 3]) from "
        "checkpoint, the shape in current model is torch.Size([128, 784]).")
    result = lin.load_state_dict({"weight": gn.ones(128, 784), "foo": gn.ones(1)},
                                 strict=False)
    assert repr(result) == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['foo'])"
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like, got <class "
                                        "'list'>."):
        lin.load_state_dict([1])


def test_load_state_dict_assign_takes_the_tensors():
    lin = nn.Linear(2, 1)
    new = {"weight": gn.ones(1, 2), "bias": gn.zeros(1)}
    lin.load_state_dict(new, assign=True)
    assert type(lin.weight) is nn.Parameter and lin.weight.tolist() == [[1.0, 1.0]]
    assert lin.weight.data_ptr() == new["weight"].data_ptr()


def test_assignment_rules():
    lin = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"cannot assign 'torch.FloatTensor' as parameter "
                                        r"'weight' \(torch.nn.Parameter or None expected\)"):
        lin.weight = gn.ones(2, 2)
    lin.bias = None
    assert lin.bias is None and "bias" in lin._parameters
    lin.extra = nn.ReLU()
    assert "extra" in lin._modules
    lin.extra = nn.Parameter(gn.ones(1))     # re-registering moves it between registries
    assert "extra" in lin._parameters and "extra" not in lin._modules
    del lin.extra
    assert "extra" not in lin._parameters
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'foo'"):
        lin.foo
    assert "weight" in dir(lin)


def test_assignment_before_init_fails_as_pytorch():
    class NoInit(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"cannot assign module before "
                                             r"Module.__init__\(\) call"):
        NoInit()


def test_forward_hooks_run_and_are_removable():
    lin = nn.Identity()
    calls = []
    pre = lin.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
    post = lin.register_forward_hook(lambda m, args, out: calls.append(out.item()) or out + 1)
    assert lin(gn.tensor(1.0)).item() == 3.0 and calls == [2.0]
    pre.remove()
    post.remove()
    assert lin(gn.tensor(1.0)).item() == 1.0


def test_train_eval_requires_grad_and_zero_grad():
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout())
    assert net.training and net[1].training
    assert net.eval() is net and not net[1].training
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train("yes")
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    net.requires_grad_()
    net(gn.ones(1, 2)).sum().backward()
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and p.grad.abs().sum().item() == 0
               for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_dtype_conversions_keep_the_parameter_objects():
    net = nn.Sequential(nn.Linear(2, 2))
    weight = net[0].weight
    net(gn.ones(1, 2)).sum().backward()
    assert net.double() is net
    assert net[0].weight is weight and weight.dtype is gn.float64
    assert weight.grad.dtype is gn.float64
    net.to(gn.float32)
    assert weight.dtype is gn.float32 and net.to("cpu") is net
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point or complex "
                                        "dtypes, but got desired dtype=torch.int64"):
        net.to(gn.int64)
    assert nn.Linear(2, 3, dtype=gn.float64).weight.dtype is gn.float64


def test_apply_visits_children_first():
    seen = []
    nn.Sequential(nn.ReLU(), nn.Sequential(nn.Tanh())).apply(
        lambda m: seen.append(type(m).__name__))
    assert seen == ["ReLU", "Tanh", "Sequential", "Sequential"]


def test_missing_forward():
    with pytest.raises(NotImplementedError, match=r'Module \[Module\] is missing the '
                                                  r'required "forward" function'):
        nn.Module()(1)


def test_module_classes_print_their_pytorch_names():
    assert repr(nn.Linear) == "<class 'torch.nn.modules.linear.Linear'>"
    assert repr(type(nn.Sequential())) == "<class 'torch.nn.modules.container.Sequential'>"

    class Net(nn.Module):
        pass
    assert repr(Net) == f"<class '{Net.__module__}.{Net.__qualname__}'>"


# ---------------------------------------------------------------------------------------
# containers
# ---------------------------------------------------------------------------------------

def test_sequential_indexing_and_editing():
    seq = nn.Sequential(nn.ReLU(), nn.Tanh())
    assert len(seq) == 2 and seq[-1] is seq[1] and list(seq) == [seq[0], seq[1]]
    assert repr(seq[1:]) == "Sequential(\n  (1): Tanh()\n)"
    seq.append(nn.Sigmoid()).insert(0, nn.Identity())
    assert [type(m).__name__ for m in seq] == ["Identity", "ReLU", "Tanh", "Sigmoid"]
    del seq[0]
    assert list(seq._modules) == ["0", "1", "2"]
    with pytest.raises(IndexError, match="index 3 is out of range"):
        seq[3]
    named = nn.Sequential(collections.OrderedDict([("fc", nn.Linear(1, 1)), ("act", nn.ReLU())]))
    assert named.fc is named[0] and list(named.state_dict()) == ["fc.weight", "fc.bias"]


def test_module_list_and_dict_register_their_members():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    layers.append(nn.ReLU())
    assert len(list(layers.parameters())) == 6 and len(layers) == 4
    assert repr(layers) == ("ModuleList(\n  (0-2): 3 x Linear(in_features=2, out_features=2, "
                            "bias=True)\n  (3): ReLU()\n)")
    assert repr(nn.ModuleList()) == "ModuleList()"
    heads = nn.ModuleDict({"a": nn.Linear(1, 1)})
    heads["b"] = nn.Tanh()
    assert list(heads) == ["a", "b"] and "a" in heads and len(list(heads.parameters())) == 2


# ---------------------------------------------------------------------------------------
# layers and functional, against numpy
# ---------------------------------------------------------------------------------------

def test_linear_default_init_bounds_and_forward_values():
    gn.manual_seed(0)
    lin = nn.Linear(784, 128)
    bound = 1 / np.sqrt(784)
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    assert w.shape == (128, 784) and w.dtype == np.float32
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.abs(b).max() <= bound
    x = rand(5, 784)
    np.testing.assert_allclose(lin(gn.tensor(x)).detach().numpy(), x @ w.T + b, rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize("shape,names", [
    ((3,), ["ViewBackward0", "AddmmBackward0", "AccumulateGrad", "ViewBackward0",
            "AccumulateGrad", "TBackward0", "AccumulateGrad"]),
    ((4, 3), ["AddmmBackward0", "AccumulateGrad", "AccumulateGrad", "TBackward0",
              "AccumulateGrad"]),
    ((2, 4, 3), ["ViewBackward0", "AddmmBackward0", "AccumulateGrad", "ViewBackward0",
                 "AccumulateGrad", "TBackward0", "AccumulateGrad"]),
])
def test_linear_graph_has_pytorchs_nodes(shape, names):
    lin = nn.Linear(3, 2)
    x = leaf(rand(*shape))
    y = lin(x)
    assert [n for _, n in graph(y)] == names
    y.sum().backward()
    w = lin.weight.detach().numpy()
    np.testing.assert_allclose(x.grad.numpy(), np.broadcast_to(w.sum(0), shape), rtol=1e-6)
    assert lin.weight.grad.is_contiguous()


def test_linear_shape_and_dtype_errors():
    lin = nn.Linear(784, 128)
    for shape, text in (((64, 10), "(64x10 and 784x128)"), ((10,), "(1x10 and 784x128)"),
                        ((2, 64, 10), "(128x10 and 784x128)")):
        with pytest.raises(RuntimeError, match=rf"mat1 and mat2 shapes cannot be multiplied "
                                               rf"{text.replace('(', '[(]').replace(')', '[)]')}"):
            lin(gn.zeros(*shape))
    with pytest.raises(RuntimeError, match="mat1 and mat2 must have the same dtype, but got "
                                           "Double and Float"):
        lin(gn.zeros(2, 784, dtype=gn.float64))


def test_activations_and_flatten_against_numpy():
    x = rand(2, 3, 4)
    t = gn.tensor(x)
    np.testing.assert_allclose(nn.ReLU()(t).numpy(), np.maximum(x, 0))
    np.testing.assert_allclose(nn.Sigmoid()(t).numpy(), 1 / (1 + np.exp(-x)), rtol=1e-6)
    np.testing.assert_allclose(nn.Tanh()(t).numpy(), np.tanh(x), rtol=1e-6)
    e = np.exp(x - x.max(1, keepdims=True))
    np.testing.assert_allclose(nn.Softmax(dim=1)(t).numpy(), e / e.sum(1, keepdims=True),
                               rtol=1e-6)
    np.testing.assert_allclose(nn.LogSoftmax(dim=1)(t).numpy(),
                               np.log(e / e.sum(1, keepdims=True)), rtol=1e-5, atol=1e-6)
    assert nn.Flatten()(t).shape == (2, 12) and nn.Flatten(0, 1)(t).shape == (6, 4)
    assert nn.Identity(3, k=4)(t) is t
    inplace = gn.tensor(x.copy())
    assert nn.ReLU(inplace=True)(inplace) is inplace and inplace.min().item() == 0


def test_softmax_without_dim_warns_and_picks_pytorchs_dim():
    x = gn.tensor(rand(2, 3))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax has been "
                                         "deprecated. Change the call to include dim=X as "
                                         "an argument.") as record:
        y = F.softmax(x)
    assert record[0].filename == __file__
    np.testing.assert_allclose(y.sum(1).numpy(), [1, 1], rtol=1e-6)
    with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax") as record:
        nn.LogSoftmax()(gn.tensor(rand(3)))
    assert record[0].filename == __file__


def test_dropout_train_and_eval():
    x = gn.ones(200, 100, requires_grad=True)
    drop = nn.Dropout(0.25)
    y = drop(x)
    values = np.unique(y.detach().numpy())
    assert set(values.tolist()) <= {0.0, np.float32(1 / 0.75)}
    assert abs((y.detach().numpy() == 0).mean() - 0.25) < 0.02
    assert y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())
    assert drop.eval()(x) is x and F.dropout(x, 0.5, training=False) is x
    assert F.dropout(gn.ones(3), 1.0).tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but "
                                         "got 1.5"):
        nn.Dropout(1.5)


def test_dropout_is_reproducible_with_manual_seed():
    gn.manual_seed(3)
    a = F.dropout(gn.ones(50)).tolist()
    gn.manual_seed(3)
    assert F.dropout(gn.ones(50)).tolist() == a


def log_softmax_np(x, axis=1):
    shifted = x - x.max(axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis, keepdims=True))


def test_cross_entropy_against_numpy():
    x, t = rand(5, 4), np.array([0, 3, 1, 3, 2])
    logits = leaf(x)
    loss = nn.CrossEntropyLoss()(logits, gn.tensor(t))
    logp = log_softmax_np(x)
    assert loss.item() == pytest.approx(-logp[np.arange(5), t].mean(), rel=1e-6)
    assert [n for _, n in graph(loss)] == ["NllLossBackward0", "LogSoftmaxBackward0",
                                           "AccumulateGrad"]
    loss.backward()
    expected = np.exp(logp)
    expected[np.arange(5), t] -= 1
    np.testing.assert_allclose(logits.grad.numpy(), expected / 5, rtol=1e-5, atol=1e-7)


def test_nll_loss_weight_and_ignore_index_against_numpy():
    x, t = rand(4, 3), np.array([0, 2, -100, 1])
    w = np.array([0.5, 2.0, 1.0], np.float32)
    loss = F.nll_loss(gn.tensor(x), gn.tensor(t), weight=gn.tensor(w))
    keep = t != -100
    picked = x[np.arange(4)[keep], t[keep]]
    assert loss.item() == pytest.approx(-(picked * w[t[keep]]).sum() / w[t[keep]].sum(),
                                        rel=1e-6)
    none = F.nll_loss(gn.tensor(x), gn.tensor(t), reduction="none")
    assert none.tolist()[2] == 0.0 and not np.signbit(none.numpy()[2])   # not -0.0


def test_regression_and_binary_losses_against_numpy():
    x, y = rand(3, 4, seed=1), rand(3, 4, seed=2)
    p, q = rand(3, 4, low=0.05, high=0.95, seed=3), rand(3, 4, low=0, high=1, seed=4)
    gx, gy, gp, gq = (gn.tensor(a) for a in (x, y, p, q))
    assert nn.MSELoss()(gx, gy).item() == pytest.approx(((x - y) ** 2).mean(), rel=1e-6)
    assert nn.MSELoss(reduction="sum")(gx, gy).item() == pytest.approx(((x - y) ** 2).sum(),
                                                                       rel=1e-6)
    assert nn.L1Loss()(gx, gy).item() == pytest.approx(np.abs(x - y).mean(), rel=1e-6)
    bce = -(q * np.log(p) + (1 - q) * np.log(1 - p))
    assert nn.BCELoss()(gp, gq).item() == pytest.approx(bce.mean(), rel=1e-5)
    sig = 1 / (1 + np.exp(-x))
    bcel = -(q * np.log(sig) + (1 - q) * np.log(1 - sig))
    assert nn.BCEWithLogitsLoss()(gx, gq).item() == pytest.approx(bcel.mean(), rel=1e-5)
    np.testing.assert_allclose(F.mse_loss(gx, gy, reduction="none").numpy(), (x - y) ** 2,
                               rtol=1e-6)


def test_loss_argument_errors():
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.mse_loss(gn.ones(2), gn.ones(2), reduction="avg")
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got "
                                           "Float"):
        F.cross_entropy(gn.ones(4, 3), gn.ones(4))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(4\) to match target "
                                         r"batch_size \(2\)."):
        F.cross_entropy(gn.ones(4, 3), gn.tensor([0, 1]))
    with pytest.raises(IndexError, match="Target 3 is out of bounds."):
        F.cross_entropy(gn.ones(2, 3), gn.tensor([0, 3]))
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(gn.tensor([1.5]), gn.tensor([1.0]))
    with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[4\]\)\) that "
                                         r"is different to the input size"):
        F.mse_loss(gn.ones(4, 1), gn.ones(4))


def test_one_hot():
    assert F.one_hot(gn.tensor([0, 2])).tolist() == [[1, 0, 0], [0, 0, 1]]
    assert F.one_hot(gn.tensor([1]), 4).dtype is gn.int64
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes."):
        F.one_hot(gn.tensor([3]), 2)


# ---------------------------------------------------------------------------------------
# init
# ---------------------------------------------------------------------------------------

def test_init_functions_fill_in_place_without_recording():
    w = gn.empty(30, 20, requires_grad=True)
    assert nn.init.xavier_uniform_(w) is w and w.is_leaf
    assert np.abs(w.detach().numpy()).max() <= np.sqrt(6 / 50)
    nn.init.kaiming_uniform_(w, nonlinearity="relu")
    assert np.abs(w.detach().numpy()).max() <= np.sqrt(6 / 20)
    nn.init.normal_(w, 0.0, 0.01)
    assert abs(float(w.detach().numpy().std()) - 0.01) < 0.002
    assert nn.init.zeros_(w).abs().sum().item() == 0
    assert nn.init.ones_(w).sum().item() == 600
    assert nn.init.constant_(w, 0.5).mean().item() == 0.5
    assert nn.init.eye_(gn.empty(2, 2)).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert [nn.init.calculate_gain(n) for n in ("linear", "tanh", "relu", "selu")] == \
        [1, 5.0 / 3, np.sqrt(2.0), 0.75]
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed for tensor "
                                         "with fewer than 2 dimensions"):
        nn.init.xavier_uniform_(gn.empty(3))


# ---------------------------------------------------------------------------------------
# finite differences of the loss rules (float64, central differences)
# ---------------------------------------------------------------------------------------

def f64(*shape, seed=0, low=-1.0, high=1.0, grad=True):
    return gn.tensor(rand(*shape, seed=seed, low=low, high=high, dtype=np.float64),
                     requires_grad=grad)


GRADCHECK_CASES = {
    "mse_broadcast_target": (lambda x, t: F.mse_loss(x, t), (f64(2, 3), f64(3, seed=1))),
    "mse_weighted": (lambda x, t: F.mse_loss(x, t, weight=gn.tensor(rand(
        2, 3, low=0.1, high=1, dtype=np.float64))), (f64(2, 3), f64(2, 3, seed=1))),
    "nll_ignore_in_class_range": (lambda x: F.nll_loss(x, gn.tensor([0, 2, 1]), ignore_index=2),
                                  (f64(3, 3),)),
    "nll_weight_sum": (lambda x: F.nll_loss(x, gn.tensor([0, 2, 1]), reduction="sum",
                                            weight=gn.tensor([1.0, 3.0, 0.5]).double()),
                       (f64(3, 3),)),
    "nll_4d": (lambda x: F.nll_loss(x, gn.tensor([[[0, 1], [2, 2]]])), (f64(1, 3, 2, 2),)),
    "nll_5d_none": (lambda x: F.nll_loss(x, gn.tensor([[[[0, 1]], [[2, 2]]]]),
                                         reduction="none"), (f64(1, 3, 2, 1, 2),)),
    "cross_entropy_weight_smoothing": (
        lambda x: F.cross_entropy(x, gn.tensor([2, 0, 1]), weight=gn.tensor(
            [0.5, 2.0, 1.0]).double(), label_smoothing=0.3, ignore_index=0), (f64(3, 3),)),
    "cross_entropy_probs_weight_none": (
        lambda x, p: F.cross_entropy(x, p, weight=gn.tensor([0.5, 2.0, 1.0]).double(),
                                     reduction="none", label_smoothing=0.1),
        (f64(2, 3), f64(2, 3, low=0.1, high=0.9, seed=2))),
    "bce_target": (lambda p, t: F.binary_cross_entropy(p, t),
                   (f64(2, 3, low=0.1, high=0.9), f64(2, 3, low=0.1, high=0.9, seed=1))),
    "bce_logits_pos_weight_target": (
        lambda x, t: F.binary_cross_entropy_with_logits(
            x, t, pos_weight=gn.tensor([2.0, 0.5, 1.0]).double(), reduction="sum"),
        (f64(2, 3, low=-3, high=3), f64(2, 3, low=0, high=1, seed=1))),
    "linear_batched": (lambda x, w, b: F.linear(x, w, b), (f64(2, 2, 3), f64(4, 3), f64(4))),
}


@pytest.mark.filterwarnings("ignore:Using a target size")   # mse_broadcast_target's
@pytest.mark.parametrize("name", GRADCHECK_CASES)
def test_loss_rules_match_finite_differences(name):
    fn, inputs = GRADCHECK_CASES[name]
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-6, rtol=1e-4, check_grad_dtypes=True)


# ---------------------------------------------------------------------------------------
# differential tests against PyTorch
# ---------------------------------------------------------------------------------------

MODULE_REPRS = {
    "mlp": lambda nn_: nn_.Sequential(nn_.Linear(784, 128), nn_.ReLU(), nn_.Dropout(0.2),
                                      nn_.Linear(128, 10), nn_.LogSoftmax(dim=1)),
    "layers": lambda nn_: nn_.Sequential(nn_.Flatten(), nn_.Softmax(dim=-1), nn_.Sigmoid(),
                                         nn_.Tanh(), nn_.Identity(), nn_.ReLU(inplace=True),
                                         nn_.Linear(3, 4, bias=False), nn_.Softmax()),
    "nested": lambda nn_: nn_.Sequential(nn_.Sequential(nn_.Linear(2, 2)), nn_.ModuleList(
        [nn_.Linear(2, 2), nn_.Linear(2, 2), nn_.ReLU(), nn_.Linear(2, 2)])),
    "losses": lambda nn_: nn_.ModuleList([nn_.MSELoss(), nn_.L1Loss(reduction="sum"),
                                          nn_.CrossEntropyLoss(), nn_.NLLLoss(), nn_.BCELoss(),
                                          nn_.BCEWithLogitsLoss()]),
    "empty": lambda nn_: nn_.Sequential(nn_.ModuleList(), nn_.Sequential()),
}


@pytest.mark.parametrize("name", MODULE_REPRS)
def test_module_repr_matches_torch(torch, name):
    assert repr(MODULE_REPRS[name](nn)) == repr(MODULE_REPRS[name](torch.nn))


def test_custom_module_repr_matches_torch(torch):
    def build(nn_):
        class Block(nn_.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn_.Linear(2, 2)

            def extra_repr(self):
                return "hello=1\nworld=2"
        return nn_.Sequential(Block(), nn_.Tanh())
    assert repr(build(nn)) == repr(build(torch.nn))


def test_parameter_repr_matches_torch(torch):
    for values in ([1.0, 2.5], [[0.1234567, -2.0], [3.0, 4.0]]):
        mine, theirs = nn.Parameter(gn.tensor(values)), torch.nn.Parameter(torch.tensor(values))
        assert repr(mine) == repr(theirs)
        assert repr(type(mine)) == repr(type(theirs))
    assert repr(nn.Parameter(gn.ones(2), requires_grad=False)) == \
        repr(torch.nn.Parameter(torch.ones(2), requires_grad=False))


def test_traversal_matches_torch(torch):
    mine, theirs = make_net(nn, gn), make_net(torch.nn, torch)
    for method in ("named_parameters", "named_modules", "named_children", "named_buffers"):
        assert [k for k, _ in getattr(mine, method)()] == \
            [k for k, _ in getattr(theirs, method)()]
    assert list(mine.state_dict()) == list(theirs.state_dict())
    assert [k for k, _ in mine.named_parameters(prefix="m", remove_duplicate=False)] == \
        [k for k, _ in theirs.named_parameters(prefix="m", remove_duplicate=False)]


def errors(lib):
    """Misuse cases, each a function of the library (gradnb or torch)."""
    nn_, F_ = lib.nn, lib.nn.functional

    def no_super_init(kind):
        class Net(nn_.Module):
            def __init__(self):
                if kind == "module":
                    self.fc = nn_.Linear(2, 2)
                else:
                    self.w = nn_.Parameter(lib.ones(1))
        return Net()

    lin = nn_.Linear(784, 128)
    return {
        "linear_features": lambda: lin(lib.zeros(64, 10)),
        "linear_features_3d": lambda: lin(lib.zeros(2, 64, 10)),
        "linear_dtype": lambda: lin(lib.zeros(64, 784, dtype=lib.float64)),
        "linear_no_bias_dtype": lambda: nn_.Linear(3, 2, bias=False)(lib.zeros(
            2, 3, dtype=lib.float64)),
        "assign_tensor_to_parameter": lambda: setattr(lin, "weight", lib.ones(128, 784)),
        "assign_tensor_to_module": lambda: setattr(nn_.Sequential(nn_.ReLU()), "0",
                                                   lib.ones(1)),
        "missing_attribute": lambda: lin.foo,
        "no_super_init_module": lambda: no_super_init("module"),
        "no_super_init_parameter": lambda: no_super_init("parameter"),
        "module_init_args": lambda: nn_.Module(3),
        "register_non_parameter": lambda: lin.register_parameter("w2", lib.ones(1)),
        "register_bad_buffer": lambda: lin.register_buffer("buf", 3),
        "register_existing_buffer": lambda: lin.register_buffer("training", lib.ones(1)),
        "register_dotted_buffer": lambda: lin.register_buffer("a.b", lib.ones(1)),
        "add_non_module": lambda: lin.add_module("m", 3),
        "add_dotted_module": lambda: lin.add_module("a.b", nn_.ReLU()),
        "add_empty_name": lambda: lin.add_module("", nn_.ReLU()),
        "sequential_index": lambda: nn_.Sequential(nn_.ReLU())[3],
        "module_list_index": lambda: nn_.ModuleList([nn_.ReLU()])[-2],
        "get_submodule": lambda: nn_.Sequential(nn_.ReLU()).get_submodule("x"),
        "dropout_p": lambda: nn_.Dropout(-0.1),
        "to_int": lambda: lin.to(lib.int64),
        "train_mode": lambda: lin.train(1),
        "load_strict": lambda: nn_.Sequential(lin).load_state_dict(
            {"0.weight": lib.ones(128, 784), "0.bias": lib.ones(3), "x": lib.ones(1)}),
        "ce_float_target": lambda: F_.cross_entropy(lib.randn(4, 3), lib.rand(4)),
        "ce_float_target_2d": lambda: F_.cross_entropy(lib.randn(4, 3), lib.rand(4, 5)),
        "ce_int_probabilities": lambda: F_.cross_entropy(lib.randn(4, 3),
                                                         lib.zeros(4, 3, dtype=lib.long)),
        "ce_batch": lambda: F_.cross_entropy(lib.randn(4, 3), lib.tensor([0, 1])),
        "ce_out_of_bounds": lambda: F_.cross_entropy(lib.randn(4, 3), lib.tensor([0, 1, 2, 3])),
        "ce_negative": lambda: F_.cross_entropy(lib.randn(4, 3), lib.tensor([0, 1, 2, -1])),
        "ce_int32": lambda: F_.cross_entropy(lib.randn(4, 3), lib.tensor([0, 1, 2, 1],
                                                                         dtype=lib.int32)),
        "ce_2d_int_target": lambda: F_.cross_entropy(lib.randn(4, 3),
                                                     lib.tensor([[0], [1], [2], [1]])),
        "nll_weight": lambda: F_.nll_loss(lib.randn(4, 3), lib.tensor([0, 1, 2, 1]),
                                          weight=lib.ones(4)),
        "nll_0d": lambda: F_.nll_loss(lib.tensor(1.0), lib.tensor(0)),
        "nll_3d_target": lambda: F_.nll_loss(lib.randn(4, 3, 5), lib.zeros(4, 6,
                                                                           dtype=lib.long)),
        "nll_4d_target": lambda: F_.nll_loss(lib.randn(4, 3, 5, 5), lib.zeros(
            4, 5, 6, dtype=lib.long)),
        "mse_reduction": lambda: F_.mse_loss(lib.ones(2), lib.ones(2), reduction="avg"),
        "mse_weight_size": lambda: F_.mse_loss(lib.ones(2), lib.ones(2), weight=lib.ones(3)),
        "bce_range": lambda: F_.binary_cross_entropy(lib.tensor([1.5]), lib.tensor([1.0])),
        "bce_size": lambda: F_.binary_cross_entropy(lib.rand(4, 1), lib.rand(4)),
        "bce_int_target": lambda: F_.binary_cross_entropy(lib.rand(4, 3), lib.ones(
            4, 3, dtype=lib.long)),
        "bce_logits_size": lambda: F_.binary_cross_entropy_with_logits(lib.rand(4, 1),
                                                                       lib.rand(4)),
        "bce_logits_int_target": lambda: F_.binary_cross_entropy_with_logits(
            lib.rand(4, 3), lib.ones(4, 3, dtype=lib.long)),
        "dropout_int": lambda: F_.dropout(lib.ones(4, dtype=lib.long)),
        "one_hot_negative": lambda: F_.one_hot(lib.tensor([-1])),
        "one_hot_float": lambda: F_.one_hot(lib.tensor([1.0])),
        "init_fan": lambda: lib.nn.init.kaiming_uniform_(lib.empty(3)),
        "init_mode": lambda: lib.nn.init.kaiming_uniform_(lib.empty(3, 3), mode="x"),
        "init_gain": lambda: lib.nn.init.calculate_gain("foo"),
    }


@pytest.mark.parametrize("case", list(errors(gn)))
def test_errors_match_torch(torch, case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine, theirs = outcome(errors(gn)[case]), outcome(errors(torch)[case])
    assert mine[0] == theirs[0] != "ok"
    assert mine[1] == theirs[1]


@pytest.mark.parametrize("shape", [(3,), (4, 3), (2, 4, 3), (2, 1, 4, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch(torch, shape, bias):
    mine = nn.Linear(3, 2, bias=bias)
    theirs = torch.nn.Linear(3, 2, bias=bias)
    copy_params(mine, theirs, torch)
    x = rand(*shape)
    gx, tx = leaf(x), torch.tensor(x, requires_grad=True)
    gy, ty = mine(gx), theirs(tx)
    assert_close(gy, ty)
    assert graph(gy) == graph(ty)
    gy.backward(gn.ones_like(gy))
    ty.backward(torch.ones_like(ty))
    assert_close(gx.grad, tx.grad)
    for p, q in zip(mine.parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad)
    if bias:    # without bias the weight's gradient comes from the core's MmBackward0
        assert mine.weight.grad.is_contiguous() and theirs.weight.grad.is_contiguous()


def losses(lib, x, t, p, u, w):
    """Loss calls, each a function of (library, logits x, class targets t, probability
    targets p, probabilities u, class weights w) tensors of that library."""
    F_ = lib.nn.functional
    return {
        "ce": lambda: F_.cross_entropy(x, t),
        "ce_sum_weight": lambda: F_.cross_entropy(x, t, weight=w, reduction="sum"),
        "ce_none_ignore": lambda: F_.cross_entropy(x, t, ignore_index=1, reduction="none"),
        "ce_mean_weight_ignore": lambda: F_.cross_entropy(x, t, weight=w, ignore_index=0),
        "ce_smoothing": lambda: F_.cross_entropy(x, t, label_smoothing=0.1),
        "ce_smoothing_weight_sum": lambda: F_.cross_entropy(x, t, weight=w, reduction="sum",
                                                            label_smoothing=0.2),
        "ce_smoothing_none_ignore": lambda: F_.cross_entropy(x, t, ignore_index=2,
                                                             reduction="none",
                                                             label_smoothing=0.2),
        "ce_probs": lambda: F_.cross_entropy(x, p),
        "ce_probs_weight": lambda: F_.cross_entropy(x, p, weight=w),
        "ce_probs_none_smoothing": lambda: F_.cross_entropy(x, p, reduction="none",
                                                            label_smoothing=0.3),
        "ce_unbatched": lambda: F_.cross_entropy(x[0], t[0]),
        "ce_module": lambda: lib.nn.CrossEntropyLoss(weight=w)(x, t),
        "nll": lambda: F_.nll_loss(F_.log_softmax(x, 1), t),
        "nll_module": lambda: lib.nn.NLLLoss(reduction="none")(x, t),
        "nll_3d": lambda: F_.nll_loss(x.reshape(2, 3, 5), t[:5].repeat(2).reshape(2, 5) % 3),
        "nll_4d_none": lambda: F_.nll_loss(x.reshape(2, 3, 5, 1), (t[:5].repeat(2) % 3).reshape(
            2, 5, 1), reduction="none"),
        "nll_5d_weight": lambda: F_.nll_loss(x.reshape(1, 5, 2, 3, 1), t.reshape(1, 2, 3, 1),
                                             weight=w),
        "mse": lambda: F_.mse_loss(x, p),
        "mse_sum": lambda: lib.nn.MSELoss(reduction="sum")(x, p),
        "mse_none": lambda: F_.mse_loss(x, p, reduction="none"),
        "mse_weight": lambda: F_.mse_loss(x, p, weight=u),
        "l1": lambda: lib.nn.L1Loss()(x, p),
        "l1_none": lambda: F_.l1_loss(x, p, reduction="none"),
        "bce": lambda: lib.nn.BCELoss()(u, p),
        "bce_weight_sum": lambda: F_.binary_cross_entropy(u, p, weight=w, reduction="sum"),
        "bce_none": lambda: F_.binary_cross_entropy(u, p, reduction="none"),
        "bce_logits": lambda: lib.nn.BCEWithLogitsLoss()(x, p),
        "bce_logits_weights": lambda: F_.binary_cross_entropy_with_logits(
            x, p, weight=w, pos_weight=w * 2),
        "bce_logits_none": lambda: F_.binary_cross_entropy_with_logits(x, p, reduction="none"),
    }


def loss_inputs(lib):
    tensor = lib.tensor
    return (tensor(rand(6, 5, seed=1) * 3, requires_grad=True),
            tensor([0, 4, 2, 1, 1, 3]),
            tensor(rand(6, 5, low=0, high=1, seed=2), requires_grad=True),
            tensor(rand(6, 5, low=0.05, high=0.95, seed=3), requires_grad=True),
            tensor(rand(5, low=0.2, high=2, seed=4)))


@pytest.mark.parametrize("case", list(losses(gn, *loss_inputs(gn))))
def test_losses_match_torch(torch, case):
    mine_in, theirs_in = loss_inputs(gn), loss_inputs(torch)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mine = losses(gn, *mine_in)[case]()
        theirs = losses(torch, *theirs_in)[case]()
    assert_close(mine, theirs)
    assert mine.shape == theirs.shape and mine.dtype.__repr__() == repr(theirs.dtype)
    assert graph(mine) == graph(theirs)
    assert_same_print(mine, theirs)
    mine.backward(gn.ones_like(mine))
    theirs.backward(torch.ones_like(theirs))
    for a, b in zip(mine_in, theirs_in):
        assert (a.grad is None) == (b.grad is None)
        if a.grad is not None:
            assert_close(a.grad, b.grad)


def test_functional_activations_match_torch(torch):
    x = rand(3, 4)
    for name, call in (("relu", lambda F_, t: F_.relu(t)),
                       ("sigmoid", lambda F_, t: F_.sigmoid(t)),
                       ("tanh", lambda F_, t: F_.tanh(t)),
                       ("softmax", lambda F_, t: F_.softmax(t, dim=0)),
                       ("log_softmax", lambda F_, t: F_.log_softmax(t, -1)),
                       ("softmax_double", lambda F_, t: F_.softmax(t, 1, dtype=t.new_ones(
                           1).double().dtype))):
        mine, theirs = leaf(x), torch.tensor(x, requires_grad=True)
        gy, ty = call(F, mine), call(torch.nn.functional, theirs)
        assert_close(gy, ty)
        assert graph(gy) == graph(ty), name


def test_mlp_training_matches_torch(torch):
    """A few SGD steps of an MLP with dropout off: same losses and parameters."""
    gn.manual_seed(0)
    mine = nn.Sequential(nn.Linear(20, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 4))
    theirs = torch.nn.Sequential(torch.nn.Linear(20, 16), torch.nn.ReLU(),
                                 torch.nn.Dropout(0.5), torch.nn.Linear(16, 4))
    copy_params(mine, theirs, torch)
    mine.eval()
    theirs.eval()
    x, y = rand(32, 20, seed=5), np.random.default_rng(6).integers(0, 4, 32)
    opt_m = gn.optim.SGD(mine.parameters(), lr=0.1, momentum=0.9)
    opt_t = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    for _ in range(5):
        losses_ = []
        for lib, model, opt in ((gn, mine, opt_m), (torch, theirs, opt_t)):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(model(lib.tensor(x)), lib.tensor(y))
            loss.backward()
            opt.step()
            losses_.append(loss.item())
        assert losses_[0] == pytest.approx(losses_[1], rel=1e-5)
    for p, q in zip(mine.parameters(), theirs.parameters()):
        assert_close(p, q, rtol=1e-4, atol=1e-6)


def test_module_state_roundtrip_with_torch(torch):
    mine = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1))
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                            for k, v in mine.state_dict().items()})
    x = rand(4, 3)
    assert_close(mine(gn.tensor(x)), theirs(torch.tensor(x)))
