"""Tests of the comparison helpers in gradnb.testing (gradcheck has tests/test_gradcheck.py):
``assert_close`` must accept and reject what ``torch.testing.assert_close`` does, with the
same message; ``tensor_summary``/``assert_matches`` must describe and compare gradnb and
PyTorch tensors alike."""

import numpy as np
import pytest

import gradnb
from gradnb.testing import assert_close, assert_matches, tensor_summary

# (actual, expected, keyword arguments) as source, evaluated with the module as `torch`
CLOSE_CASES = [
    ("torch.tensor([1.0, 2.1, 3.0])", "torch.tensor([1.0, 2.0, 3.0])", {}),
    ("torch.tensor([1.0, 2.0])", "torch.tensor([1.0, 2.0, 3.0])", {}),
    ("torch.tensor(2.5)", "torch.tensor(2.0)", {}),
    ("torch.tensor(2)", "torch.tensor(3)", {}),
    ("torch.tensor([1, 2])", "torch.tensor([1, 3])", {}),
    ("torch.tensor([True, False])", "torch.tensor([True, True])", {}),
    ("torch.tensor([1.0, float('nan')])", "torch.tensor([1.0, float('nan')])", {}),
    ("torch.tensor([1.0, float('nan')])", "torch.tensor([1.0, float('nan')])",
     {"equal_nan": True}),
    ("torch.tensor([1.0, 2.0])", "torch.tensor([1.0, 2.5])", {"rtol": 0.1, "atol": 0.0}),
    ("torch.tensor([1.0, 2.0])", "torch.tensor([1.0, 2.5])", {"rtol": 0, "atol": 0}),
    ("torch.tensor([1.0, float('inf')])", "torch.tensor([1.0, 2.5])", {}),
    ("torch.tensor([1.0, float('inf')])", "torch.tensor([1.0, float('inf')])", {}),
    ("torch.tensor([float('-inf')])", "torch.tensor([float('inf')])", {}),
    ("torch.tensor([1.0, 0.5])", "torch.tensor([1.0, 0.0])", {}),
    ("torch.tensor([1.0])", "torch.tensor([1.0], dtype=torch.float64)", {}),
    ("torch.tensor([1.0])", "torch.tensor([1.0 + 1e-7])", {}),
    ("torch.tensor([[1.0, 2.0], [3.0, 4.0]])", "torch.tensor([[1.0, 2.0], [3.0, 4.5]])", {}),
]


def _outcome(check, module, case):
    actual, expected, kwargs = case
    try:
        check(eval(actual, {"torch": module}), eval(expected, {"torch": module}), **kwargs)
    except AssertionError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("case", CLOSE_CASES, ids=lambda c: f"{c[0]} vs {c[1]} {c[2]}")
def test_assert_close_matches_torch(case):
    torch = pytest.importorskip("torch")
    assert _outcome(assert_close, gradnb, case) == \
        _outcome(torch.testing.assert_close, torch, case)


def test_assert_close_accepts_numbers_and_sequences():
    assert_close([gradnb.tensor(1.0), 2.0], [gradnb.tensor(1.0), 2.0])
    with pytest.raises(AssertionError, match="length of the sequences"):
        assert_close([1.0], [1.0, 2.0])


def _graph(module):
    x = module.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    return (x * 2).sum(1).exp()


def test_summaries_of_gradnb_and_torch_agree():
    torch = pytest.importorskip("torch")
    mine, theirs = tensor_summary(_graph(gradnb)), tensor_summary(_graph(torch))
    values = mine.pop("values"), theirs.pop("values")
    assert mine == theirs
    np.testing.assert_allclose(*values, rtol=1e-6)
    assert mine["next_functions"] == [["SumBackward1", 0, [["MulBackward0", 0, []]]]]


def test_assert_matches_reports_the_differing_field():
    summary = tensor_summary(_graph(gradnb))
    assert_matches(_graph(gradnb), summary)
    with pytest.raises(AssertionError, match="grad_fn differs"):
        assert_matches(_graph(gradnb).tanh(), summary)
    with pytest.raises(AssertionError, match="values differ"):
        assert_matches(_graph(gradnb) * 2, summary, check_graph=False)
    assert_matches(gradnb.tensor([1.0, 2.0]), np.array([1.0, 2.0], dtype=np.float32))
