"""gradnb.check: right and wrong answers (values with tolerance, shape, dtype, None vs a
tensor, non-numbers), the printed message and hint, torch tensors through the interface."""

import numpy as np
import pytest

import gradnb
from gradnb.exercises import Verdict


def _grad():
    w = gradnb.tensor([1., 2.], requires_grad=True)
    (w * w).sum().backward()
    return w.grad


def test_right_answers(capsys):
    g = _grad()
    for expected in ([2., 4.], gradnb.tensor([2., 4.]), np.array([2., 4.]),
                     [2. + 1e-7, 4. - 1e-7]):
        verdict = gradnb.check(g, expected, what="w.grad", hint="never shown")
        assert isinstance(verdict, Verdict) and verdict
    out = capsys.readouterr().out
    assert out.count("Right: w.grad is tensor([2., 4.])") == 4 and "Hint" not in out
    assert gradnb.check(None, None) and gradnb.check("MulBackward0", "MulBackward0")
    assert gradnb.check(gradnb.tensor(3.), 3)


@pytest.mark.parametrize("expected,phrase", [
    ([2., 5.], "(first look at index (1,): 4 instead of 5)"),
    ([[2., 4.]], "has shape [2], but the expected answer has shape [1, 2]"),
    (None, "is tensor([2., 4.]), but the expected answer is None"),
    (gradnb.tensor([2., 4.], dtype=gradnb.float64),
     "has dtype torch.float32, but the expected answer has dtype torch.float64"),
    ([2.001, 4.], "instead of 2.001"),
])
def test_wrong_answers_say_why_and_hint(capsys, expected, phrase):
    verdict = gradnb.check(_grad(), expected, what="w.grad", hint="d(w*w)/dw = 2w")
    assert not verdict
    out = capsys.readouterr().out
    assert out.startswith("Not quite: w.grad ") and phrase in out
    assert out.rstrip().endswith("Hint: d(w*w)/dw = 2w")
    assert verdict.message == out.rstrip("\n")


def test_none_instead_of_a_tensor(capsys):
    x = gradnb.ones(2, requires_grad=True)
    y = (x * 2).detach()
    assert not gradnb.check(x.grad, [2., 2.], what="x.grad")
    assert "x.grad is None, but the expected answer is [2.0, 2.0]" in capsys.readouterr().out
    assert gradnb.check(y.grad, None)


def test_tolerance_is_adjustable():
    assert not gradnb.check(1.0, 1.01)
    assert gradnb.check(1.0, 1.01, rtol=0.05)


def test_strings_and_other_objects(capsys):
    assert not gradnb.check("AddBackward0", "MulBackward0", hint="x * w multiplies")
    out = capsys.readouterr().out
    assert "is AddBackward0, but the expected answer is MulBackward0" in out
    assert "Hint: x * w multiplies" in out
    assert gradnb.check(True, True) and not gradnb.check(True, False)


def test_torch_tensors():
    torch = pytest.importorskip("torch")
    w = torch.tensor([1., 2.], requires_grad=True)
    (w * w).sum().backward()
    assert gradnb.check(w.grad, [2., 4.])
    assert gradnb.check(w.grad, _grad())
    assert not gradnb.check(w.grad, torch.tensor([2., 4.], dtype=torch.float64))
