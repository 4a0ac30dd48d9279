"""``torch.accelerator`` on a CPU-only build: no accelerator. Lessons ask
``torch.accelerator.is_available()`` and fall back to ``"cpu"``; gradnb answers as a
CPU-only PyTorch 2.13 does."""

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index",
           "current_device_idx", "synchronize"]

_NONE_AVAILABLE = "Cannot access accelerator device when none is available."


def is_available():
    """False: gradnb computes on the CPU only."""
    return False


def current_accelerator(check_available=False):
    """The accelerator device type: None, there is none."""
    return None


def device_count():
    """0: no accelerator devices."""
    return 0


def current_device_index():
    """PyTorch's error: there is no accelerator device to index."""
    raise RuntimeError(_NONE_AVAILABLE)


current_device_idx = current_device_index


def synchronize(device=None):
    """PyTorch's error: there is no accelerator to wait for."""
    raise RuntimeError(_NONE_AVAILABLE)
