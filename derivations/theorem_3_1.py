r"""Theorem 3.1: the steps of Appendix A.2.2 that are algebra, checked symbolically.

1. :math:`\mathbb E_{\tilde{\mathcal D}_\lambda}[(1-\lambda)^2] \ge (\mathbb E_{\tilde{\mathcal D}_\lambda}[1-\lambda])^2`
   (used to lower-bound R2): the difference is
   :math:`\frac{\alpha\beta\,((\alpha-\beta)^2 + \alpha + \beta)}{(\alpha+\beta)^2(\alpha+\beta+1)^2} \ge 0`.
2. :math:`\mathbb E_r[(r-x)(r-x)^\top] = \mathbb E_r[rr^\top] + xx^\top` **only when** :math:`\mathbb E_r[r] = 0`:
   in general the difference is :math:`-(\mu x^\top + x\mu^\top)` (the unstated hypothesis: centred data).
3. For :math:`\theta\in\Theta` (correct signs), :math:`(y - g(u))u = |g(u) - y||u|` for y in {0, 1}.
4. With :math:`|u| = \|\theta\|\|x\|R_i \ge \|\theta\| c_x\sqrt d R_i`, the lower bounds of R1 and R2
   are exactly the first- and second-order terms of :math:`\tilde\ell_{adv}(\varepsilon_i\sqrt d)`.
5. Where the bound is tight (the check's hardest instances): at equal norms :math:`\|x_i\| = c_x\sqrt d` the
   first-order term of :math:`\tilde\ell_{adv}(\varepsilon_i\sqrt d)` *is* R1's term
   :math:`\mathbb E[1-\lambda]|g - y||u|`; with equal :math:`|u_i| = t` as well (equal |cos|, so
   :math:`\theta^\top\hat\Sigma\theta = t^2`), :math:`(\tilde L^{mix} - L^{std}) / (\text{mean }\tilde\ell_{adv}
   - L^{std}) \to 1` as t -> 0: the margin is second order, the trivial margin first order.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import alpha, beta, is_zero
from .lemma_3_1 import M1, M2


def derive() -> Derivation:
    gap = sp.factor(sp.simplify(M2 - M1**2))
    expected = alpha * beta * ((alpha - beta) ** 2 + alpha + beta) / ((alpha + beta) ** 2 * (alpha + beta + 1) ** 2)

    # step 2, in R^2 with 3 points: E[(r-x)(r-x)^T] - E[r r^T] - x x^T = -(mu x^T + x mu^T)
    pts = [sp.Matrix(sp.symbols(f"r{j}_1 r{j}_2", real=True)) for j in range(3)]
    x = sp.Matrix(sp.symbols("x_1 x_2", real=True))
    mu = sum(pts, sp.zeros(2, 1)) / 3
    lhs = sum(((p - x) * (p - x).T for p in pts), sp.zeros(2, 2)) / 3
    err = lhs - sum((p * p.T for p in pts), sp.zeros(2, 2)) / 3 - x * x.T
    centred = {pts[2][k]: -pts[0][k] - pts[1][k] for k in range(2)}

    u = sp.Symbol("u", real=True)
    g = 1 / (1 + sp.exp(-u))
    up = sp.Symbol("u", positive=True)
    facts = [
        ("E[(1-lam)^2] - E[1-lam]^2 = alpha beta ((alpha-beta)^2 + alpha + beta) / ((alpha+beta)^2 (alpha+beta+1)^2) >= 0",
         *is_zero(gap - expected)),
        ("E_r[(r-x)(r-x)^T] - E_r[r r^T] - x x^T = -(mu x^T + x mu^T)", *is_zero((err + mu * x.T + x * mu.T).norm())),
        ("... = 0 when the data are centred (mu = 0)", *is_zero(err.subs(centred).norm())),
        ("y = 1, u >= 0: (y - g(u)) u = |g(u) - y| |u|", *is_zero(((1 - g) * u).subs(u, up) - sp.Abs(g.subs(u, up) - 1) * up)),
        ("y = 0, u <= 0: (y - g(u)) u = |g(u) - y| |u|", *is_zero((-g * u).subs(u, -up) - sp.Abs(g.subs(u, -up)) * up)),
        *_tight_instance(),
    ]
    latex = (
        r"\begin{aligned}"
        r"\mathbb E[(1-\lambda)^2] - \mathbb E[1-\lambda]^2 &= " + sp.latex(gap) + r" \ge 0\\"
        r"\mathbb E_r[(r-x)(r-x)^\top] &= \mathbb E_r[rr^\top] + xx^\top - (\mu x^\top + x\mu^\top)"
        r"\quad(\text{A.2.2 drops the last term: needs } \mu = 0)\\"
        r"\mathcal R_1 &= \frac{\mathbb E[1-\lambda]}{n}\sum_i |g(x_i^\top\theta) - y_i|\,|\theta^\top x_i|"
        r"\ge \frac1n\sum_i \varepsilon_i\sqrt d\,|g - y_i|\,\|\theta\|_2\quad(\theta\in\Theta,\ \mu = 0)\\"
        r"\mathcal R_2 &\ge \frac{\mathbb E[1-\lambda]^2}{2n}\sum_i g(1-g)(\theta^\top x_i)^2"
        r"\ge \frac1n\sum_i \frac{\varepsilon_i^2 d}{2} g(1-g)\|\theta\|_2^2"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)


def _tight_instance() -> list[tuple]:
    """Facts 5: the equal-norm, equal-|cos| instance where the check's search finds the bound tight."""
    t, th, c, d, m1, m2 = sp.symbols("t theta c_x d m_1 m_2", positive=True)
    g = 1 / (1 + sp.exp(-t))  # y = 1 at u = t > 0 (y = 0 at u = -t is its mirror image)
    eta = (t / (th * c * sp.sqrt(d))) * c * sp.sqrt(d) * m1  # R_i c_x sqrt(d) E[1-lam], R_i = |u| / (||theta|| ||x_i||)
    first = eta * (1 - g) * th
    lhs = m1 * (1 - g) * t + m2 / 2 * g * (1 - g) * (t**2 + t**2)  # R1 + R2, theta^T Sigma theta = u^2 = t^2
    rhs = first + eta**2 / 2 * g * (1 - g) * th**2
    return [
        ("||x_i|| = c_x sqrt d: first-order term of l~_adv(eps_i sqrt d) = R1's term E[1-lam] |g - y| |u|",
         *is_zero(first - m1 * (1 - g) * t)),
        ("equal norms and |u_i| = t: (L~_mix - L_std) / (mean l~_adv - L_std) -> 1 as t -> 0 (tight)",
         *is_zero(sp.limit(lhs / rhs, t, 0, "+") - 1)),
    ]
