"""gradnb's random numbers against PyTorch 2.13's CPU generator.

Every case of tests/random_cases.py (each random function over sizes 0 to 1e6, both float
dtypes, several seeds; interleaved sequences, explicit generators, saved and restored
states, nn.init / Linear / Dropout; a 20-step training lesson) runs under gradnb and is
compared with the goldens recorded from PyTorch (tests/record_random_goldens.py) and, when
PyTorch is installed, with PyTorch run live. Raw bits, uniforms, integers and 0/1 draws
must match exactly; values PyTorch computes through log/sin/cos (normals, exponentials)
within a few float32 ulps (their last bits depend on the CPU's math code).
"""

import functools
import json
import math
from pathlib import Path

import numpy as np
import pytest

import gradnb
import random_cases as rc

GOLDENS = json.loads((Path(__file__).parent / "goldens" / "random.json").read_text())
FUNCTION_CASES = rc.function_cases()

try:
    import torch
except ImportError:                     # the goldens still run
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


@functools.lru_cache(maxsize=None)
def _gradnb_function_case(name):
    return rc.describe(rc.run_function_case(gradnb, *FUNCTION_CASES[name]))


@functools.lru_cache(maxsize=None)
def _gradnb_sequence(name):
    return rc.describe(rc.SEQUENCES[name](gradnb))


def _approximate(label):
    return label.startswith(rc.CPU_DEPENDENT)


def _tolerances(dtype):
    return (1e-5, 1e-5) if dtype == "float32" else (1e-10, 1e-12)


def assert_same_draw(label, got, want):
    """``got`` (gradnb) against ``want`` (PyTorch): exact, or close for CPU-dependent
    draws (all values when stored, else head, tail and summary statistics)."""
    assert (got["dtype"], got["shape"]) == (want["dtype"], want["shape"]), label
    if not _approximate(label):
        assert got.get("values") == want.get("values"), label
        assert got.get("sha256") == want.get("sha256"), label
        return
    rtol, atol = _tolerances(want["dtype"])
    for key in ("values", "head", "tail"):
        if key in want:
            np.testing.assert_allclose(got[key], want[key], rtol=rtol, atol=atol,
                                       err_msg=f"{label} {key}")
    if "stats" in want:
        n = math.prod(want["shape"])
        # sum and mean of n values, each within atol: |error| <= n * atol
        np.testing.assert_allclose(got["stats"], want["stats"], rtol=rtol,
                                   atol=atol * n, err_msg=f"{label} stats")


def assert_same_state(got, want):
    assert got["size"] == want["size"] == 5056
    assert got["twister_sha256"] == want["twister_sha256"]
    assert got["normal_cache"][0] == want["normal_cache"][0]
    assert got["normal_cache"][2] == want["normal_cache"][2]
    assert got["normal_cache"][1] == pytest.approx(want["normal_cache"][1], rel=1e-12,
                                                   abs=1e-15)


def assert_same(got, want):
    assert len(got["draws"]) == len(want["draws"])
    for (label, g), (wlabel, w) in zip(got["draws"], want["draws"]):
        assert label == wlabel
        assert_same_draw(label, g, w)
    assert len(got["states"]) == len(want["states"])
    for g, w in zip(got["states"], want["states"]):
        assert_same_state(g, w)


# ---------------------------------------------------------------------------------------
# every function, size, dtype, seed
# ---------------------------------------------------------------------------------------

def test_goldens_cover_every_case():
    assert set(GOLDENS["functions"]) == set(FUNCTION_CASES)
    assert set(GOLDENS["sequences"]) == set(rc.SEQUENCES)


@pytest.mark.parametrize("name", sorted(FUNCTION_CASES))
def test_function_matches_goldens(name):
    assert_same(_gradnb_function_case(name), GOLDENS["functions"][name])


@needs_torch
@pytest.mark.parametrize("name", sorted(FUNCTION_CASES))
def test_function_matches_torch(name):
    assert_same(_gradnb_function_case(name),
                rc.describe(rc.run_function_case(torch, *FUNCTION_CASES[name])))


@pytest.mark.parametrize("name", sorted(rc.SEQUENCES))
def test_sequence_matches_goldens(name):
    assert_same(_gradnb_sequence(name), GOLDENS["sequences"][name])


@needs_torch
@pytest.mark.parametrize("name", sorted(rc.SEQUENCES))
def test_sequence_matches_torch(name):
    assert_same(_gradnb_sequence(name), rc.describe(rc.SEQUENCES[name](torch)))


def test_lesson_prints_pytorchs_losses():
    assert rc.run_lesson(gradnb) == GOLDENS["lesson"]


# ---------------------------------------------------------------------------------------
# the examples a reader checks first, and the API around the generator
# ---------------------------------------------------------------------------------------

def test_the_issues_example():
    gradnb.manual_seed(0)
    assert repr(gradnb.randn(3)) == "tensor([ 1.5410, -0.2934, -2.1788])"


