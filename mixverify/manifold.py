r"""Manifold Mixup on the hidden layer of a two-layer ReLU network (Section 3.3 of Zhang et al. 2021:
Lemma 3.4, Eq. (8), Theorem 3.5; Appendix A.3.1 and A.3.3).

The network is :math:`f_\theta(x) = \theta_1^\top\sigma(Wx) + \theta_0` with :math:`\sigma` = ReLU and
the squared loss of Section 3.3, :math:`(y - f_\theta(x))^2` (no 1/2). Shapes here: X is (n, p),
W is (k, p) (k hidden units), :math:`\theta_1\in\mathbb R^k`, :math:`\theta_0\in\mathbb R`. (The paper
writes :math:`W\in\mathbb R^{p\times d}`, :math:`\theta_1\in\mathbb R^d` with :math:`x\in\mathbb R^p`
from Section 2, which does not typecheck unless d = p; see the claim ``lemma-3.4``.)

Mixing on the hidden layer with mixed labels,

.. math:: L^{mm}_n = \frac1{n^2}\sum_{i,j}\mathbb E_{\lambda\sim\mathrm{Beta}(\alpha,\beta)}
          \big(\lambda y_i + (1-\lambda)y_j - \theta_1^\top(\lambda h_i + (1-\lambda)h_j) - \theta_0\big)^2,
          \quad h_i = \sigma(Wx_i),

has an integrand quadratic in :math:`\lambda`, so a 2-node Gauss--Jacobi rule is exact (degree
:math:`\le 2\cdot 2 - 1 = 3`). The residual mixes linearly,
:math:`\lambda r_i + (1-\lambda) r_j` with :math:`r_i = y_i - f_\theta(x_i)`, whence the closed form
(derivations/lemma_3_4.py)

.. math:: L^{mm}_n = L^{std}_n - 2\,\mathbb E_{\mathcal D_\lambda}[\lambda(1-\lambda)]\,\widehat{\mathrm{Var}}(r),

with :math:`\mathbb E_{\mathcal D_\lambda}[\lambda(1-\lambda)] = \alpha\beta/((\alpha+\beta)(\alpha+\beta+1))
= \mathbb E_{\tilde{\mathcal D}_\lambda}[(1-\lambda)^2]`: :func:`exact_manifold_regularizer`. Eq. (8)
(:func:`manifold_mixup_regularizer`) is a different quantity: the exact regulariser of the surrogate
that the proof of Lemma 3.4 expands (:func:`rescaled_surrogate_loss`).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from scipy import special

from . import _validate
from .glm import ratio_moment
from .laws import Beta, tilde_lambda_law
from .losses import MonteCarloEstimate, pairwise_expectation
from .numerics import EPS64


def relu_features(W, X) -> torch.Tensor:
    r"""Hidden features :math:`h_i = \sigma(Wx_i)`, shape (n, k), for X (n, p) and W (k, p)."""
    X = _validate.as_tensor("X", X, ndim=2)
    W = _validate.as_tensor("W", W, ndim=2, like=X)
    if W.shape[1] != X.shape[1]:
        raise ValueError(f"W must be (k, p) with p = X.shape[1] = {X.shape[1]} (so that Wx is defined), "
                         f"got shape {tuple(W.shape)}")
    return torch.relu(X @ W.T)


def feature_covariance(H, *, centred: bool = True) -> torch.Tensor:
    r""":math:`\hat\Sigma^\sigma_X = \frac1n\sum_i (h_i - \bar h)(h_i - \bar h)^\top` (1/n, as the expectation
    over the empirical law :math:`\mathcal D_X` gives); ``centred=False`` gives :math:`\frac1n\sum_i h_ih_i^\top`."""
    H = _validate.as_tensor("H", H, ndim=2)
    C = H - H.mean(0) if centred else H
    return C.T @ C / H.shape[0]


def manifold_mixup_loss(W, theta1, theta0, X, y, alpha, beta, *, nodes: int = 2) -> torch.Tensor:
    r"""The exact Manifold Mixup loss of a two-layer ReLU net with the squared loss (Section 3.3).

    .. math:: \frac1{n^2}\sum_{i,j}\mathbb E_{\lambda\sim\mathrm{Beta}(\alpha,\beta)}\big(\lambda y_i
              + (1-\lambda)y_j - \theta_1^\top(\lambda\sigma(Wx_i) + (1-\lambda)\sigma(Wx_j)) - \theta_0\big)^2

    over all n^2 pairs; the integrand is a polynomial of degree 2 in lambda, so the ``nodes``-point
    Gauss--Jacobi rule is exact for every ``nodes`` >= 2. Differentiable in W, theta1, theta0.
    """
    alpha = _validate.positive("alpha", alpha)
    beta = _validate.positive("beta", beta)
    nodes = _validate.positive_int("nodes", nodes)
    if nodes < 2:
        raise ValueError(f"nodes must be >= 2 (the integrand is quadratic in lambda), got {nodes}")
    H, th1, th0, y = _net(W, theta1, theta0, X, y)
    lam, w = Beta(alpha, beta).quadrature(nodes)
    return pairwise_expectation(lambda Z: Z @ th1 + th0, H, y, lam, w, _squared, mix_labels=True)


def manifold_mixup_loss_mc(W, theta1, theta0, X, y, alpha, beta, *, samples: int = 4096,
                           generator: np.random.Generator | None = None) -> MonteCarloEstimate:
    """Monte Carlo estimate of :func:`manifold_mixup_loss` (i, j uniform, lambda ~ Beta) with its standard error."""
    alpha = _validate.positive("alpha", alpha)
    beta = _validate.positive("beta", beta)
    samples = _validate.positive_int("samples", samples)
    rng = generator if generator is not None else np.random.default_rng()
    with torch.no_grad():
        H, th1, th0, y = _net(W, theta1, theta0, X, y)
        n = H.shape[0]
        i = torch.as_tensor(rng.integers(0, n, size=samples))
        j = torch.as_tensor(rng.integers(0, n, size=samples))
        lam = torch.as_tensor(rng.beta(alpha, beta, size=samples), dtype=H.dtype)
        hm = lam[:, None] * H[i] + (1 - lam[:, None]) * H[j]
        terms = (lam * y[i] + (1 - lam) * y[j] - hm @ th1 - th0) ** 2
    return MonteCarloEstimate(float(terms.mean()), float(terms.std() / samples**0.5), samples)


def squared_loss(W, theta1, theta0, X, y) -> torch.Tensor:
    r""":math:`L^{std}_n = \frac1n\sum_i (y_i - \theta_1^\top\sigma(Wx_i) - \theta_0)^2` (Section 3.3, no 1/2)."""
    H, th1, th0, y = _net(W, theta1, theta0, X, y)
    return ((y - H @ th1 - th0) ** 2).mean()


def manifold_mixup_regularizer(W, theta1, X, alpha, beta) -> torch.Tensor:
    r"""Eq. (8): :math:`\mathbb E_{\lambda\sim\tilde{\mathcal D}_\lambda}[(1-\lambda)^2/\lambda^2]\,
    \theta_1^\top\hat\Sigma^\sigma_X\theta_1`, :math:`\hat\Sigma^\sigma_X` the (1/n) sample covariance of
    :math:`\sigma(Wx_i)`.

    The coefficient (:func:`mixverify.glm.ratio_moment`) is finite only for alpha > 1 and beta > 1
    (derivations/lemma_3_4.py); otherwise a ValueError says that hypothesis is not met. Note: Eq. (8) is the exact regulariser of
    :func:`rescaled_surrogate_loss`, not of :func:`manifold_mixup_loss` (see the claim ``lemma-3.4``).
    """
    alpha = _validate.positive("alpha", alpha)
    beta = _validate.positive("beta", beta)
    coefficient = ratio_moment(alpha, beta)
    if not math.isfinite(coefficient):
        raise ValueError("hypothesis not met: E_{tilde D}[(1-lambda)^2/lambda^2] in Eq. (8) is finite only for "
                         f"alpha > 1 and beta > 1, got alpha={alpha:g}, beta={beta:g}")
    H = relu_features(W, X)
    th1 = _theta1(theta1, H)
    return coefficient * (th1 @ feature_covariance(H) @ th1)


def exact_manifold_regularizer(W, theta1, theta0, X, y, alpha, beta) -> torch.Tensor:
    r"""What Manifold Mixup adds to the squared loss, exactly: :math:`L^{mm}_n - L^{std}_n =
    -2\,\mathbb E_{\mathrm{Beta}(\alpha,\beta)}[\lambda(1-\lambda)]\,\widehat{\mathrm{Var}}_n(y - f_\theta(x))`
    (derivations/lemma_3_4.py). It is never positive."""
    alpha = _validate.positive("alpha", alpha)
    beta = _validate.positive("beta", beta)
    H, th1, th0, y = _net(W, theta1, theta0, X, y)
    r = y - H @ th1 - th0
    return -2 * mixing_variance(alpha, beta) * ((r - r.mean()) ** 2).mean()


def mixing_variance(alpha, beta) -> float:
    r""":math:`\mathbb E_{\lambda\sim\mathrm{Beta}(\alpha,\beta)}[\lambda(1-\lambda)]
    = \frac{\alpha\beta}{(\alpha+\beta)(\alpha+\beta+1)}`,
    which equals :math:`\mathbb E_{\tilde{\mathcal D}_\lambda}[(1-\lambda)^2]` of Lemma 3.1."""
    alpha = _validate.positive("alpha", alpha)
    beta = _validate.positive("beta", beta)
    return alpha * beta / ((alpha + beta) * (alpha + beta + 1))


def rescaled_surrogate_loss(W, theta1, theta0, X, y, alpha, beta) -> torch.Tensor:
    r"""The loss the proof of Lemma 3.4 (Appendix A.3.1) actually expands: the squared loss on the centred,
    :math:`1/\lambda`-rescaled covariates, labels not mixed,

    .. math:: \frac1{n^2}\sum_{i,j}\mathbb E_{\lambda\sim\tilde{\mathcal D}_\lambda}\Big(y_i - \theta_0 -
              \theta_1^\top\big[(h_i - \bar h) + \tfrac{1-\lambda}{\lambda}(h_j - \bar h)\big]\Big)^2.

    Computed without Eq. (8): each component Beta(p, q) of :math:`\tilde{\mathcal D}_\lambda` is tilted by
    :math:`\lambda^{-2}` to Beta(p - 2, q) (factor B(p-2, q)/B(p, q)); the integrand times
    :math:`\lambda^2` is quadratic in lambda, so 2 Gauss--Jacobi nodes are exact. Needs alpha, beta > 1.
    """
    alpha = _validate.positive("alpha", alpha)
    beta = _validate.positive("beta", beta)
    if alpha <= 1 or beta <= 1:
        raise ValueError("hypothesis not met: the rescaled surrogate of Lemma 3.4's proof is finite only for "
                         f"alpha > 1 and beta > 1, got alpha={alpha:g}, beta={beta:g}")
    H, th1, th0, y = _net(W, theta1, theta0, X, y)
    g = (H - H.mean(0)) @ th1  # theta1^T (h - h_bar)
    a = (y - th0 - g)[:, None]  # lambda * residual = lambda * a_i - (1 - lambda) g_j
    total = H.new_zeros(())
    mix = tilde_lambda_law(alpha, beta)
    for wk, comp in zip(mix.weights, mix.components):
        lam, w = Beta(comp.a - 2, comp.b).quadrature(2)
        tilt = math.exp(special.betaln(comp.a - 2, comp.b) - special.betaln(comp.a, comp.b))
        for lk, wl in zip(lam, w):
            total = total + wk * tilt * wl * ((lk * a - (1 - lk) * g[None, :]) ** 2).mean()
    return total


# --- Theorem 3.5: Rademacher complexity of W^NN_gamma for a fixed first layer -------------------------

def ellipsoid_sup(v, Sigma, gamma) -> float:
    r""":math:`\sup\{\theta^\top v : \theta^\top\Sigma\theta \le \gamma\} = \sqrt{\gamma\, v^\top\Sigma^\dagger v}`
    when v lies in the range of the (PSD) Sigma, +inf otherwise (theta may run along the kernel)."""
    v = np.asarray(v, float)
    evals, evecs = np.linalg.eigh(np.asarray(Sigma, float))
    keep = evals > evals.max() * len(evals) * EPS64
    coords = evecs.T @ v
    outside = np.linalg.norm(coords[~keep])
    if outside > 1e3 * EPS64 * max(1.0, np.linalg.norm(v)):
        return math.inf
    return float(np.sqrt(gamma * np.sum(coords[keep] ** 2 / evals[keep])))


def rademacher_fixed_features(H, Sigma, gamma, *, theta0_bound: float = 0.0, draws: int = 2000,
                              generator: np.random.Generator | None = None, sup=ellipsoid_sup,
                              ) -> MonteCarloEstimate:
    r"""Monte Carlo estimate of the empirical Rademacher complexity of
    :math:`\{x\mapsto\theta_1^\top\sigma(Wx) + \theta_0 : \theta_1^\top\Sigma^\sigma_X\theta_1\le\gamma,
    |\theta_0|\le b_0\}` for a fixed W, on features H = sigma(W x_i):

    .. math:: \mathbb E_\xi\,\frac1n\Big[\sup_{\theta_1^\top\Sigma\theta_1\le\gamma}\theta_1^\top\sum_i\xi_ih_i
              + b_0\Big|\sum_i\xi_i\Big|\Big].
    """
    H = np.asarray(H, float)
    gamma = float(gamma)
    if gamma < 0:
        raise ValueError(f"gamma must be >= 0, got {gamma!r}")
    draws = _validate.positive_int("draws", draws)
    rng = generator if generator is not None else np.random.default_rng()
    n = H.shape[0]
    xi = rng.choice([-1.0, 1.0], size=(draws, n))
    V = xi @ H
    vals = np.array([sup(v, Sigma, gamma) for v in V]) + theta0_bound * np.abs(xi.sum(1))
    vals = vals / n
    if not np.all(np.isfinite(vals)):
        return MonteCarloEstimate(math.inf, math.inf, draws)
    return MonteCarloEstimate(float(vals.mean()), float(vals.std(ddof=1) / draws**0.5), draws)


def expected_abs_rademacher_sum(n: int) -> float:
    r""":math:`\mathbb E|\sum_{i=1}^n\xi_i| = \mathbb E|2B - n|`, B ~ Binomial(n, 1/2), exactly."""
    n = _validate.positive_int("n", n)
    k = np.arange(n + 1)
    logp = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1) - n * math.log(2)
    return float(np.sum(np.exp(logp) * np.abs(2 * k - n)))


def theorem_a1_bound(gamma, rank, mu_term, n) -> float:
    r"""Theorem A.1 as stated:
    :math:`2\sqrt{\gamma(\mathrm{rank}(\Sigma^\sigma_X) + \|\Sigma^{\sigma\dagger/2}_X\mu_\sigma\|^2)/n}`."""
    return 2 * math.sqrt(gamma * (rank + mu_term) / n)


def theorem_a1_proof_end(gamma, rank, mu_term, n) -> float:
    r"""The last display of the proof of Theorem A.1 ("Combining all the pieces"): :math:`\sqrt{\gamma\,\mathrm{rank}/n}`."""
    del mu_term
    return math.sqrt(gamma * rank / n)


def theorem_3_5_bound(gamma, rank, mu_term, n, L, B, delta) -> float:
    r"""The right-hand side of Theorem 3.5 minus :math:`L^{std}_n`:
    :math:`4L\sqrt{\gamma(\mathrm{rank} + \|\Sigma^{\sigma\dagger/2}\mu_\sigma\|^2)/n} + B\sqrt{\log(1/\delta)/(2n)}`."""
    if not 0 < delta < 1:
        raise ValueError(f"delta must lie in (0, 1), got {delta!r}")
    return 4 * L * math.sqrt(gamma * (rank + mu_term) / n) + B * math.sqrt(math.log(1 / delta) / (2 * n))


def _squared(out, label):
    return (label - out) ** 2


def _theta1(theta1, H):
    th1 = _validate.as_tensor("theta1", theta1, ndim=1, like=H)
    if th1.shape[0] != H.shape[1]:
        raise ValueError(f"theta1 must have one entry per hidden unit (rows of W = {H.shape[1]}), "
                         f"got {th1.shape[0]}")
    return th1


def _net(W, theta1, theta0, X, y):
    X = _validate.as_tensor("X", X, ndim=2)
    H = relu_features(W, X)
    th1 = _theta1(theta1, H)
    th0 = _validate.as_tensor("theta0", theta0, ndim=0, like=H) if isinstance(theta0, (torch.Tensor, np.ndarray)) \
        else H.new_tensor(_finite("theta0", theta0))
    y = _validate.as_tensor("y", y, ndim=1, like=H)
    if y.shape[0] != H.shape[0]:
        raise ValueError(f"y must have one label per row of X: X has {H.shape[0]} rows, y has {y.shape[0]}")
    return H, th1, th0, y


def _finite(name, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v
