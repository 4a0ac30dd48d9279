"""The random-number cases of tests/test_random.py: small programs that seed a generator,
draw with one of PyTorch's random functions (or a sequence of them) and return what they
drew, written against a ``torch`` module argument so the same case runs under gradnb and
under PyTorch (tests/record_random_goldens.py stores PyTorch's results).

Each case returns a list of ``(label, tensor)``; :func:`describe` turns that list into
JSON-ready data, exact or approximate (see :data:`CPU_DEPENDENT`), and appends the
generator states the case used.
"""

import hashlib
import math

import numpy as np

SIZES = (0, 1, 7, 15, 16, 17, 1000, 1_000_000)
SEEDS = (0, 1, 2024)
FULL_LIMIT = 20          # tensors up to this many elements are stored value by value
# labels of draws whose values PyTorch computes with log/sin/cos (libm or SIMD code that
# may differ in the last bits between CPUs): compared with a tolerance, everything else
# (raw bits, uniforms, integers, 0/1 draws) exactly
CPU_DEPENDENT = ("normal", "randn", "exponential", "kaiming_normal", "xavier_normal",
                 "trunc_normal", "lesson")


def _float(torch, name):
    return {"float32": torch.float32, "float64": torch.float64}[name]


# ---------------------------------------------------------------------------------------
# one function, one size, one dtype
# ---------------------------------------------------------------------------------------

def _draw(torch, fn, n, dt):
    """What ``fn`` draws for ``n`` elements of dtype ``dt`` (a list of (label, tensor))."""
    like = torch.zeros(n, dtype=dt)
    p = torch.linspace(0, 1, n, dtype=dt)
    probs = torch.arange(1, n + 1, dtype=dt)
    draws = {
        "rand": lambda: torch.rand(n, dtype=dt),
        "randn": lambda: torch.randn(n, dtype=dt),
        "rand_like": lambda: torch.rand_like(like),
        "randn_like": lambda: torch.randn_like(like),
        "randint": lambda: torch.randint(-3, 1000, (n,)),
        "randint_float": lambda: torch.randint(0, 10, (n,), dtype=dt),
        "randint_big": lambda: torch.randint(-2 ** 40, 2 ** 41, (n,)),
        "randint_like": lambda: torch.randint_like(like, 7),
        "randperm": lambda: torch.randperm(n),
        "normal_floats": lambda: torch.normal(2.0, 3.0, (n,), dtype=dt),
        "normal_tensor_mean": lambda: torch.normal(p, 0.5),
        "normal_tensor_std": lambda: torch.normal(1.5, p),
        "normal_tensors": lambda: torch.normal(p, p * 2),
        "bernoulli_tensor": lambda: torch.bernoulli(p),
        "bernoulli_float": lambda: torch.bernoulli(like, 0.3),
        "uniform_": lambda: torch.empty(n, dtype=dt).uniform_(-0.75, 2.5),
        "normal_": lambda: torch.empty(n, dtype=dt).normal_(0.25, 1.75),
        "random_": lambda: torch.empty(n, dtype=dt).random_(),
        "random_long": lambda: torch.empty(n, dtype=torch.int64).random_(),
        "random_int": lambda: torch.empty(n, dtype=torch.int32).random_(),
        "random_to": lambda: torch.empty(n, dtype=dt).random_(100),
        "random_from_to": lambda: torch.empty(n, dtype=torch.int64).random_(-50, 50),
        "bernoulli_": lambda: torch.empty(n, dtype=dt).bernoulli_(0.7),
        "bernoulli_p_tensor": lambda: torch.empty(n, dtype=dt).bernoulli_(p),
        "exponential_": lambda: torch.empty(n, dtype=dt).exponential_(2.5),
        "multinomial": lambda: torch.multinomial(probs, min(n, 5)),
        "multinomial_replacement": lambda: torch.multinomial(probs, 20, replacement=True),
        "uniform_t": lambda: torch.empty(3, n, dtype=dt).t().uniform_(),
        "normal_t": lambda: torch.empty(3, n, dtype=dt).t().normal_(),
    }
    return [(fn, draws[fn]())]


