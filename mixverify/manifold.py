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
from .training import descend


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
    return pairwise_expectation(lambda Z: Z @ th1 + th0, H, y, lam, w, _squared, mix_labels=True, k=1)


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
    return 4 * L * math.sqrt(gamma * (rank + mu_term) / n) + B * math.sqrt(-math.log(delta) / (2 * n))


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
        else H.new_tensor(_validate.finite("theta0", theta0))
    y = _validate.as_tensor("y", y, ndim=1, like=H)
    if y.shape[0] != H.shape[0]:
        raise ValueError(f"y must have one label per row of X: X has {H.shape[0]} rows, y has {y.shape[0]}")
    return H, th1, th0, y


# --- W free: the first layer chosen with theta (Theorem A.1 / 3.5 as printed) ---------------------------------------
# "Here, theta consists of W, theta_0 and theta_1" (Section 3.3): the class W^NN_gamma ranges over W as well. Its
# population constants Sigma^sigma_X and mu_sigma are exact for a rotation-invariant law of x with E[x x^T] = I:
# on the plane of two rows a, b the law is rotation-invariant with E[r^2] = 2, whence the arc-cosine kernel
# E[relu(a^T x) relu(b^T x)] = |a||b| (sin t + (pi - t) cos t) / (2 pi), t the angle between a and b
# (derivations/theorem_a1.py), and E[relu(a^T x)] = |a| E|t_1| / 2, t_1 = a coordinate of x.

LAWS = ("sphere", "gaussian")


def abs_coordinate_mean(p: int, law: str = "sphere") -> float:
    r""":math:`\mathbb E|x_1|` for x uniform on the sphere of radius :math:`\sqrt p` in :math:`\mathbb R^p`
    (:math:`\sqrt p\,\Gamma(p/2)/(\sqrt\pi\,\Gamma((p+1)/2))`) or :math:`x\sim N(0, I_p)` (:math:`\sqrt{2/\pi}`)."""
    p = _validate.positive_int("p", p)
    if law == "gaussian":
        return math.sqrt(2 / math.pi)
    if law != "sphere":
        raise ValueError(f"law must be one of {LAWS}, got {law!r}")
    return math.sqrt(p / math.pi) * math.exp(special.gammaln(p / 2) - special.gammaln((p + 1) / 2))


def sample_inputs(size: int, p: int, rng: np.random.Generator, law: str = "sphere") -> np.ndarray:
    """x uniform on the sphere of radius sqrt(p) (bounded: ||x|| = sqrt(p), E[x x^T] = I) or x ~ N(0, I_p)."""
    X = rng.normal(size=(size, p))
    if law == "sphere":
        return X / np.linalg.norm(X, axis=-1, keepdims=True) * math.sqrt(p)
    if law != "gaussian":
        raise ValueError(f"law must be one of {LAWS}, got {law!r}")
    return X


def relu_moments(W, law: str = "sphere") -> tuple[torch.Tensor, torch.Tensor]:
    r"""Exact :math:`(\mu_\sigma, \mathbb E[\sigma(Wx)\sigma(Wx)^\top])` for the law ``law`` of x in
    :math:`\mathbb R^p`, W of shape (..., k, p) (differentiable in W; rows must be non-zero)."""
    W = torch.as_tensor(W, dtype=torch.float64)
    norm = W.norm(dim=-1)
    mu = norm * abs_coordinate_mean(W.shape[-1], law) / 2
    U = W / norm[..., None]
    cos = (U @ U.transpose(-1, -2)).clamp(-1.0, 1.0)
    eye = torch.eye(W.shape[-2], dtype=W.dtype)
    t = torch.arccos(cos * (1 - eye))  # the diagonal (t = 0, where arccos is not differentiable) is set below
    J = (torch.sin(t) + (math.pi - t) * cos) * (1 - eye) + math.pi * eye
    return mu, norm[..., :, None] * norm[..., None, :] * J / (2 * math.pi)


def relu_sigma(W, n: int, law: str = "sphere") -> tuple[torch.Tensor, torch.Tensor]:
    r"""(:math:`\Sigma^\sigma_X = \mathbb E[\hat\Sigma^\sigma_X] = \frac{n-1}n\mathrm{Cov}(\sigma(Wx))`, :math:`\mu_\sigma`)."""
    mu, M2 = relu_moments(W, law)
    return (n - 1) / n * (M2 - mu[..., :, None] * mu[..., None, :]), mu


def unit_constants(p: int, n: int, law: str = "sphere") -> dict:
    r"""One hidden unit with :math:`\|w\| = 1` (every W of one unit, up to the scale the class ignores):
    :math:`\Sigma^\sigma_X = \frac{n-1}n(\frac12 - \frac{c^2}4)`, :math:`\mu_\sigma = c/2`, :math:`c = \mathbb E|x_1|`,
    the mean term :math:`m = \mu_\sigma^2/\Sigma^\sigma_X`, rank 1, and :math:`\sup_x\sigma(w^\top x)` (:math:`\sqrt p`
    on the sphere, inf for the Gaussian)."""
    c = abs_coordinate_mean(p, law)
    sigma2 = (n - 1) / n * (0.5 - c * c / 4)
    return {"sigma2": sigma2, "mu": c / 2, "m": (c / 2) ** 2 / sigma2, "rank": 1,
            "h_max": math.sqrt(p) if law == "sphere" else math.inf}


