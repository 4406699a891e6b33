r"""Generalized linear models (Section 3.3): the Mixup regularizer of Lemma 3.3 (Eq. 7) and the
generalization bound of Theorem 3.4 / Corollary 3.1.

A GLM has the loss :math:`A(\theta^\top x) - y\,\theta^\top x` (Section 3.3; Eq. 2 with
:math:`f_\theta(x) = \theta^\top x`, :math:`h = A`), with ``A`` the log-partition function:
softplus for logistic regression (the default), :math:`u^2/2` for least squares.

Lemma 3.3 (Eq. 7), with the sum the statement drops restored in :math:`\hat\Sigma_X`:

.. math:: \frac{1}{2n}\Big[\sum_{i=1}^n A''(\theta^\top x_i)\Big]\,
          \mathbb E_{\lambda\sim\tilde{\mathcal D}_\lambda}\Big[\frac{(1-\lambda)^2}{\lambda^2}\Big]\,
          \theta^\top\hat\Sigma_X\theta,\qquad \hat\Sigma_X = \frac1n\sum_i x_i x_i^\top,
          \quad \frac1n\sum_i x_i = 0.

The coefficient :math:`\mathbb E[(1-\lambda)^2/\lambda^2]` is an odds moment: under
:math:`\mathrm{Beta}(p, q)`, :math:`\mathbb E[((1-\lambda)/\lambda)^k] = B(p-k, q+k)/B(p, q)
= \prod_{r=1}^k (q+r-1)/(p-r)`, finite iff :math:`p > k` (derivations/lemma_3_3.py). For
:math:`\tilde{\mathcal D}_\lambda` (components :math:`\mathrm{Beta}(\alpha+1, \beta)` and
:math:`\mathrm{Beta}(\beta+1, \alpha)`) the k = 2 moment is
:math:`\big[\beta(\beta+1)/(\alpha-1) + \alpha(\alpha+1)/(\beta-1)\big]/(\alpha+\beta)`, finite iff
:math:`\alpha > 1` and :math:`\beta > 1`: it is infinite for standard Mixup (alpha = beta = 1).

:func:`rescaled_covariate_loss` is the loss the proof of Lemma 3.3 (Appendix A.3.1) actually expands:
the standard loss on the rescaled covariates :math:`\tilde x_i = x_i + \frac{1-\lambda}{\lambda} r_x`.

The minimisers Section 3.3 argues about: :func:`glm_objective` is the standard loss or the Mixup loss of Eq. (1) of the
linear GLM (exact over pairs) with its gradient and Hessian, :func:`glm_minimiser` its minimiser by Newton's method to
round-off, :func:`glm_descent` a finite run of gradient descent, :func:`logistic_minimiser_exists` whether logistic ERM
has a minimiser at all (not on linearly separable data).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from scipy import special
from torch.func import grad, vmap

from . import _validate
from .laws import Beta, BetaMixture, Law, tilde_lambda_law
from .losses import eq2_loss, softplus
from .numerics import EPS64
from .rademacher import theorem_3_4_bound

# --- the coefficient of Eq. (7) -----------------------------------------------------------------

def odds_moment(law: Law, k: int) -> float:
    r""":math:`\mathbb E[((1-\lambda)/\lambda)^k]` under a Beta law or a Beta mixture, exactly.

    For :math:`\mathrm{Beta}(p, q)` it is :math:`\prod_{r=1}^{k}(q+r-1)/(p-r)` when :math:`p > k`, and
    :math:`+\infty` otherwise (the density :math:`\propto\lambda^{p-1}` at 0 against
    :math:`\lambda^{-k}`); a mixture is infinite as soon as one component is.
    """
    k = _validate.positive_int("k", k)
    if isinstance(law, Beta):
        if law.a <= k:
            return math.inf
        return math.prod((law.b + r - 1) / (law.a - r) for r in range(1, k + 1))
    if isinstance(law, BetaMixture):
        return sum(w * odds_moment(c, k) for w, c in zip(law.weights, law.components))
    raise ValueError(f"law must be a Beta or a BetaMixture, got {type(law).__name__}")


def ratio_moment(alpha, beta, law: Law | None = None) -> float:
    r""":math:`\mathbb E_{\lambda\sim\tilde{\mathcal D}_\lambda}[(1-\lambda)^2/\lambda^2]`, the coefficient of
    Eq. (7), exactly; ``math.inf`` where it diverges (unless alpha > 1 and beta > 1).

    ``law`` replaces :math:`\tilde{\mathcal D}_\lambda` (e.g. ``mixup_lambda_law(alpha, beta)`` for the
    coefficient under :math:`\mathcal D_\lambda`, finite iff alpha > 2).
    """
    alpha = _validate.positive("alpha", alpha)
    beta = _validate.positive("beta", beta)
    return odds_moment(tilde_lambda_law(alpha, beta) if law is None else law, 2)


# --- Eq. (7) --------------------------------------------------------------------------------------

def empirical_covariance(X) -> torch.Tensor:
    r""":math:`\hat\Sigma_X = \frac1n\sum_i (x_i - \bar x)(x_i - \bar x)^\top` (1/n, centred)."""
    X = _validate.as_tensor("X", X, ndim=2)
    C = X - X.mean(0)
    return C.T @ C / X.shape[0]


def centring_tolerance(X: torch.Tensor) -> torch.Tensor:
    r"""Per-column bound on the computed mean of data whose exact mean is 0: summing n numbers in float64
    errs by at most :math:`\gamma_n \sum_i |x_{ij}| \approx n\,\epsilon \sum_i|x_{ij}|`, i.e.
    :math:`n\epsilon\,\mathrm{mean}_i|x_{ij}|` on the mean, plus the half-ulp rounding of each centred entry;
    we allow :math:`2 n \epsilon \max_i |x_{ij}|` (which also covers single-pass centring of data whose offset
    is comparable to its spread; centre twice for data far from the origin)."""
    n = X.shape[0]
    return 2 * n * EPS64 * X.abs().amax(0)


def require_centred(X: torch.Tensor, what: str = "Lemma 3.3") -> torch.Tensor:
    """Raise ``hypothesis not met`` unless every column of X has mean 0 within float64 round-off."""
    mean = X.mean(0)
    tol = centring_tolerance(X)
    bad = (mean.abs() > tol).nonzero()
    if bad.numel():
        j = int(bad[0, 0])
        raise ValueError(f"hypothesis not met: {what} needs centred data (1/n sum_i x_i = 0), but column {j} has "
                         f"mean {float(mean[j]):.3g} (round-off allows {float(tol[j]):.2g})")
    return X


def second_derivative(A: Callable, u: torch.Tensor) -> torch.Tensor:
    """A''(u) elementwise, by automatic differentiation of the scalar function A."""
    return vmap(grad(grad(lambda t: A(t))))(u)


def glm_mixup_regularizer(theta, X, alpha, beta, *, A: Callable = softplus, law: Law | None = None) -> torch.Tensor:
    r"""Eq. (7) of Lemma 3.3 (with :math:`\hat\Sigma_X = \frac1n\sum_i x_i x_i^\top`, the sum the statement
    omits): :math:`\frac{1}{2n}[\sum_i A''(\theta^\top x_i)]\,\mathbb E_{\tilde{\mathcal D}_\lambda}
    [(1-\lambda)^2/\lambda^2]\,\theta^\top\hat\Sigma_X\theta`.

    X must be centred (Lemma 3.3's hypothesis; ``ValueError: hypothesis not met`` otherwise, see
    :func:`centring_tolerance`). Returns ``inf`` where the coefficient diverges (alpha <= 1 or beta <= 1,
    standard Mixup included). ``law`` replaces :math:`\tilde{\mathcal D}_\lambda`. Differentiable in theta.
    """
    X = _validate.as_tensor("X", X, ndim=2)
    theta = _validate.as_tensor("theta", theta, ndim=1, like=X)
    if theta.shape[0] != X.shape[1]:
        raise ValueError(f"theta must have one entry per column of X ({X.shape[1]}), got {theta.shape[0]}")
    coeff = ratio_moment(alpha, beta, law)
    require_centred(X)
    n = X.shape[0]
    u = X @ theta
    sigma = X.T @ X / n
    quad = theta @ sigma @ theta
    a2 = second_derivative(A, u)
    if math.isinf(coeff):
        return X.new_tensor(math.inf)
    return a2.sum() / (2 * n) * coeff * quad


# --- the surrogate of the proof (Appendix A.3.1) ------------------------------------------------------

def rescaled_covariate_loss(theta, X, y, alpha, beta, *, A: Callable = softplus, law: Law | None = None,
                            nodes: int = 32, lift: int = 1) -> torch.Tensor:
    r"""The loss the proof of Lemma 3.3 expands: :math:`L_n^{std}(\theta, \tilde S)` averaged over the
    randomness, with :math:`\tilde x_i = \frac1\lambda(\lambda x_i + (1-\lambda) r_x)`, labels not mixed:

    .. math:: \frac{1}{n^2}\sum_{i,j}\mathbb E_{\lambda\sim\tilde{\mathcal D}_\lambda}
              \big[A(\theta^\top x_i + a\,\theta^\top x_j) - y_i(\theta^\top x_i + a\,\theta^\top x_j)\big],
              \quad a = \frac{1-\lambda}{\lambda}.

    The integrand grows like :math:`a^m` as :math:`\lambda\to0` (m = 1 for softplus, 2 for :math:`u^2/2`),
    so it is integrated as :math:`\mathbb E_{\mathrm{Beta}(p,q)}[g] = c_k\,\mathbb E_{\mathrm{Beta}(p-k,q)}
    [\lambda^k g]`, :math:`c_k = \prod_{r=1}^{k}(p+q-r)/(p-r)`, with k = ``lift``; then
    :math:`\lambda^k g` is bounded (and polynomial in lambda for :math:`A = u^2/2`, k = 2: exact).
    Every component needs p > lift; use :func:`ratio_moment` to see whether the loss is finite.
    """
    alpha = _validate.positive("alpha", alpha)
    beta = _validate.positive("beta", beta)
    X, y = _validate.data(X, y, logistic=A is softplus)
    theta = _validate.as_tensor("theta", theta, ndim=1, like=X)
    lift = int(lift)
    if lift < 0:
        raise ValueError(f"lift must be a non-negative integer, got {lift}")
    law = tilde_lambda_law(alpha, beta) if law is None else law
    comps = law.components if isinstance(law, BetaMixture) else (law,)
    weights = law.weights if isinstance(law, BetaMixture) else (1.0,)
    u = X @ theta
    n = X.shape[0]
    total = X.new_zeros(())
    for w, c in zip(weights, comps):
        if c.a <= lift:
            raise ValueError(f"lift must be smaller than every component's first parameter, got lift={lift} "
                             f"and {c.latex()}")
        ck = math.prod((c.a + c.b - r) / (c.a - r) for r in range(1, lift + 1))
        lam, wq = Beta(c.a - lift, c.b).quadrature(nodes)
        lam_t = torch.as_tensor(np.array(lam), dtype=X.dtype, device=X.device).view(-1, 1, 1)
        wq_t = torch.as_tensor(np.array(wq), dtype=X.dtype, device=X.device).view(-1, 1, 1)
        # lambda * (u_i + a u_j) = lambda u_i + (1 - lambda) u_j, so the argument is mixed / lambda
        mixed = lam_t * u.view(1, n, 1) + (1 - lam_t) * u.view(1, 1, n)
        arg = mixed / lam_t
        vals = lam_t ** lift * eq2_loss(arg, y.view(1, n, 1).expand_as(arg), A)
        total = total + w * ck * (wq_t * vals).sum() / (n * n)
    return total


def covariate_moments(X, alpha, beta, *, law: Law | None = None, i: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Exact mean and covariance of :math:`\tilde x_i = x_i + a\,r_x` over :math:`\lambda\sim\tilde{\mathcal D}_\lambda`
    and :math:`r_x` uniform on the rows of X (Appendix A.3.1), by enumeration over r and the exact odds
    moments :math:`\mathbb E[a]`, :math:`\mathbb E[a^2]`:
    :math:`\mathbb E\tilde x_i = x_i + \mathbb E[a]\mu`, :math:`\mathrm{Cov}\,\tilde x_i =
    \mathbb E[a^2]\,\frac1n\sum_j x_jx_j^\top - \mathbb E[a]^2\mu\mu^\top`."""
    X = _validate.as_tensor("X", X, ndim=2)
    law = tilde_lambda_law(alpha, beta) if law is None else law
    m1, m2 = odds_moment(law, 1), odds_moment(law, 2)
    n = X.shape[0]
    mu = X.mean(0)
    mean = X[i] + m1 * mu
    second = m2 * (X.T @ X) / n  # E[a^2] E[r r^T]
    cov = second - (m1 * mu)[:, None] * (m1 * mu)[None, :]
    return mean, cov


