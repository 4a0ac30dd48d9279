"""The JSON contract between :mod:`gradnb.viz` (which produces it) and the views in
:mod:`gradnb.widgets` and the browser code (which only read it).

Every view receives plain JSON-ready data of these shapes, never live tensors, so a
second backend (real PyTorch tensors) can feed the same views by producing the same
dicts. Ids are deterministic strings (``"t0"``, ``"f3"``, ``"e5"``: numbered in a stable
traversal order, never memory addresses), so the same code gives the same JSON twice.

Bump :data:`SCHEMA_VERSION` when a field changes meaning. Fields marked "(optional)"
were added compatibly: readers must not require them.
"""

from typing import List, Optional, TypedDict

SCHEMA_VERSION = 1

# Node kinds
TENSOR = "tensor"          # a tensor (leaf or intermediate that is alive / named)
FUNCTION = "function"      # a grad_fn node autograd recorded (AddBackward0, ...)
ACCUMULATE = "accumulate"  # AccumulateGrad of a leaf that requires grad
PRUNED_OP = "pruned_op"    # an op autograd did not record (known from provenance)
COLLAPSED = "collapsed"    # several nodes folded into one (large graphs)

# Gradient states of a tensor node
GRAD_NONE = "none"                # .grad is None
GRAD_FRESH = "fresh"              # set by exactly one backward pass
GRAD_ACCUMULATED = "accumulated"  # summed over several backward passes
GRAD_STALE = "stale"              # the tensor changed in place after .grad was computed

# Pruning reasons (keys of gradnb.autograd.provenance.REASONS)
REASON_CONSTANT = "constant"
REASON_NO_INPUT = "no_input_requires_grad"
REASON_NO_GRAD = "no_grad"
REASON_INFERENCE = "inference_mode"
REASON_DETACH = "detach"
REASON_NOT_DIFFERENTIABLE = "not_differentiable"
REASON_VOLATILE = "volatile"


class GradInfo(TypedDict):
    state: str                  # GRAD_* above
    text: Optional[str]         # PyTorch repr of .grad (truncated), None if no grad


class Node(TypedDict, total=False):
    id: str                     # "t0" tensors, "f0" functions, "a0" accumulate, "p0" pruned
                                # ops, "c0" collapsed
    kind: str                   # one of the node kinds above
    label: str                  # what the picture prints: "x", "AddBackward0", "add"
    name: Optional[str]         # user's variable name (tensor nodes), None if unnamed
    # tensor nodes
    shape: List[int]
    dtype: str                  # "torch.float32"
    requires_grad: bool
    is_leaf: bool
    grad_fn: Optional[str]      # "AddBackward0" or None
    value: str                  # PyTorch repr, truncated to a size limit
    grad: GradInfo
    version: int                # tensor._version
    retains_grad: bool          # (optional) non-leaf tensor with retain_grad()
    hooks: int                  # (optional) number of hooks registered on the tensor
    # function / accumulate nodes
    saved: int                  # number of saved tensors/values
    freed: bool                 # saved values already freed by a backward pass
    rules: List[str]            # readable backward formulas, from the rule table
    leaf: Optional[str]         # (optional) accumulate nodes: id of the leaf tensor node
    # pruned op nodes
    op: str                     # "add"
    would_be: Optional[str]     # grad_fn name autograd would have used
    # every node
    pruned: bool                # backward from the root will not visit it
    reason: Optional[str]       # REASON_* (pruned nodes)
    reason_text: Optional[str]  # human-readable reason
    count: int                  # collapsed nodes: how many nodes they stand for
    contents: List[list]        # (optional) collapsed nodes: [[kind label, count], ...],
                                # most frequent first ("MulBackward0", "tensor", ...)
    hover: str                  # hover text (value, grad, rules, why pruned), built once in
                                # Python: the SVG's <title> and the browser both place it
    lines: List[str]            # (optional) the text lines drawn in the node's box, first
                                # line bold; boxes are sized for them in a 12px monospace
                                # font (7.2px per character, 15px per line, padding 8/5)
    # layout (filled by gradnb.viz.layout); data flows top to bottom
    layer: int
    x: float                    # top-left corner of the node's box
    y: float
    width: float
    height: float


