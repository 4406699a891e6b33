"""mixverify.certified: the radii of Theorem 3.2 and Theorem B.1 and their constants match their closed forms and
reject bad input with one-line messages."""

import math

import numpy as np
import pytest
import torch
from scipy import special

from mixverify.certified import (
    Cone,
    angle,
    bounded_set_constants,
    failure_probability,
    fit_logistic_mixup,
    logistic_largest_radius,
    logistic_mixup_objective,
    logistic_mixup_parts,
    logistic_slack,
    logistic_slack_tolerance,
    mixup_minus_adversarial,
    p_tau_cone,
    r_tilde,
    relu_gradient_bound,
    sphere_logistic_data,
    theorem_b1_radius,
    two_zone_data,
    two_zone_p_tau,
)
from mixverify.laws import tilde_lambda_law
from mixverify.losses import approx_mixup_loss
from mixverify.models import linear_model


def test_r_tilde_matches_closed_form():
    p, tau, k, k1, k2 = 0.4, 0.5, 0.1, 0.2, 0.7
    expected = min(p * k1 / (2 * k2 - p * (k2 - k1)), math.sqrt(4 * k * p / (2 - p + 4 * k * p))) * tau
    assert r_tilde(p, tau, k, k1, k2) == pytest.approx(expected, rel=1e-15)
    assert r_tilde(1.0, 0.5, 0.1, 0.1, 0.9) > 0  # p_tau = 1 is allowed (Assumption 3.1)


def test_failure_probability_and_p_tau_match_closed_forms():
    assert failure_probability(100, 0.3) == pytest.approx(2 * math.exp(-100 * 0.09 / 2), rel=1e-15)
    # d = 3: cos(x, u) is uniform on [-1, 1], so p_tau = 1 - cos(arccos(tau) - phi)
    assert p_tau_cone(0.4, 0.2, 3) == pytest.approx(1 - math.cos(math.acos(0.4) - 0.2), rel=1e-12)
    assert p_tau_cone(0.4, 0.0, 3) == pytest.approx(0.6, rel=1e-12)  # no cone width: P(|cos| >= tau) = 1 - tau


def test_bounded_set_constants_match_closed_forms():
    B = 2.0 * 1.25 * math.sqrt(3)
    g = special.expit(B)
    assert bounded_set_constants(2.0, 1.25, 3) == pytest.approx((g * (1 - g), 1 - g, g), rel=1e-14)


def test_theorem_b1_radius_is_theorem_3_2s_for_a_linear_model():
    for p, tau, k, k1, k2 in ((0.3, 0.4, 0.05, 0.1, 0.9), (0.9, 0.2, 0.2, 0.4, 0.6)):
        assert theorem_b1_radius(p, tau, 2.0, 2.0, k, k1, k2) == pytest.approx(r_tilde(p, tau, k, k1, k2), rel=1e-14)


def test_relu_gradient_bound():
    # k = 2 units on orthogonal rows: patterns (1, 1) give ||(3, 4)|| = 5
    assert relu_gradient_bound(np.eye(2), np.array([3.0, 4.0])) == pytest.approx(5.0)
    # opposite signs: the largest gradient has one unit off
    assert relu_gradient_bound(np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([2.0, -1.0])) == pytest.approx(2.0)


def test_relu_gradient_bound_over_realised_patterns():
    # b (ReLU(x_1) - ReLU(-x_1)) = b x_1: the pattern with both units on is never realised, so the supremum is b, not 2b
    W, beta = np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([0.5, -0.5])
    assert relu_gradient_bound(W, beta) == pytest.approx(1.0)
    assert relu_gradient_bound(W, beta, realised=True) == pytest.approx(0.5)
    # generic units: the realised bound is the largest gradient norm over a dense sample, up to the sample's reach
    rng = np.random.default_rng(3)
    W, beta = rng.normal(size=(4, 3)), rng.normal(size=4)
    X = rng.normal(size=(200_000, 3))
    sampled = np.linalg.norm(((X @ W.T > 0) * beta) @ W, axis=1).max()
    assert sampled <= relu_gradient_bound(W, beta, realised=True) + 1e-12
    assert relu_gradient_bound(W, beta, realised=True) == pytest.approx(sampled, rel=1e-12)
    with pytest.raises(ValueError, match=r"^need W of shape \(k, d\) with k <= 10"):
        relu_gradient_bound(np.ones((11, 2)), np.ones(11), realised=True)


