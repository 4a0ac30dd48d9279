"""``torch.autograd.profiler``: time the tensor operations a block of code calls.

``with torch.autograd.profiler.profile() as prof: ...`` then
``print(prof.key_averages().table(sort_by="self_cpu_time_total"))`` prints PyTorch's
table (Name, Self CPU %, Self CPU, CPU total %, CPU total, CPU time avg, # of Calls).

What gradnb records, honestly: each call the user's code makes to a tensor method or
operator (``z / x`` is ``aten::div``) or to a ``torch.*`` function, with its wall-clock
time; a call made inside another recorded call is its child (its time counts in the
parent's total, not in the parent's self time). PyTorch also lists the kernels its ops
dispatch to internally (``aten::empty``, ``aten::copy_``) and the backward pass; gradnb
has no such layers and does not time backward.

Nothing is timed outside a ``profile`` block: entering it puts timing wrappers on the
Tensor class and the ``gradnb`` namespace, leaving it puts the original functions back,
so ops pay nothing when no profiler runs.
"""

import functools
import time

__all__ = ["profile", "record_function", "EventList", "FunctionEventAvg"]

_ACTIVE = []        # the running profile, if any (one at a time, as in PyTorch)

# operator methods under the name of the aten op they run
_DUNDER_OPS = {"truediv": "div", "rtruediv": "div", "radd": "add", "rmul": "mul",
               "rpow": "pow", "rmatmul": "matmul", "iadd": "add_", "isub": "sub_",
               "imul": "mul_", "itruediv": "div_", "getitem": "index", "setitem": "index_put_",
               "invert": "bitwise_not", "floordiv": "floor_divide", "mod": "remainder",
               "pos": "positive", "and": "bitwise_and", "or": "bitwise_or",
               "xor": "bitwise_xor"}


def _aten_name(attr):
    if attr.startswith("__"):
        attr = attr.strip("_")
        attr = _DUNDER_OPS.get(attr, attr)
    return "aten::" + attr


class _Timings:
    """Per key: calls, total and self time (microseconds), in first-call order; a stack
    of the time spent in children of the calls now running."""

    __slots__ = ("stats", "children")

    def __init__(self):
        self.stats = {}
        self.children = [0]

    def timed(self, key, fn):
        """``fn`` wrapped to record each call under ``key``."""
        children, stats, clock = self.children, self.stats, time.perf_counter_ns

        @functools.wraps(fn)
        def call(*args, **kwargs):
            children.append(0)
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = clock() - start
                inner = children.pop()
                children[-1] += elapsed
                entry = stats.get(key)
                if entry is None:
                    entry = stats[key] = [0, 0, 0]
                entry[0] += 1
                entry[1] += elapsed
                entry[2] += elapsed - inner
        return call


class profile:
    """Context manager recording the tensor operations run inside it.

    Parameters
    ----------
    enabled : bool
        False: record nothing.
    use_cuda, use_device, record_shapes, profile_memory, with_stack, with_flops, ...
        Accepted for compatibility; gradnb runs on the CPU and records names and times.
    """

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False,
                 with_flops=False, profile_memory=False, with_stack=False,
                 with_modules=False, use_kineto=False, use_cpu=True, experimental_config=None,
                 acc_events=False, custom_trace_id_callback=None, **_ignored):
        self.enabled = enabled
        self._timings = _Timings()
        self._patched = []

    def __enter__(self):
        if not self.enabled:
            return self
        if _ACTIVE:
            raise RuntimeError("Profiler is already enabled on this thread")
        _ACTIVE.append(self)
        self._patch()
        return self

    def __exit__(self, *exc):
        if self.enabled and _ACTIVE and _ACTIVE[-1] is self:
            for owner, name, original in reversed(self._patched):
                setattr(owner, name, original)
            self._patched.clear()
            _ACTIVE.pop()
        return False

    def _patch(self):
        import gradnb
        from .. import _methods
        from ..tensor import Tensor
        tensor_names, namespace_names = _methods.entry_points()
        for name in tensor_names:
            original = Tensor.__dict__.get(name)
            if callable(original):
                self._wrap(Tensor, name, original, _aten_name(name))
        for name in namespace_names:
            original = getattr(gradnb, name, None)
            if callable(original):
                self._wrap(gradnb, name, original, "aten::" + name)

    def _wrap(self, owner, name, original, key):
        self._patched.append((owner, name, original))
        setattr(owner, name, self._timings.timed(key, original))

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        """One row per operation name: calls and times, in first-call order."""
        return EventList(FunctionEventAvg(key, *entry)
                         for key, entry in self._timings.stats.items())

    def table(self, sort_by=None, row_limit=100, header=None, **kwargs):
        return self.key_averages().table(sort_by=sort_by, row_limit=row_limit, header=header)

    @property
    def self_cpu_time_total(self):
        """Sum of the self times, in microseconds."""
        return sum(entry[2] for entry in self._timings.stats.values()) / 1000.0

    def __str__(self):
        return self.table()


