"""The laws D_lambda and tilde-D_lambda: exact moments, quadrature, sampling, validation."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixverify import Beta, BetaMixture, expect, mixup_lambda_law, tilde_lambda_law
from mixverify.reference import beta_mixture_moment_one_minus, beta_moment_one_minus

params = st.floats(min_value=0.05, max_value=50, allow_nan=False)


@given(params, params)
@settings(max_examples=60, deadline=None)
def test_tilde_law_is_a_distribution_with_the_closed_form_moments(alpha, beta):
    law = tilde_lambda_law(alpha, beta)
    assert math.isclose(sum(law.weights), 1.0, rel_tol=1e-14)
    s = alpha + beta
    # closed forms derived in derivations/lemma_3_1.py
    assert math.isclose(law.moment_one_minus(1), 2 * alpha * beta / (s * (s + 1)), rel_tol=1e-12)
    assert math.isclose(law.moment_one_minus(2), alpha * beta / (s * (s + 1)), rel_tol=1e-12)


@given(params, params, st.integers(min_value=0, max_value=6))
@settings(max_examples=60, deadline=None)
def test_gauss_jacobi_is_exact_for_polynomials(alpha, beta, k):
    law = Beta(alpha, beta)
    # 4 nodes integrate degree <= 7 exactly; tolerance: round-off in nodes/weights (64 ulp of the value)
    assert expect(law, lambda lam: lam**k, nodes=4) == pytest.approx(law.moment(k), rel=64 * np.finfo(float).eps)


@pytest.mark.parametrize("alpha,beta", [(0.2, 0.2), (0.5, 2.0), (1.0, 1.0), (5.0, 0.5)])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_moments_match_quadpack(alpha, beta, k):
    assert Beta(alpha, beta).moment_one_minus(k) == pytest.approx(beta_moment_one_minus(alpha, beta, k), rel=1e-10)
    assert tilde_lambda_law(alpha, beta).moment_one_minus(k) == pytest.approx(
        beta_mixture_moment_one_minus(alpha, beta, k), rel=1e-10)


def test_mixture_quadrature_weights_sum_to_one_and_nodes_in_unit_interval():
    lam, w = tilde_lambda_law(0.3, 4.0).quadrature(16)
    assert lam.shape == w.shape == (32,)
    assert np.all((lam > 0) & (lam < 1))
    assert w.sum() == pytest.approx(1.0, rel=1e-14)


def test_sampling_matches_moments():
    rng = np.random.default_rng(0)
    law = tilde_lambda_law(5.0, 0.5)
    draws = 1 - law.sample(100_000, rng)
    se = draws.std(ddof=1) / np.sqrt(draws.size)
    assert abs(draws.mean() - law.moment_one_minus(1)) <= 4 * se  # 4 standard errors


def test_sampling_is_seeded():
    law = tilde_lambda_law(1.0, 2.0)
    a = law.sample(10, np.random.default_rng(3))
    b = law.sample(10, np.random.default_rng(3))
    assert np.array_equal(a, b)


@pytest.mark.parametrize("alpha,beta,name", [(0, 1, "alpha"), (-1, 1, "alpha"), (1, 0, "beta"),
                                             (float("nan"), 1, "alpha"), (1, float("inf"), "beta"),
                                             ("x", 1, "alpha")])
def test_bad_parameters_raise_one_line_errors(alpha, beta, name):
    for make in (mixup_lambda_law, tilde_lambda_law):
        with pytest.raises(ValueError, match=name) as info:
            make(alpha, beta)
        assert "\n" not in str(info.value)


def test_mixture_weights_must_form_a_distribution():
    with pytest.raises(ValueError, match="sum to 1"):
        BetaMixture((0.5, 0.6), (Beta(1, 1), Beta(2, 2)))


def test_nodes_must_be_positive_integer():
    with pytest.raises(ValueError, match="nodes"):
        Beta(1, 1).quadrature(0)
