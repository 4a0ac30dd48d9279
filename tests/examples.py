"""Example computations shared by the widget, magic and browser tests, as source code:
the browser tests type the same code into a notebook that the Python tests run here, so
both sides expect the same graph."""

# The article's example: z = x + y is outside autograd, total = w + z is not.
ARTICLE = """\
x = torch.ones(1)
y = torch.ones(1)
z = x + y
w = torch.ones(1, requires_grad=True)
total = w + z
"""

# h feeds two ops, so its gradients add up at a fan-out point; x * w is MulBackward0.
FAN_OUT = """\
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
h = x * w
loss = (h + h.sin()).sum()
"""


def run_example(source):
    """Run an example and return the variables it defined (``torch`` is gradnb)."""
    import gradnb
    namespace = {"torch": gradnb}
    exec(source, namespace)
    return {k: v for k, v in namespace.items() if k not in ("torch", "__builtins__")}

# issue 10's replay example: x's gradient arrives through two paths, and s * s has two
# edges between the same boxes (their labels must not overprint)
SQUARE = """\
x = torch.tensor([2.], requires_grad=True)
s = x * x + x
loss = (s * s).sum()
"""

# a small MLP as tutorial 04 builds it: matrix-valued gradients on every parameter
MLP = """\
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
inputs = torch.randn(5, 3)
targets = torch.randn(5, 2)
loss = ((net(inputs) - targets) ** 2).mean()
"""
