"""The bad-input audit (issue 6): every row of ``docs/bad-inputs.md``, run.

The table is the contract. This module parses it, and for each row runs the call registered below under the
row's id and asserts exactly what the row's last column says:

- ``raises Type: start`` -- that exception type, a one-line message starting with ``start``;
- ``warns Type: start`` -- that warning (and no exception);
- ``returns value`` -- that value (``nan`` and ``inf`` compared as such);
- ``exit N: start`` -- ``mixverify.cli.main`` (run in-process) returns N, writes exactly one stderr line, starting
  with ``start``, and no traceback;
- ``exit N, argparse: start`` -- argparse exits N (SystemExit) with exactly one stderr line (no usage block:
  ``mixverify.cli`` overrides ``ArgumentParser.error``), starting with ``start``; no traceback.

It also checks that every row has a call and every call a row, and that every name in ``mixverify.__all__`` is
in the table (or in its list of names that take no input).
"""

import math
import re
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mixverify.empirical import data, figures
from mixverify.empirical.robustness import attack_subset, fgsm_accuracy
from mixverify.empirical.train import RunConfig, run

import mixverify
from mixverify import (
    Beta,
    BetaMixture,
    adversarial_loss,
    approx_mixup_loss,
    attack_radius,
    bounded_set_constants,
    cli,
    expect,
    failure_probability,
    fgsm,
    glm_loss,
    glm_mixup_regularizer,
    input_derivative_terms,
    linear_model,
    manifold_mixup_loss,
    manifold_mixup_regularizer,
    mixup_lambda_law,
    mixup_loss,
    mixup_loss_mc,
    mixup_minus_adversarial,
    mixup_regularizers,
    p_tau_cone,
    perturbation_loss,
    pgd,
    r_tilde,
    rademacher_complexity,
    ratio_moment,
    softplus,
    standard_loss,
    taylor_adversarial_loss,
    theorem_b1_radius,
    tilde_lambda_law,
)
from mixverify.claims import theorem_3_1, theorem_3_3
from mixverify.homogeneity import identity_residuals
from mixverify.models import ReLUMLP, seeded

DOC = Path(__file__).resolve().parents[1] / "docs" / "bad-inputs.md"
HAVE_FMNIST = Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz").exists()

NAN, INF = float("nan"), float("inf")
_rng = np.random.default_rng(0)
X = torch.as_tensor(_rng.normal(size=(6, 3)))
y = torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0, 0.0], dtype=torch.float64)
theta = torch.as_tensor(_rng.normal(size=3))
f = linear_model(theta)
Xc = X - X.mean(0)  # centred, as Lemma 3.3 requires
W = torch.as_tensor(_rng.normal(size=(4, 3)))
t1 = torch.as_tensor(_rng.normal(size=4))
biased_net = seeded(ReLUMLP(3, (4,), bias=True), 0)
tiny_net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 3))
FAKE_ROOT = Path("/nonexistent-data-root")  # the limits are validated before anything is read


def nan_at_0(Z):
    Z = Z.clone()
    Z[0, 0] = NAN
    return Z


def gen():
    return np.random.default_rng(0)


def tgen():
    return torch.Generator().manual_seed(0)


def cross_entropy(out, labels):
    return F.cross_entropy(out, labels, reduction="none")


# --- the call of every row (id -> a function of no arguments) ---------------------------------------------

