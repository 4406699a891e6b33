r"""Corollary 3.1 (with Theorem 3.4 and Lemma A.1, Appendix A.3.2): the generalization bound of Mixup for GLMs.

Checked symbolically (gamma, rho > 0, :math:`t = \gamma/\rho`):

1. The radius step of Theorem 3.4. With :math:`a(\theta) = \mathbb E_x A''(\theta^\top x)`,
   :math:`\|v\|^2 = \theta^\top\Sigma_X\theta`, :math:`a\|v\|^2 \le \gamma` and :math:`a^2 \ge \rho\min\{1,\|v\|^2\}`:
   if :math:`\|v\| \ge 1` then :math:`\|v\|^2 \le \gamma/\sqrt\rho`, which the paper's :math:`\gamma/\rho` exceeds by
   :math:`\rho^{-1/2} \ge 1`; if :math:`\|v\| < 1` then :math:`\|v\|^2 \le (\gamma^2/\rho)^{1/3}`, and
   :math:`((\gamma/\rho)^{1/2})^6 / ((\gamma^2/\rho)^{1/3})^6 = 1/(\gamma\rho)`: the paper's
   :math:`(\gamma/\rho)^{1/2}` is larger when :math:`\gamma\rho \le 1`, and when :math:`\gamma\rho > 1` the paper's
   :math:`\gamma/\rho > 1/\rho^2 \ge 4 > \|v\|^2` anyway. So :math:`\|v\|^2 \le \max\{(\gamma/\rho)^{1/2}, \gamma/\rho\}`.
2. :math:`\mathbb E_\xi\|\sum_i\xi_i\tilde x_i\|^2 = \sum_i\|\tilde x_i\|^2` (Rademacher signs, n = 3 by enumeration) and
   :math:`\mathbb E\,\tilde x^\top\tilde x = \mathrm{tr}(\Sigma_X^\dagger\Sigma_X) = \mathrm{rank}\,\Sigma_X`, whence
   :math:`\frac1n r\sqrt{n\,\mathrm{rank}} = r\sqrt{\mathrm{rank}/n}` (the proof's last line prints rank, not sqrt rank).
3. The constants of the logistic loss :math:`\zeta_y(t) = \log(1+e^t) - yt`: :math:`\zeta_y'(t) = \sigma(t) - y`
   (so :math:`L = \sigma(T)` on :math:`|t| \le T` for y in {0, 1}, and :math:`L_A = \sup A' = \sigma(T)`);
   :math:`\zeta_1(t) = \zeta_0(-t)` (so :math:`\zeta_y(t)\in[\log(1+e^{-T}), \log(1+e^T)]` on :math:`|t| \le T`, an
   interval of length :math:`\log(1+e^T) - \log(1+e^{-T}) = T`: B = T, the range Lemma A.1 needs as corrected, or
   :math:`\log(1+e^T)`, the sup of the loss); :math:`A'' = \sigma(1-\sigma) = 1/4 - (\sigma - 1/2)^2 \le 1/4` (so
   rho <= 1/16 for logistic regression without an atom of x at 0).
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero
from .closed_forms import (  # noqa: F401 (B, L, L_A, delta: the symbols the claim substitutes, deriv.delta ...)
    COROLLARY_BOUND,
    L_A,
    RETENTIVE_RADIUS,
    THEOREM_3_4_BOUND,
    B,
    L,
    delta,
    gamma,
    n,
    rank,
    rho,
)

#: Theorem 3.4's radius, Rademacher bound, and Corollary 3.1's bound (minus L_std), as printed in the paper.
RADIUS, RADEMACHER, BOUND = RETENTIVE_RADIUS, THEOREM_3_4_BOUND, COROLLARY_BOUND


def derive(radius_sq_large=None, radius_sq_small=None) -> Derivation:
    r"""``radius_sq_large`` / ``radius_sq_small``: the paper's bound on :math:`\|v\|^2` when
    :math:`\gamma/\rho \ge 1` / :math:`< 1` (default :math:`\gamma/\rho`, :math:`(\gamma/\rho)^{1/2}`); plant e.g.
    :math:`\gamma\rho` to see step 1 fail."""
    big = gamma / rho if radius_sq_large is None else radius_sq_large
    small = sp.sqrt(gamma / rho) if radius_sq_small is None else radius_sq_small
    case_big = gamma / sp.sqrt(rho)  # ||v|| >= 1: a >= sqrt(rho)
    case_small = (gamma**2 / rho) ** sp.Rational(1, 3)  # ||v|| < 1: a >= sqrt(rho) ||v||

    xs = [sp.Matrix(sp.symbols(f"x{i}_1 x{i}_2", real=True)) for i in range(3)]
    signs = [(s1, s2, s3) for s1 in (-1, 1) for s2 in (-1, 1) for s3 in (-1, 1)]
    e_norm2 = sum(((s[0] * xs[0] + s[1] * xs[1] + s[2] * xs[2]).T * (s[0] * xs[0] + s[1] * xs[1] + s[2] * xs[2]))[0]
                  for s in signs) / 8
    s1, s2 = sp.symbols("s1 s2", positive=True)
    Sigma = sp.diag(s1, s2, 0)
    t, y = sp.symbols("t y", real=True)
    softplus = sp.log(1 + sp.exp(t))
    sig = 1 / (1 + sp.exp(-t))
    r = sp.Symbol("r", positive=True)

    facts = [
        ("||v|| >= 1: paper's gamma/rho over the derived gamma/sqrt(rho) = rho^(-1/2) (>= 1 for rho <= 1)",
         *is_zero(sp.powsimp(big / case_big, force=True) - 1 / sp.sqrt(rho))),
        ("||v|| < 1: (paper's (gamma/rho)^(1/2))^3 / (derived (gamma^2/rho)^(1/3))^3 = 1/(gamma rho)^(1/2)",
         *is_zero(sp.powsimp(sp.expand_power_base(small**3 / case_small**3, force=True), force=True)
                  - 1 / sp.sqrt(gamma * rho))),
        ("E_xi ||sum_i xi_i x~_i||^2 = sum_i ||x~_i||^2 (n = 3, all sign patterns)",
         *is_zero(sp.expand(e_norm2 - sum((x.T * x)[0] for x in xs)))),
        ("E[x~^T x~] = tr(Sigma^+ Sigma) = rank(Sigma) (rank 2 in R^3)", *is_zero((Sigma.pinv() * Sigma).trace() - 2)),
        ("(1/n) r sqrt(n rank) = r sqrt(rank/n)", *is_zero(r * sp.sqrt(n * rank) / n - r * sp.sqrt(rank / n))),
        ("d/dt [softplus(t) - y t] = sigma(t) - y", *is_zero(sp.diff(softplus - y * t, t) - (sig - y))),
        ("softplus(t) - t = softplus(-t) (so 0 <= loss <= softplus(|t|))", *is_zero(softplus - t - softplus.subs(t, -t))),
        ("softplus(T) - softplus(-T) = T (the range of the loss on |t| <= T: B = T)",
         *is_zero(sp.expand_log(softplus - softplus.subs(t, -t) - t, force=True))),
        ("A'' = sigma(1 - sigma) = 1/4 - (sigma - 1/2)^2 for softplus", *is_zero(
            sp.diff(softplus, t, 2) - (sp.Rational(1, 4) - (sig - sp.Rational(1, 2)) ** 2))),
    ]
    latex = (
        r"\begin{aligned}"
        r"a(\theta)\,\|v\|^2 \le \gamma,\ a(\theta)^2 \ge \rho\min\{1,\|v\|^2\} &\Rightarrow "
        r"\|v\|^2 \le \begin{cases}\gamma/\sqrt\rho \le \gamma/\rho & \|v\|\ge1\\"
        r"(\gamma^2/\rho)^{1/3} \le \max\{(\gamma/\rho)^{1/2}, \gamma/\rho\} & \|v\| < 1\end{cases}\\"
        r"Rad(\mathcal W_\gamma) &\le \frac1n\,r\,\sqrt{\textstyle\sum_i \mathbb E\,\tilde x_i^\top\tilde x_i}"
        r" = r\sqrt{\mathrm{rank}(\Sigma_X)/n},\quad r = \max\{(\gamma/\rho)^{1/4},(\gamma/\rho)^{1/2}\}\\"
        rf"L(\theta) - L_n^{{std}}(\theta,S) &\le {sp.latex(BOUND)}"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