def test_sampling_laws():
    rng = np.random.default_rng(0)
    X, y, raw = sphere_logistic_data(500, 3, 0.5, rng)
    assert np.allclose(np.linalg.norm(raw, axis=1), math.sqrt(3)) and np.allclose(X.mean(0), 0.0, atol=1e-14)
    assert set(np.unique(y)) <= {0.0, 1.0} and np.allclose(X, raw - raw.mean(0))
    Z = two_zone_data(200_000, 3, rng)
    c = np.abs(Z[:, 0]) / np.linalg.norm(Z, axis=1)
    assert np.allclose(np.linalg.norm(Z, axis=1), math.sqrt(3))
    assert np.all(np.isclose(c, 0.01) | ((c >= 0.85 - 1e-12) & (c <= 0.95 + 1e-12)))
    for tau in (0.005, 0.5, 0.9):
        p = two_zone_p_tau(tau)
        assert np.mean(c >= tau) == pytest.approx(p, abs=5 * math.sqrt(p * (1 - p) / len(c)) + 1e-12)


def test_logistic_closed_forms_match_the_library():
    """Eq. (3) and the slack of Theorem 3.2's inequality in closed form equal approx_mixup_loss and
    mixup_minus_adversarial; the gradient equals central differences; the largest radius is a root of the slack."""
    rng = np.random.default_rng(1)
    X, y, _ = sphere_logistic_data(300, 3, 1.0, rng)
    law = tilde_lambda_law(1.0, 1.0)
    m1, m2 = law.moment_one_minus(1), law.moment_one_minus(2)
    theta = np.array([0.7, -0.2, 0.4])
    Xt, yt, tt = torch.from_numpy(X), torch.from_numpy(y), torch.from_numpy(theta)
    lstd, r1, r2, *_ = logistic_mixup_parts(theta, X, y, m1, m2)
    assert lstd + r1 + r2 == pytest.approx(float(approx_mixup_loss(linear_model(tt), Xt, yt, 1.0, 1.0)), rel=1e-13)
    eps = 0.05
    assert logistic_slack(theta, X, y, eps * math.sqrt(3), m1, m2) == pytest.approx(
        mixup_minus_adversarial(tt, Xt, yt, eps * math.sqrt(3), norm=2), abs=1e-14)
    value, grad = logistic_mixup_objective(theta, X, y, m1, m2)
    h = 1e-6
    fd = [(logistic_mixup_objective(theta + h * e, X, y, m1, m2)[0] - logistic_mixup_objective(theta - h * e, X, y, m1,
                                                                                               m2)[0]) / (2 * h)
          for e in np.eye(3)]
    assert grad == pytest.approx(fd, abs=1e-8)
    eta = logistic_largest_radius(theta, X, y, m1, m2)
    assert eta > 0 and logistic_slack(theta, X, y, eta, m1, m2) == pytest.approx(0.0, abs=1e-14)
    assert logistic_slack(theta, X, y, 1.01 * eta, m1, m2) < 0 < logistic_slack(theta, X, y, 0.99 * eta, m1, m2)


def test_fit_logistic_mixup_finds_the_minimiser():
    rng = np.random.default_rng(2)
    X, y, _ = sphere_logistic_data(400, 2, 1.0, rng)
    m1, m2 = 1 / 3, 1 / 6
    theta, dist, min_eig = fit_logistic_mixup(X, y, m1, m2, (np.array([1.0, 0.0]), np.array([0.1, 0.1])))
    assert np.linalg.norm(logistic_mixup_objective(theta, X, y, m1, m2)[1]) < 1e-9 and dist < 1e-8 and min_eig > 0
    assert fit_logistic_mixup(X, y, m1, m2, (np.zeros(2),), newton=False)[0] == pytest.approx(theta, abs=1e-6)
    assert 0 <= logistic_slack_tolerance(theta, X, y, 0.1, m1, m2, dist) < 1e-9


def test_cone():
    u = np.array([1.0, 0.0])
    pilots = [np.array([1.0, 0.1]), np.array([2.0, -0.3])]
    cone = Cone.around(pilots, u, 1.25)
    assert cone.phi == pytest.approx(1.25 * math.atan(0.15)) and cone.r_hi == pytest.approx(1.25 * math.hypot(2, 0.3))
    assert cone.r_lo == pytest.approx(math.hypot(1, 0.1) / 1.25)
    assert all(cone.contains(t) for t in pilots) and not cone.contains(np.array([1.0, 1.0]))
    assert not cone.contains(np.array([-1.0, 0.0])) and angle(u, -u) == pytest.approx(math.pi)
    # share: the cone holds that share of the pilots (quantiles of their angles and norms), an outlier left out
    many = [np.array([1.0, 0.01 * k]) for k in range(10)] + [np.array([1.0, 5.0])]
    narrow = Cone.around(many, u, share=0.9)
    assert narrow.phi == pytest.approx(math.atan(0.09), rel=0.2) and not narrow.contains(many[-1])


