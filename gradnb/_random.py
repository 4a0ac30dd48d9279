"""gradnb's random number generator: PyTorch's CPU generator, number for number.

PyTorch's CPU generator (ATen's ``CPUGeneratorImpl``) is a 32-bit Mersenne Twister
(mt19937) seeded with the standard ``init_genrand`` on the low 32 bits of the seed, plus
one cached normal sample (Box-Muller makes two at a time). Every distribution is a fixed
transform of the twister's 32-bit outputs, so gradnb reproduces PyTorch's numbers by
running the same twister (numpy's ``MT19937`` bit generator is that twister: only its
state is set here) and the same transforms, vectorised over whole tensors:

* ``random()`` is one 32-bit output; ``random64()`` is two, the first one high.
* uniform: float32 takes the low 24 bits of ``random()`` times 2^-24, float64 the low 53
  bits of ``random64()`` times 2^-53; then ``x * (to - from) + from`` in the tensor's type.
* normal, fewer than 16 elements (or not contiguous): Box-Muller in double from two
  uniform doubles u1, u2: r = sqrt(-2 log1p(-u2)), theta = 2 pi u1, return r cos(theta)
  and cache r sin(theta) for the next call (the cache outlives the call).
* normal, 16 elements or more and contiguous (``normal_fill``): all uniforms first (in the
  tensor's type), then each block of 16 becomes 8 (u1, u2) pairs, u1 = 1 - data[j],
  u2 = data[j + 8]; a size that is not a multiple of 16 draws 16 more uniforms and redoes
  the last 16 elements. On x86, float32 blocks go through ATen's AVX2 polynomial log and
  sincos, reproduced here operation by operation (bit for bit up to ``_EXACT_LIMIT``
  elements; larger tensors use numpy's float32 log/sin/cos for speed, a few ulps off);
  float64 (and other CPUs) use libm's log/sin/cos, which numpy's may differ from in the
  last bit.
* ATen's kernels are compiled with fused multiply-adds: ``x * (to - from) + from`` and
  ``x * std + mean`` round once (``fma``).
* integers in [base, base + range): ``random() % range`` (``random64()`` for ranges of
  2^32 or more with 64-bit and floating types) plus base.
* ``randperm``: a Fisher-Yates swap with ``random() % (n - i)`` (a python loop: the
  swaps depend on each other; about 1.5 s for 1e6 elements).
* bernoulli(p): ``uniform < p`` (a double uniform for a float ``p`` or a float64 tensor,
  a float one for a float32 tensor); exponential: ``-log(1 - u) / lambda`` (doubles);
  multinomial: see ``gradnb._creation.multinomial``.
* float16 uniforms are float32 ones rounded to half.

The default generator starts from PyTorch's documented default seed (67280421310721), so
an unseeded gradnb session repeats itself; PyTorch 2.13 seeds its default generator
non-deterministically at import.

``get_state``/``set_state`` use PyTorch's 5056-byte layout (``CPUGeneratorImplState``),
so a state saved by one library restores in the other.
"""

import array
import math
import os
import platform
import struct

import numpy as np

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state"]

_N = 624                              # mt19937 state words
_DEFAULT_SEED = 67280421310721        # PyTorch's default_rng_seed_val
_MASK24 = np.uint32((1 << 24) - 1)
_MASK53 = np.uint64((1 << 53) - 1)
_TWO_PI = 2.0 * math.pi
_CHUNK = 4096                         # rows of 16 normals transformed at a time
# float32 normal_fill up to this size reproduces the AVX2 kernel bit for bit (about 6x
# the time of numpy's own sampler); larger ones use numpy's log/sin/cos (within a few
# ulps, and about as fast as numpy's sampler)
_EXACT_LIMIT = 1 << 17
# CPUGeneratorImplState: int64 seed, int32 left, int32 seeded, uint64 next, uint64[624]
# state, double normal_x/normal_y/normal_rho, int32 normal_is_valid, (pad), float
# next_float_normal_sample, bool is_next_float_normal_sample_valid, (pad to 5056 bytes)
_STATE = struct.Struct("<qiiQ624Q3di4xf?3x")
_STATE_SIZE = _STATE.size             # 5056


