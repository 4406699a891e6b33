r"""The radius of Theorem B.1 (Appendix B.2 of Zhang et al. 2021): a constant lower bound on
:math:`R = \min_i|\cos(\nabla f_\theta(x_i), x_i)|` for ReLU / max-pooling networks, and the constants it needs.

.. math:: \tilde R = \min\Big\{\sqrt{\frac{p\,\kappa\,\tau'^2}{(2-p)\tau''^2/4 + p\,\kappa\,\tau'^2}},\
          \frac{p\,\kappa_1\tau'}{p\,\kappa_1\tau' + (2-p)\kappa_2\tau''}\Big\}\,\tau,
          \qquad p = p_{\tau,\tau'}

with :math:`\tau'\le\|\nabla f_\theta(x)\|` on :math:`\mathcal X_{\Theta^*}(\tau,\tau')`, :math:`\tau''\ge\|\nabla f_\theta(x)\|`
everywhere (the paper never defines :math:`\tau''`; the proof uses it as this upper bound), :math:`\kappa\le g(1-g)`
and :math:`\kappa_1\le|g - y|\le\kappa_2`. For a linear model (:math:`\nabla f = \theta`, :math:`\tau' = \tau'' = \|\theta\|`)
it is Theorem 3.2's :math:`\tilde R` (derivations/theorem_b1.py).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from . import _validate


def theorem_b1_radius(p, tau, tau1, tau2, kappa, kappa1, kappa2) -> float:
    r""":math:`\tilde R` of Theorem B.1 (``tau1`` = :math:`\tau'`, ``tau2`` = :math:`\tau''`); the SymPy derivation
    finds both components from the (corrected) proof."""
    p, tau, tau1, tau2 = float(p), float(tau), float(tau1), float(tau2)
    kappa, kappa1, kappa2 = float(kappa), float(kappa1), float(kappa2)
    if not 0 < p <= 1:
        raise ValueError(f"p must lie in (0, 1], got {p!r}")
    if not 0 < tau < 1:
        raise ValueError(f"tau must lie in (0, 1), got {tau!r}")
    if not 0 < tau1 <= tau2:
        raise ValueError(f"need 0 < tau' <= tau'' (lower and upper bounds on ||grad f||), got {tau1!r}, {tau2!r}")
    if not (0 < kappa <= 0.25 and 0 < kappa1 <= kappa2 <= 1):
        raise ValueError(f"need 0 < kappa <= 1/4 and 0 < kappa1 <= kappa2 <= 1, got {kappa!r}, {kappa1!r}, {kappa2!r}")
    first = math.sqrt(p * kappa * tau1**2 / ((2 - p) * tau2**2 / 4 + p * kappa * tau1**2))
    second = p * kappa1 * tau1 / (p * kappa1 * tau1 + (2 - p) * kappa2 * tau2)
    return min(first, second) * tau


def relu_gradient_bound(W, beta) -> float:
    r""":math:`\sup_x\|\nabla f(x)\|` for :math:`f(x) = \beta^\top\mathrm{ReLU}(Wx)`: the largest
    :math:`\|W^\top(\beta\odot a)\|` over all activation patterns :math:`a\in\{0,1\}^k` (an upper bound: some patterns
    may not be realised). W is (k, d) with k <= 16."""
    W = np.asarray(W, float)
    beta = np.asarray(beta, float)
    k = _validate.positive_int("k", W.shape[0])
    if k > 16 or beta.shape != (k,):
        raise ValueError(f"need W of shape (k, d) with k <= 16 and beta of shape (k,), got {W.shape}, {beta.shape}")
    patterns = np.array(list(itertools.product((0.0, 1.0), repeat=k)))
    return float(np.linalg.norm((patterns * beta) @ W, axis=1).max())
