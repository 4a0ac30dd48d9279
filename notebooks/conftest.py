"""nbval's collection of the stored tutorials, and nbval with float tolerance.

``05_real_pytorch`` runs real PyTorch, which is a test dependency but not a runtime one
(Binder does not install it). Without torch it is left out, except in CI (``CI`` set),
where torch is installed and nothing may skip.

Float tolerance: the stored outputs of the tutorials were printed on one CPU,
and a value computed by a SIMD or BLAS kernel (tanh, a matmul) that sits on a rounding
boundary prints its last digit differently on another. nbval compares text exactly and
its sanitize file can only substitute regexes, so before nbval compares a cell, each
output text that differs from the stored one only by such rounding
(``tests/printed.py``, text only: a 4-decimal number may change its last digit by one,
every other number must be equal up to float32's tolerance, all other text exactly) is
replaced by the stored text. Any other difference is left for nbval to report.

Images: nbval never compares ``image/png`` outputs; here a cell whose stored outputs
hold an image fails if its re-run shows none (the bytes themselves are not compared).

Masking digits with the sanitize file would stop checking them everywhere, and printing
only exact values would change what the tutorials teach; this keeps every digit checked.
"""

import importlib.util
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from printed import printed_difference  # noqa: E402  (tests/printed.py)

collect_ignore = []
if importlib.util.find_spec("torch") is None and not os.environ.get("CI"):
    collect_ignore.append("05_real_pytorch.ipynb")

# Text outputs: stream text, an error's value, and the text mimetypes of display data.
_TEXT_MIMES = ("text/plain", "text/html", "image/svg+xml")


def pytest_configure(config):
    if not config.pluginmanager.hasplugin("nbval"):
        return
    from nbval.plugin import IPyNbCell
    original = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        if len(test) == len(ref):
            for mine, stored in zip(test, ref):
                _adopt_if_rounding_only(self.sanitize, mine, stored)
        same = original(self, test, ref, skip_compare)
        missing = _missing_images(test, ref)
        if missing:
            self.comparison_traceback.append(
                f"stored output has {', '.join(missing)} but the re-run cell showed none "
                "(a figure that no longer displays)")
        return same and not missing

    IPyNbCell.compare_outputs = compare_outputs


def _adopt_if_rounding_only(sanitize, mine, stored):
    """Give ``mine`` the stored text of each field that differs only by float rounding."""
    if mine.get("output_type") != stored.get("output_type"):
        return
    fields = [(mine, stored, key) for key in ("text", "evalue") if key in stored]
    if "data" in stored and "data" in mine:
        fields += [(mine["data"], stored["data"], m) for m in _TEXT_MIMES if m in stored["data"]]
    for here, there, key in fields:
        if key in here and _rounding_only(sanitize(_text(here[key])), sanitize(_text(there[key]))):
            here[key] = there[key]


def _missing_images(test, ref):
    """Image types the stored outputs hold that the fresh ones lack: nbval itself never
    compares ``image/png`` (its bytes vary by platform), so a plot that stops displaying
    would leave only its ``<Figure ...>`` text and pass unnoticed."""
    def images(outputs):
        return {m for o in outputs for m in o.get("data", {}) if m.startswith("image/")}
    return sorted(images(ref) - images(test))


def _text(value):
    return "".join(value) if isinstance(value, list) else value


def _rounding_only(actual, expected):
    from gradnb.testing import matching_tolerance
    rtol, atol = matching_tolerance("torch.float32")
    return actual != expected and printed_difference(actual, expected, rtol=rtol,
                                                     atol=atol) is None
