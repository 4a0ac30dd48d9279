"""The snippets of the differential tests: source code run once under PyTorch (to record
tests/goldens/ops.json) and under gradnb. Conventions (see tests/torchdiff.py): ``torch``
is the module under test, ``data(*shape, seed=, low=, high=)`` gives reproducible nested
lists, variables named ``out*`` are backpropagated with fixed weights.

``SNIPPETS`` maps a unique name to its source; names start with their family
(``op_``, ``form_``, ``promote_``, ``err_``, ``edge_``, ``graph_``, ``fresh_``,
``loss_``, ``nn_``) so ``pytest -k`` can
pick one. ``fresh_`` snippets run in a new interpreter.
"""

from torchdiff import parse_snippets

__all__ = ["SNIPPETS"]

# ---------------------------------------------------------------------------------------
# every differentiable op, float32 and float64: values, dtypes, graph names, gradients
# ---------------------------------------------------------------------------------------

# a: (2, 3), b: (3,), p: (2, 3) positive, s: 0-d, m: (3, 2), v: (3,) - all leaves
_LEAVES = """a = torch.tensor(data(2, 3), dtype=torch.{dt}, requires_grad=True)
b = torch.tensor(data(3, seed=1), dtype=torch.{dt}, requires_grad=True)
p = torch.tensor(data(2, 3, seed=2, low=0.5, high=2.0), dtype=torch.{dt}, requires_grad=True)
s = torch.tensor(1.25, dtype=torch.{dt}, requires_grad=True)
m = torch.tensor(data(3, 2, seed=3), dtype=torch.{dt}, requires_grad=True)
"""

OPS = {
    # arithmetic and broadcasting
    "add": "a + b", "add_scalar": "a + 2", "radd_scalar": "2.5 + a", "add_0d": "a + s",
    "add_alpha": "torch.add(a, b, alpha=2)", "sub": "a - b", "rsub": "1 - a",
    "sub_alpha": "a.sub(p, alpha=0.5)", "mul": "a * b", "rmul": "3 * a", "mul_0d": "s * b",
    "div": "a / p", "div_scalar": "a / 4", "rdiv": "2 / p", "div_0d": "b / s",
    "neg": "-a", "pow": "a ** 2", "pow_fraction": "p ** 0.5", "pow_negative": "p ** -2",
    "pow_zero": "a ** 0", "pow_tensor": "p ** b", "pow_0d_exponent": "p ** s",
    "rpow": "2 ** a", "square": "a.square()", "reciprocal": "p.reciprocal()",
    "maximum": "torch.maximum(a, b)", "minimum": "torch.minimum(a, b)",
    "max_binary": "torch.max(a, b)", "where": "torch.where(a > 0, a, b)",
    "where_scalar": "torch.where(a > 0, a, 0.0)", "where_method": "a.where(a < 0, p)",
    "chain": "(a * b + p.log()).tanh().sum()",
    "fanout": "a * a + a.exp() * a",
    # elementwise functions
    "exp": "a.exp()", "log": "p.log()", "sqrt": "torch.sqrt(p)", "sin": "a.sin()",
    "cos": "torch.cos(a)", "tanh": "a.tanh()", "sigmoid": "torch.sigmoid(a)",
    "relu": "a.relu()", "abs": "a.abs()", "abs_builtin": "abs(a)",
    "clamp": "a.clamp(-0.5, 0.5)", "clamp_min": "a.clamp(min=0)",
    "clamp_max": "torch.clamp(a, max=0.3)", "clip": "a.clip(-1, 1)",
    "clamp_tensor": "a.clamp(min=b)",
    # reductions
    "sum": "a.sum()", "sum_dim": "a.sum(0)", "sum_keepdim": "a.sum(1, keepdim=True)",
    "sum_dims": "a.sum((0, 1))", "sum_neg_dim": "torch.sum(a, -1)", "mean": "a.mean()",
    "mean_dim": "a.mean(1)", "mean_keepdim": "a.mean(0, keepdim=True)", "max": "a.max()",
    "min": "a.min()", "max_dim": "a.max(1)", "max_dim_keepdim": "a.max(0, keepdim=True)",
    "min_dim": "torch.min(a, 1)", "max_values": "a.max(dim=1).values",
    "amax": "a.amax(1)", "amin": "a.amin((0, 1))", "argmax": "a.argmax()",
    "argmax_dim": "a.argmax(1)", "argmin_keepdim": "a.argmin(0, keepdim=True)",
    "prod": "a.prod()", "cumsum": "a.cumsum(1)", "cumsum_0": "torch.cumsum(a, dim=0)",
    "var": "a.var()", "var_dim": "a.var(1)", "var_unbiased": "a.var(0, unbiased=False)",
    "var_correction": "a.var(1, correction=0, keepdim=True)", "std": "a.std()",
    "std_dim": "a.std(0)", "norm": "a.norm()", "norm_1": "a.norm(1)",
    "norm_inf": "a.norm(float('inf'))", "norm_dim": "a.norm(dim=1)",
    "norm_3_keepdim": "a.norm(3, dim=0, keepdim=True)", "softmax": "a.softmax(1)",
    "softmax_0": "torch.softmax(a, 0)", "log_softmax": "a.log_softmax(-1)",
    "all": "(a > 0).all()", "any_dim": "(a > 0).any(1)",
    # shapes and views
    "view": "a.view(3, 2)", "view_infer": "a.view(-1)", "reshape": "a.reshape(3, -1)",
    "reshape_noncontiguous": "a.t().reshape(6)", "flatten": "a.flatten()",
    "view_as": "b.view_as(a[0])", "transpose": "a.transpose(0, 1)", "t": "a.t()",
    "T": "a.T", "mT": "a.mT", "permute": "a.permute(1, 0)", "unsqueeze": "a.unsqueeze(1)",
    "unsqueeze_neg": "b.unsqueeze(-1)", "squeeze": "a.unsqueeze(0).squeeze()",
    "squeeze_dim": "a.unsqueeze(0).squeeze(0)", "expand": "b.expand(2, 3)",
    "expand_neg": "a[:, :1].expand(-1, 3)", "expand_as": "s.expand_as(a)",
    "repeat": "b.repeat(2, 1)", "flip": "a.flip(0)", "clone": "a.clone()",
    "contiguous": "a.t().contiguous()", "to_float64": "a.to(torch.float64)",
    "to_float32": "a.float()", "double": "a.double()", "to_copy": "a.to(a.dtype, copy=True)",
    "type_as": "a.type_as(torch.ones(1, dtype=torch.float16))", "narrow": "a.narrow(1, 0, 2)",
    "movedim": "a.movedim(0, 1)", "select": "a.select(1, -1)",
    "select_function": "torch.select(a, 0, 1)",
    # indexing
    "index_int": "a[1]", "index_neg": "a[-1, -2]", "index_slice": "a[:, 1:]",
    "index_step": "a[:, ::2]", "index_none": "a[None]", "index_ellipsis": "a[..., 0]",
    "index_all": "a[...]", "index_mask": "a[a > 0]", "index_list_repeated": "a[[1, 1, 0]]",
    "index_tensor": "a[torch.tensor([0, 0])]", "index_pairs": "a[[0, 1], [2, 2]]",
    "index_slice_list": "a[:, [2, 0, 2]]", "index_0d_tensor": "a[torch.tensor(1)]",
    "index_chain": "a[0][1:]", "index_int_list": "a[0, [2, 2, 0]]",
    "index_list_int": "a[[1, 0], 2]", "index_bool_scalar": "a[True]",
    "index_none_list": "a[None, [1, 0]]", "index_list_none": "a[[1, 1], None]",
    "index_mask_row": "a[torch.tensor([False, True])]", "index_empty_list": "a[[]]",
    "index_int_slice_list": "a.unsqueeze(0)[0, :, [2, 0]]",
    "reshape_strided_view": "a[:, :1].reshape(2)", "reshape_transposed": "a.t().reshape(3, 2)",
    # joins and splits
    "cat": "torch.cat([a, p])", "cat_dim1": "torch.cat((a, b.view(3, 1).t().expand(2, 3)), 1)",
    "cat_legacy_empty": "torch.cat([torch.tensor([]), b.float()])", "stack": "torch.stack([a, p])",
    "stack_dim": "torch.stack([b, b * 2], dim=1)", "split": "a.split(2, 1)",
    "split_sizes": "torch.split(a, [1, 2], dim=1)", "chunk": "a.chunk(2)",
    "unbind": "a.unbind(1)", "iterate": "tuple(a)",
    # matrix products
    "matmul_mm": "a @ m", "matmul_mv": "a @ b", "matmul_dot": "b @ b",
    "matmul_vm": "b @ m", "matmul_batch_mat": "torch.stack([a, p]) @ m",
    "matmul_batch_vec": "torch.stack([a, p]) @ b",
    "matmul_vec_batch": "b @ torch.stack([m, m * 2])",
    "matmul_batched": "torch.stack([a, p]) @ torch.stack([m, -m])",
    "matmul_broadcast": "torch.stack([a, p]).unsqueeze(1) @ torch.stack([m, m, m])",
    "mm": "torch.mm(a, m)", "mv": "a.mv(b)", "dot": "torch.dot(b, b)",
    "bmm": "torch.bmm(torch.stack([a, p]), torch.stack([m, m]))", "outer": "torch.outer(b, b)",
    # in place on non-leaves and on views
    "inplace_add": "a.clone().add_(b)", "inplace_mul_scalar": "a.clone().mul_(2)",
    "inplace_sub_alpha": "a.clone().sub_(p, alpha=2)", "inplace_div": "a.clone().div_(p)",
    "inplace_pow": "a.clone().pow_(2)", "inplace_exp": "a.clone().exp_()",
    "inplace_tanh": "a.clone().tanh_()", "inplace_sigmoid": "a.clone().sigmoid_()",
    "inplace_relu": "a.clone().relu_()", "inplace_neg": "a.clone().neg_()",
    "inplace_clamp": "a.clone().clamp_(-0.5, 0.5)", "inplace_zero": "a.clone().zero_()",
    "inplace_fill": "a.clone().fill_(3)", "inplace_copy": "a.clone().copy_(b)",
    "inplace_masked_fill": "a.clone().masked_fill_(a > 0, 0.5)",
    "masked_fill": "a.masked_fill(a < 0, 2.0)",
    "inplace_chain": "a.clone().mul_(b).add_(1).exp_()",
}

_STATEMENT_OPS = {
    # statements rather than expressions: 'out' is set by the code itself
    "iadd": "out = a * 1\nout += b", "imul": "out = a * 1\nout *= p",
    "isub": "out = a * 1\nout -= 2", "itruediv": "out = a * 1\nout /= p",
    "setitem_row": "out = a.clone()\nout[0] = b",
    "setitem_scalar": "out = a.clone()\nout[1, 2] = 7",
    "setitem_mask": "out = a.clone()\nout[a > 0] = 0.0",
    "setitem_column": "out = a.clone()\nout[:, 1] = s",
    "setitem_list": "out = a.clone()\nout[[0, 1], [1, 2]] = b[:2]",
    "setitem_leaf_into_const": "out = torch.zeros(2, 3, dtype=a.dtype)\nout[1] = b",
    "inplace_view_base": "out = a * 1\nrow = out[0]\nrow.mul_(b)",
    "inplace_view_result": "base = a * 1\nout = base[:, 1]\nout.exp_()",
    "inplace_view_both": "out1 = a * 1\nout2 = out1[1:, ::2]\nout2.add_(s)",
    "inplace_transposed_view": "out = a.clone()\nout.t()[0].mul_(2)",
    "setitem_view": "out = a * 1\nrow = out[1]\nrow[0] = s",
    "setitem_int_list": "out = a.clone()\nout[0, [1, 2]] = b[:2]",
    "setitem_all_rows": "out = a.clone()\nout[:] = b",
    "setitem_ellipsis_number": "out = a.clone()\nout[...] = 2.0",
    "setitem_mask_0d_tensor": "out = a.clone()\nout[a > 0] = s",
    "setitem_leading_ones": "out = a.clone()\nout[0] = b.view(1, 3)",
    "setitem_list_broadcast": "out = a.clone()\nout[[1, 0]] = b",
    "setitem_number_into_row": "out = a.clone()\nout[1] = 5",
    "inplace_view_of_view": "out = a * 1\nrow = out[0]\npart = row[1:]\npart.mul_(2)",
    "inplace_view_const_base": "out = torch.zeros(2, 3, dtype=a.dtype)\nrow = out[0]\nrow.add_(b)",
    "inplace_unsqueezed_view": "out = a * 1\nout.unsqueeze(0).mul_(s)",
    "inplace_fill_tensor": "out = a * 1\nout.fill_(s)",
    "inplace_masked_fill_tensor": "out = a * 1\nout.masked_fill_(a > 0, s)",
}


def _op_snippets():
    text = []
    for dt in ("float32", "float64"):
        leaves = _LEAVES.format(dt=dt)
        text += [f"### op_{name}_{dt}\n{leaves}out = {expr}\n" for name, expr in OPS.items()]
        text += [f"### op_{name}_{dt}\n{leaves}{code}\n"
                 for name, code in _STATEMENT_OPS.items()]
    return "".join(text)


# more argument forms of the shape, indexing and reduction ops (float32 leaves)
MORE_FORMS = """
### form_index_bool_list
x = torch.tensor(data(3, 2), requires_grad=True)
out = x[[True, False, True]]
### form_index_negative_list
x = torch.tensor(data(3, 2), requires_grad=True)
out = x[[-1, -3, -1]]
### form_index_two_masks
x = torch.tensor(data(2, 3), requires_grad=True)
out = x[torch.tensor([True, False]), torch.tensor([False, True, True])]
### form_index_list_list_2d
x = torch.tensor(data(3, 3), requires_grad=True)
out = x[[[0, 1], [2, 2]], [[1, 1], [0, 2]]]
### form_setitem_negative_list
x = torch.tensor(data(4), requires_grad=True)
out = x * 1
out[[-1, 0]] = torch.tensor([7.0, 8.0])
### form_stack_scalars
x = torch.tensor(1.5, requires_grad=True)
y = torch.tensor(-0.5, requires_grad=True)
out = torch.stack([x, y, x])
### form_cat_mixed_grad
x = torch.tensor(data(2, 2), requires_grad=True)
out = torch.cat([torch.zeros(1, 2), x, torch.ones(1, 2)], dim=-2)
### form_split_zero_size
x = torch.tensor(data(4), requires_grad=True)
out = torch.split(x, [0, 3, 1])
### form_squeeze_tuple
x = torch.tensor(data(1, 3, 1), requires_grad=True)
out = x.squeeze((0, 2))
### form_squeeze_no_effect
x = torch.tensor(data(2, 3), requires_grad=True)
out = x.squeeze(0)
### form_unsqueeze_0d
x = torch.tensor(1.5, requires_grad=True)
out = x.unsqueeze(-1)
### form_flatten_0d
x = torch.tensor(1.5, requires_grad=True)
out = x.flatten()
### form_flatten_range
x = torch.tensor(data(2, 3, 2), requires_grad=True)
out = x.flatten(1)
### form_repeat_zero
x = torch.tensor(data(2), requires_grad=True)
out = x.repeat(0, 2)
### form_expand_minus_one
x = torch.tensor(data(2, 1), requires_grad=True)
out = x.expand(-1, 3)
### form_permute_negative
x = torch.tensor(data(2, 3, 1), requires_grad=True)
out = x.permute(-1, 0, -2)
### form_movedim
x = torch.tensor(data(2, 3, 1), requires_grad=True)
out = torch.movedim(x, 2, 0)
### form_narrow_negative_start
x = torch.tensor(data(5), requires_grad=True)
out = x.narrow(0, -3, 2)
### form_to_int
x = torch.tensor([1.7, -2.2], requires_grad=True)
out1 = x.to(torch.int64)
out2 = x.long()
out3 = x.int().float()
### form_type_string
x = torch.tensor([1.5], requires_grad=True)
out1 = x.type(torch.float64)
name = x.type()
### form_tensor_of_tensor
x = torch.tensor([1.5, 2.5], requires_grad=True)
out = torch.tensor(x)
### form_where_one_arg
out = torch.where(torch.tensor([[0, 1], [2, 0]]))
### form_max_kwargs
x = torch.tensor(data(2, 3), requires_grad=True)
out = torch.max(x, dim=1, keepdim=True)
### form_min_negative_dim
x = torch.tensor(data(2, 3), requires_grad=True)
out = x.min(dim=-1)
### form_sum_list_dims
x = torch.tensor(data(2, 3, 2), requires_grad=True)
out = torch.sum(x, dim=[0, 2])
### form_norm_dims
x = torch.tensor(data(2, 3, 2), requires_grad=True)
out = x.norm(dim=(0, 2))
### form_norm_p0
x = torch.tensor([1.0, 0.0, -2.0], requires_grad=True)
out = x.norm(0)
### form_norm_negative_inf
x = torch.tensor([1.0, -0.5, -2.0], requires_grad=True)
out = x.norm(float("-inf"))
### form_softmax_dtype
x = torch.tensor(data(2, 3), requires_grad=True)
out = x.softmax(1, dtype=torch.float64)
### form_prod_dim
x = torch.tensor(data(2, 3), requires_grad=True)
out = x.prod(1)
### form_prod_dim_keepdim
x = torch.tensor([[1.0, 0.0, 2.0], [3.0, 4.0, 0.5]], requires_grad=True)
out = x.prod(0, keepdim=True)
### form_cumsum_dtype
x = torch.tensor([1, 2, 3])
out = x.cumsum(0, dtype=torch.float32)
### form_argmax_keepdim_all
x = torch.tensor(data(2, 3))
out = x.argmax(keepdim=True)
### form_var_dims_correction
x = torch.tensor(data(2, 3, 2), requires_grad=True)
out = x.var(dim=[0, 2], correction=2)
### form_std_keepdim_all
x = torch.tensor(data(2, 3), requires_grad=True)
out = x.std(dim=None, keepdim=True)
### form_mean_dims_tuple_keepdim
x = torch.tensor(data(2, 3, 2), requires_grad=True)
out = x.mean((-1, 0), keepdim=True)
### form_amax_negative_dims
x = torch.tensor(data(2, 3, 2), requires_grad=True)
out = x.amax((-1, -3))
### form_clamp_int_bounds_float_tensor
x = torch.tensor(data(2, 3), requires_grad=True)
out = x.clamp(-1, 1)
### form_chunk_uneven
x = torch.tensor(data(5), requires_grad=True)
out = x.chunk(3)
### form_transpose_same_dim
x = torch.tensor(data(2, 3), requires_grad=True)
out = x.transpose(1, 1)
### form_view_0d
x = torch.tensor(1.5, requires_grad=True)
out = x.view(())
### form_reshape_to_0d
x = torch.tensor([1.5], requires_grad=True)
out = x.reshape(())
### form_getitem_slice_negative
x = torch.tensor(data(5), requires_grad=True)
out = x[-3:-1]
### form_getitem_slice_empty
x = torch.tensor(data(5), requires_grad=True)
out = x[3:1]
### form_getitem_slice_beyond
x = torch.tensor(data(5), requires_grad=True)
out = x[2:100]
"""