# --- Theorem 3.4 and Corollary 3.1 ------------------------------------------------------------------

def corollary_bound(gamma, rho, rank, n, delta, *, L, L_A, B) -> float:
    r"""The right-hand side of Corollary 3.1 minus :math:`L_n^{std}`:
    :math:`2 L L_A\max\{(\gamma/\rho)^{1/4},(\gamma/\rho)^{1/2}\}\sqrt{\mathrm{rank}(\Sigma_X)/n}
    + B\sqrt{\log(1/\delta)/(2n)}`."""
    delta = _validate.positive("delta", delta)
    if delta >= 1:
        raise ValueError(f"delta must lie in (0, 1), got {delta!r}")
    L = _validate.positive("L", L)
    L_A = _validate.positive("L_A", L_A)
    B = _validate.positive("B", B)
    n = _validate.positive_int("n", n)
    return 2 * L * L_A * theorem_3_4_bound(gamma, rho, rank, n) + B * math.sqrt(-math.log(delta) / (2 * n))


def glm_gamma(theta, X, *, A: Callable = softplus) -> float:
    r""":math:`\gamma(\theta) = \mathbb E_x A''(\theta^\top x)\cdot\theta^\top\Sigma_X\theta` with
    :math:`\Sigma_X = \mathbb E[xx^\top]` (uncentred, as in Theorem 3.4), estimated on the sample X."""
    X = _validate.as_tensor("X", X, ndim=2)
    theta = _validate.as_tensor("theta", theta, ndim=1, like=X)
    u = X @ theta
    return float(second_derivative(A, u).mean() * (u ** 2).mean())