def _init_genrand(seed):
    """mt19937's standard seeding of the 624 state words from a 32-bit seed."""
    key = [seed & 0xFFFFFFFF]
    for i in range(1, _N):
        prev = key[-1]
        key.append((1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF)
    return np.array(key, dtype=np.uint32)


def _memory_order(data, like=None):
    """A view of ``data`` whose C order is the order of the elements of ``like`` (default
    ``data``) in memory: the order in which PyTorch's TensorIterator fills a
    non-contiguous tensor."""
    like = data if like is None else like
    if like.flags.c_contiguous:
        return data
    return data.transpose(sorted(range(like.ndim), key=lambda a: -abs(like.strides[a])))


class Generator:
    """PyTorch's CPU generator: mt19937 plus the cached Box-Muller sample.

    Parameters
    ----------
    device : str, optional
        Only ``"cpu"``.
    """

    __slots__ = ("_bits", "_seed", "_fresh", "_next_double", "_next_float", "__weakref__")

    def __init__(self, device="cpu"):
        self._bits = np.random.MT19937(0)
        self.manual_seed(_DEFAULT_SEED)

    # -- seeding and state ------------------------------------------------------------

    def manual_seed(self, seed):
        """Seed the twister with ``seed`` (its low 32 bits); returns the generator."""
        seed = _check_seed(seed)
        self._seed = seed
        self._bits.state = {"bit_generator": "MT19937",
                            "state": {"key": _init_genrand(seed), "pos": _N}}
        self._fresh = True              # PyTorch's `next` is 0 until the first draw
        self._next_double = None
        self._next_float = None
        return self

    def seed(self):
        """Seed from the operating system's entropy; returns the seed."""
        s = int.from_bytes(os.urandom(8), "little") & 0x7FFFFFFFFFFFFFFF
        self.manual_seed(s)
        return s

    def initial_seed(self):
        """The seed last given to ``manual_seed`` (or ``seed``)."""
        return self._seed

    @property
    def device(self):
        from .tensor import device
        return device("cpu")

    def get_state(self):
        """The state as a uint8 tensor of 5056 bytes, laid out as PyTorch's."""
        from .tensor import Tensor
        return Tensor._wrap(np.frombuffer(self._pack(), dtype=np.uint8).copy())

    def set_state(self, new_state):
        """Restore a state from ``get_state`` (gradnb's or PyTorch's)."""
        data = getattr(new_state, "_data", None)
        if data is None:
            raise TypeError(f"expected a torch.ByteTensor, but got "
                            f"{type(new_state).__name__}")
        if data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if data.size != _STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_SIZE} but "
                               f"found the input RNG state size to be {data.size}")
        self._unpack(data.tobytes())
        return self

    def _pack(self):
        st = self._bits.state["state"]
        pos = int(st["pos"])
        nd, nf = self._next_double, self._next_float
        return _STATE.pack(_signed64(self._seed), _N + 1 - pos, 1, 0 if self._fresh else pos,
                           *st["key"].astype(np.uint64).tolist(), 0.0,
                           0.0 if nd is None else nd, 0.0, nd is not None,
                           0.0 if nf is None else nf, nf is not None)

    def _unpack(self, raw):
        fields = _STATE.unpack(raw)
        seed, left, _seeded, nxt = fields[:4]
        key = np.array(fields[4:4 + _N], dtype=np.uint64).astype(np.uint32)
        normal_y, normal_valid, nf, nf_valid = fields[4 + _N + 1], fields[-3], fields[-2], \
            fields[-1]
        self._seed = seed & 0xFFFFFFFFFFFFFFFF
        self._bits.state = {"bit_generator": "MT19937",
                            "state": {"key": key, "pos": _N + 1 - left}}
        self._fresh = nxt == 0 and left == 1
        self._next_double = normal_y if normal_valid else None
        self._next_float = nf if nf_valid else None

    def clone_state(self):
        """Snapshot for restoring later (used by fork_rng-style helpers)."""
        return self._pack()

    # -- raw bits -----------------------------------------------------------------------

    def _random(self, n):
        """``n`` 32-bit outputs of the twister (PyTorch's ``random()``) as uint32."""
        if n == 0:
            return np.empty(0, np.uint32)
        self._fresh = False
        return self._bits.random_raw(n).astype(np.uint32)

    def _random64(self, n):
        """``n`` outputs of PyTorch's ``random64()``: two 32-bit draws, the first high."""
        if n == 0:
            return np.empty(0, np.uint64)
        self._fresh = False
        pairs = self._bits.random_raw(2 * n).reshape(n, 2)
        return (pairs[:, 0] << np.uint64(32)) | pairs[:, 1]

    # -- distributions on flat arrays (in PyTorch's drawing order) ------------------------

    def _unit(self, n, np_dtype):
        """``n`` uniforms in [0, 1) of ``np_dtype`` (float32: 24 bits, float64: 53)."""
        if np_dtype == np.float64:
            bits = self._random64(n)
            bits &= _MASK53
            x = bits.astype(np.float64)
            x *= 1.0 / (1 << 53)
            return x
        if n == 0:
            return np.empty(0, np.float32)
        self._fresh = False
        bits = self._bits.random_raw(n)                  # uint64 holding 32-bit outputs
        bits &= np.uint64((1 << 24) - 1)
        x = bits.astype(np.float32)                      # exact: 24 bits
        x *= np.float32(1.0 / (1 << 24))
        return x

    def uniform(self, n, np_dtype, low=0.0, high=1.0):
        """``n`` values of U(low, high) as PyTorch's ``uniform_`` makes them."""
        if np_dtype == np.float16:
            return self._uniform_half(n, low, high)
        ct = np.float64 if np_dtype == np.float64 else np.float32
        x = self._unit(n, ct)
        low, high = ct(low), ct(high)
        if low != 0 or high != 1:
            # x * (to - from) + from, fused into one rounding as ATen's compiled kernel does
            x = fma(x, ct(high - low), low)
        return x

    def _uniform_half(self, n, low, high):
        """float16 uniforms: drawn as float32 ones (24 bits), then rounded to half, as
        PyTorch 2.13 on CPU does."""
        return self.uniform(n, np.float32, low, high).astype(np.float16)

    def normal(self, n, np_dtype, mean=0.0, std=1.0, contiguous=True):
        """``n`` values of N(mean, std^2) as PyTorch's ``normal_`` makes them."""
        if n >= 16 and contiguous:
            return self._normal_fill(n, np.float64 if np_dtype == np.float64
                                     else np.float32, mean, std)
        return fma(self._normal_scalar(n), np.float64(std), np.float64(mean))

    def _normal_scalar(self, n):
        """``n`` standard normals from the scalar Box-Muller path (doubles, cached)."""
        out = np.empty(n, np.float64)
        start = 0
        if n and self._next_double is not None:
            out[0] = self._next_double
            self._next_double = None
            start = 1
        pairs = (n - start + 1) // 2
        if pairs:
            flat = (self._box_muller_small(pairs) if pairs <= 8 else
                    _box_muller_pairs(self._unit(2 * pairs, np.float64).reshape(pairs, 2))
                    .reshape(-1))
            out[start:] = flat[:n - start]
            if (n - start) % 2:
                self._next_double = float(flat[-1])
        return out

    def _box_muller_small(self, pairs):
        """A few Box-Muller pairs in plain python floats through libm (``math``), as ATen
        computes them (to the bit), without numpy's per-call cost."""
        self._fresh = False
        raw = self._bits.random_raw(4 * pairs).tolist()
        out = []
        for k in range(0, 4 * pairs, 4):
            u1 = (((raw[k] << 32) | raw[k + 1]) & 0x1FFFFFFFFFFFFF) * (1.0 / (1 << 53))
            u2 = (((raw[k + 2] << 32) | raw[k + 3]) & 0x1FFFFFFFFFFFFF) * (1.0 / (1 << 53))
            r = math.sqrt(-2.0 * math.log1p(-u2))
            theta = _TWO_PI * u1
            out += (r * math.cos(theta), r * math.sin(theta))
        return out

    def _normal_fill(self, n, ct, mean, std):
        """PyTorch's ``normal_fill``: uniforms first, then Box-Muller per block of 16."""
        data = self._unit(n, ct)
        full = n - n % 16
        blocks = data[:full].reshape(-1, 16)
        exact = n <= _EXACT_LIMIT
        for start in range(0, len(blocks), _CHUNK):       # cache-sized pieces: faster
            _box_muller_16(blocks[start:start + _CHUNK], ct, mean, std, exact)
        if n % 16:
            tail = self._unit(16, ct).reshape(1, 16)
            _box_muller_16(tail, ct, mean, std, exact)
            data[n - 16:] = tail[0]
        return data

    def integers(self, n, low, high, np_dtype):
        """``n`` integers in [low, high) (``random_(from, to)``), as ``np_dtype``."""
        span = int(high) - int(low)
        wide = span >= (1 << 32) and np.dtype(np_dtype) in (np.int64, np.float64, np.float32)
        if wide:
            vals = self._random64(n) % np.uint64(span)
        elif span < (1 << 32):
            vals = (self._random(n) % np.uint32(span)).astype(np.uint64)
        else:                                # a 32-bit draw is below the span: unchanged
            vals = self._random(n).astype(np.uint64)
        vals += np.uint64(int(low) & 0xFFFFFFFFFFFFFFFF)  # wraps as ATen's uint64 sum
        return vals.view(np.int64).astype(np_dtype, copy=False)

    def permutation(self, n):
        """PyTorch's ``randperm(n)``: an int64 array holding a permutation of 0..n-1."""
        if n < 0xFFFFFFFF // 20:
            # swap i with i + random() % (n - i): each swap reads the previous ones
            perm = array.array("q", range(n))       # compact: the swaps hit the cache
            steps = max(n - 1, 0)
            partner = (self._random(steps) % np.arange(n, 1, -1, dtype=np.uint32)
                       + np.arange(steps, dtype=np.uint32)).tolist()
            for i, j in enumerate(partner):
                perm[i], perm[j] = perm[j], perm[i]
            return np.frombuffer(perm, dtype=np.int64).copy()
        # PyTorch's inside-out variant for huge n, with random64()
        perm = np.empty(n, np.int64)
        picks = self._random64(n) % np.arange(1, n + 1, dtype=np.uint64)
        for i, z in enumerate(picks.tolist()):
            perm[i] = perm[z]
            perm[z] = i
        return perm

    def bernoulli(self, n, p):
        """``n`` draws of ``uniform < p`` (0/1 as float64): scalar ``p`` takes one double
        uniform per element; an array ``p`` of float32 takes float uniforms."""
        if isinstance(p, np.ndarray) and p.dtype != np.float64:
            return (self._unit(n, np.float32) < p.astype(np.float32)).astype(np.float64)
        return (self._unit(n, np.float64) < p).astype(np.float64)

    def exponential(self, n, lambd):
        """``n`` draws of Exp(lambd): ``-1 / lambd * log(1 - u)`` with u a double."""
        return (-1.0 / lambd) * np.log(1.0 - self._unit(n, np.float64))

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"