# losses through torch.nn.functional (whose forwards record rules of the table)
LOSSES = """
### loss_mse
x = torch.tensor(data(2, 3), requires_grad=True)
t = torch.tensor(data(2, 3, seed=1))
out1 = F.mse_loss(x, t)
out2 = F.mse_loss(x, t, reduction="none")
out3 = F.mse_loss(x, t, reduction="sum")
### loss_mse_target_grad
x = torch.tensor(data(3), requires_grad=True)
t = torch.tensor(data(3, seed=1), requires_grad=True)
out = F.mse_loss(x, t)
### loss_l1
x = torch.tensor(data(2, 3), requires_grad=True)
out = F.l1_loss(x, torch.tensor(data(2, 3, seed=1)))
### loss_nll
x = torch.tensor(data(3, 4), requires_grad=True)
out = F.nll_loss(x.log_softmax(1), torch.tensor([3, 0, 1]))
### loss_nll_weight_ignore
x = torch.tensor(data(3, 4), requires_grad=True)
out = F.nll_loss(x, torch.tensor([3, 0, 1]), weight=torch.tensor([1.0, 2.0, 0.5, 1.5]),
                 ignore_index=0)
### loss_nll_2d
x = torch.tensor(data(2, 3, 2), requires_grad=True)
out = F.nll_loss(x, torch.tensor([[0, 2], [1, 1]]), reduction="none")
### loss_cross_entropy
x = torch.tensor(data(3, 4), requires_grad=True)
out = F.cross_entropy(x, torch.tensor([3, 0, 1]))
### loss_cross_entropy_smoothing
x = torch.tensor(data(3, 4), requires_grad=True)
out = F.cross_entropy(x, torch.tensor([3, 0, 1]), label_smoothing=0.1)
### loss_cross_entropy_probs
x = torch.tensor(data(2, 3), requires_grad=True)
p = torch.tensor([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
out = F.cross_entropy(x, p)
### loss_bce
x = torch.tensor(data(2, 3, low=0.1, high=0.9), requires_grad=True)
t = torch.tensor(data(2, 3, seed=1, low=0.0, high=1.0))
out = F.binary_cross_entropy(x, t)
### loss_bce_logits
x = torch.tensor(data(2, 3), requires_grad=True)
t = torch.tensor([[0.0, 1.0, 1.0], [1.0, 0.0, 0.5]])
out = F.binary_cross_entropy_with_logits(x, t, pos_weight=torch.tensor([1.0, 2.0, 0.5]))
### loss_linear
x = torch.tensor(data(2, 3), requires_grad=True)
w = torch.tensor(data(4, 3, seed=1), requires_grad=True)
b = torch.tensor(data(4, seed=2), requires_grad=True)
out = F.linear(x, w, b)
### loss_err_nll_target_range
out = F.nll_loss(torch.ones(2, 3), torch.tensor([0, 3]))
### loss_err_mse_shapes
out = F.mse_loss(torch.ones(2, 3), torch.ones(3, 2))
### loss_err_cross_entropy_float_target_shape
out = F.cross_entropy(torch.ones(2, 3), torch.ones(2))
"""


# ---------------------------------------------------------------------------------------
# lessons-nn: image layers (conv2d, max_pool2d, F.pad), their modules and errors, and
# small programs using the nn/optim API of PyTorch's beginner lessons (own programs;
# parameters are filled from data() so both libraries start from the same weights)
# ---------------------------------------------------------------------------------------

_IMAGE_OPS = {
    "conv2d": "F.conv2d(x, w, bias)",
    "conv2d_no_bias": "torch.conv2d(x, w, stride=2)",
    "conv2d_args": "F.conv2d(x, w[:2, :, :2], bias[:2], (2, 1), (1, 2), (1, 2))",
    "conv2d_groups": "F.conv2d(x[:, :2].repeat(1, 2, 1, 1), w[:, :1], bias, 1, 1, 1, 3)",
    "conv2d_same": "F.conv2d(x, w, bias, padding='same', dilation=2)",
    "conv2d_valid_unbatched": "F.conv2d(x[0], w, bias, padding='valid')",
    "max_pool2d": "F.max_pool2d(x, 2)",
    "max_pool2d_args": "F.max_pool2d(x, (3, 2), (2, 1), 1, (1, 2), ceil_mode=True)",
    "max_pool2d_overlap": "torch.max_pool2d(x, 3, 1)",
    "max_pool2d_indices": "F.max_pool2d(x, 2, return_indices=True)",
    "max_pool2d_unbatched": "F.max_pool2d(x[1], 2, 1, 1)",
    "pad": "F.pad(x, (1, 2, -1, 0), value=0.5)",
}

# multiples of 1/4: every product and sum of the forward is exact in float32, so the
# printed values cannot differ in a last digit with the summation order
_IMAGE_LEAVES = """x = torch.tensor(np.round(np.array(data(2, 3, 6, 5)) * 4).tolist(),
                 dtype=torch.{dt})
x = (x / 4).requires_grad_()
w = torch.tensor(np.round(np.array(data(3, 3, 3, 3, seed=1)) * 4).tolist(),
                 dtype=torch.{dt})
w = (w / 4).requires_grad_()
bias = torch.tensor(data(3, seed=2), dtype=torch.{dt}, requires_grad=True)
"""


def _image_snippets():
    return "".join(f"### nn_{name}_{dt}\n{_IMAGE_LEAVES.format(dt=dt)}out = {expr}\n"
                   for name, expr in _IMAGE_OPS.items() for dt in ("float32", "float64"))


NN_LAYERS = """
### nn_conv2d_int64
out = F.conv2d(torch.arange(16).view(1, 1, 4, 4), torch.ones(2, 1, 2, 2, dtype=torch.long))
### nn_max_pool2d_ties_nan
x = torch.tensor([[[1.0, 3.0, 3.0, float('nan'), 0.5, float('nan')]]], requires_grad=True)
out = F.max_pool2d(x, (1, 3), return_indices=True)
### nn_max_pool2d_all_minus_inf
x = torch.full((1, 2, 2), -float('inf'), requires_grad=True)
out = F.max_pool2d(x, 2, 1, 1, return_indices=True)
### nn_module_reprs
a = repr(torch.nn.Conv2d(2, 4, 3))
b = repr(torch.nn.Conv2d(2, 4, (3, 1), 2, 1, 2, 2, False, 'circular'))
c = repr(torch.nn.Conv2d(2, 4, 2, padding='same'))
d = repr(torch.nn.MaxPool2d(2))
e = repr(torch.nn.MaxPool2d((3, 2), 1, (1, 0), 2, True, True))
f = repr(torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                             torch.nn.Flatten(), torch.nn.Linear(8, 3), torch.nn.Softmax(dim=1)))
### nn_module_attributes
m = torch.nn.Conv2d(4, 6, (3, 2), stride=2, groups=2)
shapes = (m.weight.shape, m.bias.shape, m.kernel_size, m.stride, m.padding, m.dilation)
more = (m.groups, m.transposed, m.output_padding, m.padding_mode,
        m._reversed_padding_repeated_twice)
keys = list(m.state_dict())
same = torch.nn.Conv2d(1, 1, (2, 3), padding='same', dilation=(3, 1))
same = same._reversed_padding_repeated_twice
no_bias = torch.nn.Conv2d(1, 1, 1, bias=False).bias
p = torch.nn.MaxPool2d(3, padding=1)
pool = (p.kernel_size, p.stride, p.padding, p.dilation, p.return_indices, p.ceil_mode)
### nn_module_dtype_keyword
conv = torch.nn.Conv2d(2, 4, 3, dtype=torch.float64, device='cpu')
bn = torch.nn.BatchNorm1d(3, dtype=torch.float64)
dtypes = (conv.weight.dtype, conv.bias.dtype, bn.weight.dtype, bn.running_var.dtype,
          bn.num_batches_tracked.dtype)
bound = bool(conv.weight.abs().max() <= 1 / math.sqrt(2 * 3 * 3))
### nn_module_unbatched_and_indices
conv = torch.nn.Conv2d(1, 2, 3)
with torch.no_grad():
    conv.weight.copy_(torch.tensor(data(2, 1, 3, 3)))
    conv.bias.copy_(torch.tensor([0.5, -0.5]))
x = torch.tensor(data(1, 5, 5, seed=3), requires_grad=True)
out1 = conv(x)
out2, idx = torch.nn.MaxPool2d(2, return_indices=True)(out1)
### nn_pad_modes
x = torch.tensor(data(2, 3, 4), dtype=torch.float64, requires_grad=True)
out1 = F.pad(x, (2, 1), mode='reflect')
out2 = F.pad(x, (0, 3, -1, 2), mode='reflect')
out3 = F.pad(x, (1, 2, 2, 0), mode='replicate')
out4 = F.pad(x[0], (-1, 3), mode='replicate')
out5 = F.pad(x[None, None], (1, 0, 1, 1, 0, 2), mode='replicate')
### nn_pad_circular
x = torch.tensor(data(2, 3, 4), dtype=torch.float64, requires_grad=True)
out1 = F.pad(x, (1, 2), mode='circular')
out2 = F.pad(x, (4, 0, -1, 2), mode='circular')
out3 = F.pad(x[None], (1, 1, 0, 2, 1, 0), mode='circular')
### nn_err_pad_circular_wraps
out = F.pad(torch.ones(1, 3, 4), (5, 0), mode='circular')
### nn_err_pad_circular_empty
out = F.pad(torch.ones(1, 3, 4), (-5, 0), mode='circular')
### nn_conv2d_padding_modes
x = torch.tensor(data(1, 2, 4, 5), dtype=torch.float64, requires_grad=True)
outs = []
for mode in ('reflect', 'replicate', 'circular'):
    conv = torch.nn.Conv2d(2, 3, (3, 2), padding=(1, 2), padding_mode=mode).double()
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(data(3, 2, 3, 2, seed=4)))
        conv.bias.fill_(0.25)
    outs.append(conv(x))
out1, out2, out4 = outs
names = [type(o.grad_fn.next_functions[0][0]).__name__ for o in outs]
same = torch.nn.Conv2d(2, 1, 2, padding='same', padding_mode='replicate', bias=False).double()
with torch.no_grad():
    same.weight.fill_(0.3141)
out3 = same(x)
### nn_err_pad_reflect_too_big
out = F.pad(torch.ones(1, 1, 3, 4), (0, 0, 3, 0), mode='reflect')
### nn_err_pad_mode
out = F.pad(torch.ones(3, 4), (1, 1), mode='mirror')
### nn_err_pad_mode_sizes
out = F.pad(torch.ones(1, 1, 3, 4), (1, 1), mode='reflect')
### nn_err_pad_mode_value
out = F.pad(torch.ones(3, 4), (1, 1), mode='replicate', value=2)
### nn_err_pad_mode_empty
out = F.pad(torch.ones(1, 0, 2), (1, 1), mode='replicate')
### nn_batch_norm_1d
bn = torch.nn.BatchNorm1d(3)
text = repr(bn)
keys = list(bn.state_dict())
with torch.no_grad():
    bn.weight.copy_(torch.tensor([1.0, 2.0, -0.5]))
    bn.bias.copy_(torch.tensor([0.0, 0.5, -1.0]))
x = torch.tensor(data(4, 3, 2, low=5.0, high=25.0), dtype=torch.float64, requires_grad=True)
bn = bn.double()
out1 = bn(x)
stats = (bn.running_mean, bn.running_var, bn.num_batches_tracked)
bn.eval()
out2 = bn(x[:2] * 2)
### nn_batch_norm_2d_options
bn = torch.nn.BatchNorm2d(2, momentum=None, affine=False)
text = repr(bn)
x = torch.tensor(data(2, 2, 3, 3), requires_grad=True)
out1 = bn(x)
out2 = bn(x * 3)
stats = (bn.running_mean, bn.running_var, bn.num_batches_tracked)
plain = repr(torch.nn.BatchNorm1d(5, 1e-3, 0.2, track_running_stats=False, bias=False))
### nn_batch_norm_functional
x = torch.tensor(data(3, 2), requires_grad=True)
w = torch.tensor([0.5, 1.5], requires_grad=True)
out = F.batch_norm(x, torch.zeros(2), torch.ones(2), w, None, True, 0.5)
### nn_err_batch_norm_dims
out = torch.nn.BatchNorm1d(2)(torch.ones(2, 2, 2, 2))
### nn_err_batch_norm_single_value
out = torch.nn.BatchNorm1d(2)(torch.ones(1, 2))
### nn_err_batch_norm_features
out = torch.nn.BatchNorm1d(2)(torch.ones(3, 4))
### nn_err_batch_norm_eval_without_stats
out = F.batch_norm(torch.ones(3, 2), None, None)
### nn_save_load_state_dict
import io
net = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 2), torch.nn.BatchNorm2d(2), torch.nn.Flatten())
with torch.no_grad():
    for k, p in enumerate(net.parameters()):
        p.copy_(torch.tensor(data(*p.shape, seed=k)))
buffer = io.BytesIO()
torch.save(net.state_dict(), buffer)
buffer.seek(0)
copy = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 2), torch.nn.BatchNorm2d(2), torch.nn.Flatten())
keys = repr(copy.load_state_dict(torch.load(buffer, weights_only=True)))
params = list(copy.parameters())
buffer = io.BytesIO()
torch.save({'w': torch.tensor([1.5, 2.0], requires_grad=True), 'n': 3, 'l': [0.5, 'a']}, buffer)
buffer.seek(0)
loaded = torch.load(buffer)
w, n, l = loaded['w'], loaded['n'], loaded['l']
### nn_err_conv_input_dims
out = F.conv2d(torch.ones(2, 3), torch.ones(1, 1, 1, 1))
### nn_err_conv_channels
out = torch.nn.Conv2d(1, 2, 3)(torch.ones(1, 3, 5, 5))
### nn_err_conv_kernel_too_big
out = F.conv2d(torch.ones(1, 1, 2, 4), torch.ones(2, 1, 3, 3), padding=(0, 1))
### nn_err_conv_bias_shape
out = F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), torch.ones(3))
### nn_err_conv_bias_dtype
out = F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), torch.ones(2).double())
### nn_err_conv_weight_dtype
out = F.conv2d(torch.ones(1, 1, 5, 5).double(), torch.ones(2, 1, 3, 3))
### nn_err_conv_groups
out = F.conv2d(torch.ones(1, 4, 5, 5), torch.ones(3, 2, 3, 3), groups=2)
### nn_err_conv_stride
out = F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), stride=0)
### nn_err_conv_padding
out = F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), padding=-1)
### nn_err_conv_padding_string
out = F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), padding='full')
### nn_err_conv_same_strided
out = F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), padding='same', stride=2)
### nn_err_conv_param_length
out = F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), dilation=(1, 1, 1))
### nn_err_conv_argument_types
out = F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), None, 1.5)
### nn_err_conv_unknown_keyword
out = F.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 1, 1), foo=2)
### nn_err_conv_missing_weight
out = torch.conv2d(torch.ones(1, 1, 3, 3))
### nn_err_conv_too_many_arguments
out = F.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 1, 1), None, 1, 0, 1, 1, 5)
### nn_err_conv_bool
out = F.conv2d(torch.ones(1, 1, 2, 2, dtype=torch.bool), torch.ones(1, 1, 1, 1, dtype=torch.bool))
### nn_err_conv_module_groups
m = torch.nn.Conv2d(3, 6, 3, groups=2)
### nn_err_conv_module_out_groups
m = torch.nn.Conv2d(4, 6, 3, groups=4)
### nn_err_conv_module_same_strided
m = torch.nn.Conv2d(4, 6, 3, padding='same', stride=(1, 2))
### nn_err_conv_module_groups_zero
m = torch.nn.Conv2d(4, 6, 3, groups=0)
### nn_err_pool_input_dims
out = torch.nn.MaxPool2d(2)(torch.ones(4, 4))
### nn_err_pool_pad_too_big
out = F.max_pool2d(torch.ones(1, 1, 3, 3), 2, padding=2)
### nn_err_pool_output_too_small
out = F.max_pool2d(torch.ones(1, 1, 1, 1), 2)
### nn_err_pool_kernel_tuple
out = F.max_pool2d(torch.ones(1, 1, 4, 4), (2, 2, 2))
### nn_err_pool_kernel_zero
out = F.max_pool2d(torch.ones(1, 1, 4, 4), 0, stride=1)
### nn_err_pool_stride_zero
out = F.max_pool2d(torch.ones(1, 1, 4, 4), 2, stride=0)
### nn_err_pool_stride_negative
out = F.max_pool2d(torch.ones(1, 1, 4, 4), 2, stride=-1)
### nn_err_pool_dilation
out = F.max_pool2d(torch.ones(1, 1, 4, 4), 2, dilation=0)
### nn_err_pool_padding_negative
out = F.max_pool2d(torch.ones(1, 1, 4, 4), 2, padding=-1)
### nn_err_pool_empty_channels
out = F.max_pool2d(torch.ones(1, 0, 4, 4), 2)
### nn_err_pool_float_kernel
out = F.max_pool2d(torch.ones(1, 1, 4, 4), 2.0)
### nn_err_pool_bool
out = F.max_pool2d(torch.ones(1, 1, 2, 2, dtype=torch.bool), 2)
### nn_err_pad_odd_length
out = F.pad(torch.ones(2, 3), (1,))
### nn_err_pad_too_long
out = F.pad(torch.ones(2, 3), (1, 1, 1, 1, 1, 1))
### nn_lesson_convnet_step
class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Conv2d(1, 3, 5)
        self.pool = torch.nn.MaxPool2d(2, 2)
        self.more = torch.nn.Conv2d(3, 2, 3, padding=1)
        self.out = torch.nn.Linear(2 * 7 * 7, 4)

    def forward(self, x):
        x = self.pool(F.relu(self.features(x)))
        x = F.max_pool2d(F.relu(self.more(x)), (2, 2))
        return self.out(torch.flatten(x, 1))

net = Tiny().double()
with torch.no_grad():
    for k, p in enumerate(net.parameters()):
        p.copy_(torch.tensor(data(*p.shape, seed=k, low=-0.3, high=0.3)))
text = repr(net)
count = len(list(net.parameters()))
first = list(net.parameters())[0].size()
image = torch.tensor(data(1, 1, 32, 32, seed=9), dtype=torch.float64)
scores = net(image)
chain = [scores.grad_fn.name(), scores.grad_fn.next_functions[1][0].name()]
loss = torch.nn.MSELoss()(scores, torch.arange(1, 5).view(1, -1))
net.zero_grad()
before = net.features.bias.grad
loss.backward()
# + 0.0: PyTorch's mm gives -0.0 where every product is -0.0 (a dead unit times a
# negative gradient), numpy's +0.0; the printed sign is not what this snippet checks
grads = [p.grad + 0.0 for p in net.parameters()]
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
for step in range(2):
    opt.zero_grad()
    step_loss = torch.nn.CrossEntropyLoss()(net(image), torch.tensor([2]))
    step_loss.backward()
    opt.step()
params = list(net.parameters())
### nn_lesson_polynomial_sequential
xs = torch.linspace(-2, 2, 40)
ys = torch.sin(xs)
feats = xs.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
with torch.no_grad():
    model[0].weight.copy_(torch.tensor([[0.1, -0.2, 0.05]]))
    model[0].bias.fill_(0.3)
text = repr(model)
loss_fn = torch.nn.MSELoss(reduction='sum')
for step in range(3):
    loss = loss_fn(model(feats), ys)
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= 1e-3 * p.grad
opt = torch.optim.SGD(model.parameters(), lr=1e-3)
for step in range(3):
    loss = loss_fn(model(feats), ys)
    opt.zero_grad()
    loss.backward()
    opt.step()
params = list(model.parameters())
result = (model[0].bias.item(), model[0].weight[:, 2].item())
### nn_lesson_classifier
model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 5), torch.nn.ReLU(),
                            torch.nn.Linear(5, 3))
with torch.no_grad():
    for k, p in enumerate(model.parameters()):
        p.copy_(torch.tensor(data(*p.shape, seed=k + 20, low=-0.5, high=0.5)))
text = repr(model)
named = [(n, p.size()) for n, p in model.named_parameters()]
images = torch.tensor(data(4, 3, 4, seed=30, low=0.0, high=1.0))
logits = model(images)
probs = torch.nn.Softmax(dim=1)(logits)
pred = probs.argmax(1)
out = torch.nn.CrossEntropyLoss()(logits, torch.tensor([0, 2, 1, 2]))
model.train(False)
mode = (model.training, model[1].training)
with torch.no_grad():
    correct = (model(images).argmax(1) == torch.tensor([0, 2, 1, 2])).type(torch.float).sum().item()
### nn_lesson_module_momentum
class Cubic(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.tensor(0.5))
        self.b = torch.nn.Parameter(torch.tensor(-0.25))
        self.c = torch.nn.Parameter(torch.tensor(0.1))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 3

xs = torch.arange(-12, 13) / 12.0
model = Cubic()
crit = torch.nn.MSELoss(reduction='sum')
opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
for step in range(4):
    loss = crit(model(xs), torch.sin(xs))
    opt.zero_grad()
    loss.backward()
    opt.step()
params = list(model.parameters())
buffers = [opt.state[p]['momentum_buffer'] for p in model.parameters()]
"""