class record_function:
    """Label a block of code: it appears as a row of its own (``with
    record_function("my_block"):``), and the ops inside it are its children."""

    def __init__(self, name, args=None):
        self.name = name
        self._end = None

    def __enter__(self):
        if _ACTIVE:
            timings, clock = _ACTIVE[-1]._timings, time.perf_counter_ns
            timings.children.append(0)
            start = clock()

            def end():
                elapsed = clock() - start
                inner = timings.children.pop()
                timings.children[-1] += elapsed
                entry = timings.stats.setdefault(self.name, [0, 0, 0])
                entry[0] += 1
                entry[1] += elapsed
                entry[2] += elapsed - inner
            self._end = end
        return self

    def __exit__(self, *exc):
        if self._end is not None:
            self._end()
            self._end = None
        return False


class FunctionEventAvg:
    """Statistics of one operation name (times in microseconds, as in PyTorch)."""

    __slots__ = ("key", "count", "cpu_time_total", "self_cpu_time_total")

    def __init__(self, key, count, total_ns, self_ns):
        self.key, self.count = key, count
        self.cpu_time_total = total_ns / 1000.0
        self.self_cpu_time_total = self_ns / 1000.0

    @property
    def cpu_time(self):
        """Average time per call."""
        return self.cpu_time_total / self.count if self.count else 0.0

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} "
                f"self_cpu_time={_format_time(self.self_cpu_time_total)} "
                f"cpu_time={_format_time(self.cpu_time)}  self_cuda_time=0.000us "
                "cuda_time=0.000us input_shapes= cpu_memory_usage=0 cuda_memory_usage=0>")


class EventList(list):
    """The rows of :meth:`profile.key_averages`, printable as PyTorch's table."""

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75,
              max_name_column_width=55, max_shapes_column_width=80, header=None,
              top_level_events_only=False, time_unit=None):
        return _build_table(self, sort_by, row_limit, max_name_column_width, header)

    @property
    def self_cpu_time_total(self):
        return sum(e.self_cpu_time_total for e in self)

    def __str__(self):
        return self.table()


_HEADERS = ("Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
            "# of Calls")


def _build_table(events, sort_by, row_limit, max_name_width, header):
    """PyTorch's layout: right-aligned columns two spaces apart, a rule above and below
    the header and at the end, then the total self time."""
    if not events:
        return ""
    if sort_by is not None:
        events = sorted(events, key=lambda e: getattr(e, sort_by.replace("cuda", "device")),
                        reverse=True)
    name_width = min(max(len(e.key) for e in events) + 4, max_name_width)
    widths = (name_width,) + (12,) * (len(_HEADERS) - 1)
    row = "".join("{:>" + str(w) + "}  " for w in widths)
    rule = "".join("-" * w + "  " for w in widths)
    total = sum(e.self_cpu_time_total for e in events)
    lines = []
    if header is not None:
        lines += ["=" * (sum(widths) + 2 * len(widths) - 2), header]
    lines += [rule, row.format(*_HEADERS), rule]
    for e in events[:row_limit]:
        name = e.key if len(e.key) < max_name_width - 3 else e.key[:max_name_width - 3] + "..."
        lines.append(row.format(name, _share(e.self_cpu_time_total, total),
                                _format_time(e.self_cpu_time_total),
                                _share(e.cpu_time_total, total), _format_time(e.cpu_time_total),
                                _format_time(e.cpu_time), e.count))
    lines += [rule, f"Self CPU time total: {_format_time(total)}"]
    return "\n".join(lines) + "\n"


def _format_time(us):
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


def _share(us, total):
    return f"{us * 100.0 / total:.2f}%" if total else "NaN"
