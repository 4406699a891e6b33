r"""The exact adversarial logistic loss of logistic regression, used to compare Mixup- and ERM-trained models.

With :math:`u = \theta^\top x`, :math:`y\in\{0,1\}`, :math:`\ell(u) = \log(1+e^u) - yu` and an l2 attack of radius
:math:`\eta` (so :math:`t = \theta^\top\delta` ranges over :math:`[-\eta\|\theta\|, \eta\|\theta\|]`, Lemma 3.2):

1. :math:`\log(1+e^u) - u = \log(1+e^{-u})`, so :math:`\ell(u) = \mathrm{softplus}(-(2y-1)u)` for both labels:
   the loss is a function of the margin :math:`m = (2y-1)u` alone.
2. :math:`\frac{d}{dt}\mathrm{softplus}(t - m) = g(t - m) > 0`: the loss is increasing as the margin shrinks, so the
   worst perturbation lowers the margin by the most it can, :math:`\eta\|\theta\|`, and
   :math:`\max_{\|\delta\|_2\le\eta}\ell(\theta^\top(x+\delta)) = \mathrm{softplus}(\eta\|\theta\|_2 - (2y-1)\theta^\top x)`.
3. This is the end point :math:`t = (1-2y)\eta\|\theta\|` of Lemma 3.2's interval (the larger of
   :math:`\ell(u\pm\eta\|\theta\|)`, the form ``mixverify.adversarial`` computes).

The check compares this loss for Mixup- and ERM-trained :math:`\theta` at the same radius; the closed form is what makes
the comparison exact for logistic regression (PGD is used for the nets).
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero


def derive(sign=1) -> Derivation:
    """``sign=-1`` plants the wrong direction of attack (the margin raised instead of lowered)."""
    u, t, m = sp.symbols("u t m", real=True)
    eta, nrm = sp.symbols("eta norm_theta", positive=True)
    softplus = lambda z: sp.log(1 + sp.exp(z))  # noqa: E731
    g = 1 / (1 + sp.exp(-t + m))
    facts = []
    for y in (0, 1):
        ell = softplus(u) - y * u
        facts.append((f"y = {y}: log(1 + e^u) - y u = softplus(-(2y - 1) u)",
                      *is_zero(sp.expand_log(ell - softplus(-(2 * y - 1) * u), force=True)
                               .rewrite(sp.exp).simplify())))
        end = (1 - 2 * y) * eta * nrm * sign  # Lemma 3.2's end point on the side that lowers the margin
        facts.append((f"y = {y}: the end point t = (1 - 2y) eta |theta| gives softplus(eta |theta| - (2y - 1) u)",
                      *is_zero(sp.expand_log((softplus(u + end) - y * (u + end))
                                             - softplus(eta * nrm - (2 * y - 1) * u), force=True).simplify())))
    facts.append(("d/dt softplus(t - m) = g(t - m) > 0: the loss grows as the margin shrinks",
                  *is_zero(sp.diff(softplus(t - m), t) - g)))
    latex = (
        r"\begin{aligned}"
        r"\ell(u) &= \log(1+e^u) - yu = \mathrm{softplus}(-(2y-1)u),\quad y\in\{0,1\}\\"
        r"\max_{\|\delta\|_2\le\eta}\ell(\theta^\top(x+\delta)) &= \max_{|t|\le\eta\|\theta\|_2}"
        r"\mathrm{softplus}(t - (2y-1)\theta^\top x) = \mathrm{softplus}(\eta\|\theta\|_2 - (2y-1)\theta^\top x)"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
