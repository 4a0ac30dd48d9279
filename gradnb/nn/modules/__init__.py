"""The layer classes of ``torch.nn``, one file per family as in PyTorch."""

from .module import Module
from .linear import Identity, Linear
from .activation import ReLU, Sigmoid, Tanh, Softmax, LogSoftmax
from .container import Sequential, ModuleList, ModuleDict
from .dropout import Dropout
from .flatten import Flatten
from .conv import Conv2d
from .pooling import MaxPool2d
from .batchnorm import BatchNorm1d, BatchNorm2d
from .loss import MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss

__all__ = ["Module", "Identity", "Linear", "ReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
           "Sequential", "ModuleList", "ModuleDict", "Dropout", "Flatten", "MSELoss",
           "L1Loss", "NLLLoss", "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss", "Conv2d",
           "MaxPool2d", "BatchNorm1d", "BatchNorm2d"]
