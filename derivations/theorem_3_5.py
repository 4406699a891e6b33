r"""Theorem 3.5 / Theorem A.1: the pieces of the Rademacher bound for :math:`\mathcal W^{NN}_\gamma`.

For a fixed first layer W, with :math:`h_i = \sigma(Wx_i)` and :math:`\Sigma = \Sigma^\sigma_X`:

1. :math:`\sup\{\theta^\top v : \theta^\top\Sigma\theta\le\gamma\} = \sqrt{\gamma\,v^\top\Sigma^{-1}v}`, attained at
   :math:`\theta^* = \sqrt\gamma\,\Sigma^{-1}v/\sqrt{v^\top\Sigma^{-1}v}` (feasible, and :math:`v\parallel\Sigma\theta^*`:
   the KKT condition of a convex problem), checked for a symbolic 2 x 2 SPD :math:`\Sigma`.
2. :math:`\mathbb E_\xi\|\sum_i\xi_ia_i\|^2 = \sum_i\|a_i\|^2` and :math:`\mathbb E_\xi\sum_i\xi_ia_i = 0`
   (all :math:`2^n` sign patterns, n = 3): the first display of A.3.3 as printed,
   :math:`\|\mathbb E_\xi[\cdot]\|`, is identically 0; :math:`\mathbb E_\xi\|\cdot\|` is what the argument needs.
3. :math:`\mathbb E[h^\top A h] = \mathrm{tr}(A\Sigma) + \mu^\top A\mu` (any law; here a 3-point law in
   :math:`\mathbb R^2`), so with :math:`A = \Sigma^\dagger`, :math:`\mathbb E[h^\top\Sigma^\dagger h]
   = \mathrm{rank}(\Sigma) + \|\Sigma^{\dagger/2}\mu\|^2`: the source of Theorem A.1's :math:`\mu` term,
   which the proof's last line drops.
4. :math:`(\sqrt a + \sqrt b)^2 + (\sqrt a - \sqrt b)^2 = 2(a + b)`: the two terms of the split combine to at most
   :math:`\sqrt{2\gamma(\mathrm{rank} + \|\Sigma^{\dagger/2}\mu\|^2)/n} \le 2\sqrt{\cdot}` (Theorem A.1's factor 2 is valid).
5. :math:`\mathbb E|\sum_{i=1}^n\xi_i| = \mathbb E|2B - n|`, B ~ Bin(n, 1/2) (n = 1..6 by enumeration): the
   intercept's contribution :math:`b_0\mathbb E|\sum\xi_i|/n`, which no :math:`\gamma` controls.
6. :math:`(y-u)^2 - (y-u')^2 = (u'-u)(2y-u-u')`: on :math:`|u|\le U, |y|\le Y` the squared loss is
   :math:`2(U+Y)`-Lipschitz in u and bounded by :math:`(U+Y)^2`: the constants L and B.
7. A constant hidden feature :math:`h_k\equiv c\ne0` puts :math:`e_k` in :math:`\ker\Sigma` with
   :math:`e_k^\top\mu = c`: :math:`\theta_1 = te_k` satisfies :math:`\theta_1^\top\Sigma\theta_1 = 0\le\gamma` for all t
   and gives the constant function tc: :math:`\mathcal W^{NN}_\gamma` contains every constant.
8. One unit-norm hidden unit, :math:`h = \sigma(w^\top x)` with :math:`\mathbb E h^2 = 1/2`, :math:`\mathbb Eh = \mu`, labels
   :math:`y = Y\varepsilon` independent of x: :math:`L(\theta) = Y^2 + \theta_1^2/2 + 2\theta_0\theta_1\mu + \theta_0^2`,
   and the gap :math:`L(\theta) - L^{std}_n` (here n = 3) is :math:`A\theta_1^2 + B\theta_1 + 2\theta_0\bar y + Y^2 -
   \overline{y^2}` with :math:`A = \frac12 - \overline{h^2}`, :math:`B = 2\theta_0(\mu - \bar h) + 2\overline{yh}`: the
   :math:`\theta_0^2` terms cancel, so the best :math:`\theta_0` is :math:`\pm b_0` (mixverify.manifold.unit_gap).
"""

import itertools

import sympy as sp

from mixverify.claim import Derivation

from ._rademacher import ellipsoid_sup, quadratic_form_mean, rademacher_moments
from .lemma_3_4 import rational_zero