# ---------------------------------------------------------------------------------------
# type promotion
# ---------------------------------------------------------------------------------------

_OPERANDS = {
    "i64": "torch.tensor([1, 2, 3])", "i32": "torch.tensor([1, 2, 3], dtype=torch.int32)",
    "u8": "torch.tensor([1, 2, 3], dtype=torch.uint8)",
    "i8": "torch.tensor([-1, 2, 3], dtype=torch.int8)",
    "bool": "torch.tensor([True, False, True])",
    "f16": "torch.tensor([1.5, 2.0, 3.0], dtype=torch.float16)",
    "f32": "torch.tensor([1.5, 2.0, 3.0])",
    "f64": "torch.tensor([1.5, 2.0, 3.0], dtype=torch.float64)",
    "i64_0d": "torch.tensor(2)", "bool_0d": "torch.tensor(True)",
    "f32_0d": "torch.tensor(0.5)", "f64_0d": "torch.tensor(2.5, dtype=torch.float64)",
    "int": "2", "float": "2.5", "pybool": "True",
}
_TENSORS = [k for k, v in _OPERANDS.items() if v.startswith("torch")]
_SCALARS = ["int", "float", "pybool"]


def _promotion_snippets():
    text = []
    for op, sym in (("add", "+"), ("div", "/"), ("mul", "*")):
        for left in _TENSORS:
            rights = list(_OPERANDS) if op != "mul" else ["f32", "i64_0d", "f64_0d", "float"]
            for right in rights:
                text.append(f"### promote_{op}_{left}_{right}\n"
                            f"x = {_OPERANDS[left]}\ny = {_OPERANDS[right]}\nout = x {sym} y\n")
        for scalar in _SCALARS:
            for right in _TENSORS:
                text.append(f"### promote_{op}_{scalar}_{right}\n"
                            f"y = {_OPERANDS[right]}\nout = {_OPERANDS[scalar]} {sym} y\n")
    for left in ("i64", "f32", "f16", "bool", "u8"):
        for right in ("i64", "f64", "float", "int", "bool", "f64_0d"):
            text.append(f"### promote_iadd_{left}_{right}\nx = {_OPERANDS[left]}\n"
                        f"x += {_OPERANDS[right]}\nout = x\n")
    return "".join(text)


PROMOTION = """
### promote_sub_bool_int
out = torch.tensor([True, False]) - 1
### promote_compare_int_float
out = torch.tensor([1, 2, 3]) > 1.5
### promote_eq_tensors
out = torch.tensor([1, 2]) == torch.tensor([1.0, 2.5])
### promote_sum_int
out = torch.tensor([[1, 2], [3, 4]], dtype=torch.int32).sum()
### promote_sum_bool
out = torch.tensor([True, True, False]).sum(0)
### promote_sum_dtype
out = torch.tensor([1, 2]).sum(dtype=torch.float64)
### promote_prod_int
out = torch.tensor([2, 3], dtype=torch.uint8).prod()
### promote_cumsum_int
out = torch.tensor([1, 2, 3], dtype=torch.int8).cumsum(0)
### promote_mean_dtype
out = torch.tensor([1, 2]).mean(dtype=torch.float32)
### promote_max_int
out = torch.tensor([3, 1, 2]).max()
### promote_exp_int
out = torch.tensor([0, 1]).exp()
### promote_sqrt_bool
out = torch.tensor([True, False]).sqrt()
### promote_sigmoid_int
out = torch.tensor([0, 2]).sigmoid()
### promote_abs_int
out = torch.tensor([-3, 2]).abs()
### promote_relu_int
out = torch.tensor([-3, 2]).relu()
### promote_neg_uint8
out = -torch.tensor([1, 2], dtype=torch.uint8)
### promote_pow_int_float
out = torch.tensor([1, 2]) ** 0.5
### promote_pow_int_int
out = torch.tensor([2, 3]) ** 2
### promote_rpow_int
out = 2 ** torch.tensor([1, 2])
### promote_rpow_float_int
out = 1.5 ** torch.tensor([1, 2])
### promote_pow_tensor_int
out = torch.tensor([2.0, 3.0]) ** torch.tensor([2, 3])
### promote_clamp_int_float
out = torch.tensor([1, 5]).clamp(0.5, 2.5)
### promote_clamp_int
out = torch.tensor([1, 5]).clamp(2, 3)
### promote_where_scalars
out = torch.where(torch.tensor([True, False]), 1, 0.5)
### promote_where_int_float
out = torch.where(torch.tensor([True, False]), torch.tensor([1, 2]), torch.tensor([0.5, 1.5]))
### promote_where_float_scalar
out = torch.where(torch.tensor([True, False]), torch.tensor([1.0, 2.0]), 7)
### promote_cat_int_float
out = torch.cat([torch.tensor([1, 2]), torch.tensor([0.5])])
### promote_cat_bool_int
out = torch.cat([torch.tensor([True]), torch.tensor([2], dtype=torch.int32)])
### promote_stack_float_double
out = torch.stack([torch.tensor([1.0]), torch.tensor([2.0], dtype=torch.float64)])
### promote_maximum_int_float
out = torch.maximum(torch.tensor([1, 5]), torch.tensor([2.5, 0.5]))
### promote_floordiv
out = torch.tensor([7, -7]) // 2
### promote_floordiv_float
out = torch.tensor([7.0, -7.0]) // 2
### promote_mod
out = torch.tensor([7, -7]) % 3
### promote_div_floor_mode
out = torch.div(torch.tensor([7, -7]), 2, rounding_mode="floor")
### promote_div_trunc_mode
out = torch.div(torch.tensor([7.5, -7.5]), 2, rounding_mode="trunc")
### promote_int_tensor_float_0d_grad
x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
out = torch.tensor([1, 2]) * x
### promote_float32_times_float64_0d_grad
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
out = x * y
### promote_float32_times_float64_grad
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.tensor([3.0, 4.0], dtype=torch.float64, requires_grad=True)
out = x * y
### promote_mixed_cat_grad
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.tensor([3.0], dtype=torch.float64, requires_grad=True)
out = torch.cat([x, y])
### promote_int_scalar_wraps
x = torch.tensor([1, 5], dtype=torch.uint8)
out1 = x + (-1)
out2 = x + 300
out3 = x > -1
out4 = 2 - x
out5 = torch.tensor([1], dtype=torch.int32) + 2 ** 40
out6 = torch.tensor([100], dtype=torch.int8) * 3
### promote_numpy_scalar
out = torch.tensor([1.0, 2.0]) * np.float64(2.0)
### promote_numpy_int_scalar
out = torch.tensor([1, 2]) * np.int32(3)
### promote_default_dtype_double
torch.set_default_dtype(torch.float64)
try:
    out1 = torch.tensor([1.5])
    out2 = torch.tensor([1, 2]) * 0.5
    out3 = torch.ones(2)
    out4 = torch.arange(0.0, 1.0, 0.5)
finally:
    torch.set_default_dtype(torch.float32)
### promote_tensor_inference
out1 = torch.tensor([1, 2.5])
out2 = torch.tensor([True, 1])
out3 = torch.tensor([[1], [2]])
out4 = torch.tensor(3)
out5 = torch.tensor(np.array([1, 2], dtype=np.int16))
out6 = torch.tensor([torch.tensor(1.5), 2])
### factory_arange_float_steps
out1 = torch.arange(0, 1, 0.1)
out2 = torch.arange(1, 2.5, 0.5)
out3 = torch.arange(5, dtype=torch.float64)
out4 = torch.arange(-3, 3, 2)
out5 = torch.arange(0.0, 1.0, 0.3)
out6 = torch.arange(10, 0, -3)
### factory_linspace_logspace
out1 = torch.linspace(0, 1, 1)
out2 = torch.linspace(-1, 1, 4, dtype=torch.float64)
out3 = torch.logspace(0, 2, 3)
out4 = torch.linspace(0, 10, 5, dtype=torch.int64)
### factory_range_deprecated
out1 = torch.range(0, 1, 0.25)
out2 = torch.range(1, 4)
### factory_empty_data
out1 = torch.tensor([])
out2 = torch.tensor([[]])
out3 = torch.zeros(0, 3)
out4 = torch.ones(2, 0).sum(1)
### factory_dtype_casts
out1 = torch.tensor(3.7, dtype=torch.int64)
out2 = torch.tensor([1.5, -2.5], dtype=torch.int32)
out3 = torch.tensor([0, 2], dtype=torch.bool)
out4 = torch.tensor([True, False], dtype=torch.float32)
out5 = torch.tensor([300], dtype=torch.float16)
### factory_like
x = torch.tensor([[1, 2], [3, 4]])
out1 = torch.zeros_like(x)
out2 = torch.ones_like(x, dtype=torch.float32)
out3 = torch.full_like(x, 2.7)
out4 = torch.full_like(x.float(), 2.7)
out5 = x.new_zeros(3)
out6 = x.new_tensor([1.5])
out7 = x.new_full((2,), 5)
### factory_from_numpy
a = np.array([[1.5, 2.0]], dtype=np.float64)
out1 = torch.from_numpy(a)
out2 = torch.as_tensor(a, dtype=torch.float32)
out3 = torch.tensor(np.array([1, 2], dtype=np.uint8))
out4 = torch.tensor(np.float32(2.5))
out5 = torch.tensor([np.int64(1), np.int64(2)])
### factory_eye_full
out1 = torch.eye(3)
out2 = torch.eye(2, 4, dtype=torch.int64)
out3 = torch.full((2, 2), True)
out4 = torch.full((1,), 3, dtype=torch.float64)
### factory_requires_grad_kw
out1 = torch.zeros(2, requires_grad=True)
out2 = torch.arange(3.0, requires_grad=True)
out3 = torch.linspace(0, 1, 3, requires_grad=True)
out4 = torch.full((2,), 1.5, requires_grad=True)
### factory_legacy_constructors
out1 = torch.FloatTensor([1, 2])
out2 = torch.LongTensor([1.7, 2.2])
out3 = torch.Tensor(2, 3).shape
out4 = torch.DoubleTensor(2).dtype
out5 = torch.Tensor([[1, 2]])
### factory_err_arange_step
out = torch.arange(0, 1, 0)
### factory_err_arange_sign
out = torch.arange(0, 5, -1)
### factory_err_tensor_mixed_nesting
out = torch.tensor([1, [2, 3]])
### factory_err_tensor_float_then_list
out = torch.tensor([1.5, [2, 3]])
### factory_err_tensor_list_then_number
out = torch.tensor([[1, 2], 3])
### factory_err_tensor_deep_length
out = torch.tensor([[[1, 2]], [[1]]])
### factory_err_tensor_tuple_inside
out = torch.tensor([1, (2,)])
### factory_err_requires_grad_bool
out = torch.tensor([True], requires_grad=True)
### promote_factories
out1 = torch.arange(3)
out2 = torch.arange(0, 1, 0.25)
out3 = torch.full((2,), 7)
out4 = torch.full((2,), 1.5)
out5 = torch.full((1,), True)
out6 = torch.zeros(2, dtype=torch.int32)
out7 = torch.ones_like(torch.tensor([1, 2]))
out8 = torch.linspace(0, 1, 5)
out9 = torch.eye(2, 3)
"""

