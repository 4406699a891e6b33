r"""Why Theorems 3.2 and B.1 exist: Theorem 3.1's :math:`R = \min_i|\cos(\theta, x_i)|` shrinks with n, their
:math:`\tilde R` does not (Section 3.2: "a high probability lower bound that does not depend on sample size").

**(a) The law of R at a fixed** :math:`\theta`. For i.i.d. :math:`x_i` and :math:`F(r) = P(|\cos(\theta, x)|\le r)`,
:math:`P(R_n > r) = (1 - F(r))^n`, so :math:`\mathbb E R_n = \int_0^1(1 - F(r))^n\,dr`. For x uniform on a sphere in
:math:`\mathbb R^d`, :math:`\cos^2\sim\mathrm{Beta}(\frac12, \frac{d-1}2)` and :math:`|\cos|` has the density
:math:`f(r) = 2(1-r^2)^{(d-3)/2}/B(\frac12, \frac{d-1}2)`, positive at 0 (:math:`f(0) = 2/\pi` at d = 2). Then
:math:`F(r)\ge f_0 r` near 0 and :math:`\mathbb E R_n\sim1/(f(0)\,n)`: R shrinks like :math:`n^{-1}` for every d.

1. d = 3 (Archimedes): :math:`F(r) = r`, :math:`|\cos|` is uniform on [0, 1].
2. Hence :math:`\mathbb E R_n = \int_0^1(1-r)^n dr = 1/(n+1)` exactly, and :math:`n\,\mathbb E R_n\to1`.
3. The density of :math:`|\cos|` for general d, from the Beta law: :math:`\frac{d}{dr}I_{r^2}(\frac12, \frac{d-1}2)`,
   and its value at 0, :math:`2\Gamma(\frac d2)/(\Gamma(\frac12)\Gamma(\frac{d-1}2)) > 0`; d = 2 gives :math:`2/\pi`.
4. With :math:`F(r)\approx f_0 r`: :math:`\int_0^\infty e^{-f_0nr}dr = 1/(f_0 n)` (the exponent -1).

**(b) R~ does not depend on n.**

5. Theorem 3.2's :math:`\tilde R` (both components, as printed) has no n: its derivative in n is 0.
6. Theorem B.1's :math:`\tilde R` (both components, as printed) has no n either.
7. The guarantee :math:`1 - 2e^{-np_\tau^2/2}` only grows with n: its derivative is :math:`p_\tau^2e^{-np_\tau^2/2} > 0`.

Facts 1-4 prove (a) for a fixed :math:`\theta` and x uniform on the sphere; 5-7 prove the formula half of (b). What is
not algebra (R at Mixup's minimizer, the inequality at :math:`\tilde R` holding at every n, other laws) is measured by
the check.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero
from .theorem_3_2 import PRINTED_KAPPA12_TERM, PRINTED_KAPPA_TERM, n, p_tau
from .theorem_b1 import PRINTED_FIRST, PRINTED_SECOND

r, t, f0 = sp.symbols("r t f_0", positive=True)
d = sp.Symbol("d", positive=True)
m = sp.Symbol("n", positive=True, integer=True)
HALF = sp.Rational(1, 2)


def _beta(a, b):
    return sp.gamma(a) * sp.gamma(b) / sp.gamma(a + b)


def derive(r_tilde_32=(PRINTED_KAPPA_TERM, PRINTED_KAPPA12_TERM), r_tilde_b1=(PRINTED_FIRST, PRINTED_SECOND)) -> Derivation:
    """``r_tilde_32`` and ``r_tilde_b1`` are the components of Theorem 3.2's and Theorem B.1's R~ / tau (plant one with
    an n to see facts 5-6 reject it)."""
    F3 = sp.integrate(t ** -HALF / _beta(HALF, 1), (t, 0, r**2))
    mean_R = sp.integrate((1 - r) ** m, (r, 0, 1))
    law = sp.Integral(t ** -HALF * (1 - t) ** ((d - 3) / 2), (t, 0, r**2)) / _beta(HALF, (d - 1) / 2)
    density = sp.diff(law, r).doit()
    f_0 = 2 * sp.gamma(d / 2) / (sp.gamma(HALF) * sp.gamma((d - 1) / 2))
    guarantee = 1 - 2 * sp.exp(-n * p_tau**2 / 2)
    facts = [
        ("d = 3: P(|cos(theta, x)| <= r) = I_{r^2}(1/2, 1) = r (|cos| uniform on [0, 1])", *is_zero(F3 - r), "decisive"),
        ("E R_n = int_0^1 (1 - r)^n dr = 1/(n + 1) (d = 3, P(R_n > r) = (1 - r)^n)", *is_zero(mean_R - 1 / (m + 1)),
         "decisive"),
        ("n E R_n -> 1 as n -> infinity (R shrinks like 1/n)", *is_zero(sp.limit(m * mean_R, m, sp.oo) - 1), "decisive"),
        ("density of |cos| at r: 2 (1 - r^2)^((d-3)/2) / B(1/2, (d-1)/2)",
         *is_zero(density - 2 * (1 - r**2) ** ((d - 3) / 2) / _beta(HALF, (d - 1) / 2)), "decisive"),
        ("its value at r = 0: f_0 = 2 Gamma(d/2) / (Gamma(1/2) Gamma((d-1)/2)) > 0", *is_zero(density.subs(r, 0) - f_0),
         "decisive"),
        ("d = 2: f_0 = 2/pi", *is_zero(f_0.subs(d, 2) - 2 / sp.pi), "decisive"),
        ("F(r) ~ f_0 r: int_0^oo exp(-f_0 n r) dr = 1/(f_0 n) (exponent -1)",
         *is_zero(sp.integrate(sp.exp(-f0 * m * r), (r, 0, sp.oo)) - 1 / (f0 * m)), "decisive"),
        ("Theorem 3.2's R~ has no n: d/dn of both components = 0",
         *is_zero(sum(sp.Abs(sp.diff(c, n)) for c in r_tilde_32)), "decisive"),
        ("Theorem B.1's R~ has no n: d/dn of both components = 0",
         *is_zero(sum(sp.Abs(sp.diff(c, n)) for c in r_tilde_b1)), "decisive"),
        ("the guarantee 1 - 2 exp(-n p_tau^2/2) grows with n: d/dn = p_tau^2 exp(-n p_tau^2/2) > 0",
         *is_zero(sp.diff(guarantee, n) - p_tau**2 * sp.exp(-n * p_tau**2 / 2)), "decisive"),
    ]
    latex = (
        r"\begin{aligned}"
        r"&P(R_n > r) = (1 - F(r))^n,\quad F(r) = P(|\cos(\theta, x)|\le r)\\"
        r"&d = 3:\ F(r) = r,\quad\mathbb E R_n = \int_0^1(1-r)^n\,dr = \frac1{n+1}\\"
        rf"&f(r) = {sp.latex(2 * (1 - r**2) ** ((d - 3) / 2))}\Big/B\big(\tfrac12, \tfrac{{d-1}}2\big),"
        rf"\quad f(0) = {sp.latex(f_0)} > 0\ \Rightarrow\ \mathbb E R_n\sim\frac1{{f(0)\,n}}\\"
        r"&\partial_n\tilde R_{3.2} = \partial_n\tilde R_{B.1} = 0,\quad"
        r"\partial_n\big(1 - 2e^{-np_\tau^2/2}\big) = p_\tau^2e^{-np_\tau^2/2} > 0"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