def derive(lipschitz=2) -> Derivation:
    """``lipschitz``: the factor in L = lipschitz (U + Y) (plant 1 to see fact 6 fail)."""
    sup = ellipsoid_sup()
    feasible, attained, kkt = sup["feasible"], sup["attained"], sup["kkt"]
    moments = rademacher_moments(3)
    e_sq, e_lin = moments["second"], moments["first"]
    quad = quadratic_form_mean()

    x, z = sp.symbols("a b", nonnegative=True)
    split = (sp.sqrt(x) + sp.sqrt(z)) ** 2 + (sp.sqrt(x) - sp.sqrt(z)) ** 2 - 2 * (x + z)

    binom = sum(abs(sum(s)) for s in itertools.product((-1, 1), repeat=6)) / sp.Integer(2) ** 6
    formula = sum(sp.binomial(6, k) * abs(2 * k - 6) for k in range(7)) / sp.Integer(2) ** 6

    y, u, u2, U, Y = sp.symbols("y u u' U Y", real=True)
    lip = (y - u) ** 2 - (y - u2) ** 2 - (u2 - u) * (2 * y - u - u2)
    worst_slope = 2 * Y + U + U  # max |2y - u - u'| on the box
    c, t = sp.symbols("c t", real=True)
    s22 = sp.Symbol("s22", real=True)
    Sc = sp.Matrix([[0, 0], [0, s22]])  # feature 1 constant c, feature 2 with variance s22
    ek = sp.Matrix([1, 0])

    t1, t0, mu_, Yl = sp.symbols("theta_1 theta_0 mu Y", real=True)
    hs, ys = sp.symbols("h1:4", real=True), sp.symbols("y1:4", real=True)
    eps = sp.Symbol("epsilon", real=True)  # E eps = 0, eps^2 = 1, independent of h: E[(Y eps - f)^2] below
    f_h = t1 * sp.Symbol("h") + t0
    pop = sp.expand((Yl * eps - f_h) ** 2)
    pop = pop.subs(eps**2, 1).subs(eps, 0).subs(sp.Symbol("h") ** 2, sp.Rational(1, 2)).subs(sp.Symbol("h"), mu_)
    loss_n = sum((yi - t1 * hi - t0) ** 2 for yi, hi in zip(ys, hs)) / 3
    mean = lambda v: sum(v) / 3  # noqa: E731
    A = sp.Rational(1, 2) - mean([hi**2 for hi in hs])
    Bq = 2 * t0 * (mu_ - mean(hs)) + 2 * mean([yi * hi for yi, hi in zip(ys, hs)])
    gap = A * t1**2 + Bq * t1 + 2 * t0 * mean(ys) + Yl**2 - mean([yi**2 for yi in ys])
    facts = [
        ("theta* is feasible: theta*^T Sigma theta* = gamma", *rational_zero(feasible)),
        ("theta*^T v = sqrt(gamma v^T Sigma^-1 v)", *rational_zero(attained)),
        ("KKT: Sigma theta* parallel to v", *rational_zero(kkt)),
        ("E_xi ||sum xi_i a_i||^2 = sum ||a_i||^2", *rational_zero(e_sq)),
        ("E_xi [sum xi_i a_i] = 0 (the first display's ||E_xi[...]|| vanishes)", *rational_zero(e_lin.norm() ** 2)),
        ("E[h^T A h] = tr(A Sigma) + mu^T A mu", *rational_zero(quad)),
        ("(sqrt a + sqrt b)^2 + (sqrt a - sqrt b)^2 = 2(a + b)", *rational_zero(split)),
        ("E|sum_{i<=6} xi_i| = sum_k C(6,k) |2k - 6| / 2^6 = 15/8", *rational_zero((binom - formula) ** 2
                                                                                   + (binom - sp.Rational(15, 8)) ** 2)),
        ("(y-u)^2 - (y-u')^2 = (u'-u)(2y-u-u'); |2y-u-u'| <= L = 2(U + Y)",
         *rational_zero(lip ** 2 + (worst_slope - lipschitz * (U + Y)) ** 2)),
        ("one unit, y = Y eps: L(theta) = Y^2 + theta_1^2/2 + 2 theta_0 theta_1 mu + theta_0^2",
         *rational_zero(pop - (Yl**2 + t1**2 / 2 + 2 * t0 * t1 * mu_ + t0**2))),
        ("the gap L(theta) - L_std = A theta_1^2 + B theta_1 + 2 theta_0 mean(y) + Y^2 - mean(y^2): no theta_0^2 term",
         *rational_zero((Yl**2 + t1**2 / 2 + 2 * t0 * t1 * mu_ + t0**2) - loss_n - gap)),
        ("constant feature: Sigma e_k = 0 and theta_1 = t e_k gives f = t c + theta_0",
         *rational_zero((Sc * ek).norm() ** 2 + ((t * ek).T * sp.Matrix([c, sp.Symbol("h_2")]))[0] - t * c)),
    ]
    latex = (
        r"\begin{aligned}"
        r"\sup_{\theta^\top\Sigma\theta\le\gamma}\theta^\top v &= \sqrt{\gamma\,v^\top\Sigma^{-1}v},\qquad"
        r"\mathbb E_\xi\Big\|\sum_i\xi_i a_i\Big\|^2 = \sum_i\|a_i\|^2,\qquad \mathbb E_\xi\sum_i\xi_ia_i = 0\\"
        r"\mathrm{Rad}_S &= \frac1n\mathbb E_\xi\Big[\sqrt{\gamma}\,\Big\|\Sigma^{\dagger/2}\sum_i\xi_ih_i\Big\|"
        r" + b_0\Big|\sum_i\xi_i\Big|\Big] \quad(\textstyle\sum_i\xi_ih_i\in\mathrm{range}\,\Sigma;\ +\infty\ \text{otherwise})\\"
        r"\mathbb E\big[h^\top\Sigma^\dagger h\big] &= \mathrm{rank}(\Sigma) + \|\Sigma^{\dagger/2}\mu\|^2"
        r"\ \Rightarrow\ \mathbb E_S\mathrm{Rad}_S \le \sqrt{\gamma(\mathrm{rank} + \|\Sigma^{\dagger/2}\mu\|^2)/n}"
        r" + b_0/\sqrt n\\"
        r"L &= 2(U + Y),\quad B = (U + Y)^2\quad\text{for } (y - u)^2,\ |u|\le U,\ |y|\le Y"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
