"""mixverify: symbolic-numeric verification of Zhang et al. (2021), "How Does Mixup Help With
Robustness and Generalization?" (ICLR 2021).

The verified formulas, importable::

    from mixverify import mixup_loss, mixup_regularizers, approx_mixup_loss, tilde_lambda_law
"""

from ._meta import PAPER, __version__  # noqa: F401 (mixverify.__version__ is public)
from .adversarial import adversarial_loss, attack_radius, input_cosines, mixup_attack_radii, taylor_adversarial_loss
from .attacks import fgsm, pgd
from .certified import (
    bounded_set_constants,
    failure_probability,
    mixup_minus_adversarial,
    p_tau_cone,
    r_tilde,
    theorem_b1_radius,
)
from .eq2 import log_sum_exp
from .glm import corollary_bound, glm_mixup_regularizer, ratio_moment
from .laws import Beta, BetaMixture, expect, mixup_lambda_law, tilde_lambda_law
from .losses import (
    MonteCarloEstimate,
    approx_mixup_loss,
    glm_loss,
    mixup_loss,
    mixup_loss_mc,
    perturbation_loss,
    softplus,
    standard_loss,
)
from .manifold import manifold_mixup_loss, manifold_mixup_regularizer
from .mixup_practice import (
    EstimatorVariances,
    estimator_variances,
    mixed_soft_target,
    mixup_pair_losses,
    pair_values,
    pairing_weights,
    soft_target_cross_entropy,
    truncated_lambda_quadrature,
    truncation_gap,
    two_cross_entropies,
)
from .models import linear_model
from .rademacher import rademacher_complexity, retentive_radius, theorem_3_4_bound
from .regularizers import input_derivative_terms, mixup_regularizers

__all__ = [
    "adversarial_loss", "attack_radius", "fgsm", "linear_model", "pgd", "taylor_adversarial_loss",
    "glm_mixup_regularizer", "manifold_mixup_loss", "manifold_mixup_regularizer", "rademacher_complexity", "ratio_moment",
    "Beta", "BetaMixture", "MonteCarloEstimate", "PAPER", "approx_mixup_loss", "expect", "glm_loss",
    "input_derivative_terms", "mixup_lambda_law", "mixup_loss", "mixup_loss_mc", "mixup_regularizers",
    "perturbation_loss", "log_sum_exp", "softplus", "standard_loss", "tilde_lambda_law",
    "EstimatorVariances", "estimator_variances", "mixed_soft_target", "pair_values", "pairing_weights",
    "soft_target_cross_entropy", "truncated_lambda_quadrature", "truncation_gap", "two_cross_entropies",
    "bounded_set_constants", "failure_probability", "mixup_minus_adversarial", "p_tau_cone", "r_tilde",
    "theorem_b1_radius", "input_cosines", "mixup_attack_radii", "mixup_pair_losses", "retentive_radius",
    "theorem_3_4_bound", "corollary_bound", "verify",
]


def verify(claim_id: str, *, seed: int = 0, sensitivity: bool = True, **context):
    """Check one claim in one call and return its :class:`~mixverify.claim.ClaimResult` (``.status``, ``.outcome``
    with its evidence, errata and sensitivity table, ``.to_json()``): what ``mixverify verify ID --seed N`` prints.
    ``context`` holds the other fields of :class:`~mixverify.claim.Context` (``preset``, ``thorough``, ...);
    ``sensitivity=False`` decides the headline design only.

    >>> from mixverify import verify
    >>> verify("eq-9").status
    'verified'
    """
    from dataclasses import fields

    from ._validate import nonnegative_int
    from .claim import Context, run_claim  # lazily: the claims import SymPy and every check
    from .claims import select

    (claim,) = select([claim_id])
    known = {f.name for f in fields(Context)} - {"seed", "sensitivity", "log"}
    unknown = sorted(set(context) - known)
    if unknown:
        raise ValueError(f"unknown setting {unknown[0]!r}; verify takes seed, sensitivity and {', '.join(sorted(known))}")
    return run_claim(claim, Context(seed=nonnegative_int("seed", seed), sensitivity=bool(sensitivity), **context))
