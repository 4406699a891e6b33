r"""Beta--Bernoulli conjugacy, the step of Appendix A.1 that precedes Eq. (9).

If :math:`\lambda \sim \mathrm{Beta}(\alpha, \beta)` and :math:`B \mid \lambda \sim \mathrm{Bern}(\lambda)`,
then :math:`B \sim \mathrm{Bern}(\alpha/(\alpha+\beta))` and
:math:`\lambda \mid B \sim \mathrm{Beta}(\alpha + B, \beta + 1 - B)`.

Proof checked here, for symbolic :math:`\alpha, \beta > 0`: for b in {0, 1} the joint density
:math:`p(\lambda, b) = \mathrm{Beta}(\lambda; \alpha, \beta)\lambda^b(1-\lambda)^{1-b}` factors as
:math:`P(B=b)\,\mathrm{Beta}(\lambda; \alpha+b, \beta+1-b)`; since the second factor is a density,
integrating over lambda gives the marginal and dividing gives the posterior. Both factorisations are
*decisive*: together they prove the statement for all admissible parameters.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import alpha, beta, beta_pdf, lam, ratio_is_one


def correct_posterior(a, b, B):
    return a + B, b + 1 - B


def derive(posterior=correct_posterior, p_b1=None) -> Derivation:
    """Check the factorisation for B = 0 and B = 1; ``posterior``/``p_b1`` (an expression or a
    function of (alpha, beta)) can be planted wrong."""
    p1 = alpha / (alpha + beta) if p_b1 is None else (p_b1(alpha, beta) if callable(p_b1) else p_b1)
    facts, lines = [], []
    for B in (1, 0):
        joint = beta_pdf(alpha, beta) * lam**B * (1 - lam) ** (1 - B)
        pB = p1 if B == 1 else 1 - p1
        a_post, b_post = posterior(alpha, beta, B)
        ok, residual = ratio_is_one(joint, pB * beta_pdf(a_post, b_post))
        facts.append((f"p(lambda, B={B}) = P(B={B}) Beta(lambda; {a_post}, {b_post})", ok, residual, "decisive"))
        lines.append(
            rf"p(\lambda, B={B}) = {sp.latex(joint)} = {sp.latex(sp.simplify(pB))}\cdot"
            rf"\mathrm{{Beta}}(\lambda; {sp.latex(a_post)}, {sp.latex(b_post)})")
    latex = "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"
    return Derivation(__name__, latex, facts)