FUNCTIONS = ("rand", "randn", "rand_like", "randn_like", "randint", "randint_float",
             "randint_big", "randint_like", "randperm", "normal_floats", "normal_tensor_mean",
             "normal_tensor_std", "normal_tensors", "bernoulli_tensor", "bernoulli_float",
             "uniform_", "normal_", "random_", "random_long", "random_int", "random_to",
             "random_from_to", "bernoulli_", "bernoulli_p_tensor", "exponential_",
             "multinomial", "multinomial_replacement", "uniform_t", "normal_t")
# functions whose result does not depend on the float dtype (drawn once per size and seed)
DTYPE_FREE = ("randint", "randint_big", "randperm", "random_long", "random_int",
              "random_from_to")
NEEDS_ELEMENTS = ("multinomial", "multinomial_replacement")      # n = 0 is an error


def function_cases():
    """``{name: (fn, n, dtype name, seed)}`` for every function, size, dtype and seed
    (the 1e6 size with one seed, the slow pure-python randperm up to 1e6 once)."""
    cases = {}
    for fn in FUNCTIONS:
        for n in SIZES:
            if n == 0 and fn in NEEDS_ELEMENTS:
                continue
            for dt in ("float32",) if fn in DTYPE_FREE else ("float32", "float64"):
                for seed in SEEDS if n < 1_000_000 else SEEDS[:1]:
                    if n == 1_000_000 and fn.endswith("_t"):
                        continue
                    cases[f"{fn}-{dt}-{n}-seed{seed}"] = (fn, n, dt, seed)
    return cases


def run_function_case(torch, fn, n, dt, seed):
    torch.manual_seed(seed)
    return _draw(torch, fn, n, _float(torch, dt)), [torch.get_rng_state()]


# ---------------------------------------------------------------------------------------
# sequences: interleaved calls, explicit generators, saved states, nn
# ---------------------------------------------------------------------------------------

def seq_interleaved(torch):
    torch.manual_seed(3)
    out = [("randn", torch.randn(3)), ("rand", torch.rand(2)), ("randn", torch.randn(5)),
           ("randint", torch.randint(10, (4,))), ("randn", torch.randn(17)),
           ("randn", torch.randn(1, dtype=torch.float64)), ("randperm", torch.randperm(9)),
           ("randn", torch.randn(2, 2)), ("rand", torch.rand(20, dtype=torch.float64)),
           ("normal", torch.empty(5).normal_(1.0, 0.1)), ("rand", torch.rand(3))]
    return out, [torch.get_rng_state()]


def seq_generators(torch):
    torch.manual_seed(11)
    g = torch.Generator().manual_seed(5)
    h = torch.Generator()
    h.manual_seed(2 ** 40 + 3)
    out = [("randn", torch.randn(3, generator=g)), ("rand", torch.rand(3)),
           ("randn", torch.randn(3, generator=g)), ("randint", torch.randint(5, (6,),
                                                                          generator=h)),
           ("randperm", torch.randperm(8, generator=g)),
           ("rand", torch.rand(4, generator=h)), ("randn", torch.randn(20, generator=h)),
           ("uniform_", torch.empty(3).uniform_(generator=g)),
           ("normal", torch.normal(0.0, 1.0, (3,), generator=h)),
           ("bernoulli", torch.bernoulli(torch.full((6,), 0.5), generator=g)),
           ("multinomial", torch.multinomial(torch.ones(6), 3, generator=h)),
           ("seeds", torch.tensor([g.initial_seed() % 1000, h.initial_seed() % 1000]))]
    return out, [g.get_state(), h.get_state(), torch.get_rng_state()]


