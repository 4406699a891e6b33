r"""Figure 2: what the second-order approximation can and cannot promise on two moons.

1. With alpha = beta = 1 (the Mixup setting used for the figure), :math:`\tilde{\mathcal D}_\lambda =
   \mathrm{Beta}(2, 1)`, and the weights of :math:`\mathcal R_1, \mathcal R_2, \mathcal R_3` are
   :math:`\mathbb E[1-\lambda] = 1/3`, :math:`\mathbb E[(1-\lambda)^2] = 1/6`.
2. Logistic regression: :math:`h = \mathrm{softplus}`, :math:`h''(u) = g(1-g)\le 1/4`, :math:`h'''(0) = 0`.
3. ReLU net: along a mixing segment a unit :math:`\sigma(c + a\,v)` with :math:`c < 0 < v` is 0 up to the kink
   :math:`a_0 = -c/v` and :math:`v(a - a_0)` after it; its second-order Taylor polynomial at a = 0 is 0 and
   its Hessian (R3's integrand) is 0, so the remainder is :math:`v(a - a_0)_+`: of first order in the
   distance past the kink, not :math:`o(a^2)`. Lemma 3.1 (f twice differentiable) does not apply, and no
   bound on the gap between the curves follows from it: the claim decides "quite close" by the criterion written
   in mixverify/claims/figure_2.py (closer to the Mixup curve than the L_std curve), not by a bound.
4. :math:`\lim_{a\to0}\varphi(a) = 0` in Lemma 3.1 bounds nothing at a = 1 - lambda of order 1, for
   :math:`\tilde{\mathcal D}_\lambda` has mass near :math:`\lambda = 0`: :math:`P(1-\lambda > 1/2) = 1/4` for Beta(2, 1).
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import alpha, beta, beta_pdf, is_zero, lam
from .lemma_3_1 import M1, M2


def derive(second_moment=None) -> Derivation:
    """``second_moment``: E[(1-lambda)^2] used for R2 and R3 at alpha = beta = 1 (plant 1/3 to see it fail)."""
    one = {alpha: 1, beta: 1}
    m2 = sp.Rational(1, 6) if second_moment is None else second_moment
    u, a = sp.symbols("u a", real=True)
    g = 1 / (1 + sp.exp(-u))
    softplus = sp.log(1 + sp.exp(u))
    cn, vp = sp.Symbol("c", negative=True), sp.Symbol("v", positive=True)
    a0 = -cn / vp
    after = cn + a * vp  # the unit's value beyond the kink
    dens = beta_pdf(2, 1)
    facts = [
        ("alpha = beta = 1: tilde-D density = Beta(2, 1) density 2 lambda",
         *is_zero(sp.simplify((alpha / (alpha + beta) * beta_pdf(alpha + 1, beta)
                               + beta / (alpha + beta) * beta_pdf(beta + 1, alpha)).subs(one) - dens))),
        ("E_tildeD[1 - lambda] = 1/3 at alpha = beta = 1", *is_zero(M1.subs(one) - sp.Rational(1, 3))),
        ("E_tildeD[(1 - lambda)^2] = 1/6 at alpha = beta = 1", *is_zero(M2.subs(one) - m2)),
        ("softplus'' = g(1 - g)", *is_zero(sp.diff(softplus, u, 2) - g * (1 - g))),
        ("max g(1-g) = 1/4 at u = 0", *is_zero(sp.diff(g * (1 - g), u).subs(u, 0) ** 2
                                              + ((g * (1 - g)).subs(u, 0) - sp.Rational(1, 4)) ** 2)),
        ("softplus'''(0) = 0", *is_zero(sp.diff(softplus, u, 3).subs(u, 0))),
        ("ReLU unit past its kink: sigma(c + a v) - Taylor_2(0) = v (a - a0), first order in a - a0",
         *is_zero(sp.expand(after - vp * (a - a0)))),
        ("P_tildeD(1 - lambda > 1/2) = 1/4 for alpha = beta = 1", *is_zero(sp.integrate(dens, (lam, 0, sp.Rational(1, 2)))
                                                                           - sp.Rational(1, 4))),
    ]
    latex = (r"\alpha=\beta=1:\ \tilde{\mathcal D}_\lambda = \mathrm{Beta}(2,1),\ \mathbb E[1-\lambda] = \tfrac13,\ "
             r"\mathbb E[(1-\lambda)^2] = \tfrac16;\quad h'' = g(1-g)\le\tfrac14,\ h'''(0) = 0;\quad "
             r"\sigma(c + a v) - T_2(a) = v\,(a - a_0)_+,\ a_0 = -c/v")
    return Derivation(__name__, latex, facts)
