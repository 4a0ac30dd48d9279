"""GraphModel.refresh() rebuilds exactly when the picture could change: after a
backward pass, an in-place change, a value changed through ``.data``, a name that moved, a
tensor of the graph collected, new print options; and not after cells that change
nothing it shows (counted with ``GraphModel.builds``)."""

import gc

import gradnb as torch
from gradnb import viz
from gradnb.viz import schema


def model_of_chain():
    """``loss = ((x * w).tanh() * 2).sum()`` with a leaf ``w`` and a constant ``x``,
    drawn from a module-like namespace (read again at every refresh)."""
    x = torch.tensor([0.5, -1.0, 2.0])
    w = torch.ones(3, requires_grad=True)
    h = (x * w).tanh()
    loss = (h * 2).sum()
    namespace = {"__name__": "__main__", "x": x, "w": w, "loss": loss}
    return viz.build_graph(loss, namespace=namespace), namespace, h


def test_unchanged_graph_is_not_rebuilt():
    g, namespace, _ = model_of_chain()
    picture = g.to_json()
    namespace["unrelated"] = torch.ones(2, requires_grad=True)   # not in the graph
    namespace["n"] = 3
    for _ in range(3):
        assert not g.changed()
        assert g.refresh() is g
    assert g.builds == 1 and g.to_json() is picture


def test_backward_rebuilds_and_shows_gradients():
    g, namespace, _ = model_of_chain()
    namespace["loss"].backward()
    assert g.changed()
    g.refresh()
    assert g.builds == 2
    assert g.node("w")["grad"]["state"] == schema.GRAD_FRESH
    assert g.node("TanhBackward0")["freed"]                # backward freed saved values
    g.refresh()
    assert g.builds == 2


def test_in_place_change_shows_the_gradient_stale():
    g, namespace, _ = model_of_chain()
    namespace["loss"].backward()
    g.refresh()
    with torch.no_grad():
        namespace["w"].mul_(2)
    g.refresh()
    assert g.builds == 3
    assert g.node("w")["grad"]["state"] == schema.GRAD_STALE
    assert g.node("w")["lines"][2].startswith("grad (stale): ")


def test_values_changed_through_data_and_grads_zeroed_are_seen():
    # the old-style update: neither changes a version counter that autograd reads
    g, namespace, _ = model_of_chain()
    w = namespace["w"]
    namespace["loss"].backward(retain_graph=True)
    g.refresh()
    w.data -= 0.1 * w.grad.data
    g.refresh()
    assert g.builds == 3 and g.node("w")["value"] == repr(w)
    w.grad.data.zero_()
    g.refresh()
    assert g.builds == 4 and "tensor([0., 0., 0.])" in g.node("w")["grad"]["text"]


def test_naming_an_intermediate_later_keeps_the_picture():
    # a view keeps the names it was drawn with; a view drawn after the naming shows it
    g, namespace, h = model_of_chain()
    namespace["h"] = h
    g.refresh()
    assert g.builds == 1 and "h" not in {n["label"] for n in g.nodes}
    later = viz.build_graph(namespace["loss"], namespace=namespace)
    assert later.node("h")["grad_fn"] == "TanhBackward0"
    del namespace["h"]
    later.refresh()
    assert later.builds == 2 and later.node("h (deleted)")
    assert all(n["label"] != "h" for n in g.nodes)


def test_collected_constant_and_new_print_options_rebuild():
    x = torch.ones(3)
    w = torch.ones(3, requires_grad=True)
    c = x * 2                   # a constant input (Add saves nothing), alive through `c`
    loss = (w + c).sum()
    g = viz.build_graph(loss, namespace={"__name__": "__main__", "w": w})
    tensors = sum(n["kind"] == schema.TENSOR for n in g.nodes)
    del c
    gc.collect()
    g.refresh()                         # only its provenance record is left to draw
    assert g.builds == 2 and sum(n["kind"] == schema.TENSOR for n in g.nodes) == tensors - 1
    from gradnb._format import printoptions
    with printoptions(precision=2):
        g.refresh()
        assert g.builds == 3 and g.node("w")["value"] == \
            "tensor([1., 1., 1.], requires_grad=True)"


def test_large_values_count_by_what_their_summary_shows():
    w = torch.zeros(1000, requires_grad=True)
    root = (w * 2).sum()
    g = viz.build_graph(root, namespace={"__name__": "__main__", "w": w})
    with torch.no_grad():
        w.data[500] = 7.0           # hidden in the "..." of the summary: same picture
    g.refresh()
    assert g.builds == 1
    w.data[-1] = 7.0                # shown
    g.refresh()
    assert g.builds == 2 and "7." in g.node("w")["value"]


def test_a_collected_root_keeps_the_last_picture():
    g, namespace, _ = model_of_chain()
    picture = g.to_json()
    del namespace["loss"]
    gc.collect()
    assert not g.changed() and not g.alive
    assert g.refresh().to_json() is picture and g.builds == 1