# --- the minimisers of the standard and the Mixup loss of a linear GLM (Section 3.3) ------------------------------

#: The log-partition functions A of Section 3.3 by name: "logistic" (A = softplus, labels in [0, 1]) and "squared"
#: (A(u) = u^2/2, least squares; Eq. (2) drops the y^2/2 that does not depend on theta).
FAMILIES = ("logistic", "squared")


def _partition(family: str):
    """``parts(u, order)``: the named family's A(u) and, up to ``order``, A'(u) and A''(u), elementwise (numpy)."""
    if family == "logistic":
        def parts(u, order):
            s = special.expit(u) if order else None
            return (np.logaddexp(0.0, u), s, s * (1 - s) if order > 1 else None)
    elif family == "squared":
        def parts(u, order):
            return (u * u / 2, u, np.ones_like(u))
    else:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    return parts


def glm_objective(theta, X, y, *, family: str = "logistic", law: Law | None = None, nodes: int = 16,
                  order: int = 2):
    r"""The standard loss :math:`L_n^{std}` (``law`` None) or the Mixup loss of Eq. (1) (``law`` the mixing law
    :math:`\mathcal D_\lambda`, e.g. ``mixup_lambda_law(alpha, beta)``) of the linear GLM :math:`f = \theta^\top x`,
    with its gradient and Hessian in :math:`\theta` (``order`` 0: the value only; 1: value and gradient).

    Eq. (1) is exact over the n^2 ordered pairs and ``nodes``-point Gauss--Jacobi in lambda: f is linear, so the mixed
    output is :math:`o = \lambda u_i + (1-\lambda)u_j` with :math:`u = X\theta` and its gradient
    :math:`\lambda x_i + (1-\lambda)x_j`; the sums over pairs collapse to row and column sums, so the Hessian costs
    :math:`O(Kn^2 + nd^2)` for K nodes. numpy float64 (X (n, d), y (n,), theta (d,))."""
    return _objective(np.asarray(X, float), np.asarray(y, float), family, law, nodes)(np.asarray(theta, float), order)


