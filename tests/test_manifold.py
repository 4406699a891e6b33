"""mixverify.manifold: the exact Manifold Mixup loss, Eq. (8), the A.3.1 surrogate and the Rademacher tools."""

import math

import numpy as np
import pytest
import torch

from mixverify.laws import tilde_lambda_law
from mixverify.manifold import (
    ellipsoid_sup,
    exact_manifold_regularizer,
    expected_abs_rademacher_sum,
    feature_covariance,
    manifold_mixup_loss,
    manifold_mixup_loss_mc,
    manifold_mixup_regularizer,
    mixing_variance,
    rademacher_fixed_features,
    relu_features,
    rescaled_surrogate_loss,
    squared_loss,
    theorem_3_5_bound,
    theorem_a1_bound,
    theorem_a1_proof_end,
)


@pytest.fixture
def net():
    rng = np.random.default_rng(7)
    X = torch.as_tensor(rng.normal(size=(9, 3)))
    y = torch.as_tensor(rng.normal(size=9))
    W = torch.as_tensor(rng.normal(size=(4, 3)))
    return W, torch.as_tensor(rng.normal(size=4)), 0.7, X, y


def loops(W, th1, th0, X, y, alpha, beta):
    """Double loop over pairs, Beta expectation of the quadratic via its moments E[lam], E[lam^2]."""
    H = torch.relu(X @ W.T).numpy()
    th1, y = th1.numpy(), y.numpy()
    m1, m2 = alpha / (alpha + beta), alpha * (alpha + 1) / ((alpha + beta) * (alpha + beta + 1))
    n, total = len(y), 0.0
    for i in range(n):
        for j in range(n):
            a = y[i] - H[i] @ th1 - th0
            b = y[j] - H[j] @ th1 - th0
            total += m2 * a * a + 2 * (m1 - m2) * a * b + (1 - 2 * m1 + m2) * b * b
    return total / n**2


@pytest.mark.parametrize("alpha,beta", [(0.2, 0.2), (1.0, 1.0), (3.0, 0.5)])
def test_exact_loss_matches_loops_and_closed_form(net, alpha, beta):
    W, th1, th0, X, y = net
    value = float(manifold_mixup_loss(W, th1, th0, X, y, alpha, beta))
    assert value == pytest.approx(loops(W, th1, th0, X, y, alpha, beta), rel=1e-13)
    closed = float(squared_loss(W, th1, th0, X, y) + exact_manifold_regularizer(W, th1, th0, X, y, alpha, beta))
    assert value == pytest.approx(closed, rel=1e-13)
    assert float(exact_manifold_regularizer(W, th1, th0, X, y, alpha, beta)) <= 0


def test_monte_carlo_agrees(net):
    W, th1, th0, X, y = net
    est = manifold_mixup_loss_mc(W, th1, th0, X, y, 2.0, 2.0, samples=100_000, generator=np.random.default_rng(0))
    assert abs(est.mean - float(manifold_mixup_loss(W, th1, th0, X, y, 2.0, 2.0))) <= 4 * est.stderr


def test_loss_is_differentiable(net):
    W, th1, th0, X, y = net
    th1 = th1.clone().requires_grad_(True)
    W = W.clone().requires_grad_(True)
    manifold_mixup_loss(W, th1, th0, X, y, 1.0, 1.0).backward()
    assert th1.grad is not None and W.grad is not None


def test_eq8_is_the_surrogate_regulariser(net):
    W, th1, th0, X, y = net
    H = relu_features(W, X)
    lstd_c = float(((y - th0 - (H - H.mean(0)) @ th1) ** 2).mean())
    sur = float(rescaled_surrogate_loss(W, th1, th0, X, y, 3.0, 2.0))
    assert sur - lstd_c == pytest.approx(float(manifold_mixup_regularizer(W, th1, X, 3.0, 2.0)), rel=1e-12)


def test_eq8_coefficient_against_sampling(net):
    W, th1, _, X, _ = net
    H = relu_features(W, X)
    coef = float(manifold_mixup_regularizer(W, th1, X, 6.0, 7.0) / (th1 @ feature_covariance(H) @ th1))
    lam = tilde_lambda_law(6.0, 7.0).sample(400_000, np.random.default_rng(3))
    t2 = ((1 - lam) / lam) ** 2
    assert abs(t2.mean() - coef) <= 4 * t2.std() / len(t2) ** 0.5
    assert coef == pytest.approx((7 * 8 / 5 + 6 * 7 / 6) / 13, rel=1e-14)