# ---------------------------------------------------------------------------------------
# bad input: exception type and message
# ---------------------------------------------------------------------------------------

ERRORS = """
### err_add_shapes
out = torch.ones(2, 3) + torch.ones(2)
### err_add_shapes_leading
out = torch.ones(4, 2, 3) + torch.ones(3, 1, 3)
### err_mul_shapes
out = torch.ones(2, 3) * torch.ones(3, 2)
### err_sub_method_shapes
out = torch.ones(3).sub(torch.ones(4))
### err_div_function_shapes
out = torch.div(torch.ones(2, 2), torch.ones(3))
### err_pow_shapes
out = torch.ones(3) ** torch.ones(2)
### err_maximum_shapes
out = torch.maximum(torch.ones(3), torch.ones(2))
### err_where_shapes
out = torch.where(torch.ones(2, 3) > 0, torch.ones(4), torch.ones(3))
### err_compare_shapes
out = torch.ones(3) < torch.ones(2)
### err_inplace_broadcast_grow
x = torch.ones(3)
x.add_(torch.ones(2, 3))
### err_inplace_shapes
x = torch.ones(3)
x.mul_(torch.ones(2))
### err_iadd_grow
x = torch.ones(1, 3)
x += torch.ones(2, 3)
### err_copy_shapes
x = torch.ones(3)
x.copy_(torch.ones(2))
### err_matmul_0d
out = torch.tensor(1.0) @ torch.ones(3)
### err_matmul_dot_sizes
out = torch.ones(3) @ torch.ones(4)
### err_matmul_mv_sizes
out = torch.ones(2, 3) @ torch.ones(4)
### err_matmul_vm_sizes
out = torch.ones(3) @ torch.ones(4, 2)
### err_matmul_mm_sizes
out = torch.ones(2, 3) @ torch.ones(2, 3)
### err_matmul_batch_mat_sizes
out = torch.ones(2, 2, 3) @ torch.ones(2, 3)
### err_matmul_batched_sizes
out = torch.ones(2, 2, 3) @ torch.ones(2, 2, 3)
### err_matmul_batch_broadcast
out = torch.ones(2, 2, 3) @ torch.ones(3, 3, 2)
### err_matmul_dtypes
out = torch.ones(2, 2) @ torch.ones(2, 2, dtype=torch.float64)
### err_matmul_int_float
out = torch.ones(2, 2) @ torch.ones(2, 2, dtype=torch.long)
### err_matmul_int
out = torch.ones(2, 2, dtype=torch.long) @ torch.ones(2, 2, dtype=torch.long)
### err_matmul_list
out = torch.ones(2, 2) @ [[1.0, 2.0], [3.0, 4.0]]
### err_mm_1d
out = torch.mm(torch.ones(3), torch.ones(3))
### err_mm_sizes
out = torch.mm(torch.ones(2, 3), torch.ones(2, 3))
### err_mm_list
out = torch.ones(2, 2).mm([[1.0, 2.0], [3.0, 4.0]])
### err_mv_1d
out = torch.mv(torch.ones(3), torch.ones(3))
### err_mv_sizes
out = torch.mv(torch.ones(2, 3), torch.ones(2))
### err_dot_2d
out = torch.dot(torch.ones(2, 2), torch.ones(2))
### err_dot_sizes
out = torch.dot(torch.ones(2), torch.ones(3))
### err_dot_dtypes
out = torch.dot(torch.ones(2), torch.ones(2, dtype=torch.float64))
### err_bmm_2d
out = torch.bmm(torch.ones(2, 3), torch.ones(3, 2))
### err_bmm_sizes
out = torch.bmm(torch.ones(2, 2, 3), torch.ones(2, 2, 3))
### err_bmm_batch
out = torch.bmm(torch.ones(2, 2, 3), torch.ones(3, 3, 2))
### err_cat_sizes
out = torch.cat([torch.ones(2, 3), torch.ones(2, 2)])
### err_cat_ndim
out = torch.cat([torch.ones(2, 3), torch.ones(3)])
### err_cat_dim_range
out = torch.cat([torch.ones(2, 3)], dim=2)
### err_cat_empty_list
out = torch.cat([])
### err_cat_tensor_arg
out = torch.cat(torch.ones(2))
### err_cat_non_tensor
out = torch.cat([torch.ones(2), 1])
### err_cat_0d
out = torch.cat([torch.tensor(1.0), torch.tensor(2.0)])
### err_stack_sizes
out = torch.stack([torch.ones(2, 3), torch.ones(3, 2)])
### err_stack_dim_range
out = torch.stack([torch.ones(2)], dim=3)
### err_stack_empty
out = torch.stack([])
### err_view_size
out = torch.ones(2, 3).view(4)
### err_view_infer_twice
out = torch.ones(2, 3).view(-1, -1)
### err_view_infer_bad
out = torch.ones(2, 3).view(-1, 4)
### err_view_noncontiguous
out = torch.ones(2, 3).t().view(6)
### err_reshape_size
out = torch.ones(2, 3).reshape(4, 2)
### err_expand_size
out = torch.ones(2, 3).expand(3, 3)
### err_expand_fewer
out = torch.ones(2, 3).expand(3)
### err_expand_new_negative
out = torch.ones(3).expand(-1, 3)
### err_repeat_fewer
out = torch.ones(2, 3).repeat(2)
### err_index_int
out = torch.ones(2, 3)[2]
### err_index_negative
out = torch.ones(2, 3)[0, -4]
### err_index_list
out = torch.ones(3)[[0, 3]]
### err_index_list_negative
out = torch.ones(3)[[0, -4]]
### err_index_too_many
out = torch.ones(3)[0, 0]
### err_index_float
out = torch.ones(3)[1.5]
### err_index_float_tensor
out = torch.ones(3)[torch.tensor([0.0])]
### err_index_string
out = torch.ones(3)["a"]
### err_index_mask_shape
out = torch.ones(2, 3)[torch.tensor([True, False, True])]
### err_index_two_ellipsis
out = torch.ones(2, 3)[..., ...]
### err_index_0d
out = torch.tensor(1.0)[0]
### err_index_negative_step
out = torch.ones(3)[::-1]
### err_setitem_shape
x = torch.ones(2, 3)
x[0] = torch.ones(2)
### err_setitem_index
x = torch.ones(2, 3)
x[5] = 1.0
### err_setitem_list_index
x = torch.ones(2, 3)
x[[0, 2]] = 1.0
### err_setitem_mask_value_shape
x = torch.ones(2, 3)
x[x > 0] = torch.ones(2)
### err_setitem_list_value_shape
x = torch.ones(2, 3)
x[[0, 1]] = torch.ones(2)
### err_setitem_value_dtype
x = torch.ones(3)
x[[0, 1]] = torch.ones(2, dtype=torch.float64)
### err_setitem_value_too_big
x = torch.ones(3)
x[0] = torch.ones(2)
### err_inplace_expanded
x = torch.ones(3).expand(2, 3)
x.add_(1)
### err_inplace_unbind_output
x = torch.ones(2, 3, requires_grad=True)
y = x * 1
rows = y.unbind()
rows[0].mul_(2)
### err_inplace_no_grad_view
x = torch.ones(2, 3, requires_grad=True)
y = x * 1
with torch.no_grad():
    row = y[0]
row.mul_(2)
### err_arg_view_element
out = torch.ones(2, 3).view(2, "a")
### err_arg_reshape_float
out = torch.ones(2, 3).reshape(2.5)
### err_arg_expand_str
out = torch.ones(2, 3).expand("a")
### err_arg_repeat_element
out = torch.ones(2, 3).repeat(2, "a")
### err_arg_permute_float
out = torch.ones(2, 3).permute(0, 1.0)
### err_arg_flip_str
out = torch.ones(2, 3).flip("a")
### err_arg_transpose_dim0
out = torch.ones(2, 3).transpose("a", 0)
### err_arg_transpose_dim1_bool
out = torch.ones(2, 3).transpose(0, True)
### err_arg_unsqueeze_float
out = torch.ones(2, 3).unsqueeze(1.0)
### err_arg_cumsum_str
out = torch.ones(2, 3).cumsum("a")
### err_arg_softmax_str
out = torch.ones(2, 3).softmax("a")
### err_arg_cat_dim_keyword
out = torch.cat([torch.ones(2)], dim="a")
### err_arg_stack_dim_keyword
out = torch.stack([torch.ones(2)], dim="a")
### err_arg_select_dim
out = torch.ones(2, 3).select("a", 0)
### err_select_index_range
out = torch.ones(2, 3).select(0, 5)
### err_select_dim_range
out = torch.ones(2, 3).select(2, 0)
### err_masked_fill_float_mask
out = torch.ones(2).masked_fill(torch.ones(2), 1.0)
### err_masked_fill_int_mask_inplace
x = torch.ones(2)
x.masked_fill_(torch.tensor([1, 0]), 1.0)
### err_fill_tensor_not_0d
x = torch.ones(3)
x.fill_(torch.ones(2))
### err_sum_dim
out = torch.ones(2, 3).sum(2)
### err_sum_dim_repeated
out = torch.ones(2, 3).sum((0, 0))
### err_sum_dim_repeated_negative
out = torch.ones(2, 3).sum((1, -1))
### err_mean_int
out = torch.tensor([1, 2]).mean()
### err_mean_dim
out = torch.ones(2, 3).mean(-3)
### err_var_int
out = torch.tensor([1, 2]).var()
### err_softmax_dim
out = torch.ones(3).softmax(1)
### err_softmax_no_dim
out = torch.ones(3).softmax()
### err_transpose_dim
out = torch.ones(2, 3).transpose(0, 2)
### err_unsqueeze_dim
out = torch.ones(2, 3).unsqueeze(3)
### err_squeeze_dim
out = torch.ones(2, 3).squeeze(2)
### err_permute_length
out = torch.ones(2, 3).permute(0)
### err_permute_duplicate
out = torch.ones(2, 3).permute(0, 0)
### err_split_sizes
out = torch.ones(5).split([2, 2])
### err_flatten_order
out = torch.ones(2, 3, 4).flatten(2, 1)
### err_t_3d
out = torch.ones(2, 3, 4).t()
### err_max_dim
out = torch.ones(3).max(1)
### err_max_empty
out = torch.ones(0).max()
### err_max_dim_empty
out = torch.ones(2, 0).max(1)
### err_argmax_dim
out = torch.ones(3).argmax(2)
### err_cumsum_dim
out = torch.ones(3).cumsum(1)
### err_narrow_range
out = torch.ones(3).narrow(0, 2, 2)
### err_item_many
out = torch.ones(3).item()
### err_bool_many
out = bool(torch.ones(3))
### err_float_many
out = float(torch.ones(3))
### err_int_float_tensor_index
out = [1, 2, 3][torch.tensor(1.0)]
### err_len_0d
out = len(torch.tensor(1.0))
### err_iter_0d
out = list(torch.tensor(1.0))
### err_requires_grad_int
out = torch.tensor([1, 2], requires_grad=True)
### err_requires_grad_int_setter
x = torch.tensor([1])
x.requires_grad = True
### err_requires_grad_int_method
x = torch.tensor([1]).requires_grad_()
### err_requires_grad_ones_int
out = torch.ones(2, dtype=torch.long, requires_grad=True)
### err_requires_grad_nonleaf_off
x = torch.ones(2, requires_grad=True)
y = x * 2
y.requires_grad = False
### err_exp_python_float
out = torch.exp(2.0)
### err_sum_list
out = torch.sum([1, 2])
### err_add_string
out = torch.ones(2) + "a"
### err_radd_string
out = "a" + torch.ones(2)
### err_mul_list
out = torch.ones(2) * [1, 2]
### err_add_none
out = torch.ones(2) + None
### err_add_method_string
out = torch.ones(2).add("a")
### err_maximum_scalar
out = torch.maximum(torch.ones(2), 1)
### err_tensor_ragged
out = torch.tensor([[1, 2], [3]])
### err_tensor_string
out = torch.tensor("a")
### err_tensor_none
out = torch.tensor(None)
### err_ones_float_size
out = torch.ones(2.5)
### err_ones_negative
out = torch.ones(-1)
### err_neg_bool
out = -torch.tensor([True])
### err_sub_bool
out = torch.tensor([True]) - torch.tensor([False])
### err_pow_int_negative
out = torch.tensor([2]) ** -1
### err_clamp_no_bounds
out = torch.ones(2).clamp()
### err_inplace_int_float
x = torch.arange(3)
x += 1.5
### err_inplace_int_div
x = torch.arange(3)
x /= 2
### err_inplace_int_exp
x = torch.arange(3)
x.exp_()
### err_inplace_bool_add
x = torch.tensor([True])
x += 1
### err_inplace_float_tensor_into_int
x = torch.arange(3)
x.mul_(torch.ones(3))
### err_inplace_leaf
x = torch.ones(2, requires_grad=True)
x.add_(1)
### err_inplace_leaf_iadd
x = torch.ones(2, requires_grad=True)
x += 1
### err_inplace_leaf_setitem
x = torch.ones(2, requires_grad=True)
x[0] = 1.0
### err_inplace_view_of_leaf
x = torch.ones(2, 3, requires_grad=True)
x[0].mul_(2)
### err_inplace_view_of_leaf_t
x = torch.ones(2, 3, requires_grad=True)
x.t().zero_()
### err_inplace_leaf_zero
x = torch.ones(2, requires_grad=True)
x.zero_()
### err_inplace_leaf_copy
x = torch.ones(2, requires_grad=True)
x.copy_(torch.zeros(2))
### err_saved_result_modified
x = torch.ones(2, requires_grad=True)
y = x.exp()
y.add_(1)
y.sum().backward()
### err_saved_input_modified
x = torch.ones(2, requires_grad=True)
a = x * 2
b = a * a
a.add_(1)
b.sum().backward()
### err_saved_leaf_modified_data_ok
x = torch.ones(2, requires_grad=True)
b = x * x
x.data.mul_(2)
b.sum().backward()
out = x.grad
### err_saved_view_modified
x = torch.ones(2, 3, requires_grad=True)
a = x * 1
b = a.sigmoid()
a[0].mul_(2)
b.sum().backward()
### err_saved_detached_modified
x = torch.ones(2, requires_grad=True)
a = x * 1
b = a.tanh()
b.detach().zero_()
b.sum().backward()
### err_backward_twice
x = torch.ones(2, requires_grad=True)
y = (x * x).sum()
y.backward()
y.backward()
### err_backward_twice_through_copy_slices
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
w = torch.tensor([5.0, 6.0], requires_grad=True)
y = x.clone()
y[0].mul_(w)
y.sum().backward()
y.sum().backward()
### graph_copy_slices_retain_graph
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
w = torch.tensor([5.0, 6.0], requires_grad=True)
y = x.clone()
y[0].mul_(w)
y.sum().backward(retain_graph=True)
y.sum().backward()
gx, gw = x.grad, w.grad
### graph_copy_slices_then_other_region
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
w = torch.tensor([5.0, 6.0], requires_grad=True)
out = x.clone()
out[0].mul_(w)
out[1].mul_(w)
### err_backward_nonscalar
x = torch.ones(2, requires_grad=True)
(x * 2).backward()
### err_backward_no_grad
torch.ones(2).sum().backward()
### err_backward_gradient_shape
x = torch.ones(2, requires_grad=True)
(x * 2).backward(torch.ones(3))
### err_grad_unused
x = torch.ones(2, requires_grad=True)
z = torch.ones(2, requires_grad=True)
torch.autograd.grad((x * 2).sum(), [x, z])
### err_grad_no_grad_input
x = torch.ones(2, requires_grad=True)
torch.autograd.grad((x * 2).sum(), [torch.ones(2)])
### err_detach_view_inplace
x = torch.ones(2, 3)
x[0].detach_()
### err_numpy_requires_grad
x = torch.ones(2, requires_grad=True)
x.numpy()
### err_retain_grad_no_grad
torch.ones(2).retain_grad()
### err_hook_no_grad
torch.ones(2).register_hook(lambda g: g)
### err_grad_assign_shape
x = torch.ones(2, requires_grad=True)
x.grad = torch.ones(3)
### err_grad_assign_type
x = torch.ones(2, requires_grad=True)
x.grad = [1.0, 2.0]
### err_no_grad_then_backward
x = torch.ones(2, requires_grad=True)
with torch.no_grad():
    y = x * 2
y.sum().backward()
### err_detached_backward
x = torch.ones(2, requires_grad=True)
(x * 2).detach().sum().backward()
"""

