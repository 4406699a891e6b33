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

:meth:`Population.affine_loss` and :meth:`Population.affine_gamma` evaluate a model with an offset,
:math:`\theta^\top x + b`: a model fitted on data centred by their sample mean is applied to :math:`x - \bar x`.
:class:`CubeRegression` is the least-squares counterpart (x uniform on a cube, a linear response with Gaussian noise),
whose moments are in closed form (section-3.3 compares the Mixup and ERM minimisers on both laws).

The tensor rule with N nodes per axis integrates polynomials of degree < 2N in each coordinate exactly and
converges geometrically for these analytic integrands; comparing N and 2N nodes estimates its error
(:func:`mixverify.numerics.quadrature_error`).

A second law, one-dimensional, is small enough that every sample of size n can be enumerated (the hardest instances
of Lemma A.1 and Corollary 3.1): :math:`x\in\{-1, 0, 1\}` with :math:`P(x\ne0) = q` (the signs equally likely) and
:math:`y\mid x\sim\mathrm{Bernoulli}(\sigma(w_*x))`. The logistic loss of :math:`t = \theta x` depends on (x, y) only
through the *cell* :math:`s = x(1-2y)\in\{1, -1, 0\}`: it is :math:`\mathrm{softplus}(s\theta)` (:math:`\zeta_1(t) =
\zeta_0(-t)`; :math:`\log 2` at x = 0), with :math:`P(s=1) = q\sigma(-w_*)`, :math:`P(s=-1) = q\sigma(w_*)`. A sample
is then its cell counts (a multinomial composition of n, :func:`sample_law`), and
:math:`L(\theta) - L_n^{std}(\theta, S) = \sum_c (p_c - k_c/n)\,\mathrm{softplus}(s_c\theta)` exactly
(:func:`cell_deviation`). With :math:`A'' = \sigma(1-\sigma)` decreasing in :math:`|t|`, :math:`a(\theta) = \mathbb E
A''(\theta x) = (1-q)/4 + qA''(\theta)` decreases in :math:`|\theta|` while :math:`\mathbb E(\theta x)^2 = q\theta^2`
increases, so the rho-retentive ratio is smallest at the edge of :math:`\Theta = [-R, R]` (:func:`atom_rho`).
"""

from __future__ import annotations

import itertools
import math

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

    def affine_loss(self, W, b) -> np.ndarray:
        r""":math:`\mathbb E[\mathrm{softplus}(\theta^\top x + b) - y(\theta^\top x + b)]` at the rows w of W with offsets
        b (one per row, or one for all): a model fitted on data centred by their mean :math:`\bar x` is
        :math:`\theta^\top(x - \bar x)`, i.e. :math:`b = -\theta^\top\bar x`."""
        b = np.broadcast_to(np.asarray(b, float), (len(np.atleast_2d(W)),))[None, :]
        return self.expect(lambda s, p: logistic_terms(s + b, p), W)

    def affine_gamma(self, W, b) -> np.ndarray:
        r""":math:`\gamma = \mathbb E A''(t)\,\mathbb E t^2` of :math:`t = \theta^\top x + b` (w the rows of W, offsets b):
        :meth:`gamma` for the law of the inputs that a model fitted on centred data sees."""
        b = np.broadcast_to(np.asarray(b, float), (len(np.atleast_2d(W)),))[None, :]
        a2 = self.expect(lambda s, p: special.expit(s + b) * special.expit(-(s + b)), W)
        return a2 * self.expect(lambda s, p: (s + b) ** 2, W)

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """n draws (Z of shape (n, 2), labels y in {0, 1}) from the law; x = Z U^T."""
        n = _validate.positive_int("n", n)
        Z = rng.uniform(-1.0, 1.0, size=(n, 2))
        y = (rng.uniform(size=n) < special.expit(Z @ self.w_star)).astype(float)
        return Z, y


class CubeRegression:
    r"""The least-squares GLM (:math:`A(u) = u^2/2`) with exact population moments: :math:`x\sim\mathrm{Uniform}([-1,
    1]^d)` and :math:`y = \theta_*^\top x + \sigma\varepsilon`, :math:`\varepsilon\sim N(0, 1)`, so :math:`\mathbb Ex = 0`,
    :math:`\mathbb Exx^\top = I/3`, :math:`\mathbb E[yx] = \theta_*/3`, :math:`\mathbb Ey = 0`."""

    def __init__(self, theta_star, noise: float = 1.0):
        self.theta_star = np.asarray(theta_star, float)
        if self.theta_star.ndim != 1 or not np.all(np.isfinite(self.theta_star)):
            raise ValueError(f"theta_star must be a finite vector, got {theta_star!r}")
        self.noise = _validate.positive("noise", noise)

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """n draws (X of shape (n, d), responses y)."""
        X = rng.uniform(-1.0, 1.0, size=(_validate.positive_int("n", n), len(self.theta_star)))
        return X, X @ self.theta_star + self.noise * rng.normal(size=n)

    def affine_loss(self, theta, b=0.0) -> float:
        r""":math:`\mathbb E[t^2/2 - yt]` of :math:`t = \theta^\top x + b` (Eq. 2 with h = u^2/2):
        :math:`(\|\theta\|^2/3 + b^2)/2 - \theta_*^\top\theta/3`."""
        theta = np.asarray(theta, float)
        return float((theta @ theta / 3 + b * b) / 2 - self.theta_star @ theta / 3)

    def affine_gamma(self, theta, b=0.0) -> float:
        r""":math:`\gamma = \mathbb E A''\cdot\mathbb Et^2 = \|\theta\|^2/3 + b^2` (A'' = 1)."""
        theta = np.asarray(theta, float)
        return float(theta @ theta / 3 + b * b)


# --- x in {-1, 0, 1}: samples enumerated exactly ------------------------------------------------------------------

#: The cells s = x (1 - 2y) of the law on x in {-1, 0, 1}: the loss of theta x is softplus(s theta) in cell s.
CELLS = np.array([1.0, -1.0, 0.0])


def atom_cells(q, w_star) -> tuple[np.ndarray, np.ndarray]:
    r"""The cells :math:`s\in\{1, -1, 0\}` and their probabilities :math:`(q\sigma(-w_*), q\sigma(w_*), 1 - q)`;
    cells of probability 0 (q = 1) are dropped, so that a sample is a composition of n over the rest."""
    q = _validate.in_interval("q", q, 0, 1, closed_hi=True)
    w_star = float(w_star)
    if not math.isfinite(w_star):
        raise ValueError(f"w_star must be finite, got {w_star!r}")
    probs = np.array([q * special.expit(-w_star), q * special.expit(w_star), 1.0 - q])
    keep = probs > 0
    return CELLS[keep], probs[keep]


def atom_curvature(thetas, q) -> np.ndarray:
    r""":math:`a(\theta) = \mathbb E_xA''(\theta x) = (1-q)/4 + q\,\sigma(\theta)\sigma(-\theta)`."""
    t = np.asarray(thetas, float)
    return (1.0 - _validate.in_interval("q", q, 0, 1, closed_hi=True)) / 4 + q * special.expit(t) * special.expit(-t)


def atom_gamma(thetas, q) -> np.ndarray:
    r""":math:`\gamma(\theta) = a(\theta)\,\theta^\top\Sigma_X\theta` with :math:`\Sigma_X = q` (rank 1)."""
    t = np.asarray(thetas, float)
    return atom_curvature(t, q) * q * t**2


def atom_rho(R, q, *, all_v: bool = False) -> float:
    r"""The largest rho-retentive constant, :math:`\min\{1/2, \inf_v a(v)^2/\min\{1, qv^2\}\}`, over
    :math:`0 < |v|\le R` (the ratio decreases in :math:`|v|`: its value at R) or, ``all_v``, over every v (the printed
    definition: the limit :math:`((1-q)/4)^2`, which is 0 for q = 1 -- then no rho works and this raises)."""
    q = _validate.in_interval("q", q, 0, 1, closed_hi=True)
    if all_v:
        if q == 1:
            raise ValueError("hypothesis not met: with q = 1 no rho > 0 is retentive for every v (a(v) -> 0)")
        return min(0.5, ((1.0 - q) / 4) ** 2)
    R = float(R)
    if not (R > 0 and math.isfinite(R)):
        raise ValueError(f"R must be a finite number > 0, got {R!r}")
    return float(min(0.5, atom_curvature(R, q) ** 2 / min(1.0, q * R**2)))


def compositions(n: int, parts: int) -> np.ndarray:
    """All (n + parts - 1 choose parts - 1) vectors of non-negative integers with sum n (stars and bars)."""
    n, parts = _validate.positive_int("n", n), _validate.positive_int("parts", parts)
    if parts == 1:
        return np.array([[n]])
    bars = np.array(list(itertools.combinations(range(n + parts - 1), parts - 1)))
    ext = np.hstack([np.full((len(bars), 1), -1), bars, np.full((len(bars), 1), n + parts - 1)])
    return np.diff(ext, axis=1) - 1


def sample_law(n: int, probs) -> tuple[np.ndarray, np.ndarray]:
    """Every sample of size n as its cell counts (compositions of n), and the probability of each (multinomial, from
    its logarithm)."""
    probs = np.asarray(probs, float)
    counts = compositions(n, len(probs))
    log_p = special.gammaln(n + 1) - special.gammaln(counts + 1).sum(1) + special.xlogy(counts, probs[None, :]).sum(1)
    return counts, np.exp(log_p)


def cell_deviation(counts, probs, cells, thetas) -> np.ndarray:
    r""":math:`L(\theta) - L_n^{std}(\theta, S) = \sum_c (p_c - k_c/n)\,\mathrm{softplus}(s_c\theta)` for every sample
    (rows: cell counts k) and every theta (columns), exactly."""
    counts = np.atleast_2d(np.asarray(counts, float))
    n = counts[0].sum()
    return (np.asarray(probs, float)[None, :] - counts / n) @ np.logaddexp(0.0, np.outer(cells, thetas))


def cell_sup_deviation(counts, probs, cells, R) -> np.ndarray:
    r""":math:`\sup_{|\theta|\le R}[L(\theta) - L_n^{std}(\theta, S)]` per sample, in closed form. With
    :math:`a = p_{+} - k_{+}/n`, :math:`b = p_{-} - k_{-}/n` (cells s = 1, -1) the deviation is :math:`D(\theta) =
    a\,\mathrm{softplus}(\theta) + b\,\mathrm{softplus}(-\theta) - (a + b)\log 2` (the weights sum to 0), with
    :math:`D'' = (a+b)\sigma(\theta)\sigma(-\theta)`: convex or concave, so its maximum is at :math:`\pm R` or at the
    stationary point :math:`\theta^* = \log(b/a)` (when ab > 0 and :math:`|\theta^*| < R`)."""
    counts = np.atleast_2d(np.asarray(counts, float))
    cells, probs = np.asarray(cells, float), np.asarray(probs, float)
    n = counts[0].sum()
    w = probs[None, :] - counts / n
    a = w[:, cells == 1].sum(1)
    b = w[:, cells == -1].sum(1)

    def D(t):
        return a * np.logaddexp(0.0, t) + b * np.logaddexp(0.0, -t) - (a + b) * math.log(2.0)

    best = np.maximum(D(R), D(-R))
    inner = (a * b > 0)
    t_star = np.log(np.where(inner, b, 1.0) / np.where(inner, a, 1.0))
    inner &= np.abs(t_star) < R
    return np.where(inner, np.maximum(best, D(np.where(inner, t_star, 0.0))), best)


def violation_probability(prob, dev, rhs, slack=0.0) -> float:
    """P(deviation > rhs - slack) over enumerated samples (slack > 0 counts near-ties as violations)."""
    prob, dev = np.asarray(prob, float), np.asarray(dev, float)
    return float(prob[dev > np.asarray(rhs) - slack].sum())


def margin_factor(prob, dev, rhs, delta):
    """The smallest c with P(dev > c rhs) <= delta (the (1 - delta)-quantile of dev / rhs, exact distribution): the
    bound's tightness is 1/c; 0 when even c = 0 leaves a probability <= delta. ``rhs`` may be a matrix (samples x
    settings) with ``delta`` a row of the settings: then one c per setting."""
    prob, dev = np.asarray(prob, float), np.asarray(dev, float)
    rhs, delta = np.asarray(rhs, float), np.asarray(delta, float)
    if rhs.ndim < 2:
        rhs = np.broadcast_to(rhs, dev.shape)[:, None]  # one setting
    ratio = dev[:, None] / rhs
    order = np.argsort(-ratio, axis=0, kind="stable")
    first = (np.cumsum(prob[order], axis=0) > np.atleast_1d(delta)).argmax(0)  # P(ratio > c) <= delta from there on
    c = np.maximum(np.take_along_axis(ratio, order, 0)[first, np.arange(ratio.shape[1])], 0.0)
    return c if delta.ndim else float(c[0])
