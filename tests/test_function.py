"""Custom autograd functions (``torch.autograd.Function``, gradnb/autograd/function.py).

* Differential: every snippet of tests/function_snippets.py must do what PyTorch 2.13
  did (values, grads, graph names, reprs, warnings, exact error messages), from the
  goldens in tests/goldens/function.json and, where PyTorch is installed, live.
* Finite differences: gradcheck of custom functions (one input, several inputs and
  outputs, a non-tensor argument).
* gradnb only: the graph views name the node after the class and show the source of
  ``backward`` as its rule; no reference cycle through saved outputs; the engine's
  arrays are not handed to user code as writable buffers.
"""

import functools
import gc
import json
import weakref
from pathlib import Path

import numpy as np
import pytest

import gradnb
from gradnb.autograd import Function
from gradnb.testing import gradcheck
from gradnb.viz.model import build_graph
from function_snippets import SNIPPETS
from torchdiff import compare_outcomes, compare_reprs, run_snippet

GOLDENS = json.loads((Path(__file__).parent / "goldens" / "function.json").read_text())


@functools.lru_cache(maxsize=None)
def gradnb_outcome(name):
    return run_snippet(gradnb, SNIPPETS[name])


def test_goldens_cover_every_snippet():
    """Re-record (python tests/record_function_goldens.py) after changing snippets."""
    assert sorted(GOLDENS["snippets"]) == sorted(SNIPPETS)


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_golden(name):
    compare_outcomes(gradnb_outcome(name), GOLDENS["snippets"][name])
    compare_reprs(gradnb_outcome(name), GOLDENS["snippets"][name])


@pytest.fixture(scope="module")
def real_torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_live_torch(name, real_torch):
    expected = run_snippet(real_torch, SNIPPETS[name])
    compare_outcomes(gradnb_outcome(name), expected)
    compare_reprs(gradnb_outcome(name), expected)


# ---------------------------------------------------------------------------------------
# custom functions used below (defined in this file: inspect can read their source)
# ---------------------------------------------------------------------------------------

class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return 3 * x ** 2 * grad_output


class LogSumExpPair(Function):
    """Two inputs (broadcasting), two outputs, a non-tensor argument, a saved output."""

    @staticmethod
    def forward(ctx, a, b, scale):
        m = gradnb.maximum(a, b)
        lse = m + ((a - m).exp() + (b - m).exp()).log()
        ctx.save_for_backward(a, b, lse)
        ctx.scale = scale
        return lse * scale, a * b

    @staticmethod
    def backward(ctx, g_lse, g_prod):
        a, b, lse = ctx.saved_tensors
        ga = g_lse * ctx.scale * (a - lse).exp() + g_prod * b
        gb = g_lse * ctx.scale * (b - lse).exp() + g_prod * a
        return ga, gb, None


class Softplus(Function):
    """The separate forward / setup_context style."""

    @staticmethod
    def forward(x, beta=1.0):
        return (1 + (beta * x).exp()).log() / beta

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, beta = inputs
        ctx.save_for_backward(x)
        ctx.beta = beta

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * (ctx.beta * x).sigmoid(), None


def _inputs(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return tuple(gradnb.tensor(rng.uniform(-1.5, 1.5, s), dtype=gradnb.float64,
                               requires_grad=True) for s in shapes)


@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
def test_gradcheck_cube(shape):
    assert gradcheck(Cube.apply, _inputs(shape))


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3))])
def test_gradcheck_two_inputs_two_outputs_broadcasting(shapes):
    a, b = _inputs(*shapes, seed=1)
    assert gradcheck(lambda a, b: LogSumExpPair.apply(a, b, 0.5), (a, b))


def test_gradcheck_setup_context_style():
    x, = _inputs((2, 3), seed=2)
    assert gradcheck(Softplus.apply, (x,))
    assert gradcheck(lambda x: Softplus.apply(x, beta=2.5), (x,))


def test_gradcheck_catches_a_wrong_custom_backward():
    class Wrong(Function):
        @staticmethod
        def forward(ctx, x):
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            return g * 3     # forgot x ** 2

    x, = _inputs((3,), seed=3)
    assert not gradcheck(Wrong.apply, (x,), raise_exception=False)


# ---------------------------------------------------------------------------------------
# the views
# ---------------------------------------------------------------------------------------

def test_graph_names_the_node_after_the_class_and_shows_backward_source():
    x = gradnb.tensor([1.0, 2.0], requires_grad=True)
    c = gradnb.ones(2)
    y = Cube.apply(x * c)
    total = y.sum()
    graph = build_graph(total, namespace={"x": x, "y": y, "total": total})
    node = graph.node("CubeBackward")
    assert node["kind"] == "function" and node["lines"][0] == "CubeBackward"
    assert node["rules"] == ["@staticmethod", "def backward(ctx, grad_output):",
                             "    x, = ctx.saved_tensors",
                             "    return 3 * x ** 2 * grad_output"]
    assert graph.node("y")["grad_fn"] == "CubeBackward"
    text = graph.to_text()
    assert "CubeBackward (f1)  function" in text and "rule:     x, = ctx.saved_tensors" in text
    assert "CubeBackward" in graph.to_svg()