# ---------------------------------------------------------------------------------------
# special points: ties, kinks, zeros, infinities, NaN
# ---------------------------------------------------------------------------------------

EDGES = """
### edge_relu_at_zero
x = torch.tensor([-1.0, 0.0, 1.0], requires_grad=True)
out = x.relu()
### edge_abs_at_zero
x = torch.tensor([-1.0, 0.0, 1.0], requires_grad=True)
out = x.abs()
### edge_clamp_at_bounds
x = torch.tensor([-1.0, -0.5, 0.0, 0.5, 1.0], requires_grad=True)
out = x.clamp(-0.5, 0.5)
### edge_clamp_min_greater_than_max
x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
out = x.clamp(1.0, 0.0)
### edge_max_ties
x = torch.tensor([1.0, 3.0, 3.0, 2.0], requires_grad=True)
out = x.max()
### edge_max_dim_ties
x = torch.tensor([[3.0, 1.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True)
out = x.max(1)
### edge_min_dim_ties
x = torch.tensor([[3.0, 1.0, 1.0], [2.0, 2.0, 2.0]], requires_grad=True)
out = x.min(1, keepdim=True)
### edge_argmax_ties
out = torch.tensor([1.0, 3.0, 3.0]).argmax()
### edge_amax_ties
x = torch.tensor([[3.0, 1.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True)
out = x.amax(1)
### edge_maximum_ties
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.tensor([1.0, 0.0, 3.0], requires_grad=True)
out = torch.maximum(x, y)
### edge_minimum_ties
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.tensor([1.0, 0.0, 3.0], requires_grad=True)
out = torch.minimum(x, y)
### edge_norm_inf_ties
x = torch.tensor([2.0, -2.0, 1.0], requires_grad=True)
out = x.norm(float("inf"))
### edge_sqrt_zero
x = torch.tensor([0.0, 4.0], requires_grad=True)
out = x.sqrt()
### edge_log_zero
x = torch.tensor([0.0, 1.0, -1.0], requires_grad=True)
out = x.log()
### edge_div_by_zero
x = torch.tensor([1.0, -1.0, 0.0], requires_grad=True)
y = torch.tensor([0.0, 0.0, 0.0], requires_grad=True)
out = x / y
### edge_int_div_by_zero
out = torch.tensor([1, 0]) / 0
### edge_pow_zero_base
x = torch.tensor([0.0, 0.0, 2.0], requires_grad=True)
out = x ** 2
### edge_pow_zero_base_fraction
x = torch.tensor([0.0, 1.0], requires_grad=True)
out = x ** 0.5
### edge_pow_zero_zero
x = torch.tensor([0.0, 1.0], requires_grad=True)
out = x ** 0
### edge_pow_tensor_zero_base
x = torch.tensor([0.0, 0.0, 2.0], requires_grad=True)
e = torch.tensor([2.0, 0.0, -1.0], requires_grad=True)
out = x ** e
### edge_pow_negative_base
x = torch.tensor([-2.0, -1.0], requires_grad=True)
e = torch.tensor([2.0, 0.5], requires_grad=True)
out = x ** e
### edge_rpow_zero_base
x = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
out = 0 ** x
### edge_norm_zero
x = torch.zeros(3, requires_grad=True)
out = x.norm()
### edge_norm_dim_zero_row
x = torch.tensor([[0.0, 0.0], [3.0, 4.0]], requires_grad=True)
out = x.norm(dim=1)
### edge_prod_one_zero
x = torch.tensor([2.0, 0.0, 3.0], requires_grad=True)
out = x.prod()
### edge_prod_two_zeros
x = torch.tensor([0.0, 0.0, 3.0], requires_grad=True)
out = x.prod()
### edge_std_single
x = torch.tensor([1.5], requires_grad=True)
out = x.std()
### edge_var_single_biased
x = torch.tensor([1.5], requires_grad=True)
out = x.var(unbiased=False)
### edge_softmax_inf
x = torch.tensor([1.0, float("-inf"), 2.0], requires_grad=True)
out = x.softmax(0)
### edge_log_softmax_large
x = torch.tensor([1000.0, 0.0, -1000.0], requires_grad=True)
out = x.log_softmax(0)
### edge_exp_overflow
x = torch.tensor([1000.0, -1000.0], requires_grad=True)
out = x.exp()
### edge_sigmoid_extremes
x = torch.tensor([-1000.0, 0.0, 1000.0], requires_grad=True)
out = x.sigmoid()
### edge_tanh_extremes
x = torch.tensor([-100.0, 100.0], requires_grad=True)
out = x.tanh()
### edge_nan_propagation
x = torch.tensor([float("nan"), 1.0], requires_grad=True)
out = (x * 2).sum()
### edge_max_with_nan
x = torch.tensor([1.0, float("nan"), 3.0], requires_grad=True)
out = x.max()
### edge_maximum_with_nan
x = torch.tensor([1.0, float("nan")], requires_grad=True)
out = torch.maximum(x, torch.tensor([2.0, 0.0]))
### edge_relu_nan
x = torch.tensor([float("nan"), -1.0], requires_grad=True)
out = x.relu()
### edge_clamp_nan
x = torch.tensor([float("nan"), 2.0], requires_grad=True)
out = x.clamp(0, 1)
### edge_sum_empty
x = torch.ones(0, requires_grad=True)
out = x.sum()
### edge_mean_empty
out = torch.ones(0).mean()
### edge_empty_matmul
x = torch.ones(2, 0, requires_grad=True)
out = x @ torch.ones(0, 3)
### edge_zero_size_ops
x = torch.ones(0, 3, requires_grad=True)
out = (x * 2).sum(0)
### edge_index_empty_list
x = torch.ones(3, requires_grad=True)
out = x[[]]
### edge_index_all_false
x = torch.ones(3, requires_grad=True)
out = x[torch.tensor([False, False, False])]
### edge_large_ints
out = torch.tensor([2 ** 62]) * 2
### edge_float16_overflow
out = torch.tensor([60000.0], dtype=torch.float16) * 2
"""

# ---------------------------------------------------------------------------------------
# autograd behaviour: flags, graphs, accumulation
# ---------------------------------------------------------------------------------------

GRAPHS = """
### graph_requires_grad_propagation
x = torch.ones(2, requires_grad=True)
c = torch.ones(2)
out1 = x * c
d = c * 2
n = x.detach()
i = torch.tensor([1, 2]) * 2
b = x > 0
k = x.argmax()
### graph_no_grad
x = torch.ones(2, requires_grad=True)
with torch.no_grad():
    y = x * 2
    z = x[0]
out = x * y
### graph_set_grad_enabled
x = torch.ones(2, requires_grad=True)
with torch.set_grad_enabled(False):
    y = x * 2
with torch.enable_grad():
    out = x * 3
### graph_inference_mode
x = torch.ones(2, requires_grad=True)
with torch.inference_mode():
    y = x * 2
flag = y.is_inference()
### graph_detach_shares_storage
x = torch.tensor([1.0, 2.0], requires_grad=True)
d = x.detach()
d[0] = 5.0
out = x * 1
### graph_leaf_flags
x = torch.ones(2, requires_grad=True)
y = x * 2
z = torch.ones(2)
leafs = (x.is_leaf, y.is_leaf, z.is_leaf)
### graph_accumulate_two_backwards
x = torch.tensor([1.0, 2.0], requires_grad=True)
(x * x).sum().backward()
(x * 3).sum().backward()
g = x.grad
### graph_retain_graph
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = (x.exp() * x).sum()
y.backward(retain_graph=True)
y.backward()
g = x.grad
### graph_retain_grad
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.retain_grad()
z = (y * y).sum()
z.backward()
gy = y.grad
retains = y.retains_grad
### graph_hooks
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
h = y.register_hook(lambda g: g * 10)
x.register_hook(lambda g: g + 1)
out = y.sum()
### graph_hook_removed
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
h = y.register_hook(lambda g: g * 10)
h.remove()
out = y.sum()
### graph_autograd_grad
x = torch.tensor([1.0, 2.0], requires_grad=True)
w = torch.tensor([3.0, 4.0], requires_grad=True)
y = (x * w).sum()
gx, gw = torch.autograd.grad(y, [x, w])
no_grad_accumulated = x.grad is None
### graph_autograd_grad_allow_unused
x = torch.tensor([1.0, 2.0], requires_grad=True)
z = torch.tensor([1.0], requires_grad=True)
gx, gz = torch.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
unused = gz is None
### graph_autograd_grad_nonleaf
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
(gy,) = torch.autograd.grad((y * y).sum(), y)
### graph_backward_inputs
x = torch.tensor([1.0, 2.0], requires_grad=True)
w = torch.tensor([3.0, 4.0], requires_grad=True)
(x * w).sum().backward(inputs=[w])
gw = w.grad
gx_is_none = x.grad is None
### graph_backward_gradient
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * x
y.backward(torch.tensor([1.0, 0.5]))
g = x.grad
### graph_grad_of_shared_input
x = torch.tensor([1.0, 2.0], requires_grad=True)
out = torch.stack([x, x * 2, x[0].expand(2)])
### graph_next_functions_of_const
x = torch.tensor([1.0, 2.0], requires_grad=True)
out = x * torch.tensor([3.0, 4.0]) + torch.ones(2)
### graph_requires_grad_method
x = torch.ones(2)
y = x.requires_grad_()
same = y is x
out = x * 2
### graph_zero_grad_none
x = torch.tensor([1.0, 2.0], requires_grad=True)
(x * 2).sum().backward()
x.grad = None
(x * 3).sum().backward()
g = x.grad
### graph_grad_zero_inplace
x = torch.tensor([1.0, 2.0], requires_grad=True)
(x * 2).sum().backward()
x.grad.zero_()
(x * 3).sum().backward()
g = x.grad
### graph_version_counter
x = torch.ones(2)
v0 = x._version
x.add_(1)
x[0] = 3.0
v1 = x._version
y = x[1:]
y.mul_(2)
v2 = x._version
### graph_split_unused_outputs
x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
first, second = x.split(2)
out = first * 2
### graph_unbind_partial
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
rows = x.unbind()
out = rows[1].exp()
### graph_chained_views
x = torch.arange(6.0).requires_grad_()
out = x.view(2, 3).t()[1:].reshape(-1)
### graph_scalar_item
x = torch.tensor([1.5, 2.5], requires_grad=True)
value = x.sum().item()
items = x.tolist()
### graph_backward_roots_in_one_chain
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
z = y * 3
torch.autograd.backward([z, y], [torch.ones(2), torch.ones(2)])
g = x.grad
### graph_backward_same_root_twice
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
torch.autograd.backward([y, y], [torch.ones(2), torch.ones(2)])
g = x.grad
### graph_view_history_after_inplace
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
base = x * 1
col = base[:, 0]
row = base[0]
row.mul_(10)
out = col * 1
### graph_inplace_self_operand_mul
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 1
y.mul_(y)
out = y
### graph_inplace_self_operand_add
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 1
y.add_(y)
out = y
### graph_inplace_self_operand_div
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 1
y.div_(y)
out = y
### graph_inplace_then_saved_other
x = torch.tensor([1.0, 2.0], requires_grad=True)
w = torch.tensor([3.0, 4.0], requires_grad=True)
y = x * 1
z = y * w
y.add_(1)
out = z
### graph_inplace_twice_saved_self
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 1
y.mul_(x)
y.mul_(x)
out = y
### graph_iadd_on_view
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
out = x * 1
row = out[1]
row += x[0]
### graph_setitem_negative_step
x = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0], requires_grad=True)
out = x * 1
out[-1:0:2] = torch.tensor(0.0) if False else out[-1:]
### graph_setitem_strided
x = torch.arange(6.0).requires_grad_()
out = x * 2
out[1::2] = x[:3]
### graph_inplace_on_leaf_under_no_grad
x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.no_grad():
    x.mul_(2)
    x[0] = 5.0
out = x * x
### graph_detach_inplace
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
y.detach_()
flags = (y.requires_grad, y.is_leaf)
### graph_requires_grad_false_leaf
x = torch.tensor([1.0, 2.0], requires_grad=True)
x.requires_grad_(False)
out = x * 2
### graph_no_grad_decorator
x = torch.tensor([1.0, 2.0], requires_grad=True)
@torch.no_grad()
def double(t):
    return t * 2
y = double(x)
### graph_hook_on_leaf_changes_grad
x = torch.tensor([1.0, 2.0], requires_grad=True)
x.register_hook(lambda g: g * 0)
y = x * 3
out = y + x
### graph_hook_nonleaf_used_twice
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
y.register_hook(lambda g: g + 100)
out = y * y
### graph_retain_grad_used_twice
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x.exp()
y.retain_grad()
out = y * y + y
### graph_grad_of_view_output
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
out1 = x[0]
out2 = x.t()
out3 = x.view(4)
### graph_max_scalar_dim
x = torch.tensor(2.5, requires_grad=True)
out = x.max(0)
### graph_sum_scalar_dim
x = torch.tensor(2.5, requires_grad=True)
out1 = x.sum(0)
out2 = x.mean(-1, keepdim=True)
out3 = x.cumsum(-1)
out4 = x.softmax(0)
### graph_inference_tensor_inplace
with torch.inference_mode():
    x = torch.ones(2)
x.add_(1)
### graph_inference_tensor_in_graph
with torch.inference_mode():
    c = torch.ones(2)
w = torch.ones(2, requires_grad=True)
out = w * c
### graph_version_saved_leaf_modified
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.tensor([3.0, 4.0])
z = x * y
y.add_(1)
out = z
### graph_retain_grad_then_inplace
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 1
y.retain_grad()
y.mul_(3)
(y * y).sum().backward()
gy = y.grad
### graph_hook_then_inplace
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 1
y.register_hook(lambda g: g * 100)
y.mul_(3)
out = y * 2
### graph_retain_grad_then_inplace_on_view
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
y = x * 1
y.retain_grad()
y[0].mul_(3)
(y * y).sum().backward()
gy = y.grad
### graph_nonleaf_grad_warning
x = torch.tensor([1.5], requires_grad=True)
y = x * 2
y.sum().backward()
g = y.grad
"""


# Warnings PyTorch gives once per process (TORCH_WARN_ONCE): each snippet runs in a fresh
# interpreter (see torchdiff.run_snippet), so what came before cannot change its outcome.
FRESH = """
### fresh_T_warns_once
x = torch.ones(2, requires_grad=True)
out1 = x.T
out2 = torch.ones(2, 1, 3).T
out3 = x.T
### fresh_T_of_0d
x = torch.tensor(1.5, requires_grad=True)
out1 = x.T
out2 = x.T
out3 = torch.ones(3, 1).T
### fresh_conv2d_same_even_kernel
x = torch.tensor(data(1, 2, 4, 5), dtype=torch.float64, requires_grad=True)
w = torch.tensor(data(3, 2, 2, 3, seed=1), dtype=torch.float64, requires_grad=True)
out1 = F.conv2d(x, w, padding='same')
out2 = F.conv2d(x, w[:1], padding='same', dilation=(1, 2))
### fresh_backward_create_graph
x = torch.tensor([2.0, -1.5], requires_grad=True)
(x ** 3).sum().backward(create_graph=True)
first = x.grad.detach()
g = x.grad
x.grad = None
g.sum().backward(create_graph=True)
second = x.grad.detach()
g = g.detach()
### fresh_backward_create_graph_accumulates
x = torch.tensor([1.5, 0.5], requires_grad=True)
(x.exp()).sum().backward(create_graph=True)
(x.sin() * 2).sum().backward(create_graph=True)
g = x.grad
torch.autograd.backward([(x.sin() * x).sum()], create_graph=True)
g2 = x.grad.detach()
### fresh_retain_grad_with_create_graph
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.retain_grad()
(y.exp()).sum().backward(create_graph=True)
yg = y.grad
### fresh_float_of_requires_grad
x = torch.tensor([1.5], requires_grad=True)
a = float(x)
b = float(x * 2)
c = int(x)
"""


