"""mixverify.rademacher: the closed-form supremum against brute force, the estimators, the guards."""

import itertools
import math

import numpy as np
import pytest
from scipy.optimize import minimize

from mixverify.numerics import Z_MC
from mixverify.rademacher import (
    ellipsoid_support,
    expected_rademacher,
    logistic_retentive_rho,
    low_rank_population,
    mean_curvature,
    mixup_covariance,
    one_hot_expected_rademacher,
    one_hot_mean_norm,
    population_second_moment,
    printed_last_line,
    psd_geometry,
    rademacher_complexity,
    rademacher_complexity_exact,
    relaxation_radius,
    remark_3_2_bound,
    retentive_ratio,
    ridge_bound,
    second_moment,
    sharp_relaxation_radius,
    sign_vectors,
    softplus_second,
    support_bruteforce,
    theorem_3_4_bound,
    tight_frame,
)


def slsqp_support(u, M, gamma, cap):
    """Maximise theta^T u over theta^T M theta <= gamma and ||theta||^2 <= cap^2 with SLSQP."""
    cons = [{"type": "ineq", "fun": lambda t: gamma - t @ M @ t, "jac": lambda t: -2 * M @ t},
            {"type": "ineq", "fun": lambda t: cap**2 - t @ t, "jac": lambda t: -2 * t}]
    res = minimize(lambda t: -t @ u, np.zeros_like(u), jac=lambda t: -u, constraints=cons, method="SLSQP",
                   options={"ftol": 1e-14, "maxiter": 500})
    return -res.fun


def random_psd(rng, p, rank):
    A = rng.normal(size=(p, rank))
    return A @ A.T


@pytest.mark.parametrize("seed", range(5))
def test_closed_form_matches_slsqp_in_five_dimensions(seed):
    rng = np.random.default_rng(seed)
    M = random_psd(rng, 5, 5)
    u, gamma = rng.normal(size=5), float(rng.uniform(0.1, 5))
    assert ellipsoid_support(u, M, gamma) == pytest.approx(slsqp_support(u, M, gamma, 1e3), rel=1e-6)


def test_singular_m_in_range_is_finite_and_matches_slsqp():
    rng = np.random.default_rng(7)
    M = random_psd(rng, 5, 2)
    u = M @ rng.normal(size=5)  # in range(M)
    val = ellipsoid_support(u, M, 2.0)
    assert math.isfinite(val)
    assert val == pytest.approx(slsqp_support(u, M, 2.0, 1e3), rel=1e-6)


def test_singular_m_out_of_range_is_unbounded():
    rng = np.random.default_rng(8)
    M = random_psd(rng, 5, 2)
    u = rng.normal(size=5)
    assert ellipsoid_support(u, M, 1.0) == math.inf
    # the capped problem grows linearly with the cap
    a, b = slsqp_support(u, M, 1.0, 1e3), slsqp_support(u, M, 1.0, 2e3)
    assert b / a == pytest.approx(2.0, rel=1e-2)


@pytest.mark.parametrize("seed", range(8))
def test_closed_form_matches_planar_bruteforce(seed):
    rng = np.random.default_rng(100 + seed)
    M = random_psd(rng, 2, 2 if seed % 2 else 1)
    u = rng.normal(size=2) if seed % 2 else M @ rng.normal(size=2)
    gamma = float(rng.uniform(0.1, 9))
    low, err = support_bruteforce(u, M, gamma)
    closed = ellipsoid_support(u, M, gamma)
    assert low - 64 * np.finfo(float).eps * abs(low) <= closed <= low + err


@pytest.mark.parametrize("gamma", [0.25, 4.0])
def test_gamma_instead_of_sqrt_gamma_is_caught_by_the_bruteforce(gamma):
    rng = np.random.default_rng(3)
    M, u = random_psd(rng, 2, 2), rng.normal(size=2)
    low, err = support_bruteforce(u, M, gamma)
    wrong = ellipsoid_support(u, M, gamma**2)  # gamma sqrt(u^T M^-1 u)
    assert not (low - 1e-12 <= wrong <= low + err)


def test_vectorised_rows_and_scalar():
    rng = np.random.default_rng(0)
    M = random_psd(rng, 4, 4)
    U = rng.normal(size=(6, 4))
    rows = ellipsoid_support(U, M, 1.5)
    assert rows.shape == (6,)
    assert rows[2] == pytest.approx(ellipsoid_support(U[2], M, 1.5), rel=1e-15)


def test_monte_carlo_agrees_with_exact_enumeration():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(10, 3))
    M = random_psd(rng, 3, 3)
    exact = rademacher_complexity_exact(X, M, 0.7)
    est, se = rademacher_complexity(X, M, 0.7, draws=20000, generator=np.random.default_rng(2))
    assert abs(est - exact) <= Z_MC * se
    assert se < 0.01 * exact