CALLS = {
    # beyond the paper (mixverify.mixup_practice)
    "mixed-soft-target-smoothing": lambda: mixverify.mixed_soft_target([0], [1], 0.3, 3, 1.5),
    "two-cross-entropies-smoothing": lambda: mixverify.two_cross_entropies(torch.zeros(2, 3), [0, 1], [1, 2], 0.3, -0.1),
    "soft-target-ce-shape": lambda: mixverify.soft_target_cross_entropy(torch.zeros(4, 5), torch.zeros(4, 3)),
    "pair-values-1d": lambda: mixverify.pair_values(lambda x, y: y, torch.zeros(4), torch.zeros(4), [0.5]),
    "estimator-variances-m1": lambda: mixverify.estimator_variances(torch.zeros(1, 1, 2), 1, [0.5, 0.5]),
    "truncated-lambda-alpha-zero": lambda: mixverify.truncated_lambda_quadrature(0, 1, 8),
    "pairing-weights-unknown": lambda: mixverify.pairing_weights(4, "diagonal"),
    "truncation-gap-shape": lambda: mixverify.truncation_gap(torch.zeros(4, 4, 2), [0.5, 0.5], torch.zeros(3, 3)),
    # laws
    "beta-alpha-zero": lambda: Beta(0, 1),
    "beta-alpha-nan": lambda: Beta(NAN, 1),
    "beta-beta-inf": lambda: Beta(1, INF),
    "beta-alpha-string": lambda: Beta("a", 1),
    "beta-alpha-bool": lambda: Beta(True, 1),
    "beta-moment-negative-order": lambda: Beta(1, 2).moment(-1),
    "beta-quadrature-zero-nodes": lambda: Beta(1, 2).quadrature(0),
    "betamixture-weights-not-summing-to-one": lambda: BetaMixture((0.5, 0.6), (Beta(1, 1), Beta(2, 2))),
    "betamixture-nan-weight": lambda: BetaMixture((NAN,), (Beta(1, 1),)),
    "betamixture-empty": lambda: BetaMixture((), ()),
    "betamixture-component-not-a-beta": lambda: BetaMixture((1.0,), (3,)),
    "mixup-lambda-law-alpha-negative": lambda: mixup_lambda_law(-1, 1),
    "tilde-lambda-law-beta-nan": lambda: tilde_lambda_law(1, NAN),
    "tilde-lambda-law-overflowing-sum": lambda: tilde_lambda_law(1e308, 1e308),
    "expect-not-a-law": lambda: expect("x", np.exp),
    "expect-integrand-not-vectorised": lambda: expect(Beta(1, 1), math.exp),
    "expect-integrand-wrong-shape": lambda: expect(Beta(1, 1), lambda lam: lam[:3]),
    "expect-zero-nodes": lambda: expect(Beta(1, 1), np.exp, nodes=0),
    "expect-nan-integrand": lambda: expect(Beta(1, 1), lambda lam: lam * NAN),
    # losses
    "mixup-loss-alpha-zero": lambda: mixup_loss(f, X, y, 0, 1),
    "mixup-loss-alpha-negative": lambda: mixup_loss(f, X, y, -1, 1),
    "mixup-loss-beta-nan": lambda: mixup_loss(f, X, y, 1, NAN),
    "mixup-loss-alpha-inf": lambda: mixup_loss(f, X, y, INF, 1),
    "mixup-loss-empty-data-set": lambda: mixup_loss(f, X[:0], y[:0], 1, 1),
    "mixup-loss-X-nan": lambda: mixup_loss(f, nan_at_0(X), y, 1, 1),
    "mixup-loss-X-inf": lambda: mixup_loss(f, X * INF, y, 1, 1),
    "mixup-loss-shape-mismatch": lambda: mixup_loss(f, X, y[:-1], 1, 1),
    "mixup-loss-X-one-dimensional": lambda: mixup_loss(f, X[:, 0], y, 1, 1),
    "mixup-loss-X-complex": lambda: mixup_loss(f, X.to(torch.complex128), y, 1, 1),
    "mixup-loss-X-bool": lambda: mixup_loss(f, X > 0, y, 1, 1),
    "mixup-loss-X-string": lambda: mixup_loss(f, "abc", y, 1, 1),
    "mixup-loss-labels-out-of-range": lambda: mixup_loss(f, X, y + 2, 1, 1),
    "mixup-loss-f-not-callable": lambda: mixup_loss("f", X, y, 1, 1),
    "mixup-loss-f-wrong-output-shape": lambda: mixup_loss(lambda Z: Z[:, None, :].expand(-1, 2, 3), X, y, 1, 1),
    "mixup-loss-classes-float-labels": lambda: mixup_loss(lambda Z: Z, X, y, 1, 1),
    "mixup-loss-classes-label-out-of-range": lambda: mixup_loss(lambda Z: Z, X, torch.tensor([0, 1, 2, 3, 0, 1]), 1, 1),
    "mixup-loss-classes-label-negative": lambda: mixup_loss(lambda Z: Z, X, torch.tensor([0, 1, 2, -1, 0, 1]), 1, 1),
    "mixup-loss-classes-label-count": lambda: mixup_loss(lambda Z: Z, X, torch.tensor([0, 1, 2, 1, 0]), 1, 1),
    "mixup-loss-classes-rows-wrong-width": lambda: mixup_loss(lambda Z: Z, X, torch.full((6, 4), 0.25), 1, 1),
    "mixup-loss-classes-rows-not-probabilities": lambda: mixup_loss(lambda Z: Z, X, torch.full((6, 3), 2 / 3), 1, 1),
    "mixup-loss-classes-bool-labels": lambda: mixup_loss(lambda Z: Z, X, y > 0, 1, 1),
    "mixup-regularizers-classes-label-out-of-range": lambda: mixup_regularizers(
        lambda Z: Z, X, torch.tensor([0, 1, 2, 7, 0, 1]), 1, 1),
    "mixup-loss-mc-classes-rows-negative": lambda: mixup_loss_mc(
        lambda Z: Z, X, torch.tensor([[1.0, 0, 0], [1.5, -0.5, 0]] * 3), 1, 1),
    "mixup-loss-f-input-width-mismatch": lambda: mixup_loss(f, X[:, :2], y, 1, 1),
    "mixup-loss-f-dtype-mismatch": lambda: mixup_loss(lambda Z: Z @ torch.ones(3), X, y, 1, 1),
    "mixup-loss-f-integer-outputs": lambda: mixup_loss(lambda Z: (Z[:, 0] > 0).long(), X, y, 1, 1),
    "mixup-loss-unknown-method": lambda: mixup_loss(f, X, y, 1, 1, method="bogus"),
    "mixup-loss-zero-nodes": lambda: mixup_loss(f, X, y, 1, 1, nodes=0),
    "mixup-loss-mc-torch-generator": lambda: mixup_loss(f, X, y, 1, 1, method="mc", generator=tgen()),
    "mixup-loss-mc-zero-samples": lambda: mixup_loss_mc(f, X, y, 1, 1, samples=0, generator=gen()),
    "mixup-loss-mc-one-sample": lambda: mixup_loss_mc(f, X, y, 1, 1, samples=1, generator=gen()).stderr,
    "glm-loss-labels-out-of-range": lambda: glm_loss(f, X, y - 1),
    "glm-loss-empty-data-set": lambda: glm_loss(f, X[:0], y[:0]),
    "standard-loss-h-not-callable": lambda: standard_loss(f, X, y, h=3),
    "perturbation-loss-not-a-law": lambda: perturbation_loss(f, X, y, "tilde"),
    "perturbation-loss-X-nan": lambda: perturbation_loss(f, nan_at_0(X), y, tilde_lambda_law(1, 1)),
    "approx-mixup-loss-alpha-zero": lambda: approx_mixup_loss(f, X, y, 0, 1),
    "approx-mixup-loss-X-inf": lambda: approx_mixup_loss(f, X * INF, y, 1, 1),
    "mixup-regularizers-labels-out-of-range": lambda: mixup_regularizers(f, X, y - 3, 1, 1),
    "mixup-regularizers-not-a-law": lambda: mixup_regularizers(f, X, y, 1, 1, law="x"),
    "input-derivative-terms-X-nan": lambda: input_derivative_terms(f, nan_at_0(X)),
    "input-derivative-terms-X-one-dimensional": lambda: input_derivative_terms(f, X[0]),
    "input-derivative-terms-empty": lambda: input_derivative_terms(f, X[:0]),
    "softplus-integer-tensor": lambda: softplus(torch.tensor([1, 2])),
    "softplus-list": lambda: softplus([1.0]),
    "log-sum-exp-list": lambda: mixverify.log_sum_exp([1.0]),
    # attacks and adversarial losses
    "fgsm-eps-negative": lambda: fgsm(f, X, y, -1),
    "fgsm-eps-nan": lambda: fgsm(f, X, y, NAN),
    "fgsm-eps-inf": lambda: fgsm(f, X, y, INF),
    "fgsm-X-nan": lambda: fgsm(f, nan_at_0(X), y, 0.1),
    "fgsm-empty-batch": lambda: fgsm(f, X[:0], y[:0], 0.1),
    "fgsm-shape-mismatch": lambda: fgsm(f, X, y[:2], 0.1),
    "fgsm-X-integer": lambda: fgsm(f, torch.ones(6, 3, dtype=torch.int64), y, 0.1),
    "fgsm-unknown-norm": lambda: fgsm(f, X, y, 0.1, norm=1),
    "fgsm-labels-out-of-range": lambda: fgsm(f, X, y + 1, 0.1),
    "fgsm-bounds-reversed": lambda: fgsm(f, X.sigmoid(), y, 0.1, bounds=(1, 0)),
    "fgsm-bounds-nan": lambda: fgsm(f, X.sigmoid(), y, 0.1, bounds=(NAN, 1)),
    "fgsm-bounds-not-a-pair": lambda: fgsm(f, X.sigmoid(), y, 0.1, bounds="x"),
    "fgsm-X-outside-bounds": lambda: fgsm(f, X, y, 0.1, bounds=(0, 1)),
    # the certified radii (Theorem 3.2, Theorem B.1)
    "r-tilde-p-tau-above-one": lambda: r_tilde(1.5, 0.5, 0.1, 0.1, 0.9),
    "r-tilde-tau-one": lambda: r_tilde(0.5, 1.0, 0.1, 0.1, 0.9),
    "r-tilde-kappa1-above-kappa2": lambda: r_tilde(0.5, 0.5, 0.1, 0.9, 0.1),
    "p-tau-cone-phi-too-wide": lambda: p_tau_cone(0.5, 2.0, 3),
    "p-tau-cone-d-one": lambda: p_tau_cone(0.5, 0.1, 1),
    "bounded-set-constants-r-max-zero": lambda: bounded_set_constants(0.0, 1.0, 3),
    "failure-probability-n-zero": lambda: failure_probability(0, 0.5),
    "failure-probability-p-tau-nan": lambda: failure_probability(10, NAN),
    "mixup-minus-adversarial-labels": lambda: mixup_minus_adversarial(theta, X, y * 0.5, 0.1),
    "mixup-minus-adversarial-theta-length": lambda: mixup_minus_adversarial(theta[:2], X, y, 0.1),
    "theorem-b1-radius-p-zero": lambda: theorem_b1_radius(0.0, 0.5, 1, 1, 0.1, 0.1, 0.9),
    "theorem-b1-radius-tau2-below-tau1": lambda: theorem_b1_radius(0.5, 0.5, 1.0, 0.5, 0.1, 0.1, 0.9),
    "input-cosines-zero-row": lambda: mixverify.input_cosines(f, X * 0),
    "input-cosines-X-nan": lambda: mixverify.input_cosines(f, nan_at_0(X)),
    "mixup-attack-radii-alpha-zero": lambda: mixverify.mixup_attack_radii(f, X, 0, 1),
    "mixup-attack-radii-X-one-dimensional": lambda: mixverify.mixup_attack_radii(f, X[0], 1, 1),
    "mixup-pair-losses-f-not-callable": lambda: mixverify.mixup_pair_losses(3),
    "mixup-pair-losses-h-not-callable": lambda: mixverify.mixup_pair_losses(f, h=3),
    "retentive-radius-gamma-negative": lambda: mixverify.retentive_radius(-1, 0.5),
    "theorem-3-4-bound-rho": lambda: mixverify.theorem_3_4_bound(1, 0.7, 2, 10),
    "theorem-3-4-bound-n-zero": lambda: mixverify.theorem_3_4_bound(1, 0.5, 2, 0),
    "corollary-bound-delta": lambda: mixverify.corollary_bound(1, 0.5, 2, 10, 2.0, L=1, L_A=1, B=1),
    "corollary-bound-L-negative": lambda: mixverify.corollary_bound(1, 0.5, 2, 10, 0.1, L=-1, L_A=1, B=1),
    "verify-unknown-claim": lambda: mixverify.verify("nope"),
    "verify-seed-negative": lambda: mixverify.verify("eq-9", seed=-1),
    "verify-unknown-setting": lambda: mixverify.verify("eq-9", speed=3),
    "fgsm-X-below-bounds-only": lambda: fgsm(f, X.sigmoid() - 0.5, y, 0.1, bounds=(0, 1)),
    "fgsm-X-above-bounds-only": lambda: fgsm(f, X.sigmoid() + 0.5, y, 0.1, bounds=(0, 1)),
    "fgsm-bounds-empty": lambda: fgsm(f, X.sigmoid(), y, 0.1, bounds=(0.5, 0.5)),
    "fgsm-labels-bool": lambda: fgsm(f, X, y > 0, 0.1),
    "fgsm-labels-complex": lambda: fgsm(f, X, y.to(torch.complex128), 0.1),
    "fgsm-loss-not-per-example": lambda: fgsm(f, X, y, 0.1, loss=lambda out, t: out.sum()),
    "fgsm-f-not-callable": lambda: fgsm(3, X, y, 0.1),
    "fgsm-class-labels-out-of-range": lambda: fgsm(lambda Z: Z, X, torch.full((6,), 7), 0.1, loss=cross_entropy),
    "pgd-zero-steps": lambda: pgd(f, X, y, 0.1, steps=0),
    "pgd-zero-restarts": lambda: pgd(f, X, y, 0.1, restarts=0),
    "pgd-step-size-negative": lambda: pgd(f, X, y, 0.1, step_size=-1),
    "pgd-numpy-generator": lambda: pgd(f, X, y, 0.1, generator=gen()),
    "pgd-torchattacks-alpha": lambda: pgd(f, X, y, 8 / 255, alpha=2 / 255, steps=10, random_start=True),
    "taylor-adversarial-loss-unknown-norm": lambda: taylor_adversarial_loss(f, X, y, 0.1, norm=1),
    "mixup-minus-adversarial-unknown-norm": lambda: mixup_minus_adversarial(theta, X, y, 0.1, norm="l1"),
    "mixup-minus-adversarial-eps-string": lambda: mixup_minus_adversarial(theta, X, y, "abc"),
    "pgd-last-iterate-with-restarts": lambda: pgd(f, X, y, 0.1, restarts=2, keep_best=False),
    "adversarial-loss-eps-negative": lambda: adversarial_loss(f, X, y, -1.0),
    "adversarial-loss-unknown-method": lambda: adversarial_loss(f, X, y, 0.1, method="x"),
    "adversarial-loss-exact-needs-a-linear-model": lambda: adversarial_loss(lambda Z: Z @ theta, X, y, 0.1),
    "adversarial-loss-labels-out-of-range": lambda: adversarial_loss(f, X, y + 2, 0.1),
    "adversarial-loss-empty-data-set": lambda: adversarial_loss(f, X[:0], y[:0], 0.1),
    "adversarial-loss-pgd-integer-generator": lambda: adversarial_loss(f, X, y, 0.1, method="pgd", generator=3),
    "attack-radius-eps-negative": lambda: attack_radius(-1.0, 4),
    "attack-radius-eps-nan": lambda: attack_radius(NAN, 4),
    "attack-radius-dimension-zero": lambda: attack_radius(1.0, 0),
    "attack-radius-unknown-norm": lambda: attack_radius(1.0, 4, 3),
    "taylor-adversarial-loss-eps-negative": lambda: taylor_adversarial_loss(f, X, y, -1),
    "taylor-adversarial-loss-eps-wrong-length": lambda: taylor_adversarial_loss(f, X, y, torch.ones(3)),
    "taylor-adversarial-loss-eps-string": lambda: taylor_adversarial_loss(f, X, y, "a"),
    "taylor-adversarial-loss-X-nan": lambda: taylor_adversarial_loss(f, nan_at_0(X), y, 0.1),
    "linear-model-theta-nan": lambda: linear_model(torch.tensor([NAN, 1.0])),
    "linear-model-theta-matrix": lambda: linear_model(torch.ones(2, 2)),
    "linear-model-theta-string": lambda: linear_model("abc"),
    "linear-model-input-width-mismatch": lambda: linear_model(torch.ones(3))(torch.ones(2, 2)),
    # generalized linear models, Manifold Mixup, Rademacher complexity
    "glm-mixup-regularizer-alpha-zero": lambda: glm_mixup_regularizer(theta, Xc, 0, 2),
    "glm-mixup-regularizer-uncentred-data": lambda: glm_mixup_regularizer(theta, X, 2, 2),
    "glm-mixup-regularizer-theta-wrong-length": lambda: glm_mixup_regularizer(theta[:2], Xc, 2, 2),
    "glm-mixup-regularizer-theta-complex": lambda: glm_mixup_regularizer(theta.to(torch.complex128), Xc, 2, 2),
    "glm-mixup-regularizer-standard-mixup": lambda: float(glm_mixup_regularizer(theta, Xc, 1, 1)),
    "ratio-moment-alpha-negative": lambda: ratio_moment(-1, 2),
    "ratio-moment-not-a-law": lambda: ratio_moment(2, 2, law="x"),
    "ratio-moment-divergent": lambda: ratio_moment(1, 1),
    "manifold-mixup-loss-alpha-zero": lambda: manifold_mixup_loss(W, t1, 0.0, X, y, 0, 1),
    "manifold-mixup-loss-W-wrong-shape": lambda: manifold_mixup_loss(W[:, :2], t1, 0.0, X, y, 1, 1),
    "manifold-mixup-loss-theta1-wrong-length": lambda: manifold_mixup_loss(W, t1[:2], 0.0, X, y, 1, 1),
    "manifold-mixup-loss-theta0-nan": lambda: manifold_mixup_loss(W, t1, NAN, X, y, 1, 1),
    "manifold-mixup-loss-shape-mismatch": lambda: manifold_mixup_loss(W, t1, 0.0, X, y[:2], 1, 1),
    "manifold-mixup-loss-one-node": lambda: manifold_mixup_loss(W, t1, 0.0, X, y, 1, 1, nodes=1),
    "manifold-mixup-loss-empty-data-set": lambda: manifold_mixup_loss(W, t1, 0.0, X[:0], y[:0], 1, 1),
    "manifold-mixup-regularizer-alpha-one": lambda: manifold_mixup_regularizer(W, t1, X, 1, 2),
    "manifold-mixup-regularizer-W-nan": lambda: manifold_mixup_regularizer(W * NAN, t1, X, 2, 2),
    "rademacher-complexity-gamma-zero": lambda: rademacher_complexity(X, torch.eye(3), 0, draws=10, generator=gen()),
    "rademacher-complexity-M-not-square": lambda: rademacher_complexity(X, torch.ones(3, 2), 1, draws=10, generator=gen()),
    "rademacher-complexity-M-not-psd": lambda: rademacher_complexity(X, -torch.eye(3), 1, draws=10, generator=gen()),
    "rademacher-complexity-one-draw": lambda: rademacher_complexity(X, torch.eye(3), 1, draws=1, generator=gen()),
    "rademacher-complexity-torch-generator": lambda: rademacher_complexity(X, torch.eye(3), 1, draws=10, generator=tgen()),
    "rademacher-complexity-X-nan": lambda: rademacher_complexity(nan_at_0(X), torch.eye(3), 1, draws=10, generator=gen()),
    "rademacher-complexity-X-wrong-width": lambda: rademacher_complexity(X[:, :2], torch.eye(3), 1, draws=10,
                                                                         generator=gen()),
    "rademacher-complexity-empty-data-set": lambda: rademacher_complexity(X[:0], torch.eye(3), 1, draws=10,
                                                                          generator=gen()),
    "rademacher-complexity-X-complex": lambda: rademacher_complexity(X.to(torch.complex128), torch.eye(3), 1, draws=10,
                                                                     generator=gen()),
    # the hypotheses of the logistic and homogeneity claims
    "theorem-3.1-non-binary-labels": lambda: theorem_3_1.sides(theta, Xc, y * 0.5, 1.0, 1.0),
    "theorem-3.3-network-with-biases": lambda: theorem_3_3.sides(biased_net, Xc, y, 1.0, 1.0),
    "identity-residuals-network-with-biases": lambda: float(identity_residuals(biased_net, X)[0].max() > 0),
    # empirical/ (issue 5)
    "data-load-unknown": lambda: data.load("mnist"),
    "data-load-needs-root": lambda: data.load("kmnist"),
    "data-load-zero-limit": lambda: data.load("fashion-mnist", FAKE_ROOT, train_limit=0),
    "data-load-bool-limit": lambda: data.load("fashion-mnist", FAKE_ROOT, test_limit=True),
    "data-augment-unknown": lambda: data.augment(torch.zeros(1, 1, 4, 4), "mnist", tgen()),
    "fgsm-accuracy-nan-eps": lambda: fgsm_accuracy(tiny_net, torch.zeros(4, 1, 2, 2), torch.zeros(4, dtype=torch.long), [NAN]),
    "fgsm-accuracy-negative-eps": lambda: fgsm_accuracy(tiny_net, torch.zeros(4, 1, 2, 2), torch.zeros(4, dtype=torch.long),
                                                        [-0.1]),
    "fgsm-accuracy-shape-mismatch": lambda: fgsm_accuracy(tiny_net, torch.zeros(4, 1, 2, 2), torch.zeros(3, dtype=torch.long)),
    "fgsm-accuracy-empty": lambda: fgsm_accuracy(tiny_net, torch.zeros(0, 1, 2, 2), torch.zeros(0, dtype=torch.long)),
    "attack-subset-too-large": lambda: attack_subset(10, 30, seed=0),
    "run-config-alpha-zero": lambda: RunConfig(dataset="fashion-mnist", method="mixup", alpha=0.0).validate(),
    "run-config-alpha-nan": lambda: RunConfig(dataset="fashion-mnist", method="mixup", alpha=NAN).validate(),
    "run-config-method": lambda: RunConfig(dataset="fashion-mnist", method="sgd").validate(),
    "run-config-epochs": lambda: RunConfig(dataset="fashion-mnist", epochs=0).validate(),
    "run-config-model": lambda: RunConfig(dataset="fashion-mnist", model="vgg").validate(),
    "run-config-lr-schedule": lambda: RunConfig(dataset="fashion-mnist", lr_schedule="cosine").validate(),
}

