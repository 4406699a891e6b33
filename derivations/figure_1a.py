r"""Figure 1a / Appendix C.1: FGSM is the exact maximiser of the linearised loss over the l-infinity ball.

For a loss linearised at x, :math:`\ell(x + \delta) \approx \ell(x) + g^\top\delta` with
:math:`g = \nabla_x\ell(x)`, and the ball :math:`\|\delta\|_\infty \le \varepsilon`, the maximum is separable,
:math:`\max_{|\delta_k| \le \varepsilon} \sum_k g_k\delta_k = \sum_k \varepsilon |g_k| = \varepsilon\|g\|_1`,
attained at :math:`\delta = \varepsilon\,\mathrm{sign}(g)` (Goodfellow et al., 2014). SymPy checks, for
one coordinate of either sign, that the sign step attains :math:`\varepsilon|g_k|` and that every
feasible :math:`\delta_k = t\varepsilon`, :math:`|t| \le 1`, stays below it
(:math:`\varepsilon|g_k| - g_k t \varepsilon = \varepsilon|g_k|(1 - t\,\mathrm{sign}(g_k)) \ge 0`).

``derive(step=...)`` plants a wrong step (a function of g and eps, e.g. ``-eps*sign(g)``) and the facts fail.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero


def derive(step=None) -> Derivation:
    eps = sp.Symbol("epsilon", positive=True)
    step = step or (lambda g, e: e * sp.sign(g))
    facts = []
    for name, g in (("g_k > 0", sp.Symbol("g", positive=True)), ("g_k < 0", -sp.Symbol("g", positive=True))):
        attained = g * step(g, eps) - eps * sp.Abs(g)
        facts.append((f"FGSM's step attains eps |g_k| ({name})", *is_zero(attained)))
        t = sp.Symbol("t", real=True)
        slack = sp.simplify(eps * sp.Abs(g) - g * t * eps)  # >= 0 for |t| <= 1
        at_ends = [sp.simplify(slack.subs(t, v)) for v in (-1, 1)]  # linear in t: extremes at the ends
        ok = all(v.is_nonnegative for v in at_ends)
        facts.append((f"no feasible step |delta_k| <= eps does better ({name})", bool(ok),
                      sp.latex(sp.Min(*at_ends))))
    latex = (r"\max_{\|\delta\|_\infty\le\varepsilon} g^\top\delta = \sum_k \max_{|\delta_k|\le\varepsilon} g_k\delta_k"
             r" = \varepsilon\|g\|_1,\qquad \delta^\star = \varepsilon\,\mathrm{sign}(g)\ \text{(FGSM)}")
    return Derivation(__name__, latex, facts)
