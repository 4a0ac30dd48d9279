"""The engine reuses gradient arrays instead of copying them when it safely can (a leaf's
``.grad`` adopts an array nothing else holds). These tests pin down the "safely": no
``.grad`` ever shares memory with another leaf's, with the caller's gradient, with what a
hook kept, or with what autograd.grad returned; and ``.grad`` is always C-contiguous.
"""

import numpy as np

import gradnb as torch


def _shares(a, b):
    return np.shares_memory(a._data, b._data)


def test_two_leaves_fed_by_one_add_get_separate_arrays():
    a = torch.ones(3, requires_grad=True)
    b = torch.ones(3, requires_grad=True)
    (a + b).sum().backward()
    assert not _shares(a.grad, b.grad)
    a.grad.zero_()
    assert b.grad.tolist() == [1., 1., 1.]


def test_the_callers_gradient_is_never_adopted():
    x = torch.ones(2, requires_grad=True)
    seed = torch.tensor([1., 2.])
    (x + 1).backward(seed)
    seed[0] = 100.
    assert x.grad.tolist() == [1., 2.]


def test_a_gradient_a_hook_kept_is_not_adopted():
    x = torch.ones(2, requires_grad=True)
    y = x + 1
    kept = []
    y.register_hook(kept.append)
    y.sum().backward()
    assert not _shares(x.grad, kept[0])


def test_autograd_grad_results_are_independent():
    x = torch.ones(2, requires_grad=True)
    y = x * 3
    (gx,) = torch.autograd.grad(y.sum(), x, retain_graph=True)
    y.sum().backward()
    assert not _shares(gx, x.grad)


def test_transposed_weight_gradient_is_adopted_and_contiguous():
    layer = torch.nn.Linear(5, 4)
    layer(torch.ones(3, 5)).sum().backward()
    grad = layer.weight.grad
    assert grad.is_contiguous() and grad.shape == layer.weight.shape
    # adopted: the array is the one backward computed (a view of it), not a copy
    assert grad._data.base is not None


def test_a_view_of_an_array_held_elsewhere_is_not_treated_as_ours():
    from gradnb.autograd.engine import _view_is_ours
    held = np.ones((3, 2), np.float32)
    assert not _view_is_ours(held.T, None, False)
    # computed outside the assert: pytest's assert rewriting keeps intermediates alive
    fresh = _view_is_ours(np.ones((3, 2), np.float32).T, None, False)
    assert fresh


def test_accumulation_across_passes_keeps_the_grad_tensor():
    w = torch.ones(2, requires_grad=True)
    (w * 2).sum().backward()
    first = w.grad
    (w * 3).sum().backward()
    assert w.grad is first and first.tolist() == [5., 5.]
