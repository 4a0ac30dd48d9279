"""The ops: forward functions (numpy does the arithmetic) and the one table of backward
rules they record (:mod:`gradnb.ops.rules`)."""

from .elementwise import *  # noqa: F401,F403
from .reduce import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .index import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .inplace import *  # noqa: F401,F403
from .compare import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .rules import RULES, Rule, rule_text  # noqa: F401
