r"""The models the claim checks use: small functional models, and the ReLU / max-pooling networks of Section 3.2
and Appendix B.2 as ``torch.nn`` modules.

A model is a plain callable mapping an (n, d) tensor (or an (n, ...) batch of images) to n outputs (one logit), as
everywhere in mixverify. The networks :math:`f_\theta(x) = \beta^\top\sigma(W_{N-1}\cdots\sigma(W_1 x))` with
ReLU and max-pooling are, without biases, positively homogeneous, so :math:`f(x) = \nabla f(x)^\top x` and
:math:`\nabla^2 f(x) = 0` almost everywhere (Appendix B.2). Seeded synthetic data live in :mod:`mixverify.datasets`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from . import _validate


class LinearModel:
    r""":math:`f_\theta(x) = \theta^\top x` (logistic regression when paired with h = softplus).

    Keeps ``theta`` so that closed forms (the exact adversarial loss) can use it.
    """

    def __init__(self, theta: torch.Tensor):
        self.theta = theta

    def __call__(self, X: torch.Tensor) -> torch.Tensor:
        if X.shape[-1] != self.theta.shape[0]:
            raise ValueError(f"X must have {self.theta.shape[0]} columns (the length of theta), got {X.shape[-1]}")
        return X @ self.theta.to(dtype=X.dtype, device=X.device)


def linear_model(theta: torch.Tensor) -> LinearModel:
    r"""The linear model :math:`x\mapsto\theta^\top x`; ``theta``: a finite real vector (tensor or numpy array),
    cast to the dtype and device of the inputs it is applied to."""
    return LinearModel(_validate.as_tensor("theta", theta, ndim=1))


def two_layer(W: torch.Tensor, b: torch.Tensor | None, v: torch.Tensor, c: float = 0.0,
              activation: Callable = torch.tanh) -> Callable[[torch.Tensor], torch.Tensor]:
    r""":math:`f(x) = v^\top \sigma(Wx + b) + c`; ``b=None`` and ``c=0`` give a bias-free network."""
    def f(X):
        pre = X @ W.T
        if b is not None:
            pre = pre + b
        return activation(pre) @ v + c
    return f


def random_two_layer(d: int, width: int, rng: np.random.Generator, *, bias: bool = True,
                     activation: Callable = torch.tanh, dtype=torch.float64, device="cpu"):
    """A two-layer network with N(0, 1/fan_in) weights (and N(0, 1) biases when ``bias``)."""
    def t(a):
        return torch.as_tensor(a, dtype=dtype, device=device)
    W = t(rng.normal(size=(width, d)) / np.sqrt(d))
    v = t(rng.normal(size=width) / np.sqrt(width))
    b = t(rng.normal(size=width)) if bias else None
    c = float(rng.normal()) if bias else 0.0
    return two_layer(W, b, v, c, activation)


class ReLUMLP(nn.Sequential):
    """Fully connected ReLU network d -> widths... -> 1 (``bias=False``: the homogeneous net of B.2)."""

    def __init__(self, d: int, widths=(50, 50), *, bias: bool = False, activation=nn.ReLU):
        layers, fan_in = [], d
        for w in widths:
            layers += [nn.Linear(fan_in, w, bias=bias), activation()]
            fan_in = w
        layers.append(nn.Linear(fan_in, 1, bias=bias))
        super().__init__(*layers)

    def forward(self, x):
        return super().forward(x).squeeze(-1)


class ReLUCNN(nn.Module):
    """conv -> ReLU -> 2x2 max-pool -> conv -> ReLU -> 2x2 max-pool -> linear, for (n, C, H, W) inputs.

    ``bias=False`` keeps it positively homogeneous (max-pooling commutes with positive scaling).
    """

    def __init__(self, channels: int = 1, side: int = 8, width: int = 4, *, bias: bool = False, activation=nn.ReLU):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1, bias=bias), activation(), nn.MaxPool2d(2),
            nn.Conv2d(width, width, 3, padding=1, bias=bias), activation(), nn.MaxPool2d(2),
        )
        self.head = nn.Linear(width * (side // 4) ** 2, 1, bias=bias)

    def forward(self, x):
        return self.head(self.features(x).flatten(1)).squeeze(-1)


def has_bias(module: nn.Module) -> bool:
    """True if any submodule has a (non-None) bias parameter."""
    return any(getattr(m, "bias", None) is not None for m in module.modules())


def require_bias_free(module, what: str = "this claim") -> None:
    """Raise a one-line ValueError if ``module`` has biases (the homogeneity hypothesis of Appendix B.2)."""
    if isinstance(module, nn.Module) and has_bias(module):
        raise ValueError(f"hypothesis not met: {what} needs a bias-free ReLU/max-pooling network "
                         "(f(x) = grad f(x)^T x), but the network has biases")


def seeded(module: nn.Module, seed: int, dtype=torch.float64) -> nn.Module:
    """Re-initialise ``module``'s parameters from ``seed`` (PyTorch's default init) and cast to ``dtype``."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            bound = 1.0 / max(1, p.shape[1] if p.ndim > 1 else p.shape[0]) ** 0.5
            if p.ndim > 2:
                bound = 1.0 / (p.shape[1] * p[0, 0].numel()) ** 0.5
            p.copy_(torch.empty(p.shape).uniform_(-bound, bound, generator=gen))
    return module.to(dtype)
