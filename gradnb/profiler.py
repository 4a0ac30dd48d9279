"""``torch.profiler``: the newer spelling of :mod:`gradnb.autograd.profiler`
(``torch.profiler.profile(activities=[ProfilerActivity.CPU])``, ``record_function``).
gradnb records CPU activity only; a schedule is not supported (every op is recorded)."""

import enum

from .autograd.profiler import profile as _autograd_profile, record_function

__all__ = ["profile", "record_function", "ProfilerActivity"]


class ProfilerActivity(enum.Enum):
    """Which activities to record (gradnb records CPU activity whatever is asked)."""
    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class profile(_autograd_profile):
    """Context manager recording the tensor operations run inside it (see
    :class:`gradnb.autograd.profiler.profile`)."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None,
                 record_shapes=False, profile_memory=False, with_stack=False,
                 with_flops=False, with_modules=False, experimental_config=None,
                 execution_trace_observer=None, acc_events=False, use_cuda=None,
                 custom_trace_id_callback=None):
        super().__init__()

    def start(self):
        self.__enter__()

    def stop(self):
        self.__exit__(None, None, None)

    def step(self):
        """Mark the end of a training step (no schedule: nothing changes)."""
