r"""Remark 3.1: an l-infinity attack of size eps is an l2 attack of size eps sqrt(d).

1. (decisive, every d) With :math:`m = \|\delta\|_\infty`,
   :math:`d\,m^2 - \|\delta\|_2^2 = \sum_{j=1}^d (m^2 - \delta_j^2)`, a sum of non-negative terms, so
   :math:`\|\delta\|_\infty\le\varepsilon \Rightarrow \|\delta\|_2\le\varepsilon\sqrt d`: the l-infinity ball lies
   in the l2 ball, and the maximum of *any* loss over the larger set is at least its maximum over the smaller.
   Checked with a symbolic dimension d (SymPy ``Sum``).
2. (decisive, every d) The vertex :math:`\varepsilon\mathbf 1` has l2 norm exactly :math:`\varepsilon\sqrt d`: no
   smaller constant gives the inclusion (the constant is tight).
3. (decisive, d = 4) For a linear model the two maxima are in closed form through the dual norms,
   :math:`\varepsilon\|\theta\|_1` and :math:`\varepsilon\sqrt d\|\theta\|_2`, and
   :math:`d\|\theta\|_2^2 - \|\theta\|_1^2 = \sum_{j<k}(|\theta_j| - |\theta_k|)^2 \ge 0`.
"""

import itertools

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero

D = 4


def derive(constant=None) -> Derivation:
    """``constant`` replaces sqrt(d) in the inclusion (plant e.g. 1 to see every fact fail)."""
    d = sp.Symbol("d", integer=True, positive=True)
    j = sp.Idx("j")
    delta = sp.IndexedBase("delta", real=True)
    m, e = sp.symbols("m epsilon", positive=True)
    c2_d = d if constant is None else constant**2
    inclusion = c2_d * m**2 - sp.Sum(delta[j] ** 2, (j, 1, d)) - sp.Sum(m**2 - delta[j] ** 2, (j, 1, d))
    vertex = sp.sqrt(sp.Sum(e**2, (j, 1, d))) - e * sp.sqrt(c2_d)

    a = sp.symbols(f"a1:{D + 1}", nonnegative=True)  # a_j = |theta_j|
    c2 = D if constant is None else constant**2
    gap = c2 * sum(x**2 for x in a) - sum(a) ** 2
    sos = sum((a[i] - a[k]) ** 2 for i, k in itertools.combinations(range(D), 2))
    facts = [
        ("c^2 ||delta||_inf^2 - ||delta||_2^2 = sum_j (||delta||_inf^2 - delta_j^2) >= 0, every d (c = sqrt(d))",
         *is_zero(inclusion.doit()), "decisive"),
        ("the vertex eps*1 of the l-inf ball has l2 norm exactly c eps, every d (tight)", *is_zero(vertex.doit()),
         "decisive"),
        (f"linear model: c^2 ||theta||_2^2 - ||theta||_1^2 = sum_(j<k) (|theta_j| - |theta_k|)^2 (d = {D})",
         *is_zero(gap - sos), "decisive"),
    ]
    latex = (r"\begin{aligned}d\,\|\delta\|_\infty^2 - \|\delta\|_2^2 &= \sum_{j=1}^d(\|\delta\|_\infty^2 - \delta_j^2)"
             r"\ \ge 0\\"
             r"\max_{\|\delta\|_\infty\le\varepsilon}\theta^\top\delta = \varepsilon\|\theta\|_1 &\le "
             r"\varepsilon\sqrt d\,\|\theta\|_2 = \max_{\|\delta\|_2\le\varepsilon\sqrt d}\theta^\top\delta,\quad "
             rf"d\|\theta\|_2^2 - \|\theta\|_1^2 = {sp.latex(sos)}\ (d={D})\end{{aligned}}")
    return Derivation(__name__, latex, facts)
