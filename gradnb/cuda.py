"""``torch.cuda`` for a CPU-only library: tutorials ask ``torch.cuda.is_available()`` to
pick a device, and gradnb answers as a CPU-only PyTorch build does."""

__all__ = ["is_available", "device_count", "manual_seed", "manual_seed_all"]


def is_available():
    """False: gradnb computes on the CPU only."""
    return False


def device_count():
    """0: no CUDA devices."""
    return 0


def manual_seed(seed):
    """Accepted and ignored, as in PyTorch when no GPU is present."""


def manual_seed_all(seed):
    """Accepted and ignored, as in PyTorch when no GPU is present."""
