r"""Figures 1b and 5-8 / Appendix C.3: what the trained networks minimise, and the gap that is plotted.

Practical Mixup (facebookresearch/mixup-cifar10, which Appendix C.3's "standard experimental setups"
follow) trains on :math:`\lambda\,\mathrm{CE}(f(\tilde x), y_i) + (1-\lambda)\,\mathrm{CE}(f(\tilde x), y_j)`
with :math:`\tilde x = \lambda x_i + (1-\lambda)x_j`. That is the loss of Eq. (1) for the cross-entropy,
whose label enters linearly: with softmax probabilities :math:`p` and one-hot labels,
:math:`\mathrm{CE}(p, \lambda e_i + (1-\lambda)e_j) = -\sum_k(\lambda e_{ik} + (1-\lambda)e_{jk})\log p_k
= \lambda\,\mathrm{CE}(p, e_i) + (1-\lambda)\,\mathrm{CE}(p, e_j)`. SymPy checks it for three classes,
symbolic probabilities and every pair of distinct labels.

The plotted generalization gap is :math:`L_{\mathrm{test}} - L_{\mathrm{train}}`, both the mean
cross-entropy of the model on clean images; for Mixup, too, it is the standard loss's gap that the theory
(Theorems 3.4, 3.5) bounds.

``derive(mixed=...)`` plants a wrong training loss (a function of lam, CE_i, CE_j) and the fact fails.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero


def derive(mixed=None) -> Derivation:
    lam = sp.Symbol("lambda", positive=True)
    p = sp.symbols("p0:3", positive=True)
    mixed = mixed or (lambda lam, ce_i, ce_j: lam * ce_i + (1 - lam) * ce_j)
    facts = []
    for i in range(3):
        for j in range(3):
            if i == j:
                continue
            e_i = [sp.Integer(k == i) for k in range(3)]
            e_j = [sp.Integer(k == j) for k in range(3)]
            soft = -sum((lam * a + (1 - lam) * b) * sp.log(pk) for a, b, pk in zip(e_i, e_j, p))
            residual = soft - mixed(lam, -sp.log(p[i]), -sp.log(p[j]))
            facts.append((f"CE with the mixed label = Mixup's mixed loss (y_i = {i}, y_j = {j})", *is_zero(residual)))
    latex = (r"\mathrm{CE}\big(p, \lambda e_{y_i} + (1-\lambda)e_{y_j}\big) = \lambda\,\mathrm{CE}(p, e_{y_i})"
             r" + (1-\lambda)\,\mathrm{CE}(p, e_{y_j}),\qquad \text{gap} = L_{\mathrm{test}} - L_{\mathrm{train}}")
    return Derivation(__name__, latex, facts)
