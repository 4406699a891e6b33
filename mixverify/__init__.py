"""mixverify: symbolic-numeric verification of Zhang et al. (2021), "How Does Mixup Help With
Robustness and Generalization?" (ICLR 2021).

The verified formulas, importable::

    from mixverify import mixup_loss, mixup_regularizers, approx_mixup_loss, tilde_lambda_law
"""

from .adversarial import adversarial_loss, attack_radius, taylor_adversarial_loss
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
from .glm import glm_mixup_regularizer, ratio_moment
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
    pair_values,
    pairing_weights,
    soft_target_cross_entropy,
    truncated_lambda_quadrature,
    truncation_gap,
    two_cross_entropies,
)
from .models import linear_model
from .rademacher import rademacher_complexity
from .regularizers import input_derivative_terms, mixup_regularizers

__version__ = "0.1.0"
PAPER = ("Zhang, Deng, Kawaguchi, Ghorbani, Zou. How Does Mixup Help With Robustness and Generalization? "
         "ICLR 2021")

__all__ = [
    "adversarial_loss", "attack_radius", "fgsm", "linear_model", "pgd", "taylor_adversarial_loss",
    "glm_mixup_regularizer", "manifold_mixup_loss", "manifold_mixup_regularizer", "rademacher_complexity", "ratio_moment",
    "Beta", "BetaMixture", "MonteCarloEstimate", "PAPER", "approx_mixup_loss", "expect", "glm_loss",
    "input_derivative_terms", "mixup_lambda_law", "mixup_loss", "mixup_loss_mc", "mixup_regularizers",
    "perturbation_loss", "log_sum_exp", "softplus", "standard_loss", "tilde_lambda_law",
    "EstimatorVariances", "estimator_variances", "mixed_soft_target", "pair_values", "pairing_weights",
    "soft_target_cross_entropy", "truncated_lambda_quadrature", "truncation_gap", "two_cross_entropies",
    "bounded_set_constants", "failure_probability", "mixup_minus_adversarial", "p_tau_cone", "r_tilde",
    "theorem_b1_radius",
]
