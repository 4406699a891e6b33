r"""Lemma 3.3 (Eq. 7): the GLM regularizer, following the shift-and-scale proof of Appendix A.3.1.

The proof replaces Mixup's perturbed input :math:`\check x_i = \lambda x_i + (1-\lambda) r_x` by the
rescaled :math:`\tilde x_i = \check x_i/\lambda = x_i + a\,r_x`, :math:`a = (1-\lambda)/\lambda`, and
expands the GLM loss :math:`A(\theta^\top\tilde x_i) - y_i\theta^\top\tilde x_i` to second order in a.
Checked symbolically (p, q, alpha, beta > 0; :math:`m_1 = \mathbb E[a]`, :math:`m_2 = \mathbb E[a^2]`):

1. The odds moments: under :math:`\mathrm{Beta}(p, q)`,
   :math:`\mathbb E[a^2] = B(p-2, q+2)/B(p, q) = q(q+1)/((p-1)(p-2))` for p > 2, and
   :math:`\mathbb E[a] = q/(p-1)` for p > 1 (Euler integral, plus a concrete integral at p = 5, q = 3/2).
2. Divergence for :math:`p \le 2`: at p = 2 the truncated integral grows like :math:`\log(1/\varepsilon)`,
   at p = 3/2 like :math:`2\varepsilon^{-1/2}` (q = 1).
3. Under :math:`\tilde{\mathcal D}_\lambda`:
   :math:`\mathbb E[a^2] = [\beta(\beta+1)/(\alpha-1) + \alpha(\alpha+1)/(\beta-1)]/(\alpha+\beta)`, finite iff
   alpha > 1 and beta > 1 (the components are :math:`\mathrm{Beta}(\alpha+1,\beta)`, :math:`\mathrm{Beta}(\beta+1,\alpha)`).
4. The second-order expansion averaged over :math:`r_x` uniform on centred points equals the i-th term of
   Eq. (7), :math:`\frac12 A''(\theta^\top x_i)\, m_2\,\theta^\top\hat\Sigma_X\theta`; without centring it is
   :math:`m_1(A'-y_i)\theta^\top\mu + \frac12 A'' m_2\,\theta^\top(\hat\Sigma_X + \mu\mu^\top)\theta`.
5. :math:`\mathrm{Cov}(\tilde x_i) = m_2\hat\Sigma_X + (m_2 - m_1^2)\mu\mu^\top` (no :math:`x_i`; with centring
   :math:`m_2\hat\Sigma_X`, not the :math:`\hat\Sigma_X` the proof writes).
6. For least squares, :math:`A(u) = u^2/2`, the expansion is exact.
7. What Eq. (7) is compared with: Lemma 3.1's :math:`\mathcal R_2` for least squares on centred data is
   :math:`\mathbb E_{\tilde{\mathcal D}}[(1-\lambda)^2]\,\theta^\top\hat\Sigma_X\theta`; at alpha = beta its ratio to
   Eq. (7) is :math:`\alpha(\alpha-1)/((2\alpha+1)(\alpha+1)) < 1`: the two never coincide.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import alpha, beta, is_zero, lam
from .closed_forms import EQ7_MOMENT as RATIO_MOMENT
from .closed_forms import TILDE, TILDE_M2

p, q = sp.symbols("p q", positive=True)
HALF = sp.Rational(1, 2)


def odds_moment(pp, qq, k):
    r""":math:`\mathbb E[((1-\lambda)/\lambda)^k]` under Beta(p, q) = B(p-k, q+k)/B(p, q), from the Euler integral."""
    return sp.gammasimp(sp.gamma(pp - k) * sp.gamma(qq + k) / (sp.gamma(pp) * sp.gamma(qq)))



#: The SymPy closed form of E_{tilde-D}[(1-lambda)^2 / lambda^2] (finite iff alpha > 1 and beta > 1).



def mixture_odds_moment(components, k):
    return sum(w * odds_moment(pp, qq, k) for w, pp, qq in components)


def derive(components=None, half=HALF) -> Derivation:
    """``components`` = ((w, p, q), ...) of the law whose E[(1-lambda)^2/lambda^2] is Eq. (7)'s coefficient
    (plant ((1, alpha, beta),) for D_lambda); ``half`` = the factor of the second-order term (plant 1)."""
    comps = TILDE if components is None else components
    eps = sp.Symbol("epsilon", positive=True)

    # 1-2: the odds moments and their divergence
    m2_beta = odds_moment(p, q, 2)
    concrete = sp.integrate(lam ** (5 - 3) * (1 - lam) ** (sp.Rational(3, 2) + 1), (lam, 0, 1)) / sp.beta(5, sp.Rational(3, 2))
    trunc_p2 = sp.integrate(lam ** -1 * (1 - lam) ** 2, (lam, eps, 1))  # p = 2, q = 1 (unnormalised)
    trunc_p32 = sp.integrate(lam ** sp.Rational(-3, 2) * (1 - lam) ** 2, (lam, eps, 1))  # p = 3/2, q = 1
    m2_mix = mixture_odds_moment(comps, 2)

    # 4: the expansion of the proof, for 3 points r_j in R^2 and a GLM with 2-jet (A0, A1, A2) at u = theta^T x_i
    th = sp.Matrix(sp.symbols("theta1 theta2", real=True))
    A0, A1, A2, A3, y, u, w, m1, m2 = sp.symbols("A0 A1 A2 A3 y u w m1 m2", real=True)
    r_pts = [sp.Matrix(sp.symbols(f"r{j}_1 r{j}_2", real=True)) for j in range(3)]
    A_of = A0 + A1 * w + A2 * w**2 / 2 + A3 * w**3 / 6  # A(u + w), a 3-jet
    a = sp.Symbol("a", real=True)

    def expansion(points):
        """E_r of the second-order Taylor polynomial in a of A(u + a v) - y (u + a v), v = theta^T r."""
        total = 0
        for r in points:
            v = (th.T * r)[0]
            loss = A_of.subs(w, a * v) - y * (u + a * v)
            taylor = sp.expand(loss.subs(a, 0) + a * sp.diff(loss, a).subs(a, 0)
                               + half * a**2 * sp.diff(loss, a, 2).subs(a, 0))
            total += taylor.subs({a**2: m2}).subs({a: m1})
        return sp.expand(total / len(points))

    centred = [r_pts[0], r_pts[1], -r_pts[0] - r_pts[1]]
    sig_c = sum((r * r.T for r in centred), sp.zeros(2, 2)) / 3
    eq7_term = A0 - y * u + HALF * A2 * m2 * (th.T * sig_c * th)[0]
    mu = sum(r_pts, sp.zeros(2, 1)) / 3
    sig = sum(((r - mu) * (r - mu).T for r in r_pts), sp.zeros(2, 2)) / 3
    general = A0 - y * u + m1 * (A1 - y) * (th.T * mu)[0] + HALF * A2 * m2 * (th.T * (sig + mu * mu.T) * th)[0]

    # 5: covariance of x~_i = x_i + a r (a independent of r, moments m1, m2)
    xi = sp.Matrix(sp.symbols("x_1 x_2", real=True))
    mean = xi + m1 * mu
    second = (xi * xi.T + m1 * (xi * mu.T + mu * xi.T)
              + m2 * sum((r * r.T for r in r_pts), sp.zeros(2, 2)) / 3)
    cov = second - mean * mean.T
    cov_claim = m2 * sig + (m2 - m1**2) * mu * mu.T

    # 6: least squares
    uu, ww = sp.symbols("u w", real=True)
    sq = uu**2 / 2

    # 7: R2 (Lemma 3.1, least squares, centred: (1/n) sum (Sigma + x x^T) = 2 Sigma) vs Eq. (7), at alpha = beta
    M2 = TILDE_M2  # E_tildeD[(1-lambda)^2]
    ratio = (2 * M2 / (2 * HALF * RATIO_MOMENT)).subs(beta, alpha)

    facts = [
        ("E_Beta(p,q)[(1-lambda)^2/lambda^2] = B(p-2, q+2)/B(p, q) = q(q+1)/((p-1)(p-2))",
         *is_zero(m2_beta - q * (q + 1) / ((p - 1) * (p - 2)))),
        ("E_Beta(p,q)[(1-lambda)/lambda] = q/(p-1)", *is_zero(odds_moment(p, q, 1) - q / (p - 1))),
        ("integral of lambda^(p-3)(1-lambda)^(q+1)/B(p,q) at p=5, q=3/2 = q(q+1)/((p-1)(p-2))",
         *is_zero(concrete - odds_moment(5, sp.Rational(3, 2), 2))),
        ("p = 2: truncated integral / log(1/eps) -> 1 (logarithmic divergence)",
         *is_zero(sp.limit(trunc_p2 / sp.log(1 / eps), eps, 0) - 1)),
        ("p = 3/2: truncated integral * eps^(1/2) -> 2 (divergence like eps^(-1/2))",
         *is_zero(sp.limit(trunc_p32 * sp.sqrt(eps), eps, 0) - 2)),
        ("E_tildeD[(1-lambda)^2/lambda^2] = [beta(beta+1)/(alpha-1) + alpha(alpha+1)/(beta-1)]/(alpha+beta)",
         *is_zero(m2_mix - RATIO_MOMENT)),
        ("centred r: E_r[2nd-order expansion of A(u + a theta^T r) - y(u + a theta^T r)] = A - y u "
         "+ 1/2 A'' E[a^2] theta^T Sigma theta (Eq. 7 term)", *is_zero(expansion(centred) - eq7_term)),
        ("uncentred r: expansion = A - y u + E[a](A' - y) theta^T mu + 1/2 A'' E[a^2] theta^T (Sigma + mu mu^T) theta",
         *is_zero(expansion(r_pts) - general)),
        ("Cov(x_i + a r) = E[a^2] Sigma + Var(a) mu mu^T (independent of x_i)",
         *is_zero(sp.simplify(cov - cov_claim).norm())),
        ("least squares A = u^2/2: A(u + w) = A(u) + A'(u) w + 1/2 A''(u) w^2 exactly",
         *is_zero(sq.subs(uu, uu + ww) - (sq + sp.diff(sq, uu) * ww + HALF * sp.diff(sq, uu, 2) * ww**2))),
        ("least squares, centred, alpha = beta: R2 / Eq.(7) = alpha(alpha-1)/((2alpha+1)(alpha+1)) "
         "= 1 - (alpha^2+4alpha+1)/((2alpha+1)(alpha+1)) < 1",
         *is_zero(ratio - 1 + (alpha**2 + 4 * alpha + 1) / ((2 * alpha + 1) * (alpha + 1)))),
    ]
    latex = (
        r"\begin{aligned}"
        r"\tilde x_i &= \tfrac1\lambda(\lambda x_i + (1-\lambda) r_x) = x_i + a\,r_x,\quad a = \tfrac{1-\lambda}{\lambda}\\"
        rf"\mathbb E_{{\mathrm{{Beta}}(p,q)}}[a^2] &= {sp.latex(sp.factor(m2_beta))}\quad(p > 2;\ +\infty\text{{ otherwise}})\\"
        rf"\mathbb E_{{\tilde{{\mathcal D}}_\lambda}}[a^2] &= {sp.latex(RATIO_MOMENT)}"
        r"\quad(\alpha > 1,\ \beta > 1;\ +\infty\text{ otherwise})\\"
        r"\mathbb E_{\xi}\,\big[A(\theta^\top\tilde x_i) - y_i\theta^\top\tilde x_i\big] &\overset{2nd}{=} A(\theta^\top x_i)"
        r" - y_i\theta^\top x_i + \mathbb E[a](A'(\theta^\top x_i)-y_i)\,\theta^\top\mu"
        r" + \tfrac12 A''(\theta^\top x_i)\,\mathbb E[a^2]\,\theta^\top(\hat\Sigma_X + \mu\mu^\top)\theta\\"
        r"\mu = 0:\quad L_n^{std}(\theta,\tilde S) &\overset{2nd}{=} L_n^{std}(\theta,S)"
        r" + \frac{1}{2n}\Big[\sum_i A''(\theta^\top x_i)\Big]"
        r"\mathbb E\Big[\frac{(1-\lambda)^2}{\lambda^2}\Big]\theta^\top\hat\Sigma_X\theta\quad(7)\\"
        r"\mathrm{Cov}(\tilde x_i) &= \mathbb E[a^2]\hat\Sigma_X + \mathrm{Var}(a)\mu\mu^\top"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