def test_mixing_variance():
    a, b = 0.4, 1.7
    assert mixing_variance(a, b) == pytest.approx(tilde_lambda_law(a, b).moment_one_minus(2), rel=1e-14)


def test_feature_covariance(net):
    W, _, _, X, _ = net
    H = relu_features(W, X)
    assert torch.allclose(feature_covariance(H), torch.cov(H.T, correction=0))
    assert torch.allclose(feature_covariance(H, centred=False), H.T @ H / len(H))


@pytest.mark.parametrize("call,match", [
    (lambda W, t, t0, X, y: manifold_mixup_loss(W, t, t0, X, y, 0.0, 1.0), "alpha must be a finite number > 0"),
    (lambda W, t, t0, X, y: manifold_mixup_loss(W, t, t0, X, y, 1.0, -1.0), "beta must be a finite number > 0"),
    (lambda W, t, t0, X, y: manifold_mixup_loss(W, t, t0, X, y, 1.0, 1.0, nodes=1), "nodes must be >= 2"),
    (lambda W, t, t0, X, y: manifold_mixup_loss(W.T, t, t0, X, y, 1.0, 1.0), "W must be"),
    (lambda W, t, t0, X, y: manifold_mixup_loss(W, t[:2], t0, X, y, 1.0, 1.0), "theta1 must have one entry"),
    (lambda W, t, t0, X, y: manifold_mixup_loss(W, t, t0, X, y[:3], 1.0, 1.0), "y must have one label"),
    (lambda W, t, t0, X, y: manifold_mixup_loss(W, t, "a", X, y, 1.0, 1.0), "theta0 must be a real number"),
    (lambda W, t, t0, X, y: manifold_mixup_regularizer(W, t, X, 1.0, 2.0), "hypothesis not met"),
    (lambda W, t, t0, X, y: manifold_mixup_regularizer(W, t, X, 2.0, 0.5), "hypothesis not met"),
    (lambda W, t, t0, X, y: rescaled_surrogate_loss(W, t, t0, X, y, 0.5, 2.0), "hypothesis not met"),
])
def test_bad_input(net, call, match):
    with pytest.raises(ValueError, match=match):
        call(*net)


def test_ellipsoid_sup_against_direct_maximisation():
    rng = np.random.default_rng(5)
    A = rng.normal(size=(3, 3))
    S = A @ A.T
    v = rng.normal(size=3)
    # the maximiser is theta = sqrt(gamma) S^{-1} v / sqrt(v^T S^{-1} v)
    th = np.linalg.solve(S, v)
    th *= math.sqrt(2.0 / (th @ S @ th))
    assert ellipsoid_sup(v, S, 2.0) == pytest.approx(th @ v, rel=1e-12)
    # singular Sigma: a direction outside its range makes the sup infinite
    S0 = np.diag([1.0, 0.0])
    assert ellipsoid_sup([1.0, 0.0], S0, 1.0) == pytest.approx(1.0)
    assert ellipsoid_sup([1.0, 1.0], S0, 1.0) == math.inf


def test_rademacher_tools():
    assert expected_abs_rademacher_sum(1) == 1.0
    assert expected_abs_rademacher_sum(2) == 1.0
    assert expected_abs_rademacher_sum(4) == pytest.approx(1.5)
    H = np.ones((6, 1))
    est = rademacher_fixed_features(H, np.eye(1), 0.0, theta0_bound=1.0, draws=20000,
                                    generator=np.random.default_rng(0))
    assert abs(est.mean - expected_abs_rademacher_sum(6) / 6) <= 4 * est.stderr
    assert theorem_a1_bound(1.0, 4, 5, 9) == 2.0
    assert theorem_a1_proof_end(1.0, 4, 5, 4) == 1.0
    assert theorem_3_5_bound(1.0, 4, 5, 9, 1.0, 0.0, 0.5) == 4.0
    with pytest.raises(ValueError, match="delta"):
        theorem_3_5_bound(1.0, 1, 1, 1, 1.0, 1.0, 1.5)
    with pytest.raises(ValueError, match="gamma"):
        rademacher_fixed_features(H, np.eye(1), -1.0)