class Edge(TypedDict, total=False):
    id: str                     # "e0"
    source: str                 # node id, data-flow direction (input -> consumer)
    target: str
    input: int                  # which input of the target this is
    pruned: bool
    hover: str                  # "x \u2192 MulBackward0 (input 0)", ", pruned" when pruned
    points: List[List[float]]   # layout: polyline from source to target


class Summary(TypedDict):
    tensors: int
    functions: int
    pruned_nodes: int
    gradients_computed: int     # leaves/tensors that receive a gradient from the root
    gradients_skipped: int      # tensors in the picture that will not
    bytes_grad_not_allocated: int    # .grad buffers not allocated because of pruning
    bytes_saved_not_allocated: int   # saved activations autograd did not keep


class Graph(TypedDict):
    schema: int                 # SCHEMA_VERSION
    roots: List[str]            # ids of the root tensor(s)
    nodes: List[Node]
    edges: List[Edge]
    summary: Summary
    summary_text: str           # (optional) the summary as the views print it, built once
                                # in Python: counts, then what pruning saved
    title: str                  # "autograd graph of loss": the picture's <title>/aria-label
    reasons: List[str]          # why the pruned parts are pruned, a line per reason:
                                # "x, y \u2014 no input requires grad" (a few names each)
    reasons_heading: str        # the line above them
    legend: List[dict]          # [{"key": "pruned", "text": "...", "style": "dashed grey"}]
                                # keys: node kinds present, "pruned", and "reason:<code>"
                                # for each pruning reason present (text says why)
    width: float                # layout size
    height: float
    modules: Optional[dict]     # the same graph with one box per nn.Module (roots, nodes,
                                # edges, legend, width, height; a module's box has
                                # "module": True); None for small or unnamed graphs


# BackwardTrace: one entry per backward pass recorded.
# Step kinds, in the order the engine emits them:
STEP_BEGIN = "begin"            # root(s) and seed gradient
STEP_NODE = "node"              # a node starts: its incoming gradient and its rule
STEP_HOOK = "hook"              # a tensor hook ran: grad before, grad returned
STEP_EDGE = "edge"              # gradient sent along an edge (after unbroadcast)
STEP_FANOUT = "fanout"          # a gradient added into one already waiting at a node
STEP_ACCUMULATE = "accumulate"  # leaf .grad: before, incoming, after ("+=")
STEP_CAPTURE = "capture"        # autograd.grad captured a gradient
STEP_ERROR = "error"            # backward raised: PyTorch's exception type and message
STEP_END = "end"


class Step(TypedDict, total=False):
    """One step. gradnb.viz fills every key (None where it does not apply). Ids name
    nodes of the pass's graph: for edge steps ``node`` is the running node and
    ``target`` the node receiving the gradient (the edge's data-flow source); for
    accumulate steps ``node`` is the AccumulateGrad and ``target`` the leaf tensor whose
    ``.grad`` changes; for hook steps ``node`` is the tensor the hook is on; begin steps
    name the (first) root. Ids are None for objects outside the graph, and collapsed
    nodes stand for the nodes they fold."""
    index: int
    kind: str                   # STEP_* above
    node: Optional[str]         # graph node id involved
    edge: Optional[str]         # graph edge id (edge steps)
    target: Optional[str]       # receiving node id (edge/fanout/accumulate steps)
    rule: Optional[str]         # "MulBackward0: grad_self = grad * other"
    grad: Optional[str]         # PyTorch repr of the gradient involved (summarised)
    before: Optional[str]       # accumulate/fanout/hook: value before
    after: Optional[str]        # accumulate/fanout/hook: value after
    error: Optional[str]        # "RuntimeError: Trying to backward through the graph ..."
    text: str                   # one-line description for text/plain and screen readers
    short: Optional[str]        # the gradient shortened to sit on an edge ("[5.]")
    box: Optional[str]          # accumulate: the leaf box's gradient line after this step
    caption: str                # "step 3/10: ...": the SVG's caption, the player's aria text
    values: Optional[str]       # "grad: ...\nbefore: ...\nafter: ..." (those present), as
                                # the step's caption shows them
    hover: Optional[str]        # accumulate: the leaf's hover text after this step; edge:
                                # the edge's hover with the gradient it carried


class Pass(TypedDict):
    index: int
    graph: Graph                # the graph as it was just before this pass
    steps: List[Step]
    error: Optional[str]


class Trace(TypedDict):
    schema: int
    passes: List[Pass]
