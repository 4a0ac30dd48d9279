"""``RemovableHandle``: what ``register_hook`` returns, as in ``torch.utils.hooks``."""

__all__ = ["RemovableHandle"]


class RemovableHandle:
    """Handle that removes one hook from the list it was added to.

    Parameters
    ----------
    hooks : list
        The list holding the hook entry.
    entry : object
        The exact entry to remove (compared by identity).
    """

    __slots__ = ("_hooks", "_entry")

    def __init__(self, hooks, entry):
        self._hooks = hooks
        self._entry = entry

    def remove(self):
        """Remove the hook; removing twice is harmless."""
        hooks, self._hooks = self._hooks, None
        if hooks is not None:
            for i, e in enumerate(hooks):
                if e is self._entry:
                    del hooks[i]
                    break

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()

    def __repr__(self):
        return f"<torch.utils.hooks.RemovableHandle object at {hex(id(self))}>"
