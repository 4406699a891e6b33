r"""An attack of size 0 (beyond the paper; torchattacks #124, #172, #37): the projections, symbolically.

1. The l2 projection :math:`\delta\min(1, \varepsilon/\|\delta\|)` has norm :math:`\min(\|\delta\|, \varepsilon)`
   (for :math:`\|\delta\| > 0`, :math:`\varepsilon \ge 0`): it never leaves the ball.
2. The l-infinity projection :math:`\mathrm{clamp}(\delta_i, -\varepsilon, \varepsilon)` has
   :math:`|\cdot| = \min(|\delta_i|, \varepsilon)`.
3. At :math:`\varepsilon = 0` both are the zero map, and PGD's default step :math:`2.5\varepsilon/\mathrm{steps}` is 0:
   every iterate is x itself.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero


def derive() -> Derivation:
    r, eps, d = sp.symbols("r epsilon delta", positive=True)  # r = ||delta|| > 0, eps > 0; delta_i > 0 by symmetry
    steps = sp.Symbol("steps", positive=True, integer=True)
    l2 = r * sp.Min(1, eps / r)
    ok_l2 = all(sp.simplify(l2.subs({r: rv, eps: ev}) - min(rv, ev)) == 0
                for rv in (sp.Rational(1, 3), 1, 5) for ev in (sp.Rational(1, 7), 1, 3))
    facts = [
        ("l2 projection: ||delta min(1, eps/||delta||)|| = min(||delta||, eps) (grid of rationals, both branches)",
         ok_l2, sp.latex(l2)),
        ("l2 projection, eps/r <= 1 branch: r (eps/r) = eps", *is_zero(r * (eps / r) - eps)),
        ("l-inf projection: |clamp(delta, -eps, eps)| = min(|delta|, eps)",
         *is_zero(sp.Min(sp.Max(d, -eps), eps) - sp.Min(d, eps))),
        ("eps = 0: l2 projection is 0", *is_zero(l2.subs(eps, 0))),
        ("eps = 0: l-inf projection is 0", *is_zero(sp.Min(sp.Max(d, 0), 0))),
        ("eps = 0: PGD's default step 2.5 eps / steps is 0", *is_zero((sp.Rational(5, 2) * eps / steps).subs(eps, 0))),
    ]
    latex = (r"\|\delta\min(1,\varepsilon/\|\delta\|)\| = \min(\|\delta\|,\varepsilon),\quad"
             r"|\mathrm{clamp}(\delta_i,-\varepsilon,\varepsilon)| = \min(|\delta_i|,\varepsilon),\quad"
             r"\varepsilon = 0 \Rightarrow \Pi(\delta) = 0,\ a = 0")
    return Derivation(__name__, latex, facts)