def test_sign_vectors_enumerate_half_of_all_signs():
    S = sign_vectors(4)
    assert S.shape == (8, 4)
    assert (S[:, 0] == 1).all() and len({tuple(r) for r in S}) == 8


def test_row_outside_the_range_makes_the_complexity_infinite():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0]])
    M = np.diag([1.0, 0.0])
    assert rademacher_complexity_exact(X, M, 1.0) == math.inf
    assert rademacher_complexity(X, M, 1.0, draws=10, generator=np.random.default_rng(0)) == (math.inf, 0.0)


def test_cancelling_sums_of_centred_rows_stay_in_the_range():
    # centred rows in a subspace: xi = (1, ..., 1) sums to round-off, which must not count as "outside"
    rng = np.random.default_rng(3)
    raw, _ = low_rank_population(64, 8, 512, rng, offset=2.0)
    X = raw[:12] - raw[:12].mean(0)
    value = rademacher_complexity_exact(X, mixup_covariance(raw[:12]), 1.0)
    assert math.isfinite(value) and value > 0


def test_expected_complexity_scales_like_sqrt_rank_over_n():
    rng = np.random.default_rng(4)
    pop, Q = low_rank_population(32, 4, 2048, rng)
    est, se = expected_rademacher(pop, population_second_moment(pop), 1.0, 256, samples=16, draws=256, generator=rng)
    # E chi_4 / sqrt(4) = 0.94; the CLT makes sum xi_i x~_i / sqrt(n) approximately N(0, I_4)
    assert est == pytest.approx(0.94 * math.sqrt(4 / 256), rel=0.05)


def test_population_properties():
    rng = np.random.default_rng(5)
    pop, Q = low_rank_population(20, 3, 1000, rng)
    S = population_second_moment(pop)
    assert np.abs(pop.mean(0)).max() < 1e-14
    assert psd_geometry(S).rank == 3
    assert np.trace(S) == pytest.approx(3, rel=1e-12)
    pop_c, _ = low_rank_population(20, 3, 1000, rng, embedding="coordinates")
    assert np.diag(population_second_moment(pop_c)) == pytest.approx(np.ones(20), rel=1e-12)
    raw, Q = low_rank_population(20, 3, 1000, rng, offset=2.0)
    mean = raw.mean(0)
    assert np.linalg.norm(mean) == pytest.approx(2.0, rel=1e-12)
    assert np.abs(Q.T @ mean).max() < 1e-12
    assert psd_geometry(second_moment(raw)).rank == 4 and psd_geometry(mixup_covariance(raw)).rank == 3


def test_whitening_gives_rank():
    rng = np.random.default_rng(6)
    pop, _ = low_rank_population(16, 5, 800, rng, embedding="coordinates")
    geo = psd_geometry(population_second_moment(pop))
    xt = pop @ geo.pinv_sqrt()
    assert (xt**2).sum(1).mean() == pytest.approx(5, rel=1e-12)


def test_bounds_and_radii():
    assert theorem_3_4_bound(1.0, 0.5, 4, 16) == pytest.approx(math.sqrt(2) * 0.5)
    assert theorem_3_4_bound(0.01, 0.5, 9, 100) == pytest.approx(0.02**0.25 * 0.3)
    assert remark_3_2_bound(1.0, 0.5, 16, 16) == pytest.approx(math.sqrt(2))
    for gamma in np.geomspace(1e-3, 1e3, 25):
        for rho in np.linspace(0.01, 0.5, 25):
            assert sharp_relaxation_radius(gamma, rho) <= relaxation_radius(gamma, rho) * (1 + 1e-12)


def test_printed_last_line_has_rank_where_the_theorem_has_its_square_root():
    assert printed_last_line(1.0, 0.5, 4, 16) == pytest.approx(math.sqrt(2) * 4 / 4)
    assert printed_last_line(0.3, 0.2, 1, 50) == pytest.approx(theorem_3_4_bound(0.3, 0.2, 1, 50))
    assert printed_last_line(0.3, 0.2, 9, 50) == pytest.approx(3 * theorem_3_4_bound(0.3, 0.2, 9, 50))


