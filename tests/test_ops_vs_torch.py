"""Differential tests: every snippet of tests/op_snippets.py runs under gradnb and must do
what PyTorch 2.13 did: same values, dtypes, shapes, requires_grad/is_leaf, grad_fn names
and graph structure, warnings, gradients of every leaf, reprs, and the same exception
type and message for bad input.

PyTorch's outcomes come from tests/goldens/ops.json (written by tests/record_goldens.py),
so these tests check the core without PyTorch installed. Where PyTorch is installed the
``live`` tests also rerun each snippet under it, which catches stale goldens.
"""

import functools
import json
from pathlib import Path

import pytest

import gradnb
from gradnb.tensor import _warned_once
from op_snippets import SNIPPETS
from torchdiff import compare_outcomes, compare_reprs, run_snippet

GOLDENS = json.loads((Path(__file__).parent / "goldens" / "ops.json").read_text())

# Known differences from PyTorch, each caused by a bug in a file this suite's authors may
# not edit (the reason names the file). The tests are expected to fail (strict: a fix makes them
# pass, and the entry must then go).
_VIEW_REPLAY = ("tensor.py: after an in-place change through one view, other views of the "
                "same base keep their old grad_fn (PyTorch regenerates them as "
                "AsStridedBackward0), so gradients through them are wrong")
_BOTH_DTYPES = {f"op_inplace_view_of_view_{dt}": _VIEW_REPLAY for dt in ("float32", "float64")}

KNOWN = {
    **_BOTH_DTYPES,
    "graph_view_history_after_inplace": _VIEW_REPLAY,
    "graph_no_grad": "a view taken under no_grad of a tensor that requires grad requires grad "
                     "in PyTorch (no grad_fn, and no gradient reaches it); needs tensor.py "
                     "and engine support",
}
# of those, the ones whose reprs differ too
KNOWN_IN_REPR = {name for name in KNOWN if name.startswith(("op_inplace_view_of_view", "graph_"))}


def _params(known=KNOWN):
    return [pytest.param(name, id=name, marks=[pytest.mark.xfail(reason=KNOWN[name],
                                                                 strict=True)]
                         if name in known else []) for name in SNIPPETS]


@functools.lru_cache(maxsize=None)
def gradnb_outcome(name):
    """What the snippet does under gradnb (plain data: safe to share between tests).
    ``fresh_`` snippets start with gradnb's warn-once memory cleared, as in a new
    process (PyTorch's outcome for them was recorded in one)."""
    if name.startswith("fresh_"):
        _warned_once.clear()
    return run_snippet(gradnb, SNIPPETS[name])


def test_goldens_cover_every_snippet():
    """Re-record the goldens (python tests/record_goldens.py) after adding snippets."""
    assert sorted(GOLDENS["snippets"]) == sorted(SNIPPETS)


@pytest.mark.parametrize("name", _params())
def test_matches_golden(name):
    compare_outcomes(gradnb_outcome(name), GOLDENS["snippets"][name])


@pytest.mark.parametrize("name", _params(KNOWN_IN_REPR))
def test_repr_matches_golden(name):
    compare_reprs(gradnb_outcome(name), GOLDENS["snippets"][name])


@pytest.fixture(scope="module")
def real_torch():
    return pytest.importorskip("torch")


# fresh_ snippets are left to the goldens: a new interpreter importing PyTorch per snippet
# would cost seconds each
@pytest.mark.parametrize("name", [p for p in _params() if not p.id.startswith("fresh_")])
def test_matches_live_torch(name, real_torch):
    expected = run_snippet(real_torch, SNIPPETS[name])
    compare_outcomes(gradnb_outcome(name), expected)
    assert_golden_current(json.loads(json.dumps(expected)), GOLDENS["snippets"][name])


def assert_golden_current(live, golden):
    """The golden must still be what this PyTorch does (``live``, after a JSON round trip
    for NaN and tuples), up to the last bits that PyTorch's kernels round differently on
    another CPU: the same comparison, tolerances included, as gradnb against PyTorch."""
    try:
        compare_outcomes(live, golden)
        compare_reprs(live, golden)
    except AssertionError as exc:
        raise AssertionError("stale golden (re-record: python tests/record_goldens.py); "
                             f"below 'gradnb' is live PyTorch, 'torch' the golden: {exc}") from None
