r"""Remark 3.1: an l-infinity attack of size eps is an l2 attack of size eps sqrt(d).

1. :math:`\|\delta\|_2^2 = \sum_j \delta_j^2 \le d\,\max_j\delta_j^2 = d\|\delta\|_\infty^2`; equality at the
   vertices :math:`\delta = \pm\varepsilon\mathbf 1`, so the constant :math:`\sqrt d` is tight.
2. For a linear model the two maxima are in closed form through the dual norms,
   :math:`\varepsilon\|\theta\|_1` and :math:`\varepsilon\sqrt d\|\theta\|_2`, and
   :math:`d\|\theta\|_2^2 - \|\theta\|_1^2 = \sum_{j<k}(|\theta_j| - |\theta_k|)^2 \ge 0`
   (checked for d = 4 with symbolic :math:`|\theta_j|`).
"""

import itertools

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero

D = 4


def derive(constant=None) -> Derivation:
    """``constant`` replaces sqrt(d) in the comparison (plant e.g. 1 to see the identity fail)."""
    a = sp.symbols(f"a1:{D + 1}", nonnegative=True)  # a_j = |theta_j| = |delta_j| at a vertex
    c2 = D if constant is None else constant**2
    gap = c2 * sum(x**2 for x in a) - sum(a) ** 2
    sos = sum((a[j] - a[k]) ** 2 for j, k in itertools.combinations(range(D), 2))
    e = sp.Symbol("epsilon", positive=True)
    vertex = [e] * D
    facts = [
        (f"c^2 ||theta||_2^2 - ||theta||_1^2 = sum_(j<k) (|theta_j| - |theta_k|)^2 (d = {D})", *is_zero(gap - sos)),
        ("a vertex of the l-inf ball of radius eps has l2 norm exactly eps sqrt(d) (tight)",
         *is_zero(sp.sqrt(sum(v**2 for v in vertex)) - e * sp.sqrt(c2))),
    ]
    latex = (r"\begin{aligned}\|\delta\|_2^2 &= \sum_j\delta_j^2 \le d\,\|\delta\|_\infty^2\\"
             r"\max_{\|\delta\|_\infty\le\varepsilon}\theta^\top\delta = \varepsilon\|\theta\|_1 &\le "
             r"\varepsilon\sqrt d\,\|\theta\|_2 = \max_{\|\delta\|_2\le\varepsilon\sqrt d}\theta^\top\delta,\quad "
             rf"d\|\theta\|_2^2 - \|\theta\|_1^2 = {sp.latex(sos)}\ (d={D})\end{{aligned}}")
    return Derivation(__name__, latex, facts)
