r"""The two networks of the paper's experiments (Appendix C), for 1- and 3-channel images.

- **Pre-activation ResNet-18** (He et al. 2016b, "Identity mappings in deep residual networks"), as in
  kuangliu/pytorch-cifar and facebookresearch/mixup-cifar10 (Figures 1b, 5-8): a 3x3 stem convolution
  to ``width`` channels, four stages of two :class:`PreActBlock` with widths ``width * (1, 2, 4, 8)`` and
  strides 1, 2, 2, 2, then BN-ReLU, global average pooling and a linear layer. ``width = 64`` is the
  paper's network (11,172,170 parameters for 3-channel, 10-class inputs: kuangliu's 11,171,146 plus the
  final BN's 1,024). PyTorch's default initialisation, as mixup-cifar10.
- **Wide ResNet WRN-d-k** (Zagoruyko & Komodakis 2016), WRN-16-8 in the paper (Figure 1a): a 3x3 stem
  convolution to 16 channels, three groups of ``n = (d - 4) / 6`` pre-activation basic blocks with widths
  ``16k, 32k, 64k`` and strides 1, 2, 2, then BN-ReLU, global average pooling and a linear layer; dropout 0.
  WRN-16-8 has 10,961,370 parameters for 3-channel, 10-class inputs (the paper's "11.0M"). Initialisation
  as the authors' code: convolutions He-normal (fan-out), BN weight 1 and bias 0, linear bias 0.

Both take images in [0, 1] and normalise inside, ``(x - mean) / std`` per channel from buffers (saved in
the ``state_dict``), so that attacks work in pixel space with bounds (0, 1). Global average pooling is
adaptive, so 28x28 (Fashion-MNIST, KMNIST) and 32x32 (SVHN, CIFAR) inputs both work.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from mixverify import _validate
from mixverify._validate import positive_int

MODELS = ("preact-resnet18", "wrn-16-8")


class Normalize(nn.Module):
    """``(x - mean) / std`` per channel; mean 0 and std 1 (the identity) when not given."""

    def __init__(self, in_channels: int, mean: Sequence[float] | None = None, std: Sequence[float] | None = None):
        super().__init__()
        mean = _validate.per_channel("mean", mean, in_channels, 0.0)
        std = _validate.per_channel("std", std, in_channels, 1.0)
        if any(not s > 0 for s in std):
            raise ValueError(f"std must be > 0 in every channel, got {tuple(std)}")
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


class PreActBlock(nn.Module):
    """BN-ReLU-conv3x3(stride)-BN-ReLU-conv3x3, plus the identity (or a 1x1 convolution of the
    pre-activated input when the shape changes): He et al. (2016b), Fig. 4(e)."""

    def __init__(self, in_planes: int, planes: int, stride: int = 1):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.shortcut = (nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False)
                         if stride != 1 or in_planes != planes else None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(x))
        shortcut = self.shortcut(out) if self.shortcut is not None else x
        out = self.conv1(out)
        out = self.conv2(F.relu(self.bn2(out)))
        return out + shortcut


class ResNet(nn.Module):
    """Normalise, stem conv3x3, stages of pre-activation blocks, BN-ReLU, global average pool, linear."""

    def __init__(self, in_channels: int, num_classes: int, stem: int, stages: Sequence[tuple[int, int, int]],
                 mean=None, std=None):
        super().__init__()
        self.normalize = Normalize(in_channels, mean, std)
        self.conv1 = nn.Conv2d(in_channels, stem, 3, stride=1, padding=1, bias=False)
        layers, planes = [], stem
        for width, blocks, stride in stages:
            group = []
            for s in [stride] + [1] * (blocks - 1):
                group.append(PreActBlock(planes, width, s))
                planes = width
            layers.append(nn.Sequential(*group))
        self.layers = nn.Sequential(*layers)
        self.bn = nn.BatchNorm2d(planes)
        self.linear = nn.Linear(planes, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.layers(self.conv1(self.normalize(x)))
        out = F.adaptive_avg_pool2d(F.relu(self.bn(out)), 1)
        return self.linear(out.flatten(1))


def preact_resnet18(in_channels: int, num_classes: int, *, width: int = 64, mean=None, std=None) -> nn.Module:
    """Pre-activation ResNet-18 with base width ``width`` (the paper's: 64); see the module docstring."""
    in_channels, num_classes, width = _sizes(in_channels, num_classes, width)
    stages = [(width * m, 2, s) for m, s in ((1, 1), (2, 2), (4, 2), (8, 2))]
    return ResNet(in_channels, num_classes, width, stages, mean, std)


def wide_resnet(in_channels: int, num_classes: int, *, depth: int = 16, widen: int = 8, mean=None, std=None) -> nn.Module:
    """WRN-``depth``-``widen`` (the paper's: WRN-16-8), pre-activation basic blocks, dropout 0."""
    in_channels, num_classes, widen = _sizes(in_channels, num_classes, widen, "widen")
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 10 or (depth - 4) % 6:
        raise ValueError(f"depth must be an integer 6n + 4 >= 10 (16 for WRN-16-8), got {depth!r}")
    n = (depth - 4) // 6
    model = ResNet(in_channels, num_classes, 16, [(16 * widen, n, 1), (32 * widen, n, 2), (64 * widen, n, 2)], mean, std)
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
            nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / fan_out))
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            nn.init.zeros_(m.bias)
    return model


def build_model(name: str, in_channels: int, num_classes: int, *, width: int | None = None, mean=None,
                std=None) -> nn.Module:
    """The network ``name`` (one of :data:`MODELS`). ``width`` is preact-resnet18's base width (paper: 64)
    or the WRN's widen factor (paper: 8); None gives the paper's value."""
    if name == "preact-resnet18":
        return preact_resnet18(in_channels, num_classes, width=64 if width is None else width, mean=mean, std=std)
    if name == "wrn-16-8":
        return wide_resnet(in_channels, num_classes, depth=16, widen=8 if width is None else width, mean=mean, std=std)
    raise ValueError(f"model must be one of {', '.join(MODELS)}, got {name!r}")


def _sizes(in_channels, num_classes, width, width_name="width"):
    return (positive_int("in_channels", in_channels), positive_int("num_classes", num_classes),
            positive_int(width_name, width))