def fma(a, b, c):
    """``a * b + c`` rounded once (a fused multiply-add), elementwise, in the type of
    ``a`` (float32 or float64): ATen's kernels are compiled with FMA contraction."""
    if b == 1 and c == 0:
        return a
    if a.dtype == np.float32:
        return _fma32(a, b, c)
    return _fma64(a, b, c)


def _fma32(a, b, c):
    # the float32 product is exact in float64; the sum is rounded to odd in float64
    # (sticky last bit), which makes the final rounding to float32 the correct one
    p = a.astype(np.float64) * np.float64(b)
    s = p + np.float64(c)
    err = (p - (s - (s - p))) + (np.float64(c) - (s - p))      # TwoSum: s + err = p + c
    bits = s.view(np.uint64)
    inexact = err != 0
    toward_zero = inexact & ((err < 0) != (s < 0)) & (s != 0)
    bits = np.where(toward_zero, bits - np.uint64(1), bits)
    bits = np.where(inexact, bits | np.uint64(1), bits)
    return bits.view(np.float64).astype(np.float32)


def _fma32_fast(a, b, c):
    """``a * b + c`` for float32 ``a``, ``b``: the product is exact in float64 and the
    sum is rounded twice (to float64, then float32). That differs from one rounding
    only when the float64 sum lands exactly on a float32 tie (odds about 2^-29 per
    value): the price of keeping 1e6 normals about as fast as numpy's own."""
    t = np.multiply(a, b, dtype=np.float64)
    t += c
    return t.astype(np.float32)


