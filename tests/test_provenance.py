"""Provenance and engine events, the two things the core records for the views.

A tensor computed outside autograd still knows its op, its inputs and why autograd
skipped it, without keeping anything alive; the engine reports each step of backward to
an observer and costs nothing when none is attached.
"""

import gc
import weakref

import numpy as np
import pytest

import gradnb as torch
from gradnb.autograd import Variable, add_observer
from gradnb.autograd.provenance import MAX_DEPTH, constant_records, provenance


@pytest.mark.parametrize("make, op, reason", [
    (lambda x, w: x + x, "add", "no_input_requires_grad"),
    (lambda x, w: torch.no_grad()(lambda: w * 2)(), "mul", "no_grad"),
    (lambda x, w: w.detach(), "detach", "detach"),
    (lambda x, w: w.argmax(), "argmax", "not_differentiable"),
])
def test_untracked_result_knows_op_inputs_and_reason(make, op, reason):
    x = torch.ones(3)
    w = torch.ones(3, requires_grad=True)
    result = make(x, w)
    prov = provenance(result)
    assert (prov.op, prov.reason) == (op, reason)
    assert any(i is x or i is w for i in prov.inputs)


def test_inference_mode_reason():
    x = torch.ones(2, requires_grad=True)
    with torch.inference_mode():
        y = x * 2
    assert provenance(y).reason == "inference_mode"


def test_volatile_variable_reason():
    from gradnb.autograd import Variable
    with pytest.warns(UserWarning):
        v = Variable(torch.ones(2), volatile=True)
    assert provenance(v).reason == "volatile"


def test_tracked_results_and_factories_have_no_provenance():
    w = torch.ones(2, requires_grad=True)
    assert provenance(w) is None and provenance(torch.ones(2)) is None
    assert provenance(w * 2) is None


def test_provenance_keeps_no_tensor_alive():
    x = torch.ones(1000)
    y = x * 2
    z = y + 1
    refs = [weakref.ref(x), weakref.ref(y)]
    del x, y
    gc.collect()
    assert all(r() is None for r in refs)
    prov = provenance(z)
    assert prov.inputs[0] is None                  # the input is gone ...
    assert prov.parents[0].op == "mul"             # ... but how it was made is known
    assert prov.parents[0].shape == (1000,)


def test_records_hold_no_array_data():
    x = torch.ones(100_000)
    z = (x * 2) + 1
    record = z._prov
    stack, seen = [record], 0
    while stack:
        rec = stack.pop()
        seen += 1
        assert not any(isinstance(v, (np.ndarray, torch.Tensor)) for v in rec)
        stack.extend(p for p in rec[3] if p is not None)
    assert seen == 3          # add <- mul <- leaf x


def test_history_is_capped_so_a_long_no_grad_loop_holds_bounded_memory():
    y = torch.ones(1)
    with torch.no_grad():
        for _ in range(5 * MAX_DEPTH):
            y = y * 1.0
    depth, prov = 0, provenance(y)
    while prov is not None:
        depth += 1
        prov = prov.parents[0]
    assert depth <= MAX_DEPTH + 1


def test_constant_inputs_of_a_tracked_node_survive_as_records():
    w = torch.ones(2, requires_grad=True)
    loss = (w * (torch.ones(2) * 3)).sum()
    mul = loss.grad_fn.next_functions[0][0]
    gc.collect()
    assert constant_records(mul)[1].op == "mul"


def test_engine_reports_each_step_to_an_observer():
    events = []
    x = torch.tensor([1., 2.], requires_grad=True)
    loss = (x * x).sum()
    with add_observer(lambda event, data: events.append(event)):
        loss.backward()
    assert events[0] == "begin" and events[-1] == "end"
    assert events.count("node") == 2 and "accumulate" in events
    assert x.grad.tolist() == [2., 4.]


def test_observer_sees_the_error_of_a_failed_backward():
    errors = []
    x = torch.ones(2, requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    with add_observer(lambda event, data: errors.append(data.get("error"))
                      if event == "end" else None):
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            loss.backward()
    assert isinstance(errors[0], RuntimeError)


def test_no_observer_no_events():
    from gradnb.autograd import engine
    assert engine._observers == []


def test_a_constant_written_into_a_region_is_remembered():
    from gradnb.autograd.provenance import constant_inputs
    w = torch.ones(3, requires_grad=True)
    a = w * 2
    c = torch.tensor([7.])
    a[0:1] = c
    assert type(a.grad_fn).__name__ == "CopySlices"
    assert any(t is c for t in constant_inputs(a.grad_fn).values())


def test_volatile_and_requires_grad_together_is_refused_as_in_pytorch():
    """PyTorch 2.13 warns that volatile has no effect, then raises ValueError."""
    with pytest.warns(UserWarning, match="volatile was removed"):
        with pytest.raises(ValueError, match="^Variable can't be volatile and "
                                             "require_grad at the same time!$"):
            Variable(torch.ones(2), requires_grad=True, volatile=True)
