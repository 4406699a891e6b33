r"""Certified radii of Zhang et al. (2021): Theorem 3.2 (logistic regression, Assumption 3.1, Appendix A.2.3) and
Theorem B.1 (ReLU / max-pooling networks, Appendix B.2), and the constants they need.

**Theorem 3.2.** With probability at least :math:`1 - \delta_n - 2e^{-np_\tau^2/2}` (:func:`failure_probability`),
every minimizer :math:`\theta` of :math:`\tilde L^{mix}_n` (Eq. 3) satisfies
:math:`\tilde L^{mix}_n(\theta, S)\ge\frac1n\sum_i\tilde\ell_{adv}(\tilde\varepsilon_{min}\sqrt d, (x_i, y_i))`
(Eq. 5; :func:`mixup_minus_adversarial` is the difference), with
:math:`\tilde\varepsilon_{min} = \tilde R\,c_x\,\mathbb E_{\tilde{\mathcal D}_\lambda}[1-\lambda]` and

.. math:: \tilde R = \min\Big\{\frac{p_\tau\kappa_1}{2\kappa_2 - p_\tau(\kappa_2-\kappa_1)},\
          \sqrt{\frac{4\kappa p_\tau}{2 - p_\tau + 4\kappa p_\tau}}\Big\}\,\tau

(:func:`r_tilde`), where :math:`p_\tau = P(|\cos(x, \theta)|\ge\tau\ \forall\theta\in\Theta^*)` (Assumption 3.1;
:func:`p_tau_cone` for a cone :math:`\Theta^*` and x uniform on a sphere), :math:`\kappa\le g(1-g)` and
:math:`\kappa_1\le|g - y|\le\kappa_2` over :math:`\Theta^*` and the support of x (:func:`bounded_set_constants`).

**Theorem B.1.**

.. math:: \tilde R = \min\Big\{\sqrt{\frac{p\,\kappa\,\tau'^2}{(2-p)\tau''^2/4 + p\,\kappa\,\tau'^2}},\
          \frac{p\,\kappa_1\tau'}{p\,\kappa_1\tau' + (2-p)\kappa_2\tau''}\Big\}\,\tau,
          \qquad p = p_{\tau,\tau'}

with :math:`\tau'\le\|\nabla f_\theta(x)\|` on :math:`\mathcal X_{\Theta^*}(\tau,\tau')`, :math:`\tau''\ge\|\nabla f_\theta(x)\|`
everywhere (the paper never defines :math:`\tau''`; the proof uses it as this upper bound, :func:`relu_gradient_bound`),
:math:`\kappa\le g(1-g)` and :math:`\kappa_1\le|g - y|\le\kappa_2`. For a linear model (:math:`\nabla f = \theta`,
:math:`\tau' = \tau'' = \|\theta\|`) it is Theorem 3.2's :math:`\tilde R` (derivations/theorem_b1.py).

The SymPy derivations (derivations/theorem_3_2.py, derivations/theorem_b1.py) find every component from the
(corrected) proofs.

**Closed forms for logistic regression** (the checks' workhorse). For :math:`f = \theta^\top x`, mean-zero rows
:math:`x_i`, :math:`u_i = \theta^\top x_i`, :math:`g_i = g(u_i)`, :math:`s_i = g_i(1-g_i)` and
:math:`q = \theta^\top\hat\Sigma\theta`, Eq. (3) is :math:`\tilde L^{mix}_n = L_{std} + \mathcal R_1 + \mathcal R_2`
with :math:`\mathcal R_1 = m_1\overline{(y - g)u}`, :math:`\mathcal R_2 = \frac{m_2}2\overline{s(q + u^2)}`
(:math:`\mathcal R_3 = 0`; :math:`m_k = \mathbb E_{\tilde{\mathcal D}_\lambda}[(1-\lambda)^k]`), and Eq. (5) at the
:math:`\ell_2` radius :math:`\eta` adds :math:`\eta\|\theta\|\overline{|g - y|} + \frac{\eta^2}2\|\theta\|^2\bar s` to
:math:`L_{std}`, so the slack of Theorem 3.2's inequality is a concave quadratic in :math:`\eta`
(:func:`logistic_slack`, :func:`logistic_largest_radius`). :func:`fit_logistic_mixup` minimises Eq. (3)
(:func:`logistic_mixup_objective`, with its gradient); :func:`sphere_logistic_data` draws x uniform on the sphere of
radius :math:`\sqrt d` with :math:`y\mid x\sim\mathrm{Bern}(g(\text{signal}\cdot x_1))`.
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import numpy as np
import torch
from scipy import optimize, special, stats

from . import _validate
from .adversarial import taylor_adversarial_loss
from .losses import approx_mixup_loss
from .models import linear_model

# --- Theorem 3.2 (logistic regression) ------------------------------------------------------------

def r_tilde(p_tau, tau, kappa, kappa1, kappa2) -> float:
    r"""Theorem 3.2's radius :math:`\tilde R = \min\{\frac{p_\tau\kappa_1}{2\kappa_2 - p_\tau(\kappa_2-\kappa_1)},
    \sqrt{\frac{4\kappa p_\tau}{2 - p_\tau + 4\kappa p_\tau}}\}\,\tau`, for :math:`p_\tau\in(0, 1]`,
    :math:`\tau\in(0, 1)`, :math:`0 < \kappa\le 1/4` and :math:`0 < \kappa_1\le\kappa_2\le 1`."""
    p_tau, tau, kappa, kappa1, kappa2 = _constants(p_tau, tau, kappa, kappa1, kappa2)
    return min(p_tau * kappa1 / (2 * kappa2 - p_tau * (kappa2 - kappa1)),
               math.sqrt(4 * kappa * p_tau / (2 - p_tau + 4 * kappa * p_tau))) * tau


def failure_probability(n, p_tau) -> float:
    r""":math:`2\exp(-np_\tau^2/2)`, the second failure term of Theorem 3.2's probability
    :math:`1 - \delta_n - 2e^{-np_\tau^2/2}`: Hoeffding's bound on :math:`P(\hat p < p_\tau/2)` with
    :math:`\varepsilon = p_\tau/2` (Appendix A.2.3)."""
    n = _validate.positive_int("n", n)
    return 2.0 * math.exp(-n * _validate.in_interval("p_tau", p_tau, 0, 1, closed_hi=True) ** 2 / 2)


def p_tau_cone(tau, phi, d) -> float:
    r""":math:`p_\tau` of Assumption 3.1 for x uniform on a sphere in :math:`\mathbb R^d` and :math:`\Theta^*` a cone of
    half-angle ``phi`` (radians) around a unit vector u: :math:`|\cos(x, \theta)|\ge\tau` for every :math:`\theta` in
    the cone iff the angle between x and :math:`\pm u` is at most :math:`\psi = \arccos\tau - \varphi`, and
    :math:`\cos^2(x, u)\sim\mathrm{Beta}(\frac12, \frac{d-1}2)`, so
    :math:`p_\tau = 1 - I_{\cos^2\psi}(\frac12, \frac{d-1}2)`."""
    tau = _validate.in_interval("tau", tau, 0, 1)
    phi_ = _validate.real("phi", phi)
    if not 0 <= phi_ < math.acos(tau):
        raise ValueError(f"phi must lie in [0, arccos(tau)) = [0, {math.acos(tau):.6g}), got {phi!r}")
    d = _validate.positive_int("d", d)
    if d < 2:
        raise ValueError(f"d must be >= 2, got {d}")
    return float(special.betaincc(0.5, (d - 1) / 2, math.cos(math.acos(tau) - phi_) ** 2))


def bounded_set_constants(r_max, b_x, d) -> tuple[float, float, float]:
    r"""(:math:`\kappa, \kappa_1, \kappa_2`) of Theorem 3.2 (Appendix A.2.3: 'Since we assume :math:`\Theta^*` is
    bounded') for :math:`\|\theta\|\le r_{max}` and :math:`\|x\|\le b_x\sqrt d`: with :math:`B = r_{max}b_x\sqrt d\ge
    |\theta^\top x|`, :math:`\kappa = g(B)g(-B) = \min_{|u|\le B} g(u)(1-g(u))`, :math:`\kappa_1 = g(-B)` and
    :math:`\kappa_2 = g(B)` (the range of :math:`|g - y|` for y in {0, 1})."""
    B = _validate.positive("r_max", r_max) * _validate.positive("b_x", b_x) * math.sqrt(_validate.positive_int("d", d))
    return float(special.expit(B) * special.expit(-B)), float(special.expit(-B)), float(special.expit(B))


def mixup_minus_adversarial(theta, X, y, eps, alpha=1.0, beta=1.0, *, norm="inf") -> float:
    r""":math:`\tilde L^{mix}_n(\theta, S) - \frac1n\sum_i\tilde\ell_{adv}(\eta, (x_i, y_i))` on the ball of radius
    :math:`\eta` = ``eps``, the inequality of Theorem 3.2 as a difference (>= 0 where it holds), for logistic
    regression :math:`f_\theta(x) = \theta^\top x`: Eq. (3) by :func:`~mixverify.losses.approx_mixup_loss` minus
    Eq. (5) by :func:`~mixverify.adversarial.taylor_adversarial_loss`. Theorem 3.2 as printed is the l2 ball of radius
    :math:`\varepsilon\sqrt d`: ``eps = attack_radius(paper_eps, d, 2)``, ``norm=2``. y must be 0 or 1 (Section 3.2)."""
    X, y = _validate.data(X, y, logistic=True)
    _validate.binary_labels(y, "Theorem 3.2")
    f = linear_model(_validate.as_tensor("theta", theta, ndim=1, like=X))
    eps = _validate.nonnegative("eps", eps)
    with torch.no_grad():
        return float(approx_mixup_loss(f, X, y, alpha, beta) - taylor_adversarial_loss(f, X, y, eps, norm=norm))


def _constants(p_tau, tau, kappa, kappa1, kappa2):
    k, k1, k2 = _validate.real("kappa", kappa), _validate.real("kappa1", kappa1), _validate.real("kappa2", kappa2)
    if not 0 < k <= 0.25:
        raise ValueError(f"kappa must lie in (0, 1/4] (a lower bound on g(1-g)), got {kappa!r}")
    if not 0 < k1 <= k2 <= 1:
        raise ValueError(f"need 0 < kappa1 <= kappa2 <= 1 (bounds on |g - y|), got {kappa1!r}, {kappa2!r}")
    return _validate.in_interval("p_tau", p_tau, 0, 1, closed_hi=True), _validate.in_interval("tau", tau, 0, 1), k, k1, k2


# --- Theorem B.1 (ReLU / max-pooling networks) ---------------------------------------------------------

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


def relu_gradient_bound(W, beta, realised=False) -> float:
    r""":math:`\sup_x\|\nabla f(x)\|` for :math:`f(x) = \beta^\top\mathrm{ReLU}(Wx)`: the largest
    :math:`\|W^\top(\beta\odot a)\|` over the activation patterns :math:`a\in\{0,1\}^k`. With ``realised`` only the
    patterns some x has (an open cone :math:`\{x: (2a_j - 1)w_j^\top x > 0\ \forall j\}` that is not empty, one linear
    programme each) count, which gives the supremum itself; otherwise every pattern counts (an upper bound). W is
    (k, d) with k <= 16 (k <= 10 with ``realised``)."""
    W = np.asarray(W, float)
    beta = np.asarray(beta, float)
    k = _validate.positive_int("k", W.shape[0])
    if k > (10 if realised else 16) or beta.shape != (k,):
        raise ValueError(f"need W of shape (k, d) with k <= {10 if realised else 16} and beta of shape (k,), got "
                         f"{W.shape}, {beta.shape}")
    patterns = np.array(list(itertools.product((0.0, 1.0), repeat=k)))
    if realised:
        patterns = patterns[[_pattern_realised(W, a) for a in patterns]]
    return float(np.linalg.norm((patterns * beta) @ W, axis=1).max())


def _pattern_realised(W, a) -> bool:
    """Is there x with (2a_j - 1) w_j^T x >= 1 for every unit j (the open cone of pattern a is not empty)?"""
    sign = 2 * a - 1
    res = optimize.linprog(np.zeros(W.shape[1]), A_ub=-sign[:, None] * W, b_ub=-np.ones(len(a)),
                           bounds=[(None, None)] * W.shape[1], method="highs")
    return res.status == 0


# --- logistic regression: the closed forms the checks of Theorems 3.2 and B.1 evaluate ----------------------

def sphere_logistic_data(n, d, signal, rng, centre=True):
    """(X, y, X_raw): n points uniform on the sphere of radius sqrt(d) in R^d, labels y ~ Bern(g(signal x_1))
    (theta_0 = signal e_1); X is X_raw minus its mean when ``centre``."""
    Z = rng.normal(size=(n, d))
    X = Z / np.linalg.norm(Z, axis=1, keepdims=True) * math.sqrt(d)
    y = (rng.uniform(size=n) < special.expit(signal * X[:, 0])).astype(float)
    return (X - X.mean(0) if centre else X), y, X


def two_zone_data(n, d, rng, p=0.3, zone=(0.85, 0.95), boundary=0.01):
    """n points on the sphere of radius sqrt(d) in R^d whose |cos(x, e_1)| is uniform on ``zone`` with probability
    ``p`` and equals ``boundary`` otherwise (a random sign; the rest of x uniform on the orthogonal sphere): the law
    that puts Theorems 3.2 and B.1 closest to their bounds in the proof's reading (see :func:`two_zone_p_tau`)."""
    Z = rng.normal(size=(n, d))
    Z[:, 0] = 0.0
    Z /= np.linalg.norm(Z, axis=1, keepdims=True)
    c = np.where(rng.uniform(size=n) < p, rng.uniform(*zone, size=n), boundary) * rng.choice([-1.0, 1.0], size=n)
    Z *= np.sqrt(1 - c * c)[:, None]
    Z[:, 0] = c
    return Z * math.sqrt(d)


def two_zone_p_tau(tau, p=0.3, zone=(0.85, 0.95), boundary=0.01) -> float:
    """P(|cos(x, e_1)| >= tau) under :func:`two_zone_data`'s law."""
    lo, hi = zone
    return p * min(1.0, max(0.0, (hi - tau) / (hi - lo))) + (1 - p) * float(boundary >= tau)


def logistic_mixup_parts(theta, X, y, m1, m2):
    """L_std, R1, R2 of Eq. (3) for f = theta^T x on mean-zero rows of X (R3 = 0), and the per-example u = theta^T x,
    g = g(u), s = g(1 - g), and q = theta^T Sigma_hat theta = mean(u^2) (Sigma_hat = X^T X / n, X centred)."""
    u = X @ theta
    g = special.expit(u)
    s = g * (1 - g)
    uu = u * u
    q = float(np.mean(uu))
    lstd = np.mean(np.logaddexp(0, u) - y * u)
    return lstd, m1 * np.mean((y - g) * u), m2 / 2 * np.mean(s * (q + uu)), u, g, s, q


def logistic_mixup_objective(theta, X, y, m1, m2):
    """Eq. (3)'s L~_mix for f = theta^T x on mean-zero rows of X, and its gradient in theta."""
    lstd, r1, r2, u, g, s, q = logistic_mixup_parts(theta, X, y, m1, m2)
    du = (g - y) + m1 * ((y - g) - s * u) + m2 / 2 * (s * (1 - 2 * g) * (q + u * u) + 2 * s * u) + m2 * np.mean(s) * u
    return lstd + r1 + r2, X.T @ du / len(y)


def logistic_slack_terms(theta, X, y, m1, m2) -> tuple[float, float, float]:
    """(c, a, b) with :func:`logistic_slack` = c - a eta - b eta^2: c = R1 + R2, a = ||theta|| mean|g - y|,
    b = ||theta||^2 mean g(1-g) / 2."""
    _, r1, r2, _, g, s, _ = logistic_mixup_parts(theta, X, y, m1, m2)
    t = float(np.linalg.norm(theta))
    return float(r1 + r2), t * float(np.mean(np.abs(g - y))), t * t * float(np.mean(s)) / 2


def logistic_slack(theta, X, y, eta, m1, m2) -> float:
    r""":math:`\tilde L^{mix}_n - \frac1n\sum_i\tilde\ell_{adv}(\eta, (x_i, y_i)) = \mathcal R_1 + \mathcal R_2
    - \eta\|\theta\|\overline{|g - y|} - \frac{\eta^2}2\|\theta\|^2\bar s` (:math:`\eta` the :math:`\ell_2` radius)."""
    c, a, b = logistic_slack_terms(theta, X, y, m1, m2)
    return c - eta * a - eta**2 * b


def logistic_largest_radius(theta, X, y, m1, m2, terms=None) -> float:
    """The largest l2 radius eta with :func:`logistic_slack` >= 0 (a concave quadratic in eta); -1 when the slack is
    negative at eta = 0 (R1 + R2 < 0). ``terms``: :func:`logistic_slack_terms` if already computed."""
    c, a, b = terms if terms is not None else logistic_slack_terms(theta, X, y, m1, m2)
    return float((-a + math.sqrt(a * a + 4 * b * c)) / (2 * b)) if c >= 0 else -1.0


def fit_logistic_mixup(X, y, m1, m2, starts, newton=True):
    """The minimiser of Eq. (3) for f = theta^T x: BFGS (gtol 1e-10) from each start, the lowest value kept. Returns
    (theta, the length of the Newton step to the exact minimiser, the smallest eigenvalue of the Hessian), the Hessian
    by central differences of the analytic gradient (both NaN without ``newton``)."""
    best = None
    for x0 in starts:
        r = optimize.minimize(logistic_mixup_objective, x0, args=(X, y, m1, m2), jac=True, method="BFGS",
                              options={"gtol": 1e-10})
        if best is None or r.fun < best.fun:
            best = r
    theta = best.x
    if not newton:
        return theta, math.nan, math.nan
    h = 1e-5
    H = np.array([(logistic_mixup_objective(theta + h * e, X, y, m1, m2)[1]
                   - logistic_mixup_objective(theta - h * e, X, y, m1, m2)[1]) / (2 * h) for e in np.eye(len(theta))])
    H = (H + H.T) / 2
    step = np.linalg.solve(H, logistic_mixup_objective(theta, X, y, m1, m2)[1])
    return theta, float(np.linalg.norm(step)), float(np.linalg.eigvalsh(H).min())


class Cone:
    r""":math:`\Theta^* = \{\theta: \angle(\theta, u)\le\varphi,\ r_{lo}\le\|\theta\|\le r_{hi}\}`, a cone of half-angle
    :math:`\varphi` around the unit vector u cut to a range of norms (Assumption 3.1 made concrete);
    :meth:`around` reads it off pilot minimisers, widened by a margin."""

    def __init__(self, u, phi, r_lo, r_hi):
        self.u, self.phi, self.r_lo, self.r_hi = np.asarray(u, float), float(phi), float(r_lo), float(r_hi)

    @classmethod
    def around(cls, thetas, u, margin=1.0, share=1.0) -> Cone:
        """The cone holding the pilots ``thetas``: half-angle the ``share`` quantile of their angles to u, norms
        between their (1 - share)/2 and (1 + share)/2 quantiles (share = 1: the largest angle and the norm range),
        widened by ``margin`` (angle times margin, norms divided and multiplied by it)."""
        norms = [float(np.linalg.norm(t)) for t in thetas]
        lo, hi = np.quantile(norms, [(1 - share) / 2, (1 + share) / 2])
        return cls(u, margin * float(np.quantile([angle(t, u) for t in thetas], share)), float(lo) / margin,
                   margin * float(hi))

    def contains(self, theta) -> bool:
        return angle(theta, self.u) <= self.phi and self.r_lo <= float(np.linalg.norm(theta)) <= self.r_hi


def angle(a, b) -> float:
    """The angle between a and b in [0, pi] (signed cosine)."""
    c = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    return math.acos(min(1.0, max(-1.0, c)))


def logistic_slack_tolerance(theta, X, y, eta, m1, m2, dist):
    """How far :func:`logistic_slack` at a fitted theta may be from its value at the exact minimiser, at each radius in
    ``eta`` (a number or an array): |grad_theta slack| (central differences of :func:`logistic_slack_terms`) times
    ``dist`` (the Newton step to the exact minimiser), plus 1e3 ulp of max(1, |slack|)."""
    eta = np.asarray(eta, float)
    h = 1e-6
    grads = np.array([(np.array(logistic_slack_terms(theta + h * e, X, y, m1, m2))
                       - np.array(logistic_slack_terms(theta - h * e, X, y, m1, m2))) / (2 * h) for e in np.eye(len(theta))])
    grad = np.sqrt(sum((gc - ga * eta - gb * eta**2) ** 2 for gc, ga, gb in grads))
    c, a, b = logistic_slack_terms(theta, X, y, m1, m2)
    out = grad * dist + 1e3 * np.finfo(float).eps * np.maximum(1.0, np.abs(c - a * eta - b * eta**2))
    return float(out) if out.ndim == 0 else out


# --- n-dependence: Theorem 3.1's R, Mixup's minimizers along nested samples, Assumption 3.1's p_tau in d = 2 ----------

def min_abs_cosine(theta, X) -> float:
    r"""Theorem 3.1's :math:`R = \min_i|\cos(\theta, x_i)|` for :math:`f = \theta^\top x` (rows of X, numpy)."""
    theta, X = np.asarray(theta, float), np.asarray(X, float)
    return float(np.min(np.abs(X @ theta) / (np.linalg.norm(X, axis=1) * np.linalg.norm(theta))))


def nested_minimizers(X_raw, y, ns, m1, m2, start) -> np.ndarray:
    """The minimizer of Eq. (3) (:func:`fit_logistic_mixup`) on each prefix ``X_raw[:n]``, centred, for n in ``ns``
    (increasing): nested samples S_n within S_{n'} for n < n'. Each fit starts from the previous minimizer (the first
    from ``start``). Returns an array (len(ns), d)."""
    out, theta = [], np.asarray(start, float)
    for n in ns:
        X = X_raw[:n] - X_raw[:n].mean(0)
        theta = fit_logistic_mixup(X, y[:n], m1, m2, (theta,), newton=False)[0]
        out.append(theta)
    return np.array(out)


class Exponent(NamedTuple):
    """The mean over sequences of the least-squares slope of log(value) on log(n), the half-width of its two-sided
    t-interval, and the per-sequence slopes; ``upper``/``lower`` are the interval's ends."""

    slope: float
    half_width: float
    slopes: np.ndarray

    @property
    def upper(self) -> float:
        return self.slope + self.half_width

    @property
    def lower(self) -> float:
        return self.slope - self.half_width


def exponent_in_n(values, ns, confidence=0.99) -> Exponent:
    r"""The exponent b of :math:`v\propto n^b` from K independent sequences: ``values`` is (K, len(ns)), row k one
    sequence (nested samples, so its entries are dependent); each row's least-squares slope of log v on log n is one
    independent draw, and the t-interval (``confidence``, K - 1 degrees of freedom) is over the K slopes."""
    v = np.asarray(values, float)
    ns = np.asarray(ns, float)
    if v.ndim != 2 or v.shape[1] != len(ns) or v.shape[0] < 2 or len(ns) < 2:
        raise ValueError(f"need values of shape (K >= 2, len(ns) >= 2), got {v.shape} for {len(ns)} sizes")
    if not np.all(v > 0):
        raise ValueError("values must be > 0 (their logarithms are fitted)")
    ln = np.log(ns) - np.log(ns).mean()
    slopes = (np.log(v) @ ln) / (ln @ ln)
    half = stats.t.ppf(0.5 + confidence / 2, len(slopes) - 1) * slopes.std(ddof=1) / math.sqrt(len(slopes))
    return Exponent(float(slopes.mean()), float(half), slopes)


def cone_min_abs_cos(X, u, phi) -> np.ndarray:
    r""":math:`\min_\theta|\cos(x, \theta)|` over the cone of half-angle :math:`\varphi` around the unit vector u, for
    every row x of X: :math:`\max(0, \cos(\min(a, \pi - a) + \varphi))` with a the angle between x and u (the
    nearest direction of the cone to the line of x lies on the great circle through x and u)."""
    X = np.asarray(X, float)
    c = np.abs(X @ np.asarray(u, float)) / np.linalg.norm(X, axis=1)
    return np.maximum(0.0, np.cos(np.arccos(np.minimum(1.0, c)) + float(phi)))


def p_tau_lines(angles, phi, tau) -> float:
    r""":math:`p_\tau` of Assumption 3.1 in d = 2 for x uniform on the circle and :math:`\Theta^*` the union of cones of
    half-angle :math:`\varphi` around finitely many directions (``angles``, radians): with :math:`g_j` the gaps between
    the directions' lines (angles mod :math:`\pi`, sorted, the gaps summing to :math:`\pi`),
    :math:`p_\tau = \sum_j\max(0, g_j - 2(\varphi + \arcsin\tau))/\pi`: x qualifies iff its normal line is at least
    :math:`\varphi + \arcsin\tau` from every direction's line."""
    a = np.sort(np.mod(np.asarray(angles, float).ravel(), math.pi))
    if a.size == 0:
        raise ValueError("need at least one direction")
    phi_, tau_ = _validate.real("phi", phi), _validate.real("tau", tau)
    if phi_ < 0 or not 0 <= tau_ < 1:
        raise ValueError(f"need phi >= 0 and tau in [0, 1), got {phi!r}, {tau!r}")
    gaps = np.diff(np.append(a, a[0] + math.pi))
    return float(np.sum(np.maximum(0.0, gaps - 2 * (phi_ + math.asin(tau_)))) / math.pi)