# --- the command line (in-process: cli.main(argv)) ------------------------------------------------------------

CLI = {
    "cli-list-extra-argument": ["list", "extra"],
    "cli-no-command": [],
    "cli-unknown-command": ["bogus"],
    "cli-verify-unknown-claim-id": ["verify", "no-such-claim"],
    "cli-verify-one-unknown-among-known": ["verify", "eq-9", "no-such-claim"],
    "cli-verify-empty-claim-id": ["verify", ""],
    "cli-report-unknown-claim-id": ["report", "no-such-claim"],
    "cli-verify-negative-seed": ["verify", "--seed", "-3"],
    "cli-verify-non-integer-seed": ["verify", "--seed", "1.5"],
    "cli-report-non-numeric-seed": ["report", "--seed", "abc"],
    "cli-report-out-under-a-file": ["report", "eq-9", "--out", "{file}/report"],
    "cli-verify-json-under-a-file": ["verify", "eq-9", "--json", "{file}/report.json"],
    "cli-figure-unknown-id": ["figure", "9", "--out", "{tmp}/out"],
    "cli-figure-unknown-preset": ["figure", "7", "--preset", "fast", "--out", "{tmp}/out"],
    "cli-figure-unknown-dataset": ["figure", "7", "--dataset", "mnist", "--out", "{tmp}/out"],
    "cli-figure-missing-data-root": ["figure", "5", "--data-root", "{tmp}/nope", "--out", "{tmp}/out"],
    "cli-figure-empty-data-root": ["figure", "5", "--preset", "paper", "--data-root", "{tmp}", "--out", "{tmp}/out"],
    "cli-figure-svhn-without-root": ["figure", "1a", "--preset", "paper", "--out", "{tmp}/out"],
    "cli-figure-out-under-a-file": ["figure", "7", "--out", "{file}/out"],
    "cli-figure-runs-under-a-file": ["figure", "7", "--out", "{tmp}/out", "--runs", "{file}/runs"],
    "cli-figure-truncated-checkpoint": ["figure", "7", "--no-progress", "--out", "{tmp}/out", "--runs", "{truncated}"],
    "cli-runs-unknown-figure": ["runs", "9"],
    "cli-runs-bad-seeds": ["runs", "1b", "--seeds", "5-2"],
    "cli-runs-zero-workers": ["runs", "1b", "--workers", "0"],
    "cli-runs-unknown-executor": ["runs", "1b", "--train", "--executor", "cron"],
    "cli-verify-bad-preset": ["verify", "eq-9", "--preset", "fast"],
    "cli-report-missing-data-root": ["report", "eq-9", "--data-root", "{tmp}/nope", "--out", "{tmp}/report"],
}


