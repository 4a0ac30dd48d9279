"""Compare printed text (reprs, transcripts, notebook outputs) recorded on one machine
with the text another machine prints, allowing for floating point rounding.

PyTorch's and numpy's float kernels (SIMD, BLAS) differ in the last bits from one CPU to
the next, and a repr rounds to 4 significant digits: a value that sits on a rounding
boundary prints with a different last digit on another CPU. :func:`printed_difference`
splits both texts into numbers and the text between them (the *skeleton*). The skeleton
must be the same; so must every number printed without a decimal point or exponent
(sizes, indices, counts, integer tensors). A pair of float numbers that differ must be
explainable by rounding:

* A printed float ``x`` stands for every value in ``[x - h, x + h]``, ``h`` half a unit
  of its last printed digit.
* Without the printed values (text only) two floats agree when those intervals lie within
  the tolerance ``atol + rtol * |x|`` of each other: for 4 printed digits that is the
  same digits or the neighbouring last digit, nothing more.
* With the values behind the text (``values``, e.g. a golden's recorded tensor), a pair
  agrees only if one of those values is within the tolerance of both intervals, that is
  if a value lies at the rounding boundary between them. Far from a boundary the printed
  digits must be identical.

Only floats printed with PyTorch's default precision, 4 digits after the point
(``0.1235``, ``1.2346e-03``), count as rounded. Any other float is taken as exact
(``h`` = 0) and compared with the tolerance alone: Python prints a float with the fewest
digits that read back to it (``0.5``, ``0.30000000000000004``), and a tensor whose values
are all integral prints them exactly (``tensor([1., 2.])``).
"""

import re

import numpy as np

__all__ = ["printed_difference", "assert_printed_matches"]

# A number not glued to a name (AddBackward0, float32, 0x<ADDR>): optional sign, digits
# with an optional decimal point, optional exponent.
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?!\w)")
_PADDING = re.compile(r"[ \t]+(?=\0)")   # spaces before a number: column padding


def _split(text):
    """``(skeleton, numbers)``: the text with each number replaced by ``\\0``, and the
    numbers' texts."""
    return _NUMBER.sub("\0", text), _NUMBER.findall(text)


def _is_float(token):
    return "." in token or "e" in token.lower()


# digits after the point of PyTorch's default print precision
ROUNDED_DECIMALS = 4


def _half_unit(token):
    """Half a unit of the last printed digit of a rounded float token (``1.2340e-05``:
    5e-10); 0 for a token printed exactly."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    if decimals != ROUNDED_DECIMALS:
        return 0.0
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)


def _interval_gap(a, b):
    """Distance between the value intervals of float tokens ``a`` and ``b`` (0 if they
    overlap)."""
    return max(0.0, abs(float(a) - float(b)) - _half_unit(a) - _half_unit(b))


def _numbers_agree(a, b, rtol, atol, values):
    if a == b:
        return True
    if not (_is_float(a) and _is_float(b)):
        return False
    if values is None:
        scale = max(abs(float(a)), abs(float(b)))
        return _interval_gap(a, b) <= atol + rtol * scale
    tol = atol + rtol * np.abs(values)
    return bool(np.any((_distance_array(values, a) <= tol)
                       & (_distance_array(values, b) <= tol)))


def _distance_array(values, token):
    """Distance from each value to the interval a float token stands for."""
    return np.maximum(0.0, np.abs(values - float(token)) - _half_unit(token))


def _finite_values(values):
    if values is None:
        return None
    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    return flat[np.isfinite(flat)]


def printed_difference(actual, expected, *, rtol, atol, values=None):
    """None if text ``actual`` matches ``expected`` up to float rounding (see the module
    docstring), else a message naming the first difference.

    Parameters
    ----------
    actual, expected : str
        Printed texts, already normalised (addresses masked).
    rtol, atol : float
        Tolerance between the values behind two printed floats.
    values : array-like, optional
        The full-precision values behind the printed floats (either side's, or both):
        with them a differing pair of floats must straddle a rounding boundary that one
        of these values sits on.
    """
    if actual == expected:
        return None
    (skel_a, nums_a), (skel_e, nums_e) = _split(actual), _split(expected)
    if len(nums_a) != len(nums_e):
        return f"different numbers printed: {nums_a} vs {nums_e}"
    if skel_a != skel_e:
        if _PADDING.sub("", skel_a) != _PADDING.sub("", skel_e):
            return "the text around the numbers differs"
        if all(len(a) == len(e) for a, e in zip(nums_a, nums_e)):
            # a column's padding changes only when a number's width changed
            return "the padding differs although every number kept its width"
    candidates = _finite_values(values)
    for a, e in zip(nums_a, nums_e):
        if not _numbers_agree(a, e, rtol, atol, candidates):
            return f"{a} is not {e} up to rounding (rtol={rtol}, atol={atol})"
    return None


def assert_printed_matches(actual, expected, *, what="text", **tolerance):
    """Raise AssertionError (with both texts) unless :func:`printed_difference` is None."""
    problem = printed_difference(actual, expected, **tolerance)
    if problem:
        raise AssertionError(f"{what}: {problem}\nactual:   {actual}\nexpected: {expected}")
