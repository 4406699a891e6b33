r"""The paper's closed forms, each defined once and by name.

The derivation modules prove their facts about these expressions (they import them rather than retyping them), and
``tests/test_formulas.py`` compares each with its library twin (the table ``docs/formulas.md``) on a grid that
includes the edge values of its hypotheses. Symbols are SymPy symbols with the paper's names.

- :data:`TILDE`: :math:`\tilde{\mathcal D}_\lambda = \frac{\alpha}{\alpha+\beta}\mathrm{Beta}(\alpha+1,\beta) +
  \frac{\beta}{\alpha+\beta}\mathrm{Beta}(\beta+1,\alpha)` (Lemma 3.1), as (weight, p, q) triples.
- :data:`TILDE_M1`, :data:`TILDE_M2`: :math:`\mathbb E_{\tilde{\mathcal D}}[1-\lambda]` and
  :math:`\mathbb E_{\tilde{\mathcal D}}[(1-\lambda)^2]`, the coefficients of :math:`\mathcal R_1` and
  :math:`\mathcal R_2` (Lemma 3.1); :data:`BETA_MIX` :math:`= \mathbb E_{\mathrm{Beta}(\alpha,\beta)}[\lambda(1-\lambda)]`,
  equal to :data:`TILDE_M2` (Lemma 3.4, Section 3.3).
- :data:`EQ7_MOMENT`: :math:`\mathbb E_{\tilde{\mathcal D}}[(1-\lambda)^2/\lambda^2]` (finite iff alpha, beta > 1) and
  :data:`EQ7_COEFFICIENT` = half of it, the factor of :math:`\frac1n\sum_i A''(x_i^\top\theta)\,\theta^\top\hat\Sigma_X
  \theta` in Eq. (7) (Lemma 3.3).
- :data:`R_TILDE` (Theorem 3.2, from :data:`R_TILDE_KAPPA` and :data:`R_TILDE_KAPPA12`) and :data:`FAILURE`
  :math:`= 2e^{-np_\tau^2/2}`; :data:`B1_RADIUS` (Theorem B.1, from :data:`B1_FIRST` and :data:`B1_SECOND`).
- :data:`RETENTIVE_RADIUS`, :data:`THEOREM_3_4_BOUND`, :data:`COROLLARY_BOUND` (Theorem 3.4, Corollary 3.1);
  :data:`THEOREM_A1_BOUND` (Theorem A.1); :data:`LEMMA_A1_CONFIDENCE` (Lemma A.1).
"""

import sympy as sp

from ._beta import alpha, beta

# --- the laws of lambda (Lemmas 3.1, 3.3, 3.4) -------------------------------------------------------------------
TILDE = ((alpha / (alpha + beta), alpha + 1, beta), (beta / (alpha + beta), beta + 1, alpha))
TILDE_M1 = 2 * alpha * beta / ((alpha + beta) * (alpha + beta + 1))
TILDE_M2 = alpha * beta / ((alpha + beta) * (alpha + beta + 1))
BETA_MIX = alpha * beta / ((alpha + beta) * (alpha + beta + 1))
EQ7_MOMENT = (beta * (beta + 1) / (alpha - 1) + alpha * (alpha + 1) / (beta - 1)) / (alpha + beta)
EQ7_COEFFICIENT = EQ7_MOMENT / 2

# --- Theorem 3.2 and the end of Appendix A.2.3 --------------------------------------------------------------------
p_tau, tau, kappa, kappa1, kappa2, n = sp.symbols("p_tau tau kappa kappa_1 kappa_2 n", positive=True)
R_TILDE_KAPPA = sp.sqrt(4 * kappa * p_tau / (2 - p_tau + 4 * kappa * p_tau))
R_TILDE_KAPPA12 = p_tau * kappa1 / (2 * kappa2 - p_tau * (kappa2 - kappa1))
R_TILDE = sp.Min(R_TILDE_KAPPA12, R_TILDE_KAPPA) * tau
FAILURE = 2 * sp.exp(-n * p_tau**2 / 2)

# --- Theorem B.1 --------------------------------------------------------------------------------------------------
p, t1, t2 = sp.symbols("p tau' tau''", positive=True)
B1_FIRST = sp.sqrt(p * kappa * t1**2 / ((2 - p) * t2**2 / 4 + p * kappa * t1**2))
B1_SECOND = p * kappa1 * t1 / (p * kappa1 * t1 + (2 - p) * kappa2 * t2)
B1_RADIUS = sp.Min(B1_FIRST, B1_SECOND) * tau

# --- Theorem 3.4, Corollary 3.1, Theorem A.1, Lemma A.1 -----------------------------------------------------------
gamma, rho, rank, delta, L, L_A, B, mu_term = sp.symbols("gamma rho rank delta L L_A B mu_term", positive=True)
RETENTIVE_RADIUS = sp.Max((gamma / rho) ** sp.Rational(1, 4), (gamma / rho) ** sp.Rational(1, 2))
THEOREM_3_4_BOUND = RETENTIVE_RADIUS * sp.sqrt(rank / n)
LEMMA_A1_CONFIDENCE = B * sp.sqrt(sp.log(1 / delta) / (2 * n))
COROLLARY_BOUND = 2 * L * L_A * THEOREM_3_4_BOUND + LEMMA_A1_CONFIDENCE
THEOREM_A1_BOUND = 2 * sp.sqrt(gamma * (rank + mu_term) / n)

#: Every closed form, by name (tests/test_formulas.py needs a library twin or a stated reason for each).
EXPORTS = {name: value for name, value in globals().items()
           if name.isupper() and (isinstance(value, sp.Expr) and not isinstance(value, sp.Symbol) or name == "TILDE")}