# --- the table ---------------------------------------------------------------------------------------------

ROW = re.compile(r"^\|\s*`(?P<id>[^`]+)`\s*\|(?P<what>[^|]*)\|(?P<bad>[^|]*)\|\s*`(?P<gets>[^`]+)`")
GETS = re.compile(r"^(?P<kind>raises|warns) (?P<type>\w+): (?P<start>.+)$|^returns (?P<value>\S+)$"
                  r"|^exit (?P<code>\d+)(?P<argparse>, argparse)?: (?P<line>.+)$")


def table() -> dict[str, dict]:
    rows = {}
    for line in DOC.read_text().splitlines():
        m = ROW.match(line)
        if m:
            assert m["id"] not in rows, f"duplicate row id {m['id']!r} in {DOC.name}"
            g = GETS.match(m["gets"].strip())
            assert g, f"row {m['id']!r}: cannot read its last column {m['gets']!r}"
            rows[m["id"]] = {"what": m["what"].strip(), **{k: v for k, v in g.groupdict().items() if v is not None}}
    return rows


ROWS = table()


def ignore_torch_jit_deprecation():
    """Ignore torch's warning about its own use of ``torch.jit.script`` (its forward-AD set-up): a FutureWarning
    in torch 2.14, a DeprecationWarning in torch 2.11. Only that message, in either category."""
    for category in (FutureWarning, DeprecationWarning):
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.script` is deprecated", category=category)


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:FutureWarning")  # torch's forward-AD set-up
@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")  # the same, torch 2.11
@pytest.mark.parametrize("row_id", [r for r in ROWS if r in CALLS])
def test_library_row(row_id):
    row = ROWS[row_id]
    call = CALLS[row_id]
    if row.get("kind") == "raises":
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a bad input must not pass with only a warning
            ignore_torch_jit_deprecation()
            with pytest.raises(Exception) as info:
                call()
        assert type(info.value).__name__ == row["type"], f"{row_id}: {type(info.value).__name__}: {info.value}"
        message = str(info.value)
        assert "\n" not in message, f"{row_id}: the message is not one line: {message!r}"
        assert message.startswith(row["start"]), f"{row_id}: {message!r} does not start with {row['start']!r}"
    elif row.get("kind") == "warns":
        with pytest.warns(Warning) as record:
            call()
        assert any(type(w.message).__name__ == row["type"] and str(w.message).startswith(row["start"]) for w in record), \
            f"{row_id}: warnings {[str(w.message) for w in record]}"
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ignore_torch_jit_deprecation()
            value = float(call())
        expected = float(row["value"])
        assert (math.isnan(value) and math.isnan(expected)) or value == expected, f"{row_id}: returned {value}"


@pytest.fixture(scope="module")
def interrupted_runs(tmp_path_factory):
    """A --runs directory holding figure 7's first smoke run, interrupted after epoch 1 (one real epoch)."""
    if not HAVE_FMNIST:
        pytest.skip("needs Debian's dataset-fashion-mnist")
    runs = tmp_path_factory.mktemp("interrupted")
    config = figures.run_configs(figures.FIGURES["7"], figures.PRESETS["smoke"], "fashion-mnist")["erm"]
    p = figures.PRESETS["smoke"]
    images = data.load("fashion-mnist", train_limit=p.train_limit, test_limit=p.test_limit, seed=0)
    run(config, images, runs / config.key(), device="cpu", progress=False, stop_after=1)
    return runs, config.key()


def runs_dir(request, tmp_path, kind):
    """``{interrupted}``: a copy of that directory; ``{truncated}``: the same with checkpoint.pt cut in half."""
    source, key = request.getfixturevalue("interrupted_runs")
    target = tmp_path / kind
    shutil.copytree(source, target)
    if kind == "truncated":
        ckpt = target / key / "checkpoint.pt"
        ckpt.write_bytes(ckpt.read_bytes()[: ckpt.stat().st_size // 2])
    return target


def matches(line: str, pattern: str) -> bool:
    """``line`` starts with ``pattern``, where each ``…`` in the pattern stands for any text."""
    first, *rest = pattern.split("…")
    if not line.startswith(first):
        return False
    at = len(first)
    for part in rest:
        at = line.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return True


@pytest.mark.parametrize("row_id", [r for r in ROWS if r in CLI])
def test_cli_row(row_id, tmp_path, capsys, request):
    row = ROWS[row_id]
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")
    places = {"file": a_file, "tmp": tmp_path}
    for kind in ("truncated", "interrupted"):
        if any("{" + kind + "}" in a for a in CLI[row_id]):
            places[kind] = runs_dir(request, tmp_path, kind)
    before = {p: p.read_bytes() for p in tmp_path.rglob("checkpoint.pt")}
    argv = [a.format(**places) for a in CLI[row_id]]
    try:
        code = cli.main(argv)
        via_argparse = False
    except SystemExit as exc:
        code, via_argparse = exc.code, True
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert code == int(row["code"]), f"{row_id}: exit {code}, stderr {err!r}"
    assert via_argparse == bool(row.get("argparse")), f"{row_id}: argparse exit: {via_argparse}"
    assert len(lines) == 1, f"{row_id}: stderr is not one line: {err!r}"
    assert matches(lines[-1], row["line"]), f"{row_id}: {lines[-1]!r} does not match {row['line']!r}"
    assert {p: p.read_bytes() for p in tmp_path.rglob("checkpoint.pt")} == before, "a checkpoint was overwritten"


def test_every_row_is_run_and_every_call_is_a_row():
    assert set(ROWS) == set(CALLS) | set(CLI), (
        f"rows without a call: {sorted(set(ROWS) - set(CALLS) - set(CLI))}; "
        f"calls without a row: {sorted(set(CALLS) | set(CLI) - set(ROWS))}")


def test_every_public_name_is_audited():
    """Every name in ``mixverify.__all__`` is the function of some row, or listed as taking no input."""
    text = DOC.read_text()
    named = {n for r in ROWS.values() for n in re.findall(r"`([\w.]+)", r["what"])}
    no_input = re.search(r"Names that take no input: (.*)", text)
    assert no_input, "the list of names that take no input is missing"
    named |= set(re.findall(r"`(\w+)`", no_input.group(1)))
    missing = [name for name in mixverify.__all__ if name not in named]
    assert not missing, f"public names without a row: {missing}"