def _unit_features(X, U):
    """relu(w^T x_i) for unit w = u/||u||: X (B, n, p), U (B, R, p) -> (B, R, n)."""
    return torch.relu(torch.einsum("bnp,brp->brn", X, U / U.norm(dim=-1, keepdim=True)))


def _ascend(objective, U, steps: int, lr: float):
    """Adam ascent of objective(U) (summed over its entries) with a linearly decaying step; returns U (detached)."""
    U = U.clone().requires_grad_(True)
    opt = torch.optim.Adam([U], lr=lr)
    for t in range(steps):
        for group in opt.param_groups:
            group["lr"] = lr * (1 - t / steps)
        descend(opt, -objective(U).sum())
        with torch.no_grad():
            U /= U.norm(dim=-1, keepdim=True)  # the class is invariant under w -> c w, c > 0: keep |u| = 1
    return U.detach()


def _starts(X, signs, restarts: int, generator: torch.Generator):
    """Restarts for u: +/- sum_i s_i x_i (the unit that correlates with the signs), then Gaussian directions."""
    B, n, p = X.shape
    U = torch.randn(B, restarts, p, generator=generator, dtype=torch.float64)
    lead = (signs[:, :, None] * X).sum(1)
    lead = torch.where(lead.norm(dim=-1, keepdim=True) > 0, lead, U[:, 0])
    U[:, 0] = lead
    if restarts > 1:
        U[:, 1] = -lead
    return U


def w_free_rademacher(X, xi, gamma, *, law: str = "sphere", restarts: int = 8, steps: int = 200, lr: float = 0.05,
                      generator: torch.Generator | None = None) -> np.ndarray:
    r"""Lower bounds, one per (sample, sign vector), of the supremum in the empirical Rademacher complexity of
    :math:`\mathcal W^{NN}_\gamma` with one hidden unit and W free:

    .. math:: \frac1n\sup_{w\ne0,\ \theta_1^2\Sigma^\sigma_X(w)\le\gamma}\theta_1\sum_i\xi_i\sigma(w^\top x_i)
              = \frac{\sqrt\gamma}{n\sqrt{\Sigma_1}}\max_{\|w\|=1}\Big|\sum_i\xi_i\sigma(w^\top x_i)\Big|,

    :math:`\Sigma_1` = :func:`unit_constants`'s ``sigma2``. The maximum over the unit sphere is searched by Adam from
    ``restarts`` starts (:func:`_starts`); each value is attained by the unit found, so it is a member of the class
    and the value is a lower bound on the supremum (the search can miss it, never exceed it).
    X (B, n, p), xi (B, n) of +/-1; returns (B,)."""
    X, xi = torch.as_tensor(X, dtype=torch.float64), torch.as_tensor(xi, dtype=torch.float64)
    n, p = X.shape[1:]
    gen = generator if generator is not None else torch.Generator().manual_seed(0)
    U = _ascend(lambda U: torch.einsum("bn,brn->br", xi, _unit_features(X, U)) ** 2,
                _starts(X, xi, restarts, gen), steps, lr)
    with torch.no_grad():
        best = torch.einsum("bn,brn->br", xi, _unit_features(X, U)).abs().max(1).values
    return (math.sqrt(gamma / unit_constants(p, n, law)["sigma2"]) * best / n).numpy()


