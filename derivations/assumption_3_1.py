r"""Assumption 3.1: when :math:`p_\tau > 0` for some :math:`\tau`, the paper's sufficient conditions, and footnote 1.

:math:`p_\tau = P(|\cos(x, \theta)|\ge\tau\ \forall\theta\in\Theta^*)`. For x with mass in every solid angle and a
closed :math:`\Theta^*`, :math:`p_\tau > 0` for some :math:`\tau > 0` iff some direction :math:`x_0` is orthogonal to no
element of :math:`\Theta^*`: then :math:`m_0 = \min_{\Theta^*}|\cos(x_0, \theta)| > 0`, and every x within the angle
:math:`\rho` of :math:`\pm x_0` has :math:`|\cos(x, \theta)|\ge m_0 - \rho` (facts 5-6), a cap of positive mass.

**Finite (discrete) sets, d = 2** (x uniform on the circle, :math:`\Theta^*` the union of cones of half-angle
:math:`\varphi` around m directions whose lines leave gaps :math:`g_j` summing to :math:`\pi`):
:math:`p_\tau = \sum_j\max(0, g_j - 2(\varphi + \arcsin\tau))/\pi` (``mixverify.certified.p_tau_lines``).

1. m equally spaced lines, x midway between two of them: :math:`\min_k|\cos| = \cos(\frac\pi2 - \frac\pi{2m})
   = \sin\frac\pi{2m}`, the largest :math:`\tau` with :math:`p_\tau > 0` (:math:`\varphi = 0`).
2. m equally spaced lines with :math:`\varphi = \arcsin\tau = \pi/(8m)`: :math:`p_\tau = 1/2`.
3. Any m lines: the largest gap is at least :math:`\pi/m` (the gaps sum to :math:`\pi`), so with
   :math:`\varphi = \arcsin\tau = \pi/(8m)`, :math:`p_\tau\ge(\pi/m - \pi/(2m))/\pi = 1/(2m) > 0`: **discrete suffices**.
4. :math:`\sin\frac\pi{2m}\to0` as :math:`m\to\infty`: a set of directions all over the circle admits no
   :math:`\tau > 0` (**"should not be located all over the sphere" is necessary**).

**The cap argument** (any d):

5. :math:`\|x - x_0\|^2 = 2 - 2\cos\rho = 4\sin^2(\rho/2)` for unit vectors at angle :math:`\rho`, and
6. :math:`\frac{d}{d\rho}(\rho - 2\sin\frac\rho2) = 1 - \cos\frac\rho2\ge0`, so :math:`\|x - x_0\|\le\rho` and
   :math:`|x^\top\theta - x_0^\top\theta|\le\rho`.

**Sub-manifolds: a solid angle disjoint from the minimizers is not enough.**

7. The great circle :math:`\{\theta_3 = 0\}` in :math:`\mathbb R^3`: for every x, :math:`\theta = (-x_2, x_1, 0)` lies in
   its plane and :math:`\theta^\top x = 0` (for :math:`x = \pm e_3` every :math:`\theta` of the circle is orthogonal), so
   :math:`p_\tau = 0` for every :math:`\tau > 0`, although the solid angle :math:`\{\angle(x, e_3) < \pi/4\}` is disjoint
   from it (:math:`\cos(\theta, e_3) = 0` on the circle).
8. The closed half-circle :math:`\{\theta_2\ge0\}` in :math:`\mathbb R^2`: for :math:`x = (\cos\xi, \sin\xi)` one of
   :math:`\pm(-\sin\xi, \cos\xi)` lies in it and is orthogonal to x; the lower half-plane is a disjoint solid angle.
9. A circle at polar angle :math:`\gamma` around :math:`e_3`: :math:`x^\top\theta(t) = \rho\sin\gamma\cos(t - \psi) +
   x_3\cos\gamma` for :math:`x = (\rho\cos\psi, \rho\sin\psi, x_3)`, so :math:`\min_t|x^\top\theta(t)| =
   \max(0, |x_3|\cos\gamma - \rho\sin\gamma)`: positive at :math:`x = e_3` iff :math:`\gamma < \pi/2` (only the great
   circle fails).

**Footnote 1** ("well-separation"): without a signal the population minimizer has no direction.

10. To second order (derivations/theorem_3_2.py), :math:`\tilde L^{mix}\approx\log2 - (1-m_1)\theta^\top c +
    (\frac18 - \frac{m_1}4 + \frac{m_2}4)\theta^\top\Sigma\theta` with :math:`c = \mathbb E[(y - \frac12)x]`; the
    quadratic coefficient is :math:`(1 - m_1)/8` at :math:`m_2 = m_1/2`, and
11. :math:`1 - m_1 = (\alpha^2 + \beta^2 + \alpha + \beta)/((\alpha+\beta)(\alpha+\beta+1)) > 0`: at signal 0
    (:math:`c = 0`) the unique minimizer is :math:`\theta = 0`, whose direction is undefined, so the sample minimizers'
    directions do not concentrate (the check's power instance).
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import alpha, beta, is_zero
from .lemma_3_1 import M1, M2

m = sp.Symbol("m", positive=True, integer=True)
rho, xi, gamma, psi, t = sp.symbols("rho xi gamma psi t", real=True)
x1, x2, x3, r_ = sp.symbols("x_1 x_2 x_3 r", real=True)
m1, m2 = sp.symbols("m_1 m_2", positive=True)
#: The largest tau with p_tau > 0 for m equally spaced lines (d = 2).
BEST_TAU = sp.sin(sp.pi / (2 * m))


def p_tau_equal_lines(lines, phi, asin_tau):
    """p_tau for ``lines`` equally spaced lines in d = 2 (every gap pi/lines), cones of half-angle phi, at the tau with
    arcsin(tau) = ``asin_tau``."""
    return lines * (sp.pi / lines - 2 * (phi + asin_tau)) / sp.pi


def derive(best_tau=BEST_TAU) -> Derivation:
    """``best_tau`` is the largest tau with p_tau > 0 for m equally spaced lines (plant another to see fact 1 reject
    it)."""
    eighth = sp.pi / (8 * m)
    theta_perp = sp.Matrix([-x2, x1, 0])
    x = sp.Matrix([x1, x2, x3])
    x_circle = sp.Matrix([r_ * sp.cos(psi), r_ * sp.sin(psi), x3])
    theta_t = sp.Matrix([sp.sin(gamma) * sp.cos(t), sp.sin(gamma) * sp.sin(t), sp.cos(gamma)])
    quad = sp.Rational(1, 8) - m1 / 4 + m2 / 4
    facts = [
        ("m equally spaced lines, x midway: min_k |cos| = cos(pi/2 - pi/(2m)) = sin(pi/(2m)) (the largest tau)",
         *is_zero(sp.cos(sp.pi / 2 - sp.pi / (2 * m)) - best_tau), "decisive"),
        ("m equally spaced lines, phi = asin(tau) = pi/(8m): p_tau = 1/2",
         *is_zero(p_tau_equal_lines(m, eighth, eighth) - sp.Rational(1, 2)), "decisive"),
        ("any m lines (largest gap >= pi/m), phi = asin(tau) = pi/(8m): p_tau >= (pi/m - 2 (phi + asin tau))/pi = 1/(2m)",
         *is_zero((sp.pi / m - 2 * (eighth + eighth)) / sp.pi - 1 / (2 * m)), "decisive"),
        ("dense directions: the largest tau sin(pi/(2m)) -> 0 as m -> infinity (no tau > 0 survives)",
         *is_zero(sp.limit(best_tau, m, sp.oo)), "decisive"),
        ("unit vectors at angle rho: ||x - x_0||^2 = 2 - 2 cos(rho) = 4 sin^2(rho/2)",
         *is_zero(2 - 2 * sp.cos(rho) - 4 * sp.sin(rho / 2) ** 2), "decisive"),
        ("d/drho (rho - 2 sin(rho/2)) = 1 - cos(rho/2) >= 0: ||x - x_0|| <= rho, so |cos(x, theta)| >= m_0 - rho",
         *is_zero(sp.diff(rho - 2 * sp.sin(rho / 2), rho) - (1 - sp.cos(rho / 2))), "decisive"),
        ("great circle {theta_3 = 0}: theta = (-x_2, x_1, 0) is in its plane and theta^T x = 0 for every x",
         *is_zero((theta_perp.T * x)[0] + theta_perp[2])),
        ("closed half-circle {theta_2 >= 0}: +-(-sin xi, cos xi) is orthogonal to (cos xi, sin xi), second coordinate "
         "+-cos xi (one of them >= 0)", *is_zero(-sp.sin(xi) * sp.cos(xi) + sp.cos(xi) * sp.sin(xi))),
        ("circle at polar angle gamma: x^T theta(t) = rho sin(gamma) cos(t - psi) + x_3 cos(gamma)",
         *is_zero((x_circle.T * theta_t)[0] - (r_ * sp.sin(gamma) * sp.cos(t - psi) + x3 * sp.cos(gamma)))),
        ("signal 0: the quadratic coefficient 1/8 - m1/4 + m2/4 of L~_mix is (1 - m1)/8 at m2 = m1/2",
         *is_zero(quad.subs(m2, m1 / 2) - (1 - m1) / 8)),
        ("1 - E[1-lambda] = (alpha^2 + beta^2 + alpha + beta)/((alpha+beta)(alpha+beta+1)) > 0 (E[(1-lambda)^2] = "
         "E[1-lambda]/2 too): the minimizer at signal 0 is theta = 0",
         *is_zero(1 - M1 - (alpha**2 + beta**2 + alpha + beta) / ((alpha + beta) * (alpha + beta + 1)))),
        ("E[(1-lambda)^2] = E[1-lambda]/2 under tilde-D_lambda", *is_zero(M2 - M1 / 2)),
    ]
    latex = (
        r"\begin{aligned}"
        r"&d = 2:\ p_\tau = \frac1\pi\sum_j\max\big(0, g_j - 2(\varphi + \arcsin\tau)\big),\ \sum_j g_j = \pi"
        r"\ \Rightarrow\ p_\tau\ge\frac1{2m}\ \text{at}\ \varphi = \arcsin\tau = \frac\pi{8m}\\"
        r"&m\ \text{equally spaced lines: }\sup\{\tau: p_\tau > 0\} = \sin\frac\pi{2m}\to0\\"
        r"&\|x - x_0\| = 2\sin\frac\rho2\le\rho\ \Rightarrow\ |\cos(x,\theta)|\ge m_0 - \rho\ \text{on a cap}\\"
        r"&\{\theta_3 = 0\}:\ (-x_2, x_1, 0)^\top x = 0\ \forall x\ \Rightarrow\ p_\tau = 0\ \forall\tau > 0\\"
        r"&\min_t|x^\top\theta_\gamma(t)| = \max(0, |x_3|\cos\gamma - \rho\sin\gamma)"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
