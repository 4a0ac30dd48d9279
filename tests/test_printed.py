"""The cross-CPU tolerance of the recorded comparisons (tests/printed.py, tests/torchdiff.py):
a golden whose floats moved by a few ulps, as on another CPU, still matches, and so does a
repr whose last digit flipped at a rounding boundary; a real difference (1e-3 relative,
a digit changed away from any boundary, an integer, the text) fails."""

import copy
import json
from pathlib import Path

import numpy as np
import pytest

import gradnb
import transcripts
from printed import printed_difference
from test_ops_vs_torch import assert_golden_current
from torchdiff import compare_outcomes, compare_reprs, run_snippet

GOLDENS = json.loads((Path(__file__).parent / "goldens" / "ops.json").read_text())["snippets"]
# the snippets that failed bit-exact comparisons on another CPU, both dtypes
MOVED = ["op_matmul_mm_float32", "op_mm_float64", "op_log_float32", "loss_linear"]


def _nudged(summary, change):
    """A copy of a tensor summary with ``change(array)`` applied to its float values."""
    dtype = summary["dtype"].replace("torch.", "")
    if dtype not in ("float32", "float64"):
        return summary
    moved = dict(summary)
    moved["values"] = change(np.asarray(summary["values"], dtype=dtype)).tolist()
    return moved


def _perturbed(outcome, change):
    """The outcome with every tensor's and every gradient's floats changed."""
    out = copy.deepcopy(outcome)
    out["tensors"] = {k: _nudged(s, change) for k, s in out["tensors"].items()}
    if out.get("backward") and "grads" in out["backward"]:
        out["backward"]["grads"] = {k: s and _nudged(s, change)
                                    for k, s in out["backward"]["grads"].items()}
    return out


def _ulps(n):
    """Move each value ``n`` ulps away from zero (alternating up and down by element)."""
    def change(a):
        for _ in range(n):
            a = np.nextafter(a, np.where(np.arange(a.size).reshape(a.shape) % 2, np.inf,
                                         -np.inf).astype(a.dtype))
        return a
    return change


@pytest.mark.parametrize("name", MOVED)
def test_golden_moved_by_a_few_ulps_still_matches(name):
    golden = GOLDENS[name]
    moved = _perturbed(golden, _ulps(4))
    assert moved != golden
    compare_outcomes(moved, golden)
    assert_golden_current(moved, golden)


@pytest.mark.parametrize("name", MOVED)
def test_golden_off_by_1e_3_relative_fails(name):
    golden = GOLDENS[name]
    moved = _perturbed(golden, lambda a: a * (1 + 1e-3))
    with pytest.raises(AssertionError, match="values differ"):
        compare_outcomes(moved, golden)
    with pytest.raises(AssertionError, match="stale golden"):
        assert_golden_current(moved, golden)


# float32 0.12345 lies on a rounding boundary of 4 decimals: one ulp below it prints
# 0.1234, it prints 0.1235
BOUNDARY = float(np.float32(0.12345))
BELOW = float(np.nextafter(np.float32(BOUNDARY), np.float32(0)))


def _outcome(value):
    return run_snippet(gradnb, f"x = torch.tensor([{value!r}, 2.5])\n")


def test_repr_flipping_at_a_rounding_boundary_matches():
    below, at = _outcome(BELOW), _outcome(BOUNDARY)
    assert below["reprs"]["x"] == "tensor([0.1234, 2.5000])"
    assert at["reprs"]["x"] == "tensor([0.1235, 2.5000])"
    compare_outcomes(below, at)
    compare_reprs(below, at)


def test_repr_last_digit_changed_away_from_a_boundary_fails():
    near = _outcome(0.12341)
    changed = copy.deepcopy(near)
    changed["reprs"]["x"] = "tensor([0.1235, 2.5000])"
    with pytest.raises(AssertionError, match="not 0.1234 up to rounding"):
        compare_reprs(changed, near)


@pytest.mark.parametrize("actual, expected, agree", [
    ("tensor([0.1234, 2.5000])", "tensor([0.1234, 2.5000])", True),
    ("tensor([0.1234, 2.5000])", "tensor([0.1235, 2.5000])", True),      # boundary flip
    ("tensor([0.1234, 2.5000])", "tensor([0.1236, 2.5000])", False),     # two units
    ("tensor([1.0000e-05])", "tensor([1.0001e-05])", True),
    ("tensor([1.0000e+05])", "tensor([1.0010e+05])", False),
    ("tensor([12345.6787])", "tensor([12345.6797])", True),             # float32 noise
    ("tensor([12345.6787])", "tensor([12358.0000])", False),             # 1e-3 relative
    ("tensor([ 9.9999, -1.0000])", "tensor([10.0000, -1.0000])", True),  # width change
    ("tensor([ 0.1234, -1.0000])", "tensor([0.1235, -1.0000])", False),  # padding alone
    ("torch.Size([2, 3])", "torch.Size([2, 4])", False),                 # integers exact
    ("tensor([1, 2])", "tensor([1, 3])", False),
    ("tensor([0.1234], grad_fn=<AddBackward0>)",
     "tensor([0.1235], grad_fn=<MulBackward0>)", False),                 # the text
    ("tensor([0.1234, 0.5000])", "tensor([0.1234])", False),
])
def test_text_only_comparison(actual, expected, agree):
    problem = printed_difference(actual, expected, rtol=1e-5, atol=1e-6)
    assert (problem is None) == agree, problem


@pytest.mark.parametrize("actual, expected, agree", [
    ("0.30000000000000004", "0.3", True),
    ("0.5", "0.6", False),           # Python's float repr is exact, not rounded
    ("tensor([1., 3.])", "tensor([1., 2.])", False),
    ("0.30001", "0.3", False),
    ("(0.5, 2)", "(0.5000001, 2)", True),
])
def test_floats_not_printed_with_4_decimals_are_exact(actual, expected, agree):
    problem = printed_difference(actual, expected, rtol=1e-5, atol=1e-6)
    assert (problem is None) == agree, problem


def test_transcript_statement_tolerates_a_boundary_flip_only():
    section = next(s for s in transcripts.all_sections() if s.statements)
    recorded = transcripts.Outcome("tensor([0.1235, 2.0000], requires_grad=True)")
    statement = transcripts.Statement("x", 2, 1, recorded)

    def agrees(stdout, warns=()):
        return transcripts._agrees(section, statement, transcripts.Outcome(stdout, warns))

    assert agrees("tensor([0.1234, 2.0000], requires_grad=True)")
    assert not agrees("tensor([0.1233, 2.0000], requires_grad=True)")
    assert not agrees("tensor([0.1235, 2.0000])")
    assert not agrees(recorded.stdout, (transcripts.Warn("UserWarning", "w", None),))


def test_plain_float_values_compare_with_tolerance():
    """``loss.item()`` moved by a few float32 ulps still matches; 1e-3 relative fails."""
    recorded = run_snippet(gradnb, "v = torch.tensor([0.1, 0.7]).exp().sum().item()\n")
    v = np.float32(float(recorded["values"]["v"]))
    for moved, agrees in ((np.nextafter(np.nextafter(v, np.inf), np.inf), True),
                          (v * np.float32(1.001), False)):
        other = copy.deepcopy(recorded)
        other["values"]["v"] = repr(float(moved))
        assert other["values"]["v"] != recorded["values"]["v"]
        if agrees:
            compare_outcomes(other, recorded)
        else:
            with pytest.raises(AssertionError, match="value of v differs"):
                compare_outcomes(other, recorded)
