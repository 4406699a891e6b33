r"""Eq. (6): the second-order adversarial loss of a bias-free ReLU / max-pooling network, per example.

With :math:`u = f(x)`, :math:`G = \|\nabla f(x)\|_2`, :math:`\ell(v) = \log(1+e^v) - yv` (y in {0, 1}),
:math:`g = 1/(1+e^{-u})`, :math:`\eta` the l2 radius and :math:`t = \nabla f(x)^\top\delta`:

1. On a fixed activation pattern (every size and depth: everything above the first layer a constant row M, max-pooling
   a constant selection P, the ReLU gates a constant 0/1 matrix D; Appendix B.2, ``derivations/identity_b2.py``)
   :math:`f(x) = MPDWx`, so :math:`f(x+\delta) = f(x) + \nabla f(x)^\top\delta` *exactly* while x + delta stays in the
   activation region of x: the loss on the ball depends on delta only through t, :math:`\ell(u + t)`.
2. On :math:`\|\delta\|_2\le\eta`, :math:`|t|\le\eta G` (Cauchy--Schwarz, from Lagrange's identity
   :math:`\|g\|^2\|\delta\|^2 - (g^\top\delta)^2 = \sum_{j<k}(g_j\delta_k - g_k\delta_j)^2`, d = 3 shown), attained at
   :math:`\delta^* = \pm\eta\nabla f/G` (:math:`\|\delta^*\| = \eta`, :math:`t = \pm\eta G`).
3. Lemma 3.2's algebra with :math:`\|\theta\|` read as G (``derivations/lemma_3_2.py``, imported): the quadratic
   :math:`q(t) = \ell + (g-y)t + \frac12 g(1-g)t^2` is convex, its maximum over :math:`|t|\le\eta G` is at
   :math:`t = \mathrm{sgn}(g-y)\eta G`, i.e. at :math:`\delta^* = \mathrm{sgn}(g-y)\,\eta\nabla f/G`, and equals
   :math:`\ell + \eta|g-y|G + \frac{\eta^2}{2}g(1-g)G^2` (:math:`h' = g`, :math:`h'' = g(1-g) = |h''|` for softplus).
4. At :math:`\eta = \varepsilon\sqrt d` this is Eq. (6) term by term, with :math:`\varepsilon` where Eq. (6) prints
   :math:`\varepsilon_{min}`: :math:`\eta G|g-y| = \varepsilon\sqrt d\,|g-y|G` and
   :math:`\frac{\eta^2}{2} = \frac{\varepsilon^2 d}{2}` (both signs of g - y).
5. The exact loss :math:`\ell(u+t)` is convex in t, so the exact adversarial loss while the ball stays in the region is
   :math:`\max\{\ell(u+\eta G), \ell(u-\eta G)\}`; :math:`\frac{d}{dT}[\ell(u+T) - \ell(u-T)] = g(u+T) + g(u-T) - 2y`
   is > 0 for y = 0 and < 0 for y = 1, so the exact maximiser is the same :math:`\delta^*` (what PGD must reach), and
   :math:`\ell''' = g(1-g)(1-2g) \ne 0` in general makes the remainder of order exactly 3.

Steps 1--5 prove, for every bias-free ReLU / max-pooling net, x in the interior of its activation region, y in {0, 1}
and every radius eta below the distance to the region's boundary, that Eq. (6) (eps for eps_min) is the maximum over
the l2 ball of the second-order expansion, attained at the exact loss's own maximiser: they are *decisive*.
The remaining facts explain the power checks and the erratum: the notation printed after Eq. (6)
(:math:`\frac{\delta^2 d}{2}` at :math:`\delta = \varepsilon\sqrt d`) is :math:`\frac{\varepsilon^2 d^2}{2}`; the printed
:math:`\varepsilon_{min}` differs from the maximum at :math:`\varepsilon` unless :math:`\varepsilon = \varepsilon_{min}`.
"""

import sympy as sp

from mixverify.claim import Derivation

from . import lemma_3_2
from ._beta import is_zero

HALF = sp.Rational(1, 2)


