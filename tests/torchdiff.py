"""Run a code snippet under gradnb or PyTorch and describe what it did as plain data, then
compare two such descriptions (gradnb's against PyTorch's, live or from the goldens).

A snippet is python source using ``torch`` (bound to the module under test), ``data``
(deterministic nested lists of floats) and optionally ``F`` (``torch.nn.functional``).
Its *outcome* (JSON-ready, see :func:`run_snippet`) holds:

* ``error``: ``{"type", "message"}`` if the snippet raised;
* ``tensors``: :func:`gradnb.testing.tensor_summary` of each tensor it left in a variable
  (the items of tuples/lists as ``name[i]``), ``reprs`` their ``repr``, ``values`` the
  ``repr`` of other variables (shapes, dtypes, numbers, bools);
* ``warnings``: ``[category, message]`` of each warning raised;
* ``backward``: after running ``torch.autograd.backward`` on the variables named
  ``out*`` that require grad (seeded with fixed weights), the ``.grad`` of every leaf
  variable that requires grad, or the error backward raised.
"""

import json
import math
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np

from gradnb.testing import assert_matches, matching_tolerance, tensor_summary
from printed import printed_difference

__all__ = ["data", "run_snippet", "compare_outcomes", "compare_reprs", "parse_snippets"]

# Plain values (``loss.item()``) carry no dtype: their floats get float32's tolerance.
_PLAIN_TOLERANCE = matching_tolerance("torch.float32")

_TRIGGERED = re.compile(r" \(Triggered internally at .*?\)", re.S)


def data(*shape, seed=0, low=-2.0, high=2.0):
    """Reproducible floats (4 decimals) as nested lists, for ``torch.tensor(...)``."""
    rng = np.random.default_rng(seed)
    return np.round(rng.uniform(low, high, shape), 4).tolist()


def parse_snippets(text):
    """``{name: source}`` from blocks that each start with a ``### name`` line."""
    snippets = {}
    for block in re.split(r"^### ", text.strip(), flags=re.M)[1:]:
        name, _, body = block.partition("\n")
        name = name.strip()
        if name in snippets:
            raise ValueError(f"duplicate snippet {name!r}")
        snippets[name] = body.strip() + "\n"
    return snippets


def _error(exc):
    return {"type": type(exc).__name__, "message": _TRIGGERED.sub("", str(exc))}


def _namespace(module):
    ns = {"torch": module, "data": data, "math": math, "np": np}
    try:
        import importlib
        ns["F"] = importlib.import_module(module.__name__ + ".nn.functional")
    except ImportError:
        pass
    return ns


def run_snippet(module, source, fresh=False):
    """Execute ``source`` with ``torch`` = ``module``; return its outcome (see module doc).
    ``fresh``: in a new python process, for warnings given once per process."""
    if fresh:
        return _run_in_new_process(module.__name__, source)
    ns = _namespace(module)
    base = set(ns)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(compile(source, "<snippet>", "exec"), ns)
        except Exception as exc:      # noqa: BLE001 - the error is the outcome
            return {"error": _error(exc), "warnings": _warning_list(caught)}
        variables = {k: v for k, v in ns.items() if k not in base and not k.startswith("_")}
        outcome = _describe(module, variables)
        outcome["backward"] = _backward(module, variables)
    outcome["warnings"] = _warning_list(caught)
    return outcome