def _split(x):
    # Veltkamp split: hi has 26 significant bits, hi + lo == x exactly
    t = x * 134217729.0
    hi = t - (t - x)
    return hi, x - hi


def _fma64(a, b, c):
    # Dekker's exact product p + e, then the sum's error term (correct except in
    # double-rounding ties, which are vanishingly rare)
    b = np.float64(b)
    c = np.float64(c)
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    bb = s - p
    t = (p - (s - bb)) + (c - bb)
    return s + (t + e)


def _box_muller_pairs(u):
    """(r cos theta, r sin theta) per row (u1, u2) of ``u``, in double, as ATen's
    ``normal_distribution<double>`` (numpy's log/cos/sin: within an ulp of libm's)."""
    r = np.sqrt(-2.0 * np.log1p(-u[:, 1]))
    theta = _TWO_PI * u[:, 0]
    return np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1)


def _box_muller_16(blocks, ct, mean, std, exact=True):
    """Turn rows of 16 uniforms into 16 normals in place (``normal_fill_16``). On x86,
    ``exact`` float32 runs ATen's AVX2 kernel operation by operation (``_avx2_*``, bit
    for bit); otherwise numpy's log/sin/cos (within a few float32 ulps of it)."""
    if not len(blocks):
        return
    mean, std = ct(mean), ct(std)
    # the halves as flat contiguous arrays: numpy is slow on rows of 8
    u1 = ct(1) - blocks[:, :8].reshape(-1)
    u2 = blocks[:, 8:].reshape(-1)
    if ct == np.float32 and _X86 and exact:
        radius = np.sqrt(np.float32(-2) * _avx2_log(u1))
        sin, cos = _avx2_sincos(u2 * np.float32(_TWO_PI))
        blocks[:, :8] = _fma32_fast(radius * cos, std, mean).reshape(-1, 8)
        blocks[:, 8:] = _fma32_fast(radius * sin, std, mean).reshape(-1, 8)
        return
    if ct == np.float32 and _X86:
        theta = u2 * np.float32(_TWO_PI)                # as the AVX2 kernel rounds it
    else:
        theta = (u2 * _TWO_PI).astype(ct)               # 2 pi in double, as ATen
    radius = np.sqrt(ct(-2) * np.log(u1))
    blocks[:, :8] = fma(radius * np.cos(theta), std, mean).reshape(-1, 8)
    blocks[:, 8:] = fma(radius * np.sin(theta), std, mean).reshape(-1, 8)


