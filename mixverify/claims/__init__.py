"""The claim registry: every claim of Zhang et al. (2021) that mixverify checks, in paper order.

To add a claim, write ``mixverify/claims/<id>.py`` with a ``CLAIM`` and its
``derivations/<id>.py``, and add one line to ``CLAIMS`` below; the CLI and the report need no change.
Claim ids are a public contract: never rename one.
"""

from __future__ import annotations

from ..claim import Claim
from . import (
    assumption_3_1,
    beyond_attack_eps_zero,
    beyond_lambda_per_example,
    beyond_soft_target_ce,
    beyond_truncated_beta,
    corollary_3_1,
    eq_1,
    eq_2,
    eq_4,
    eq_6,
    eq_9,
    figure_1a,
    figure_1b,
    figure_2,
    figure_3,
    figure_3_values,
    figure_4,
    figure_5,
    figure_6,
    figure_7,
    figure_8,
    identity_b2,
    lemma_3_1,
    lemma_3_2,
    lemma_3_3,
    lemma_3_4,
    lemma_a1,
    mixup_generalization_gap,
    mixup_vs_erm_robustness,
    radius_vs_n,
    remark_3_1,
    remark_3_2,
    remark_3_2_comparison,
    section_3_3,
    theorem_3_1,
    theorem_3_2,
    theorem_3_3,
    theorem_3_4,
    theorem_3_5,
    theorem_a1,
    theorem_b1,
)

CLAIMS: tuple[Claim, ...] = (
    # Section 2-3.1: Mixup as a regularised loss
    eq_1.CLAIM,
    eq_9.CLAIM,
    lemma_3_1.CLAIM,
    eq_2.CLAIM,  # Eq. (2) includes the cross-entropy: Eq. (9) and Lemma 3.1 for K-class classifiers
    figure_2.CLAIM,
    # Section 3.2 and Appendix B: robustness
    lemma_3_2.CLAIM,
    eq_4.CLAIM,  # Eq. (4) and its remark: Theta reached in finite time by Mixup-trained models
    theorem_3_1.CLAIM,
    remark_3_1.CLAIM,
    radius_vs_n.CLAIM,  # Section 3.2: why Theorems 3.2/B.1 exist (R shrinks with n, R~ does not)
    assumption_3_1.CLAIM,  # Assumption 3.1's sufficient conditions and footnote 1
    theorem_3_2.CLAIM,
    identity_b2.CLAIM,
    eq_6.CLAIM,  # Section 3.2: Eq. (6), the ReLU-net adversarial loss
    theorem_3_3.CLAIM,
    theorem_b1.CLAIM,  # Appendix B.2: the constant radius for neural networks
    mixup_vs_erm_robustness.CLAIM,  # the reading of Theorems 3.1/3.3 in Section 3.2
    figure_3.CLAIM,
    figure_3_values.CLAIM,  # Figure 3's printed numbers, decided against the paper's experiment
    figure_4.CLAIM,
    # Section 3.3: generalization
    section_3_3.CLAIM,  # Section 3.3's reading: Mixup as a data-adaptive regulariser, decided on the minimisers (GLMs)
    lemma_3_3.CLAIM,
    theorem_3_4.CLAIM,
    corollary_3_1.CLAIM,
    lemma_a1.CLAIM,  # used by Corollary 3.1 and Theorem 3.5
    remark_3_2.CLAIM,
    remark_3_2_comparison.CLAIM,  # Remark 3.2's 'much larger when rank(Sigma_X) is small'
    lemma_3_4.CLAIM,
    theorem_3_5.CLAIM,
    theorem_a1.CLAIM,  # used by Theorems 3.4 and 3.5
    # Figure 1 and Appendix C: the experiments that motivated the theory (empirical/)
    figure_1a.CLAIM,
    figure_1b.CLAIM,
    figure_5.CLAIM,
    figure_6.CLAIM,
    figure_7.CLAIM,
    figure_8.CLAIM,
    mixup_generalization_gap.CLAIM,  # the general statement Figures 1b and 5-8 illustrate, on the runs made
    # Beyond the paper: questions Mixup users ask (issue trackers of timm, big_vision, torchattacks, ...)
    beyond_soft_target_ce.CLAIM,
    beyond_lambda_per_example.CLAIM,
    beyond_truncated_beta.CLAIM,
    beyond_attack_eps_zero.CLAIM,
)


def select(ids=None) -> list[Claim]:
    """The claims with these ids, in registry order (all when ``ids`` is empty)."""
    if not ids:
        return list(CLAIMS)
    known = {c.id: c for c in CLAIMS}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValueError(f"unknown claim id {unknown[0]!r}; known ids: {', '.join(known)}")
    return [c for c in CLAIMS if c.id in set(ids)]
