r"""Soft targets vs two cross-entropies (beyond the paper; pytorch-image-models #46), symbolically.

1. For any number of classes K (symbolic), logits z and targets a, b:
   :math:`\mathrm{CE}(z, \lambda a + (1-\lambda) b) = \lambda\,\mathrm{CE}(z, a) + (1-\lambda)\,\mathrm{CE}(z, b)`,
   :math:`\mathrm{CE}(z, t) = -\sum_k t_k \log\mathrm{softmax}(z)_k`: the loss is linear in the target.
2. Label smoothing :math:`s(t) = (1-\varepsilon)t + \varepsilon/K` commutes with mixing:
   :math:`s(\lambda a + (1-\lambda) b) = \lambda s(a) + (1-\lambda) s(b)` (s is affine, the weights sum to 1),
   so timm's smoothed mixed target is the mixture of the two smoothed targets.
3. The squared error on probabilities keeps a :math:`t^2` term: the gap is exactly
   :math:`-\lambda(1-\lambda)\|a - b\|^2`, free of z.
4. The sigmoid focal loss (torchvision) is not linear in the target: its gap is not 0 (K = 1, gamma = 2).
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero


def derive(weights=None) -> Derivation:
    """``weights=(wa, wb)`` of the two cross-entropies; plant ``(1 - lam, lam)`` (swapped) to see step 1 fail."""
    k, K = sp.symbols("k K", integer=True, positive=True)
    lam, eps = sp.symbols("lambda epsilon", real=True)
    a, b, lp = sp.IndexedBase("a"), sp.IndexedBase("b"), sp.IndexedBase("l")  # l_k = log softmax(z)_k
    wa, wb = weights if weights is not None else (lam, 1 - lam)

    def ce(t):
        return sp.Sum(-t(k) * lp[k], (k, 1, K))

    gap = ce(lambda i: lam * a[i] + (1 - lam) * b[i]) - wa * ce(lambda i: a[i]) - wb * ce(lambda i: b[i])
    ok1, res1 = is_zero(sp.expand(gap, deep=True).doit())
    facts = [("CE(z, lam a + (1-lam) b) = lam CE(z, a) + (1-lam) CE(z, b), any K", ok1, res1, "decisive")]

    def smooth(t):
        return (1 - eps) * t + eps / K

    facts.append(("label smoothing commutes with mixing: s(lam a + (1-lam) b) = lam s(a) + (1-lam) s(b)",
                  *is_zero(smooth(lam * a[k] + (1 - lam) * b[k]) - lam * smooth(a[k]) - (1 - lam) * smooth(b[k])),
                  "decisive"))
    p = sp.symbols("p0:3", real=True)
    A, B = sp.symbols("a0:3", real=True), sp.symbols("b0:3", real=True)

    def sq(t):
        return sum((p[i] - t[i]) ** 2 for i in range(3))

    mixed = [lam * A[i] + (1 - lam) * B[i] for i in range(3)]
    brier = sq(mixed) - lam * sq(A) - (1 - lam) * sq(B)
    facts.append(("squared error on probabilities: gap = -lam(1-lam) ||a - b||^2, free of p",
                  *is_zero(brier + lam * (1 - lam) * sum((A[i] - B[i]) ** 2 for i in range(3))), "decisive"))
    z, t1, t2 = sp.symbols("z t1 t2", real=True)
    s = 1 / (1 + sp.exp(-z))

    def focal(t):
        pt = s * t + (1 - s) * (1 - t)
        bce = -(t * sp.log(s) + (1 - t) * sp.log(1 - s))
        return bce * (1 - pt) ** 2

    fgap = focal(lam * t1 + (1 - lam) * t2) - lam * focal(t1) - (1 - lam) * focal(t2)
    value = fgap.subs({z: 1, t1: 1, t2: 0, lam: sp.Rational(1, 2)})
    facts.append(("sigmoid focal loss (gamma = 2) is not linear in the target: gap at z = 1, t = 1, 0, lam = 1/2 != 0",
                  sp.N(value) != 0, f"{float(value):.6g}"))
    latex = (r"\begin{aligned}\mathrm{CE}(z,\lambda a + (1-\lambda)b) &= -\sum_{k=1}^K(\lambda a_k + (1-\lambda)b_k)"
             r"\log\mathrm{softmax}(z)_k = \lambda\,\mathrm{CE}(z,a) + (1-\lambda)\,\mathrm{CE}(z,b)\\"
             r"s(\lambda a + (1-\lambda)b) &= \lambda s(a) + (1-\lambda)s(b),\quad s(t) = (1-\varepsilon)t + \varepsilon/K\\"
             r"\|p-\lambda a-(1-\lambda)b\|^2 &= \lambda\|p-a\|^2 + (1-\lambda)\|p-b\|^2 - \lambda(1-\lambda)\|a-b\|^2"
             r"\end{aligned}")
    return Derivation(__name__, latex, facts)
