"""A matplotlib picture of gradients, for notebooks: one panel per parameter, a bar per
element for scalars and vectors, a heatmap for matrices (and larger tensors, flattened
to 2-D). Built on :class:`matplotlib.figure.Figure` directly, never through pyplot, so
no global figure state is left behind (Jupyter still displays the returned figure).
"""

import math

import numpy as np

from .source import is_any_tensor, source_of

__all__ = ["plot_gradients"]

_PANEL_SIZE = (3.6, 2.8)      # inches per panel
_COLUMNS = 3
_BAR_COLOUR = "#0072B2"       # Okabe-Ito blue, as the graph pictures
_HEATMAP = "RdBu_r"           # diverging, zero in the middle


def _named_tensors(args, names):
    """``[(name, tensor)]`` from tensors and/or modules (their named parameters)."""
    pairs = []
    for k, arg in enumerate(args):
        if callable(getattr(arg, "named_parameters", None)):
            pairs += list(arg.named_parameters())
        elif is_any_tensor(arg):
            pairs.append((f"tensor {k}", arg))
        else:
            raise TypeError(f"plot_gradients() takes tensors or modules, not "
                            f"{type(arg).__name__}")
    if names is not None:
        names = list(names)
        if len(names) != len(pairs):
            raise ValueError(f"got {len(names)} names for {len(pairs)} tensors")
        pairs = [(n, t) for n, (_, t) in zip(names, pairs)]
    return pairs


def _grad_array(tensor):
    src = source_of(tensor)
    grad = src.grad(tensor)     # not .grad: that warns for non-leaf tensors
    return None if grad is None else src.array(grad)


def _draw(ax, name, grad):
    """One panel: bars for 0-d/1-d gradients, a heatmap for the rest."""
    if grad is None:
        ax.text(0.5, 0.5, "grad is None", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(name)
        return
    if grad.ndim <= 1:
        values = grad.reshape(-1)
        ax.bar(np.arange(values.size), values, color=_BAR_COLOUR)
        ax.axhline(0, color="#555555", linewidth=0.8)
        ax.set_xlabel("element")
        ax.set_ylabel("gradient")
    else:
        matrix = grad.reshape(grad.shape[0], -1)
        limit = float(np.max(np.abs(matrix))) or 1.0
        image = ax.imshow(matrix, cmap=_HEATMAP, vmin=-limit, vmax=limit, aspect="auto")
        ax.figure.colorbar(image, ax=ax)
        ax.set_xlabel("column")
        ax.set_ylabel("row")
    _integer_ticks(ax, grad.ndim > 1)
    ax.set_title(f"{name} {list(grad.shape)}")


def _integer_ticks(ax, both):
    # element/row/column indices are whole numbers: no 0.5 ticks
    from matplotlib.ticker import MaxNLocator
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if both:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def plot_gradients(*tensors_or_module, names=None, ax=None):
    """Plot the ``.grad`` of tensors or of a module's parameters.

    Parameters
    ----------
    *tensors_or_module : Tensor or nn.Module
        Tensors, and/or modules whose named parameters are plotted.
    names : sequence of str, optional
        Panel titles, one per tensor (default: parameter names, or ``tensor k``).
    ax : matplotlib Axes or sequence of Axes, optional
        Draw into these (one per tensor) instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    pairs = _named_tensors(tensors_or_module, names)
    if not pairs:
        raise ValueError("plot_gradients() needs at least one tensor or a module with "
                         "parameters")
    axes = _axes_for(len(pairs), ax)
    for axis, (name, tensor) in zip(axes, pairs):
        _draw(axis, name, _grad_array(tensor))
    figure = axes[0].figure
    if ax is None:
        figure.tight_layout()
    return figure


def _axes_for(count, ax):
    if ax is not None:
        axes = list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
        axes = list(np.ravel(axes))
        if len(axes) != count:
            raise ValueError(f"got {len(axes)} axes for {count} tensors")
        return axes
    from matplotlib.figure import Figure
    columns = min(count, _COLUMNS)
    rows = math.ceil(count / columns)
    figure = Figure(figsize=(_PANEL_SIZE[0] * columns, _PANEL_SIZE[1] * rows))
    grid = figure.subplots(rows, columns, squeeze=False)
    for extra in grid.ravel()[count:]:
        extra.set_visible(False)
    return list(grid.ravel()[:count])