def test_logistic_retentive_rho_is_a_certified_lower_bound():
    s = 1 / (1 + math.exp(-3.0))  # A''(u) = sigma(u) (1 - sigma(u)) at u = B R_x = 3
    assert logistic_retentive_rho(2.0, 1.5) == pytest.approx((s * (1 - s)) ** 2, rel=1e-14)
    rng = np.random.default_rng(9)
    points = rng.normal(size=(300, 3))
    B, r_x = 1.5, float(np.linalg.norm(points, axis=1).max())
    V = rng.normal(size=(200, 3))
    V *= B * rng.uniform(0.01, 1.0, size=(200, 1)) / np.linalg.norm(V, axis=1, keepdims=True)  # ||v|| <= B
    assert (retentive_ratio(points, V) >= logistic_retentive_rho(B, r_x)).all()


def test_mean_curvature():
    pop = np.array([[1.0], [-1.0]])
    assert mean_curvature(pop, np.array([[2.0], [-2.0]])) == pytest.approx([softplus_second(2.0)] * 2, rel=1e-15)
    assert mean_curvature(pop, np.array([[0.5], [3.0]]), a2=np.ones_like) == pytest.approx([1.0, 1.0])
    X, V = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]]), np.array([[0.2, -0.4]])
    assert mean_curvature(X, V)[0] == pytest.approx(np.mean([softplus_second(float(x @ V[0])) for x in X]), rel=1e-15)


def test_ridge_bound_uses_the_uncentred_second_moment():
    X = np.array([[1.0, 2.0], [3.0, 2.0]])
    assert ridge_bound(X, 4.0) == pytest.approx(math.sqrt(4 * (5 + 13) / 2 / 2))


def test_retentive_ratio():
    pop = np.array([[1.0], [-1.0]])
    assert retentive_ratio(pop, np.array([[0.5], [3.0]]), a2=np.ones_like) == pytest.approx([4.0, 1.0])
    r = retentive_ratio(pop, np.array([[2.0]]))
    assert r[0] == pytest.approx(softplus_second(2.0) ** 2)
    assert softplus_second(1e4) == 0.0 and softplus_second(0.0) == 0.25


def _one_hot_bruteforce(n, r):
    """E_S E_xi ||sum_i xi_i x~_i|| / sqrt(n r) over all r^n coordinate choices and 2^n signs (x~ = +-sqrt(r) e_J)."""
    total = 0.0
    for coords in itertools.product(range(r), repeat=n):
        for signs in itertools.product((-1.0, 1.0), repeat=n):
            v = np.zeros(r)
            np.add.at(v, list(coords), np.array(signs) * math.sqrt(r))
            total += np.linalg.norm(v)
    return total / (r**n * 2**n) / math.sqrt(n * r)


@pytest.mark.parametrize("n,r", [(1, 4), (2, 3), (3, 3), (4, 2), (5, 1)])
def test_one_hot_mean_norm_matches_bruteforce(n, r):
    assert one_hot_mean_norm(n, r) == pytest.approx(_one_hot_bruteforce(n, r), rel=1e-13)


def test_one_hot_mean_norm_limits():
    assert one_hot_mean_norm(1, 7) == 1.0  # n = 1: ||x~|| = sqrt(r) exactly
    # r = 1: E|sum of n signs| / sqrt(n), e.g. n = 4: E|S_4| = 3/2
    assert one_hot_mean_norm(4, 1) == pytest.approx(1.5 / 2, rel=1e-15)
    # no collisions are likely: near 1 (Jensen's steps near equalities), below 1
    v = one_hot_mean_norm(16, 4096)
    assert 0.99 < v < 1.0
    rng = np.random.default_rng(3)  # Monte Carlo second opinion at n = 6, r = 5
    J, xi = rng.integers(0, 5, size=(200_000, 6)), rng.choice([-1.0, 1.0], size=(200_000, 6))
    sums = np.zeros((200_000, 5))
    np.add.at(sums, (np.arange(200_000)[:, None].repeat(6, 1), J), xi)
    norms = np.linalg.norm(sums, axis=1) / math.sqrt(6)  # sqrt(r) cancels against sqrt(n r)
    assert abs(norms.mean() - one_hot_mean_norm(6, 5)) < 4 * norms.std() / math.sqrt(norms.size)


@pytest.mark.parametrize("n,scale", [(1, 1.0), (3, 0.5), (5, 2.0)])
def test_one_hot_expected_rademacher_matches_enumeration_over_every_sample(n, scale):
    """E_S Rad exactly: the mean of rademacher_complexity_exact over every sample of the one-hot law (r = 2, copied to
    p = 4 coordinates and scaled), weighted by its probability; for the ridge class and for Theorem 3.4's."""
    r, p = 2, 4
    E = scale * tight_frame(p, r)
    sigma = E @ E.T
    points = [sgn * math.sqrt(r) * E[:, j] for j in range(r) for sgn in (1.0, -1.0)]  # 2r equally likely points
    for M in (np.eye(p), sigma):
        mean = np.mean([rademacher_complexity_exact(np.array(S), M, 1.5) for S in itertools.product(points, repeat=n)])
        assert one_hot_expected_rademacher(E, M, 1.5, n) == pytest.approx(mean, rel=1e-13)
    assert one_hot_expected_rademacher(E, np.eye(p), 1.5, n) / one_hot_expected_rademacher(E, sigma, 1.5, n) == \
        pytest.approx(scale * math.sqrt(p / r), rel=1e-13)
    assert one_hot_expected_rademacher(E, np.diag([1.0, 1.0, 0.0, 0.0]), 1.0, n) == math.inf  # E leaves range(M)