def circle_sup(X, xi) -> float:
    r"""Exactly :math:`\max_{\|w\|=1}|\sum_i\xi_i\sigma(w^\top x_i)|` for x in the plane (p = 2): on each arc between the
    angles where some :math:`w^\top x_i` changes sign the sum is :math:`a^\top w` with a fixed a, so the maximum is at
    an arc's end or at :math:`w = \pm a/\|a\|` inside it."""
    X, xi = np.asarray(X, float), np.asarray(xi, float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must be (n, 2), got shape {X.shape}")
    phi = np.arctan2(X[:, 1], X[:, 0])
    cuts = np.sort(np.mod(np.concatenate([phi + np.pi / 2, phi - np.pi / 2]), 2 * np.pi))
    ends = np.stack([np.cos(cuts), np.sin(cuts)], 1)
    best = float(np.abs(np.maximum(ends @ X.T, 0) @ xi).max())
    mids = np.append((cuts[:-1] + cuts[1:]) / 2, (cuts[-1] + cuts[0] + 2 * np.pi) / 2)
    width = np.diff(np.append(cuts, cuts[0] + 2 * np.pi))
    for mid, half in zip(mids, width / 2):
        w = np.array([math.cos(mid), math.sin(mid)])
        a = ((X @ w > 0) * xi) @ X
        for s in (1.0, -1.0):  # +/- a/|a| inside the arc: the stationary point of a^T w there
            if np.linalg.norm(a) > 0 and abs(np.angle(np.exp(1j * (math.atan2(s * a[1], s * a[0]) - mid)))) < half:
                best = max(best, float(np.linalg.norm(a)))
    return best


def unit_population_loss(theta1, theta0, mu, Y):
    r""":math:`L(\theta) = \mathbb E(y - \theta_1\sigma(w^\top x) - \theta_0)^2 = Y^2 + \theta_1^2/2 + 2\theta_0\theta_1\mu
    + \theta_0^2` for one unit-norm w, :math:`y = Y\varepsilon` independent of x (:math:`\mathbb E\sigma(w^\top x)^2 = 1/2`
    for :math:`\mathbb E[xx^\top] = I`, :math:`\mu = \mathbb E\sigma(w^\top x)`)."""
    return Y**2 + theta1**2 / 2 + 2 * theta0 * theta1 * mu + theta0**2


def unit_gap(h, y, mu, theta1_max, b0, Y) -> torch.Tensor:
    r"""The largest generalisation gap :math:`L(\theta) - L^{std}_n(\theta, S)` over :math:`|\theta_1|\le T`,
    :math:`|\theta_0|\le b_0` for the features :math:`h_i = \sigma(w^\top x_i)` of one unit-norm w (last axis: the n
    points), labels :math:`y = Y\varepsilon` independent of x (:math:`\mathbb E y = 0`, :math:`y^2 = Y^2`).

    :math:`L(\theta) = Y^2 + \theta_1^2/2 + 2\theta_0\theta_1\mu + \theta_0^2` exactly (:math:`\mathbb E\sigma(w^\top x)^2
    = 1/2`), so the gap is :math:`A\theta_1^2 + B\theta_1 + 2\theta_0\bar y + (Y^2 - \overline{y^2})` with
    :math:`A = \frac12 - \overline{h^2}`, :math:`B = 2\theta_0(\mu - \bar h) + 2\overline{yh}`; the :math:`\theta_0^2`
    terms cancel, so :math:`\theta_0 = \pm b_0`, and for each the quadratic in :math:`\theta_1` is maximised exactly
    (the ends :math:`\pm T` and the vertex when A < 0 and it lies inside)."""
    hbar, h2, yh, ybar = h.mean(-1), (h * h).mean(-1), (y * h).mean(-1), y.mean(-1)
    A = 0.5 - h2
    best = None
    for t0 in (b0, -b0):
        Bq = 2 * t0 * (mu - hbar) + 2 * yh
        cands = [A * theta1_max**2 + s * Bq * theta1_max for s in (1.0, -1.0)]
        vertex = -Bq / (2 * torch.where(A < 0, A, -torch.ones_like(A)))
        inside = (A < 0) & (vertex.abs() <= theta1_max)
        cands.append(torch.where(inside, A * vertex**2 + Bq * vertex, cands[0]))
        val = torch.stack(cands).max(0).values + 2 * t0 * ybar
        best = val if best is None else torch.maximum(best, val)
    return best + Y**2 - (y * y).mean(-1)


def w_free_gap(X, y, gamma, b0, Y, *, law: str = "sphere", restarts: int = 4, steps: int = 200, lr: float = 0.05,
               generator: torch.Generator | None = None, w=None) -> np.ndarray:
    r"""Lower bounds, one per sample, of :math:`\sup_{f_\theta\in\mathcal W^{NN}_\gamma,\ |\theta_0|\le b_0}
    L(\theta) - L^{std}_n(\theta, S)` for one hidden unit with W free (searched from ``restarts`` starts by Adam, the
    exact best :math:`\theta_1, \theta_0` for each w by :func:`unit_gap`), or for the fixed unit ``w`` (shape (p,)):
    then the value is the supremum exactly. X (B, n, p), y (B, n) = +/-Y; ``gamma``, ``b0`` scalars or (B,) arrays."""
    X, y = torch.as_tensor(X, dtype=torch.float64), torch.as_tensor(y, dtype=torch.float64)
    n, p = X.shape[1:]
    c = unit_constants(p, n, law)
    T = torch.sqrt(torch.as_tensor(gamma, dtype=torch.float64) / c["sigma2"]).reshape(-1, 1)
    b0 = torch.as_tensor(b0, dtype=torch.float64).reshape(-1, 1)

    def gap(U):
        return unit_gap(_unit_features(X, U), y[:, None, :], c["mu"], T, b0, Y)

    if w is not None:
        with torch.no_grad():
            U = torch.as_tensor(w, dtype=torch.float64).expand(X.shape[0], 1, p)
            return gap(U)[:, 0].numpy()
    gen = generator if generator is not None else torch.Generator().manual_seed(0)
    U = _ascend(gap, _starts(X, y, restarts, gen), steps, lr)
    with torch.no_grad():
        return gap(U).max(1).values.numpy()
