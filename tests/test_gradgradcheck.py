"""Second-order checks of every backward rule, over the cases of ``test_gradcheck``.

With ``create_graph=True`` the formulas of the rule table run a second time, on tensors
(:mod:`gradnb.ops.tensor_rules`). For each case:

* ``test_gradgradcheck``: finite differences of the first gradient (for a random
  ``grad_output``) match its own backward, i.e. second derivatives are right;
* ``test_create_graph_gradients_equal_plain_ones``: the first gradient computed on
  tensors equals the ordinary numpy one (ties included, where second derivatives are
  not defined and gradgradcheck cannot be used);
* ``test_every_rule_runs_on_tensors``: every rule of the table was run on tensors by
  some case, so a new rule cannot slip in without a differentiable backward.
"""

import numpy as np
import pytest
from test_gradcheck import CASES, TIES, _case_param, make_inputs

import gradnb as torch
from gradnb.autograd import add_observer
from gradnb.ops.rules import RULES
from gradnb.testing import gradgradcheck

# a tie is a kink: the first gradient jumps there, finite differences of it are meaningless
SMOOTH = [c for c in CASES if c not in TIES and not c.id.startswith("ties_")]


@pytest.mark.parametrize("case", [_case_param(c) for c in SMOOTH])
def test_gradgradcheck(case):
    eps, atol, rtol = case.tol or (1e-6, 1e-5, 1e-3)
    assert gradgradcheck(case.fn, make_inputs(case), eps=eps, atol=atol, rtol=rtol)


def _first_gradients(case, create_graph):
    leaves = make_inputs(case)
    out = case.fn(*leaves)
    outs = [o for o in (out if isinstance(out, tuple) else (out,)) if o.requires_grad]
    weights = [torch.tensor(np.linspace(-1, 1, o.numel()).reshape(o.shape)) for o in outs]
    return torch.autograd.grad(outs, [x for x in leaves if x.requires_grad], weights,
                               allow_unused=True, create_graph=create_graph)


@pytest.mark.parametrize("case", [_case_param(c) for c in CASES])
def test_create_graph_gradients_equal_plain_ones(case):
    plain = _first_gradients(case, False)
    on_tensors = _first_gradients(case, True)
    for p, t in zip(plain, on_tensors):
        assert (p is None) == (t is None)
        if p is not None:
            assert t.dtype is p.dtype and t.shape == p.shape
            np.testing.assert_allclose(t.detach().numpy(), p.numpy(), rtol=1e-12, atol=1e-12)


def test_every_rule_runs_on_tensors():
    """Every entry of the rule table had its formulas run on tensors by some case (its
    node ran in a create_graph pass)."""
    ran = set()

    def observe(event, data):
        if event == "node":
            ran.add(type(data["node"])._rule.op)

    with add_observer(observe):
        for case in CASES:
            if not case.skip:
                _first_gradients(case, True)
    differentiable = {op for op, rule in RULES.items() if rule.node_class is not None}
    missing = sorted(differentiable - ran - {"index_put_accumulate"})
    assert not missing, f"rules never run with create_graph=True: {missing}"


def test_every_helper_a_formula_calls_has_a_tensor_version():
    """A formula's helper must run on tensors: a tensor primitive or version of its own
    (tensor_rules), written only through those (rules.TENSOR_GENERIC), or computing on
    non-tensor parameters only."""
    from gradnb.ops import rules, tensor_rules
    on_parameters = {"inverse_permutation"}
    called = set()
    for rule in RULES.values():
        for expr in rule.formulas.values():
            called |= rules._names_in(expr) & set(rules._HELPERS)
    handled = set(tensor_rules._PRIMITIVES) | set(tensor_rules._OWN) | \
        set(rules.TENSOR_GENERIC) | on_parameters
    assert not called - handled, sorted(called - handled)