def test_tight_frame():
    E = tight_frame(12, 3)
    assert np.allclose(E.T @ E, 4 * np.eye(3)) and np.allclose(np.linalg.norm(E, axis=1), 1.0)


@pytest.mark.parametrize("call,match", [
    (lambda: ellipsoid_support(np.ones(2), np.eye(2), 0.0), "gamma"),
    (lambda: ellipsoid_support(np.ones(2), np.eye(2), -1), "gamma"),
    (lambda: ellipsoid_support(np.ones(3), np.eye(2), 1.0), "U must have 2 columns"),
    (lambda: ellipsoid_support(np.ones(2), np.array([[1.0, 0], [0, -1.0]]), 1.0), "positive semi-definite"),
    (lambda: ellipsoid_support(np.ones(2), np.array([[1.0, 1.0], [0, 1.0]]), 1.0), "symmetric"),
    (lambda: ellipsoid_support(np.ones(2), np.ones((2, 3)), 1.0), "square"),
    (lambda: theorem_3_4_bound(1.0, 0.6, 2, 10), "rho must lie in"),
    (lambda: theorem_3_4_bound(1.0, 0.0, 2, 10), "rho"),
    (lambda: theorem_3_4_bound(0.0, 0.5, 2, 10), "gamma"),
    (lambda: theorem_3_4_bound(1.0, 0.5, 0, 10), "rank"),
    (lambda: rademacher_complexity(np.ones((3, 2)), np.eye(2), 1.0, draws=1, generator=np.random.default_rng()),
     "draws"),
    (lambda: rademacher_complexity(np.ones((3, 2)), np.eye(2), 1.0, draws=5, generator=0), "generator"),
    (lambda: rademacher_complexity(np.ones((3, 2)), np.eye(3), 1.0, draws=5, generator=np.random.default_rng()),
     "X must have 3 columns"),
    (lambda: rademacher_complexity_exact(np.ones((21, 2)), np.eye(2), 1.0), "at most 20"),
    (lambda: rademacher_complexity_exact(np.array([[np.nan, 1.0]]), np.eye(2), 1.0), "finite"),
    (lambda: population_second_moment(np.array([[1.0, 0.0], [2.0, 0.0]])), "hypothesis not met"),
    (lambda: support_bruteforce(np.ones(3), np.eye(3), 1.0), "plane"),
    (lambda: low_rank_population(4, 5, 100, np.random.default_rng()), "r <= p"),
    (lambda: low_rank_population(4, 4, 100, np.random.default_rng(), offset=1.0), "offset"),
    (lambda: retentive_ratio(np.ones((3, 2)), np.array([[1.0, -1.0]])), "orthogonal"),
    (lambda: mean_curvature(np.ones((3, 2)), np.ones((1, 3))), "V must have 2 columns"),
    (lambda: logistic_retentive_rho(0.0, 1.0), "B"),
    (lambda: logistic_retentive_rho(1.0, -1.0), "r_x"),
    (lambda: printed_last_line(1.0, 0.5, 0, 10), "rank"),
    (lambda: printed_last_line(1.0, 0.7, 4, 10), "rho must lie in"),
    (lambda: one_hot_mean_norm(0, 3), "^n must be a positive integer"),
    (lambda: one_hot_mean_norm(3, 0), "^r must be a positive integer"),
    (lambda: one_hot_mean_norm(65, 3), "^n must be at most 64"),
    (lambda: tight_frame(6, 4), "^p must be a multiple of r"),
    (lambda: one_hot_expected_rademacher(np.ones((3, 2)), np.eye(4), 1.0, 2), "^embedding must have 4 rows"),
    (lambda: one_hot_expected_rademacher(np.array([[1.0, 0], [0, 2.0]]), np.eye(2), 1.0, 2), "multiple of an isometry"),
    (lambda: one_hot_expected_rademacher(np.eye(2), np.eye(2), 0.0, 2), "gamma"),
])
def test_bad_input_is_a_one_line_value_error(call, match):
    with pytest.raises(ValueError, match=match) as info:
        call()
    assert "\n" not in str(info.value)