# -- ATen's AVX2 float32 log and sincos (avx_mathfun.h: Cephes polynomials) -------------
# Every step is one IEEE float32 operation, so numpy reproduces them exactly; ``_fma32``
# stands where the compiler fused a multiply and an add (-mfma, -ffp-contract=fast).

_X86 = platform.machine().lower() in ("x86_64", "amd64", "i686", "x86")
_F = np.float32
_LOG_POLY = [_F(c) for c in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1,
                             -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
                             2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1)]
_LOG_Q1, _LOG_Q2 = _F(-2.12194440e-4), _F(0.693359375)
_DP = [_F(-0.78515625), _F(-2.4187564849853515625e-4), _F(-3.77489497744594108e-8)]
_COS_POLY = [_F(2.443315711809948e-5), _F(-1.388731625493765e-3), _F(4.166664568298827e-2)]
_SIN_POLY = [_F(-1.9515295891e-4), _F(8.3321608736e-3), _F(-1.6666654611e-1)]
_FOUR_OVER_PI = _F(1.27323954473516)


def _avx2_log(x):
    """log of positive float32 ``x`` as ATen's ``log256_ps``: split x = m 2^e with m in
    [sqrt(1/2), sqrt(2)), then log(m) by a degree-9 polynomial in m - 1."""
    bits = np.maximum(x, _F(1.1754944e-38)).view(np.int32)
    e = ((bits >> 23) - 0x7F).astype(_F) + _F(1)
    m = ((bits & ~0x7F800000) | 0x3F000000).view(_F)     # mantissa in [0.5, 1)
    small = m < _F(0.707106781186547524)
    e -= small.astype(_F)
    m = (m - _F(1)) + np.where(small, m, _F(0))           # 2m - 1 or m - 1
    z = m * m
    y = np.full_like(m, _LOG_POLY[0])
    for c in _LOG_POLY[1:]:
        y = _fma32_fast(y, m, c)
    y = _fma32_fast(y * m, z, e * _LOG_Q1)
    y = _fma32_fast(z, _F(-0.5), y)
    return _fma32_fast(e, _LOG_Q2, m + y)