# ---------------------------------------------------------------------------------------
# semantics (issue 8, section 5): remainders and rounding with PyTorch's nodes, ops
# without a formula (NotImplemented), views made under no_grad, views regenerated after
# an in-place change, and saturated sigmoid/tanh gradients rounded as PyTorch rounds them
# ---------------------------------------------------------------------------------------

SEMANTICS_OPS = {
    "remainder_scalar": "a % 0.75", "remainder_neg_scalar": "a % -1.5",
    "remainder_tensor": "torch.remainder(a, p)", "remainder_method": "a.remainder(b)",
    "fmod_scalar": "torch.fmod(a, 0.75)", "fmod_tensor": "a.fmod(p)",
    "fmod_neg": "torch.fmod(a, -p)", "rremainder": "5 % p", "floordiv": "a // 2",
    "floordiv_tensor": "a // p", "rfloordiv": "3 // p",
    "floor_divide": "torch.floor_divide(a, 0.5)",
    "sign": "a.sign()", "floor": "torch.floor(a * 2)", "ceil": "a.ceil()",
    "round": "(a * 3).round()", "round_decimals": "torch.round(a, decimals=1)",
    "round_neg_decimals": "(a * 100).round(decimals=-1)",
    "round_zero_decimals": "a.round(decimals=0)", "trunc": "a.trunc()",
    "fix": "torch.fix(a * 3)", "frac": "(a * 3).frac()", "frac_0d": "s.frac()",
    "div_floor": "a.div(p, rounding_mode='floor')",
    "div_trunc_scalar": "torch.div(a, 0.3, rounding_mode='trunc')",
    "rounding_chain": "(a * 2).floor() * a + (a % 0.5) * b",
}


def _semantics_op_snippets():
    return "".join(f"### op_{name}_{dt}\n{_LEAVES.format(dt=dt)}out = {expr}\n"
                   for dt in ("float32", "float64") for name, expr in SEMANTICS_OPS.items())


# saturated sigmoid/tanh: the gradient is a difference of nearly equal numbers, so one
# unit in the last place of y (or of y*y) moves its 4th digit: the printed gradients
# (reprs compared exactly) and the scaled ones (compared with the float32 tolerance)
# show it
SEMANTICS = """
### op_saturated_tanh_printed
x = torch.tensor(data(8, seed=11, low=0.3, high=0.9), requires_grad=True)
torch.tanh(x * 10).sum().backward()
g = x.grad
### op_saturated_tanh_scaled
x = torch.tensor(data(8, seed=12, low=-3.0, high=3.0), requires_grad=True)
out = torch.tanh(x * 3) * 1e6
### op_saturated_tanh_chain
x = torch.tensor(data(2, 4, seed=13, low=-2.0, high=2.0), requires_grad=True)
y = torch.tanh(torch.tanh(x * 3) * 4)
y.backward(torch.ones(2, 4))
g = x.grad
out = y * 1e5
### op_saturated_sigmoid_printed
x = torch.tensor(data(4, 16, seed=14, low=4.0, high=12.0), requires_grad=True)
torch.sigmoid(x).sum().backward()
g = x.grad
out = torch.sigmoid(x) * 1e7
### op_saturated_sigmoid_values
x = torch.tensor([-12.2678, -6.5623, -8.7378, 5.0248, -9.6597, -9.9679, -2.6995, -9.6332,
                  0.3901, -5.0741, 6.5952], requires_grad=True)
torch.sigmoid(x).sum().backward()
g = x.grad
### op_saturated_sigmoid_chain
x = torch.tensor(data(6, seed=15, low=-3.0, high=3.0), requires_grad=True)
y = torch.sigmoid(torch.sigmoid(x * 4) * 12 - 2)
y.sum().backward()
g = x.grad
out = torch.tanh(torch.sigmoid(x * 3) * 8) * 1e6
### op_saturated_inplace
x = torch.tensor(data(6, seed=16, low=-3.0, high=3.0), requires_grad=True)
out1 = (x * 4).tanh_() * 1e6
out2 = (x * 5).sigmoid_() * 1e6
### op_saturated_mlp_layer
w = torch.tensor(data(3, 4, seed=17, low=-3.0, high=3.0), requires_grad=True)
inp = torch.tensor(data(5, 4, seed=18))
h = torch.sigmoid(inp @ w.t())
loss = torch.tanh(h * 6).sum()
loss.backward()
g = w.grad
### op_remainder_of_ints
i = torch.tensor([7, -7, 5, 0])
out = (i % 3, i // 2, i.fmod(3), i.floor(), i.round(), i.sign(), torch.floor_divide(i, -2))
### err_frac_of_ints
i = torch.tensor([7, -7])
out = i.frac()
### err_round_decimals_of_ints
i = torch.tensor([7, -7])
out = i.round(decimals=1)
### err_round_zero_decimals_of_ints
i = torch.tensor([7, -7])
out = torch.round(i, decimals=0)
### graph_floordiv_not_implemented
x = torch.tensor([1.5, -2.5], requires_grad=True)
y = x // 2
name = y.grad_fn.name()
cls = type(y.grad_fn).__name__
nxt = len(y.grad_fn.next_functions)
out = y * 2
### graph_rmod_not_implemented
x = torch.tensor([1.5, -2.5], requires_grad=True)
out = 4 % x
### graph_remainder_tensor_const
x = torch.tensor([1.5, -2.5, 3.25], requires_grad=True)
c = torch.tensor([0.75, 1.0, -2.0])
out = x % c + c % x.detach()
### graph_comparisons_have_no_grad
x = torch.tensor([1.5, -2.5], requires_grad=True)
out = x * 1
r = (x > 0, x == 1.5, x.isnan(), x.argmax(), (x > 0).all(), (x > 0).logical_not())
### graph_no_grad_view_flags
x = torch.ones(2, 3, requires_grad=True)
with torch.no_grad():
    v = x[0]
    w = x.view(6)
    t = x.t()
    y = x * 2
flags = (v.requires_grad, v.is_leaf, v.grad_fn is None, w.requires_grad, t.is_leaf,
         y.requires_grad, v._is_view())
### graph_no_grad_view_used
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
with torch.no_grad():
    w = x.view(4)
u = w * 3
nf = tuple(n is None for n, _ in u.grad_fn.next_functions)
out = x.view(4) * w + u
### graph_no_grad_view_of_view
x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
with torch.no_grad():
    w = x[1:]
out = w.view(3, 1)
nf = out.grad_fn.next_functions[0][0] is None
### graph_no_grad_view_of_nonleaf
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
with torch.no_grad():
    u = y[:2]
out = u * y[1:] + y
### edge_no_grad_view_flag_assignment
x = torch.ones(3, requires_grad=True)
with torch.no_grad():
    w = x[:2]
w.requires_grad = False
a = w.requires_grad
w.requires_grad_(False)
b = w.requires_grad
w.retain_grad()
c = w.retains_grad
### edge_no_grad_view_backward_inputs
x = torch.ones(3, requires_grad=True)
with torch.no_grad():
    w = x[:2]
(w * x[1:]).sum().backward(inputs=[w])
g = w.grad
### err_no_grad_view_backward
x = torch.ones(3, requires_grad=True)
with torch.no_grad():
    w = x[:2]
w.sum().backward()
### err_no_grad_view_itself_backward
x = torch.ones(3, requires_grad=True)
with torch.no_grad():
    w = x[0]
w.backward()
### err_no_grad_view_autograd_grad
x = torch.ones(3, requires_grad=True)
with torch.no_grad():
    w = x[:2]
g = torch.autograd.grad((w * x[1:]).sum(), [w])
### err_no_grad_view_inplace
x = torch.ones(3, requires_grad=True)
y = x * 1
with torch.no_grad():
    w = y[:2]
w.mul_(2)
### err_no_grad_view_after_base_change
x = torch.ones(3, requires_grad=True)
z = x * 1
with torch.no_grad():
    zv = z[0]
z.mul_(2)
r = repr(zv)
del zv
### err_no_grad_view_used_after_base_change
x = torch.ones(3, requires_grad=True)
z = x * 1
with torch.no_grad():
    zv = z[:2]
    z.add_(1)
out = zv * 2
### err_no_grad_view_of_leaf_inplace
x = torch.ones(2, 2, requires_grad=True)
with torch.no_grad():
    w = x.view(4)
w.mul_(2)
### graph_inference_view_flags
x = torch.ones(2, 2, requires_grad=True)
with torch.inference_mode():
    iv = x[0]
    y = x * 2
    inside = (iv.is_inference(), y.is_inference(), iv.requires_grad)
flags = (iv.is_inference(), iv.requires_grad, iv.is_leaf, iv.grad_fn is None)
out = iv * x[0]
### err_inference_view_inplace
x = torch.ones(2, 2, requires_grad=True)
with torch.inference_mode():
    iv = x[1]
iv.add_(1)
### err_inference_view_after_base_change
x = torch.ones(2, 2, requires_grad=True)
z = x * 1
with torch.inference_mode():
    zv = z[0]
z.mul_(2)
r = repr(zv)
fn = zv.grad_fn
### graph_views_regenerated_base_changed
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
b = x * 1
c = b[:, 1]
t = b.t()
b.add_(1)
b.mul_(x)
out1 = c * c
out2 = t * 3
### graph_views_regenerated_other_view_changed
x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
b = x * 1
row = b[1]
col = b[:, 2]
flat = b.view(6)
row.mul_(x[0])
out = col * 2 + flat[:2].sum()
### graph_views_regenerated_const_base
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
k = torch.zeros(2, 2)
kv = k[0]
k.add_(x)
out = kv * 5
### graph_views_regenerated_no_grad_change
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
b = x * 1
c = b[0]
with torch.no_grad():
    b.mul_(2)
out = c * 3
### graph_views_regenerated_setitem
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
b = x * 1
first = b[0]
second = b[1]
b[1, 0] = x[0, 1] * 10
out = first * 2 + second
### graph_views_regenerated_twice
x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
b = x * 1
head = b[:2]
tail = b[2:]
head.mul_(3)
tail.add_(head)
out = (head * b[1:3]).sum() + tail.sum()
"""


# ---------------------------------------------------------------------------------------
# issue 12 (branch rng): seeded random tensors print PyTorch's numbers
# ---------------------------------------------------------------------------------------

RANDOM = """
### random_seeded_prints
torch.manual_seed(0)
a = torch.randn(3)
b = torch.rand(2, 3)
c = torch.randint(0, 10, (6,))
d = torch.randperm(7)
e = torch.randn(4, 5, dtype=torch.float64)
### random_linear_init
torch.manual_seed(0)
lin = torch.nn.Linear(3, 2)
w = lin.weight
bias = lin.bias
### random_dropout_mask
torch.manual_seed(1)
x = torch.ones(3, 4, requires_grad=True)
out = torch.nn.functional.dropout(x, 0.5)
### random_normal_overloads
torch.manual_seed(2)
a = torch.normal(torch.zeros(3), torch.ones(3))
b = torch.normal(1.0, torch.ones(2))
c = torch.normal(torch.arange(3.0), 0.5)
d = torch.normal(0.0, 2.0, (2, 2))
### random_inplace_fills
torch.manual_seed(3)
a = torch.empty(5).uniform_(-1, 1)
b = torch.empty(5).normal_(2.0, 0.5)
c = torch.empty(5, dtype=torch.int64).random_(0, 100)
d = torch.empty(5).bernoulli_(0.3)
e = torch.empty(5).exponential_()
f = torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 5, replacement=True)
### random_generator_state
g = torch.Generator().manual_seed(5)
state = g.get_state()
a = torch.randn(20, generator=g)
g.set_state(state)
b = torch.randn(20, generator=g)
"""


# ---------------------------------------------------------------------------------------
# higher-order gradients (create_graph=True) and torch.autograd.functional
# (first gradients whose double-backward graph PyTorch builds from other nodes than
# gradnb's are detached: their values are compared, their graphs are gradnb's own)
# ---------------------------------------------------------------------------------------