def derive(coefficient=HALF, notation_d: bool = False, sqrt_d: bool = True) -> Derivation:
    """Plant ``coefficient=1`` (a missing 1/2), ``notation_d=True`` (the notation after Eq. (6): delta^2 d / 2 at
    delta = eps sqrt d) or ``sqrt_d=False`` (the l2 radius eps for eps sqrt d): step 4 then fails."""
    facts = [*_linear_region(), *_cauchy_schwarz(), *_quadratic_maximum(), *_at_eps_sqrt_d(coefficient, notation_d, sqrt_d),
             *_exact_maximiser(), *_printed_forms()]
    eps, d = sp.symbols(r"\varepsilon d", positive=True)
    shown = (sp.Symbol(r"\ell") + eps * sp.sqrt(d) * sp.Symbol("|g - y|") * sp.Symbol("G")
             + eps**2 * d / 2 * sp.Symbol("g(1-g)") * sp.Symbol("G") ** 2)
    latex = (
        r"\begin{aligned}"
        r"f(x+\delta) &= f(x) + \nabla f(x)^\top\delta\quad(x+\delta\ \text{in the activation region of}\ x)\\"
        r"\max_{\|\delta\|_2\le\varepsilon\sqrt d}\Big[\ell + (g-y)\nabla f^\top\delta + \tfrac12 g(1-g)"
        r"(\nabla f^\top\delta)^2\Big] &= " + sp.latex(shown) + r",\quad G = \|\nabla f(x)\|_2\\"
        r"\delta^* &= \mathrm{sgn}(g-y)\,\varepsilon\sqrt d\,\nabla f(x)/G,\qquad"
        r"\max_{\|\delta\|_2\le\eta}\ell(f(x+\delta)) = \max\{\ell(u+\eta G),\ \ell(u-\eta G)\}\\"
        r"\text{Eq. (6) prints } \varepsilon_{min}&\text{ where the left side has } \varepsilon;\ "
        r"\tfrac{\delta^2 d}{2}\big|_{\delta=\varepsilon\sqrt d} = \tfrac{\varepsilon^2 d^2}{2}\ne\tfrac{\varepsilon^2 d}{2}"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)


def _linear_region():
    """Step 1, for every size and depth: f = M P D W x on a fixed pattern is exactly linear in x."""
    d, m, k = sp.symbols("d m k", integer=True, positive=True)
    x, delta = sp.MatrixSymbol("x", d, 1), sp.MatrixSymbol("delta", d, 1)
    M, P, D, W = (sp.MatrixSymbol("M", 1, k), sp.MatrixSymbol("P", k, m), sp.MatrixSymbol("D", m, m),
                  sp.MatrixSymbol("W", m, d))
    f = M * P * D * W
    grad = sp.diff(f * x, x)
    residual = sp.simplify((f * (x + delta) - f * x - grad.T * delta).expand())
    ok = residual == sp.ZeroMatrix(1, 1) or residual == 0
    return [("fixed pattern, every size and depth (f = M P D W x): f(x + delta) - f(x) - grad f(x)^T delta = 0",
             ok, "0" if ok else sp.latex(residual), "decisive")]


def _cauchy_schwarz():
    """Step 2: |t| <= eta G on the ball (Lagrange's identity, d = 3), attained at +/- eta grad f / G."""
    g = sp.Matrix(sp.symbols("g1:4", real=True))
    delta = sp.Matrix(sp.symbols("delta1:4", real=True))
    eta, s = sp.Symbol("eta", positive=True), sp.Symbol("s", real=True)  # s = +/-1
    G = sp.sqrt((g.T * g)[0])
    lagrange = sum((g[j] * delta[k] - g[k] * delta[j]) ** 2 for j in range(3) for k in range(j + 1, 3))
    star = s * eta * g / G
    return [
        ("Lagrange: ||g||^2 ||delta||^2 - (g^T delta)^2 = sum_{j<k} (g_j delta_k - g_k delta_j)^2 >= 0, so |t| <= eta G",
         *is_zero((g.T * g)[0] * (delta.T * delta)[0] - (g.T * delta)[0] ** 2 - lagrange), "decisive"),
        ("delta* = s eta grad f / G lies on the sphere: ||delta*||^2 = eta^2 (s^2 = 1)",
         *is_zero(((star.T * star)[0]).subs(s**2, 1) - eta**2), "decisive"),
        ("delta* = s eta grad f / G attains t = grad f^T delta* = s eta G", *is_zero((g.T * star)[0] - s * eta * G),
         "decisive"),
    ]


