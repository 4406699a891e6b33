r"""Remark 3.2's comparison: the ridge bound against Theorem 3.4's, and the two classes on a law of rank r in R^p.

1. The bounds: :math:`\max\{(\gamma/\rho)^{1/4},(\gamma/\rho)^{1/2}\}\sqrt{p/n}` over
   :math:`\max\{(\gamma/\rho)^{1/4},(\gamma/\rho)^{1/2}\}\sqrt{\mathrm{rank}/n}` is :math:`\sqrt{p/\mathrm{rank}}` for
   every gamma, rho, n: its exponent in p/rank is 1/2 (the two bounds share their constant).
2. The classes, for x = E z with :math:`\mathbb Ezz^\top = I_r` (so :math:`\Sigma_X = EE^\top`): the supremum over
   :math:`\{\theta^\top M\theta\le\gamma\}` of :math:`\theta^\top u` is :math:`\sqrt\gamma\|M^{+1/2}u\|` (remark-3.2,
   theorem-3.4). For the class of Theorem 3.4 (A'' = 1, :math:`M = \Sigma_X`) and E of full column rank,
   :math:`E^\top(EE^\top)^+E = I_r`: :math:`\|M^{+1/2}Ev\| = \|v\|` whatever the scale of E -- its complexity depends on
   the rank only. For the ridge class (M = I), :math:`\|Ev\|^2 = v^\top E^\top Ev`: on the frame that copies r
   coordinates p/r times and scales them by s, :math:`E^\top E = s^2(p/r)I_r`.
3. Hence the classes' ratio on that law is exactly :math:`s\sqrt{p/r}` for every sample: unit second moment per
   coordinate (s = 1, :math:`\mathrm{tr}\,\Sigma_X = p`) gives :math:`\sqrt{p/r}`, the bounds' ratio (exponent 1/2 in
   p/r); an isometric embedding (:math:`s = \sqrt{r/p}`, :math:`\mathrm{tr}\,\Sigma_X = r`) gives 1 (exponent 0); inputs
   of unit norm (:math:`s = 1/\sqrt p`, :math:`\mathrm{tr}\,\Sigma_X = 1`) give :math:`1/\sqrt r` (exponent 0: the
   ridge class is the smaller one). In general the ratio is :math:`\sqrt{\mathrm{tr}\,\Sigma_X/\mathrm{rank}}` for such
   frames: the comparison of the classes is one of the data's normalisation, which the Remark does not fix.

Checked with p = 4, r = 2 and a symbolic scale s and vector v (the identities are those of a 2 x 2 block structure, so
these sizes stand for all multiples p = m r), and symbolic gamma, rho, n, p, rank for fact 1.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero


def remark_bound(gamma, rho, p, n):
    """Remark 3.2's ridge bound, symbolic."""
    return sp.Max((gamma / rho) ** sp.Rational(1, 4), (gamma / rho) ** sp.Rational(1, 2)) * sp.sqrt(p / n)


def theorem_bound(gamma, rho, rank, n):
    """Theorem 3.4's bound, symbolic."""
    return sp.Max((gamma / rho) ** sp.Rational(1, 4), (gamma / rho) ** sp.Rational(1, 2)) * sp.sqrt(rank / n)


def derive(ridge_bound=remark_bound) -> Derivation:
    """``ridge_bound(gamma, rho, p, n, rank)``-free planted versions go through ``ridge_bound(gamma, rho, p, n)``; plant
    e.g. Theorem 3.4's own bound with p for rank to see fact 1 fail."""
    gamma, rho, n, p, rank, s = sp.symbols("gamma rho n p rank s", positive=True)
    ratio = ridge_bound(gamma, rho, p, n) / theorem_bound(gamma, rho, rank, n)
    v = sp.Matrix(sp.symbols("v1:3", real=True))
    Q = sp.Matrix([[1, 0], [0, 1], [1, 0], [0, 1]])  # p = 4, r = 2: each coordinate copied p/r = 2 times
    E = s * Q
    sigma = E * E.T
    whitened = E.T * sigma.pinv() * E
    logp = sp.Symbol("log_p", real=True)
    exponent = sp.diff(sp.log(ratio.subs(p, sp.exp(logp))), logp)
    facts = [
        ("Remark 3.2's bound / Theorem 3.4's bound = sqrt(p/rank) for every gamma, rho, n",
         *is_zero(sp.simplify(ratio - sp.sqrt(p / rank))), "decisive"),
        ("its exponent in p (at fixed rank) is 1/2", *is_zero(sp.simplify(exponent - sp.Rational(1, 2))), "decisive"),
        ("Theorem 3.4's class (M = Sigma_X = E E^T): E^T Sigma_X^+ E = I_r for every scale s (the rank alone)",
         *is_zero((whitened - sp.eye(2)).norm())),
        ("ridge class (M = I) on the copied-coordinates frame scaled by s: |E v|^2 = s^2 (p/r) |v|^2 (p/r = 2)",
         *is_zero(((E * v).T * (E * v))[0] - s**2 * 2 * (v.T * v)[0])),
        ("classes' ratio s sqrt(p/r): 1 for the isometric scale s = sqrt(r/p), 1/sqrt(r) for unit-norm x (s = 1/sqrt(p))",
         *is_zero((sp.sqrt(rank / p) * sp.sqrt(p / rank) - 1) ** 2
                  + (1 / sp.sqrt(p) * sp.sqrt(p / rank) - 1 / sp.sqrt(rank)) ** 2)),
    ]
    latex = (
        r"\begin{aligned}"
        r"\frac{\max\{(\gamma/\rho)^{1/4},(\gamma/\rho)^{1/2}\}\sqrt{p/n}}{\max\{(\gamma/\rho)^{1/4},(\gamma/\rho)^{1/2}\}"
        r"\sqrt{\mathrm{rank}/n}} &= \sqrt{p/\mathrm{rank}}\\"
        r"\frac{\mathbb E_S\mathrm{Rad}(\mathcal W^{ridge}_\gamma,S)}{\mathbb E_S\mathrm{Rad}(\mathcal W_\gamma,S)} &= "
        r"s\sqrt{p/r}\quad(x = sQz,\ Q^\top Q = (p/r)I_r):\ \sqrt{p/r},\ 1,\ 1/\sqrt r"
        r"\ \text{for unit-variance coordinates, isometric, unit-norm } x"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
