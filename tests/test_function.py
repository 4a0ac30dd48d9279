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