def test_mixup_minus_adversarial_matches_closed_form():
    """Centred X = (+-e_1), y = (1, 0), theta = (1, 1/2): u = (1, -1), so (y - g) u = g(-1) and g(1-g) = g(1)g(-1) for
    both points and theta^T Sigma theta = 1. Eq. (3) minus Eq. (5) is R1 + R2 - eta ||theta|| mean|g - y|
    - eta^2/2 ||theta||^2 mean g(1-g), with R1 = m1 g(-1), R2 = m2/2 g(1)g(-1) (1 + 1), eta = eps sqrt(2)."""
    X = torch.tensor([[1.0, 0.0], [-1.0, 0.0]], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0], dtype=torch.float64)
    theta = torch.tensor([1.0, 0.5], dtype=torch.float64)
    m1, m2 = 1 / 3, 1 / 6  # E[1 - lambda], E[(1 - lambda)^2] under D~_lambda for alpha = beta = 1
    g, s, t2 = special.expit(-1.0), special.expit(1.0) * special.expit(-1.0), 1.25
    for eps in (0.0, 0.1):
        eta = eps * math.sqrt(2)
        expected = m1 * g + m2 * s - eta * math.sqrt(t2) * g - eta**2 / 2 * t2 * s
        assert mixup_minus_adversarial(theta, X, y, eta, norm=2) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("tau", [0.0, 1.0, 1.5, -0.2, float("nan")])
def test_bad_tau(tau):
    with pytest.raises(ValueError, match=r"^tau must lie in \(0, 1\), got"):
        r_tilde(0.5, tau, 0.1, 0.1, 0.9)
    with pytest.raises(ValueError, match=r"^tau must lie in \(0, 1\), got"):
        p_tau_cone(tau, 0.1, 3)


@pytest.mark.parametrize("p", [0.0, -0.1, 1.01])
def test_bad_p_tau(p):
    with pytest.raises(ValueError, match=r"^p_tau must lie in \(0, 1\], got"):
        r_tilde(p, 0.5, 0.1, 0.1, 0.9)
    with pytest.raises(ValueError, match=r"^p_tau must lie in \(0, 1\], got"):
        failure_probability(10, p)