def test_state_layout_and_round_trip():
    gradnb.manual_seed(0)
    state = gradnb.get_rng_state()
    assert (state.dtype, tuple(state.shape)) == (gradnb.uint8, (5056,))
    # int64 seed, int32 left = 1, int32 seeded = 1, uint64 next = 0, then mt19937's words
    raw = state.numpy().tobytes()
    assert raw[:24] == (b"\0" * 8 + (1).to_bytes(4, "little") + (1).to_bytes(4, "little")
                        + b"\0" * 8)
    assert int.from_bytes(raw[24:32], "little") == 0           # init_genrand(0)[0]
    assert int.from_bytes(raw[32:40], "little") == 1           # init_genrand(0)[1]
    a = gradnb.randn(5)
    gradnb.set_rng_state(state)
    assert gradnb.randn(5).tolist() == a.tolist()


def test_seeds():
    assert gradnb.manual_seed(-1).initial_seed() == 2 ** 64 - 1
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        gradnb.manual_seed(2 ** 64)
    s = gradnb.seed()
    assert gradnb.initial_seed() == s
    g = gradnb.Generator()
    assert g.initial_seed() == 67280421310721
    assert g.manual_seed(7) is g and g.initial_seed() == 7
    assert str(g.device) == "cpu"


def test_fork_rng_restores_the_state():
    gradnb.manual_seed(1)
    with gradnb.random.fork_rng():
        a = gradnb.rand(3)
    assert gradnb.rand(3).tolist() == a.tolist()


ERRORS = [
    ("torch.set_rng_state(torch.zeros(3))", "TypeError: RNG state must be a "
                                            "torch.ByteTensor"),
    ("torch.set_rng_state(torch.zeros(3, dtype=torch.uint8))",
     "RuntimeError: Expected a CPUGeneratorImplState of size 5056 but found the input RNG "
     "state size to be 3"),
    ("torch.empty(3).normal_(0, -1)", "RuntimeError: normal expects std >= 0.0, but found "
                                      "std -1"),
    ("torch.empty(3).bernoulli_(1.5)", "RuntimeError: bernoulli_ expects p to be in [0, 1], "
                                       "but got p=1.5"),
    ("torch.randint(5, 3, (2,))", "RuntimeError: random_ expects 'from' to be less than "
                                  "'to', but got from=5 >= to=3"),
    ("torch.empty(3).uniform_(2, 1)", "RuntimeError: uniform_ expects to return a [from, to) "
                                      "range, but found from=2 > to=1"),
    ("torch.empty(3).exponential_(0)", "RuntimeError: exponential_ expects lambda > 0.0, but "
                                       "found lambda=0"),
    ("torch.rand(2, dtype=torch.long)", "NotImplementedError: \"check_uniform_bounds\" not "
                                        "implemented for 'Long'"),
    ("torch.empty(2, dtype=torch.int32).random_(0, 2**40)",
     "RuntimeError: to - 1 is out of bounds for int"),
    ("torch.multinomial(torch.tensor([1., 1.]), 3)",
     "RuntimeError: cannot sample n_sample > prob_dist.size(-1) samples without "
     "replacement"),
    ("torch.multinomial(torch.tensor([0., 0.]), 1)",
     "RuntimeError: invalid multinomial distribution (sum of probabilities <= 0)"),
]


@pytest.mark.parametrize("source, error", ERRORS)
def test_errors_are_pytorchs(source, error):
    with pytest.raises(Exception) as info:
        eval(source, {"torch": gradnb})
    assert f"{type(info.value).__name__}: {info.value}" == error


@needs_torch
@pytest.mark.parametrize("source, error", ERRORS)
def test_errors_match_torch_live(source, error):
    # the expected messages above are PyTorch's
    with pytest.raises(Exception) as info:
        eval(source, {"torch": torch})
    assert f"{type(info.value).__name__}: {info.value}".split("\n")[0] == error


def test_random_fills_record_pytorchs_grad_fn():
    x = gradnb.ones(3, requires_grad=True)
    names = {}
    for call in ("random_()", "random_(5)", "random_(1, 5)", "bernoulli_(0.5)",
                 "bernoulli_(gradnb.full((3,), 0.5))", "exponential_()", "uniform_()",
                 "normal_()"):
        y = x * 1
        eval(f"y.{call}", {"y": y, "gradnb": gradnb})
        names[call] = y.grad_fn.name()
    assert names == {"random_()": "RandomBackward2", "random_(5)": "RandomBackward1",
                     "random_(1, 5)": "RandomBackward0", "bernoulli_(0.5)":
                     "BernoulliBackward2", "bernoulli_(gradnb.full((3,), 0.5))":
                     "BernoulliBackward1", "exponential_()": "ExponentialBackward0",
                     "uniform_()": "UniformBackward0", "normal_()": "NormalBackward0"}
