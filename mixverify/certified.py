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
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import torch
from scipy import special

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
    return 2.0 * math.exp(-n * _p_tau(p_tau) ** 2 / 2)


def p_tau_cone(tau, phi, d) -> float:
    r""":math:`p_\tau` of Assumption 3.1 for x uniform on a sphere in :math:`\mathbb R^d` and :math:`\Theta^*` a cone of
    half-angle ``phi`` (radians) around a unit vector u: :math:`|\cos(x, \theta)|\ge\tau` for every :math:`\theta` in
    the cone iff the angle between x and :math:`\pm u` is at most :math:`\psi = \arccos\tau - \varphi`, and
    :math:`\cos^2(x, u)\sim\mathrm{Beta}(\frac12, \frac{d-1}2)`, so
    :math:`p_\tau = 1 - I_{\cos^2\psi}(\frac12, \frac{d-1}2)`."""
    tau = _tau(tau)
    phi_ = _real("phi", phi)
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


def mixup_minus_adversarial(theta, X, y, eps, alpha=1.0, beta=1.0) -> float:
    r""":math:`\tilde L^{mix}_n(\theta, S) - \frac1n\sum_i\tilde\ell_{adv}(\varepsilon\sqrt d, (x_i, y_i))`, the
    inequality of Theorem 3.2 as a difference (>= 0 where it holds), for logistic regression
    :math:`f_\theta(x) = \theta^\top x`: Eq. (3) by :func:`~mixverify.losses.approx_mixup_loss` minus Eq. (5) by
    :func:`~mixverify.adversarial.taylor_adversarial_loss`. y must be 0 or 1 (Section 3.2)."""
    X, y = _validate.data(X, y, logistic=True)
    _validate.binary_labels(y, "Theorem 3.2")
    f = linear_model(_validate.as_tensor("theta", theta, ndim=1, like=X))
    with torch.no_grad():
        return float(approx_mixup_loss(f, X, y, alpha, beta) - taylor_adversarial_loss(f, X, y, float(eps)))


def _real(name, value) -> float:
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None


def _tau(tau) -> float:
    t = _real("tau", tau)
    if not 0 < t < 1:
        raise ValueError(f"tau must lie in (0, 1), got {tau!r}")
    return t


def _p_tau(p_tau) -> float:
    p = _real("p_tau", p_tau)
    if not 0 < p <= 1:
        raise ValueError(f"p_tau must lie in (0, 1], got {p_tau!r}")
    return p


def _constants(p_tau, tau, kappa, kappa1, kappa2):
    k, k1, k2 = _real("kappa", kappa), _real("kappa1", kappa1), _real("kappa2", kappa2)
    if not 0 < k <= 0.25:
        raise ValueError(f"kappa must lie in (0, 1/4] (a lower bound on g(1-g)), got {kappa!r}")
    if not 0 < k1 <= k2 <= 1:
        raise ValueError(f"need 0 < kappa1 <= kappa2 <= 1 (bounds on |g - y|), got {kappa1!r}, {kappa2!r}")
    return _p_tau(p_tau), _tau(tau), k, k1, k2


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
