"""mixverify.manifold: the exact Manifold Mixup loss, Eq. (8), the A.3.1 surrogate and the Rademacher tools."""

import math

import numpy as np
import pytest
import torch

from mixverify.laws import tilde_lambda_law
from mixverify.manifold import (
    LAWS,
    abs_coordinate_mean,
    circle_sup,
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
    relu_moments,
    relu_sigma,
    rescaled_surrogate_loss,
    sample_inputs,
    squared_loss,
    theorem_3_5_bound,
    theorem_a1_bound,
    theorem_a1_proof_end,
    unit_constants,
    unit_gap,
    unit_population_loss,
    w_free_gap,
    w_free_rademacher,
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


# --- W free: the first layer chosen with theta -----------------------------------------------------------------------

def test_abs_coordinate_mean_is_the_derivations_closed_form():
    from mixverify.derivations.theorem_a1 import sphere_abs_mean

    for p in range(2, 6):
        assert abs_coordinate_mean(p) == pytest.approx(math.sqrt(p) * float(sphere_abs_mean(p)), rel=1e-14)
    assert abs_coordinate_mean(1) == pytest.approx(1.0, rel=1e-15)  # x = +/-1
    assert abs_coordinate_mean(7, "gaussian") == math.sqrt(2 / math.pi)
    assert abs_coordinate_mean(10_000) == pytest.approx(math.sqrt(2 / math.pi), rel=1e-4)  # the sphere tends to N(0, I)
    with pytest.raises(ValueError, match="law"):
        abs_coordinate_mean(3, "uniform")


@pytest.mark.parametrize("law", LAWS)
def test_relu_moments_against_monte_carlo(law):
    rng = np.random.default_rng(11)
    W = rng.normal(size=(3, 4))
    W[2] = -W[0]  # antipodal rows: the kernel's t = pi end
    mu, M2 = (t.numpy() for t in relu_moments(W, law))
    X = sample_inputs(100_000, 4, rng, law)
    H = np.maximum(X @ W.T, 0.0)
    HH = H[:, :, None] * H[:, None, :]
    assert np.all(np.abs(H.mean(0) - mu) <= 4 * H.std(0) / math.sqrt(len(H)))  # 4 standard errors per entry
    assert np.all(np.abs(HH.mean(0) - M2) <= 4 * HH.std(0) / math.sqrt(len(H)) + 1e-15)
    assert M2[0, 2] == pytest.approx(0.0, abs=1e-15)  # relu(a x) relu(-a x) = 0
    Sigma, mu2 = relu_sigma(W, 10, law)
    assert np.allclose(Sigma.numpy(), 0.9 * (M2 - np.outer(mu, mu)), rtol=1e-14, atol=1e-15)


def test_sample_inputs_and_unit_constants():
    rng = np.random.default_rng(3)
    X = sample_inputs(50, 7, rng)
    assert np.allclose(np.linalg.norm(X, axis=1), math.sqrt(7), rtol=1e-14)  # bounded: |x| = sqrt(p)
    c = unit_constants(2, 64)
    mu, M2 = relu_moments(np.array([[0.6, 0.8]]))
    assert c["mu"] == pytest.approx(float(mu[0]), rel=1e-14)
    assert c["sigma2"] == pytest.approx(63 / 64 * float(M2[0, 0] - mu[0] ** 2), rel=1e-14)
    assert c["m"] == pytest.approx(c["mu"] ** 2 / c["sigma2"]) and c["h_max"] == math.sqrt(2)
    assert unit_constants(3, 8, "gaussian")["h_max"] == math.inf


def test_circle_sup_is_the_maximum_over_a_dense_grid():
    rng = np.random.default_rng(2)
    ang = np.linspace(0, 2 * np.pi, 400_001)
    W = np.stack([np.cos(ang), np.sin(ang)], 1)
    for _ in range(3):
        X, xi = rng.normal(size=(9, 2)), rng.choice([-1.0, 1.0], size=9)
        grid = np.abs(np.maximum(W @ X.T, 0) @ xi).max()
        exact = circle_sup(X, xi)
        # the grid misses the maximum by at most the slope sum_i |x_i| times half a step
        assert grid - 1e-12 <= exact <= grid + np.abs(X).sum() * np.pi / 400_000
    with pytest.raises(ValueError, match="n, 2"):
        circle_sup(np.ones((3, 3)), np.ones(3))


def test_w_free_rademacher_is_a_lower_bound_that_reaches_the_exact_sup_at_p_2():
    rng = np.random.default_rng(4)
    n = 20
    X = np.stack([sample_inputs(n, 2, rng) for _ in range(6)])
    xi = rng.choice([-1.0, 1.0], size=(6, n))
    found = w_free_rademacher(X, xi, 4.0)
    exact = 2.0 / math.sqrt(unit_constants(2, n)["sigma2"]) / n * np.array([circle_sup(a, b) for a, b in zip(X, xi)])
    assert np.all(found <= exact * (1 + 1e-12))  # a member of the class: never above the supremum
    assert np.all(found >= exact * (1 - 1e-3))  # and the search reaches it


def test_unit_gap_is_the_maximum_over_theta():
    """Against a brute-force grid over (theta_1, theta_0) of L(theta) - L_std(theta, S), L(theta) in closed form."""
    rng = np.random.default_rng(6)
    p, n, Y, T, b0 = 3, 12, 1.0, 1.7, 0.6
    X = sample_inputs(n, p, rng)
    y = Y * rng.choice([-1.0, 1.0], size=n)
    w = rng.normal(size=p)
    w /= np.linalg.norm(w)
    h = np.maximum(X @ w, 0.0)
    mu = unit_constants(p, n)["mu"]
    t1, t0 = np.meshgrid(np.linspace(-T, T, 801), np.linspace(-b0, b0, 401), indexing="ij")
    gaps = unit_population_loss(t1, t0, mu, Y) - ((y - t1[..., None] * h - t0[..., None]) ** 2).mean(-1)
    best = float(unit_gap(torch.as_tensor(h), torch.as_tensor(y), mu, T, b0, Y))
    slope = 2 * T + 2 * b0 + 2 * Y + 2 * (T * h.max() + b0) * (1 + h.max())  # a bound on |grad| over the box
    assert gaps.max() - 1e-12 <= best <= gaps.max() + slope * (T / 800 + b0 / 400)
    fixed = w_free_gap(X[None], y[None], T**2 * unit_constants(p, n)["sigma2"], b0, Y, w=w)
    assert fixed[0] == pytest.approx(best, rel=1e-12)  # the fixed-unit path is the exact supremum over theta


def test_unit_population_loss_against_monte_carlo():
    rng = np.random.default_rng(8)
    p, Y = 6, 1.5
    w = rng.normal(size=p)
    w /= np.linalg.norm(w)
    X = sample_inputs(200_000, p, rng)
    y = Y * rng.choice([-1.0, 1.0], size=len(X))
    loss = (y - 0.8 * np.maximum(X @ w, 0.0) + 0.3) ** 2
    exact = unit_population_loss(0.8, -0.3, unit_constants(p, 10)["mu"], Y)
    assert abs(loss.mean() - exact) <= 4 * loss.std() / math.sqrt(len(loss))