def _objective(X, y, family, law, nodes):
    """:func:`glm_objective` as a function of (theta, order), with the mixed labels and weights computed once."""
    parts = _partition(family)
    n = len(y)
    if law is None:
        def standard(theta, order=2):
            u = X @ theta
            A, A1, A2 = parts(u, order)
            f = float(np.mean(A - y * u))
            if order == 0:
                return f
            g = X.T @ (A1 - y) / n
            return (f, g) if order == 1 else (f, g, (X.T * (A2 / n)) @ X)
        return standard
    lam, w = (np.asarray(v, float) for v in law.quadrature(nodes))
    L = lam[:, None, None]
    W = w[:, None, None] / n**2
    Wt = W * (L * y[None, :, None] + (1 - L) * y[None, None, :])
    mix_weight = lam * (1 - lam)

    def mixup(theta, order=2):
        u = X @ theta
        o = L * u[None, :, None] + (1 - L) * u[None, None, :]
        A, A1, A2 = parts(o, order)
        f = float((W * A).sum() - (Wt * o).sum())
        if order == 0:
            return f
        r = W * A1 - Wt
        g = X.T @ (lam @ r.sum(2) + (1 - lam) @ r.sum(1))
        if order == 1:
            return f, g
        c = W * A2
        diag = lam**2 @ c.sum(2) + (1 - lam) ** 2 @ c.sum(1)
        cross = np.tensordot(mix_weight, c, axes=1)
        return f, g, (X.T * diag) @ X + X.T @ (cross + cross.T) @ X
    return mixup


#: Full Newton steps taken after the decrement test passes (:func:`glm_minimiser`).
POLISH = 2