def _run_in_new_process(module_name, source):
    here = Path(__file__).resolve().parent
    code = ("import importlib, json, sys; import torchdiff; "
            f"module = importlib.import_module({module_name!r}); "
            "print(json.dumps(torchdiff.run_snippet(module, sys.stdin.read())))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(here), str(here.parent)]))
    done = subprocess.run([sys.executable, "-c", code], input=source, capture_output=True,
                          text=True, env=env, check=True)
    return json.loads(done.stdout)


def _warning_list(caught):
    return [[w.category.__name__, _TRIGGERED.sub("", str(w.message))] for w in caught]


def _flatten(module, variables):
    """``(name, tensor)`` for tensor variables and for tensors inside tuples/lists."""
    for name, value in sorted(variables.items()):
        if isinstance(value, module.Tensor):
            yield name, value
        elif isinstance(value, (tuple, list)):
            for i, item in enumerate(value):
                if isinstance(item, module.Tensor):
                    yield f"{name}[{i}]", item


def _describe(module, variables):
    tensors = dict(_flatten(module, variables))
    others = {k: repr(v) for k, v in sorted(variables.items()) if _plain(v)}
    return {"tensors": {k: tensor_summary(t) for k, t in tensors.items()},
            "reprs": {k: repr(t) for k, t in tensors.items()},
            "values": others}


def _plain(value):
    """Values whose repr must be the same under both libraries: numbers, shapes, dtypes,
    and tuples of them (not tensors, modules or functions)."""
    if type(value) in (tuple, list):
        return all(_plain(v) for v in value)
    return isinstance(value, (int, float, bool, str, type(None))) or \
        type(value).__name__ in ("Size", "dtype", "device")


def _seed_gradient(module, t, k):
    """A fixed, non-uniform gradient for output ``t`` (so sums of wrong rows show)."""
    values = np.linspace(0.5, 1.5, t.numel()).reshape(tuple(t.shape)) * (1 + k)
    return module.tensor(values.tolist()).to(t.dtype)


def _backward(module, variables):
    outputs = [t for name, t in _flatten(module, variables)
               if name.startswith("out") and t.requires_grad]
    if not outputs:
        return None
    seeds = [_seed_gradient(module, t, k) for k, t in enumerate(outputs)]
    try:
        module.autograd.backward(outputs, seeds)
    except Exception as exc:      # noqa: BLE001 - the error is the outcome
        return {"error": _error(exc)}
    leaves = [(n, t) for n, t in _flatten(module, variables) if t.is_leaf and t.requires_grad]
    return {"grads": {n: None if t.grad is None else tensor_summary(t.grad)
                      for n, t in leaves}}


# ---------------------------------------------------------------------------------------
# comparison
# ---------------------------------------------------------------------------------------

def compare_outcomes(actual, expected):
    """Assert that gradnb's outcome ``actual`` matches PyTorch's ``expected`` (or a live
    PyTorch outcome its golden): errors, tensors (values, dtype, shape, autograd
    attributes, graph names), other values, warnings and the gradients backward left in
    the leaves. Reprs are compared apart (:func:`compare_reprs`), so a printing
    difference does not hide the others.

    Floats are compared with :func:`gradnb.testing.matching_tolerance`, never bit for
    bit: PyTorch's own results differ in the last bits from one CPU to another. What is
    deterministic (shapes, dtypes, flags, graph names, messages, warnings) is exact."""
    _compare_errors("snippet", actual.get("error"), expected.get("error"))
    if "error" in expected:
        return
    assert sorted(actual["tensors"]) == sorted(expected["tensors"]), "tensor variables differ"
    for name, summary in expected["tensors"].items():
        assert_matches(actual["tensors"][name], summary, what=name)
    _compare_mapping("value", actual["values"], expected["values"],
                     lambda key: (_PLAIN_TOLERANCE, None))
    assert actual["warnings"] == expected["warnings"], "warnings differ"
    _compare_backward(actual["backward"], expected["backward"])


def compare_reprs(actual, expected):
    """Assert that the reprs of the snippet's tensors are PyTorch's: the same text, but
    where a printed digit differs, a recorded value must sit on that rounding boundary
    (:func:`printed.printed_difference` with both sides' values)."""
    if "error" not in expected and "error" not in actual:
        _compare_mapping("repr", actual["reprs"], expected["reprs"],
                         lambda key: _repr_tolerance(actual, expected, key))


def _repr_tolerance(actual, expected, name):
    """``((rtol, atol), values)`` for the repr of tensor ``name``: its dtype's tolerance
    and the values of the tensor on both sides."""
    summaries = [o["tensors"][name] for o in (actual, expected) if name in o["tensors"]]
    if not summaries:
        return _PLAIN_TOLERANCE, []
    values = np.concatenate([np.asarray(s["values"], dtype=np.float64).reshape(-1)
                             for s in summaries])
    return matching_tolerance(summaries[-1]["dtype"]), values


def _compare_errors(where, actual, expected):
    if expected is None:
        assert actual is None, f"{where}: gradnb raised {actual['type']}: {actual['message']}"
        return
    assert actual is not None, f"{where}: gradnb did not raise {expected['type']}: " \
                               f"{expected['message']}"
    assert (actual["type"], actual["message"]) == (expected["type"], expected["message"]), \
        f"{where}: gradnb raised {actual['type']}: {actual['message']!r}\n" \
        f"torch raised  {expected['type']}: {expected['message']!r}"


def _compare_mapping(kind, actual, expected, tolerance):
    """Equal keys, and texts equal up to float rounding; ``tolerance(key)`` gives
    ``((rtol, atol), values behind the text or None)``."""
    for key in sorted(set(actual) | set(expected)):
        mine, theirs = actual.get(key), expected.get(key)
        problem = None
        if mine is None or theirs is None:
            problem = "missing on one side"
        elif mine != theirs:
            (rtol, atol), values = tolerance(key)
            problem = printed_difference(mine, theirs, rtol=rtol, atol=atol, values=values)
        assert problem is None, \
            f"{kind} of {key} differs ({problem}):\ngradnb: {mine}\ntorch:  {theirs}"


def _compare_backward(actual, expected):
    if expected is None or actual is None:
        assert actual == expected, f"backward ran on one side only: {actual} vs {expected}"
        return
    _compare_errors("backward", actual.get("error"), expected.get("error"))
    if "error" in expected:
        return
    assert sorted(actual["grads"]) == sorted(expected["grads"])
    for name, summary in expected["grads"].items():
        mine = actual["grads"][name]
        assert (mine is None) == (summary is None), f"{name}.grad: None on one side only"
        if summary is not None:
            assert_matches(mine, summary, check_graph=False, what=f"{name}.grad")
