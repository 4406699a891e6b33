r"""Mixup (Eq. 1) is input perturbation with :math:`\lambda \sim \tilde{\mathcal D}_\lambda` (Eq. 9).

Steps of Appendix A.1 checked symbolically, for symbolic :math:`\alpha, \beta > 0`:

1. The loss of Eq. (2) is affine in y, so
   :math:`\ell(\tilde x, \lambda y_i + (1-\lambda) y_j) = \lambda\ell(\tilde x, y_i) + (1-\lambda)\ell(\tilde x, y_j)`.
2. :math:`\lambda\,\mathrm{Beta}(\lambda;\alpha,\beta) = \frac{\alpha}{\alpha+\beta}\mathrm{Beta}(\lambda;\alpha+1,\beta)`.
3. :math:`(1-\lambda)\,\mathrm{Beta}(\lambda;\alpha,\beta) = \frac{\beta}{\alpha+\beta}\mathrm{Beta}(\lambda;\alpha,\beta+1)`.
4. :math:`\mathrm{Beta}(1-\lambda;\alpha,\beta+1) = \mathrm{Beta}(\lambda;\beta+1,\alpha)`, so with
   :math:`\tilde x_{ij}(1-\lambda) = \tilde x_{ji}(\lambda)` the second sum relabels to the first.
5. The weights of :math:`\tilde{\mathcal D}_\lambda` sum to 1.

With the conjugacy step (``derivations/eq_9.py``) these identities prove Eq. (9) for all alpha, beta > 0 and
every loss of the form of Eq. (2): every fact is *decisive* (docs/verdicts.md), and eq-1's scope is general.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import alpha, beta, beta_pdf, is_zero, lam, ratio_is_one


def derive(weights=None) -> Derivation:
    """``weights`` = (w1, w2) of the two Beta components; plant e.g. (1/2, 1/2) to see step 2 fail."""
    w1, w2 = weights if weights is not None else (alpha / (alpha + beta), beta / (alpha + beta))
    u, yi, yj = sp.symbols("u y_i y_j", real=True)
    h = sp.Function("h")

    def loss(y):
        return h(u) - y * u

    facts = [
        ("loss affine in y: l(x, lam y_i + (1-lam) y_j) = lam l(x, y_i) + (1-lam) l(x, y_j)",
         *is_zero(loss(lam * yi + (1 - lam) * yj) - lam * loss(yi) - (1 - lam) * loss(yj)), "decisive"),
        ("lam Beta(alpha, beta) = w1 Beta(alpha+1, beta)",
         *ratio_is_one(lam * beta_pdf(alpha, beta), w1 * beta_pdf(alpha + 1, beta)), "decisive"),
        ("(1-lam) Beta(alpha, beta) = w2 Beta(alpha, beta+1)",
         *ratio_is_one((1 - lam) * beta_pdf(alpha, beta), w2 * beta_pdf(alpha, beta + 1)), "decisive"),
        ("Beta(1-lam; alpha, beta+1) = Beta(lam; beta+1, alpha)",
         *ratio_is_one(beta_pdf(alpha, beta + 1, 1 - lam), beta_pdf(beta + 1, alpha)), "decisive"),
        ("mixture weights sum to 1", *is_zero(w1 + w2 - 1), "decisive"),
    ]
    latex = (
        r"\begin{aligned}"
        r"\ell(\tilde x, \lambda y_i + (1-\lambda)y_j) &= \lambda\,\ell(\tilde x, y_i) + (1-\lambda)\,\ell(\tilde x, y_j)"
        r"\quad(\ell = h(f) - y f)\\"
        rf"\lambda\,\mathrm{{Beta}}(\lambda;\alpha,\beta) &= {sp.latex(w1)}\,\mathrm{{Beta}}(\lambda;\alpha+1,\beta)\\"
        rf"(1-\lambda)\,\mathrm{{Beta}}(\lambda;\alpha,\beta) &= {sp.latex(w2)}\,\mathrm{{Beta}}(\lambda;\alpha,\beta+1)\\"
        r"\mathrm{Beta}(1-\lambda;\alpha,\beta+1) &= \mathrm{Beta}(\lambda;\beta+1,\alpha)\\"
        r"L_n^{mix}(\theta,S) &= \frac1n\sum_{i=1}^n \mathbb E_{\lambda\sim\tilde{\mathcal D}_\lambda}"
        r"\mathbb E_{r_x\sim\mathcal D_X}\,\ell(\theta,(\lambda x_i + (1-\lambda) r_x, y_i)),\quad"
        rf"\tilde{{\mathcal D}}_\lambda = {sp.latex(w1)}\mathrm{{Beta}}(\alpha+1,\beta) + "
        rf"{sp.latex(w2)}\mathrm{{Beta}}(\beta+1,\alpha)"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