def _avx2_sincos(x):
    """(sin x, cos x) of float32 ``x`` >= 0 as ATen's ``sincos256_ps``: reduce by
    multiples j of pi/4 (j even) in three parts, then a polynomial for each octant."""
    j = (x * _FOUR_OVER_PI).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(_F)
    for dp in _DP:
        x = _fma32_fast(y, dp, x)
    z = x * x
    c = _fma32_fast(_fma32_fast(np.full_like(x, _COS_POLY[0]), z, _COS_POLY[1]), z, _COS_POLY[2])
    c = _fma32_fast(c * z, z, -(z * _F(0.5))) + _F(1)
    s = _fma32_fast(_fma32_fast(np.full_like(x, _SIN_POLY[0]), z, _SIN_POLY[1]), z, _SIN_POLY[2])
    s = _fma32_fast(s * z, x, x)
    use_sin = (j & 2) == 0
    sin = np.where(use_sin, s, c)
    cos = np.where(use_sin, c, s)
    np.negative(sin, out=sin, where=(j & 4) != 0)
    np.negative(cos, out=cos, where=((j - 2) & 4) == 0)
    return sin, cos


# -- filling numpy arrays in place, in PyTorch's element order ---------------------------

def _float_type(data):
    return data.dtype.type if data.dtype in (np.float64, np.float16) else np.float32


def fill_uniform(gen, data, low=0.0, high=1.0):
    """``Tensor.uniform_`` on the array ``data``."""
    view = _memory_order(data)
    view[...] = gen.uniform(view.size, _float_type(data), low, high).reshape(view.shape)


def fill_normal(gen, data, mean=0.0, std=1.0):
    """``Tensor.normal_`` on the array ``data``."""
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {num(std)}")
    view = _memory_order(data)
    vals = gen.normal(view.size, _float_type(data), mean, std, data.flags.c_contiguous)
    view[...] = vals.reshape(view.shape)


