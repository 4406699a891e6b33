r"""Theorem 3.2 (Appendix A.2.3): the algebra behind :math:`\tilde R` and the probability bound.

With :math:`s_i = g(\theta^\top x_i)(1 - g(\theta^\top x_i))`, :math:`a_i = |g(\theta^\top x_i) - y_i|`,
:math:`\mathcal X = \mathcal X_{\Theta^*}(\tau)` and :math:`\hat p = \#\{i: x_i\in\mathcal X\}/n`:

1. Hoeffding with :math:`\varepsilon = p_\tau/2`: :math:`2\exp(-2n\varepsilon^2) = 2\exp(-np_\tau^2/2)`, the
   statement's failure probability (one-sided :math:`\exp(-np_\tau^2/2)` would suffice).
2. The :math:`\kappa` term. Since :math:`s_i\le 1/4` and :math:`s_i \ge \kappa`,
   :math:`\sum_{x_i\notin\mathcal X}s_i / \sum_{x_i\in\mathcal X}s_i \le \frac{(1-\hat p)/4}{\hat p\kappa}`
   (the paper prints the *same* sum, over :math:`x_i\in\mathcal X`, above and below the bar: a typo), so
   :math:`\eta^2(1 + \frac{(1-\hat p)/4}{\hat p\kappa}) \le \tau^2` gives
   :math:`\sum_i s_i\cos^2 \ge \tau^2\sum_{\mathcal X}s_i \ge \eta^2\sum_i s_i`. Solved for :math:`\eta > 0`
   it is :math:`\eta \le \tau\sqrt{4\hat p\kappa/(4\hat p\kappa + 1 - \hat p)}`, increasing in
   :math:`\hat p`; at :math:`\hat p = p_\tau/2` this is the printed
   :math:`\tau\sqrt{4\kappa p_\tau/(2 - p_\tau + 4\kappa p_\tau)}`.
3. The :math:`\kappa_1,\kappa_2` term. With :math:`\kappa_1\le a_i\le\kappa_2`,
   :math:`\sum_{x_i\notin\mathcal X}a_i/\sum_{x_i\in\mathcal X}a_i \le (1-\hat p)\kappa_2/(\hat p\kappa_1)`, so
   :math:`\eta \le \tau\,\hat p\kappa_1/(\hat p\kappa_1 + (1-\hat p)\kappa_2)` (increasing in :math:`\hat p`),
   which at :math:`\hat p = p_\tau/2` is the printed :math:`\tau p_\tau\kappa_1/(2\kappa_2 - p_\tau(\kappa_2-\kappa_1))`.
4. Theorem 3.1's steps that Theorem 3.2 inherits: :math:`\mathbb E[(1-\lambda)^2] \ge \mathbb E[1-\lambda]^2`
   (an explicit non-negative difference), and :math:`\frac{m_1^2}{2}c_x^2 d R^2 = \frac{\eta^2}{2}` at
   :math:`\eta = R c_x m_1\sqrt d`.
5. The constants of a bounded :math:`\Theta^*`: with :math:`B = \sup_{\Theta^*}\|\theta\|\,b_x\sqrt d`,
   :math:`g(1-g)` is even and decreasing in :math:`|u|`, so :math:`\kappa = g(B)g(-B)`, and
   :math:`|g(u) - y| \in [g(-B), g(B)]` for :math:`|u|\le B`, :math:`y\in\{0,1\}`: :math:`\kappa_1 = g(-B)`,
   :math:`\kappa_2 = g(B)`.

6. Why the minimizers of :math:`\tilde L^{mix}_n` (the reading the paper's use needs) break the bound for a weak
   signal, to second order in :math:`\theta` on centred data: :math:`\log(1+e^u) = \log2 + u/2 + u^2/8`,
   :math:`(y - g(u))u = (y-\frac12)u - u^2/4`, :math:`g(1-g) = \frac14`, so with :math:`c = \overline{(y-\frac12)x}`
   and :math:`q = \theta^\top\hat\Sigma\theta`,
   :math:`\tilde L^{mix}_n\approx\log2 - (1-m_1)\theta^\top c + (\frac18 - \frac{m_1}4 + \frac{m_2}4)q`. Since
   :math:`m_2 = m_1/2` for every :math:`\alpha,\beta`, its minimizer is :math:`\hat\theta = 4\hat\Sigma^{-1}c` and
   there :math:`\mathcal R_1\approx m_1(\theta^\top c - q/4) = 0`: the slack is
   :math:`m_2q/4 - \eta\|\theta\|/2 - \eta^2\|\theta\|^2/8`, whose largest root is
   :math:`\eta\approx m_2\|\theta\|/2` (:math:`\hat\Sigma = I`), i.e. :math:`R\approx\|\hat\theta\|/(4c_x\sqrt d)\to0`
   with the signal, while :math:`\tilde R\to\tau p_\tau/2` (:math:`\kappa = \frac14`, :math:`\kappa_1 = \kappa_2 = \frac12`
   at :math:`B = 0`) does not.

Both printed components of :math:`\tilde R` follow from the (corrected) displays: no algebra error in
:math:`\tilde R` itself. Each fact is an identity whose residual must simplify to 0.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import alpha, beta, is_zero
from .closed_forms import FAILURE, R_TILDE_KAPPA, R_TILDE_KAPPA12, kappa, kappa1, kappa2, n, p_tau, tau
from .lemma_3_1 import M1, M2

p_hat, eta, c_x, d, R, m1 = sp.symbols(r"\hat{p} eta c_x d R m_1", positive=True)
m2, t, w, r = sp.symbols("m_2 t w r", positive=True)
u, B, y = sp.symbols("u B y", real=True)

#: The paper's expressions (Theorem 3.2 and the end of Appendix A.2.3).
PRINTED_KAPPA_TERM = R_TILDE_KAPPA
PRINTED_KAPPA12_TERM = R_TILDE_KAPPA12
PRINTED_FAILURE = FAILURE


def _g(v):
    return 1 / (1 + sp.exp(-v))


def derive(kappa_term=PRINTED_KAPPA_TERM, kappa12_term=PRINTED_KAPPA12_TERM, hoeffding_eps=p_tau / 2,
           kappa_ratio=(1 - p_hat) / 4 / (p_hat * kappa)) -> Derivation:
    """Each argument is one step of Appendix A.2.3 and can be planted wrong: ``kappa_term`` and
    ``kappa12_term`` (the components of R~ / tau), ``hoeffding_eps`` (the deviation used in Hoeffding's
    inequality) and ``kappa_ratio`` (the bound on sum_out s_i / sum_in s_i)."""
    # 2. solve eta^2 (1 + ratio) = tau^2 for eta > 0, then put p_hat = p_tau / 2
    eta_k = sp.sqrt(tau**2 / (1 + kappa_ratio))
    eta_k_hat = tau * sp.sqrt(4 * p_hat * kappa / (4 * p_hat * kappa + 1 - p_hat))
    # 3. eta (1 + (1 - p_hat) kappa2 / (p_hat kappa1)) = tau
    eta_12 = tau / (1 + (1 - p_hat) * kappa2 / (p_hat * kappa1))
    half = {p_hat: p_tau / 2}
    m1_, m2_ = M1, M2
    var_lambda = alpha * beta * ((alpha - beta) ** 2 + alpha + beta) / ((alpha + beta) ** 2 * (alpha + beta + 1) ** 2)
    eta_31 = R * c_x * m1 * sp.sqrt(d)
    s = _g(u) * (1 - _g(u))
    facts = [
        ("Hoeffding, eps = p_tau/2: 2 exp(-2 n eps^2) = 2 exp(-n p_tau^2/2) (the statement's failure probability)",
         *is_zero(sp.log(2 * sp.exp(-2 * n * hoeffding_eps**2)) - sp.log(PRINTED_FAILURE))),
        ("eta^2 (1 + ((1-p)/4)/(p kappa)) <= tau^2  <=>  eta <= tau sqrt(4 p kappa / (4 p kappa + 1 - p))",
         *is_zero(eta_k**2 - eta_k_hat**2)),
        ("d/dp of 4 p kappa/(4 p kappa + 1 - p) = 4 kappa/(4 p kappa + 1 - p)^2 > 0: p_hat >= p_tau/2 suffices",
         *is_zero(sp.diff(eta_k_hat**2 / tau**2, p_hat) - 4 * kappa / (4 * p_hat * kappa + 1 - p_hat) ** 2)),
        ("kappa term at p_hat = p_tau/2 = tau sqrt(4 kappa p_tau / (2 - p_tau + 4 kappa p_tau)) (as printed)",
         *is_zero((eta_k**2).subs(half) - (tau * kappa_term) ** 2)),
        ("eta (1 + (1-p) kappa2/(p kappa1)) = tau  <=>  eta = tau p kappa1 / (p kappa1 + (1-p) kappa2)",
         *is_zero(eta_12 - tau * p_hat * kappa1 / (p_hat * kappa1 + (1 - p_hat) * kappa2))),
        ("d/dp of p kappa1/(p kappa1 + (1-p) kappa2) = kappa1 kappa2/(p kappa1 + (1-p) kappa2)^2 > 0",
         *is_zero(sp.diff(eta_12 / tau, p_hat) - kappa1 * kappa2 / (p_hat * kappa1 + (1 - p_hat) * kappa2) ** 2)),
        ("kappa1/kappa2 term at p_hat = p_tau/2 = tau p_tau kappa1/(2 kappa2 - p_tau (kappa2 - kappa1)) (as printed)",
         *is_zero(eta_12.subs(half) - tau * kappa12_term)),
        ("E[(1-lambda)^2] - E[1-lambda]^2 = alpha beta ((alpha-beta)^2 + alpha + beta)/((alpha+beta)^2 (alpha+beta+1)^2)"
         " >= 0 (Theorem 3.1's step)", *is_zero(m2_ - m1_**2 - var_lambda)),
        ("(m1^2/2) c_x^2 d R^2 = eta^2/2 at eta = R c_x m1 sqrt(d) (Theorem 3.1's quadratic term)",
         *is_zero(m1**2 / 2 * c_x**2 * d * R**2 - eta_31**2 / 2)),
        ("g(u)(1 - g(u)) = g(u) g(-u): even in u", *is_zero(s - _g(u) * _g(-u))),
        ("d/du [g(1-g)] = g(1-g)(1-2g) (< 0 for u > 0): kappa = min_{|u|<=B} g(1-g) = g(B) g(-B)",
         *is_zero(sp.diff(s, u) - s * (1 - 2 * _g(u)))),
        ("|g(u) - 1| = g(-u): |g - y| ranges over [g(-B), g(B)] for |u| <= B, so kappa1 = g(-B), kappa2 = g(B)",
         *is_zero((1 - _g(u)) - _g(-u))),
        *_weak_signal_facts(),
    ]
    latex = (
        r"\begin{aligned}"
        r"&\frac{\frac1n\sum_{x_i\notin\mathcal X_{\Theta^*}(\tau)} s_i}{\frac1n\sum_{x_i\in\mathcal X_{\Theta^*}(\tau)} s_i}"
        rf"\le {sp.latex(kappa_ratio)}\quad(\text{{A.2.3 prints }}x_i\in\mathcal X\text{{ above the bar}})\\"
        rf"&\eta^2\Big(1 + {sp.latex(kappa_ratio)}\Big)\le\tau^2 \iff \eta\le {sp.latex(eta_k_hat)}"
        rf"\ \overset{{\hat p\ge p_\tau/2}}{{\Longleftarrow}}\ \eta\le \tau\,{sp.latex(kappa_term)}\\"
        rf"&\eta\le {sp.latex(eta_12)}\ \overset{{\hat p\ge p_\tau/2}}{{\Longleftarrow}}\ \eta\le\tau\,{sp.latex(kappa12_term)}\\"
        rf"&\mathbb P(\hat p < p_\tau/2)\le \exp(-2n(p_\tau/2)^2) \le {sp.latex(PRINTED_FAILURE)}\\"
        rf"&\mathbb E[(1-\lambda)^2]-\mathbb E[1-\lambda]^2 = {sp.latex(var_lambda)}\\"
        r"&\kappa = g(B)g(-B),\ \kappa_1 = g(-B),\ \kappa_2 = g(B),\quad B = \sup_{\theta\in\Theta^*}\|\theta\|_2\,b_x\sqrt d"
        r"\end{aligned}"
    )
    latex = latex.replace(r"\end{aligned}", r"\\&\text{weak signal: }\hat\theta\approx4\hat\Sigma^{-1}\overline{(y-\tfrac12)x},"
                          r"\ \mathcal R_1(\hat\theta)\approx0,\ R_{max}\approx\frac{\|\hat\theta\|}{4c_x\sqrt d}\to0,"
                          r"\ \tilde R\to\frac{\tau p_\tau}2\end{aligned}")
    return Derivation(__name__, latex, facts)


def _weak_signal_facts() -> list[tuple]:
    """Step 6: L~_mix to second order in theta, its minimizer, R1 there, the largest valid radius, and R~ at B = 0."""
    series = {f: sp.series(f, u, 0, 3).removeO() for f in (sp.log(1 + sp.exp(u)), (y - _g(u)) * u)}
    quad = 1 / sp.Integer(8) - m1 / 4 + m2 / 4  # coefficient of q in the expansion of L~_mix
    t_star = sp.solve(sp.diff(-(1 - m1) * t * w + quad * t**2 * w, t), t)[0]  # along theta = t Sigma^-1 c
    half = {m2: m1 / 2}
    eta_star = 2 / r * (-1 + sp.sqrt(1 + m2 * r**2 / 2))  # largest root of m2 r^2/4 - eta r/2 - eta^2 r^2/8
    return [
        ("log(1 + e^u) = log 2 + u/2 + u^2/8 + O(u^4)",
         *is_zero(series[sp.log(1 + sp.exp(u))] - (sp.log(2) + u / 2 + u**2 / 8))),
        ("(y - g(u)) u = (y - 1/2) u - u^2/4 + O(u^3)",
         *is_zero(series[(y - _g(u)) * u] - ((y - sp.Rational(1, 2)) * u - u**2 / 4))),
        ("g(u)(1 - g(u)) = 1/4 + O(u^2)", *is_zero(sp.series(_g(u) * (1 - _g(u)), u, 0, 2).removeO() - sp.Rational(1, 4))),
        ("E[(1-lambda)^2] = E[1-lambda]/2 for every alpha, beta", *is_zero(M2 - M1 / 2)),
        ("minimizer of log 2 - (1-m1) theta^T c + (1/8 - m1/4 + m2/4) q along theta = t Sigma^-1 c: t = 4 at m2 = m1/2",
         *is_zero(t_star.subs(half) - 4)),
        ("R1 ~ m1 (theta^T c - q/4) = m1 w (t - t^2/4) vanishes at that minimizer (second order)",
         *is_zero((m1 * w * (t_star - t_star**2 / 4)).subs(half))),
        ("eta* = (2/r)(sqrt(1 + m2 r^2/2) - 1) is a root of the slack m2 r^2/4 - eta r/2 - eta^2 r^2/8 (|theta| = r)",
         *is_zero(m2 * r**2 / 4 - eta_star * r / 2 - eta_star**2 * r**2 / 8)),
        ("eta*/r -> m2/2 as r -> 0", *is_zero(sp.limit(eta_star / r, r, 0) - m2 / 2)),
        ("so R_max = eta*/(c_x m1 sqrt d) ~ (m2/(2 m1)) r/(c_x sqrt d) = r/(4 c_x sqrt d) at m2 = m1/2",
         *is_zero((m2 / (2 * m1)).subs(half) - sp.Rational(1, 4))),
        ("R~ at B = 0 (kappa1 = kappa2 = 1/2): the kappa1/kappa2 term is p_tau/2",
         *is_zero(PRINTED_KAPPA12_TERM.subs({kappa1: sp.Rational(1, 2), kappa2: sp.Rational(1, 2)}) - p_tau / 2)),
        ("R~ at B = 0 (kappa = 1/4): the kappa term is sqrt(p_tau/2) >= p_tau/2, so R~ = tau p_tau/2",
         *is_zero(PRINTED_KAPPA_TERM.subs(kappa, sp.Rational(1, 4)) - sp.sqrt(p_tau / 2))),
    ]
