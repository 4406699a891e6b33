"""Small functional models and seeded synthetic data used by the claim checks.

A model is a plain callable mapping an (n, d) tensor to n outputs, as everywhere in mixverify.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from . import _validate


class LinearModel:
    r""":math:`f_\theta(x) = \theta^\top x` (logistic regression when paired with h = softplus).

    Keeps ``theta`` so that closed forms (the exact adversarial loss) can use it.
    """

    def __init__(self, theta: torch.Tensor):
        self.theta = theta

    def __call__(self, X: torch.Tensor) -> torch.Tensor:
        if X.shape[-1] != self.theta.shape[0]:
            raise ValueError(f"X must have {self.theta.shape[0]} columns (the length of theta), got shape {tuple(X.shape)}")
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


def gaussian_data(n: int, d: int, rng: np.random.Generator, *, shift: float = 0.5, dtype=torch.float64,
                  device="cpu") -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""x_i ~ N(shift * 1, I_d), y_i = 1{x_i^T theta* > 0} with theta* ~ N(0, I_d); returns (X, y, theta*).

    The default shift makes the data *uncentred*, so that R1 of Lemma 3.1 is not trivially 0.
    """
    theta = rng.normal(size=d)
    X = rng.normal(size=(n, d)) + shift
    y = (X @ theta > 0).astype(float)
    def t(a):
        return torch.as_tensor(a, dtype=dtype, device=device)
    return t(X), t(y), t(theta)