@dataclass(frozen=True)
class GLMFit:
    """A fitted linear GLM: ``theta``, the objective there, its gradient norm, the smallest eigenvalue of its Hessian
    (``curvature``), ``error_bound`` = gradient norm / curvature (exact for a quadratic objective, the first-order
    distance to the minimiser otherwise) and the number of iterations."""

    theta: np.ndarray
    loss: float
    gradient_norm: float
    curvature: float
    error_bound: float
    iterations: int


def glm_minimiser(X, y, *, family: str = "logistic", law: Law | None = None, nodes: int = 16, tol: float = 1e-13,
                  max_iter: int = 100, polish: int = POLISH) -> GLMFit:
    r"""The minimiser of :func:`glm_objective` by damped Newton from 0, until the Newton decrement
    :math:`g^\top H^{-1}g/2` is below ``tol`` times max(1, |objective|) (the objective at float64 round-off by default),
    then ``polish`` full Newton steps (each squares the distance to the minimiser: theta at round-off with the default
    :data:`POLISH`).

    Raises ``ValueError`` when the minimiser does not exist (logistic ERM on linearly separable data,
    :func:`logistic_minimiser_exists`) or Newton does not converge in ``max_iter`` steps."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, d) and y (n,), got shapes {X.shape} and {y.shape}")
    _validate.positive("tol", tol)
    polish = _validate.nonnegative_int("polish", polish)
    if family == "logistic" and law is None and not logistic_minimiser_exists(X, y):
        raise ValueError("no minimiser: the logistic standard loss has none on linearly separable data (the loss "
                         "decreases to 0 along a separating direction)")
    fun = _objective(X, y, family, law, nodes)
    theta = np.zeros(X.shape[1])
    for it in range(_validate.positive_int("max_iter", max_iter)):
        f, g, H = fun(theta)
        step = np.linalg.solve(H, g)
        decrement = float(g @ step) / 2
        if decrement <= tol * max(1.0, abs(f)):
            for _ in range(polish):  # quadratic convergence: the distance to the minimiser squares per full step
                theta = theta - step
                f, g, H = fun(theta)
                step = np.linalg.solve(H, g)
            curvature = float(np.linalg.eigvalsh(H)[0])
            gn = float(np.linalg.norm(g))
            return GLMFit(theta, f, gn, curvature, gn / curvature, it)
        t = 1.0
        while fun(theta - t * step, 0) > f - t * decrement / 2:
            t /= 2
            if t < 1e-12:
                break
        theta = theta - t * step
        if not np.all(np.isfinite(theta)) or np.linalg.norm(theta) > 1e6:
            break
    raise ValueError(f"no minimiser found ({family} loss{'' if law is None else ', Mixup'}): Newton did not converge in "
                     f"{max_iter} steps (|theta| = {np.linalg.norm(theta):.3g}); for logistic ERM the data may be "
                     "linearly separable (see logistic_minimiser_exists)")


def glm_descent(X, y, *, steps: int, lr: float, family: str = "logistic", law: Law | None = None,
                nodes: int = 16) -> np.ndarray:
    """``steps`` steps of full-batch gradient descent with step size ``lr`` from theta = 0 on :func:`glm_objective`:
    a finite training length (early stopping), not a minimiser."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    lr = _validate.positive("lr", lr)
    fun = _objective(X, y, family, law, nodes)
    theta = np.zeros(X.shape[1])
    for _ in range(_validate.positive_int("steps", steps)):
        theta = theta - lr * fun(theta, 1)[1]
    return theta


def logistic_minimiser_exists(X, y) -> bool:
    r"""Whether the logistic standard loss of :math:`\theta^\top x` (no intercept) has a minimiser: it has none exactly
    when some :math:`\theta\ne0` has :math:`s_i\theta^\top x_i\ge0` for all i with one inequality strict
    (:math:`s_i = 2y_i - 1`; the loss then decreases along :math:`\theta` for ever). Decided by the linear programme
    :math:`\max\sum_is_i\theta^\top x_i` s.t. :math:`s_i\theta^\top x_i\ge0`, :math:`|\theta_j|\le1`: the minimiser
    exists iff its optimum is 0 (up to the solver's feasibility tolerance times :math:`\sum_i\|x_i\|`)."""
    from scipy import optimize

    X, y = np.asarray(X, float), np.asarray(y, float)
    S = (2 * y - 1)[:, None] * X
    res = optimize.linprog(-S.sum(0), A_ub=-S, b_ub=np.zeros(len(y)), bounds=[(-1, 1)] * X.shape[1], method="highs")
    if res.status != 0:
        raise ValueError(f"the separability programme failed: {res.message}")
    return -res.fun <= 1e-9 * float(np.linalg.norm(X, axis=1).sum())