def fill_integers(gen, data, low, high):
    """``Tensor.random_(low, high)`` on the array ``data``."""
    view = _memory_order(data)
    view[...] = gen.integers(view.size, low, high, data.dtype).reshape(view.shape)


def fill_bernoulli(gen, data, p):
    """``Tensor.bernoulli_(p)`` (``p`` a float or an array broadcastable to ``data``)."""
    view = _memory_order(data)
    if isinstance(p, np.ndarray):
        p = _memory_order(np.broadcast_to(p, data.shape), data).reshape(-1)
    view[...] = gen.bernoulli(view.size, p).reshape(view.shape)


def fill_exponential(gen, data, lambd=1.0):
    """``Tensor.exponential_(lambd)`` on the array ``data``."""
    view = _memory_order(data)
    view[...] = gen.exponential(view.size, lambd).reshape(view.shape)


_DIGITS = {np.dtype(np.float16): 11, np.dtype(np.float32): 24, np.dtype(np.float64): 53}
_P_ERROR = ("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
            "message be improved?  If so, please report an enhancement request to PyTorch.)")


def dtype_top(np_dtype):
    """The largest value ``random_`` draws for a dtype: 2^mantissa bits for floating
    types, the maximum for integers (1 for bool)."""
    np_dtype = np.dtype(np_dtype)
    if np_dtype in _DIGITS:
        return 1 << _DIGITS[np_dtype]
    return 1 if np_dtype == np.bool_ else int(np.iinfo(np_dtype).max)


def fill_random(gen, data):
    """``Tensor.random_()`` on the array ``data``: ``random() % (top + 1)``, with
    ``random64()`` for int64 and float64."""
    view = _memory_order(data)
    n = view.size
    if data.dtype == np.bool_:
        vals = gen._random(n) & np.uint32(1)
    else:
        raw = gen._random64(n) if data.dtype in (np.int64, np.float64) else \
            gen._random(n).astype(np.uint64)
        vals = raw % np.uint64(dtype_top(data.dtype) + 1)
    view[...] = vals.astype(data.dtype).reshape(view.shape)


_C_NAMES = {np.dtype(np.int8): "signed char", np.dtype(np.uint8): "unsigned char",
            np.dtype(np.int16): "short int", np.dtype(np.int32): "int",
            np.dtype(np.int64): "long int", np.dtype(np.bool_): "bool"}


def check_int_bounds(np_dtype, low, high):
    """PyTorch's errors for ``random_(from, to)`` outside an integer dtype's range."""
    name = _C_NAMES.get(np.dtype(np_dtype))
    if name is None:
        return
    lo, hi = (0, 1) if name == "bool" else (np.iinfo(np_dtype).min, np.iinfo(np_dtype).max)
    if not lo <= low <= hi:
        raise RuntimeError(f"from is out of bounds for {name}")
    if not lo <= high - 1 <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {name}")


def check_probs(p):
    """``p`` for ``bernoulli_``: an array of probabilities in [0, 1]."""
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError(_P_ERROR)
    return p


def num(x):
    """A number as C++'s ostream prints a double (``-1``, ``0.5``)."""
    return "%g" % x


def _signed64(v):
    return v - (1 << 64) if v >= (1 << 63) else v


def _check_seed(seed):
    """PyTorch's seed rules: an int in [-2^63, 2^64), negative ones wrap."""
    seed = int(seed)
    if not -(1 << 63) <= seed < (1 << 64):
        raise ValueError("Overflow when unpacking long long")
    return seed & 0xFFFFFFFFFFFFFFFF


default_generator = Generator()


def resolve(generator):
    """The generator a random function should draw from."""
    return default_generator if generator is None else generator


def manual_seed(seed):
    """Seed the default generator (the twister takes the low 32 bits); returns it."""
    return default_generator.manual_seed(seed)


def seed():
    """Seed the default generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state (uint8 tensor of 5056 bytes, PyTorch's layout)."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator from ``get_rng_state()``."""
    default_generator.set_state(new_state)
