"""Small utilities mirroring ``torch.utils`` (hook handles)."""
from . import hooks  # noqa: F401
