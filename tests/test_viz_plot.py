"""plot_gradients: a figure with one panel per gradient, no pyplot state left behind."""

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import gradnb as torch  # noqa: E402
from gradnb import nn, viz  # noqa: E402


def trained_model():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
    model(torch.randn(5, 4)).sum().backward()
    return model


def test_module_gives_one_panel_per_parameter():
    before = plt.get_fignums()
    fig = viz.plot_gradients(trained_model())
    assert isinstance(fig, Figure)
    visible = [ax for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert [ax.get_title() for ax in visible] == ["0.weight [3, 4]", "0.bias [3]",
                                                  "2.weight [1, 3]", "2.bias [1]"]
    # matrices are heatmaps, vectors bar charts
    assert len(visible[0].images) == 1 and len(visible[1].patches) == 3
    assert plt.get_fignums() == before


def test_tensors_with_names_and_missing_grads():
    w = torch.ones(3, requires_grad=True)
    v = torch.ones(2, requires_grad=True)
    (w * 2).sum().backward()
    fig = viz.plot_gradients(w, v, names=["w", "v"])
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:2] == ["w [3]", "v"]
    assert "grad is None" in [t.get_text() for t in fig.axes[1].texts]


def test_draws_into_given_axes():
    w = torch.ones(3, requires_grad=True)
    (w * 2).sum().backward()
    fig = Figure()
    ax = fig.add_subplot()
    assert viz.plot_gradients(w, ax=ax) is fig
    with pytest.raises(ValueError, match="axes"):
        viz.plot_gradients(w, w, ax=ax)


def test_bad_arguments():
    with pytest.raises(TypeError, match="tensors or modules"):
        viz.plot_gradients("w")
    with pytest.raises(ValueError, match="names"):
        viz.plot_gradients(torch.ones(1), names=["a", "b"])
    with pytest.raises(ValueError):
        viz.plot_gradients()