def test_trace_step_shows_the_custom_rule():
    x = gradnb.tensor([1.0, 2.0], requires_grad=True)
    y = Cube.apply(x)
    total = y.sum()
    trace = gradnb.viz.record_backward(total, namespace={"x": x, "total": total})
    steps = [s for s in trace.passes[0].steps if s["kind"] == "node"]
    rule = next(s["rule"] for s in steps if s["rule"].startswith("CubeBackward"))
    assert "return 3 * x ** 2 * grad_output" in rule
    assert x.grad.tolist() == [3.0, 12.0]


def test_rule_text_falls_back_when_source_is_unavailable():
    namespace = {"torch": gradnb}
    exec(compile("class Hidden(torch.autograd.Function):\n"
                 "    @staticmethod\n    def forward(ctx, x):\n        return x * 2\n"
                 "    @staticmethod\n    def backward(ctx, g):\n        return g * 2\n",
                 "<no file>", "exec"), namespace)
    y = namespace["Hidden"].apply(gradnb.ones(2, requires_grad=True))
    graph = build_graph(y, namespace={"y": y})
    assert graph.node("HiddenBackward")["rules"] == [
        "grad_inputs = Hidden.backward(ctx, *grad_outputs)"]


def test_untracked_call_is_drawn_as_a_pruned_op_named_after_the_class():
    c = gradnb.ones(2)
    z = Cube.apply(c)
    graph = build_graph(z, namespace={"z": z, "c": c})
    pruned = [n for n in graph.nodes if n["kind"] == "pruned_op"]
    assert [(n["label"], n["would_be"], n["reason"]) for n in pruned] == [
        ("Cube", "CubeBackward", "no_input_requires_grad")]


# ---------------------------------------------------------------------------------------
# memory and engine interplay
# ---------------------------------------------------------------------------------------

def test_saved_output_makes_no_reference_cycle():
    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            r = x.exp()
            ctx.save_for_backward(r)
            return r

        @staticmethod
        def backward(ctx, g):
            r, = ctx.saved_tensors
            return g * r

    x = gradnb.ones(3, requires_grad=True)
    gc.disable()
    try:
        y = Exp.apply(x)
        node = weakref.ref(y.grad_fn)
        del y
        assert node() is None      # freed by reference counting alone
    finally:
        gc.enable()


def test_engine_never_writes_into_arrays_backward_returned():
    """A backward may return a tensor it does not own (a saved input, the incoming
    gradient): fan-out sums must not add into it."""
    class PassInput(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 1

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return x

    class PassGrad(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g

    a = gradnb.tensor([1.0, 2.0], requires_grad=True)
    seed = gradnb.tensor([5.0, 7.0])
    out = PassInput.apply(a) + (a * 3) + PassGrad.apply(a)
    out.backward(seed)
    assert a.tolist() == [1.0, 2.0] and seed.tolist() == [5.0, 7.0]
    assert a.grad.tolist() == [1.0 + 15.0 + 5.0, 2.0 + 21.0 + 7.0]
    a.grad.add_(1)      # the leaf's .grad is its own array
    assert a.tolist() == [1.0, 2.0] and seed.tolist() == [5.0, 7.0]


def test_run_on_tensors_is_what_a_create_graph_engine_calls():
    """BackwardCFunction.run: Tensors in, Tensors out (one per tensor input)."""
    x = gradnb.tensor([1.0, 2.0], requires_grad=True)
    y = LogSumExpPair.apply(x, gradnb.tensor([0.5, 0.5]), 2.0)[0]
    grads = y.grad_fn.run((gradnb.ones(2), None), False)
    assert len(grads) == 2 and isinstance(grads[0], gradnb.Tensor)
    assert grads[1] is None or not grads[1].requires_grad
    with_graph = y.grad_fn.run((gradnb.ones(2, requires_grad=True), None), True)
    assert with_graph[0].grad_fn is not None   # the backward computation was recorded


def test_non_differentiable_output_is_drawn_with_its_reason():
    class ValueAndIndex(Function):
        @staticmethod
        def forward(ctx, x):
            idx = gradnb.tensor([1, 0])
            ctx.mark_non_differentiable(idx)
            return x * 2, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            return g * 2

    x = gradnb.tensor([1.0, 2.0], requires_grad=True)
    value, idx = ValueAndIndex.apply(x)
    graph = build_graph(value, idx, namespace={"x": x, "value": value, "idx": idx})
    assert graph.node("idx")["reason"] == "not_differentiable"
    assert graph.node("value")["grad_fn"] == "ValueAndIndexBackward"


def test_double_backward_through_a_custom_function():
    """create_graph=True runs the user's backward on Tensors with grad mode on, so its
    gradient has a graph (MulBackward0 here, as in PyTorch) and a second backward works."""
    class Cube(gradnb.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 3 * x ** 2 * g

    x = gradnb.tensor([1.0, 2.0], requires_grad=True)
    g, = gradnb.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    assert type(g.grad_fn).__name__ == "MulBackward0"
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 12.0])
