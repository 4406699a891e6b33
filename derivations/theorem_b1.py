r"""Theorem B.1 (Appendix B.1): the algebra behind :math:`\tilde R` for networks.

With :math:`w_i = |g(f(x_i)) - y_i|\,\|\nabla f(x_i)\|`, :math:`s_i = g(1-g)\|\nabla f(x_i)\|^2`,
:math:`\mathcal X = \mathcal X_{\Theta^*}(\tau,\tau')`, :math:`\hat p = \#\{x_i\in\mathcal X\}/n`, and
:math:`\tau'\le\|\nabla f\|` on :math:`\mathcal X`, :math:`\|\nabla f\|\le\tau''` everywhere:

1. :math:`\sum_{\notin\mathcal X}w_i/\sum_{\in\mathcal X}w_i\le(1-\hat p)\kappa_2\tau''/(\hat p\kappa_1\tau')`; then
   :math:`\eta(1 + \text{ratio})\le\tau` gives :math:`\sum_iw_i|\cos_i|\ge\tau\sum_{\mathcal X}w_i\ge\eta\sum_iw_i`, i.e.
   :math:`\eta\le\tau\hat p\kappa_1\tau'/(\hat p\kappa_1\tau' + (1-\hat p)\kappa_2\tau'')`, increasing in :math:`\hat p`;
   at :math:`\hat p = p/2` this is the printed second component.
2. :math:`\sum_{\notin\mathcal X}s_i/\sum_{\in\mathcal X}s_i\le\frac{(1-\hat p)\tau''^2/4}{\hat p\kappa\tau'^2}` (from
   :math:`g(1-g)\le 1/4`), and :math:`\eta^2(1 + \text{ratio})\le\tau^2` gives the printed first component at
   :math:`\hat p = p/2` (reading the printed "(2-p)/4τ''²" as :math:`(2-p)\tau''^2/4`).
3. Hoeffding with :math:`\varepsilon = p/2`: :math:`2\exp(-2n\varepsilon^2) = 2\exp(-np^2/2)`.
4. For a linear model (:math:`\nabla f = \theta`, :math:`\tau' = \tau'' = \|\theta\|`) both components are Theorem 3.2's.
5. The final step: :math:`\tau S_{in} - \eta(S_{in} + S_{out}) = S_{in}(\tau - \eta(1 + S_{out}/S_{in}))`.
6. How tight it can be: for a small net (:math:`\kappa\to\frac14`, :math:`\kappa_1,\kappa_2\to\frac12`) with a constant
   :math:`\|\nabla f\|` (:math:`\tau' = \tau''`), the second component is :math:`p/2` and the first
   :math:`\sqrt{p/2}\ge p/2`, so :math:`\tilde R = \tau p/2`; the same bound at :math:`\hat p = p` (no Hoeffding step) is
   :math:`\tau p`. On a law where :math:`|\cos(x,\nabla f)|` is :math:`\tau` with probability p and about 0 otherwise the
   largest valid radius tends to :math:`\mathbb E|\cos| = \tau p` (:math:`\mathcal R_1\approx\frac{m_1}2\overline{|f|}`
   against :math:`\eta\frac12\overline{\|\nabla f\|}`): the factor 2 left is Hoeffding's :math:`\hat p\ge p/2`.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero
from .closed_forms import B1_FIRST, B1_SECOND, p, t1, t2, tau
from .theorem_3_2 import PRINTED_KAPPA12_TERM, PRINTED_KAPPA_TERM, kappa, kappa1, kappa2, n, p_tau

p_hat, eta = sp.symbols("\\hat{p} eta", positive=True)
#: The printed components of R~ / tau (Theorem B.1).
PRINTED_FIRST, PRINTED_SECOND = B1_FIRST, B1_SECOND


def derive(first=PRINTED_FIRST, second=PRINTED_SECOND) -> Derivation:
    """``first``, ``second``: the components of R~ / tau (plant e.g. the misreading (2-p)/(4 tau''^2) to see fact 3 fail)."""
    ratio_12 = (1 - p_hat) * kappa2 * t2 / (p_hat * kappa1 * t1)
    eta_12 = tau / (1 + ratio_12)
    ratio_k = ((1 - p_hat) * t2**2 / 4) / (p_hat * kappa * t1**2)
    eta_k_sq = tau**2 / (1 + ratio_k)
    half = {p_hat: p / 2}
    s_in, s_out = sp.symbols("S_in S_out", positive=True)
    facts = [
        ("eta (1 + (1-p) kappa2 tau''/(p kappa1 tau')) = tau <=> eta = tau p kappa1 tau'/(p kappa1 tau' + (1-p) kappa2 tau'')",
         *is_zero(eta_12 - tau * p_hat * kappa1 * t1 / (p_hat * kappa1 * t1 + (1 - p_hat) * kappa2 * t2))),
        ("second component at p_hat = p/2 (as printed)", *is_zero(eta_12.subs(half) - tau * second)),
        ("first component: eta^2 (1 + ((1-p)/4 tau''^2)/(p kappa tau'^2)) = tau^2 at p_hat = p/2 (as printed)",
         *is_zero(eta_k_sq.subs(half) - (tau * first) ** 2)),
        ("d/dp_hat of the second component = kappa1 kappa2 tau' tau''/(...)^2 > 0: p_hat >= p/2 suffices",
         *is_zero(sp.diff(eta_12 / tau, p_hat)
                  - kappa1 * kappa2 * t1 * t2 / (p_hat * kappa1 * t1 + (1 - p_hat) * kappa2 * t2) ** 2)),
        ("d/dp_hat of the squared first component = kappa tau'^2 tau''^2/4 / (...)^2 > 0",
         *is_zero(sp.diff(eta_k_sq / tau**2, p_hat)
                  - kappa * t1**2 * t2**2 / 4 / (p_hat * kappa * t1**2 + (1 - p_hat) * t2**2 / 4) ** 2)),
        ("Hoeffding, eps = p/2: 2 exp(-2 n eps^2) = 2 exp(-n p^2/2)",
         *is_zero(sp.log(2 * sp.exp(-2 * n * (p / 2) ** 2)) - sp.log(2 * sp.exp(-n * p**2 / 2)))),
        ("linear model (tau' = tau''): first component = Theorem 3.2's kappa term",
         *is_zero((first.subs({t1: t2, p: p_tau})) ** 2 - PRINTED_KAPPA_TERM**2)),
        ("linear model (tau' = tau''): second component = Theorem 3.2's kappa1/kappa2 term",
         *is_zero(second.subs({t1: t2, p: p_tau}) - PRINTED_KAPPA12_TERM)),
        ("tau S_in - eta (S_in + S_out) = S_in (tau - eta (1 + S_out/S_in))",
         *is_zero(tau * s_in - eta * (s_in + s_out) - s_in * (tau - eta * (1 + s_out / s_in)))),
        ("small net, tau' = tau'' (kappa1 = kappa2 = 1/2): the second component is p/2",
         *is_zero(second.subs({t1: t2, kappa1: sp.Rational(1, 2), kappa2: sp.Rational(1, 2)}) - p / 2)),
        ("small net, tau' = tau'' (kappa = 1/4): the first component is sqrt(p/2) >= p/2",
         *is_zero(first.subs({t1: t2, kappa: sp.Rational(1, 4)}) - sp.sqrt(p / 2))),
        ("without Hoeffding's step (p_hat = p) the second component is p: twice R~",
         *is_zero(eta_12.subs({t1: t2, kappa1: kappa2}) / tau - p_hat)),
    ]
    latex = (
        r"\begin{aligned}"
        r"&\frac{\sum_{x_i\notin\mathcal X}|g-y_i|\|\nabla f(x_i)\|}{\sum_{x_i\in\mathcal X}|g-y_i|\|\nabla f(x_i)\|}"
        r"\le\frac{(1-\hat p)\kappa_2\tau''}{\hat p\kappa_1\tau'},\quad"
        r"\frac{\sum_{x_i\notin\mathcal X}g(1-g)\|\nabla f\|^2}{\sum_{x_i\in\mathcal X}g(1-g)\|\nabla f\|^2}"
        r"\le\frac{(1-\hat p)\tau''^2/4}{\hat p\kappa\tau'^2}\\"
        rf"&\tilde R = \min\Big\{{{sp.latex(first)},\ {sp.latex(second)}\Big\}}\,\tau\quad(\hat p\ge p/2,\ "
        r"\text{probability}\ge 1 - 2e^{-np^2/2})"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
