r"""Section 3.3: for the least-squares GLM the Mixup loss of Eq. (1) is the standard loss rescaled, so it has the same
minimiser.

The squared loss of Eq. (2), :math:`\ell = A(u) - yu` with :math:`A(u) = u^2/2`, of a linear model
:math:`u = \theta^\top x`. On the mixed pair (:math:`o = \lambda u_i + (1-\lambda)u_j`, label
:math:`t = \lambda y_i + (1-\lambda)y_j`) it is a polynomial of degree 2 in :math:`(u_i, u_j, y_i, y_j)`; its mean over
the :math:`n^2` ordered pairs depends on the data only through :math:`\bar u`, :math:`\bar y`,
:math:`S_{uu} = \frac1n\sum_iu_i^2`, :math:`S_{yu} = \frac1n\sum_iy_iu_i` (a monomial :math:`u_iu_i` averages to
:math:`S_{uu}`, :math:`u_iu_j` to :math:`\bar u^2`, and so on: every n at once), and on :math:`\lambda` only through
:math:`\mu_k = \mathbb E\lambda^k` (Beta(alpha, beta) in closed form). With :math:`V_{uu} = S_{uu} - \bar u^2`,
:math:`C_{yu} = S_{yu} - \bar y\bar u` (the centred statistics) and :math:`e = \mathbb E\lambda(1-\lambda) =
\alpha\beta/((\alpha+\beta)(\alpha+\beta+1))`:

1. :math:`L_n^{mix}(\theta) = \tfrac12\bar u^2 - \bar y\bar u + c\,(\tfrac12V_{uu} - C_{yu})` for every data set, with
   :math:`c = \mathbb E[\lambda^2 + (1-\lambda)^2] = 1 - 2e`, while :math:`L_n^{std} = \tfrac12\bar u^2 - \bar y\bar u +
   (\tfrac12V_{uu} - C_{yu})`: Mixup rescales the within-sample part only.
2. :math:`c = \tfrac12 + 2\,\mathbb E(\lambda - \tfrac12)^2 \in [\tfrac12, 1]`: positive for every alpha, beta.
3. Centred inputs (Lemma 3.3's "centralized dataset", no intercept): :math:`\bar u = \bar x^\top\theta = 0` for every
   :math:`\theta`, so :math:`L_n^{mix} = c\,L_n^{std}` -- the same minimiser (least squares) for every alpha, beta: no
   regularisation at all. With an intercept the same holds on any data (the intercept sets :math:`\bar u = \bar y` in
   both, and :math:`\theta` minimises the centred part, rescaled by c > 0).
4. Lemma 3.1's terms with :math:`\tilde{\mathcal D}_\lambda` (:math:`\mathbb E_{\tilde{\mathcal D}}[1-\lambda] = 2e`,
   :math:`\mathbb E_{\tilde{\mathcal D}}[(1-\lambda)^2] = e`), centred inputs: :math:`\mathcal R_2 = e\,S_{uu} =
   e\,\theta^\top\hat\Sigma_X\theta` (the data-adaptive ridge that Eq. (7) keeps for A'' = 1) and
   :math:`\mathcal R_1 = -2e\,(S_{uu} - S_{yu})`, so :math:`\mathcal R_1 + \mathcal R_2 = (c - 1)L_n^{std}`: the
   penalty is cancelled by :math:`\mathcal R_1`, the term Lemma 3.3 drops (:math:`\mathcal R_3 = 0`: f is linear); and
   :math:`L_n^{std} + \mathcal R_1 + \mathcal R_2 + \mathcal R_3 = L_n^{mix}` exactly (Eq. (3) is exact here, the
   loss being quadratic).

Facts 1-4 are the mechanism the claim's numbers measure (implementation role: a failing identity means the numbers
cannot be read this way); the decisive evidence is the comparison of the minimisers' gamma and gaps (the check).
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import alpha, beta, is_zero
from .closed_forms import BETA_MIX

lam = sp.Symbol("lambda", positive=True)
ui, uj, yi, yj = sp.symbols("u_i u_j y_i y_j", real=True)
ubar, ybar, Suu, Syu = sp.symbols(r"\bar{u} \bar{y} S_{uu} S_{yu}", real=True)
#: E[lambda^k] under Beta(alpha, beta), k = 1, 2.
MU = {1: alpha / (alpha + beta), 2: alpha * (alpha + 1) / ((alpha + beta) * (alpha + beta + 1))}
#: E[lambda (1 - lambda)] under Beta(alpha, beta).
E_MIX = BETA_MIX


def pair_mean(poly):
    r"""The mean over the n^2 ordered pairs (i, j) of a polynomial of degree <= 2 in u_i, u_j, y_i, y_j with no y y
    term: each monomial is replaced by its pair mean (u_i u_i -> S_uu, u_i u_j -> ubar^2, y_i u_i -> S_yu, y_i u_j ->
    ybar ubar, u_i -> ubar), which holds for every n."""
    p = sp.Poly(sp.expand(poly), ui, uj, yi, yj)
    out = 0
    for (a, b, c, d), coeff in p.terms():
        if c + d == 2:
            raise ValueError("pair_mean: y y terms do not occur in Eq. (2)")
        if a + b + c + d > 2:
            raise ValueError("pair_mean: degree > 2")
        if a + b == 2:
            out += coeff * (Suu if 2 in (a, b) else ubar**2)
        elif a + b == 1 and c + d == 1:
            out += coeff * (Syu if (a, c) == (1, 1) or (b, d) == (1, 1) else ybar * ubar)
        elif a + b == 1:
            out += coeff * ubar
        elif c + d == 1:
            out += coeff * ybar
        else:
            out += coeff
    return out


def expect_lambda(poly):
    """E over lambda ~ Beta(alpha, beta) of a polynomial in lambda (degree <= 2): lambda^k -> MU[k]."""
    p = sp.Poly(sp.expand(poly), lam)
    return sum(coeff * (MU[k] if k else 1) for (k,), coeff in p.terms())


def derive(mixed_label=True) -> Derivation:
    """``mixed_label=False`` plants the label y_i for the mixed label (Eq. 9 without its D-tilde: the fact 1 fails)."""
    o = lam * ui + (1 - lam) * uj
    t = lam * yi + (1 - lam) * yj if mixed_label else yi
    l_mix = expect_lambda(pair_mean(o**2 / 2 - t * o))
    l_std = Suu / 2 - Syu
    c = 1 - 2 * MU[1] + 2 * MU[2]
    V, C = Suu - ubar**2, Syu - ybar * ubar
    outer = ubar**2 / 2 - ybar * ubar
    m1, m2 = 2 * E_MIX, E_MIX  # E_{D-tilde}[1 - lambda], E_{D-tilde}[(1 - lambda)^2]
    # Lemma 3.1 for A'' = 1, f = theta^T x (R3 = 0): R1 = m1 mean_i (u_i - y_i)(ubar - u_i), R2 = m2/2 mean_i mean_r
    # (u_r - u_i)^2, written as pair means
    r1 = m1 * pair_mean((ui - yi) * (uj - ui))
    r2 = m2 / 2 * pair_mean((uj - ui) ** 2)
    centred = {ubar: 0}
    facts = [
        ("L_mix = ubar^2/2 - ybar ubar + c (V_uu/2 - C_yu) for every data set, c = E[lam^2 + (1-lam)^2]",
         *is_zero(l_mix - (outer + c * (V / 2 - C)))),
        ("c = 1 - 2 E[lam (1-lam)] = 1/2 + 2 E(lam - 1/2)^2 (in [1/2, 1])",
         *is_zero((c - (1 - 2 * E_MIX)) ** 2 + (c - (sp.Rational(1, 2) + 2 * (MU[2] - MU[1] + sp.Rational(1, 4)))) ** 2)),
        ("centred inputs (ubar = 0 for every theta): L_mix = c L_std, the same minimiser for every alpha, beta",
         *is_zero((l_mix - c * l_std).subs(centred))),
        ("centred inputs: R2 = e theta^T Sigma_hat theta (the penalty Eq. (7) keeps for A'' = 1)",
         *is_zero((r2 - E_MIX * Suu).subs(centred))),
        ("centred inputs: R1 + R2 = (c - 1) L_std: R1 cancels the penalty", *is_zero((r1 + r2 - (c - 1) * l_std).subs(centred))),
        ("L_std + R1 + R2 = L_mix on centred inputs (Eq. (3) exact for the squared loss)",
         *is_zero((l_std + r1 + r2 - l_mix).subs(centred))),
    ]
    latex = (
        r"\begin{aligned}"
        r"L_n^{mix}(\theta) &= \tfrac12\bar u^2 - \bar y\bar u + c\,\big(\tfrac12V_{uu} - C_{yu}\big),\quad"
        r"L_n^{std}(\theta) = \tfrac12\bar u^2 - \bar y\bar u + \tfrac12V_{uu} - C_{yu}\\"
        r"c &= \mathbb E[\lambda^2 + (1-\lambda)^2] = 1 - \frac{2\alpha\beta}{(\alpha+\beta)(\alpha+\beta+1)}"
        r"\in[\tfrac12, 1]\\"
        r"\bar x = 0:\ L_n^{mix} &= c\,L_n^{std},\qquad \mathcal R_1 + \mathcal R_2 = (c-1)\,L_n^{std},\quad"
        r"\mathcal R_2 = e\,\theta^\top\hat\Sigma_X\theta"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