def _quadratic_maximum():
    """Step 3: Lemma 3.2's facts (derivatives of the logistic loss, the maximum of the quadratic over |t| <= eta G),
    with ||theta|| read as G = ||grad f(x)||."""
    def reread(name):
        return (name.replace(" eta|theta|", " eta G").replace("|theta|", "G")
                .replace("Eq. (5)", "l + eta |g-y| G + eta^2/2 g(1-g) G^2"))

    return [(reread(name), *rest) for name, *rest in lemma_3_2.derive().facts]


def _at_eps_sqrt_d(coefficient, notation_d, sqrt_d):
    """Step 4: the maximum of the quadratic at eta = eps sqrt d is Eq. (6) (eps for eps_min), both signs of g - y."""
    eps, d, G, m, k = sp.symbols("epsilon d G m k", positive=True)  # m = |g - y|, k = g(1 - g)
    L = sp.Symbol("l", real=True)
    radius = eps * sp.sqrt(d) if sqrt_d else eps
    eq6 = L + radius * m * G + coefficient * radius**2 * (d if notation_d else 1) * k * G**2
    facts = []
    for sgn, case in ((1, "g > y"), (-1, "g < y")):
        t = sgn * eps * sp.sqrt(d) * G  # the maximiser of step 3 at eta = eps sqrt d
        q = L + sgn * m * t + k * t**2 / 2
        facts.append((f"{case}: the max of the quadratic at eta = eps sqrt d equals Eq. (6) (eps for eps_min)",
                      *is_zero(q - eq6), "decisive"))
    return facts


def _exact_maximiser():
    """Step 5: the exact loss is convex in t; its maximiser over |t| <= T is on the side of sgn(g - y)."""
    u, T = sp.symbols("u T", real=True)
    y = sp.Symbol("y", real=True)

    def g(a):
        return 1 / (1 + sp.exp(-a))

    def ell(a):
        return sp.log(1 + sp.exp(a)) - y * a

    gap = sp.diff(ell(u + T) - ell(u - T), T)
    other = 1 / (1 + sp.exp(u + T)) + 1 / (1 + sp.exp(u - T))  # (1 - g(u+T)) + (1 - g(u-T))
    return [
        ("the exact loss l(u + t) is convex in t: d2/dt2 l(u + t) = g(1 - g) > 0, so its max over |t| <= T is at an end "
         "point", *is_zero(sp.diff(ell(u + T), T, 2) - g(u + T) * (1 - g(u + T))), "decisive"),
        ("d/dT [l(u + T) - l(u - T)] = g(u + T) + g(u - T) - 2y", *is_zero(gap - (g(u + T) + g(u - T) - 2 * y)),
         "decisive"),
        ("y = 0: g(u + T) + g(u - T) > 0, so the exact maximiser is t = +T (g - y > 0)",
         bool((g(u + T) + g(u - T)).is_positive), "> 0", "decisive"),
        ("y = 1: g(u + T) + g(u - T) - 2 = -[(1 - g(u + T)) + (1 - g(u - T))] < 0, so it is t = -T (g - y < 0)",
         bool(is_zero(g(u + T) + g(u - T) - 2 + other)[0] and other.is_positive), "< 0", "decisive"),
    ]


def _printed_forms():
    """Why the printed forms differ from the maximum: eps_min for eps, and the notation delta^2 d / 2."""
    eps, emin, d, G, m, k = sp.symbols("epsilon epsilon_min d G m k", positive=True)
    L = sp.Symbol("l", real=True)

    def eq6(e):
        return L + e * sp.sqrt(d) * m * G + e**2 * d / 2 * k * G**2

    delta = eps * sp.sqrt(d)
    return [
        ("printed Eq. (6) (eps_min) - the maximum at eps = (eps_min - eps)(sqrt d |g-y| G + (eps_min + eps) d/2 g(1-g) "
         "G^2): 0 only at eps = eps_min",
         *is_zero(eq6(emin) - eq6(eps) - (emin - eps) * (sp.sqrt(d) * m * G + (emin + eps) * d / 2 * k * G**2))),
        ("the notation after Eq. (6) at delta = eps sqrt d: delta^2 d / 2 - eps^2 d / 2 = eps^2 d (d - 1) / 2, "
         "not 0 for d > 1", *is_zero(delta**2 * d / 2 - eps**2 * d / 2 - eps**2 * d * (d - 1) / 2)),
    ]
