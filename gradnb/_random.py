"""gradnb's random number generator (``manual_seed``, ``rand``, ``randn``, ...).

Values come from numpy's PCG64, not from PyTorch's Mersenne Twister: seeded runs are
reproducible within gradnb, but do not equal PyTorch's numbers.
"""

import numpy as np

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed"]


class Generator:
    """A seedable source of random numbers."""

    def __init__(self, device="cpu"):
        self._seed = 67280421310721     # PyTorch's default initial seed
        self._rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed):
        """Reset the generator; returns it (as PyTorch does)."""
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed & 0xFFFFFFFFFFFFFFFF)
        return self

    def initial_seed(self):
        return self._seed

    def seed(self):
        self.manual_seed(int(np.random.SeedSequence().entropy) & 0xFFFFFFFFFFFFFFFF)
        return self._seed

    def uniform(self, low, high, shape):
        return self._rng.uniform(low, high, shape)

    def normal(self, mean, std, shape):
        return self._rng.normal(mean, std, shape)

    def integers(self, low, high, shape):
        return self._rng.integers(low, high, shape)

    def permutation(self, n):
        return self._rng.permutation(n)

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"


default_generator = Generator()


def manual_seed(seed):
    """Seed gradnb's default generator; returns it."""
    return default_generator.manual_seed(seed)


def seed():
    """Seed the default generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()
