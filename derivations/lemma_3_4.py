r"""Lemma 3.4 / Eq. (8): what Manifold Mixup adds to the squared loss of a two-layer ReLU net.

With hidden features :math:`h_i = \sigma(Wx_i)`, :math:`f_i = \theta_1^\top h_i + \theta_0` and
:math:`r_i = y_i - f_i`, checked symbolically (n = 3 points suffice: every identity is a polynomial
identity in the per-point values, symmetric in the points):

1. Mixing on the hidden layer mixes the residual linearly (the bias is common to both ends):
   :math:`\lambda y_i + (1-\lambda)y_j - \theta_1^\top(\lambda h_i + (1-\lambda)h_j) - \theta_0
   = \lambda r_i + (1-\lambda) r_j`.
2. Hence the exact Manifold Mixup loss, for any law with :math:`m_1 = \mathbb E\lambda`,
   :math:`m_2 = \mathbb E\lambda^2`:
   :math:`L^{mm} = L^{std} - 2(m_1 - m_2)\widehat{\mathrm{Var}}(r)` and
   :math:`m_1 - m_2 = \mathbb E_{\mathrm{Beta}(\alpha,\beta)}[\lambda(1-\lambda)]
   = \frac{\alpha\beta}{(\alpha+\beta)(\alpha+\beta+1)} = \mathbb E_{\tilde{\mathcal D}_\lambda}[(1-\lambda)^2]`.
   Equivalently :math:`L^{mm} = (1 - 2m)\widehat{\mathrm{Var}}(r) + \bar r^2`: its minimiser over
   :math:`(\theta_0, \theta_1)` is ordinary least squares, whatever alpha and beta.
3. Lemma 3.1 applied on the hidden layer (Eq. 9: :math:`\tilde{\mathcal D}_\lambda`, labels not mixed;
   :math:`(y-f)^2 = 2(f^2/2 - yf) + y^2`, so h(u) = u^2/2 and a factor 2; R3 = 0 since f is linear in h)
   gives the same regulariser plus the label-mixing term :math:`-2m\,\widehat{\mathrm{Var}}(y)`.
4. The proof's surrogate (Appendix A.3.1: centred covariates rescaled by :math:`1/\lambda`) has the exact
   regulariser :math:`\mathbb E_{\tilde{\mathcal D}_\lambda}[t^2]\,\theta_1^\top\hat\Sigma^\sigma\theta_1`,
   :math:`t = (1-\lambda)/\lambda`, *because* the features are centred (the cross term
   :math:`2\mathbb E[t]\,\overline{(y - f)}\;\overline{\theta_1^\top(h - \bar h)}` vanishes): Eq. (8).
5. :math:`\mathbb E_{\tilde{\mathcal D}_\lambda}[(1-\lambda)^2/\lambda^2]
   = \frac{1}{\alpha+\beta}\big(\frac{\beta(\beta+1)}{\alpha-1} + \frac{\alpha(\alpha+1)}{\beta-1}\big)`,
   from :math:`\mathbb E_{\mathrm{Beta}(p,q)}[(1-\lambda)^2\lambda^{-2}] = B(p-2, q+2)/B(p, q)`, finite iff
   p > 2: here iff alpha > 1 and beta > 1 (the truncated integral diverges for alpha <= 1).
6. The density of :math:`\tilde{\mathcal D}_\lambda` as stated in Lemma 3.4 (weights alpha/(alpha+beta)
   and beta/(alpha+beta)) is :math:`\lambda\,[p_{\alpha,\beta}(\lambda) + p_{\alpha,\beta}(1-\lambda)]`, the
   law of Eq. (9), and integrates to 1.
7. The factor: with A(u) = u^2/2 (the proof's GLM reading), A.3.1's plug-in gives
   :math:`\frac12\mathbb E[t^2]\theta_1^\top\hat\Sigma\theta_1` for :math:`A(f) - yf`; the loss of Section 3.3,
   :math:`(y - f)^2 = 2(A(f) - yf) + y^2`, doubles it to Eq. (8) (no 1/2).
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import alpha, beta, beta_pdf, is_zero, lam
from .closed_forms import BETA_MIX, EQ7_MOMENT, TILDE


def rational_zero(expr) -> tuple[bool, str]:
    """Residual of a rational identity in many symbols: cancel() is exact and much faster than simplify()."""
    r = sp.cancel(sp.expand(expr))
    return r == 0, sp.latex(r)

M = BETA_MIX  # E_Beta[lambda(1-lambda)] = E_tildeD[(1-lambda)^2]
RATIO = EQ7_MOMENT


def ratio_moment(components=None):
    r""":math:`\sum_k w_k\,B(p_k-2, q_k+2)/B(p_k, q_k)` = E[(1-lambda)^2/lambda^2] of the mixture (p_k > 2)."""
    comps = TILDE if components is None else components
    return sp.simplify(sum(w * sp.gammasimp(sp.gamma(p - 2) * sp.gamma(q + 2) * sp.gamma(p + q)
                                            / (sp.gamma(p + q) * sp.gamma(p) * sp.gamma(q)))
                           for w, p, q in comps))


def derive(components=None, factor=1, centred=True) -> Derivation:
    """Planted errors: ``components`` of the law under which Eq. (8)'s coefficient is taken (D_lambda:
    ((1, alpha, beta),)), ``factor`` multiplying Eq. (8) (1/2 or 2), ``centred=False`` for Sigma_hat
    taken as (1/n) sum h h^T."""
    n = 3
    m1, m2, t1, t2 = sp.symbols("m_1 m_2 t_1 t_2", real=True)
    y = sp.symbols("y1:4", real=True)
    f = sp.symbols("f1:4", real=True)
    th0 = sp.Symbol("theta_0", real=True)
    th1 = sp.Matrix(sp.symbols("theta_11 theta_12", real=True))
    H = [sp.Matrix(sp.symbols(f"h{i}_1 h{i}_2", real=True)) for i in range(1, 4)]

    def mean(v):
        return sum(v) / n

    def var(v):
        return mean([(a - mean(v)) ** 2 for a in v])

    def cov(u, v):
        return mean([(a - mean(u)) * (b - mean(v)) for a, b in zip(u, v)])

    # 1. the residual mixes linearly
    L = sp.Symbol("lambda", real=True)
    r = [y[i] - (th1.T * H[i])[0] - th0 for i in range(n)]
    mixed = L * y[0] + (1 - L) * y[1] - (th1.T * (L * H[0] + (1 - L) * H[1]))[0] - th0
    # 2. exact Manifold Mixup loss from E[lambda], E[lambda^2]
    res = [y[i] - f[i] for i in range(n)]

    def e_sq(a, b):  # E[(lambda a + (1-lambda) b)^2]
        return sp.expand(m2 * a**2 + 2 * (m1 - m2) * a * b + (1 - 2 * m1 + m2) * b**2)

    l_mm = sum(e_sq(res[i], res[j]) for i in range(n) for j in range(n)) / n**2
    l_std = mean([a**2 for a in res])
    beta_m1 = alpha / (alpha + beta)
    beta_m2 = alpha * (alpha + 1) / ((alpha + beta) * (alpha + beta + 1))
    tilde_m2 = sp.simplify(sum(w * sp.gammasimp(sp.gamma(q + 2) * sp.gamma(p + q) / (sp.gamma(q) * sp.gamma(p + q + 2)))
                               for w, p, q in TILDE))
    tilde_m1 = sp.simplify(sum(w * q / (p + q) for w, p, q in TILDE))
    # 3. Lemma 3.1 on the hidden layer, h(u) = u^2/2 (h' = u, h'' = 1), grad_h f = theta_1
    r1 = tilde_m1 * mean([(f[i] - y[i]) * (mean(f) - f[i]) for i in range(n)])
    r2 = tilde_m2 / 2 * mean([var(f) + (mean(f) - f[i]) ** 2 for i in range(n)])
    label_term = sp.expand(sum(e_sq(y[i], y[j]) for i in range(n) for j in range(n)) / n**2
                           - mean([a**2 for a in y])).subs({m1: beta_m1, m2: beta_m2})
    l_mm_beta = l_mm.subs({m1: beta_m1, m2: beta_m2})
    # 4. the rescaled surrogate of A.3.1 and Eq. (8)
    g = [(th1.T * h)[0] for h in H]
    gc = [a - mean(g) for a in g]
    a_ = [y[i] - th0 - gc[i] for i in range(n)]
    surrogate = sum(sp.expand(a_[i] ** 2 - 2 * t1 * a_[i] * gc[j] + t2 * gc[j] ** 2)
                    for i in range(n) for j in range(n)) / n**2
    sigma_quad = mean([a**2 for a in (gc if centred else g)])
    eq8 = factor * t2 * sigma_quad
    # 5. the coefficient and its domain
    eps = sp.Symbol("epsilon", positive=True)
    tail = {a0: sp.limit(sp.integrate(lam ** (a0 - 2), (lam, eps, 1)), eps, 0, "+")
            for a0 in (sp.Rational(1, 2), sp.Integer(1), sp.Integer(3))}
    # 6. the density of tilde-D
    dens = sum(w * beta_pdf(p, q) for w, p, q in TILDE)
    eq9_density = lam * (beta_pdf(alpha, beta) + beta_pdf(alpha, beta, 1 - lam))
    # 7. the factor
    u, yy = sp.symbols("u y", real=True)

    facts = [
        ("mixed residual = lambda r_i + (1-lambda) r_j", *rational_zero(sp.expand(mixed - (L * r[0] + (1 - L) * r[1])))),
        ("L_mm = L_std - 2 (E lambda - E lambda^2) Var_n(r)", *rational_zero(l_mm - (l_std - 2 * (m1 - m2) * var(res)))),
        ("E_Beta[lambda(1-lambda)] = alpha beta/((alpha+beta)(alpha+beta+1)) = E_tildeD[(1-lambda)^2]",
         *rational_zero((beta_m1 - beta_m2 - M) ** 2 + (tilde_m2 - M) ** 2)),
        ("L_mm = (1 - 2m) Var_n(r) + mean(r)^2: minimised by least squares",
         *rational_zero(l_mm_beta - ((1 - 2 * M) * var(res) + mean(res) ** 2))),
        ("L_mm = L_std + 2 (R1 + R2) of Lemma 3.1 on the hidden layer (tilde-D, h = u^2/2) - 2m Var_n(y)",
         *rational_zero(l_mm_beta - (l_std + 2 * (r1 + r2) + label_term))),
        ("label-mixing term = -2m Var_n(y)", *rational_zero(label_term + 2 * M * var(y))),
        ("2 (R1 + R2) = -2m Var_n(f) + 4m Cov_n(y, f): negative curvature in theta_1, not Eq. (8)",
         *rational_zero(2 * (r1 + r2) - (-2 * M * var(f) + 4 * M * cov(y, f)))),
        ("A.3.1 surrogate - L_std(centred features) = Eq. (8) (coefficient E[t^2], Sigma_hat centred, factor 1)",
         *rational_zero(surrogate - mean([a**2 for a in a_]) - eq8)),
        ("E_tildeD[(1-lambda)^2/lambda^2] = (beta(beta+1)/(alpha-1) + alpha(alpha+1)/(beta-1))/(alpha+beta)",
         *is_zero(ratio_moment(components) - RATIO)),
        ("int_eps^1 lambda^(a-2) diverges as eps -> 0 for a = 1/2 and a = 1, is 1/(a-1) for a = 3",
         *is_zero(sp.Integer(int(tail[sp.Rational(1, 2)] == sp.oo) + int(tail[sp.Integer(1)] == sp.oo) - 2)
                  + (tail[sp.Integer(3)] - sp.Rational(1, 2)) ** 2)),
        ("tilde-D density (weights alpha/(alpha+beta), beta/(alpha+beta)) = lambda [p(lambda) + p(1-lambda)]",
         *is_zero(sp.powsimp(sp.gammasimp(dens - eq9_density), force=True))),
        ("tilde-D weights sum to 1", *is_zero(sum(w for w, _, _ in TILDE) - 1)),
        ("(y - f)^2 = 2 (A(f) - y f) + y^2 with A(u) = u^2/2: Eq. (8) = 2 x the GLM plug-in of A.3.1",
         *rational_zero(sp.expand((yy - u) ** 2 - 2 * (u**2 / 2 - yy * u) - yy**2))),
    ]
    latex = (
        r"\begin{aligned}"
        r"\lambda y_i + (1-\lambda)y_j - \theta_1^\top(\lambda h_i + (1-\lambda)h_j) - \theta_0"
        r" &= \lambda r_i + (1-\lambda) r_j\\"
        r"L_n^{mm} &= L_n^{std} - 2\,\mathbb E_{\mathcal D_\lambda}[\lambda(1-\lambda)]\,\widehat{\mathrm{Var}}(r)"
        rf",\quad \mathbb E_{{\mathcal D_\lambda}}[\lambda(1-\lambda)] = {sp.latex(M)}\\"
        r"&= L_n^{std} + 2(\mathcal R_1 + \mathcal R_2) - 2m\,\widehat{\mathrm{Var}}(y),\quad"
        r" 2(\mathcal R_1 + \mathcal R_2) = -2m\,\theta_1^\top\hat\Sigma^\sigma\theta_1"
        r" + 4m\,\widehat{\mathrm{Cov}}(y, \theta_1^\top h)\\"
        r"\text{A.3.1 surrogate} &= \tfrac1{n^2}\textstyle\sum_{ij}\mathbb E_{\tilde{\mathcal D}}"
        r"\big(y_i - \theta_0 - \theta_1^\top[(h_i-\bar h) + \tfrac{1-\lambda}{\lambda}(h_j - \bar h)]\big)^2"
        r" = L_n^{std} + \mathbb E_{\tilde{\mathcal D}}\big[\tfrac{(1-\lambda)^2}{\lambda^2}\big]"
        r"\theta_1^\top\hat\Sigma^\sigma\theta_1\\"
        rf"\mathbb E_{{\tilde{{\mathcal D}}_\lambda}}\big[\tfrac{{(1-\lambda)^2}}{{\lambda^2}}\big] &= {sp.latex(RATIO)}"
        r"\quad(\alpha,\beta > 1;\ +\infty\ \text{otherwise})"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
