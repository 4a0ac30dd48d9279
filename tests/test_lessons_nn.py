"""The nn / nn.functional / optim names PyTorch's beginner lessons call (the audit of
issue 8, section 4, neural-network part), checked to exist in gradnb; their behaviour
against PyTorch is checked by the ``nn_`` snippets of tests/op_snippets.py.

Lessons (pytorch/tutorials, beginner_source): blitz/neural_networks_tutorial.py,
blitz/cifar10_tutorial.py, blitz/autograd_tutorial.py, basics/buildmodel_tutorial.py,
basics/optimization_tutorial.py, basics/autogradqs_tutorial.py,
examples_nn/{polynomial_nn,polynomial_optim,polynomial_module,dynamic_net}.py,
introyt/{modelsyt_tutorial,trainingyt,autogradyt_tutorial}.py. Not listed: data
downloads (torchvision datasets, DataLoader), TensorBoard, CUDA, and the names only
mentioned in a class the lesson never instantiates (Embedding, LSTM in modelsyt).
"""

import importlib

import numpy as np
import pytest

import gradnb as torch

LESSON_NAMES = {
    "blitz/neural_networks_tutorial": [
        "nn.Module", "nn.Conv2d", "nn.Linear", "nn.functional.max_pool2d",
        "nn.functional.relu", "nn.MSELoss", "nn.Module.parameters", "nn.Module.zero_grad",
        "optim.SGD", "optim.SGD.zero_grad", "optim.SGD.step"],
    "blitz/cifar10_tutorial": [
        "nn.Conv2d", "nn.MaxPool2d", "nn.Linear", "nn.functional.relu",
        "nn.CrossEntropyLoss", "optim.SGD", "nn.Module.to", "nn.Module.state_dict",
        "nn.Module.load_state_dict", "save", "load", "max", "flatten"],
    "blitz/autograd_tutorial": ["nn.Linear", "optim.SGD", "nn.Module.parameters"],
    "basics/buildmodel_tutorial": [
        "nn.Module", "nn.Flatten", "nn.Sequential", "nn.Linear", "nn.ReLU", "nn.Softmax",
        "nn.Module.named_parameters", "nn.Module.to"],
    "basics/optimization_tutorial": [
        "nn.CrossEntropyLoss", "optim.SGD", "nn.Module.train", "nn.Module.eval"],
    "basics/autogradqs_tutorial": ["nn.functional.binary_cross_entropy_with_logits"],
    "examples_nn/polynomial_nn": [
        "nn.Sequential", "nn.Linear", "nn.Flatten", "nn.MSELoss", "nn.Module.zero_grad",
        "nn.Sequential.__getitem__"],
    "examples_nn/polynomial_optim": ["nn.Sequential", "nn.MSELoss", "optim.RMSprop",
                                     "optim.SGD", "optim.Adam"],
    "examples_nn/polynomial_module": ["nn.Module", "nn.Parameter", "nn.MSELoss",
                                      "optim.SGD"],
    "examples_nn/dynamic_net": ["nn.Module", "nn.Parameter", "nn.MSELoss", "optim.SGD"],
    "introyt/modelsyt_tutorial": [
        "nn.Module", "nn.Linear", "nn.ReLU", "nn.Softmax", "nn.Conv2d", "nn.MaxPool2d",
        "nn.BatchNorm1d", "nn.Dropout", "functional"],
    "introyt/trainingyt": [
        "nn.Conv2d", "nn.MaxPool2d", "nn.Linear", "nn.functional.relu",
        "nn.CrossEntropyLoss", "optim.SGD", "nn.Module.train", "nn.Module.state_dict",
        "save"],
    "introyt/autogradyt_tutorial": ["nn.Module", "nn.Linear", "nn.ReLU", "optim.SGD"],
}


def _resolve(dotted):
    """The gradnb object ``torch.<dotted>`` names, or None."""
    if dotted == "functional":       # a submodule: `import torch.functional as F`
        return importlib.import_module("gradnb.functional")
    obj = torch
    for part in dotted.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


@pytest.mark.parametrize("lesson", sorted(LESSON_NAMES))
def test_every_name_the_lesson_calls_exists(lesson):
    missing = [name for name in LESSON_NAMES[lesson] if _resolve(name) is None]
    assert not missing, f"{lesson}: gradnb lacks {missing}"


def test_import_torch_functional_as_in_the_models_lesson():
    module = importlib.import_module("gradnb.functional")
    assert module.split is torch.split and module.norm is torch.norm


def test_a_small_convnet_learns_a_fixed_batch():
    """Training end to end (conv, pool, batch norm, linear, cross-entropy, SGD with
    momentum) lowers the loss: the pieces work together, not only one by one."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Conv2d(4, 4, 3, groups=2), torch.nn.ReLU(),
        torch.nn.Flatten(), torch.nn.Linear(4 * 2 * 2, 3))
    images = torch.tensor(np.random.default_rng(1).standard_normal((6, 1, 8, 8)),
                          dtype=torch.float32)
    labels = torch.tensor([0, 1, 2, 0, 1, 2])
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = loss_fn(net(images), labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    assert all(p.grad is not None for p in net.parameters())
