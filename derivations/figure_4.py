r"""Figure 4's tolerance: the largest third derivative of the logistic loss.

:math:`\ell'''(u) = g(1-g)(1-2g)` with :math:`g\in(0,1)`; on :math:`p = g`, :math:`p(1-p)(1-2p)` is
extremal where its derivative :math:`6p^2 - 6p + 1` vanishes, :math:`p = \frac12 \pm \frac{1}{2\sqrt3}`,
where :math:`|p(1-p)(1-2p)| = \frac{1}{6\sqrt3}`. The Taylor remainder of the adversarial loss is then
at most :math:`\frac{1}{6\sqrt3}\cdot\frac{(\eta\|\theta\|)^3}{6}`.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero


def derive() -> Derivation:
    p = sp.Symbol("p", positive=True)
    cubic = p * (1 - p) * (1 - 2 * p)
    crit = sp.solve(sp.diff(cubic, p), p)
    values = [sp.simplify(abs(cubic.subs(p, c))) for c in crit]
    target = 1 / (6 * sp.sqrt(3))
    facts = [
        ("critical points of g(1-g)(1-2g) are 1/2 +/- 1/(2 sqrt 3)",
         *is_zero(sum(crit) - 1 + (crit[0] - crit[1]) ** 2 - sp.Rational(1, 3))),
        ("max |g(1-g)(1-2g)| = 1/(6 sqrt 3)", *is_zero(max(values, key=lambda v: float(v)) - target)),
        ("the boundary values g = 0, 1 give 0", *is_zero(cubic.subs(p, 0) + cubic.subs(p, 1))),
    ]
    latex = (r"\max_{g\in(0,1)}|g(1-g)(1-2g)| = " + sp.latex(target) +
             r",\qquad |L^{adv} - \tilde L^{adv}| \le \frac{1}{6\sqrt3}\cdot\frac{(\eta\|\theta\|_2)^3}{6}")
    return Derivation(__name__, latex, facts)