def seq_save_restore(torch):
    torch.manual_seed(21)
    torch.randn(3)                      # leaves a cached normal in the state
    saved = torch.get_rng_state()
    a = torch.randn(5)
    torch.rand(100)
    torch.set_rng_state(saved)
    b = torch.randn(5)
    g = torch.Generator().manual_seed(9)
    torch.rand(3, generator=g)
    gs = g.get_state()
    c = torch.rand(4, generator=g)
    g.set_state(gs)
    d = torch.rand(4, generator=g)
    g.set_state(saved)                  # the default generator's state, in another one
    e = torch.randn(5, generator=g)
    return [("randn", a), ("randn", b), ("rand", c), ("rand", d), ("randn", e)], \
        [saved, torch.get_rng_state(), g.get_state()]


def seq_nn(torch):
    nn = torch.nn
    torch.manual_seed(0)
    lin = nn.Linear(5, 3)
    lin64 = nn.Linear(4, 2, dtype=torch.float64)
    nobias = nn.Linear(7, 2, bias=False)
    w = torch.empty(6, 4)
    w2 = torch.empty(20, 30)
    out = [("linear", lin.weight.detach()), ("linear", lin.bias.detach()),
           ("linear", lin64.weight.detach()), ("linear", lin64.bias.detach()),
           ("linear", nobias.weight.detach()),
           ("kaiming_uniform", nn.init.kaiming_uniform_(w).clone()),
           ("kaiming_uniform", nn.init.kaiming_uniform_(w, a=0.2, mode="fan_out",
                                                        nonlinearity="leaky_relu").clone()),
           ("kaiming_normal", nn.init.kaiming_normal_(w2).clone()),
           ("kaiming_normal", nn.init.kaiming_normal_(w, nonlinearity="relu").clone()),
           ("xavier_uniform", nn.init.xavier_uniform_(w2, gain=2.0).clone()),
           ("xavier_normal", nn.init.xavier_normal_(w).clone()),
           ("xavier_normal", nn.init.xavier_normal_(w2).clone()),
           ("uniform", nn.init.uniform_(w, -0.1, 0.3).clone()),
           ("normal", nn.init.normal_(w, 0.5, 0.01).clone()),
           ("normal", nn.init.normal_(w2, 0.5, 0.01).clone())]
    g = torch.Generator().manual_seed(4)
    out.append(("kaiming_uniform", nn.init.kaiming_uniform_(w, generator=g).clone()))
    out += [("trunc_normal", nn.init.trunc_normal_(w2, std=0.02).clone()),
            ("trunc_normal", nn.init.trunc_normal_(w, 0.5, 2.0, -1.0, 3.0).clone()),
            ("trunc_normal", nn.init.trunc_normal_(w2, 0.0, 1.0, 2.0, 3.0).clone())]
    x = torch.ones(4, 10)
    drop = nn.Dropout(0.3)
    out += [("dropout", drop(x)), ("dropout", nn.functional.dropout(x, 0.5)),
            ("dropout", nn.functional.dropout(torch.ones(40, dtype=torch.float64), 0.2)),
            ("dropout", nn.functional.dropout(x, 0.0)),
            ("dropout", nn.functional.dropout(x, 1.0)), ("rand", torch.rand(3))]
    seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    out += [("linear", p.detach()) for p in seq.parameters()]
    # what Conv2d's reset_parameters does to a (8, 3, 3, 3) weight and its bias
    conv_w, conv_b = torch.empty(8, 3, 3, 3), torch.empty(8)
    nn.init.kaiming_uniform_(conv_w, a=math.sqrt(5))
    nn.init.uniform_(conv_b, -1 / math.sqrt(27), 1 / math.sqrt(27))
    out += [("conv_init", conv_w), ("conv_init", conv_b)]
    return out, [torch.get_rng_state()]


def seq_shuffle(torch):
    torch.manual_seed(7)
    data = torch.arange(10.0)
    out = []
    for _ in range(3):                  # an epoch loop shuffling with randperm
        out.append(("shuffle", data[torch.randperm(10)]))
    return out, [torch.get_rng_state()]