@pytest.mark.parametrize("call,match", [
    (lambda: r_tilde(0.5, 0.5, 0.3, 0.1, 0.9), r"^kappa must lie in \(0, 1/4\]"),
    (lambda: r_tilde(0.5, 0.5, 0.1, 0.9, 0.1), r"^need 0 < kappa1 <= kappa2 <= 1"),
    (lambda: r_tilde("a", 0.5, 0.1, 0.1, 0.9), r"^p_tau must be a real number, got 'a'$"),
    (lambda: r_tilde(0.5, None, 0.1, 0.1, 0.9), r"^tau must be a real number, got None$"),
    (lambda: p_tau_cone(0.9, 1.0, 3), r"^phi must lie in \[0, arccos\(tau\)\)"),
    (lambda: p_tau_cone(0.5, 0.1, 1), r"^d must be >= 2, got 1$"),
    (lambda: failure_probability(0, 0.5), r"^n must be a positive integer, got 0$"),
    (lambda: bounded_set_constants(0.0, 1.25, 3), r"^r_max must be a finite number > 0, got 0.0$"),
    (lambda: bounded_set_constants(1.0, 1.25, 2.5), r"^d must be a positive integer, got 2.5$"),
    (lambda: theorem_b1_radius(0.5, 0.5, 2.0, 1.0, 0.1, 0.1, 0.5), r"^need 0 < tau' <= tau''"),
    (lambda: relu_gradient_bound(np.ones((17, 2)), np.ones(17)), r"^need W of shape \(k, d\) with k <= 16"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_non_binary_labels():
    X = torch.tensor([[1.0, 0.0], [-1.0, 0.0]], dtype=torch.float64)
    theta = torch.tensor([1.0, 0.5], dtype=torch.float64)
    with pytest.raises(ValueError, match=r"^y must be 0 or 1 for Theorem 3.2, got 0.5$"):
        mixup_minus_adversarial(theta, X, torch.tensor([0.5, 1.0], dtype=torch.float64), 0.01)


def test_min_abs_cosine_and_the_cone_minimum():
    from mixverify.certified import cone_min_abs_cos, min_abs_cosine

    rng = np.random.default_rng(3)
    X, theta = rng.normal(size=(50, 3)), rng.normal(size=3)
    cos = np.abs(X @ theta) / (np.linalg.norm(X, axis=1) * np.linalg.norm(theta))
    assert min_abs_cosine(theta, X) == pytest.approx(cos.min(), rel=1e-14)
    # the cone's minimum against brute force over its rim (d = 3: the minimum lies on the rim)
    u, phi = np.eye(3)[0], 0.3
    om = np.linspace(0, 2 * np.pi, 20_000, endpoint=False)
    rim = np.stack([np.full_like(om, math.cos(phi)), math.sin(phi) * np.cos(om), math.sin(phi) * np.sin(om)], axis=1)
    U = X / np.linalg.norm(X, axis=1, keepdims=True)
    brute = np.abs(U @ rim.T).min(axis=1)
    ok = np.arccos(np.minimum(1, np.abs(U @ u))) + phi <= np.pi / 2
    assert np.max(np.abs(cone_min_abs_cos(X, u, phi)[ok] - brute[ok])) < 2 * np.pi * math.sin(phi) / 20_000
    assert np.all(cone_min_abs_cos(X, u, phi)[~ok] == 0)


def test_nested_minimizers_are_the_minimizers_of_each_prefix():
    from mixverify.certified import nested_minimizers

    law = tilde_lambda_law(1.0, 1.0)
    m1, m2 = law.moment_one_minus(1), law.moment_one_minus(2)
    _, y, X_raw = sphere_logistic_data(400, 3, 1.0, np.random.default_rng(4), centre=False)
    thetas = nested_minimizers(X_raw, y, (100, 400), m1, m2, np.eye(3)[0])
    for n, theta in zip((100, 400), thetas):
        X = X_raw[:n] - X_raw[:n].mean(0)
        alone = fit_logistic_mixup(X, y[:n], m1, m2, (np.ones(3) * 0.1,), newton=False)[0]
        assert np.linalg.norm(theta - alone) < 1e-5  # BFGS gtol 1e-10 from two starts: the same minimizer


def test_exponent_in_n_recovers_a_power_law():
    from mixverify.certified import exponent_in_n

    ns = np.array([100, 1000, 10000])
    rng = np.random.default_rng(6)
    fit = exponent_in_n(ns**-0.5 * np.exp(rng.normal(scale=0.3, size=(40, 3))), ns)
    assert fit.lower < -0.5 < fit.upper and fit.half_width < 0.2 and fit.slopes.shape == (40,)
    assert exponent_in_n(np.tile(ns**-1.0, (3, 1)), ns).slope == pytest.approx(-1.0, abs=1e-12)
    with pytest.raises(ValueError, match="values must be > 0"):
        exponent_in_n(np.zeros((3, 3)), ns)
    with pytest.raises(ValueError, match="need values of shape"):
        exponent_in_n(np.ones((1, 3)), ns)


def test_p_tau_lines_matches_closed_forms_and_simulation():
    from mixverify.certified import cone_min_abs_cos, p_tau_lines

    # one line: P(|cos(x, u)| >= tau) = 1 - (2/pi) arcsin(tau) (x uniform on the circle)
    assert p_tau_lines([0.3], 0.0, 0.5) == pytest.approx(1 - 2 / math.pi * math.asin(0.5), rel=1e-14)
    # m equally spaced lines: positive below sin(pi/(2m)), zero above
    a = np.arange(7) * math.pi / 7
    assert p_tau_lines(a, 0.0, 0.99 * math.sin(math.pi / 14)) > 0 == p_tau_lines(a, 0.0, 1.01 * math.sin(math.pi / 14))
    angles, phi, tau = np.array([0.1, 1.0, 2.0]), 0.05, 0.1
    th = np.random.default_rng(7).uniform(0, 2 * math.pi, 200_000)
    X = np.stack([np.cos(th), np.sin(th)], axis=1)
    hit = np.min([cone_min_abs_cos(X, [math.cos(t), math.sin(t)], phi) for t in angles], axis=0) >= tau
    se = math.sqrt(hit.mean() * (1 - hit.mean()) / len(hit))
    assert abs(hit.mean() - p_tau_lines(angles, phi, tau)) < 4 * se  # 4 standard errors of 200000 draws
    with pytest.raises(ValueError, match="need phi >= 0 and tau in"):
        p_tau_lines(angles, -0.1, 0.2)
    with pytest.raises(ValueError, match="need at least one direction"):
        p_tau_lines([], 0.0, 0.2)
