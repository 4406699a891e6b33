r"""An exact population for the GLM bounds of Section 3.3 (Theorem 3.4, Corollary 3.1): expectations over x by
Gauss--Legendre quadrature instead of a sample.

The law: :math:`z\sim\mathrm{Uniform}([-1, 1]^2)`, :math:`y\mid z\sim\mathrm{Bernoulli}(\sigma(w_*^\top z))`, and
:math:`x = Uz` for a :math:`p\times 2` orthonormal frame U (so :math:`\Sigma_X = \mathbb E xx^\top = UU^\top/3`,
rank 2 in :math:`\mathbb R^p`). A linear predictor :math:`\theta^\top x = w^\top z` depends on :math:`\theta` only
through :math:`w = U^\top\theta`, so every method takes rows w (the caller applies :math:`U^\top`).

For the logistic GLM (:math:`A = \mathrm{softplus}`, :math:`A'' = \sigma(1-\sigma)`) :class:`Population` gives

- the population loss :math:`L(\theta) = \mathbb E[A(\theta^\top x) - y\,\theta^\top x]` (Eq. 2 with h = softplus,
  :func:`logistic_terms`; :math:`\mathbb E[y\mid x]` enters linearly, so y is replaced by :math:`\sigma(w_*^\top z)`),
- :math:`\mathbb E A''(\theta^\top x)`, and
- :math:`\gamma(\theta) = \mathbb E A''(\theta^\top x)\,\theta^\top\Sigma_X\theta`, the quantity that defines the class
  :math:`\mathcal W_\gamma` of Theorem 3.4 and Corollary 3.1.

The tensor rule with N nodes per axis integrates polynomials of degree < 2N in each coordinate exactly and
converges geometrically for these analytic integrands; comparing N and 2N nodes estimates its error
(:func:`mixverify.numerics.quadrature_error`).
"""

from __future__ import annotations

import numpy as np
import torch
from scipy import special

from . import _validate
from .eq2 import eq2_loss


def logistic_terms(s, y) -> np.ndarray:
    r""":math:`\mathrm{softplus}(s) - ys` elementwise (Eq. 2 with h = softplus, :func:`mixverify.eq2.eq2_loss` in
    float64), for numpy outputs ``s`` and labels ``y`` in [0, 1] that broadcast against each other."""
    out = eq2_loss(torch.as_tensor(np.asarray(s, float), dtype=torch.float64),
                   torch.as_tensor(np.asarray(y, float), dtype=torch.float64))
    return out.numpy()


class Population:
    r"""Exact expectations over :math:`z\sim\mathrm{Uniform}([-1, 1]^2)` with :math:`\mathbb E[y\mid z] =
    \sigma(w_*^\top z)`, by a tensor Gauss--Legendre rule with ``nodes`` nodes per axis."""

    def __init__(self, w_star, nodes: int = 40):
        self.w_star = np.asarray(w_star, float)
        if self.w_star.shape != (2,) or not np.all(np.isfinite(self.w_star)):
            raise ValueError(f"w_star must be 2 finite numbers, got {w_star!r}")
        self.nodes = _validate.positive_int("nodes", nodes)
        t, w = np.polynomial.legendre.leggauss(self.nodes)
        Z1, Z2 = np.meshgrid(t, t, indexing="ij")
        self.z = np.stack([Z1.ravel(), Z2.ravel()], 1)
        self.w = np.outer(w, w).ravel() / 4.0  # the density of Uniform([-1, 1]^2) is 1/4
        self.p_star = special.expit(self.z @ self.w_star)

    def expect(self, g, W, chunk: int = 512) -> np.ndarray:
        r""":math:`\mathbb E_z\,g(z^\top w, \sigma(w_*^\top z))` for every row w of W (shape (m, 2), or one w of
        shape (2,)); ``g(s, p)`` acts elementwise on arrays."""
        W = np.atleast_2d(np.asarray(W, float))
        if W.ndim != 2 or W.shape[1] != 2:
            raise ValueError(f"W must have rows w = U^T theta of length 2, got shape {W.shape}")
        out = np.empty(len(W))
        for i in range(0, len(W), chunk):
            s = self.z @ W[i:i + chunk].T
            out[i:i + chunk] = self.w @ g(s, self.p_star[:, None])
        return out

    def loss(self, W) -> np.ndarray:
        r""":math:`L(\theta) = \mathbb E[\mathrm{softplus}(\theta^\top x) - y\,\theta^\top x]` at :math:`w = U^\top\theta`
        (rows of W)."""
        return self.expect(logistic_terms, W)

    def a2(self, W) -> np.ndarray:
        r""":math:`\mathbb E A''(\theta^\top x)` with :math:`A'' = \sigma(1-\sigma)`, at the rows w of W."""
        return self.expect(lambda s, p: special.expit(s) * special.expit(-s), W)

    def gamma(self, W) -> np.ndarray:
        r""":math:`\gamma(\theta) = \mathbb E A''(\theta^\top x)\,\theta^\top\Sigma_X\theta` with
        :math:`\theta^\top\Sigma_X\theta = \|w\|^2/3` (:math:`\mathbb E zz^\top = I/3`), at the rows w of W."""
        W = np.atleast_2d(np.asarray(W, float))
        return self.a2(W) * (W ** 2).sum(1) / 3.0

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """n draws (Z of shape (n, 2), labels y in {0, 1}) from the law; x = Z U^T."""
        n = _validate.positive_int("n", n)
        Z = rng.uniform(-1.0, 1.0, size=(n, 2))
        y = (rng.uniform(size=n) < special.expit(Z @ self.w_star)).astype(float)
        return Z, y