def seq_keywords(torch):
    """PyTorch's keyword spellings and the less common dtypes."""
    torch.manual_seed(0)
    out = [("uniform_", torch.empty(3).uniform_(to=2)),
           ("uniform_", torch.empty(3).uniform_(**{"from": -1, "to": 0})),
           ("normal", torch.empty(2).normal_(mean=1, std=2)),
           ("exponential", torch.empty(2).exponential_(lambd=3)),
           ("normal", torch.normal(mean=torch.zeros(2), std=1.0)),
           ("randint", torch.randint(low=2, high=5, size=(3,))),
           ("randint", torch.randint(high=5, size=(3,))),
           ("multinomial", torch.multinomial(torch.ones(3), num_samples=2, replacement=True)),
           ("bernoulli", torch.rand(2, 2).bernoulli()),
           ("multinomial", torch.ones(3).multinomial(2)),
           ("bernoulli", torch.bernoulli(torch.rand(3), 0.5)),
           ("randn", torch.randn(2, 3, requires_grad=True).detach()),
           ("rand", torch.rand_like(torch.zeros(2), dtype=torch.float64)),
           ("uniform_", torch.empty(5, dtype=torch.float16).uniform_(-2, 3)),
           ("bernoulli_", torch.empty(3, dtype=torch.bool).bernoulli_(0.5)),
           ("bernoulli_", torch.empty(3, dtype=torch.int64).bernoulli_(0.5)),
           ("randint", torch.randint(3, 10, (2, 2), dtype=torch.int32)),
           ("randperm", torch.randperm(5, dtype=torch.float32)),
           ("random_", torch.empty(4, dtype=torch.uint8).random_()),
           ("random_", torch.empty(4, dtype=torch.int16).random_(-300, 300)),
           ("random_", torch.empty(4, dtype=torch.float32).random_(7, None))]
    return out, [torch.get_rng_state()]


SEQUENCES = {"interleaved": seq_interleaved, "keywords": seq_keywords, "generators": seq_generators,
             "save_restore": seq_save_restore, "nn": seq_nn, "shuffle": seq_shuffle}


LESSON = """\
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.randn(32, 4)
y = x.sum(dim=1, keepdim=True) * 0.5 + 0.1 * torch.randn(32, 1)
for step in range(20):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    print(step, f"{loss.item():.4f}", loss)
print(model[0].bias)
"""


def run_lesson(torch):
    """The printed text of :data:`LESSON` run with ``torch``."""
    import contextlib
    import io
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(LESSON, {"torch": torch})
    return buf.getvalue()


# ---------------------------------------------------------------------------------------
# results as data
# ---------------------------------------------------------------------------------------

def describe_tensor(t):
    """JSON-ready record of a drawn tensor: dtype, shape and values (all of them when
    small; else a hash of the bytes, the first and last 8 and summary statistics)."""
    a = np.ascontiguousarray(t.detach().numpy() if hasattr(t, "detach") else t.numpy())
    rec = {"dtype": str(a.dtype), "shape": list(a.shape)}
    flat = a.reshape(-1)
    if flat.size <= FULL_LIMIT:
        rec["values"] = flat.tolist()
        return rec
    rec["sha256"] = hashlib.sha256(flat.tobytes()).hexdigest()
    rec["head"] = flat[:8].tolist()
    rec["tail"] = flat[-8:].tolist()
    f = flat.astype(np.float64)
    rec["stats"] = [float(f.sum()), float(f.mean()), float(f.std()), float(f.min()),
                    float(f.max())]
    return rec


def describe_state(state):
    """A generator state: hash of the twister's part (exact), the cached normals."""
    raw = state.numpy().tobytes()
    return {"size": len(raw), "twister_sha256": hashlib.sha256(raw[:5016]).hexdigest(),
            "normal_cache": [raw[5040] != 0, float(np.frombuffer(raw[5024:5032], "<f8")[0]),
                             raw[5052] != 0]}


def describe(result):
    draws, states = result
    return {"draws": [[label, describe_tensor(t)] for label, t in draws],
            "states": [describe_state(s) for s in states]}