HIGHER = """
### higher_pow_chain
x = torch.tensor([2.0, -1.5, 0.5], requires_grad=True)
y = x ** 4
g1, = torch.autograd.grad(y.sum(), x, create_graph=True)
g2, = torch.autograd.grad(g1.sum(), x, create_graph=True)
g3, = torch.autograd.grad(g2.sum(), x)
g1, g2 = g1.detach(), g2.detach()
### higher_backward_graph_needs_no_retain
x = torch.tensor([0.5, 1.0], requires_grad=True)
y = (x.exp() * x).sum()
g, = torch.autograd.grad(y, x, create_graph=True)
again, = torch.autograd.grad(y, x)
h, = torch.autograd.grad(g.sum(), x)
### higher_grad_outputs_requiring_grad
x = torch.tensor([0.5, 1.0, -2.0], requires_grad=True)
v = torch.tensor([1.0, -1.0, 2.0], requires_grad=True)
g, = torch.autograd.grad(x.tanh(), x, v, create_graph=True)
gv = torch.autograd.grad(g.sum(), (x, v))
g = g.detach()
### higher_linear_gradient_has_no_graph
x = torch.tensor([1.0, 2.0], requires_grad=True)
g, = torch.autograd.grad((x * 3).sum(), x, create_graph=True)
req = g.requires_grad
### higher_second_derivatives_of_ops
x = torch.tensor(data(2, 3, seed=7), dtype=torch.float64, requires_grad=True)
w = torch.tensor(data(3, 2, seed=8), dtype=torch.float64, requires_grad=True)
t = torch.tensor([2, 0])
fns = {
    "exp": lambda a: a.exp(), "tanh": torch.tanh, "sigmoid": torch.sigmoid,
    "sin": torch.sin, "cos": torch.cos, "log": lambda a: (a * a + 1).log(),
    "sqrt": lambda a: (a * a + 1).sqrt(), "div": lambda a: 1 / (a * a + 1),
    "softmax": lambda a: a.softmax(1) * torch.arange(3.0).double(),
    "log_softmax": lambda a: a.log_softmax(1) * torch.tensor([1.0, -2.0, 0.5]).double(),
    "norm": lambda a: a.norm(), "var": lambda a: a.var(1), "std": lambda a: a.std(),
    "prod": lambda a: a.prod(1), "mm": lambda a: (a @ w).tanh(),
    "mean": lambda a: a.mean(0) ** 3, "amax": lambda a: a.amax(1) ** 2,
    "index": lambda a: a[[0, 0, 1]] ** 3, "select": lambda a: a[1] ** 3,
    "slice": lambda a: a[:, 1:] ** 3, "cat": lambda a: torch.cat([a, a * a]) ** 2,
    "cross_entropy": lambda a: F.cross_entropy(a * a, t),
    "mse": lambda a: F.mse_loss(a, torch.zeros(2, 3).double()) * a.sum(),
    "bce_logits": lambda a: F.binary_cross_entropy_with_logits(
        a, torch.full((2, 3), 0.75).double()),
}
hessians = []
for name, fn in fns.items():
    g, = torch.autograd.grad(fn(x).sum(), x, create_graph=True)
    hessians.append(torch.autograd.grad((g * g * g).sum(), x)[0])
g = g.detach()
### higher_graph_of_gradient
x = torch.tensor([0.5, -1.0], requires_grad=True)
g, = torch.autograd.grad((x.exp() * 2).sum(), x, create_graph=True)
h, = torch.autograd.grad((x.sin()).sum(), x, create_graph=True)
### higher_mlp_hessian
x = torch.tensor(data(4, 3, seed=11), dtype=torch.float64)
y = torch.tensor(data(4, 1, seed=12), dtype=torch.float64)
def loss(w1, b1, w2):
    h = torch.tanh(x @ w1 + b1)
    return ((h @ w2 - y) ** 2).mean()
w1 = torch.tensor(data(3, 2, seed=13), dtype=torch.float64)
b1 = torch.tensor(data(2, seed=14), dtype=torch.float64)
w2 = torch.tensor(data(2, 1, seed=15), dtype=torch.float64)
H = torch.autograd.functional.hessian(loss, (w1, b1, w2))
h00, h01, h02 = H[0]
h10, h11, h12 = H[1]
h20, h21, h22 = H[2]
def flat_loss(p):
    return loss(p[:6].view(3, 2), p[6:8], p[8:].view(2, 1))
Hflat = torch.autograd.functional.hessian(flat_loss, torch.cat([w1.reshape(-1), b1,
                                                                 w2.reshape(-1)]))
### err_higher_inplace_after_create_graph
x = torch.tensor([0.5, 1.0], requires_grad=True)
y = x * 1
g, = torch.autograd.grad((y * y * y).sum(), y, create_graph=True)
y.mul_(2)
h = torch.autograd.grad(g.sum(), x)
### higher_gradient_penalty_and_maml
torch.manual_seed(0)
lin1, lin2 = torch.nn.Linear(3, 4), torch.nn.Linear(4, 1)
with torch.no_grad():
    for k, p in enumerate(list(lin1.parameters()) + list(lin2.parameters())):
        p.copy_(torch.tensor(data(*p.shape, seed=20 + k)))
model = torch.nn.Sequential(lin1, torch.nn.Tanh(), lin2)
x = torch.tensor(data(5, 3, seed=30), requires_grad=True)
d = model(x)
g, = torch.autograd.grad(d, x, grad_outputs=torch.ones_like(d), create_graph=True,
                         retain_graph=True, only_inputs=True)
gp = ((g.norm(2, dim=1) - 1) ** 2).mean()
gp.backward()
penalty_grads = [p.grad.clone() for p in model.parameters()]
model.zero_grad()
xs, ys = torch.tensor(data(6, 3, seed=31)), torch.tensor(data(6, 1, seed=32))
params = list(model.parameters())
grads = torch.autograd.grad(F.mse_loss(model(xs), ys), params, create_graph=True)
fast = [p - 0.1 * g for p, g in zip(params, grads)]
meta = F.mse_loss(F.linear(torch.tanh(F.linear(xs, fast[0], fast[1])), fast[2], fast[3]), ys)
meta.backward()
meta_grads = [p.grad for p in params]
del g, grads, fast, d, params
### higher_grads_batched
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.tensor([1.0], requires_grad=True)
y = x ** 2
rows = torch.autograd.grad(y, x, torch.eye(3), is_grads_batched=True, retain_graph=True)
unused = torch.autograd.grad(y, (x, w), torch.eye(3), is_grads_batched=True,
                             allow_unused=True, retain_graph=True)
zeros = torch.autograd.grad(y, (x, w), torch.eye(3), is_grads_batched=True,
                            materialize_grads=True, retain_graph=True)
two = torch.autograd.grad((y, x * 3), x, (torch.eye(3), torch.ones(3, 3)),
                          is_grads_batched=True, retain_graph=True)
graph, = torch.autograd.grad(y, x, torch.eye(3), is_grads_batched=True, create_graph=True)
second = torch.autograd.grad(graph.sum(), x)
graph = graph.detach()
### err_higher_grads_batched_frees_graph
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x.exp()
rows = torch.autograd.grad(y, x, torch.eye(3), is_grads_batched=True)
again = torch.autograd.grad(y, x, torch.eye(3), is_grads_batched=True)
### higher_functional_single
x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
v = torch.tensor([1.0, 0.5, -2.0], dtype=torch.float64)
def f(a):
    return (a.unsqueeze(1) * a).sin()
def s(a):
    return (a ** 3).prod() + a.exp().sum()
jac = torch.autograd.functional.jacobian(f, x)
hess = torch.autograd.functional.hessian(s, x)
vjp = torch.autograd.functional.vjp(f, x, torch.ones(3, 3, dtype=torch.float64))
jvp = torch.autograd.functional.jvp(f, x, v)
hvp = torch.autograd.functional.hvp(s, x, v)
vhp = torch.autograd.functional.vhp(s, x, v)
### higher_functional_tuples
x = torch.tensor([0.5, -1.0], dtype=torch.float64)
y = torch.tensor([[1.5, 0.25, -0.5]], dtype=torch.float64)
def f(a, b):
    return (a.unsqueeze(1) * b).tanh(), (a * a).sum() * b
def s(a, b):
    return (a.unsqueeze(1) * b).sin().sum() + (a ** 3).sum()
va = torch.tensor([1.0, -1.0], dtype=torch.float64)
vb = torch.tensor([[0.5, 2.0, 1.0]], dtype=torch.float64)
jac = torch.autograd.functional.jacobian(f, (x, y))
j00, j01 = jac[0]
j10, j11 = jac[1]
jac_one_out = torch.autograd.functional.jacobian(lambda a, b: (a.unsqueeze(1) * b).sum(0), (x, y))
jac_one_in = torch.autograd.functional.jacobian(lambda a: (a.exp(), a.sum()), x)
hess = torch.autograd.functional.hessian(s, (x, y))
h00, h01 = hess[0]
h10, h11 = hess[1]
out, vjp = torch.autograd.functional.vjp(f, (x, y), (torch.ones(2, 3, dtype=torch.float64),
                                                     torch.ones(1, 3, dtype=torch.float64)))
out2, jvp = torch.autograd.functional.jvp(f, (x, y), (va, vb))
out3, hvp = torch.autograd.functional.hvp(s, (x, y), (va, vb))
out4, vhp = torch.autograd.functional.vhp(s, (x, y), (va, vb))
### higher_functional_defaults_and_zeros
x = torch.tensor(0.5, dtype=torch.float64)
z = torch.tensor([1.0, 2.0], dtype=torch.float64)
def g(a):
    return a.exp() * a
vjp_none = torch.autograd.functional.vjp(g, x)
jvp_none = torch.autograd.functional.jvp(g, x)
hvp_none = torch.autograd.functional.hvp(g, x)
vhp_none = torch.autograd.functional.vhp(g, x)
const_vjp = torch.autograd.functional.vjp(lambda a: torch.ones(2), z, torch.ones(2))
const_jac = torch.autograd.functional.jacobian(lambda a: torch.ones(2), z)
lin_hess = torch.autograd.functional.hessian(lambda a: a.sum(), z)
lin_hvp = torch.autograd.functional.hvp(lambda a: a.sum(), z, torch.ones(2, dtype=torch.float64))
unused = torch.autograd.functional.jacobian(lambda a, b: a * 2, (z, z.clone()))
### higher_functional_create_graph
x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
v = torch.tensor([1.0, -1.0], dtype=torch.float64)
jac = torch.autograd.functional.jacobian(lambda a: a ** 2, x, create_graph=True)
jac_plain = torch.autograd.functional.jacobian(lambda a: a ** 2, x)
vjp = torch.autograd.functional.vjp(lambda a: a ** 2, x, v, create_graph=True)
jvp = torch.autograd.functional.jvp(lambda a: a ** 3, x, v, create_graph=True)
hvp = torch.autograd.functional.hvp(lambda a: (a ** 3).sum(), x, v, create_graph=True)
hess = torch.autograd.functional.hessian(lambda a: (a ** 3).sum(), x, create_graph=True)
out1 = hvp[1].sum() + hess.sum()
hvp = (hvp[0], hvp[1].detach())
jvp = (jvp[0], jvp[1].detach())
vjp = (vjp[0], vjp[1].detach())
"""

_FUNCTIONAL_MISUSE = {
    "vjp_list_input": "F_.vjp(lambda a: a * 2, [x], torch.ones(2))",
    "vjp_int_in_tuple": "F_.vjp(lambda a: a * 2, (x, 3), torch.ones(2))",
    "vjp_v_none": "F_.vjp(lambda a: a * 2, x)",
    "vjp_v_length": "F_.vjp(lambda a: a * 2, x, (torch.ones(2), torch.ones(2)))",
    "vjp_v_length_tuple": "F_.vjp(lambda a: (a * 2,), x, (torch.ones(2), torch.ones(2)))",
    "vjp_v_shape": "F_.vjp(lambda a: a * 2, x, torch.ones(3))",
    "vjp_v_shape_tuple": "F_.vjp(lambda a: (a * 2, a), x, (torch.ones(2), torch.ones(3)))",
    "vjp_v_list": "F_.vjp(lambda a: a * 2, x, [1.0, 2.0])",
    "vjp_returns_float": "F_.vjp(lambda a: 3.0, x, torch.ones(2))",
    "vjp_returns_list": "F_.vjp(lambda a: [a], x, torch.ones(2))",
    "vjp_strict_constant": "F_.vjp(lambda a: torch.ones(2), x, torch.ones(2), strict=True)",
    "vjp_strict_unused": "F_.vjp(lambda a, b: a * 2, (x, x.clone()), torch.ones(2), "
                         "strict=True)",
    "vjp_strict_detached": "F_.vjp(lambda a: a.detach() * 2, x, torch.ones(2), strict=True)",
    "jvp_v_none": "F_.jvp(lambda a: a * 2, x)",
    "jvp_v_shape": "F_.jvp(lambda a: a * 2, x, torch.ones(3))",
    "jvp_strict_unused": "F_.jvp(lambda a, b: a * 2, (x, x.clone()), (torch.ones(2), "
                         "torch.ones(2)), strict=True)",
    "jacobian_strict_unused": "F_.jacobian(lambda a, b: a * 2, (x, x.clone()), strict=True)",
    "jacobian_strict_constant": "F_.jacobian(lambda a: torch.ones(2), x, strict=True)",
    "jacobian_strategy": "F_.jacobian(lambda a: a * 2, x, strategy='foo')",
    "jacobian_forward_not_vectorized": "F_.jacobian(lambda a: a * 2, x, "
                                       "strategy='forward-mode')",
    "jacobian_forward_strict": "F_.jacobian(lambda a: a * 2, x, strategy='forward-mode', "
                               "strict=True)",
    "jacobian_forward_create_graph": "F_.jacobian(lambda a: a * 2, x, "
                                     "strategy='forward-mode', create_graph=True)",
    "jacobian_strict_vectorize": "F_.jacobian(lambda a: a * 2, x, strict=True, vectorize=True)",
    "hessian_tuple_output": "F_.hessian(lambda a: (a.sum(), a.sum()), x)",
    "hessian_not_scalar": "F_.hessian(lambda a: a * 2, x)",
    "hessian_strict_linear": "F_.hessian(lambda a: a.sum(), x, strict=True)",
    "hessian_strategy": "F_.hessian(lambda a: a.sum(), x, outer_jacobian_strategy='x')",
    "vhp_not_scalar": "F_.vhp(lambda a: a * 2, x, torch.ones(2))",
    "vhp_tuple_output": "F_.vhp(lambda a: (a.sum(),), x, torch.ones(2))",
    "vhp_v_none": "F_.vhp(lambda a: (a ** 3).sum(), x)",
    "hvp_v_none": "F_.hvp(lambda a: (a ** 3).sum(), x)",
    "hvp_not_scalar": "F_.hvp(lambda a: a * 2, x, torch.ones(2))",
    "hvp_strict_linear": "F_.hvp(lambda a: a.sum(), x, torch.ones(2), strict=True)",
    "vhp_strict_constant": "F_.vhp(lambda a: torch.ones(()), x, torch.ones(2), strict=True)",
    "hvp_returns_float": "F_.hvp(lambda a: 3.0, x, torch.ones(2))",
    "vhp_strict_create_graph": "F_.vhp(lambda a: (a ** 2).sum() + a.detach().sum(), x, "
                               "torch.ones(2, dtype=torch.float64), create_graph=True, "
                               "strict=True)[1].detach()",
}
HIGHER += "".join(f"### err_functional_{name}\nF_ = torch.autograd.functional\n"
                  f"x = torch.tensor([1.0, 2.0], dtype=torch.float64)\nresult = {call}\n"
                  for name, call in _FUNCTIONAL_MISUSE.items())

# ---------------------------------------------------------------------------------------
# lessons-api: the tensor API the standard lessons call (trigonometry, in-place forms,
# out=, size=, comparisons, devices, accelerator, profiler, statistics, linear algebra)
# ---------------------------------------------------------------------------------------

# differentiable ops on the _LEAVES (u: values in (-1, 1), for asin/acos/atanh)
_LESSON_LEAVES = "u = torch.tensor(data(2, 3, seed=4, low=-0.9, high=0.9), dtype=torch.{dt}, " \
    "requires_grad=True)\n"
LESSON_OPS = {
    "tan": "torch.tan(u)", "asin": "torch.asin(u)", "acos": "u.acos()", "atan": "a.atan()",
    "sinh": "torch.sinh(a)", "cosh": "a.cosh()", "asinh": "torch.asinh(a)",
    "acosh": "torch.acosh(p + 1)", "atanh": "u.atanh()", "atan2": "torch.atan2(a, b)",
    "arcsin": "torch.arcsin(u)", "arccos": "u.arccos()", "arctan": "torch.arctan(a)",
    "arcsinh": "a.arcsinh()", "arccosh": "torch.arccosh(p + 1)", "arctanh": "torch.arctanh(u)",
    "arctan2": "a.arctan2(p)",
    "inplace_sin": "torch.sin_(a.clone())", "inplace_cos": "a.clone().cos_()",
    "inplace_log": "p.clone().log_()", "inplace_sqrt": "torch.sqrt_(p * 1)",
    "inplace_abs": "a.clone().abs_()", "inplace_reciprocal": "p.clone().reciprocal_()",
    "inplace_square": "torch.square_(a.clone())", "inplace_tan": "u.clone().tan_()",
    "inplace_asin": "u.clone().asin_()", "inplace_acos": "torch.acos_(u.clone())",
    "inplace_atan": "a.clone().atan_()", "inplace_sinh": "a.clone().sinh_()",
    "inplace_cosh": "torch.cosh_(a.clone())", "inplace_asinh": "a.clone().arcsinh_()",
    "inplace_acosh": "(p + 1).acosh_()", "inplace_atanh": "torch.arctanh_(u.clone())",
    "inplace_atan2": "a.clone().atan2_(b)",
    "unsqueeze_": "(a * 1).unsqueeze_(1)", "squeeze_": "(a[:1] * 1).squeeze_()",
    "squeeze_dim_": "(a[:1] * 1).squeeze_(0)", "squeeze_dims_": "(a[:1] * 1).squeeze_((0, 1))",
    "t_": "(a * 1).t_()", "transpose_": "(a * 1).transpose_(0, 1)",
    "swapaxes_": "(a * 1).swapaxes_(1, 0)", "swapdims_": "(a * 1).swapdims_(0, -1)",
    "std_mean_sum": "sum(torch.std_mean(a))", "std_mean_dim": "torch.std_mean(a, 1)[0]",
    "std_mean_keepdim": "torch.std_mean(a, dim=1, keepdim=True, correction=0)[1]",
    "cross": "torch.cross(a, b.expand(2, 3), dim=1)", "cross_method": "a.cross(p, dim=-1)",
    "det": "torch.det(m @ m.T + 1)", "det_batch": "torch.stack([a[:, :2], p[:, 1:]]).det()",
    "svd_values": "torch.svd(a).S",
    "svd_product": "(lambda u, s, v: (u * s) @ v.T)(*torch.svd(a))",
    "svd_u_squared": "torch.svd(m).U ** 2", "svd_v_squared": "torch.svd(a).V ** 2",
    "broadcast_to": "torch.broadcast_to(b, (2, 3))",
    "broadcast_to_method": "s.broadcast_to((2, 2))",
}


def _lesson_op_snippets():
    text = []
    for dt in ("float32", "float64"):
        leaves = _LEAVES.format(dt=dt) + _LESSON_LEAVES.format(dt=dt)
        text += [f"### op_{name}_{dt}\n{leaves}out = {expr}\n"
                 for name, expr in LESSON_OPS.items()]
    return "".join(text)


