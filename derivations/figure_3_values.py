r"""Figure 3's R at initialisation: the law of :math:`R = \min_i |\cos(\nabla f(x_i), x_i)|` near 0, and the rank a
distribution-free range needs (figure-3-values).

**One point.** For a positively homogeneous f (a linear model, a bias-free ReLU network),
:math:`\cos(\nabla f(x), x) = f(u)/\|\nabla f(u)\|` depends on :math:`u = x/\|x\|` only, uniform on
:math:`S^{d-1}` for :math:`x\sim N(0, I_d)`. For the linear model :math:`f = \theta^\top x` it is one coordinate of a
uniform direction, whatever :math:`\theta` (so whatever the initialisation), with density

.. math:: p_d(t) = c_d\,(1 - t^2)^{(d-3)/2},\qquad c_d = \frac{\Gamma(d/2)}{\sqrt\pi\,\Gamma((d-1)/2)}
          = \frac{|S^{d-2}|}{|S^{d-1}|},\qquad c_{10} = \frac{128}{35\pi}.

The second form is the coarea reading that carries over to networks: the density at 0 of
:math:`f(u)/\|\nabla f(u)\|` is the area of the zero set :math:`\{f = 0\}\cap S^{d-1}` relative to the sphere's (its
spherical gradient there is :math:`\nabla f/\|\nabla f\|`, of norm 1), a great sphere for a linear model.

**n points.** Given the weights the n cosines are independent, :math:`G(v) = P(|c|\le v) = \int_{-v}^{v} p_d`, and

.. math:: F(v) = P(R\le v) = 1 - (1 - G(v))^n = 2 n c_d\, v - 2 n (n - 1) c_d^2\, v^2 + O(v^3),

bracketed for every v by the Bonferroni inequalities :math:`nG - \binom n2 G^2\le F\le nG`. For a network the same
holds with :math:`E_w` over the weights and :math:`c_d` replaced by the mean density at 0 over initialisations
(estimated by the claim). At the printed :math:`v = 2.27\times10^{-5}`, n = 100, d = 10 the linear model's
:math:`F(v) = 0.527\%`.

**Order statistics.** Among K independent draws of a statistic X, the number at or below a value v below the
q-quantile is at most :math:`\mathrm{Bin}(K, q)`; so "at least j draws at or below v", with j the smallest rank
with :math:`P(\mathrm{Bin}(K, q)\ge j)\le a`, shows :math:`P(X\le v)\ge q` at level a. :func:`order_rank` computes j
in exact rational arithmetic (q = 1/200, a = 1/100: the central 99% range at 99% confidence).

``derive(density=...)`` plants a wrong constant :math:`c_d` (e.g. without :math:`\sqrt\pi`) and the facts fail.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero

#: Figure 3's set-up: n points in R^d.
N, D = 100, 10
#: The central range's tail and the confidence level of the range (exact rationals).
TAIL, LEVEL = sp.Rational(1, 200), sp.Rational(1, 100)
T, V, PHI = sp.symbols("t v phi", real=True)
DIM = sp.Symbol("d", positive=True)


def density_constant(d):
    r""":math:`c_d = \Gamma(d/2) / (\sqrt\pi\,\Gamma((d-1)/2))`, the density at 0 of a coordinate of a uniform direction."""
    return sp.gamma(d / 2) / (sp.sqrt(sp.pi) * sp.gamma((d - 1) / 2))


#: c_10 = 128 / (35 pi): the density at 0 of cos(theta, x) in R^10.
DENSITY_AT_ZERO = sp.nsimplify(density_constant(sp.Integer(D)))


def linear_cdf(d: int = D, n: int = N):
    r"""SymPy expression of :math:`F(v) = P(R\le v) = 1 - (1 - G(v))^n` for the linear model (any initialisation)."""
    G = 2 * _integral_of_density(density_constant(sp.Integer(d)), d, sp.asin(V))
    return 1 - (1 - G) ** n


def _integral_of_density(c, d, upper):
    r""":math:`\int_0^{\sin\varphi_1} c (1 - t^2)^{(d-3)/2} dt = \int_0^{\varphi_1} c\cos^{d-2}\varphi\,d\varphi`
    (t = sin phi), with :math:`\varphi_1` = ``upper``: SymPy integrates the power of the cosine directly."""
    return sp.integrate(c * sp.cos(PHI) ** (d - 2), (PHI, 0, upper))


def order_rank(K: int, tail=TAIL, level=LEVEL) -> int:
    """The smallest j with P(Bin(K, tail) >= j) <= level (exact): at least j of K draws at or below v show
    P(X <= v) >= tail at that level."""
    sf = sp.Integer(1)  # P(Bin >= j), j = 0
    for j in range(K + 1):
        if sf <= level:
            return j
        sf -= sp.binomial(K, j) * tail**j * (1 - tail) ** (K - j)
    return K + 1


def outside_rank(K: int, tail=TAIL, level=LEVEL) -> int:
    """The largest c with P(Bin(K, tail) <= c) <= level (exact), or -1 where there is none (K < log(level) /
    log(1 - tail), 919 draws at 0.5% and 1%): at most c of K draws at or below v show P(X <= v) < tail at that level."""
    cdf, c = sp.Integer(0), -1
    for j in range(K + 1):
        cdf += sp.binomial(K, j) * tail**j * (1 - tail) ** (K - j)
        if cdf > level:
            return c
        c = j
    return c


def derive(density=None, K: int = 60) -> Derivation:
    """``density(d)`` replaces :func:`density_constant` (a planted wrong constant); ``K`` is the claim's number of
    trained draws (the rank :func:`order_rank` gives for it is shown)."""
    c = density or density_constant
    c10 = c(sp.Integer(D))
    p = c10 * (1 - T**2) ** sp.Rational(D - 3, 2)
    G = 2 * sp.Integral(p, (T, 0, V))
    F = 1 - (1 - G) ** N
    F1 = sp.diff(F, V).subs(V, 0).doit()
    F2 = sp.diff(F, V, 2).subs(V, 0).doit()
    sphere = lambda k: 2 * sp.pi ** (k / 2) / sp.gamma(k / 2)  # noqa: E731  (area of S^{k-1})
    j = order_rank(K)
    below = lambda r: sum(sp.binomial(K, i) * TAIL**i * (1 - TAIL) ** (K - i) for i in range(r, K + 1))  # noqa: E731
    facts = [
        ("the density of a coordinate of a uniform direction in R^10 integrates to 1 (t = sin phi)",
         *is_zero(2 * _integral_of_density(c10, D, sp.pi / 2) - 1)),
        ("c_d = |S^{d-2}| / |S^{d-1}| (the relative area of a great sphere, the zero set of theta^T u), all d",
         *is_zero(c(DIM) - sphere(DIM - 1) / sphere(DIM))),
        ("c_10 = 128 / (35 pi)", *is_zero(c10 - sp.Rational(128, 35) / sp.pi)),
        ("F'(0) = 2 n c_10 for F(v) = 1 - (1 - G(v))^n, n = 100", *is_zero(F1 - 2 * N * c10)),
        ("F''(0) = -4 n (n - 1) c_10^2 (the Bonferroni term: p'(0) = 0)", *is_zero(F2 + 4 * N * (N - 1) * c10**2)),
    ]
    latex = (
        r"\begin{aligned}"
        r"p_d(t) &= c_d (1 - t^2)^{(d-3)/2},\quad c_d = \frac{\Gamma(d/2)}{\sqrt\pi\,\Gamma((d-1)/2)}"
        r" = \frac{|S^{d-2}|}{|S^{d-1}|},\quad c_{10} = " + sp.latex(sp.nsimplify(c10)) + r"\\"
        r"F(v) &= P(R \le v) = 1 - \Big(1 - \int_{-v}^{v} p_d\Big)^n = " + sp.latex(sp.nsimplify(F1)) + r"\,v "
        + sp.latex(sp.nsimplify(F2 / 2)) + r"\,v^2 + O(v^3)\quad (n = 100, d = 10)\\"
        r"n G - \tbinom n2 G^2 &\le 1 - (1 - G)^n \le n G\\"
        rf"j &= \min\{{j : P(\mathrm{{Bin}}({K}, \tfrac1{{200}}) \ge j) \le \tfrac1{{100}}\}} = {j}:\quad "
        rf"P_{{\ge {j}}} = {float(below(j)):.4g},\ P_{{\ge {j - 1}}} = {float(below(j - 1)):.4g}"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
