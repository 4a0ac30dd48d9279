"""nbval's collection of the stored tutorials.

``05_real_pytorch`` runs real PyTorch, which is a test dependency but not a runtime one
(Binder does not install it). Without torch it is left out, except in CI (``CI`` set),
where torch is installed and nothing may skip.
"""

import importlib.util
import os

collect_ignore = []
if importlib.util.find_spec("torch") is None and not os.environ.get("CI"):
    collect_ignore.append("05_real_pytorch.ipynb")