LESSONS = """
### lesson_grad_fn_names_inplace_views
x = torch.ones(2, 3, requires_grad=True)
y = x[None] * 1
v0 = y._version
names = [type(y.unsqueeze_(0).grad_fn).__name__, type(y.squeeze_().grad_fn).__name__,
         type(y.t_().grad_fn).__name__, type(y.transpose_(0, 1).grad_fn).__name__]
v1 = y._version
out = y
### lesson_inplace_view_on_view_keeps_base_history
x = torch.ones(2, 3, requires_grad=True)
base = x * 2
row = base[0]
row.unsqueeze_(0)
names = (type(row.grad_fn).__name__, type(base.grad_fn).__name__)
out = row * 3
### lesson_inplace_view_no_grad_on_leaf
x = torch.ones(2, 3, requires_grad=True)
with torch.no_grad():
    x.t_()
shape = x.shape
out = x * 1
### lesson_inplace_int_view
x = torch.arange(6).view(2, 3)
x.t_()
y = torch.arange(3)
y.unsqueeze_(1).squeeze_(1)
### lesson_trig_int_input
x = torch.tensor([0, 1, 2])
r = (torch.sin(x), torch.asin(x), torch.atan(x), torch.cosh(x), torch.atan2(x, x + 1))
### lesson_trig_outside_domain
x = torch.tensor([-2.0, 0.5, 2.0])
r = (torch.asin(x), torch.acos(x), torch.acosh(x), torch.atanh(torch.tensor([1.0, -1.0, 3.0])))
### lesson_inplace_sin_angles
angles = torch.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
same = torch.sin_(angles) is angles
### lesson_add_mul_in_place_alias
a = torch.ones(2, 2)
b = torch.tensor([[0.5, 0.25], [0.125, 2.0]])
c = a.add_(b)
d = b.mul_(b)
same = (c is a, d is b)
### lesson_numpy_bridge_shares_memory
t = torch.ones(5)
n = t.numpy()
t.add_(1)
n_after = n.tolist()
arr = np.ones(3)
t2 = torch.from_numpy(arr)
np.add(arr, 1, out=arr)
arr[0] = 7
### lesson_out_add
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
y = torch.tensor([[0.5, -1.0], [2.0, 0.0]])
r = torch.empty(2, 2)
ret = torch.add(x, y, out=r)
same = ret is r
v = r._version
### lesson_out_mul_matmul
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
z = torch.zeros(2, 2)
w = torch.zeros(2, 2)
n = w.numpy()
torch.mul(x, x, out=z)
d = torch.matmul(x, x.T, out=w)
same = d is w
n_after = n.tolist()
### lesson_out_into_input
x = torch.tensor([1.0, 2.0, 3.0])
torch.mul(x, 2, out=x)
torch.sin(x, out=x)
### lesson_out_resize
r = torch.empty(3)
torch.add(torch.ones(2), 1, out=r)
e = torch.empty(0)
torch.sub(torch.ones(2, 2), 3, out=e)
m = torch.empty(5)
torch.matmul(torch.ones(2, 3), torch.ones(3, 2), out=m)
### lesson_out_casts
i = torch.zeros(2, dtype=torch.long)
torch.add(torch.tensor([1, 2]), 3, out=i)
f = torch.zeros(2, dtype=torch.float64)
torch.mul(torch.ones(2), 2.5, out=f)
b = torch.zeros(2)
torch.eq(torch.ones(2), torch.tensor([1.0, 0.0]), out=b)
c = torch.zeros(2, dtype=torch.float64)
torch.cat([torch.ones(1), torch.zeros(1)], out=c)
s = torch.zeros(2, dtype=torch.long)
torch.sum(torch.tensor([[1.5, 2.5], [1.0, 1.0]]), 0, out=s)
### lesson_out_no_grad_allowed
x = torch.ones(2, requires_grad=True)
r = torch.zeros(2, requires_grad=True)
with torch.no_grad():
    torch.add(x, 1, out=r)
### lesson_out_factories
c = torch.zeros(2, 2)
ret = torch.zeros(3, out=c)
same = ret is c
shape = c.shape
o = torch.empty(2, dtype=torch.float64)
torch.ones(4, out=o)
l = torch.empty(3, dtype=torch.long)
torch.full((2,), 7, out=l)
torch.linspace(0, 1, 5, out=o)
e = torch.eye(2, out=torch.empty(0))
r = torch.empty(2, 3)
torch.rand(2, 2, out=r)
rshape = r.shape
del r
### lesson_out_random_keeps_object
c = torch.zeros(2, 2)
old = id(c)
same = torch.rand(2, 2, out=c) is c and id(c) == old
c = c.shape
del old
### lesson_out_arange
a = torch.arange(3, out=torch.empty(5))
b = torch.arange(3, out=torch.empty(0))
c = torch.arange(0, 1.5, 0.5, out=torch.empty(3, 1))
d = torch.arange(4, out=torch.empty(4, dtype=torch.long))
### lesson_unique_records_its_node
x = torch.tensor([3.0, 1.0, 3.0], requires_grad=True)
out = torch.unique(x)
v, i = torch.unique(x, return_inverse=True)
### lesson_out_where
c = torch.tensor([True, False, True])
r = torch.empty(1)
torch.where(c, torch.tensor([1.0, 2.0, 3.0]), torch.zeros(3), out=r)
### err_lesson_out_where_dtype
long_out = torch.empty(1, dtype=torch.long)
torch.where(torch.tensor([True]), torch.ones(1), torch.zeros(1), out=long_out)
### err_lesson_out_where_requires_grad
torch.where(torch.tensor([True]), torch.ones(1, requires_grad=True), torch.zeros(1),
            out=torch.empty(1))
### lesson_inplace_functions_on_views
x = torch.tensor([[0.5, -0.25, 0.75], [0.125, 0.5, -0.5]], requires_grad=True)
out1 = x * 1
out1[0].sin_()
out1[1, 1:].asin_()
out2 = x * 2
col = out2[:, 2]
col.abs_()
col.atan_()
### err_lesson_out_full_sum
torch.sum(torch.ones(2), out=torch.empty(()))
### lesson_out_full_mean
m = torch.empty(())
torch.mean(torch.tensor([1.0, 2.0, 4.0]), out=m)
### lesson_linspace_matches_to_the_last_bit
a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
out = torch.sin(a)
x = torch.linspace(-math.pi, math.pi, 2000)
ends = (x[998:1002].tolist(), torch.linspace(1e-3, 5.5, 1001, dtype=torch.float64)[500].item())
i = torch.linspace(0, 10, 7, dtype=torch.long)
### lesson_size_keyword_new
x = torch.ones(2, dtype=torch.float64)
a = x.new_ones(size=(2, 3))
b = x.new_zeros(size=[1])
c = x.new_empty(size=(2,)).shape
d = x.new_full(size=(2,), fill_value=3)
### err_lesson_size_keyword_new_twice
torch.ones(2).new_ones(2, size=(2, 3))
### lesson_size_keyword
z = torch.zeros(size=(2, 3))
o = torch.ones(size=[1, 2], dtype=torch.int16)
e = torch.empty(size=torch.Size([2])).shape
f = torch.full(size=(2,), fill_value=1.5)
shapes = (torch.rand(size=(2, 3)).shape, torch.randn(size=(4,), dtype=torch.float64).shape)
### lesson_allclose_isclose_equal
a = torch.tensor([1.0, 2.0, float("nan"), float("inf")])
b = torch.tensor([1.0 + 1e-6, 2.1, float("nan"), float("inf")])
r = (torch.allclose(a[:2], b[:2]), torch.allclose(a[:1], b[:1]), a.allclose(b, equal_nan=True))
c = torch.isclose(a, b)
d = torch.isclose(a, b, rtol=0.1, equal_nan=True)
e = (torch.equal(a[:2], a[:2].clone()), torch.equal(a, a),
     torch.equal(torch.ones(2), torch.ones(3)),
     torch.ones(2).equal(torch.ones(2, dtype=torch.long)),
     torch.allclose(torch.ones(2), torch.ones(1)))
i = torch.isclose(torch.tensor([1, 2]), torch.tensor([1, 3]))
### lesson_default_device
d0 = torch.get_default_device()
torch.set_default_device("cpu")
d1 = torch.get_default_device()
x = torch.ones(2)
dev = x.device
torch.set_default_device("cpu:0")
d2 = torch.get_default_device()
torch.set_default_device(torch.device("cpu"))
d3 = torch.get_default_device()
torch.set_default_device(None)
### lesson_accelerator_cpu_only
avail = torch.accelerator.is_available()
acc = torch.accelerator.current_accelerator()
n = torch.accelerator.device_count()
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
cuda = (torch.cuda.is_available(), torch.cuda.device_count())
d = torch.device("cuda")
dt = (d.type, d.index)
### lesson_profiler_names_and_counts
x = torch.tensor([[1.5, 2.0, -1.0]], requires_grad=True)
y = torch.tensor([[0.5, 1.0, 2.0]], requires_grad=True)
z = torch.ones(1, 3, requires_grad=True)
with torch.autograd.profiler.profile(use_cuda=False) as prof:
    for _ in range(3):
        z = (z / x) * y
keys = [e.key for e in prof.key_averages()]
counts = [e.count for e in prof.key_averages()]
header = prof.key_averages().table(sort_by="self_cpu_time_total").splitlines()[:3]
### lesson_profiler_record_function
with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
    with torch.profiler.record_function("block"):
        w = torch.ones(2) * 3
# PyTorch also lists the kernels its ops dispatch to (aten::empty ...); gradnb has none
keys = sorted(e.key for e in prof.key_averages() if e.key in ("block", "aten::ones", "aten::mul"))
### lesson_unique_values
r = torch.unique(torch.tensor([3, 1, 2, 1, 3]))
v, inv, cnt = torch.unique(torch.tensor([3.0, 1.0, 2.0, 1.0]), return_inverse=True,
                           return_counts=True)
### lesson_svd_det_of_lesson_matrices
m = torch.tensor([[3., 0.], [0., 3.]])
u, sv, v = torch.svd(m)
# singular vectors are defined up to sign (LAPACK builds may differ): compare |U|, |V|
u, v = u.abs(), v.abs()
r = torch.tensor([[0.25, -0.5], [0.75, 0.125]])
dr = torch.det(r)
sr = torch.svd(r).S
rebuilt = (lambda u, s, v: (u * s) @ v.T)(*torch.svd(r))
kind = type(torch.svd(r)).__name__
### lesson_std_mean_prints
r = torch.tensor([[0.25, -0.5], [0.75, 0.125]])
sm = torch.std_mean(r)
kind = type(sm).__name__
### lesson_bitwise_xor
r = torch.bitwise_xor(torch.tensor([1, 5, 11]), torch.tensor([2, 7, 10]))
### lesson_grad_assign_float
x = torch.ones(2, requires_grad=True)
x.grad = 0.0
### err_lesson_inplace_sin_leaf
a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
torch.sin_(a)
### err_lesson_unsqueeze_leaf
torch.ones(2, requires_grad=True).unsqueeze_(0)
### err_lesson_t_view_of_leaf
x = torch.ones(2, 3, requires_grad=True)
x[0].unsqueeze_(0)
### err_lesson_t_3d
torch.ones(2, 3, 4).t_()
### err_lesson_transpose_dim
torch.ones(2, 3).transpose_(0, 2)
### err_lesson_unsqueeze_dim
torch.ones(2, 3).unsqueeze_(3)
### err_lesson_asin_int_inplace
torch.ones(2, dtype=torch.long).asin_()
### err_lesson_sin_not_tensor
torch.sin_(2.0)
### err_lesson_atan2_number
torch.atan2(torch.ones(2), 2.0)
### err_lesson_inplace_version
x = torch.ones(3, requires_grad=True)
y = x.sin()
z = y * y
y.cos_()
z.sum().backward()
### err_lesson_inplace_version_asin
x = torch.tensor([0.5, 0.25], requires_grad=True)
y = x * 1
z = y.asin()
y.unsqueeze_(0)
y.mul_(2)
z.sum().backward()
### err_lesson_out_requires_grad
x = torch.ones(2, requires_grad=True)
torch.add(x, x, out=torch.empty(2))
### err_lesson_out_is_leaf_requiring_grad
torch.mul(torch.ones(2), 2, out=torch.zeros(2, requires_grad=True))
### err_lesson_out_matmul_requires_grad
torch.matmul(torch.ones(2, 2, requires_grad=True), torch.ones(2, 2), out=torch.empty(2, 2))
### err_lesson_out_cast
torch.add(torch.ones(2), 1, out=torch.empty(2, dtype=torch.long))
### err_lesson_out_cast_bool
torch.mul(torch.ones(2), 1, out=torch.empty(2, dtype=torch.bool))
### err_lesson_out_mm_dtype
torch.mm(torch.ones(2, 2), torch.ones(2, 2), out=torch.empty(2, 2, dtype=torch.float64))
### err_lesson_out_matmul_dtype
torch.matmul(torch.ones(2, 2), torch.ones(2, 2), out=torch.empty(2, 2, dtype=torch.float64))
### err_lesson_out_dot_dtype
torch.matmul(torch.ones(2), torch.ones(2), out=torch.empty((), dtype=torch.float64))
### err_lesson_out_mv_dtype
torch.mv(torch.ones(2, 2), torch.ones(2), out=torch.empty(2, dtype=torch.float64))
### err_lesson_out_cat_cast
torch.cat([torch.ones(2)], out=torch.empty(2, dtype=torch.long))
### err_lesson_out_clamp_dtype
torch.clamp(torch.ones(2), 0, 1, out=torch.empty(2, dtype=torch.float64))
### err_lesson_out_not_tensor
torch.exp(torch.ones(2), out=5)
### err_lesson_out_partial_overlap
a = torch.ones(4)
torch.add(a, a, out=a[:2])
### err_lesson_out_factory_dtype
torch.zeros(2, dtype=torch.float64, out=torch.empty(2, dtype=torch.long))
### err_lesson_out_factory_requires_grad
torch.ones(2, out=torch.empty(2, requires_grad=True))
### err_lesson_out_rand_requires_grad
torch.rand(2, out=torch.empty(2, requires_grad=True))
### err_lesson_size_twice
torch.zeros(2, size=(2, 3))
### err_lesson_size_int
torch.ones(size=3)
### err_lesson_size_missing
torch.ones()
### err_lesson_allclose_dtype
torch.allclose(torch.ones(2), torch.ones(2, dtype=torch.float64))
### err_lesson_allclose_shapes
torch.allclose(torch.ones(2), torch.ones(3))
### err_lesson_allclose_number
torch.allclose(torch.ones(2), 1.0)
### err_lesson_isclose_rtol
torch.isclose(torch.ones(2), torch.ones(2), rtol=-1)
### err_lesson_isclose_atol
torch.isclose(torch.ones(2), torch.ones(2), atol=-1)
### err_lesson_equal_number
torch.equal(torch.ones(2), 1)
### err_lesson_default_device_cuda
torch.set_default_device("cuda")
try:
    torch.ones(2)
finally:
    torch.set_default_device(None)
### lesson_default_device_cuda_keeps_cpu_tensors
torch.set_default_device("cuda")
try:
    x = torch.from_numpy(np.ones(2))
    devices = [str(t.device) for t in (x.new_ones(2), x.new_tensor([1.0]), x.new_full((2,), 1.0),
                                       torch.zeros_like(x), x.clone(), x * 2)]
finally:
    torch.set_default_device(None)
### err_lesson_default_device_cuda_get
torch.set_default_device("cuda")
try:
    torch.get_default_device()
finally:
    torch.set_default_device(None)
### err_lesson_default_device_gpu
torch.set_default_device("gpu")
### err_lesson_device_gpu
torch.rand(2, 2, device="gpu")
### err_lesson_to_cuda
torch.ones(2).to("cuda")
### err_lesson_accelerator_index
torch.accelerator.current_device_index()
### err_lesson_det_shape
torch.det(torch.ones(2, 3))
### err_lesson_det_1d
torch.det(torch.ones(3))
### err_lesson_det_int
torch.det(torch.ones(2, 2, dtype=torch.long))
### err_lesson_cross_length
torch.cross(torch.ones(3, 2), torch.ones(3, 2), dim=1)
### err_lesson_broadcast_to
torch.broadcast_to(torch.ones(2), (3, 3))
"""

# warned once per process
LESSON_FRESH = """
### fresh_lesson_cross_without_dim
out1 = torch.cross(torch.tensor([0., 1., 0.]), torch.tensor([1., 0., 0.]))
out2 = torch.cross(torch.ones(2, 3), torch.tensor([[1., 0., 0.], [0., 1., 0.]]))
"""


# ---------------------------------------------------------------------------------------
# integration of semantics with main: draws from tensor parameters record PyTorch's nodes
# (zero gradients; bernoulli with a float p has no formula)
# ---------------------------------------------------------------------------------------

INTEGRATION = """
### graph_random_draws_from_parameters
torch.manual_seed(4)
m = torch.tensor([0.25, -1.5], requires_grad=True)
s = torch.tensor([1.0, 2.0], requires_grad=True)
a = torch.normal(m, 1.0)
b = torch.normal(0.5, s)
c = torch.normal(m, s)
d = torch.bernoulli(torch.tensor([0.2, 0.9], requires_grad=True))
e = torch.normal(torch.zeros(2), s)
names = tuple(t.grad_fn.name() for t in (a, b, c, d, e))
(a + b + c + d + e).sum().backward()
gm, gs = m.grad, s.grad
idx = torch.multinomial(s, 2)
flags = (idx.requires_grad, idx.grad_fn is None)
### err_bernoulli_float_p_backward
x = torch.tensor([0.3, 0.6], requires_grad=True)
torch.bernoulli(x, p=0.5).sum().backward()
"""


def _all_snippets():
    snippets = {}
    for text in (_op_snippets(), MORE_FORMS, _promotion_snippets(), PROMOTION, ERRORS, EDGES,
                 GRAPHS, FRESH, LOSSES, _semantics_op_snippets(), SEMANTICS, RANDOM, HIGHER,
                 _lesson_op_snippets(), LESSONS, LESSON_FRESH,      # lessons-api
                 _image_snippets(), NN_LAYERS,                      # lessons-nn
                 INTEGRATION):
        for name, source in parse_snippets(text).items():
            if name in snippets:
                raise ValueError(f"duplicate snippet {name!r}")
            snippets[name] = source
    return snippets


SNIPPETS = _all_snippets()
